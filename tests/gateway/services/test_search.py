"""A department finds what it acts on from its console (办理): a coupon number or an application's number opens
its page; a project's name, a holder's, a case reference or a parcel number lists the pages to open; a
holder has no such search; an official on a public coupon page is offered its console page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gateway.demo import DEMO_PASSWORD, OFFICIALS
from support import api


@pytest.fixture
def centre(client):
    with TestClient(client.app) as browser:
        assert browser.post("/console/login", data={"username": OFFICIALS["CENTER"], "password": DEMO_PASSWORD}).status_code == 200
        yield browser


def test_search__coupon_and_application_numbers__open_their_pages(centre, client, officials, new_holder):
    holder = new_holder()
    number = api.mint(client, officials, holder)
    assert centre.get(f"/console/search?q={number.lower()}", follow_redirects=False).headers["location"] == \
        f"/console/coupons/{number}"
    application = api.submit(client, holder, api.application_form(api.upload(client, holder.headers)))
    assert centre.get(f"/console/search?q={application.id}", follow_redirects=False).headers["location"] == \
        f"/console/applications/{application.id}"


def test_search__project_holder_and_parcel__listed_with_their_pages(centre, client, new_holder):
    holder = new_holder(organisation="搜索测试村股份经济合作社")
    form = api.application_form(api.upload(client, holder.headers), project_name="龙光桥镇搜索测试林地项目")
    application = api.submit(client, holder, form)
    page = centre.get("/console/search?q=搜索测试林地").text
    assert f'href="/console/applications/{application.id}"' in page
    assert "搜索测试村股份经济合作社" in centre.get("/console/search?q=搜索测试村").text
    parcel = form["parcels"][0]["number"]
    assert f'<span class="mono">{parcel}</span>' in centre.get(f"/console/search?q={parcel}").text
    assert 'id="nothing-found"' in centre.get("/console/search?q=没有这个东西").text


def test_search__holder__not_offered(client, new_holder):
    holder = new_holder()
    with TestClient(client.app) as browser:
        browser.post("/console/login", data={"username": holder.username, "password": DEMO_PASSWORD})
        assert browser.get("/console/search?q=x").status_code == 404


def _logged_in(client, role: str) -> TestClient:
    browser = TestClient(client.app)
    assert browser.post("/console/login", data={"username": OFFICIALS[role], "password": DEMO_PASSWORD}).status_code == 200
    return browser


def test_public_pages__official_offered_its_console_page__only_where_its_role_has_a_step(client, officials, new_holder):
    """办理 on a public page: NRB may freeze an active coupon (§6), the centre has nothing to do on one no owner
    asked anything for, the verifier never acts on coupons; GOV mints a filed project (§13), others do not."""
    holder = new_holder()
    application = api.submit(client, holder, api.application_form(api.upload(client, holder.headers)))
    api.walk(client, officials, application, through="filing")
    number = api.mint(client, officials, new_holder())
    offered = {role: _logged_in(client, role) for role in ("NRB", "CENTER", "VERIFIER", "GOV")}
    coupon_page = {role: browser.get(f"/coupons/{number}").text for role, browser in offered.items()}
    assert f'id="act-on-it" href="/console/coupons/{number}"' in coupon_page["NRB"]
    assert [role for role, page in coupon_page.items() if 'id="act-on-it"' in page] == ["NRB"]
    assert 'id="act-on-it"' not in client.get(f"/coupons/{number}").text
    project_page = {role: browser.get(f"/projects/{application.id}").text for role, browser in offered.items()}
    assert f'id="act-on-it" href="/console/applications/{application.id}"' in project_page["GOV"]
    assert [role for role, page in project_page.items() if 'id="act-on-it"' in page] == ["GOV"]
    for browser in offered.values():
        browser.close()


def test_public_search__project_or_village_name__lists_its_projects(client, officials, new_holder):
    """The site's one search box (§7): a project's or a village's name opens the projects list filtered by it;
    a coupon number still opens its coupon, and a name no project has is said not found."""
    holder = new_holder()
    form = api.application_form(api.upload(client, holder.headers), project_name="公开搜索测试林地项目")
    form["parcels"][0]["location"] = "公开搜索村"
    application = api.submit(client, holder, form)
    number = api.walk(client, officials, application)
    for name in ("公开搜索测试林地", " 公开搜索村 "):
        answer = client.get("/search", params={"q": name})
        assert answer.url.path == "/projects" and answer.url.params["q"] == name.strip()
        assert f'href="/projects/{application.id}"' in answer.text
    assert client.get("/search", params={"q": number}).url.path == f"/coupons/{number}"
    missing = client.get("/search", params={"q": "没有这个项目"})
    assert missing.status_code == 404 and 'id="not-found"' in missing.text
