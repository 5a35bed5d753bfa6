"""The step catalogue: every write a party can make, once.

A step of the Measures is named here with its article, the roles that may take
it, its HTTP route under /api/v1, its request schema, the form a console shows
for it and the object states the contracts admit it in. Routes, console forms,
queue titles and the authorization tests all read this table; a step's title is
`action.<id>` in the pages' word catalogue (gateway/catalogue/words.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pydantic import BaseModel

from ..core import schemas
from ..core.identity import COLLECTIVE

HOLDER = "HOLDER"  # a custodial account: applicant, holder, buyer or pledgee
ENFORCEMENT = "ENFORCEMENT"  # 执法机关: reads offset certificates
MEMBER = "MEMBER"  # a person's own login that acts as its organisation's HOLDER account (services.users)
DEPARTMENTS = ("DRC", "CENTER", "NRB", "FORESTRY", "EEB", "GOV", "FINANCE", "VERIFIER")
SUPERVISORS = ("NRB", "FORESTRY", "EEB")  # §6
# Who reads purchases, trades, 附件8 forms and pledges: their parties and the departments, not the monitoring
# agency nor the enforcement body (DESIGN §2)
PARTIES_AND_DEPARTMENTS = (HOLDER, *(role for role in DEPARTMENTS if role != "VERIFIER"))


@dataclass(frozen=True)
class Field:
    """One input of a console form; `name` may be dotted (documents.report) to nest the JSON."""

    name: str
    # text | decimal | integer | date | lines | choice | textarea | file | files | parcels | bool | item
    # | boundaries (a GeoJSON or zipped shapefile, read by POST /parcels/boundaries and sent as the parcels')
    # | tenure_scans (the parcels' certificate scans, in the order of the parcels: 权属清晰, §2)
    # | party (another account, chosen by its name and masked ID number, sent as its username;
    #   `choices` then names the account types offered (labels "account_type."), every type when empty:
    #   services.users.counterparties)
    kind: str = "text"
    choices: tuple[str, ...] = ()
    required: bool = True
    labels: str = "choice."  # the word-catalogue prefix naming each choice


@dataclass(frozen=True)
class Step:
    id: str  # also the route's name; the page title is `action.<id>`
    article: str  # where the Measures put it
    roles: tuple[str, ...]
    method: str
    path: str  # under /api/v1, FastAPI-style: {application_id} or {number}
    schema: type[BaseModel] | None = None
    fields: tuple[Field, ...] = ()
    on: str = "home"  # where a console offers it: home | application | coupon | purchase | transfer | account
    # the coupon states or trade payment statuses it is offered in; a step on an object with a lifecycle (an
    # application, a prepared application, a 附件8 form, a purchase, an account, the calendar) names none: its
    # lifecycle's `admits` decide (lifecycles.states_of)
    states: tuple[str, ...] = ()
    consent: str | None = None  # the owner's request (Action) a department step completes
    status_code: int = 200

    @property
    def title_key(self) -> str:
        return f"action.{self.id}"

    def url(self, key: object) -> str:
        """The step's address for one application id or coupon number."""
        return "/api/v1" + re.sub(r"\{[^}]+\}", str(key), self.path)


DECISION = Field("decision", "choice", ("pass", "reject"))
REASON = Field("reason", "textarea", required=False)
REPORT = Field("documents.report", "file")
DOCUMENTS = (
    Field("documents.application_form", "file", required=False), Field("documents.licence", "file", required=False),
    REPORT, Field("documents.agreement", "file", required=False),
    Field("documents.others", "files", required=False),  # any further document, such as a 补正 asks for
)
ATTESTATION = (Field("report"), Field("attested_t", "decimal"))
APPLICATION = "/applications/{application_id}"
COUPON = "/coupons/{number}"

# -- 附件1 一: registration, review, validation, filing, issuing
SUBMIT = Step(
    "application.submit", "§8, 附件1 一(一), 附件2", (HOLDER,), "POST", "/applications", schemas.ApplicationCreate, (
        Field("project_name"), Field("methodology"), Field("claimed_t", "decimal"),
        Field("monitoring_period.start", "date"), Field("monitoring_period.end", "date"),
        Field("parcels", "parcels"), Field("parcels.boundary", "boundaries"),
        Field("parcels.tenure", "tenure_scans"), *DOCUMENTS,
        # §8: a collective as co-applicant; a qualified third party applying for the right-holder, entrusted
        Field("co_applicant", "party", (COLLECTIVE,), False, "account_type."),
        Field("right_holder", "party", required=False),
        Field("entrustment_document", "file", required=False),
    ), status_code=201)
# §8: the right-holder and a named co-applicant each confirm an application prepared for them before it is
# sent; any party declines it with a reason (its preparer withdraws it so). services/prepared_applications.py
PREPARED = "/applications/prepared/{prepared_id}"
CONFIRM_APPLICATION = Step("application.confirm", "§8", (HOLDER,), "POST", PREPARED + "/confirmation",
                           on="prepared")
DECLINE_APPLICATION = Step("application.decline", "§8", (HOLDER,), "POST", PREPARED + "/declining", schemas.Reason,
                           (Field("reason", "textarea"),), "prepared")
# 补正: only what the centre asked for is sent again; the other documents stay as submitted.
RESUBMIT = Step("application.resubmit", "附件1 一(二)", (HOLDER,), "POST", APPLICATION + "/resubmit",
                schemas.Resubmission, tuple(replace(f, required=False) for f in DOCUMENTS), "application")
# Once filed, the applicant publishes the public versions of its papers on the project's page (§7).
PUBLISH = Step("application.publish", "§7", (HOLDER,), "POST", APPLICATION + "/public-versions", schemas.PublicVersions,
               (Field("monitoring_report", "file"), Field("verification_statement", "file", required=False),
                Field("personal_data_removed", "bool")), "application")
FORMAL_REVIEW = Step(
    "application.formal_review", "附件1 一(二)", ("CENTER",), "POST", APPLICATION + "/formal-review",
    schemas.FormalReview, (Field("decision", "choice", ("pass", "supplement")),
                           Field("missing_items", "lines", required=False), REASON),
    "application")
SURVEY_PAUSE = Step("application.survey_pause", "附件1 一(二)", ("CENTER",), "POST",
                    APPLICATION + "/field-survey/pause", on="application")
SURVEY_RESUME = Step("application.survey_resume", "附件1 一(二)", ("CENTER",), "POST",
                     APPLICATION + "/field-survey/resume", on="application")
PRELIMINARY_REVIEW = Step("application.preliminary_review", "附件1 一(二)", ("CENTER",), "POST",
                          APPLICATION + "/preliminary-review", schemas.Decision, (DECISION, REASON),
                          "application")
ATTEST = Step("application.attestation", "附件1 一(一)", ("VERIFIER",), "POST", APPLICATION + "/attestation",
              schemas.Attestation, ATTESTATION, "application")
VALIDATE = Step("application.validation", "§2, §4, 附件1 一(三)", ("NRB", "FORESTRY"), "POST",
                APPLICATION + "/validation", schemas.Decision, (DECISION, REASON), "application")
OPINION = Step("application.opinion", "附件1 一(三)", ("CENTER",), "POST", APPLICATION + "/validation-opinion",
               schemas.ValidationOpinion, (Field("opinion_number"), Field("opinion_document", "file")), "application")
# The EEB's refusal at 一(四) returns the file to the centre (退回) with its reason; it never ends the file.
EEB_REVIEW = Step("application.eeb_review", "附件1 一(四)", ("EEB",), "POST", APPLICATION + "/eeb-review",
                  schemas.EebReview, (Field("decision", "choice", ("pass", "return")), REASON),
                  "application")
FILE = Step("application.filing", "附件1 一(四)", ("EEB",), "POST", APPLICATION + "/filing", schemas.Filing, (
    Field("decision", "choice", ("file", "return")), Field("filing_number", required=False), REASON),
    "application")
MINT = Step("application.mint", "§10, 附件1 一(五)", ("GOV",), "POST", APPLICATION + "/mint",
            on="application")

# -- parcels: the CCER list (§2) and harvest plans (§9)
CCER = Step("parcel.ccer", "§2", ("EEB",), "POST", "/parcels/ccer", schemas.CcerListing,
            (Field("parcel_number"), Field("listed", "bool"), Field("boundary", "boundaries", required=False)))
HARVEST_PLAN = Step("parcel.harvest_plan", "§9", ("FORESTRY",), "POST", "/parcels/harvest-plans", schemas.HarvestPlan,
                    (Field("parcel_number"), Field("start", "date"), Field("end", "date"), Field("tending", "bool"),
                     Field("boundary", "boundaries", required=False)))

# -- coupons: the owner's consent, then the department's step (附件5, 附件8, §12, §14)
# A loss is reported with 附件3's fields (REPORT_LOST), not as a bare request.
REQUEST = Step("coupon.request", "§13, 附件5, 附件8", (HOLDER,), "POST", COUPON + "/requests", schemas.OwnerRequest, (
    Field("action", "choice", ("LIST", "OFFSET", "REDEEM"), labels="request."),  # a transfer or pledge: its 附件8 form
    Field("amount_t", "decimal", required=False)), "coupon", ("ACTIVE",))
CANCEL_REQUEST = Step("coupon.cancel_request", "§13", (HOLDER,), "DELETE", COUPON + "/requests",
                      on="coupon", states=("ACTIVE",))
# 附件1 三(一)1: the disclosure form (附件5) with the holder's commitments, and the entrustment agreement (附件4).
ENTRUSTMENT_PARTY = ("name", "address", "contact_person", "phone")
LIST = Step("coupon.list", "§13, 附件1 三(一)1, 附件4, 附件5", ("CENTER",), "POST", COUPON + "/listing",
            schemas.ListingCreate, (
                Field("price_yuan_per_t", "decimal"), Field("notice_start", "date", required=False),
                Field("notice_days", "integer"), Field("project_area_mu", "decimal", required=False), Field("location", required=False),
                Field("remarks", "textarea", required=False), Field("centre.contact_person"), Field("centre.phone"),
                Field("centre.address"), Field("holder_commitment", "bool"), Field("disclosure_form", "file"),
                Field("coupon_original", "file", required=False), Field("attachments", "files", required=False),
                *(Field(f"entrustment.{party}.{name}") for party in ("principal", "agent") for name in ENTRUSTMENT_PARTY),
                Field("entrustment.signed_on", "date"), Field("entrustment.agreement", "file"),
            ), "coupon", ("ACTIVE",), "LIST")
WITHDRAW_LISTING = Step("coupon.withdraw_listing", "附件1 三", ("CENTER",), "DELETE", COUPON + "/listing",
                        on="coupon", states=("LISTED",))
TRANSFER = Step("coupon.transfer", "附件1 三(四), 附件8", ("CENTER",), "POST", COUPON + "/transfer",
                on="coupon", states=("ACTIVE",), consent="TRANSFER")
PLEDGE = Step("coupon.pledge", "§2, §4", ("FINANCE",), "POST", COUPON + "/pledge", schemas.PledgeCreate,
              (Field("secured_yuan", "decimal"), Field("term_end", "date")), "coupon", ("ACTIVE",), "PLEDGE")
RELEASE_PLEDGE = Step("coupon.release_pledge", "§2, §4", ("FINANCE", HOLDER), "POST", COUPON + "/pledge/release",
                      on="coupon", states=("PLEDGED",))
ENFORCE_PLEDGE = Step("coupon.enforce_pledge", "§2, §4", ("FINANCE",), "POST", COUPON + "/pledge/enforce",
                      on="coupon", states=("PLEDGED",))
# -- transfers and pledges (附件1 三(四), 附件8): the owner's 流转申请表, which is also its consent on-chain,
# the transferee's confirmation, the centre's 受理意见; then the registration (coupon.transfer / coupon.pledge).
# A form's steps are offered on its page by its status (on="transfer").
TRANSFER_FORM_PATH = "/transfer-forms/{form_id}"
ACCEPTANCE = (Field("decision", "choice", ("accept", "refuse"), labels="acceptance."), Field("opinion", "textarea"))
TRANSFER_FORM = Step("transfer.form", "附件1 三(四), 附件8", (HOLDER,), "POST", COUPON + "/transfer-forms",
                     schemas.TransferFormCreate, (
                         Field("kind", "choice", ("OWNERSHIP", "PLEDGE"), labels="transfer_kind."), Field("transferee", "party"),
                         Field("amount_t", "decimal", required=False), Field("legal_representative"), Field("address"),
                         Field("parcel_location"), Field("place_name", required=False),
                         Field("parcel_number", required=False),
                         Field("area_mu", "decimal", required=False), Field("transfer_method"), Field("term", required=False),
                         Field("term_end", "date", required=False), Field("secured_yuan", "decimal", required=False),
                         # left blank: the chosen account's own (services/transfers.py)
                         Field("transferee_address", required=False), Field("transfer_reason", "textarea"),
                         Field("owner_opinion", "textarea"),
                         Field("signed_transfer_form", "file"), Field("documents", "files", required=False),
                         Field("remarks", "textarea", required=False)),
                     "coupon", ("ACTIVE",), status_code=201)
TRANSFER_CONFIRM = Step("transfer.confirm", "附件1 三(四), 附件8", (HOLDER,), "POST",
                        TRANSFER_FORM_PATH + "/confirmation", on="transfer")
# The applicant withdraws a form not yet registered, and with it the consent the form gave.
TRANSFER_WITHDRAW = Step("transfer.withdraw", "附件8", (HOLDER,), "DELETE", TRANSFER_FORM_PATH, on="transfer")
TRANSFER_ACCEPT = Step("transfer.accept", "附件1 三(四), 附件8", ("CENTER",), "POST", TRANSFER_FORM_PATH + "/acceptance",
                       schemas.TransferAcceptance, ACCEPTANCE, "transfer")
PLEDGE_ACCEPT = Step("pledge.accept", "§2, §4, 附件8 (质押权)", ("CENTER",), "POST",
                     TRANSFER_FORM_PATH + "/pledge-acceptance", schemas.TransferAcceptance, ACCEPTANCE,
                     "transfer")
# -- supervision (§5, §6): a freeze in any live state restores that state when lifted
FREEZE = Step("coupon.freeze", "§6", SUPERVISORS, "POST", COUPON + "/freeze", schemas.Reason,
              (Field("reason", "textarea"),), "coupon", ("ACTIVE", "LISTED", "PLEDGED", "LOST_REPORTED"))
UNFREEZE = Step("coupon.unfreeze", "§6", SUPERVISORS, "POST", COUPON + "/unfreeze", on="coupon", states=("FROZEN",))
VOID = Step("coupon.void", "§5, §6", ("NRB", "FORESTRY"), "POST", COUPON + "/voiding", schemas.Voiding, (
    Field("reason", "textarea", required=False), Field("inspection", "integer", required=False)),
    "coupon", ("ACTIVE", "LISTED", "PLEDGED", "FROZEN", "LOST_REPORTED"))
INSPECT = Step("supervision.inspection", "§6", SUPERVISORS, "POST", "/inspections", schemas.InspectionCreate, (
    Field("inspected_on", "date"), Field("method", "choice", ("ON_SITE", "DOCUMENTS", "SYSTEMS"), labels="method."),
    Field("findings", "textarea"), Field("documents", "files", required=False),
    Field("application", "integer", required=False), Field("coupon", required=False)), status_code=201)

# -- loss and reissue (§12, 附件1 二, 附件3): the owner's report, the centre's stages, EEB's filing, GOV's reissue
LOSS_DOCUMENTS = (Field("documents.written_report", "file"), Field("documents.reissue_form", "file", required=False),
                  Field("documents.licence", "file", required=False),
                  Field("documents.others", "files", required=False))  # 其他应当提供的资料, such as a 补正 asks for
REPORT_LOST = Step("coupon.loss_report", "§12, 附件1 二(一), 附件3", (HOLDER,), "POST", COUPON + "/loss-report",
                   schemas.LossReportCreate, (
                       Field("cause", "choice", ("LOST", "DAMAGED"), labels="loss."), Field("statement", "textarea"),
                       Field("registration_type"), Field("location"), Field("address"), Field("contact_person"),
                       Field("contact_phone"), *LOSS_DOCUMENTS),
                   "coupon", ("ACTIVE",), status_code=201)
REPORT_LOSS = Step("coupon.report_loss", "§12, 附件1 二(一)", ("CENTER",), "POST", COUPON + "/loss",
                   on="coupon", states=("ACTIVE",), consent="LOSS")
WITHDRAW_LOSS = Step("coupon.withdraw_loss", "§12", ("CENTER",), "DELETE", COUPON + "/loss",
                     on="coupon", states=("LOST_REPORTED",))
REISSUE_FORMAL_REVIEW = Step(
    "coupon.reissue_formal_review", "附件1 二(二)", ("CENTER",), "POST", COUPON + "/reissue/formal-review",
    schemas.ReissueFormalReview, (Field("decision", "choice", ("pass", "supplement")),
                                  Field("missing_items", "lines", required=False), REASON),
    "coupon", ("LOST_REPORTED",))
# 补正: as an application's, only what the centre listed is sent; the other documents stay as reported.
REISSUE_RESUBMIT = Step("coupon.reissue_resubmit", "附件1 二(二)", (HOLDER,), "POST", COUPON + "/reissue/resubmit",
                        schemas.ReissueResubmission, tuple(replace(f, required=False) for f in LOSS_DOCUMENTS),
                        "coupon", ("LOST_REPORTED",))
REISSUE_SURVEY_PAUSE = Step("coupon.reissue_survey_pause", "附件1 二(二)", ("CENTER",), "POST",
                            COUPON + "/reissue/field-survey/pause", on="coupon", states=("LOST_REPORTED",))
REISSUE_SURVEY_RESUME = Step("coupon.reissue_survey_resume", "附件1 二(二)", ("CENTER",), "POST",
                             COUPON + "/reissue/field-survey/resume", on="coupon", states=("LOST_REPORTED",))
REISSUE_REVIEW = Step("coupon.reissue_review", "附件1 二(二)", ("CENTER",), "POST", COUPON + "/reissue/review",
                      schemas.ReissueReview, (Field("decision", "choice", ("pass", "refuse")), REASON),
                      "coupon", ("LOST_REPORTED",))
# 附件3's 中心意见: the centre agrees (补发登记, forwarded to the EEB) or disagrees (refused, with its reason).
REISSUE_REGISTRATION = Step(
    "coupon.reissue_registration", "附件1 二(三), 附件3", ("CENTER",), "POST", COUPON + "/reissue/registration",
    schemas.ReissueOpinion, (Field("decision", "choice", ("agree", "disagree")), Field("opinion", "textarea")),
    "coupon", ("LOST_REPORTED",))
FILE_REISSUE = Step("coupon.file_reissue", "附件1 二(四)", ("EEB",), "POST", COUPON + "/reissue-filing",
                    schemas.ReissueFiling, (Field("filing_number"),), "coupon", ("LOST_REPORTED",))
REISSUE = Step("coupon.reissue", "§12, 附件1 二(五)", ("GOV",), "POST", COUPON + "/reissue",
               on="coupon", states=("LOST_REPORTED",))
OFFSET = Step("coupon.offset", "§14, §15, 附件1 三(三)", ("EEB",), "POST", COUPON + "/offset", schemas.OffsetCreate, (
    Field("purpose", "choice", ("ECO_COMPENSATION", "EVENT_NEUTRALITY", "GREEN_POINTS"), labels="purpose."),
    Field("beneficiary"), Field("case_reference"),
    # §15(1): the land take an eco-compensation answers, calculated and kept with the certificate (附件1 三(三))
    Field("compensation.parcels", "parcels", required=False), Field("compensation.years", "decimal", required=False)),
    "coupon", ("ACTIVE",), "OFFSET")

# 附件4 三、四: the centre's periodic management report (管理情况报告) to the holder while the coupon is listed
MANAGEMENT_REPORT = Step("coupon.management_report", "附件4 三、四", ("CENTER",), "POST",
                         COUPON + "/management-reports", schemas.ManagementReportCreate,
                         (Field("period"), Field("summary", "textarea"), Field("report_document", "file")),
                         "coupon", ("LISTED",), status_code=201)
# A settled trade's payments, confirmed by the centre: the buyer's price (附件7 二2) while unpaid, the seller's
# service fee (附件1 三(二)2) once. A trade's state is its payment status.
TRADE = "/trades/{trade_id}"
PAYMENT = (Field("paid_on", "date"), Field("receipt", "file", required=False))
CONFIRM_PAYMENT = Step("trade.confirm_payment", "附件7 二2", ("CENTER",), "POST", TRADE + "/payment",
                       schemas.PaymentConfirmation, PAYMENT, "trade", ("UNPAID",))
CONFIRM_FEE = Step("trade.confirm_fee", "附件1 三(二)2", ("CENTER",), "POST", TRADE + "/service-fee",
                   schemas.PaymentConfirmation, PAYMENT, "trade", ("UNPAID", "PAID"))

# -- 兑现 (§2, DESIGN §11): a sale through the centre to the district's designated acquirer at DRC's price
REDEMPTION_TERMS = Step("redemption.terms", "§2 (兑现)", ("DRC",), "POST", "/redemption/terms",
                        schemas.RedemptionTermsCreate, (Field("acquirer", "party"), Field("redemption_price_yuan_per_t", "decimal"),
                                                        Field("price_notice")), status_code=201)
REDEEM = Step("coupon.redeem", "§2 (兑现)", ("CENTER",), "POST", COUPON + "/redemption", schemas.RedemptionCreate,
              (Field("redemption_agreement", "file"),), "coupon", ("ACTIVE",), "REDEEM")

# -- the market (附件6, 附件7)
PURCHASE = Step("market.purchase", "附件1 三(一)2, 附件6", (HOLDER,), "POST", "/purchases", schemas.PurchaseCreate, (
    Field("amount_t", "decimal"), Field("reason", "choice", ("VOLUNTARY", "ECO_COMPENSATION"), labels="purchase_reason."),
    Field("purpose", required=False), Field("case_reference", required=False),
    Field("authority_document", "file", required=False), Field("signed_form", "file"), Field("commitment", "bool")), status_code=201)
# 附件1 三(二)1: the centre matches the buyer's wish to a listing and issues the 交易受理通知书 (or refuses).
ACCEPT_PURCHASE = Step("market.accept_purchase", "附件1 三(二)1", ("CENTER",), "POST",
                       "/purchases/{purchase_id}/acceptance", schemas.PurchaseDecision, (
                           Field("decision", "choice", ("accept", "reject")), Field("coupon", required=False),
                           Field("note", "textarea", required=False)), "purchase")
SETTLE = Step("market.trade", "附件1 三(二)2, 附件7", ("CENTER",), "POST", "/trades", schemas.TradeCreate, (
    Field("coupon", "item"), Field("purchase_id", "integer"), Field("amount_t", "decimal"),
    Field("price_yuan_per_t", "decimal"), Field("service_fee_yuan", "decimal"), Field("agreement", "file"),
    Field("payment_method", "choice", ("BANK_TRANSFER", "ONLINE", "OTHER"), labels="payment_method."),
    Field("payment_term", "date", required=False),
    Field("payment_status", "choice", ("PAID", "UNPAID"), labels="payment_status.")),
    "coupon", ("LISTED",))

# -- role administration (DESIGN §2)
CREATE_OFFICIAL = Step("auth.create_official", "§4, §5", ("DRC",), "POST", "/auth/officials", schemas.OfficialCreate, (
    Field("username"), Field("password"), Field("display_name"),
    Field("role", "choice", (*DEPARTMENTS, ENFORCEMENT), labels="role.")), status_code=201)

# -- the working calendar (DESIGN §5): DRC enters each year's State Council holiday schedule from its notice
ENTER_CALENDAR_YEAR = Step("calendar.enter", "附件1 (工作日)", ("DRC",), "POST", "/calendar/years",
                           schemas.CalendarYearCreate, (
                               Field("year", "integer"), Field("notice"), Field("holidays", "lines"),
                               Field("workdays", "lines", required=False)), on="calendar", status_code=201)

# -- accounts (附件1 三(一)): the centre verifies a party's identity in person; DRC disables an account.
# An account's states: UNVERIFIED → VERIFIED (holders; officials need no check), either ⇄ DISABLED.
ACCOUNT = "/auth/accounts/{username}"
VERIFY_ACCOUNT = Step("account.verify", "附件1 三(一)", ("CENTER",), "POST", ACCOUNT + "/verification",
                      schemas.AccountVerificationCreate, (
                          Field("document_type", "choice", ("RESIDENT_ID_CARD", "BUSINESS_LICENCE", "USCC_CERTIFICATE",
                                                            "OTHER"), labels="document."),
                          Field("document_number"), Field("document", "file"),
                          # §8: an enterprise's or institution's 资质, if it is to apply for right-holders
                          Field("qualification", required=False), Field("qualification_document", "file", required=False)),
                      "account")
REVOKE_VERIFICATION = Step("account.revoke_verification", "附件1 三(一)", ("CENTER",), "POST",
                           ACCOUNT + "/verification/revocation", schemas.VerificationRevocation,
                           (Field("reason", "textarea"),), "account")
DISABLE_ACCOUNT = Step("account.disable", "附件1 三(一)", ("DRC",), "POST", ACCOUNT + "/disable", schemas.AccountDisable,
                       (Field("reason", "textarea"),), "account")
ENABLE_ACCOUNT = Step("account.enable", "附件1 三(一)", ("DRC",), "POST", ACCOUNT + "/enable",
                      on="account")
# Steps an account the centre has not verified may not take, nor (coupon.list) be listed by
# (附件1 三(一); a transfer's two parties show their papers too, 三(四)): checked once, where
# routes.step_route registers them (deps.verified_account).
VERIFIED_ONLY = frozenset({SUBMIT.id, REQUEST.id, REPORT_LOST.id, LIST.id, PURCHASE.id, TRANSFER_FORM.id,
                           TRANSFER_CONFIRM.id})

CATALOGUE: tuple[Step, ...] = tuple(value for value in globals().values() if isinstance(value, Step))
BY_ID = {step.id: step for step in CATALOGUE}


def offered(role: str, on: str) -> list[Step]:
    """The steps a console offers `role` on one kind of page; lifecycles.offered picks those an object's state
    admits."""
    return [s for s in CATALOGUE if s.on == on and role in s.roles]
