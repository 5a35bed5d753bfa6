import asyncio
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ...web.exports import CsvResponse, csv_response, table
from ...core.schemas import EcoCompensationCreate
from ...services import calculator, projects, redemptions, registers
from ...services import public as service
from ...edge.deps import DbSession, GatewayDep, RecordPath
from ..answers import (
    CouponRecord, EcoCompensation, FeatureCollection, ListingPublic, LossNoticePublic, ProjectPublic, ProjectSummary,
    RedemptionTermsPublic, StatsPublic, Verification,
)

router = APIRouter(prefix="/public", tags=["public 公示"])


# Both answers carry a strong ETag; a client that sends it back in If-None-Match gets 304 and no body.
# The answers are made and kept as bytes (services/public.py): the model documents them, it does not check them.
def conditional(answer: type) -> dict:
    return {200: {"description": "the answer, with its ETag and Cache-Control", "model": answer},
            304: {"description": "Not Modified: the client's copy (If-None-Match) is current"}}


# Requests that find no answer kept share one worker thread's making of it (a worker's turn on a busy
# event loop beside the block producer can take a second: not one per waiting reader).
_making: dict[tuple, asyncio.Future] = {}


def _made_once(key: tuple, make: Callable[..., service.Answer], *args) -> asyncio.Future:
    """The one making of the answer in flight (a reader that goes away does not stop it: shield it)."""
    loop = asyncio.get_running_loop()
    making = _making.get((loop, *key))
    if making is None:
        making = _making[(loop, *key)] = asyncio.ensure_future(run_in_threadpool(make, *args))
        making.add_done_callback(lambda done: (_making.pop((loop, *key), None), done.cancelled() or done.exception()))
    return making


def _send(request: Request, answer: service.Answer) -> Response:
    if answer.matches(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=answer.headers)
    return Response(answer.body, media_type="application/json", headers=answer.headers)


@router.get("/coupons/{number}", response_class=JSONResponse, responses=conditional(CouponRecord))
async def provenance(number: str, request: Request, gateway: GatewayDep) -> Response:
    """A coupon's state, data, lineage and every step with tx hash, block, time and signing department.
    `Cache-Control: no-cache`: the record changes with each new step; its ETag changes with it."""
    making = ("coupon", id(gateway), number)
    answer = service.kept_provenance(gateway, number)
    if answer is None:
        answer = await asyncio.shield(_made_once(making, service.provenance_answer, gateway, number))
    elif answer.age() >= service.RECORD_MAX_AGE_S:
        _made_once(making, service.provenance_answer, gateway, number)  # made again beside this answer
    return _send(request, answer)


# A transaction hash is 0x and 64 hex digits: anything else is bad input (422), not an unknown certificate.
TxHash = Annotated[str, Path(pattern=r"^0x[0-9a-fA-F]{64}$", description="the offset's transaction hash")]


@router.get("/offsets/{tx_hash}", response_class=JSONResponse, responses=conditional(Verification))
async def verify(tx_hash: TxHash, request: Request, gateway: GatewayDep) -> Response:
    """Verify an offset certificate from the chain receipt and event log. A verdict no later block
    can change is served from memory with `Cache-Control: immutable`; any other is verified afresh."""
    answer = service.settled_verification(gateway, tx_hash)
    if answer is None:
        answer = await asyncio.shield(_made_once(("verdict", id(gateway), tx_hash.lower()),
                                                 service.verification_answer, gateway, tx_hash))
    return _send(request, answer)


@router.get("/listings", response_model=list[ListingPublic])
def listings(gateway: GatewayDep, db: DbSession) -> list[dict]:
    """The disclosure board (信息披露表, 附件5)."""
    return service.listings(gateway, db)


@router.get("/redemption", response_model=RedemptionTermsPublic | None)
def redemption(gateway: GatewayDep, db: DbSession) -> dict | None:
    """兑现 (§2): the acquirer DRC designated (收储主体) and the price it published, as the chain holds them,
    with the notice's number; null before DRC has published any."""
    return redemptions.terms(gateway, db)


@router.get("/loss-notices", response_model=list[LossNoticePublic])
def loss_notices(gateway: GatewayDep) -> list[dict]:
    """The board of loss notices (§12 挂失并公告): each coupon reported lost, its notice's start and end,
    and how it ended (running, over, withdrawn, refused, reissued as a new number, voided)."""
    return service.loss_notices(gateway)


@router.get("/stats", response_model=StatsPublic)
def stats(gateway: GatewayDep) -> dict:
    return service.stats(gateway)


GEOJSON = "application/geo+json"


class GeoJsonResponse(JSONResponse):
    media_type = GEOJSON


# What the GeoJSON routes answer, for /docs: one is served byte for byte as hashed, the other as made.
GEOJSON_ANSWER = {"response_class": GeoJsonResponse, "responses": {200: {"model": FeatureCollection}}}


@router.get("/projects", response_model=list[ProjectSummary], response_model_exclude_unset=True)
def project_list(gateway: GatewayDep, db: DbSession, q: str | None = None, year: str | None = None,
                 land_type: str | None = None, town: str | None = None, methodology: str | None = None,
                 state: str | None = None) -> list[dict]:
    """Every public project (an application filed or issued), newest first; filtered by a project's or
    village's name (q), the monitoring period's last year, land type, town, methodology or state."""
    return projects.listing(gateway, db, q=q, year=year, land_type=land_type, town=town, methodology=methodology,
                            state=state)


PROJECT_COLUMNS = (
    ("project", "项目编号"), ("project_name", "项目名称"), ("status", "状态"), ("filing_number", "备案文号"),
    ("period_start", "监测期起"), ("period_end", "监测期止"), ("area_mu", "面积（亩）"), ("land", "地类面积"),
    ("attested_t", "核算量（吨）"), ("parcels", "宗地数"),
)


@router.get("/exports/projects.csv", response_class=CsvResponse)
def projects_csv(gateway: GatewayDep, db: DbSession, q: str | None = None, year: str | None = None,
                 land_type: str | None = None, town: str | None = None, methodology: str | None = None,
                 state: str | None = None) -> CsvResponse:
    """The projects list as filtered, for Excel."""
    rows = projects.rows(gateway, db, q=q, year=year, land_type=land_type, town=town, methodology=methodology,
                         state=state)
    return csv_response(table(PROJECT_COLUMNS, rows), "projects.csv", "碳券项目")


ISSUANCE_COLUMNS = (
    ("issuance", "制发编号"), ("coupon_numbers", "碳券编号"), ("project", "项目编号"), ("project_name", "项目名称"),
    ("places", "坐落（村镇）"), ("land_types", "地类"), ("methodology", "方法学"), ("year", "制发年度"),
    ("amount_t", "制发量（吨）"), ("issued_at", "制发时间"), ("states", "碳券现状"), ("tx_hash", "交易哈希"),
)
RETIREMENT_COLUMNS = (
    ("coupon_number", "碳券编号"), ("beneficiary", "抵销主体"), ("purpose", "抵销用途"), ("case_reference", "案件/活动编号"),
    ("amount_t", "抵销量（吨）"), ("retired_at", "抵销时间"), ("project", "项目编号"), ("project_name", "项目名称"),
    ("places", "坐落（村镇）"), ("land_types", "地类"), ("methodology", "方法学"), ("certificate", "抵销凭证（交易哈希）"),
)


@router.get("/exports/issuances.csv", response_class=CsvResponse)
def issuances_csv(db: DbSession, q: str | None = None, year: str | None = None, land_type: str | None = None,
                  town: str | None = None, methodology: str | None = None, state: str | None = None) -> CsvResponse:
    """Every issuance (制发) as the /issuances page filters it — a project's or village's name (q), year issued,
    land type, town, methodology, a coupon state — for Excel: the page's rows."""
    rows = registers.issuance_rows(db, q=q, year=year, land_type=land_type, town=town, methodology=methodology,
                                   state=state)
    return csv_response(table(ISSUANCE_COLUMNS, rows), "issuances.csv", "碳券制发登记")


@router.get("/exports/retirements.csv", response_class=CsvResponse)
def retirements_csv(db: DbSession, q: str | None = None, year: str | None = None, land_type: str | None = None,
                    town: str | None = None, methodology: str | None = None, purpose: str | None = None,
                    beneficiary: str | None = None) -> CsvResponse:
    """Every offset certificate (抵销) as the /retirements page filters it — q, the year retired, land type, town,
    methodology, purpose, beneficiary (in part) — for Excel: the page's rows; each verifies at /verify/{certificate}."""
    rows = registers.retirement_rows(db, q=q, year=year, land_type=land_type, town=town, methodology=methodology,
                                     purpose=purpose, beneficiary=beneficiary)
    return csv_response(table(RETIREMENT_COLUMNS, rows), "retirements.csv", "碳券抵销登记")


@router.get("/projects/{application_id}", response_model=ProjectPublic)
def project(application_id: RecordPath, gateway: GatewayDep, db: DbSession) -> dict:
    """A project: parcels with declared and measured areas, period, methodology, attestation, opinion, filing,
    its coupons, and whether the served boundaries hash to the `boundaries_hash` submitted on chain."""
    return projects.project(gateway, db, application_id)


@router.get("/projects/{application_id}/parcels.geojson", **GEOJSON_ANSWER)
def project_parcels(application_id: RecordPath, gateway: GatewayDep,
                    db: DbSession) -> Response:
    """The project's parcels as GeoJSON (EPSG:4490 degrees), byte for byte what its `boundaries_hash` in the
    ApplicationSubmitted event is the sha256 of: `sha256sum` the download and compare."""
    return Response(projects.parcels_geojson(gateway, db, application_id), media_type=GEOJSON, headers={
        "Content-Disposition": f'attachment; filename="project-{application_id}-parcels.geojson"'})


@router.get("/parcels.geojson", **GEOJSON_ANSWER)
def registry_parcels(gateway: GatewayDep, db: DbSession, q: str | None = None, year: str | None = None,
                     land_type: str | None = None, town: str | None = None, methodology: str | None = None,
                     state: str | None = None) -> JSONResponse:
    """Every public project's parcels, with project, land type, area and state (FILED, ISSUED, OFFSET); the
    projects list's filters apply."""
    return JSONResponse(projects.registry_geojson(gateway, db, q=q, year=year, land_type=land_type, town=town,
                                                  methodology=methodology, state=state), media_type=GEOJSON)


REGISTRATION_COLUMNS = (
    ("coupon_number", "碳券编号"), ("state", "状态"), ("amount_t", "碳汇量（吨）"), ("first_serial", "起始序号"),
    ("last_serial", "终止序号"), ("holder", "持有人"), ("parent", "拆分自"), ("replaces", "补发替代"),
    ("created_at", "登记时间"),
)
TRADE_COLUMNS = (
    ("tx_hash", "交易哈希"), ("block", "区块"), ("settled_at", "成交时间"), ("coupon_number", "碳券编号"),
    ("amount_t", "成交量（吨）"), ("price_yuan_per_t", "单价（元/吨）"), ("total_yuan", "成交金额（元）"),
    ("service_fee_yuan", "服务费（元）"), ("seller", "出让方"), ("buyer", "受让方"),
    ("payment_method", "支付方式"), ("payment_term", "付款期限"), ("payment_status", "支付状态"),  # 附件7 二2
)


@router.get("/exports/registrations.csv", response_class=CsvResponse)
def registrations_csv(gateway: GatewayDep, db: DbSession) -> CsvResponse:
    """Every coupon, for Excel: UTF-8 with BOM, headers 中文 and key, Beijing time (gateway/web/exports.py)."""
    rows = service.registrations(gateway, db)
    return csv_response(table(REGISTRATION_COLUMNS, rows), "registrations.csv", "碳券登记")


@router.get("/exports/trades.csv", response_class=CsvResponse)
def trades_csv(gateway: GatewayDep, db: DbSession) -> CsvResponse:
    """Every settled trade (附件7) with its parties (organisations only) and the service fee, for Excel."""
    return csv_response(table(TRADE_COLUMNS, service.trades(gateway, db)), "trades.csv", "碳券交易")


@router.post("/calculator/eco-compensation", response_model=EcoCompensation)
def eco_compensation(request: EcoCompensationCreate, gateway: GatewayDep) -> dict:
    """§15(1): Σ area × annual sink factor × land-use years → coupons to buy."""
    return calculator.eco_compensation(gateway.settings.data_dir, request)
