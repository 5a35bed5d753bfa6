"""A buyer's whole task in a real browser (附件1 三, 附件6): log in, apply to buy with the form (reason,
amount, the commitment, the signed form), see the application's status, get the centre's 交易受理通知书
as a PDF, and after the settlement its 交易凭证, whose QR code leads to the public page of the coupon
bought; the page, the PDFs and the chain agree."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from gateway.web.i18n import MESSAGES
from support.api import list_coupon
from support.browser import attach, log_in
from support.pdf_qr import decode_qr, pdf_pages, pdf_text

PDF = "application/pdf"


def _coupon_id(site, number: str) -> int:
    registry = site.gateway.registry
    return next(i for i in range(registry.coupon_count(), 0, -1) if registry.number_of(i) == number)


def test_buyer__applies_in_the_page__gets_the_acceptance_notice_and_after_settlement_the_voucher(page, site, shot):
    seller, buyer = site.new_holder(), site.new_holder()
    number = site.mint(seller)  # 500 t
    list_coupon(site.api, site.officials, seller, number, price_yuan_per_t="40", notice_days=10)

    log_in(page, buyer.username)
    page.locator("#market-links a").click()
    expect(page).to_have_url(re.compile(r"/console/purchases$"))
    form = page.locator('form.step[data-step="market.purchase"]')
    form.locator("input[name=amount_t]").fill("200")
    form.locator("select[name=reason]").select_option("VOLUNTARY")
    form.locator("input[name=purpose]").fill("年会碳中和")
    attach(form, "signed_form", "购买申请书.pdf", b"%PDF signed purchase application (annex 6)")
    commitment = form.locator("label", has=page.locator("input[name=commitment]"))
    expect(commitment).to_contain_text(MESSAGES["field.commitment"][0])  # the seed's words of 附件6
    form.locator("button").click()
    expect(form.locator(".result")).to_have_attribute("data-code", "COMMITMENT_REQUIRED")  # not ticked: refused, nothing recorded
    assert site.api.get("/api/v1/purchases", headers=buyer.headers).json() == []

    form.locator("input[name=commitment]").check()
    form.locator("button").click()
    expect(page.locator("#done")).to_be_visible()
    row = page.locator("#purchases tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-status", "SUBMITTED")
    expect(row).to_contain_text("已提交，待受理")
    shot(page, "submitted")
    [purchase] = site.api.get("/api/v1/purchases", headers=buyer.headers).json()
    assert (purchase["amount_t"], purchase["reason"], purchase["commitment"], purchase["status"]) == (
        "200", "VOLUNTARY", True, "SUBMITTED")

    site.post(f"/api/v1/purchases/{purchase['id']}/acceptance", site.officials["CENTER"],
              json={"decision": "accept", "coupon": number})
    page.reload()
    expect(row).to_have_attribute("data-status", "ACCEPTED")
    notice_link = row.locator("a.notice")
    expect(notice_link).to_have_count(1)
    notice = page.request.get(notice_link.get_attribute("href"))
    assert notice.ok and notice.headers["content-type"] == PDF
    text = " ".join(pdf_text(notice.body()).split())
    assert "自然生态系统碳券交易受理通知书" in text and notice_link.inner_text() in text and number in text
    shot(page, "accepted")

    agreement = site.post("/api/v1/documents", site.officials["CENTER"],
                          files={"file": ("附件7.pdf", b"%PDF trade agreement buyer test", PDF)})["sha256"]
    sold = site.post("/api/v1/trades", site.officials["CENTER"], json={
        "coupon": number, "purchase_id": purchase["id"], "amount_t": "200", "price_yuan_per_t": "40",
        "service_fee_yuan": "80.00", "agreement": agreement, "payment_method": "BANK_TRANSFER",
        "payment_term": "2026-12-31", "payment_status": "PAID"})
    page.reload()
    expect(row).to_have_attribute("data-status", "FILLED")
    expect(row).to_contain_text("已全部成交")
    voucher = page.request.get(row.locator("a.voucher").get_attribute("href"))
    assert voucher.ok and voucher.headers["content-type"] == PDF
    text = " ".join(pdf_text(voucher.body()).split())
    assert "自然生态系统碳券交易凭证" in text and "受让方联" in text and sold["tx_hash"] in text
    [qr] = decode_qr(pdf_pages(voucher.body())[0])
    assert qr == f"{site.url}/coupons/{sold['coupon']}"
    shot(page, "filled")

    page.locator(f'#purchases a[href="/console/purchases/{purchase["id"]}"]').click()
    trade_row = page.locator("#trades tbody tr")
    expect(trade_row).to_contain_text(sold["coupon"])
    signed = page.request.get(trade_row.locator("a.agreement").get_attribute("href"))
    assert signed.ok and signed.body() == b"%PDF trade agreement buyer test"

    page.goto(qr.removeprefix(site.url))  # where the voucher's QR code leads
    expect(page.locator("#coupon-state")).to_have_attribute("data-state", "ACTIVE")
    expect(page.locator("tr.step[data-event=TradeSettled]")).to_have_count(1)
    shot(page, "coupon-bought")
    on_chain = site.gateway.registry.coupon(_coupon_id(site, sold["coupon"]))
    assert (on_chain.state.name, on_chain.owner, on_chain.amount_kg) == ("ACTIVE", buyer.address, 200_000)
    holdings = site.api.get("/api/v1/coupons", headers=buyer.headers).json()
    assert [(c["number"], c["amount_t"], c["state"]) for c in holdings] == [(sold["coupon"], "200", "ACTIVE")]


def test_phone__buyers_purchases_and_the_board_with_the_disclosure_fit_the_screen(phone, site, shot):
    buyer = site.new_holder()
    site.post("/api/v1/purchases", buyer.headers, json={
        "amount_t": "10", "reason": "ECO_COMPENSATION", "purpose": "道路工程占用林地生态赔偿", "commitment": True,
        "signed_form": site.post("/api/v1/documents", buyer.headers,
                                 files={"file": ("购买申请书.pdf", b"%PDF phone signed", PDF)})["sha256"],
        "authority_document": site.post("/api/v1/documents", buyer.headers,
                                        files={"file": ("同意材料.pdf", b"%PDF phone authority", PDF)})["sha256"]})
    log_in(phone, buyer.username)
    phone.goto("/console/purchases")
    expect(phone.locator("#purchases tbody tr")).to_contain_text("生态赔偿")
    for path, name in (("/console/purchases", "purchases"), ("/listings", "board")):
        phone.goto(path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 392, path
        shot(phone, name)
