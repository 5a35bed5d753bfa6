"""A real browser on a real server: the gateway served by uvicorn on 127.0.0.1
(instant mining), seeded with the demo story through HTTP, and Debian's Chromium
driven by Playwright. Screenshots of every page land in tests/artifacts/browser."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright
from serving import serve

from gateway import demo
from gateway.api.app import create_app
from gateway.runtime import Gateway
from gateway.settings import Settings

CHROMIUM = "/usr/bin/chromium"
# Headless as root, and no calls home: this machine's network is closed.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
_serial = itertools.count(1)


@dataclass
class Site:
    url: str
    gateway: Gateway
    story: demo.DemoResult
    api: httpx.Client

    def login(self, username: str, password: str = demo.DEMO_PASSWORD) -> dict:
        response = self.api.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    def post(self, path: str, headers: dict, **kwargs) -> dict:
        response = self.api.post(path, headers=headers, **kwargs)
        assert response.status_code < 400, f"{path}: {response.status_code} {response.text}"
        return response.json()

    def new_holder(self) -> tuple[str, dict]:
        username = f"webholder{next(_serial)}"
        self.post("/api/v1/auth/holders", {}, json={
            "username": username, "password": demo.DEMO_PASSWORD, "display_name": username,
            "organisation": "赫山区某林场", "identity": f"91430900{next(_serial):010d}"})
        return username, self.login(username)

    def submit_application(self, holder: dict) -> tuple[str, int]:
        """A new application with its monitoring report: (report sha256, application id)."""
        report = self.post("/api/v1/documents", holder, files={"file": ("report.pdf", f"%PDF {time.time()}".encode(), "application/pdf")})["sha256"]
        return report, self.post("/api/v1/applications", holder, json={
            "project_name": "浏览器测试林地项目", "methodology": "HS-01", "claimed_t": "500",
            "parcels": [{"number": f"W-{next(_serial)}", "location": "龙光桥街道", "land_type": "FOREST", "area_mu": "300"}],
            "monitoring_period": {"start": "2022-01-01", "end": "2024-01-01"}, "documents": {"report": report},
        })["application"]

    def mint(self, holder: dict) -> str:
        """Take a new application of `holder` through every review step to a minted coupon."""
        report, application = self.submit_application(holder)
        officials = {role: self.login(name) for role, name in demo.OFFICIALS.items()}
        path = f"/api/v1/applications/{application}"
        self.post(f"{path}/formal-review", officials["CENTER"], json={"decision": "pass"})
        self.post(f"{path}/preliminary-review", officials["CENTER"], json={"decision": "pass"})
        self.post(f"{path}/attestation", officials["VERIFIER"], json={"report": report, "attested_t": "500"})
        self.post(f"{path}/validation", officials["NRB"], json={"decision": "pass"})
        self.post(f"{path}/validation", officials["FORESTRY"], json={"decision": "pass"})
        self.post(f"{path}/filing", officials["EEB"], json={"decision": "file", "filing_number": f"赫环碳备〔2026〕W{application}号"})
        return self.post(f"{path}/mint", officials["GOV"])["coupon"]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    settings = Settings(data_dir=tmp_path_factory.mktemp("browser"), loss_notice_days=demo.DEMO_LOSS_NOTICE_DAYS,
                        public_requests_per_minute=1_000_000)
    gateway = Gateway.open(settings, served=False, passphrase="browser-tests")
    demo.seed_officials(gateway)
    try:
        with serve(create_app(settings, gateway=gateway)) as url, httpx.Client(base_url=url, timeout=60) as api:
            settings.public_base_url = url  # where certificates' QR codes point, whatever host a PDF is asked at
            story = demo.run(api, progress=lambda line: None)
            yield Site(url, gateway, story, api)
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
    page = context.new_page()
    page.on("pageerror", lambda error: failures.append(f"script error: {error}"))
    yield page
    context.close()
    assert not failures, f"{request.node.name}: {failures}"


@pytest.fixture
def page(browser, site, request) -> Page:
    """A fresh browser context per test (no cookies carried over), desktop size.
    Any server error or script error on the way fails the test."""
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
