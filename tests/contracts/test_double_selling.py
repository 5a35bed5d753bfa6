"""One carbon sold twice (一碳多卖, §7): every way to sell, pledge, offset or issue
the same carbon twice is refused on-chain.

Each test drives the coupon (or parcel) into the position of the second sale and
asserts the exact revert reason and that nothing changed (`expect_revert`).
"""

from __future__ import annotations

import pytest
from contract_story import (
    AMOUNT,
    CONSUMED_BY,
    LEDGER_STEPS,
    NOT_IN_STATE,
    PART,
    PERIOD_END,
    PERIOD_START,
    ZERO_ADDRESS,
)
from eth_utils import keccak

from chain import Action, ApplicationStatus, CouponState

YEAR = 365 * 86400
NOT_ACTIVE = NOT_IN_STATE[CouponState.ACTIVE]
NOT_LISTED = NOT_IN_STATE[CouponState.LISTED]


def assert_consent_and_step_refused(story, expect_revert, coupon_id: int, action: Action, reason: str = NOT_ACTIVE):
    """Neither the holder's consent to `action` nor the department step that would consume it goes through."""
    counterparty = story.actors.non_member.address if action in (Action.TRANSFER, Action.PLEDGE) else None
    with expect_revert(reason):
        story.request(coupon_id, action, counterparty=counterparty, owner=story.actors.holder)
    with expect_revert(reason):
        story.take(CONSUMED_BY[action], coupon_id)


# ---------------------------------------------------------------- prepared starting points
#
# Parametrized tests share a starting point, built once (conftest `prepared`).

PREPARED_PARCEL = keccak(text="430903-HS-PREPARED")


def minted(story, evm) -> int:
    return story.mint(parcels=[PREPARED_PARCEL])


def listed(story, evm) -> int:
    coupon_id = minted(story, evm)
    story.list(coupon_id)
    return coupon_id


def pledged(story, evm) -> int:
    coupon_id = minted(story, evm)
    story.pledge(coupon_id)
    return coupon_id


def lost_reported(story, evm) -> int:
    coupon_id = minted(story, evm)
    story.report_loss(coupon_id)
    return coupon_id


def sold_whole(story, evm) -> int:
    coupon_id = listed(story, evm)
    story.settle(coupon_id, AMOUNT)
    return coupon_id


def sold_part(story, evm) -> int:
    """The parent; its children are the buyer's PART (ACTIVE) and the holder's rest (LISTED)."""
    coupon_id = listed(story, evm)
    story.settle(coupon_id, PART)
    return coupon_id


def transferred_whole(story, evm) -> int:
    coupon_id = minted(story, evm)
    story.consented(Action.TRANSFER, coupon_id)  # to the buyer
    return coupon_id


def pledge_enforced(story, evm) -> int:
    coupon_id = pledged(story, evm)
    story.take("enforce_pledge", coupon_id)
    return coupon_id


def retired_whole(story, evm) -> int:
    return story.retire(minted(story, evm)).event("CouponRetired").args["coupon"]


def retired_part(story, evm) -> int:
    return story.retire(minted(story, evm), amount_kg=PART).event("CouponRetired").args["coupon"]


def voided(story, evm) -> int:
    coupon_id = minted(story, evm)
    story.file_reissue(coupon_id)
    evm.time_travel(story.registry.call("loss_notice_end", coupon_id))
    story.take("reissue", coupon_id)
    return coupon_id


def invalidated(story, evm) -> int:
    """Listed, then voided as invalid by NRB and FORESTRY (注销)."""
    coupon_id = listed(story, evm)
    story.invalidate(coupon_id)
    return coupon_id


# ---------------------------------------------------------------- the market


def test_list__twice__reverts_not_active(prepared, story, expect_revert):
    assert_consent_and_step_refused(story, expect_revert, prepared(listed), Action.LIST)


@pytest.mark.parametrize(("build", "child"), [(sold_whole, 0), (sold_part, 1)], ids=["whole", "part"])
def test_settle_trade__coupon_already_sold__reverts_not_listed(
    prepared, story, registry, actors, expect_revert, build, child
):
    sold = prepared(build) + child  # the whole coupon, or the part split off for the buyer
    assert registry.coupon(sold).owner == actors.buyer.address
    assert registry.coupon(sold).state == CouponState.ACTIVE
    with expect_revert(NOT_LISTED):
        story.settle(sold, 1, buyer=actors.non_member.address)


@pytest.mark.parametrize("build", [listed, pledged], ids=["listed", "pledged"])
def test_register_transfer__coupon_listed_or_pledged__reverts_not_active(prepared, story, expect_revert, build):
    assert_consent_and_step_refused(story, expect_revert, prepared(build), Action.TRANSFER)


def test_settle_trade__coupon_pledged__reverts_not_listed(prepared, story, expect_revert):
    coupon_id = prepared(pledged)
    with expect_revert(NOT_LISTED):
        story.settle(coupon_id, AMOUNT)


# ---------------------------------------------------------------- offsets


@pytest.mark.parametrize("build", [pledged, lost_reported], ids=["pledged", "lost_reported"])
def test_retire__coupon_pledged_or_lost_reported__reverts_not_active(prepared, story, expect_revert, build):
    assert_consent_and_step_refused(story, expect_revert, prepared(build), Action.OFFSET)


def test_retire__coupon_frozen_after_offset_request__reverts_not_active(prepared, story, expect_revert):
    coupon_id = prepared(minted)
    story.request(coupon_id, Action.OFFSET)
    story.freeze(coupon_id)
    with expect_revert(NOT_ACTIVE):
        story.take("retire", coupon_id)


# ---------------------------------------------------------------- retired, voided and split coupons never move again

SUPERSEDED = {
    "retired_whole": retired_whole,
    "retired_part": retired_part,
    "voided": voided,
    "invalidated": invalidated,
    "split": sold_part,
}
SUPERSEDED_STATE = {
    "retired_whole": CouponState.RETIRED,
    "retired_part": CouponState.RETIRED,
    "voided": CouponState.VOIDED,
    "invalidated": CouponState.VOIDED,
    "split": CouponState.SPLIT,
}


@pytest.mark.parametrize("function", LEDGER_STEPS)
@pytest.mark.parametrize("coupon", SUPERSEDED)
def test_any_step__retired_voided_or_split_coupon__reverts(prepared, story, registry, expect_revert, coupon, function):
    """Every step: a second sale, transfer, pledge or offset, a consent to any of them, a freeze,
    a second voiding or a reissue step (§5, §12, §14)."""
    coupon_id = prepared(SUPERSEDED[coupon])
    assert registry.coupon(coupon_id).state == SUPERSEDED_STATE[coupon]
    with expect_revert(LEDGER_STEPS[function].not_in_state):
        story.take(function, coupon_id)


@pytest.mark.parametrize(
    ("build", "retired_kg"), [(retired_whole, AMOUNT), (retired_part, PART)], ids=["whole", "part"]
)
def test_retire__twice__reverts_not_active(prepared, story, expect_revert, build, retired_kg):
    retired = prepared(build)
    assert story.registry.coupon(retired).amount_kg == retired_kg
    assert_consent_and_step_refused(story, expect_revert, retired, Action.OFFSET)


# ---------------------------------------------------------------- stale consent


@pytest.mark.parametrize(
    "build", [sold_whole, transferred_whole, pledge_enforced], ids=["trade", "transfer", "enforced_pledge"]
)
def test_request__former_owner_after_change_of_hands__reverts_not_owner(
    prepared, story, registry, actors, expect_revert, build
):
    coupon_id = prepared(build)
    assert registry.coupon(coupon_id).owner != actors.holder.address
    with expect_revert("ledger: not owner"):
        story.request(coupon_id, Action.TRANSFER, counterparty=actors.non_member.address, owner=actors.holder)


def test_register_transfer__consent_already_consumed__reverts_no_owner_request(
    prepared, story, registry, actors, expect_revert
):
    coupon_id = prepared(transferred_whole)
    assert registry.coupon(coupon_id).owner == actors.buyer.address
    with expect_revert("ledger: no owner request"):
        story.take("register_transfer", coupon_id)


def test_register_transfer__remainder_of_partial_transfer__reverts_no_owner_request(
    prepared, story, registry, actors, expect_revert
):
    coupon_id = prepared(minted)
    story.consented(Action.TRANSFER, coupon_id, amount_kg=PART)
    rest = coupon_id + 2
    assert registry.coupon(rest).owner == actors.holder.address
    with expect_revert("ledger: no owner request"):
        story.take("register_transfer", rest)


@pytest.mark.parametrize("action", list(CONSUMED_BY), ids=lambda action: action.name.lower())
def test_department_step__request_cancelled__reverts_no_owner_request(prepared, story, actors, expect_revert, action):
    coupon_id = prepared(minted)
    if action == Action.REDEEM:
        story.open_redemption()  # 兑现 needs an acquirer before the consent is looked at
    story.request(coupon_id, action)  # a transferee or pledgee: the buyer or the pledgee
    story.send(actors.holder, "cancel_request", coupon_id)
    with expect_revert("ledger: no owner request"):
        story.take(CONSUMED_BY[action], coupon_id)


def test_retire__offset_request_replaced_by_pledge__reverts_no_owner_request(
    prepared, story, registry, actors, expect_revert
):
    coupon_id = prepared(minted)
    story.request(coupon_id, Action.OFFSET)
    story.pledge(coupon_id)
    story.take("release_pledge", coupon_id, sender=actors.pledgee)
    assert registry.coupon(coupon_id).state == CouponState.ACTIVE
    with expect_revert("ledger: no owner request"):
        story.take("retire", coupon_id)


# ---------------------------------------------------------------- splitting more than is held


@pytest.mark.parametrize(
    ("way", "counterparty"),
    [("trade", None), (Action.TRANSFER, "non_member"), (Action.PLEDGE, "pledgee"), (Action.OFFSET, None)],
    ids=["trade", "transfer", "pledge", "offset"],
)
def test_split__one_kg_more_than_the_child_holds__reverts_amount_exceeds(
    prepared, story, actors, expect_revert, way, counterparty
):
    parent = prepared(sold_part)
    bought, listed_rest = parent + 1, parent + 2  # PART (buyer, ACTIVE) and AMOUNT - PART (holder, LISTED)
    address = getattr(actors, counterparty).address if counterparty else ZERO_ADDRESS
    with expect_revert("ledger: amount exceeds coupon"):
        if way == "trade":
            story.settle(listed_rest, AMOUNT - PART + 1, buyer=actors.non_member.address)
        else:
            story.request(bought, way, counterparty=address, amount_kg=PART + 1, owner=actors.buyer)


# ---------------------------------------------------------------- issuing the same carbon twice


def test_file__same_parcel_overlapping_period__second_filing_refused(story, registry, actors, expect_revert):
    parcel = story.fresh_parcel()
    first = story.submit(parcels=[parcel])
    second = story.submit(parcels=[parcel], start=PERIOD_START + YEAR, end=PERIOD_END + YEAR)
    story.advance(first, ApplicationStatus.FILED)
    story.advance(second, ApplicationStatus.EEB_REVIEWED)
    with expect_revert("applications: parcel period overlaps"):
        registry.send(actors.eeb_officer, "file", second, "赫环碳备〔2026〕99号")


@pytest.mark.parametrize(
    ("start", "end"),
    [(PERIOD_END - 1, PERIOD_END + YEAR), (PERIOD_START - YEAR, PERIOD_START + 1)],
    ids=["starts_last_second", "ends_first_second"],
)
def test_submit__parcel_filed_for_overlapping_period__reverts(story, registry, actors, expect_revert, start, end):
    parcel = story.fresh_parcel()
    story.filed(parcels=[parcel])
    with expect_revert("applications: parcel period overlaps"):
        registry.send(
            actors.holder, "submit", [story.fresh_parcel(), parcel], start, end, AMOUNT, b"\x11" * 32, b"\x22" * 32, b"\x55" * 32
        )


@pytest.mark.parametrize(
    ("start", "end"),
    [(PERIOD_END, PERIOD_END + YEAR), (PERIOD_START - YEAR, PERIOD_START)],
    ids=["starts_at_end", "ends_at_start"],
)
def test_mint__same_parcel_adjacent_period__issued(story, registry, actors, start, end):
    parcel = story.fresh_parcel()
    story.mint(parcels=[parcel])
    application_id = story.filed(parcels=[parcel], start=start, end=end)
    receipt = registry.send(actors.gov_officer, "mint", application_id)
    assert registry.application(application_id).status == ApplicationStatus.ISSUED
    assert receipt.event("IssuanceCreated").args["issuance"] == 2
    assert registry.coupon(receipt.event("CouponCreated").args["coupon"]).state == CouponState.ACTIVE


def test_submit__parcel_on_ccer_list__reverts(story, registry, actors, expect_revert):
    parcel = story.fresh_parcel()
    registry.send(actors.eeb_officer, "set_ccer_listed", parcel, True)
    with expect_revert("applications: parcel on CCER list"):
        registry.send(actors.holder, "submit", [parcel], PERIOD_START, PERIOD_END, AMOUNT, b"\x11" * 32, b"\x22" * 32, b"\x55" * 32)


def test_file__parcel_put_on_ccer_list_during_review__reverts(story, registry, actors, expect_revert):
    parcel = story.fresh_parcel()
    application_id = story.advance(story.submit(parcels=[parcel]), ApplicationStatus.EEB_REVIEWED)
    registry.send(actors.eeb_officer, "set_ccer_listed", parcel, True)
    with expect_revert("applications: parcel on CCER list"):
        registry.send(actors.eeb_officer, "file", application_id, "赫环碳备〔2026〕99号")


def test_mint__parcel_put_on_ccer_list_after_filing__reverts(story, registry, actors, expect_revert):
    parcel = story.fresh_parcel()
    application_id = story.filed(parcels=[parcel])
    registry.send(actors.eeb_officer, "set_ccer_listed", parcel, True)
    with expect_revert("applications: parcel on CCER list"):
        registry.send(actors.gov_officer, "mint", application_id)


def test_mint__non_tending_harvest_planned_after_filing__reverts(story, registry, actors, expect_revert):
    parcel = story.fresh_parcel()
    application_id = story.filed(parcels=[parcel])
    registry.send(actors.forestry_officer, "record_harvest_plan", parcel, PERIOD_START + YEAR, PERIOD_END, False)
    with expect_revert("applications: harvest planned in period"):
        registry.send(actors.gov_officer, "mint", application_id)


def test_mint__tending_harvest_planned_after_filing__issued(story, registry, actors):
    parcel = story.fresh_parcel()
    application_id = story.filed(parcels=[parcel])
    registry.send(actors.forestry_officer, "record_harvest_plan", parcel, PERIOD_START + YEAR, PERIOD_END, True)
    receipt = registry.send(actors.gov_officer, "mint", application_id)
    assert registry.application(application_id).status == ApplicationStatus.ISSUED
    assert receipt.event("ApplicationIssued").args == {"application": application_id}


def test_mint__same_application_twice__reverts_wrong_status(story, registry, actors, expect_revert):
    application_id = story.filed()
    registry.send(actors.gov_officer, "mint", application_id)
    with expect_revert("applications: wrong status"):
        registry.send(actors.gov_officer, "mint", application_id)
