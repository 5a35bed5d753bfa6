"""Parcels the registry keeps lists of: the EEB's CCER list (§2: filed or planned for CCER,
never issued here) and FORESTRY's harvest plans (§9: only tending thinning keeps a forest
parcel eligible in that period). Both are written on-chain under the parcel's key and
read back here with the number as the official typed it."""

from __future__ import annotations

from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain import Receipt

from ..core.db import ParcelBoundary, ParcelName
from ..core.errors import Invalid
from ..runtime.wiring import Actor, Gateway
from ..core.schemas import CcerListing, HarvestPlan
from ..catalogue.units import china_date, day_start, period_end_on_chain, period_last_day
from . import boundaries, geometry
from .boundaries import parcel_id, parcel_number


def _named(db: Session, number: str) -> bytes:
    """The parcel's key on-chain, its number remembered for reading the lists back."""
    key = parcel_id(number)
    db.merge(ParcelName(parcel_id="0x" + key.hex(), number=parcel_number(number)))
    return key


def set_ccer_listed(gw: Gateway, db: Session, *, actor: Actor, listing: CcerListing) -> Receipt:
    """The EEB's list of parcels filed or planned for CCER (§2): a listed parcel cannot be issued, nor any
    parcel whose boundary overlaps the listed one's."""
    boundary = None
    if listing.boundary is not None:
        boundary = geometry.check(listing.parcel_number, listing.boundary, extent=gw.settings.district_extent,
                                  field="boundary").as_geojson()
    key = _named(db, listing.parcel_number)
    receipt = gw.writes.send(actor, "parcel.ccer", listing.model_dump(), partial(
        gw.registry.set_ccer_listed, parcel=key, listed=listing.listed))
    number = parcel_number(listing.parcel_number)
    boundaries.drop(db, db.scalars(select(ParcelBoundary).where(
        ParcelBoundary.source == boundaries.CCER, ParcelBoundary.number == number)))
    if listing.listed and boundary is not None:
        boundaries.keep(db, source=boundaries.CCER, number=number, boundary=boundary)
    db.commit()
    return receipt


def record_harvest_plan(gw: Gateway, db: Session, *, actor: Actor, plan: HarvestPlan) -> Receipt:
    """A forest parcel's planned harvest (§9): only tending thinning keeps it eligible in that period."""
    if plan.end <= plan.start:
        raise Invalid("EMPTY_PERIOD", "the harvest must end after it starts", detail={"field": "end"})
    boundary = None
    if plan.boundary is not None:
        boundary = geometry.check(plan.parcel_number, plan.boundary, extent=gw.settings.district_extent,
                                  field="boundary").as_geojson()
    key = _named(db, plan.parcel_number)
    receipt = gw.writes.send(actor, "parcel.harvest_plan", plan.model_dump(mode="json"), partial(
        gw.registry.record_harvest_plan, parcel=key, start=day_start(plan.start), end=period_end_on_chain(plan.end),
        tending=plan.tending))
    if boundary is not None and not plan.tending:  # only a non-tending harvest makes land ineligible (§9)
        boundaries.keep(db, source=boundaries.HARVEST, number=plan.parcel_number, boundary=boundary,
                        period=(plan.start, plan.end))
    db.commit()
    return receipt


def _names(db: Session) -> dict[str, str]:
    return {row.parcel_id: row.number for row in db.scalars(select(ParcelName))}


def ccer_list(gw: Gateway, db: Session) -> list[dict]:
    """The parcels on the CCER list now, each with when and in which transaction it was put there."""
    names, latest = _names(db), {}
    for step in gw.index.steps(["CcerListChanged"]):
        latest[step.details["parcel"]] = step
    return [
        {"parcel_number": names.get(key), "parcel_id": key, "listed_at": step.timestamp, "tx_hash": step.tx_hash}
        for key, step in latest.items() if step.details["listed"]
    ]


def harvest_plans(gw: Gateway, db: Session) -> list[dict]:
    """Every recorded harvest plan, in the order recorded."""
    names = _names(db)
    return [
        {"parcel_number": names.get(step.details["parcel"]), "parcel_id": step.details["parcel"],
         "start": china_date(step.details["start"]).isoformat(),
         "end": china_date(period_last_day(step.details["end"])).isoformat(),
         "tending": step.details["tending"], "recorded_at": step.timestamp, "tx_hash": step.tx_hash}
        for step in gw.index.steps(["HarvestPlanRecorded"])
    ]


def parcel(gw: Gateway, number: str) -> dict:
    """One parcel as the chain holds it now: on the CCER list or not, and its harvest plans."""
    key = parcel_id(number)
    plans = gw.registry.call("harvest_plans_of", key)
    return {
        "parcel_number": parcel_number(number), "parcel_id": "0x" + key.hex(),
        "ccer_listed": gw.registry.call("ccer_listed", key),
        "harvest_plans": [{"start": china_date(start).isoformat(), "end": china_date(period_last_day(end)).isoformat(),
                           "tending": tending} for start, end, tending in plans],
    }
