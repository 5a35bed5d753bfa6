"""The public registers (§13): every issuance and every retirement on a page anyone may browse, filtered by a
project's or village's name, year, land type, town, methodology, a coupon's state, purpose and beneficiary, and
the filtered view as CSV: the same rows the page shows, as the event index and the chain have them."""

from __future__ import annotations

import itertools
import re

import pytest

from support import api
from support.exports import amount, read_csv
from support.http import API, ok

_run = itertools.count(1)


@pytest.fixture(scope="module")
def story(client, officials, new_holder) -> dict:
    """Two projects of one holder, each minted: a wetland in 登记镇 by HS-02, whose coupon is then retired for
    a named beneficiary; a forest in another town by HS-01, left active."""
    marker = f"登记簿测试{next(_run)}"
    holder = new_holder()
    wetland = api.application_form(api.upload(client, holder.headers), land_type="WETLAND", claimed_t="12.5",
                                   project_name=f"{marker}湿地项目", methodology="HS-02")
    wetland["parcels"][0]["location"] = f"登记镇{marker}村"
    retired = api.walk(client, officials, api.submit(client, holder, wetland))
    forest = api.application_form(api.upload(client, holder.headers), claimed_t="1234.5",
                                  project_name=f"{marker}林地项目")
    active = api.walk(client, officials, api.submit(client, holder, forest))
    beneficiary = f"某马拉松组委会{marker}"
    ok(api.owner_request(client, holder, retired, "OFFSET"))
    certificate = ok(client.post(f"{API}/coupons/{retired}/offset", headers=officials["EEB"], json={
        "purpose": "EVENT_NEUTRALITY", "beneficiary": beneficiary, "case_reference": f"HS-EV-{marker}"}))["certificate"]
    return {"marker": marker, "retired": retired, "active": active, "beneficiary": beneficiary,
            "certificate": certificate}


def _issued(client, **query) -> list[str]:
    """The first coupon number of each issuance the page lists."""
    page = client.get("/issuances", params=query)
    assert page.status_code == 200
    return re.findall(r'<tr data-issuance="\d+">\s*<td[^>]*><a href="/coupons/([^"]+)"', page.text)


def test_issuances__filtered_by_name_village_land_methodology_year_and_state(client, story):
    marker, retired, active = story["marker"], story["retired"], story["active"]
    assert _issued(client, q=marker) == [active, retired]  # newest first
    assert _issued(client, q=f"登记镇{marker}") == _issued(client, town=f"登记镇{marker}") == [retired]
    assert _issued(client, q=marker, land_type="WETLAND") == [retired]
    assert _issued(client, q=marker, methodology="hs-02") == [retired]
    assert _issued(client, q=marker, state="RETIRED") == [retired]
    assert _issued(client, q=marker, state="ACTIVE") == [active]
    year = retired.split("-")[1]
    assert _issued(client, q=marker, year=year) == [active, retired] and _issued(client, q=marker, year="2001") == []
    page = client.get("/issuances", params={"q": marker}).text
    assert "1,234.5" in page and "湿地" in page and f"登记镇{marker}村" in page  # one number format; words, not keys
    assert 'href="/api/v1/public/exports/issuances.csv?q=' in page


def test_issuances_csv__the_pages_rows_as_the_index_has_them(client, gateway, story):
    marker = story["marker"]
    rows = read_csv(client.get(f"{API}/public/exports/issuances.csv", params={"q": marker}).text)
    assert [row["coupon_numbers"] for row in rows] == _issued(client, q=marker)
    for row in rows:
        coupon = gateway.index.coupon(row["coupon_numbers"])
        provenance = gateway.index.provenance(row["coupon_numbers"])
        assert amount(row["amount_t"]) * 1000 == provenance["issuance"]["amount_kg"] == coupon.amount_kg
        assert row["tx_hash"] == provenance["issuance"]["tx_hash"] and row["states"] == coupon.state
        assert row["project"] == str(provenance["issuance"]["application"])
    wetland = read_csv(client.get(f"{API}/public/exports/issuances.csv",
                                  params={"q": marker, "land_type": "WETLAND"}).text)
    assert [(r["coupon_numbers"], r["land_types"], r["methodology"], r["places"], r["amount_t"]) for r in wetland] == [
        (story["retired"], "WETLAND", "HS-02", f"登记镇{marker}村", "12.5")]


def test_retirements__filtered_by_beneficiary__page_and_csv_agree_with_the_chain(client, story):
    marker, beneficiary, certificate = story["marker"], story["beneficiary"], story["certificate"]
    page = client.get("/retirements", params={"beneficiary": beneficiary[2:]}).text  # a part of the name finds it
    assert re.findall(r'data-certificate="(0x[0-9a-f]{64})"', page) == [certificate]
    assert f'href="/verify/{certificate}"' in page and f'href="/certificates/offsets/{certificate}.pdf"' in page
    assert "活动碳中和" in page and "12.5" in page
    assert "/api/v1/public/exports/retirements.csv?beneficiary=" in page
    (row,) = read_csv(client.get(f"{API}/public/exports/retirements.csv",
                                 params={"beneficiary": beneficiary[2:]}).text)
    verified = ok(client.get(f"{API}/public/offsets/{row['certificate']}"))  # verified against the chain
    assert verified["verdict"] == "valid"
    on_chain = verified["certificate"]
    assert (row["coupon_number"], row["beneficiary"], row["purpose"], row["case_reference"]) == (
        story["retired"], on_chain["beneficiary"], "EVENT_NEUTRALITY", on_chain["case_reference"])
    assert amount(row["amount_t"]) * 1000 == on_chain["amount_kg"] == 12_500
    assert row["places"] == f"登记镇{marker}村" and row["land_types"] == "WETLAND"
    for miss in ({"beneficiary": beneficiary, "purpose": "GREEN_POINTS"}, {"beneficiary": beneficiary, "year": "2001"},
                 {"beneficiary": beneficiary, "land_type": "FOREST"}, {"q": f"{marker}林地"}):
        assert read_csv(client.get(f"{API}/public/exports/retirements.csv", params=miss).text) == []
        assert "data-certificate=" not in client.get("/retirements", params=miss).text
    assert [r["certificate"] for r in read_csv(client.get(
        f"{API}/public/exports/retirements.csv", params={"q": marker, "purpose": "EVENT_NEUTRALITY"}).text)] == [
        certificate]


def test_public_nav_and_projects__link_the_registers(client):
    for path in ("/", "/projects"):
        page = client.get(path).text
        assert 'href="/issuances"' in page and 'href="/retirements"' in page
