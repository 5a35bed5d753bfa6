"""Domain errors and the one table that maps contract reverts to stable API codes (DESIGN §7)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """An error a caller can act on; rendered as {"code", "message", "detail"}."""

    status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None, detail: Any = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail
        if status is not None:
            self.status = status


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403


class Unauthorized(DomainError):
    status = 401


class Invalid(DomainError):
    status = 422


class CannotStart(Exception):
    """An expected start-up failure (no or wrong passphrase, a damaged chain file, a data
    directory another process holds): the `tanquan` command says it in one line."""


# Revert string → (HTTP status, code). Revert strings are stable by design (STYLE.md).
REVERTS: dict[str, tuple[int, str]] = {
    "access_control: account is missing role": (403, "ROLE_REQUIRED"),
    "roles: account holds another role": (409, "ROLE_CONFLICT"),
    "roles: unknown role": (422, "UNKNOWN_ROLE"),
    "roles: role not held": (409, "ROLE_NOT_HELD"),
    "roles: zero address": (422, "ZERO_ADDRESS"),
    "roles: cannot revoke own DRC role": (409, "OWN_DRC_ROLE"),
    "ledger: unknown coupon": (404, "COUPON_NOT_FOUND"),
    "ledger: coupon not active": (409, "COUPON_NOT_ACTIVE"),
    "ledger: coupon not listed": (409, "COUPON_NOT_LISTED"),
    "ledger: listing expired": (409, "LISTING_EXPIRED"),
    "ledger: notice already over": (422, "NOTICE_ALREADY_OVER"),
    "ledger: coupon not pledged": (409, "COUPON_NOT_PLEDGED"),
    "ledger: coupon not frozen": (409, "COUPON_NOT_FROZEN"),
    "ledger: coupon not lost reported": (409, "COUPON_NOT_LOST_REPORTED"),
    "ledger: not owner": (403, "NOT_OWNER"),
    "ledger: no owner request": (409, "OWNER_CONSENT_MISSING"),
    "ledger: amount exceeds coupon": (409, "AMOUNT_EXCEEDS_COUPON"),
    "ledger: zero amount": (422, "ZERO_AMOUNT"),
    "ledger: whole coupon only": (422, "WHOLE_COUPON_ONLY"),
    "ledger: bad counterparty": (422, "BAD_COUNTERPARTY"),
    "ledger: unknown action": (422, "UNKNOWN_ACTION"),
    "ledger: unknown purpose": (422, "UNKNOWN_PURPOSE"),
    "ledger: empty beneficiary": (422, "EMPTY_BENEFICIARY"),
    "ledger: empty filing number": (422, "EMPTY_FILING_NUMBER"),
    "ledger: reissue not filed": (409, "REISSUE_NOT_FILED"),
    "ledger: notice period not over": (409, "NOTICE_PERIOD_NOT_OVER"),
    "ledger: coupon not live": (409, "COUPON_NOT_LIVE"),
    "ledger: coupon already frozen": (409, "COUPON_ALREADY_FROZEN"),
    "ledger: empty reason": (422, "EMPTY_REASON"),
    "ledger: empty inspection record": (422, "EMPTY_INSPECTION_RECORD"),
    "ledger: already signed": (409, "ALREADY_SIGNED"),
    "ledger: wrong reissue stage": (409, "REISSUE_WRONG_STAGE"),
    "ledger: no missing items": (422, "NO_MISSING_ITEMS"),
    "ledger: supplement already required": (409, "SUPPLEMENT_ALREADY_REQUIRED"),
    "ledger: supplement pending": (409, "SUPPLEMENT_PENDING"),
    "ledger: no supplement required": (409, "SUPPLEMENT_NOT_REQUIRED"),
    "ledger: survey already paused": (409, "FIELD_SURVEY_IN_PROGRESS"),
    "ledger: survey not paused": (409, "FIELD_SURVEY_NOT_PAUSED"),
    "ledger: field survey in progress": (409, "FIELD_SURVEY_IN_PROGRESS"),
    "ledger: transition not allowed": (409, "TRANSITION_NOT_ALLOWED"),
    "ledger: no designated acquirer": (409, "NO_DESIGNATED_ACQUIRER"),
    "ledger: zero price": (422, "ZERO_PRICE"),
    "applications: unknown application": (404, "APPLICATION_NOT_FOUND"),
    "applications: wrong status": (409, "APPLICATION_WRONG_STATUS"),
    "applications: transition not allowed": (409, "TRANSITION_NOT_ALLOWED"),
    "applications: own application": (403, "OWN_APPLICATION"),
    "applications: not applicant": (403, "NOT_APPLICANT"),
    "applications: only the ledger": (403, "ONLY_LEDGER"),
    "applications: ledger already set": (409, "LEDGER_ALREADY_SET"),
    "applications: parcel on CCER list": (409, "PARCEL_ON_CCER_LIST"),
    "applications: parcel period overlaps": (409, "PARCEL_PERIOD_OVERLAPS"),
    "applications: harvest planned in period": (409, "HARVEST_PLANNED"),
    "applications: parcel history full": (409, "PARCEL_HISTORY_FULL"),
    "applications: harvest plans full": (409, "HARVEST_PLANS_FULL"),
    "applications: report hash mismatch": (409, "REPORT_HASH_MISMATCH"),
    "applications: report not attested": (409, "REPORT_NOT_ATTESTED"),
    "applications: attested exceeds claim": (422, "ATTESTED_EXCEEDS_CLAIM"),
    "applications: already signed": (409, "ALREADY_SIGNED"),
    "applications: validation already signed": (409, "ALREADY_SIGNED"),
    "applications: field survey in progress": (409, "FIELD_SURVEY_IN_PROGRESS"),
    "applications: survey already paused": (409, "FIELD_SURVEY_IN_PROGRESS"),
    "applications: survey not paused": (409, "FIELD_SURVEY_NOT_PAUSED"),
    "applications: duplicate parcel": (422, "DUPLICATE_PARCEL"),
    "applications: no parcels": (422, "NO_PARCELS"),
    "applications: empty period": (422, "EMPTY_PERIOD"),
    "applications: period out of range": (422, "PERIOD_OUT_OF_RANGE"),
    "applications: amount out of range": (422, "AMOUNT_OUT_OF_RANGE"),
    "applications: zero amount": (422, "ZERO_AMOUNT"),
    "applications: no boundaries": (422, "BOUNDARY_REQUIRED"),
    "applications: no missing items": (422, "NO_MISSING_ITEMS"),
    "applications: empty reason": (422, "EMPTY_REASON"),
    "applications: empty filing number": (422, "EMPTY_FILING_NUMBER"),
    "applications: empty opinion": (422, "EMPTY_OPINION"),
}


def from_revert(reason: str) -> DomainError:
    status, code = REVERTS.get(reason, (409, "CONTRACT_REJECTED"))
    return DomainError(code, reason, status=status, detail={"revert": reason})
