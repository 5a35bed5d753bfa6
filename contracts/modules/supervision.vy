# pragma version ~=0.4.3
# pragma nonreentrancy on
"""
@title Supervision: freezes and the joint voiding of an invalid coupon (§5, §6)
@notice NRB, FORESTRY or EEB freezes a coupon in any live state and restores
        that state (§6 抽查); NRB and FORESTRY jointly void a coupon found invalid
        (§5 注销), which ends its consent, pledge, freeze and loss report.
"""

from . import roles
from . import coupons
from . import consents
from . import pledges
from . import reissues

uses: roles
uses: coupons
uses: consents
uses: pledges
uses: reissues


# @dev NRB's and FORESTRY's signatures on voiding a coupon found invalid (§5 注销):
#      both sign the same reason and inspection record, keccak256 of which is `digest`.
struct VoidingSignatures:
    digest: bytes32
    nrb_signed: bool
    forestry_signed: bool


# @dev A supervising `department` (NRB, FORESTRY or EEB) froze the coupon (§6) in
#      `previous_state`, the state an unfreeze restores.
event CouponFrozen:
    coupon: indexed(uint256)
    department: indexed(bytes32)
    reason: String[256]
    previous_state: coupons.CouponState

# @dev A supervising `department` lifted the freeze; CouponMoved names the restored state.
event CouponUnfrozen:
    coupon: indexed(uint256)
    department: indexed(bytes32)

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


# @dev The state a FROZEN coupon was frozen in, empty otherwise.
frozen_from: public(HashMap[uint256, coupons.CouponState])
voiding_signatures: public(HashMap[uint256, VoidingSignatures])
# @dev Why NRB and FORESTRY voided a coupon as invalid, and the inspection record's sha256.
invalid_reason: public(HashMap[uint256, String[256]])
inspection_record: public(HashMap[uint256, bytes32])


@external
def freeze(coupon_id: uint256, reason: String[256]):
    """
    @notice NRB, FORESTRY or EEB freezes a coupon under supervision, in any
            live state; no step but unfreezing and voiding acts on it while frozen.
    @param coupon_id An ACTIVE, LISTED, PLEDGED or LOST_REPORTED coupon.
    @param reason The supervision finding.
    """
    department: bytes32 = self._supervisor()
    state: coupons.CouponState = coupons._state(coupon_id)
    coupons._expect_live(state)
    assert state != coupons.CouponState.FROZEN, "ledger: coupon already frozen"
    # A consent given before supervision stepped in must be given again.
    consents.requests[coupon_id] = 0
    self.frozen_from[coupon_id] = state
    coupons._move(coupon_id, coupons._owner(coupon_id), coupons.CouponState.FROZEN)
    log CouponFrozen(coupon=coupon_id, department=department, reason=reason, previous_state=state)


@external
def unfreeze(coupon_id: uint256):
    """
    @notice NRB, FORESTRY or EEB lifts a freeze: the coupon returns to the state
            it was frozen in (a listing, pledge or loss report resumes).
    @param coupon_id A FROZEN coupon.
    """
    department: bytes32 = self._supervisor()
    coupons._expect(coupons._state(coupon_id), coupons.CouponState.FROZEN)
    previous: coupons.CouponState = self.frozen_from[coupon_id]
    self.frozen_from[coupon_id] = empty(coupons.CouponState)
    coupons._move(coupon_id, coupons._owner(coupon_id), previous)
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
    coupons._expect_live(coupons._state(coupon_id))
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
    consents.requests[coupon_id] = 0
    pledges.pledgee_of[coupon_id] = empty(address)
    self.frozen_from[coupon_id] = empty(coupons.CouponState)
    reissues._end_loss(coupon_id)
    self.invalid_reason[coupon_id] = reason
    self.inspection_record[coupon_id] = inspection_hash
    coupons._move(coupon_id, coupons._owner(coupon_id), coupons.CouponState.VOIDED)
    log CouponInvalidated(coupon=coupon_id, reason=reason, inspection_hash=inspection_hash)


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
