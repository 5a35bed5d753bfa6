"""Transfers and pledges (附件1 三(四), 附件8, §2, §4): the owner's 流转申请表 with 附件8's fields, kept
off-chain; the transferee confirms a transfer in its own account; the centre gives its 受理意见 or
refuses with the reason; only then does the registration on-chain go through (coupon.transfer after
the owner's consent; coupon.pledge by FINANCE for a pledge the centre accepted, on its terms). The
pledgee bank reads its pledges with secured amount, term end and days left, and releases them.
FINANCE reads the audit log. Every refusal leaves the chain and the gateway's rows as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gateway.core.db import AuditEntry, TransferForm
from gateway.demo import DEMO_PASSWORD, ENFORCEMENT_OFFICIAL, OFFICIALS
from gateway.services import queues
from gateway.services.coupons import coupon_id
from gateway.catalogue.units import CST
from support.api import (
    accept_form, accept_pledge, file_transfer_form, owner_request, pledge, register_holder, transfer, transfer_form,
    upload,
)
from support.fixtures import holder_fixture
from support.http import API, error_of, login, ok

owner = holder_fixture("赫山区泉交河镇某村股份经济合作社")
transferee = holder_fixture("益阳某环保科技有限公司")
bank = holder_fixture("湖南益阳农村商业银行", "FINANCIAL")  # a pledgee is a verified financial institution
PLEDGE_TERMS = {"secured_yuan": "20000.00", "term_end": "2027-06-30"}


def fingerprint(gateway, number: str) -> dict:
    """The coupon as the chain holds it, the owner's consent, the pledgee; every form's record; the audit's writes."""
    registry, cid = gateway.registry, coupon_id(gateway, number)
    with gateway.db.sessions() as db:
        forms = [(f.id, f.status, f.confirmed_at, f.opinion, f.opinion_by, f.registered_tx, f.registered_coupon)
                 for f in db.scalars(select(TransferForm).order_by(TransferForm.id))]
        audited = db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.outcome == "ok"))
    return {"block": registry.chain.w3.eth.block_number, "coupon": registry.coupon(cid),
            "consent": registry.request_of(cid), "pledgee": registry.call("pledgee_of", cid), "forms": forms,
            "audited": audited}


def form_of(client, headers, form_id: int) -> dict:
    return ok(client.get(f"{API}/transfer-forms/{form_id}", headers=headers))


def post_form(client, who, number: str, form: dict):
    return client.post(f"{API}/coupons/{number}/transfer-forms", headers=who.headers, json=form)


def confirm(client, who, form_id: int):
    return client.post(f"{API}/transfer-forms/{form_id}/confirmation", headers=who.headers)


def record(client, number: str) -> dict:
    return ok(client.get(f"{API}/public/coupons/{number}"))


# ---------------------------------------------------------------- the form (附件8)


def test_transfer_form__annex_8_fields__recorded_off_chain_and_read_by_both_parties_and_the_centre(
    client, gateway, officials, owner, transferee, new_holder, mint
):
    number = mint(owner)
    block = gateway.registry.chain.w3.eth.block_number
    signed = upload(client, owner.headers, name="流转申请表.pdf")
    contract = upload(client, owner.headers, name="转让协议.pdf")

    saved = ok(client.post(f"{API}/coupons/{number}/transfer-forms", headers=owner.headers, json=transfer_form(
        signed, transferee.username, amount_t="400", place_name="老屋冲", parcel_number="430903-108-0001",
        area_mu="85.5", term="长期", documents=[contract], remarks="村民代表大会决议附后")))

    assert saved["status"] == "SUBMITTED" and saved["form_number"].startswith("LZ-")
    # filing the form is the owner's consent on-chain, naming the form's receiving party and amount, in one transaction
    assert gateway.registry.chain.w3.eth.block_number == block + 1
    consent = gateway.registry.request_of(coupon_id(gateway, number))
    assert (consent.action.name, consent.counterparty, consent.amount_kg) == ("TRANSFER", transferee.address, 400_000)
    assert gateway.registry.chain.w3.eth.get_transaction_receipt(saved["tx_hash"])["status"] == 1
    for headers in (owner.headers, transferee.headers, officials["CENTER"]):
        form = form_of(client, headers, saved["form"])
        assert {k: form[k] for k in ("kind", "coupon", "amount_t", "place_name", "parcel_number", "area_mu",
                                     "method", "term", "transferee_address", "owner_opinion", "remarks")} == {
            "kind": "OWNERSHIP", "coupon": number, "amount_t": "400", "place_name": "老屋冲",
            "parcel_number": "430903-108-0001", "area_mu": "85.5", "method": "协议转让", "term": "长期",
            "transferee_address": "益阳市赫山区金银山路1号", "owner_opinion": "同意", "remarks": "村民代表大会决议附后"}
        assert (form["applicant"], form["transferee"]) == ("赫山区泉交河镇某村股份经济合作社", "益阳某环保科技有限公司")
        assert (form["legal_representative"], form["address"], form["location"]) == (
            "张主任", "赫山区泉交河镇某村村委会", "泉交河镇某村")
        assert form["filing_number"] == record(client, number)["filing_number"]  # 备案文号, as the chain holds it
        assert (form["signed_form"], form["documents"], form["opinion"]) == (signed, [contract], None)
    error_of(client.get(f"{API}/transfer-forms/{saved['form']}", headers=new_holder().headers), 404,
             "TRANSFER_FORM_NOT_FOUND")
    assert "张主任" not in client.get(f"{API}/public/coupons/{number}").text  # personal fields stay off public pages


def test_transfer_form__parcel_fields_left_out__taken_from_the_coupons_application(client, owner, transferee, mint):
    number = mint(owner)

    form_id = ok(file_transfer_form(client, owner, number, transferee.username))["form"]

    form = form_of(client, owner.headers, form_id)
    parcels = record(client, number)["parcels"]
    assert form["parcel_number"] == "、".join(p["number"] for p in parcels)
    assert form["amount_t"] == "1000"  # the whole coupon



def test_transfer_form__its_documents__read_by_both_parties_not_by_a_stranger(
    client, owner, transferee, new_holder, mint
):
    number = mint(owner)
    signed = upload(client, owner.headers, name="流转申请表.pdf")
    contract = upload(client, owner.headers, name="转让协议.pdf")
    ok(post_form(client, owner, number, transfer_form(signed, transferee.username, documents=[contract])))

    stranger = new_holder()
    for sha256 in (signed, contract):
        for party in (owner, transferee):
            assert client.get(f"{API}/documents/{sha256}", headers=party.headers).status_code == 200
        error_of(client.get(f"{API}/documents/{sha256}", headers=stranger.headers), 403, "ROLE_REQUIRED")

@pytest.mark.parametrize(("change", "status", "code"), [
    ({"transferee": "nobody-by-this-name"}, 422, "COUNTERPARTY_UNKNOWN"),
    ({"amount_t": "1000.5"}, 409, "AMOUNT_EXCEEDS_COUPON"),
    ({"kind": "PLEDGE"}, 422, "PLEDGE_TERMS_REQUIRED"),
    ({"kind": "PLEDGE", "secured_yuan": "100.00", "term_end": "2020-01-01"}, 422, "TERM_END_PAST"),
    ({"signed_transfer_form": "ab" * 32}, 422, "DOCUMENT_NOT_FOUND"),
], ids=["unknown_transferee", "more_than_the_coupon", "pledge_without_terms", "pledge_term_over", "form_not_uploaded"])
def test_transfer_form__bad_form__refused_and_nothing_changed(
    client, gateway, owner, transferee, bank, mint, change, status, code
):
    number = mint(owner)
    party = bank if change.get("kind") == "PLEDGE" else transferee
    form = {**transfer_form(upload(client, owner.headers), party.username), **change}
    before = fingerprint(gateway, number)

    error_of(client.post(f"{API}/coupons/{number}/transfer-forms", headers=owner.headers, json=form), status, code)

    assert fingerprint(gateway, number) == before


def test_transfer_form__holder_who_is_not_the_owner__403_not_owner_and_nothing_changed(
    client, gateway, owner, transferee, mint
):
    number = mint(owner)
    form = transfer_form(upload(client, transferee.headers), owner.username)
    before = fingerprint(gateway, number)

    error_of(post_form(client, transferee, number, form), 403, "NOT_OWNER")

    assert fingerprint(gateway, number) == before


def test_transfer_form__unverified_owner__403_account_unverified_and_nothing_changed(
    client, gateway, officials, owner, transferee, mint
):
    number = mint(owner)
    unverified = register_holder(client, verified=False)
    form = transfer_form(upload(client, unverified.headers), transferee.username)
    before = fingerprint(gateway, number)

    error_of(post_form(client, unverified, number, form), 403, "ACCOUNT_UNVERIFIED")

    assert fingerprint(gateway, number) == before


@pytest.mark.parametrize("pledgee", ["transferee", "unverified bank"])
def test_pledge_form__pledgee_not_a_verified_financial_institution__422_and_nothing_changed(
    client, gateway, owner, transferee, mint, pledgee
):
    """DESIGN §11: a pledgee is a verified financial institution (§2 质押, 附件8)."""
    number = mint(owner)
    named = transferee if pledgee == "transferee" else register_holder(
        client, organisation="某村镇银行", account_type="FINANCIAL", verified=False)
    form = transfer_form(upload(client, owner.headers), named.username, kind="PLEDGE")
    before = fingerprint(gateway, number)

    refused = error_of(post_form(client, owner, number, form), 422, "PLEDGEE_NOT_A_VERIFIED_BANK")

    assert refused["detail"]["field"] == "transferee"
    assert fingerprint(gateway, number) == before


def test_transfer_form__second_while_one_is_open__409_transfer_form_open_and_nothing_changed(
    client, gateway, owner, transferee, mint
):
    number = mint(owner)
    first = ok(file_transfer_form(client, owner, number, transferee.username))["form"]
    form = transfer_form(upload(client, owner.headers), transferee.username)
    before = fingerprint(gateway, number)

    body = error_of(post_form(client, owner, number, form), 409, "TRANSFER_FORM_OPEN")

    assert body["detail"] == {"form": first}
    assert fingerprint(gateway, number) == before


# ---------------------------------------------------------------- the transferee's confirmation


def test_confirm__the_transferee__form_confirmed_and_audited(client, gateway, owner, transferee, mint):
    number = mint(owner)
    form_id = ok(file_transfer_form(client, owner, number, transferee.username))["form"]

    assert ok(confirm(client, transferee, form_id))["status"] == "CONFIRMED"

    form = form_of(client, transferee.headers, form_id)
    assert form["status"] == "CONFIRMED" and form["confirmed_at"]
    with gateway.db.sessions() as db:
        entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "transfer.confirm").order_by(AuditEntry.id.desc()))
    assert (entry.username, entry.request) == (transferee.username, {"form": form_id, "coupon": number})


@pytest.mark.parametrize("caller", ["owner", "stranger"])
def test_confirm__caller_not_the_transferee__403_not_transferee_and_nothing_changed(
    client, gateway, owner, transferee, new_holder, mint, caller
):
    number = mint(owner)
    form_id = ok(file_transfer_form(client, owner, number, transferee.username))["form"]
    who = owner if caller == "owner" else new_holder()
    before = fingerprint(gateway, number)

    error_of(confirm(client, who, form_id), 403, "NOT_TRANSFEREE")

    assert fingerprint(gateway, number) == before


def test_confirm__twice__409_transfer_already_confirmed_and_nothing_changed(client, gateway, owner, transferee, mint):
    number = mint(owner)
    form_id = ok(file_transfer_form(client, owner, number, transferee.username))["form"]
    ok(confirm(client, transferee, form_id))
    before = fingerprint(gateway, number)

    error_of(confirm(client, transferee, form_id), 409, "TRANSFER_ALREADY_CONFIRMED")

    assert fingerprint(gateway, number) == before


def test_confirm__pledge_form__409_not_a_transfer_and_nothing_changed(client, gateway, owner, bank, mint):
    number = mint(owner)
    form_id = ok(file_transfer_form(client, owner, number, bank.username, kind="PLEDGE"))["form"]
    before = fingerprint(gateway, number)

    error_of(confirm(client, bank, form_id), 409, "NOT_A_TRANSFER")

    assert fingerprint(gateway, number) == before


def test_confirm__unknown_form__404_transfer_form_not_found(client, transferee):
    error_of(confirm(client, transferee, 2**31 - 1), 404, "TRANSFER_FORM_NOT_FOUND")


# ---------------------------------------------------------------- the centre's 受理意见


def test_accept_transfer__unconfirmed__409_transfer_unconfirmed_and_nothing_changed(
    client, gateway, officials, owner, transferee, mint
):
    number = mint(owner)
    form_id = ok(file_transfer_form(client, owner, number, transferee.username))["form"]
    before = fingerprint(gateway, number)

    error_of(accept_form(client, officials, form_id), 409, "TRANSFER_UNCONFIRMED")

    assert fingerprint(gateway, number) == before


def test_accept_transfer__refused_with_reason__form_refused_its_reason_shown_and_no_registration(
    client, gateway, officials, owner, transferee, mint
):
    number = mint(owner)
    form_id = ok(file_transfer_form(client, owner, number, transferee.username))["form"]
    ok(confirm(client, transferee, form_id))

    assert ok(accept_form(client, officials, form_id, decision="refuse"))["status"] == "REFUSED"

    form = form_of(client, owner.headers, form_id)
    assert (form["status"], form["opinion"]) == ("REFUSED", "材料不全")
    assert form["opinion_by"] and form["opinion_at"]
    ok(owner_request(client, owner, number, "TRANSFER", counterparty=transferee.username))
    before = fingerprint(gateway, number)
    error_of(client.post(f"{API}/coupons/{number}/transfer", headers=officials["CENTER"]), 409, "TRANSFER_FORM_MISSING")
    assert fingerprint(gateway, number) == before
    error_of(accept_form(client, officials, form_id), 409, "TRANSFER_FORM_CLOSED")  # an opinion is given once


def test_accept_pledge__on_a_transfer_form__409_transfer_form_wrong_kind_and_nothing_changed(
    client, gateway, officials, owner, transferee, mint
):
    number = mint(owner)
    form_id = ok(file_transfer_form(client, owner, number, transferee.username))["form"]
    ok(confirm(client, transferee, form_id))
    before = fingerprint(gateway, number)

    error_of(accept_form(client, officials, form_id, kind="PLEDGE"), 409, "TRANSFER_FORM_WRONG_KIND")

    assert fingerprint(gateway, number) == before


# ---------------------------------------------------------------- registration of a transfer


def test_transfer__confirmed_accepted_consented__registered_on_chain_and_the_form_registered(
    client, gateway, officials, owner, transferee, mint
):
    number = mint(owner)

    moved = transfer(client, officials, owner, number, transferee, amount_t="300")

    assert record(client, moved)["coupon"]["owner"] == transferee.address
    assert gateway.registry.coupon(coupon_id(gateway, moved)).amount_kg == 300_000
    [form] = [f for f in ok(client.get(f"{API}/transfer-forms", headers=transferee.headers)) if f["coupon"] == number]
    assert (form["status"], form["registered_coupon"]) == ("REGISTERED", moved)
    assert form["opinion"] == "材料齐全，同意受理"
    history = record(client, moved)["history"]
    assert form["registered_tx"] in {step["tx_hash"] for step in history}


def test_register_transfer__not_confirmed__409_transfer_unconfirmed_and_nothing_changed(
    client, gateway, officials, owner, transferee, mint
):
    number = mint(owner)
    ok(file_transfer_form(client, owner, number, transferee.username))
    ok(owner_request(client, owner, number, "TRANSFER", counterparty=transferee.username))
    before = fingerprint(gateway, number)

    error_of(client.post(f"{API}/coupons/{number}/transfer", headers=officials["CENTER"]), 409, "TRANSFER_UNCONFIRMED")

    assert fingerprint(gateway, number) == before


def test_register_transfer__confirmed_not_accepted__409_transfer_not_accepted_and_nothing_changed(
    client, gateway, officials, owner, transferee, mint
):
    number = mint(owner)
    form_id = ok(file_transfer_form(client, owner, number, transferee.username))["form"]
    ok(confirm(client, transferee, form_id))
    ok(owner_request(client, owner, number, "TRANSFER", counterparty=transferee.username))
    before = fingerprint(gateway, number)

    error_of(client.post(f"{API}/coupons/{number}/transfer", headers=officials["CENTER"]), 409, "TRANSFER_NOT_ACCEPTED")

    assert fingerprint(gateway, number) == before


def test_register_transfer__no_form__409_transfer_form_missing_and_nothing_changed(
    client, gateway, officials, owner, transferee, mint
):
    number = mint(owner)
    ok(owner_request(client, owner, number, "TRANSFER", counterparty=transferee.username))
    before = fingerprint(gateway, number)

    error_of(client.post(f"{API}/coupons/{number}/transfer", headers=officials["CENTER"]), 409, "TRANSFER_FORM_MISSING")

    assert fingerprint(gateway, number) == before


def test_register_transfer__consent_names_another_party__409_transfer_form_mismatch_and_nothing_changed(
    client, gateway, officials, owner, transferee, bank, mint
):
    number = mint(owner)
    form_id = ok(file_transfer_form(client, owner, number, transferee.username))["form"]
    ok(confirm(client, transferee, form_id))
    ok(accept_form(client, officials, form_id))
    bank.address or ok(client.get(f"{API}/auth/me", headers=bank.headers))
    ok(owner_request(client, owner, number, "TRANSFER", counterparty=bank.username))
    before = fingerprint(gateway, number)

    error_of(client.post(f"{API}/coupons/{number}/transfer", headers=officials["CENTER"]), 409, "TRANSFER_FORM_MISMATCH")

    assert fingerprint(gateway, number) == before


# ---------------------------------------------------------------- pledges


def test_pledge__accepted_by_the_centre_registered_by_finance__the_bank_reads_secured_amount_term_and_days_left(
    client, gateway, officials, owner, bank, mint
):
    number = mint(owner)

    pledged = pledge(client, officials, owner, number, bank, amount_t="600")

    assert gateway.registry.coupon(coupon_id(gateway, pledged)).state.name == "PLEDGED"
    assert gateway.registry.call("pledgee_of", coupon_id(gateway, pledged)) == bank.address
    [seen] = [p for p in ok(client.get(f"{API}/pledges", headers=bank.headers)) if p["number"] == pledged]
    days_left = (dt.date(2027, 6, 30) - gateway.clock.today()).days
    assert {k: seen[k] for k in ("state", "amount_t", "owner", "secured_yuan", "term_end", "days_left")} == {
        "state": "PLEDGED", "amount_t": "600", "owner": "赫山区泉交河镇某村股份经济合作社", "secured_yuan": "20000",
        "term_end": "2027-06-30", "days_left": days_left}
    assert pledged in {p["number"] for p in ok(client.get(f"{API}/pledges", headers=officials["FINANCE"]))}
    assert ok(client.get(f"{API}/pledges", headers=owner.headers)) == []  # pledged by it, not to it
    [form] = [f for f in ok(client.get(f"{API}/transfer-forms", headers=bank.headers)) if f["coupon"] == number]
    assert (form["kind"], form["status"], form["registered_coupon"]) == ("PLEDGE", "REGISTERED", pledged)


@pytest.mark.parametrize("reader", ["ENFORCEMENT", "VERIFIER"])
def test_forms_and_pledges__reader_neither_party_nor_department__403_role_required_and_no_page(
    client, officials, owner, transferee, mint, reader
):
    form_id = ok(file_transfer_form(client, owner, mint(owner), transferee.username))["form"]
    username = ENFORCEMENT_OFFICIAL if reader == "ENFORCEMENT" else OFFICIALS[reader]
    headers = login(client, username)

    for path in ("/transfer-forms", f"/transfer-forms/{form_id}", "/pledges"):  # 附件8's addresses stay with the parties
        error_of(client.get(f"{API}{path}", headers=headers), 403, "ROLE_REQUIRED")
    for path in ("/console/transfers", "/console/pledges"):
        assert _page(client, path, username).status_code == 404


def test_release_pledge__by_the_bank__coupon_active_again_on_chain_and_gone_from_its_pledges(
    client, gateway, officials, owner, bank, mint
):
    pledged = pledge(client, officials, owner, mint(owner), bank)

    ok(client.post(f"{API}/coupons/{pledged}/pledge/release", headers=bank.headers))

    assert gateway.registry.coupon(coupon_id(gateway, pledged)).state.name == "ACTIVE"
    assert pledged not in {p["number"] for p in ok(client.get(f"{API}/pledges", headers=bank.headers))}
    (ended,) = [p for p in ok(client.get(f"{API}/pledges/history", headers=bank.headers)) if p["number"] == pledged]
    released = gateway.registry.chain.w3.eth.get_transaction_receipt(ended["ended_tx"])
    assert (ended["ended"], ended["secured_yuan"], released["status"]) == ("RELEASED", "20000", 1)
    assert pledged not in {p["number"] for p in ok(client.get(f"{API}/pledges/history", headers=owner.headers))}


def test_pledge__term_passed__overdue_in_finances_queue_until_enforced_then_in_the_banks_history(
    client, gateway, officials, owner, bank, mint
):
    """§2, §4: once its term has passed a pledge waits on the pledgee and FINANCE (release or enforce)."""
    pledged = pledge(client, officials, owner, mint(owner), bank)
    (mine,) = [p for p in ok(client.get(f"{API}/pledges", headers=bank.headers)) if p["number"] == pledged]
    after_term = dt.date.fromisoformat(mine["term_end"]) + dt.timedelta(days=1)
    with gateway.db.sessions() as db:
        before = [i for i in queues.department_queue(gateway, db, role="FINANCE") if i.get("coupon") == pledged]
        (item,) = [i for i in queues.department_queue(gateway, db, role="FINANCE", today=after_term)
                   if i.get("coupon") == pledged]
    assert before == []
    assert (item["kind"], item["step"], item["due"], item["overdue"]) == (
        "pledge", "coupon.enforce_pledge", mine["term_end"], True)

    ok(client.post(f"{API}/coupons/{pledged}/pledge/enforce", headers=officials["FINANCE"]))

    with gateway.db.sessions() as db:
        assert [i for i in queues.department_queue(gateway, db, role="FINANCE", today=after_term)
                if i.get("coupon") == pledged] == []
    (ended,) = [p for p in ok(client.get(f"{API}/pledges/history", headers=bank.headers)) if p["number"] == pledged]
    assert ended["ended"] == "ENFORCED"


def test_register_pledge__term_already_over__422_term_end_past_and_nothing_changed(
    client, gateway, officials, owner, bank, mint
):
    """A form accepted earlier may have outlived its term by the time FINANCE registers it."""
    number = mint(owner)
    accept_pledge(client, officials, owner, number, bank)
    gateway.clock.set(int(dt.datetime(2027, 7, 1, 10, tzinfo=CST).timestamp()))  # after the form's 2027-06-30
    before = fingerprint(gateway, number)
    try:
        response = client.post(f"{API}/coupons/{number}/pledge", headers=officials["FINANCE"],
                               json={"secured_yuan": "20000.00", "term_end": "2027-06-30"})
    finally:
        gateway.clock.set(None)

    assert error_of(response, 422, "TERM_END_PAST")["detail"] == {"field": "term_end"}
    assert fingerprint(gateway, number) == before


def test_register_pledge__not_accepted_by_the_centre__409_pledge_not_accepted_and_nothing_changed(
    client, gateway, officials, owner, bank, mint
):
    number = mint(owner)
    ok(file_transfer_form(client, owner, number, bank.username, kind="PLEDGE"))
    ok(owner_request(client, owner, number, "PLEDGE", counterparty=bank.username))
    before = fingerprint(gateway, number)

    error_of(client.post(f"{API}/coupons/{number}/pledge", headers=officials["FINANCE"], json=PLEDGE_TERMS), 409,
             "PLEDGE_NOT_ACCEPTED")

    assert fingerprint(gateway, number) == before


def test_register_pledge__no_form__409_pledge_form_missing_and_nothing_changed(
    client, gateway, officials, owner, bank, mint
):
    number = mint(owner)
    ok(owner_request(client, owner, number, "PLEDGE", counterparty=bank.username))
    before = fingerprint(gateway, number)

    error_of(client.post(f"{API}/coupons/{number}/pledge", headers=officials["FINANCE"], json=PLEDGE_TERMS), 409,
             "PLEDGE_FORM_MISSING")

    assert fingerprint(gateway, number) == before


def test_register_pledge__terms_other_than_the_accepted_form__409_pledge_form_mismatch_and_nothing_changed(
    client, gateway, officials, owner, bank, mint
):
    number = mint(owner)
    accept_pledge(client, officials, owner, number, bank)
    before = fingerprint(gateway, number)

    body = error_of(client.post(f"{API}/coupons/{number}/pledge", headers=officials["FINANCE"],
                                json={**PLEDGE_TERMS, "secured_yuan": "90000.00"}), 409, "PLEDGE_FORM_MISMATCH")

    assert (body["detail"]["secured_yuan"], body["detail"]["term_end"]) == ("20000", "2027-06-30")
    assert fingerprint(gateway, number) == before


def test_accept_pledge__centre_accepts__form_accepted_with_its_opinion_and_on_the_centres_queue_before(
    client, officials, owner, bank, mint
):
    number = mint(owner)
    form_id = ok(file_transfer_form(client, owner, number, bank.username, kind="PLEDGE"))["form"]
    queued = ok(client.get(f"{API}/queue", headers=officials["CENTER"]))
    assert any(item.get("form") == form_id and item["step"] == "pledge.accept" for item in queued)

    ok(accept_form(client, officials, form_id, kind="PLEDGE"))

    form = form_of(client, officials["FINANCE"], form_id)
    assert (form["status"], form["opinion"], form["secured_yuan"], form["term_end"]) == (
        "ACCEPTED", "材料齐全，同意受理", "20000", "2027-06-30")
    assert not any(item.get("form") == form_id for item in ok(client.get(f"{API}/queue", headers=officials["CENTER"])))


# ---------------------------------------------------------------- the audit log


def test_audit_log__finance__reads_every_write_without_personal_fields(client, officials, owner, transferee, mint):
    number = mint(owner)
    ok(file_transfer_form(client, owner, number, transferee.username))

    entries = ok(client.get(f"{API}/audit", headers=officials["FINANCE"]))

    form_entry = next(e for e in entries if e["action"] == "transfer.form" and e["request"]["coupon"] == number)
    assert form_entry["username"] == owner.username
    assert "张主任" not in str(form_entry) and "村委会" not in str(form_entry)  # 附件8's personal fields stay out
    assert client.get(f"{API}/audit/export.csv", headers=officials["FINANCE"]).status_code == 200


# ---------------------------------------------------------------- the pages


def _page(client, path: str, username: str):
    with TestClient(client.app) as browser:
        login = browser.post("/console/login", data={"username": username, "password": DEMO_PASSWORD})
        assert login.status_code == 200, login.text
        return browser.get(path)


def test_audit_page__finance__lists_the_latest_writes_and_other_holders_get_404(client, officials, owner, transferee,
                                                                                mint):
    number = mint(owner)
    ok(file_transfer_form(client, owner, number, transferee.username))

    page = _page(client, "/console/audit", OFFICIALS["FINANCE"])

    assert page.status_code == 200
    assert 'data-action="transfer.form"' in page.text and owner.username in page.text
    assert "张主任" not in page.text  # the form's personal fields are not in the log
    assert _page(client, "/console/audit", owner.username).status_code == 404
    assert _page(client, "/console/audit", OFFICIALS["CENTER"]).status_code == 404


def test_queue_page__monitoring_agency__links_no_page_its_role_cannot_open(client):
    verifier = _page(client, "/console", OFFICIALS["VERIFIER"]).text
    finance = _page(client, "/console", OFFICIALS["FINANCE"]).text

    assert 'id="transfers-link"' not in verifier and 'id="pledges-link"' not in verifier
    assert 'id="audit-link"' not in verifier and 'href="/console/purchases"' not in verifier
    assert 'id="transfers-link"' in finance and 'id="audit-link"' in finance


def test_pledges_page__pledgee_bank__lists_its_pledge_with_secured_amount_term_and_days_left(
    client, gateway, officials, owner, bank, mint
):
    pledged = pledge(client, officials, owner, mint(owner), bank)
    days_left = (dt.date(2027, 6, 30) - gateway.clock.today()).days

    for path in ("/console/pledges", "/console"):  # its console's home says so too, not "no coupons"
        page = _page(client, path, bank.username)
        assert page.status_code == 200
        row = page.text.split(f'data-coupon="{pledged}"')[1].split("</tr>")[0]
        assert "20,000.00" in row and "2027-06-30" in row and f">{days_left}<" in row
    assert "您还没有碳券" not in _page(client, "/console", bank.username).text
    assert f'data-path="/api/v1/coupons/{pledged}/pledge/release"' in _page(client, "/console/pledges", bank.username).text


# ---------------------------------------------------------------- withdrawal


def test_withdraw__by_the_applicant_before_registration__form_and_its_consent_withdrawn_and_a_new_one_may_be_filed(
    client, gateway, owner, transferee, bank, mint
):
    number = mint(owner)
    form_id = ok(file_transfer_form(client, owner, number, transferee.username))["form"]
    ok(confirm(client, transferee, form_id))
    assert gateway.registry.request_of(coupon_id(gateway, number)).action.name == "TRANSFER"

    assert ok(client.delete(f"{API}/transfer-forms/{form_id}", headers=owner.headers))["status"] == "WITHDRAWN"

    assert form_of(client, owner.headers, form_id)["status"] == "WITHDRAWN"
    assert gateway.registry.request_of(coupon_id(gateway, number)).action.value == 0  # the consent went with it
    ok(file_transfer_form(client, owner, number, bank.username, kind="PLEDGE"))  # the coupon is free for another
    consent = gateway.registry.request_of(coupon_id(gateway, number))
    assert (consent.action.name, consent.counterparty) == ("PLEDGE", bank.address)


def test_withdraw__by_the_transferee__403_not_applicant_and_nothing_changed(client, gateway, owner, transferee, mint):
    number = mint(owner)
    form_id = ok(file_transfer_form(client, owner, number, transferee.username))["form"]
    before = fingerprint(gateway, number)

    error_of(client.delete(f"{API}/transfer-forms/{form_id}", headers=transferee.headers), 403, "NOT_APPLICANT")

    assert fingerprint(gateway, number) == before


def test_withdraw__registered_form__409_transfer_form_closed_and_nothing_changed(
    client, gateway, officials, owner, transferee, mint
):
    number = mint(owner)
    transfer(client, officials, owner, number, transferee, amount_t="100")
    [form] = [f for f in ok(client.get(f"{API}/transfer-forms", headers=owner.headers)) if f["coupon"] == number]
    before = fingerprint(gateway, number)

    error_of(client.delete(f"{API}/transfer-forms/{form['id']}", headers=owner.headers), 409, "TRANSFER_FORM_CLOSED")

    assert fingerprint(gateway, number) == before
