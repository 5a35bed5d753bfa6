"""Supervision (§5, §6): NRB, FORESTRY or EEB freeze a coupon in any live state and
unfreezing returns it to that state; a step refused on a frozen coupon says who froze it,
since when and why; voiding a coupon found invalid (注销) takes NRB and FORESTRY jointly,
one reason and one inspection record, and the coupon then verifies as voided with that
reason; inspection records (抽查) on an application or a coupon are read back by the
departments and shown in their consoles."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient

from gateway.demo import DEMO_PASSWORD, OFFICIALS
from support import api
from support.api import (
    LISTING, accepted_purchase, application_form, list_coupon, lose, submit, upload,
)
from support.fixtures import holder_fixture
from support.http import API, error_of, ok

holder = holder_fixture("赫山区某村股份经济合作社")
pledgee = holder_fixture("赫山区农村商业银行", "FINANCIAL")


def record(client, number: str) -> dict:
    return ok(client.get(f"{API}/public/coupons/{number}"))


def state_of(client, number: str) -> str:
    return record(client, number)["coupon"]["state"]


def inspect(client, officials, role: str = "NRB", **subject) -> dict:
    return ok(client.post(f"{API}/inspections", headers=officials[role], json={
        "inspected_on": "2026-11-20", "method": "ON_SITE", "findings": "现场核查：宗地内林木已被采伐", **subject}))


def supervision(client, officials, number: str) -> dict:
    return ok(client.get(f"{API}/coupons/{number}/supervision", headers=officials["DRC"]))


def _listed(client, officials, holder, pledgee, number):
    list_coupon(client, officials, holder, number)


def _pledged(client, officials, holder, pledgee, number):
    """The centre accepts the owner's pledge form (附件8 质押权), the owner consents, FINANCE registers."""
    api.pledge(client, officials, holder, number, pledgee, secured_yuan="10000.00", term_end="2027-12-31")


def _lost(client, officials, holder, pledgee, number):
    lose(client, officials, holder, number, through="formal_review")


HOLDS = {"ACTIVE": lambda *args: None, "LISTED": _listed, "PLEDGED": _pledged, "LOST_REPORTED": _lost}


# ---------------------------------------------------------------- freeze and unfreeze


@pytest.mark.parametrize(("state", "supervisor"), [("ACTIVE", "NRB"), ("LISTED", "EEB"), ("PLEDGED", "FORESTRY"),
                                                   ("LOST_REPORTED", "NRB")])
def test_freeze__any_live_state__frozen_then_unfreeze_restores_that_state(
    state, supervisor, client, officials, holder, pledgee, mint
):
    number = mint(holder)
    HOLDS[state](client, officials, holder, pledgee, number)
    before = record(client, number)["coupon"]

    ok(client.post(f"{API}/coupons/{number}/freeze", headers=officials[supervisor], json={"reason": "权属争议待查"}))

    assert state_of(client, number) == "FROZEN"
    frozen = supervision(client, officials, number)["frozen"]
    assert (frozen["department"], frozen["reason"], frozen["previous_state"]) == (supervisor, "权属争议待查", state)
    assert record(client, number)["frozen"]["reason"] == "权属争议待查"  # the public page says so too

    ok(client.post(f"{API}/coupons/{number}/unfreeze", headers=officials[supervisor]))

    after = record(client, number)["coupon"]
    assert after["state"] == state and after["owner"] == before["owner"]
    assert supervision(client, officials, number)["frozen"] is None and record(client, number)["frozen"] is None
    if state == "LISTED":
        assert number in {entry["number"] for entry in ok(client.get(f"{API}/public/listings"))}
    if state == "LOST_REPORTED":
        report = ok(client.get(f"{API}/coupons/{number}/loss-report", headers=officials["CENTER"]))
        assert report["stage"] == "FORMAL_OK"


def test_freeze__frozen_coupon__409_coupon_already_frozen_with_the_first_freeze_named(client, officials, holder, mint):
    number = mint(holder)
    ok(client.post(f"{API}/coupons/{number}/freeze", headers=officials["NRB"], json={"reason": "抽查发现问题"}))

    response = client.post(f"{API}/coupons/{number}/freeze", headers=officials["EEB"], json={"reason": "再次冻结"})

    body = error_of(response, 409, "COUPON_ALREADY_FROZEN")
    assert body["detail"]["frozen"]["department"] == "NRB" and "抽查发现问题" in body["message"]


def test_settle__listed_coupon_frozen__409_names_the_freeze_and_unfreezing_lets_it_settle(
    client, gateway, officials, holder, new_holder, mint
):
    number = mint(holder)
    list_coupon(client, officials, holder, number)
    buyer = new_holder("某会展公司")
    purchase = {"purchase": accepted_purchase(client, officials, buyer, "10")}
    trade = {"coupon": number, "purchase_id": purchase["purchase"], "amount_t": "10",
             "price_yuan_per_t": LISTING["price_yuan_per_t"], "service_fee_yuan": "1.00",
             "agreement": upload(client, officials["CENTER"])}
    ok(client.post(f"{API}/coupons/{number}/freeze", headers=officials["FORESTRY"], json={"reason": "宗地采伐核查"}))
    head = gateway.registry.chain.w3.eth.block_number

    refused = client.post(f"{API}/trades", headers=officials["CENTER"], json=trade)

    body = error_of(refused, 409, "COUPON_NOT_LISTED")
    assert re.fullmatch(rf"{number} is frozen by FORESTRY since \d{{4}}-\d{{2}}-\d{{2}}: 宗地采伐核查", body["message"])
    assert body["detail"]["frozen"]["reason"] == "宗地采伐核查"
    assert gateway.registry.chain.w3.eth.block_number == head and state_of(client, number) == "FROZEN"

    ok(client.post(f"{API}/coupons/{number}/unfreeze", headers=officials["FORESTRY"]))
    assert state_of(client, number) == "LISTED"
    sold = ok(client.post(f"{API}/trades", headers=officials["CENTER"], json=trade))
    assert state_of(client, sold["coupon"]) == "ACTIVE"


def test_reissue_step__lost_coupon_frozen__refused_with_the_freeze_then_resumes_at_its_stage(
    client, officials, holder, mint
):
    number = mint(holder)
    lose(client, officials, holder, number)
    ok(client.post(f"{API}/coupons/{number}/freeze", headers=officials["EEB"], json={"reason": "挂失真实性存疑"}))

    refused = client.post(f"{API}/coupons/{number}/reissue/formal-review", headers=officials["CENTER"],
                          json={"decision": "pass"})

    body = error_of(refused, 409, "COUPON_NOT_LOST_REPORTED")
    assert body["detail"]["frozen"]["reason"] == "挂失真实性存疑"
    ok(client.post(f"{API}/coupons/{number}/unfreeze", headers=officials["EEB"]))
    ok(client.post(f"{API}/coupons/{number}/reissue/formal-review", headers=officials["CENTER"],
                   json={"decision": "pass"}))
    assert ok(client.get(f"{API}/coupons/{number}/loss-report", headers=officials["CENTER"]))["stage"] == "FORMAL_OK"


# ---------------------------------------------------------------- 注销: voiding a coupon found invalid


def test_void__nrb_then_forestry_sign_one_reason_and_record__voided_and_verifies_with_the_reason(
    client, officials, holder, mint
):
    number = mint(holder)
    inspection = inspect(client, officials, "NRB", coupon=number)

    ok(client.post(f"{API}/coupons/{number}/voiding", headers=officials["NRB"],
                   json={"reason": "抽查认定碳汇量不实", "inspection": inspection["inspection"]}))
    signed = supervision(client, officials, number)["voiding_signatures"]
    assert [(s["department"], s["reason"], s["inspection"]) for s in signed] == [
        ("NRB", "抽查认定碳汇量不实", inspection["inspection"])]
    assert state_of(client, number) == "ACTIVE"  # one department alone voids nothing

    ok(client.post(f"{API}/coupons/{number}/voiding", headers=officials["FORESTRY"], json={}))  # signs what NRB signed

    voided = record(client, number)
    assert voided["coupon"]["state"] == "VOIDED"
    assert voided["invalidated"]["reason"] == "抽查认定碳汇量不实"
    assert voided["invalidated"]["inspection_sha256"] == inspection["sha256"]
    assert voided["lineage"]["replaced_by"] is None  # found invalid: not replaced
    client.cookies.clear()
    page = client.get(f"/verify/{number}")  # the verification page sends a coupon number to the coupon's page
    assert page.status_code == 200 and 'id="invalid-reason">抽查认定碳汇量不实<' in page.text
    assert 'data-why="invalid"' in page.text
    minted_tx = voided["history"][0]["tx_hash"]  # any transaction of the coupon verifies as voided, with the reason
    verified = ok(client.get(f"{API}/public/offsets/{minted_tx}"))
    assert verified["verdict"] == "voided" and "抽查认定碳汇量不实" in verified["reason_zh"]
    assert "抽查认定碳汇量不实" in client.get(f"/verify/{minted_tx}").text


def test_void__frozen_coupon__nrb_and_forestry_void_it(client, officials, holder, mint):
    number = mint(holder)
    ok(client.post(f"{API}/coupons/{number}/freeze", headers=officials["EEB"], json={"reason": "抽查"}))
    inspection = inspect(client, officials, "FORESTRY", coupon=number)["inspection"]

    for role in ("FORESTRY", "NRB"):
        ok(client.post(f"{API}/coupons/{number}/voiding", headers=officials[role],
                       json={"reason": "重复申报", "inspection": inspection}))

    assert state_of(client, number) == "VOIDED"
    assert supervision(client, officials, number)["frozen"] is None


@pytest.mark.parametrize(("body", "status", "code"), [
    pytest.param({}, 422, "VOIDING_REASON_REQUIRED", id="nothing-signed-before"),
    pytest.param({"reason": "不实"}, 422, "VOIDING_REASON_REQUIRED", id="no-inspection-record"),
    pytest.param({"reason": "不实", "inspection": 2**31 - 1}, 422, "INSPECTION_NOT_FOUND", id="unknown-record"),
    pytest.param({"reason": "不实", "inspection": 2**31}, 422, "INVALID_INPUT", id="record-id-out-of-range"),
])
def test_void__without_a_reason_and_an_inspection_record_of_the_coupon__refused_and_nothing_changes(
    body, status, code, client, gateway, officials, holder, mint
):
    number = mint(holder)
    head = gateway.registry.chain.w3.eth.block_number

    error_of(client.post(f"{API}/coupons/{number}/voiding", headers=officials["NRB"], json=body), status, code)

    assert gateway.registry.chain.w3.eth.block_number == head


def test_void__inspection_record_of_another_coupon__422_inspection_not_found(client, officials, holder, mint):
    number, other = mint(holder), mint(holder)
    inspection = inspect(client, officials, "NRB", coupon=other)["inspection"]

    response = client.post(f"{API}/coupons/{number}/voiding", headers=officials["NRB"],
                           json={"reason": "不实", "inspection": inspection})

    error_of(response, 422, "INSPECTION_NOT_FOUND")


# ---------------------------------------------------------------- 抽查: inspection records


@pytest.mark.parametrize("method", ["ON_SITE", "DOCUMENTS", "SYSTEMS"])
def test_inspection__on_an_application__recorded_with_its_documents_and_read_back(
    method, client, officials, holder, upload
):
    application = submit(client, holder, application_form(upload(holder.headers))).id
    evidence = upload(officials["EEB"])

    made = ok(client.post(f"{API}/inspections", headers=officials["EEB"], json={
        "inspected_on": "2026-11-18", "method": method, "findings": "监测核算报告与现场一致",
        "documents": [evidence], "application": application}))

    [read] = ok(client.get(f"{API}/inspections", params={"application": application}, headers=officials["DRC"]))
    assert (read["id"], read["department"], read["method"], read["documents"]) == (
        made["inspection"], "EEB", method, [evidence])
    assert (read["inspected_on"], read["findings"], read["coupon"]) == ("2026-11-18", "监测核算报告与现场一致", None)
    assert read["sha256"] == made["sha256"] and len(made["sha256"]) == 64


@pytest.mark.parametrize("subject", [pytest.param({}, id="neither"), pytest.param(None, id="both")])
def test_inspection__neither_or_both_subjects__422_inspection_subject(subject, client, officials, holder, mint):
    if subject is None:
        subject = {"coupon": mint(holder), "application": 1}

    response = client.post(f"{API}/inspections", headers=officials["NRB"], json={
        "inspected_on": "2026-11-18", "method": "DOCUMENTS", "findings": "—", **subject})

    error_of(response, 422, "INSPECTION_SUBJECT")


def test_inspections__holder__403_role_required(client, holder):
    error_of(client.get(f"{API}/inspections", headers=holder.headers), 403, "ROLE_REQUIRED")


def _page(client, path: str, username: str) -> str:
    with TestClient(client.app) as browser:
        browser.post("/console/login", data={"username": username, "password": DEMO_PASSWORD})
        response = browser.get(path)
        assert response.status_code == 200, response.text
        return response.text


def test_console__inspection_and_freeze__shown_on_the_coupon_and_inspections_pages(client, officials, holder, mint):
    number = mint(holder)
    findings = f"系统检查：交易记录完整 {time.time_ns()}"
    inspect(client, officials, "FORESTRY", coupon=number, method="SYSTEMS", findings=findings)
    ok(client.post(f"{API}/coupons/{number}/freeze", headers=officials["NRB"], json={"reason": "待核查"}))

    coupon_page = _page(client, f"/console/coupons/{number}", OFFICIALS["EEB"])
    assert findings in coupon_page and 'id="frozen"' in coupon_page and "待核查" in coupon_page
    assert findings in _page(client, "/console/inspections", OFFICIALS["DRC"])
    assert 'data-step="supervision.inspection"' in _page(client, "/console/inspections", OFFICIALS["NRB"])
