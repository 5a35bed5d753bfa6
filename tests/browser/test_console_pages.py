"""Department consoles in a real browser: log in, find the item in the queue, act,
and see the step on the page and on the chain."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from chain import ApplicationStatus
from gateway.api.app import create_app
from gateway.demo import DEMO_PASSWORD, OFFICIALS
from gateway.web.i18n import MESSAGES
from support.api import accepted_purchase, list_coupon, owner_request
from support.browser import attach, log_in
from support.http import ok
from support.serving import serve


def _status(site, application: int) -> ApplicationStatus:
    return site.gateway.registry.application(application).status


def _coupon_id(site, number: str) -> int:
    registry = site.gateway.registry
    return next(i for i in range(registry.coupon_count(), 0, -1) if registry.number_of(i) == number)


def test_console__center_official_passes_formal_review__recorded_on_chain_and_shown(page, site, shot):
    application = site.submit_application(site.new_holder()).id

    log_in(page, OFFICIALS["CENTER"])
    expect(page).to_have_url(re.compile(r"/console$"))
    row = page.locator("#queue tr[data-kind=application]", has_text=f"#{application} ")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(4)).to_have_text(re.compile(r"\d{4}-\d{2}-\d{2}"))  # a due date in working days
    shot(page, "queue")
    row.get_by_role("link").click()

    form = page.locator('form.step[data-step="application.formal_review"]')
    form.locator("select[name=decision]").select_option("pass")
    shot(page, "application")
    form.locator("button").click()

    expect(page.locator("#done")).to_contain_text(re.compile(r"0x[0-9a-f]{64}"))
    expect(page.locator("#app-status")).to_have_attribute("data-status", "FORMAL_OK")
    expect(page.locator("#history tr[data-event=FormalReviewPassed]")).to_have_count(1)
    shot(page, "approved")
    assert _status(site, application) == ApplicationStatus.FORMAL_OK


def test_console__supplement_without_missing_items__api_error_shown_and_nothing_changed(page, site, shot):
    application = site.submit_application(site.new_holder()).id
    on_chain = site.gateway.registry.application(application)
    log_in(page, OFFICIALS["CENTER"])
    page.goto(f"/console/applications/{application}")
    steps_shown = page.locator("#history tr.step").count()

    form = page.locator('form.step[data-step="application.formal_review"]')
    form.locator("select[name=decision]").select_option("supplement")  # 一次性告知, but nothing listed
    form.locator("button").click()

    expect(form.locator(".result")).to_contain_text(f"{MESSAGES['errors.NO_MISSING_ITEMS'][0]}")
    expect(form.locator("button")).to_be_enabled()  # the form may be corrected and sent again
    shot(page, "error")
    assert site.gateway.registry.application(application) == on_chain
    page.reload()
    expect(page.locator("#app-status")).to_have_attribute("data-status", "SUBMITTED")
    expect(page.locator("#history tr.step")).to_have_count(steps_shown)
    expect(page.locator("#done")).to_have_count(0)


def test_console__wrong_password__login_refused(page, site, shot):
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/console/login")) as answer:
        log_in(page, OFFICIALS["CENTER"], "not-the-password", lands_on=None)
    assert answer.value.status == 401
    expect(page.locator("#login-failed")).to_be_visible()
    expect(page.locator("input[name=username]")).to_have_value(OFFICIALS["CENTER"])
    shot(page, "refused")
    page.goto("/console")
    expect(page).to_have_url(re.compile(r"/console/login$"))


def test_console__other_department__offered_no_formal_review(page, site):
    application = site.submit_application(site.new_holder()).id
    log_in(page, OFFICIALS["NRB"])
    page.goto(f"/console/applications/{application}")
    expect(page.locator("#app-status")).to_have_attribute("data-status", "SUBMITTED")
    expect(page.locator("form.step")).to_have_count(0)


def test_console__holder__sees_own_coupons_and_withdraws_a_request(page, site, shot):
    holder = site.new_holder()
    listed, waiting = site.mint(holder), site.mint(holder)
    list_coupon(site.api, site.officials, holder, listed,
                price_yuan_per_t="45", notice_days=10, project_area_mu="300", location="龙光桥街道")
    ok(owner_request(site.api, holder, waiting, "OFFSET"))

    log_in(page, holder.username)
    expect(page).to_have_url(re.compile(r"/console$"))
    rows = page.locator("#holdings tbody tr").evaluate_all(
        "rows => rows.map(r => [r.cells[0].innerText.trim(), r.cells[1].querySelector('.badge').className,"
        " r.cells[1].innerText.trim(), r.cells[4].innerText.trim()])")
    api = site.api.get("/api/v1/coupons", headers=holder.headers).json()
    assert {c["number"]: c["state"] for c in api} == {listed: "LISTED", waiting: "ACTIVE"}
    assert rows == [
        [c["number"], f"badge state-{c['state'].lower()}", {"LISTED": "挂牌中", "ACTIVE": "有效"}[c["state"]],
         "抵销" if c["number"] == waiting else ""]  # the open request
        for c in api
    ]
    shot(page, "holdings")

    page.locator("#holdings tr", has_text=waiting).get_by_role("link", name="办理").click()
    expect(page.locator("#pending")).to_be_visible()
    page.locator('form.step[data-step="coupon.cancel_request"] button').click()
    expect(page.locator("#done")).to_contain_text(re.compile(r"0x[0-9a-f]{64}"))
    expect(page.locator("#pending")).to_have_count(0)
    expect(page.locator("tr.step[data-event=RequestCancelled]")).to_have_count(1)
    shot(page, "withdrawn")
    assert site.gateway.registry.request_of(_coupon_id(site, waiting)).action == 0


def test_console__center_settles_a_listed_coupon__buyer_holds_the_part_bought(page, site, shot):
    seller, buyer = site.new_holder(), site.new_holder()
    number = site.mint(seller)
    list_coupon(site.api, site.officials, seller, number,
                price_yuan_per_t="60", notice_days=5, project_area_mu="300", location="龙光桥街道")
    purchase = accepted_purchase(site.api, site.officials, buyer, "120.5")

    log_in(page, OFFICIALS["CENTER"])
    page.goto(f"/console/coupons/{number}")
    form = page.locator('form.step[data-step="market.trade"]')
    form.locator("input[name=purchase_id]").fill(str(purchase))
    form.locator("input[name=amount_t]").fill("120.5")
    form.locator("input[name=price_yuan_per_t]").fill("60")
    form.locator("input[name=service_fee_yuan]").fill("72.30")
    attach(form, "agreement", "附件7.pdf", b"%PDF agreement")  # the signed trade agreement (附件7), uploaded by the form
    form.locator("button").click()

    expect(page.locator("#done")).to_contain_text(re.compile(r"0x[0-9a-f]{64}"))
    expect(page.locator("#parts a")).to_have_count(2)  # the part sold and the remainder still listed
    shot(page, "settled")
    holdings = site.api.get("/api/v1/coupons", headers=buyer.headers).json()
    assert [(c["amount_t"], c["state"]) for c in holdings] == [("120.5", "ACTIVE")]


def test_console__supervisor_freezes_a_listed_coupon__settle_refused_with_the_reason_and_unfreezing_restores_it(
    page, browser, site, shot
):
    seller, buyer = site.new_holder(), site.new_holder()
    number = site.mint(seller)
    list_coupon(site.api, site.officials, seller, number,
                price_yuan_per_t="50", notice_days=10, project_area_mu="300", location="龙光桥街道")
    purchase = accepted_purchase(site.api, site.officials, buyer, "100")
    log_in(page, OFFICIALS["CENTER"])
    page.goto(f"/console/coupons/{number}")
    settle = page.locator('form.step[data-step="market.trade"]')
    expect(settle).to_have_count(1)  # the centre has the listing open, its settlement form filled in
    settle.locator("input[name=purchase_id]").fill(str(purchase))
    settle.locator("input[name=amount_t]").fill("100")
    settle.locator("input[name=price_yuan_per_t]").fill("50")
    settle.locator("input[name=service_fee_yuan]").fill("10")
    attach(settle, "agreement", "附件7.pdf", b"%PDF agreement frozen")

    supervisor_context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=site.url, locale="zh-CN")
    try:
        supervisor = supervisor_context.new_page()
        log_in(supervisor, OFFICIALS["NRB"])
        supervisor.locator("#console-search input[name=q]").fill(number)  # found from its console, not a typed URL
        supervisor.locator("#console-search button").click()
        expect(supervisor).to_have_url(re.compile(re.escape(f"/console/coupons/{number}") + "$"))
        freeze = supervisor.locator('form.step[data-step="coupon.freeze"]')
        freeze.locator("textarea[name=reason]").fill("权属争议待查")
        freeze.locator("button").click()
        expect(supervisor.locator("#done")).to_contain_text(re.compile(r"0x[0-9a-f]{64}"))
        expect(supervisor.locator("#frozen")).to_contain_text("权属争议待查")
        shot(supervisor, "frozen")

        settle.locator("button").click()
        expect(settle.locator(".result")).to_contain_text(
            re.compile(r"已由区自然资源部门于\d{4}-\d{2}-\d{2}冻结：权属争议待查"))
        expect(settle.locator(".result")).to_have_attribute("data-code", "COUPON_NOT_LISTED")  # kept, not shown
        expect(settle.locator("button")).to_be_enabled()
        shot(page, "settle-refused")
        assert site.gateway.registry.coupon(_coupon_id(site, number)).state.name == "FROZEN"

        supervisor.locator('form.step[data-step="coupon.unfreeze"] button').click()
        expect(supervisor.locator("#done")).to_contain_text(re.compile(r"0x[0-9a-f]{64}"))
        expect(supervisor.locator("#frozen")).to_have_count(0)
    finally:
        supervisor_context.close()

    page.reload()
    expect(page.locator('form.step[data-step="market.trade"]')).to_have_count(1)  # the listing is back
    assert site.gateway.registry.coupon(_coupon_id(site, number)).state.name == "LISTED"
    page.goto("/listings")
    expect(page.locator("#board tr", has_text=number)).to_have_count(1)
    shot(page, "listing-restored")


def test_console__log_in_held_back__the_page_says_why_and_for_how_long(page, site, shot):
    """Failures lock an account from one address only (issue 18): the page tells the person held back why,
    and when to try again, even with the right password. Its own server, so that its failures and its
    log-in rate touch no other test."""
    holder = site.new_holder()
    settings = site.gateway.settings.model_copy(update={"login_failures_per_account": 2})
    with serve(create_app(settings, gateway=site.gateway)) as url:
        for password in ("not-the-password", "not-the-password", DEMO_PASSWORD):
            page.goto(f"{url}/console/login")
            page.fill("input[name=username]", holder.username)
            page.fill("input[name=password]", password)
            with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/login")) as answer:
                page.click("form button[type=submit]")
        assert answer.value.status == 429
        said = page.locator("#login-failed")
        expect(said).to_contain_text(MESSAGES["console.LOGIN_LOCKED"][0])
        expect(said).to_contain_text(re.compile(re.escape(MESSAGES["console.retry_after"][0]) + r" \d+ "))
        expect(page.locator("input[name=username]")).to_have_value(holder.username)
        shot(page, "held-back")
