"""Schema migrations: every change to the database's tables is an Alembic revision
in gateway/core/migrations/versions, and the gateway upgrades its database to the
newest revision when it starts (SQLite or PostgreSQL alike).

To change a table: edit its model (chain/index/schema.py or gateway/core/db.py), then
`python -m gateway.migrate revision "what changed"` writes the next revision by
comparing the models with a database at the newest revision; read it, keep it,
and tests/gateway/core/test_migrations.py checks that the revisions and the models
agree on both databases.

Revision 0001 is the schema of the first release, which made its own tables; it
creates only what is missing, so a database of that release upgrades in place.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine

from chain.index.schema import Base as IndexBase

from .db import GatewayBase

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Replicas that start together upgrade one at a time (a transaction-scoped advisory lock).
UPGRADE_LOCK = 0x7A9C_0001
# The tables the revisions keep: the event index's and the gateway's own.
TARGET_METADATA = [IndexBase.metadata, GatewayBase.metadata]


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current(engine: Engine) -> str | None:
    """The revision the database is at; None before any."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`, in one transaction (PostgreSQL's DDL is transactional)."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})
        command.upgrade(_config(connection), revision)


def drift(engine: Engine) -> list:
    """What the models have that the database lacks, or the other way round (Alembic's
    comparison, as autogenerate makes it): empty when the newest revision matches the models."""
    from alembic.autogenerate import compare_metadata

    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), TARGET_METADATA)


def new_revision(message: str) -> None:
    """Autogenerate the next revision: the models compared with a database upgraded to head."""
    with tempfile.TemporaryDirectory(prefix="tanquan-revision-") as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'head.sqlite'}")
        upgrade(engine)
        number = int(head()) + 1
        with engine.begin() as connection:
            command.revision(_config(connection), message=message, autogenerate=True, rev_id=f"{number:04d}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gateway.migrate", description="Tanquan's schema migrations")
    commands = parser.add_subparsers(dest="command", required=True)
    revision = commands.add_parser("revision", help="write the next revision from the models' changes")
    revision.add_argument("message")
    commands.add_parser("upgrade", help="upgrade TANQUAN_DATABASE_URL (or the data directory's SQLite) to head")
    args = parser.parse_args(argv)
    if args.command == "revision":
        new_revision(args.message)
    else:
        from .db import make_engine
        from .settings import get_settings

        engine = make_engine(get_settings().index_url)
        upgrade(engine)
        print(f"database at revision {current(engine)}")


if __name__ == "__main__":
    main()
