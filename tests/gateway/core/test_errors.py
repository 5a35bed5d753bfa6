"""Errors a caller can act on (DESIGN §7, §9): one JSON shape
{"code", "message", "detail"}; 401/403 identity and role, 404 unknown, 409 state
conflicts, 422 bad input with the field named; a contract revert maps to its
stable code, never to a 500; and a failed request changes nothing (a reverted
transaction is audited with its failure, never as done).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from gateway.core.db import AuditEntry, Token, User
from gateway.demo import DEMO_PASSWORD, OFFICIALS
from gateway.core.security import token_hash
from gateway.services.coupons import coupon_id
from support import api
from support.api import PASS
from support.fixtures import holder_fixture
from support.http import API, error_of, login, ok

NEVER_UPLOADED = hashlib.sha256(b"never uploaded").hexdigest()
REPORT_CONTENT = b"%PDF third-party monitoring and accounting report, errors module"
REPORT = hashlib.sha256(REPORT_CONTENT).hexdigest()  # documents are content-addressed


def fields_of(body: dict) -> set[str]:
    """The fields a 422 names: a list for schema errors, one field for a domain rule."""
    detail = body["detail"]
    return {item["field"] for item in detail} if isinstance(detail, list) else {detail["field"]}


def application_form(report: str | None, **changes) -> dict:
    """A claim of 100 t unless changed: the amounts refused below are just over it."""
    return api.application_form(report, **{"claimed_t": "100", **changes})


# ---------------------------------------------------------------- what "nothing changed" means


class Ledger:
    """Reads the gateway the way a test checks that a failed request left no trace."""

    def __init__(self, gateway):
        self.gateway = gateway

    def block(self) -> int:
        return self.gateway.registry.chain.w3.eth.block_number

    def last_audit_id(self) -> int:
        with self.gateway.db.sessions() as db:
            return db.scalar(select(func.max(AuditEntry.id))) or 0

    def audit_since(self, last_id: int) -> list[AuditEntry]:
        with self.gateway.db.sessions() as db:
            return list(db.scalars(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id)))

    def users(self) -> int:
        with self.gateway.db.sessions() as db:
            return db.scalar(select(func.count()).select_from(User))

    def application(self, application: int):
        return self.gateway.registry.application(application)

    def coupon(self, number: str):
        cid = coupon_id(self.gateway, number)
        return self.gateway.registry.coupon(cid), self.gateway.registry.request_of(cid)


@pytest.fixture(scope="module")
def ledger(gateway) -> Ledger:
    return Ledger(gateway)


@pytest.fixture
def untouched(ledger):
    """Asserts, after the test, that no transaction was sent and no write was audited as done."""
    block, last_audit = ledger.block(), ledger.last_audit_id()
    yield
    assert ledger.block() == block
    assert [e for e in ledger.audit_since(last_audit) if e.outcome == "ok"] == []


# ---------------------------------------------------------------- actors and targets


applicant = holder_fixture("赫山区某林场")
buyer = holder_fixture("益阳某建设工程有限公司")


@pytest.fixture(scope="module")
def report(applicant, upload) -> str:
    """The one monitoring report every application of this module cites."""
    assert upload(applicant.headers, REPORT_CONTENT) == REPORT
    return REPORT


def _walked(client, officials, applicant, through: str | None) -> int:
    """A new application of the module's report, walked through `through` (api.WALK); its id."""
    application = api.submit(client, applicant, application_form(REPORT))
    if through:
        api.walk(client, officials, application, through=through)
    return application.id


# Module-scoped targets are shared by refused requests only: a refusal leaves them as they were.


def walked_fixture(through: str | None):
    """A module fixture: the id of an application walked through `through` (None: just submitted)."""

    @pytest.fixture(scope="module")
    def application(client, officials, applicant, report) -> int:
        return _walked(client, officials, applicant, through)

    return application


submitted = walked_fixture(None)
formal_ok = walked_fixture("formal_review")
prelim_ok_unattested = walked_fixture("preliminary_review")
nrb_signed = walked_fixture("nrb_validation")


@pytest.fixture(scope="module")
def survey_paused(client, officials, applicant, report) -> int:
    application = _walked(client, officials, applicant, "formal_review")
    ok(client.post(f"{API}/applications/{application}/field-survey/pause", headers=officials["CENTER"]))
    return application


@pytest.fixture(scope="module")
def active_coupon(applicant, mint) -> str:
    """ACTIVE, with no owner request, for as long as the module runs."""
    return mint(applicant, claimed_t="100")


def _listed(client, officials, applicant, mint) -> str:
    number = mint(applicant, claimed_t="100")
    api.list_coupon(client, officials, applicant, number, **LISTING)
    return number


@pytest.fixture(scope="module")
def listed_coupon(client, officials, applicant, mint) -> str:
    return _listed(client, officials, applicant, mint)


@pytest.fixture(scope="module")
def lost_coupon(client, officials, applicant, mint) -> str:
    number = mint(applicant, claimed_t="100")
    api.lose(client, officials, applicant, number)
    return number


LISTING = {"price_yuan_per_t": "48.00", "notice_days": 10, "project_area_mu": "20", "location": "泉交河镇"}


# ---------------------------------------------------------------- 422: bad input names its field


@pytest.mark.parametrize(("path", "body", "field"), [
    pytest.param("/applications", application_form(REPORT, claimed_t="1.0001"), "claimed_t", id="submit"),
    pytest.param("/purchases", {"amount_t": "1.0001", "reason": "VOLUNTARY", "commitment": True,
                                "signed_form": REPORT}, "amount_t", id="purchase"),
])
def test_holder_write__amount_with_four_decimals__422_names_the_field(path, body, field, client, applicant, untouched):
    response = client.post(API + path, headers=applicant.headers, json=body)

    assert fields_of(error_of(response, 422, "INVALID_INPUT")) == {field}


def test_request__amount_with_four_decimals__422_names_amount_t(client, applicant, active_coupon, untouched):
    response = client.post(f"{API}/coupons/{active_coupon}/requests", headers=applicant.headers,
                           json={"action": "OFFSET", "amount_t": "0.0001"})

    assert fields_of(error_of(response, 422, "INVALID_INPUT")) == {"amount_t"}


def test_attestation__amount_with_four_decimals__422_names_attested_t(client, officials, formal_ok, untouched):
    response = client.post(f"{API}/applications/{formal_ok}/attestation", headers=officials["VERIFIER"],
                           json={"report": REPORT, "attested_t": "99.9999"})

    assert fields_of(error_of(response, 422, "INVALID_INPUT")) == {"attested_t"}


def test_submit__missing_fields__422_names_every_one(client, applicant, report, untouched):
    form = application_form(report)
    del form["project_name"], form["monitoring_period"]
    del form["parcels"][0]["land_type"]

    response = client.post(f"{API}/applications", headers=applicant.headers, json=form)

    assert fields_of(error_of(response, 422, "INVALID_INPUT")) == {
        "project_name", "monitoring_period", "parcels.0.land_type"}


@pytest.mark.parametrize("bad_hash", ["not-a-hash", "A" * 64, "a" * 63])
def test_attestation__bad_sha256__422_names_report(bad_hash, client, officials, formal_ok, untouched):
    response = client.post(f"{API}/applications/{formal_ok}/attestation", headers=officials["VERIFIER"],
                           json={"report": bad_hash, "attested_t": "100"})

    assert fields_of(error_of(response, 422, "INVALID_INPUT")) == {"report"}


def test_submit__bad_sha256_in_documents__422_names_the_document(client, applicant, untouched):
    response = client.post(f"{API}/applications", headers=applicant.headers, json=application_form("xyz"))

    assert fields_of(error_of(response, 422, "INVALID_INPUT")) == {"documents.report"}


@pytest.mark.parametrize("end", ["2022-01-01", "2021-12-31"])
def test_submit__period_ends_on_or_before_its_start__422_empty_period(end, client, applicant, report, untouched):
    form = application_form(report, monitoring_period={"start": "2022-01-01", "end": end})

    response = client.post(f"{API}/applications", headers=applicant.headers, json=form)

    assert fields_of(error_of(response, 422, "EMPTY_PERIOD")) == {"monitoring_period"}


def test_harvest_plan__ends_before_it_starts__422_empty_period(client, officials, untouched):
    response = client.post(f"{API}/parcels/harvest-plans", headers=officials["FORESTRY"], json={
        "parcel_number": "ERR-HARVEST", "start": "2025-06-01", "end": "2025-05-31", "tending": False})

    assert fields_of(error_of(response, 422, "EMPTY_PERIOD")) == {"end"}


def test_submit__without_the_report__422_report_required(client, applicant, untouched):
    response = client.post(f"{API}/applications", headers=applicant.headers, json=application_form(None))

    assert fields_of(error_of(response, 422, "REPORT_REQUIRED")) == {"documents.report"}


def test_submit__report_never_uploaded__422_document_not_found(client, applicant, untouched):
    response = client.post(f"{API}/applications", headers=applicant.headers, json=application_form(NEVER_UPLOADED))

    assert error_of(response, 422, "DOCUMENT_NOT_FOUND")["detail"] == {"sha256": NEVER_UPLOADED}


def test_formal_review__supplement_without_missing_items__422_no_missing_items(
    client, officials, submitted, ledger, untouched
):
    response = client.post(f"{API}/applications/{submitted}/formal-review", headers=officials["CENTER"],
                           json={"decision": "supplement", "missing_items": []})

    assert fields_of(error_of(response, 422, "NO_MISSING_ITEMS")) == {"missing_items"}
    assert ledger.application(submitted).status.name == "SUBMITTED"


@pytest.mark.parametrize(("step", "role"), [("preliminary-review", "CENTER"), ("validation", "NRB")])
@pytest.mark.parametrize("reason", [None, ""])
def test_review__reject_without_reason__422_empty_reason(
    step, role, reason, client, officials, submitted, ledger, untouched
):
    response = client.post(f"{API}/applications/{submitted}/{step}", headers=officials[role],
                           json={"decision": "reject", "reason": reason})

    assert fields_of(error_of(response, 422, "EMPTY_REASON")) == {"reason"}
    assert ledger.application(submitted).status.name == "SUBMITTED"


@pytest.mark.parametrize(("step", "role", "decision"), [
    ("formal-review", "CENTER", "reject"),  # 附件1 一(二): formal review asks for what is missing at once
    ("eeb-review", "EEB", "reject"),  # 附件1 一(四): the EEB returns the file to the centre (退回)
    ("filing", "EEB", "reject"),
])
def test_review__refusal_the_measures_do_not_allow_at_this_step__422_names_the_decision(
    step, role, decision, client, officials, submitted, ledger, untouched
):
    response = client.post(f"{API}/applications/{submitted}/{step}", headers=officials[role],
                           json={"decision": decision, "reason": "材料不全"})

    assert fields_of(error_of(response, 422, "INVALID_INPUT")) == {"decision"}
    assert ledger.application(submitted).status.name == "SUBMITTED"


def test_filing__file_without_filing_number__422_empty_filing_number(client, officials, submitted, untouched):
    response = client.post(f"{API}/applications/{submitted}/filing", headers=officials["EEB"],
                           json={"decision": "file"})

    assert fields_of(error_of(response, 422, "EMPTY_FILING_NUMBER")) == {"filing_number"}


def test_freeze__empty_reason__422_names_reason(client, officials, active_coupon, untouched):
    response = client.post(f"{API}/coupons/{active_coupon}/freeze", headers=officials["NRB"], json={"reason": ""})

    assert fields_of(error_of(response, 422, "INVALID_INPUT")) == {"reason"}


def test_purchase__liable_for_damage_without_authority_document__422_authority_document_required(
    client, buyer, untouched
):
    response = client.post(f"{API}/purchases", headers=buyer.headers, json={
        "amount_t": "12.5", "reason": "ECO_COMPENSATION", "commitment": True, "signed_form": REPORT})

    assert fields_of(error_of(response, 422, "AUTHORITY_DOCUMENT_REQUIRED")) == {"authority_document"}


def test_request__transfer_to_an_unknown_holder__422_counterparty_unknown(client, applicant, active_coupon, untouched):
    response = client.post(f"{API}/coupons/{active_coupon}/requests", headers=applicant.headers,
                           json={"action": "TRANSFER", "counterparty": "nobody-by-this-name"})

    assert fields_of(error_of(response, 422, "COUNTERPARTY_UNKNOWN")) == {"counterparty"}


def test_upload__empty_file__422_empty_document(client, applicant, untouched):
    response = client.post(f"{API}/documents", headers=applicant.headers,
                           files={"file": ("empty.pdf", b"", "application/pdf")})

    assert fields_of(error_of(response, 422, "EMPTY_DOCUMENT")) == {"file"}


def test_upload__no_file__422_names_file(client, applicant, untouched):
    response = client.post(f"{API}/documents", headers=applicant.headers, data={"note": "forgot the file"})

    assert fields_of(error_of(response, 422, "INVALID_INPUT")) == {"file"}


# ---------------------------------------------------------------- 404: unknown objects


@pytest.mark.parametrize(("method", "path", "role", "body"), [
    pytest.param("GET", "/public/coupons/HSTQ-2026-9999-9999", None, None, id="public provenance"),
    pytest.param("POST", "/coupons/HSTQ-2026-9999-9999/freeze", "NRB", {"reason": "督查"}, id="freeze"),
    pytest.param("POST", "/coupons/HSTQ-2026-9999-9999/listing", "CENTER", {**api.LISTING, **LISTING}, id="listing"),
    pytest.param("POST", "/coupons/no-such-number/offset", "EEB",
                 {"purpose": "GREEN_POINTS", "beneficiary": "某市民", "case_reference": "GP-1"}, id="offset"),
])
def test_coupon_step__unknown_number__404_coupon_not_found(method, path, role, body, client, officials, untouched):
    response = client.request(method, API + path, headers=officials[role] if role else None, json=body)

    error_of(response, 404, "COUPON_NOT_FOUND")


def test_application__unknown_id__404_application_not_found(client, officials, gateway):
    unknown = gateway.registry.call("application_count") + 1000

    response = client.get(f"{API}/applications/{unknown}", headers=officials["DRC"])

    error_of(response, 404, "APPLICATION_NOT_FOUND")


def test_formal_review__unknown_application__404_from_the_contract_and_audited_as_reverted(
    client, officials, gateway, ledger
):
    unknown = gateway.registry.call("application_count") + 1000
    last_audit = ledger.last_audit_id()

    response = client.post(f"{API}/applications/{unknown}/formal-review", headers=officials["CENTER"], json=PASS)

    assert error_of(response, 404, "APPLICATION_NOT_FOUND")["detail"] == {"revert": "applications: unknown application"}
    [entry] = ledger.audit_since(last_audit)
    assert (entry.department, entry.outcome) == ("CENTER", "reverted: applications: unknown application")


def test_trade__unknown_purchase__404_purchase_not_found(client, officials, listed_coupon, report, untouched):
    response = client.post(f"{API}/trades", headers=officials["CENTER"], json={
        "coupon": listed_coupon, "purchase_id": 987654, "amount_t": "1", "price_yuan_per_t": "48.00",
        "service_fee_yuan": "0", "agreement": report})

    error_of(response, 404, "PURCHASE_NOT_FOUND")


def test_download__unknown_document__404_document_not_found(client, applicant):
    error_of(client.get(f"{API}/documents/{NEVER_UPLOADED}", headers=applicant.headers), 404, "DOCUMENT_NOT_FOUND")


# ---------------------------------------------------------------- 409 (and contract-level 422): state conflicts


@dataclass(frozen=True)
class Conflict:
    target: str  # the module fixture holding the application id or coupon number
    method: str
    path: str  # "{id}" is the target
    role: str  # a department, or "HOLDER" for the applicant/owner
    body: dict | None
    status: int
    code: str
    revert: str


CONFLICTS = {
    # coupons
    "unfreeze a listed coupon": Conflict("listed_coupon", "POST", "/coupons/{id}/unfreeze", "EEB", None,
                                         409, "COUPON_NOT_FROZEN", "ledger: coupon not frozen"),
    "offset without the owner's request": Conflict(
        "active_coupon", "POST", "/coupons/{id}/offset", "EEB",
        {"purpose": "EVENT_NEUTRALITY", "beneficiary": "某会议组委会", "case_reference": "EV-1"},
        409, "OWNER_CONSENT_MISSING", "ledger: no owner request"),
    "transfer without the owner's request": Conflict("active_coupon", "POST", "/coupons/{id}/transfer", "CENTER", None,
                                                     409, "OWNER_CONSENT_MISSING", "ledger: no owner request"),
    "pledge without the owner's request": Conflict("active_coupon", "POST", "/coupons/{id}/pledge", "FINANCE",
                                                   {"secured_yuan": "1000", "term_end": "2027-06-30"},
                                                   409, "OWNER_CONSENT_MISSING", "ledger: no owner request"),
    "cancel a request never made": Conflict("active_coupon", "DELETE", "/coupons/{id}/requests", "HOLDER", None,
                                            409, "OWNER_CONSENT_MISSING", "ledger: no owner request"),
    "unfreeze an active coupon": Conflict("active_coupon", "POST", "/coupons/{id}/unfreeze", "FORESTRY", None,
                                          409, "COUPON_NOT_FROZEN", "ledger: coupon not frozen"),
    "release an unpledged coupon": Conflict("active_coupon", "POST", "/coupons/{id}/pledge/release", "FINANCE", None,
                                            409, "COUPON_NOT_PLEDGED", "ledger: coupon not pledged"),
    "withdraw a listing never made": Conflict("active_coupon", "DELETE", "/coupons/{id}/listing", "CENTER", None,
                                              409, "COUPON_NOT_LISTED", "ledger: coupon not listed"),
    "withdraw a loss never reported": Conflict("active_coupon", "DELETE", "/coupons/{id}/loss", "CENTER", None,
                                               409, "COUPON_NOT_LOST_REPORTED", "ledger: coupon not lost reported"),
    "request more than the coupon": Conflict("active_coupon", "POST", "/coupons/{id}/requests", "HOLDER",
                                             {"action": "OFFSET", "amount_t": "100.001"},
                                             409, "AMOUNT_EXCEEDS_COUPON", "ledger: amount exceeds coupon"),
    "request listing of a part": Conflict("active_coupon", "POST", "/coupons/{id}/requests", "HOLDER",
                                          {"action": "LIST", "amount_t": "50"},
                                          422, "WHOLE_COUPON_ONLY", "ledger: whole coupon only"),
    "reissue before the EEB filing": Conflict("lost_coupon", "POST", "/coupons/{id}/reissue", "GOV", None,
                                              409, "REISSUE_NOT_FILED", "ledger: reissue not filed"),
    "file a reissue not registered": Conflict("lost_coupon", "POST", "/coupons/{id}/reissue-filing", "EEB",
                                              {"filing_number": "赫环补〔2026〕9号"}, 409, "REISSUE_WRONG_STAGE",
                                              "ledger: wrong reissue stage"),
    "register a reissue before its review": Conflict(
        "lost_coupon", "POST", "/coupons/{id}/reissue/registration", "CENTER", {"decision": "agree", "opinion": "同意"},
        409, "REISSUE_WRONG_STAGE", "ledger: wrong reissue stage"),
    "resubmit a reissue nothing was asked of": Conflict(
        "lost_coupon", "POST", "/coupons/{id}/reissue/resubmit", "HOLDER", {"documents": {"written_report": REPORT}},
        409, "SUPPLEMENT_NOT_REQUIRED", "ledger: no supplement required"),
    # applications
    "formal review twice": Conflict("formal_ok", "POST", "/applications/{id}/formal-review", "CENTER", PASS,
                                    409, "APPLICATION_WRONG_STATUS", "applications: wrong status"),
    "resume a survey never paused": Conflict("formal_ok", "POST", "/applications/{id}/field-survey/resume", "CENTER",
                                             None, 409, "FIELD_SURVEY_NOT_PAUSED", "applications: survey not paused"),
    "attest another report": Conflict("formal_ok", "POST", "/applications/{id}/attestation", "VERIFIER",
                                      {"report": NEVER_UPLOADED, "attested_t": "100"},
                                      409, "REPORT_HASH_MISMATCH", "applications: report hash mismatch"),
    "pause a paused survey": Conflict("survey_paused", "POST", "/applications/{id}/field-survey/pause", "CENTER", None,
                                      409, "FIELD_SURVEY_IN_PROGRESS", "applications: survey already paused"),
    "preliminary review during the survey": Conflict(
        "survey_paused", "POST", "/applications/{id}/preliminary-review", "CENTER", PASS,
        409, "FIELD_SURVEY_IN_PROGRESS", "applications: field survey in progress"),
    "validate an unattested report": Conflict("prelim_ok_unattested", "POST", "/applications/{id}/validation",
                                              "FORESTRY", PASS, 409, "REPORT_NOT_ATTESTED",
                                              "applications: report not attested"),
    "NRB signs twice": Conflict("nrb_signed", "POST", "/applications/{id}/validation", "NRB", PASS,
                                409, "ALREADY_SIGNED", "applications: already signed"),
    "mint before filing": Conflict("submitted", "POST", "/applications/{id}/mint", "GOV", None,
                                   409, "APPLICATION_WRONG_STATUS", "applications: wrong status"),
    "resubmit what was not returned": Conflict("submitted", "POST", "/applications/{id}/resubmit", "HOLDER",
                                               {"documents": {"report": REPORT}}, 409, "APPLICATION_WRONG_STATUS",
                                               "applications: wrong status"),
}


@pytest.mark.parametrize("conflict", [pytest.param(c, id=name) for name, c in CONFLICTS.items()])
def test_step__state_conflict__stable_code_from_the_revert_and_nothing_changes(
    conflict, request, client, officials, applicant, report, ledger
):
    target = request.getfixturevalue(conflict.target)
    read = ledger.coupon if conflict.path.startswith("/coupons") else ledger.application
    before, last_audit = read(target), ledger.last_audit_id()
    headers = applicant.headers if conflict.role == "HOLDER" else officials[conflict.role]

    response = client.request(conflict.method, API + conflict.path.format(id=target), headers=headers,
                              json=conflict.body)

    assert response.json() == {"code": conflict.code, "message": conflict.revert, "detail": {"revert": conflict.revert}}
    assert response.status_code == conflict.status
    assert read(target) == before
    [entry] = ledger.audit_since(last_audit)
    assert entry.outcome == f"reverted: {conflict.revert}"
    assert entry.tx_hash is not None and entry.department == conflict.role


def test_attestation__more_than_claimed__422_attested_exceeds_claim(client, officials, formal_ok, ledger):
    before = ledger.application(formal_ok)

    response = client.post(f"{API}/applications/{formal_ok}/attestation", headers=officials["VERIFIER"],
                           json={"report": REPORT, "attested_t": "100.001"})

    error = error_of(response, 422, "ATTESTED_EXCEEDS_CLAIM")
    assert error["detail"] == {"revert": "applications: attested exceeds claim"}
    assert ledger.application(formal_ok) == before


def test_list__twice__409_and_the_first_disclosure_stands(client, officials, listed_coupon, ledger):
    """The second listing's form must not replace the one the public saw (附件5)."""
    last_audit = ledger.last_audit_id()

    response = client.post(f"{API}/coupons/{listed_coupon}/listing", headers=officials["CENTER"],
                           json={**api.LISTING, **LISTING, "price_yuan_per_t": "1.00"})

    error_of(response, 409, "COUPON_NOT_ACTIVE")
    [board_entry] = [entry for entry in ok(client.get(f"{API}/public/listings")) if entry["number"] == listed_coupon]
    assert board_entry["price_yuan_per_t"] == "48"
    assert [(e.username, e.action, e.outcome) for e in ledger.audit_since(last_audit)] == [
        (OFFICIALS["CENTER"], "coupon.list", "reverted: ledger: coupon not active")]


def test_trade__same_purchase_twice__409_purchase_settled(client, officials, applicant, buyer, mint, report, ledger):
    coupon = _listed(client, officials, applicant, mint)  # a partial sale splits it: not the shared one
    purchase = api.accepted_purchase(client, officials, buyer, "1")
    trade = {"coupon": coupon, "purchase_id": purchase, "amount_t": "1", "price_yuan_per_t": "48.00",
             "service_fee_yuan": "0.50", "agreement": report}
    settled = ok(client.post(f"{API}/trades", headers=officials["CENTER"], json=trade))
    block, last_audit = ledger.block(), ledger.last_audit_id()

    response = client.post(f"{API}/trades", headers=officials["CENTER"], json=trade)

    assert error_of(response, 409, "PURCHASE_SETTLED")["detail"] == {"tx": settled["tx_hash"]}
    assert ledger.block() == block
    assert ledger.audit_since(last_audit) == []


def test_submit__parcel_on_the_ccer_list__409_parcel_on_ccer_list(client, officials, applicant, report, gateway):
    form = application_form(report)
    ok(client.post(f"{API}/parcels/ccer", headers=officials["EEB"],
                   json={"parcel_number": form["parcels"][0]["number"], "listed": True}))
    count = gateway.registry.call("application_count")

    response = client.post(f"{API}/applications", headers=applicant.headers, json=form)

    error_of(response, 409, "PARCEL_ON_CCER_LIST")
    assert gateway.registry.call("application_count") == count


def test_submit__clear_cut_planned_in_the_period__409_harvest_planned(client, officials, applicant, report, gateway):
    form = application_form(report)
    ok(client.post(f"{API}/parcels/harvest-plans", headers=officials["FORESTRY"], json={
        "parcel_number": form["parcels"][0]["number"], "start": "2023-03-01", "end": "2023-04-01", "tending": False}))
    count = gateway.registry.call("application_count")

    response = client.post(f"{API}/applications", headers=applicant.headers, json=form)

    error_of(response, 409, "HARVEST_PLANNED")
    assert gateway.registry.call("application_count") == count


# ---------------------------------------------------------------- identity: 401 and 409 on accounts


@pytest.mark.parametrize("username", [OFFICIALS["CENTER"], "no-such-official"])
def test_login__wrong_password_or_unknown_user__401_login_failed_alike(username, client):
    response = client.post(f"{API}/auth/login", json={"username": username, "password": "wrong-password-123"})

    assert error_of(response, 401, "LOGIN_FAILED")["message"] == "wrong username or password"


def test_write__expired_session__401_token_invalid(client, gateway, applicant, active_coupon, untouched):
    headers = login(client, applicant.username)
    token = headers["Authorization"].removeprefix("Bearer ")
    with gateway.db.sessions() as db, db.begin():
        db.execute(update(Token).where(Token.token_hash == token_hash(token))
                   .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)))

    response = client.post(f"{API}/coupons/{active_coupon}/requests", headers=headers, json={"action": "LIST"})

    error_of(response, 401, "TOKEN_INVALID")


@pytest.mark.parametrize("headers", [
    pytest.param({"Authorization": "Bearer not-a-token-we-issued"}, id="bearer"),
    pytest.param({"X-API-Key": "not-a-key-we-issued"}, id="api-key"),
])
def test_write__unknown_token__401_token_invalid(headers, client, untouched):
    response = client.post(f"{API}/purchases", headers=headers, json={"amount_t": "1", "reason": "自愿减排"})

    error_of(response, 401, "TOKEN_INVALID")


def test_register_holder__username_taken__409_username_taken(client, applicant, ledger):
    users = ledger.users()

    response = client.post(f"{API}/auth/holders", json=api.holder_form(applicant.username, display_name="冒名者"))

    assert error_of(response, 409, "USERNAME_TAKEN")["detail"] == {"field": "username"}
    assert ledger.users() == users


def test_create_official__username_taken__409_username_taken(client, officials, ledger):
    users = ledger.users()

    response = client.post(f"{API}/auth/officials", headers=officials["DRC"], json={
        "username": OFFICIALS["GOV"], "password": DEMO_PASSWORD, "display_name": "冒名者", "role": "CENTER"})

    assert error_of(response, 409, "USERNAME_TAKEN")["detail"] == {"field": "username"}
    assert ledger.users() == users


# ---------------------------------------------------------------- one shape, never a 500


@pytest.fixture(scope="module")
def lenient(client) -> TestClient:
    """The same app, reporting a server error as a 500 response instead of raising it into the test."""
    return TestClient(client.app, raise_server_exceptions=False)


@pytest.mark.parametrize(("method", "path", "role", "body", "status", "code"), [
    pytest.param("GET", "/auth/me", None, None, 401, "NOT_AUTHENTICATED", id="401"),
    pytest.param("POST", "/parcels/ccer", "GOV", {"parcel_number": "X", "listed": True}, 403, "ROLE_REQUIRED",
                 id="403"),
    pytest.param("GET", "/public/coupons/HSTQ-2026-9999-9999", None, None, 404, "COUPON_NOT_FOUND", id="404"),
    pytest.param("POST", "/purchases", "HOLDER", {"reason": "x"}, 422, "INVALID_INPUT", id="422-schema"),
    pytest.param("POST", "/purchases", "HOLDER", {"amount_t": "1", "reason": "VOLUNTARY", "commitment": False,
                                                  "signed_form": "ab" * 32}, 422, "COMMITMENT_REQUIRED", id="422-rule"),
    pytest.param("GET", "/no-such-route", None, None, 404, "NOT_FOUND", id="404-unknown-route"),
    pytest.param("PUT", "/public/stats", None, None, 405, "METHOD_NOT_ALLOWED", id="405"),
])
def test_error__any_kind__json_shape_is_code_message_detail(
    method, path, role, body, status, code, lenient, officials, buyer
):
    headers = buyer.headers if role == "HOLDER" else officials[role] if role else None
    response = lenient.request(method, API + path, headers=headers, json=body)

    error_of(response, status, code)
    assert isinstance(response.json()["message"], str) and response.json()["message"]


TOO_LARGE_ID = 2**64


@pytest.mark.parametrize(("method", "path", "role", "body", "field"), [
    pytest.param("GET", f"/applications/{TOO_LARGE_ID}", "DRC", None, "application_id", id="huge-application-id"),
    pytest.param("POST", "/applications/-1/formal-review", "CENTER", PASS, "application_id",
                 id="negative-application-id"),
    pytest.param("POST", "/trades", "CENTER", {"coupon": "HSTQ-2026-0001-0001", "purchase_id": TOO_LARGE_ID,
                                               "amount_t": "1", "price_yuan_per_t": "1", "service_fee_yuan": "0",
                                               "agreement": NEVER_UPLOADED}, "purchase_id", id="huge-purchase-id"),
    pytest.param("POST", "/parcels/harvest-plans", "FORESTRY",
                 {"parcel_number": "ERR-1900", "start": "1900-01-01", "end": "1900-06-01", "tending": False},
                 "start", id="harvest-before-1970"),
])
def test_user_mistake__out_of_range_number_or_date__422_not_500(
    method, path, role, body, field, lenient, officials, ledger
):
    block = ledger.block()

    response = lenient.request(method, API + path, headers=officials[role], json=body)

    assert field in fields_of(error_of(response, 422, "INVALID_INPUT"))
    assert ledger.block() == block


def test_submit__monitoring_period_before_1970__422_not_500(lenient, applicant, report, ledger):
    form = application_form(report, monitoring_period={"start": "1960-01-01", "end": "2024-01-01"})
    block = ledger.block()

    response = lenient.post(f"{API}/applications", headers=applicant.headers, json=form)

    assert fields_of(error_of(response, 422, "INVALID_INPUT")) == {"monitoring_period.start"}
    assert ledger.block() == block


# Chinese takes three bytes a character in UTF-8, and the contract's String[n] counts bytes:
# text within the schema's character limit can still be too long for the chain.
LONG_REASON = "林地被违法占用" * 20  # 140 characters, 420 bytes; the chain keeps 256
LONG_FILING_NUMBER = "赫山区生态环境分局碳券补发备案〔2026〕第0001号"  # 27 characters, 65 bytes; the chain keeps 64
LONG_MISSING_ITEM = "第三方机构监测核算报告（须加盖检验检测机构资质认定标志CMA章并由项目负责人签字）"  # 117 bytes of 100


@pytest.mark.parametrize(("target", "path", "role", "body", "field"), [
    pytest.param("active_coupon", "/coupons/{id}/freeze", "NRB", {"reason": LONG_REASON}, "reason", id="freeze-reason"),
    pytest.param("lost_coupon", "/coupons/{id}/reissue-filing", "EEB", {"filing_number": LONG_FILING_NUMBER},
                 "filing_number", id="reissue-filing-number"),
    pytest.param("submitted", "/applications/{id}/formal-review", "CENTER",
                 {"decision": "supplement", "missing_items": [LONG_MISSING_ITEM]}, "missing_items.0",
                 id="missing-item"),
    pytest.param("submitted", "/applications/{id}/preliminary-review", "CENTER",
                 {"decision": "reject", "reason": LONG_REASON}, "reason", id="reject-reason"),
])
def test_step__text_longer_than_the_chain_keeps__422_names_the_field(
    target, path, role, body, field, request, lenient, officials, ledger
):
    target = request.getfixturevalue(target)
    block, last_audit = ledger.block(), ledger.last_audit_id()

    response = lenient.post(API + path.format(id=target), headers=officials[role], json=body)

    assert fields_of(error_of(response, 422, "INVALID_INPUT")) == {field}
    assert ledger.block() == block
    assert ledger.audit_since(last_audit) == []


@pytest.mark.parametrize(("path", "body"), [
    pytest.param("/purchases", {"amount_t": "NaN", "reason": "x"}, id="nan"),
    pytest.param("/purchases", {"amount_t": "Infinity", "reason": "x"}, id="infinity"),
    pytest.param("/purchases", {"amount_t": "1e400", "reason": "x"}, id="huge-exponent"),
    pytest.param("/purchases", ["not", "an", "object"], id="array-body"),
])
def test_purchase__malformed_amount_or_body__422_invalid_input(path, body, lenient, buyer, untouched):
    response = lenient.post(API + path, headers=buyer.headers, json=body)

    error_of(response, 422, "INVALID_INPUT")


def test_purchase__body_not_json__422_invalid_input(lenient, buyer, untouched):
    response = lenient.post(f"{API}/purchases", headers={**buyer.headers, "content-type": "application/json"},
                            content=b"{amount_t: 1")

    error_of(response, 422, "INVALID_INPUT")
