"""A transfer of ownership in a real browser (附件1 三(四), 附件8): the owner files the form, choosing the
transferee by its name, and filing it is its consent on-chain; the transferee confirms it in its own page,
the centre gives its 受理意见 in its page and registers it from its queue; the pages and the chain agree."""

from __future__ import annotations

import secrets

from playwright.sync_api import expect

from gateway.demo import OFFICIALS
from gateway.services.coupons import coupon_id
from support.api import register_holder
from support.browser import attach, choose_party, log_in
from support.http import ok

API = "/api/v1"


def _log_in_afresh(page, username: str) -> None:
    page.context.clear_cookies()  # one browser, another party
    log_in(page, username)


def test_transfer__transferee_confirms_and_centre_accepts_in_their_pages__registered_and_chain_agrees(
    page, site, shot
):
    owner = site.new_holder()
    name = f"益阳某环保科技有限公司{secrets.token_hex(2)}"
    transferee = register_holder(site.api, organisation=name)
    number = site.mint(owner)
    owner_before = site.gateway.registry.coupon(coupon_id(site.gateway, number)).owner

    _log_in_afresh(page, owner.username)  # the owner fills 附件8 in its coupon's page
    page.goto(f"/console/coupons/{number}")
    filing = page.locator('form.step[data-step="transfer.form"]')
    filing.locator("select[name=kind]").select_option("OWNERSHIP")
    choose_party(filing, "transferee", name)  # by its name and masked ID number
    for field, value in {"amount_t": "150", "legal_representative": "张主任",
                        "address": "赫山区泉交河镇某村村委会", "parcel_location": "泉交河镇某村", "place_name": "老屋冲",
                        "parcel_number": "430903-108-0001", "area_mu": "12.5", "transfer_method": "协议转让",
                        "term": "长期", "transferee_address": "益阳市赫山区金银山路1号",
                        "transfer_reason": "经村民代表大会决议，协议转让", "owner_opinion": "同意", "remarks": "无"}.items():
        filing.locator(f"[name={field}]").fill(value)
    attach(filing, "signed_transfer_form", "流转申请表.pdf", b"%PDF signed annex 8 form")
    shot(page, "form")
    filing.locator("button").click()
    expect(page.locator("#done")).to_be_visible()
    [form] = [f["id"] for f in ok(site.api.get(f"{API}/transfer-forms", headers=owner.headers)) if f["coupon"] == number]
    consent = site.gateway.registry.request_of(coupon_id(site.gateway, number))  # the form was the consent
    assert (consent.action.name, consent.counterparty, consent.amount_kg) == ("TRANSFER", transferee.address, 150_000)
    expect(page.locator(f'#transfer-forms li[data-form="{form}"]')).to_have_attribute("data-status", "SUBMITTED")

    _log_in_afresh(page, transferee.username)
    page.click("#my-transfers")
    section = page.locator(f"#form-{form}")
    expect(section).to_have_attribute("data-status", "SUBMITTED")
    expect(section).to_contain_text("协议转让")
    expect(section).to_contain_text("150")
    shot(page, "to-confirm")
    section.locator('form.step[data-step="transfer.confirm"] button').click()
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator(f"#form-{form}")).to_have_attribute("data-status", "CONFIRMED")
    assert site.gateway.registry.coupon(coupon_id(site.gateway, number)).owner == owner_before  # a record only

    _log_in_afresh(page, OFFICIALS["CENTER"])
    page.locator(f'#queue tr:has(a[href="/console/transfers#form-{form}"]) a').click()
    accept = page.locator(f'#form-{form} form.step[data-step="transfer.accept"]')
    accept.locator("select[name=decision]").select_option("accept")
    accept.locator("textarea[name=opinion]").fill("双方身份核验无误，同意受理")
    accept.locator("button").click()
    expect(page.locator(f"#form-{form}")).to_have_attribute("data-status", "ACCEPTED")
    shot(page, "accepted")

    page.goto("/console")  # the registration now waits on the centre, on the coupon's page
    page.locator(f'#queue tr:has(a[href="/console/coupons/{number}"]) a').first.click()
    page.locator('form.step[data-step="coupon.transfer"] button').click()
    expect(page.locator("#done")).to_be_visible()
    [moved] = [f["registered_coupon"] for f in ok(site.api.get(f"{API}/transfer-forms", headers=owner.headers))
               if f["id"] == form]
    page.goto(f"/console/transfers#form-{form}")
    expect(page.locator(f"#form-{form}")).to_have_attribute("data-status", "REGISTERED")
    expect(page.locator(f"#form-{form}")).to_contain_text(moved)
    assert site.gateway.registry.coupon(coupon_id(site.gateway, moved)).owner == transferee.address
    page.goto(f"/console/coupons/{number}")  # the coupon's page names its form and where it stands
    expect(page.locator(f'#transfer-forms li[data-form="{form}"]')).to_have_attribute("data-status", "REGISTERED")
