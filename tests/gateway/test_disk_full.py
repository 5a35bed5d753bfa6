"""A full disk under the chain file (issue 18, finding 4): the write that meets it is
answered 503 DISK_FULL with the reason, /readyz says why, the block is forgotten in
memory as on disk, and writes are taken again as soon as there is room, with no
restart. Real requests to a served gateway; the full disk is SQLite's own error,
raised at the chain file's connection (filling a real disk needs a mount)."""

from __future__ import annotations

import sqlite3
import time

import httpx

from chain.node import open_node
from gateway.api.app import create_app
from gateway.demo import OFFICIALS, seed_officials
from gateway.runtime import Gateway
from gateway.services.applications import parcel_id
from gateway.settings import Settings
from support.http import API, error_of, login, ok
from support.serving import serve

PASSPHRASE = "disk-full-tests"
ANSWER_WITHIN_S = 20  # bounds on a hang, not measures of speed
READY_AGAIN_WITHIN_S = 10


class Disk:
    """The chain file's connection on a disk that fills and is freed: while `full`, a
    commit with something to write raises SQLite's SQLITE_FULL error; reads still work."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection
        self.full = False

    def execute(self, sql: str, parameters=()):
        return self.connection.execute(sql, parameters)

    def commit(self) -> None:
        if self.full and self.connection.in_transaction:
            raise sqlite3.OperationalError("database or disk is full")
        self.connection.commit()

    def rollback(self) -> None:
        self.connection.rollback()

    def close(self) -> None:
        self.connection.close()


def _ccer(http: httpx.Client, headers: dict, parcel: str) -> httpx.Response:
    return http.post(f"{API}/parcels/ccer", headers=headers, json={"parcel_number": parcel, "listed": True})


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
    disk = kv._conn = Disk(kv._conn)
    try:
        with serve(create_app(settings, gateway=gateway)) as url, httpx.Client(base_url=url, timeout=ANSWER_WITHIN_S) as http:
            eeb = login(http, OFFICIALS["EEB"])
            ok(_ccer(http, eeb, "P-BEFORE"))
            head = gateway.node.chain.head()

            disk.full = True
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

            disk.full = False  # space freed: the idle producer finds room by itself
            assert _ready_within(http, READY_AGAIN_WITHIN_S), http.get("/readyz").text
            ok(_ccer(http, eeb, "P-AFTER"))
            assert gateway.node.registry.call("ccer_listed", parcel_id("P-AFTER")) is True

            disk.full = True  # full again: the next write, not an idle check, meets it
            error_of(_ccer(http, eeb, "P-FULL-LATER"), 503, "DISK_FULL")
            disk.full = False
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
