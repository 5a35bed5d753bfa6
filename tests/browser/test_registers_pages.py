"""The public registers on a 390 px phone: from the home page's nav to the retirements, filtered by a
beneficiary, each certificate a card that names its fields, and the filtered view downloaded as CSV with the
rows the page shows, as the chain verifies them."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from support.api import owner_request
from support.exports import read_csv
from support.http import ok


def test_retirements__on_a_phone__filtered_by_beneficiary_and_downloaded_as_csv(phone: Page, site, shot):
    holder = site.new_holder()
    number = site.mint(holder)
    beneficiary = "某县城马拉松组委会（手机测试）"
    ok(owner_request(site.api, holder, number, "OFFSET"))
    certificate = site.post(f"/api/v1/coupons/{number}/offset", site.officials["EEB"], json={
        "purpose": "EVENT_NEUTRALITY", "beneficiary": beneficiary, "case_reference": "HS-EV-PHONE-1"})["certificate"]

    phone.goto("/")
    phone.click("#nav-retirements")
    expect(phone).to_have_url(f"{site.url}/retirements")
    phone.fill("#register-filters input[name=beneficiary]", "马拉松组委会（手机")
    phone.click("#register-filters button[type=submit]")
    expect(phone).to_have_url(re.compile(r"/retirements\?beneficiary=.+"))
    card = phone.locator("#retirements tbody tr")
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-certificate", certificate)
    expect(card.locator(".beneficiary")).to_have_text(beneficiary)
    expect(card.locator(".amount")).to_have_text("500")
    assert card.evaluate("r => getComputedStyle(r).display") == "block"
    label = card.locator(".beneficiary").evaluate("td => getComputedStyle(td, '::before').content")
    assert "抵销主体" in label
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(phone, "filtered")

    with phone.expect_download(timeout=30_000) as download:
        phone.click("#register-csv")
    (row,) = read_csv(Path(download.value.path()).read_text(encoding="utf-8"))
    on_chain = site.api.get(f"/api/v1/public/offsets/{row['certificate']}").json()
    assert on_chain["verdict"] == "valid"
    assert (row["coupon_number"], row["beneficiary"], row["amount_t"]) == (number, beneficiary, "500")
    assert on_chain["certificate"]["beneficiary"] == beneficiary and on_chain["certificate"]["amount_kg"] == 500_000

    card.locator("a.verify-link").click()
    expect(phone.locator("#verdict")).to_have_attribute("data-verdict", "valid")
