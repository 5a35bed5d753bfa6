"""A real browser on a real server: the gateway served by uvicorn on 127.0.0.1
(instant mining), seeded with the demo story through HTTP, and Debian's Chromium
driven by Playwright. Screenshots of every page land in tests/artifacts/browser."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from gateway import demo
from gateway.api.app import create_app
from gateway.runtime.wiring import Gateway
from gateway.core.settings import Settings
from support.api import Application, Holder, application_form, register_holder, submit, upload, walk
from support.http import login, ok
from support.page_words import PageWords
from support.serving import serve

CHROMIUM = "/usr/bin/chromium"
# Headless as root, and no calls home: this machine's network is closed.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
# A page that waits for a block, on two cores shared with the rest of the suite, gets 30 s, not 5.
WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)


@dataclass
class Site:
    url: str
    gateway: Gateway
    story: demo.DemoResult
    api: httpx.Client
    officials: dict[str, dict]  # department → its official's Authorization header
    pages: PageWords  # every page served, read for internal names (support/page_words.py)

    def post(self, path: str, headers: dict, **kwargs) -> dict:
        return ok(self.api.post(path, headers=headers, **kwargs))

    def new_holder(self) -> Holder:
        return register_holder(self.api, organisation="赫山区某林场")

    def submit_application(self, holder: Holder) -> Application:
        """A new application of 500 t with its monitoring report."""
        report = upload(self.api, holder.headers, name="report.pdf")
        return submit(self.api, holder, application_form(report, claimed_t="500"))

    def mint(self, holder: Holder) -> str:
        """Take a new application of `holder` through every review step to a minted coupon."""
        return walk(self.api, self.officials, self.submit_application(holder))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    settings = Settings(data_dir=tmp_path_factory.mktemp("browser"), loss_notice_days=demo.DEMO_LOSS_NOTICE_DAYS,
                        public_requests_per_minute=1_000_000)
    gateway = Gateway.open(settings, served=False, passphrase="browser-tests")
    demo.seed_officials(gateway)
    try:
        pages = PageWords(create_app(settings, gateway=gateway))
        with serve(pages) as url, httpx.Client(base_url=url, timeout=60) as api:
            settings.public_base_url = url  # where certificates' QR codes point, whatever host a PDF is asked at
            story = demo.run(api, progress=lambda line: None)
            yield Site(url, gateway, story, api, {role: login(api, name) for role, name in demo.OFFICIALS.items()}, pages)
    finally:
        gateway.close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _context(browser, site: Site, request, viewport: dict):
    context = browser.new_context(viewport=viewport, base_url=site.url, locale="zh-CN")
    failures: list[str] = []
    context.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.on("pageerror", lambda error: failures.append(f"script error: {error}"))
    seen = len(site.pages.flagged)
    yield page
    context.close()
    failures += [f"{path} shows {what}" for path, what in site.pages.flagged[seen:]]
    assert not failures, f"{request.node.name}: {failures}"


@pytest.fixture
def page(browser, site, request) -> Page:
    """A fresh browser context per test (no cookies carried over), desktop size.
    Any server error, script error or page showing an internal name on the way fails the test."""
    yield from _context(browser, site, request, {"width": 1280, "height": 900})


@pytest.fixture
def phone(browser, site, request) -> Page:
    yield from _context(browser, site, request, {"width": 390, "height": 844})


@pytest.fixture
def shot(request):
    """shot(page, "step") writes tests/artifacts/browser/<test>-<step>.png, the whole page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, step: str) -> None:
        page.screenshot(path=ARTIFACTS / f"{request.node.name}-{step}.png", full_page=True)

    return take
