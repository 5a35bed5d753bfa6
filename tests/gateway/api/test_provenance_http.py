from support.http import ok


def test_mint_then_provenance__through_http__public_record(client, new_holder, mint):
    holder = new_holder()
    number = mint(holder)
    record = ok(client.get(f"/api/v1/public/coupons/{number}"))
    assert record["coupon"]["state"] == "ACTIVE"
    assert record["coupon"]["holder"] == "赫山区某村股份经济合作社"
    assert [s["department"] for s in record["history"]] == ["GOV"]
