"""The department queue follows coupons through owner consents and the loss path."""

import datetime as dt

from gateway.units import CST
from support.api import LISTING, owner_request
from support.http import ok


def _queue(client, headers) -> list[dict]:
    return ok(client.get("/api/v1/queue", headers=headers))


def _coupon_items(items, number):
    return [i for i in items if i.get("coupon") == number]


def test_queue__owner_consents_then_loss_path__each_department_sees_its_step(client, officials, new_holder, mint, gateway):
    holder = new_holder()
    number = mint(holder)
    today = dt.datetime.now(CST).date()

    ok(owner_request(client, holder, number, "LOSS"))
    [item] = _coupon_items(_queue(client, officials["CENTER"]), number)
    assert item["step"] == "coupon.report_loss"
    # The chain's clock may run ahead in instant mode; the due date counts 2 working days from the request.
    since = dt.date.fromisoformat(item["since"])
    assert item["due"] == gateway.calendar.add_workdays(since, 2).isoformat()
    assert not _coupon_items(_queue(client, officials["EEB"]), number)

    ok(client.post(f"/api/v1/coupons/{number}/loss", headers=officials["CENTER"]))
    assert not _coupon_items(_queue(client, officials["CENTER"]), number)
    [item] = _coupon_items(_queue(client, officials["EEB"]), number)
    assert item["step"] == "coupon.file_reissue" and item["status"] == "LOST_REPORTED"

    ok(client.post(f"/api/v1/coupons/{number}/reissue-filing", headers=officials["EEB"], json={"filing_number": "R-1"}))
    assert not _coupon_items(_queue(client, officials["EEB"]), number)
    [item] = _coupon_items(_queue(client, officials["GOV"]), number)
    assert item["step"] == "coupon.reissue"
    assert item["overdue"] is (dt.date.fromisoformat(item["due"]) < today)


def test_queue__listing_request__center_sees_it_until_listed(client, officials, new_holder, mint):
    holder = new_holder()
    number = mint(holder)
    ok(owner_request(client, holder, number, "LIST"))
    [item] = _coupon_items(_queue(client, officials["CENTER"]), number)
    assert item["step"] == "coupon.list" and item["due"] is None and item["overdue"] is False
    ok(client.post(f"/api/v1/coupons/{number}/listing", headers=officials["CENTER"], json=LISTING))
    assert not _coupon_items(_queue(client, officials["CENTER"]), number)


def test_queue__holder__forbidden(client, new_holder):
    response = client.get("/api/v1/queue", headers=new_holder().headers)
    assert response.status_code == 403 and response.json()["code"] == "ROLE_REQUIRED"
