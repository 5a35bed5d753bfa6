"""Enforcement bodies (附件1 三(三)): offset certificates found by case reference (案号); an
eco-compensation offset (§15(1)) shows the calculator's amount beside the amount retired."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gateway.db import OffsetCompensation
from gateway.demo import DEMO_PASSWORD, ENFORCEMENT_OFFICIAL, OFFICIALS
from support.api import owner_request
from support.http import API, login, ok

_case = itertools.count(1)
LAND_TAKE = {"parcels": [{"number": "G-9", "location": "龙岭工业园", "land_type": "FOREST", "area_mu": "50"},
                         {"number": "G-10", "location": "龙岭工业园", "land_type": "WETLAND", "area_mu": "20"}],
             "years": "10"}  # 50 × 0.60 × 10 + 20 × 0.45 × 10 = 390 t with the default factors


@pytest.fixture(scope="module")
def enforcer(client) -> dict:
    return login(client, ENFORCEMENT_OFFICIAL)


def _case_reference() -> str:
    return f"赫自然资〔2026〕执法{next(_case)}号-{id(_case) % 10_000}"


def _offset(client, officials, holder, number: str, **body) -> dict:
    ok(owner_request(client, holder, number, "OFFSET"))
    return ok(client.post(f"{API}/coupons/{number}/offset", headers=officials["EEB"], json=body))


def _calculations(gateway) -> int:
    with gateway.db.sessions() as db:
        return db.scalar(select(func.count()).select_from(OffsetCompensation))


def _search(client, headers: dict, case_reference: str):
    return client.get(f"{API}/enforcement/offsets", params={"case_reference": case_reference}, headers=headers)


def test_search_offsets__eco_compensation_by_case__calculated_amount_beside_retired(
    client, officials, enforcer, new_holder, mint
):
    holder = new_holder()
    number = mint(holder, claimed_t="400")
    case = _case_reference()
    answer = _offset(client, officials, holder, number, purpose="ECO_COMPENSATION", beneficiary="某交通建设有限公司",
                     case_reference=case, compensation=LAND_TAKE)
    calculated = ok(client.post(f"{API}/public/calculator/eco-compensation", json=LAND_TAKE))["coupons_needed_t"]

    (found,) = ok(_search(client, enforcer, case))
    assert found["certificate"] == answer["certificate"] and found["coupon"] == number
    assert (found["case_reference"], found["purpose"]) == (case, "ECO_COMPENSATION")
    assert Decimal(found["amount_t"]) == Decimal("400")
    assert Decimal(found["compensation"]["needed_t"]) == Decimal(calculated) == Decimal("390")
    assert found["compensation"]["covered"] is True and Decimal(found["compensation"]["shortfall_t"]) == 0
    # What the page shows is what the chain says: the certificate verifies with the same case and amount.
    verified = ok(client.get(f"{API}/public/offsets/{found['certificate']}"))
    assert verified["verdict"] == "valid"
    assert verified["certificate"]["case_reference"] == case
    assert verified["certificate"]["amount_kg"] == 400_000


def test_search_offsets__part_of_the_case_in_other_case__found(client, officials, enforcer, new_holder, mint):
    holder = new_holder()
    number = mint(holder, claimed_t="10")
    case = f"HS-EV-{next(_case)}-Marathon"
    _offset(client, officials, holder, number, purpose="EVENT_NEUTRALITY", beneficiary="组委会", case_reference=case)

    (found,) = ok(_search(client, enforcer, f"  {case[3:].lower()} "))
    assert found["case_reference"] == case and found["compensation"] is None


def test_search_offsets__retired_less_than_calculated__shortfall_shown(client, officials, enforcer, new_holder, mint):
    holder = new_holder()
    number = mint(holder, claimed_t="100")
    case = _case_reference()
    _offset(client, officials, holder, number, purpose="ECO_COMPENSATION", beneficiary="某建设单位", case_reference=case,
            compensation=LAND_TAKE)
    (found,) = ok(_search(client, officials["EEB"], case))  # the EEB reads it too (附件1 三(三))
    assert found["compensation"]["covered"] is False
    assert Decimal(found["compensation"]["shortfall_t"]) == Decimal("290")


def test_search_offsets__unknown_case__empty(client, enforcer):
    assert ok(_search(client, enforcer, "no-such-case-2099")) == []


@pytest.mark.parametrize("role", ["CENTER", "FINANCE", "GOV"])
def test_search_offsets__department_not_named_in_annex_1_3_3__403(client, officials, role):
    response = _search(client, officials[role], "赫")
    assert (response.status_code, response.json()["code"]) == (403, "ROLE_REQUIRED")


def test_search_offsets__holder__403(client, new_holder):
    response = _search(client, new_holder().headers, "赫")
    assert (response.status_code, response.json()["code"]) == (403, "ROLE_REQUIRED")


def test_search_offsets__blank_case__422(client, enforcer):
    response = _search(client, enforcer, "   ")
    assert (response.status_code, response.json()["code"]) == (422, "EMPTY_CASE_REFERENCE")


def test_offset__land_take_with_another_purpose__422_and_nothing_changed(client, officials, gateway, new_holder, mint):
    holder = new_holder()
    number = mint(holder, claimed_t="10")
    ok(owner_request(client, holder, number, "OFFSET"))
    offsets_before = ok(client.get(f"{API}/public/stats"))["offsets"]
    calculations_before = _calculations(gateway)
    response = client.post(f"{API}/coupons/{number}/offset", headers=officials["EEB"], json={
        "purpose": "EVENT_NEUTRALITY", "beneficiary": "组委会", "case_reference": _case_reference(),
        "compensation": LAND_TAKE})
    assert (response.status_code, response.json()["code"]) == (422, "INVALID_INPUT")
    assert ok(client.get(f"{API}/public/coupons/{number}"))["coupon"]["state"] == "ACTIVE"
    assert ok(client.get(f"{API}/public/stats"))["offsets"] == offsets_before
    assert _calculations(gateway) == calculations_before


def test_enforcement_console__official_logs_in__lands_on_the_case_search(client):
    with TestClient(client.app) as browser:
        browser.post("/console/login", data={"username": ENFORCEMENT_OFFICIAL, "password": DEMO_PASSWORD})
        page = browser.get("/console")
        assert page.status_code == 200 and str(page.url).endswith("/console/offsets")
        assert 'id="case-search"' in page.text


def test_enforcement_console__another_department__404(client):
    with TestClient(client.app) as browser:
        browser.post("/console/login", data={"username": OFFICIALS["CENTER"], "password": DEMO_PASSWORD})
        assert browser.get("/console/offsets", params={"case_reference": "赫"}).status_code == 404
