"""The public explorer in a real browser: search, a coupon's timeline and lineage,
offset verification reached through the QR code of a printed certificate."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import httpx
from playwright.sync_api import expect

from chain.logcheck import verify_offline
from chain.policy import parse
from gateway.catalogue.units import amount_display
from support.api import list_coupon
from support.pdf_qr import decode_qr, pdf_pages

CST = dt.timezone(dt.timedelta(hours=8))


def _public(site, number: str) -> dict:
    response = site.api.get(f"/api/v1/public/coupons/{number}")
    assert response.status_code == 200, response.text
    return response.json()


def _qr_url(site, pdf_path: str) -> str:
    """The address in the QR code of a certificate, printed from a page asked under another host name
    the gateway serves (localhost, not the configured 127.0.0.1:port): the code must still point at
    the configured public site."""
    response = site.api.get(pdf_path, headers={"Host": "localhost"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf", response.text
    (url,) = decode_qr(pdf_pages(response.content)[0])
    assert url.startswith(site.url + "/")
    return url


def _date(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, CST).strftime("%Y-%m-%d")


def _lineage_edges(page) -> dict[str, str | None]:
    """The tree as drawn: each coupon → the coupon whose branch it hangs under."""
    edges = page.locator("#lineage li").evaluate_all("""items => items.map(li => [
        li.querySelector(':scope > a.node').textContent.trim(),
        li.parentElement.closest('li')?.querySelector(':scope > a.node').textContent.trim() ?? null])""")
    assert len(edges) == len({number for number, _ in edges}), edges
    return dict(edges)


def test_search__coupon_number__coupon_page_with_timeline_and_lineage(page, site, shot):
    number = site.story.coupons[-1]  # the part moved to the builder: a reissue and splits behind it
    record = _public(site, number)

    page.goto("/")
    shot(page, "home")
    page.fill("#q", number)
    page.press("#q", "Enter")

    expect(page).to_have_url(re.compile(re.escape(f"/coupons/{number}") + "$"))
    expect(page.locator("#coupon-number")).to_contain_text(number)
    coupon = record["coupon"]
    expect(page.locator("#coupon-state")).to_have_attribute("data-state", coupon["state"])
    facts = page.locator("#coupon-data").inner_text()  # the §7 data
    for value in (record["filing_number"], record["issuing_unit"], record["project_name"], coupon["holder"],
                  f"{coupon['serials'][0]} – {coupon['serials'][1]}", f"{coupon['amount_t']} 吨",
                  " – ".join(_date(t) for t in record["monitoring_period"]), record["issuance"]["tx_hash"][:10]):
        assert value in facts.replace(",", ""), value

    events = page.locator("#timeline tr.step").evaluate_all(
        "rows => rows.map(r => [r.dataset.event, r.querySelector('a[title]').title])")
    assert events == [[step["event"], step["tx_hash"]] for step in record["history"]]

    edges = _lineage_edges(page)
    family = site.gateway.index.family(record["issuance"]["id"])
    assert edges == {c["number"]: c["from"] for c in family}
    path, node = [], edges[number]
    while node:
        path.append(node)
        node = edges[node]
    assert path == [a["number"] for a in record["lineage"]["ancestors"]]
    expect(page.locator("#lineage li.current > a.node")).to_have_text(number)
    expect(page.locator("#lineage li.reissue")).to_have_count(1)
    shot(page, "coupon")


def test_search__nonsense__not_found_said(page, site, shot):
    nonsense = "<b>HSTQ-0000-0000-0000</b>"
    page.goto("/")
    page.fill("#q", nonsense)
    with page.expect_response(lambda r: "/search?" in r.url) as answer:
        page.press("#q", "Enter")
    assert answer.value.status == 404
    expect(page.locator("#not-found")).to_contain_text(nonsense)  # said as typed, not as markup
    expect(page.locator("#not-found b")).to_have_count(0)
    expect(page.locator("#q")).to_have_value(nonsense)
    shot(page, "not-found")


def test_search__tx_hash_of_a_step__leads_to_the_coupon_it_touched(page, site):
    step = next(s for s in site.story.steps if s["title"].startswith("质押登记"))
    page.goto("/")
    page.fill("#q", step["tx_hash"].upper())  # as copied from a printout: 0X and capitals
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

    page.goto("/search?q=HSTQ-X&lang=en")  # the switch keeps the query, less the language asked in it
    page.click("#lang-switch")
    expect(page).to_have_url(re.compile(r"/search\?q=HSTQ-X$"))
    expect(page.locator("#not-found")).to_contain_text("HSTQ-X")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_verify__qr_of_the_offset_certificate__valid_and_a_tampered_hash_is_not(page, site, shot):
    offset = site.story.offsets[0]
    tx_hash = offset["tx_hash"]
    page.goto(f"/coupons/{offset['coupon']}")  # the retired coupon's timeline links its certificate
    expect(page.locator("#coupon-state")).to_have_attribute("data-state", "RETIRED")
    page.locator(f"#timeline tr[data-event=CouponRetired] a[title='{tx_hash}']").click()
    expect(page).to_have_url(re.compile(f"/verify/{tx_hash}$"))
    url = _qr_url(site, page.locator("#offset-pdf").get_attribute("href"))
    assert url == f"{site.url}/verify/{tx_hash}"

    assert page.goto(url).status == 200
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "valid")
    expect(page.locator("#tx-hash")).to_have_text(tx_hash)
    expect(page.locator("#certificate")).to_contain_text(offset["coupon"])
    expect(page.locator("#certificate")).to_contain_text(offset["beneficiary"])
    shot(page, "valid")
    with page.expect_download(timeout=30_000) as download:  # the offline proof, checked with no network here
        page.click("#offline-bundle")
    bundle = json.loads(Path(download.value.path()).read_text())
    ledger = page.locator("#offline-how + pre").inner_text().split("--ledger ")[1].strip()
    policy = parse(f"log {httpx.get(f'{site.url}/log/key').text.strip()}\nquorum none\n")
    retired = verify_offline(bundle, policy, ledger=ledger).facts
    certificate = httpx.get(f"{site.url}/api/v1/public/offsets/{tx_hash}").json()["certificate"]
    assert (retired["beneficiary"], retired["amount_kg"], retired["case_reference"]) == (
        offset["beneficiary"], certificate["amount_kg"], certificate["case_reference"])

    tampered = tx_hash[:-1] + ("0" if tx_hash[-1] != "0" else "1")
    assert page.goto(url.replace(tx_hash, tampered)).status == 404  # and the verdict is still said
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "unknown")
    expect(page.locator("#tx-hash")).to_have_text(tampered)
    expect(page.locator("#offset-pdf")).to_have_count(0)
    shot(page, "tampered")
    assert httpx.get(f"{site.url}/certificates/offsets/{tampered}.pdf").status_code == 404


def test_verify__a_mint_transaction__invalid_with_reason(page, site, shot):
    mint = next(s for s in site.story.steps if s["title"].startswith("制发"))
    assert page.goto(f"/verify/{mint['tx_hash']}").status == 200
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "invalid")
    expect(page.locator("#offset-pdf")).to_have_count(0)
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
    replacement = _public(site, voided)["lineage"]["replaced_by"]
    page.locator("#voided a").click()
    expect(page).to_have_url(re.compile(re.escape(f"/coupons/{replacement}") + "$"))
    expect(page.locator("#coupon-state")).not_to_have_attribute("data-state", "VOIDED")
    expect(page.locator("#voided")).to_have_count(0)
    assert _lineage_edges(page)[replacement] == voided  # the reissue hangs under the coupon it replaced


def test_listings_and_stats__board_shows_a_listing_and_charts_match_the_api(page, site, shot):
    holder = site.new_holder()
    number = site.mint(holder)
    list_coupon(site.api, site.officials, holder, number, price_yuan_per_t="58.50", notice_days=10,
                project_area_mu="300", location="龙光桥街道", remarks="整券挂牌")

    page.goto("/listings")
    row = page.locator("#board tr", has_text=number)
    expect(row).to_contain_text("58.5")
    expect(row).to_contain_text("龙光桥街道")
    shot(page, "board")

    page.goto("/stats")
    expect(page.locator("svg.chart")).to_have_count(4)
    stats = httpx.get(f"{site.url}/api/v1/public/stats").json()
    expect(page.locator(".card .big")).to_have_text([amount_display(stats["issued_t"]), str(stats["offsets"])])
    shot(page, "stats")


def test_phone__coupon_and_verification_pages_fit_the_screen(phone, site, shot):
    for path, name in ((f"/coupons/{site.story.coupons[-1]}", "coupon"), (f"/verify/{site.story.offsets[0]['tx_hash']}", "verify")):
        phone.goto(path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 392, path
        shot(phone, name)
