"""The market's console pages (附件1 三): a buyer's purchase applications and sales, the centre's queue
of purchase applications, one application with its acceptance and trades, and the matching of an
accepted application to a listing, whose settlement form comes filled in. Every form posts to the
API (static/console.js), which alone checks roles, signs and audit-logs."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from ..catalogue import lifecycles, steps
from ..edge.deps import DbSession, GatewayDep, OptionalUser, RecordPath
from ..core.errors import NotFound
from ..services import entrustments, market, public, records, redemptions
from ..catalogue.steps import HOLDER
from ..catalogue.units import china_date
from .console import forms_of, home_steps, page_for
from .templating import render

router = APIRouter(prefix="/console", include_in_schema=False)
STATUSES = ("SUBMITTED", "ACCEPTED", "PARTLY_FILLED", "FILLED", "REJECTED")


def _reader(user) -> RedirectResponse | None:
    return page_for(user, market.READERS, "buyers and the departments")


@router.get("/purchases")
def purchases(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser, done: str | None = None,
              status: str | None = None):
    """A buyer: its purchase applications (附件6) with their status and papers, its sales and redemptions
    (兑现, §2), and the form to apply. A department: every purchase application, the centre's queue, and
    every redemption."""
    if (redirect := _reader(user)) is not None:
        return redirect
    shown = status if status in STATUSES else None
    forms = [form for form in home_steps(user.role) if form["step"] is steps.PURCHASE]
    sales = [t for t in market.trades(db, user=user) if t["seller"] and t["seller"]["username"] == user.username] \
        if user.role == HOLDER else []
    return render(request, "console/purchases.html", user=user, done=done, steps=forms, status=shown,
                  statuses=STATUSES, purchases=market.purchases(db, reader=user, status=shown), sales=sales,
                  redeemed=redemptions.of(gateway, db, user),
                  entrusted=entrustments.of(gateway, db, user) if user.role == HOLDER else [])


@router.get("/purchases/{purchase_id}")
def purchase(purchase_id: RecordPath, request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser,
             done: str | None = None):
    """One application: its fields and documents, the acceptance notice, its trades and vouchers; for the
    centre, the acceptance form and the listings it may be matched to."""
    if (redirect := _reader(user)) is not None:
        return redirect
    row = records.seen(db, market.PURCHASES, purchase_id, user)
    view = market.purchase_view(db, row)
    forms = forms_of(lifecycles.offered(user.role, "purchase", row.status), purchase_id)
    may_settle = user.role in steps.SETTLE.roles and view["settleable"]
    trade_steps = {tr["id"]: forms_of(trade_offered(user.role, tr), tr["id"]) for tr in view["trades"]}
    return render(request, "console/purchase.html", user=user, done=done, purchase=view, steps=forms,
                  listings=market.open_listings(gateway, db) if may_settle else [], may_settle=may_settle,
                  trade_steps=trade_steps, offsets=public.offsets_of(gateway, [tr["coupon"] for tr in view["trades"]]))


def trade_offered(role: str, trade: dict) -> list:
    """The centre's confirmations a settled trade still waits for: the buyer's payment, the seller's fee."""
    offered = lifecycles.offered(role, "trade", trade["payment_status"])
    if trade["fee_paid_on"] or trade["service_fee_yuan"] == "0.00":
        offered = [s for s in offered if s is not steps.CONFIRM_FEE]
    return offered


@router.get("/purchases/{purchase_id}/match/{number}")
def match(purchase_id: RecordPath, number: str, request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser,
          done: str | None = None):
    """附件1 三(二): the purchase matched to one listing; the settlement form (附件7) is filled in with the
    purchase, the amount still unfilled (at most what is listed) and the listed price."""
    if done:  # settled: the purchase's page shows the trade and its voucher
        return RedirectResponse(f"/console/purchases/{purchase_id}?done={done}", status_code=303)
    if (redirect := _reader(user)) is not None:
        return redirect
    if user.role not in steps.SETTLE.roles:
        raise NotFound("PAGE_NOT_FOUND", "matching is the centre's")
    view = market.purchase_view(db, records.seen(db, market.PURCHASES, purchase_id, user))
    row, listing = market.listing_of(gateway, db, number)
    form = market.listing_view(gateway, listing, public=False)
    listed_t = Decimal(row.amount_kg) / 1000
    amount = min(Decimal(view["unfilled_t"]), listed_t)
    return render(request, "console/match.html", user=user, purchase=view, number=number, listing=form,
                  listed_t=f"{listed_t.normalize():f}", amount_t=f"{amount.normalize():f}",
                  today=str(china_date(market.chain_now(gateway))), step=steps.SETTLE)
