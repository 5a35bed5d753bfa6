"""Alembic's environment for Tanquan's one database: the event index's tables
(chain/index/schema.py) and the gateway's own records (gateway/core/db.py) are
upgraded together. gateway/core/migrate.py hands in the connection; there is no
alembic.ini."""

from alembic import context

from gateway.core.migrate import TARGET_METADATA


def run() -> None:
    context.configure(
        connection=context.config.attributes["connection"],
        target_metadata=TARGET_METADATA,
        render_as_batch=True,  # SQLite alters a table by copying it: autogenerate writes batch operations
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
