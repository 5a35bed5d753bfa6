"""Both directions of a listing's lifecycle (挂牌, 附件1 三(一)1, 附件4, 附件5; gateway/catalogue/lifecycles.py LISTING)
against the API: in every state services/market.py listing_state reads (asked for, running, past its notice,
withdrawn, sold), each listing step the lifecycle admits there succeeds and moves the listing as the lifecycle says,
and every other is refused with the code the gateway answers and the coupon on chain (state, owner, the owner's
consent), the listings, the trades, the disclosure forms and the management reports as they were."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gateway.catalogue import lifecycles, steps
from gateway.core.db import ListingRecord, ManagementReport, Trade
from gateway.services import market
from gateway.services.coupons import coupon_id
from support import api
from support.fixtures import holder_fixture
from support.http import API, ok

source = holder_fixture("赫山区某村股份经济合作社")
seller = holder_fixture("益阳某林业专业合作社（挂牌方）")
buyer = holder_fixture("益阳某会展有限公司（受让方）")

LISTING_STEPS = sorted({step for admitted in lifecycles.LISTING.admits.values() for step in admitted},
                       key=lambda step: step.id)
# How a coupon of two tonnes, bought from a listing, reaches each state: the owner's request, the centre's listing, then its end. EXPIRED is
# RUNNING seen after its notice's end (the gateway reads the chain's time through market.chain_now).
PATHS = {"REQUESTED": ("request",), "RUNNING": ("request", "list"), "EXPIRED": ("request", "list"),
         "WITHDRAWN": ("request", "list", "withdraw"), "SOLD": ("request", "list", "sell")}
CASES = [(state, step) for state in lifecycles.LISTING.states for step in LISTING_STEPS]
# What each step answers in a state its lifecycle does not admit it in: the gateway's own refusals of a coupon
# not listed or a listing past its notice, else the ledger's revert as the one revert → code table maps it (a coupon
# sold is no longer the seller's to withdraw a request on).
REFUSED = {
    steps.LIST: lambda state: (409, "COUPON_NOT_ACTIVE" if state in ("RUNNING", "EXPIRED") else "OWNER_CONSENT_MISSING"),
    steps.CANCEL_REQUEST: lambda state: (403, "NOT_OWNER") if state == "SOLD" else (409, "OWNER_CONSENT_MISSING"),
    steps.SETTLE: lambda state: (409, "LISTING_EXPIRED" if state == "EXPIRED" else "COUPON_NOT_LISTED"),
    steps.WITHDRAW_LISTING: lambda state: (409, "COUPON_NOT_LISTED"),
    steps.MANAGEMENT_REPORT: lambda state: (409, "COUPON_NOT_LISTED"),
}
# Where an admitted step takes the listing: a request cancelled leaves the coupon where it was before it (here, sold
# to the seller).
MOVES_TO = {steps.LIST: "RUNNING", steps.CANCEL_REQUEST: "SOLD", steps.SETTLE: "SOLD", steps.WITHDRAW_LISTING: "WITHDRAWN"}


@pytest.fixture(scope="module")
def listing(client, officials, gateway, source) -> int:
    """One listing of 800 t each case buys its coupon of two tonnes from: its origin's coupon id."""
    number = api.mint(client, officials, source, claimed_t="800")
    api.list_coupon(client, officials, source, number)
    return coupon_id(gateway, number)


def _bought(client, officials, gateway, seller, listing: int) -> str:
    """A coupon of two tonnes the seller bought from the listing (cheaper than an application walked to its coupon)."""
    rest = max((entry.coupon for entry in gateway.index.listed() if listing in entry.origins),
               key=lambda coupon: coupon.amount_kg).number  # not a part bought and listed anew by a case
    return ok(_trade(client, officials, rest, api.accepted_purchase(client, officials, seller, "2"), "2"))["coupon"]


def _trade(client, officials, number: str, purchase: int, amount_t: str):
    return client.post(f"{API}/trades", headers=officials["CENTER"], json={
        "coupon": number, "purchase_id": purchase, "amount_t": amount_t, "price_yuan_per_t": "30.00",
        "service_fee_yuan": "0.60", "agreement": api.upload(client, officials["CENTER"], name="交易协议.pdf"),
        "payment_method": "BANK_TRANSFER", "payment_term": "2026-12-31", "payment_status": "UNPAID"})


def _body(client, officials, buyer, step: steps.Step) -> dict | None:
    """What the step sends, its documents uploaded (and for a trade, its purchase accepted) beforehand."""
    if step == steps.LIST:
        return api.listing_form(client, officials)
    if step == steps.SETTLE:
        return {"purchase": api.accepted_purchase(client, officials, buyer, "2")}
    if step == steps.MANAGEMENT_REPORT:
        return {"period": "2026年12月", "summary": "挂牌期间有三家单位咨询",
                "report_document": api.upload(client, officials["CENTER"], name="管理情况报告.pdf")}
    return None


def _take(client, officials, seller, number: str, step: steps.Step, body: dict | None):
    if step == steps.SETTLE:
        return _trade(client, officials, number, body["purchase"], "2")
    headers = seller.headers if step.roles == (steps.HOLDER,) else officials[step.roles[0]]
    return client.request(step.method, step.url(number), headers=headers, json=body)


def _listing_and_market(gateway, number: str) -> tuple:
    """The listing's state, its coupon on chain with the owner's consent, and the market's records: what a refusal
    leaves as it was."""
    ident = coupon_id(gateway, number)
    with gateway.db.sessions() as db:
        counts = tuple(db.scalar(select(func.count()).select_from(table))
                       for table in (Trade, ListingRecord, ManagementReport))
        state = market.listing_state(gateway, db, number)
    return (state, gateway.registry.coupon(ident), gateway.registry.request_of(ident),
            gateway.registry.coupon_count(), [(entry.coupon.number, entry.coupon.amount_kg)
                                               for entry in gateway.index.listed()], *counts)


@pytest.fixture(scope="module")
def refusing() -> dict[str, str]:
    """State → a coupon in it that the cases refusing a step share: a refusal changes nothing (each asserts so)."""
    return {}


def _in_state(client, officials, gateway, seller, buyer, listing: int, state: str) -> str:
    number = _bought(client, officials, gateway, seller, listing)
    for move in PATHS[state]:
        if move == "request":
            ok(api.owner_request(client, seller, number, "LIST"))
        elif move == "list":
            ok(client.post(f"{API}/coupons/{number}/listing", headers=officials["CENTER"],
                           json=api.listing_form(client, officials)))
        elif move == "withdraw":
            ok(client.delete(f"{API}/coupons/{number}/listing", headers=officials["CENTER"]))
        else:
            ok(_trade(client, officials, number, api.accepted_purchase(client, officials, buyer, "2"), "2"))
    return number


@pytest.mark.parametrize(("state", "step"), CASES, ids=[f"{state}-{step.id}" for state, step in CASES])
def test_listing_step__admitted_in_its_lifecycle_state__taken_else_refused_with_its_code_and_nothing_changed(
        client, officials, gateway, seller, buyer, listing, refusing, monkeypatch, state, step):
    admitted = lifecycles.LISTING.admitted(state, step)
    if admitted:
        number = _in_state(client, officials, gateway, seller, buyer, listing, state)
    else:
        if state not in refusing:
            refusing[state] = _in_state(client, officials, gateway, seller, buyer, listing, state)
        number = refusing[state]
    body = _body(client, officials, buyer, step)
    if state == "EXPIRED":  # a month on: past the notice's ten days
        notice_over = market.chain_now(gateway) + 30 * 86_400
        monkeypatch.setattr(market, "chain_now", lambda gw: notice_over)
    before = _listing_and_market(gateway, number)
    assert before[0] == state

    answer = _take(client, officials, seller, number, step, body)

    after = _listing_and_market(gateway, number)
    if admitted:
        assert answer.status_code < 300, (answer.status_code, answer.text)
        if step == steps.MANAGEMENT_REPORT:
            assert (after[0], after[-1]) == (state, before[-1] + 1)
        else:
            assert after[0] == MOVES_TO[step]
    else:
        assert (answer.status_code, answer.json()["code"]) == REFUSED[step](state), answer.text
        assert after == before
