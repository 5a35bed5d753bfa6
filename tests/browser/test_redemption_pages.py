"""兑现 (§2) in a real browser: DRC designates the acquirer and publishes its price in its console; the public
board shows the terms; the holder consents to redeem part of its coupon in its coupon page; the centre
redeems it in the coupon's page with the signed agreement; the holder finds the redemption and its 兑现凭证
among its sales. The pages, the PDF and the chain agree."""

from __future__ import annotations

import secrets

from playwright.sync_api import expect

from gateway.services.coupons import coupon_id
from gateway.demo import OFFICIALS
from support import api
from support.browser import attach, choose_party, log_in
from support.pdf_qr import pdf_text

BLOCK_WAIT = 30_000
PDF = "application/pdf"


def _log_in_afresh(page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)


def test_redemption__drc_publishes_holder_consents_centre_redeems__voucher_and_chain_agree(page, site, shot):
    holder = site.new_holder()
    name = f"赫山区生态资源收储运营有限公司{secrets.token_hex(2)}"
    acquirer = api.register_holder(site.api, organisation=name, account_type="ENTERPRISE")
    number = site.mint(holder)  # 500 t

    _log_in_afresh(page, OFFICIALS["DRC"])
    terms = page.locator('form.step[data-step="redemption.terms"]')
    choose_party(terms, "acquirer", name)
    terms.locator("input[name=redemption_price_yuan_per_t]").fill("26.80")
    terms.locator("input[name=price_notice]").fill("赫发改〔2026〕15号")
    terms.locator("button").click()
    expect(page.locator("#done")).to_be_visible(timeout=BLOCK_WAIT)
    page.goto("/listings")
    expect(page.locator("#redemption-terms")).to_contain_text("赫山区生态资源收储运营有限公司")
    expect(page.locator("#redemption-terms")).to_contain_text("26.80")

    _log_in_afresh(page, holder.username)
    page.goto(f"/console/coupons/{number}")
    consent = page.locator('form.step[data-step="coupon.request"]')
    consent.locator("select[name=action]").select_option("REDEEM")
    consent.locator("input[name=amount_t]").fill("120")
    consent.locator("button").click()
    expect(page.locator("#done")).to_be_visible(timeout=BLOCK_WAIT)
    shot(page, "consented")

    _log_in_afresh(page, OFFICIALS["CENTER"])
    page.goto(f"/console/coupons/{number}")
    redeem = page.locator('form.step[data-step="coupon.redeem"]')
    attach(redeem, "redemption_agreement", "兑现协议.pdf", b"%PDF signed redemption agreement")
    redeem.locator("button").click()
    expect(page.locator("#done")).to_be_visible(timeout=BLOCK_WAIT)

    _log_in_afresh(page, holder.username)
    page.locator("#market-links a").click()
    row = page.locator("#redemptions tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("3,216.00")  # 120 t × 26.80
    shot(page, "redeemed")
    voucher = page.request.get(row.locator("a.voucher").get_attribute("href"))
    assert voucher.status == 200 and voucher.headers["content-type"] == PDF
    assert "自然生态系统碳券兑现凭证" in " ".join(pdf_text(voucher.body()).split())
    redeemed = row.locator("a").first.inner_text()
    assert site.gateway.registry.coupon(coupon_id(site.gateway, redeemed)).owner == acquirer.address
