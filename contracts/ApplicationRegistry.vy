# pragma version ~=0.4.3
# pragma nonreentrancy on
# pragma evm-version cancun
"""
@title Registration applications for natural-ecosystem carbon coupons
@notice 附件1 一: 申请 → 形式审查 → 初审 → 审定 → 审定意见 → 审核 → 备案签发 → 制发.
        The parcel guard lives here: a parcel on the CCER list (§2), a forest
        parcel with non-tending harvest planned in the period (§9), or a parcel
        already filed for an overlapping monitoring period cannot be issued; the
        CCER list and harvest plans are checked again at mint.
"""

from snekmate.auth import access_control
from .modules import roles

initializes: access_control
initializes: roles[access_control := access_control]

# The roles module's whole interface: grant_role, revoke_role, department_of and
# the role ids (CENTER() …), so clients read the ids from the ABI.
exports: (
    access_control.hasRole,
    roles.__interface__,
)


flag Status:
    SUBMITTED
    SUPPLEMENT_REQUIRED
    FORMAL_OK
    PRELIM_OK
    VALIDATED
    FILED
    ISSUED
    REJECTED
    OPINION_FORWARDED
    EEB_REVIEWED


struct Application:
    applicant: address
    applicant_department: bytes32
    status: Status
    claimed_kg: uint256
    attested_kg: uint256
    period_start: uint256
    period_end: uint256
    documents_hash: bytes32
    report_hash: bytes32
    nrb_signed: bool
    forestry_signed: bool
    survey_paused: bool
    updated_at: uint256


struct HarvestPlan:
    start: uint256
    end: uint256
    tending: bool


MAX_PARCELS: constant(uint256) = 16
MAX_PERIODS: constant(uint256) = 64
MAX_ITEMS: constant(uint256) = 16
MAX_HARVEST_PLANS: constant(uint256) = 16


# @dev An applicant submitted a registration application (附件2); status SUBMITTED.
event ApplicationSubmitted:
    application: indexed(uint256)
    applicant: indexed(address)
    parcels: DynArray[bytes32, MAX_PARCELS]
    period_start: uint256
    period_end: uint256
    claimed_kg: uint256
    documents_hash: bytes32
    report_hash: bytes32
    boundaries_hash: bytes32

# @dev CENTER passed the formal review (形式审查); status FORMAL_OK.
event FormalReviewPassed:
    application: indexed(uint256)

# @dev CENTER returned the application naming every missing item at once (一次性告知);
#      status SUPPLEMENT_REQUIRED.
event SupplementRequired:
    application: indexed(uint256)
    missing_items: DynArray[String[100], MAX_ITEMS]

# @dev The applicant resubmitted with supplemented documents; status SUBMITTED.
event ApplicationResubmitted:
    application: indexed(uint256)
    documents_hash: bytes32
    report_hash: bytes32

# @dev CENTER stopped the preliminary-review clock for a field survey.
event FieldSurveyPaused:
    application: indexed(uint256)

# @dev CENTER restarted the preliminary-review clock after the field survey.
event FieldSurveyResumed:
    application: indexed(uint256)

# @dev CENTER passed the preliminary review (初审); status PRELIM_OK.
event PreliminaryReviewPassed:
    application: indexed(uint256)

# @dev The accredited `verifier` attested its report and the amount it accounted.
event ReportAttested:
    application: indexed(uint256)
    verifier: indexed(address)
    report_hash: bytes32
    attested_kg: uint256

# @dev NRB or FORESTRY (`department`) signed the joint validation (审定).
event ValidationSigned:
    application: indexed(uint256)
    department: indexed(bytes32)

# @dev Both NRB and FORESTRY signed; status VALIDATED for the attested `amount_kg`.
event ApplicationValidated:
    application: indexed(uint256)
    amount_kg: uint256

# @dev CENTER issued its validation opinion (审定意见, 附件1 一(三)) and forwarded it to
#      the EEB; `opinion_hash` is the sha256 of the opinion document; status OPINION_FORWARDED.
event ValidationOpinionIssued:
    application: indexed(uint256)
    opinion_hash: bytes32

# @dev EEB passed its review of the validated file (审核, 附件1 一(四)); status EEB_REVIEWED.
event EebReviewPassed:
    application: indexed(uint256)

# @dev `department` (the EEB) returned the file to the centre with a reason (退回): the
#      centre issues a new opinion; status VALIDATED.
event ApplicationReturned:
    application: indexed(uint256)
    department: indexed(bytes32)
    reason: String[256]

# @dev EEB filed the application (备案签发) with its filing number; status FILED.
event ApplicationFiled:
    application: indexed(uint256)
    filing_number: String[64]

# @dev `department` rejected the application at its review step; status REJECTED.
event ApplicationRejected:
    application: indexed(uint256)
    department: indexed(bytes32)
    reason: String[256]

# @dev The ledger minted the filed application (制发); status ISSUED.
event ApplicationIssued:
    application: indexed(uint256)

# @dev An application's status changed: emitted by `_transition`, the one place that
#      changes it, so that replaying ApplicationSubmitted and ApplicationMoved gives every
#      application's status and review clock without a copy of the transition table. The
#      step's own event, with what the step recorded, follows in the same transaction.
# @param application The application id.
# @param status Its status afterwards.
event ApplicationMoved:
    application: indexed(uint256)
    status: Status

# @dev DRC named the coupon ledger that may mint filed applications (once).
event LedgerSet:
    ledger: indexed(address)

# @dev EEB put a parcel on, or took it off, the CCER list (§2).
event CcerListChanged:
    parcel: indexed(bytes32)
    listed: bool

# @dev FORESTRY recorded a parcel's planned harvest (§9); `tending` for 抚育采伐.
event HarvestPlanRecorded:
    parcel: indexed(bytes32)
    start: uint256
    end: uint256
    tending: bool


application_count: public(uint256)
applications: HashMap[uint256, Application]
parcels: HashMap[uint256, DynArray[bytes32, MAX_PARCELS]]
filing_numbers: public(HashMap[uint256, String[64]])
# @dev The centre's current validation opinion document (sha256): empty until issued, and again once returned.
validation_opinions: public(HashMap[uint256, bytes32])

# @dev Monitoring periods already filed per parcel, each packed start << 128 | end.
filed_periods: HashMap[bytes32, DynArray[uint256, MAX_PERIODS]]
ccer_listed: public(HashMap[bytes32, bool])
harvest_plans: HashMap[bytes32, DynArray[HarvestPlan, MAX_HARVEST_PLANS]]

ledger: public(address)


@deploy
def __init__():
    access_control.__init__()
    roles.__init__()


@external
def set_ledger(ledger: address):
    """
    @notice Names the coupon ledger that may mint filed applications (once).
    @param ledger The CouponLedger address.
    """
    access_control._check_role(roles.DRC, msg.sender)
    assert self.ledger == empty(address), "applications: ledger already set"
    self.ledger = ledger
    log LedgerSet(ledger=ledger)


@external
def submit(
    parcels: DynArray[bytes32, MAX_PARCELS],
    period_start: uint256,
    period_end: uint256,
    claimed_kg: uint256,
    documents_hash: bytes32,
    report_hash: bytes32,
    boundaries_hash: bytes32,
) -> uint256:
    """
    @notice Submits a registration application (附件2 登记申请表).
    @param parcels keccak256 of each parcel number (宗地号).
    @param period_start Monitoring period start (unix seconds, inclusive).
    @param period_end Monitoring period end (unix seconds, exclusive).
    @param claimed_kg Carbon sink claimed, kg CO2e.
    @param documents_hash sha256 of the document manifest (附件1 一(一) 1-5).
    @param report_hash sha256 of the third-party monitoring report.
    @param boundaries_hash sha256 of the parcels' boundaries as the registry serves them (a GeoJSON
           FeatureCollection, canonical JSON): the land shown later is provably the land reviewed.
    @return uint256 The application id.
    """
    assert len(parcels) > 0, "applications: no parcels"
    assert period_start < period_end, "applications: empty period"
    assert period_end <= convert(max_value(uint64), uint256), "applications: period out of range"
    assert claimed_kg > 0, "applications: zero amount"
    assert boundaries_hash != empty(bytes32), "applications: no boundaries"
    for i: uint256 in range(len(parcels), bound=MAX_PARCELS):
        for j: uint256 in range(i, bound=MAX_PARCELS):
            assert parcels[i] != parcels[j], "applications: duplicate parcel"
        self._check_parcel(parcels[i], period_start, period_end)
    id: uint256 = self.application_count + 1
    self.application_count = id
    self.applications[id] = Application(
        applicant=msg.sender,
        applicant_department=roles.department_of[msg.sender],
        status=Status.SUBMITTED,
        claimed_kg=claimed_kg,
        attested_kg=0,
        period_start=period_start,
        period_end=period_end,
        documents_hash=documents_hash,
        report_hash=report_hash,
        nrb_signed=False,
        forestry_signed=False,
        survey_paused=False,
        updated_at=block.timestamp,
    )
    self.parcels[id] = parcels
    log ApplicationSubmitted(
        application=id,
        applicant=msg.sender,
        parcels=parcels,
        period_start=period_start,
        period_end=period_end,
        claimed_kg=claimed_kg,
        documents_hash=documents_hash,
        report_hash=report_hash,
        boundaries_hash=boundaries_hash,
    )
    return id


@external
def pass_formal_review(application_id: uint256):
    """
    @notice 形式审查通过 (CENTER, within 2 working days).
    @param application_id The application.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._review(application_id, Status.SUBMITTED)
    self._transition(application_id, Status.FORMAL_OK)
    log FormalReviewPassed(application=application_id)


@external
def require_supplement(application_id: uint256, missing_items: DynArray[String[100], MAX_ITEMS]):
    """
    @notice Returns the application for supplement, naming every missing item
            at once (一次性告知).
    @param application_id The application.
    @param missing_items All missing or deficient documents.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._review(application_id, Status.SUBMITTED)
    assert len(missing_items) > 0, "applications: no missing items"
    self._transition(application_id, Status.SUPPLEMENT_REQUIRED)
    log SupplementRequired(application=application_id, missing_items=missing_items)


@external
def resubmit(application_id: uint256, documents_hash: bytes32, report_hash: bytes32):
    """
    @notice The applicant resubmits with the supplemented documents.
    @param application_id The application.
    @param documents_hash The new document manifest hash.
    @param report_hash The (possibly revised) report hash.
    """
    assert self.applications[application_id].applicant == msg.sender, "applications: not applicant"
    self._expect(self.applications[application_id].status, Status.SUPPLEMENT_REQUIRED)
    self.applications[application_id].documents_hash = documents_hash
    self.applications[application_id].report_hash = report_hash
    self._transition(application_id, Status.SUBMITTED)
    log ApplicationResubmitted(application=application_id, documents_hash=documents_hash, report_hash=report_hash)


@external
def pause_field_survey(application_id: uint256):
    """
    @notice Stops the preliminary-review clock for a field survey (不含外业调查时间).
    @param application_id The application.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._review(application_id, Status.FORMAL_OK)
    assert not self.applications[application_id].survey_paused, "applications: survey already paused"
    self.applications[application_id].survey_paused = True
    log FieldSurveyPaused(application=application_id)


@external
def resume_field_survey(application_id: uint256):
    """
    @notice Restarts the preliminary-review clock after the field survey.
    @param application_id The application.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._review(application_id, Status.FORMAL_OK)
    assert self.applications[application_id].survey_paused, "applications: survey not paused"
    self.applications[application_id].survey_paused = False
    log FieldSurveyResumed(application=application_id)


@external
def pass_preliminary_review(application_id: uint256):
    """
    @notice 初审通过 (CENTER, within 7 working days, field survey excluded).
    @param application_id The application.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._review(application_id, Status.FORMAL_OK)
    assert not self.applications[application_id].survey_paused, "applications: field survey in progress"
    self._transition(application_id, Status.PRELIM_OK)
    log PreliminaryReviewPassed(application=application_id)


@external
def attest_report(application_id: uint256, report_hash: bytes32, attested_kg: uint256):
    """
    @notice The accredited monitoring agency attests its report and amount.
    @param application_id The application.
    @param report_hash sha256 of the report it signed; must match the application's.
    @param attested_kg The carbon sink it accounted, kg CO2e.
    """
    access_control._check_role(roles.VERIFIER, msg.sender)
    app: Application = self._review(application_id, Status.FORMAL_OK | Status.PRELIM_OK)
    assert app.report_hash == report_hash, "applications: report hash mismatch"
    assert attested_kg > 0, "applications: zero amount"
    assert attested_kg <= app.claimed_kg, "applications: attested exceeds claim"
    assert attested_kg <= convert(max_value(uint64), uint256), "applications: amount out of range"
    # A signature approves the amount attested when it was given.
    assert not (app.nrb_signed or app.forestry_signed), "applications: validation already signed"
    self.applications[application_id].attested_kg = attested_kg
    log ReportAttested(
        application=application_id, verifier=msg.sender, report_hash=report_hash, attested_kg=attested_kg
    )


@external
def sign_validation(application_id: uint256):
    """
    @notice 审查和审定: NRB 会同 FORESTRY (§2, §4). The application is
            validated when both have signed, in either order.
    @param application_id The application.
    """
    department: bytes32 = roles.department_of[msg.sender]
    assert department in [roles.NRB, roles.FORESTRY], "access_control: account is missing role"
    app: Application = self._review(application_id, Status.PRELIM_OK)
    assert app.attested_kg > 0, "applications: report not attested"
    if department == roles.NRB:
        assert not app.nrb_signed, "applications: already signed"
        app.nrb_signed = True
        self.applications[application_id].nrb_signed = True
    else:
        assert not app.forestry_signed, "applications: already signed"
        app.forestry_signed = True
        self.applications[application_id].forestry_signed = True
    log ValidationSigned(application=application_id, department=department)
    if app.nrb_signed and app.forestry_signed:
        self._transition(application_id, Status.VALIDATED)
        log ApplicationValidated(application=application_id, amount_kg=app.attested_kg)


@external
def issue_validation_opinion(application_id: uint256, opinion_hash: bytes32):
    """
    @notice 审定意见 (CENTER, 附件1 一(三), within 2 working days): issues the
            validation opinion on a validated application and forwards it to the EEB.
    @param application_id A VALIDATED application.
    @param opinion_hash sha256 of the signed opinion document.
    """
    access_control._check_role(roles.CENTER, msg.sender)
    self._review(application_id, Status.VALIDATED)
    assert opinion_hash != empty(bytes32), "applications: empty opinion"
    self.validation_opinions[application_id] = opinion_hash
    self._transition(application_id, Status.OPINION_FORWARDED)
    log ValidationOpinionIssued(application=application_id, opinion_hash=opinion_hash)


@external
def pass_eeb_review(application_id: uint256):
    """
    @notice 审核 (EEB, 附件1 一(四), within 7 working days): the EEB approves the
            forwarded file; filing (备案签发) follows.
    @param application_id An OPINION_FORWARDED application.
    """
    access_control._check_role(roles.EEB, msg.sender)
    self._review(application_id, Status.OPINION_FORWARDED)
    self._transition(application_id, Status.EEB_REVIEWED)
    log EebReviewPassed(application=application_id)


@external
def return_to_center(application_id: uint256, reason: String[256]):
    """
    @notice The EEB returns the file to the centre with its reason (退回, 附件1 一(四));
            the centre must issue a new validation opinion.
    @param application_id An OPINION_FORWARDED or EEB_REVIEWED application.
    @param reason What the centre must correct.
    """
    access_control._check_role(roles.EEB, msg.sender)
    self._review(application_id, Status.OPINION_FORWARDED | Status.EEB_REVIEWED)
    assert len(reason) > 0, "applications: empty reason"
    self.validation_opinions[application_id] = empty(bytes32)
    self._transition(application_id, Status.VALIDATED)
    log ApplicationReturned(application=application_id, department=roles.EEB, reason=reason)


@external
def file(application_id: uint256, filing_number: String[64]):
    """
    @notice 备案签发 (EEB, 附件1 一(四), within 2 working days of its review). Claims
            each parcel for the monitoring period, so no other application can be
            filed for an overlapping period.
    @param application_id The application.
    @param filing_number The filing number (备案文号) printed on the coupon.
    """
    access_control._check_role(roles.EEB, msg.sender)
    app: Application = self._review(application_id, Status.EEB_REVIEWED)
    assert len(filing_number) > 0, "applications: empty filing number"
    period: uint256 = (app.period_start << 128) | app.period_end
    for parcel: bytes32 in self.parcels[application_id]:
        self._check_parcel(parcel, app.period_start, app.period_end)
        assert len(self.filed_periods[parcel]) < MAX_PERIODS, "applications: parcel history full"
        self.filed_periods[parcel].append(period)
    self.filing_numbers[application_id] = filing_number
    self._transition(application_id, Status.FILED)
    log ApplicationFiled(application=application_id, filing_number=filing_number)


@external
def reject(application_id: uint256, reason: String[256]):
    """
    @notice Rejects the application with a reason at a review step the Measures
            let end it: CENTER at preliminary review (初审), NRB or FORESTRY at
            validation (审定). Formal review asks for what is missing and cannot
            refuse (附件1 一(二) 一次性告知); the EEB returns the file to the centre
            (退回, 附件1 一(四)) and cannot end it.
    @param application_id The application.
    @param reason Why, as told to the applicant.
    """
    department: bytes32 = roles.department_of[msg.sender]
    step: Status = empty(Status)
    if department == roles.CENTER:
        step = Status.FORMAL_OK
    elif department == roles.NRB or department == roles.FORESTRY:
        step = Status.PRELIM_OK
    assert step != empty(Status), "access_control: account is missing role"
    assert len(reason) > 0, "applications: empty reason"
    self._review(application_id, step)
    self._transition(application_id, Status.REJECTED)
    log ApplicationRejected(application=application_id, department=department, reason=reason)


@external
def mark_issued(application_id: uint256, minter: address) -> (address, uint256):
    """
    @notice Called by the ledger when GOV mints: FILED becomes ISSUED, once.
            A parcel put on the CCER list (§2), or given a non-tending harvest plan
            in the period (§9), after filing still cannot be issued.
    @param application_id The application.
    @param minter The GOV account minting; it may not mint its own department's application.
    @return address The applicant, first holder of the coupon.
    @return uint256 The validated amount, kg CO2e.
    """
    assert msg.sender == self.ledger, "applications: only the ledger"
    # Field by field: the mint reads only what it needs (gas).
    self._expect(self.applications[application_id].status, Status.FILED)
    applicant: address = self.applications[application_id].applicant
    self._check_not_own(applicant, self.applications[application_id].applicant_department, minter)
    start: uint256 = self.applications[application_id].period_start
    end: uint256 = self.applications[application_id].period_end
    for parcel: bytes32 in self.parcels[application_id]:
        self._check_eligible(parcel, start, end)
    self._transition(application_id, Status.ISSUED)
    log ApplicationIssued(application=application_id)
    return applicant, self.applications[application_id].attested_kg


@external
def set_ccer_listed(parcel: bytes32, listed: bool):
    """
    @notice Keeps the EEB's list of parcels filed or planned for CCER (§2).
    @param parcel keccak256 of the parcel number.
    @param listed Whether the parcel is on the list.
    """
    access_control._check_role(roles.EEB, msg.sender)
    self.ccer_listed[parcel] = listed
    log CcerListChanged(parcel=parcel, listed=listed)


@external
def record_harvest_plan(parcel: bytes32, start: uint256, end: uint256, tending: bool):
    """
    @notice Records a forest parcel's planned harvest (§9); only tending
            thinning (抚育采伐) leaves the parcel eligible in that period.
    @param parcel keccak256 of the parcel number.
    @param start Harvest start (unix seconds).
    @param end Harvest end (unix seconds, exclusive).
    @param tending Whether the harvest is tending thinning.
    """
    access_control._check_role(roles.FORESTRY, msg.sender)
    assert start < end, "applications: empty period"
    assert len(self.harvest_plans[parcel]) < MAX_HARVEST_PLANS, "applications: harvest plans full"
    self.harvest_plans[parcel].append(HarvestPlan(start=start, end=end, tending=tending))
    log HarvestPlanRecorded(parcel=parcel, start=start, end=end, tending=tending)


@external
@view
def application(application_id: uint256) -> Application:
    """
    @notice Reads an application.
    @param application_id The application.
    @return Application Its current record.
    """
    return self.applications[application_id]


@external
@view
def harvest_plans_of(parcel: bytes32) -> DynArray[HarvestPlan, MAX_HARVEST_PLANS]:
    """
    @notice Reads a parcel's recorded harvest plans.
    @param parcel keccak256 of the parcel number.
    @return DynArray The plans, oldest first.
    """
    return self.harvest_plans[parcel]


@external
@view
def parcels_of(application_id: uint256) -> DynArray[bytes32, MAX_PARCELS]:
    """
    @notice Reads an application's parcels.
    @param application_id The application.
    @return DynArray The parcel hashes.
    """
    return self.parcels[application_id]


@internal
@view
def _review(application_id: uint256, expected: Status) -> Application:
    """
    @dev A review step's preconditions: the application is in one of `expected`,
         and the caller's department did not submit it.
    @param application_id The application.
    @param expected The statuses the step acts on (a set of flags).
    @return Application The application's record.
    """
    app: Application = self.applications[application_id]
    self._expect(app.status, expected)
    self._check_not_own(app.applicant, app.applicant_department, msg.sender)
    return app


@internal
@view
def _check_not_own(applicant: address, applicant_department: bytes32, reviewer: address):
    """
    @dev No department acts on an application it submitted (DESIGN §2): not
         the submitting key, nor another key of the submitting department.
    @param applicant The submitting address.
    @param applicant_department The submitter's role id when it submitted, or empty.
    @param reviewer The account taking the step.
    """
    assert applicant != reviewer, "applications: own application"
    if applicant_department != empty(bytes32):
        assert roles.department_of[reviewer] != applicant_department, "applications: own application"


@internal
@pure
def _expect(status: Status, expected: Status):
    """
    @dev Reverts unless `status` is one of `expected`.
    @param status The application's status (empty for an unknown application).
    @param expected The statuses the step acts on.
    """
    if status in expected:
        return
    assert status != empty(Status), "applications: unknown application"
    raise "applications: wrong status"


@internal
@view
def _check_eligible(parcel: bytes32, start: uint256, end: uint256):
    """
    @dev The parcel is not on the CCER list (§2) and has no non-tending harvest
         planned in the period (§9): checked at submission, filing and mint.
    @param parcel keccak256 of the parcel number.
    @param start Monitoring period start (inclusive).
    @param end Monitoring period end (exclusive).
    """
    assert not self.ccer_listed[parcel], "applications: parcel on CCER list"
    for plan: HarvestPlan in self.harvest_plans[parcel]:
        if plan.end > start and plan.start < end:
            assert plan.tending, "applications: harvest planned in period"


@internal
@view
def _check_parcel(parcel: bytes32, start: uint256, end: uint256):
    """
    @dev The parcel guard (DESIGN §4 invariant 4): the parcel is eligible
         (`_check_eligible`) and not filed for an overlapping period.
    @param parcel keccak256 of the parcel number.
    @param start Monitoring period start (inclusive).
    @param end Monitoring period end (exclusive).
    """
    self._check_eligible(parcel, start, end)
    for period: uint256 in self.filed_periods[parcel]:
        filed_start: uint256 = period >> 128
        filed_end: uint256 = period & convert(max_value(uint128), uint256)
        assert filed_end <= start or end <= filed_start, "applications: parcel period overlaps"


@internal
def _transition(application_id: uint256, to: Status):
    """
    @dev The one place an application's status changes; asserts the allowed
         transitions of DESIGN §4, stamps the time and logs ApplicationMoved.
    @param application_id The application.
    @param to The status afterwards.
    """
    allowed: Status = empty(Status)
    status: Status = self.applications[application_id].status
    if status == Status.SUBMITTED:
        allowed = Status.FORMAL_OK | Status.SUPPLEMENT_REQUIRED | Status.REJECTED
    elif status == Status.SUPPLEMENT_REQUIRED:
        allowed = Status.SUBMITTED
    elif status == Status.FORMAL_OK:
        allowed = Status.PRELIM_OK | Status.REJECTED
    elif status == Status.PRELIM_OK:
        allowed = Status.VALIDATED | Status.REJECTED
    elif status == Status.VALIDATED:
        allowed = Status.OPINION_FORWARDED
    elif status == Status.OPINION_FORWARDED:
        allowed = Status.EEB_REVIEWED | Status.VALIDATED | Status.REJECTED
    elif status == Status.EEB_REVIEWED:
        allowed = Status.FILED | Status.VALIDATED | Status.REJECTED
    elif status == Status.FILED:
        allowed = Status.ISSUED
    assert to in allowed, "applications: transition not allowed"
    self.applications[application_id].status = to
    self.applications[application_id].updated_at = block.timestamp
    log ApplicationMoved(application=application_id, status=to)
