# pragma version ~=0.4.3
# pragma nonreentrancy on
"""
@title Coupon records: issuances, coupons, serial blocks and the one transition function
@notice Every coupon is one serial block [first, last] of an issuance, in
        integer kg CO2e, with one owner and one state (DESIGN §3, §7 编号).
        GOV mints a filed application as a new issuance (§10, 附件1 一(五)).
        Every other module changes a coupon's owner or state only through
        `_move`, which asserts the transition table of DESIGN §4, so one carbon
        cannot be sold, pledged or offset twice (§7 "一碳多卖"). Partial amounts
        split a coupon into two children (`_split_off`) that carry sub-blocks of
        its serial block; the parent becomes SPLIT.
        Revert strings keep the deployable's `ledger:` prefix for every module
        of the ledger: the gateway maps them to stable codes.
"""

from snekmate.auth import access_control
from . import roles
from ..interfaces import IApplicationRegistry

uses: access_control


flag CouponState:
    ACTIVE
    LISTED
    PLEDGED
    FROZEN
    LOST_REPORTED
    RETIRED
    SPLIT
    VOIDED


struct Coupon:
    owner: address
    state: CouponState
    issuance: uint256
    seq: uint256
    first_serial: uint256
    last_serial: uint256
    amount_kg: uint256
    parent: uint256


struct Issuance:
    application: uint256
    year: uint256
    amount_kg: uint256
    coupon_count: uint256


# @dev The `holders` word of a coupon, unpacked.
struct Holding:
    owner: address
    state: CouponState


# @dev The `blocks` word of a coupon, unpacked.
struct SerialBlock:
    issuance: uint256
    seq: uint256
    first_serial: uint256
    last_serial: uint256
    parent: uint256


# @dev GOV minted a filed application: a new issuance (batch) of `amount_kg`,
#      numbered within `year` (UTC+8) for the coupon number HSTQ-<year>-….
event IssuanceCreated:
    issuance: indexed(uint256)
    application: indexed(uint256)
    year: uint256
    amount_kg: uint256

# @dev A coupon came into being with its first owner and state: by mint (parent
#      and replaces 0), as one of the two children of a split (`parent`, in the
#      parent's owner and state), or by reissue (`replaces` the voided coupon).
event CouponCreated:
    coupon: indexed(uint256)
    issuance: indexed(uint256)
    owner: indexed(address)
    seq: uint256
    first_serial: uint256
    last_serial: uint256
    state: CouponState
    parent: uint256
    replaces: uint256

# @dev A partial step split `parent` into `part` (the first sub-block, the amount
#      the step acts on) and `rest`; the parent's CouponMoved says SPLIT.
event CouponSplit:
    parent: indexed(uint256)
    part: uint256
    rest: uint256

# @dev A coupon's owner or state changed: emitted by `_move`, the one place that
#      changes them, so that replaying CouponCreated and CouponMoved gives every
#      coupon's owner and state without a copy of the transition table.
# @param coupon The coupon id.
# @param owner Its owner afterwards.
# @param state Its state afterwards.
event CouponMoved:
    coupon: indexed(uint256)
    owner: indexed(address)
    state: CouponState


# @dev Coupons are packed into two words to keep a transfer under the cost of an
#      ERC-721 transfer. Each word has one pack and one unpack function below
#      (`_pack_holding` … `_unpack_issuance`), the only code that knows its layout.
holders: HashMap[uint256, uint256]
blocks: HashMap[uint256, uint256]
issuances: HashMap[uint256, uint256]

coupon_count: public(uint256)
issuance_count: public(uint256)

applications: public(immutable(IApplicationRegistry))

MASK_16: constant(uint256) = 2**16 - 1
MASK_32: constant(uint256) = 2**32 - 1
MASK_64: constant(uint256) = 2**64 - 1
MASK_160: constant(uint256) = 2**160 - 1
UTC8: constant(uint256) = 8 * 3600


@deploy
def __init__(application_registry: IApplicationRegistry):
    """
    @param application_registry The registry whose FILED applications GOV mints.
    """
    applications = application_registry


# ---------------------------------------------------------------- issuance

@external
def mint(application_id: uint256) -> uint256:
    """
    @notice 制发 (§10, 附件1 一(五)): GOV mints one coupon for the whole filed
            amount, serial block [1, amount], owned by the applicant.
    @param application_id A FILED application.
    @return uint256 The new coupon id.
    """
    access_control._check_role(roles.GOV, msg.sender)
    holder: address = empty(address)
    amount: uint256 = 0
    holder, amount = extcall applications.mark_issued(application_id, msg.sender)
    issuance: uint256 = self.issuance_count + 1
    self.issuance_count = issuance
    year: uint256 = self._year(block.timestamp)
    self.issuances[issuance] = self._pack_issuance(
        Issuance(application=application_id, year=year, amount_kg=amount, coupon_count=0)
    )
    log IssuanceCreated(issuance=issuance, application=application_id, year=year, amount_kg=amount)
    return self._create(issuance, 1, amount, holder, CouponState.ACTIVE, 0, 0)


# ---------------------------------------------------------------- reads

@external
@view
def coupon(coupon_id: uint256) -> Coupon:
    """
    @notice Reads a coupon.
    @param coupon_id The coupon id.
    @return Coupon Owner, state, issuance, number sequence, serial block, amount, parent.
    """
    return self._load(coupon_id)


@external
@view
def issuance(issuance_id: uint256) -> Issuance:
    """
    @notice Reads an issuance (one minted application).
    @param issuance_id The issuance id.
    @return Issuance Application, year (UTC+8), amount and coupons numbered so far.
    """
    return self._unpack_issuance(self.issuances[issuance_id])


# ---------------------------------------------------------------- internals

@internal
@view
def _load(coupon_id: uint256) -> Coupon:
    """
    @dev Reads a coupon from its two words; an unknown id reads as all zero.
    @param coupon_id The coupon id.
    @return Coupon The coupon, its amount derived from its serial block.
    """
    held: uint256 = self.holders[coupon_id]
    holding: Holding = self._unpack_holding(held)
    serials: SerialBlock = self._unpack_block(self.blocks[coupon_id])
    return Coupon(
        owner=holding.owner,
        state=holding.state,
        issuance=serials.issuance,
        seq=serials.seq,
        first_serial=serials.first_serial,
        last_serial=serials.last_serial,
        amount_kg=serials.last_serial - serials.first_serial + 1 if held != 0 else 0,
        parent=serials.parent,
    )


@internal
@view
def _owner(coupon_id: uint256) -> address:
    """
    @dev A coupon's owner.
    @param coupon_id The coupon id.
    @return address The owner, empty for an unknown coupon.
    """
    return self._unpack_holding(self.holders[coupon_id]).owner


@internal
@view
def _state(coupon_id: uint256) -> CouponState:
    """
    @dev A coupon's state.
    @param coupon_id The coupon id.
    @return CouponState The state, empty for an unknown coupon.
    """
    return self._unpack_holding(self.holders[coupon_id]).state


@internal
@view
def _expect(state: CouponState, expected: CouponState):
    """
    @dev Reverts unless `state` is `expected`, naming the state a step needs.
    @param state The coupon's state (empty for an unknown coupon).
    @param expected The state the step acts on.
    """
    if state == expected:
        return
    assert state != empty(CouponState), "ledger: unknown coupon"
    if expected == CouponState.ACTIVE:
        raise "ledger: coupon not active"
    elif expected == CouponState.LISTED:
        raise "ledger: coupon not listed"
    elif expected == CouponState.PLEDGED:
        raise "ledger: coupon not pledged"
    elif expected == CouponState.FROZEN:
        raise "ledger: coupon not frozen"
    raise "ledger: coupon not lost reported"


@internal
@view
def _expect_live(state: CouponState):
    """
    @dev Reverts unless `state` is live (ACTIVE, LISTED, PLEDGED, FROZEN or LOST_REPORTED).
    @param state The coupon's state (empty for an unknown coupon).
    """
    assert state != empty(CouponState), "ledger: unknown coupon"
    live: CouponState = (
        CouponState.ACTIVE | CouponState.LISTED | CouponState.PLEDGED | CouponState.FROZEN | CouponState.LOST_REPORTED
    )
    assert state in live, "ledger: coupon not live"


@internal
def _move(coupon_id: uint256, owner: address, to: CouponState):
    """
    @dev The one place a coupon's owner or state changes; asserts the
         transition table of DESIGN §4 and logs CouponMoved.
    @param coupon_id The coupon id.
    @param owner The owner afterwards.
    @param to The state afterwards.
    """
    state: CouponState = self._state(coupon_id)
    allowed: CouponState = empty(CouponState)
    if state == CouponState.ACTIVE:
        allowed = (
            CouponState.ACTIVE
            | CouponState.LISTED
            | CouponState.PLEDGED
            | CouponState.FROZEN
            | CouponState.LOST_REPORTED
            | CouponState.RETIRED
            | CouponState.SPLIT
            | CouponState.VOIDED
        )
    elif state == CouponState.LISTED:
        allowed = CouponState.ACTIVE | CouponState.SPLIT | CouponState.FROZEN | CouponState.VOIDED
    elif state == CouponState.PLEDGED or state == CouponState.LOST_REPORTED:
        allowed = CouponState.ACTIVE | CouponState.FROZEN | CouponState.VOIDED
    elif state == CouponState.FROZEN:
        # Back to the state it was frozen in.
        allowed = (
            CouponState.ACTIVE
            | CouponState.LISTED
            | CouponState.PLEDGED
            | CouponState.LOST_REPORTED
            | CouponState.VOIDED
        )
    assert to in allowed, "ledger: transition not allowed"
    self.holders[coupon_id] = self._pack_holding(Holding(owner=owner, state=to))
    log CouponMoved(coupon=coupon_id, owner=owner, state=to)


@internal
def _split_off(coupon_id: uint256, amount: uint256) -> uint256:
    """
    @dev Returns a coupon of exactly `amount`: the coupon itself when whole,
         else the first child of a split whose second child keeps the rest
         in the parent's owner and state.
    @param coupon_id The coupon to take the amount from.
    @param amount The amount, kg.
    @return uint256 The coupon of exactly `amount`.
    """
    coupon: Coupon = self._load(coupon_id)
    assert amount > 0, "ledger: zero amount"
    assert amount <= coupon.amount_kg, "ledger: amount exceeds coupon"
    if amount == coupon.amount_kg:
        return coupon_id
    cut: uint256 = coupon.first_serial + amount
    part: uint256 = self._create(
        coupon.issuance, coupon.first_serial, cut - 1, coupon.owner, coupon.state, coupon_id, 0
    )
    rest: uint256 = self._create(coupon.issuance, cut, coupon.last_serial, coupon.owner, coupon.state, coupon_id, 0)
    self._move(coupon_id, coupon.owner, CouponState.SPLIT)
    log CouponSplit(parent=coupon_id, part=part, rest=rest)
    return part


@internal
def _create(
    issuance: uint256,
    first: uint256,
    last: uint256,
    owner: address,
    state: CouponState,
    parent: uint256,
    replaces: uint256,
) -> uint256:
    """
    @dev Creates the next coupon, numbered next within its issuance, and logs CouponCreated.
    @param issuance The issuance the serial block belongs to.
    @param first The block's first serial.
    @param last The block's last serial.
    @param owner The first owner.
    @param state The first state.
    @param parent The coupon it was split from, or 0.
    @param replaces The voided coupon it reissues, or 0.
    @return uint256 The new coupon id.
    """
    coupon_id: uint256 = self.coupon_count + 1
    self.coupon_count = coupon_id
    batch: Issuance = self._unpack_issuance(self.issuances[issuance])
    batch.coupon_count += 1
    self.issuances[issuance] = self._pack_issuance(batch)
    self.holders[coupon_id] = self._pack_holding(Holding(owner=owner, state=state))
    self.blocks[coupon_id] = self._pack_block(
        SerialBlock(issuance=issuance, seq=batch.coupon_count, first_serial=first, last_serial=last, parent=parent)
    )
    log CouponCreated(
        coupon=coupon_id,
        issuance=issuance,
        owner=owner,
        seq=batch.coupon_count,
        first_serial=first,
        last_serial=last,
        state=state,
        parent=parent,
        replaces=replaces,
    )
    return coupon_id


# ---------------------------------------------------------------- storage words

@internal
@pure
def _pack_holding(holding: Holding) -> uint256:
    """
    @dev The `holders` word: owner (bits 0-159) | state (160-167).
    @param holding Owner and state.
    @return uint256 The word.
    """
    return convert(holding.owner, uint256) | (convert(holding.state, uint256) << 160)


@internal
@pure
def _unpack_holding(word: uint256) -> Holding:
    """
    @dev Reverses `_pack_holding`; an unwritten word reads as empty owner and state.
    @param word A `holders` word.
    @return Holding Owner and state.
    """
    return Holding(owner=convert(convert(word & MASK_160, uint160), address), state=convert(word >> 160, CouponState))


@internal
@pure
def _pack_block(serials: SerialBlock) -> uint256:
    """
    @dev The `blocks` word: issuance (bits 0-31) | seq (32-63) | first serial (64-127) |
         last serial (128-191) | parent (192-255).
    @param serials The coupon's issuance, number and serial block.
    @return uint256 The word.
    """
    return (
        serials.issuance
        | (serials.seq << 32)
        | (serials.first_serial << 64)
        | (serials.last_serial << 128)
        | (serials.parent << 192)
    )


@internal
@pure
def _unpack_block(word: uint256) -> SerialBlock:
    """
    @dev Reverses `_pack_block`.
    @param word A `blocks` word.
    @return SerialBlock The coupon's issuance, number and serial block.
    """
    return SerialBlock(
        issuance=word & MASK_32,
        seq=(word >> 32) & MASK_32,
        first_serial=(word >> 64) & MASK_64,
        last_serial=(word >> 128) & MASK_64,
        parent=word >> 192,
    )


@internal
@pure
def _pack_issuance(batch: Issuance) -> uint256:
    """
    @dev The `issuances` word: application (bits 0-63) | year (64-79) | amount (80-143) |
         coupon count (144-175).
    @param batch The issuance.
    @return uint256 The word.
    """
    return batch.application | (batch.year << 64) | (batch.amount_kg << 80) | (batch.coupon_count << 144)


@internal
@pure
def _unpack_issuance(word: uint256) -> Issuance:
    """
    @dev Reverses `_pack_issuance`.
    @param word An `issuances` word.
    @return Issuance The issuance.
    """
    return Issuance(
        application=word & MASK_64,
        year=(word >> 64) & MASK_16,
        amount_kg=(word >> 80) & MASK_64,
        coupon_count=(word >> 144) & MASK_32,
    )


@internal
@pure
def _year(timestamp: uint256) -> uint256:
    """
    @dev Calendar year in China Standard Time (UTC+8), for the coupon number
         HSTQ-<year>-…; H. Hinnant's civil_from_days.
    @param timestamp Unix seconds.
    @return uint256 The year.
    """
    z: uint256 = (timestamp + UTC8) // 86400 + 719468
    era: uint256 = z // 146097
    doe: uint256 = z - era * 146097
    yoe: uint256 = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy: uint256 = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp: uint256 = (5 * doy + 2) // 153
    year: uint256 = yoe + era * 400
    if mp >= 10:
        year += 1
    return year
