"""The consoles' forms: each posts to a route the API has, and a page offers a
department only the steps the item's state calls for from it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gateway.edge.deps import SESSION_COOKIE
from gateway.demo import DEMO_PASSWORD, OFFICIALS
from gateway.core.security import csrf_token
from gateway.services.logins import DEVICE_COOKIE
from gateway.catalogue.steps import CATALOGUE
from support import api
from support.api import listing_form
from support.http import ok


@pytest.mark.parametrize("step", CATALOGUE, ids=lambda s: s.id)
def test_console_step__its_api_route__exists_and_asks_for_a_login(client, step):
    response = client.request(step.method, step.url(1))
    assert response.status_code == 401, (step.path, response.status_code, response.text)


def _page_steps(client, path: str, username: str) -> set[str]:
    with TestClient(client.app) as browser:
        response = browser.post("/console/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.text
        page = browser.get(path)
        assert page.status_code == 200, page.text
        return {part.split('"')[0] for part in page.text.split('data-step="')[1:]}


def test_console_coupon__pending_listing__offered_to_center_only(client, officials, new_holder, mint):
    holder = new_holder()
    number = mint(holder)
    ok(client.post(f"/api/v1/coupons/{number}/requests", headers=holder.headers, json={"action": "LIST"}))
    path = f"/console/coupons/{number}"

    assert _page_steps(client, path, OFFICIALS["CENTER"]) == {"coupon.list"}
    assert _page_steps(client, path, OFFICIALS["FINANCE"]) == set()
    assert _page_steps(client, path, OFFICIALS["NRB"]) == {"coupon.freeze", "coupon.void"}  # §6 supervision
    assert _page_steps(client, path, holder.username) == {"coupon.cancel_request"}


def test_console_coupon__someone_elses_coupon__holder_offered_nothing(client, new_holder, mint):
    number = mint(new_holder())
    assert _page_steps(client, f"/console/coupons/{number}", new_holder().username) == set()


def test_login__api_gives_a_token_and_no_session_cookie__console_gives_the_cookie(client):
    answer = client.post("/api/v1/auth/login", json={"username": OFFICIALS["CENTER"], "password": DEMO_PASSWORD})
    assert answer.status_code == 200 and answer.json()["token"]
    assert set(answer.cookies) == {DEVICE_COOKIE}  # the device's mark for the log-in defences, no credential
    assert SESSION_COOKIE not in client.cookies

    with TestClient(client.app) as browser:
        page = browser.post("/console/login", data={"username": OFFICIALS["CENTER"], "password": DEMO_PASSWORD},
                            follow_redirects=False)
        assert page.status_code == 303 and browser.cookies.get(SESSION_COOKIE)
        assert browser.get("/console", follow_redirects=False).status_code == 200


def test_console_logout__the_session_token_stops_working_everywhere(client):
    with TestClient(client.app) as browser:
        browser.post("/console/login", data={"username": OFFICIALS["CENTER"], "password": DEMO_PASSWORD})
        token = browser.cookies.get(SESSION_COOKIE)
        copy = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/auth/me", headers=copy).status_code == 200  # now remembered in memory too

        csrf = csrf_token(token)
        assert browser.post("/console/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
        assert not browser.cookies.get(SESSION_COOKIE)
    answer = client.get("/api/v1/auth/me", headers=copy)
    assert answer.status_code == 401 and answer.json()["code"] == "TOKEN_INVALID"


def test_console__not_logged_in__sent_to_the_login_page(client):
    with TestClient(client.app) as browser:
        response = browser.get("/console", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/login"


def test_console_coupon__listed__center_offered_settlement_and_withdrawal(client, officials, new_holder, mint):
    holder = new_holder()
    number = mint(holder)
    ok(client.post(f"/api/v1/coupons/{number}/requests", headers=holder.headers, json={"action": "LIST"}))
    ok(client.post(f"/api/v1/coupons/{number}/listing", headers=officials["CENTER"], json=listing_form(
        client, officials, holder, price_yuan_per_t="60", notice_days=5)))

    assert _page_steps(client, f"/console/coupons/{number}", OFFICIALS["CENTER"]) == {
        "market.trade", "coupon.withdraw_listing", "coupon.management_report"}  # 附件4 三、四 while listed


def test_console_coupon__holder_by_name__its_chain_address_shown_to_officials_only(client, new_holder, mint):
    """权利人 in words: a person reads its own name on its coupon's page, never its chain address; a department
    reads the person's name too (DESIGN §2: not on public pages) and the address, in a row labelled as the
    holder's chain address."""
    person = new_holder(None)
    number = mint(person)
    pages = {}
    for username in (person.username, OFFICIALS["CENTER"]):
        with TestClient(client.app) as browser:
            assert browser.post("/console/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 200
            pages[username] = browser.get(f"/console/coupons/{number}").text.lower()
    mine, centre = pages[person.username], pages[OFFICIALS["CENTER"]]
    assert f'<dd id="coupon-holder">{person.username}</dd>'.lower() in mine
    assert person.address.lower() not in mine and 'id="owner-address"' not in mine
    assert f'id="owner-address">{person.address}</dd>'.lower() in centre
    assert f'<dd id="coupon-holder">{person.username}</dd>'.lower() in centre  # an official reads a person's name
    assert person.username.lower() not in client.get(f"/coupons/{number}").text.lower()  # the public does not


def test_console_application__field_survey_under_way__offered_as_its_lifecycle_holds_formal_ok(client, officials, new_holder):
    """附件1 一(二): while the centre's field survey holds the preliminary review, the page offers its resumption,
    and the review (whose rejection goes on; a pass waits) — not a second pause; afterwards the pause again."""
    holder = new_holder()
    application = api.submit(client, holder, api.application_form(api.upload(client, holder.headers)))
    api.walk(client, officials, application, through="formal_review")
    path = f"/console/applications/{application.id}"
    assert _page_steps(client, path, OFFICIALS["CENTER"]) == {"application.survey_pause",
                                                               "application.preliminary_review"}
    ok(client.post(f"/api/v1/applications/{application.id}/field-survey/pause", headers=officials["CENTER"]))
    assert _page_steps(client, path, OFFICIALS["CENTER"]) == {"application.survey_resume",
                                                               "application.preliminary_review"}
    assert _page_steps(client, path, OFFICIALS["VERIFIER"]) == {"application.attestation"}
    ok(client.post(f"/api/v1/applications/{application.id}/field-survey/resume", headers=officials["CENTER"]))
    assert _page_steps(client, path, OFFICIALS["CENTER"]) == {"application.survey_pause",
                                                               "application.preliminary_review"}
