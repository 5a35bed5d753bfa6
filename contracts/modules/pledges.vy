# pragma version ~=0.4.3
# pragma nonreentrancy on
"""
@title Pledges of coupons (质押, §2, 附件8 质押权)
@notice FINANCE registers a pledge the owner consented to, naming the pledgee;
        the pledgee or FINANCE releases it, FINANCE enforces it on default and
        the pledgee becomes owner (DESIGN §4).
"""

from snekmate.auth import access_control
from . import roles
from . import coupons
from . import consents

uses: access_control
uses: coupons
uses: consents


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


# @dev The pledgee of a PLEDGED coupon; supervision clears it when it voids the coupon.
pledgee_of: public(HashMap[uint256, address])


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
    coupons._expect(coupons._state(coupon_id), coupons.CouponState.ACTIVE)
    pledgee: address = empty(address)
    amount: uint256 = 0
    pledgee, amount = consents._take_request(coupon_id, consents.Action.PLEDGE)
    owner: address = coupons._owner(coupon_id)
    pledged: uint256 = coupons._split_off(coupon_id, amount)
    coupons._move(pledged, owner, coupons.CouponState.PLEDGED)
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
    coupons._expect(coupons._state(coupon_id), coupons.CouponState.PLEDGED)
    self.pledgee_of[coupon_id] = empty(address)
    coupons._move(coupon_id, coupons._owner(coupon_id), coupons.CouponState.ACTIVE)
    log PledgeReleased(coupon=coupon_id, pledgee=pledgee)


@external
def enforce_pledge(coupon_id: uint256):
    """
    @notice FINANCE enforces a pledge on default: the pledgee becomes owner.
    @param coupon_id A PLEDGED coupon.
    """
    access_control._check_role(roles.FINANCE, msg.sender)
    coupons._expect(coupons._state(coupon_id), coupons.CouponState.PLEDGED)
    pledgee: address = self.pledgee_of[coupon_id]
    owner: address = coupons._owner(coupon_id)
    self.pledgee_of[coupon_id] = empty(address)
    coupons._move(coupon_id, pledgee, coupons.CouponState.ACTIVE)
    log PledgeEnforced(coupon=coupon_id, owner=owner, pledgee=pledgee)
