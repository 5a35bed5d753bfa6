"""§8 in a real browser (DESIGN §11): a qualified third party prepares an application for a right-holder
naming a co-applicant collective; the right-holder is told on its home page, reads the documents and
confirms in its own console, the collective confirms in its own, and only then is the application on
chain, in the right-holder's name; the pages and the chain agree."""

from __future__ import annotations

from playwright.sync_api import expect

from support import api
from support.browser import log_in

BLOCK_WAIT = 30_000  # a confirmation that sends the application waits for its block


def _log_in_afresh(page, username: str) -> None:
    page.context.clear_cookies()  # one browser, another party
    log_in(page, username)


def test_consent__right_holder_and_collective_confirm_in_their_consoles__sent_only_then_in_the_right_holders_name(
    page, site, shot
):
    agent = api.register_agent(site.api, "赫山区某林业调查规划设计有限公司")
    right_holder = site.new_holder()
    collective = api.register_holder(site.api, organisation="赫山区某村股份经济合作社", account_type="COLLECTIVE")
    report = api.upload(site.api, agent.headers, name="监测核算报告.pdf")
    form = {**api.application_form(report, claimed_t="420"), "right_holder": right_holder.username,
            "entrustment_document": api.upload(site.api, agent.headers, name="委托书.pdf"),
            "co_applicant": collective.username}
    count = site.gateway.registry.call("application_count")
    prepared = api.prepare(site.api, agent, form)

    _log_in_afresh(page, right_holder.username)  # told on its home page
    expect(page.locator("#to-confirm")).to_contain_text("1")
    page.locator("#to-confirm a").click()
    section = page.locator(f"#prepared-{prepared}")
    expect(section).to_have_attribute("data-status", "AWAITING")
    expect(section.locator('[data-party="agent"]')).to_contain_text("赫山区某林业调查规划设计有限公司")
    expect(section.locator('[data-party="co_applicant"]')).to_contain_text("赫山区某村股份经济合作社")
    expect(section.locator('a[data-document="report"]')).to_have_attribute("href", f"/api/v1/documents/{report}")
    assert page.request.get(f"/api/v1/documents/{report}").status == 200  # it reads what it confirms
    shot(page, "to-confirm")
    section.locator('form.step[data-step="application.confirm"] button').click()
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator(f"#prepared-{prepared} .waiting-for")).to_contain_text("共同申请人")
    expect(page.locator(f'#prepared-{prepared} form.step[data-step="application.confirm"]')).to_have_count(0)
    assert site.gateway.registry.call("application_count") == count  # nothing on chain yet

    _log_in_afresh(page, collective.username)
    page.locator("#to-confirm a").click()
    page.locator(f'#prepared-{prepared} form.step[data-step="application.confirm"] button').click()
    expect(page.locator(f"#prepared-{prepared}")).to_have_attribute("data-status", "SUBMITTED", timeout=BLOCK_WAIT)
    shot(page, "sent")
    link = page.locator(f"#prepared-{prepared} a.sent")
    application = int(link.inner_text().lstrip("#"))
    assert site.gateway.registry.application(application).applicant == right_holder.address
    link.click()
    expect(page.locator('[data-party="right_holder"]')).to_contain_text(right_holder.username)
    page.goto("/console")  # nothing waits for the collective any more
    expect(page.locator("#to-confirm")).to_have_count(0)
