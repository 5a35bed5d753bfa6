"""Schema migrations (gateway/core/migrate.py): a fresh database upgrades to the newest
revision and then matches the models exactly; a database made by the previous
release (a snapshot of its own database after the demo story, tests/gateway/core/snapshots)
upgrades in place and keeps every row. On SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.orm import Session

from chain.index import EventIndex
from gateway.core import migrate
from gateway.core.db import User

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
PREVIOUS_RELEASE = "0.1.0"


@pytest.fixture
def engine(index_url):
    engine = create_engine(index_url)
    yield engine
    engine.dispose()


def _load_snapshot(engine, release: str) -> None:
    script = (SNAPSHOTS / f"release-{release}.{engine.dialect.name}.sql").read_text()
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            raw.driver_connection.executescript(script)
        else:
            with raw.cursor() as cursor:
                cursor.execute(script)
            raw.commit()
    finally:
        raw.close()
    engine.dispose()  # the dump's session settings (PostgreSQL's empty search_path) leave with its connection


def _rows(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order (what a release must not lose)."""
    tables = sorted(name for name in inspect(engine).get_table_names() if name != "alembic_version")
    with engine.connect() as connection:
        return {
            name: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {name} ORDER BY 1"))]
            for name in tables
        }


def test_upgrade__empty_database__at_the_newest_revision_and_matches_the_models(engine):
    assert migrate.current(engine) is None
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    assert migrate.drift(engine) == []


def test_upgrade__twice__changes_nothing(engine):
    migrate.upgrade(engine)
    before = _rows(engine)
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    assert _rows(engine) == before


def test_upgrade__database_of_the_previous_release__keeps_every_row(engine):
    _load_snapshot(engine, PREVIOUS_RELEASE)
    assert migrate.current(engine) is None  # that release made its tables itself
    before = _rows(engine)
    assert before["coupons"] and before["users"] and before["audit_log"] and before["steps"]

    migrate.upgrade(engine)

    assert migrate.current(engine) == migrate.head()
    assert migrate.drift(engine) == []
    after = _rows(engine)
    for table, rows in before.items():  # a later revision may add columns: the old ones keep their values
        kept = [row[: len(rows[0])] for row in after[table]] if rows else after[table]
        assert kept == rows, table


def test_upgrade__database_of_the_previous_release__the_gateway_reads_it(engine):
    _load_snapshot(engine, PREVIOUS_RELEASE)
    migrate.upgrade(engine)
    index = EventIndex(engine)
    numbers = [row.number for row in index.coupons()]
    assert numbers
    record = index.provenance(numbers[0])
    assert record["coupon"]["number"] == numbers[0] and record["history"]
    with Session(engine) as session:
        assert session.scalar(select(User).where(User.username == "center_officer")) is not None
