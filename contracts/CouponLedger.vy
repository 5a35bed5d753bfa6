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
        Supervision (§6) freezes a coupon in any live state and restores that
        state; NRB and FORESTRY jointly void a coupon found invalid (§5 注销).
        A lost coupon is reissued through the stages of 附件1 二.
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
    REDEEM


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


# @dev The `holders` word of a coupon, unpacked.
struct Holding:
    owner: address
    state: CouponState


# @dev The `reissues` word of a LOST_REPORTED coupon, unpacked: its stage in the
#      reissue procedure (附件1 二, REISSUE_* below), whether the centre's formal
#      review awaits the owner's supplement (一次性告知), and whether the review's
#      clock is stopped for a field survey.
struct Reissue:
    stage: uint256
    supplement_required: bool
    survey_paused: bool


# @dev NRB's and FORESTRY's signatures on voiding a coupon found invalid (§5 注销):
#      both sign the same reason and inspection record, keccak256 of which is `digest`.
struct VoidingSignatures:
    digest: bytes32
    nrb_signed: bool
    forestry_signed: bool


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

# @dev The owner consented to one step (`action`); it replaces any earlier consent.
event RequestMade:
    coupon: indexed(uint256)
    owner: indexed(address)
    action: Action
    counterparty: address
    amount_kg: uint256

# @dev The owner withdrew a consent not yet acted on.
event RequestCancelled:
    coupon: indexed(uint256)

# @dev CENTER published the coupon on the disclosure board (附件5).
event CouponListed:
    coupon: indexed(uint256)
    price_fen_per_tonne: uint256
    notice_end: uint256
    disclosure_hash: bytes32

# @dev CENTER took the listing down; the coupon is ACTIVE again.
event ListingWithdrawn:
    coupon: indexed(uint256)

# @dev CENTER settled a trade (附件7): `coupon` is the buyer's, of `amount_kg`.
event TradeSettled:
    coupon: indexed(uint256)
    seller: indexed(address)
    buyer: indexed(address)
    amount_kg: uint256
    price_fen_per_tonne: uint256
    service_fee_fen: uint256
    agreement_hash: bytes32

# @dev DRC designated the district's acquirer (收储主体) and published its price (兑现, §2).
event RedemptionTermsSet:
    acquirer: indexed(address)
    price_fen_per_tonne: uint256

# @dev CENTER sold the owner's coupon to the designated acquirer at the published price (兑现, §2):
#      `coupon` is the acquirer's.
event CouponRedeemed:
    coupon: indexed(uint256)
    seller: indexed(address)
    acquirer: indexed(address)
    amount_kg: uint256
    price_fen_per_tonne: uint256
    agreement_hash: bytes32

# @dev CENTER registered a transfer (流转登记, 附件8): `coupon` is the receiver's.
event CouponTransferred:
    coupon: indexed(uint256)
    sender: indexed(address)
    receiver: indexed(address)
    amount_kg: uint256

# @dev FINANCE registered a pledge of `coupon` to `pledgee`.
event CouponPledged:
    coupon: indexed(uint256)
    owner: indexed(address)
    pledgee: indexed(address)
    amount_kg: uint256
    secured_fen: uint256
    term_end: uint256

# @dev The pledgee or FINANCE released the pledge; the owner holds the coupon free.
event PledgeReleased:
    coupon: indexed(uint256)
    pledgee: indexed(address)

# @dev FINANCE enforced the pledge: the coupon passed from `owner` to `pledgee`.
event PledgeEnforced:
    coupon: indexed(uint256)
    owner: indexed(address)
    pledgee: indexed(address)

# @dev A supervising `department` (NRB, FORESTRY or EEB) froze the coupon (§6) in
#      `previous_state`, the state an unfreeze restores.
event CouponFrozen:
    coupon: indexed(uint256)
    department: indexed(bytes32)
    reason: String[256]
    previous_state: CouponState

# @dev A supervising `department` lifted the freeze; CouponMoved names the restored state.
event CouponUnfrozen:
    coupon: indexed(uint256)
    department: indexed(bytes32)

# @dev CENTER recorded the owner's loss report; the public notice runs to `notice_end`.
event LossReported:
    coupon: indexed(uint256)
    notice_end: uint256

# @dev CENTER withdrew the loss report (the certificate was found).
event LossWithdrawn:
    coupon: indexed(uint256)

# @dev A lost coupon's reissue procedure (附件1 二) changed: emitted by `_set_reissue`, the one
#      place that writes it, so that replaying it gives every coupon's stage without a copy of the
#      procedure's table. Stage 0 is none: the loss report ended (withdrawn, refused, the coupon
#      invalidated) or the coupon was reissued. The step's own event follows in the same transaction.
# @param coupon The coupon id.
# @param stage Its stage afterwards (REISSUE_NONE … REISSUE_FILED).
# @param supplement_required Whether the centre awaits a supplement.
# @param survey_paused Whether a field survey stops the review's clock.
# @param notice_end When the loss notice ends (0 once the report ended without a reissue).
event ReissueMoved:
    coupon: indexed(uint256)
    stage: uint256
    supplement_required: bool
    survey_paused: bool
    notice_end: uint256

# @dev CENTER passed the reissue application's formal review (附件1 二(二) 形式审查).
event ReissueFormalReviewPassed:
    coupon: indexed(uint256)

# @dev CENTER named every missing item of the reissue application at once (一次性告知).
event ReissueSupplementRequired:
    coupon: indexed(uint256)
    missing_items: DynArray[String[100], MAX_ITEMS]

# @dev The owner resubmitted the reissue application; the formal review's clock restarts.
event ReissueResubmitted:
    coupon: indexed(uint256)

# @dev CENTER stopped the reissue review's clock for a field survey.
event ReissueSurveyPaused:
    coupon: indexed(uint256)

# @dev CENTER restarted the reissue review's clock after the field survey.
event ReissueSurveyResumed:
    coupon: indexed(uint256)

# @dev CENTER passed the reissue review (附件1 二(二) 审查).
event ReissueReviewPassed:
    coupon: indexed(uint256)

# @dev CENTER registered the reissue (附件1 二(三) 补发登记) and forwarded it to the EEB.
event ReissueRegistered:
    coupon: indexed(uint256)

# @dev CENTER refused the reissue with its reason (附件1 二(三)); the loss report ends
#      and CouponMoved says ACTIVE.
event ReissueRefused:
    coupon: indexed(uint256)
    reason: String[256]

# @dev EEB filed the reissue of a lost coupon (附件1 二(四)).
event ReissueFiled:
    coupon: indexed(uint256)
    filing_number: String[64]

# @dev GOV reissued a lost coupon: `coupon` is void, `replaced_by` takes its serial block.
event CouponVoided:
    coupon: indexed(uint256)
    replaced_by: indexed(uint256)

# @dev NRB or FORESTRY (`department`) signed the voiding of a coupon found invalid (§5 注销)
#      with its reason and the sha256 of the inspection record (抽查记录). A signature on a
#      different reason or record starts over: both must sign the same.
event VoidingSigned:
    coupon: indexed(uint256)
    department: indexed(bytes32)
    reason: String[256]
    inspection_hash: bytes32

# @dev NRB and FORESTRY both signed: the coupon is VOIDED as invalid, not replaced.
event CouponInvalidated:
    coupon: indexed(uint256)
    reason: String[256]
    inspection_hash: bytes32

# @dev EEB retired the coupon for an offset (抵销凭证, §14-15); the transaction
#      hash is the certificate id, and the event carries everything it shows.
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
#      (`_pack_holding` … `_unpack_request`), the only code that knows its layout.
holders: HashMap[uint256, uint256]
blocks: HashMap[uint256, uint256]
issuances: HashMap[uint256, uint256]
requests: HashMap[uint256, uint256]

coupon_count: public(uint256)
issuance_count: public(uint256)
pledgee_of: public(HashMap[uint256, address])
loss_notice_end: public(HashMap[uint256, uint256])
reissue_filing: public(HashMap[uint256, String[64]])
replaced_by: public(HashMap[uint256, uint256])
# @dev The state a FROZEN coupon was frozen in, empty otherwise.
frozen_from: public(HashMap[uint256, CouponState])
# A listed coupon's notice end (附件5 公告期): a trade settles only while the notice runs (附件1 三(二)).
listing_end: public(HashMap[uint256, uint256])
reissues: HashMap[uint256, uint256]
voiding_signatures: public(HashMap[uint256, VoidingSignatures])
# @dev Why NRB and FORESTRY voided a coupon as invalid, and the inspection record's sha256.
invalid_reason: public(HashMap[uint256, String[256]])
inspection_record: public(HashMap[uint256, bytes32])
# 兑现 (§2): the account DRC designated to acquire coupons (收储主体), and the price it published.
acquirer: public(address)
redemption_price_fen: public(uint256)

applications: public(immutable(IApplicationRegistry))
loss_notice_seconds: public(immutable(uint256))

MASK_16: constant(uint256) = 2**16 - 1
MASK_32: constant(uint256) = 2**32 - 1
MASK_64: constant(uint256) = 2**64 - 1
MASK_160: constant(uint256) = 2**160 - 1
UTC8: constant(uint256) = 8 * 3600
MAX_ITEMS: constant(uint256) = 16

# @dev Stages of the reissue procedure (附件1 二), as `reissue_stage` reads them.
REISSUE_NONE: constant(uint256) = 0
REISSUE_REPORTED: constant(uint256) = 1
REISSUE_FORMAL_OK: constant(uint256) = 2
REISSUE_REVIEWED: constant(uint256) = 3
REISSUE_REGISTERED: constant(uint256) = 4
REISSUE_FILED: constant(uint256) = 5


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
    self.issuances[issuance] = self._pack_issuance(
        Issuance(application=application_id, year=year, amount_kg=amount, coupon_count=0)
    )
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
           16 LOSS, 32 REDEEM); replaces an earlier request.
    @param counterparty Transferee or pledgee; empty for the other actions.
    @param amount_kg How much; the whole coupon for LIST and LOSS.
    """
    coupon: Coupon = self._load(coupon_id)
    self._expect(coupon.state, CouponState.ACTIVE)
    assert coupon.owner == msg.sender, "ledger: not owner"
    # One action exactly: a flag argument would also admit combinations.
    assert action in [1, 2, 4, 8, 16, 32], "ledger: unknown action"
    step: Action = convert(action, Action)
    assert amount_kg > 0, "ledger: zero amount"
    assert amount_kg <= coupon.amount_kg, "ledger: amount exceeds coupon"
    if step in Action.TRANSFER | Action.PLEDGE:
        assert counterparty != empty(address) and counterparty != msg.sender, "ledger: bad counterparty"
    else:
        assert counterparty == empty(address), "ledger: bad counterparty"
    if step in Action.LIST | Action.LOSS:
        assert amount_kg == coupon.amount_kg, "ledger: whole coupon only"
    self.requests[coupon_id] = self._pack_request(Request(action=step, counterparty=counterparty, amount_kg=amount_kg))
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
def list_coupon(
    coupon_id: uint256, price_fen_per_tonne: uint256, notice_end: uint256, disclosure_hash: bytes32
):
    """
    @notice CENTER publishes the owner's coupon on the disclosure board (附件5).
    @param coupon_id An ACTIVE coupon whose owner requested listing.
    @param price_fen_per_tonne Asking price, fen (0.01 CNY) per tonne.
    @param notice_end End of the disclosure period (unix seconds), after now.
    @param disclosure_hash sha256 of the signed disclosure form.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._expect(self._state(coupon_id), CouponState.ACTIVE)
    assert notice_end > block.timestamp, "ledger: notice already over"
    self._take_request(coupon_id, Action.LIST)
    self.listing_end[coupon_id] = notice_end
    self._move(coupon_id, self._owner(coupon_id), CouponState.LISTED)
    log CouponListed(
        coupon=coupon_id,
        price_fen_per_tonne=price_fen_per_tonne,
        notice_end=notice_end,
        disclosure_hash=disclosure_hash,
    )


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
    @notice CENTER settles a trade (附件7); its transaction is the 交易凭证, while the
            listing's notice runs. A partial amount splits the coupon and the remainder
            stays listed under the same notice.
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
    notice_end: uint256 = self.listing_end[coupon_id]
    assert block.timestamp <= notice_end, "ledger: listing expired"
    assert buyer != empty(address) and buyer != seller, "ledger: bad counterparty"
    sold: uint256 = self._split_off(coupon_id, amount_kg)
    if sold != coupon_id:
        self.listing_end[sold + 1] = notice_end  # the rest, which _split_off creates right after the part
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


# ---------------------------------------------------------------- redemption (兑现, §2)

@external
def set_redemption(acquirer: address, price_fen_per_tonne: uint256):
    """
    @notice DRC designates the district's acquirer (收储主体) and publishes the
            price it pays; both apply to redemptions from then on.
    @param acquirer The acquirer's address.
    @param price_fen_per_tonne The published price, fen per tonne.
    """
    access_control._check_role(roles.DRC, msg.sender)
    assert acquirer != empty(address), "ledger: bad counterparty"
    assert price_fen_per_tonne > 0, "ledger: zero price"
    self.acquirer = acquirer
    self.redemption_price_fen = price_fen_per_tonne
    log RedemptionTermsSet(acquirer=acquirer, price_fen_per_tonne=price_fen_per_tonne)


@external
def redeem(coupon_id: uint256, agreement_hash: bytes32) -> uint256:
    """
    @notice CENTER sells the owner's coupon to the designated acquirer at the
            published price (兑现); its transaction is the 兑现凭证.
    @param coupon_id An ACTIVE coupon with a REDEEM request.
    @param agreement_hash sha256 of the signed redemption agreement.
    @return uint256 The acquirer's coupon id.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._expect(self._state(coupon_id), CouponState.ACTIVE)
    acquirer: address = self.acquirer
    seller: address = self._owner(coupon_id)
    assert acquirer != empty(address), "ledger: no designated acquirer"
    assert acquirer != seller, "ledger: bad counterparty"
    amount: uint256 = self._take_request(coupon_id, Action.REDEEM)[1]
    redeemed: uint256 = self._split_off(coupon_id, amount)
    self._move(redeemed, acquirer, CouponState.ACTIVE)
    log CouponRedeemed(
        coupon=redeemed,
        seller=seller,
        acquirer=acquirer,
        amount_kg=amount,
        price_fen_per_tonne=self.redemption_price_fen,
        agreement_hash=agreement_hash,
    )
    return redeemed


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
    log CouponPledged(
        coupon=pledged, owner=owner, pledgee=pledgee, amount_kg=amount, secured_fen=secured_fen, term_end=term_end
    )
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
    @notice NRB, FORESTRY or EEB freezes a coupon under supervision, in any
            live state; no step but unfreezing and voiding acts on it while frozen.
    @param coupon_id An ACTIVE, LISTED, PLEDGED or LOST_REPORTED coupon.
    @param reason The supervision finding.
    """
    department: bytes32 = self._supervisor()
    state: CouponState = self._state(coupon_id)
    self._expect_live(state)
    assert state != CouponState.FROZEN, "ledger: coupon already frozen"
    # A consent given before supervision stepped in must be given again.
    self.requests[coupon_id] = 0
    self.frozen_from[coupon_id] = state
    self._move(coupon_id, self._owner(coupon_id), CouponState.FROZEN)
    log CouponFrozen(coupon=coupon_id, department=department, reason=reason, previous_state=state)


@external
def unfreeze(coupon_id: uint256):
    """
    @notice NRB, FORESTRY or EEB lifts a freeze: the coupon returns to the state
            it was frozen in (a listing, pledge or loss report resumes).
    @param coupon_id A FROZEN coupon.
    """
    department: bytes32 = self._supervisor()
    self._expect(self._state(coupon_id), CouponState.FROZEN)
    previous: CouponState = self.frozen_from[coupon_id]
    self.frozen_from[coupon_id] = empty(CouponState)
    self._move(coupon_id, self._owner(coupon_id), previous)
    log CouponUnfrozen(coupon=coupon_id, department=department)


@external
def sign_voiding(coupon_id: uint256, reason: String[256], inspection_hash: bytes32):
    """
    @notice 注销 of a coupon found invalid (§5, §6): NRB and FORESTRY jointly, in
            either order, each signing the same reason and inspection record. The
            second signature voids the coupon; it is not replaced.
    @param coupon_id A coupon in any live state, FROZEN included.
    @param reason The finding that makes the coupon invalid.
    @param inspection_hash sha256 of the inspection record (抽查记录).
    """
    department: bytes32 = roles.department_of[msg.sender]
    assert department in [roles.NRB, roles.FORESTRY], "access_control: account is missing role"
    self._expect_live(self._state(coupon_id))
    assert len(reason) > 0, "ledger: empty reason"
    assert inspection_hash != empty(bytes32), "ledger: empty inspection record"
    digest: bytes32 = keccak256(abi_encode(reason, inspection_hash))
    signatures: VoidingSignatures = self.voiding_signatures[coupon_id]
    if signatures.digest != digest:
        signatures = VoidingSignatures(digest=digest, nrb_signed=False, forestry_signed=False)
    if department == roles.NRB:
        assert not signatures.nrb_signed, "ledger: already signed"
        signatures.nrb_signed = True
    else:
        assert not signatures.forestry_signed, "ledger: already signed"
        signatures.forestry_signed = True
    log VoidingSigned(coupon=coupon_id, department=department, reason=reason, inspection_hash=inspection_hash)
    if not (signatures.nrb_signed and signatures.forestry_signed):
        self.voiding_signatures[coupon_id] = signatures
        return
    self.voiding_signatures[coupon_id] = empty(VoidingSignatures)
    # Nothing may act on the coupon again: its consent, pledge, freeze and loss report end with it.
    self.requests[coupon_id] = 0
    self.pledgee_of[coupon_id] = empty(address)
    self.frozen_from[coupon_id] = empty(CouponState)
    self._end_loss(coupon_id)
    self.invalid_reason[coupon_id] = reason
    self.inspection_record[coupon_id] = inspection_hash
    self._move(coupon_id, self._owner(coupon_id), CouponState.VOIDED)
    log CouponInvalidated(coupon=coupon_id, reason=reason, inspection_hash=inspection_hash)


# ---------------------------------------------------------------- loss and reissue (§12, 附件1 二)

@external
def report_loss(coupon_id: uint256):
    """
    @notice CENTER records the owner's loss report and reissue application
            (附件1 二(一), 附件3); the public notice starts.
    @param coupon_id An ACTIVE coupon with a LOSS request.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._expect(self._state(coupon_id), CouponState.ACTIVE)
    self._take_request(coupon_id, Action.LOSS)
    self._move(coupon_id, self._owner(coupon_id), CouponState.LOST_REPORTED)
    notice_end: uint256 = block.timestamp + loss_notice_seconds
    self.loss_notice_end[coupon_id] = notice_end
    self._set_reissue(coupon_id, Reissue(stage=REISSUE_REPORTED, supplement_required=False, survey_paused=False))
    log LossReported(coupon=coupon_id, notice_end=notice_end)


@external
def withdraw_loss(coupon_id: uint256):
    """
    @notice CENTER withdraws a loss report (the certificate was found), at any
            stage before the EEB filed the reissue.
    @param coupon_id A LOST_REPORTED coupon.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._at_stage(coupon_id, REISSUE_REPORTED, REISSUE_REGISTERED)
    self._end_loss(coupon_id)
    self._move(coupon_id, self._owner(coupon_id), CouponState.ACTIVE)
    log LossWithdrawn(coupon=coupon_id)


@external
def pass_reissue_formal_review(coupon_id: uint256):
    """
    @notice 形式审查通过 of the reissue application (CENTER, 附件1 二(二), 2 working days).
    @param coupon_id A LOST_REPORTED coupon at stage REPORTED, no supplement outstanding.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    reissue: Reissue = self._at_stage(coupon_id, REISSUE_REPORTED, REISSUE_REPORTED)
    assert not reissue.supplement_required, "ledger: supplement pending"
    reissue.stage = REISSUE_FORMAL_OK
    self._set_reissue(coupon_id, reissue)
    log ReissueFormalReviewPassed(coupon=coupon_id)


@external
def require_reissue_supplement(coupon_id: uint256, missing_items: DynArray[String[100], MAX_ITEMS]):
    """
    @notice Returns the reissue application for supplement, naming every missing
            item at once (一次性告知, 附件1 二(二)).
    @param coupon_id A LOST_REPORTED coupon at stage REPORTED.
    @param missing_items All missing or deficient documents.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    reissue: Reissue = self._at_stage(coupon_id, REISSUE_REPORTED, REISSUE_REPORTED)
    assert len(missing_items) > 0, "ledger: no missing items"
    assert not reissue.supplement_required, "ledger: supplement already required"
    reissue.supplement_required = True
    self._set_reissue(coupon_id, reissue)
    log ReissueSupplementRequired(coupon=coupon_id, missing_items=missing_items)


@external
def resubmit_reissue(coupon_id: uint256):
    """
    @notice The owner resubmits the supplemented reissue application; the formal
            review's clock restarts.
    @param coupon_id The owner's LOST_REPORTED coupon, a supplement required.
    """
    reissue: Reissue = self._at_stage(coupon_id, REISSUE_REPORTED, REISSUE_REPORTED)
    assert self._owner(coupon_id) == msg.sender, "ledger: not owner"
    assert reissue.supplement_required, "ledger: no supplement required"
    reissue.supplement_required = False
    self._set_reissue(coupon_id, reissue)
    log ReissueResubmitted(coupon=coupon_id)


@external
def pause_reissue_survey(coupon_id: uint256):
    """
    @notice Stops the reissue review's clock for a field survey (不含外业调查时间).
    @param coupon_id A LOST_REPORTED coupon at stage FORMAL_OK.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    reissue: Reissue = self._at_stage(coupon_id, REISSUE_FORMAL_OK, REISSUE_FORMAL_OK)
    assert not reissue.survey_paused, "ledger: survey already paused"
    reissue.survey_paused = True
    self._set_reissue(coupon_id, reissue)
    log ReissueSurveyPaused(coupon=coupon_id)


@external
def resume_reissue_survey(coupon_id: uint256):
    """
    @notice Restarts the reissue review's clock after the field survey.
    @param coupon_id A LOST_REPORTED coupon at stage FORMAL_OK, its survey paused.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    reissue: Reissue = self._at_stage(coupon_id, REISSUE_FORMAL_OK, REISSUE_FORMAL_OK)
    assert reissue.survey_paused, "ledger: survey not paused"
    reissue.survey_paused = False
    self._set_reissue(coupon_id, reissue)
    log ReissueSurveyResumed(coupon=coupon_id)


@external
def pass_reissue_review(coupon_id: uint256):
    """
    @notice 审查通过 of the reissue application (CENTER, 附件1 二(二), 7 working days,
            field survey excluded).
    @param coupon_id A LOST_REPORTED coupon at stage FORMAL_OK, no survey in progress.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    reissue: Reissue = self._at_stage(coupon_id, REISSUE_FORMAL_OK, REISSUE_FORMAL_OK)
    assert not reissue.survey_paused, "ledger: field survey in progress"
    reissue.stage = REISSUE_REVIEWED
    self._set_reissue(coupon_id, reissue)
    log ReissueReviewPassed(coupon=coupon_id)


@external
def register_reissue(coupon_id: uint256):
    """
    @notice 补发登记 (CENTER, 附件1 二(三), 2 working days), forwarded to the EEB for filing.
    @param coupon_id A LOST_REPORTED coupon at stage REVIEWED.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    reissue: Reissue = self._at_stage(coupon_id, REISSUE_REVIEWED, REISSUE_REVIEWED)
    reissue.stage = REISSUE_REGISTERED
    self._set_reissue(coupon_id, reissue)
    log ReissueRegistered(coupon=coupon_id)


@external
def refuse_reissue(coupon_id: uint256, reason: String[256]):
    """
    @notice The centre refuses the reissue with its reason (附件1 二(三) 告知申请人原因):
            the loss report ends and the coupon is ACTIVE again. Formal review asks for
            what is missing and cannot refuse (附件1 二(二) 一次性告知).
    @param coupon_id A LOST_REPORTED coupon at stage FORMAL_OK or REVIEWED.
    @param reason Why, as told to the owner.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._at_stage(coupon_id, REISSUE_FORMAL_OK, REISSUE_REVIEWED)
    assert len(reason) > 0, "ledger: empty reason"
    self._end_loss(coupon_id)
    self._move(coupon_id, self._owner(coupon_id), CouponState.ACTIVE)
    log ReissueRefused(coupon=coupon_id, reason=reason)


@external
def file_reissue(coupon_id: uint256, filing_number: String[64]):
    """
    @notice EEB files the registered reissue (附件1 二(四) 备案签发, 2 working days).
    @param coupon_id A LOST_REPORTED coupon at stage REGISTERED.
    @param filing_number The reissue filing number.
    """
    access_control._check_role(roles.EEB, msg.sender)
    reissue: Reissue = self._at_stage(coupon_id, REISSUE_REGISTERED, REISSUE_REGISTERED)
    assert len(filing_number) > 0, "ledger: empty filing number"
    reissue.stage = REISSUE_FILED
    self._set_reissue(coupon_id, reissue)
    self.reissue_filing[coupon_id] = filing_number
    log ReissueFiled(coupon=coupon_id, filing_number=filing_number)


@external
def reissue(coupon_id: uint256) -> uint256:
    """
    @notice GOV reissues (补发, 附件1 二(五)) once the EEB filed it and the notice
            period is over: the old coupon is VOIDED and a new number takes its serial block.
    @param coupon_id A LOST_REPORTED coupon at stage FILED.
    @return uint256 The new coupon id.
    """
    access_control._check_role(roles.GOV, msg.sender)
    coupon: Coupon = self._load(coupon_id)
    self._expect(coupon.state, CouponState.LOST_REPORTED)
    assert self._unpack_reissue(self.reissues[coupon_id]).stage == REISSUE_FILED, "ledger: reissue not filed"
    assert block.timestamp >= self.loss_notice_end[coupon_id], "ledger: notice period not over"
    # The old coupon keeps its notice end and filing number: the replacement shows them.
    self._set_reissue(coupon_id, empty(Reissue))
    self._move(coupon_id, coupon.owner, CouponState.VOIDED)
    new_id: uint256 = self._create(
        coupon.issuance, coupon.first_serial, coupon.last_serial, coupon.owner, CouponState.ACTIVE, 0, coupon_id
    )
    self.replaced_by[coupon_id] = new_id
    log CouponVoided(coupon=coupon_id, replaced_by=new_id)
    return new_id


# ---------------------------------------------------------------- offset (§14, §15)

@external
def retire(
    coupon_id: uint256, purpose: uint256, beneficiary: String[128], case_reference: String[128]
) -> uint256:
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
    return self._unpack_issuance(self.issuances[issuance_id])


@external
@view
def reissue_stage(coupon_id: uint256) -> uint256:
    """
    @notice Reads a lost coupon's stage in the reissue procedure (附件1 二).
    @param coupon_id The coupon id.
    @return uint256 0 none, 1 reported, 2 formal review passed, 3 reviewed, 4 registered, 5 filed.
    """
    return self._unpack_reissue(self.reissues[coupon_id]).stage


@external
@view
def reissue_of(coupon_id: uint256) -> Reissue:
    """
    @notice Reads a lost coupon's reissue procedure.
    @param coupon_id The coupon id.
    @return Reissue Its stage, whether a supplement is outstanding, whether a field survey is under way.
    """
    return self._unpack_reissue(self.reissues[coupon_id])


@external
@view
def request_of(coupon_id: uint256) -> Request:
    """
    @notice Reads the owner's pending consent on a coupon.
    @param coupon_id The coupon id.
    @return Request Action (empty for none), counterparty and amount.
    """
    return self._unpack_request(self.requests[coupon_id])


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
@view
def _at_stage(coupon_id: uint256, earliest: uint256, latest: uint256) -> Reissue:
    """
    @dev A reissue step's preconditions: the coupon is LOST_REPORTED (so not frozen)
         and its reissue is at a stage from `earliest` to `latest`.
    @param coupon_id The coupon id.
    @param earliest The first stage the step acts on.
    @param latest The last stage the step acts on.
    @return Reissue The coupon's reissue procedure.
    """
    self._expect(self._state(coupon_id), CouponState.LOST_REPORTED)
    reissue: Reissue = self._unpack_reissue(self.reissues[coupon_id])
    assert reissue.stage >= earliest and reissue.stage <= latest, "ledger: wrong reissue stage"
    return reissue


@internal
def _set_reissue(coupon_id: uint256, reissue: Reissue):
    """
    @dev The one place a coupon's reissue procedure is written; logs ReissueMoved.
    @param coupon_id The coupon id.
    @param reissue The procedure afterwards (empty: none).
    """
    self.reissues[coupon_id] = self._pack_reissue(reissue)
    log ReissueMoved(
        coupon=coupon_id,
        stage=reissue.stage,
        supplement_required=reissue.supplement_required,
        survey_paused=reissue.survey_paused,
        notice_end=self.loss_notice_end[coupon_id],
    )


@internal
def _end_loss(coupon_id: uint256):
    """
    @dev Ends a loss report that did not lead to a reissue: its notice, filing and stage.
    @param coupon_id The coupon id.
    """
    self.loss_notice_end[coupon_id] = 0
    self.reissue_filing[coupon_id] = empty(String[64])
    if self.reissues[coupon_id] != 0:  # a coupon voided as invalid need not have been lost
        self._set_reissue(coupon_id, empty(Reissue))


@internal
@view
def _supervisor() -> bytes32:
    """
    @dev Reverts unless the caller signs for a supervising department (§6).
    @return bytes32 The caller's role id: NRB, FORESTRY or EEB.
    """
    department: bytes32 = roles.department_of[msg.sender]
    assert department in [roles.NRB, roles.FORESTRY, roles.EEB], "access_control: account is missing role"
    return department


@internal
def _take_request(coupon_id: uint256, action: Action) -> (address, uint256):
    """
    @dev Consumes the owner's consent to `action`; reverts if there is none.
    @param coupon_id The coupon id.
    @param action The step the department is taking.
    @return address The counterparty the owner named (transferee or pledgee).
    @return uint256 The amount the owner consented to, kg.
    """
    pending: Request = self._unpack_request(self.requests[coupon_id])
    assert pending.action == action, "ledger: no owner request"
    self.requests[coupon_id] = 0
    return pending.counterparty, pending.amount_kg


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
def _pack_request(pending: Request) -> uint256:
    """
    @dev The `requests` word: action (bits 0-7) | counterparty (8-167) | amount (168-231).
    @param pending The owner's consent.
    @return uint256 The word.
    """
    return (
        convert(pending.action, uint256)
        | (convert(pending.counterparty, uint256) << 8)
        | (pending.amount_kg << 168)
    )


@internal
@pure
def _unpack_request(word: uint256) -> Request:
    """
    @dev Reverses `_pack_request`; an unwritten word reads as no consent.
    @param word A `requests` word.
    @return Request The owner's consent.
    """
    return Request(
        action=convert(word & 255, Action),
        counterparty=convert(convert((word >> 8) & MASK_160, uint160), address),
        amount_kg=word >> 168,
    )


@internal
@pure
def _pack_reissue(reissue: Reissue) -> uint256:
    """
    @dev The `reissues` word: stage (bits 0-7) | supplement required (8) | survey paused (9).
    @param reissue The reissue procedure.
    @return uint256 The word.
    """
    return reissue.stage | (convert(reissue.supplement_required, uint256) << 8) | (
        convert(reissue.survey_paused, uint256) << 9
    )


@internal
@pure
def _unpack_reissue(word: uint256) -> Reissue:
    """
    @dev Reverses `_pack_reissue`; an unwritten word reads as no reissue.
    @param word A `reissues` word.
    @return Reissue The reissue procedure.
    """
    return Reissue(stage=word & 255, supplement_required=(word >> 8) & 1 == 1, survey_paused=(word >> 9) & 1 == 1)


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
