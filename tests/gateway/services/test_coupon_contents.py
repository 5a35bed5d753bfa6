"""What a coupon shows (§7): its 制发日期 is its issuance's, also for a part bought later or
a reissued coupon; the monitoring period's end date is included, and the page, the
certificate and the API's schema say so. The CCER list (§2) and harvest plans (§9) are
read back, through the API and the EEB's and FORESTRY's console page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gateway.demo import DEMO_PASSWORD, OFFICIALS
from gateway.catalogue.units import china_time, day_start
from support import api
from support.calendar import D, calendar_gateway
from support.http import API, ok
from support.pdf_qr import pdf_text


def test_bought_part__traded_two_weeks_after_the_mint__shows_the_issuance_date(tmp_path):
    with calendar_gateway(tmp_path) as cal:
        client, officials = cal.client, cal.officials
        seller, buyer = api.register_holder(client), api.register_holder(client)
        report = api.upload(client, seller.headers)
        cal.at(D(2026, 9, 1))
        number = api.walk(client, officials, api.submit(client, seller, api.application_form(report)))
        api.list_coupon(client, officials, seller, number, notice_days=30)  # still running on the 15th
        cal.at(D(2026, 9, 15))
        purchase = {"purchase": api.accepted_purchase(client, officials, buyer, "100")}
        part = ok(client.post(f"{API}/trades", headers=officials["CENTER"], json={
            "coupon": number, "purchase_id": purchase["purchase"], "amount_t": "100",
            "price_yuan_per_t": api.LISTING["price_yuan_per_t"], "service_fee_yuan": "0",
            "agreement": api.upload(client, officials["CENTER"])}))["coupon"]

        record = ok(client.get(f"{API}/public/coupons/{part}"))
        assert D(2026, 9, 15) == D.fromisoformat(_day(record["coupon"]["created_at"]))  # the part was made at the trade
        assert _day(record["issued_at"]) == "2026-09-01"
        assert 'id="issued-at">2026-09-01<' in client.get(f"/coupons/{part}").text
        text = " ".join(pdf_text(client.get(f"/certificates/coupons/{part}.pdf").content).split())
        assert "制发日期 Issued on 2026-09-01" in text


def _day(timestamp: int) -> str:
    return china_time(timestamp, "%Y-%m-%d")


def test_monitoring_period__end_date_included__said_by_the_page_the_certificate_and_the_schema(
    client, new_holder, mint
):
    number = mint(new_holder(), start="2022-01-01", end="2023-12-31")

    record = ok(client.get(f"{API}/public/coupons/{number}"))
    assert record["monitoring_period"] == [day_start(D(2022, 1, 1)), day_start(D(2023, 12, 31))]
    assert record["monitoring_period_end_included"] is True
    page = client.get(f"/coupons/{number}").text
    assert "2022-01-01 – 2023-12-31" in page and "含止日" in page
    text = " ".join(pdf_text(client.get(f"/certificates/coupons/{number}.pdf").content).split())
    assert "2022-01-01 至 2023-12-31（含止日，即监测报告的最后一日" in text  # the cell wraps: its lines, apart
    assert "included: the monitoring report's last day" in text
    period = client.app.openapi()["components"]["schemas"]["MonitoringPeriod"]
    assert "included" in period["properties"]["end"]["description"]
    assert "included" in period["description"]


@pytest.fixture(scope="module")
def parcels(client, officials) -> dict[str, str]:
    """A parcel on the CCER list and one with a harvest plan, each typed in full-width digits and dashes."""
    ccer, harvest = f"430903-777-{id(client) % 10**6}", f"430903-778-{id(client) % 10**6}"
    full_width = str.maketrans("0123456789-", "０１２３４５６７８９－")
    ok(client.post(f"{API}/parcels/ccer", headers=officials["EEB"],
                   json={"parcel_number": ccer.translate(full_width), "listed": True}))
    ok(client.post(f"{API}/parcels/harvest-plans", headers=officials["FORESTRY"], json={
        "parcel_number": harvest.translate(full_width), "start": "2025-03-01", "end": "2025-04-30", "tending": True}))
    return {"ccer": ccer, "harvest": harvest}


def test_ccer_list__read_back_with_the_normalised_number(client, officials, parcels):
    listed = ok(client.get(f"{API}/parcels/ccer", headers=officials["FORESTRY"]))
    assert parcels["ccer"] in {p["parcel_number"] for p in listed}
    one = ok(client.get(f"{API}/parcels/{parcels['ccer']}", headers=officials["EEB"]))
    assert (one["parcel_number"], one["ccer_listed"], one["harvest_plans"]) == (parcels["ccer"], True, [])


def test_harvest_plans__read_back_with_both_days_included(client, officials, parcels):
    plans = [p for p in ok(client.get(f"{API}/parcels/harvest-plans", headers=officials["EEB"]))
             if p["parcel_number"] == parcels["harvest"]]
    assert [(p["start"], p["end"], p["tending"]) for p in plans] == [("2025-03-01", "2025-04-30", True)]
    one = ok(client.get(f"{API}/parcels/{parcels['harvest']}", headers=officials["FORESTRY"]))
    assert one["harvest_plans"] == [{"start": "2025-03-01", "end": "2025-04-30", "tending": True}]


def test_parcel_lists__holder__403_role_required(client, new_holder):
    response = client.get(f"{API}/parcels/ccer", headers=new_holder().headers)
    assert response.status_code == 403 and response.json()["code"] == "ROLE_REQUIRED"


@pytest.mark.parametrize("role", ["EEB", "FORESTRY"])
def test_console_parcels_page__both_lists_and_a_lookup(role, client, parcels):
    with TestClient(client.app) as browser:
        browser.post("/console/login", data={"username": OFFICIALS[role], "password": DEMO_PASSWORD})
        page = browser.get("/console/parcels", params={"q": parcels["ccer"].replace("-", " – ")})
    assert page.status_code == 200
    assert parcels["ccer"] in page.text and parcels["harvest"] in page.text
    assert 'data-listed="true"' in page.text
    own = {"EEB": "parcel.ccer", "FORESTRY": "parcel.harvest_plan"}[role]
    assert f'data-step="{own}"' in page.text
