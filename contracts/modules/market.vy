# pragma version ~=0.4.3
# pragma nonreentrancy on
"""
@title A coupon changes hands at the centre: listing and trade, transfer, redemption
@notice CENTER publishes a coupon the owner asked to list on the disclosure board
        (§13, 附件5) and settles trades while its notice runs (附件1 三(二)-(三),
        附件7); registers a transfer the owner consented to (流转登记, 附件1 三(四),
        附件8); and sells a coupon to the acquirer DRC designated, at the price it
        published (兑现, §2). A partial amount splits the coupon first.
"""

from snekmate.auth import access_control
from . import roles
from . import coupons
from . import consents

uses: access_control
uses: coupons
uses: consents


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


# A listed coupon's notice end (附件5 公告期): a trade settles only while the notice runs (附件1 三(二)).
listing_end: public(HashMap[uint256, uint256])
# 兑现 (§2): the account DRC designated to acquire coupons (收储主体), and the price it published.
acquirer: public(address)
redemption_price_fen: public(uint256)


# ---------------------------------------------------------------- listing and trade (§13, 附件1 三(一)-(三))

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
    coupons._expect(coupons._state(coupon_id), coupons.CouponState.ACTIVE)
    assert notice_end > block.timestamp, "ledger: notice already over"
    consents._take_request(coupon_id, consents.Action.LIST)
    self.listing_end[coupon_id] = notice_end
    coupons._move(coupon_id, coupons._owner(coupon_id), coupons.CouponState.LISTED)
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
    coupons._expect(coupons._state(coupon_id), coupons.CouponState.LISTED)
    coupons._move(coupon_id, coupons._owner(coupon_id), coupons.CouponState.ACTIVE)
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
    seller: address = coupons._owner(coupon_id)
    coupons._expect(coupons._state(coupon_id), coupons.CouponState.LISTED)
    notice_end: uint256 = self.listing_end[coupon_id]
    assert block.timestamp <= notice_end, "ledger: listing expired"
    assert buyer != empty(address) and buyer != seller, "ledger: bad counterparty"
    sold: uint256 = coupons._split_off(coupon_id, amount_kg)
    if sold != coupon_id:
        self.listing_end[sold + 1] = notice_end  # the rest, which _split_off creates right after the part
    coupons._move(sold, buyer, coupons.CouponState.ACTIVE)
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


# ---------------------------------------------------------------- transfer (流转登记, 附件1 三(四), 附件8)

@external
def register_transfer(coupon_id: uint256) -> uint256:
    """
    @notice CENTER registers a transfer of ownership (流转登记, 附件8) the owner
            consented to.
    @param coupon_id An ACTIVE coupon with a TRANSFER request.
    @return uint256 The transferee's coupon id.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    coupons._expect(coupons._state(coupon_id), coupons.CouponState.ACTIVE)
    receiver: address = empty(address)
    amount: uint256 = 0
    receiver, amount = consents._take_request(coupon_id, consents.Action.TRANSFER)
    sender: address = coupons._owner(coupon_id)
    moved: uint256 = coupons._split_off(coupon_id, amount)
    coupons._move(moved, receiver, coupons.CouponState.ACTIVE)
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
    coupons._expect(coupons._state(coupon_id), coupons.CouponState.ACTIVE)
    acquirer: address = self.acquirer
    seller: address = coupons._owner(coupon_id)
    assert acquirer != empty(address), "ledger: no designated acquirer"
    assert acquirer != seller, "ledger: bad counterparty"
    amount: uint256 = consents._take_request(coupon_id, consents.Action.REDEEM)[1]
    redeemed: uint256 = coupons._split_off(coupon_id, amount)
    coupons._move(redeemed, acquirer, coupons.CouponState.ACTIVE)
    log CouponRedeemed(
        coupon=redeemed,
        seller=seller,
        acquirer=acquirer,
        amount_kg=amount,
        price_fen_per_tonne=self.redemption_price_fen,
        agreement_hash=agreement_hash,
    )
    return redeemed
