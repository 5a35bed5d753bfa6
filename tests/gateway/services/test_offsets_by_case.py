"""Enforcement bodies (附件1 三(三)): offset certificates found by case reference (案号); an
eco-compensation offset (§15(1)) shows the calculator's amount beside the amount retired."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from chain import OffsetPurpose, Role
from gateway.core.db import OffsetCompensation, utcnow
from gateway.core.schemas import EcoCompensationCreate
from gateway.services import calculator, recovery
from gateway.services.coupons import coupon_id
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


# -- no certificate without its calculation (§15(1), 附件1 三(三)): kept before the offset is sent


def _pending(gateway, number: str, case: str, hours_ago: float = 1) -> int:
    """The calculation an offset keeps before it is sent, as a process that died then left it."""
    with gateway.db.sessions() as db:
        row = OffsetCompensation(coupon=number, case_reference=case, needed_kg=390_000,
                                 calculation=calculator.eco_compensation(gateway.settings.data_dir,
                                                                         EcoCompensationCreate(**LAND_TAKE)),
                                 recorded_by=1, created_at=utcnow() - dt.timedelta(hours=hours_ago))
        db.add(row)
        db.commit()
        return row.id


def _calculation(gateway, row: int) -> OffsetCompensation | None:
    with gateway.db.sessions() as db:
        return db.get(OffsetCompensation, row)


def test_offset__eco_compensation_the_chain_refuses__no_calculation_kept(client, officials, gateway, new_holder, mint):
    number = mint(new_holder(), claimed_t="10")  # its owner has not consented to an offset
    calculations_before = _calculations(gateway)

    response = client.post(f"{API}/coupons/{number}/offset", headers=officials["EEB"], json={
        "purpose": "ECO_COMPENSATION", "beneficiary": "某建设单位", "case_reference": _case_reference(),
        "compensation": LAND_TAKE})

    assert (response.status_code, response.json()["code"]) == (409, "OWNER_CONSENT_MISSING")
    assert _calculations(gateway) == calculations_before


def test_recover__offset_crashed_after_the_chain_took_part_of_a_coupon__the_calculation_gets_its_certificate(
    client, officials, enforcer, gateway, new_holder, mint
):
    holder = new_holder()
    number, case = mint(holder, claimed_t="400"), _case_reference()
    ok(owner_request(client, holder, number, "OFFSET", amount_t="300"))
    row = _pending(gateway, number, case)
    retired = gateway.registry.retire(gateway.node.department(Role.EEB), coupon=coupon_id(gateway, number),
                                      purpose=OffsetPurpose.ECO_COMPENSATION, beneficiary="某建设单位",
                                      case_reference=case)
    gateway.follower.wait_for(retired.block_number)

    recovery.recover(gateway)  # the gateway's own watch may have been first: the outcome is one

    assert _calculation(gateway, row).tx_hash == retired.tx_hash
    (found,) = ok(_search(client, enforcer, case))
    assert found["certificate"] == retired.tx_hash and found["coupon"] != number  # the part split off for it
    assert Decimal(found["compensation"]["needed_t"]) == Decimal("390") and found["compensation"]["covered"] is False


def test_recover__offset_crashed_before_the_chain_was_asked__the_calculation_dropped(client, gateway, new_holder,
                                                                                      mint):
    number = mint(new_holder(), claimed_t="10")
    young, old = _pending(gateway, number, _case_reference(), hours_ago=0), _pending(gateway, number, _case_reference())

    recovery.recover(gateway)

    assert _calculation(gateway, old) is None
    assert _calculation(gateway, young).tx_hash is None  # an offset under way, perhaps: left to finish
