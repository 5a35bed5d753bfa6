"""附件4 and 附件7 after the listing, in a real browser: the centre files its management report (管理情况报告)
in the listed coupon's page and confirms the buyer's payment in the purchase's page; the holder finds its
entrustment agreement there with its status, its papers and the report, and the agreement ends with the sale.
The pages and the records agree."""

from __future__ import annotations

from playwright.sync_api import expect

from gateway.demo import OFFICIALS
from support import api
from support.browser import attach, log_in
from support.http import ok

BLOCK_WAIT = 30_000


def _log_in_afresh(page, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)


def test_entrustment__centre_reports_and_confirms_payment_in_its_pages__holder_reads_both_and_the_status(page, site):
    holder, buyer = site.new_holder(), site.new_holder()
    number = site.mint(holder)  # 500 t
    api.list_coupon(site.api, site.officials, holder, number, price_yuan_per_t="40", notice_days=10)

    _log_in_afresh(page, OFFICIALS["CENTER"])
    page.goto(f"/console/coupons/{number}")
    report = page.locator('form.step[data-step="coupon.management_report"]')
    report.locator("input[name=period]").fill("2026年12月")
    report.locator("textarea[name=summary]").fill("挂牌期间两家单位咨询，一家提交购买申请")
    attach(report, "report_document", "管理情况报告.pdf", b"%PDF management report december")
    report.locator("button").click()
    expect(page.locator("#done")).to_be_visible()

    purchase = api.accepted_purchase(site.api, site.officials, buyer, "500")
    trade = site.post("/api/v1/trades", site.officials["CENTER"], json={
        "coupon": number, "purchase_id": purchase, "amount_t": "500", "price_yuan_per_t": "40.00",
        "service_fee_yuan": "100.00", "agreement": api.upload(site.api, site.officials["CENTER"]),
        "payment_status": "UNPAID"})["trade"]
    page.goto(f"/console/purchases/{purchase}")
    confirm = page.locator(f'.trade-steps[data-trade="{trade}"] form.step[data-step="trade.confirm_payment"]')
    confirm.locator("input[name=paid_on]").fill("2026-12-05")
    confirm.locator("button").click()
    expect(page.locator(f'#trades tr[data-trade="{trade}"] td.payment')).to_have_attribute("data-status", "PAID")
    expect(page.locator(f'.trade-steps[data-trade="{trade}"] form.step[data-step="trade.confirm_payment"]')).to_have_count(0)

    _log_in_afresh(page, holder.username)
    page.locator("#market-links a").click()
    agreement = page.locator(f'#entrustments .entrustment[data-coupon="{number}"]')
    expect(agreement).to_have_attribute("data-status", "ENDED", timeout=BLOCK_WAIT)  # all of it sold
    expect(agreement.locator(".reports li")).to_contain_text("挂牌期间两家单位咨询")
    answer = page.request.get(agreement.locator(".reports a").get_attribute("href"))
    assert answer.status == 200 and answer.body() == b"%PDF management report december"
    assert page.request.get(agreement.locator('a[data-document="entrustment"]').get_attribute("href")).status == 200
    assert ok(site.api.get(f"/api/v1/trades/{trade}", headers=buyer.headers))["paid_on"] == "2026-12-05"
