from chain import Action, CouponState


def test_mint_then_transfer__consented__new_owner_active(story, registry, actors):
    coupon_id = story.mint()
    story.request(coupon_id, Action.TRANSFER, counterparty=actors.buyer.address)
    receipt = story.send(actors.center_officer, "register_transfer", coupon_id)
    assert registry.coupon(coupon_id).owner == actors.buyer.address
    assert registry.coupon(coupon_id).state == CouponState.ACTIVE
    assert receipt.event("CouponTransferred").args["receiver"] == actors.buyer.address


def test_list__twice__reverts_and_nothing_changes(story, registry, actors, expect_revert):
    coupon_id = story.mint()
    story.list(coupon_id)
    with expect_revert("ledger: coupon not active"):
        story.send(actors.center_officer, "list_coupon", coupon_id, 1, 0, b"\x00" * 32)
