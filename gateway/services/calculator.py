"""§15(1) eco-compensation: the sink a construction project's land take loses
over its land-use term, and so the coupons it must buy.

lost sink (t CO2e) = Σ area (mu) × annual sink factor of the land type (t CO2e / mu / year) × years.
The factors are an operator setting (`sink_factors.json` in the data directory
overrides them); the defaults below state their source.
"""

from __future__ import annotations

import json
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from ..core.schemas import EcoCompensationCreate

DEFAULT_FACTORS = {
    "source": "示例默认值，未经核定（t CO2e/亩/年）；须由区生态环境部门会同林业部门核定，"
    "写入数据目录的 sink_factors.json 后生效 — placeholder values, not an official source",
    "factors": {"FOREST": "0.60", "GRASSLAND": "0.12", "WETLAND": "0.45", "CULTIVATED": "0.05"},
}


def factor_table(data_dir: Path) -> dict:
    override = data_dir / "sink_factors.json"
    return json.loads(override.read_text()) if override.exists() else DEFAULT_FACTORS


def eco_compensation(data_dir: Path, request: EcoCompensationCreate) -> dict:
    table = factor_table(data_dir)
    lines = []
    total = Decimal(0)
    for parcel in request.parcels:
        factor = Decimal(table["factors"][parcel.land_type.value])
        lost = parcel.area_mu * factor * request.years
        total += lost
        lines.append({"parcel": parcel.number, "land_type": parcel.land_type.value, "area_mu": str(parcel.area_mu),
                      "factor": str(factor), "lost_t": str(lost)})
    needed = total.quantize(Decimal("0.001"), rounding=ROUND_CEILING)
    return {"years": str(request.years), "parcels": lines, "coupons_needed_t": str(needed),
            "factor_source": table["source"], "factors": table["factors"]}
