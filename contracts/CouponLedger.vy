# pragma version ~=0.4.3
# pragma nonreentrancy on
# pragma evm-version cancun
"""
@title The ledger of natural-ecosystem carbon coupons (自然生态系统碳券)
@notice Every coupon is one serial block [first, last] of an issuance, in
        integer kg CO2e, with one owner and one state. A coupon only moves
        through the transitions of DESIGN §4, each checked here by role, so
        one carbon cannot be sold, pledged or offset twice (§7 "一碳多卖").
        Partial amounts split a coupon into two children that carry
        sub-blocks of its serial block; the parent becomes SPLIT.
"""

from snekmate.auth import access_control
from .modules import roles
from .interfaces import IApplicationRegistry

initializes: access_control
initializes: roles[access_control := access_control]

# The roles module's whole interface: grant_role, revoke_role, department_of and
# the role ids (CENTER() …), so clients read the ids from the ABI.
exports: (
    access_control.hasRole,
    roles.__interface__,
)


flag CouponState:
    ACTIVE
    LISTED
    PLEDGED
    FROZEN
    LOST_REPORTED
    RETIRED
    SPLIT
    VOIDED


# @dev What an owner has consented to; the department step consumes it.
flag Action:
    LIST
    TRANSFER
    PLEDGE
    OFFSET
    LOSS


# @dev §15: 1 生态补偿, 2 赛事活动会议碳中和, 3 绿色积分/低碳证书.
flag OffsetPurpose:
    ECO_COMPENSATION
    EVENT_NEUTRALITY
    GREEN_POINTS


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


struct Request:
    action: Action
    counterparty: address
    amount_kg: uint256


event IssuanceCreated:
    issuance: indexed(uint256)
    application: indexed(uint256)
    year: uint256
    amount_kg: uint256

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

event CouponSplit:
    parent: indexed(uint256)
    part: uint256
    rest: uint256

event RequestMade:
    coupon: indexed(uint256)
    owner: indexed(address)
    action: Action
    counterparty: address
    amount_kg: uint256

event RequestCancelled:
    coupon: indexed(uint256)

event CouponListed:
    coupon: indexed(uint256)
    price_fen_per_tonne: uint256
    notice_end: uint256
    disclosure_hash: bytes32

event ListingWithdrawn:
    coupon: indexed(uint256)

event TradeSettled:
    coupon: indexed(uint256)
    seller: indexed(address)
    buyer: indexed(address)
    amount_kg: uint256
    price_fen_per_tonne: uint256
    service_fee_fen: uint256
    agreement_hash: bytes32

event CouponTransferred:
    coupon: indexed(uint256)
    sender: indexed(address)
    receiver: indexed(address)
    amount_kg: uint256

event CouponPledged:
    coupon: indexed(uint256)
    owner: indexed(address)
    pledgee: indexed(address)
    amount_kg: uint256
    secured_fen: uint256
    term_end: uint256

event PledgeReleased:
    coupon: indexed(uint256)
    pledgee: indexed(address)

event PledgeEnforced:
    coupon: indexed(uint256)
    owner: indexed(address)
    pledgee: indexed(address)

event CouponFrozen:
    coupon: indexed(uint256)
    department: indexed(bytes32)
    reason: String[256]

event CouponUnfrozen:
    coupon: indexed(uint256)
    department: indexed(bytes32)

event LossReported:
    coupon: indexed(uint256)
    notice_end: uint256

event LossWithdrawn:
    coupon: indexed(uint256)

event ReissueFiled:
    coupon: indexed(uint256)
    filing_number: String[64]

event CouponVoided:
    coupon: indexed(uint256)
    replaced_by: indexed(uint256)

event CouponRetired:
    coupon: indexed(uint256)
    owner: indexed(address)
    issuance: uint256
    seq: uint256
    first_serial: uint256
    last_serial: uint256
    amount_kg: uint256
    purpose: OffsetPurpose
    beneficiary: String[128]
    case_reference: String[128]


# @dev Coupons are packed into two words to keep a transfer under the cost of
# an ERC-721 transfer. holders: owner (bits 0-159) | state (160-167);
# blocks: issuance (0-31) | seq (32-63) | first (64-127) | last (128-191) |
# parent (192-255).
holders: HashMap[uint256, uint256]
blocks: HashMap[uint256, uint256]
# @dev application (0-63) | year (64-79) | amount (80-143) | coupon count (144-175)
issuances: HashMap[uint256, uint256]
# @dev action (0-7) | counterparty (8-167) | amount (168-231)
requests: HashMap[uint256, uint256]

coupon_count: public(uint256)
issuance_count: public(uint256)
pledgee_of: public(HashMap[uint256, address])
loss_notice_end: public(HashMap[uint256, uint256])
reissue_filing: public(HashMap[uint256, String[64]])
replaced_by: public(HashMap[uint256, uint256])

applications: public(immutable(IApplicationRegistry))
loss_notice_seconds: public(immutable(uint256))

MASK_32: constant(uint256) = 2**32 - 1
MASK_64: constant(uint256) = 2**64 - 1
MASK_160: constant(uint256) = 2**160 - 1
UTC8: constant(uint256) = 8 * 3600


@deploy
def __init__(application_registry: IApplicationRegistry, loss_notice: uint256):
    """
    @param application_registry The registry whose FILED applications GOV mints.
    @param loss_notice The public notice period after a loss report (§12), seconds.
    """
    access_control.__init__()
    roles.__init__()
    applications = application_registry
    loss_notice_seconds = loss_notice


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
    self.issuances[issuance] = application_id | (year << 64) | (amount << 80)
    log IssuanceCreated(issuance=issuance, application=application_id, year=year, amount_kg=amount)
    return self._create(issuance, 1, amount, holder, CouponState.ACTIVE, 0, 0)


# ---------------------------------------------------------------- owner consent

@external
def request(coupon_id: uint256, action: uint256, counterparty: address, amount_kg: uint256):
    """
    @notice The owner consents to one step on an ACTIVE coupon: listing,
            transfer, pledge, offset or loss report. A department completes it.
    @param coupon_id The owner's coupon.
    @param action One Action flag value (1 LIST, 2 TRANSFER, 4 PLEDGE, 8 OFFSET,
           16 LOSS); replaces an earlier request.
    @param counterparty Transferee or pledgee; empty for the other actions.
    @param amount_kg How much; the whole coupon for LIST and LOSS.
    """
    coupon: Coupon = self._load(coupon_id)
    self._expect(coupon.state, CouponState.ACTIVE)
    assert coupon.owner == msg.sender, "ledger: not owner"
    # One action exactly: a flag argument would also admit combinations.
    assert action in [1, 2, 4, 8, 16], "ledger: unknown action"
    step: Action = convert(action, Action)
    assert amount_kg > 0, "ledger: zero amount"
    assert amount_kg <= coupon.amount_kg, "ledger: amount exceeds coupon"
    if step in Action.TRANSFER | Action.PLEDGE:
        assert counterparty != empty(address) and counterparty != msg.sender, "ledger: bad counterparty"
    else:
        assert counterparty == empty(address), "ledger: bad counterparty"
    if step in Action.LIST | Action.LOSS:
        assert amount_kg == coupon.amount_kg, "ledger: whole coupon only"
    self.requests[coupon_id] = action | (convert(counterparty, uint256) << 8) | (amount_kg << 168)
    log RequestMade(coupon=coupon_id, owner=msg.sender, action=step, counterparty=counterparty, amount_kg=amount_kg)


@external
def cancel_request(coupon_id: uint256):
    """
    @notice The owner withdraws a consent not yet acted on.
    @param coupon_id The owner's coupon.
    """
    assert self._state(coupon_id) != empty(CouponState), "ledger: unknown coupon"
    assert self._owner(coupon_id) == msg.sender, "ledger: not owner"
    assert self.requests[coupon_id] != 0, "ledger: no owner request"
    self.requests[coupon_id] = 0
    log RequestCancelled(coupon=coupon_id)


# ---------------------------------------------------------------- market (§13, 附件1 三)

@external
def list_coupon(coupon_id: uint256, price_fen_per_tonne: uint256, notice_end: uint256, disclosure_hash: bytes32):
    """
    @notice CENTER publishes the owner's coupon on the disclosure board (附件5).
    @param coupon_id An ACTIVE coupon whose owner requested listing.
    @param price_fen_per_tonne Asking price, fen (0.01 CNY) per tonne.
    @param notice_end End of the disclosure period (unix seconds).
    @param disclosure_hash sha256 of the signed disclosure form.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._expect(self._state(coupon_id), CouponState.ACTIVE)
    self._take_request(coupon_id, Action.LIST)
    self._move(coupon_id, self._owner(coupon_id), CouponState.LISTED)
    log CouponListed(coupon=coupon_id, price_fen_per_tonne=price_fen_per_tonne, notice_end=notice_end, disclosure_hash=disclosure_hash)


@external
def withdraw_listing(coupon_id: uint256):
    """
    @notice CENTER takes a listing down (withdrawn or notice period over).
    @param coupon_id A LISTED coupon.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._expect(self._state(coupon_id), CouponState.LISTED)
    self._move(coupon_id, self._owner(coupon_id), CouponState.ACTIVE)
    log ListingWithdrawn(coupon=coupon_id)


@external
def settle_trade(
    coupon_id: uint256,
    buyer: address,
    amount_kg: uint256,
    price_fen_per_tonne: uint256,
    service_fee_fen: uint256,
    agreement_hash: bytes32,
) -> uint256:
    """
    @notice CENTER settles a trade (附件7); its transaction is the 交易凭证.
            A partial amount splits the coupon and the remainder stays listed.
    @param coupon_id A LISTED coupon.
    @param buyer The buyer's address.
    @param amount_kg The amount sold.
    @param price_fen_per_tonne Agreed price, fen per tonne.
    @param service_fee_fen Service fee paid by the seller.
    @param agreement_hash sha256 of the signed trade agreement.
    @return uint256 The buyer's coupon id.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    seller: address = self._owner(coupon_id)
    self._expect(self._state(coupon_id), CouponState.LISTED)
    assert buyer != empty(address) and buyer != seller, "ledger: bad counterparty"
    sold: uint256 = self._split_off(coupon_id, amount_kg)
    self._move(sold, buyer, CouponState.ACTIVE)
    log TradeSettled(
        coupon=sold,
        seller=seller,
        buyer=buyer,
        amount_kg=amount_kg,
        price_fen_per_tonne=price_fen_per_tonne,
        service_fee_fen=service_fee_fen,
        agreement_hash=agreement_hash,
    )
    return sold


@external
def register_transfer(coupon_id: uint256) -> uint256:
    """
    @notice CENTER registers a transfer of ownership (流转登记, 附件8) the owner
            consented to.
    @param coupon_id An ACTIVE coupon with a TRANSFER request.
    @return uint256 The transferee's coupon id.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._expect(self._state(coupon_id), CouponState.ACTIVE)
    receiver: address = empty(address)
    amount: uint256 = 0
    receiver, amount = self._take_request(coupon_id, Action.TRANSFER)
    sender: address = self._owner(coupon_id)
    moved: uint256 = self._split_off(coupon_id, amount)
    self._move(moved, receiver, CouponState.ACTIVE)
    log CouponTransferred(coupon=moved, sender=sender, receiver=receiver, amount_kg=amount)
    return moved


# ---------------------------------------------------------------- pledge (§2, §4)

@external
def register_pledge(coupon_id: uint256, secured_fen: uint256, term_end: uint256) -> uint256:
    """
    @notice FINANCE registers a pledge (质押) the owner consented to.
    @param coupon_id An ACTIVE coupon with a PLEDGE request naming the pledgee.
    @param secured_fen The secured claim, fen.
    @param term_end End of the pledge term (unix seconds).
    @return uint256 The pledged coupon id.
    """
    access_control._check_role(roles.FINANCE, msg.sender)
    self._expect(self._state(coupon_id), CouponState.ACTIVE)
    pledgee: address = empty(address)
    amount: uint256 = 0
    pledgee, amount = self._take_request(coupon_id, Action.PLEDGE)
    owner: address = self._owner(coupon_id)
    pledged: uint256 = self._split_off(coupon_id, amount)
    self._move(pledged, owner, CouponState.PLEDGED)
    self.pledgee_of[pledged] = pledgee
    log CouponPledged(coupon=pledged, owner=owner, pledgee=pledgee, amount_kg=amount, secured_fen=secured_fen, term_end=term_end)
    return pledged


@external
def release_pledge(coupon_id: uint256):
    """
    @notice The pledgee or FINANCE releases a pledge; the owner holds it free again.
    @param coupon_id A PLEDGED coupon.
    """
    pledgee: address = self.pledgee_of[coupon_id]
    if msg.sender != pledgee:
        access_control._check_role(roles.FINANCE, msg.sender)
    self._expect(self._state(coupon_id), CouponState.PLEDGED)
    self.pledgee_of[coupon_id] = empty(address)
    self._move(coupon_id, self._owner(coupon_id), CouponState.ACTIVE)
    log PledgeReleased(coupon=coupon_id, pledgee=pledgee)


@external
def enforce_pledge(coupon_id: uint256):
    """
    @notice FINANCE enforces a pledge on default: the pledgee becomes owner.
    @param coupon_id A PLEDGED coupon.
    """
    access_control._check_role(roles.FINANCE, msg.sender)
    self._expect(self._state(coupon_id), CouponState.PLEDGED)
    pledgee: address = self.pledgee_of[coupon_id]
    owner: address = self._owner(coupon_id)
    self.pledgee_of[coupon_id] = empty(address)
    self._move(coupon_id, pledgee, CouponState.ACTIVE)
    log PledgeEnforced(coupon=coupon_id, owner=owner, pledgee=pledgee)


# ---------------------------------------------------------------- supervision (§6)

@external
def freeze(coupon_id: uint256, reason: String[256]):
    """
    @notice NRB, FORESTRY or EEB freezes a coupon under supervision.
    @param coupon_id An ACTIVE coupon.
    @param reason The supervision finding.
    """
    department: bytes32 = self._supervisor()
    self._expect(self._state(coupon_id), CouponState.ACTIVE)
    # A consent given before supervision stepped in must be given again.
    self.requests[coupon_id] = 0
    self._move(coupon_id, self._owner(coupon_id), CouponState.FROZEN)
    log CouponFrozen(coupon=coupon_id, department=department, reason=reason)


@external
def unfreeze(coupon_id: uint256):
    """
    @notice NRB, FORESTRY or EEB lifts a freeze.
    @param coupon_id A FROZEN coupon.
    """
    department: bytes32 = self._supervisor()
    self._expect(self._state(coupon_id), CouponState.FROZEN)
    self._move(coupon_id, self._owner(coupon_id), CouponState.ACTIVE)
    log CouponUnfrozen(coupon=coupon_id, department=department)


# ---------------------------------------------------------------- loss and reissue (§12, 附件1 二)

@external
def report_loss(coupon_id: uint256):
    """
    @notice CENTER records the owner's loss report; the public notice starts.
    @param coupon_id An ACTIVE coupon with a LOSS request.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._expect(self._state(coupon_id), CouponState.ACTIVE)
    self._take_request(coupon_id, Action.LOSS)
    self._move(coupon_id, self._owner(coupon_id), CouponState.LOST_REPORTED)
    notice_end: uint256 = block.timestamp + loss_notice_seconds
    self.loss_notice_end[coupon_id] = notice_end
    log LossReported(coupon=coupon_id, notice_end=notice_end)


@external
def withdraw_loss(coupon_id: uint256):
    """
    @notice CENTER withdraws a loss report (the certificate was found).
    @param coupon_id A LOST_REPORTED coupon.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._expect(self._state(coupon_id), CouponState.LOST_REPORTED)
    self.loss_notice_end[coupon_id] = 0
    self.reissue_filing[coupon_id] = empty(String[64])
    self._move(coupon_id, self._owner(coupon_id), CouponState.ACTIVE)
    log LossWithdrawn(coupon=coupon_id)


@external
def file_reissue(coupon_id: uint256, filing_number: String[64]):
    """
    @notice EEB files the reissue (附件1 二(四) 备案签发).
    @param coupon_id A LOST_REPORTED coupon.
    @param filing_number The reissue filing number.
    """
    access_control._check_role(roles.EEB, msg.sender)
    self._expect(self._state(coupon_id), CouponState.LOST_REPORTED)
    assert len(filing_number) > 0, "ledger: empty filing number"
    self.reissue_filing[coupon_id] = filing_number
    log ReissueFiled(coupon=coupon_id, filing_number=filing_number)


@external
def reissue(coupon_id: uint256) -> uint256:
    """
    @notice GOV reissues (补发) after the notice period and the EEB filing:
            the old coupon is VOIDED and a new number takes its serial block.
    @param coupon_id A LOST_REPORTED coupon.
    @return uint256 The new coupon id.
    """
    access_control._check_role(roles.GOV, msg.sender)
    coupon: Coupon = self._load(coupon_id)
    self._expect(coupon.state, CouponState.LOST_REPORTED)
    assert len(self.reissue_filing[coupon_id]) > 0, "ledger: reissue not filed"
    assert block.timestamp >= self.loss_notice_end[coupon_id], "ledger: notice period not over"
    self._move(coupon_id, coupon.owner, CouponState.VOIDED)
    new_id: uint256 = self._create(
        coupon.issuance, coupon.first_serial, coupon.last_serial, coupon.owner, CouponState.ACTIVE, 0, coupon_id
    )
    self.replaced_by[coupon_id] = new_id
    log CouponVoided(coupon=coupon_id, replaced_by=new_id)
    return new_id


# ---------------------------------------------------------------- offset (§14, §15)

@external
def retire(coupon_id: uint256, purpose: uint256, beneficiary: String[128], case_reference: String[128]) -> uint256:
    """
    @notice EEB issues the offset certificate (抵销凭证); the transaction hash
            is the certificate id. A retired coupon never circulates again (§14).
    @param coupon_id An ACTIVE coupon with an OFFSET request.
    @param purpose One OffsetPurpose flag value: 1 eco-compensation, 2 event
           neutrality, 4 green points (§15).
    @param beneficiary On whose behalf the carbon is offset.
    @param case_reference The land-use, event or points case it answers.
    @return uint256 The retired coupon id.
    """
    access_control._check_role(roles.EEB, msg.sender)
    self._expect(self._state(coupon_id), CouponState.ACTIVE)
    assert purpose in [1, 2, 4], "ledger: unknown purpose"
    assert len(beneficiary) > 0, "ledger: empty beneficiary"
    amount: uint256 = self._take_request(coupon_id, Action.OFFSET)[1]
    retired: uint256 = self._split_off(coupon_id, amount)
    coupon: Coupon = self._load(retired)
    self._move(retired, coupon.owner, CouponState.RETIRED)
    log CouponRetired(
        coupon=retired,
        owner=coupon.owner,
        issuance=coupon.issuance,
        seq=coupon.seq,
        first_serial=coupon.first_serial,
        last_serial=coupon.last_serial,
        amount_kg=amount,
        purpose=convert(purpose, OffsetPurpose),
        beneficiary=beneficiary,
        case_reference=case_reference,
    )
    return retired


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
    word: uint256 = self.issuances[issuance_id]
    return Issuance(
        application=word & MASK_64,
        year=(word >> 64) & 65535,
        amount_kg=(word >> 80) & MASK_64,
        coupon_count=(word >> 144) & MASK_32,
    )


@external
@view
def request_of(coupon_id: uint256) -> Request:
    """
    @notice Reads the owner's pending consent on a coupon.
    @param coupon_id The coupon id.
    @return Request Action (empty for none), counterparty and amount.
    """
    word: uint256 = self.requests[coupon_id]
    return Request(
        action=convert(word & 255, Action),
        counterparty=convert(convert((word >> 8) & MASK_160, uint160), address),
        amount_kg=word >> 168,
    )


# ---------------------------------------------------------------- internals

@internal
@view
def _load(coupon_id: uint256) -> Coupon:
    held: uint256 = self.holders[coupon_id]
    serials: uint256 = self.blocks[coupon_id]
    first: uint256 = (serials >> 64) & MASK_64
    last: uint256 = (serials >> 128) & MASK_64
    return Coupon(
        owner=convert(convert(held & MASK_160, uint160), address),
        state=convert(held >> 160, CouponState),
        issuance=serials & MASK_32,
        seq=(serials >> 32) & MASK_32,
        first_serial=first,
        last_serial=last,
        amount_kg=last - first + 1 if held != 0 else 0,
        parent=serials >> 192,
    )


@internal
@view
def _owner(coupon_id: uint256) -> address:
    return convert(convert(self.holders[coupon_id] & MASK_160, uint160), address)


@internal
@view
def _state(coupon_id: uint256) -> CouponState:
    return convert(self.holders[coupon_id] >> 160, CouponState)


@internal
@view
def _expect(state: CouponState, expected: CouponState):
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
def _supervisor() -> bytes32:
    department: bytes32 = roles.department_of[msg.sender]
    assert department in [roles.NRB, roles.FORESTRY, roles.EEB], "access_control: account is missing role"
    return department


@internal
def _take_request(coupon_id: uint256, action: Action) -> (address, uint256):
    word: uint256 = self.requests[coupon_id]
    assert word & 255 == convert(action, uint256), "ledger: no owner request"
    self.requests[coupon_id] = 0
    return convert(convert((word >> 8) & MASK_160, uint160), address), word >> 168


@internal
def _move(coupon_id: uint256, owner: address, to: CouponState):
    """
    @dev The one place a coupon's owner or state changes; asserts the
         transition table of DESIGN §4.
    """
    state: CouponState = self._state(coupon_id)
    allowed: CouponState = empty(CouponState)
    if state == CouponState.ACTIVE:
        allowed = CouponState.ACTIVE | CouponState.LISTED | CouponState.PLEDGED | CouponState.FROZEN | CouponState.LOST_REPORTED | CouponState.RETIRED | CouponState.SPLIT
    elif state == CouponState.LISTED:
        allowed = CouponState.ACTIVE | CouponState.SPLIT
    elif state == CouponState.PLEDGED or state == CouponState.FROZEN:
        allowed = CouponState.ACTIVE
    elif state == CouponState.LOST_REPORTED:
        allowed = CouponState.ACTIVE | CouponState.VOIDED
    assert to in allowed, "ledger: transition not allowed"
    self.holders[coupon_id] = convert(owner, uint256) | (convert(to, uint256) << 160)


@internal
def _split_off(coupon_id: uint256, amount: uint256) -> uint256:
    """
    @dev Returns a coupon of exactly `amount`: the coupon itself when whole,
         else the first child of a split whose second child keeps the rest
         in the parent's owner and state.
    """
    coupon: Coupon = self._load(coupon_id)
    assert amount > 0, "ledger: zero amount"
    assert amount <= coupon.amount_kg, "ledger: amount exceeds coupon"
    if amount == coupon.amount_kg:
        return coupon_id
    cut: uint256 = coupon.first_serial + amount
    part: uint256 = self._create(coupon.issuance, coupon.first_serial, cut - 1, coupon.owner, coupon.state, coupon_id, 0)
    rest: uint256 = self._create(coupon.issuance, cut, coupon.last_serial, coupon.owner, coupon.state, coupon_id, 0)
    self._move(coupon_id, coupon.owner, CouponState.SPLIT)
    log CouponSplit(parent=coupon_id, part=part, rest=rest)
    return part


@internal
def _create(
    issuance: uint256, first: uint256, last: uint256, owner: address, state: CouponState, parent: uint256, replaces: uint256
) -> uint256:
    coupon_id: uint256 = self.coupon_count + 1
    self.coupon_count = coupon_id
    word: uint256 = self.issuances[issuance]
    seq: uint256 = ((word >> 144) & MASK_32) + 1
    self.issuances[issuance] = (word & ~(MASK_32 << 144)) | (seq << 144)
    self.holders[coupon_id] = convert(owner, uint256) | (convert(state, uint256) << 160)
    self.blocks[coupon_id] = issuance | (seq << 32) | (first << 64) | (last << 128) | (parent << 192)
    log CouponCreated(
        coupon=coupon_id,
        issuance=issuance,
        owner=owner,
        seq=seq,
        first_serial=first,
        last_serial=last,
        state=state,
        parent=parent,
        replaces=replaces,
    )
    return coupon_id


@internal
@pure
def _year(timestamp: uint256) -> uint256:
    """
    @dev Calendar year in China Standard Time (UTC+8), for the coupon number
         HSTQ-<year>-…; H. Hinnant's civil_from_days.
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
