"""The gateway's own records: users, tokens, audit log, documents and the
off-chain halves of applications, listings and purchases. The chain holds
addresses and hashes only; personal data stays here (DESIGN §2, §9)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading

from sqlalchemy import (
    JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, LargeBinary, String, create_engine, event,
    text,
)
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class GatewayBase(DeclarativeBase):
    pass


class User(GatewayBase):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # a department Role, HOLDER or ENFORCEMENT
    display_name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(42), index=True)  # custodial holder address
    identity_hash: Mapped[str | None] = mapped_column(String(80), index=True)  # identity.keyed_hash: not unique (§11)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # 附件1 三(一), the party fields of 附件3/4/8 (services.users; migration 0005). Officials leave them empty.
    # PERSON | COLLECTIVE | ENTERPRISE | AGENCY | EVENT_ORGANISER | DAMAGE_LIABLE | FINANCIAL (gateway.identity)
    account_type: Mapped[str | None] = mapped_column(String(32))
    identity_kind: Mapped[str | None] = mapped_column(String(16))  # RESIDENT_ID (GB 11643) | USCC (GB 32100)
    identity_masked: Mapped[str | None] = mapped_column(String(32))  # 4****************4: the only readable form
    legal_representative: Mapped[str | None] = mapped_column(String(100))  # 法定代表人 (organisations)
    postal_address: Mapped[str | None] = mapped_column(String(200))  # 住所 / 通讯地址 (`address` is the chain's)
    contact_person: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # the centre's in-person check
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # DRC's: no log-in, no token
    disabled_reason: Mapped[str | None] = mapped_column(String(256))
    # Notices (services/notices.py): where they go, and which the account chose to receive.
    email: Mapped[str | None] = mapped_column(String(254))
    notify_new_items: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    notify_digest: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    # A member (role MEMBER): a person with its own login who acts as the organisation account named here, added
    # and removed by that account (services.users; migration 0023). Its removal is its disabled_at.
    member_of: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_users_member_of"))
    # The member acting, on the organisation's instance a login reads (services.users.authenticate): not a column.
    member = None  # type: User | None

    # One verified account per ID number or USCC (DESIGN §11), held by the database itself, so two
    # verifications of one number at the same moment cannot both be kept (migration 0011).
    __table_args__ = (Index("uq_users_verified_identity", "identity_hash", unique=True,
                            sqlite_where=text("verified_at IS NOT NULL"),
                            postgresql_where=text("verified_at IS NOT NULL")),)


class AccountVerification(GatewayBase):
    """The centre's in-person identity check of an account (附件1 三(一)): who, when, which document
    (its type, its number masked, and the sha256 of its scan); and its revocation, if the centre
    revoked it (who, when, why: migration 0013)."""

    __tablename__ = "account_verifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    verified_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    document_type: Mapped[str] = mapped_column(String(32))  # RESIDENT_ID_CARD | BUSINESS_LICENCE | ...
    document_number_masked: Mapped[str | None] = mapped_column(String(32))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_account_verifications_revoked_by"))
    revoked_reason: Mapped[str | None] = mapped_column(String(256))
    # §8's 有资质的第三方: the qualification (资质) the centre saw, with its scan (migration 0014)
    qualification: Mapped[str | None] = mapped_column(String(200))
    qualification_sha256: Mapped[str | None] = mapped_column(String(64))


class Token(GatewayBase):
    __tablename__ = "tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # session | api
    # A member's login: user_id is its organisation, whose account it acts as (migration 0023)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_tokens_member_id"))
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(GatewayBase):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64))
    person: Mapped[str | None] = mapped_column(String(64))  # the member acting for the account, by username
    department: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    request: Mapped[dict] = mapped_column(JSON)
    tx_hash: Mapped[str | None] = mapped_column(String(66), index=True)  # a project page names who attested by it
    outcome: Mapped[str] = mapped_column(String(64))


class Document(GatewayBase):
    __tablename__ = "documents"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the first to upload it
    # 附件5's public attachments (the coupon original's scan, 其他附件): anyone reads them (migration 0018)
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class DocumentUpload(GatewayBase):
    """Who uploaded a document: an application or purchase cites only its applicant's own uploads."""

    __tablename__ = "document_uploads"
    sha256: Mapped[str] = mapped_column(ForeignKey("documents.sha256"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class ApplicationRecord(GatewayBase):
    """The registration form (附件2) behind an on-chain application."""

    __tablename__ = "application_records"
    application_id: Mapped[int] = mapped_column(primary_key=True)
    project_name: Mapped[str] = mapped_column(String(200))
    parcels: Mapped[list] = mapped_column(JSON)
    methodology: Mapped[str] = mapped_column(String(200))
    documents: Mapped[dict] = mapped_column(JSON)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the right-holder, or its agent
    tx_hash: Mapped[str] = mapped_column(String(66))
    # §8: the right-holder (权利人) whose key signed, the applicant on chain and the coupon's first owner; the
    # qualified third party that applied on its behalf with the entrustment (委托书); the co-applicant collective.
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    entrustment_document: Mapped[str | None] = mapped_column(String(64))
    co_applicant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The public versions the applicant gave once filed (its project page shows them): sha256 by kind.
    public_documents: Mapped[dict | None] = mapped_column(JSON)
    # The centre's validation opinion in force: its number (审定意见文号, 附件1 一(三)); the chain holds its
    # document's sha256. A new opinion after a return (退回) replaces it.
    opinion_number: Mapped[str | None] = mapped_column(String(64))


class PreparedApplication(GatewayBase):
    """An application that waits for its parties before anything is on chain (§8, DESIGN §11): one a
    qualified third party prepared for a right-holder, or one naming a co-applicant collective. It is
    sent, signed with the right-holder's key, when the right-holder and the co-applicant have both
    confirmed it in their own consoles; until then no parcel is held (services.applications; migration 0014)."""

    __tablename__ = "prepared_applications"
    id: Mapped[int] = mapped_column(primary_key=True)
    form: Mapped[dict] = mapped_column(JSON)  # the ApplicationCreate as prepared
    prepared_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    co_applicant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    holder_confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    co_applicant_confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # AWAITING → SUBMITTED (on chain as `application_id`) | DECLINED (by a party, with its reason)
    status: Mapped[str] = mapped_column(String(16), default="AWAITING")
    declined_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    declined_reason: Mapped[str | None] = mapped_column(String(256))
    application_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ListingRecord(GatewayBase):
    """The disclosure form (附件5) of a listing."""

    __tablename__ = "listing_records"
    coupon_id: Mapped[int] = mapped_column(primary_key=True)
    price_fen_per_tonne: Mapped[int] = mapped_column(BigInteger)
    notice_end: Mapped[int] = mapped_column(BigInteger)  # the last second of the notice; sent on-chain as listed
    disclosure: Mapped[dict] = mapped_column(JSON)
    tx_hash: Mapped[str] = mapped_column(String(66))
    # 附件5 公告起始日期 and the notice's last day (信息披露期至 … 为止), China dates; 附件4 the entrustment agreement
    # (甲方 the holder, 乙方 the centre: names, addresses, contacts, phones, the signed file); 附件5 其他附件.
    notice_start: Mapped[dt.date | None] = mapped_column(Date)
    notice_last_day: Mapped[dt.date | None] = mapped_column(Date)
    entrustment: Mapped[dict | None] = mapped_column(JSON)
    attachments: Mapped[list | None] = mapped_column(JSON)
    listed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # 附件4's 甲方: the holder whose coupon was listed, who reads its signed 附件4 and 附件5 (migration 0018)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_listing_records_holder_id"), index=True)


class ManagementReport(GatewayBase):
    """附件4 三、四: the centre's periodic report (管理情况报告) to the holder on a coupon it manages and trades
    under the entrustment agreement; the holder reads it (services/market.py; migration 0018)."""

    __tablename__ = "management_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    coupon_id: Mapped[int] = mapped_column(BigInteger, index=True)  # the listing's (ListingRecord.coupon_id)
    period: Mapped[str] = mapped_column(String(100))  # e.g. 2026年12月
    summary: Mapped[str] = mapped_column(String(2000))
    document: Mapped[str] = mapped_column(String(64))  # the signed report, uploaded
    filed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Purchase(GatewayBase):
    """A purchase application (附件6) and, once matched, its settlement."""

    __tablename__ = "purchases"
    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    amount_kg: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(400))  # 附件6: VOLUNTARY 自愿减排 | ECO_COMPENSATION 生态赔偿
    liable_for_damage: Mapped[bool] = mapped_column(Boolean, default=False)  # reason ECO_COMPENSATION
    authority_document: Mapped[str | None] = mapped_column(String(64))
    # SUBMITTED → ACCEPTED (交易受理通知书) or REJECTED; SETTLED once trades filled it (services.market)
    status: Mapped[str] = mapped_column(String(16), default="SUBMITTED")
    # Filled by trades settled or being settled: a settlement reserves its amount first (services.market).
    filled_kg: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    settlement_tx: Mapped[str | None] = mapped_column(String(66))  # the latest trade's
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    purpose: Mapped[str | None] = mapped_column(String(200))  # what the buyer offsets, in its words
    # 生态赔偿: the enforcement case (附件1 三(一)2(3), 三(三)); the EEB's offset of the coupon bought starts with it
    case_reference: Mapped[str | None] = mapped_column(String(40))
    commitment: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())  # 附件6's 承诺
    signed_form: Mapped[str | None] = mapped_column(String(64))  # 附件6 signed or sealed, uploaded
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the centre's official
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(String(400))  # the matched coupons, or why refused
    matched_coupon: Mapped[str | None] = mapped_column(String(32))  # 附件1 三(二)1 the seller's coupon matched


class Trade(GatewayBase):
    """A settled trade (交易协议, 附件7): its settlement transaction is the 交易凭证 (附件1 三(三)). Parties are
    accounts (the seller's may be none when its address holds no account here); the exports read this."""

    __tablename__ = "trades"
    id: Mapped[int] = mapped_column(primary_key=True)
    tx_hash: Mapped[str] = mapped_column(String(66), unique=True)
    block: Mapped[int] = mapped_column(BigInteger)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id"), index=True)
    listing_coupon: Mapped[str] = mapped_column(String(32))  # the listed coupon sold from
    coupon: Mapped[str] = mapped_column(String(32))  # the buyer's coupon
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    seller_address: Mapped[str] = mapped_column(String(42))
    amount_kg: Mapped[int] = mapped_column(BigInteger)
    price_fen_per_tonne: Mapped[int] = mapped_column(BigInteger)
    service_fee_fen: Mapped[int] = mapped_column(BigInteger)  # 交易服务费, paid by the seller (附件1 三(二)2)
    agreement: Mapped[str] = mapped_column(String(64))  # the signed 附件7, uploaded
    payment_method: Mapped[str] = mapped_column(String(16))  # 附件7 二2: BANK_TRANSFER | ONLINE | OTHER
    payment_term: Mapped[dt.date] = mapped_column(Date)  # 附件7 二2: the day payment is due
    payment_status: Mapped[str] = mapped_column(String(16))  # UNPAID | PAID
    settled_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    settled_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The centre's later confirmations (migration 0018): the buyer paid the price (附件7 二2), the seller paid
    # the service fee (附件1 三(二)2); each with the day paid and who confirmed it.
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    payment_confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_trades_payment_confirmed_by"))
    fee_paid_on: Mapped[dt.date | None] = mapped_column(Date)
    fee_confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_trades_fee_confirmed_by"))


class TradeReservation(GatewayBase):
    """A settlement under way (附件7): its amount is reserved on the purchase, with what the trade row needs,
    before the chain is asked. It ends SETTLED with its transaction, or RELEASED when the chain did not take
    it; one a crash left HELD is settled or released by what the chain holds (services/settlements.py;
    migration 0015)."""

    __tablename__ = "trade_reservations"
    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id"), index=True)
    amount_kg: Mapped[int] = mapped_column(BigInteger)
    buyer_address: Mapped[str] = mapped_column(String(42))
    trade: Mapped[dict] = mapped_column(JSON)  # the TradeCreate as sent, and who settles it
    status: Mapped[str] = mapped_column(String(16), default="HELD", index=True)  # HELD | SETTLED | RELEASED
    tx_hash: Mapped[str | None] = mapped_column(String(66))
    reserved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LossReport(GatewayBase):
    """补发申请表 (附件3) behind an owner's loss report, and the centre's opinion on it once given."""

    __tablename__ = "loss_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    coupon_id: Mapped[int] = mapped_column(BigInteger, index=True)
    reported_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    request_tx: Mapped[str] = mapped_column(String(66))  # the owner's consent on-chain
    cause: Mapped[str] = mapped_column(String(16))  # LOST 遗失 | DAMAGED 损毁
    statement: Mapped[str] = mapped_column(String(1000))  # 补发登记理由
    registration_type: Mapped[str] = mapped_column(String(100))  # 登记类型
    location: Mapped[str] = mapped_column(String(200))  # 坐落
    address: Mapped[str] = mapped_column(String(200))  # 通讯地址
    contact_person: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(30))
    documents: Mapped[dict] = mapped_column(JSON)  # the written report, the signed form, identity or licence
    opinion: Mapped[str | None] = mapped_column(String(16))  # the centre's: AGREE | DISAGREE
    opinion_text: Mapped[str | None] = mapped_column(String(256))
    opinion_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opinion_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InspectionRecord(GatewayBase):
    """抽查记录 (§6): a supervising department's inspection of an application or a coupon."""

    __tablename__ = "inspections"
    id: Mapped[int] = mapped_column(primary_key=True)
    department: Mapped[str] = mapped_column(String(16))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    inspected_on: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(16))  # ON_SITE 现场核查 | DOCUMENTS 查阅资料 | SYSTEMS 系统检查
    findings: Mapped[str] = mapped_column(String(2000))
    documents: Mapped[list] = mapped_column(JSON)
    application_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    coupon_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # what a voiding cites on-chain
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ParcelName(GatewayBase):
    """A parcel number as an official typed it, under the key the chain holds (services.applications.parcel_id):
    the CCER list and harvest plans are read back with their numbers."""

    __tablename__ = "parcel_names"
    parcel_id: Mapped[str] = mapped_column(String(66), primary_key=True)
    number: Mapped[str] = mapped_column(String(64))


class Notice(GatewayBase):
    """An e-mail to an account (services/notices.py): what newly waits on it, or a department's daily digest.
    Written to this outbox first and sent by the courier, retried: sending never blocks or fails a write.
    DRC reads what was sent."""

    __tablename__ = "notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # NEW | DIGEST
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(String(20000))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sent_via: Mapped[str | None] = mapped_column(String(8))  # smtp | log
    last_error: Mapped[str | None] = mapped_column(String(500))
    given_up: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class NotifiedItem(GatewayBase):
    """An item of an account's inbox it was already told of (services/notices.py): told once."""

    __tablename__ = "notified_items"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    item: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ParcelBoundary(GatewayBase):
    """A parcel's boundary the registry guards against crediting twice (§7): an application's parcel with its
    monitoring period, or a parcel the EEB put on the CCER list (§2, no period: it never may be issued here).
    The geometry is the normalised GeoJSON of services/geometry.py, in EPSG:4490 degrees; its bounding box
    and the grid cells it touches (ParcelCell) are the spatial index the overlap check reads."""

    __tablename__ = "parcel_boundaries"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # APPLICATION | CCER
    application_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    number: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)  # the monitoring period's last day, included
    geometry: Mapped[dict] = mapped_column(JSON)
    area_m2: Mapped[float] = mapped_column(Float)
    # 权属清晰 (§2): the tenure certificate the applicant showed for the parcel, "KIND:normalised number"
    # (services/boundaries.py tenure_key; migration 0027): one certificate backs no two applications' land at once.
    tenure: Mapped[str | None] = mapped_column(String(96), index=True)


class ParcelCell(GatewayBase):
    """A grid cell of 0.01° (about 1 km) a parcel's bounding box touches: the overlap check reads the parcels
    of the cells a new boundary touches, then compares shapes (services/parcels.py)."""

    __tablename__ = "parcel_cells"
    cell: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    boundary_id: Mapped[int] = mapped_column(ForeignKey("parcel_boundaries.id"), primary_key=True, autoincrement=False)


class TransferForm(GatewayBase):
    """流转申请表 (附件8, 附件1 三(四)) of a transfer of ownership (碳券所有权) or a pledge (碳券质押权):
    the owner's form, the receiving party's confirmation, the centre's 受理意见, and the registration
    on-chain that followed (services.transfers, services.pledges; migration 0008)."""

    __tablename__ = "transfer_forms"
    id: Mapped[int] = mapped_column(primary_key=True)  # 申请表编号 LZ-<id>
    kind: Mapped[str] = mapped_column(String(16))  # OWNERSHIP 碳券所有权 | PLEDGE 碳券质押权
    coupon_id: Mapped[int] = mapped_column(BigInteger, index=True)
    coupon_number: Mapped[str] = mapped_column(String(32))  # 碳券编号
    amount_kg: Mapped[int] = mapped_column(BigInteger)  # 碳汇量
    filing_number: Mapped[str] = mapped_column(String(64))  # 备案文号, as the chain holds it
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # 申请单位（个人）
    legal_representative: Mapped[str] = mapped_column(String(100))  # 法定代表人（主要负责人）
    address: Mapped[str] = mapped_column(String(200))  # the applicant's 通讯地址
    location: Mapped[str] = mapped_column(String(200))  # 宗地座落
    place_name: Mapped[str] = mapped_column(String(100))  # 小地名
    parcel_number: Mapped[str] = mapped_column(String(64))  # 宗地号
    area_mu: Mapped[str | None] = mapped_column(String(20))  # 面积（亩）, as written
    method: Mapped[str] = mapped_column(String(100))  # 流转方式
    term: Mapped[str] = mapped_column(String(100))  # 流转期限, as written
    term_end: Mapped[dt.date | None] = mapped_column(Date)  # a pledge's term end
    secured_fen: Mapped[int | None] = mapped_column(BigInteger)  # a pledge's secured amount
    transferee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # 流入单位（个人）
    transferee_address: Mapped[str] = mapped_column(String(200))  # its 通讯地址
    reason: Mapped[str] = mapped_column(String(1000))  # 申请流转理由及方式
    owner_opinion: Mapped[str] = mapped_column(String(256))  # 自然生态系统碳券所有权权利人意见
    signed_form: Mapped[str] = mapped_column(String(64))  # the signed form's sha256 (申请人签字)
    documents: Mapped[list] = mapped_column(JSON)  # others: a pledge contract, identity papers
    remarks: Mapped[str] = mapped_column(String(400))  # 备注
    # SUBMITTED → CONFIRMED (the transferee; transfers only) → ACCEPTED | REFUSED (the centre) → REGISTERED;
    # WITHDRAWN by the applicant before the registration
    status: Mapped[str] = mapped_column(String(16), default="SUBMITTED")
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    opinion: Mapped[str | None] = mapped_column(String(256))  # 区碳汇交易综合服务中心受理意见, or the refusal's reason
    opinion_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opinion_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    registered_tx: Mapped[str | None] = mapped_column(String(66))
    registered_coupon: Mapped[str | None] = mapped_column(String(32))  # the coupon moved or pledged (a split's child)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OffsetCompensation(GatewayBase):
    """§15(1) 生态赔偿: the eco-compensation calculator's answer (services/calculator.py) for the land take an
    offset answers, kept with the offset certificate (its tx hash), so the enforcement body (附件1 三(三)) sees
    the amount the calculation asks for next to the amount retired (services/enforcement.py). It is written
    before the offset is sent, without its certificate until the offset is on chain: no certificate without
    its calculation (migrations 0009, 0016)."""

    __tablename__ = "eco_compensations"
    id: Mapped[int] = mapped_column(primary_key=True)
    tx_hash: Mapped[str | None] = mapped_column(String(66), unique=True)  # the offset certificate, once on chain
    coupon: Mapped[str | None] = mapped_column(String(32))  # the coupon asked to be offset
    case_reference: Mapped[str | None] = mapped_column(String(200))  # as sent on chain with the offset
    needed_kg: Mapped[int] = mapped_column(BigInteger)  # the calculator's coupons_needed_t, in kg
    calculation: Mapped[dict] = mapped_column(JSON)  # the calculator's whole answer: parcels, years, factors, source
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the EEB official who offset
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RedemptionTerms(GatewayBase):
    """兑现 (§2, DESIGN §11): DRC's designation of the district's acquirer (收储主体) and the price it published,
    with the notice's number; the chain holds the acquirer and the price from the same transaction
    (CouponLedger.set_redemption; services/redemptions.py; migration 0017)."""

    __tablename__ = "redemption_terms"
    tx_hash: Mapped[str] = mapped_column(String(66), primary_key=True)
    acquirer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    price_fen_per_tonne: Mapped[int] = mapped_column(BigInteger)
    notice: Mapped[str] = mapped_column(String(100))  # e.g. 赫发改〔2026〕12号
    set_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CalendarYear(GatewayBase):
    """A year's State Council holiday schedule as DRC entered it from the notice (DESIGN §5; gateway/core/workdays.py):
    the years the shipped calendar does not know yet."""

    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    notice: Mapped[str] = mapped_column(String(100))  # 国办发明电〔…〕…号
    holidays: Mapped[list] = mapped_column(JSON)  # ISO dates off, weekends within the holidays included
    workdays: Mapped[list] = mapped_column(JSON)  # ISO dates of the make-up working weekends (调休上班)
    entered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LogLeaf(GatewayBase):
    """A leaf of the transparency log: block n's hash, as the log first read it (gateway/runtime/transparency.py).
    Never rewritten: a chain whose block differs from its leaf is a rewritten history, and the log stops."""

    __tablename__ = "log_leaves"
    block_number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    block_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


def make_engine(url: str):
    """The gateway's one engine, for the event index and its own records: SQLite in WAL
    mode, or PostgreSQL. Hundreds of requests run at once, and a write may hold two
    connections (its request's and the audit entry's): keep connections open, never
    block on the pool."""
    engine = create_engine(url, pool_size=64, max_overflow=-1)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def disk_full(exc: DBAPIError) -> bool:
    """Whether the database refused a write for want of room: SQLite's SQLITE_FULL, PostgreSQL's 53100."""
    return (getattr(exc.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
            or getattr(exc.orig, "sqlstate", None) == "53100")


def busy(exc: DBAPIError) -> bool:
    """Whether the database could not take the write in time for other writers: SQLite's lock held past the
    busy timeout, PostgreSQL's serialization failure, deadlock or lock timeout. The transaction was rolled back."""
    return (getattr(exc.orig, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
            or getattr(exc.orig, "sqlstate", None) in ("40001", "40P01", "55P03"))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Database:
    def __init__(self, engine):
        self.engine = engine  # its tables are the migrations' (gateway/core/migrate.py), upgraded before it opens
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.statements = StatementCount(engine)


class StatementCount:
    """SQL statements the engine has sent since the gateway started (/metrics): what a kind of request costs
    the database, as the benchmark reads it."""

    def __init__(self, engine):
        self._lock = threading.Lock()
        self.total = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_) -> None:
        with self._lock:
            self.total += 1
