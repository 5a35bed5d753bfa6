"""No land credited twice (§7): a parcel's boundary may not overlap, beyond a small tolerance, the boundary of
another live application or issuance whose monitoring period overlaps its own, nor a parcel on the EEB's CCER
list (§2), nor the area of a harvest FORESTRY planned in that period other than tending thinning (§9). Checked when an application is submitted, filed and minted; an application yields to every one
submitted before it, so of two that slipped past each other at submission the later is refused at filing.
A parcel under the same number is the contract's to refuse (its key on chain, parcel_id), with its own codes:
the geometry catches the same land under another number, or cut a little differently, and the tenure
certificate (权属清晰, §2: 林权证, 不动产权证 or 土地承包经营权证) kept with the boundary catches land shown
under the same certificate, however its boundary was drawn.

The spatial index is a grid of 0.01° cells (about 1 km) in the database (ParcelCell): the check reads the
parcels of the cells a boundary's bounding box touches, then compares shapes with shapely and measures each
overlap on the ellipsoid."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from eth_utils import keccak
from shapely.geometry import MultiPolygon, Polygon, shape
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from chain import ApplicationStatus

from ..core.db import ParcelBoundary, ParcelCell
from ..core.errors import Invalid
from ..runtime.wiring import Gateway
from . import geometry as geo

CELL_DEGREES = 0.01
APPLICATION, CCER, HARVEST = "APPLICATION", "CCER", "HARVEST"
RELEASED = {ApplicationStatus.REJECTED.name}  # a rejected application holds no land


# Dashes a parcel number may be typed with: hyphens, figure dash, en and em dash, bar, minus, small and full-width
# hyphen-minus (NFKC already folds the full-width forms it knows).
DASHES = str.maketrans({dash: "-" for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})


def parcel_number(number: str) -> str:
    """A parcel number as the registry compares it: NFKC (full-width digits and letters become
    ASCII), no spaces, every dash "-". So "430903-108-1" and "４３０９０３－１０８－１" are one parcel."""
    folded = unicodedata.normalize("NFKC", number)
    return "".join(folded.split()).translate(DASHES)


def parcel_id(number: str) -> bytes:
    """The parcel's key on-chain: keccak256 of its normalised number."""
    return keccak(text=parcel_number(number))


def tenure_key(tenure: dict | None) -> str | None:
    """A tenure certificate as the registry compares it: its kind and its number normalised as parcel numbers
    are (so "湘(2019)赫山林权第0001号" and "湘（2019）赫山林权第０００１号" are one certificate)."""
    if not tenure:
        return None
    return f"{tenure['kind']}:{parcel_number(tenure['number'])}"


def cells(bounds: tuple[float, float, float, float]) -> list[int]:
    """The grid cells a bounding box (lon0, lat0, lon1, lat1) touches."""
    lon0, lat0, lon1, lat1 = bounds
    xs = range(math.floor(lon0 / CELL_DEGREES), math.floor(lon1 / CELL_DEGREES) + 1)
    ys = range(math.floor(lat0 / CELL_DEGREES), math.floor(lat1 / CELL_DEGREES) + 1)
    return [x * 100_000 + y + 50_000 for x in xs for y in ys]


def keep(db: Session, *, source: str, number: str, boundary: dict, application_id: int | None = None,
         period: tuple[dt.date, dt.date] | None = None, tenure: dict | None = None) -> ParcelBoundary:
    """Add a boundary, with the tenure certificate shown for it, to the index (the caller commits)."""
    found = shape(boundary)
    row = ParcelBoundary(source=source, application_id=application_id, number=parcel_number(number), geometry=boundary,
                         period_start=period[0] if period else None, period_end=period[1] if period else None,
                         area_m2=geo.area_m2(found), tenure=tenure_key(tenure))
    db.add(row)
    db.flush()
    db.add_all(ParcelCell(cell=cell, boundary_id=row.id) for cell in cells(found.bounds))
    return row


def drop(db: Session, rows: Iterable[ParcelBoundary]) -> None:
    ids = [row.id for row in rows]
    if ids:
        db.execute(delete(ParcelCell).where(ParcelCell.boundary_id.in_(ids)))
        db.execute(delete(ParcelBoundary).where(ParcelBoundary.id.in_(ids)))


@dataclass(frozen=True)
class Overlap:
    source: str  # APPLICATION | CCER | HARVEST
    number: str  # the other parcel's number
    application_id: int | None
    overlap_mu: Decimal

    def describe(self) -> str:
        where = {APPLICATION: f"application {self.application_id}", CCER: "the CCER list (§2)",
                 HARVEST: "a planned non-tending harvest (§9)"}[self.source]
        return f"{self.overlap_mu} 亩 of parcel {self.number} of {where}"


def overlaps(gw: Gateway, db: Session, number: str, boundary: Polygon | MultiPolygon, *,
             period: tuple[dt.date, dt.date], before: int | None = None) -> list[Overlap]:
    """The registered parcels under other numbers this boundary overlaps by more than the tolerance: CCER-listed
    ones, and those of live applications whose monitoring period overlaps `period` (only applications numbered
    below `before`, when given: an application yields to the earlier ones)."""
    tolerance = gw.settings.parcel_overlap_tolerance_m2
    near = select(ParcelCell.boundary_id).where(ParcelCell.cell.in_(cells(boundary.bounds)))
    query = select(ParcelBoundary).where(ParcelBoundary.id.in_(near), ParcelBoundary.number != parcel_number(number), or_(
        ParcelBoundary.source == CCER,
        (ParcelBoundary.period_start <= period[1]) & (ParcelBoundary.period_end >= period[0]),
    ))
    if before is not None:
        query = query.where(or_(ParcelBoundary.application_id.is_(None), ParcelBoundary.application_id < before))
    found = []
    for row in db.scalars(query):
        other = shape(row.geometry)
        if not boundary.intersects(other):
            continue
        shared = boundary.intersection(other)
        parts = [g for g in getattr(shared, "geoms", [shared]) if g.geom_type in ("Polygon", "MultiPolygon")]
        area = sum(geo.area_m2(part) for part in parts)
        if area <= tolerance or (row.application_id is not None and not _holds_land(gw, row.application_id)):
            continue
        found.append(Overlap(row.source, row.number, row.application_id, (Decimal(repr(area)) / geo.M2_PER_MU).quantize(
            Decimal("0.01"))))
    return found


def tenure_holders(gw: Gateway, db: Session, number: str, tenure: dict | None, *, period: tuple[dt.date, dt.date],
                   before: int | None = None) -> list[int]:
    """The live applications whose parcels under other numbers were shown with the same tenure certificate for
    an overlapping monitoring period (only those numbered below `before`, when given)."""
    key = tenure_key(tenure)
    if key is None:
        return []
    query = select(ParcelBoundary.application_id).where(
        ParcelBoundary.tenure == key, ParcelBoundary.source == APPLICATION,
        ParcelBoundary.number != parcel_number(number),
        ParcelBoundary.period_start <= period[1], ParcelBoundary.period_end >= period[0])
    if before is not None:
        query = query.where(ParcelBoundary.application_id < before)
    return sorted({found for found in db.scalars(query) if _holds_land(gw, found)})


def _holds_land(gw: Gateway, application_id: int) -> bool:
    application = gw.index.application(application_id)
    return application is not None and application.status not in RELEASED


def refuse_overlaps(gw: Gateway, db: Session, parcels: list[dict], *, period: tuple[dt.date, dt.date],
                    before: int | None = None) -> None:
    """Refuse, naming the parcel, the other application and the overlap in 亩, if any parcel's boundary
    overlaps land already registered (§7) or on the CCER list (§2); or naming the other application, if its
    tenure certificate already backs land of another live application in an overlapping period (§2, §7)."""
    for position, parcel in enumerate(parcels):
        holders = tenure_holders(gw, db, parcel["number"], parcel.get("tenure"), period=period, before=before)
        if holders:
            tenure = parcel["tenure"]
            raise Invalid(
                "TENURE_CERTIFICATE_USED", f"parcel {parcel['number']}: tenure certificate {tenure['number']} "
                "already backs land of " + ", ".join(f"application {found}" for found in holders)
                + " in an overlapping monitoring period",
                detail={"field": f"parcels.{position}.tenure.number", "parcel": parcel["number"],
                        "applications": holders})
        clashes = overlaps(gw, db, parcel["number"], shape(parcel["boundary"]), period=period, before=before)
        if clashes:
            raise Invalid(
                "PARCEL_OVERLAPS", f"parcel {parcel['number']} overlaps "
                + "; ".join(clash.describe() for clash in clashes),
                detail={"field": f"parcels.{position}.boundary", "parcel": parcel["number"], "overlaps": [
                    {"source": c.source, "number": c.number, "application": c.application_id,
                     "overlap_mu": str(c.overlap_mu)}
                    for c in clashes]})


def read_upload(gw: Gateway, name: str, content: bytes) -> list[dict]:
    """A boundary file (GeoJSON, or a zipped shapefile with its .prj) read for a form: each feature's parcel
    number, normalised boundary and its area in 亩 and hectares, every one checked against the district."""
    found = []
    for position, (number, shape_) in enumerate(geo.read_file(name, content), start=1):
        boundary = geo.check(number or f"#{position}", shape_, extent=gw.settings.district_extent, field="file")
        found.append({"number": number, "boundary": boundary.as_geojson(), "area_mu": str(boundary.area_mu),
                      "area_ha": str(boundary.area_ha)})
    if not found:
        raise Invalid("BOUNDARY_FILE_EMPTY", "the file holds no parcels", detail={"field": "file"})
    return found


def as_parcel(row: ParcelBoundary) -> dict:
    """A kept boundary as refuse_overlaps reads a parcel: its number, boundary and tenure certificate."""
    kind, _, number = (row.tenure or "").partition(":")
    return {"number": row.number, "boundary": row.geometry,
            "tenure": {"kind": kind, "number": number} if row.tenure else None}


def of_application(db: Session, application_id: int) -> list[ParcelBoundary]:
    return list(db.scalars(select(ParcelBoundary).where(ParcelBoundary.application_id == application_id)
                           .order_by(ParcelBoundary.id)))
