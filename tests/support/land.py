"""Boundaries for the tests' parcels: each new parcel number gets a square of its declared 面积 at a place
of its own inside the district (rows of squares 100 m apart), the same number always the same square; so
applications overlap only where a test means them to."""

from __future__ import annotations

import threading
from decimal import Decimal

from gateway.services.geometry import geojson, square

WEST, SOUTH, EAST, NORTH = 112.02, 28.02, 112.98, 28.40  # inside the default extent, south of the demo story's land
GAP = 0.001  # degrees between squares, about 100 m

_lock = threading.Lock()
_places: dict[str, dict] = {}
_cursor = {"lon": WEST, "lat": SOUTH, "row_height": 0.0}


def boundary(number: str, area_mu: str | Decimal) -> dict:
    """The GeoJSON square of parcel `number`: placed once, then the same."""
    with _lock:
        if number not in _places:
            _places[number] = geojson(_place(area_mu))
        return _places[number]


def _place(area_mu):
    shape = square(_cursor["lon"], _cursor["lat"], area_mu)
    lon0, lat0, lon1, lat1 = shape.bounds
    if lon1 > EAST:  # next row
        _cursor.update(lon=WEST, lat=_cursor["lat"] + _cursor["row_height"] + GAP, row_height=0.0)
        if _cursor["lat"] > NORTH - 0.05:  # the district is full: start again at the bottom
            _cursor.update(lat=SOUTH)
        shape = square(_cursor["lon"], _cursor["lat"], area_mu)
        lon0, lat0, lon1, lat1 = shape.bounds
    _cursor["lon"] = lon1 + GAP
    _cursor["row_height"] = max(_cursor["row_height"], lat1 - lat0)
    return shape


def with_boundaries(form: dict) -> dict:
    """An application form whose parcels without a boundary get theirs (not those whose number or 面积 a
    test made wrong on purpose: they are refused before any boundary is read), and those without a tenure
    certificate (权属清晰, §2) one of their own, the form's report standing for its scan (the preparer's upload)."""
    def placed(parcel):
        try:
            area = float(parcel["area_mu"])
            assert 0 < area < 1e6 and isinstance(parcel["number"], str) and parcel["number"].strip()
        except (KeyError, TypeError, ValueError, AssertionError):
            return parcel
        return {**parcel, "boundary": boundary(parcel["number"], parcel["area_mu"])}

    def certified(parcel):
        if not isinstance(parcel, dict) or "tenure" in parcel or not isinstance(parcel.get("number"), str):
            return parcel
        scan = (form.get("documents") or {}).get("report")
        scan = scan if isinstance(scan, str) and len(scan) == 64 else None  # a test's broken report stays its own
        return {**parcel, "tenure": {"kind": "FOREST_RIGHT", "number": f"林权证-{parcel['number']}", "document": scan}}

    parcels = form.get("parcels")
    if not isinstance(parcels, list):
        return form
    return {**form, "parcels": [certified(p if not isinstance(p, dict) or "boundary" in p else placed(p))
                                for p in parcels]}
