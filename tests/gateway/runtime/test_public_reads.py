"""Public reads never wait for the block producer (DESIGN §8): offset verification
reads the chain's committed blocks on a connection of its own, finds the
transaction through the chain's hash → block table, and costs the same at any
chain length. /healthz and /readyz say whether the gateway is alive and ready.

What cannot change is answered from memory (gateway/runtime/public_cache.py): a verdict no
later block can change, of a transaction in a final block, is kept with a strong
ETag and `Cache-Control: immutable`; an unknown transaction and a coupon
transaction that is not an offset are verified afresh each time. A coupon's public
record is kept until the index holds a newer step of it, its ancestors or its
children, and its ETag changes with it. If-None-Match with the current ETag: 304."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from eth_account import Account
from fastapi.testclient import TestClient

from chain.durable import SqliteKV
from chain.verify import verify_offset
from gateway.api.app import create_app
from gateway.demo import OFFICIALS, seed_officials
from gateway.runtime.public_cache import IMMUTABLE, REVALIDATE, Answer, AnswerCache
from gateway.runtime.wiring import Gateway
from gateway.services import public
from gateway.core.settings import Settings
from support import api
from support.http import API, login, ok

ANSWER_WITHIN_S = 30  # a bound on a deadlock, not a measure of speed (scripts/bench_public.py measures)


@pytest.fixture(scope="module")
def own(tmp_path_factory, new_database_url) -> Iterator[tuple[Gateway, TestClient]]:
    """A gateway of this module's own: its chain grows by hundreds of blocks here."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("public-reads"), database_url=new_database_url(),
                        public_requests_per_minute=1_000_000)
    gateway = Gateway.open(settings, served=False, passphrase="public-reads-tests")
    seed_officials(gateway)
    try:
        with TestClient(create_app(settings, gateway=gateway), base_url="http://localhost") as client:
            yield gateway, client
    finally:
        gateway.close()


@pytest.fixture(scope="module")
def officials(own) -> dict[str, dict]:
    _, client = own
    return {role: login(client, username) for role, username in OFFICIALS.items()}


@pytest.fixture(scope="module")
def certificate(own, officials) -> str:
    """The tx hash of a valid offset certificate."""
    _, client = own
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
    """Every key the chain's SQLite files are asked for, by any connection, but for the index
    follower's (it looks for new blocks every second, whatever the test does)."""
    keys: list[bytes] = []
    original = SqliteKV.__getitem__

    def counted(self, key: bytes) -> bytes:
        if threading.current_thread().name != "tanquan-index-follower":
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
    gateway.public_answers.verdicts.clear()  # the verification itself, not its kept verdict
    with database_reads(monkeypatch) as before:
        assert public.verification(gateway, certificate)["verdict"] == "valid"
    gateway.node.embedded.tester.mine_blocks(300)
    gateway.public_answers.verdicts.clear()
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


# -- answers kept in memory, ETags and 304 (gateway/runtime/public_cache.py)


def offset_url(tx_hash: str) -> str:
    return f"{API}/public/offsets/{tx_hash}"


def fresh(gateway: Gateway, tx_hash: str) -> Answer:
    """The verification made now from the chain, kept nowhere."""
    result = verify_offset(gateway.node.reader, tx_hash, ledger_address=gateway.registry.ledger.address)
    return Answer.of(public._shaped(result), REVALIDATE)


def inspect_and_void(client, officials, number: str, reason: str) -> None:
    """NRB and FORESTRY void the coupon as invalid on an inspection record (§6, 注销)."""
    inspection = ok(client.post(f"{API}/inspections", headers=officials["NRB"], json={
        "inspected_on": "2026-11-20", "method": "ON_SITE", "findings": "现场核查：宗地内林木已被采伐", "coupon": number}))
    ok(client.post(f"{API}/coupons/{number}/voiding", headers=officials["NRB"],
                   json={"reason": reason, "inspection": inspection["inspection"]}))
    ok(client.post(f"{API}/coupons/{number}/voiding", headers=officials["FORESTRY"], json={}))


def test_verify_offset__valid_certificate__strong_etag_immutable_and_304_for_it(own, certificate, monkeypatch):
    gateway, client = own
    gateway.public_answers.verdicts.clear()
    first = client.get(offset_url(certificate))
    assert first.status_code == 200 and first.json()["verdict"] == "valid"
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")  # strong
    assert first.headers["cache-control"] == IMMUTABLE
    with database_reads(monkeypatch) as reads:
        again = client.get(offset_url(certificate))
        upper = client.get(offset_url("0x" + certificate[2:].upper()))
    assert reads == []  # kept: no chain read at all
    assert again.content == first.content == upper.content and again.headers["etag"] == etag
    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        not_modified = client.get(offset_url(certificate), headers={"If-None-Match": sent})
        assert not_modified.status_code == 304 and not_modified.content == b""
        assert not_modified.headers["etag"] == etag and not_modified.headers["cache-control"] == IMMUTABLE
    other = client.get(offset_url(certificate), headers={"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200 and other.content == first.content


def test_verify_offset__kept_verdict__equals_a_fresh_verification(own, certificate):
    gateway, client = own
    kept = client.get(offset_url(certificate))
    assert gateway.public_answers.verdicts.get(certificate) is not None
    made_now = fresh(gateway, certificate)
    assert kept.content == made_now.body and kept.headers["etag"] == made_now.etag
    assert public.verification(gateway, certificate) == kept.json()


def test_verify_offset__unknown_transaction__not_kept_and_verified_once_mined(own):
    gateway, client = own
    w3 = gateway.node.chain.w3
    sender = Account.create()
    gateway.node.fund(sender.address)
    signed = sender.sign_transaction({"to": sender.address, "value": 1, "gas": 21_000, "nonce": 0,
                                      "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 0, "chainId": w3.eth.chain_id})
    tx_hash = "0x" + signed.hash.hex().removeprefix("0x")

    before = client.get(offset_url(tx_hash))
    assert before.status_code == 200 and before.json()["verdict"] == "unknown"
    assert before.headers["cache-control"] == REVALIDATE  # it may be mined yet
    assert gateway.public_answers.verdicts.get(tx_hash) is None

    w3.eth.send_raw_transaction(signed.raw_transaction)
    after = client.get(offset_url(tx_hash), headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200, "an unknown verdict was kept after its transaction was mined"
    assert after.json()["verdict"] == "invalid" and "not a coupon transaction" in after.json()["reason"]
    assert after.headers["cache-control"] == IMMUTABLE  # a value transfer's logs never change
    assert after.content == fresh(gateway, tx_hash).body


def test_verify_offset__coupon_tx_not_an_offset__verified_afresh_until_its_coupon_is_voided(own, officials):
    gateway, client = own
    holder = api.register_holder(client)
    number = api.mint(client, officials, holder)
    minted = ok(client.get(f"{API}/public/coupons/{number}"))["issuance"]["tx_hash"]

    live = client.get(offset_url(minted))
    assert live.json()["verdict"] == "invalid" and "not an offset" in live.json()["reason"]
    assert live.headers["cache-control"] == REVALIDATE  # the coupon is live: it may yet be voided
    assert gateway.public_answers.verdicts.get(minted) is None
    assert client.get(offset_url(minted), headers={"If-None-Match": live.headers["etag"]}).status_code == 304

    inspect_and_void(client, officials, number, "抽查认定碳汇量不实")

    voided = client.get(offset_url(minted), headers={"If-None-Match": live.headers["etag"]})
    assert voided.status_code == 200 and voided.headers["etag"] != live.headers["etag"]
    assert voided.json()["verdict"] == "voided" and "抽查认定碳汇量不实" in voided.json()["reason"]
    assert voided.headers["cache-control"] == IMMUTABLE  # VOIDED is final: nothing leaves it
    assert voided.content == fresh(gateway, minted).body
    assert client.get(offset_url(minted)).content == voided.content


def test_verify_offset__many_readers_of_a_new_certificate__verified_once(own, certificate, monkeypatch):
    gateway, _ = own
    gateway.public_answers.verdicts.clear()
    with database_reads(monkeypatch) as one:
        public.verification(gateway, certificate)
    gateway.public_answers.verdicts.clear()
    start, answers = threading.Barrier(16), []

    def read() -> None:
        start.wait()
        answers.append(public.verification(gateway, certificate))

    with database_reads(monkeypatch) as many:
        readers = [threading.Thread(target=read) for _ in range(16)]
        for thread in readers:
            thread.start()
        for thread in readers:
            thread.join(timeout=ANSWER_WITHIN_S)
    assert len(answers) == 16 and all(a == answers[0] for a in answers)
    assert len(many) == len(one)  # one verification; the other fifteen waited for its verdict


def test_provenance__unchanged__etag_and_304_for_it(own, officials):
    gateway, client = own
    number = api.mint(client, officials, api.register_holder(client))
    first = client.get(f"{API}/public/coupons/{number}")
    assert first.status_code == 200 and first.headers["cache-control"] == REVALIDATE  # it changes with each step
    etag = first.headers["etag"]
    not_modified = client.get(f"{API}/public/coupons/{number}", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b"" and not_modified.headers["etag"] == etag
    with gateway.db.sessions() as db:
        made_now = Answer.of(public.provenance(gateway, db, number), REVALIDATE)
    assert first.content == made_now.body and etag == made_now.etag


def test_provenance__new_step_of_the_coupon__new_etag_with_the_step(own, officials):
    gateway, client = own
    holder = api.register_holder(client)
    number, other = api.mint(client, officials, holder), api.mint(client, officials, holder)
    url = f"{API}/public/coupons/{number}"
    before = client.get(url)
    etag = before.headers["etag"]

    ok(api.owner_request(client, holder, other, "OFFSET"))  # a step of another coupon: this record is unchanged
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    ok(api.owner_request(client, holder, number, "OFFSET"))
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["etag"] != etag
    assert [s["event"] for s in after.json()["history"]][-1] == "RequestMade"
    assert len(after.json()["history"]) == len(before.json()["history"]) + 1
    with gateway.db.sessions() as db:
        assert after.json() == public.provenance(gateway, db, number)


def test_provenance__a_child_moves__parent_record_made_again(own, officials):
    gateway, client = own
    holder = api.register_holder(client)
    number = api.mint(client, officials, holder)
    ok(api.owner_request(client, holder, number, "OFFSET", amount_t="400"))
    ok(client.post(f"{API}/coupons/{number}/offset", headers=officials["EEB"], json={
        "purpose": "GREEN_POINTS", "beneficiary": "绿色积分平台", "case_reference": "GP-2026-10"}))
    parent = client.get(f"{API}/public/coupons/{number}")
    children = parent.json()["lineage"]["children"]
    live = next(c for c in children if c["state"] == "ACTIVE")
    inspect_and_void(client, officials, live["number"], "抽查认定碳汇量不实")
    again = client.get(f"{API}/public/coupons/{number}", headers={"If-None-Match": parent.headers["etag"]})
    assert again.status_code == 200
    assert next(c for c in again.json()["lineage"]["children"] if c["number"] == live["number"])["state"] == "VOIDED"


def test_provenance__record_made_before_a_step_of_its_coupon__not_kept(own, officials):
    gateway, client = own
    holder = api.register_holder(client)
    number, other = api.mint(client, officials, holder), api.mint(client, officials, holder)
    answers = gateway.public_answers

    def made_now(coupon: str) -> Answer:
        """A record as a reader thread makes it, as of the index's newest step."""
        version = answers.last_step()
        with gateway.db.sessions() as db:
            record = public.provenance(gateway, db, coupon)
        return Answer.of(record, REVALIDATE, version=version, watched=frozenset({gateway.index.numbers.id_of(coupon)}))

    slow, unaffected = made_now(number), made_now(other)
    ok(api.owner_request(client, holder, number, "OFFSET"))  # indexed while the records were being made
    assert answers.keep_record(number, slow) is False and answers.coupons.get(number) is None
    assert answers.keep_record(other, unaffected) is True and answers.coupons.get(other) is unaffected
    shown = client.get(f"{API}/public/coupons/{number}").json()
    assert shown["history"][-1]["event"] == "RequestMade"


def test_provenance__older_than_its_max_age__made_again_beside_the_answer(own, officials):
    gateway, client = own
    number = api.mint(client, officials, api.register_holder(client))
    first = client.get(f"{API}/public/coupons/{number}")
    kept = gateway.public_answers.coupons.get(number)
    kept.made_at -= public.RECORD_MAX_AGE_S + 1
    aged = client.get(f"{API}/public/coupons/{number}")
    assert aged.content == first.content  # this reader gets the kept record, not a wait
    deadline = time.monotonic() + ANSWER_WITHIN_S
    while gateway.public_answers.coupons.get(number) is kept and time.monotonic() < deadline:
        time.sleep(0.05)
    remade = gateway.public_answers.coupons.get(number)
    assert remade is not kept and remade.age() < public.RECORD_MAX_AGE_S and remade.body == first.content


def test_provenance__unknown_coupon__404_and_nothing_kept(own):
    gateway, client = own
    response = client.get(f"{API}/public/coupons/2026-999-999")
    assert response.status_code == 404 and response.json()["code"] == "COUPON_NOT_FOUND"
    assert gateway.public_answers.coupons.get("2026-999-999") is None


def test_answer_cache__over_its_limit__forgets_the_least_recently_used():
    cache: AnswerCache[str] = AnswerCache(limit=2)
    a, b, c = (Answer.of({"n": n}, IMMUTABLE) for n in range(3))
    cache.put("a", a)
    cache.put("b", b)
    assert cache.get("a") is a  # a is now the most recently used
    cache.put("c", c)
    assert len(cache) == 2 and cache.get("b") is None and cache.get("a") is a and cache.get("c") is c
