"""附件4 交易委托服务协议 as the holder lives it: the agreement of each listing with its status (in force while
any of the coupon is listed; ended once all of it is sold, 七 完成交易; terminated when the listing was
withdrawn), the signed agreement and disclosure form (附件5) it reads (八), and the centre's periodic
management reports (管理情况报告, 三、四) on the coupon it manages and trades."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.db import ListingRecord, ManagementReport, User
from ..runtime.wiring import Actor, Gateway
from ..core.schemas import ManagementReportCreate
from ..catalogue.steps import HOLDER
from ..catalogue.units import epoch
from . import market
from .documents import require_uploaded

IN_FORCE, ENDED, TERMINATED = "IN_FORCE", "ENDED", "TERMINATED"


def file_report(gw: Gateway, db: Session, *, actor: Actor, number: str, form: ManagementReportCreate) -> ManagementReport:
    """The centre's report on a listed coupon, kept with its listing's agreement (a remainder's is its origin's)."""
    _, listing = market.listing_of(gw, db, number)
    require_uploaded(db, form.report_document, field="report_document")
    report = ManagementReport(coupon_id=listing.coupon_id, period=form.period, summary=form.summary,
                              document=form.report_document, filed_by=actor.user.id)
    db.add(report)
    gw.audit.add(db, actor.user, "coupon.management_report", {"coupon": number, **form.model_dump()})
    db.commit()
    return report


def of(gw: Gateway, db: Session, user: User) -> list[dict]:
    """The agreements of a holder's listings (every listing's for the departments), newest first, each with
    its status, papers and reports."""
    query = select(ListingRecord).order_by(ListingRecord.tx_hash)
    if user.role == HOLDER:
        query = query.where(ListingRecord.holder_id == user.id)
    records = db.scalars(query).all()
    if not records:
        return []
    listed = {origin for entry in gw.index.listed() for origin in entry.origins}
    withdrawn = {s.coupon_id: s.block_number for s in gw.index.steps(["ListingWithdrawn"])}  # the last of each
    listed_in = {s.tx_hash: s.block_number for s in gw.index.steps(["CouponListed"])}
    reports: dict[int, list[ManagementReport]] = {}
    for report in db.scalars(select(ManagementReport).where(
            ManagementReport.coupon_id.in_([r.coupon_id for r in records])).order_by(ManagementReport.id)):
        reports.setdefault(report.coupon_id, []).append(report)
    found = []
    for record in records:
        entrustment = record.entrustment or {}
        found.append({
            "coupon": gw.index.numbers.number_of(record.coupon_id), "listed_tx": record.tx_hash,
            "signed_on": entrustment.get("signed_on"), "agreement": entrustment.get("agreement"),
            "disclosure_form": (record.disclosure or {}).get("disclosure_form"),
            "notice_last_day": str(record.notice_last_day) if record.notice_last_day else None,
            "status": _status(gw, record.coupon_id, listed, withdrawn, since=listed_in.get(record.tx_hash, 0)),
            "reports": [{"id": r.id, "period": r.period, "summary": r.summary, "document": r.document,
                         "filed_at": epoch(r.filed_at)} for r in reports.get(record.coupon_id, [])],
        })
    return sorted(found, key=lambda e: e["coupon"] or "", reverse=True)


def _status(gw: Gateway, listed_coupon: int, listed: set[int], withdrawn: dict[int, int], *, since: int) -> str:
    """In force while the coupon, or the rest of it a partial sale left, is listed; terminated if the listing
    of it or of such a rest was withdrawn since it was listed (七 终止); ended once every part of it is sold
    (七 完成交易)."""
    if listed_coupon in listed:
        return IN_FORCE
    for coupon_id, block in withdrawn.items():
        if block <= since:
            continue
        while coupon_id is not None and coupon_id >= listed_coupon:  # a part split off comes after its parent
            if coupon_id == listed_coupon:
                return TERMINATED
            coupon_id = _parent(gw, coupon_id)
    return ENDED


def _parent(gw: Gateway, coupon_id: int) -> int | None:
    coupon = gw.index.coupon(gw.index.numbers.number_of(coupon_id) or "")
    return coupon.parent if coupon is not None else None
