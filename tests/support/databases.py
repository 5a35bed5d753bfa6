"""The two databases the gateway runs on (DESIGN §8): SQLite in the data directory,
and PostgreSQL by URL. A pytest plugin (tests/conftest.py loads it): every test that
asks, directly or through its fixtures, for `database_kind` runs once per database.

PostgreSQL is the server `scripts/test` starts (scripts/postgres), named by
TANQUAN_TEST_POSTGRES_URL; each test database is created fresh from it and dropped
at the end of the session. `--database sqlite` (or postgresql) runs one of them;
without the URL only SQLite runs, and the run says so.

Which tests run twice is decided by fixtures, not by lists: exactly those that reach a
database, that is ask for `database_kind` directly or through `new_database_url`,
`index_url` or the gateway's `settings` (so every test through the gateway's HTTP, its
services or the index). A test that reaches none (the contracts, the chain and its key
store, the import rules) runs once. A test that needs no database but takes the
gateway still runs on both: which database a gateway test depends on cannot be told
from its fixtures, and a listed exception would rot as tests are added.

Under pytest-xdist each worker is its own session: its own gateways, and its own
databases, named after the worker (`tanquan_test_gw0_…`) and dropped when it ends."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

KINDS = ("sqlite", "postgresql")
POSTGRES_URL = os.environ.get("TANQUAN_TEST_POSTGRES_URL")


def pytest_addoption(parser) -> None:
    parser.addoption("--database", choices=(*KINDS, "both"), default="both",
                     help="which database the gateway's tests run on (default: both, when PostgreSQL is up)")


def _kinds(config) -> list[str]:
    chosen = config.getoption("--database")
    kinds = list(KINDS) if chosen == "both" else [chosen]
    if "postgresql" in kinds and not POSTGRES_URL:
        if chosen == "postgresql":
            raise pytest.UsageError("--database postgresql needs TANQUAN_TEST_POSTGRES_URL (`source scripts/postgres`)")
        kinds.remove("postgresql")
    return kinds


def pytest_report_header(config) -> str:
    if "postgresql" in _kinds(config):
        return f"databases: {', '.join(_kinds(config))} ({make_url(POSTGRES_URL).render_as_string(hide_password=True)})"
    return "databases: sqlite only (no TANQUAN_TEST_POSTGRES_URL: `bash scripts/test` starts PostgreSQL)"


def pytest_generate_tests(metafunc) -> None:
    if "database_kind" in metafunc.fixturenames:
        metafunc.parametrize("database_kind", _kinds(metafunc.config), indirect=True, scope="session")


@pytest.fixture(scope="session")
def database_kind(request) -> str:
    return request.param


class PostgresDatabases:
    """Fresh databases on the test server, each dropped (whoever still holds it) at close."""

    def __init__(self, server_url: str):
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self._server = make_url(server_url)
        self._made: list[str] = []

    def new(self) -> str:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # which worker's, should one be left behind
        name = f"tanquan_test_{worker}_{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self._made.append(name)
        return self._server.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        with self._admin.connect() as connection:
            for name in self._made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()


@pytest.fixture(scope="session")
def new_database_url(database_kind) -> Iterator[Callable[[], str | None]]:
    """new_database_url() → a fresh, empty database of this run's kind for one gateway:
    a PostgreSQL URL, or None for SQLite (the gateway's default file in its data directory)."""
    if database_kind == "sqlite":
        yield lambda: None
        return
    databases = PostgresDatabases(POSTGRES_URL)
    try:
        yield databases.new
    finally:
        databases.close()


@pytest.fixture
def index_url(new_database_url, tmp_path) -> str:
    """A fresh database's URL for one test's event index (SQLite: a file in the test's tmp_path)."""
    return new_database_url() or f"sqlite:///{tmp_path / 'index.sqlite'}"
