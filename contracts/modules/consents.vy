# pragma version ~=0.4.3
# pragma nonreentrancy on
"""
@title The owner's consent to one step on its coupon
@notice No department moves a coupon the owner did not ask for (§3 自愿,
        附件1 三, 附件8): the owner consents to one step on an ACTIVE coupon
        (listing, transfer, pledge, offset, loss report or redemption) and the
        department step consumes it through `_take_request`.
"""

from . import coupons

uses: coupons


# @dev What an owner has consented to; the department step consumes it.
flag Action:
    LIST
    TRANSFER
    PLEDGE
    OFFSET
    LOSS
    REDEEM


struct Request:
    action: Action
    counterparty: address
    amount_kg: uint256


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


# @dev One word per coupon, 0 for no consent; `_pack_request` and `_unpack_request` know its layout.
#      Supervision clears it when it freezes or voids the coupon.
requests: HashMap[uint256, uint256]

MASK_160: constant(uint256) = 2**160 - 1


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
    coupon: coupons.Coupon = coupons._load(coupon_id)
    coupons._expect(coupon.state, coupons.CouponState.ACTIVE)
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
    assert coupons._state(coupon_id) != empty(coupons.CouponState), "ledger: unknown coupon"
    assert coupons._owner(coupon_id) == msg.sender, "ledger: not owner"
    assert self.requests[coupon_id] != 0, "ledger: no owner request"
    self.requests[coupon_id] = 0
    log RequestCancelled(coupon=coupon_id)


@external
@view
def request_of(coupon_id: uint256) -> Request:
    """
    @notice Reads the owner's pending consent on a coupon.
    @param coupon_id The coupon id.
    @return Request Action (empty for none), counterparty and amount.
    """
    return self._unpack_request(self.requests[coupon_id])


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
