"""Public reads never wait for the block producer (DESIGN §8): offset verification
reads the chain's committed blocks on a connection of its own, finds the
transaction through the chain's hash → block table, and costs the same at any
chain length. /healthz and /readyz say whether the gateway is alive and ready."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from chain.durable import SqliteKV
from gateway.api.app import create_app
from gateway.demo import OFFICIALS, seed_officials
from gateway.runtime import Gateway
from gateway.services import public
from gateway.settings import Settings
from support import api
from support.http import API, login, ok

ANSWER_WITHIN_S = 30  # a bound on a deadlock, not a measure of speed (scripts/bench_public.py measures)


@pytest.fixture(scope="module")
def own(tmp_path_factory) -> Iterator[tuple[Gateway, TestClient]]:
    """A gateway of this module's own: its chain grows by hundreds of blocks here."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("public-reads"))
    gateway = Gateway.open(settings, served=False, passphrase="public-reads-tests")
    seed_officials(gateway)
    try:
        with TestClient(create_app(settings, gateway=gateway), base_url="http://localhost") as client:
            yield gateway, client
    finally:
        gateway.close()


@pytest.fixture(scope="module")
def certificate(own) -> str:
    """The tx hash of a valid offset certificate."""
    _, client = own
    officials = {role: login(client, username) for role, username in OFFICIALS.items()}
    holder = api.register_holder(client)
    number = api.mint(client, officials, holder)
    ok(api.owner_request(client, holder, number, "OFFSET"))
    return ok(client.post(f"{API}/coupons/{number}/offset", headers=officials["EEB"], json={
        "purpose": "GREEN_POINTS", "beneficiary": "绿色积分平台", "case_reference": "GP-2026-9"}))["certificate"]


@contextmanager
def producer_lock_held(gateway: Gateway) -> Iterator[None]:
    """Another thread holds the lock every block the producer mines is made under."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with gateway.node.embedded.lock:
            taken.set()
            release.wait()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    taken.wait()
    try:
        yield
    finally:
        release.set()
        holder.join()


@contextmanager
def database_reads(monkeypatch) -> Iterator[list[bytes]]:
    """Every key the chain's SQLite files are asked for, by any connection."""
    keys: list[bytes] = []
    original = SqliteKV.__getitem__

    def counted(self, key: bytes) -> bytes:
        keys.append(key)
        return original(self, key)

    with monkeypatch.context() as patch:
        patch.setattr(SqliteKV, "__getitem__", counted)
        yield keys


def test_verify_offset__producer_lock_held_elsewhere__answers_without_waiting_for_it(own, certificate):
    gateway, client = own
    answers: list = []
    with producer_lock_held(gateway):
        reader = threading.Thread(target=lambda: answers.append(client.get(f"{API}/public/offsets/{certificate}")))
        reader.start()
        reader.join(timeout=ANSWER_WITHIN_S)
        assert not reader.is_alive(), "verification waited for the block producer's lock"
    (response,) = answers
    assert ok(response)["verdict"] == "valid"
    assert response.json()["certificate"]["certificate_id"] == certificate


def test_verify_offset__300_more_blocks__same_database_reads(own, certificate, monkeypatch):
    gateway, _ = own
    with database_reads(monkeypatch) as before:
        assert public.verification(gateway, certificate)["verdict"] == "valid"
    gateway.node.embedded.tester.mine_blocks(300)
    with database_reads(monkeypatch) as after:
        assert public.verification(gateway, certificate)["verdict"] == "valid"
    # The same reads, a block number apart: none scans the 300 blocks between the head and the certificate.
    assert len(after) == len(before)


def test_verify_offset__unknown_hash_on_a_long_chain__unknown_without_a_scan(own, monkeypatch):
    gateway, _ = own
    with database_reads(monkeypatch) as reads:
        assert public.verification(gateway, "0x" + "ab" * 32)["verdict"] == "unknown"
    assert len(reads) < 10


def test_healthz__running_gateway__alive(own):
    _, client = own
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"alive": True}


def test_readyz__database_and_chain_answer__ready_with_head_and_index_lag(own):
    gateway, client = own
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    readiness = response.json()
    assert readiness["ready"] is True and readiness["problems"] == []
    assert readiness["head"] == gateway.node.chain.head()
    assert readiness["index_lag_blocks"] >= 0 and readiness["head_age_s"] is not None
