"""The enforcement body (附件1 三(三)) in a real browser: its official logs in, finds the demo's
eco-compensation certificate by its case number, sees the amount retired beside the amount the
§15(1) calculator asks for, and opens the certificate; what the pages say is what the chain says."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import expect

from chain.verify import verify_offset
from gateway.demo import ENFORCEMENT_OFFICIAL, OFFICIALS
from support.api import owner_request
from support.browser import log_in
from support.http import API, ok

CASE = "赫自然资〔2026〕用地12号"  # the demo's eco-compensation case (gateway/demo.py)


def test_enforcement__official_finds_certificate_by_case__both_amounts_and_the_chain_agree(page, site, shot):
    (eco,) = [o for o in site.story.offsets if o["beneficiary"] == "某交通建设有限公司"]
    on_chain = verify_offset(site.gateway.node.reader, eco["tx_hash"], ledger_address=site.gateway.registry.ledger.address)
    assert on_chain.verdict.value == "valid"
    calculated = ok(site.api.post(f"{API}/public/calculator/eco-compensation", json={
        "parcels": [{"number": "G-1", "location": "龙岭工业园", "land_type": "FOREST", "area_mu": "50"}],
        "years": "10"}))["coupons_needed_t"]

    log_in(page, ENFORCEMENT_OFFICIAL, lands_on="/console/offsets")
    expect(page).to_have_url(re.compile(r"/console/offsets$"))  # its console is the case search
    page.fill("#case-search input[name=case_reference]", "用地12号")  # part of the number is enough
    shot(page, "search")
    page.click("#case-search button[type=submit]")

    row = page.locator(f'#offsets tr[data-certificate="{eco["tx_hash"]}"]')
    expect(row).to_have_count(1)
    expect(row.locator("td.case")).to_have_text(CASE)
    expect(row).to_have_attribute("data-purpose", "ECO_COMPENSATION")
    retired = Decimal(row.locator("td.retired").get_attribute("data-t"))
    needed = Decimal(row.locator("td.needed [data-t]").get_attribute("data-t"))
    assert retired * 1000 == on_chain.certificate["amount_kg"]  # the amount retired is the chain's
    assert needed == Decimal(calculated) == Decimal("300")  # 50 mu × 0.60 t/mu/yr × 10 yr
    expect(row.locator("td.needed .covered")).to_be_visible()  # 300 t retired for 300 t calculated
    expect(row.locator("td.needed")).to_contain_text("林地")
    shot(page, "found")

    row.locator("a.open-certificate").click()
    expect(page).to_have_url(re.compile(rf"/verify/{eco['tx_hash']}$"))
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "valid")
    expect(page.locator("#tx-hash")).to_have_text(eco["tx_hash"])
    expect(page.locator("#certificate")).to_contain_text(on_chain.certificate["case_reference"])
    assert on_chain.certificate["case_reference"] == CASE
    shot(page, "certificate")


def test_enforcement__case_matching_nothing__says_so(page, site):
    log_in(page, ENFORCEMENT_OFFICIAL, lands_on="/console/offsets")
    page.fill("#case-search input[name=case_reference]", "no-such-case-2099")
    page.click("#case-search button[type=submit]")
    expect(page.locator("#no-offsets")).to_be_visible()
    expect(page.locator("#offsets")).to_have_count(0)


def test_enforcement__eeb_offsets_with_the_land_take_in_its_console__enforcement_sees_the_calculation(
    page, site, browser, shot
):
    holder = site.new_holder()
    number = site.mint(holder)  # 500 t
    ok(owner_request(site.api, holder, number, "OFFSET"))
    case = f"赫林执〔2026〕{number[-4:]}号"

    log_in(page, OFFICIALS["EEB"])
    page.goto(f"/console/coupons/{number}")
    form = page.locator('form.step[data-step="coupon.offset"]')
    form.locator("select[name=purpose]").select_option("ECO_COMPENSATION")
    form.locator("input[name=beneficiary]").fill("某交通建设有限公司")
    form.locator("input[name=case_reference]").fill(case)
    form.locator('textarea[name="compensation.parcels"]').fill("G-7, 龙岭工业园, 林地, 100\nG-8, 龙岭工业园, 湿地, 40")
    form.locator('input[name="compensation.years"]').fill("5")
    shot(page, "eeb-offset")
    form.locator("button").click()
    expect(page.locator("#done")).to_contain_text(re.compile(r"0x[0-9a-f]{64}"))
    certificate = re.search(r"0x[0-9a-f]{64}", page.locator("#done").inner_text()).group(0)

    enforcement = browser.new_context(base_url=site.url, locale="zh-CN").new_page()
    try:
        log_in(enforcement, ENFORCEMENT_OFFICIAL, lands_on="/console/offsets")
        enforcement.fill("#case-search input[name=case_reference]", case)
        enforcement.click("#case-search button[type=submit]")
        row = enforcement.locator(f'#offsets tr[data-certificate="{certificate}"]')
        expect(row).to_have_count(1)
        # 100 mu × 0.60 × 5 + 40 mu × 0.45 × 5 = 300 + 90 = 390 t calculated; 500 t retired
        assert Decimal(row.locator("td.needed [data-t]").get_attribute("data-t")) == Decimal("390")
        assert Decimal(row.locator("td.retired").get_attribute("data-t")) == Decimal("500")
        expect(row.locator("td.needed .covered")).to_be_visible()
        on_chain = verify_offset(site.gateway.node.reader, certificate, ledger_address=site.gateway.registry.ledger.address)
        assert (on_chain.certificate["case_reference"], on_chain.certificate["amount_kg"]) == (case, 500_000)
        shot(enforcement, "eeb-offset-found")
    finally:
        enforcement.context.close()
