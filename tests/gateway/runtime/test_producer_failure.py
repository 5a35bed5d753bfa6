"""A block producer that fails says so (DESIGN §8): on a disk that fails under it,
every write waiting for a block is answered 503 PRODUCER_FAILED at once, later
writes too, /readyz says not ready while /healthz and public reads still answer,
and the half-written block never reaches the disk. A full disk is not a failure of the
producer (issue 18, finding 4): the write that meets it is answered 503 DISK_FULL, /readyz
says why, the block is forgotten in memory as on disk, and writes are taken again as soon
as there is room, with no restart. Real requests to a served gateway; the disk's errors are
SQLite's own, raised at the chain file's connection (filling a real disk needs a mount)."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from chain.node import open_node
from gateway.api.app import create_app
from gateway.demo import OFFICIALS, seed_officials
from gateway.runtime.wiring import Gateway
from gateway.services.boundaries import parcel_id
from gateway.core.settings import Settings
from support.http import API, error_of, login, ok
from support.serving import serve

WRITERS = 16
READY_AGAIN_WITHIN_S = 10
PASSPHRASE = "producer-failure-tests"
ANSWER_WITHIN_S = 20  # a bound on a hang (a write used to wait forever), not a measure of speed


class FailingDisk:
    """The chain file's connection while its disk fails (`failing`, which a test turns off when
    the disk is freed): reads still work; writes raise `error` as SQLite does, on the statement
    or on the commit."""

    def __init__(self, connection: sqlite3.Connection, error: sqlite3.Error, on: str):
        self.connection, self.error, self.on = connection, error, on
        self.failing = True

    def execute(self, sql: str, parameters=()):
        if self.failing and self.on == "write" and sql.lstrip().upper().startswith(("INSERT", "DELETE")):
            raise self.error
        return self.connection.execute(sql, parameters)

    def commit(self) -> None:
        if self.failing and self.on == "commit" and self.connection.in_transaction:
            raise self.error
        self.connection.commit()

    def rollback(self) -> None:
        self.connection.rollback()

    def close(self) -> None:
        self.connection.close()


def _ccer(http: httpx.Client, headers: dict, parcel: str) -> httpx.Response:
    return http.post(f"{API}/parcels/ccer", headers=headers, json={"parcel_number": parcel, "listed": True})


@pytest.mark.parametrize("error, on", [
    (sqlite3.OperationalError("disk I/O error"), "write"),
    (sqlite3.OperationalError("disk I/O error"), "commit"),
], ids=["io-error-on-write", "io-error-on-commit"])
def test_writes__producer_database_fails__every_waiting_write_503_and_not_ready(tmp_path, error, on):
    settings = Settings(data_dir=tmp_path)
    gateway = Gateway.open(settings, served=True, passphrase=PASSPHRASE)
    seed_officials(gateway)
    kv = gateway.node.embedded.backend.kv
    try:
        with serve(create_app(settings, gateway=gateway)) as url, httpx.Client(base_url=url, timeout=ANSWER_WITHIN_S) as http:
            eeb = login(http, OFFICIALS["EEB"])
            ok(_ccer(http, eeb, "P-BEFORE"))
            assert http.get("/readyz").status_code == 200
            head = gateway.node.chain.head()

            kv._conn = FailingDisk(kv._conn, error, on)
            with ThreadPoolExecutor(WRITERS) as pool:
                responses = list(pool.map(lambda i: _ccer(http, eeb, f"P-{i}"), range(WRITERS)))

            for response in responses:
                body = error_of(response, 503, "PRODUCER_FAILED")
                assert str(error) in body["message"]
            error_of(_ccer(http, eeb, "P-AFTER"), 503, "PRODUCER_FAILED")  # refused at once from now on
            readiness = http.get("/readyz")
            assert readiness.status_code == 503
            assert any(str(error) in problem for problem in readiness.json()["problems"])
            assert http.get("/healthz").status_code == 200
            assert ok(http.get(f"{API}/public/offsets/0x{'ab' * 32}"))["verdict"] == "unknown"  # reads still answer
            audit = ok(http.get(f"{API}/audit", params={"limit": 50}, headers=login(http, OFFICIALS["DRC"])))
            assert sum(e["outcome"].startswith("rejected") for e in audit) == WRITERS + 1
    finally:
        kv._conn = getattr(kv._conn, "connection", kv._conn)
        gateway.close()

    # Nothing of the failed block reached the disk: the chain reopens at the last good head.
    node = open_node(tmp_path, passphrase=PASSPHRASE, scrypt_n=settings.key_scrypt_n)
    try:
        assert node.chain.head() == head
        assert node.registry.call("ccer_listed", parcel_id("P-BEFORE")) is True
        assert not any(node.registry.call("ccer_listed", parcel_id(f"P-{i}")) for i in range(WRITERS))
    finally:
        node.close()


def _ready_within(http: httpx.Client, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if http.get("/readyz").status_code == 200:
            return True
        time.sleep(0.2)
    return False


def test_write__chain_disk_full_then_freed__503_disk_full_then_taken_again_without_restart(tmp_path):
    settings = Settings(data_dir=tmp_path)
    gateway = Gateway.open(settings, served=True, passphrase=PASSPHRASE)
    seed_officials(gateway)
    kv = gateway.node.embedded.backend.kv
    disk = kv._conn = FailingDisk(kv._conn, sqlite3.OperationalError("database or disk is full"), on="commit")
    disk.failing = False
    try:
        with serve(create_app(settings, gateway=gateway)) as url, httpx.Client(base_url=url, timeout=ANSWER_WITHIN_S) as http:
            eeb = login(http, OFFICIALS["EEB"])
            ok(_ccer(http, eeb, "P-BEFORE"))
            head = gateway.node.chain.head()

            disk.failing = True
            body = error_of(_ccer(http, eeb, "P-FULL"), 503, "DISK_FULL")
            assert "is full" in body["message"] and "database or disk is full" in body["message"]
            error_of(_ccer(http, eeb, "P-FULL-AGAIN"), 503, "DISK_FULL")  # still tried, still no room
            readiness = http.get("/readyz")
            assert readiness.status_code == 503
            assert any("database or disk is full" in problem for problem in readiness.json()["problems"])
            # The refused block is gone from memory as from disk: the chain reads as before it.
            assert gateway.node.chain.head() == head
            assert gateway.node.registry.call("ccer_listed", parcel_id("P-FULL")) is False
            assert http.get("/healthz").status_code == 200

            disk.failing = False  # space freed: the idle producer finds room by itself
            assert _ready_within(http, READY_AGAIN_WITHIN_S), http.get("/readyz").text
            ok(_ccer(http, eeb, "P-AFTER"))
            assert gateway.node.registry.call("ccer_listed", parcel_id("P-AFTER")) is True

            disk.failing = True  # full again: the next write, not an idle check, meets it
            error_of(_ccer(http, eeb, "P-FULL-LATER"), 503, "DISK_FULL")
            disk.failing = False
            ok(_ccer(http, eeb, "P-LAST"))  # the first write after space returns is taken
            assert http.get("/readyz").status_code == 200
            audit = ok(http.get(f"{API}/audit", params={"limit": 50}, headers=login(http, OFFICIALS["DRC"])))
            assert sum(e["outcome"].startswith("rejected") for e in audit) == 3
    finally:
        kv._conn = disk.connection
        gateway.close()

    # What was acknowledged is on disk, what was refused is not.
    node = open_node(tmp_path, passphrase=PASSPHRASE, scrypt_n=settings.key_scrypt_n)
    try:
        listed = {parcel: node.registry.call("ccer_listed", parcel_id(parcel))
                  for parcel in ("P-BEFORE", "P-FULL", "P-FULL-AGAIN", "P-AFTER", "P-FULL-LATER", "P-LAST")}
        assert listed == {"P-BEFORE": True, "P-FULL": False, "P-FULL-AGAIN": False, "P-AFTER": True,
                          "P-FULL-LATER": False, "P-LAST": True}
    finally:
        node.close()
