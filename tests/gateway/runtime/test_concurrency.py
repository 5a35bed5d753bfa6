"""Races on a served gateway: uvicorn on a free local port in front of a chain
that mines at most one block a second, many transactions per block (DESIGN §8).
32 requests at once to sell, or to offset, the same coupon: exactly one wins
and the coupon ends with exactly one owner and one certificate. Settlements of
one listing take turns, so the losers are refused before anything is sent;
settlements of one purchase from several listings at once fill it, never beyond."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest

from sqlalchemy import select

from gateway.api.app import create_app
from gateway.core.db import Purchase
from gateway.demo import OFFICIALS, seed_officials
from gateway.runtime.wiring import Gateway
from gateway.core.settings import Settings
from support import api
from support.api import Holder
from support.http import API, login, ok
from support.serving import serve

RACERS = 32
# What each loser hears: a settlement of a listing already sold is refused by the gateway;
# an offset is refused by the contract (DESIGN §7: a revert maps to a stable code).
TRADE_LOSER_CODES = {"COUPON_NOT_LISTED"}
OFFSET_LOSER_CODES = {"OWNER_CONSENT_MISSING", "COUPON_NOT_ACTIVE"}


@dataclass
class Served:
    http: httpx.Client
    gateway: Gateway
    officials: dict[str, dict]


@dataclass
class Race:
    number: str
    purchases: list[int]
    responses: list[httpx.Response]
    winners: list[httpx.Response]
    losers: list[httpx.Response]


@pytest.fixture(scope="module")
def served(tmp_path_factory, new_database_url) -> Served:
    settings = Settings(data_dir=tmp_path_factory.mktemp("served"), database_url=new_database_url())
    gateway = Gateway.open(settings, served=True, passphrase="served-gateway-tests")
    seed_officials(gateway)
    try:
        with serve(create_app(settings, gateway=gateway)) as url, httpx.Client(base_url=url, timeout=120) as http:
            yield Served(http, gateway, {role: login(http, username) for role, username in OFFICIALS.items()})
    finally:
        gateway.close()


@pytest.fixture(scope="module")
def seller(served) -> Holder:
    return api.register_holder(served.http, "seller-coop", organisation="泉交河镇某村股份经济合作社")


@pytest.fixture(scope="module")
def buyers(served) -> list[Holder]:
    def register(i: int) -> Holder:
        return api.register_holder(served.http, f"buyer-{i:06d}", organisation=f"购买单位{i}")

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(register, range(RACERS)))


@contextmanager
def one_block_for_all(gateway: Gateway, seconds: float = 2.0):
    """Make the block producer gather for `seconds` before each block, so every racer's
    transaction lands in the winner's block: what a busy served chain does anyway."""
    producer = gateway.node.embedded.producer
    original = producer._next_timestamp

    def gathering() -> int:
        time.sleep(seconds)
        return original()

    producer._next_timestamp = gathering
    try:
        yield
    finally:
        producer._next_timestamp = original


def _race(number: str, calls: list[Callable[[], httpx.Response]], purchases: list[int] = ()) -> Race:
    start = threading.Barrier(len(calls))

    def go(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        responses = list(pool.map(go, calls))
    return Race(number, list(purchases), responses, [r for r in responses if r.status_code == 200],
                [r for r in responses if r.status_code != 200])


def _audit(served: Served, action: str, number: str) -> list[dict]:
    entries = ok(served.http.get(f"{API}/audit", params={"limit": 10_000}, headers=served.officials["DRC"]))
    return [e for e in entries if e["action"] == action and e["request"]["coupon"] == number]


def _block_of(served: Served, tx_hash: str) -> int:
    return served.gateway.registry.chain.w3.eth.get_transaction_receipt(tx_hash)["blockNumber"]


@pytest.fixture(scope="module")
def trade_race(served, seller, buyers) -> Race:
    http, center = served.http, served.officials["CENTER"]
    number = api.mint(http, served.officials, seller, claimed_t="100")
    api.list_coupon(http, served.officials, seller, number)
    purchases = [api.accepted_purchase(http, served.officials, b, "100") for b in buyers]
    agreement = api.upload(http, center)

    def sell(purchase: int) -> Callable[[], httpx.Response]:
        return lambda: http.post(f"{API}/trades", headers=center, json={
            "coupon": number, "purchase_id": purchase, "amount_t": "100", "price_yuan_per_t": "30.00",
            "service_fee_yuan": "30.00", "agreement": agreement})

    with one_block_for_all(served.gateway):
        return _race(number, [sell(p) for p in purchases], purchases)


@pytest.fixture(scope="module")
def offset_race(served, buyers, trade_race) -> Race:
    """The trade's winner asks once to offset its coupon; the EEB is asked 32 times at once."""
    http, number = served.http, trade_race.number
    owner = next(b for b in buyers if ok(http.get(f"{API}/public/coupons/{number}"))["coupon"]["owner"] == b.address)
    ok(api.owner_request(http, owner, number, "OFFSET"))

    def retire() -> httpx.Response:
        return http.post(f"{API}/coupons/{number}/offset", headers=served.officials["EEB"], json={
            "purpose": "EVENT_NEUTRALITY", "beneficiary": "赫山马拉松组委会", "case_reference": "HS-EV-RACE"})

    with one_block_for_all(served.gateway):
        return _race(number, [retire for _ in range(RACERS)])


def test_settle_trade__32_concurrent_for_whole_listing__exactly_one_settles(served, buyers, trade_race):
    http, number = served.http, trade_race.number
    assert Counter(r.status_code for r in trade_race.responses) == {200: 1, 409: RACERS - 1}
    (winner,) = trade_race.winners
    assert winner.json()["coupon"] == number
    record = ok(http.get(f"{API}/public/coupons/{number}"))
    assert record["coupon"]["state"] == "ACTIVE"
    assert record["lineage"]["children"] == []
    assert [s["event"] for s in record["history"]].count("TradeSettled") == 1
    owners = [b for b in buyers if number in {c["number"] for c in ok(http.get(f"{API}/coupons", headers=b.headers))}]
    assert len(owners) == 1
    assert record["coupon"]["owner"] == owners[0].address
    assert record["coupon"]["holder"] == http.get(f"{API}/auth/me", headers=owners[0].headers).json()["organisation"]


def test_settle_trade__32_concurrent__one_transaction_and_the_losers_refused_before_sending(served, trade_race):
    entries = _audit(served, "coupon.settle_trade", trade_race.number)
    assert [(e["outcome"], e["tx_hash"]) for e in entries] == [("ok", trade_race.winners[0].json()["tx_hash"])]
    trades = served.http.get(f"{API}/public/exports/trades.csv").text.splitlines()[1:]
    assert len([row for row in trades if trade_race.number in row]) == 1
    with served.gateway.db.sessions() as db:
        fills = Counter((p.status, p.filled_kg) for p in db.scalars(select(Purchase)) if p.id in trade_race.purchases)
    assert fills == {("SETTLED", 100_000): 1, ("ACCEPTED", 0): RACERS - 1}


def test_settle_trade__32_concurrent_in_one_block__losers_get_stable_code(trade_race):
    assert {r.json()["code"] for r in trade_race.losers} == TRADE_LOSER_CODES


def test_offset__32_concurrent_for_one_consent__exactly_one_certificate(served, offset_race):
    http, number = served.http, offset_race.number
    assert Counter(r.status_code for r in offset_race.responses) == {200: 1, 409: RACERS - 1}
    (winner,) = offset_race.winners
    certificate = winner.json()["certificate"]
    record = ok(http.get(f"{API}/public/coupons/{number}"))
    assert record["coupon"]["state"] == "RETIRED"
    assert record["lineage"]["children"] == []
    assert [s["event"] for s in record["history"]].count("CouponRetired") == 1
    stats = ok(http.get(f"{API}/public/stats"))
    assert stats["offsets"] == 1
    assert stats["retired_by_purpose_t"] == {"EVENT_NEUTRALITY": "100"}
    verified = ok(http.get(f"{API}/public/offsets/{certificate}"))
    assert verified["verdict"] == "valid"
    assert verified["certificate"]["coupon"] == number
    entries = _audit(served, "coupon.offset", number)
    assert Counter(e["outcome"] == "ok" for e in entries) == {True: 1, False: RACERS - 1}
    for entry in entries:
        if entry["tx_hash"] != certificate:
            assert ok(http.get(f"{API}/public/offsets/{entry['tx_hash']}"))["verdict"] == "invalid"


def test_offset__32_concurrent_in_one_block__losers_get_stable_code(offset_race):
    assert {r.json()["code"] for r in offset_race.losers} <= OFFSET_LOSER_CODES


# -- one purchase, several listings at once (附件1 三: a purchase is filled by one or more trades, never beyond)


@pytest.fixture(scope="module")
def purchase_race(served, seller, buyers) -> Race:
    """Four listings of 1 t each; one buyer's purchase of 2 t; CENTER settles 1 t from each listing at once."""
    http, officials = served.http, served.officials

    def listed(_: int) -> str:
        number = api.mint(http, officials, seller, claimed_t="1")
        api.list_coupon(http, officials, seller, number)
        return number

    with ThreadPoolExecutor(4) as pool:
        listings = list(pool.map(listed, range(4)))
    purchase = {"purchase": api.accepted_purchase(http, officials, buyers[0], "2")}
    agreement = api.upload(http, officials["CENTER"])

    def sell(number: str) -> Callable[[], httpx.Response]:
        return lambda: http.post(f"{API}/trades", headers=officials["CENTER"], json={
            "coupon": number, "purchase_id": purchase["purchase"], "amount_t": "1", "price_yuan_per_t": "30.00",
            "service_fee_yuan": "0", "agreement": agreement})

    with one_block_for_all(served.gateway):
        return _race(",".join(listings), [sell(n) for n in listings], [purchase["purchase"]])


def test_settle_trade__one_purchase_from_four_listings_at_once__filled_exactly_never_beyond(served, buyers, purchase_race):
    http = served.http
    assert Counter(r.status_code for r in purchase_race.responses) == {200: 2, 409: 2}
    assert {r.json()["code"] for r in purchase_race.losers} <= {"PURCHASE_SETTLED", "AMOUNT_EXCEEDS_PURCHASE"}
    records = {n: ok(http.get(f"{API}/public/coupons/{n}"))["coupon"] for n in purchase_race.number.split(",")}
    assert Counter(c["state"] for c in records.values()) == {"ACTIVE": 2, "LISTED": 2}
    assert {c["owner"] for c in records.values() if c["state"] == "ACTIVE"} == {buyers[0].address}
    trades = [row for row in http.get(f"{API}/public/exports/trades.csv").text.splitlines()[1:]
              if any(number in row for number in records)]
    assert len(trades) == 2
    with served.gateway.db.sessions() as db:
        purchase = db.get(Purchase, purchase_race.purchases[0])
        assert (purchase.status, purchase.filled_kg) == ("SETTLED", 2000)
