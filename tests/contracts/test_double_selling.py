"""One carbon sold twice (一碳多卖, §7): every way to sell, pledge, offset or issue
the same carbon twice is refused on-chain.

Each test drives the coupon (or parcel) into the position of the second sale and
asserts the exact revert reason and that nothing changed (`expect_revert`).
"""

from __future__ import annotations

import pytest
from eth_utils import keccak

from chain import Action, ApplicationStatus, CouponState, OffsetPurpose

ZERO_ADDRESS = "0x" + "00" * 20
AMOUNT = 12_723_000  # kg, the whole coupon minted by `story.mint()`
PART = 2_723_000
PERIOD_START = 1_640_966_400  # 2022-01-01 UTC+8, the story's default monitoring period
PERIOD_END = 1_704_038_400  # 2024-01-01 UTC+8 (exclusive)
YEAR = 365 * 86400
DISCLOSURE_HASH = bytes.fromhex("44" * 32)
AGREEMENT_HASH = bytes.fromhex("55" * 32)
FILING_NUMBER = "赫环碳补〔2026〕1号"


def settle(registry, actors, coupon_id: int, amount_kg: int, buyer=None):
    buyer = buyer or actors.buyer
    return registry.send(
        actors.center_officer, "settle_trade", coupon_id, buyer.address, amount_kg, 3_000, 12_000, AGREEMENT_HASH
    )


def list_coupon(registry, actors, coupon_id: int):
    return registry.send(actors.center_officer, "list_coupon", coupon_id, 3_000, 0, DISCLOSURE_HASH)


def retire(registry, actors, coupon_id: int):
    return registry.send(
        actors.eeb_officer,
        "retire",
        coupon_id,
        int(OffsetPurpose.EVENT_NEUTRALITY),
        "赫山马拉松组委会",
        "HS-2026-EV-01",
    )


def request(registry, owner, coupon_id: int, action: Action, amount_kg: int, counterparty: str = ZERO_ADDRESS):
    return registry.send(owner, "request", coupon_id, int(action), counterparty, amount_kg)


# ---------------------------------------------------------------- prepared starting points
#
# Parametrized tests share a starting point: it is built once on top of the
# freshly deployed registry, snapshotted, and restored from the snapshot.

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


def sold_whole(story, evm) -> int:
    coupon_id = listed(story, evm)
    settle(story.registry, story.actors, coupon_id, AMOUNT)
    return coupon_id


def sold_part(story, evm) -> int:
    """The parent; its children are the buyer's PART (ACTIVE) and the holder's rest (LISTED)."""
    coupon_id = listed(story, evm)
    settle(story.registry, story.actors, coupon_id, PART)
    return coupon_id


def transferred_whole(story, evm) -> int:
    coupon_id = minted(story, evm)
    story.request(coupon_id, Action.TRANSFER, counterparty=story.actors.buyer.address)
    story.send(story.actors.center_officer, "register_transfer", coupon_id)
    return coupon_id


def pledge_enforced(story, evm) -> int:
    coupon_id = pledged(story, evm)
    story.send(story.actors.finance_officer, "enforce_pledge", coupon_id)
    return coupon_id


def retired_whole(story, evm) -> int:
    return story.retire(minted(story, evm)).event("CouponRetired").args["coupon"]


def retired_part(story, evm) -> int:
    return story.retire(minted(story, evm), amount_kg=PART).event("CouponRetired").args["coupon"]


def voided(story, evm) -> int:
    coupon_id = minted(story, evm)
    story.report_loss(coupon_id)
    story.send(story.actors.eeb_officer, "file_reissue", coupon_id, FILING_NUMBER)
    evm.time_travel(story.registry.call("loss_notice_end", coupon_id))
    story.send(story.actors.gov_officer, "reissue", coupon_id)
    return coupon_id


_SNAPSHOTS: dict = {}


@pytest.fixture
def prepared(registry, story, evm):
    """`prepared(build)` puts the chain where `build(story, evm)` leaves it and returns
    what it returned; the `registry` fixture rolls it back after the test."""

    def restore(build) -> int:
        key = (bytes(registry.chain.w3.eth.get_block("latest")["hash"]), build)
        if key in _SNAPSHOTS:
            snapshot, result = _SNAPSHOTS[key]
            evm.revert(snapshot)
            return result
        result = build(story, evm)
        _SNAPSHOTS[key] = (evm.snapshot(), result)
        return result

    return restore


# ---------------------------------------------------------------- the market


def test_list__twice__reverts_not_active(prepared, registry, actors, expect_revert):
    coupon_id = prepared(listed)
    with expect_revert("ledger: coupon not active"):
        request(registry, actors.holder, coupon_id, Action.LIST, AMOUNT)
    with expect_revert("ledger: coupon not active"):
        list_coupon(registry, actors, coupon_id)


@pytest.mark.parametrize("build", [retired_whole, retired_part], ids=["whole", "part"])
def test_settle_trade__retired_coupon__reverts_not_listed(prepared, registry, actors, expect_revert, build):
    retired = prepared(build)
    assert registry.coupon(retired).state == CouponState.RETIRED
    with expect_revert("ledger: coupon not listed"):
        settle(registry, actors, retired, 1, buyer=actors.non_member)


@pytest.mark.parametrize(("build", "child"), [(sold_whole, 0), (sold_part, 1)], ids=["whole", "part"])
def test_settle_trade__coupon_already_sold__reverts_not_listed(prepared, registry, actors, expect_revert, build, child):
    sold = prepared(build) + child  # the whole coupon, or the part split off for the buyer
    assert registry.coupon(sold).owner == actors.buyer.address
    assert registry.coupon(sold).state == CouponState.ACTIVE
    with expect_revert("ledger: coupon not listed"):
        settle(registry, actors, sold, 1, buyer=actors.non_member)


def test_register_transfer__coupon_listed__reverts_not_active(prepared, registry, actors, expect_revert):
    coupon_id = prepared(listed)
    with expect_revert("ledger: coupon not active"):
        request(registry, actors.holder, coupon_id, Action.TRANSFER, AMOUNT, actors.non_member.address)
    with expect_revert("ledger: coupon not active"):
        registry.send(actors.center_officer, "register_transfer", coupon_id)


def test_register_transfer__coupon_pledged__reverts_not_active(prepared, registry, actors, expect_revert):
    coupon_id = prepared(pledged)
    with expect_revert("ledger: coupon not active"):
        request(registry, actors.holder, coupon_id, Action.TRANSFER, AMOUNT, actors.buyer.address)
    with expect_revert("ledger: coupon not active"):
        registry.send(actors.center_officer, "register_transfer", coupon_id)


def test_settle_trade__coupon_pledged__reverts_not_listed(prepared, registry, actors, expect_revert):
    coupon_id = prepared(pledged)
    with expect_revert("ledger: coupon not listed"):
        settle(registry, actors, coupon_id, AMOUNT)


# ---------------------------------------------------------------- offsets


def test_retire__coupon_pledged__reverts_not_active(prepared, registry, actors, expect_revert):
    coupon_id = prepared(pledged)
    with expect_revert("ledger: coupon not active"):
        request(registry, actors.holder, coupon_id, Action.OFFSET, AMOUNT)
    with expect_revert("ledger: coupon not active"):
        retire(registry, actors, coupon_id)


def test_retire__coupon_frozen_after_offset_request__reverts_not_active(
    prepared, story, registry, actors, expect_revert
):
    coupon_id = prepared(minted)
    story.request(coupon_id, Action.OFFSET)
    story.freeze(coupon_id)
    with expect_revert("ledger: coupon not active"):
        retire(registry, actors, coupon_id)


def test_retire__coupon_lost_reported__reverts_not_active(prepared, story, registry, actors, expect_revert):
    coupon_id = prepared(minted)
    story.report_loss(coupon_id)
    with expect_revert("ledger: coupon not active"):
        request(registry, actors.holder, coupon_id, Action.OFFSET, AMOUNT)
    with expect_revert("ledger: coupon not active"):
        retire(registry, actors, coupon_id)


@pytest.mark.parametrize(
    ("build", "retired_kg"), [(retired_whole, AMOUNT), (retired_part, PART)], ids=["whole", "part"]
)
def test_retire__twice__reverts_not_active(prepared, registry, actors, expect_revert, build, retired_kg):
    retired = prepared(build)
    with expect_revert("ledger: coupon not active"):
        request(registry, actors.holder, retired, Action.OFFSET, retired_kg)
    with expect_revert("ledger: coupon not active"):
        retire(registry, actors, retired)


# ---------------------------------------------------------------- voided coupons (§12)


VOIDED_COUPON_STEPS = {
    "request": (
        "holder",
        "request",
        lambda c, a: (c, int(Action.OFFSET), ZERO_ADDRESS, AMOUNT),
        "ledger: coupon not active",
    ),
    "list_coupon": (
        "center_officer",
        "list_coupon",
        lambda c, a: (c, 3_000, 0, DISCLOSURE_HASH),
        "ledger: coupon not active",
    ),
    "retire": (
        "eeb_officer",
        "retire",
        lambda c, a: (c, 2, "赫山马拉松组委会", "HS-2026-EV-01"),
        "ledger: coupon not active",
    ),
    "withdraw_loss": ("center_officer", "withdraw_loss", lambda c, a: (c,), "ledger: coupon not lost reported"),
    "reissue": ("gov_officer", "reissue", lambda c, a: (c,), "ledger: coupon not lost reported"),
}


@pytest.mark.parametrize("step", VOIDED_COUPON_STEPS)
def test_any_step__voided_coupon__reverts(prepared, registry, actors, expect_revert, step):
    coupon_id = prepared(voided)
    assert registry.coupon(coupon_id).state == CouponState.VOIDED
    actor, function, arguments, reason = VOIDED_COUPON_STEPS[step]
    with expect_revert(reason):
        registry.send(getattr(actors, actor), function, *arguments(coupon_id, actors))


# ---------------------------------------------------------------- stale consent


@pytest.mark.parametrize(
    "build", [sold_whole, transferred_whole, pledge_enforced], ids=["trade", "transfer", "enforced_pledge"]
)
def test_request__former_owner_after_change_of_hands__reverts_not_owner(
    prepared, registry, actors, expect_revert, build
):
    coupon_id = prepared(build)
    assert registry.coupon(coupon_id).owner != actors.holder.address
    with expect_revert("ledger: not owner"):
        request(registry, actors.holder, coupon_id, Action.TRANSFER, AMOUNT, actors.non_member.address)


def test_register_transfer__consent_already_consumed__reverts_no_owner_request(
    prepared, registry, actors, expect_revert
):
    coupon_id = prepared(transferred_whole)
    assert registry.coupon(coupon_id).owner == actors.buyer.address
    with expect_revert("ledger: no owner request"):
        registry.send(actors.center_officer, "register_transfer", coupon_id)


def test_register_transfer__remainder_of_partial_transfer__reverts_no_owner_request(
    prepared, story, registry, actors, expect_revert
):
    coupon_id = prepared(minted)
    story.request(coupon_id, Action.TRANSFER, counterparty=actors.buyer.address, amount_kg=PART)
    registry.send(actors.center_officer, "register_transfer", coupon_id)
    rest = coupon_id + 2
    assert registry.coupon(rest).owner == actors.holder.address
    with expect_revert("ledger: no owner request"):
        registry.send(actors.center_officer, "register_transfer", rest)


DEPARTMENT_STEPS = {
    Action.LIST: ("center_officer", "list_coupon", lambda c: (c, 3_000, 0, DISCLOSURE_HASH)),
    Action.TRANSFER: ("center_officer", "register_transfer", lambda c: (c,)),
    Action.PLEDGE: ("finance_officer", "register_pledge", lambda c: (c, 50_000_000, 1_900_000_000)),
    Action.OFFSET: ("eeb_officer", "retire", lambda c: (c, 2, "赫山马拉松组委会", "HS-2026-EV-01")),
    Action.LOSS: ("center_officer", "report_loss", lambda c: (c,)),
}
COUNTERPARTY = {Action.TRANSFER: "buyer", Action.PLEDGE: "pledgee"}


@pytest.mark.parametrize("action", list(DEPARTMENT_STEPS), ids=lambda action: action.name.lower())
def test_department_step__request_cancelled__reverts_no_owner_request(
    prepared, story, registry, actors, expect_revert, action
):
    coupon_id = prepared(minted)
    counterparty = getattr(actors, COUNTERPARTY[action]).address if action in COUNTERPARTY else ZERO_ADDRESS
    story.request(coupon_id, action, counterparty=counterparty)
    registry.send(actors.holder, "cancel_request", coupon_id)
    actor, function, arguments = DEPARTMENT_STEPS[action]
    with expect_revert("ledger: no owner request"):
        registry.send(getattr(actors, actor), function, *arguments(coupon_id))


def test_retire__offset_request_replaced_by_pledge__reverts_no_owner_request(
    prepared, story, registry, actors, expect_revert
):
    coupon_id = prepared(minted)
    story.request(coupon_id, Action.OFFSET)
    story.pledge(coupon_id)
    registry.send(actors.pledgee, "release_pledge", coupon_id)
    assert registry.coupon(coupon_id).state == CouponState.ACTIVE
    with expect_revert("ledger: no owner request"):
        retire(registry, actors, coupon_id)


# ---------------------------------------------------------------- splitting more than is held


@pytest.mark.parametrize(
    ("way", "counterparty"),
    [("trade", None), (Action.TRANSFER, "non_member"), (Action.PLEDGE, "pledgee"), (Action.OFFSET, None)],
    ids=["trade", "transfer", "pledge", "offset"],
)
def test_split__one_kg_more_than_the_child_holds__reverts_amount_exceeds(
    prepared, registry, actors, expect_revert, way, counterparty
):
    parent = prepared(sold_part)
    bought, listed_rest = parent + 1, parent + 2  # PART (buyer, ACTIVE) and AMOUNT - PART (holder, LISTED)
    address = getattr(actors, counterparty).address if counterparty else ZERO_ADDRESS
    with expect_revert("ledger: amount exceeds coupon"):
        if way == "trade":
            settle(registry, actors, listed_rest, AMOUNT - PART + 1, buyer=actors.non_member)
        else:
            request(registry, actors.buyer, bought, way, PART + 1, address)


SPLIT_PARENT_STEPS = {
    "trade": (
        "center_officer",
        "settle_trade",
        lambda c, a: (c, a.non_member.address, 1, 3_000, 0, AGREEMENT_HASH),
        "ledger: coupon not listed",
    ),
    "transfer_request": (
        "holder",
        "request",
        lambda c, a: (c, int(Action.TRANSFER), a.non_member.address, 1),
        "ledger: coupon not active",
    ),
    "transfer": ("center_officer", "register_transfer", lambda c, a: (c,), "ledger: coupon not active"),
    "retire": (
        "eeb_officer",
        "retire",
        lambda c, a: (c, 2, "赫山马拉松组委会", "HS-2026-EV-01"),
        "ledger: coupon not active",
    ),
}


@pytest.mark.parametrize("step", SPLIT_PARENT_STEPS)
def test_any_step__split_parent__reverts(prepared, registry, actors, expect_revert, step):
    parent = prepared(sold_part)
    assert registry.coupon(parent).state == CouponState.SPLIT
    actor, function, arguments, reason = SPLIT_PARENT_STEPS[step]
    with expect_revert(reason):
        registry.send(getattr(actors, actor), function, *arguments(parent, actors))


# ---------------------------------------------------------------- issuing the same carbon twice


def test_file__same_parcel_overlapping_period__second_filing_refused(story, registry, actors, expect_revert):
    parcel = story.fresh_parcel()
    first = story.submit(parcels=[parcel])
    second = story.submit(parcels=[parcel], start=PERIOD_START + YEAR, end=PERIOD_END + YEAR)
    story.advance(first, ApplicationStatus.FILED)
    story.advance(second, ApplicationStatus.VALIDATED)
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
            actors.holder, "submit", [story.fresh_parcel(), parcel], start, end, AMOUNT, b"\x11" * 32, b"\x22" * 32
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
        registry.send(actors.holder, "submit", [parcel], PERIOD_START, PERIOD_END, AMOUNT, b"\x11" * 32, b"\x22" * 32)


def test_file__parcel_put_on_ccer_list_during_review__reverts(story, registry, actors, expect_revert):
    parcel = story.fresh_parcel()
    application_id = story.advance(story.submit(parcels=[parcel]), ApplicationStatus.VALIDATED)
    registry.send(actors.eeb_officer, "set_ccer_listed", parcel, True)
    with expect_revert("applications: parcel on CCER list"):
        registry.send(actors.eeb_officer, "file", application_id, "赫环碳备〔2026〕99号")


def test_mint__parcel_put_on_ccer_list_after_filing__reverts(story, registry, actors, expect_revert):
    parcel = story.fresh_parcel()
    application_id = story.filed(parcels=[parcel])
    registry.send(actors.eeb_officer, "set_ccer_listed", parcel, True)
    with expect_revert("applications: parcel on CCER list"):
        registry.send(actors.gov_officer, "mint", application_id)


def test_mint__same_application_twice__reverts_wrong_status(story, registry, actors, expect_revert):
    application_id = story.filed()
    registry.send(actors.gov_officer, "mint", application_id)
    with expect_revert("applications: wrong status"):
        registry.send(actors.gov_officer, "mint", application_id)
