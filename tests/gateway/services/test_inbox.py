"""Every account is told what waits on it (services/inbox.py, GET /api/v1/inbox and the header's count): a
holder its 补正 (on an application or a loss report), the 附件8 form to confirm as transferee, the consent it owes
once the centre accepted its form, and a bank the pledges to it nearing their term; an owner its listings near or
past their notice's end and its pledges nearing their term, which wait on others; the centre the accounts
awaiting its in-person check and the listings ending. Each item leaves the inbox when its step is taken."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from gateway.services import market
from support import api
from support.http import API, ok


def inbox(client, headers) -> list[dict]:
    return ok(client.get(f"{API}/inbox", headers=headers))


def steps_waiting(client, headers, **keys) -> list[str]:
    return [item["step"] for item in inbox(client, headers) if all(item.get(k) == v for k, v in keys.items())]


def test_supplement__waits_on_the_applicant_until_resubmitted(client, officials, new_holder):
    holder = new_holder()
    application = api.submit(client, holder, api.application_form(api.upload(client, holder.headers)))
    assert steps_waiting(client, holder.headers, application=application.id) == []
    ok(client.post(f"{API}/applications/{application.id}/formal-review", headers=officials["CENTER"],
                   json={"decision": "supplement", "missing_items": ["缺少林权证"]}))
    (item,) = [i for i in inbox(client, holder.headers) if i.get("application") == application.id]
    assert (item["kind"], item["step"], item["department"]) == ("application", "application.resubmit", "HOLDER")
    assert item["href"].endswith(f"#application-{application.id}")
    assert steps_waiting(client, new_holder().headers, application=application.id) == []  # nobody else's
    ok(client.post(f"{API}/applications/{application.id}/resubmit", headers=holder.headers,
                   json={"documents": {"others": [api.upload(client, holder.headers)]}}))
    assert steps_waiting(client, holder.headers, application=application.id) == []
    assert "application.formal_review" in steps_waiting(client, officials["CENTER"], application=application.id)


def test_transfer_form__transferee_confirms__then_the_centre_accepts_and_registers__the_owner_owes_nothing_more(
    client, officials, new_holder
):
    owner, transferee = new_holder(), new_holder("受让企业")
    number = api.mint(client, officials, owner)
    form = ok(api.file_transfer_form(client, owner, number, transferee.username))["form"]
    assert steps_waiting(client, transferee.headers, form=form) == ["transfer.confirm"]
    assert steps_waiting(client, owner.headers, form=form) == []  # its form was its consent
    assert steps_waiting(client, officials["CENTER"], form=form) == []  # nothing to register before acceptance
    ok(client.post(f"{API}/transfer-forms/{form}/confirmation", headers=transferee.headers))
    assert steps_waiting(client, transferee.headers, form=form) == []
    assert steps_waiting(client, officials["CENTER"], form=form) == ["transfer.accept"]
    ok(api.accept_form(client, officials, form))
    assert steps_waiting(client, owner.headers, form=form) == []
    assert steps_waiting(client, officials["CENTER"], form=form) == ["coupon.transfer"]
    assert [i["step"] for i in inbox(client, officials["CENTER"]) if i.get("coupon") == number] == ["coupon.transfer"]
    ok(client.post(f"{API}/coupons/{number}/transfer", headers=officials["CENTER"]))
    assert steps_waiting(client, officials["CENTER"], form=form) == []


def test_pledge_near_its_term__the_bank_is_reminded_to_release_it(client, gateway, officials, new_holder):
    owner, bank = new_holder(), new_holder("某农商银行", "FINANCIAL")
    number = api.mint(client, officials, owner)
    term_end = (gateway.clock.today() + dt.timedelta(days=10)).isoformat()
    pledged = api.pledge(client, officials, owner, number, bank, term_end=term_end)
    (item,) = [i for i in inbox(client, bank.headers) if i.get("coupon") == pledged]
    assert (item["kind"], item["step"], item["due"], item["overdue"]) == (
        "pledge", "coupon.release_pledge", term_end, False)


def test_pledge_near_its_term__the_owner_is_told_too__as_the_banks_step(client, gateway, officials, new_holder):
    owner, bank = new_holder(), new_holder("某农商银行（质权人）", "FINANCIAL")
    number = api.mint(client, officials, owner)
    term_end = (gateway.clock.today() + dt.timedelta(days=10)).isoformat()
    pledged = api.pledge(client, officials, owner, number, bank, term_end=term_end)
    (item,) = [i for i in inbox(client, owner.headers) if i.get("coupon") == pledged]
    assert (item["kind"], item["step"], item["due"], item["pledgee"]) == (
        "pledge", "coupon.release_pledge", term_end, "某农商银行（质权人）")
    assert "pledgee" not in [i for i in inbox(client, bank.headers) if i.get("coupon") == pledged][0]
    for party, offered in ((owner, False), (bank, True)):  # the coupon's page offers the release to the bank alone
        with TestClient(client.app) as browser:
            browser.post("/console/login", data={"username": party.username, "password": api.DEMO_PASSWORD})
            assert ("/pledge/release" in browser.get(item["href"]).text) is offered, party.username


def test_pledge_far_from_its_term__nobody_is_told(client, gateway, officials, new_holder):
    owner, bank = new_holder(), new_holder("某农商银行", "FINANCIAL")
    number = api.mint(client, officials, owner)
    term_end = (gateway.clock.today() + dt.timedelta(days=200)).isoformat()
    pledged = api.pledge(client, officials, owner, number, bank, term_end=term_end)
    assert [i for i in inbox(client, owner.headers) + inbox(client, bank.headers) if i.get("coupon") == pledged] == []


def test_loss_report_supplement__waits_on_the_owner_with_what_the_centre_listed__until_resubmitted(
    client, officials, new_holder
):
    owner = new_holder()
    number = api.mint(client, officials, owner)
    api.lose(client, officials, owner, number, through="record")
    assert steps_waiting(client, owner.headers, coupon=number) == []
    ok(client.post(f"{API}/coupons/{number}/reissue/formal-review", headers=officials["CENTER"],
                   json={"decision": "supplement", "missing_items": ["缺少林权证", "缺少身份证明"]}))
    (item,) = [i for i in inbox(client, owner.headers) if i.get("coupon") == number]
    assert (item["kind"], item["step"], item["department"], item["status"]) == (
        "reissue", "coupon.reissue_resubmit", "HOLDER", "LOST_REPORTED")
    assert item["missing_items"] == ["缺少林权证", "缺少身份证明"]
    assert (item["due"], item["overdue"]) == (None, False)  # the Measures set the owner no limit
    assert item["href"] == f"/console/coupons/{number}"
    assert steps_waiting(client, new_holder().headers, coupon=number) == []  # nobody else's
    assert steps_waiting(client, officials["CENTER"], coupon=number) == []  # the centre waits on the owner
    ok(client.post(f"{API}/coupons/{number}/reissue/resubmit", headers=owner.headers, json={"documents": {
        "written_report": api.upload(client, owner.headers), "others": [api.upload(client, owner.headers)]}}))
    assert steps_waiting(client, owner.headers, coupon=number) == []
    assert steps_waiting(client, officials["CENTER"], coupon=number) == ["coupon.reissue_formal_review"]


def _listed(client, gateway, officials, owner, *, days_left: int) -> str:
    """A coupon of `owner` listed with a notice whose last day is `days_left` days from today."""
    number = api.mint(client, officials, owner)
    today = gateway.clock.today()
    api.list_coupon(client, officials, owner, number, notice_start=today.isoformat(), notice_days=days_left + 1)
    return number


def test_listing_in_its_notices_last_working_days__the_owner_and_the_centre_are_told(
    client, gateway, officials, new_holder
):
    owner = new_holder()
    ending = _listed(client, gateway, officials, owner, days_left=1)
    running = _listed(client, gateway, officials, owner, days_left=30)
    last_day = (gateway.clock.today() + dt.timedelta(days=1)).isoformat()
    for headers, department in ((owner.headers, "CENTER"), (officials["CENTER"], "CENTER")):
        (item,) = [i for i in inbox(client, headers) if i.get("coupon") == ending]
        assert (item["kind"], item["step"], item["department"], item["status"], item["due"]) == (
            "listing", "coupon.withdraw_listing", department, "LISTED", last_day)
    assert steps_waiting(client, new_holder().headers, coupon=ending) == []  # not another holder's
    assert steps_waiting(client, owner.headers, coupon=running) == []  # a month left: nothing yet
    assert steps_waiting(client, officials["CENTER"], coupon=running) == []


def test_listing_past_its_notice__waits_on_the_centre_to_take_it_down__the_owner_is_told(
    client, gateway, officials, new_holder, monkeypatch
):
    owner = new_holder()
    number = _listed(client, gateway, officials, owner, days_left=30)
    assert steps_waiting(client, officials["CENTER"], coupon=number) == []
    notice_over = market.chain_now(gateway) + 60 * 86_400  # two months on: past its notice
    monkeypatch.setattr(market, "chain_now", lambda gw: notice_over)
    for headers in (owner.headers, officials["CENTER"]):
        (item,) = [i for i in inbox(client, headers) if i.get("coupon") == number]
        assert (item["kind"], item["step"], item["department"]) == ("listing", "coupon.withdraw_listing", "CENTER")
    assert steps_waiting(client, officials["NRB"], coupon=number) == []
    ok(client.delete(f"{API}/coupons/{number}/listing", headers=officials["CENTER"]))
    assert steps_waiting(client, officials["CENTER"], coupon=number) == []
    assert steps_waiting(client, owner.headers, coupon=number) == []


def test_account_to_verify__waits_on_the_centre_until_verified(client, officials):
    username = f"inbox-{dt.datetime.now().timestamp():.0f}"
    form = api.holder_form(username)
    ok(client.post(f"{API}/auth/holders", json=form))
    waiting = [i for i in inbox(client, officials["CENTER"]) if i.get("account") == username]
    assert [(i["kind"], i["step"]) for i in waiting] == [("account", "account.verify")]
    assert [i for i in inbox(client, officials["NRB"]) if i.get("account") == username] == []
    api.verify_account(client, username, form["identity"])
    assert [i for i in inbox(client, officials["CENTER"]) if i.get("account") == username] == []


def test_header__count_of_what_waits_on_every_page(client, officials, new_holder):
    holder = new_holder()
    application = api.submit(client, holder, api.application_form(api.upload(client, holder.headers)))
    ok(client.post(f"{API}/applications/{application.id}/formal-review", headers=officials["CENTER"],
                   json={"decision": "supplement", "missing_items": ["缺少林权证"]}))
    count = len(inbox(client, holder.headers))
    assert count >= 1
    with TestClient(client.app) as browser:
        assert browser.post("/console/login", data={"username": holder.username, "password": api.DEMO_PASSWORD}).status_code == 200
        for path in ("/console", "/stats", "/projects"):
            page = browser.get(path)
            assert f'<span class="count">{count}</span>' in page.text, path
