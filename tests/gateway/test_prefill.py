"""Nobody retypes what the registry knows: FINANCE's pledge registration starts with the accepted pledge form's
terms, and a mismatch names the field; the EEB's offset starts with the owner as beneficiary."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from gateway.demo import DEMO_PASSWORD, OFFICIALS
from support import api
from support.http import API, error_of


def _page(client, role: str, path: str) -> str:
    with TestClient(client.app) as browser:
        assert browser.post("/console/login", data={"username": OFFICIALS[role], "password": DEMO_PASSWORD}).status_code == 200
        return browser.get(path).text


def _value(page: str, step: str, field: str) -> str:
    form = page.split(f'data-step="{step}"', 1)[1].split("</form>", 1)[0]
    return re.search(rf'name="{re.escape(field)}"[^>]*value="([^"]*)"', form).group(1)


def test_pledge_registration__starts_with_the_accepted_forms_terms(client, officials, new_holder):
    owner, bank = new_holder(), new_holder("某农商银行", "FINANCIAL")
    number = api.mint(client, officials, owner)
    api.accept_pledge(client, officials, owner, number, bank, secured_yuan="12345.60", term_end="2027-09-30")
    page = _page(client, "FINANCE", f"/console/coupons/{number}")
    assert (_value(page, "coupon.pledge", "secured_yuan"), _value(page, "coupon.pledge", "term_end")) == (
        "12345.60", "2027-09-30")


def test_pledge_registration__mismatch__names_the_field(client, officials, new_holder):
    owner, bank = new_holder(), new_holder("某农商银行", "FINANCIAL")
    number = api.mint(client, officials, owner)
    api.accept_pledge(client, officials, owner, number, bank, secured_yuan="20000.00", term_end="2027-06-30")
    body = error_of(client.post(f"{API}/coupons/{number}/pledge", headers=officials["FINANCE"],
                                json={"secured_yuan": "20000.00", "term_end": "2027-07-31"}), 409, "PLEDGE_FORM_MISMATCH")
    assert (body["detail"]["field"], body["detail"]["fields"]) == ("term_end", ["term_end"])
    assert "term_end 2027-07-31" in body["message"] and "2027-06-30" in body["message"]


def test_offset__starts_with_the_owner_as_beneficiary(client, officials, new_holder):
    owner = new_holder("某交通建设有限公司", "ENTERPRISE")
    number = api.mint(client, officials, owner)
    api.owner_request(client, owner, number, "OFFSET")
    page = _page(client, "EEB", f"/console/coupons/{number}")
    assert _value(page, "coupon.offset", "beneficiary") == "某交通建设有限公司"


def test_listing__starts_with_the_parcels_area_and_place_and_the_owners_particulars(client, officials, new_holder):
    owner = new_holder("预填测试村股份经济合作社")
    number = api.mint(client, officials, owner)
    api.owner_request(client, owner, number, "LIST")
    page = _page(client, "CENTER", f"/console/coupons/{number}")
    assert _value(page, "coupon.list", "project_area_mu") == "100"
    assert _value(page, "coupon.list", "location") == "泉交河镇"
    assert _value(page, "coupon.list", "entrustment.principal.name") == "预填测试村股份经济合作社"
