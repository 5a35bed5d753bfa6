"""The department queue follows coupons through owner consents and the loss path."""

import datetime as dt

from gateway.catalogue.units import CST
from support.api import listing_form, owner_request, reissue_step, report_lost
from support.http import ok


def _queue(client, headers) -> list[dict]:
    return ok(client.get("/api/v1/queue", headers=headers))


def _coupon_items(items, number):
    return [i for i in items if i.get("coupon") == number]


def test_queue__loss_report_then_each_reissue_stage__each_department_sees_its_step(
    client, officials, new_holder, mint, gateway
):
    holder = new_holder()
    number = mint(holder)

    ok(report_lost(client, holder, number))
    [item] = _coupon_items(_queue(client, officials["CENTER"]), number)
    assert item["step"] == "coupon.report_loss"
    # The chain's clock may run ahead in instant mode; the formal review's 2 days count from the owner's report.
    assert item["due"] == gateway.calendar.add_workdays(dt.date.fromisoformat(item["since"]), 2).isoformat()
    assert not _coupon_items(_queue(client, officials["EEB"]), number)

    stages = [("record", "CENTER", "coupon.reissue_formal_review"),
              ("formal_review", "CENTER", "coupon.reissue_review"),
              ("review", "CENTER", "coupon.reissue_registration"),
              ("registration", "EEB", "coupon.file_reissue"),
              ("filing", "GOV", "coupon.reissue")]
    for step, department, next_step in stages:
        ok(reissue_step(client, officials, number, step))
        [item] = _coupon_items(_queue(client, officials[department]), number)
        assert (item["step"], item["status"]) == (next_step, "LOST_REPORTED")
        others = [role for role in ("CENTER", "EEB", "GOV") if role != department]
        assert all(not _coupon_items(_queue(client, officials[role]), number) for role in others)
    assert item["overdue"] is (dt.date.fromisoformat(item["due"]) < dt.datetime.now(CST).date())


def test_queue__bare_loss_request__422_asks_for_the_annex_3_report(client, new_holder, mint):
    holder = new_holder()
    number = mint(holder)

    response = owner_request(client, holder, number, "LOSS")

    assert response.status_code == 422 and response.json()["code"] == "LOSS_REPORT_REQUIRED"


def test_queue__listing_request__center_sees_it_until_listed(client, officials, new_holder, mint):
    holder = new_holder()
    number = mint(holder)
    ok(owner_request(client, holder, number, "LIST"))
    [item] = _coupon_items(_queue(client, officials["CENTER"]), number)
    assert item["step"] == "coupon.list" and item["due"] is None and item["overdue"] is False
    ok(client.post(f"/api/v1/coupons/{number}/listing", headers=officials["CENTER"],
                   json=listing_form(client, officials, holder)))
    assert not _coupon_items(_queue(client, officials["CENTER"]), number)


def test_queue__holder__forbidden(client, new_holder):
    response = client.get("/api/v1/queue", headers=new_holder().headers)
    assert response.status_code == 403 and response.json()["code"] == "ROLE_REQUIRED"
