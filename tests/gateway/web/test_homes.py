"""Homes by role: a right-holder's console home offers applying and no buying, a buyer's the 附件6 form and no
applying, a bank's starts with its pledges and offers neither, a natural person's both; a qualified third party
(§8) lands on the applications it prepares for right-holders, not the 附件6 form. The links to an account's
applications and 附件8 forms show only where it can use them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gateway.demo import DEMO_PASSWORD
from support import api


def _home(client, holder) -> str:
    with TestClient(client.app) as browser:
        assert browser.post("/console/login", data={"username": holder.username, "password": DEMO_PASSWORD}).status_code == 200
        return browser.get("/console").text


@pytest.mark.parametrize("organisation, account_type, applies, buys", [
    ("某单位", "COLLECTIVE", True, False), ("某单位", "ENTERPRISE", False, True), ("某单位", "FINANCIAL", False, False),
    (None, "PERSON", True, True),
], ids=["collective", "buyer", "bank", "natural-person"])
def test_home__offers_the_accounts_own_work(client, new_holder, organisation, account_type, applies, buys):
    page = _home(client, new_holder(organisation, account_type))
    assert ('id="apply"' in page) is applies
    assert ('data-step="market.purchase"' in page) is buys
    assert 'id="inbox"' in page and 'id="agent-work"' not in page
    assert ('id="my-applications"' in page) is applies  # nothing applied for, nor can it apply
    assert 'id="my-transfers"' not in page  # no coupon, no 附件8 form naming it


def test_home__qualified_agent__lands_on_the_applications_it_prepares__no_purchase_form(client, new_holder):
    agent, right_holder = api.register_agent(client, "赫山区某林业调查规划设计有限公司"), new_holder()
    page = _home(client, agent)
    assert page.index('id="agent-work"') < page.index('id="inbox"')  # its own work first
    assert 'id="apply"' in page and 'data-step="market.purchase"' not in page
    assert 'id="agent-applications"' not in page and 'id="my-transfers"' not in page

    form = api.application_form(api.upload(client, agent.headers, name="报告.pdf"), project_name="代理首页测试项目")
    prepared = api.prepare(client, agent, {**form, "right_holder": right_holder.username,
                                           "entrustment_document": api.upload(client, agent.headers, name="委托书.pdf")})
    page = _home(client, agent)
    assert f'data-prepared="{prepared}"' in page and "代理首页测试项目" in page and "待确认" in page
    application = api.confirm(client, right_holder, prepared)["application"]
    page = _home(client, agent)
    assert f'data-application="{application}"' in page and f'data-prepared="{prepared}"' not in page
    assert f'href="/console/applications/{application}"' in page


def test_home__holder_of_a_coupon__offered_its_transfer_forms(client, new_holder, mint):
    holder = new_holder()
    assert 'id="my-transfers"' not in _home(client, holder)
    mint(holder)
    assert 'id="my-transfers"' in _home(client, holder)
