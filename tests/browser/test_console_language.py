"""A console's refusal in the reader's language (issue #11 item 7): the gateway answers with a stable
code (gateway/core/errors.py) and the console says it in the page's words (i18n `errors.<code>`), the code
beside them. DRC creating an official under a taken username, and with a malformed one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gateway.api.app import create_app
from gateway.demo import DEMO_PASSWORD, OFFICIALS, seed_officials
from gateway.runtime.wiring import Gateway
from gateway.core.settings import Settings
from gateway.web.i18n import MESSAGES
from support.serving import serve

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def console_site(tmp_path_factory):
    """The departments' officials on a gateway of their own: no demo story needed to be refused."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("console-language"), public_requests_per_minute=1_000_000)
    gateway = Gateway.open(settings, served=False, passphrase="language-tests")
    seed_officials(gateway)
    try:
        with serve(create_app(settings, gateway=gateway)) as url:
            yield url
    finally:
        gateway.close()


@pytest.fixture
def drc(browser, console_site, request):
    """DRC's console in a fresh browser (Chinese by default); a script error fails the test."""
    context = browser.new_context(base_url=console_site, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/console/login")
    page.fill("input[name=username]", OFFICIALS["DRC"])
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/console$"))
    yield page
    context.close()
    assert not errors, errors


def _create_official(page, username: str):
    form = page.locator('form.step[data-step="auth.create_official"]')
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill("Lang-check-2026-Tanquan!")
    form.locator("input[name=display_name]").fill("语言测试")
    form.locator("button").click()
    return form.locator(".result")


def test_console_refusal__english_page__said_in_english(drc, shot):
    drc.goto("/lang/en?next=/console")
    expect(drc.locator("html")).to_have_attribute("lang", "en")
    result = _create_official(drc, OFFICIALS["CENTER"])  # taken

    expect(result).to_have_attribute("data-code", "USERNAME_TAKEN")
    expect(result).to_have_text(f"{MESSAGES['errors.USERNAME_TAKEN'][1]} "  # the code itself only as data-code
                                f"{MESSAGES['errors.check_fields'][1]}: {MESSAGES['field.username'][1]}")
    assert not CJK.search(result.inner_text())
    shot(drc, "refused-en")


def test_console_refusal__chinese_page__said_in_chinese(drc, shot):
    expect(drc.locator("html")).to_have_attribute("lang", "zh-CN")
    result = _create_official(drc, OFFICIALS["CENTER"])

    expect(result).to_have_attribute("data-code", "USERNAME_TAKEN")
    expect(result).to_have_text(f"{MESSAGES['errors.USERNAME_TAKEN'][0]} "  # the code itself only as data-code
                                f"{MESSAGES['errors.check_fields'][0]}: {MESSAGES['field.username'][0]}")
    shot(drc, "refused-zh")


def test_console_refusal__malformed_field_on_a_chinese_page__names_the_field_in_chinese(drc):
    result = _create_official(drc, "a b")  # a space: not a username

    expect(result).to_have_attribute("data-code", "INVALID_INPUT")
    expect(result).to_have_text(f"{MESSAGES['errors.INVALID_INPUT'][0]} "
                                f"{MESSAGES['errors.check_fields'][0]}: {MESSAGES['field.username'][0]}")
    assert "String should match" in result.get_attribute("title")  # the API's own words stay at hand


def test_error_words__every_contract_revert_code__said_in_both_languages():
    from gateway.core.errors import REVERTS

    codes = {code for _status, code in REVERTS.values()} | {"INVALID_INPUT", "ROLE_REQUIRED", "CSRF_FAILED"}
    missing = sorted(code for code in codes if f"errors.{code}" not in MESSAGES)
    assert missing == []
    assert all(CJK.search(MESSAGES[f"errors.{code}"][0]) and not CJK.search(MESSAGES[f"errors.{code}"][1])
               for code in codes)
