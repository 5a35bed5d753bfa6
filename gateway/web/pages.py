"""The public explorer (no login): search, a coupon's page with its timeline and
lineage, offset verification, the disclosure board, statistics, and the PDF
certificates whose QR codes lead back here (§7, §13, §16; DESIGN §6-§7)."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from . import certificates
from ..edge.deps import DbSession, GatewayDep, OptionalUser, RecordPath
from ..core.errors import DomainError, NotFound
from ..catalogue import lifecycles, steps
from ..services import coupons, projects, public, redemptions, registers, transparency
from ..services.search import COUPON_NUMBER
from . import charts
from .console import coupon_steps
from .i18n import LANGUAGE_COOKIE, LANGUAGES, translator
from .templating import language, render

router = APIRouter(include_in_schema=False)
TX_HASH = re.compile(r"^0x[0-9a-f]{64}$", re.IGNORECASE)


def public_url(request: Request, path: str) -> str:
    """An absolute address for a QR code: the configured public site, else the one asked."""
    base = request.app.state.gateway.settings.public_base_url or str(request.base_url)
    return base.rstrip("/") + path


@router.get("/")
def home(request: Request, gateway: GatewayDep, user: OptionalUser, q: str = ""):
    return render(request, "home.html", user=user, q=q, stats=public.stats(gateway))


@router.get("/search")
def search(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser, q: str = ""):
    """A coupon number opens its page; a tx hash opens its verification, or the coupon it touched; a
    project's or a village's name lists the projects it names (§7: the public browses its registry)."""
    q = q.strip()
    if TX_HASH.match(q):
        tx_hash = q.lower()
        if number := public.coupon_touched_by(gateway, tx_hash):
            return RedirectResponse(f"/coupons/{quote(number)}", status_code=303)
        return RedirectResponse(f"/verify/{tx_hash}", status_code=303)
    if q and public.coupon_exists(gateway, q.upper()):
        return RedirectResponse(f"/coupons/{quote(q.upper())}", status_code=303)
    if q and projects.listing(gateway, db, q=q):
        return RedirectResponse(f"/projects?{urlencode({'q': q})}", status_code=303)
    return render(request, "home.html", status_code=404 if q else 200, user=user, q=q, not_found=bool(q),
                  stats=public.stats(gateway))


@router.get("/coupons/{number}")
def coupon(number: str, request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser):
    record = public.provenance(gateway, db, number)
    acts = _official(user) and bool(coupon_steps(user, coupons.coupon_row(gateway, record["coupon"]["number"])))
    return render(request, "coupon.html", user=user, record=record, acts=acts,
                  tree=lineage_tree(public.family(gateway, record["issuance"]["id"])),
                  listing=public.listing_entry(gateway, db, record["coupon"]["number"]))


def lineage_tree(family: list[dict]) -> list[dict]:
    """Nest an issuance's coupons under the coupon each came from (split or reissue)."""
    nodes = {c["number"]: {**c, "children": []} for c in family}
    roots = []
    for node in nodes.values():
        (nodes[node["from"]]["children"] if node["from"] else roots).append(node)
    return roots


def filters(request: Request, names: tuple[str, ...]) -> tuple[dict[str, str], str]:
    """A list page's filters as asked, and the same as a query for its map and CSV (the rows the page shows)."""
    wanted = {k: request.query_params.get(k, "") for k in names}
    return wanted, urlencode({k: v for k, v in wanted.items() if v})


@router.get("/projects")
def project_list(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser):
    wanted, query = filters(request, projects.FILTERS)
    return render(request, "projects.html", user=user, projects=projects.listing(gateway, db, **wanted),
                  wanted=wanted, query=query)


@router.get("/issuances")
def issuance_list(request: Request, db: DbSession, user: OptionalUser):
    """Every issuance (制发), filtered; its CSV link carries the same filters."""
    wanted, query = filters(request, registers.ISSUANCE_FILTERS)
    return render(request, "issuances.html", user=user, rows=registers.issuances(db, **wanted), wanted=wanted,
                  query=query, states=registers.LIVE_STATES)


@router.get("/retirements")
def retirement_list(request: Request, db: DbSession, user: OptionalUser):
    """Every offset certificate (抵销), filtered (by beneficiary too); its CSV link carries the same filters."""
    wanted, query = filters(request, registers.RETIREMENT_FILTERS)
    return render(request, "retirements.html", user=user, rows=registers.retirements(db, **wanted), wanted=wanted,
                  query=query, purposes=registers.PURPOSES)


@router.get("/projects/{application_id}")
def project(application_id: RecordPath, request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser):
    p = projects.project(gateway, db, application_id)
    acts = _official(user) and bool(lifecycles.offered(user.role, "application", p["status"]))
    return render(request, "project.html", user=user, p=p, acts=acts)


def _official(user) -> bool:
    """A department's official: a public page offers it the object's console page (办理) where its role has
    a step the object's state admits, as its console would offer it."""
    return user is not None and user.role in steps.DEPARTMENTS


@router.get("/verify")
def verify_form(q: str = ""):
    return RedirectResponse(f"/verify/{q.strip()}" if q.strip() else "/", status_code=303)


@router.get("/verify/{tx_hash}")
def verify(tx_hash: str, request: Request, gateway: GatewayDep, user: OptionalUser):
    if COUPON_NUMBER.match(tx_hash) and public.coupon_exists(gateway, tx_hash.upper()):
        return RedirectResponse(f"/coupons/{quote(tx_hash.upper())}", status_code=303)  # a coupon verifies on its page
    result = public.verification(gateway, tx_hash)
    return render(request, "verify.html", user=user, result=result, rpc_url=public_url(request, "/rpc"),
                  status_code=200 if result["verdict"] in ("valid", "voided", "invalid") else 404)


@router.get("/listings")
def listings(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser):
    return render(request, "listings.html", user=user, board=public.listings(gateway, db),
                  redemption=redemptions.terms(gateway, db))


@router.get("/loss-notices")
def loss_notices(request: Request, gateway: GatewayDep, user: OptionalUser):
    return render(request, "loss_notices.html", user=user, board=public.loss_notices(gateway))


@router.get("/stats")
def stats(request: Request, gateway: GatewayDep, db: DbSession, user: OptionalUser):
    t = translator(language(request))
    summary, activity = public.stats(gateway), public.activity(gateway, db)
    months = list(activity["by_month"])
    names = {key: t(f"series.{key}") for key in ("issued", "listed", "pledged", "retired")}
    over_time = charts.grouped_bars(
        months, {key: [activity["by_month"][m].get(key, Decimal(0)) for m in months] for key in names}, names
    )
    by_land = charts.horizontal_bars(
        [(t(f"land.{land}"), series.get("issued", Decimal(0))) for land, series in activity["by_land_type"].items()]
    )
    by_state = charts.horizontal_bars(
        [(t(f"state.{state}"), Decimal(tonnes)) for state, tonnes in summary["by_state_t"].items()
         if state not in ("SPLIT", "VOIDED")], colour=charts.COLOURS["pledged"]
    )
    by_purpose = charts.horizontal_bars(
        [(t(f"purpose.{p}"), Decimal(tonnes)) for p, tonnes in summary["retired_by_purpose_t"].items()],
        colour=charts.COLOURS["retired"],
    )
    return render(request, "stats.html", user=user, stats=summary, has_data=bool(months), over_time=over_time,
                  by_land=by_land, by_state=by_state, by_purpose=by_purpose)


@router.get("/certificates/coupons/{number}.pdf")
def coupon_certificate(number: str, request: Request, gateway: GatewayDep, db: DbSession):
    record = public.provenance(gateway, db, number)
    pdf = certificates.coupon_certificate(record, verify_url=public_url(request, f"/coupons/{quote(number)}"))
    return _pdf(pdf, f"{number}.pdf")


@router.get("/certificates/offsets/{tx_hash}.pdf")
def offset_certificate(tx_hash: str, request: Request, gateway: GatewayDep):
    result = public.verification(gateway, tx_hash)
    if result["verdict"] != "valid":
        raise NotFound("CERTIFICATE_NOT_VALID", f"{tx_hash} is not a valid offset certificate: {result['reason']}")
    pdf = certificates.offset_certificate(result, verify_url=public_url(request, f"/verify/{result['tx_hash']}"),
                                          proof=transparency.bundle_bytes(gateway, result["tx_hash"]))
    return _pdf(pdf, f"offset-{result['tx_hash'][:12]}.pdf")


def _pdf(content: bytes, filename: str) -> Response:
    return Response(content, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/lang/{code}")
def switch_language(code: str, next: str = "/"):
    if code not in LANGUAGES:
        raise DomainError("UNKNOWN_LANGUAGE", f"languages: {', '.join(LANGUAGES)}", status=404)
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 86400, samesite="lax")
    return response
