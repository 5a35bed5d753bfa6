"""Makes a release's database snapshots, which tests/gateway/core/test_migrations.py upgrades:
run it at the release's commit (the snapshot must come from that release's own code).

    git worktree add /tmp/release <commit>
    cd /tmp/release && source scripts/postgres
    PYTHONPATH=/tmp/release:/tmp/release/tests python tests/gateway/core/snapshots/make.py <version> <this folder>

It tells the demo story (tanquan demo: officials, holders, a coupon's whole life) on a
fresh gateway over SQLite and over PostgreSQL, and dumps each database as SQL:
release-<version>.sqlite.sql (sqlite3's .dump) and release-<version>.postgresql.sql
(pg_dump --inserts)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from support import costs
from support.databases import PostgresDatabases

os.environ.update(costs.ENVIRONMENT)

from gateway import demo  # noqa: E402
from gateway.api.app import create_app  # noqa: E402
from gateway.runtime.wiring import Gateway
from gateway.core.settings import Settings


def tell_story(data_dir: Path, database_url: str | None) -> None:
    settings = Settings(data_dir=data_dir, database_url=database_url, loss_notice_days=demo.DEMO_LOSS_NOTICE_DAYS,
                        public_requests_per_minute=10**6)
    gateway = Gateway.open(settings, passphrase=demo.DEMO_PASSWORD)
    try:
        demo.seed_officials(gateway)
        with TestClient(create_app(settings, gateway=gateway)) as client:
            demo.run(client, progress=lambda line: None)
    finally:
        gateway.close()


def main(version: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tell_story(Path(tmp) / "sqlite", None)
        with sqlite3.connect(Path(tmp) / "sqlite" / "index.sqlite") as db:
            (out / f"release-{version}.sqlite.sql").write_text("\n".join(db.iterdump()) + "\n")
        databases = PostgresDatabases(os.environ["TANQUAN_TEST_POSTGRES_URL"])
        try:
            url = make_url(databases.new())
            tell_story(Path(tmp) / "postgresql", url.render_as_string(hide_password=False))
            dump = subprocess.run(
                ["pg_dump", "--inserts", "--no-owner", "--no-privileges", "--no-comments", "-h", url.host,
                 "-p", str(url.port), "-U", url.username, url.database],
                capture_output=True, text=True, check=True).stdout
            # psql's own commands (\restrict …) are not SQL: the test runs the file through psycopg.
            sql = "\n".join(line for line in dump.splitlines() if not line.startswith("\\"))
            (out / f"release-{version}.postgresql.sql").write_text(sql + "\n")
        finally:
            databases.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
