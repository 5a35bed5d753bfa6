"""Said once, in a real browser (issue 22, 4): the owner's 附件8 form opens with what the registry knows — its
account's particulars and its coupon's parcels; the owner chooses the transferee by name and masked ID number;
a refusal names the field to check; the transferee's address, left blank, is the one its account registered;
and the form filed is the owner's consent on chain."""

from __future__ import annotations

import secrets

from playwright.sync_api import expect

from gateway.services.coupons import coupon_id
from support.api import application_form, register_holder, submit, upload, walk
from support.browser import attach, choose_party, log_in, send
from support.http import ok

API = "/api/v1"


def test_transfer_form__opens_with_the_owners_particulars_and_parcels__filed_with_the_transferees_own_address(
    page, site
):
    owner = register_holder(site.api, organisation="赫山区预填村股份经济合作社", legal_representative="钱书记",
                            postal_address="赫山区泉交河镇预填村村委会")
    name = f"益阳某预填受让科技有限公司{secrets.token_hex(2)}"
    transferee = register_holder(site.api, organisation=name, account_type="ENTERPRISE",
                                 postal_address="益阳市赫山区会龙山街道预填路8号")
    parcel = f"YT-{secrets.token_hex(4)}"
    report = upload(site.api, owner.headers, name="report.pdf")
    number = walk(site.api, site.officials, submit(site.api, owner, application_form(report, claimed_t="500", parcel=parcel)))

    log_in(page, owner.username)
    page.goto(f"/console/coupons/{number}")
    filing = page.locator('form.step[data-step="transfer.form"]')
    for field, value in {"legal_representative": "钱书记", "address": "赫山区泉交河镇预填村村委会",
                         "parcel_location": "泉交河镇", "area_mu": "100"}.items():  # the account's; the parcels'
        expect(filing.locator(f"input[name={field}]")).to_have_value(value)
    expect(filing.locator("input[name=parcel_number]")).to_have_value(parcel)
    expect(filing.locator("input[name=transferee_address]")).to_have_value("")

    filing.locator("select[name=kind]").select_option("PLEDGE")  # a company is no bank: the field is named
    choose_party(filing, "transferee", name)
    for field, value in {"transfer_method": "协议转让", "transfer_reason": "经村民代表大会决议，协议转让",
                         "owner_opinion": "同意"}.items():
        filing.locator(f"[name={field}]").fill(value)
    attach(filing, "signed_transfer_form", "流转申请表.pdf", b"%PDF signed annex 8 form, said once")
    send(filing)
    expect(filing.locator(".result")).to_have_attribute("data-code", "PLEDGEE_NOT_A_VERIFIED_BANK")
    expect(filing.locator(".result")).to_contain_text("流入单位（个人）")

    filing.locator("select[name=kind]").select_option("OWNERSHIP")
    send(filing)
    expect(page.locator("#done")).to_be_visible()
    [form] = [f for f in ok(site.api.get(f"{API}/transfer-forms", headers=owner.headers)) if f["coupon"] == number]
    assert (form["transferee_address"], form["legal_representative"], form["address"]) == (
        "益阳市赫山区会龙山街道预填路8号", "钱书记", "赫山区泉交河镇预填村村委会")
    consent = site.gateway.registry.request_of(coupon_id(site.gateway, number))  # the form was the consent
    assert (consent.action.name, consent.counterparty) == ("TRANSFER", transferee.address)
