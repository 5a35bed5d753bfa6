"""Who may write what (DESIGN §2, §4 invariant 5, §9).

Part 1, at the gateway: every write route × every caller (the eight department
officials, a holder, an enforcement official, nobody logged in). Only the
route's roles get through; everyone else is refused before a transaction is
built, so the chain does not move, the target keeps its state and no write is
audited as done.

Part 2, on-chain with the gateway's check bypassed: each department step sent
straight through the gateway's write path with a key of the wrong department (or a
holder's key) reverts in the contract itself, and the revert maps to a stable
code. A department key on an owner's step is refused as not the owner.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chain import Action, OffsetPurpose, Role
from chain.index import CouponRow
from gateway.core.db import (
    ApplicationRecord,
    AuditEntry,
    CalendarYear,
    InspectionRecord,
    LossReport,
    ManagementReport,
    PreparedApplication,
    Purchase,
    RedemptionTerms,
    Trade,
    TransferForm,
    User,
)
from gateway.demo import DEMO_PASSWORD, OFFICIALS
from gateway.core.errors import DomainError
from gateway.catalogue import lifecycles, steps
from gateway.runtime.wiring import Actor
from gateway.catalogue.steps import Step
from gateway.services.boundaries import parcel_id
from gateway.services import users
from gateway.services.coupons import coupon_id
from gateway.catalogue.units import day_start
from support import api
from support.http import login, ok
from support.land import with_boundaries

API = "/api/v1"
DEPARTMENTS = tuple(role.value for role in Role)
HOLDER, ENFORCEMENT = "HOLDER", "ENFORCEMENT"
OTHER_HOLDER = "OTHER_HOLDER"  # a holder who is neither applicant nor owner (on-chain part only)
LOGGED_IN_CALLERS = (*DEPARTMENTS, HOLDER, ENFORCEMENT)
MISSING_ROLE = "access_control: account is missing role"
ZERO_ADDRESS = "0x" + "00" * 20
COUPON_T = "1000"
SOURCE_T = "100000"
_serial = itertools.count(1)


# ---------------------------------------------------------------- targets


@dataclass
class Target:
    """An object in the state where a route's step would succeed.

    `owner` is the applicant or coupon owner; `holder` is the holder account
    that acts on the owner's side of this step (the pledgee, for a release).
    """

    owner: Any
    holder: Any
    application: int | None = None
    coupon: str | None = None
    coupon_id: int | None = None
    report: str | None = None
    parcel: str | None = None
    purchase: int | None = None
    inspection: int | None = None  # an inspection record (§6) on the coupon
    account: str | None = None  # a holder account's username (附件1 三(一))
    verification: dict | None = None  # the centre's check of that account: the number shown, its scan
    listing: dict | None = None  # 附件5 and 附件4 with their documents uploaded, for a coupon whose listing is asked
    transfer_form: int | None = None  # a 附件8 form (its owner is then the transferee, who confirms it)
    transferee: str | None = None  # the holder a coupon's 附件8 form names as receiving party
    prepared: int | None = None  # an application an agent prepared for the owner, to confirm (§8)
    trade: int | None = None  # a settled trade whose payments the centre confirms (附件7, 附件1 三(二)2)


class Stages:
    """Builds targets through HTTP, as the departments would."""

    def __init__(self, client, gateway, officials, upload, mint, owner, counterparty):
        self.client, self.gateway, self.officials, self._upload, self._mint = client, gateway, officials, upload, mint
        self.owner, self.counterparty = owner, counterparty
        self._source: str | None = None  # the counterparty's remainder of a large coupon
        self._agent = None  # a qualified third party (§8), made when first needed

    def _post(self, path: str, headers: dict, body: dict | None = None) -> dict:
        return ok(self.client.post(API + path, headers=headers, json=body))

    def _as(self, role: str) -> dict:
        return self.officials[role]

    # -- objects that exist before any application

    def nothing(self) -> Target:
        return Target(self.owner, self.owner)

    # -- accounts, 附件1 三(一)

    def unverified_account(self) -> Target:
        return self._account(verified=False)

    def enabled_account(self) -> Target:
        return self._account(verified=True)

    def _account(self, *, verified: bool) -> Target:
        holder = api.register_holder(self.client, verified=verified)
        scan = api.upload(self.client, self._as("CENTER"), api.CENTRE_SCAN)
        return Target(self.owner, self.owner, account=holder.username, verification={
            "document_type": "BUSINESS_LICENCE", "document_number": holder.identity, "document": scan})

    def disabled_account(self) -> Target:
        target = self.enabled_account()
        self._post(f"/auth/accounts/{target.account}/disable", self._as("DRC"), {"reason": "测试停用"})
        return target

    def counterparty_as_acquirer(self) -> Target:
        return Target(self.counterparty, self.counterparty)

    def buyer(self) -> Target:
        """The buyer, its signed purchase application (附件6) uploaded."""
        return Target(self.counterparty, self.counterparty, report=self._upload(self.counterparty.headers))

    # -- purchase applications, 附件6 and the centre's acceptance (附件1 三(二)1); their states are the gateway's

    def purchase_submitted(self) -> Target:
        target = Target(self.counterparty, self.counterparty)
        target.purchase = api.apply_to_buy(self.client, self.counterparty, "10")
        return target

    def purchase_accepted(self) -> Target:
        target = self.purchase_submitted()
        self._post(f"/purchases/{target.purchase}/acceptance", self._as("CENTER"), {"decision": "accept"})
        return target

    def purchase_rejected(self) -> Target:
        target = self.purchase_submitted()
        self._post(f"/purchases/{target.purchase}/acceptance", self._as("CENTER"),
                   {"decision": "reject", "note": "材料不全"})
        return target

    def fresh_parcel(self) -> Target:
        return Target(self.owner, self.owner, parcel=f"AUTHZ-P-{next(_serial)}")

    def report_uploaded(self) -> Target:
        return Target(self.owner, self.owner, report=self._upload(self.owner.headers))

    # -- applications, 附件1 一

    def prepared_awaiting(self) -> Target:
        """An application a qualified agent prepared for the owner, waiting for the owner's confirmation (§8)."""
        self._agent = self._agent or api.register_agent(self.client, "赫山区某林业调查规划设计有限公司")
        target = Target(self.owner, self.owner, report=self._upload(self._agent.headers),
                        parcel=f"AUTHZ-P-{next(_serial)}")
        form = {**application_form(target), "right_holder": self.owner.username,
                "entrustment_document": self._upload(self._agent.headers)}
        target.prepared = api.prepare(self.client, self._agent, form)
        return target

    def prepared_submitted(self) -> Target:
        target = self.prepared_awaiting()
        api.confirm(self.client, self.owner, target.prepared)
        return target

    def prepared_declined(self) -> Target:
        target = self.prepared_awaiting()
        self._post(f"/applications/prepared/{target.prepared}/declining", self.owner.headers, {"reason": "不同意"})
        return target

    def submitted(self) -> Target:
        target = self.report_uploaded()
        target.parcel = f"AUTHZ-A-{next(_serial)}"
        target.application = self._post("/applications", self.owner.headers, application_form(target))["application"]
        return target

    def supplement_required(self) -> Target:
        target = self.submitted()
        self._post(f"/applications/{target.application}/formal-review", self._as("CENTER"),
                   {"decision": "supplement", "missing_items": ["合作开发协议"]})
        return target

    def formal_ok(self) -> Target:
        target = self.submitted()
        self._post(f"/applications/{target.application}/formal-review", self._as("CENTER"), {"decision": "pass"})
        return target

    def survey_paused(self) -> Target:
        target = self.formal_ok()
        self._post(f"/applications/{target.application}/field-survey/pause", self._as("CENTER"))
        return target

    def prelim_ok(self) -> Target:
        target = self.formal_ok()
        path = f"/applications/{target.application}"
        self._post(f"{path}/preliminary-review", self._as("CENTER"), {"decision": "pass"})
        self._post(f"{path}/attestation", self._as("VERIFIER"), {"report": target.report, "attested_t": COUPON_T})
        return target

    def prelim_ok_unattested(self) -> Target:
        """Preliminary review passed while the verifier has not attested yet (the verifier's wait)."""
        target = self.formal_ok()
        self._post(f"/applications/{target.application}/preliminary-review", self._as("CENTER"), {"decision": "pass"})
        return target

    def rejected(self) -> Target:
        target = self.formal_ok()  # 初审 refuses; formal review only asks for what is missing
        self._post(f"/applications/{target.application}/preliminary-review", self._as("CENTER"),
                   {"decision": "reject", "reason": "不属于自然生态系统碳汇"})
        return target

    def validated(self) -> Target:
        target = self.prelim_ok()
        for role in ("NRB", "FORESTRY"):
            self._post(f"/applications/{target.application}/validation", self._as(role), {"decision": "pass"})
        return target

    def opinion_forwarded(self) -> Target:
        target = self.validated()
        self._post(f"/applications/{target.application}/validation-opinion", self._as("CENTER"),
                   {"opinion_number": "赫碳审〔2026〕1号", "opinion_document": self._upload(self._as("CENTER"))})
        return target

    def eeb_reviewed(self) -> Target:
        target = self.opinion_forwarded()
        self._post(f"/applications/{target.application}/eeb-review", self._as("EEB"), PASS)
        return target

    def filed(self) -> Target:
        target = self.eeb_reviewed()
        self._post(f"/applications/{target.application}/filing", self._as("EEB"),
                   {"decision": "file", "filing_number": f"赫环备〔2026〕{target.application}号"})
        return target

    def issued(self) -> Target:
        target = self.filed()
        self._post(f"/applications/{target.application}/mint", self._as("GOV"))
        return target

    # -- coupons

    def active(self) -> Target:
        """A fresh ACTIVE coupon of the owner's, carved by transfer out of one large minted
        coupon: two transactions instead of a whole application."""
        if self._source is None:
            self._source = self._mint(self.counterparty, claimed_t=SOURCE_T)
        number = api.transfer(self.client, self.officials, self.counterparty, self._source, self.owner, amount_t=COUPON_T)
        with Session(self.gateway.index.engine) as index:
            parent = index.scalar(select(CouponRow.id).where(CouponRow.number == self._source))
            self._source = index.scalar(
                select(CouponRow.number).where(CouponRow.parent == parent, CouponRow.number != number))
        return Target(self.owner, self.owner, coupon=number, coupon_id=coupon_id(self.gateway, number),
                      transferee=self.counterparty.username)

    def _requested(self, action: str, counterparty: str | None = None) -> Target:
        target = self.active()
        self._post(f"/coupons/{target.coupon}/requests", self.owner.headers,
                   {"action": action, "counterparty": counterparty})
        return target

    def list_requested(self) -> Target:
        target = self._requested("LIST")
        target.listing = api.listing_form(self.client, self.officials, price_yuan_per_t="50.00", project_area_mu="100")
        return target

    def transfer_requested(self) -> Target:
        """附件8 filed, confirmed by the transferee and accepted by the centre; the owner consented on-chain."""
        target = self.transfer_form_accepted()
        self._post(f"/coupons/{target.coupon}/requests", self.owner.headers,
                   {"action": "TRANSFER", "counterparty": self.counterparty.username})
        target.owner, target.holder, target.transfer_form = self.owner, self.owner, None  # the step acts on the coupon
        return target

    def pledge_requested(self) -> Target:
        """A pledge form (附件8 质押权) the centre accepted; the owner consented on-chain."""
        target = self.active()
        api.accept_pledge(self.client, self.officials, self.owner, target.coupon, self.counterparty)
        return target

    # -- 附件8 forms: their states are the gateway's (services.transfers); the transferee acts on them

    def transfer_form_filed(self) -> Target:
        target = self.active()
        target.transfer_form = ok(api.file_transfer_form(self.client, self.owner, target.coupon,
                                                         self.counterparty.username))["form"]
        target.owner = target.holder = self.counterparty
        return target

    def transfer_confirmed(self) -> Target:
        target = self.transfer_form_filed()
        self._post(f"/transfer-forms/{target.transfer_form}/confirmation", self.counterparty.headers)
        return target

    def transfer_form_accepted(self) -> Target:
        target = self.transfer_confirmed()
        ok(api.accept_form(self.client, self.officials, target.transfer_form))
        return target

    def transfer_form_refused(self) -> Target:
        target = self.transfer_confirmed()
        ok(api.accept_form(self.client, self.officials, target.transfer_form, decision="refuse"))
        return target

    def transfer_form_registered(self) -> Target:
        target = self.transfer_form_accepted()
        self._post(f"/coupons/{target.coupon}/requests", self.owner.headers,
                   {"action": "TRANSFER", "counterparty": self.counterparty.username})
        self._post(f"/coupons/{target.coupon}/transfer", self._as("CENTER"))
        return target

    def _to_withdraw(self, target: Target) -> Target:
        target.owner = target.holder = self.owner  # the applicant withdraws its own form
        return target

    def transfer_form_to_withdraw(self) -> Target:
        return self._to_withdraw(self.transfer_form_filed())

    def transfer_confirmed_to_withdraw(self) -> Target:
        return self._to_withdraw(self.transfer_confirmed())

    def transfer_accepted_to_withdraw(self) -> Target:
        return self._to_withdraw(self.transfer_form_accepted())

    def transfer_form_withdrawn(self) -> Target:
        target = self.transfer_form_filed()
        ok(self.client.delete(f"{API}/transfer-forms/{target.transfer_form}", headers=self.owner.headers))
        return target

    def pledge_form_filed(self) -> Target:
        target = self.active()
        target.transfer_form = ok(api.file_transfer_form(self.client, self.owner, target.coupon,
                                                         self.counterparty.username, kind="PLEDGE"))["form"]
        return target

    def loss_requested(self) -> Target:
        target = self.active()
        target.report = self._upload(self.owner.headers)  # the written report of the loss
        self._post(f"/coupons/{target.coupon}/loss-report", self.owner.headers, loss_report_form(target))
        return target

    def active_with_report(self) -> Target:
        target = self.active()
        target.report = self._upload(self.owner.headers)
        return target

    def _inspected(self, target: Target) -> Target:
        target.inspection = self._post("/inspections", self._as("NRB"), inspection_form(target))["inspection"]
        return target

    def active_inspected(self) -> Target:
        return self._inspected(self.active())

    def listed_inspected(self) -> Target:
        return self._inspected(self.listed())

    def pledged_inspected(self) -> Target:
        return self._inspected(self.pledged())

    def frozen_inspected(self) -> Target:
        return self._inspected(self.frozen())

    def lost_inspected(self) -> Target:
        return self._inspected(self.lost())

    def offset_requested(self) -> Target:
        return self._requested("OFFSET")

    def redeem_requested(self) -> Target:
        """The owner's consent to 兑现, DRC's terms naming the counterparty the acquirer (§2); the signed
        agreement uploaded by the centre."""
        self._post("/redemption/terms", self._as("DRC"), redemption_terms(self.counterparty))
        target = self._requested("REDEEM")
        target.report = self._upload(self._as("CENTER"))
        return target

    def listed(self) -> Target:
        target = self.list_requested()
        self._post(f"/coupons/{target.coupon}/listing", self._as("CENTER"), listing_form(target))
        return target

    def listed_with_purchase(self) -> Target:
        target = self.listed()
        target.purchase = api.accepted_purchase(self.client, self.officials, self.counterparty, "10")
        target.report = self._upload(self.owner.headers)  # the signed trade agreement (附件7)
        return target

    def trade_settled(self) -> Target:
        """A settled trade, its price unpaid and its service fee not yet recorded."""
        target = self.listed_with_purchase()
        target.trade = self._post("/trades", self._as("CENTER"), {
            "coupon": target.coupon, "purchase_id": target.purchase, "amount_t": "10", "price_yuan_per_t": "50.00",
            "service_fee_yuan": "5.00", "agreement": target.report, "payment_status": "UNPAID"})["trade"]
        return target

    def trade_paid(self) -> Target:
        target = self.trade_settled()
        self._post(f"/trades/{target.trade}/payment", self._as("CENTER"), PAID)
        return target

    def pledged(self) -> Target:
        target = self.pledge_requested()
        self._post(f"/coupons/{target.coupon}/pledge", self._as("FINANCE"), pledge_form(target))
        target.holder = self.counterparty
        return target

    def frozen(self) -> Target:
        target = self.active()
        self._post(f"/coupons/{target.coupon}/freeze", self._as("NRB"), reason_form(target))
        return target

    def lost(self) -> Target:
        target = self.loss_requested()
        self._post(f"/coupons/{target.coupon}/loss", self._as("CENTER"))
        return target

    def lost_supplement_required(self) -> Target:
        target = self.lost()
        self._post(f"/coupons/{target.coupon}/reissue/formal-review", self._as("CENTER"),
                   {"decision": "supplement", "missing_items": ["补发申请表（附件3）"]})
        return target

    def lost_formal_ok(self) -> Target:
        target = self.lost()
        self._post(f"/coupons/{target.coupon}/reissue/formal-review", self._as("CENTER"), PASS)
        return target

    def lost_surveying(self) -> Target:
        target = self.lost_formal_ok()
        self._post(f"/coupons/{target.coupon}/reissue/field-survey/pause", self._as("CENTER"))
        return target

    def lost_reviewed(self) -> Target:
        target = self.lost_formal_ok()
        self._post(f"/coupons/{target.coupon}/reissue/review", self._as("CENTER"), PASS)
        return target

    def lost_registered(self) -> Target:
        target = self.lost_reviewed()
        self._post(f"/coupons/{target.coupon}/reissue/registration", self._as("CENTER"), reissue_opinion_form(target))
        return target

    def lost_and_filed(self) -> Target:
        target = self.lost_registered()
        self._post(f"/coupons/{target.coupon}/reissue-filing", self._as("EEB"), reissue_filing_form(target))
        return target


# ---------------------------------------------------------------- request bodies


def application_form(target: Target) -> dict:
    return with_boundaries({
        "project_name": "授权矩阵测试项目", "methodology": "HS-01", "claimed_t": COUPON_T,
        "parcels": [{"number": target.parcel or f"AUTHZ-A-{next(_serial)}", "location": "泉交河镇",
                     "land_type": "FOREST", "area_mu": "100"}],
        "monitoring_period": {"start": "2022-01-01", "end": "2024-01-01"},
        "documents": {"report": target.report},
    })


def listing_form(target: Target) -> dict:
    """The target's own form; a coupon that cannot be listed gets one whose documents were never uploaded."""
    return target.listing or {**api.LISTING, "price_yuan_per_t": "50.00", "project_area_mu": "100"}


def purchase_form(target: Target) -> dict:
    return {"amount_t": "10", "reason": "VOLUNTARY", "commitment": True, "signed_form": target.report}


def pledge_form(_target: Target) -> dict:
    return {"secured_yuan": "20000.00", "term_end": "2027-06-30"}


def reason_form(_target: Target) -> dict:
    return {"reason": "监督检查发现问题"}


def loss_report_form(target: Target) -> dict:
    return {"cause": "DAMAGED", "statement": "碳券原件受潮损毁", "registration_type": "林地", "location": "泉交河镇",
            "address": "赫山区泉交河镇", "contact_person": "王会计", "contact_phone": "0737-7654321",
            "documents": {"written_report": target.report}}


def reissue_opinion_form(_target: Target) -> dict:
    return {"decision": "agree", "opinion": "材料齐全、真实，同意补发"}


def inspection_form(target: Target) -> dict:
    return {"inspected_on": "2026-11-20", "method": "ON_SITE", "findings": "宗地现场与申报不符", "coupon": target.coupon}


def voiding_form(target: Target) -> dict:
    return {"reason": "抽查认定碳汇量不实", "inspection": target.inspection}


def reissue_filing_form(target: Target) -> dict:
    return {"filing_number": f"赫环补〔2026〕{target.coupon}"}


def official_form(_target: Target) -> dict:
    return {"username": f"authz-official-{next(_serial)}", "password": DEMO_PASSWORD,
            "display_name": "新任工作人员", "role": "CENTER"}


PASS = {"decision": "pass"}
PAID = {"paid_on": "2026-12-01"}


def redemption_terms(acquirer) -> dict:
    return {"acquirer": acquirer.username, "redemption_price_yuan_per_t": "28.00", "price_notice": "赫发改〔2026〕12号"}


# ---------------------------------------------------------------- the write routes


@dataclass(frozen=True)
class Route:
    """A catalogue step (gateway/catalogue/steps.py) and how to make a target on which it succeeds."""

    step: Step
    stage: str  # the Stages method that builds a target on which the step succeeds
    body: Callable[[Target], dict] | None = None

    @property
    def id(self) -> str:
        return self.step.id

    @property
    def method(self) -> str:
        return self.step.method

    @property
    def allowed(self) -> tuple[str, ...]:
        return self.step.roles

    def url(self, target: Target) -> str:
        keys = {"application": target.application, "account": target.account, "purchase": target.purchase,
                "transfer": target.transfer_form, "prepared": target.prepared, "trade": target.trade}
        return self.step.url(keys.get(self.step.on, target.coupon))


ROUTES = [
    # applications, 附件1 一
    Route(steps.SUBMIT, "report_uploaded", application_form),
    Route(steps.RESUBMIT, "supplement_required", lambda t: {"documents": {"report": t.report}}),
    Route(steps.PUBLISH, "filed", lambda t: {"monitoring_report": t.report, "personal_data_removed": True}),
    Route(steps.CONFIRM_APPLICATION, "prepared_awaiting"),
    Route(steps.DECLINE_APPLICATION, "prepared_awaiting", lambda t: {"reason": "宗地信息有误"}),
    Route(steps.FORMAL_REVIEW, "submitted", lambda t: PASS),
    Route(steps.SURVEY_PAUSE, "formal_ok"),
    Route(steps.SURVEY_RESUME, "survey_paused"),
    Route(steps.PRELIMINARY_REVIEW, "formal_ok", lambda t: PASS),
    Route(steps.ATTEST, "formal_ok", lambda t: {"report": t.report, "attested_t": COUPON_T}),
    Route(steps.VALIDATE, "prelim_ok", lambda t: PASS),
    Route(steps.OPINION, "validated", lambda t: {"opinion_number": "赫碳审〔2026〕1号", "opinion_document": t.report}),
    Route(steps.EEB_REVIEW, "opinion_forwarded", lambda t: PASS),
    Route(steps.FILE, "eeb_reviewed",
          lambda t: {"decision": "file", "filing_number": f"赫环备〔2026〕{t.application}号"}),
    Route(steps.MINT, "filed"),
    # parcels, §2 and §9
    Route(steps.CCER, "fresh_parcel", lambda t: {"parcel_number": t.parcel, "listed": True}),
    Route(steps.HARVEST_PLAN, "fresh_parcel",
           lambda t: {"parcel_number": t.parcel, "start": "2025-01-01", "end": "2025-06-30", "tending": True}),
    # coupons: owner consent, market, pledge, supervision, loss and reissue, offset
    Route(steps.REQUEST, "active", lambda t: {"action": "LIST"}),
    Route(steps.CANCEL_REQUEST, "list_requested"),
    Route(steps.LIST, "list_requested", listing_form),
    Route(steps.WITHDRAW_LISTING, "listed"),
    Route(steps.TRANSFER, "transfer_requested"),
    Route(steps.PLEDGE, "pledge_requested", pledge_form),
    Route(steps.RELEASE_PLEDGE, "pledged"),
    Route(steps.ENFORCE_PLEDGE, "pledged"),
    # 附件8: the owner's form, the transferee's confirmation, the centre's 受理意见
    Route(steps.TRANSFER_FORM, "active_with_report", lambda t: api.transfer_form(t.report, t.transferee)),
    Route(steps.TRANSFER_CONFIRM, "transfer_form_filed"),
    Route(steps.TRANSFER_WITHDRAW, "transfer_form_to_withdraw"),
    Route(steps.TRANSFER_ACCEPT, "transfer_confirmed", lambda t: {"decision": "accept", "opinion": "同意受理"}),
    Route(steps.PLEDGE_ACCEPT, "pledge_form_filed", lambda t: {"decision": "accept", "opinion": "同意受理"}),
    Route(steps.FREEZE, "active", reason_form),
    Route(steps.UNFREEZE, "frozen"),
    Route(steps.VOID, "active_inspected", voiding_form),
    Route(steps.INSPECT, "active", inspection_form),
    Route(steps.REPORT_LOST, "active_with_report", loss_report_form),
    Route(steps.REPORT_LOSS, "loss_requested"),
    Route(steps.WITHDRAW_LOSS, "lost"),
    Route(steps.REISSUE_FORMAL_REVIEW, "lost", lambda t: PASS),
    Route(steps.REISSUE_RESUBMIT, "lost_supplement_required", lambda t: {"documents": {"written_report": t.report}}),
    Route(steps.REISSUE_SURVEY_PAUSE, "lost_formal_ok"),
    Route(steps.REISSUE_SURVEY_RESUME, "lost_surveying"),
    Route(steps.REISSUE_REVIEW, "lost_formal_ok", lambda t: PASS),
    Route(steps.REISSUE_REGISTRATION, "lost_reviewed", reissue_opinion_form),
    Route(steps.FILE_REISSUE, "lost_registered", reissue_filing_form),
    Route(steps.REISSUE, "lost_and_filed"),
    Route(steps.OFFSET, "offset_requested",
           lambda t: {"purpose": "EVENT_NEUTRALITY", "beneficiary": "赫山区半程马拉松组委会", "case_reference": "EV-2026-001"}),
    Route(steps.REDEEM, "redeem_requested", lambda t: {"redemption_agreement": t.report}),
    Route(steps.MANAGEMENT_REPORT, "listed",
          lambda t: {"period": "2026年12月", "summary": "挂牌期间无成交",
                     "report_document": t.listing["disclosure_form"] if t.listing else t.report}),
    Route(steps.CONFIRM_PAYMENT, "trade_settled", lambda t: PAID),
    Route(steps.CONFIRM_FEE, "trade_settled", lambda t: PAID),
    # market, 附件6-7
    Route(steps.PURCHASE, "buyer", purchase_form),
    Route(steps.ACCEPT_PURCHASE, "purchase_submitted", lambda t: {"decision": "accept"}),
    Route(steps.SETTLE, "listed_with_purchase",
           lambda t: {"coupon": t.coupon, "purchase_id": t.purchase, "amount_t": "10", "price_yuan_per_t": "50.00",
                      "service_fee_yuan": "5.00", "agreement": t.report}),
    # role administration; accounts (附件1 三(一))
    Route(steps.CREATE_OFFICIAL, "nothing", official_form),
    Route(steps.REDEMPTION_TERMS, "counterparty_as_acquirer", lambda t: redemption_terms(t.holder)),
    # the working calendar (DESIGN §5): a far year, so the calendar these tests count on is unchanged
    Route(steps.ENTER_CALENDAR_YEAR, "nothing",
          lambda t: {"year": 2099, "notice": "国办发明电〔2098〕1号", "holidays": ["2099-01-01"], "workdays": []}),
    Route(steps.VERIFY_ACCOUNT, "unverified_account", lambda t: t.verification),
    Route(steps.REVOKE_VERIFICATION, "enabled_account", lambda t: {"reason": "证件已过期"}),
    Route(steps.DISABLE_ACCOUNT, "enabled_account", lambda t: {"reason": "测试停用"}),
    Route(steps.ENABLE_ACCOUNT, "disabled_account"),
]
ROUTE = {route.id: route for route in ROUTES}
FORBIDDEN = [
    pytest.param(route, caller, id=f"{route.id}-{caller}")
    for route in ROUTES for caller in LOGGED_IN_CALLERS if caller not in route.allowed
]
PERMITTED = [pytest.param(route, caller, id=f"{route.id}-{caller}") for route in ROUTES for caller in route.allowed]


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def owner(new_holder):
    return new_holder("赫山区某村股份经济合作社")


@pytest.fixture(scope="module")
def counterparty(new_holder, gateway):
    """The transferee, pledgee and buyer, with its key made: the chain-level steps below name its
    address before any coupon reaches it (which is when the gateway would make it)."""
    holder = new_holder("益阳某环保科技有限公司", "FINANCIAL")  # a pledgee is a verified financial institution
    with gateway.db.sessions() as db:
        users.custodial_address(gateway, db.scalar(select(User).where(User.username == holder.username)))
    return holder


@pytest.fixture(scope="module")
def stages(client, gateway, officials, upload, mint, owner, counterparty) -> Stages:
    return Stages(client, gateway, officials, upload, mint, owner, counterparty)


@pytest.fixture(scope="module")
def ready(stages) -> Callable[[Route], Target]:
    """One target per route, built once: a refused call leaves it as it was, so refusals share it."""
    built: dict[str, Target] = {}

    def target_for(route: Route) -> Target:
        if route.id not in built:
            built[route.id] = getattr(stages, route.stage)()
        return built[route.id]

    return target_for


@pytest.fixture(scope="module")
def enforcement_officer(client, officials) -> dict:
    """执法机关: an account without any department key, created by DRC."""
    username = f"authz-enforcement-{next(_serial)}"
    ok(client.post(f"{API}/auth/officials", headers=officials["DRC"], json={
        "username": username, "password": DEMO_PASSWORD, "display_name": "区生态环境执法大队", "role": ENFORCEMENT}))
    return login(client, username)


@pytest.fixture(scope="module")
def headers_of(officials, enforcement_officer) -> Callable[[str, Target], dict]:
    def headers(caller: str, target: Target) -> dict:
        if caller == HOLDER:
            return target.holder.headers
        if caller == ENFORCEMENT:
            return enforcement_officer
        return officials[caller]

    return headers


# ---------------------------------------------------------------- what "nothing changed" means


def _count(gateway, model) -> int:
    with gateway.db.sessions() as db:
        return db.scalar(select(func.count()).select_from(model))


def _last_audit_id(gateway) -> int:
    with gateway.db.sessions() as db:
        return db.scalar(select(func.max(AuditEntry.id))) or 0


def _audit_since(gateway, last_id: int) -> list[AuditEntry]:
    with gateway.db.sessions() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id)))


def _target_state(gateway, target: Target) -> dict:
    """The target as the chain holds it, plus the gateway's own rows a write could add."""
    registry = gateway.registry
    state: dict[str, Any] = {
        "applications": registry.call("application_count"),
        "users": _count(gateway, User),
        "purchases": _count(gateway, Purchase),
        "inspections": _count(gateway, InspectionRecord),
        "loss_reports": _count(gateway, LossReport),
        "transfer_forms": _count(gateway, TransferForm),
        "calendar_years": _count(gateway, CalendarYear),
        "prepared_applications": _count(gateway, PreparedApplication),
        "redemption_terms": _count(gateway, RedemptionTerms),
        "management_reports": _count(gateway, ManagementReport),
    }
    if target.prepared is not None:
        state["prepared"] = _prepared_state(gateway, target.prepared)
    if target.trade is not None:
        with gateway.db.sessions() as db:
            trade = db.get(Trade, target.trade)
            state["trade"] = (trade.payment_status, trade.paid_on, trade.fee_paid_on)
    if target.transfer_form is not None:
        with gateway.db.sessions() as db:
            state["transfer_form"] = db.get(TransferForm, target.transfer_form).status
    if target.application is not None:
        state["application"] = registry.application(target.application)
        with gateway.db.sessions() as db:
            record = db.get(ApplicationRecord, target.application)
            state["public_documents"] = record.public_documents if record else None
    if target.purchase is not None:  # a purchase application's status is the gateway's (services.market)
        with gateway.db.sessions() as db:
            purchase = db.get(Purchase, target.purchase)
            state["purchase"] = (purchase.status, purchase.filled_kg)
    if target.account is not None:
        state["account"] = _account_state(gateway, target.account)
    if target.coupon_id is not None:
        state["coupon"] = registry.coupon(target.coupon_id)
        state["request"] = registry.request_of(target.coupon_id)
        state["pledgee"] = registry.call("pledgee_of", target.coupon_id)
        state["reissue_filing"] = registry.call("reissue_filing", target.coupon_id)
        state["reissue"] = registry.reissue_of(target.coupon_id)
        state["frozen_from"] = registry.frozen_from(target.coupon_id)
        state["voiding"] = registry.voiding_signatures(target.coupon_id)
    if target.parcel is not None:
        pid = parcel_id(target.parcel)
        state["parcel"] = (registry.call("ccer_listed", pid), registry.call("harvest_plans_of", pid))
    return state


def _prepared_state(gateway, prepared: int) -> tuple:
    with gateway.db.sessions() as db:
        row = db.get(PreparedApplication, prepared)
        return row.status, row.holder_confirmed_at, row.declined_reason, row.application_id


def _account_state(gateway, username: str) -> tuple:
    with gateway.db.sessions() as db:
        user = db.scalar(select(User).where(User.username == username))
        return users.account_state(user), user.verified_at, user.disabled_at, user.disabled_reason


def _primary_state(gateway, target: Target) -> Any:
    """What an official or the public would look at: the application's or coupon's record (or the account)."""
    registry = gateway.registry
    if target.prepared is not None:
        return _prepared_state(gateway, target.prepared)
    if target.trade is not None:
        with gateway.db.sessions() as db:
            trade = db.get(Trade, target.trade)
            return trade.payment_status, trade.paid_on, trade.fee_paid_on
    if target.account is not None:
        return _account_state(gateway, target.account)
    if target.coupon_id is not None:
        return registry.coupon(target.coupon_id)
    if target.application is not None:
        return registry.application(target.application)
    if target.parcel is not None:
        pid = parcel_id(target.parcel)
        return registry.call("ccer_listed", pid), registry.call("harvest_plans_of", pid)
    return None


def _snapshot(gateway, target: Target) -> dict:
    """Cheap enough for every refused call: an unchanged block number means no transaction was even sent."""
    return {
        "block": gateway.registry.chain.w3.eth.block_number,
        "target": _primary_state(gateway, target),
        "users": _count(gateway, User),
        "purchases": _count(gateway, Purchase),
        "inspections": _count(gateway, InspectionRecord),
    }


# ---------------------------------------------------------------- part 1: the gateway


def test_matrix__every_step_of_the_catalogue__has_one_route_here():
    assert len(ROUTES) == len(steps.CATALOGUE) and {route.step for route in ROUTES} == set(steps.CATALOGUE)


@pytest.mark.parametrize(("route", "caller"), FORBIDDEN)
def test_write__caller_without_the_role__403_role_required_and_nothing_changes(
    route, caller, client, gateway, ready, headers_of
):
    target = ready(route)
    before, last_audit = _snapshot(gateway, target), _last_audit_id(gateway)

    response = client.request(route.method, route.url(target), headers=headers_of(caller, target),
                              json=route.body(target) if route.body else None)

    assert response.status_code == 403, response.text
    error = response.json()
    assert set(error) == {"code", "message", "detail"}
    assert error["code"] == "ROLE_REQUIRED"
    assert sorted(error["detail"]["roles"]) == sorted(route.allowed)
    assert _snapshot(gateway, target) == before  # same block: no transaction was even sent
    assert [e.outcome for e in _audit_since(gateway, last_audit) if e.outcome == "ok"] == []


@pytest.mark.parametrize("route", [pytest.param(route, id=route.id) for route in ROUTES])
def test_write__no_login__401_not_authenticated_and_nothing_changes(route, client, gateway, ready):
    target = ready(route)
    before, last_audit = _snapshot(gateway, target), _last_audit_id(gateway)

    response = client.request(route.method, route.url(target), json=route.body(target) if route.body else None)

    assert response.status_code == 401, response.text
    assert response.json()["code"] == "NOT_AUTHENTICATED"
    assert _snapshot(gateway, target) == before
    assert _audit_since(gateway, last_audit) == []


@pytest.mark.parametrize("path", ["/documents", "/auth/api-keys"])
def test_open_write__no_login__401_not_authenticated(path, client, gateway):
    last_audit = _last_audit_id(gateway)
    files = {"file": ("doc.pdf", b"%PDF anonymous", "application/pdf")} if path == "/documents" else None

    response = client.post(API + path, files=files)

    assert response.status_code == 401
    assert response.json()["code"] == "NOT_AUTHENTICATED"
    assert _audit_since(gateway, last_audit) == []


# The gateway admits any holder to the owner's side of a step; the contract decides which holder.


def test_request__holder_who_is_not_the_owner__403_not_owner_from_the_contract(client, gateway, ready, counterparty):
    target = ready(ROUTE["coupon.request"])
    before, last_audit = _target_state(gateway, target), _last_audit_id(gateway)

    response = client.post(f"{API}/coupons/{target.coupon}/requests", headers=counterparty.headers,
                           json={"action": "LIST"})

    assert response.status_code == 403
    assert response.json() == {
        "code": "NOT_OWNER", "message": "ledger: not owner", "detail": {"revert": "ledger: not owner"}}
    assert _target_state(gateway, target) == before
    [entry] = _audit_since(gateway, last_audit)
    assert (entry.username, entry.outcome) == (counterparty.username, "reverted: ledger: not owner")


def test_release_pledge__owner_who_is_not_the_pledgee__403_role_required_from_the_contract(client, gateway, ready):
    target = ready(ROUTE["coupon.release_pledge"])
    before, last_audit = _target_state(gateway, target), _last_audit_id(gateway)

    response = client.post(f"{API}/coupons/{target.coupon}/pledge/release", headers=target.owner.headers)

    assert response.status_code == 403
    assert response.json()["code"] == "ROLE_REQUIRED"
    assert _target_state(gateway, target) == before
    [entry] = _audit_since(gateway, last_audit)
    assert entry.outcome == f"reverted: {MISSING_ROLE}"


def test_resubmit__holder_who_is_not_the_applicant__403_not_applicant_from_the_contract(
    client, gateway, ready, upload, counterparty
):
    target = ready(ROUTE["application.resubmit"])
    before = _target_state(gateway, target)
    report = upload(counterparty.headers)

    response = client.post(f"{API}/applications/{target.application}/resubmit", headers=counterparty.headers,
                           json={"documents": {"report": report}})

    assert response.status_code == 403
    assert response.json()["code"] == "NOT_APPLICANT"
    assert _target_state(gateway, target) == before


def test_application_detail__holder_who_is_not_the_applicant__404_as_if_missing(client, ready, counterparty):
    target = ready(ROUTE["application.formal_review"])

    response = client.get(f"{API}/applications/{target.application}", headers=counterparty.headers)

    assert response.status_code == 404
    assert response.json()["code"] == "APPLICATION_NOT_FOUND"


# ---------------------------------------------------------------- the catalogue's states are the contracts'

# A target in each state an application or coupon can be in (the Stages method that builds it).
IN_STATE = {
    "application": {"SUBMITTED": "submitted", "SUPPLEMENT_REQUIRED": "supplement_required", "FORMAL_OK": "formal_ok",
                    "PRELIM_OK": "prelim_ok", "VALIDATED": "validated", "OPINION_FORWARDED": "opinion_forwarded",
                    "EEB_REVIEWED": "eeb_reviewed", "FILED": "filed", "ISSUED": "issued",
                    "REJECTED": "rejected"},
    "coupon": {"ACTIVE": "active", "LISTED": "listed", "PLEDGED": "pledged", "FROZEN": "frozen",
               "LOST_REPORTED": "lost"},
    "account": {"UNVERIFIED": "unverified_account", "VERIFIED": "enabled_account", "DISABLED": "disabled_account"},
    "purchase": {"SUBMITTED": "purchase_submitted", "ACCEPTED": "purchase_accepted", "REJECTED": "purchase_rejected"},
    "trade": {"UNPAID": "trade_settled", "PAID": "trade_paid"},
    "prepared": {"AWAITING": "prepared_awaiting", "SUBMITTED": "prepared_submitted", "DECLINED": "prepared_declined"},
    "transfer": {"SUBMITTED": "transfer_form_filed", "CONFIRMED": "transfer_confirmed", "ACCEPTED": "transfer_form_accepted",
                 "REFUSED": "transfer_form_refused", "REGISTERED": "transfer_form_registered",
                 "WITHDRAWN": "transfer_form_withdrawn"},
}
# Admitted states the matrix's own target does not show: each gets a permitted call of its own.
ALSO_ADMITTED = {
    ("application.publish", "ISSUED"): "issued",  # the public versions, once filed or issued
    ("trade.confirm_fee", "PAID"): "trade_paid",  # the fee is recorded whether the price is paid or not
    ("application.attestation", "PRELIM_OK"): "prelim_ok_unattested",
    # §6: a freeze in any live state; 注销 in any live state, frozen included.
    ("coupon.freeze", "LISTED"): "listed", ("coupon.freeze", "PLEDGED"): "pledged",
    ("coupon.freeze", "LOST_REPORTED"): "lost",
    ("coupon.void", "LISTED"): "listed_inspected", ("coupon.void", "PLEDGED"): "pledged_inspected",
    ("coupon.void", "FROZEN"): "frozen_inspected", ("coupon.void", "LOST_REPORTED"): "lost_inspected",
    ("account.disable", "UNVERIFIED"): "unverified_account",  # DRC disables an account whether verified or not
    # the applicant withdraws its 附件8 form until it is registered
    ("transfer.withdraw", "CONFIRMED"): "transfer_confirmed_to_withdraw",
    ("transfer.withdraw", "ACCEPTED"): "transfer_accepted_to_withdraw",
}
# What the contracts say when a step meets an object in a state it does not admit.
STATE_REFUSALS = {"APPLICATION_WRONG_STATUS", "COUPON_NOT_ACTIVE", "COUPON_NOT_LISTED", "COUPON_NOT_PLEDGED",
                  "COUPON_NOT_FROZEN", "COUPON_NOT_LOST_REPORTED", "OWNER_CONSENT_MISSING", "COUPON_ALREADY_FROZEN",
                  # an account's states are the gateway's own (services.users)
                  "ACCOUNT_NOT_UNVERIFIED", "ACCOUNT_NOT_VERIFIED", "ACCOUNT_DISABLED", "ACCOUNT_NOT_DISABLED",
                  "PURCHASE_ALREADY_DECIDED",  # a purchase application's states are the gateway's (services.market)
                  # a 附件8 form's too (services.transfers); only a transfer's form is ever CONFIRMED
                  "TRANSFER_UNCONFIRMED", "TRANSFER_ALREADY_CONFIRMED", "TRANSFER_FORM_CLOSED",
                  "TRANSFER_FORM_WRONG_KIND",
                  "PREPARED_APPLICATION_CLOSED",
                  "TRADE_ALREADY_PAID"}  # a trade's payment status is the gateway's (services.market)  # a prepared application's too (services.prepared_applications)
# steps on an object in a state (the calendar's states are the clock's, walked in test_term_lifecycles)
ON_OBJECTS = [route for route in ROUTES if route.step.on in IN_STATE and lifecycles.states_of(route.step)]
REFUSED_STATES = [
    pytest.param(route, state, id=f"{route.id}-{state}")
    for route in ON_OBJECTS for state in IN_STATE[route.step.on] if state not in lifecycles.states_of(route.step)
]


def _state_of(gateway, target: Target) -> str:
    if target.trade is not None:
        with gateway.db.sessions() as db:
            return db.get(Trade, target.trade).payment_status
    if target.prepared is not None:
        with gateway.db.sessions() as db:
            return db.get(PreparedApplication, target.prepared).status
    if target.transfer_form is not None:
        with gateway.db.sessions() as db:
            return db.get(TransferForm, target.transfer_form).status
    if target.purchase is not None and target.coupon_id is None:
        with gateway.db.sessions() as db:
            return db.get(Purchase, target.purchase).status
    if target.account is not None:
        with gateway.db.sessions() as db:
            return users.account_state(db.scalar(select(User).where(User.username == target.account)))
    return (gateway.registry.coupon(target.coupon_id).state if target.coupon_id is not None
            else gateway.registry.application(target.application).status).name


@pytest.fixture(scope="module")
def in_state(stages, gateway) -> Callable[[str, str], Target]:
    """One target per state, shared: every call aimed at it is refused and leaves it as it was."""
    built: dict[str, Target] = {}

    def target_for(kind: str, state: str) -> Target:
        stage = IN_STATE[kind][state]
        if stage not in built:
            built[stage] = getattr(stages, stage)()
            assert _state_of(gateway, built[stage]) == state
        return built[stage]

    return target_for


@pytest.mark.parametrize("route", [pytest.param(r, id=r.id) for r in ON_OBJECTS])
def test_catalogue_states__every_state_a_step_is_offered_in__is_one_where_it_succeeds(route, gateway, stages):
    """The matrix's permitted calls succeed on the route's own target; that target's state and the
    ALSO_ADMITTED ones must be exactly the states the console offers the step in."""
    state = _state_of(gateway, getattr(stages, route.stage)())
    also = {admitted for (step_id, admitted) in ALSO_ADMITTED if step_id == route.id}

    assert {state} | also == set(lifecycles.states_of(route.step))


@pytest.mark.parametrize(("route", "state"), [pytest.param(ROUTE[i], s, id=f"{i}-{s}") for i, s in ALSO_ADMITTED])
def test_catalogue_states__other_admitted_state__the_step_succeeds(route, state, client, gateway, stages, headers_of):
    target = getattr(stages, ALSO_ADMITTED[route.id, state])()
    assert _state_of(gateway, target) == state

    response = client.request(route.method, route.url(target), headers=headers_of(route.allowed[0], target),
                              json=route.body(target) if route.body else None)

    assert response.status_code in (200, 201), response.text


@pytest.mark.parametrize(("route", "state"), REFUSED_STATES)
def test_catalogue_states__state_the_console_does_not_offer_the_step_in__the_contract_refuses_it(
    route, state, client, gateway, in_state, stages, upload, headers_of
):
    target = in_state(route.step.on, state)
    target.report = target.report or upload(target.owner.headers)
    if route.step is steps.SETTLE and target.purchase is None:
        target.purchase = api.accepted_purchase(stages.client, stages.officials, stages.counterparty, "10")
    caller = route.allowed[0]
    headers = target.owner.headers if caller == HOLDER else headers_of(caller, target)  # the owner's own step
    before, last_audit = _target_state(gateway, target), _last_audit_id(gateway)

    response = client.request(route.method, route.url(target), headers=headers,
                              json=route.body(target) if route.body else None)

    assert response.status_code == 409, response.text
    assert response.json()["code"] in STATE_REFUSALS
    assert _target_state(gateway, target) == before
    assert [e.outcome for e in _audit_since(gateway, last_audit) if e.outcome == "ok"] == []


# ---------------------------------------------------------------- part 2: the contracts, gateway check bypassed


@dataclass(frozen=True)
class ChainStep:
    function: str
    route: str  # the route whose ready target the step acts on
    args: Callable[[Target, Any], tuple]  # (target, counterparty) → contract arguments
    allowed: tuple[str, ...]  # the departments the contract admits; () for an owner's step
    code: str = "ROLE_REQUIRED"
    revert: str = MISSING_ROLE

    @property
    def wrong_keys(self) -> tuple[str, ...]:
        if not self.allowed:  # an owner's step: every department key, and another holder's
            return (*DEPARTMENTS, OTHER_HOLDER)
        return (*(d for d in DEPARTMENTS if d not in self.allowed), HOLDER)


def _app(t: Target, _c) -> tuple:
    return (t.application,)


def _cid(t: Target, _c) -> tuple:
    return (t.coupon_id,)


CHAIN_STEPS = [
    ChainStep("pass_formal_review", "application.formal_review", _app, ("CENTER",)),
    ChainStep("require_supplement", "application.formal_review", lambda t, c: (t.application, ["合作开发协议"]), ("CENTER",)),
    ChainStep("reject", "application.preliminary_review", lambda t, c: (t.application, "材料不全"),
              ("CENTER", "NRB", "FORESTRY")),  # the EEB returns a file, never ends it (附件1 一(四))
    ChainStep("pause_field_survey", "application.survey_pause", _app, ("CENTER",)),
    ChainStep("resume_field_survey", "application.survey_resume", _app, ("CENTER",)),
    ChainStep("pass_preliminary_review", "application.preliminary_review", _app, ("CENTER",)),
    ChainStep("attest_report", "application.attestation",
              lambda t, c: (t.application, bytes.fromhex(t.report), int(COUPON_T) * 1000), ("VERIFIER",)),
    ChainStep("sign_validation", "application.validation", _app, ("NRB", "FORESTRY")),
    ChainStep("issue_validation_opinion", "application.opinion", lambda t, c: (t.application, b"\x06" * 32),
              ("CENTER",)),
    ChainStep("pass_eeb_review", "application.eeb_review", _app, ("EEB",)),
    ChainStep("return_to_center", "application.eeb_review", lambda t, c: (t.application, "退回补正"), ("EEB",)),
    ChainStep("file", "application.filing", lambda t, c: (t.application, "赫环备〔2026〕0号"), ("EEB",)),
    ChainStep("mint", "application.mint", _app, ("GOV",)),
    ChainStep("set_ccer_listed", "parcel.ccer", lambda t, c: (parcel_id(t.parcel), True), ("EEB",)),
    ChainStep("record_harvest_plan", "parcel.harvest_plan",
              lambda t, c: (parcel_id(t.parcel), day_start(dt.date(2025, 1, 1)), day_start(dt.date(2025, 6, 30)),
                            False),
              ("FORESTRY",)),
    ChainStep("list_coupon", "coupon.list", lambda t, c: (t.coupon_id, 5000, 2_000_000_000, b"\x01" * 32), ("CENTER",)),
    ChainStep("withdraw_listing", "coupon.withdraw_listing", _cid, ("CENTER",)),
    ChainStep("settle_trade", "market.trade",
              lambda t, c: (t.coupon_id, c.address, 10_000, 5000, 500, b"\x02" * 32), ("CENTER",)),
    ChainStep("register_transfer", "coupon.transfer", _cid, ("CENTER",)),
    ChainStep("register_pledge", "coupon.pledge", lambda t, c: (t.coupon_id, 2_000_000, 1_800_000_000), ("FINANCE",)),
    # The pledgee may release too; the owner's key is not the pledgee's, so it must hold FINANCE.
    ChainStep("release_pledge", "coupon.release_pledge", _cid, ("FINANCE",)),
    ChainStep("enforce_pledge", "coupon.enforce_pledge", _cid, ("FINANCE",)),
    ChainStep("freeze", "coupon.freeze", lambda t, c: (t.coupon_id, "越权冻结"), ("NRB", "FORESTRY", "EEB")),
    ChainStep("unfreeze", "coupon.unfreeze", _cid, ("NRB", "FORESTRY", "EEB")),
    ChainStep("sign_voiding", "coupon.void", lambda t, c: (t.coupon_id, "越权注销", b"\x07" * 32), ("NRB", "FORESTRY")),
    ChainStep("report_loss", "coupon.report_loss", _cid, ("CENTER",)),
    ChainStep("withdraw_loss", "coupon.withdraw_loss", _cid, ("CENTER",)),
    ChainStep("pass_reissue_formal_review", "coupon.reissue_formal_review", _cid, ("CENTER",)),
    ChainStep("require_reissue_supplement", "coupon.reissue_formal_review", lambda t, c: (t.coupon_id, ["附件3"]),
              ("CENTER",)),
    ChainStep("refuse_reissue", "coupon.reissue_review", lambda t, c: (t.coupon_id, "越权不予补发"), ("CENTER",)),
    ChainStep("pause_reissue_survey", "coupon.reissue_survey_pause", _cid, ("CENTER",)),
    ChainStep("resume_reissue_survey", "coupon.reissue_survey_resume", _cid, ("CENTER",)),
    ChainStep("pass_reissue_review", "coupon.reissue_review", _cid, ("CENTER",)),
    ChainStep("register_reissue", "coupon.reissue_registration", _cid, ("CENTER",)),
    ChainStep("file_reissue", "coupon.file_reissue", lambda t, c: (t.coupon_id, "赫环补〔2026〕0号"), ("EEB",)),
    ChainStep("reissue", "coupon.reissue", _cid, ("GOV",)),
    ChainStep("redeem", "coupon.redeem", lambda t, c: (t.coupon_id, b"\x01" * 32), ("CENTER",)),
    ChainStep("set_redemption", "redemption.terms", lambda t, c: (c.address, 2_800), ("DRC",)),
    ChainStep("retire", "coupon.offset",
              lambda t, c: (t.coupon_id, int(OffsetPurpose.EVENT_NEUTRALITY), "越权抵销", "X-1"), ("EEB",)),
    # The owner's side: a department key is not the owner, whatever its role.
    ChainStep("request", "coupon.request",
              lambda t, c: (t.coupon_id, int(Action.LIST), ZERO_ADDRESS, int(COUPON_T) * 1000),
              (), "NOT_OWNER", "ledger: not owner"),
    ChainStep("cancel_request", "coupon.cancel_request", _cid, (), "NOT_OWNER", "ledger: not owner"),
    ChainStep("request", "coupon.loss_report",
              lambda t, c: (t.coupon_id, int(Action.LOSS), ZERO_ADDRESS, int(COUPON_T) * 1000),
              (), "NOT_OWNER", "ledger: not owner"),
    ChainStep("resubmit_reissue", "coupon.reissue_resubmit", _cid, (), "NOT_OWNER", "ledger: not owner"),
    ChainStep("resubmit", "application.resubmit", lambda t, c: (t.application, b"\x03" * 32, bytes.fromhex(t.report)),
              (), "NOT_APPLICANT", "applications: not applicant"),
]
CHAIN_CASES = [
    pytest.param(step, key, id=f"{step.function}-{key}") for step in CHAIN_STEPS for key in step.wrong_keys
]
# Off-chain writes, and the submission, which the contract admits from any key (see the own-application test).
NOT_ROLE_CHECKED_ON_CHAIN = {"application.submit", "market.purchase", "market.accept_purchase", "auth.create_official",
                             "supervision.inspection",
                             "account.verify", "account.revoke_verification", "account.disable", "account.enable",
                             "transfer.form", "transfer.confirm", "transfer.withdraw", "transfer.accept",
                             "pledge.accept", "calendar.enter",
                             # §8: the last confirmation sends the submission, which any key may sign
                             "application.confirm", "application.decline",
                             "trade.confirm_payment", "trade.confirm_fee", "coupon.management_report",
                             "application.publish"}


def test_contract_matrix__every_route_that_signs__has_its_contract_step_checked():
    assert {step.route for step in CHAIN_STEPS} == set(ROUTE) - NOT_ROLE_CHECKED_ON_CHAIN



@pytest.fixture(scope="module")
def actor_for(gateway, counterparty):
    def user(username: str) -> User:
        with gateway.db.sessions() as db:
            return db.scalar(select(User).where(User.username == username))

    def actor(key: str, target: Target | None = None) -> Actor:
        if key in DEPARTMENTS:
            return Actor(user=user(OFFICIALS[key]), signer_of=lambda _: gateway.node.department(Role[key]))
        holder = target.owner if key == HOLDER else counterparty
        return Actor(user=user(holder.username), signer_of=lambda _: gateway.node.custodial(holder.username))

    return actor


@pytest.mark.parametrize(("step", "key"), CHAIN_CASES)
def test_contract_step__wrong_key_with_gateway_check_bypassed__reverts_with_stable_code(
    step, key, gateway, ready, actor_for, counterparty
):
    target = ready(ROUTE[step.route])
    actor = actor_for(key, target)
    args = step.args(target, counterparty)
    before, last_audit = _primary_state(gateway, target), _last_audit_id(gateway)

    with pytest.raises(DomainError) as refused:
        gateway.writes.send(actor, f"bypass.{step.function}", {"key": key},
                            lambda signer: gateway.registry.send(signer, step.function, *args))

    assert (refused.value.status, refused.value.code, refused.value.detail) == (403, step.code, {"revert": step.revert})
    assert _primary_state(gateway, target) == before
    [entry] = _audit_since(gateway, last_audit)
    assert (entry.username, entry.outcome) == (actor.user.username, f"reverted: {step.revert}")
    assert entry.tx_hash is not None  # mined and reverted: the contract, not the gateway, said no


def test_contract_review__department_reviews_an_application_its_own_key_submitted__403_own_application(
    gateway, actor_for
):
    center_officer = actor_for("CENTER")
    # The contract lets any key submit; the gateway lets only holders. Bypass it.
    application = gateway.writes.send(center_officer, "bypass.submit", {}, partial(
        gateway.registry.submit, parcels=[parcel_id(f"AUTHZ-OWN-{next(_serial)}")],
        period_start=day_start(dt.date(2022, 1, 1)), period_end=day_start(dt.date(2024, 1, 1)), claimed_kg=1_000_000,
        documents_hash=b"\x04" * 32, report_hash=b"\x05" * 32, boundaries_hash=b"\x06" * 32,
    )).application

    with pytest.raises(DomainError) as refused:
        gateway.writes.send(center_officer, "bypass.pass_formal_review", {},
                            partial(gateway.registry.pass_formal_review, application=application))

    assert (refused.value.status, refused.value.code) == (403, "OWN_APPLICATION")
    assert gateway.registry.application(application).status.name == "SUBMITTED"


# Last in the module: the first permitted caller of each route completes the step
# on the very target every refused caller above was aimed at (it was ready, they
# were refused); further permitted callers get a target of their own.
@pytest.mark.parametrize(("route", "caller"), PERMITTED)
def test_write__caller_with_the_role__succeeds_and_is_audited(
    route, caller, client, gateway, ready, stages, headers_of
):
    target = ready(route) if caller == route.allowed[0] else getattr(stages, route.stage)()
    before, last_audit = _target_state(gateway, target), _last_audit_id(gateway)

    response = client.request(route.method, route.url(target), headers=headers_of(caller, target),
                              json=route.body(target) if route.body else None)

    assert response.status_code in (200, 201), response.text
    assert _target_state(gateway, target) != before
    # one entry a write, two where a form is also the owner's consent on-chain (its filing, its withdrawal)
    entries = _audit_since(gateway, last_audit)
    consent = {"transfer.form": "coupon.request.", "transfer.withdraw": "coupon.request.cancel"}.get(route.step.id)
    assert len(entries) == (2 if consent else 1), [e.action for e in entries]
    assert all((entry.department, entry.outcome) == (caller, "ok") for entry in entries)
    assert consent is None or any(entry.action.startswith(consent) for entry in entries)
