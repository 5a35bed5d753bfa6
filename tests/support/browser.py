"""Steps every browser test takes: logging in to a console through its log-in page, choosing a file or an account."""

from __future__ import annotations

import hashlib
import re

from playwright.sync_api import Page, expect

from gateway.demo import DEMO_PASSWORD


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD, *, lands_on: str | None = "/console") -> None:
    """Log in through /console/login; `lands_on` is the page the console opens with (None: not checked)."""
    page.goto("/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    if lands_on is not None:
        expect(page).to_have_url(re.compile(re.escape(lands_on) + "$"))


def attach(form, field: str, name: str, content: bytes, mime: str = "application/pdf"):
    """Choose a file for `field` as a person would and wait for its preview: the form uploads a chosen file at
    once and shows it above the button, so a click sent before the preview lands may hit the moving page."""
    form.locator(f'input[name="{field}"]').set_input_files(files=[{"name": name, "mimeType": mime, "buffer": content}])
    shown = form.locator(f'.preview[data-for="{field}"] figure[data-sha256="{hashlib.sha256(content).hexdigest()}"]')
    expect(shown).to_be_visible()
    return shown


def send(form) -> None:
    """Press a step form's 提交 as a person would and see that the form took it: its status line says "…" (or the
    answer) at once, or the page has already gone on. On a loaded machine a click can land in the instant a
    freshly drawn preview moves the page, and nothing happens; a person then presses again, and so does this —
    never after the form took the first press, so nothing is sent twice."""
    page, button = form.page, form.locator("button[type=submit]")
    before = page.url
    button.click()
    taken = "f => !f.isConnected || f.querySelector('.result')?.textContent !== ''"
    try:
        page.wait_for_function(taken, arg=form.element_handle(timeout=1_000), timeout=5_000)
    except Exception:  # the page went on (the form's handle with it), or the form never took the press
        if page.url == before and form.locator(".result").text_content(timeout=1_000) == "":
            button.click()


def choose_party(form, field: str, name: str) -> str:
    """Choose the account named `name` in a form's party field as a person would: by its name and masked ID number
    among the accounts offered (the one option of that name); the label chosen."""
    option = form.locator(f"select[name={field}] option", has_text=name)
    expect(option).to_have_count(1)
    expect(option).to_contain_text("*")
    label = option.inner_text()
    form.locator(f"select[name={field}]").select_option(label=label)
    return label
