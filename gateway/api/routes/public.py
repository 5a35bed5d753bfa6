from typing import Annotated

from fastapi import APIRouter, Path

from ...exports import CsvResponse, csv_response
from ...schemas import EcoCompensationCreate
from ...services import calculator
from ...services import public as service
from ...deps import DbSession, GatewayDep

router = APIRouter(prefix="/public", tags=["public 公示"])


@router.get("/coupons/{number}")
def provenance(number: str, gateway: GatewayDep, db: DbSession) -> dict:
    """A coupon's state, data, lineage and every step with tx hash, block, time and signing department."""
    return service.provenance(gateway, db, number)


# A transaction hash is 0x and 64 hex digits: anything else is bad input (422), not an unknown certificate.
TxHash = Annotated[str, Path(pattern=r"^0x[0-9a-fA-F]{64}$", description="the offset's transaction hash")]


@router.get("/offsets/{tx_hash}")
def verify(tx_hash: TxHash, gateway: GatewayDep) -> dict:
    """Verify an offset certificate from the chain receipt and event log."""
    return service.verification(gateway, tx_hash)


@router.get("/listings")
def listings(gateway: GatewayDep, db: DbSession) -> list[dict]:
    """The disclosure board (信息披露表, 附件5)."""
    return service.listings(gateway, db)


@router.get("/loss-notices")
def loss_notices(gateway: GatewayDep) -> list[dict]:
    """The board of loss notices (§12 挂失并公告): each coupon reported lost, its notice's start and end,
    and how it ended (running, over, withdrawn, refused, reissued as a new number, voided)."""
    return service.loss_notices(gateway)


@router.get("/stats")
def stats(gateway: GatewayDep) -> dict:
    return service.stats(gateway)


@router.get("/exports/registrations.csv", response_class=CsvResponse)
def registrations_csv(gateway: GatewayDep, db: DbSession) -> CsvResponse:
    """Every coupon, for Excel: UTF-8 with BOM, headers 中文 and key, Beijing time (gateway/exports.py)."""
    return csv_response(service.registrations_csv(gateway, db), "registrations.csv", "碳券登记")


@router.get("/exports/trades.csv", response_class=CsvResponse)
def trades_csv(gateway: GatewayDep, db: DbSession) -> CsvResponse:
    """Every settled trade (附件7) with its parties (organisations only) and the service fee, for Excel."""
    return csv_response(service.trades_csv(gateway, db), "trades.csv", "碳券交易")


@router.post("/calculator/eco-compensation")
def eco_compensation(request: EcoCompensationCreate, gateway: GatewayDep) -> dict:
    """§15(1): Σ area × annual sink factor × land-use years → coupons to buy."""
    return calculator.eco_compensation(gateway.settings.data_dir, request)
