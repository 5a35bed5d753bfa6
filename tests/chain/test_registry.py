"""The typed registry: each step by keyword, and the record a step created in its result."""

from chain import Action, ApplicationStatus, CouponState, OffsetPurpose, Role, devnet

ZERO = "0x" + "00" * 20
HASH = b"\x33" * 32


def _staff(actors) -> dict:
    return {role: actors.of(role) for role in Role}


def test_submit__typed_step__returns_the_new_application_id(registry, actors):
    submitted = registry.submit(
        actors.holder, parcels=[b"\x41" * 32], period_start=1_640_966_400, period_end=1_704_038_400,
        claimed_kg=5_000, documents_hash=HASH, report_hash=HASH,
    )

    assert submitted.application == submitted.receipt.event("ApplicationSubmitted").args["application"]
    application = registry.application(submitted.application)
    assert (application.status, application.applicant, application.claimed_kg) == (
        ApplicationStatus.SUBMITTED, actors.holder.address, 5_000)
    assert submitted.tx_hash == submitted.receipt.tx_hash and submitted.block_number == submitted.receipt.block_number


def test_coupon_steps__partial_amounts__each_result_names_the_part_it_moved(registry, actors):
    coupon = devnet.issue_coupon(registry, _staff(actors), actors.holder, parcels=[b"\x42" * 32], amount_kg=10_000)
    center, holder = actors.center_officer, actors.holder

    registry.request(holder, coupon=coupon, action=Action.LIST, counterparty=ZERO, amount_kg=10_000)
    registry.list_coupon(center, coupon=coupon, price_fen_per_tonne=3_000, notice_end=0, disclosure_hash=HASH)
    sold = registry.settle_trade(center, coupon=coupon, buyer=actors.buyer.address, amount_kg=1_000,
                                 price_fen_per_tonne=3_000, service_fee_fen=0, agreement_hash=HASH)
    assert sold.coupon == sold.receipt.event("TradeSettled").args["coupon"] != coupon
    assert (registry.coupon(sold.coupon).owner, registry.coupon(sold.coupon).amount_kg) == (actors.buyer.address, 1_000)
    rest = sold.receipt.event("CouponSplit").args["rest"]
    registry.withdraw_listing(center, coupon=rest)

    registry.request(holder, coupon=rest, action=Action.TRANSFER, counterparty=actors.pledgee.address, amount_kg=2_000)
    moved = registry.register_transfer(center, coupon=rest)
    assert moved.coupon == moved.receipt.event("CouponTransferred").args["coupon"]
    transferred = registry.coupon(moved.coupon)
    assert (transferred.owner, transferred.amount_kg) == (actors.pledgee.address, 2_000)
    rest = moved.receipt.event("CouponSplit").args["rest"]

    registry.request(holder, coupon=rest, action=Action.PLEDGE, counterparty=actors.pledgee.address, amount_kg=3_000)
    pledged = registry.register_pledge(actors.finance_officer, coupon=rest, secured_fen=100, term_end=1_893_427_200)
    assert pledged.coupon == pledged.receipt.event("CouponPledged").args["coupon"]
    assert (registry.coupon(pledged.coupon).state, registry.coupon(pledged.coupon).amount_kg) == (
        CouponState.PLEDGED, 3_000)
    rest = pledged.receipt.event("CouponSplit").args["rest"]

    registry.request(holder, coupon=rest, action=Action.OFFSET, counterparty=ZERO, amount_kg=500)
    retired = registry.retire(actors.eeb_officer, coupon=rest, purpose=OffsetPurpose.GREEN_POINTS,
                              beneficiary="积分用户", case_reference="GP-1")
    assert retired.coupon == retired.receipt.event("CouponRetired").args["coupon"]
    assert (registry.coupon(retired.coupon).state, registry.coupon(retired.coupon).amount_kg) == (
        CouponState.RETIRED, 500)


def test_reissue__typed_step__returns_the_replacement(registry, actors, evm):
    coupon = devnet.issue_coupon(registry, _staff(actors), actors.holder, parcels=[b"\x43" * 32], amount_kg=1_000)
    registry.request(actors.holder, coupon=coupon, action=Action.LOSS, counterparty=ZERO, amount_kg=1_000)
    registry.report_loss(actors.center_officer, coupon=coupon)
    registry.file_reissue(actors.eeb_officer, coupon=coupon, filing_number="赫环碳补〔2026〕9号")
    evm.time_travel(registry.call("loss_notice_end", coupon))

    reissued = registry.reissue(actors.gov_officer, coupon=coupon)

    assert reissued.coupon == reissued.receipt.event("CouponVoided").args["replaced_by"]
    assert registry.coupon(coupon).state == CouponState.VOIDED
    replacement = registry.coupon(reissued.coupon)
    assert (replacement.state, replacement.owner, replacement.amount_kg) == (
        CouponState.ACTIVE, actors.holder.address, 1_000)
