# pragma version ~=0.4.3
# pragma nonreentrancy on
"""
@title Loss reports and the reissue procedure (§12, 附件1 二)
@notice CENTER records the owner's loss report and the public notice starts;
        the reissue application passes formal review (一次性告知 of what is
        missing), review (a field survey stops its clock), registration and the
        EEB's filing; once the notice is over GOV reissues: the lost coupon is
        VOIDED and a new number takes its serial block.
"""

from snekmate.auth import access_control
from . import roles
from . import coupons
from . import consents

uses: access_control
uses: coupons
uses: consents


# @dev The `reissues` word of a LOST_REPORTED coupon, unpacked: its stage in the
#      reissue procedure (附件1 二, REISSUE_* below), whether the centre's formal
#      review awaits the owner's supplement (一次性告知), and whether the review's
#      clock is stopped for a field survey.
struct Reissue:
    stage: uint256
    supplement_required: bool
    survey_paused: bool


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


loss_notice_end: public(HashMap[uint256, uint256])
reissue_filing: public(HashMap[uint256, String[64]])
replaced_by: public(HashMap[uint256, uint256])
# @dev One packed word per coupon; `_set_reissue` is the one place that writes it.
reissues: HashMap[uint256, uint256]

loss_notice_seconds: public(immutable(uint256))

MAX_ITEMS: constant(uint256) = 16

# @dev Stages of the reissue procedure (附件1 二), as `reissue_stage` reads them.
REISSUE_NONE: constant(uint256) = 0
REISSUE_REPORTED: constant(uint256) = 1
REISSUE_FORMAL_OK: constant(uint256) = 2
REISSUE_REVIEWED: constant(uint256) = 3
REISSUE_REGISTERED: constant(uint256) = 4
REISSUE_FILED: constant(uint256) = 5


@deploy
def __init__(loss_notice: uint256):
    """
    @param loss_notice The public notice period after a loss report (§12), seconds.
    """
    loss_notice_seconds = loss_notice


@external
def report_loss(coupon_id: uint256):
    """
    @notice CENTER records the owner's loss report and reissue application
            (附件1 二(一), 附件3); the public notice starts.
    @param coupon_id An ACTIVE coupon with a LOSS request.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    coupons._expect(coupons._state(coupon_id), coupons.CouponState.ACTIVE)
    consents._take_request(coupon_id, consents.Action.LOSS)
    coupons._move(coupon_id, coupons._owner(coupon_id), coupons.CouponState.LOST_REPORTED)
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
    coupons._move(coupon_id, coupons._owner(coupon_id), coupons.CouponState.ACTIVE)
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
    assert coupons._owner(coupon_id) == msg.sender, "ledger: not owner"
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
    coupons._move(coupon_id, coupons._owner(coupon_id), coupons.CouponState.ACTIVE)
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
    coupon: coupons.Coupon = coupons._load(coupon_id)
    coupons._expect(coupon.state, coupons.CouponState.LOST_REPORTED)
    assert self._unpack_reissue(self.reissues[coupon_id]).stage == REISSUE_FILED, "ledger: reissue not filed"
    assert block.timestamp >= self.loss_notice_end[coupon_id], "ledger: notice period not over"
    # The old coupon keeps its notice end and filing number: the replacement shows them.
    self._set_reissue(coupon_id, empty(Reissue))
    coupons._move(coupon_id, coupon.owner, coupons.CouponState.VOIDED)
    new_id: uint256 = coupons._create(
        coupon.issuance,
        coupon.first_serial,
        coupon.last_serial,
        coupon.owner,
        coupons.CouponState.ACTIVE,
        0,
        coupon_id,
    )
    self.replaced_by[coupon_id] = new_id
    log CouponVoided(coupon=coupon_id, replaced_by=new_id)
    return new_id


# ---------------------------------------------------------------- reads

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


# ---------------------------------------------------------------- internals

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
    coupons._expect(coupons._state(coupon_id), coupons.CouponState.LOST_REPORTED)
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


# ---------------------------------------------------------------- storage word

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
