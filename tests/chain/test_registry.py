"""The typed registry: each step by keyword, and the record a step created in its result."""

from chain import Action, ApplicationStatus, CouponState, Invalidation, OffsetPurpose, Reissue, ReissueStage, Role, devnet

ZERO = "0x" + "00" * 20
HASH = b"\x33" * 32
REPORTED = Reissue(ReissueStage.REPORTED, False, False)


def _staff(actors) -> dict:
    return {role: actors.of(role) for role in Role}


def test_submit__typed_step__returns_the_new_application_id(registry, actors):
    submitted = registry.submit(
        actors.holder, parcels=[b"\x41" * 32], period_start=1_640_966_400, period_end=1_704_038_400,
        claimed_kg=5_000, documents_hash=HASH, report_hash=HASH, boundaries_hash=HASH,
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
    registry.list_coupon(center, coupon=coupon, price_fen_per_tonne=3_000, notice_end=2**32, disclosure_hash=HASH)
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


def test_reissue__typed_steps__each_stage_read_back_and_the_replacement_returned(registry, actors, evm):
    coupon = devnet.issue_coupon(registry, _staff(actors), actors.holder, parcels=[b"\x43" * 32], amount_kg=1_000)
    center = actors.center_officer
    registry.request(actors.holder, coupon=coupon, action=Action.LOSS, counterparty=ZERO, amount_kg=1_000)
    registry.report_loss(center, coupon=coupon)
    assert registry.reissue_of(coupon) == REPORTED
    registry.require_reissue_supplement(center, coupon=coupon, missing_items=["遗失声明登报原件"])
    assert registry.reissue_of(coupon) == Reissue(ReissueStage.REPORTED, True, False)
    registry.resubmit_reissue(actors.holder, coupon=coupon)
    assert registry.reissue_of(coupon) == REPORTED
    registry.pass_reissue_formal_review(center, coupon=coupon)
    registry.pause_reissue_survey(center, coupon=coupon)
    assert registry.reissue_of(coupon) == Reissue(ReissueStage.FORMAL_OK, False, True)
    registry.resume_reissue_survey(center, coupon=coupon)
    registry.pass_reissue_review(center, coupon=coupon)
    registry.register_reissue(center, coupon=coupon)
    assert registry.reissue_of(coupon) == Reissue(ReissueStage.REGISTERED, False, False)
    registry.file_reissue(actors.eeb_officer, coupon=coupon, filing_number="赫环碳补〔2026〕9号")
    assert registry.reissue_of(coupon).stage == ReissueStage.FILED
    evm.time_travel(registry.call("loss_notice_end", coupon))

    reissued = registry.reissue(actors.gov_officer, coupon=coupon)

    assert reissued.coupon == reissued.receipt.event("CouponVoided").args["replaced_by"]
    assert registry.coupon(coupon).state == CouponState.VOIDED
    replacement = registry.coupon(reissued.coupon)
    assert (replacement.state, replacement.owner, replacement.amount_kg) == (
        CouponState.ACTIVE, actors.holder.address, 1_000)


def test_refuse_reissue__typed_step__loss_report_ends(registry, actors):
    coupon = devnet.issue_coupon(registry, _staff(actors), actors.holder, parcels=[b"\x44" * 32], amount_kg=1_000)
    registry.request(actors.holder, coupon=coupon, action=Action.LOSS, counterparty=ZERO, amount_kg=1_000)
    registry.report_loss(actors.center_officer, coupon=coupon)
    registry.pass_reissue_formal_review(actors.center_officer, coupon=coupon)  # formal review cannot refuse

    receipt = registry.refuse_reissue(actors.center_officer, coupon=coupon, reason="原持有人提出异议")

    assert receipt.event("ReissueRefused").args == {"coupon": coupon, "reason": "原持有人提出异议"}
    assert registry.coupon(coupon).state == CouponState.ACTIVE
    assert registry.reissue_of(coupon) == Reissue(ReissueStage.NONE, False, False)


def test_freeze_and_voiding__typed_steps__frozen_from_and_invalidation_read_back(registry, actors):
    coupon = devnet.issue_coupon(registry, _staff(actors), actors.holder, parcels=[b"\x45" * 32], amount_kg=1_000)
    registry.request(actors.holder, coupon=coupon, action=Action.LIST, counterparty=ZERO, amount_kg=1_000)
    registry.list_coupon(actors.center_officer, coupon=coupon, price_fen_per_tonne=3_000, notice_end=2**32,
                         disclosure_hash=HASH)
    registry.freeze(actors.eeb_officer, coupon=coupon, reason="抽查")
    assert (registry.coupon(coupon).state, registry.frozen_from(coupon)) == (CouponState.FROZEN, CouponState.LISTED)
    registry.unfreeze(actors.eeb_officer, coupon=coupon)
    assert (registry.coupon(coupon).state, registry.frozen_from(coupon)) == (CouponState.LISTED, None)

    registry.sign_voiding(actors.nrb_officer, coupon=coupon, reason="权属不清", inspection_hash=HASH)
    signatures = registry.voiding_signatures(coupon)
    assert (signatures.nrb_signed, signatures.forestry_signed, registry.invalidation(coupon)) == (True, False, None)
    registry.sign_voiding(actors.forestry_officer, coupon=coupon, reason="权属不清", inspection_hash=HASH)
    assert registry.coupon(coupon).state == CouponState.VOIDED
    assert registry.invalidation(coupon) == Invalidation("权属不清", HASH)


def test_application_steps__opinion_return_review__typed_and_read_back(registry, actors):
    staff = _staff(actors)
    submitted = registry.submit(
        actors.holder, parcels=[b"\x46" * 32], period_start=1_640_966_400, period_end=1_704_038_400,
        claimed_kg=5_000, documents_hash=HASH, report_hash=HASH, boundaries_hash=HASH,
    )
    app = submitted.application
    registry.pass_formal_review(staff[Role.CENTER], application=app)
    registry.pass_preliminary_review(staff[Role.CENTER], application=app)
    registry.attest_report(staff[Role.VERIFIER], application=app, report_hash=HASH, attested_kg=5_000)
    registry.sign_validation(staff[Role.NRB], application=app)
    registry.sign_validation(staff[Role.FORESTRY], application=app)
    assert registry.validation_opinion(app) is None

    registry.issue_validation_opinion(staff[Role.CENTER], application=app, opinion_hash=b"\x47" * 32)
    assert (registry.application(app).status, registry.validation_opinion(app)) == (
        ApplicationStatus.OPINION_FORWARDED, b"\x47" * 32)
    registry.return_to_center(staff[Role.EEB], application=app, reason="意见未附外业记录")
    assert (registry.application(app).status, registry.validation_opinion(app)) == (ApplicationStatus.VALIDATED, None)
    registry.issue_validation_opinion(staff[Role.CENTER], application=app, opinion_hash=b"\x48" * 32)
    registry.pass_eeb_review(staff[Role.EEB], application=app)
    assert registry.application(app).status == ApplicationStatus.EEB_REVIEWED
    registry.file(staff[Role.EEB], application=app, filing_number="赫环碳备〔2026〕46号")
    assert registry.application(app).status == ApplicationStatus.FILED
