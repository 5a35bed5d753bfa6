"""Steps every browser test takes: logging in to a console through its log-in page."""

from __future__ import annotations

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
