"""Every account is told what waits on it (services/inbox.py, GET /api/v1/inbox and the header's count): a
holder its 补正, the 附件8 form to confirm as transferee, the consent it owes once the centre accepted its form,
and a bank the pledges to it nearing their term; the centre the accounts awaiting its in-person check. Each
item leaves the inbox when its step is taken."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

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
    assert [i for i in inbox(client, owner.headers) if i.get("coupon") == pledged] == []


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
