"""Accounts in a real browser (附件1 三(一)): a village collective opens its account at phone width,
the centre verifies it in person from its queue page, and the collective sees itself verified; DRC
disables an account from its list. The page and the database agree at each step."""

from __future__ import annotations

import hashlib
import re

from playwright.sync_api import expect
from sqlalchemy import select

from gateway.core.db import AccountVerification, User
from gateway.demo import DEMO_PASSWORD, OFFICIALS
from gateway.core.identity import make_uscc, mask
from gateway.web.i18n import MESSAGES
from support.api import register_holder
from support.browser import attach, log_in
from support.http import error_of

PASSWORD = "granite-ledger-willow-42"


def _user(site, username: str) -> User:
    with site.gateway.db.sessions() as db:
        return db.scalar(select(User).where(User.username == username))


def test_accounts__collective_registers_centre_verifies__collective_sees_itself_verified(site, phone, page, shot):
    username, uscc = f"village-{make_uscc()[-6:].lower()}", make_uscc(prefix="N2")

    # the collective opens its account on a phone: the log-in page links to the form
    phone.goto("/console/login")
    phone.click("#register-link")
    expect(phone).to_have_url(re.compile(r"/console/register$"))
    form = phone.locator("#register-form")
    form.locator("select[name=account_type]").select_option("COLLECTIVE")
    for name, value in {"organisation": "赫山区泉交河镇某村股份经济合作社", "identity": uscc, "legal_representative": "王社长",
                        "postal_address": "益阳市赫山区泉交河镇某村", "contact_person": "李会计",
                        "contact_phone": "0737-1234567", "display_name": "某村合作社", "username": username,
                        "password": PASSWORD}.items():
        form.locator(f"[name={name}]").fill(value)
    shot(phone, "register")
    form.locator("button").click()
    expect(phone.locator("#registered")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # usable at phone width
    user = _user(site, username)
    assert (user.account_type, user.identity_masked, user.verified_at) == ("COLLECTIVE", mask(uscc), None)

    # it logs in and sees its account awaiting the centre, the ID masked; it may not apply yet
    log_in(phone, username, PASSWORD)
    expect(phone.locator("#unverified-banner")).to_be_visible()
    phone.click("#my-account-link")
    expect(phone.locator("#account-state")).to_have_attribute("data-state", "UNVERIFIED")
    expect(phone.locator("#identity-masked")).to_have_text(mask(uscc))
    expect(phone.locator("body")).not_to_contain_text(uscc)
    shot(phone, "unverified")

    # the centre finds it in its queue of accounts and records its in-person check
    log_in(page, OFFICIALS["CENTER"])
    page.click("#accounts-link")
    expect(page.locator(f'tr[data-account="{username}"]')).to_contain_text(mask(uscc))
    actions = page.locator(f'tr[data-account-actions="{username}"] form.step[data-step="account.verify"]')
    actions.locator("select[name=document_type]").select_option("BUSINESS_LICENCE")
    actions.locator("input[name=document_number]").fill(uscc)
    attach(actions, "document", "营业执照扫描件.pdf", b"%PDF the licence shown " + uscc.encode())
    shot(page, "queue")
    actions.locator("button").click()
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator(f'tr[data-account="{username}"]')).to_have_count(0)  # no longer awaiting
    with site.gateway.db.sessions() as db:
        user = db.scalar(select(User).where(User.username == username))
        check = db.scalar(select(AccountVerification).where(AccountVerification.user_id == user.id))
        centre = db.scalar(select(User).where(User.username == OFFICIALS["CENTER"]))
    assert user.verified_at is not None
    assert (check.verified_by, check.document_type, check.document_number_masked) == (
        centre.id, "BUSINESS_LICENCE", mask(uscc))
    assert check.document_sha256 == hashlib.sha256(b"%PDF the licence shown " + uscc.encode()).hexdigest()

    # the collective sees itself verified, by whom and against which document
    phone.reload()
    expect(phone.locator("#account-state")).to_have_attribute("data-state", "VERIFIED")
    expect(phone.locator("#my-account")).to_contain_text(OFFICIALS["CENTER"])
    expect(phone.locator("#my-account")).to_contain_text(MESSAGES["document.BUSINESS_LICENCE"][0])
    expect(phone.locator("#unverified-note")).to_have_count(0)
    shot(phone, "verified")
    phone.goto("/console")
    expect(phone.locator("#unverified-banner")).to_have_count(0)


def test_accounts__drc_disables_an_account__it_cannotlog_in(site, page, phone, shot):
    holder = register_holder(site.api, organisation="某环保科技有限公司", account_type="ENTERPRISE")

    log_in(page, OFFICIALS["DRC"])
    page.click("#accounts-link")
    form = page.locator(f'tr[data-account-actions="{holder.username}"] form.step[data-step="account.disable"]')
    form.locator("textarea[name=reason]").fill("冒用他人身份开户")
    form.locator("button").click()
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator(f'tr[data-account="{holder.username}"]')).to_have_attribute("data-state", "DISABLED")
    shot(page, "disabled")

    assert _user(site, holder.username).disabled_at is not None
    error_of(site.api.get("/api/v1/auth/me", headers=holder.headers), 401, "TOKEN_INVALID")
    response = site.api.post("/api/v1/auth/login", json={"username": holder.username, "password": DEMO_PASSWORD})
    error_of(response, 403, "ACCOUNT_DISABLED")
    phone.goto("/console/login")
    phone.fill("input[name=username]", holder.username)
    phone.fill("input[name=password]", DEMO_PASSWORD)
    phone.click("form button[type=submit]")
    expect(phone.locator("#login-failed")).to_have_text(MESSAGES["errors.ACCOUNT_DISABLED"][0])


def test_accounts__malformed_id__refused_in_the_page_and_nothing_stored(site, phone, shot):
    username = f"bad-id-{make_uscc()[-6:].lower()}"
    phone.goto("/console/register")
    form = phone.locator("#register-form")
    for name, value in {"organisation": "某公司", "identity": "abcdef", "legal_representative": "张三",
                        "postal_address": "赫山区", "contact_person": "李四", "contact_phone": "0737-1234567",
                        "display_name": "某公司", "username": username, "password": PASSWORD}.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button").click()

    expect(form.locator(".result")).to_have_attribute("data-code", "IDENTITY_MALFORMED")
    shot(phone, "refused")
    assert _user(site, username) is None


def test_accounts__password_changed_in_the_page__new_one_logs_in(site, page):
    holder = register_holder(site.api)
    log_in(page, holder.username)
    page.goto("/console/account")
    form = page.locator("#password-form")
    form.locator("[name=old_password]").fill(DEMO_PASSWORD)
    form.locator("[name=new_password]").fill(PASSWORD)
    form.locator("button").click()
    expect(page.locator("#done")).to_have_text(MESSAGES["account.password_changed"][0])
    assert site.api.post("/api/v1/auth/login", json={"username": holder.username, "password": PASSWORD}).status_code == 200
