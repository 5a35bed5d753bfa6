"""Every CouponLedger transition (DESIGN §4): the step itself, who may take it,
from which state, and with whose consent.

Positive tests assert the coupon record (state, owner, serial block) and the
events, CouponMoved included; negative tests assert the exact revert reason and
that nothing changed (`expect_revert`). Who may take each step, from which state
and with whose consent is one table (`RULES`), tested for every actor that must fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from contract_story import (
    AGREEMENT_HASH,
    AMOUNT,
    BENEFICIARY,
    CASE_REFERENCE,
    DISCLOSURE_HASH,
    FREEZE_REASON,
    INSPECTION_HASH,
    INVALID_REASON,
    LEDGER_STEPS,
    MISSING_REISSUE_ITEMS,
    MISSING_ROLE,
    PART,
    PRICE_FEN_PER_TONNE,
    REDEMPTION_PRICE_FEN,
    REFUSAL_REASON,
    REISSUE_FILING_NUMBER,
    SECURED_FEN,
    SERVICE_FEE_FEN,
    SUPERVISORS,
    TERM_END,
    UNKNOWN_COUPON,
    WRONG_STAGE,
    ZERO_ADDRESS,
    all_but,
    created,
    moves,
    parcel,
    reissue_moves,
    whole_coupon,
)
from eth_abi import encode as abi_encode
from eth_utils import keccak

from chain import (
    Action,
    ApplicationStatus,
    Coupon,
    CouponState,
    Invalidation,
    Issuance,
    OffsetPurpose,
    Reissue,
    ReissueStage,
    Request,
    Role,
)
from chain.registry import VoidingSignatures

LOSS_NOTICE_SECONDS = 30 * 86400  # as tests/conftest.py deploys the ledger
CHINA_STANDARD_TIME = timezone(timedelta(hours=8))
NO_REQUEST = Request(Action(0), ZERO_ADDRESS, 0)
NO_REISSUE = Reissue(ReissueStage.NONE, False, False)
NO_VOIDING = VoidingSignatures(b"\x00" * 32, False, False)
SUPERVISOR_ROLE = {"nrb_officer": Role.NRB, "forestry_officer": Role.FORESTRY, "eeb_officer": Role.EEB}
ACTIVE, LISTED, PLEDGED, FROZEN = CouponState.ACTIVE, CouponState.LISTED, CouponState.PLEDGED, CouponState.FROZEN
LOST_REPORTED, RETIRED, SPLIT, VOIDED = (
    CouponState.LOST_REPORTED,
    CouponState.RETIRED,
    CouponState.SPLIT,
    CouponState.VOIDED,
)


def year_in_china(timestamp: int) -> int:
    return datetime.fromtimestamp(timestamp, CHINA_STANDARD_TIME).year


def block_time(registry, receipt) -> int:
    return registry.chain.w3.eth.get_block(receipt.block_number)["timestamp"]


def retire(registry, actors, coupon_id: int, purpose=OffsetPurpose.EVENT_NEUTRALITY, beneficiary=BENEFICIARY):
    return registry.send(actors.eeb_officer, "retire", coupon_id, int(purpose), beneficiary, CASE_REFERENCE)


def assert_moved(registry, receipt, coupon_id: int, owner: str, state: CouponState) -> None:
    """The prepared coupon, whole, is now `owner`'s in `state`, and one CouponMoved says so."""
    assert registry.coupon(coupon_id) == whole_coupon(coupon_id, owner, state)
    assert moves(receipt) == [(coupon_id, owner, state)]


def assert_split(
    registry, receipt, parent: int, amount_kg: int, *, owner, state, part_owner, part_state, first=1, seq=2
) -> tuple[int, int]:
    """`parent` (`owner`'s, in `state`, serials [first, AMOUNT]) split: its first `amount_kg` went to
    `part_owner` in `part_state`, the rest stays `owner`'s in `state`; the events say so."""
    part, rest, cut = parent + 1, parent + 2, first + amount_kg
    assert (registry.coupon(parent).owner, registry.coupon(parent).state) == (owner, SPLIT)
    assert registry.coupon(part) == Coupon(part, part_owner, part_state, 1, seq, first, cut - 1, amount_kg, parent)
    assert registry.coupon(rest) == Coupon(rest, owner, state, 1, seq + 1, cut, AMOUNT, AMOUNT - cut + 1, parent)
    assert registry.issuance(1).coupon_count == seq + 1
    assert receipt.event("CouponSplit").args == {"parent": parent, "part": part, "rest": rest}
    children = {part: (seq, first, cut - 1), rest: (seq + 1, cut, AMOUNT)}
    assert created(receipt) == {
        child: {
            "coupon": child,
            "issuance": 1,
            "owner": owner,
            "seq": child_seq,
            "first_serial": child_first,
            "last_serial": child_last,
            "state": state,
            "parent": parent,
            "replaces": 0,
        }
        for child, (child_seq, child_first, child_last) in children.items()
    }
    assert moves(receipt) == [(parent, owner, SPLIT), (part, part_owner, part_state)]
    return part, rest


# ---------------------------------------------------------------- prepared starting points
#
# Most tests start from one coupon in a given state. Building it takes up to a
# dozen transactions, so each starting point is built once (conftest `prepared`).

PREPARED_PARCEL = parcel("430903-HS-PREPARED")


def _minted(story, evm) -> int:
    return story.mint(parcels=[PREPARED_PARCEL])


def _requested(action: Action):
    def build(story, evm) -> int:
        coupon_id = _minted(story, evm)
        story.request(coupon_id, action)  # a transferee or pledgee: the buyer or the pledgee
        return coupon_id

    return build


def _then(step):
    def build(story, evm) -> int:
        coupon_id = _minted(story, evm)
        step(story, evm, coupon_id)
        return coupon_id

    return build


def _reissue_due(story, evm, coupon_id: int) -> None:
    story.file_reissue(coupon_id)
    evm.time_travel(story.registry.call("loss_notice_end", coupon_id))


def _reissue_at(stage: ReissueStage, *then: str):
    """A lost coupon whose reissue reached `stage`, then the steps `then` (LEDGER_STEPS' arguments)."""

    def step(story, evm, coupon_id: int) -> None:
        story.report_loss(coupon_id)
        story.reissue_to(coupon_id, stage)
        for function in then:
            story.take(function, coupon_id)

    return _then(step)


def _frozen_in(start: str):
    def step(story, evm, coupon_id: int) -> None:
        BUILDER_STEPS[start](story, evm, coupon_id)
        story.freeze(coupon_id)

    return _then(step)


# A coupon's way from ACTIVE into each live state, as the starting points take it.
BUILDER_STEPS = {
    "active": lambda story, evm, c: None,
    "listed": lambda story, evm, c: story.list(c),
    "pledged": lambda story, evm, c: story.pledge(c),
    "lost_reported": lambda story, evm, c: story.report_loss(c),
}
LIVE_STARTS = (*BUILDER_STEPS, "frozen")

BUILDERS = {
    "filed": lambda story, evm: story.filed(parcels=[PREPARED_PARCEL]),
    "active": _minted,
    "list_requested": _requested(Action.LIST),
    "transfer_requested": _requested(Action.TRANSFER),
    "pledge_requested": _requested(Action.PLEDGE),
    "offset_requested": _requested(Action.OFFSET),
    "loss_requested": _requested(Action.LOSS),
    "redemption_open": _then(lambda story, evm, c: story.open_redemption()),
    "redeem_requested": _then(lambda story, evm, c: (story.open_redemption(), story.request(c, Action.REDEEM))),
    "redeem_requested_no_acquirer": _requested(Action.REDEEM),
    "listed": _then(lambda story, evm, c: story.list(c)),
    "pledged": _then(lambda story, evm, c: story.pledge(c)),
    "frozen": _then(lambda story, evm, c: story.freeze(c)),
    "frozen_listed": _frozen_in("listed"),
    "frozen_pledged": _frozen_in("pledged"),
    "frozen_lost_reported": _frozen_in("lost_reported"),
    "lost_reported": _then(lambda story, evm, c: story.report_loss(c)),
    "reissue_supplement_required": _reissue_at(ReissueStage.REPORTED, "require_reissue_supplement"),
    "reissue_formal_ok": _reissue_at(ReissueStage.FORMAL_OK),
    "reissue_survey_paused": _reissue_at(ReissueStage.FORMAL_OK, "pause_reissue_survey"),
    "reissue_reviewed": _reissue_at(ReissueStage.REVIEWED),
    "reissue_registered": _reissue_at(ReissueStage.REGISTERED),
    "reissue_filed": _then(lambda story, evm, c: story.file_reissue(c)),
    "reissue_due": _then(_reissue_due),
    "voiding_signed": _then(lambda story, evm, c: story.sign_voiding(c)),
    "invalidated": _then(lambda story, evm, c: story.invalidate(c)),
}


# ---------------------------------------------------------------- mint (§10, 附件1 一(五))


def test_mint__filed_application__one_active_coupon_for_the_whole_amount(prepared, registry, actors):
    application_id = prepared("filed")
    receipt = registry.send(actors.gov_officer, "mint", application_id)
    year = year_in_china(block_time(registry, receipt))
    coupon_id = receipt.event("CouponCreated").args["coupon"]
    assert registry.coupon(coupon_id) == whole_coupon(coupon_id, actors.holder.address, ACTIVE)
    assert registry.issuance(1) == Issuance(1, application_id, year, AMOUNT, 1)
    assert registry.application(application_id).status == ApplicationStatus.ISSUED
    assert receipt.event("IssuanceCreated").args == {
        "issuance": 1,
        "application": application_id,
        "year": year,
        "amount_kg": AMOUNT,
    }
    assert created(receipt) == {
        coupon_id: {
            "coupon": coupon_id,
            "issuance": 1,
            "owner": actors.holder.address,
            "seq": 1,
            "first_serial": 1,
            "last_serial": AMOUNT,
            "state": ACTIVE,
            "parent": 0,
            "replaces": 0,
        }
    }
    assert moves(receipt) == []  # CouponCreated carries the first owner and state


@pytest.mark.parametrize(
    ("seconds_from_new_year", "year_offset"), [(-1, 0), (0, 1)], ids=["last_second", "first_second"]
)
def test_mint__around_new_year_in_china__year_follows_utc8(
    prepared, registry, actors, evm, seconds_from_new_year, year_offset
):
    application_id = prepared("filed")
    old_year = year_in_china(registry.chain.timestamp())
    new_year = int(datetime(old_year + 1, 1, 1, tzinfo=CHINA_STANDARD_TIME).timestamp())  # 16:00 UTC on 31 Dec
    evm.time_travel(new_year + seconds_from_new_year)
    receipt = registry.send(actors.gov_officer, "mint", application_id)
    assert block_time(registry, receipt) == new_year + seconds_from_new_year
    assert registry.issuance(1).year == old_year + year_offset
    assert receipt.event("IssuanceCreated").args["year"] == old_year + year_offset


def test_mint__second_application__new_issuance_numbered_from_one(prepared, story, registry, actors):
    prepared("active")
    application_id = story.advance(story.submit(claimed_kg=PART), ApplicationStatus.FILED, attested_kg=PART)
    receipt = registry.send(actors.gov_officer, "mint", application_id)
    coupon_id = receipt.event("CouponCreated").args["coupon"]
    assert registry.coupon(coupon_id) == Coupon(coupon_id, actors.holder.address, ACTIVE, 2, 1, 1, PART, PART, 0)
    assert registry.issuance(2).amount_kg == PART
    assert receipt.event("IssuanceCreated").args["issuance"] == 2


@pytest.mark.parametrize("actor", all_but("gov_officer"))
def test_mint__caller_without_gov_role__reverts(prepared, registry, actors, expect_revert, actor):
    application_id = prepared("filed")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "mint", application_id)


def test_mint__application_not_yet_filed__reverts(story, registry, actors, expect_revert):
    application_id = story.advance(story.submit(), ApplicationStatus.VALIDATED)
    with expect_revert("applications: wrong status"):
        registry.send(actors.gov_officer, "mint", application_id)


def test_mint__unknown_application__reverts(registry, actors, expect_revert):
    with expect_revert("applications: unknown application"):
        registry.send(actors.gov_officer, "mint", 999)


# ---------------------------------------------------------------- owner consent: request / cancel_request


@pytest.mark.parametrize(
    ("action", "counterparty", "amount_kg"),
    [
        (Action.LIST, None, AMOUNT),
        (Action.TRANSFER, "buyer", PART),
        (Action.TRANSFER, "buyer", AMOUNT),
        (Action.PLEDGE, "pledgee", PART),
        (Action.OFFSET, None, PART),
        (Action.OFFSET, None, AMOUNT),
        (Action.LOSS, None, AMOUNT),
        (Action.REDEEM, None, PART),
    ],
)
def test_request__owner_consents__request_recorded(prepared, registry, actors, action, counterparty, amount_kg):
    coupon_id = prepared("active")
    address = getattr(actors, counterparty).address if counterparty else ZERO_ADDRESS
    receipt = registry.send(actors.holder, "request", coupon_id, int(action), address, amount_kg)
    assert registry.request_of(coupon_id) == Request(action, address, amount_kg)
    assert registry.coupon(coupon_id) == whole_coupon(coupon_id, actors.holder.address, ACTIVE)
    assert receipt.event("RequestMade").args == {
        "coupon": coupon_id,
        "owner": actors.holder.address,
        "action": action,
        "counterparty": address,
        "amount_kg": amount_kg,
    }
    assert moves(receipt) == []


def test_request__second_request__replaces_the_first(prepared, registry, actors):
    coupon_id = prepared("transfer_requested")
    receipt = registry.send(actors.holder, "request", coupon_id, int(Action.OFFSET), ZERO_ADDRESS, PART)
    assert registry.request_of(coupon_id) == Request(Action.OFFSET, ZERO_ADDRESS, PART)
    assert receipt.event("RequestMade").args["action"] == Action.OFFSET


@pytest.mark.parametrize(
    "action",
    [
        0,
        64,
        int(Action.LIST | Action.TRANSFER),
    ],
    ids=["zero", "beyond_last_flag", "two_actions"],
)
def test_request__unknown_action__reverts(prepared, registry, actors, expect_revert, action):
    coupon_id = prepared("active")
    with expect_revert("ledger: unknown action"):
        registry.send(actors.holder, "request", coupon_id, action, actors.buyer.address, AMOUNT)


def test_request__zero_amount__reverts(prepared, registry, actors, expect_revert):
    coupon_id = prepared("active")
    with expect_revert("ledger: zero amount"):
        registry.send(actors.holder, "request", coupon_id, int(Action.OFFSET), ZERO_ADDRESS, 0)


@pytest.mark.parametrize(("action", "counterparty"), [(Action.TRANSFER, "buyer"), (Action.OFFSET, None)])
def test_request__one_kg_more_than_coupon__reverts(prepared, registry, actors, expect_revert, action, counterparty):
    coupon_id = prepared("active")
    address = getattr(actors, counterparty).address if counterparty else ZERO_ADDRESS
    with expect_revert("ledger: amount exceeds coupon"):
        registry.send(actors.holder, "request", coupon_id, int(action), address, AMOUNT + 1)


@pytest.mark.parametrize(("action", "amount_kg"), [(Action.LIST, PART), (Action.LOSS, AMOUNT - 1)])
def test_request__list_or_loss_of_part__reverts_whole_coupon_only(
    prepared, registry, actors, expect_revert, action, amount_kg
):
    coupon_id = prepared("active")
    with expect_revert("ledger: whole coupon only"):
        registry.send(actors.holder, "request", coupon_id, int(action), ZERO_ADDRESS, amount_kg)


@pytest.mark.parametrize("action", [Action.TRANSFER, Action.PLEDGE])
@pytest.mark.parametrize("counterparty", ["zero", "owner_self"])
def test_request__transfer_or_pledge_without_proper_counterparty__reverts(
    prepared, registry, actors, expect_revert, action, counterparty
):
    coupon_id = prepared("active")
    address = ZERO_ADDRESS if counterparty == "zero" else actors.holder.address
    with expect_revert("ledger: bad counterparty"):
        registry.send(actors.holder, "request", coupon_id, int(action), address, PART)


@pytest.mark.parametrize("action", [Action.OFFSET, Action.LIST, Action.LOSS, Action.REDEEM])
def test_request__counterparty_on_offset_list_or_loss__reverts(prepared, registry, actors, expect_revert, action):
    coupon_id = prepared("active")
    with expect_revert("ledger: bad counterparty"):
        registry.send(actors.holder, "request", coupon_id, int(action), actors.buyer.address, AMOUNT)


def test_cancel_request__owner__request_cleared(prepared, registry, actors):
    coupon_id = prepared("transfer_requested")
    receipt = registry.send(actors.holder, "cancel_request", coupon_id)
    assert registry.request_of(coupon_id) == NO_REQUEST
    assert registry.coupon(coupon_id) == whole_coupon(coupon_id, actors.holder.address, ACTIVE)
    assert receipt.event("RequestCancelled").args == {"coupon": coupon_id}
    assert moves(receipt) == []


# ---------------------------------------------------------------- listing (§13, 附件1 三, 附件5)


def test_list_coupon__owner_requested__listed_with_disclosure(prepared, registry, actors):
    coupon_id = prepared("list_requested")
    notice_end = registry.chain.timestamp() + 10 * 86400
    receipt = registry.send(
        actors.center_officer, "list_coupon", coupon_id, PRICE_FEN_PER_TONNE, notice_end, DISCLOSURE_HASH
    )
    assert_moved(registry, receipt, coupon_id, actors.holder.address, LISTED)
    assert registry.request_of(coupon_id) == NO_REQUEST
    assert receipt.event("CouponListed").args == {
        "coupon": coupon_id,
        "price_fen_per_tonne": PRICE_FEN_PER_TONNE,
        "notice_end": notice_end,
        "disclosure_hash": DISCLOSURE_HASH,
    }
    assert registry.call("listing_end", coupon_id) == notice_end


def test_list_coupon__notice_end_not_after_now__reverts_and_nothing_changed(prepared, registry, actors, expect_revert):
    coupon_id = prepared("list_requested")
    before = (registry.coupon(coupon_id), registry.request_of(coupon_id))
    with expect_revert("ledger: notice already over"):
        registry.send(actors.center_officer, "list_coupon", coupon_id, PRICE_FEN_PER_TONNE,
                      registry.chain.timestamp() - 1, DISCLOSURE_HASH)
    assert (registry.coupon(coupon_id), registry.request_of(coupon_id), registry.call("listing_end", coupon_id)) == (
        *before, 0)


def test_withdraw_listing__listed__active_again_with_owner(prepared, registry, actors):
    coupon_id = prepared("listed")
    receipt = registry.send(actors.center_officer, "withdraw_listing", coupon_id)
    assert_moved(registry, receipt, coupon_id, actors.holder.address, ACTIVE)
    assert receipt.event("ListingWithdrawn").args == {"coupon": coupon_id}


def test_withdraw_listing__relisting__needs_a_fresh_request(prepared, story, registry, actors, expect_revert):
    coupon_id = prepared("listed")
    registry.send(actors.center_officer, "withdraw_listing", coupon_id)
    with expect_revert("ledger: no owner request"):
        story.take("list_coupon", coupon_id)


# ---------------------------------------------------------------- trade settlement (附件1 三(二), 附件7)


def test_settle_trade__part_of_a_remainder__sub_block_starts_at_remainder_first(prepared, story, registry, actors):
    parent = prepared("listed")
    story.settle(parent, PART)
    remainder = parent + 2  # [PART + 1, AMOUNT], still listed
    receipt = story.settle(remainder, 1_000)
    assert_split(
        registry,
        receipt,
        remainder,
        1_000,
        owner=actors.holder.address,
        state=LISTED,
        part_owner=actors.buyer.address,
        part_state=ACTIVE,
        first=PART + 1,
        seq=4,
    )


def test_settle_trade__after_the_notice_end__reverts_listing_expired_and_nothing_changed(
    prepared, story, registry, actors, evm, expect_revert
):
    """附件1 三(二), 附件5: a trade settles only while the listing's notice runs; the contract holds the end."""
    coupon_id = prepared("list_requested")
    notice_end = registry.chain.timestamp() + 86_400
    registry.send(actors.center_officer, "list_coupon", coupon_id, PRICE_FEN_PER_TONNE, notice_end, DISCLOSURE_HASH)
    evm.time_travel(notice_end + 1)
    before = registry.coupon(coupon_id)
    with expect_revert("ledger: listing expired"):
        story.settle(coupon_id, PART)
    assert registry.coupon(coupon_id) == before


def test_settle_trade__part_sold__the_rest_keeps_the_notice_end_and_expires_with_it(
    prepared, story, registry, actors, evm, expect_revert
):
    coupon_id = prepared("list_requested")
    notice_end = registry.chain.timestamp() + 86_400
    registry.send(actors.center_officer, "list_coupon", coupon_id, PRICE_FEN_PER_TONNE, notice_end, DISCLOSURE_HASH)
    story.settle(coupon_id, PART)
    rest = coupon_id + 2
    assert (registry.coupon(rest).state, registry.call("listing_end", rest)) == (LISTED, notice_end)
    evm.time_travel(notice_end + 1)
    with expect_revert("ledger: listing expired"):
        story.settle(rest, 1_000)


@pytest.mark.parametrize("buyer", ["holder", "zero"], ids=["seller_itself", "zero_address"])
def test_settle_trade__bad_buyer__reverts(prepared, story, actors, expect_revert, buyer):
    coupon_id = prepared("listed")
    address = actors.holder.address if buyer == "holder" else ZERO_ADDRESS
    with expect_revert("ledger: bad counterparty"):
        story.settle(coupon_id, PART, buyer=address)


def test_settle_trade__zero_amount__reverts(prepared, story, expect_revert):
    coupon_id = prepared("listed")
    with expect_revert("ledger: zero amount"):
        story.settle(coupon_id, 0)


# ---------------------------------------------------------------- transfer registration (附件1 三(四), 附件8)


# ---------------------------------------------------------------- pledge (§2, §4)


@pytest.mark.parametrize("releaser", ["pledgee", "finance_officer"])
def test_release_pledge__by_pledgee_or_finance__owner_holds_it_free(prepared, registry, actors, releaser):
    coupon_id = prepared("pledged")
    receipt = registry.send(getattr(actors, releaser), "release_pledge", coupon_id)
    assert_moved(registry, receipt, coupon_id, actors.holder.address, ACTIVE)
    assert registry.call("pledgee_of", coupon_id) == ZERO_ADDRESS
    assert receipt.event("PledgeReleased").args == {"coupon": coupon_id, "pledgee": actors.pledgee.address}


def test_release_pledge__pledgee_of_another_coupon__reverts(prepared, story, registry, actors, expect_revert):
    coupon_id = prepared("pledged")
    other = story.mint()
    story.request(other, Action.PLEDGE, counterparty=actors.buyer.address)
    registry.send(actors.finance_officer, "register_pledge", other, SECURED_FEN, TERM_END)
    with expect_revert(MISSING_ROLE):
        registry.send(actors.buyer, "release_pledge", coupon_id)


def test_enforce_pledge__pledged__pledgee_becomes_owner(prepared, registry, actors):
    coupon_id = prepared("pledged")
    receipt = registry.send(actors.finance_officer, "enforce_pledge", coupon_id)
    assert_moved(registry, receipt, coupon_id, actors.pledgee.address, ACTIVE)
    assert registry.call("pledgee_of", coupon_id) == ZERO_ADDRESS
    assert receipt.event("PledgeEnforced").args == {
        "coupon": coupon_id,
        "owner": actors.holder.address,
        "pledgee": actors.pledgee.address,
    }


# ---------------------------------------------------------------- supervision freeze (§6)

# Each live state a coupon can be frozen in: where it starts, and the state an unfreeze restores.
FREEZABLE = {"active": ACTIVE, "listed": LISTED, "pledged": PLEDGED, "lost_reported": LOST_REPORTED}


def beside_the_state(registry, coupon_id: int) -> tuple:
    """What a coupon carries beside its state, which a freeze and an unfreeze leave alone."""
    return (
        registry.call("pledgee_of", coupon_id),
        registry.call("loss_notice_end", coupon_id),
        registry.reissue_of(coupon_id),
        registry.voiding_signatures(coupon_id),
    )


@pytest.mark.parametrize("start", FREEZABLE)
@pytest.mark.parametrize("supervisor", SUPERVISORS)
def test_freeze__live_coupon_by_supervising_department__frozen_with_reason_and_previous_state(
    prepared, registry, actors, supervisor, start
):
    coupon_id = prepared(start)
    kept = beside_the_state(registry, coupon_id)
    receipt = registry.send(getattr(actors, supervisor), "freeze", coupon_id, FREEZE_REASON)
    assert_moved(registry, receipt, coupon_id, actors.holder.address, FROZEN)
    assert registry.frozen_from(coupon_id) == FREEZABLE[start]
    assert beside_the_state(registry, coupon_id) == kept
    assert receipt.event("CouponFrozen").args == {
        "coupon": coupon_id,
        "department": SUPERVISOR_ROLE[supervisor].id,
        "reason": FREEZE_REASON,
        "previous_state": FREEZABLE[start],
    }


def test_freeze__owner_consent_pending__consent_lapses(prepared, registry, actors):
    coupon_id = prepared("offset_requested")
    registry.send(actors.eeb_officer, "freeze", coupon_id, FREEZE_REASON)
    assert registry.request_of(coupon_id) == NO_REQUEST


@pytest.mark.parametrize("start", FREEZABLE)
@pytest.mark.parametrize("supervisor", SUPERVISORS)
def test_unfreeze__by_supervising_department__state_it_was_frozen_in_restored(
    prepared, registry, actors, supervisor, start
):
    coupon_id = prepared("frozen" if start == "active" else f"frozen_{start}")
    kept = beside_the_state(registry, coupon_id)
    receipt = registry.send(getattr(actors, supervisor), "unfreeze", coupon_id)
    assert_moved(registry, receipt, coupon_id, actors.holder.address, FREEZABLE[start])
    assert registry.frozen_from(coupon_id) is None
    assert beside_the_state(registry, coupon_id) == kept
    assert receipt.event("CouponUnfrozen").args == {"coupon": coupon_id, "department": SUPERVISOR_ROLE[supervisor].id}


def test_unfreeze__listed_coupon__can_be_sold_again(prepared, story, registry, actors):
    coupon_id = prepared("frozen_listed")
    registry.send(actors.nrb_officer, "unfreeze", coupon_id)
    receipt = story.settle(coupon_id, AMOUNT)
    assert_moved(registry, receipt, coupon_id, actors.buyer.address, ACTIVE)


# A frozen coupon cannot be traded, transferred, pledged, released, enforced, offset or reissued:
# every step but unfreezing and voiding refuses it, whatever state it was frozen in.
FROZEN_REFUSALS = [
    ("frozen_listed", "settle_trade"),
    ("frozen_listed", "withdraw_listing"),
    ("frozen_pledged", "release_pledge"),
    ("frozen_pledged", "enforce_pledge"),
    ("frozen", "register_transfer"),
    ("frozen", "retire"),
    ("frozen", "list_coupon"),
    ("frozen", "report_loss"),
    *(
        ("frozen_lost_reported", function)
        for function in LEDGER_STEPS
        if LEDGER_STEPS[function].state == LOST_REPORTED and function != "resubmit_reissue"
    ),
    ("frozen_lost_reported", "reissue"),
]


@pytest.mark.parametrize(("start", "function"), FROZEN_REFUSALS)
def test_step__frozen_coupon__reverts(prepared, story, expect_revert, start, function):
    coupon_id = prepared(start)
    with expect_revert(LEDGER_STEPS[function].not_in_state):
        story.take(function, coupon_id)


def test_resubmit_reissue__frozen_coupon__reverts(prepared, story, registry, actors, expect_revert):
    coupon_id = prepared("reissue_supplement_required")
    story.freeze(coupon_id)
    with expect_revert("ledger: coupon not lost reported"):
        story.take("resubmit_reissue", coupon_id)


def test_reissue__frozen_after_filing_and_notice__reverts(prepared, story, expect_revert):
    coupon_id = prepared("reissue_due")
    story.freeze(coupon_id)
    with expect_revert("ledger: coupon not lost reported"):
        story.take("reissue", coupon_id)


# ---------------------------------------------------------------- voiding a coupon found invalid (§5 注销, §6)

VOIDERS = {"nrb_officer": Role.NRB, "forestry_officer": Role.FORESTRY}
VOIDING_DIGEST = keccak(abi_encode(["string", "bytes32"], [INVALID_REASON, INSPECTION_HASH]))


@pytest.mark.parametrize("signer", VOIDERS)
def test_sign_voiding__first_signature__recorded_coupon_unchanged(prepared, registry, actors, signer):
    coupon_id = prepared("active")
    receipt = registry.send(getattr(actors, signer), "sign_voiding", coupon_id, INVALID_REASON, INSPECTION_HASH)
    assert registry.coupon(coupon_id) == whole_coupon(coupon_id, actors.holder.address, ACTIVE)
    assert registry.voiding_signatures(coupon_id) == VoidingSignatures(
        VOIDING_DIGEST, signer == "nrb_officer", signer == "forestry_officer"
    )
    assert registry.invalidation(coupon_id) is None
    assert receipt.event("VoidingSigned").args == {
        "coupon": coupon_id,
        "department": VOIDERS[signer].id,
        "reason": INVALID_REASON,
        "inspection_hash": INSPECTION_HASH,
    }
    assert receipt.named("CouponInvalidated") == [] and moves(receipt) == []


@pytest.mark.parametrize("start", [*LIVE_STARTS, "frozen_pledged", "frozen_lost_reported", "reissue_registered"])
@pytest.mark.parametrize(("first", "second"), [("nrb_officer", "forestry_officer"), ("forestry_officer", "nrb_officer")])
def test_sign_voiding__both_departments_either_order__voided_invalid_with_reason(
    prepared, registry, actors, start, first, second
):
    coupon_id = prepared(start)
    lost = registry.reissue_of(coupon_id) != NO_REISSUE
    registry.send(getattr(actors, first), "sign_voiding", coupon_id, INVALID_REASON, INSPECTION_HASH)
    receipt = registry.send(getattr(actors, second), "sign_voiding", coupon_id, INVALID_REASON, INSPECTION_HASH)
    assert_moved(registry, receipt, coupon_id, actors.holder.address, VOIDED)
    assert registry.invalidation(coupon_id) == Invalidation(INVALID_REASON, INSPECTION_HASH)
    # Nothing acts on it again: its pledge, freeze, loss report and signatures end with it.
    assert beside_the_state(registry, coupon_id) == (ZERO_ADDRESS, 0, NO_REISSUE, NO_VOIDING)
    assert registry.frozen_from(coupon_id) is None
    assert (registry.call("replaced_by", coupon_id), registry.call("reissue_filing", coupon_id)) == (0, "")
    assert receipt.event("VoidingSigned").args["department"] == VOIDERS[second].id
    assert receipt.event("CouponInvalidated").args == {
        "coupon": coupon_id,
        "reason": INVALID_REASON,
        "inspection_hash": INSPECTION_HASH,
    }
    assert receipt.named("CouponVoided") == []
    # a loss report ends with it (a move to no procedure); a coupon never lost has no procedure to move
    assert reissue_moves(receipt) == ([(coupon_id, NO_REISSUE, 0)] if lost else [])


def test_sign_voiding__owner_consent_pending__consent_ends(prepared, story, registry, actors):
    coupon_id = prepared("offset_requested")
    story.invalidate(coupon_id)
    assert registry.request_of(coupon_id) == NO_REQUEST


@pytest.mark.parametrize(
    ("reason", "inspection_hash"), [("另一事由", INSPECTION_HASH), (INVALID_REASON, b"\x78" * 32)], ids=["reason", "record"]
)
def test_sign_voiding__other_department_signs_a_different_finding__starts_over_coupon_unchanged(
    prepared, registry, actors, reason, inspection_hash
):
    coupon_id = prepared("voiding_signed")  # NRB signed INVALID_REASON, INSPECTION_HASH
    receipt = registry.send(actors.forestry_officer, "sign_voiding", coupon_id, reason, inspection_hash)
    digest = keccak(abi_encode(["string", "bytes32"], [reason, inspection_hash]))
    assert registry.voiding_signatures(coupon_id) == VoidingSignatures(digest, False, True)
    assert registry.coupon(coupon_id).state == ACTIVE
    assert receipt.named("CouponInvalidated") == [] and moves(receipt) == []
    receipt = registry.send(actors.nrb_officer, "sign_voiding", coupon_id, reason, inspection_hash)
    assert_moved(registry, receipt, coupon_id, actors.holder.address, VOIDED)
    assert registry.invalidation(coupon_id) == Invalidation(reason, inspection_hash)


def test_sign_voiding__same_department_twice__reverts(prepared, registry, actors, expect_revert):
    coupon_id = prepared("voiding_signed")
    with expect_revert("ledger: already signed"):
        registry.send(actors.nrb_officer, "sign_voiding", coupon_id, INVALID_REASON, INSPECTION_HASH)


@pytest.mark.parametrize(
    ("reason", "inspection_hash", "revert"),
    [("", INSPECTION_HASH, "ledger: empty reason"), (INVALID_REASON, b"\x00" * 32, "ledger: empty inspection record")],
    ids=["no_reason", "no_inspection_record"],
)
def test_sign_voiding__finding_incomplete__reverts(
    prepared, registry, actors, expect_revert, reason, inspection_hash, revert
):
    coupon_id = prepared("voiding_signed")
    with expect_revert(revert):
        registry.send(actors.forestry_officer, "sign_voiding", coupon_id, reason, inspection_hash)


def test_sign_voiding__voided_invalid_coupon__reverts_not_live(prepared, story, expect_revert):
    coupon_id = prepared("invalidated")
    for signer in VOIDERS:
        with expect_revert("ledger: coupon not live"):
            story.sign_voiding(coupon_id, signer=signer)


# ---------------------------------------------------------------- loss and reissue (§12, 附件1 二)


def test_report_loss__owner_requested__lost_reported_with_30_day_notice(prepared, registry, actors):
    coupon_id = prepared("loss_requested")
    receipt = registry.send(actors.center_officer, "report_loss", coupon_id)
    notice_end = block_time(registry, receipt) + LOSS_NOTICE_SECONDS
    assert_moved(registry, receipt, coupon_id, actors.holder.address, LOST_REPORTED)
    assert registry.call("loss_notice_end", coupon_id) == notice_end
    assert registry.reissue_of(coupon_id) == Reissue(ReissueStage.REPORTED, False, False)
    assert registry.call("reissue_stage", coupon_id) == ReissueStage.REPORTED
    assert registry.request_of(coupon_id) == NO_REQUEST
    assert receipt.event("LossReported").args == {"coupon": coupon_id, "notice_end": notice_end}
    assert reissue_moves(receipt) == [(coupon_id, Reissue(ReissueStage.REPORTED, False, False), notice_end)]


@pytest.mark.parametrize(
    "start", ["lost_reported", "reissue_supplement_required", "reissue_survey_paused", "reissue_reviewed",
              "reissue_registered"]
)
def test_withdraw_loss__certificate_found_before_filing__active_and_notice_and_stage_cleared(
    prepared, registry, actors, start
):
    coupon_id = prepared(start)
    receipt = registry.send(actors.center_officer, "withdraw_loss", coupon_id)
    assert_moved(registry, receipt, coupon_id, actors.holder.address, ACTIVE)
    assert registry.call("loss_notice_end", coupon_id) == 0
    assert registry.reissue_of(coupon_id) == NO_REISSUE
    assert registry.call("reissue_filing", coupon_id) == ""
    assert receipt.event("LossWithdrawn").args == {"coupon": coupon_id}
    assert reissue_moves(receipt) == [(coupon_id, NO_REISSUE, 0)]


# Each reissue step that keeps the coupon LOST_REPORTED (附件1 二(二)-(四)): where it starts, the
# procedure afterwards, and its event.
REISSUE_STEPS = {
    "pass_reissue_formal_review": (
        "lost_reported", Reissue(ReissueStage.FORMAL_OK, False, False), "ReissueFormalReviewPassed", {}
    ),
    "require_reissue_supplement": (
        "lost_reported", Reissue(ReissueStage.REPORTED, True, False), "ReissueSupplementRequired",
        {"missing_items": MISSING_REISSUE_ITEMS},
    ),
    "resubmit_reissue": (
        "reissue_supplement_required", Reissue(ReissueStage.REPORTED, False, False), "ReissueResubmitted", {}
    ),
    "pause_reissue_survey": (
        "reissue_formal_ok", Reissue(ReissueStage.FORMAL_OK, False, True), "ReissueSurveyPaused", {}
    ),
    "resume_reissue_survey": (
        "reissue_survey_paused", Reissue(ReissueStage.FORMAL_OK, False, False), "ReissueSurveyResumed", {}
    ),
    "pass_reissue_review": (
        "reissue_formal_ok", Reissue(ReissueStage.REVIEWED, False, False), "ReissueReviewPassed", {}
    ),
    "register_reissue": (
        "reissue_reviewed", Reissue(ReissueStage.REGISTERED, False, False), "ReissueRegistered", {}
    ),
    "file_reissue": (
        "reissue_registered", Reissue(ReissueStage.FILED, False, False), "ReissueFiled",
        {"filing_number": REISSUE_FILING_NUMBER},
    ),
}


@pytest.mark.parametrize("function", REISSUE_STEPS)
def test_reissue_step__at_its_stage__stage_advanced_and_event(prepared, story, registry, actors, function):
    start, after, event, args = REISSUE_STEPS[function]
    coupon_id = prepared(start)
    notice_end = registry.call("loss_notice_end", coupon_id)
    receipt = story.take(function, coupon_id)
    assert registry.reissue_of(coupon_id) == after
    assert registry.call("reissue_stage", coupon_id) == after.stage
    assert registry.coupon(coupon_id) == whole_coupon(coupon_id, actors.holder.address, LOST_REPORTED)
    assert registry.call("loss_notice_end", coupon_id) == notice_end
    assert registry.call("reissue_filing", coupon_id) == (REISSUE_FILING_NUMBER if function == "file_reissue" else "")
    assert receipt.event(event).args == {"coupon": coupon_id, **args}
    assert moves(receipt) == []
    assert reissue_moves(receipt) == [(coupon_id, after, notice_end)]


@pytest.mark.parametrize("items", [MISSING_REISSUE_ITEMS, [f"材料{i}" for i in range(1, 17)]], ids=["two", "sixteen"])
def test_require_reissue_supplement__every_missing_item_at_once__event_lists_them(prepared, registry, actors, items):
    coupon_id = prepared("lost_reported")
    receipt = registry.send(actors.center_officer, "require_reissue_supplement", coupon_id, items)
    assert registry.reissue_of(coupon_id).supplement_required
    assert receipt.event("ReissueSupplementRequired").args == {"coupon": coupon_id, "missing_items": items}


def test_resubmit_reissue__then_formal_review__passes(prepared, story, registry):
    coupon_id = prepared("reissue_supplement_required")
    story.take("resubmit_reissue", coupon_id)
    receipt = story.take("pass_reissue_formal_review", coupon_id)
    assert registry.reissue_of(coupon_id) == Reissue(ReissueStage.FORMAL_OK, False, False)
    assert receipt.event("ReissueFormalReviewPassed").args == {"coupon": coupon_id}


def test_pass_reissue_review__survey_resumed__reviewed(prepared, story, registry):
    coupon_id = prepared("reissue_survey_paused")
    story.take("resume_reissue_survey", coupon_id)
    receipt = story.take("pass_reissue_review", coupon_id)
    assert registry.reissue_of(coupon_id) == Reissue(ReissueStage.REVIEWED, False, False)
    assert receipt.event("ReissueReviewPassed").args == {"coupon": coupon_id}


@pytest.mark.parametrize("start", ["reissue_formal_ok", "reissue_survey_paused", "reissue_reviewed"])
def test_refuse_reissue__before_registration__active_again_loss_report_ended(prepared, registry, actors, start):
    coupon_id = prepared(start)
    receipt = registry.send(actors.center_officer, "refuse_reissue", coupon_id, REFUSAL_REASON)
    assert_moved(registry, receipt, coupon_id, actors.holder.address, ACTIVE)
    assert registry.call("loss_notice_end", coupon_id) == 0
    assert registry.reissue_of(coupon_id) == NO_REISSUE
    assert receipt.event("ReissueRefused").args == {"coupon": coupon_id, "reason": REFUSAL_REASON}
    assert reissue_moves(receipt) == [(coupon_id, NO_REISSUE, 0)]


# Reissue steps taken out of turn: (step, starting point, revert).
REISSUE_OUT_OF_TURN = [
    ("pass_reissue_formal_review", "reissue_supplement_required", "ledger: supplement pending"),
    ("require_reissue_supplement", "reissue_supplement_required", "ledger: supplement already required"),
    ("resubmit_reissue", "lost_reported", "ledger: no supplement required"),
    ("pause_reissue_survey", "reissue_survey_paused", "ledger: survey already paused"),
    ("resume_reissue_survey", "reissue_formal_ok", "ledger: survey not paused"),
    ("pass_reissue_review", "reissue_survey_paused", "ledger: field survey in progress"),
]


@pytest.mark.parametrize(("function", "start", "revert"), REISSUE_OUT_OF_TURN)
def test_reissue_step__out_of_turn__reverts(prepared, story, expect_revert, function, start, revert):
    coupon_id = prepared(start)
    with expect_revert(revert):
        story.take(function, coupon_id)


def test_require_reissue_supplement__no_items__reverts(prepared, registry, actors, expect_revert):
    coupon_id = prepared("lost_reported")
    with expect_revert("ledger: no missing items"):
        registry.send(actors.center_officer, "require_reissue_supplement", coupon_id, [])


def test_refuse_reissue__empty_reason__reverts(prepared, registry, actors, expect_revert):
    coupon_id = prepared("reissue_reviewed")
    with expect_revert("ledger: empty reason"):
        registry.send(actors.center_officer, "refuse_reissue", coupon_id, "")


def test_file_reissue__empty_filing_number__reverts(prepared, registry, actors, expect_revert):
    coupon_id = prepared("reissue_registered")
    with expect_revert("ledger: empty filing number"):
        registry.send(actors.eeb_officer, "file_reissue", coupon_id, "")


def _assert_reissued(
    registry, actors, receipt, old: int, *, old_seq: int, seq: int, first: int, last: int, old_parent=0
):
    """The old coupon is VOIDED and points to its replacement, which takes over its serial block."""
    new = receipt.event("CouponCreated").args["coupon"]
    amount = last - first + 1
    assert registry.reissue_of(old) == NO_REISSUE
    assert registry.call("reissue_filing", old) == REISSUE_FILING_NUMBER
    assert registry.coupon(old) == Coupon(
        old, actors.holder.address, VOIDED, 1, old_seq, first, last, amount, old_parent
    )
    assert registry.call("replaced_by", old) == new
    assert registry.coupon(new) == Coupon(new, actors.holder.address, ACTIVE, 1, seq, first, last, amount, 0)
    assert created(receipt) == {
        new: {
            "coupon": new,
            "issuance": 1,
            "owner": actors.holder.address,
            "seq": seq,
            "first_serial": first,
            "last_serial": last,
            "state": ACTIVE,
            "parent": 0,
            "replaces": old,
        }
    }
    assert receipt.event("CouponVoided").args == {"coupon": old, "replaced_by": new}
    assert moves(receipt) == [(old, actors.holder.address, VOIDED)]
    # the procedure ends; the old coupon keeps its notice end, which the new one shows
    assert reissue_moves(receipt) == [(old, NO_REISSUE, registry.call("loss_notice_end", old))]
    return new


def test_reissue__filed_and_notice_over__old_voided_new_number_same_block(prepared, registry, actors):
    coupon_id = prepared("reissue_due")
    receipt = registry.send(actors.gov_officer, "reissue", coupon_id)
    _assert_reissued(registry, actors, receipt, coupon_id, old_seq=1, seq=2, first=1, last=AMOUNT)
    assert registry.issuance(1).coupon_count == 2


def test_reissue__exactly_at_notice_end__reissued(prepared, registry, actors, evm):
    coupon_id = prepared("reissue_filed")
    notice_end = registry.call("loss_notice_end", coupon_id)
    evm.time_travel(notice_end)
    receipt = registry.send(actors.gov_officer, "reissue", coupon_id)
    assert block_time(registry, receipt) == notice_end
    _assert_reissued(registry, actors, receipt, coupon_id, old_seq=1, seq=2, first=1, last=AMOUNT)


@pytest.mark.parametrize("seconds_before_notice_end", [1, None], ids=["one_second_before", "right_after_filing"])
def test_reissue__notice_period_not_over__reverts(
    prepared, registry, actors, evm, expect_revert, seconds_before_notice_end
):
    coupon_id = prepared("reissue_filed")
    if seconds_before_notice_end is not None:
        evm.time_travel(registry.call("loss_notice_end", coupon_id) - seconds_before_notice_end)
    with expect_revert("ledger: notice period not over"):
        registry.send(actors.gov_officer, "reissue", coupon_id)


@pytest.mark.parametrize("start", ["lost_reported", "reissue_formal_ok", "reissue_reviewed", "reissue_registered"])
def test_reissue__not_filed_by_eeb__reverts(prepared, registry, actors, evm, expect_revert, start):
    coupon_id = prepared(start)
    evm.time_travel(registry.call("loss_notice_end", coupon_id) + 1)
    with expect_revert("ledger: reissue not filed"):
        registry.send(actors.gov_officer, "reissue", coupon_id)


def test_reissue__progress_of_a_withdrawn_loss_report__reverts_not_filed(
    prepared, story, registry, actors, evm, expect_revert
):
    coupon_id = prepared("reissue_registered")
    registry.send(actors.center_officer, "withdraw_loss", coupon_id)
    story.report_loss(coupon_id)
    assert registry.reissue_of(coupon_id) == Reissue(ReissueStage.REPORTED, False, False)
    evm.time_travel(registry.call("loss_notice_end", coupon_id))
    with expect_revert("ledger: reissue not filed"):
        registry.send(actors.gov_officer, "reissue", coupon_id)


# ---------------------------------------------------------------- offset (§14, §15)


@pytest.mark.parametrize("purpose", list(OffsetPurpose))
def test_retire__whole_coupon__retired_with_certificate_event(prepared, registry, actors, purpose):
    coupon_id = prepared("offset_requested")
    receipt = retire(registry, actors, coupon_id, purpose)
    assert_moved(registry, receipt, coupon_id, actors.holder.address, RETIRED)
    assert registry.request_of(coupon_id) == NO_REQUEST
    assert receipt.named("CouponSplit") == []
    assert receipt.event("CouponRetired").args == {
        "coupon": coupon_id,
        "owner": actors.holder.address,
        "issuance": 1,
        "seq": 1,
        "first_serial": 1,
        "last_serial": AMOUNT,
        "amount_kg": AMOUNT,
        "purpose": purpose,
        "beneficiary": BENEFICIARY,
        "case_reference": CASE_REFERENCE,
    }


@pytest.mark.parametrize(
    "purpose",
    [
        0,
        8,
        int(OffsetPurpose.ECO_COMPENSATION | OffsetPurpose.EVENT_NEUTRALITY),
    ],
    ids=["zero", "beyond_last_flag", "two_purposes"],
)
def test_retire__unknown_purpose__reverts(prepared, registry, actors, expect_revert, purpose):
    coupon_id = prepared("offset_requested")
    with expect_revert("ledger: unknown purpose"):
        registry.send(actors.eeb_officer, "retire", coupon_id, purpose, BENEFICIARY, CASE_REFERENCE)


def test_retire__empty_beneficiary__reverts(prepared, registry, actors, expect_revert):
    coupon_id = prepared("offset_requested")
    with expect_revert("ledger: empty beneficiary"):
        retire(registry, actors, coupon_id, beneficiary="")


# ---------------------------------------------------------------- trade, transfer, pledge, offset: whole or part


@dataclass(frozen=True)
class AmountStep:
    """A step that moves an amount of a coupon: the whole coupon, or the first block of a split."""

    start: str  # the starting point; the owner then consents to the amount (a trade needs no consent)
    consent: Action | None
    function: str
    arguments: Callable  # (coupon_id, actors, amount_kg) -> the step's arguments
    rest_state: CouponState  # the parent's state, kept by the rest
    part_owner: str
    part_state: CouponState
    event: str
    event_args: Callable  # (actors, part, amount_kg) -> the step's event


AMOUNT_STEPS = {
    "trade": AmountStep(
        "listed",
        None,
        "settle_trade",
        lambda c, a, kg: (c, a.buyer.address, kg, PRICE_FEN_PER_TONNE, SERVICE_FEE_FEN, AGREEMENT_HASH),
        LISTED,
        "buyer",
        ACTIVE,
        "TradeSettled",
        lambda a, part, kg: {
            "coupon": part,
            "seller": a.holder.address,
            "buyer": a.buyer.address,
            "amount_kg": kg,
            "price_fen_per_tonne": PRICE_FEN_PER_TONNE,
            "service_fee_fen": SERVICE_FEE_FEN,
            "agreement_hash": AGREEMENT_HASH,
        },
    ),
    "transfer": AmountStep(
        "active",
        Action.TRANSFER,
        "register_transfer",
        lambda c, a, kg: (c,),
        ACTIVE,
        "buyer",
        ACTIVE,
        "CouponTransferred",
        lambda a, part, kg: {"coupon": part, "sender": a.holder.address, "receiver": a.buyer.address, "amount_kg": kg},
    ),
    "pledge": AmountStep(
        "active",
        Action.PLEDGE,
        "register_pledge",
        lambda c, a, kg: (c, SECURED_FEN, TERM_END),
        ACTIVE,
        "holder",
        PLEDGED,
        "CouponPledged",
        lambda a, part, kg: {
            "coupon": part,
            "owner": a.holder.address,
            "pledgee": a.pledgee.address,
            "amount_kg": kg,
            "secured_fen": SECURED_FEN,
            "term_end": TERM_END,
        },
    ),
    "offset": AmountStep(
        "active",
        Action.OFFSET,
        "retire",
        lambda c, a, kg: (c, int(OffsetPurpose.ECO_COMPENSATION), BENEFICIARY, CASE_REFERENCE),
        ACTIVE,
        "holder",
        RETIRED,
        "CouponRetired",
        lambda a, part, kg: {
            "coupon": part,
            "owner": a.holder.address,
            "issuance": 1,
            "seq": 1 if kg == AMOUNT else 2,
            "first_serial": 1,
            "last_serial": kg,
            "amount_kg": kg,
            "purpose": OffsetPurpose.ECO_COMPENSATION,
            "beneficiary": BENEFICIARY,
            "case_reference": CASE_REFERENCE,
        },
    ),
}


AMOUNT_STEPS["redeem"] = AmountStep(  # 兑现 (§2): to the designated acquirer (the buyer actor) at its price
    "redemption_open",
    Action.REDEEM,
    "redeem",
    lambda c, a, kg: (c, AGREEMENT_HASH),
    ACTIVE,
    "buyer",
    ACTIVE,
    "CouponRedeemed",
    lambda a, part, kg: {
        "coupon": part,
        "seller": a.holder.address,
        "acquirer": a.buyer.address,
        "amount_kg": kg,
        "price_fen_per_tonne": REDEMPTION_PRICE_FEN,
        "agreement_hash": AGREEMENT_HASH,
    },
)


def take_amount_step(prepared, story, registry, actors, way: str, amount_kg: int):
    """Prepare the coupon, have the owner consent to `amount_kg` (trades need none), take the step."""
    step = AMOUNT_STEPS[way]
    coupon_id = prepared(step.start)
    if step.consent:
        story.request(coupon_id, step.consent, amount_kg=amount_kg)  # a transferee or pledgee: buyer, pledgee
    sender = getattr(actors, LEDGER_STEPS[step.function].signer)
    return step, coupon_id, registry.send(sender, step.function, *step.arguments(coupon_id, actors, amount_kg))


@pytest.mark.parametrize("way", AMOUNT_STEPS)
def test_amount_step__whole_coupon__coupon_itself_moves_without_split(prepared, story, registry, actors, way):
    step, coupon_id, receipt = take_amount_step(prepared, story, registry, actors, way, AMOUNT)
    assert_moved(registry, receipt, coupon_id, getattr(actors, step.part_owner).address, step.part_state)
    assert registry.coupon_count() == 1
    assert receipt.named("CouponSplit") == [] and receipt.named("CouponCreated") == []
    assert receipt.event(step.event).args == step.event_args(actors, coupon_id, AMOUNT)
    assert registry.request_of(coupon_id) == NO_REQUEST
    pledgee = actors.pledgee.address if step.part_state == PLEDGED else ZERO_ADDRESS
    assert registry.call("pledgee_of", coupon_id) == pledgee


@pytest.mark.parametrize("amount_kg", [1, PART, AMOUNT - 1], ids=["one_kg", "part", "all_but_one_kg"])
@pytest.mark.parametrize("way", AMOUNT_STEPS)
def test_amount_step__part_of_coupon__split_first_block_moves_rest_stays(
    prepared, story, registry, actors, way, amount_kg
):
    step, parent, receipt = take_amount_step(prepared, story, registry, actors, way, amount_kg)
    part, rest = assert_split(
        registry,
        receipt,
        parent,
        amount_kg,
        owner=actors.holder.address,
        state=step.rest_state,
        part_owner=getattr(actors, step.part_owner).address,
        part_state=step.part_state,
    )
    assert receipt.event(step.event).args == step.event_args(actors, part, amount_kg)
    assert registry.request_of(parent) == NO_REQUEST
    pledgee = actors.pledgee.address if step.part_state == PLEDGED else ZERO_ADDRESS
    assert (registry.call("pledgee_of", part), registry.call("pledgee_of", rest)) == (pledgee, ZERO_ADDRESS)


# ---------------------------------------------------------------- redemption (兑现, §2)


def test_set_redemption__by_drc__acquirer_and_price_published_with_event(registry, actors):
    receipt = registry.send(actors.drc, "set_redemption", actors.buyer.address, REDEMPTION_PRICE_FEN)
    assert (registry.call("acquirer"), registry.call("redemption_price_fen")) == (
        actors.buyer.address, REDEMPTION_PRICE_FEN)
    assert receipt.event("RedemptionTermsSet").args == {
        "acquirer": actors.buyer.address, "price_fen_per_tonne": REDEMPTION_PRICE_FEN}


@pytest.mark.parametrize("actor", all_but("drc"))
def test_set_redemption__caller_without_drc_role__reverts(registry, actors, expect_revert, actor):
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "set_redemption", actors.buyer.address, REDEMPTION_PRICE_FEN)


@pytest.mark.parametrize(("acquirer", "price", "revert"), [
    (ZERO_ADDRESS, REDEMPTION_PRICE_FEN, "ledger: bad counterparty"), (None, 0, "ledger: zero price")])
def test_set_redemption__no_acquirer_or_no_price__reverts(registry, actors, expect_revert, acquirer, price, revert):
    with expect_revert(revert):
        registry.send(actors.drc, "set_redemption", acquirer or actors.buyer.address, price)


def test_redeem__no_acquirer_designated__reverts_and_nothing_changed(prepared, story, expect_revert):
    coupon_id = prepared("redeem_requested_no_acquirer")
    with expect_revert("ledger: no designated acquirer"):
        story.take("redeem", coupon_id)


def test_redeem__owner_is_the_acquirer__reverts_bad_counterparty(prepared, story, actors, expect_revert):
    coupon_id = prepared("redeem_requested")
    story.open_redemption(acquirer=actors.holder.address)
    with expect_revert("ledger: bad counterparty"):
        story.take("redeem", coupon_id)


def test_redeem__price_republished_before__the_redemption_pays_the_new_one(prepared, story, registry, actors):
    coupon_id = prepared("redeem_requested")
    story.open_redemption(price_fen_per_tonne=2_800)
    receipt = story.take("redeem", coupon_id)
    assert receipt.event("CouponRedeemed").args["price_fen_per_tonne"] == 2_800
    assert registry.coupon(coupon_id).owner == actors.buyer.address


def test_redeem__remainder_of_a_partial_redemption__reverts_no_owner_request(
    prepared, story, registry, actors, expect_revert
):
    coupon_id = prepared("redemption_open")
    story.request(coupon_id, Action.REDEEM, amount_kg=PART)
    story.take("redeem", coupon_id)  # the part is the acquirer's; the consent is spent
    rest = coupon_id + 2
    assert registry.coupon(rest).owner == actors.holder.address
    with expect_revert("ledger: no owner request"):
        story.take("redeem", rest)


# ---------------------------------------------------------------- coupon numbers (§7)


def test_coupon_seq__splits_and_reissue__increment_within_issuance(prepared, story, registry, actors, evm):
    parent = prepared("listed")
    story.settle(parent, PART)  # seq 2 (buyer), seq 3 (rest, listed)
    rest = parent + 2
    registry.send(actors.center_officer, "withdraw_listing", rest)
    story.request(rest, Action.OFFSET, amount_kg=1_000)
    retire(registry, actors, rest)  # seq 4 (retired), seq 5 (rest)
    remainder = rest + 2
    story.file_reissue(remainder)
    evm.time_travel(registry.call("loss_notice_end", remainder))
    receipt = registry.send(actors.gov_officer, "reissue", remainder)
    new = _assert_reissued(
        registry, actors, receipt, remainder, old_seq=5, seq=6, first=PART + 1_001, last=AMOUNT, old_parent=rest
    )
    assert [registry.coupon(i).seq for i in range(parent, new + 1)] == [1, 2, 3, 4, 5, 6]
    assert registry.issuance(1).coupon_count == 6


# ---------------------------------------------------------------- events alone tell every owner and state


def test_events__every_transition__replay_gives_each_coupons_owner_and_state(story, registry, actors, evm):
    """An indexer that applies CouponCreated and CouponMoved, and knows no transition
    table, has the chain's owner and state of every coupon after every step."""
    first_block = registry.chain.head() + 1
    seen: set[CouponState] = set()

    def assert_replay_equals_chain():
        read = registry.chain.block_logs(first_block, registry.chain.head(), [registry.ledger.address])
        replayed = {}
        for event in registry.chain.decode_logs(read.logs):
            if event.name in ("CouponCreated", "CouponMoved"):
                replayed[event.args["coupon"]] = (event.args["owner"], event.args["state"])
        coupons = [registry.coupon(i) for i in range(1, registry.coupon_count() + 1)]
        assert replayed == {coupon.id: (coupon.owner, coupon.state) for coupon in coupons}
        seen.update(coupon.state for coupon in coupons)

    c = registry.coupon_count() + 1  # the coupon the story mints
    steps = [
        lambda: story.mint(),
        lambda: story.list(c),
        lambda: story.take("settle_trade", c),  # c + 1 the buyer's part, c + 2 the listed rest
        lambda: story.take("withdraw_listing", c + 2),
        lambda: story.consented(Action.TRANSFER, c + 2, amount_kg=1_000),  # c + 3 the buyer's, c + 4 kept
        lambda: story.pledge(c + 4),
        lambda: story.take("release_pledge", c + 4, sender=actors.pledgee),
        lambda: story.pledge(c + 4),
        lambda: story.take("enforce_pledge", c + 4),  # the pledgee owns it now
        lambda: story.freeze(c + 4),
        lambda: story.take("unfreeze", c + 4),
        lambda: story.report_loss(c + 4),
        lambda: story.take("withdraw_loss", c + 4),
        lambda: story.report_loss(c + 4),
        lambda: story.take("pass_reissue_formal_review", c + 4),
        lambda: story.take("refuse_reissue", c + 4),
        lambda: story.list(c + 4),
        lambda: story.freeze(c + 4),
        lambda: story.take("unfreeze", c + 4),  # listed again
        lambda: story.take("withdraw_listing", c + 4),
        lambda: story.file_reissue(c + 4),
        lambda: story.freeze(c + 4),
        lambda: story.take("unfreeze", c + 4),  # lost reported again
        lambda: evm.time_travel(registry.call("loss_notice_end", c + 4)),
        lambda: story.take("reissue", c + 4),  # c + 5 replaces it
        lambda: story.retire(c + 5, amount_kg=1),  # c + 6 retired, c + 7 the rest
        lambda: story.list(c + 7),
        lambda: story.freeze(c + 7),
        lambda: story.invalidate(c + 7),  # voided as invalid while frozen
    ]
    for step in steps:
        step()
        assert_replay_equals_chain()
    assert seen == set(CouponState)


# ---------------------------------------------------------------- who may take each step, from which state


@dataclass(frozen=True)
class Rules:
    """Who may take a ledger step, on a coupon in which state, with which consent."""

    start: str  # a starting point where the step succeeds
    allowed: tuple[str, ...]  # the actors who may take it
    refusal: str  # the revert for everyone else
    # starting points in a state the step does not act on (its `not_in_state` revert), or
    # (starting point, revert) for one in its state but not ready for it (a reissue stage …)
    wrong_starts: tuple[str | tuple[str, str], ...] = ()
    unconsented: tuple[str, ...] = ()  # starting points without the owner's consent to it


def wrong_start_cases() -> list[tuple[str, str, str]]:
    """(function, starting point, revert) for every wrong start in RULES."""
    cases = []
    for function, rules in RULES.items():
        for wrong in rules.wrong_starts:
            start, revert = wrong if isinstance(wrong, tuple) else (wrong, LEDGER_STEPS[function].not_in_state)
            cases.append((function, start, revert))
    return cases


CENTER, FINANCE = ("center_officer",), ("finance_officer",)
VOIDERS_BOTH = ("nrb_officer", "forestry_officer")
RULES = {
    "request": Rules("active", ("holder",), "ledger: not owner", ("listed", "lost_reported")),
    "cancel_request": Rules("transfer_requested", ("holder",), "ledger: not owner", unconsented=("active",)),
    "list_coupon": Rules("list_requested", CENTER, MISSING_ROLE, ("frozen",), ("active", "transfer_requested")),
    "withdraw_listing": Rules("listed", CENTER, MISSING_ROLE, ("active",)),
    "settle_trade": Rules("listed", CENTER, MISSING_ROLE, ("list_requested", "frozen")),
    "register_transfer": Rules("transfer_requested", CENTER, MISSING_ROLE, ("frozen",), ("active", "offset_requested")),
    "register_pledge": Rules("pledge_requested", FINANCE, MISSING_ROLE, ("pledged",), ("active", "transfer_requested")),
    "release_pledge": Rules("pledged", ("pledgee", *FINANCE), MISSING_ROLE, ("active",)),
    "enforce_pledge": Rules("pledged", FINANCE, MISSING_ROLE, ("pledge_requested",)),
    "freeze": Rules("active", SUPERVISORS, MISSING_ROLE, (("frozen_listed", "ledger: coupon already frozen"),)),
    "unfreeze": Rules("frozen", SUPERVISORS, MISSING_ROLE, ("active", "listed", "lost_reported")),
    "sign_voiding": Rules("listed", VOIDERS_BOTH, MISSING_ROLE),
    "report_loss": Rules("loss_requested", CENTER, MISSING_ROLE, ("lost_reported",), ("active", "offset_requested")),
    "withdraw_loss": Rules("lost_reported", CENTER, MISSING_ROLE, ("loss_requested", ("reissue_filed", WRONG_STAGE))),
    "require_reissue_supplement": Rules(
        "lost_reported", CENTER, MISSING_ROLE, ("active", ("reissue_formal_ok", WRONG_STAGE))
    ),
    "resubmit_reissue": Rules(
        "reissue_supplement_required", ("holder",), "ledger: not owner", ("active", ("reissue_formal_ok", WRONG_STAGE))
    ),
    "pass_reissue_formal_review": Rules(
        "lost_reported", CENTER, MISSING_ROLE, ("loss_requested", ("reissue_formal_ok", WRONG_STAGE))
    ),
    "pause_reissue_survey": Rules(
        "reissue_formal_ok", CENTER, MISSING_ROLE, ("active", ("lost_reported", WRONG_STAGE),
                                                    ("reissue_reviewed", WRONG_STAGE))
    ),
    "resume_reissue_survey": Rules(
        "reissue_survey_paused", CENTER, MISSING_ROLE, ("active", ("lost_reported", WRONG_STAGE))
    ),
    "pass_reissue_review": Rules(
        "reissue_formal_ok", CENTER, MISSING_ROLE, ("active", ("lost_reported", WRONG_STAGE),
                                                    ("reissue_reviewed", WRONG_STAGE))
    ),
    "register_reissue": Rules(
        "reissue_reviewed", CENTER, MISSING_ROLE, ("active", ("reissue_formal_ok", WRONG_STAGE),
                                                   ("reissue_registered", WRONG_STAGE))
    ),
    "refuse_reissue": Rules(  # formal review asks for what is missing and cannot refuse (附件1 二(二))
        "reissue_reviewed", CENTER, MISSING_ROLE, ("active", ("lost_reported", WRONG_STAGE),
                                                   ("reissue_supplement_required", WRONG_STAGE),
                                                   ("reissue_registered", WRONG_STAGE), ("reissue_filed", WRONG_STAGE))
    ),
    "file_reissue": Rules(
        "reissue_registered", ("eeb_officer",), MISSING_ROLE, ("loss_requested", ("lost_reported", WRONG_STAGE),
                                                               ("reissue_reviewed", WRONG_STAGE),
                                                               ("reissue_filed", WRONG_STAGE))
    ),
    "reissue": Rules("reissue_due", ("gov_officer",), MISSING_ROLE, ("loss_requested",)),
    "retire": Rules("offset_requested", ("eeb_officer",), MISSING_ROLE, ("listed",), ("active", "transfer_requested")),
    "redeem": Rules("redeem_requested", CENTER, MISSING_ROLE, ("listed",), ("redemption_open",)),
}


@pytest.mark.parametrize(
    ("function", "actor"), [(function, actor) for function, rules in RULES.items() for actor in all_but(*rules.allowed)]
)
def test_step__caller_without_its_role__reverts(prepared, story, expect_revert, function, actor):
    rules = RULES[function]
    coupon_id = prepared(rules.start)
    with expect_revert(rules.refusal):
        story.take(function, coupon_id, sender=getattr(story.actors, actor))


@pytest.mark.parametrize(("function", "start", "revert"), wrong_start_cases())
def test_step__coupon_not_in_its_state_or_stage__reverts(prepared, story, expect_revert, function, start, revert):
    coupon_id = prepared(start)
    with expect_revert(revert):
        story.take(function, coupon_id)


@pytest.mark.parametrize(
    ("function", "start"), [(function, start) for function, rules in RULES.items() for start in rules.unconsented]
)
def test_step__owner_did_not_consent__reverts(prepared, story, expect_revert, function, start):
    coupon_id = prepared(start)
    with expect_revert("ledger: no owner request"):
        story.take(function, coupon_id)


@pytest.mark.parametrize("function", RULES)
def test_step__unknown_coupon__reverts(story, expect_revert, function):
    with expect_revert("ledger: unknown coupon"):
        story.take(function, UNKNOWN_COUPON)


def test_rules__every_ledger_step_with_a_coupon__has_its_rules():
    assert set(RULES) == set(LEDGER_STEPS)
