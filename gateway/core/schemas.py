"""Request and response shapes. Amounts are tonnes CO2e with at most three
decimals (DESIGN §3); the chain holds integer kilograms."""

from __future__ import annotations

import datetime as dt
import enum
import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, ValidationInfo, field_validator, model_validator

_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)


def _plain_decimal(value: object) -> object:
    """An amount is written as a person means it: ASCII digits and one point. Python's Decimal
    also reads full-width digits and underscores ("１００", "1_000"); refuse them rather than guess."""
    if isinstance(value, str) and not _PLAIN_DECIMAL.fullmatch(value.strip()):
        raise ValueError("write the amount with the digits 0-9 and at most one decimal point")
    if isinstance(value, bool):
        raise ValueError("an amount is a number")
    return value


PlainDecimal = Annotated[Decimal, BeforeValidator(_plain_decimal)]
Tonnes = Annotated[PlainDecimal, Field(gt=0, max_digits=15, decimal_places=3, description="tonnes CO2e, ≤ 3 decimals")]
Yuan = Annotated[PlainDecimal, Field(ge=0, max_digits=15, decimal_places=2)]
Mu = Annotated[PlainDecimal, Field(gt=0, max_digits=12, decimal_places=2)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of an uploaded document")]
RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]  # a record's id: PostgreSQL's INTEGER (32-bit), as deps.RecordPath
# The chain stores a day as the unix time of its midnight in China: the first day it can hold is 1970-01-02.
ChainDate = Annotated[dt.date, Field(ge=dt.date(1970, 1, 2))]


def fits_on_chain(max_bytes: int) -> AfterValidator:
    """A contract's String[n] counts UTF-8 bytes, and a Chinese character takes three."""

    def check(text: str) -> str:
        if len(text.encode()) > max_bytes:
            raise ValueError(f"at most {max_bytes} bytes in UTF-8, about {max_bytes // 3} Chinese characters")
        return text

    return AfterValidator(check)


# Text the contracts store, within their String[n] limits.
ReasonText = Annotated[str, Field(max_length=256), fits_on_chain(256)]
FilingNumber = Annotated[str, Field(min_length=1, max_length=64), fits_on_chain(64)]
MissingItem = Annotated[str, Field(min_length=1, max_length=100), fits_on_chain(100)]


_CONTROLS = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])  # C0 and DEL but tab and newline


class Input(BaseModel):
    """Every shape here: C0 control characters (and DEL) are struck from its text, a name's or an opinion's,
    before any other check (tab and newline stay; CR LF becomes LF). They print as nothing, split a CSV
    row or a log line, and make two names that look one. Passwords are taken as typed."""

    @field_validator("*", mode="before")
    @classmethod
    def _strike_controls(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str) and "password" not in (info.field_name or ""):
            return value.replace("\r\n", "\n").translate(_CONTROLS)
        return value


class LandType(str, enum.Enum):
    CULTIVATED = "CULTIVATED"  # 耕地
    FOREST = "FOREST"  # 林地
    GRASSLAND = "GRASSLAND"  # 草地
    WETLAND = "WETLAND"  # 湿地


class LoginCreate(Input):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class HolderCreate(Input):
    # A holder's key file is named after it: "holder-" and the name fit the key store's 64 characters.
    username: str = Field(pattern=r"^[A-Za-z0-9_.-]{3,40}$")
    password: str = Field(min_length=10, max_length=200, description="not a common or trivial one")
    display_name: str = Field(min_length=1, max_length=200)
    organisation: str | None = Field(default=None, max_length=200)
    identity: str = Field(min_length=6, max_length=40, description="ID card number or USCC; stored only as a keyed hash and masked")
    # 附件1 三(一) and the party fields of 附件3/4/8 (services.users, gateway.identity)
    account_type: str = Field(pattern=r"^(PERSON|COLLECTIVE|ENTERPRISE|AGENCY|EVENT_ORGANISER|DAMAGE_LIABLE|FINANCIAL)$")
    legal_representative: str | None = Field(default=None, max_length=100, description="法定代表人; organisations")
    postal_address: str = Field(min_length=1, max_length=200, description="住所 / 通讯地址")
    contact_person: str = Field(min_length=1, max_length=100)
    contact_phone: str = Field(pattern=r"^[0-9+()\- ]{5,30}$")


class AccountVerificationCreate(Input):
    """The centre's in-person check of an account's identity (附件1 三(一))."""

    document_type: str = Field(pattern=r"^(RESIDENT_ID_CARD|BUSINESS_LICENCE|USCC_CERTIFICATE|OTHER)$")
    document_number: str = Field(min_length=6, max_length=40, description="as on the document shown; kept masked only")
    document: Sha256 = Field(description="the centre's scan of the document shown, uploaded")
    # §8's 有资质的第三方: an enterprise's or institution's qualification (资质) as the centre saw it, with the
    # scan of the certificate that shows it; only a qualified account applies for a right-holder.
    qualification: str | None = Field(default=None, min_length=2, max_length=200,
                                      description="the qualification shown, e.g. 林业调查规划设计乙级资质")
    qualification_document: Sha256 | None = Field(default=None, description="the centre's scan of the certificate")

    @model_validator(mode="after")
    def _qualification_with_its_document(self) -> "AccountVerificationCreate":
        if (self.qualification is None) != (self.qualification_document is None):
            raise ValueError("a qualification is recorded with the scan of the certificate that shows it")
        return self


class CalendarYearCreate(Input):
    """A year's State Council holiday schedule, from the notice (国务院办公厅关于…部分节假日安排的通知;
    DESIGN §5). Every other Monday to Friday is a working day, every other weekend day is not."""

    year: int = Field(ge=2004, le=2100)
    notice: str = Field(min_length=4, max_length=100, description="the notice's number, e.g. 国办发明电〔2026〕6号")
    holidays: list[dt.date] = Field(min_length=1, max_length=60,
                                    description="every day off of the holidays, the weekend days within them included")
    workdays: list[dt.date] = Field(default_factory=list, max_length=20,
                                    description="the make-up working days (调休上班), each a Saturday or Sunday")


class VerificationRevocation(Input):
    reason: str = Field(min_length=1, max_length=256, description="why the centre no longer stands by its check")


class AccountDisable(Input):
    reason: str = Field(min_length=1, max_length=256)


class PasswordChange(Input):
    old_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=10, max_length=200, description="not a common or trivial one")


class OfficialCreate(Input):
    username: str = Field(pattern=r"^[A-Za-z0-9_.-]{3,64}$")
    password: str = Field(min_length=10, max_length=200, description="not a common or trivial one")
    display_name: str = Field(min_length=1, max_length=200)
    role: str = Field(pattern=r"^(DRC|CENTER|NRB|FORESTRY|EEB|GOV|FINANCE|VERIFIER|ENFORCEMENT)$")


class ApiKeyCreate(Input):
    password: str = Field(min_length=1, max_length=200, description="the account's password, asked again")
    days: int | None = Field(default=None, ge=1, description="how long the key lives; at most the operator's limit")


class MemberCreate(Input):
    """A person the organisation account's administrator adds, with its own login (services.users.add_member)."""

    username: str = Field(pattern=r"^[A-Za-z0-9_.-]{3,64}$")
    display_name: str = Field(min_length=1, max_length=200, description="the person's name, as the audit log shows it")
    password: str = Field(min_length=10, max_length=200, description="not a common or trivial one")


class MemberPublic(Input):
    username: str
    display_name: str
    added_at: dt.datetime | None = None
    removed_at: dt.datetime | None = None


class UserPublic(Input):
    username: str
    role: str
    display_name: str
    organisation: str | None
    address: str | None
    account_type: str | None = None
    identity_masked: str | None = None
    state: str | None = None  # UNVERIFIED | VERIFIED | DISABLED (services.users.account_state)
    member: MemberPublic | None = None  # the person acting, when a member logged in as its organisation


class NoticeSettings(Input):
    """What an account is told by e-mail (services/notices.py)."""

    email: str | None = Field(default=None, max_length=254, description="where notices go; none: no e-mail")
    new_items: bool = Field(default=True, description="a message when something new waits on the account")
    digest: bool = Field(default=True, description="a department's daily digest of what is due or overdue")


class TokenPublic(Input):
    token: str
    user: UserPublic


class TenureCertificate(Input):
    """权属清晰 (§2): the certificate of the right to the parcel the applicant shows, with its scan."""

    kind: Literal["FOREST_RIGHT", "REAL_ESTATE", "CONTRACT_MANAGEMENT"] = Field(
        description="林权证 | 不动产权证 | 土地承包经营权证")
    number: str = Field(min_length=1, max_length=64, description="权证号")
    document: Sha256 | None = Field(default=None, description="the certificate's scan, uploaded by the applicant")


class Parcel(Input):
    number: str = Field(min_length=1, max_length=64, description="宗地号")
    location: str = Field(min_length=1, max_length=200, description="坐落 / 小地名")
    land_type: LandType
    area_mu: Mu
    boundary: dict | None = Field(default=None, description=(
        "边界: a GeoJSON Polygon or MultiPolygon in longitude/latitude, CGCS2000 (EPSG:4490) or WGS 84; "
        "POST /api/v1/parcels/boundaries reads a GeoJSON file or a zipped shapefile into these. Required to "
        "apply (services/geometry.py)"))
    tenure: TenureCertificate | None = Field(default=None, description=(
        "权属清晰 (§2): the certificate of the right to the parcel, with its scan. Required to apply"))


class MonitoringPeriod(Input):
    """Both days are part of the period: `end` is the monitoring report's last day, included."""

    start: ChainDate = Field(description="the monitoring period's first day, included")
    end: ChainDate = Field(
        description="the monitoring period's last day, included: the monitoring report's last day")


class ApplicationDocuments(Input):
    """附件1 一(一): form, identity/licence, third-party report, cooperation agreement, others."""

    application_form: Sha256 | None = None
    licence: Sha256 | None = None
    report: Sha256 | None = None
    agreement: Sha256 | None = None
    others: list[Sha256] = Field(default_factory=list, max_length=10)


class ApplicationCreate(Input):
    project_name: str = Field(min_length=1, max_length=200)
    parcels: list[Parcel] = Field(min_length=1, max_length=16)
    monitoring_period: MonitoringPeriod
    methodology: str = Field(min_length=1, max_length=200)
    claimed_t: Tonnes
    documents: ApplicationDocuments
    # §8 joint applications: a collective economic organisation named as co-applicant (共同申请人), and a
    # qualified third party applying for the right-holder (权利人), whose account then owns the coupon.
    co_applicant: str | None = Field(default=None, max_length=64, description="username of the co-applicant collective")
    right_holder: str | None = Field(
        default=None, max_length=64, description="an agent's application: the right-holder's username (权利人)")
    entrustment_document: Sha256 | None = Field(
        default=None, description="an agent's application: the right-holder's entrustment (委托书), uploaded first")


class Resubmission(Input):
    documents: ApplicationDocuments


class PublicVersions(Input):
    """The versions of an application's papers its project page publishes (§7): without personal data."""

    monitoring_report: Sha256 = Field(description="the monitoring report's public version, uploaded")
    verification_statement: Sha256 | None = Field(
        default=None, description="the verifier's statement's public version, uploaded, if it has one apart")
    personal_data_removed: bool = Field(description="the applicant confirms no personal data is in them")


class FormalReview(Input):
    """形式审查 (附件1 一(二)): pass, or name every missing item at once (一次性告知); it cannot refuse."""

    decision: str = Field(pattern="^(pass|supplement)$")
    missing_items: list[MissingItem] = Field(default_factory=list, max_length=16)
    reason: ReasonText | None = None


class Decision(Input):
    decision: str = Field(pattern="^(pass|reject)$")
    reason: ReasonText | None = None


class Attestation(Input):
    report: Sha256
    attested_t: Tonnes


class ValidationOpinion(Input):
    """审定意见 (附件1 一(三)): the opinion's number (文号) and the signed document, uploaded first."""

    opinion_number: str = Field(min_length=1, max_length=64)
    opinion_document: Sha256


class EebReview(Input):
    """审核 (附件1 一(四)): pass, or return to the centre with the reason (退回); the EEB does not end a file."""

    decision: str = Field(pattern="^(pass|return)$")
    reason: ReasonText | None = None


class Filing(Input):
    decision: str = Field(pattern="^(file|return)$")
    filing_number: FilingNumber | None = None
    reason: ReasonText | None = None


class CcerListing(Input):
    parcel_number: str = Field(min_length=1, max_length=64)
    listed: bool
    boundary: dict | None = Field(default=None, description=(
        "the listed area as a GeoJSON Polygon or MultiPolygon (EPSG:4490 or WGS 84): no application's parcel may "
        "overlap it while it is listed"))


class HarvestPlan(Input):
    parcel_number: str = Field(min_length=1, max_length=64)
    start: ChainDate = Field(description="the harvest's first day, included")
    end: ChainDate = Field(description="the harvest's last day, included")
    tending: bool = Field(description="抚育采伐 (tending thinning) keeps the parcel eligible, §9")
    boundary: dict | None = Field(default=None, description=(
        "the harvest's area as a GeoJSON Polygon or MultiPolygon (EPSG:4490 or WGS 84): a non-tending harvest "
        "makes any application's parcel overlapping it in its period ineligible, whatever its number"))


class OwnerRequest(Input):
    action: str = Field(pattern="^(LIST|TRANSFER|PLEDGE|OFFSET|LOSS|REDEEM)$")
    amount_t: Tonnes | None = Field(default=None, description="defaults to the whole coupon")
    counterparty: str | None = Field(default=None, description="username of the transferee or pledgee")


class EntrustmentParty(Input):
    """One party of 附件4 as it signs: name, address, contact person, phone."""

    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=200)
    contact_person: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=5, max_length=30)


class Entrustment(Input):
    """交易委托服务协议 (附件4): 甲方 the holder entrusts 乙方 the centre with its coupon's trade."""

    principal: EntrustmentParty = Field(description="甲方: the holder")
    agent: EntrustmentParty = Field(description="乙方: the centre")
    signed_on: ChainDate = Field(description="签署日期: the agreement takes effect that day")
    agreement: Sha256 = Field(description="the agreement signed or sealed by both, uploaded first")


class CentreContacts(Input):
    """附件5 五: the centre's contact person, phone and address printed on the disclosure form."""

    contact_person: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=5, max_length=30)
    address: str = Field(min_length=1, max_length=200)


class ListingCreate(Input):
    """信息披露表 (附件5) and the entrustment (附件4) behind a listing (附件1 三(一)1)."""

    price_yuan_per_t: Yuan
    notice_start: ChainDate | None = Field(default=None, description="公告起始日期; today (China) if left out")
    notice_days: int = Field(ge=1, le=365, description="the notice runs this many days from its start, the start included")
    project_area_mu: Mu | None = Field(default=None, description="附件5 项目面积; the coupon's parcels' area if left out")
    location: str | None = Field(default=None, min_length=1, max_length=200,
                                 description="附件5 地点; the coupon's parcels' locations if left out")
    remarks: str = Field(default="", max_length=400)
    centre: CentreContacts
    holder_commitment: bool = Field(description="附件5 三: the holder signed the four commitments")
    disclosure_form: Sha256 = Field(description="附件5 confirmed by the holder (签字或盖章), uploaded first")
    coupon_original: Sha256 | None = Field(default=None, description="附件5 附件: a scan of the coupon's original")
    attachments: list[Sha256] = Field(default_factory=list, max_length=10, description="附件5 其他附件")
    entrustment: Entrustment


class PurchaseReason(str, enum.Enum):
    """附件6: 因响应国家自愿减排政策 / 生态赔偿要求."""

    VOLUNTARY = "VOLUNTARY"  # 自愿减排
    ECO_COMPENSATION = "ECO_COMPENSATION"  # 生态赔偿: the buyer is liable for ecological damage


class PurchaseCreate(Input):
    """购买申请书 (附件6) with 附件1 三(一)2's materials."""

    amount_t: Tonnes
    reason: PurchaseReason
    purpose: str | None = Field(default=None, max_length=200, description="what the coupons will offset, optional")
    case_reference: str | None = Field(default=None, max_length=40, description=(
        "生态赔偿: the enforcement case the authority's consent answers (附件1 三(一)2(3)); or the event's number; "
        "optional: the EEB's offset of the coupon bought starts with it (附件1 三(三))"))
    commitment: bool = Field(description="附件6's 承诺: must be given")
    signed_form: Sha256 = Field(description="附件6 signed or sealed, uploaded first")
    authority_document: Sha256 | None = Field(
        default=None, description="生态赔偿: the authority's consent to buy coupons (附件1 三(一)2(3)), uploaded first"
    )


class PurchaseDecision(Input):
    """The centre's decision on a purchase application (附件1 三(二)1): accepted (交易受理通知书) or refused."""

    decision: str = Field(pattern="^(accept|reject)$")
    coupon: str | None = Field(default=None, max_length=32, description="the listed coupon matched to it")
    note: str | None = Field(default=None, max_length=400, description="the reason of a refusal")


class PaymentMethod(str, enum.Enum):
    BANK_TRANSFER = "BANK_TRANSFER"  # 银行转账
    ONLINE = "ONLINE"  # 线上支付
    OTHER = "OTHER"  # 其他


class PaymentStatus(str, enum.Enum):
    UNPAID = "UNPAID"
    PAID = "PAID"


class TradeCreate(Input):
    """交易协议 (附件7) as settled: the amount, price, the seller's service fee, how and by when the buyer pays."""

    coupon: str
    purchase_id: RowId
    amount_t: Tonnes
    price_yuan_per_t: Yuan
    service_fee_yuan: Yuan
    agreement: Sha256
    payment_method: PaymentMethod = PaymentMethod.BANK_TRANSFER
    payment_term: ChainDate | None = Field(default=None, description="支付期限; the settlement day if left out")
    payment_status: PaymentStatus = PaymentStatus.PAID


class ManagementReportCreate(Input):
    """附件4 三、四: the centre's periodic report to the holder on the coupon it manages and trades."""

    period: str = Field(min_length=1, max_length=100, description="the period reported on, e.g. 2026年12月")
    summary: str = Field(min_length=1, max_length=2000)
    report_document: Sha256 = Field(description="the signed report, uploaded")


class PaymentConfirmation(Input):
    """The centre confirms a payment under a settled trade: the buyer's price (附件7 二2) or the seller's
    service fee (附件1 三(二)2), with the day it was paid and, if any, the receipt's scan."""

    paid_on: ChainDate
    receipt: Sha256 | None = Field(default=None, description="the bank's receipt or other proof, uploaded")


class PledgeCreate(Input):
    secured_yuan: Yuan
    term_end: ChainDate


class Reason(Input):
    reason: Annotated[str, Field(min_length=1, max_length=256), fits_on_chain(256)]


class Voiding(Input):
    """注销 of a coupon found invalid (§5, §6): NRB and FORESTRY each sign the same reason and
    inspection record; leave both out to sign what the other department signed."""

    reason: Annotated[str, Field(min_length=1, max_length=256), fits_on_chain(256)] | None = None
    inspection: RowId | None = Field(default=None, description="the inspection record (抽查记录) it rests on")


class InspectionMethod(str, enum.Enum):
    ON_SITE = "ON_SITE"  # 现场核查
    DOCUMENTS = "DOCUMENTS"  # 查阅有关文件资料
    SYSTEMS = "SYSTEMS"  # 查询、检查有关信息系统


class InspectionCreate(Input):
    """抽查记录 (§6): what a supervising department found, on an application or a coupon."""

    inspected_on: ChainDate
    method: InspectionMethod
    findings: str = Field(min_length=1, max_length=2000)
    documents: list[Sha256] = Field(default_factory=list, max_length=10)
    application: RowId | None = None
    coupon: str | None = Field(default=None, max_length=32, description="a coupon number")


class LossCause(str, enum.Enum):
    LOST = "LOST"  # 遗失
    DAMAGED = "DAMAGED"  # 损毁


class LossDocuments(Input):
    """附件1 二(一): the written report of the loss, the signed 附件3 form, identity or licence."""

    written_report: Sha256
    reissue_form: Sha256 | None = None
    licence: Sha256 | None = None
    others: list[Sha256] = Field(default_factory=list, max_length=10)


class LossReportCreate(Input):
    """补发申请表 (附件3), kept off-chain: the chain holds the owner's consent and the notice."""

    cause: LossCause
    statement: str = Field(min_length=1, max_length=1000, description="补发登记理由")
    registration_type: str = Field(min_length=1, max_length=100, description="登记类型")
    location: str = Field(min_length=1, max_length=200, description="坐落")
    address: str = Field(min_length=1, max_length=200, description="通讯地址")
    contact_person: str = Field(min_length=1, max_length=100)
    contact_phone: str = Field(min_length=5, max_length=30)
    documents: LossDocuments


class LossSupplements(LossDocuments):
    """A loss report's 补正 (附件1 二(二)): only what the centre listed is sent, such as a 林权证 among the others;
    the documents not sent again stay as reported."""

    written_report: Sha256 | None = None


class ReissueResubmission(Input):
    documents: LossSupplements


class ReissueFormalReview(Input):
    """形式审查 (附件1 二(二)): pass, or name every missing item at once (一次性告知); it cannot refuse."""

    decision: str = Field(pattern="^(pass|supplement)$")
    missing_items: list[MissingItem] = Field(default_factory=list, max_length=16)
    reason: ReasonText | None = None


class ReissueReview(Input):
    decision: str = Field(pattern="^(pass|refuse)$")
    reason: ReasonText | None = None


class ReissueOpinion(Input):
    """附件3's 碳汇交易综合服务中心意见: a brief account of the review and a clear yes or no."""

    decision: str = Field(pattern="^(agree|disagree)$")
    opinion: ReasonText = Field(min_length=1)


class ReissueFiling(Input):
    filing_number: FilingNumber


class EcoCompensationCreate(Input):
    parcels: list[Parcel] = Field(min_length=1, max_length=100)
    years: PlainDecimal = Field(gt=0, le=100, max_digits=6, decimal_places=2)


class OffsetCreate(Input):
    purpose: str = Field(pattern="^(ECO_COMPENSATION|EVENT_NEUTRALITY|GREEN_POINTS)$")
    beneficiary: Annotated[str, Field(min_length=1, max_length=40), fits_on_chain(128)]
    case_reference: Annotated[str, Field(min_length=1, max_length=40), fits_on_chain(128)]
    # §15(1): the land take an eco-compensation answers (the calculator's input), kept off-chain with the
    # certificate so the enforcement body sees the calculated amount beside the amount retired (附件1 三(三)).
    compensation: EcoCompensationCreate | None = None

    @model_validator(mode="after")
    def _compensation_for_eco_compensation_only(self) -> "OffsetCreate":
        if self.compensation is not None and self.purpose != "ECO_COMPENSATION":
            raise ValueError("compensation (the land take's calculation) goes with purpose ECO_COMPENSATION only")
        return self


class RedemptionTermsCreate(Input):
    """兑现 (§2, DESIGN §11): DRC designates the district's acquirer (收储主体) and publishes its price."""

    acquirer: str = Field(min_length=1, max_length=64, description="username of the acquirer's verified account")
    redemption_price_yuan_per_t: Annotated[PlainDecimal, Field(gt=0, max_digits=15, decimal_places=2)]
    price_notice: str = Field(min_length=4, max_length=100, description="the published notice's number, e.g. 赫发改〔2026〕12号")


class RedemptionCreate(Input):
    """The centre's 兑现 of an owner's coupon to the acquirer, under the signed redemption agreement."""

    redemption_agreement: Sha256 = Field(description="the signed redemption agreement (兑现协议), uploaded")


class TransferKind(str, enum.Enum):
    """附件8's 流转权利内容."""

    OWNERSHIP = "OWNERSHIP"  # 碳券所有权
    PLEDGE = "PLEDGE"  # 碳券质押权


class TransferFormCreate(Input):
    """流转申请表 (附件8), kept off-chain: the chain holds the owner's consent and the registration.
    The coupon's number, amount and 备案文号 come from the chain; a pledge adds its secured amount
    and term end, which FINANCE registers (§2, §4)."""

    kind: TransferKind
    transferee: str = Field(min_length=1, max_length=64, description="username of the 流入单位（个人）: transferee or pledgee bank")
    amount_t: Tonnes | None = Field(default=None, description="碳汇量; defaults to the whole coupon")
    legal_representative: str = Field(min_length=1, max_length=100, description="法定代表人（主要负责人）")
    address: str = Field(min_length=1, max_length=200, description="the applicant's 通讯地址")
    parcel_location: str = Field(min_length=1, max_length=200, description="宗地座落")
    place_name: str = Field(default="", max_length=100, description="小地名")
    parcel_number: str = Field(default="", max_length=64, description="宗地号")
    area_mu: Mu | None = Field(default=None, description="面积（亩）")
    transfer_method: str = Field(min_length=1, max_length=100, description="流转方式")
    term: str = Field(default="", max_length=100, description="流转期限, as written")
    term_end: ChainDate | None = Field(default=None, description="a pledge's term end")
    secured_yuan: Yuan | None = Field(default=None, description="a pledge's secured amount")
    transferee_address: str = Field(default="", max_length=200,
                                    description="the 流入单位's 通讯地址; defaults to the one its account registered")
    transfer_reason: str = Field(min_length=1, max_length=1000, description="申请流转理由及方式")
    owner_opinion: str = Field(min_length=1, max_length=256, description="所有权权利人意见")
    signed_transfer_form: Sha256 = Field(description="the signed 附件8 form (申请人签字)")
    documents: list[Sha256] = Field(default_factory=list, max_length=10, description="a pledge contract, identity papers")
    remarks: str = Field(default="", max_length=400, description="备注")


class TransferAcceptance(Input):
    """区碳汇交易综合服务中心受理意见 (附件8): accepted, or refused with the opinion as the reason."""

    decision: str = Field(pattern="^(accept|refuse)$")
    opinion: Annotated[str, Field(min_length=1, max_length=256)]
