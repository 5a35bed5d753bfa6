"""The overlap guard at scale (§7, services/boundaries.py): a new parcel's boundary checked against --parcels
registered ones (default 100,000), as a submission, a filing and a minting check it.

A gateway is opened on a fresh data directory (its real database: SQLite there, or --database-url); its
parcels are laid on the district as a grid of squares of 10-20 亩 with gaps between them, 10 to an application,
and written straight into the gateway's tables with the spatial index's cells, the applications as the event
index keeps filed ones (writing 10,000 applications through the chain would measure the chain, not the guard).
Then --checks boundaries are checked, half lying across registered parcels (refused, naming them) and half in
the gaps between them (accepted, their neighbours compared all the same).

Goal: overlap_p95_ms ≤ 50. Prints a table and, with --json PATH, writes the numbers."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import insert  # noqa: E402

from benchlib import loadavg, quantile, report_ceilings, write_json  # noqa: E402
from chain.index import ApplicationRow  # noqa: E402
from gateway.core.db import ParcelBoundary, ParcelCell
from gateway.core.errors import Invalid
from gateway.runtime.wiring import Gateway
from gateway.services import boundaries  # noqa: E402
from gateway.services.geometry import area_m2, geojson, square  # noqa: E402
from gateway.core.settings import Settings

GOALS = {"overlap_p95_ms": 50.0}
WEST, SOUTH, SPAN = 112.02, 28.02, 0.95  # degrees: inside the default district extent
PERIOD = (dt.date(2022, 1, 1), dt.date(2023, 12, 31))
PER_APPLICATION = 10


def _grid(parcels: int) -> tuple[int, float]:
    side = math.ceil(math.sqrt(parcels))
    return side, SPAN / side


def _seed(gw: Gateway, parcels: int, rng: random.Random) -> float:
    side, step = _grid(parcels)
    started = time.perf_counter()
    applications = math.ceil(parcels / PER_APPLICATION)
    with gw.db.sessions() as db:
        db.execute(insert(ApplicationRow), [
            {"id": n, "applicant": "0x" + "00" * 20, "status": "FILED", "period_start": 0, "period_end": 1,
             "claimed_kg": 1, "attested_kg": 1, "updated_at": 0} for n in range(1, applications + 1)])
        rows, cells = [], []
        for n in range(parcels):
            shape = square(WEST + (n % side) * step, SOUTH + (n // side) * step, rng.uniform(10, 20))
            rows.append({"id": n + 1, "source": boundaries.APPLICATION, "application_id": n // PER_APPLICATION + 1,
                         "number": f"BENCH-{n}", "period_start": PERIOD[0], "period_end": PERIOD[1],
                         "geometry": geojson(shape), "area_m2": area_m2(shape)})
            cells += [{"cell": cell, "boundary_id": n + 1} for cell in boundaries.cells(shape.bounds)]
        db.execute(insert(ParcelBoundary), rows)
        db.execute(insert(ParcelCell), cells)
        db.commit()
    return time.perf_counter() - started


def _checks(gw: Gateway, parcels: int, checks: int, rng: random.Random) -> tuple[list[float], int]:
    side, step = _grid(parcels)
    times, refused = [], 0
    with gw.db.sessions() as db:
        for k in range(checks):
            n = rng.randrange(parcels)
            lon, lat = WEST + (n % side) * step, SOUTH + (n // side) * step
            if k % 2:  # in the gap east of parcel n: touches no one, compared with its neighbours all the same
                lon += step * 0.8
                shape = square(lon, lat, 1)
            else:  # across parcel n and into the gap
                shape = square(lon + step * 0.2, lat + step * 0.1, 15)
            parcel = {"number": f"NEW-{k}", "boundary": geojson(shape)}
            started = time.perf_counter()
            try:
                boundaries.refuse_overlaps(gw, db, [parcel], period=PERIOD)
            except Invalid:
                refused += 1
            times.append((time.perf_counter() - started) * 1000)
    return times, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--checks", type=int, default=1_000)
    parser.add_argument("--database-url", help="PostgreSQL (a fresh database); SQLite in the data directory if not")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rng = random.Random(1)
    os.environ.setdefault("TANQUAN_IDENTITY_KEY", "tanquan-bench-identity-key")
    with tempfile.TemporaryDirectory() as data_dir:
        gw = Gateway.open(Settings(data_dir=Path(data_dir), database_url=args.database_url), served=False,
                          passphrase="bench-parcels")
        try:
            seed_s = _seed(gw, args.parcels, rng)
            times, refused = _checks(gw, args.parcels, args.checks, rng)
            database = gw.db.engine.dialect.name
        finally:
            gw.close()
    results = {
        "parcels": args.parcels, "checks": args.checks, "refused": refused, "database": database,
        "seed_s": round(seed_s, 2), "overlap_p50_ms": round(quantile(times, 0.5), 3),
        "overlap_p95_ms": round(quantile(times, 0.95), 3), "overlap_max_ms": round(max(times), 3),
        "loadavg": loadavg(),
    }
    report_ceilings(results, GOALS)
    print(f"(load average {results['loadavg']}; {database}; half the checks across a parcel, half between)")
    if args.json:
        write_json(args.json, results)


if __name__ == "__main__":
    main()
