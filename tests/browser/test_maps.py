"""Parcels on maps, in Chromium with no network beyond the gateway: the public project page draws the demo
project's two parcels from Leaflet served here, with scale, north arrow and legend, and says the boundaries
hash to the chain's; the coupon page links its project and draws the same land; the registry's map draws
every public parcel coloured by land type and outlined by state, as its legends say; the application page
draws the parcels for the applicant and each department that reviews it."""

from __future__ import annotations

import hashlib

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from gateway.core.db import User
from gateway.demo import OFFICIALS
from support.api import list_coupon
from support.browser import log_in


def _offline(page: Page, site) -> list[str]:
    """Refuse every request not to the gateway; return the list of what was refused (it must stay empty)."""
    refused: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith(site.url):
            request_route.continue_()
        else:
            refused.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    return refused


def _drawn(page: Page, map_id: str, parcels: int) -> None:
    expect(page.locator(f"#{map_id}")).to_have_attribute("data-drawn", str(parcels))
    expect(page.locator(f"#{map_id} svg path.leaflet-interactive")).to_have_count(parcels)
    expect(page.locator(f"#{map_id} .leaflet-control-scale-line")).to_be_visible()
    expect(page.locator(f"#{map_id} .map-north")).to_be_visible()
    expect(page.locator(f"#{map_id} .map-legend").first).to_be_visible()


def test_project_page__demo_project__parcels_drawn_offline_and_hash_matches(page: Page, site, shot):
    refused = _offline(page, site)
    number = site.story.coupons[0]
    page.goto(f"/coupons/{number}")
    _drawn(page, "parcel-map", 2)
    page.click("#project-link")
    expect(page).to_have_url(f"{site.url}/projects/{_project_of(site, number)}")
    _drawn(page, "parcel-map", 2)
    expect(page.locator("#boundaries-verdict")).to_have_class("check match")
    served = site.api.get(page.locator("#parcels-download").get_attribute("href"))
    assert hashlib.sha256(served.content).hexdigest() == page.locator("#hash-on-chain").inner_text().strip()
    expect(page.locator("#project-coupons a").first).to_be_visible()
    page.locator("#parcel-map svg path.leaflet-interactive").first.click(force=True)
    expect(page.locator(".leaflet-popup-content")).to_contain_text("宗地号")
    shot(page, "project")
    assert refused == []


def _project_of(site, number: str) -> int:
    return site.api.get(f"/api/v1/public/coupons/{number}").json()["issuance"]["application"]


def test_registry_map__stats_and_projects__every_public_parcel_drawn(page: Page, site):
    refused = _offline(page, site)
    features = site.api.get("/api/v1/public/parcels.geojson").json()["features"]
    assert len(features) >= 2
    page.goto("/stats")
    _drawn(page, "registry-map", len(features))
    _coloured_as_the_legends_say(page, "registry-map", features)
    page.goto("/projects")
    _drawn(page, "registry-map", len(features))
    expect(page.locator("#projects tbody tr")).to_have_count(len({f["properties"]["project"] for f in features}))
    assert refused == []


def _coloured_as_the_legends_say(page: Page, map_id: str, features: list[dict]) -> None:
    """Each parcel drawn (in the GeoJSON's order) is filled with its land type's swatch in the land types' legend
    and outlined with its project state's swatch in the states' legend, dashed while filed; the demo's forest and
    wetland parcels differ in colour."""
    drawn = page.evaluate("""(id) => {
        const map = document.getElementById(id), colour = (e, what) => getComputedStyle(e)[what];
        const legends = [...map.querySelectorAll(".map-legend")].map((box) => Object.fromEntries(
            [...box.children].map((row) => [row.textContent.trim(), colour(row.querySelector(".swatch"), "backgroundColor")])));
        const paths = [...map.querySelectorAll("svg path.leaflet-interactive")].map((path) => ({
            fill: colour(path, "fill"), stroke: colour(path, "stroke"), dashed: path.getAttribute("stroke-dasharray")}));
        return {words: JSON.parse(map.dataset.words), legends, paths};
    }""", map_id)
    (lands,) = [legend for legend in drawn["legends"] if drawn["words"]["lands"]["FOREST"] in legend]
    (states,) = [legend for legend in drawn["legends"] if drawn["words"]["states"]["ISSUED"] in legend]
    for feature, path in zip(features, drawn["paths"], strict=True):
        land, state = feature["properties"]["land_type"], feature["properties"]["state"]
        assert path["fill"] == lands[drawn["words"]["lands"][land]], (feature["properties"], path)
        assert path["stroke"] == states[drawn["words"]["states"][state]], (feature["properties"], path)
        assert bool(path["dashed"]) == (state == "FILED")
    by_land = {f["properties"]["land_type"]: p["fill"] for f, p in zip(features, drawn["paths"])}
    assert {"FOREST", "WETLAND"} <= set(by_land) and by_land["FOREST"] != by_land["WETLAND"]


@pytest.mark.parametrize("reader", ["applicant", "CENTER", "NRB", "FORESTRY", "EEB"])
def test_application_page__each_reader__parcels_drawn_with_measured_areas(page: Page, site, shot, reader):
    refused = _offline(page, site)
    project = _project_of(site, site.story.coupons[0])
    log_in(page, _applicant(site, project) if reader == "applicant" else OFFICIALS[reader], lands_on=None)
    page.goto(f"/console/applications/{project}")
    _drawn(page, "parcel-map", 2)
    expect(page.locator("#application-parcels tbody tr")).to_have_count(2)
    expect(page.locator("#application-parcels tbody tr").first).to_contain_text("8500")
    shot(page, "application")
    assert refused == []


def _applicant(site, application_id: int) -> str:
    """The username of the account whose address is the application's applicant (the demo's collective)."""
    with site.gateway.db.sessions() as db:
        return db.scalar(select(User.username).where(
            User.address == site.gateway.index.application(application_id).applicant))


def test_disclosure_board__on_a_phone__cards_that_name_each_field(phone: Page, site):
    holder = site.new_holder()
    list_coupon(site.api, site.officials, holder, site.mint(holder), price_yuan_per_t="35", notice_days=10)
    phone.goto("/listings")
    row = phone.locator("#board tbody tr").first
    expect(row).to_be_visible()
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    label = row.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content")
    assert "碳券编号" in label
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
