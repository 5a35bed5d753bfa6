"""The public explorer in a real browser: search, a coupon's timeline and lineage,
offset verification reached through the QR code of a printed certificate."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from pdf_qr import decode_qr, pdf_pages


def _public(site, number: str) -> dict:
    response = site.api.get(f"/api/v1/public/coupons/{number}")
    assert response.status_code == 200, response.text
    return response.json()


def _qr_url(site, pdf_path: str) -> str:
    response = site.api.get(pdf_path)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf", response.text
    (url,) = decode_qr(pdf_pages(response.content)[0])
    assert url.startswith(site.url)
    return url


def test_search__coupon_number__coupon_page_with_timeline_and_lineage(page, site, shot):
    number = site.story.coupons[-1]  # the part moved to the builder: a reissue and splits behind it
    record = _public(site, number)

    page.goto("/")
    shot(page, "home")
    page.fill("#q", number)
    page.press("#q", "Enter")

    expect(page).to_have_url(re.compile(re.escape(f"/coupons/{number}") + "$"))
    expect(page.locator("#coupon-number")).to_contain_text(number)
    expect(page.locator("#coupon-state")).to_have_attribute("data-state", record["coupon"]["state"])
    expect(page.locator("#coupon-data")).to_contain_text(record["filing_number"])
    events = page.locator("#timeline tr.step").evaluate_all("rows => rows.map(r => r.dataset.event)")
    assert events == [step["event"] for step in record["history"]]
    lineage = page.locator("#lineage").inner_text()
    for ancestor in record["lineage"]["ancestors"]:
        assert ancestor["number"] in lineage
    expect(page.locator("#lineage li.reissue")).to_have_count(1)
    shot(page, "coupon")


def test_search__nonsense__not_found_said(page, site, shot):
    page.goto("/search?q=HSTQ-0000-0000-0000")
    expect(page.locator("#not-found")).to_contain_text("HSTQ-0000-0000-0000")
    shot(page, "not-found")


def test_search__tx_hash_of_a_step__leads_to_the_coupon_it_touched(page, site):
    step = next(s for s in site.story.steps if s["title"].startswith("质押登记"))
    page.goto("/")
    page.fill("#q", step["tx_hash"])
    page.press("#q", "Enter")
    expect(page).to_have_url(re.compile(r"/coupons/HSTQ-"))
    expect(page.locator(f"#timeline a[title='{step['tx_hash']}']").first).to_be_visible()


def test_language_switch__english_and_back(page, site, shot):
    page.goto(f"/coupons/{site.story.coupons[0]}")
    expect(page.locator("h2").first).to_have_text("宗地")
    page.click("#lang-switch")
    expect(page.locator("h2").first).to_have_text("Parcels")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "english")
    page.goto("/stats")
    expect(page.locator("h1")).to_have_text("Registry statistics")  # the choice is remembered
    page.click("#lang-switch")
    expect(page.locator("h1")).to_have_text("登记簿统计")


def test_verify__qr_of_the_offset_certificate__valid_and_a_tampered_hash_is_not(page, site, shot):
    tx_hash = site.story.offsets[0]["tx_hash"]
    page.goto(f"/verify/{tx_hash}")
    pdf_link = page.locator("#offset-pdf").get_attribute("href")
    url = _qr_url(site, pdf_link)

    page.goto(url)
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "valid")
    expect(page.locator("#tx-hash")).to_have_text(tx_hash)
    shot(page, "valid")

    tampered = tx_hash[:-1] + ("0" if tx_hash[-1] != "0" else "1")
    page.goto(url.replace(tx_hash, tampered))
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "unknown")
    shot(page, "tampered")


def test_verify__a_mint_transaction__invalid_with_reason(page, site, shot):
    mint = next(s for s in site.story.steps if s["title"].startswith("制发"))
    page.goto(f"/verify/{mint['tx_hash']}")
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "invalid")
    expect(page.locator("#reason")).to_have_text("这是碳券交易，但不是抵销凭证")
    shot(page, "invalid")
    page.goto(f"/verify/{mint['tx_hash']}?lang=en")
    expect(page.locator("#reason")).to_have_text("a coupon transaction, but not an offset certificate")


def test_coupon_certificate__reissued_coupon__its_qr_page_says_void(page, site, shot):
    voided = next(n for n in site.story.coupons if _public(site, n)["coupon"]["state"] == "VOIDED")
    page.goto(_qr_url(site, f"/certificates/coupons/{voided}.pdf"))
    expect(page.locator("#voided")).to_be_visible()
    expect(page.locator("#coupon-state")).to_have_attribute("data-state", "VOIDED")
    shot(page, "voided")
    page.locator("#voided a").click()
    expect(page).to_have_url(re.compile(re.escape(f"/coupons/{_public(site, voided)['lineage']['replaced_by']}") + "$"))


def test_listings_and_stats__board_shows_a_listing_and_charts_match_the_api(page, site, shot):
    _, holder = site.new_holder()
    center = site.login("center_officer")
    number = site.mint(holder)
    site.post(f"/api/v1/coupons/{number}/requests", holder, json={"action": "LIST"})
    site.post(f"/api/v1/coupons/{number}/listing", center, json={
        "price_yuan_per_t": "58.50", "notice_days": 10, "project_area_mu": "300", "location": "龙光桥街道", "remarks": "整券挂牌"})

    page.goto("/listings")
    row = page.locator("#board tr", has_text=number)
    expect(row).to_contain_text("58.5")
    expect(row).to_contain_text("龙光桥街道")
    shot(page, "board")

    page.goto("/stats")
    expect(page.locator("svg.chart")).to_have_count(4)
    issued = httpx.get(f"{site.url}/api/v1/public/stats").json()["issued_t"]
    expect(page.locator(".card .big").first).to_have_text(issued)
    shot(page, "stats")


def test_phone__coupon_and_verification_pages_fit_the_screen(phone, site, shot):
    for path, name in ((f"/coupons/{site.story.coupons[-1]}", "coupon"), (f"/verify/{site.story.offsets[0]['tx_hash']}", "verify")):
        phone.goto(path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 392, path
        shot(phone, name)
