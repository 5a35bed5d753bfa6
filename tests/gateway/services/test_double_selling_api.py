"""一碳多卖 (§7) through the API: every second sale, second offset, reuse of a
voided number or second issue of a parcel is refused with 409 and its stable
code, and leaves the public record and the chain exactly as they were."""

from __future__ import annotations

import itertools
import time
from contextlib import contextmanager

import pytest

from support import api
from support.api import (
    LISTING, Application, accepted_purchase, application_form, list_coupon, lose, owner_request, report_lost, submit,
    walk,
)
from support.fixtures import holder_fixture
from support.http import API, error_of, ok

OFFSET = {"purpose": "EVENT_NEUTRALITY", "beneficiary": "赫山马拉松组委会", "case_reference": "HS-EV-1"}
_parcels = itertools.count(1)


# -- helpers -----------------------------------------------------------------------------------


def record(client, number: str) -> dict:
    return ok(client.get(f"{API}/public/coupons/{number}"))


def ledger_events_since(gateway, block: int) -> list:
    """Every registry event (both contracts) mined after `block`."""
    w3 = gateway.registry.chain.w3
    head = w3.eth.block_number
    if head <= block:
        return []
    addresses = [gateway.registry.applications.address, gateway.registry.ledger.address]
    logs = w3.eth.get_logs({"fromBlock": block + 1, "toBlock": head, "address": addresses})
    return gateway.registry.chain.decode_logs(logs)


@contextmanager
def nothing_changes(client, gateway, *numbers: str):
    """The public records of `numbers` and the chain's registry events are the same afterwards."""
    before = {n: record(client, n) for n in numbers}
    head = gateway.registry.chain.w3.eth.block_number
    yield
    assert ledger_events_since(gateway, head) == []
    assert {n: record(client, n) for n in numbers} == before


def assert_conflict(response, code: str) -> None:
    error_of(response, 409, code)


def offset(client, officials, number: str):
    return client.post(f"{API}/coupons/{number}/offset", headers=officials["EEB"], json=OFFSET)


def trade(client, officials, upload, number: str, purchase: int, amount_t: str):
    return client.post(f"{API}/trades", headers=officials["CENTER"], json={
        "coupon": number, "purchase_id": purchase, "amount_t": amount_t, "price_yuan_per_t": "30.00",
        "service_fee_yuan": "0", "agreement": upload(officials["CENTER"])})


def purchase(client, officials, buyer, amount_t: str) -> int:
    """An accepted purchase application (附件6, 交易受理通知书)."""
    return accepted_purchase(client, officials, buyer, amount_t)


def pledge(client, officials, holder, number: str, pledgee) -> None:
    """The centre accepts the owner's pledge form (附件8 质押权), the owner consents, FINANCE registers."""
    api.pledge(client, officials, holder, number, pledgee, secured_yuan="10000.00", term_end="2027-12-31")


def report_loss(client, officials, holder, number: str, *, through: str = "record") -> None:
    """The owner's loss report (附件3), recorded by the centre; the reissue taken on `through` its stages."""
    lose(client, officials, holder, number, through=through)


def reissue_after_notice(client, officials, number: str) -> str:
    """GOV reissues once the 2-second notice of §12 is over in chain time, which only moves
    when a block is mined: an early attempt is refused, and mines the block that moves it."""
    for _ in range(20):
        response = client.post(f"{API}/coupons/{number}/reissue", headers=officials["GOV"])
        if response.status_code != 409 or response.json()["code"] != "NOTICE_PERIOD_NOT_OVER":
            return ok(response)["coupon"]
        time.sleep(0.5)
    raise AssertionError(f"the loss notice of {number} never ended")


def parcel_form(holder, upload, parcel: str, start: str = "2022-01-01", end: str = "2024-01-01") -> dict:
    """An application of `holder` for `parcel` over the period, with its own report."""
    return application_form(upload(holder.headers), claimed_t="500", parcel=parcel, start=start, end=end)


def post_application(client, holder, form: dict):
    return client.post(f"{API}/applications", headers=holder.headers, json=form)


def validate(client, officials, application: Application) -> None:
    """Formal review → preliminary review → attestation → joint NRB + FORESTRY validation → the centre's
    opinion → the EEB's review: ready to be filed."""
    walk(client, officials, application, through="eeb_review")


def file(client, officials, application: Application):
    return client.post(f"{API}/applications/{application.id}/filing", headers=officials["EEB"],
                       json={"decision": "file", "filing_number": f"赫环碳备〔2026〕{application.id}号"})


def application_status(client, officials, application: int) -> str:
    return ok(client.get(f"{API}/applications/{application}", headers=officials["EEB"]))["status"]


# -- fixtures ----------------------------------------------------------------------------------


holder = holder_fixture()
buyer = holder_fixture("某建设单位")
bank = holder_fixture("某农商银行", "FINANCIAL")


@pytest.fixture
def coupon(mint, holder) -> str:
    return mint(holder)


@pytest.fixture
def listed_coupon(client, officials, holder, coupon) -> str:
    list_coupon(client, officials, holder, coupon)
    return coupon


# -- listing twice -----------------------------------------------------------------------------


def test_list__coupon_already_listed__409_coupon_not_active(client, gateway, officials, holder, listed_coupon):
    with nothing_changes(client, gateway, listed_coupon):
        assert_conflict(owner_request(client, holder, listed_coupon, "LIST"), "COUPON_NOT_ACTIVE")
        relisted = client.post(f"{API}/coupons/{listed_coupon}/listing", headers=officials["CENTER"], json=LISTING)
        assert_conflict(relisted, "COUPON_NOT_ACTIVE")
    assert record(client, listed_coupon)["coupon"]["state"] == "LISTED"
    assert [e["number"] for e in ok(client.get(f"{API}/public/listings"))].count(listed_coupon) == 1


# -- the market --------------------------------------------------------------------------------


def test_settle_trade__coupon_retired__409_coupon_not_listed(client, gateway, officials, upload, holder, buyer, coupon):
    ok(owner_request(client, holder, coupon, "OFFSET"))
    ok(offset(client, officials, coupon))
    purchase_id = purchase(client, officials, buyer, "1000")
    with nothing_changes(client, gateway, coupon):
        assert_conflict(trade(client, officials, upload, coupon, purchase_id, "1000"), "COUPON_NOT_LISTED")
    assert record(client, coupon)["coupon"]["state"] == "RETIRED"


def test_settle_trade__refused_trade__purchase_stays_open(client, officials, upload, mint, holder, buyer, coupon):
    ok(owner_request(client, holder, coupon, "OFFSET"))
    ok(offset(client, officials, coupon))
    purchase_id = purchase(client, officials, buyer, "1000")
    assert_conflict(trade(client, officials, upload, coupon, purchase_id, "1000"), "COUPON_NOT_LISTED")
    other = mint(holder)
    list_coupon(client, officials, holder, other)
    sold = ok(trade(client, officials, upload, other, purchase_id, "1000"))["coupon"]
    assert sold == other
    assert record(client, other)["coupon"]["owner"] == buyer.address


def test_settle_trade__amount_above_listed__409_amount_exceeds_coupon(
    client, gateway, officials, upload, buyer, listed_coupon
):
    purchase_id = purchase(client, officials, buyer, "1000.001")
    with nothing_changes(client, gateway, listed_coupon):
        response = trade(client, officials, upload, listed_coupon, purchase_id, "1000.001")
        assert_conflict(response, "AMOUNT_EXCEEDS_COUPON")
    assert record(client, listed_coupon)["coupon"]["state"] == "LISTED"


def test_settle_trade__purchase_already_settled__409_purchase_settled(
    client, gateway, officials, upload, buyer, listed_coupon
):
    purchase_id = purchase(client, officials, buyer, "400")
    sold = ok(trade(client, officials, upload, listed_coupon, purchase_id, "400"))["coupon"]
    remainder = record(client, listed_coupon)["lineage"]["children"][1]["number"]
    assert record(client, remainder)["coupon"]["state"] == "LISTED"
    with nothing_changes(client, gateway, listed_coupon, sold, remainder):
        response = trade(client, officials, upload, remainder, purchase_id, "400")
        assert_conflict(response, "PURCHASE_SETTLED")
    assert record(client, sold)["coupon"]["owner"] == buyer.address
    assert record(client, remainder)["coupon"]["amount_t"] == "600"


# -- transfer while listed or pledged ----------------------------------------------------------


def assert_transfer_refused(client, officials, holder, buyer, coupon: str) -> None:
    """Neither the owner's consent to transfer to `buyer` nor CENTER's registration gets through."""
    consent = owner_request(client, holder, coupon, "TRANSFER", counterparty=buyer.username)
    assert_conflict(consent, "COUPON_NOT_ACTIVE")
    registration = client.post(f"{API}/coupons/{coupon}/transfer", headers=officials["CENTER"])
    assert_conflict(registration, "COUPON_NOT_ACTIVE")


def test_register_transfer__consented_then_listed__409_coupon_not_active(
    client, gateway, officials, holder, buyer, coupon
):
    ok(owner_request(client, holder, coupon, "TRANSFER", counterparty=buyer.username))
    list_coupon(client, officials, holder, coupon)  # a later consent replaces the transfer consent
    with nothing_changes(client, gateway, coupon):
        assert_transfer_refused(client, officials, holder, buyer, coupon)
    assert record(client, coupon)["coupon"]["owner"] == holder.address


def test_register_transfer__coupon_pledged__409_coupon_not_active(
    client, gateway, officials, bank, holder, buyer, coupon
):
    pledge(client, officials, holder, coupon, bank)
    with nothing_changes(client, gateway, coupon):
        assert_transfer_refused(client, officials, holder, buyer, coupon)
    assert record(client, coupon)["coupon"]["state"] == "PLEDGED"


# -- offsets -----------------------------------------------------------------------------------


def _pledged(client, officials, bank, holder, coupon):
    pledge(client, officials, holder, coupon, bank)


def _frozen(client, officials, bank, holder, coupon):
    ok(owner_request(client, holder, coupon, "OFFSET"))
    ok(client.post(f"{API}/coupons/{coupon}/freeze", headers=officials["FORESTRY"], json={"reason": "采伐核查"}))


def _lost_reported(client, officials, bank, holder, coupon):
    report_loss(client, officials, holder, coupon)


@pytest.mark.parametrize("hold", [_pledged, _frozen, _lost_reported], ids=["pledged", "frozen", "lost_reported"])
def test_offset__coupon_pledged_frozen_or_lost__409_coupon_not_active(client, gateway, officials, bank, holder, coupon, hold):
    hold(client, officials, bank, holder, coupon)
    state = record(client, coupon)["coupon"]["state"]
    with nothing_changes(client, gateway, coupon):
        assert_conflict(owner_request(client, holder, coupon, "OFFSET"), "COUPON_NOT_ACTIVE")
        assert_conflict(offset(client, officials, coupon), "COUPON_NOT_ACTIVE")
    assert record(client, coupon)["coupon"]["state"] == state


def test_offset__consent_given_before_freeze__409_owner_consent_missing_after_unfreeze(
    client, gateway, officials, holder, coupon
):
    ok(owner_request(client, holder, coupon, "OFFSET"))
    ok(client.post(f"{API}/coupons/{coupon}/freeze", headers=officials["NRB"], json={"reason": "权属争议"}))
    ok(client.post(f"{API}/coupons/{coupon}/unfreeze", headers=officials["NRB"]))
    with nothing_changes(client, gateway, coupon):
        assert_conflict(offset(client, officials, coupon), "OWNER_CONSENT_MISSING")
    assert record(client, coupon)["coupon"]["state"] == "ACTIVE"


def test_offset__coupon_already_retired__409_coupon_not_active(client, gateway, officials, holder, coupon):
    ok(owner_request(client, holder, coupon, "OFFSET"))
    certificate = ok(offset(client, officials, coupon))["certificate"]
    offsets = ok(client.get(f"{API}/public/stats"))["offsets"]
    with nothing_changes(client, gateway, coupon):
        assert_conflict(offset(client, officials, coupon), "COUPON_NOT_ACTIVE")
        assert_conflict(owner_request(client, holder, coupon, "OFFSET"), "COUPON_NOT_ACTIVE")
    assert ok(client.get(f"{API}/public/stats"))["offsets"] == offsets
    assert ok(client.get(f"{API}/public/offsets/{certificate}"))["verdict"] == "valid"


def test_offset__part_retired_then_parent_again__409_coupon_not_active(client, gateway, officials, holder, coupon):
    ok(owner_request(client, holder, coupon, "OFFSET", amount_t="400"))
    retired = ok(offset(client, officials, coupon))["coupon"]
    rest = record(client, coupon)["lineage"]["children"][1]["number"]
    with nothing_changes(client, gateway, coupon, retired, rest):
        assert_conflict(offset(client, officials, coupon), "COUPON_NOT_ACTIVE")
        assert_conflict(offset(client, officials, retired), "COUPON_NOT_ACTIVE")
        assert_conflict(offset(client, officials, rest), "OWNER_CONSENT_MISSING")
    assert [record(client, n)["coupon"]["state"] for n in (coupon, retired, rest)] == ["SPLIT", "RETIRED", "ACTIVE"]


# -- a voided coupon ---------------------------------------------------------------------------


def test_reuse__voided_coupon__409_and_replacement_untouched(client, gateway, officials, holder, buyer, coupon):
    report_loss(client, officials, holder, coupon, through="filing")
    reissued = reissue_after_notice(client, officials, coupon)
    assert record(client, coupon)["lineage"]["replaced_by"] == reissued
    with nothing_changes(client, gateway, coupon, reissued):
        consents = [("LIST", {}), ("OFFSET", {}), ("TRANSFER", {"counterparty": buyer.username})]
        for action, extra in consents:
            assert_conflict(owner_request(client, holder, coupon, action, **extra), "COUPON_NOT_ACTIVE")
        assert_conflict(report_lost(client, holder, coupon), "COUPON_NOT_ACTIVE")
        assert_conflict(client.post(f"{API}/coupons/{coupon}/listing", headers=officials["CENTER"], json=LISTING),
                        "COUPON_NOT_ACTIVE")
        assert_conflict(offset(client, officials, coupon), "COUPON_NOT_ACTIVE")
        reissue_again = client.post(f"{API}/coupons/{coupon}/reissue", headers=officials["GOV"])
        assert_conflict(reissue_again, "COUPON_NOT_LOST_REPORTED")
        loss_withdrawal = client.delete(f"{API}/coupons/{coupon}/loss", headers=officials["CENTER"])
        assert_conflict(loss_withdrawal, "COUPON_NOT_LOST_REPORTED")
    assert record(client, coupon)["coupon"]["state"] == "VOIDED"
    assert record(client, reissued)["coupon"]["state"] == "ACTIVE"


# -- issuing twice -----------------------------------------------------------------------------


def test_mint__application_already_issued__409_application_wrong_status(client, gateway, officials, holder, coupon):
    application = record(client, coupon)["issuance"]["application"]
    holdings = ok(client.get(f"{API}/coupons", headers=holder.headers))
    with nothing_changes(client, gateway, coupon):
        assert_conflict(client.post(f"{API}/applications/{application}/mint", headers=officials["GOV"]),
                        "APPLICATION_WRONG_STATUS")
    assert ok(client.get(f"{API}/coupons", headers=holder.headers)) == holdings
    assert application_status(client, officials, application) == "ISSUED"


def test_file__same_parcel_and_period_filed_first__409_parcel_period_overlaps(
    client, gateway, officials, upload, new_holder
):
    parcel = f"430903-DUP-{next(_parcels)}-{time.time_ns()}"
    first_holder, second_holder = new_holder(), new_holder("另一合作社")
    first = submit(client, first_holder, parcel_form(first_holder, upload, parcel))
    second = submit(client, second_holder, parcel_form(second_holder, upload, parcel, "2023-01-01", "2025-01-01"))
    validate(client, officials, first)
    validate(client, officials, second)
    ok(file(client, officials, first))
    head = gateway.registry.chain.w3.eth.block_number
    assert_conflict(file(client, officials, second), "PARCEL_PERIOD_OVERLAPS")
    assert ledger_events_since(gateway, head) == []
    assert application_status(client, officials, second.id) == "EEB_REVIEWED"
    premature_mint = client.post(f"{API}/applications/{second.id}/mint", headers=officials["GOV"])
    assert_conflict(premature_mint, "APPLICATION_WRONG_STATUS")
    inside_first = parcel_form(second_holder, upload, parcel, "2023-06-01", "2023-07-01")
    assert_conflict(post_application(client, second_holder, inside_first), "PARCEL_PERIOD_OVERLAPS")
    assert ledger_events_since(gateway, head) == []


def test_submit__same_parcel_next_period__accepted(client, officials, upload, new_holder):
    parcel = f"430903-NEXT-{next(_parcels)}-{time.time_ns()}"
    holder = new_holder()
    first = submit(client, holder, parcel_form(holder, upload, parcel))
    validate(client, officials, first)
    ok(file(client, officials, first))
    # The first period's last day, 2024-01-01, is part of it: the next starts the day after.
    following = post_application(client, holder, parcel_form(holder, upload, parcel, "2024-01-02", "2026-01-01"))
    assert following.status_code == 201, following.text


def test_submit__next_period_starting_on_the_last_day_of_the_filed_one__409_its_end_day_is_included(
    client, officials, upload, new_holder
):
    parcel = f"430903-EDGE-{next(_parcels)}-{time.time_ns()}"
    holder = new_holder()
    first = submit(client, holder, parcel_form(holder, upload, parcel))
    validate(client, officials, first)
    ok(file(client, officials, first))

    sharing_a_day = post_application(client, holder, parcel_form(holder, upload, parcel, "2024-01-01", "2026-01-01"))

    assert_conflict(sharing_a_day, "PARCEL_PERIOD_OVERLAPS")


# Full-width digits and dashes, spaces, and other dashes name the same parcel (NFKC, no spaces, "-").
SAME_PARCEL = [
    pytest.param(lambda n: n.translate(str.maketrans("0123456789-", "０１２３４５６７８９－")), id="full-width"),
    pytest.param(lambda n: " " + n.replace("-", " - ") + "\u3000", id="spaces"),
    pytest.param(lambda n: n.replace("-", "\u2013", 1).replace("-", "\u2212"), id="en-dash-and-minus"),
]


@pytest.mark.parametrize("retyped", SAME_PARCEL)
def test_submit__filed_parcel_number_retyped__409_same_parcel(retyped, client, officials, upload, new_holder):
    parcel = f"430903-108-{next(_parcels)}{time.time_ns() % 10**9}"
    holder = new_holder()
    first = submit(client, holder, parcel_form(holder, upload, parcel))
    validate(client, officials, first)
    ok(file(client, officials, first))

    again = post_application(client, holder, parcel_form(holder, upload, retyped(parcel), "2023-01-01", "2023-06-30"))

    assert_conflict(again, "PARCEL_PERIOD_OVERLAPS")


@pytest.mark.parametrize("retyped", SAME_PARCEL)
def test_submit__parcel_listed_for_ccer_in_another_form__409_parcel_on_ccer_list(
    retyped, client, officials, upload, holder
):
    parcel = f"430903-108-{next(_parcels)}{time.time_ns() % 10**9}"
    ok(client.post(f"{API}/parcels/ccer", headers=officials["EEB"],
                   json={"parcel_number": retyped(parcel), "listed": True}))

    assert_conflict(post_application(client, holder, parcel_form(holder, upload, parcel)), "PARCEL_ON_CCER_LIST")
    listed = ok(client.get(f"{API}/parcels/ccer", headers=officials["FORESTRY"]))
    assert parcel in {entry["parcel_number"] for entry in listed}
    assert ok(client.get(f"{API}/parcels/{retyped(parcel)}", headers=officials["EEB"]))["ccer_listed"] is True


def test_submit__parcel_on_ccer_list__409_parcel_on_ccer_list(client, gateway, officials, upload, holder):
    parcel = f"430903-CCER-{next(_parcels)}-{time.time_ns()}"
    ok(client.post(f"{API}/parcels/ccer", headers=officials["EEB"], json={"parcel_number": parcel, "listed": True}))
    head = gateway.registry.chain.w3.eth.block_number
    response = post_application(client, holder, parcel_form(holder, upload, parcel))
    assert_conflict(response, "PARCEL_ON_CCER_LIST")
    assert ledger_events_since(gateway, head) == []


def test_mint__parcel_put_on_ccer_list_after_filing__409_parcel_on_ccer_list(
    client, gateway, officials, upload, holder
):
    parcel = f"430903-CCER-{next(_parcels)}-{time.time_ns()}"
    application = submit(client, holder, parcel_form(holder, upload, parcel))
    validate(client, officials, application)
    ok(file(client, officials, application))
    ok(client.post(f"{API}/parcels/ccer", headers=officials["EEB"], json={"parcel_number": parcel, "listed": True}))
    holdings = ok(client.get(f"{API}/coupons", headers=holder.headers))
    head = gateway.registry.chain.w3.eth.block_number
    minted = client.post(f"{API}/applications/{application.id}/mint", headers=officials["GOV"])
    assert_conflict(minted, "PARCEL_ON_CCER_LIST")
    assert ledger_events_since(gateway, head) == []
    assert application_status(client, officials, application.id) == "FILED"
    assert ok(client.get(f"{API}/coupons", headers=holder.headers)) == holdings
