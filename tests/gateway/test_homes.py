"""Homes by role: a right-holder's console home offers applying and no buying, a buyer's the 附件6 form and no
applying, a bank's starts with its pledges and offers neither."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gateway.demo import DEMO_PASSWORD


def _home(client, holder) -> str:
    with TestClient(client.app) as browser:
        assert browser.post("/console/login", data={"username": holder.username, "password": DEMO_PASSWORD}).status_code == 200
        return browser.get("/console").text


@pytest.mark.parametrize("account_type, applies, buys", [
    ("COLLECTIVE", True, False), ("ENTERPRISE", False, True), ("FINANCIAL", False, False),
], ids=["collective", "buyer", "bank"])
def test_home__offers_the_accounts_own_work(client, new_holder, account_type, applies, buys):
    page = _home(client, new_holder("某单位", account_type))
    assert ('id="apply"' in page) is applies
    assert ('data-step="market.purchase"' in page) is buys
    assert 'id="inbox"' in page
