"""The pledgee bank in a real browser (§2, §4, 附件8 质押权): it logs in, sees every coupon pledged to
it with the secured amount, the term's end and the days left, and releases one after confirming it;
the page and the chain agree (the coupon is ACTIVE again, the owner's)."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect
from sqlalchemy import select

from chain import CouponState
from gateway.core.db import User
from gateway.services.coupons import coupon_id
from gateway.web.i18n import MESSAGES
from support.api import pledge, register_holder
from support.browser import log_in

TERM_END = dt.date(2027, 6, 30)


def _state(site, number: str) -> CouponState:
    return site.gateway.registry.coupon(coupon_id(site.gateway, number)).state


def test_bank__sees_its_pledge_and_releases_it_after_confirming__page_and_chain_agree(page, site, shot):
    owner = site.new_holder()
    bank = register_holder(site.api, organisation="湖南益阳某农村商业银行", account_type="FINANCIAL")
    pledged = pledge(site.api, site.officials, owner, site.mint(owner), bank, amount_t="200",
                     secured_yuan="50000.00", term_end=TERM_END.isoformat())
    days_left = str((TERM_END - site.gateway.clock.today()).days)

    log_in(page, bank.username)
    expect(page.get_by_text(MESSAGES["console.no_coupons"][0])).to_have_count(0)  # it holds none, but has pledges
    home_row = page.locator(f'#pledged-to-me tr[data-coupon="{pledged}"]')
    expect(home_row).to_contain_text("50,000.00")  # yuan as people read them
    expect(home_row).to_contain_text(TERM_END.isoformat())
    shot(page, "home")
    page.click("#manage-pledges")

    row = page.locator(f'#pledges tr[data-coupon="{pledged}"]')
    expect(row.locator("td.amount")).to_have_text("200")
    expect(row.locator("td.secured")).to_have_text("50,000.00")
    expect(row.locator("td.term-end")).to_have_text(TERM_END.isoformat())
    expect(row.locator("td.days-left")).to_have_text(days_left)
    shot(page, "pledges")

    page.once("dialog", lambda dialog: dialog.dismiss())  # asked once more, and declined: nothing is sent
    row.locator("form.release button").click()
    expect(row).to_have_count(1)
    assert _state(site, pledged) == CouponState.PLEDGED

    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("form.release button").click()

    expect(page.locator("#done")).to_contain_text(re.compile(r"0x[0-9a-f]{64}"))
    expect(page.locator(f'#pledges tr[data-coupon="{pledged}"]')).to_have_count(0)
    shot(page, "released")
    assert _state(site, pledged) == CouponState.ACTIVE
    assert site.gateway.registry.coupon(coupon_id(site.gateway, pledged)).owner == owner.address


def test_bank__the_demo_bank__console_shows_its_standing_pledge_not_no_coupons(page, site, shot):
    with site.gateway.db.sessions() as db:
        bank = db.scalar(select(User).where(User.username.like("bank-%")).order_by(User.id.desc()))
    under_pledge = [c for c in site.gateway.index.coupons(states=["PLEDGED"]) if c.pledgee == bank.address]
    assert under_pledge  # the demo leaves one pledged to its bank

    log_in(page, bank.username)

    expect(page.get_by_text(MESSAGES["console.no_coupons"][0])).to_have_count(0)
    for coupon in under_pledge:
        expect(page.locator(f'#pledged-to-me tr[data-coupon="{coupon.number}"]')).to_contain_text("80,000.00")
    shot(page, "demo-bank")


def test_bank__phone_width__its_pledges_fit_the_screen(phone, site, shot):
    with site.gateway.db.sessions() as db:
        bank = db.scalar(select(User).where(User.username.like("bank-%")).order_by(User.id.desc()))

    log_in(phone, bank.username)
    phone.goto("/console/pledges")

    expect(phone.locator("#pledges tr[data-coupon]").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls in its own box
    shot(phone, "phone")
