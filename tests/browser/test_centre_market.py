"""The centre's market in a real browser (附件1 三(二)): the queue of purchase applications, acceptance
with its 交易受理通知书, matching a purchase to a listing, and settlement under the trade agreement (附件7),
which is refused in the page with its reason when it would fill more than the purchase asked; the page
and the chain agree."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from gateway.core.db import Purchase
from gateway.demo import OFFICIALS
from support.api import apply_to_buy, list_coupon
from support.browser import attach, log_in
from support.pdf_qr import pdf_text


def _coupon(site, number: str):
    registry = site.gateway.registry
    return registry.coupon(next(i for i in range(registry.coupon_count(), 0, -1) if registry.number_of(i) == number))


def _filled_kg(site, purchase: int) -> int:
    with site.gateway.db.sessions() as db:
        return db.get(Purchase, purchase).filled_kg


def test_centre__sees_the_queue_accepts_matches_and_settles__refused_an_over_amount_with_the_reason(page, site, shot):
    seller, buyer = site.new_holder(), site.new_holder()
    number = site.mint(seller)  # 500 t listed
    list_coupon(site.api, site.officials, seller, number, price_yuan_per_t="35", notice_days=10)
    purchase = apply_to_buy(site.api, buyer, "300")

    log_in(page, OFFICIALS["CENTER"])
    page.get_by_role("link", name="购买申请", exact=True).click()
    expect(page).to_have_url(re.compile(r"/console/purchases$"))
    row = page.locator(f'#purchases tr[data-purchase="{purchase}"]')
    expect(row).to_have_attribute("data-status", "SUBMITTED")
    shot(page, "queue")

    row.get_by_role("link", name="查看").click()
    accept = page.locator('form.step[data-step="market.accept_purchase"]')
    accept.locator("select[name=decision]").select_option("accept")
    accept.locator("input[name=coupon]").fill(number)
    accept.locator("button").click()
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator("#purchase-status")).to_have_text("已受理")
    expect(accept).to_have_count(0)  # decided once
    notice = page.request.get(page.locator("#notice").get_attribute("href"))
    assert notice.ok and "交易受理通知书" in pdf_text(notice.body())
    shot(page, "accepted")

    page.locator(f'#listings tr[data-coupon="{number}"]').get_by_role("link", name="选择").click()
    expect(page).to_have_url(re.compile(rf"/console/purchases/{purchase}/match/{number}$"))
    settle = page.locator('form.step[data-step="market.trade"]')
    expect(settle.locator("input[name=amount_t]")).to_have_value("300")  # the purchase's unfilled amount
    expect(settle.locator("input[name=price_yuan_per_t]")).to_have_value("35")  # the listed price
    settle.locator("input[name=amount_t]").fill("500")  # all that is listed: more than the purchase asked
    settle.locator("input[name=service_fee_yuan]").fill("150.00")
    settle.locator("select[name=payment_method]").select_option("BANK_TRANSFER")
    settle.locator("select[name=payment_status]").select_option("UNPAID")
    attach(settle, "agreement", "附件7.pdf", b"%PDF trade agreement centre test")
    settle.locator("button").click()
    expect(settle.locator(".result")).to_contain_text("数量超过购买申请尚未成交的数量")
    expect(settle.locator(".result")).to_have_attribute("data-code", "AMOUNT_EXCEEDS_PURCHASE")
    expect(settle.locator("button")).to_be_enabled()
    shot(page, "over-amount-refused")
    listed = _coupon(site, number)
    assert (listed.state.name, listed.amount_kg) == ("LISTED", 500_000) and _filled_kg(site, purchase) == 0

    settle.locator("input[name=amount_t]").fill("300")
    settle.locator("button").click()
    expect(page).to_have_url(re.compile(rf"/console/purchases/{purchase}\?done=0x[0-9a-f]{{64}}$"))
    expect(page.locator("#purchase-status")).to_have_text("已全部成交")
    trade = page.locator("#trades tbody tr")
    expect(trade).to_have_count(1)
    expect(trade).to_contain_text("银行转账")
    expect(trade).to_contain_text("未支付")
    shot(page, "settled")
    bought = trade.locator("td.mono a").inner_text()
    assert (_coupon(site, bought).state.name, _coupon(site, bought).owner, _coupon(site, bought).amount_kg) == (
        "ACTIVE", buyer.address, 300_000)
    assert _filled_kg(site, purchase) == 300_000
    seller_voucher = page.request.get(trade.locator("a.voucher").get_attribute("href"))
    assert seller_voucher.ok and bought in pdf_text(seller_voucher.body())
