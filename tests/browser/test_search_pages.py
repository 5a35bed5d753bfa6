"""Officials find things (办理): a supervising department finds a coupon from its console's search box, not by a
typed address, and acts on it there (§6: NRB, FORESTRY and EEB may freeze a coupon)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from gateway.demo import OFFICIALS
from gateway.web.i18n import MESSAGES
from support.browser import log_in, send


def test_search__nrb_finds_a_coupon_by_its_number_and_freezes_it__page_and_chain_say_frozen(page, site, shot):
    holder = site.new_holder()
    number = site.mint(holder)
    log_in(page, OFFICIALS["NRB"])

    search = page.locator("#console-search")  # on the console's home, the queue
    search.locator("input[name=q]").fill(number.lower())  # as an official would type it
    search.locator("button").click()
    expect(page).to_have_url(re.compile(re.escape(f"/console/coupons/{number}") + "$"))

    freeze = page.locator('form.step[data-step="coupon.freeze"]')
    freeze.locator("textarea[name=reason]").fill("司法协助冻结")
    send(freeze)
    expect(page.locator("#frozen")).to_contain_text("司法协助冻结")
    expect(page.locator("h1 .badge")).to_have_text(MESSAGES["state.FROZEN"][0])
    shot(page, "frozen")
    registry = site.gateway.registry  # the chain itself, not only its index
    assert registry.coupon(site.gateway.index.coupon(number).id).state.name == "FROZEN"
