"""/docs without the internet (issue #11 item 7): Swagger UI's files come from the gateway
itself, so the API documentation renders on a closed network."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from gateway.api.app import create_app
from gateway.runtime.wiring import Gateway
from gateway.core.settings import Settings
from support.serving import serve

ASSET = re.compile(r"""(?:src|href)=['"]([^'"]+)['"]""")


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory):
    """A gateway of its own (no demo story needed to document the API), served on 127.0.0.1."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("docs"))
    gateway = Gateway.open(settings, served=False, passphrase="docs-tests")
    try:
        with serve(create_app(settings, gateway=gateway)) as url, httpx.Client(base_url=url, timeout=30) as http:
            yield url, http
    finally:
        gateway.close()


@pytest.fixture
def docs_page(browser, docs_site):
    context = browser.new_context(base_url=docs_site[0], viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def test_docs__page_and_its_assets__only_same_origin_urls_each_served(docs_site):
    _url, http = docs_site
    page = http.get("/docs")
    assert page.status_code == 200
    assets = ASSET.findall(page.text)
    assert {urlsplit(a).path.rsplit(".", 1)[-1] for a in assets} >= {"js", "css"}
    for asset in assets:
        assert not urlsplit(asset).netloc and asset.startswith("/"), f"{asset} is not on the gateway"
        answer = http.get(asset)
        assert answer.status_code == 200, asset
        kind = {"js": "javascript", "css": "text/css", "png": "image/png"}[asset.rsplit(".", 1)[-1]]
        assert kind in answer.headers["content-type"], (asset, answer.headers["content-type"])
    assert "cdn.jsdelivr.net" not in page.text and "fastapi.tiangolo.com" not in page.text
    assert "cdn.jsdelivr.net" not in page.headers["content-security-policy"]
    assert http.get("/redoc").status_code == 404  # not offered: it would need its CDN


def test_docs__other_hosts_blocked__operations_listed(docs_page, shot):
    page = docs_page
    elsewhere: list[str] = []

    def only_the_gateway(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_gateway)
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Tanquan")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible(timeout=20_000)
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/public/offsets/{tx_hash}")).to_have_count(1)
    assert operations.count() > 50
    shot(page, "docs")
    assert elsewhere == [], f"/docs asked other hosts: {elsewhere}"
