"""An organisation's members in a real browser (issue 22 item 7): the organisation's own login adds its
accountant in its account page; the accountant logs in with its own password, sees the organisation's console
with its own name in the header, and what it does is audited under the organisation with the person named."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from gateway.core.db import User
from gateway.web.i18n import MESSAGES
from support.api import register_holder
from support.browser import log_in
from support.http import ok

ORGANISATION = "赫山区某村股份经济合作社"
ACCOUNTANT_PASSWORD = "abacus-ledger-willow-42"
NEW_PASSWORD = "granite-ledger-willow-42"


def test_members__administrator_adds_the_accountant__accountant_logs_in_as_the_organisation_and_is_audited(
    site, page, shot
):
    organisation = register_holder(site.api, organisation=ORGANISATION)
    accountant = f"kuaiji-{organisation.username}"

    # the organisation's own login adds its accountant in its account page
    log_in(page, organisation.username)
    page.click("#my-account-link")
    expect(page.locator("#no-members")).to_be_visible()
    form = page.locator("#member-form")
    form.locator("[name=display_name]").fill("张会计")
    form.locator("[name=username]").fill(accountant)
    form.locator("[name=password]").fill(ACCOUNTANT_PASSWORD)
    form.locator("button").click()
    expect(page.locator("#done")).to_have_text(MESSAGES["members.saved"][0])
    expect(page.locator(f'#member-list tr[data-member="{accountant}"]')).to_contain_text("张会计")
    shot(page, "member-added")
    with site.gateway.db.sessions() as db:
        row = db.scalar(select(User).where(User.username == accountant))
        assert (row.role, row.member_of) == ("MEMBER", db.scalar(select(User.id).where(User.username == organisation.username)))
    page.click("#logout")

    # the accountant logs in with its own password and sees the organisation's console, itself named
    log_in(page, accountant, ACCOUNTANT_PASSWORD)
    expect(page.locator("#my-applications")).to_be_visible()  # the holder's home
    expect(page.locator("header .who")).to_have_text(f"张会计 · {ORGANISATION}")
    page.click("#my-account-link")
    expect(page.locator("#members")).to_have_count(0)  # members are the organisation's own login's to manage
    shot(page, "member-home")

    # its password is its own: it changes it, and the audit log names it beside the organisation
    form = page.locator("#password-form")
    form.locator("[name=old_password]").fill(ACCOUNTANT_PASSWORD)
    form.locator("[name=new_password]").fill(NEW_PASSWORD)
    form.locator("button").click()
    expect(page.locator("#done")).to_have_text(MESSAGES["account.password_changed"][0])
    entries = ok(site.api.get("/api/v1/audit?limit=200", headers=site.officials["DRC"]))
    (entry,) = [e for e in entries if e["username"] == organisation.username and e["action"] == "auth.password"]
    assert entry["person"] == accountant
    assert site.api.post("/api/v1/auth/login", json={"username": accountant, "password": NEW_PASSWORD}).status_code == 200
