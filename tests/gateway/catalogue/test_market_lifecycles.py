"""The market's lifecycles (gateway/catalogue/lifecycles.py PURCHASE and LISTING) against the API. A purchase application
(附件6): in every state it reaches, each step on it that its lifecycle admits succeeds, and every other is refused
with its exact code and the purchase, the trades and the listing as they were. A listing (挂牌): the states
services/market.py listing_state reads, as a coupon is asked for, listed, sold in part and withdrawn, are the
lifecycle's."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from gateway.catalogue import lifecycles, steps
from gateway.core.db import Purchase, Trade
from gateway.services import market
from gateway.services.coupons import coupon_id
from support import api
from support.fixtures import holder_fixture
from support.http import API, ok

seller = holder_fixture("赫山区某村股份经济合作社（出让方）")
buyer = holder_fixture("益阳某会展有限公司")

PURCHASE_STEPS = (steps.ACCEPT_PURCHASE, steps.SETTLE)
# How a purchase of one tonne reaches each state: the centre's decision, then trades filling it. OPEN is release
# 0.1's name for an accepted purchase, which no step writes any more: an accepted one is renamed.
PATHS = {"SUBMITTED": [], "ACCEPTED": ["accept"], "OPEN": ["accept", "open"], "REJECTED": ["reject"],
         "SETTLED": ["accept", "settle"]}
CASES = [(state, step) for state in lifecycles.PURCHASE.states for step in PURCHASE_STEPS]
# What each step answers in a state its lifecycle does not admit it in (services/market.py).
REFUSED = {steps.ACCEPT_PURCHASE: lambda state: "PURCHASE_ALREADY_DECIDED",
           steps.SETTLE: lambda state: "PURCHASE_SETTLED" if state == "SETTLED" else "PURCHASE_NOT_ACCEPTED"}


@pytest.fixture(scope="module")
def listing(client, officials, gateway, seller) -> int:
    """One listing of 800 t every case buys a tonne from: its origin's coupon id (a trade lists the rest anew)."""
    number = api.mint(client, officials, seller, claimed_t="800")
    api.list_coupon(client, officials, seller, number)
    return coupon_id(gateway, number)


def _listed_now(gateway, origin: int) -> str:
    """The listing's coupon as it stands: the rest of it once a part was sold."""
    return next(entry.coupon.number for entry in gateway.index.listed() if origin in entry.origins)


def _decide(client, officials, purchase: int, decision: str, coupon: str | None = None):
    return client.post(f"{API}/purchases/{purchase}/acceptance", headers=officials["CENTER"],
                       json={"decision": decision, "coupon": coupon, "note": "经审核"})


def _trade(client, officials, coupon: str, purchase: int):
    return client.post(f"{API}/trades", headers=officials["CENTER"], json={
        "coupon": coupon, "purchase_id": purchase, "amount_t": "1", "price_yuan_per_t": "30.00",
        "service_fee_yuan": "0.30", "agreement": api.upload(client, officials["CENTER"], name="交易协议.pdf"),
        "payment_method": "BANK_TRANSFER", "payment_term": "2026-12-31", "payment_status": "UNPAID"})


def _purchase_and_market(gateway, purchase: int) -> tuple:
    """The purchase, the number of trades and the listed coupons on chain: what a refusal leaves as it was."""
    with gateway.db.sessions() as db:
        row = db.get(Purchase, purchase)
        trades = db.scalar(select(func.count()).select_from(Trade))
        return (row.status, row.filled_kg, row.settlement_tx, row.decided_at, row.matched_coupon, trades,
                [(entry.coupon.number, entry.coupon.amount_kg) for entry in gateway.index.listed()])


@pytest.mark.parametrize(("state", "step"), CASES, ids=[f"{state}-{step.id}" for state, step in CASES])
def test_purchase_step__admitted_in_its_lifecycle_state__taken_else_refused_with_its_code_and_nothing_changed(
        client, officials, gateway, buyer, listing, state, step):
    purchase = api.apply_to_buy(client, buyer, "1")
    for move in PATHS[state]:
        if move == "open":
            with gateway.db.sessions() as db, db.begin():
                db.execute(update(Purchase).where(Purchase.id == purchase).values(status="OPEN"))
        elif move == "settle":
            ok(_trade(client, officials, _listed_now(gateway, listing), purchase))
        else:
            ok(_decide(client, officials, purchase, move))
    before = _purchase_and_market(gateway, purchase)
    assert before[0] == state

    coupon = _listed_now(gateway, listing)
    answer = (_decide(client, officials, purchase, "accept", coupon) if step == steps.ACCEPT_PURCHASE
              else _trade(client, officials, coupon, purchase))

    after = _purchase_and_market(gateway, purchase)
    if lifecycles.PURCHASE.admitted(state, step):
        assert answer.status_code < 300, (answer.status_code, answer.text)
        assert after[0] == ("ACCEPTED" if step == steps.ACCEPT_PURCHASE else "SETTLED")
    else:
        assert (answer.status_code, answer.json()["code"]) == (409, REFUSED[step](state)), answer.text
        assert after == before


def test_listing_state__asked_listed_sold_in_part_withdrawn_and_past_its_notice__the_lifecycles_states(
        client, officials, gateway, seller, buyer, monkeypatch):
    number = api.mint(client, officials, seller, claimed_t="100")

    def state(of: str) -> str | None:
        with gateway.db.sessions() as db:
            return market.listing_state(gateway, db, of)

    assert state(number) is None
    ok(api.owner_request(client, seller, number, "LIST"))
    seen = {number: [state(number)]}
    ok(client.post(f"{API}/coupons/{number}/listing", headers=officials["CENTER"],
                   json=api.listing_form(client, officials)))
    seen[number].append(state(number))
    sold = ok(_trade(client, officials, number, api.accepted_purchase(client, officials, buyer, "1")))["coupon"]
    rest = _listed_now(gateway, coupon_id(gateway, number))
    seen[number].append(state(number))
    seen[sold], seen[rest] = [state(sold)], [state(rest)]
    notice_over = max(gateway.registry.chain.timestamp(), gateway.clock.now()) + 30 * 86_400
    with monkeypatch.context() as later:
        later.setattr(market, "chain_now", lambda gw: notice_over)
        seen[rest].append(state(rest))
    ok(client.delete(f"{API}/coupons/{rest}/listing", headers=officials["CENTER"]))
    seen[rest].append(state(rest))

    assert seen == {number: ["REQUESTED", "RUNNING", "SOLD"], sold: ["SOLD"],
                    rest: ["RUNNING", "EXPIRED", "WITHDRAWN"]}
    assert {s for states in seen.values() for s in states} == set(lifecycles.LISTING.states)
