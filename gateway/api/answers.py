"""What the API answers: one shape per kind of record, so that /docs and /openapi.json show every answer
(the requests' shapes are gateway/core/schemas.py). Each field is typed as the services produce it, so a body is
the JSON the service's dict gave before: amounts are decimal strings ("12.500"), times on the chain are unix
seconds, times of the gateway's records ISO 8601 strings.

A key a service adds that a shape here does not name yet still reaches the client (extra="allow"): a shape
documents an answer, it never cuts one short. A key that only some answers of a kind carry defaults to None
and its route serialises with `response_model_exclude_unset`, so it stays absent where it was absent."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


# ---------------------------------------------------------------- shared


class TxAnswer(Answer):
    """A write on the chain: its transaction and block (the write path waits until it is mined)."""

    tx_hash: str = Field(description="the transaction, 0x and 64 hex digits")
    block: int


class CouponTxAnswer(TxAnswer):
    """A write that produced or moved a coupon: the number it has now."""

    coupon: str


class PartyPublic(Answer):
    """An account as the other parties of a record see it."""

    username: str
    name: str | None
    display_name: str | None
    organisation: str | None
    account_type: str | None
    verified: bool


class Step(Answer):
    """One event on the chain, with its transaction, block, time and signing department."""

    event: str
    tx_hash: str
    block: int
    timestamp: int
    department: str | None
    details: dict


class WaitingItem(Answer):
    """An object waiting on a department or an account (a queue's or inbox's line): whose turn, since when,
    due when in working days (DESIGN §5, §10)."""

    kind: str
    href: str
    step: str
    department: str
    status: str
    field_survey_paused: bool
    since: str
    due: str | None
    overdue: bool
    limit_days: int | None
    survey_workdays: int
    calendar_year_unknown: int | None
    application: int | None = None
    project_name: str | None = None
    waiting_on_verifier: bool | None = None
    coupon: str | None = None
    notice_end: int | None = None
    form: int | None = None
    departments: list[str] | None = None


# ---------------------------------------------------------------- accounts


class AccountState(Answer):
    username: str
    state: str = Field(description="UNVERIFIED, VERIFIED or DISABLED")


class AccountVerified(AccountState):
    verified_at: str


class VerificationRevoked(AccountState):
    revoked_at: str


class PasswordChanged(Answer):
    username: str
    password_changed: bool


class ApiKeyPublic(Answer):
    id: str
    expires_at: str | None
    expired: bool


class ApiKeyCreated(Answer):
    """The key itself, shown this once."""

    api_key: str
    id: str
    expires_at: str


class AccountVerificationPublic(Answer):
    verified_by: str | None
    verified_at: str | None
    document_type: str
    document_number_masked: str
    document_sha256: str
    qualification: str | None
    qualification_sha256: str | None
    revoked_by: str | None
    revoked_reason: str | None
    revoked_at: str | None


class AccountPublic(Answer):
    """An account with its particulars (附件1 三(一)), identity masked, and the centre's check of it."""

    username: str
    role: str
    display_name: str | None
    organisation: str | None
    account_type: str | None
    identity_kind: str | None
    identity_masked: str | None
    legal_representative: str | None
    postal_address: str | None
    contact_person: str | None
    contact_phone: str | None
    state: str
    address: str | None
    created_at: str | None
    disabled_at: str | None
    disabled_reason: str | None
    member_of: str | None
    verification: AccountVerificationPublic | None


class DocumentStored(Answer):
    sha256: str
    size: int


# ---------------------------------------------------------------- applications


class SubmittedApplication(TxAnswer):
    application: int


class PreparedState(Answer):
    """An application prepared for its parties' confirmations (§8), not yet sent."""

    prepared: int
    status: str
    waiting_for: list[str]
    application: int | None


class PreparedApplicationPublic(Answer):
    id: int
    status: str
    party: str
    project_name: str
    methodology: str
    claimed_t: str
    monitoring_period: list
    parcels: list[dict]
    documents: dict
    entrustment_document: str | None
    applicant: PartyPublic | None
    agent: PartyPublic | None
    co_applicant: PartyPublic | None
    prepared_by: PartyPublic | None
    confirmed: dict
    waiting_for: list[str]
    yours_to_confirm: bool
    declined: dict | None
    application: int | None
    created_at: dt.datetime
    closed_at: dt.datetime | None


class _Application(Answer):
    """What every view of an application shows."""

    id: int
    status: str
    project_name: str
    methodology: str
    claimed_t: str
    monitoring_period: list
    parcels: list[dict]
    documents: dict
    applicant: PartyPublic | None
    agent: PartyPublic | None
    entrustment_document: str | None
    co_applicant: PartyPublic | None
    missing_items: list[str]
    supplement_requested_at: int | None
    rejection: dict | None
    coupon: str | None


class ApplicationSummary(_Application):
    """One of "my applications": its status on chain, what the centre asks for, a rejection, its coupon."""

    party: str
    updated_at: int | None


class ApplicationPublic(_Application):
    """An application as its reviewers see it; `party` is the caller's part in it, for a holder."""

    missing_documents: list[str]
    attested_t: str | None
    monitoring_period_end_included: bool
    validation: dict[str, bool]
    field_survey_paused: bool
    filing_number: str | None
    opinion_document: str | None
    opinion_number: str | None = None  # its 文号 (none for an opinion given before the gateway kept it)
    returned: dict | None
    history: list[Step]
    party: str | None = None


class PublicVersionsGiven(Answer):
    application: int
    monitoring_report: str
    verification_statement: str | None = None


# ---------------------------------------------------------------- parcels


class CcerListingPublic(Answer):
    parcel_number: str
    parcel_id: str
    listed_at: int
    tx_hash: str


class HarvestPlanPublic(Answer):
    parcel_number: str
    parcel_id: str
    start: str
    end: str
    tending: bool
    recorded_at: int
    tx_hash: str


class ParcelPublic(Answer):
    parcel_number: str
    parcel_id: str
    ccer_listed: bool
    harvest_plans: list[dict]


class BoundaryRead(Answer):
    """A feature of an uploaded boundary file: its parcel number, boundary and area on the ellipsoid."""

    number: str | None
    boundary: dict
    area_mu: str
    area_ha: str


# ---------------------------------------------------------------- coupons


class CouponPublic(Answer):
    number: str
    state: str
    amount_t: str
    serials: list[int] = Field(description="first and last serial, included")
    owner: str


class OffsetAnswer(CouponTxAnswer):
    certificate: str = Field(description="the offset certificate's id: its transaction hash")


class SupervisionPublic(Answer):
    frozen: dict | None
    voiding_signatures: list[dict]
    invalidated: dict | None


class LossReportPublic(Answer):
    """附件3 and where the reissue procedure stands."""

    coupon: str
    form: dict
    stage: str | None
    reported_at: int | None
    notice_start: int | None
    notice_end: int | None
    missing_items: list[str]
    field_survey_paused: bool
    filing_number: str | None
    ended: str | None
    refusal: str | None


class InspectionRecorded(Answer):
    inspection: int
    sha256: str


class InspectionPublic(Answer):
    id: int
    department: str
    inspector: str | None
    inspected_on: str
    method: str
    findings: str
    documents: list[str]
    application: int | None
    coupon: str | None
    sha256: str


class OffsetPublic(Answer):
    """An offset certificate found by its case reference, with §15(1)'s calculation beside it."""

    certificate: str
    coupon: str | None
    case_reference: str
    purpose: str
    beneficiary: str
    amount_t: str
    serials: list[int]
    block: int
    timestamp: int
    compensation: dict | None


# ---------------------------------------------------------------- market


class PurchaseFiled(Answer):
    purchase: int
    status: str


class PurchaseDecided(PurchaseFiled):
    notice: str | None
    notice_pdf: str | None


class TradePublic(Answer):
    """A settled trade (附件7): the amount, price, fee, payment terms and both parties."""

    id: int
    tx_hash: str
    block: int
    purchase: int | None
    listing_coupon: str | None
    coupon: str | None
    amount_t: str
    price_yuan_per_t: str
    total_yuan: str
    service_fee_yuan: str
    agreement: str
    payment_method: str
    payment_term: str | None
    payment_status: str
    buyer: PartyPublic | None
    seller: PartyPublic | None
    seller_address: str | None
    settled_at: str | None
    paid_on: str | None
    fee_paid_on: str | None


class PurchasePublic(Answer):
    """A purchase application (附件6) and the trades that filled it."""

    id: int
    buyer: PartyPublic | None
    amount_t: str
    filled_t: str
    unfilled_t: str
    reason: str
    purpose: str | None
    case_reference: str | None = None  # 生态赔偿's enforcement case, or an event's number (附件1 三(三))
    commitment: bool
    status: str
    settleable: bool
    signed_form: str
    authority_document: str | None
    submitted_at: str | None
    decided_at: str | None
    decision_note: str | None
    matched_coupon: str | None
    notice: str | None
    trades: list[TradePublic]


class Settlement(CouponTxAnswer):
    """交易结算: the settlement transaction is the 交易凭证."""

    voucher: str
    trade: int
    voucher_pdf: str


class ManagementReportFiled(Answer):
    report: int
    coupon: str


class EntrustmentPublic(Answer):
    """附件4 behind a listing, with the centre's management reports."""

    coupon: str
    listed_tx: str
    signed_on: str | None
    agreement: str | None
    disclosure_form: str | None
    notice_last_day: str | None
    status: str
    reports: list[dict]


class ListingPublic(Answer):
    """An entry of the disclosure board: 附件5 in full, 附件4's parties without a person's particulars."""

    number: str
    amount_t: str
    holder: str | None
    issuing_unit: str
    issued_at: int
    monitoring_period: list
    monitoring_amount_t: str
    filing_number: str
    price_yuan_per_t: str
    notice_start: str | None
    notice_end: int | None
    notice_last_day: str | None
    expired: bool
    centre: dict | None
    holder_commitment: bool | None
    disclosure_form: str | None
    coupon_original: str | None
    attachments: list[str]
    entrustment: dict | None
    listed_tx: str | None
    disclosure: dict


# ---------------------------------------------------------------- transfers and pledges


class FormState(Answer):
    """A 附件8 form's number and status."""

    form: int
    form_number: str
    status: str


class TransferFormFiled(FormState, TxAnswer):
    """The form, and the owner's consent it gives on chain."""


class TransferFormPublic(Answer):
    """流转申请表 (附件8) as filed, with the transferee's confirmation, the centre's opinion and the registration."""

    id: int
    form_number: str
    kind: str
    status: str
    coupon: str
    amount_t: str
    filing_number: str | None
    applicant: str | None
    applicant_username: str | None
    legal_representative: str
    address: str
    location: str
    place_name: str
    parcel_number: str
    area_mu: str | None
    method: str
    term: str
    term_end: str | None
    secured_yuan: str | None
    transferee: str | None
    transferee_username: str | None
    transferee_address: str
    reason: str
    owner_opinion: str
    signed_form: str
    documents: list[str]
    remarks: str
    submitted_on: str | None
    confirmed_at: str | None
    opinion: str | None
    opinion_by: str | None
    opinion_at: str | None
    consent_given: bool
    registered_tx: str | None
    registered_coupon: str | None


class PledgePublic(Answer):
    number: str
    state: str
    amount_t: str
    owner: str
    pledgee: str
    secured_yuan: str
    term_end: str
    days_left: int
    pledged_tx: str | None
    pledged_on: str | None


class EndedPledge(Answer):
    number: str
    secured_yuan: str
    term_end: str
    registered_tx: str | None
    ended: str = Field(description="RELEASED or ENFORCED")
    ended_on: str
    ended_tx: str


# ---------------------------------------------------------------- redemption


class RedemptionTermsPublic(Answer):
    acquirer: PartyPublic | None
    acquirer_address: str
    price_yuan_per_t: str
    notice: str
    tx_hash: str


class Redeemed(CouponTxAnswer):
    voucher_pdf: str


class RedemptionPublic(Answer):
    tx_hash: str
    block: int
    timestamp: int
    coupon: str | None
    amount_t: str
    price_yuan_per_t: str
    total_yuan: str
    seller: PartyPublic | None
    seller_address: str
    acquirer: PartyPublic | None
    acquirer_address: str
    agreement: str | None


# ---------------------------------------------------------------- public


class LossNoticePublic(Answer):
    coupon: str
    notice_start: int
    notice_end: int
    start_date: str
    end_date: str
    outcome: str
    replaced_by: str | None
    tx_hash: str


class StatsPublic(Answer):
    issued_t: str
    by_state_t: dict[str, str]
    offsets: int
    retired_by_purpose_t: dict[str, str]


class _Project(Answer):
    """What the projects list and a project's page both show."""

    id: int
    project_name: str
    status: str
    filing_number: str | None
    period: list
    area_mu: str
    land_mu: dict[str, str]
    attested_t: str | None


class ProjectSummary(_Project):
    parcels: int
    state: str | None = None


class ProjectPublic(_Project):
    """A project: parcels with declared and measured areas, its steps, coupons and public documents."""

    parcels: list[dict]
    methodology: str
    applicant: str | None
    submitted: dict | None
    attested: dict | None
    opinion: dict | None
    filed: dict | None
    boundaries: dict | None
    coupons: list[dict]
    public_documents: list[dict]


class ProvenanceStep(Step):
    coupon: str | None = Field(description="the coupon of the lineage the step was taken on")
    signer: str | None


class CouponRecord(Answer):
    """A coupon's public record (§7): its state and data, lineage and every step on chain."""

    coupon: dict
    issuance: dict
    lineage: dict = Field(description="ancestors, children, and the numbers it replaces or was replaced by")
    history: list[ProvenanceStep]
    filing_number: str
    issuing_unit: str
    monitoring_period: list[int]
    monitoring_period_end_included: bool
    issued_at: int
    reissue: dict | None
    loss_notice: dict | None
    frozen: dict | None
    invalidated: dict | None
    offset_tx: str | None
    trade_tx: str | None = Field(None, description="the settlement that sold it, if it was bought in a trade: its "
                                 "trade voucher's transaction (GET /log/bundles/<tx>.json, its offline proof)")
    project_name: str | None = None
    parcels: list[dict] | None = None
    bounded: bool | None = None


class Verification(Answer):
    """An offset certificate verified from the chain receipt and event log."""

    verdict: str = Field(description="valid, or why not")
    reason: str | None
    reason_zh: str | None
    tx_hash: str
    certificate: dict | None


class EcoCompensation(Answer):
    """§15(1): Σ area × annual sink factor × land-use years → coupons to buy."""

    years: str
    parcels: list[dict]
    coupons_needed_t: str
    factor_source: str
    factors: dict[str, str]


class FeatureCollection(Answer):
    """GeoJSON (EPSG:4490 degrees)."""

    type: str
    features: list[dict]


# ---------------------------------------------------------------- audit, notices, calendar


class AuditEntry(Answer):
    at: str
    username: str | None
    person: str | None
    department: str | None
    action: str
    request: dict | None
    tx_hash: str | None
    outcome: str


class NoticePublic(Answer):
    """An e-mail notice in the outbox."""

    id: int
    kind: str
    account: str | None
    to: str
    subject: str
    created_at: int
    sent_at: int | None
    sent_via: str | None
    attempts: int
    last_error: str | None
    given_up: bool


class CalendarYear(Answer):
    """A year's holiday schedule as entered from the State Council's notice."""

    year: int
    notice: str
    holidays: list
    workdays: list


class CalendarYearEntered(CalendarYear):
    known_until: str


class CalendarYearPublic(CalendarYear):
    entered_by: str | None
    entered_by_name: str | None
    entered_at: str | None
    entered_on: str | None


class CalendarPublic(Answer):
    published_until: int | None
    known_until: str | None
    days_left: int | None
    next_year: int
    due_to_enter: bool
    entered: list[CalendarYearPublic]
