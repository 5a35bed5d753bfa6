"""A public page per project (an application filed for issuance): its parcels on the map, land types and areas,
monitoring period, methodology, the verifier's attestation and its name, the validation opinion and the filing
with their numbers, every coupon issued from it, and the parcels' boundaries as the GeoJSON whose sha256 went
on chain when it was submitted (§7; services/geometry.py). Only filed and issued applications are public; one under review is not."""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.db import ApplicationRecord, AuditEntry, User
from ..core.errors import NotFound
from ..runtime.wiring import Gateway
from ..catalogue.units import china_date, period_last_day, tonnes_text
from . import documents, geometry
from .public import holder_names
from .registers import kept

PUBLIC = ("FILED", "ISSUED")


FILTERS = ("q", "year", "land_type", "town", "methodology", "state")


def listing(gw: Gateway, db: Session, **wanted: str | None) -> list[dict]:
    """Every public project, newest first, with its land and what was issued from it; those only that match
    every filter given: q (a project's or a village's name), year (the monitoring period's last), land type,
    town (a parcel's 坐落), methodology, state (FILED, ISSUED, OFFSET)."""
    applications = gw.index.applications(statuses=PUBLIC)
    records = {r.application_id: r for r in db.scalars(select(ApplicationRecord).where(
        ApplicationRecord.application_id.in_([a.id for a in applications])))}
    found = [_summary(application, records[application.id]) for application in reversed(applications)
             if application.id in records]
    if (wanted.get("state") or "").strip():
        issued = gw.index.issuance_applications()
        for summary in found:
            summary["state"] = _state(gw, summary, issued)
    return [s for s in found if kept([_facts(s, records[s["id"]])], wanted, FILTERS)]


def _facts(summary: dict, record: ApplicationRecord) -> dict:
    """What the filters read of a project (registers.kept): its name, parcels' 坐落, land types, methodology, the
    year its monitoring period ends and its state."""
    return {"project_name": record.project_name, "places": [p["location"] for p in record.parcels],
            "land_types": list(summary["land_mu"]), "methodology": record.methodology,
            "year": china_date(summary["period"][1]).year, "states": [summary.get("state")]}


def rows(gw: Gateway, db: Session, **wanted: str | None) -> list[list]:
    """The filtered list for a spreadsheet: one row a project (api/routes/public.py names the columns)."""
    return [[p["id"], p["project_name"], p["status"], p["filing_number"], china_date(p["period"][0]).isoformat(),
             china_date(p["period"][1]).isoformat(), p["area_mu"],
             "; ".join(f"{k} {v}" for k, v in p["land_mu"].items()), p["attested_t"], p["parcels"]]
            for p in listing(gw, db, **wanted)]


def _summary(application, record: ApplicationRecord) -> dict:
    land = Counter()
    for parcel in record.parcels:
        land[parcel["land_type"]] += Decimal(str(parcel["area_mu"]))
    return {
        "id": application.id, "project_name": record.project_name, "status": application.status,
        "filing_number": application.filing_number or "",
        "period": [application.period_start, period_last_day(application.period_end)],
        "area_mu": str(sum(land.values(), Decimal(0))), "land_mu": {k: str(v) for k, v in land.items()},
        "attested_t": tonnes_text(application.attested_kg), "parcels": len(record.parcels),
    }


def _public(gw: Gateway, db: Session, application_id: int):
    application = gw.index.application(application_id)
    record = db.get(ApplicationRecord, application_id)
    if application is None or record is None or application.status not in PUBLIC:
        raise NotFound("PROJECT_NOT_FOUND", f"no public project {application_id}")
    return application, record


def project(gw: Gateway, db: Session, application_id: int) -> dict:
    """The project page's facts, each step with its transaction, and whether the boundaries served now are
    the ones whose hash the applicant put on chain."""
    application, record = _public(gw, db, application_id)
    steps = {s["event"]: s for s in gw.index.application_history(application_id)}
    submitted, attested = steps.get("ApplicationSubmitted"), steps.get("ReportAttested")
    opinion, filed = steps.get("ValidationOpinionIssued"), steps.get("ApplicationFiled")
    on_chain = (submitted or {}).get("details", {}).get("boundaries_hash", "").removeprefix("0x")
    served = hashlib.sha256(parcels_geojson(gw, db, application_id)).hexdigest() if _bounded(record.parcels) else None
    names = holder_names(db)
    names_of = documents.names(db, list((record.public_documents or {}).values()))
    coupons = _coupons(gw, gw.index.issuance_applications(), application_id)
    return {
        **_summary(application, record),
        "methodology": record.methodology, "applicant": names.get(application.applicant),
        "parcels": measured(record.parcels),
        "submitted": _step(submitted), "attested": _step(attested) | {
            "verifier": _verifier(db, attested),
            "report_sha256": attested["details"]["report_hash"].removeprefix("0x")} if attested else None,
        "opinion": _step(opinion) | {
            "opinion_number": record.opinion_number,
            "opinion_sha256": opinion["details"].get("opinion_hash", "").removeprefix("0x")} if opinion else None,
        "filed": _step(filed) | {"filing_number": filed["details"]["filing_number"]} if filed else None,
        "boundaries": {"on_chain": on_chain or None, "served": served, "match": bool(on_chain) and on_chain == served},
        "coupons": [{"number": c["number"], "state": c["state"], "amount_kg": c["amount_kg"]} for c in coupons],
        "public_documents": [{"kind": kind, "sha256": sha, "name": names_of.get(sha, sha)}
                             for kind, sha in (record.public_documents or {}).items()],
    }


def _step(step: dict | None) -> dict | None:
    return None if step is None else {"tx_hash": step["tx_hash"], "timestamp": step["timestamp"],
                                      "block": step["block"], "department": step["department"]}


def _verifier(db: Session, attested: dict) -> str | None:
    """The verifier that attested, by its account's name: the chain knows only the verifiers' department key,
    the audit log the account whose write the attestation's transaction was."""
    return db.scalar(select(User.display_name).join(AuditEntry, AuditEntry.username == User.username).where(
        AuditEntry.tx_hash == attested["tx_hash"], AuditEntry.action == "application.attest",
        AuditEntry.outcome == "ok").limit(1))


def measured(parcels: list[dict]) -> list[dict]:
    """Each parcel as declared, with its boundary's area on the ellipsoid in 亩 and hectares beside it."""
    found = []
    for parcel in parcels:
        facts = {k: parcel[k] for k in ("number", "location", "land_type", "area_mu")}
        if parcel.get("tenure"):  # its kind and number; the scan stays with the departments
            facts["tenure"] = {"kind": parcel["tenure"]["kind"], "number": parcel["tenure"]["number"]}
        if parcel.get("boundary"):
            boundary = geometry.measured(parcel["boundary"])
            facts |= {"measured_mu": str(boundary.area_mu), "measured_ha": str(boundary.area_ha)}
        found.append(facts)
    return found


def parcel_map(parcels: list[dict]) -> dict | None:
    """An application's parcels for a map, or None for one registered before parcels had boundaries."""
    return geometry.feature_collection(parcels) if _bounded(parcels) else None


def _bounded(parcels: list[dict]) -> bool:
    return bool(parcels) and all(p.get("boundary") for p in parcels)


def parcels_geojson(gw: Gateway, db: Session, application_id: int) -> bytes:
    """The project's parcels, byte for byte what the applicant's `boundaries_hash` on chain is the sha256 of."""
    _application, record = _public(gw, db, application_id)
    if not _bounded(record.parcels):
        raise NotFound("NO_BOUNDARIES", f"project {application_id} was registered before parcels had boundaries")
    return geometry.canonical(geometry.feature_collection(record.parcels))


def registry_geojson(gw: Gateway, db: Session, **wanted: str | None) -> dict:
    """Every public project's parcels (those `listing`'s filters keep), each with its project, land type, area
    and the project's state: ISSUED while any of its coupons can still be used, OFFSET once every one is
    retired, FILED before minting."""
    features, issued = [], gw.index.issuance_applications()  # read once for every project
    for summary in listing(gw, db, **wanted):
        record = db.get(ApplicationRecord, summary["id"])
        state = _state(gw, summary, issued)
        for parcel in record.parcels:
            if parcel.get("boundary"):
                features.append({"type": "Feature", "geometry": parcel["boundary"], "properties": {
                    "project": summary["id"], "project_name": summary["project_name"], "number": parcel["number"],
                    "land_type": parcel["land_type"], "area_mu": str(parcel["area_mu"]), "state": state}})
    return {"type": "FeatureCollection", "features": features}


def _coupons(gw: Gateway, issued: dict[int, int], application_id: int) -> list[dict]:
    """Every coupon of the application's issuances (`issued`: issuance id → application id)."""
    return [c for issuance, application in issued.items() if application == application_id
            for c in gw.index.family(issuance)]


def _state(gw: Gateway, summary: dict, issued: dict[int, int] | None = None) -> str:
    if summary["status"] != "ISSUED":
        return "FILED"
    live = [c for c in _coupons(gw, issued if issued is not None else gw.index.issuance_applications(), summary["id"])
            if c["state"] not in ("SPLIT", "VOIDED")]
    return "OFFSET" if live and all(c["state"] == "RETIRED" for c in live) else "ISSUED"
