# pragma version ~=0.4.3
# pragma nonreentrancy on
"""
@title Offsets: the EEB retires a coupon and issues the offset certificate (§14, §15)
@notice The transaction that retires the coupon is the certificate (抵销凭证): its
        hash is the certificate id and CouponRetired carries everything it shows.
        A retired coupon never circulates again (§14).
"""

from snekmate.auth import access_control
from . import roles
from . import coupons
from . import consents

uses: access_control
uses: coupons
uses: consents


# @dev §15: 1 生态补偿, 2 赛事活动会议碳中和, 3 绿色积分/低碳证书.
flag OffsetPurpose:
    ECO_COMPENSATION
    EVENT_NEUTRALITY
    GREEN_POINTS


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
    coupons._expect(coupons._state(coupon_id), coupons.CouponState.ACTIVE)
    assert purpose in [1, 2, 4], "ledger: unknown purpose"
    assert len(beneficiary) > 0, "ledger: empty beneficiary"
    amount: uint256 = consents._take_request(coupon_id, consents.Action.OFFSET)[1]
    retired: uint256 = coupons._split_off(coupon_id, amount)
    coupon: coupons.Coupon = coupons._load(retired)
    coupons._move(retired, coupon.owner, coupons.CouponState.RETIRED)
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
