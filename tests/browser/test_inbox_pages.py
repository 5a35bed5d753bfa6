"""Told what waits, in Chromium: a collective the centre asked for a 补正 sees it first on its home, with the
count in the header, and reaches the application from it without typing an address; the centre sees an
account waiting for its in-person check; an account chooses its e-mail notices on its own page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from gateway.demo import OFFICIALS
from support import api
from support.browser import log_in, send
from support.http import API, ok


def test_holder_home__supplement_owed_first_with_the_count_in_the_header(page: Page, site):
    holder = site.new_holder()
    application = site.submit_application(holder)
    ok(site.api.post(f"{API}/applications/{application.id}/formal-review", headers=site.officials["CENTER"],
                     json={"decision": "supplement", "missing_items": ["缺少林权证"]}))
    log_in(page, holder.username)
    row = page.locator("#inbox tr[data-kind=application]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("补正后重新提交")
    expect(page.locator("#inbox-count .count")).to_have_text("1")
    page.goto("/stats")  # the count is on every page
    expect(page.locator("#inbox-count .count")).to_have_text("1")
    page.click("#inbox-count")
    page.locator("#inbox tr[data-kind=application] a.button").click()
    expect(page).to_have_url(re.compile(rf"/console/applications#application-{application.id}$"))
    expect(page.locator(f"#application-{application.id} .status")).to_have_attribute("data-status", "SUPPLEMENT_REQUIRED")


def test_centre_home__account_waiting_for_its_check(page: Page, site):
    form = api.holder_form()
    ok(site.api.post(f"{API}/auth/holders", json=form))
    log_in(page, OFFICIALS["CENTER"])
    href = f"a[href$='#account-{form['username']}']"
    row = page.locator("#inbox tr[data-kind=account]", has=page.locator(href))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("现场核验身份")
    row.locator(href).click()
    expect(page).to_have_url(re.compile(rf"/console/accounts#account-{form['username']}$"))
    expect(page.locator(f"#account-{form['username']}")).to_be_visible()


def test_account_page__chooses_its_notices(page: Page, site):
    holder = site.new_holder()
    log_in(page, holder.username)
    page.goto("/console/account")
    form = page.locator("#notices-form")
    form.locator("input[name=email]").fill(f"{holder.username}@village.example.cn")
    form.locator("input[name=new_items]").uncheck()
    send(form)
    expect(page.locator("#done")).to_have_text("通知设置已保存。")
    settings = ok(site.api.get(f"{API}/auth/notices", headers=holder.headers))
    assert settings == {"email": f"{holder.username}@village.example.cn", "new_items": False, "digest": True}
