"""Every CouponLedger transition (DESIGN §4): the step itself, who may take it,
from which state, and with whose consent.

Positive tests assert the coupon record (state, owner, serial block) and the
event; negative tests assert the exact revert reason and that nothing changed
(`expect_revert`). Role tests are parametrized over every actor that must fail.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from eth_utils import keccak

from chain import Action, ApplicationStatus, Coupon, CouponState, Issuance, OffsetPurpose, Request, Role

ZERO_ADDRESS = "0x" + "00" * 20
AMOUNT = 12_723_000  # kg: the 12,723 t Sanming ticket of ANCHORS.md
PART = 2_723_000  # kg: the 2,723 t sold out of it
LOSS_NOTICE_SECONDS = 30 * 86400
CHINA_STANDARD_TIME = timezone(timedelta(hours=8))
DISCLOSURE_HASH = bytes.fromhex("44" * 32)
AGREEMENT_HASH = bytes.fromhex("55" * 32)
PRICE_FEN_PER_TONNE = 3_000
SERVICE_FEE_FEN = 12_000
SECURED_FEN = 50_000_000
TERM_END = 1_900_000_000
FILING_NUMBER = "赫环碳补〔2026〕1号"
FREEZE_REASON = "抽查发现权属争议"
BENEFICIARY = "赫山马拉松组委会"
CASE_REFERENCE = "HS-2026-EV-01"
MISSING_ROLE = "access_control: account is missing role"
UNKNOWN_COUPON = 999

ACTORS = (
    "drc",
    "center_officer",
    "nrb_officer",
    "forestry_officer",
    "eeb_officer",
    "gov_officer",
    "finance_officer",
    "verifier",
    "holder",
    "buyer",
    "pledgee",
    "non_member",
)
SUPERVISORS = {"nrb_officer": Role.NRB, "forestry_officer": Role.FORESTRY, "eeb_officer": Role.EEB}


def all_but(*allowed: str) -> list[str]:
    return [name for name in ACTORS if name not in allowed]


def year_in_china(timestamp: int) -> int:
    return datetime.fromtimestamp(timestamp, CHINA_STANDARD_TIME).year


def block_time(registry, receipt) -> int:
    return registry.chain.w3.eth.get_block(receipt.block_number)["timestamp"]


def created(receipt) -> dict[int, dict]:
    """CouponCreated events of a receipt, by coupon id."""
    return {event.args["coupon"]: event.args for event in receipt.named("CouponCreated")}


# ---------------------------------------------------------------- prepared starting points
#
# Most tests start from one coupon in a given state. Building it takes up to a
# dozen transactions, so each starting point is built once on top of the freshly
# deployed registry, snapshotted, and restored from the snapshot afterwards.

PREPARED_PARCEL = keccak(text="430903-HS-PREPARED")


def _minted(story, evm) -> int:
    return story.mint(parcels=[PREPARED_PARCEL], claimed_kg=AMOUNT, attested_kg=AMOUNT)


def _requested(action: Action, counterparty: str | None = None):
    def build(story, evm) -> int:
        coupon_id = _minted(story, evm)
        address = getattr(story.actors, counterparty).address if counterparty else ZERO_ADDRESS
        story.request(coupon_id, action, counterparty=address)
        return coupon_id

    return build


def _then(step):
    def build(story, evm) -> int:
        coupon_id = _minted(story, evm)
        step(story, evm, coupon_id)
        return coupon_id

    return build


def _reissue_filed(story, evm, coupon_id: int) -> None:
    story.report_loss(coupon_id)
    story.send(story.actors.eeb_officer, "file_reissue", coupon_id, FILING_NUMBER)


def _reissue_due(story, evm, coupon_id: int) -> None:
    _reissue_filed(story, evm, coupon_id)
    evm.time_travel(story.registry.call("loss_notice_end", coupon_id))


def _filed(story, evm) -> int:
    return story.filed(parcels=[PREPARED_PARCEL], claimed_kg=AMOUNT)


BUILDERS = {
    "filed": _filed,
    "active": _minted,
    "list_requested": _requested(Action.LIST),
    "transfer_requested": _requested(Action.TRANSFER, "buyer"),
    "pledge_requested": _requested(Action.PLEDGE, "pledgee"),
    "offset_requested": _requested(Action.OFFSET),
    "loss_requested": _requested(Action.LOSS),
    "listed": _then(lambda story, evm, c: story.list(c)),
    "pledged": _then(lambda story, evm, c: story.pledge(c)),
    "frozen": _then(lambda story, evm, c: story.freeze(c)),
    "lost_reported": _then(lambda story, evm, c: story.report_loss(c)),
    "reissue_filed": _then(_reissue_filed),
    "reissue_due": _then(_reissue_due),
}
_SNAPSHOTS: dict[tuple[bytes, str], tuple[int, int]] = {}


@pytest.fixture
def prepared(registry, story, evm):
    """`prepared(name)` puts the chain in the named starting point and returns the
    coupon (or application) id; the `registry` fixture rolls it back after the test."""

    def restore(name: str) -> int:
        key = (bytes(registry.chain.w3.eth.get_block("latest")["hash"]), name)
        if key in _SNAPSHOTS:
            snapshot, record_id = _SNAPSHOTS[key]
            evm.revert(snapshot)
            return record_id
        record_id = BUILDERS[name](story, evm)
        _SNAPSHOTS[key] = (evm.snapshot(), record_id)
        return record_id

    return restore


# ---------------------------------------------------------------- mint (§10, 附件1 一(五))


def test_mint__filed_application__one_active_coupon_for_the_whole_amount(prepared, registry, actors):
    application_id = prepared("filed")
    receipt = registry.send(actors.gov_officer, "mint", application_id)
    year = year_in_china(block_time(registry, receipt))
    coupon_id = receipt.event("CouponCreated").args["coupon"]
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.holder.address, CouponState.ACTIVE, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert registry.issuance(1) == Issuance(1, application_id, year, AMOUNT, 1)
    assert registry.application(application_id).status == ApplicationStatus.ISSUED
    assert receipt.event("IssuanceCreated").args == {
        "issuance": 1,
        "application": application_id,
        "year": year,
        "amount_kg": AMOUNT,
    }
    assert receipt.event("CouponCreated").args == {
        "coupon": coupon_id,
        "issuance": 1,
        "owner": actors.holder.address,
        "seq": 1,
        "first_serial": 1,
        "last_serial": AMOUNT,
        "state": CouponState.ACTIVE,
        "parent": 0,
        "replaces": 0,
    }


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
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.holder.address, CouponState.ACTIVE, 2, 1, 1, PART, PART, 0
    )
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
    ],
)
def test_request__owner_consents__request_recorded(prepared, registry, actors, action, counterparty, amount_kg):
    coupon_id = prepared("active")
    address = getattr(actors, counterparty).address if counterparty else ZERO_ADDRESS
    receipt = registry.send(actors.holder, "request", coupon_id, int(action), address, amount_kg)
    assert registry.request_of(coupon_id) == Request(action, address, amount_kg)
    assert registry.coupon(coupon_id).state == CouponState.ACTIVE
    assert registry.coupon(coupon_id).owner == actors.holder.address
    assert receipt.event("RequestMade").args == {
        "coupon": coupon_id,
        "owner": actors.holder.address,
        "action": action,
        "counterparty": address,
        "amount_kg": amount_kg,
    }


def test_request__second_request__replaces_the_first(prepared, registry, actors):
    coupon_id = prepared("transfer_requested")
    receipt = registry.send(actors.holder, "request", coupon_id, int(Action.OFFSET), ZERO_ADDRESS, PART)
    assert registry.request_of(coupon_id) == Request(Action.OFFSET, ZERO_ADDRESS, PART)
    assert receipt.event("RequestMade").args["action"] == Action.OFFSET


@pytest.mark.parametrize("actor", all_but("holder"))
def test_request__caller_not_owner__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("active")
    with expect_revert("ledger: not owner"):
        registry.send(getattr(actors, actor), "request", coupon_id, int(Action.OFFSET), ZERO_ADDRESS, PART)


@pytest.mark.parametrize(
    "action",
    [
        0,
        32,
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


@pytest.mark.parametrize("action", [Action.OFFSET, Action.LIST, Action.LOSS])
def test_request__counterparty_on_offset_list_or_loss__reverts(prepared, registry, actors, expect_revert, action):
    coupon_id = prepared("active")
    with expect_revert("ledger: bad counterparty"):
        registry.send(actors.holder, "request", coupon_id, int(action), actors.buyer.address, AMOUNT)


@pytest.mark.parametrize("starting_point", ["listed", "lost_reported"])
def test_request__coupon_not_active__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not active"):
        registry.send(actors.holder, "request", coupon_id, int(Action.OFFSET), ZERO_ADDRESS, PART)


def test_request__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.holder, "request", UNKNOWN_COUPON, int(Action.OFFSET), ZERO_ADDRESS, PART)


def test_cancel_request__owner__request_cleared(prepared, registry, actors):
    coupon_id = prepared("transfer_requested")
    receipt = registry.send(actors.holder, "cancel_request", coupon_id)
    assert registry.request_of(coupon_id) == Request(Action(0), ZERO_ADDRESS, 0)
    assert registry.coupon(coupon_id).state == CouponState.ACTIVE
    assert registry.coupon(coupon_id).owner == actors.holder.address
    assert receipt.event("RequestCancelled").args == {"coupon": coupon_id}


@pytest.mark.parametrize("actor", all_but("holder"))
def test_cancel_request__caller_not_owner__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("transfer_requested")
    with expect_revert("ledger: not owner"):
        registry.send(getattr(actors, actor), "cancel_request", coupon_id)


def test_cancel_request__nothing_requested__reverts(prepared, registry, actors, expect_revert):
    coupon_id = prepared("active")
    with expect_revert("ledger: no owner request"):
        registry.send(actors.holder, "cancel_request", coupon_id)


def test_cancel_request__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.holder, "cancel_request", UNKNOWN_COUPON)


# ---------------------------------------------------------------- listing (§13, 附件1 三, 附件5)


def test_list_coupon__owner_requested__listed_with_disclosure(prepared, registry, actors):
    coupon_id = prepared("list_requested")
    notice_end = registry.chain.timestamp() + 10 * 86400
    receipt = registry.send(
        actors.center_officer, "list_coupon", coupon_id, PRICE_FEN_PER_TONNE, notice_end, DISCLOSURE_HASH
    )
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.holder.address, CouponState.LISTED, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert registry.request_of(coupon_id) == Request(Action(0), ZERO_ADDRESS, 0)
    assert receipt.event("CouponListed").args == {
        "coupon": coupon_id,
        "price_fen_per_tonne": PRICE_FEN_PER_TONNE,
        "notice_end": notice_end,
        "disclosure_hash": DISCLOSURE_HASH,
    }


@pytest.mark.parametrize("actor", all_but("center_officer"))
def test_list_coupon__caller_without_center_role__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("list_requested")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "list_coupon", coupon_id, PRICE_FEN_PER_TONNE, 0, DISCLOSURE_HASH)


@pytest.mark.parametrize("starting_point", ["frozen"])
def test_list_coupon__coupon_not_active__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not active"):
        registry.send(actors.center_officer, "list_coupon", coupon_id, PRICE_FEN_PER_TONNE, 0, DISCLOSURE_HASH)


@pytest.mark.parametrize("starting_point", ["active", "transfer_requested"])
def test_list_coupon__owner_did_not_request_listing__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: no owner request"):
        registry.send(actors.center_officer, "list_coupon", coupon_id, PRICE_FEN_PER_TONNE, 0, DISCLOSURE_HASH)


def test_list_coupon__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.center_officer, "list_coupon", UNKNOWN_COUPON, PRICE_FEN_PER_TONNE, 0, DISCLOSURE_HASH)


def test_withdraw_listing__listed__active_again_with_owner(prepared, registry, actors):
    coupon_id = prepared("listed")
    receipt = registry.send(actors.center_officer, "withdraw_listing", coupon_id)
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.holder.address, CouponState.ACTIVE, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert receipt.event("ListingWithdrawn").args == {"coupon": coupon_id}


def test_withdraw_listing__relisting__needs_a_fresh_request(prepared, registry, actors, expect_revert):
    coupon_id = prepared("listed")
    registry.send(actors.center_officer, "withdraw_listing", coupon_id)
    with expect_revert("ledger: no owner request"):
        registry.send(actors.center_officer, "list_coupon", coupon_id, PRICE_FEN_PER_TONNE, 0, DISCLOSURE_HASH)


@pytest.mark.parametrize("actor", all_but("center_officer"))
def test_withdraw_listing__caller_without_center_role__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("listed")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "withdraw_listing", coupon_id)


@pytest.mark.parametrize("starting_point", ["active"])
def test_withdraw_listing__coupon_not_listed__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not listed"):
        registry.send(actors.center_officer, "withdraw_listing", coupon_id)


def test_withdraw_listing__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.center_officer, "withdraw_listing", UNKNOWN_COUPON)


# ---------------------------------------------------------------- trade settlement (附件1 三(二), 附件7)


def settle(registry, actors, coupon_id: int, amount_kg: int, buyer: str | None = None):
    return registry.send(
        actors.center_officer,
        "settle_trade",
        coupon_id,
        buyer or actors.buyer.address,
        amount_kg,
        PRICE_FEN_PER_TONNE,
        SERVICE_FEE_FEN,
        AGREEMENT_HASH,
    )


def test_settle_trade__whole_coupon__buyer_owns_it_active_without_split(prepared, registry, actors):
    coupon_id = prepared("listed")
    receipt = settle(registry, actors, coupon_id, AMOUNT)
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.buyer.address, CouponState.ACTIVE, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert registry.coupon_count() == 1
    assert receipt.named("CouponSplit") == [] and receipt.named("CouponCreated") == []
    assert receipt.event("TradeSettled").args == {
        "coupon": coupon_id,
        "seller": actors.holder.address,
        "buyer": actors.buyer.address,
        "amount_kg": AMOUNT,
        "price_fen_per_tonne": PRICE_FEN_PER_TONNE,
        "service_fee_fen": SERVICE_FEE_FEN,
        "agreement_hash": AGREEMENT_HASH,
    }


@pytest.mark.parametrize("amount_kg", [1, PART, AMOUNT - 1], ids=["one_kg", "part", "all_but_one_kg"])
def test_settle_trade__part_of_coupon__split_buyer_gets_first_block_rest_stays_listed(
    prepared, registry, actors, amount_kg
):
    parent = prepared("listed")
    receipt = settle(registry, actors, parent, amount_kg)
    part, rest = parent + 1, parent + 2
    assert registry.coupon(parent).state == CouponState.SPLIT
    assert registry.coupon(parent).owner == actors.holder.address
    assert registry.coupon(part) == Coupon(
        part, actors.buyer.address, CouponState.ACTIVE, 1, 2, 1, amount_kg, amount_kg, parent
    )
    assert registry.coupon(rest) == Coupon(
        rest, actors.holder.address, CouponState.LISTED, 1, 3, amount_kg + 1, AMOUNT, AMOUNT - amount_kg, parent
    )
    assert registry.issuance(1).coupon_count == 3
    assert receipt.event("CouponSplit").args == {"parent": parent, "part": part, "rest": rest}
    assert created(receipt) == {
        part: {
            "coupon": part,
            "issuance": 1,
            "owner": actors.holder.address,
            "seq": 2,
            "first_serial": 1,
            "last_serial": amount_kg,
            "state": CouponState.LISTED,
            "parent": parent,
            "replaces": 0,
        },
        rest: {
            "coupon": rest,
            "issuance": 1,
            "owner": actors.holder.address,
            "seq": 3,
            "first_serial": amount_kg + 1,
            "last_serial": AMOUNT,
            "state": CouponState.LISTED,
            "parent": parent,
            "replaces": 0,
        },
    }
    assert receipt.event("TradeSettled").args["coupon"] == part
    assert receipt.event("TradeSettled").args["amount_kg"] == amount_kg


def test_settle_trade__part_of_a_remainder__sub_block_starts_at_remainder_first(prepared, registry, actors):
    parent = prepared("listed")
    settle(registry, actors, parent, PART)
    remainder = parent + 2  # [PART + 1, AMOUNT], still listed
    receipt = settle(registry, actors, remainder, 1_000)
    part, rest = remainder + 1, remainder + 2
    assert registry.coupon(remainder).state == CouponState.SPLIT
    assert registry.coupon(part) == Coupon(
        part, actors.buyer.address, CouponState.ACTIVE, 1, 4, PART + 1, PART + 1_000, 1_000, remainder
    )
    assert registry.coupon(rest) == Coupon(
        rest, actors.holder.address, CouponState.LISTED, 1, 5, PART + 1_001, AMOUNT, AMOUNT - PART - 1_000, remainder
    )
    assert receipt.event("CouponSplit").args == {"parent": remainder, "part": part, "rest": rest}


@pytest.mark.parametrize("buyer", ["holder", "zero"], ids=["seller_itself", "zero_address"])
def test_settle_trade__bad_buyer__reverts(prepared, registry, actors, expect_revert, buyer):
    coupon_id = prepared("listed")
    address = actors.holder.address if buyer == "holder" else ZERO_ADDRESS
    with expect_revert("ledger: bad counterparty"):
        settle(registry, actors, coupon_id, PART, buyer=address)


def test_settle_trade__zero_amount__reverts(prepared, registry, actors, expect_revert):
    coupon_id = prepared("listed")
    with expect_revert("ledger: zero amount"):
        settle(registry, actors, coupon_id, 0)


@pytest.mark.parametrize("actor", all_but("center_officer"))
def test_settle_trade__caller_without_center_role__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("listed")
    with expect_revert(MISSING_ROLE):
        registry.send(
            getattr(actors, actor), "settle_trade", coupon_id, actors.buyer.address, PART, 1, 0, AGREEMENT_HASH
        )


@pytest.mark.parametrize("starting_point", ["list_requested", "frozen"])
def test_settle_trade__coupon_not_listed__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not listed"):
        settle(registry, actors, coupon_id, PART)


def test_settle_trade__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        settle(registry, actors, UNKNOWN_COUPON, PART)


# ---------------------------------------------------------------- transfer registration (附件1 三(四), 附件8)


def test_register_transfer__whole_coupon__transferee_owns_it_active(prepared, registry, actors):
    coupon_id = prepared("transfer_requested")
    receipt = registry.send(actors.center_officer, "register_transfer", coupon_id)
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.buyer.address, CouponState.ACTIVE, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert registry.request_of(coupon_id) == Request(Action(0), ZERO_ADDRESS, 0)
    assert registry.coupon_count() == 1
    assert receipt.named("CouponSplit") == []
    assert receipt.event("CouponTransferred").args == {
        "coupon": coupon_id,
        "sender": actors.holder.address,
        "receiver": actors.buyer.address,
        "amount_kg": AMOUNT,
    }


@pytest.mark.parametrize("amount_kg", [1, PART, AMOUNT - 1], ids=["one_kg", "part", "all_but_one_kg"])
def test_register_transfer__part_of_coupon__split_transferee_gets_first_block(prepared, registry, actors, amount_kg):
    parent = prepared("active")
    registry.send(actors.holder, "request", parent, int(Action.TRANSFER), actors.buyer.address, amount_kg)
    receipt = registry.send(actors.center_officer, "register_transfer", parent)
    moved, rest = parent + 1, parent + 2
    assert registry.coupon(parent).state == CouponState.SPLIT
    assert registry.coupon(moved) == Coupon(
        moved, actors.buyer.address, CouponState.ACTIVE, 1, 2, 1, amount_kg, amount_kg, parent
    )
    assert registry.coupon(rest) == Coupon(
        rest, actors.holder.address, CouponState.ACTIVE, 1, 3, amount_kg + 1, AMOUNT, AMOUNT - amount_kg, parent
    )
    assert receipt.event("CouponSplit").args == {"parent": parent, "part": moved, "rest": rest}
    assert receipt.event("CouponTransferred").args == {
        "coupon": moved,
        "sender": actors.holder.address,
        "receiver": actors.buyer.address,
        "amount_kg": amount_kg,
    }


@pytest.mark.parametrize("actor", all_but("center_officer"))
def test_register_transfer__caller_without_center_role__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("transfer_requested")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "register_transfer", coupon_id)


@pytest.mark.parametrize("starting_point", ["active", "offset_requested"])
def test_register_transfer__owner_did_not_consent_to_transfer__reverts(
    prepared, registry, actors, expect_revert, starting_point
):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: no owner request"):
        registry.send(actors.center_officer, "register_transfer", coupon_id)


@pytest.mark.parametrize("starting_point", ["frozen"])
def test_register_transfer__coupon_not_active__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not active"):
        registry.send(actors.center_officer, "register_transfer", coupon_id)


def test_register_transfer__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.center_officer, "register_transfer", UNKNOWN_COUPON)


# ---------------------------------------------------------------- pledge (§2, §4)


def test_register_pledge__whole_coupon__pledged_to_named_pledgee(prepared, registry, actors):
    coupon_id = prepared("pledge_requested")
    receipt = registry.send(actors.finance_officer, "register_pledge", coupon_id, SECURED_FEN, TERM_END)
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.holder.address, CouponState.PLEDGED, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert registry.call("pledgee_of", coupon_id) == actors.pledgee.address
    assert registry.request_of(coupon_id) == Request(Action(0), ZERO_ADDRESS, 0)
    assert receipt.named("CouponSplit") == []
    assert receipt.event("CouponPledged").args == {
        "coupon": coupon_id,
        "owner": actors.holder.address,
        "pledgee": actors.pledgee.address,
        "amount_kg": AMOUNT,
        "secured_fen": SECURED_FEN,
        "term_end": TERM_END,
    }


@pytest.mark.parametrize("amount_kg", [1, PART, AMOUNT - 1], ids=["one_kg", "part", "all_but_one_kg"])
def test_register_pledge__part_of_coupon__split_first_block_pledged_rest_free(prepared, registry, actors, amount_kg):
    parent = prepared("active")
    registry.send(actors.holder, "request", parent, int(Action.PLEDGE), actors.pledgee.address, amount_kg)
    receipt = registry.send(actors.finance_officer, "register_pledge", parent, SECURED_FEN, TERM_END)
    pledged, rest = parent + 1, parent + 2
    assert registry.coupon(parent).state == CouponState.SPLIT
    assert registry.coupon(pledged) == Coupon(
        pledged, actors.holder.address, CouponState.PLEDGED, 1, 2, 1, amount_kg, amount_kg, parent
    )
    assert registry.coupon(rest) == Coupon(
        rest, actors.holder.address, CouponState.ACTIVE, 1, 3, amount_kg + 1, AMOUNT, AMOUNT - amount_kg, parent
    )
    assert registry.call("pledgee_of", pledged) == actors.pledgee.address
    assert registry.call("pledgee_of", rest) == ZERO_ADDRESS
    assert receipt.event("CouponSplit").args == {"parent": parent, "part": pledged, "rest": rest}
    assert receipt.event("CouponPledged").args["coupon"] == pledged
    assert receipt.event("CouponPledged").args["amount_kg"] == amount_kg


@pytest.mark.parametrize("actor", all_but("finance_officer"))
def test_register_pledge__caller_without_finance_role__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("pledge_requested")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "register_pledge", coupon_id, SECURED_FEN, TERM_END)


@pytest.mark.parametrize("starting_point", ["active", "transfer_requested"])
def test_register_pledge__owner_did_not_consent_to_pledge__reverts(
    prepared, registry, actors, expect_revert, starting_point
):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: no owner request"):
        registry.send(actors.finance_officer, "register_pledge", coupon_id, SECURED_FEN, TERM_END)


@pytest.mark.parametrize("starting_point", ["pledged"])
def test_register_pledge__coupon_not_active__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not active"):
        registry.send(actors.finance_officer, "register_pledge", coupon_id, SECURED_FEN, TERM_END)


def test_register_pledge__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.finance_officer, "register_pledge", UNKNOWN_COUPON, SECURED_FEN, TERM_END)


@pytest.mark.parametrize("releaser", ["pledgee", "finance_officer"])
def test_release_pledge__by_pledgee_or_finance__owner_holds_it_free(prepared, registry, actors, releaser):
    coupon_id = prepared("pledged")
    receipt = registry.send(getattr(actors, releaser), "release_pledge", coupon_id)
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.holder.address, CouponState.ACTIVE, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert registry.call("pledgee_of", coupon_id) == ZERO_ADDRESS
    assert receipt.event("PledgeReleased").args == {"coupon": coupon_id, "pledgee": actors.pledgee.address}


@pytest.mark.parametrize("actor", all_but("pledgee", "finance_officer"))
def test_release_pledge__neither_pledgee_nor_finance__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("pledged")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "release_pledge", coupon_id)


def test_release_pledge__pledgee_of_another_coupon__reverts(prepared, story, registry, actors, expect_revert):
    coupon_id = prepared("pledged")
    other = story.mint()
    story.request(other, Action.PLEDGE, counterparty=actors.buyer.address)
    registry.send(actors.finance_officer, "register_pledge", other, SECURED_FEN, TERM_END)
    with expect_revert(MISSING_ROLE):
        registry.send(actors.buyer, "release_pledge", coupon_id)


@pytest.mark.parametrize("starting_point", ["active"])
def test_release_pledge__coupon_not_pledged__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not pledged"):
        registry.send(actors.finance_officer, "release_pledge", coupon_id)


def test_release_pledge__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.finance_officer, "release_pledge", UNKNOWN_COUPON)


def test_enforce_pledge__pledged__pledgee_becomes_owner(prepared, registry, actors):
    coupon_id = prepared("pledged")
    receipt = registry.send(actors.finance_officer, "enforce_pledge", coupon_id)
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.pledgee.address, CouponState.ACTIVE, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert registry.call("pledgee_of", coupon_id) == ZERO_ADDRESS
    assert receipt.event("PledgeEnforced").args == {
        "coupon": coupon_id,
        "owner": actors.holder.address,
        "pledgee": actors.pledgee.address,
    }


@pytest.mark.parametrize("actor", all_but("finance_officer"))
def test_enforce_pledge__caller_without_finance_role__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("pledged")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "enforce_pledge", coupon_id)


@pytest.mark.parametrize("starting_point", ["pledge_requested"])
def test_enforce_pledge__coupon_not_pledged__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not pledged"):
        registry.send(actors.finance_officer, "enforce_pledge", coupon_id)


def test_enforce_pledge__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.finance_officer, "enforce_pledge", UNKNOWN_COUPON)


# ---------------------------------------------------------------- supervision freeze (§6)


@pytest.mark.parametrize("supervisor", SUPERVISORS)
def test_freeze__by_supervising_department__frozen_with_reason(prepared, registry, actors, supervisor):
    coupon_id = prepared("active")
    receipt = registry.send(getattr(actors, supervisor), "freeze", coupon_id, FREEZE_REASON)
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.holder.address, CouponState.FROZEN, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert receipt.event("CouponFrozen").args == {
        "coupon": coupon_id,
        "department": SUPERVISORS[supervisor].id,
        "reason": FREEZE_REASON,
    }


@pytest.mark.parametrize("actor", all_but(*SUPERVISORS))
def test_freeze__caller_not_supervising_department__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("active")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "freeze", coupon_id, FREEZE_REASON)


@pytest.mark.parametrize("starting_point", ["frozen"])
def test_freeze__coupon_not_active__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not active"):
        registry.send(actors.eeb_officer, "freeze", coupon_id, FREEZE_REASON)


def test_freeze__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.nrb_officer, "freeze", UNKNOWN_COUPON, FREEZE_REASON)


@pytest.mark.parametrize("supervisor", SUPERVISORS)
def test_unfreeze__by_supervising_department__active_again(prepared, registry, actors, supervisor):
    coupon_id = prepared("frozen")
    receipt = registry.send(getattr(actors, supervisor), "unfreeze", coupon_id)
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.holder.address, CouponState.ACTIVE, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert receipt.event("CouponUnfrozen").args == {"coupon": coupon_id, "department": SUPERVISORS[supervisor].id}


@pytest.mark.parametrize("actor", all_but(*SUPERVISORS))
def test_unfreeze__caller_not_supervising_department__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("frozen")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "unfreeze", coupon_id)


@pytest.mark.parametrize("starting_point", ["active"])
def test_unfreeze__coupon_not_frozen__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not frozen"):
        registry.send(actors.nrb_officer, "unfreeze", coupon_id)


def test_unfreeze__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.forestry_officer, "unfreeze", UNKNOWN_COUPON)


# ---------------------------------------------------------------- loss and reissue (§12, 附件1 二)


def test_report_loss__owner_requested__lost_reported_with_30_day_notice(prepared, registry, actors):
    coupon_id = prepared("loss_requested")
    receipt = registry.send(actors.center_officer, "report_loss", coupon_id)
    notice_end = block_time(registry, receipt) + LOSS_NOTICE_SECONDS
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.holder.address, CouponState.LOST_REPORTED, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert registry.call("loss_notice_end", coupon_id) == notice_end
    assert registry.request_of(coupon_id) == Request(Action(0), ZERO_ADDRESS, 0)
    assert receipt.event("LossReported").args == {"coupon": coupon_id, "notice_end": notice_end}


@pytest.mark.parametrize("actor", all_but("center_officer"))
def test_report_loss__caller_without_center_role__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("loss_requested")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "report_loss", coupon_id)


@pytest.mark.parametrize("starting_point", ["active", "offset_requested"])
def test_report_loss__owner_did_not_report_loss__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: no owner request"):
        registry.send(actors.center_officer, "report_loss", coupon_id)


@pytest.mark.parametrize("starting_point", ["lost_reported"])
def test_report_loss__coupon_not_active__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not active"):
        registry.send(actors.center_officer, "report_loss", coupon_id)


def test_report_loss__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.center_officer, "report_loss", UNKNOWN_COUPON)


def test_withdraw_loss__certificate_found__active_and_notice_and_filing_cleared(prepared, registry, actors):
    coupon_id = prepared("reissue_filed")
    receipt = registry.send(actors.center_officer, "withdraw_loss", coupon_id)
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.holder.address, CouponState.ACTIVE, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert registry.call("loss_notice_end", coupon_id) == 0
    assert registry.call("reissue_filing", coupon_id) == ""
    assert receipt.event("LossWithdrawn").args == {"coupon": coupon_id}


@pytest.mark.parametrize("actor", all_but("center_officer"))
def test_withdraw_loss__caller_without_center_role__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("lost_reported")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "withdraw_loss", coupon_id)


@pytest.mark.parametrize("starting_point", ["loss_requested"])
def test_withdraw_loss__coupon_not_lost_reported__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not lost reported"):
        registry.send(actors.center_officer, "withdraw_loss", coupon_id)


def test_withdraw_loss__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.center_officer, "withdraw_loss", UNKNOWN_COUPON)


def test_file_reissue__lost_reported__filing_number_recorded(prepared, registry, actors):
    coupon_id = prepared("lost_reported")
    receipt = registry.send(actors.eeb_officer, "file_reissue", coupon_id, FILING_NUMBER)
    assert registry.call("reissue_filing", coupon_id) == FILING_NUMBER
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.holder.address, CouponState.LOST_REPORTED, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert receipt.event("ReissueFiled").args == {"coupon": coupon_id, "filing_number": FILING_NUMBER}


@pytest.mark.parametrize("actor", all_but("eeb_officer"))
def test_file_reissue__caller_without_eeb_role__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("lost_reported")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "file_reissue", coupon_id, FILING_NUMBER)


def test_file_reissue__empty_filing_number__reverts(prepared, registry, actors, expect_revert):
    coupon_id = prepared("lost_reported")
    with expect_revert("ledger: empty filing number"):
        registry.send(actors.eeb_officer, "file_reissue", coupon_id, "")


@pytest.mark.parametrize("starting_point", ["loss_requested"])
def test_file_reissue__coupon_not_lost_reported__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not lost reported"):
        registry.send(actors.eeb_officer, "file_reissue", coupon_id, FILING_NUMBER)


def test_file_reissue__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.eeb_officer, "file_reissue", UNKNOWN_COUPON, FILING_NUMBER)


def _assert_reissued(
    registry, actors, receipt, old: int, *, old_seq: int, seq: int, first: int, last: int, old_parent=0
):
    """The old coupon is VOIDED and points to its replacement, which takes over its serial block."""
    new = receipt.event("CouponCreated").args["coupon"]
    amount = last - first + 1
    assert registry.coupon(old) == Coupon(
        old, actors.holder.address, CouponState.VOIDED, 1, old_seq, first, last, amount, old_parent
    )
    assert registry.call("replaced_by", old) == new
    assert registry.coupon(new) == Coupon(
        new, actors.holder.address, CouponState.ACTIVE, 1, seq, first, last, amount, 0
    )
    assert receipt.event("CouponCreated").args == {
        "coupon": new,
        "issuance": 1,
        "owner": actors.holder.address,
        "seq": seq,
        "first_serial": first,
        "last_serial": last,
        "state": CouponState.ACTIVE,
        "parent": 0,
        "replaces": old,
    }
    assert receipt.event("CouponVoided").args == {"coupon": old, "replaced_by": new}
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


def test_reissue__one_second_before_notice_end__reverts(prepared, registry, actors, evm, expect_revert):
    coupon_id = prepared("reissue_filed")
    notice_end = registry.call("loss_notice_end", coupon_id)
    evm.time_travel(notice_end - 1)
    with expect_revert("ledger: notice period not over"):
        registry.send(actors.gov_officer, "reissue", coupon_id)


def test_reissue__right_after_filing__reverts_notice_not_over(prepared, registry, actors, expect_revert):
    coupon_id = prepared("reissue_filed")
    with expect_revert("ledger: notice period not over"):
        registry.send(actors.gov_officer, "reissue", coupon_id)


def test_reissue__not_filed_by_eeb__reverts(prepared, registry, actors, evm, expect_revert):
    coupon_id = prepared("lost_reported")
    evm.time_travel(registry.call("loss_notice_end", coupon_id) + 1)
    with expect_revert("ledger: reissue not filed"):
        registry.send(actors.gov_officer, "reissue", coupon_id)


def test_reissue__filing_of_a_withdrawn_loss_report__reverts_not_filed(
    prepared, story, registry, actors, evm, expect_revert
):
    coupon_id = prepared("reissue_filed")
    registry.send(actors.center_officer, "withdraw_loss", coupon_id)
    story.report_loss(coupon_id)
    evm.time_travel(registry.call("loss_notice_end", coupon_id))
    with expect_revert("ledger: reissue not filed"):
        registry.send(actors.gov_officer, "reissue", coupon_id)


@pytest.mark.parametrize("actor", all_but("gov_officer"))
def test_reissue__caller_without_gov_role__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("reissue_due")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, actor), "reissue", coupon_id)


@pytest.mark.parametrize("starting_point", ["loss_requested"])
def test_reissue__coupon_not_lost_reported__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not lost reported"):
        registry.send(actors.gov_officer, "reissue", coupon_id)


def test_reissue__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        registry.send(actors.gov_officer, "reissue", UNKNOWN_COUPON)


# ---------------------------------------------------------------- offset (§14, §15)


def retire(
    registry, actors, coupon_id: int, purpose=OffsetPurpose.EVENT_NEUTRALITY, beneficiary=BENEFICIARY, sender=None
):
    return registry.send(sender or actors.eeb_officer, "retire", coupon_id, int(purpose), beneficiary, CASE_REFERENCE)


@pytest.mark.parametrize("purpose", list(OffsetPurpose))
def test_retire__whole_coupon__retired_with_certificate_event(prepared, registry, actors, purpose):
    coupon_id = prepared("offset_requested")
    receipt = retire(registry, actors, coupon_id, purpose)
    assert registry.coupon(coupon_id) == Coupon(
        coupon_id, actors.holder.address, CouponState.RETIRED, 1, 1, 1, AMOUNT, AMOUNT, 0
    )
    assert registry.request_of(coupon_id) == Request(Action(0), ZERO_ADDRESS, 0)
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


@pytest.mark.parametrize("amount_kg", [1, PART, AMOUNT - 1], ids=["one_kg", "part", "all_but_one_kg"])
def test_retire__part_of_coupon__split_first_block_retired_rest_active(prepared, registry, actors, amount_kg):
    parent = prepared("active")
    registry.send(actors.holder, "request", parent, int(Action.OFFSET), ZERO_ADDRESS, amount_kg)
    receipt = retire(registry, actors, parent, OffsetPurpose.ECO_COMPENSATION)
    retired, rest = parent + 1, parent + 2
    assert registry.coupon(parent).state == CouponState.SPLIT
    assert registry.coupon(retired) == Coupon(
        retired, actors.holder.address, CouponState.RETIRED, 1, 2, 1, amount_kg, amount_kg, parent
    )
    assert registry.coupon(rest) == Coupon(
        rest, actors.holder.address, CouponState.ACTIVE, 1, 3, amount_kg + 1, AMOUNT, AMOUNT - amount_kg, parent
    )
    assert receipt.event("CouponSplit").args == {"parent": parent, "part": retired, "rest": rest}
    assert receipt.event("CouponRetired").args == {
        "coupon": retired,
        "owner": actors.holder.address,
        "issuance": 1,
        "seq": 2,
        "first_serial": 1,
        "last_serial": amount_kg,
        "amount_kg": amount_kg,
        "purpose": OffsetPurpose.ECO_COMPENSATION,
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


@pytest.mark.parametrize("actor", all_but("eeb_officer"))
def test_retire__caller_without_eeb_role__reverts(prepared, registry, actors, expect_revert, actor):
    coupon_id = prepared("offset_requested")
    with expect_revert(MISSING_ROLE):
        retire(registry, actors, coupon_id, sender=getattr(actors, actor))


@pytest.mark.parametrize("starting_point", ["active", "transfer_requested"])
def test_retire__owner_did_not_request_offset__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: no owner request"):
        retire(registry, actors, coupon_id)


@pytest.mark.parametrize("starting_point", ["listed"])
def test_retire__coupon_not_active__reverts(prepared, registry, actors, expect_revert, starting_point):
    coupon_id = prepared(starting_point)
    with expect_revert("ledger: coupon not active"):
        retire(registry, actors, coupon_id)


def test_retire__unknown_coupon__reverts(registry, actors, expect_revert):
    with expect_revert("ledger: unknown coupon"):
        retire(registry, actors, UNKNOWN_COUPON)


# ---------------------------------------------------------------- coupon numbers (§7)


def test_coupon_seq__splits_and_reissue__increment_within_issuance(prepared, story, registry, actors, evm):
    parent = prepared("listed")
    settle(registry, actors, parent, PART)  # seq 2 (buyer), seq 3 (rest, listed)
    rest = parent + 2
    registry.send(actors.center_officer, "withdraw_listing", rest)
    registry.send(actors.holder, "request", rest, int(Action.OFFSET), ZERO_ADDRESS, 1_000)
    retire(registry, actors, rest)  # seq 4 (retired), seq 5 (rest)
    remainder = rest + 2
    story.report_loss(remainder)
    registry.send(actors.eeb_officer, "file_reissue", remainder, FILING_NUMBER)
    evm.time_travel(registry.call("loss_notice_end", remainder))
    receipt = registry.send(actors.gov_officer, "reissue", remainder)
    new = _assert_reissued(
        registry, actors, receipt, remainder, old_seq=5, seq=6, first=PART + 1_001, last=AMOUNT, old_parent=rest
    )
    assert [registry.coupon(i).seq for i in range(parent, new + 1)] == [1, 2, 3, 4, 5, 6]
    assert registry.issuance(1).coupon_count == 6
