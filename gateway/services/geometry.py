"""Parcel boundaries: read as the survey and forest-tenure offices hand them out, checked, and normalised
to the one form the registry keeps, hashes and serves.

Two inputs are read: GeoJSON (geographic CGCS2000, EPSG:4490, or WGS 84; RFC 7946 coordinates, longitude
first) and a zipped shapefile whose `.prj` names its coordinate system, usually a CGCS2000 Gauss–Krüger
projection (EPSG:4513-4554). Every boundary is transformed to EPSG:4490 longitude/latitude, snapped to
1e-7° (about a centimetre), normalised (shapely) and oriented as RFC 7946 asks; its area is computed on the
CGCS2000 ellipsoid (GRS 80), never on a projection. The parcels of one application, as a GeoJSON
FeatureCollection in canonical JSON (sorted keys, no spaces, UTF-8), are what the registry serves and what
`boundaries_hash` on chain is the sha256 of: anyone can hash the downloaded file and compare."""

from __future__ import annotations

import hashlib
import io
import json
import math
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient

from ..core.errors import Invalid

CGCS2000 = CRS.from_epsg(4490)
GEOD = Geod(ellps="GRS80")  # CGCS2000's ellipsoid; it differs from GRS 80 only in the 12th digit of its flattening
M2_PER_MU = Decimal(10_000) / Decimal(15)  # 1 亩 = 666.67 m²
PRECISION = 1e-7  # degrees: about 1 cm
# Attribute names a parcel's number goes by in survey files, in the order they are tried.
NUMBER_FIELDS = ("宗地号", "宗地编号", "ZDH", "ZDDM", "ZDBH", "number", "parcel_number", "NUMBER", "parcel")


@dataclass(frozen=True)
class Boundary:
    """One parcel's normalised boundary and its ellipsoidal area."""

    geometry: Polygon | MultiPolygon
    area_m2: float

    @property
    def area_mu(self) -> Decimal:
        return (Decimal(repr(self.area_m2)) / M2_PER_MU).quantize(Decimal("0.01"))

    @property
    def area_ha(self) -> Decimal:
        return (Decimal(repr(self.area_m2)) / 10_000).quantize(Decimal("0.0001"))

    def as_geojson(self) -> dict:
        return geojson(self.geometry)


def area_m2(geometry: Polygon | MultiPolygon) -> float:
    """The area on the ellipsoid, in m², of a longitude/latitude geometry."""
    return abs(GEOD.geometry_area_perimeter(geometry)[0])


def measured(stored: dict) -> Boundary:
    """A stored boundary (GeoJSON in EPSG:4490, checked when it was submitted) with its area: no checks again."""
    geometry = shape(stored)
    return Boundary(geometry, area_m2(geometry))


def normalised(geometry: Polygon | MultiPolygon) -> Polygon | MultiPolygon:
    """The registry's form of a boundary in EPSG:4490 degrees: snapped to 1e-7°, normalised, exterior
    rings counter-clockwise (RFC 7946 §3.1.6). The same land gives the same form whatever the input."""
    geometry = shapely.normalize(shapely.set_precision(geometry, PRECISION))
    if isinstance(geometry, Polygon):
        return orient(geometry, 1.0)
    if isinstance(geometry, MultiPolygon):
        return MultiPolygon([orient(part, 1.0) for part in geometry.geoms])
    return geometry  # collapsed to lines or points at centimetre precision: check() refuses it


def geojson(geometry: Polygon | MultiPolygon) -> dict:
    """A GeoJSON geometry with every coordinate rounded to 7 decimals, lists not tuples."""
    def rounded(value):
        if isinstance(value, (list, tuple)):
            return [rounded(v) for v in value]
        return round(value, 7)

    found = mapping(geometry)
    return {"type": found["type"], "coordinates": rounded(found["coordinates"])}


def canonical(document: dict) -> bytes:
    """The bytes the registry serves and hashes: JSON with sorted keys, no spaces, UTF-8."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def feature_collection(parcels: list[dict]) -> dict:
    """An application's parcels, each with its boundary and its tenure certificate (kind, number and the scan's
    sha256, if given), as the GeoJSON the registry serves and hashes."""
    def properties(p: dict) -> dict:
        found = {"number": p["number"], "location": p["location"], "land_type": p["land_type"],
                 "area_mu": str(p["area_mu"])}
        if p.get("tenure"):
            found["tenure"] = p["tenure"]
        return found

    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": p["boundary"], "properties": properties(p)} for p in parcels]}


def boundaries_hash(parcels: list[dict]) -> bytes:
    """What goes on chain with the application: sha256 of the served FeatureCollection."""
    return hashlib.sha256(canonical(feature_collection(parcels))).digest()


def check(number: str, geometry: dict | Polygon | MultiPolygon, *, extent: tuple[float, float, float, float],
          declared_mu: Decimal | None = None, tolerance: float = 0.05, field: str = "parcels") -> Boundary:
    """One parcel's boundary, read from GeoJSON in EPSG:4490 or WGS 84 and checked: a polygon, valid, not
    empty, inside the district's extent, and, with `declared_mu`, its area within `tolerance` of it."""
    def refuse(code: str, message: str, **detail) -> Invalid:
        return Invalid(code, f"parcel {number}: {message}", detail={"field": field, "parcel": number, **detail})

    if not isinstance(geometry, (Polygon, MultiPolygon)):
        try:
            geometry = shape(geometry)
        except Exception as error:
            raise refuse("BOUNDARY_UNREADABLE", f"the boundary is not GeoJSON ({error})") from error
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise refuse("BOUNDARY_NOT_POLYGON", f"a boundary is a Polygon or MultiPolygon, not {geometry.geom_type}")
    if geometry.is_empty:
        raise refuse("BOUNDARY_EMPTY", "the boundary is empty")
    if not geometry.is_valid:
        raise refuse("BOUNDARY_INVALID", f"the boundary is not a valid shape: {shapely.is_valid_reason(geometry)}",
                     reason=shapely.is_valid_reason(geometry))
    min_lon, min_lat, max_lon, max_lat = extent
    lon0, lat0, lon1, lat1 = geometry.bounds
    if not (min_lon <= lon0 and lon1 <= max_lon and min_lat <= lat0 and lat1 <= max_lat):
        raise refuse("BOUNDARY_OUTSIDE_DISTRICT",
                     f"the boundary ({lon0:.5f}, {lat0:.5f})–({lon1:.5f}, {lat1:.5f}) lies outside the district's "
                     f"extent ({min_lon}, {min_lat})–({max_lon}, {max_lat}); are longitude and latitude swapped, "
                     "or is this a projected file without its .prj?", bounds=[lon0, lat0, lon1, lat1])
    geometry = normalised(geometry)
    if geometry.is_empty or not geometry.is_valid or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise refuse("BOUNDARY_INVALID", "the boundary collapses at centimetre precision")
    boundary = Boundary(geometry, area_m2(geometry))
    if declared_mu is not None and declared_mu > 0:
        off = abs(float(boundary.area_mu) - float(declared_mu)) / float(declared_mu)
        if off > tolerance:
            raise refuse("BOUNDARY_AREA_MISMATCH",
                         f"the boundary's area is {boundary.area_mu} 亩 ({boundary.area_ha} ha), the declared 面积 "
                         f"{declared_mu} 亩: {off:.1%} apart, more than the {tolerance:.0%} the registry allows",
                         area_mu=str(boundary.area_mu), declared_mu=str(declared_mu), tolerance=tolerance)
    return boundary


# ---------------------------------------------------------------- files: GeoJSON and zipped shapefiles


def read_file(name: str, content: bytes) -> list[tuple[str | None, Polygon | MultiPolygon]]:
    """The features of a boundary file, each as (its parcel number if an attribute names it, its geometry
    in EPSG:4490 degrees, not yet checked). GeoJSON, or a .zip holding one shapefile with its .prj."""
    if content[:2] == b"PK" or name.lower().endswith(".zip"):
        return _read_shapefile(content)
    return _read_geojson(content)


def _number(properties: dict) -> str | None:
    for key in NUMBER_FIELDS:
        value = properties.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return None


def _read_geojson(content: bytes) -> list[tuple[str | None, Polygon | MultiPolygon]]:
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise Invalid("BOUNDARY_FILE_UNREADABLE", "the file is neither GeoJSON nor a zipped shapefile",
                      detail={"field": "file"}) from error
    source = CGCS2000
    name = ((document.get("crs") or {}).get("properties") or {}).get("name") if isinstance(document, dict) else None
    if name:  # the old GeoJSON (2008) crs member; RFC 7946 dropped it, but survey software still writes it
        source = _crs(name)
    kind = document.get("type") if isinstance(document, dict) else None
    if kind == "FeatureCollection":
        features = document.get("features") or []
    elif kind == "Feature":
        features = [document]
    elif kind in ("Polygon", "MultiPolygon"):
        features = [{"type": "Feature", "geometry": document, "properties": {}}]
    else:
        raise Invalid("BOUNDARY_FILE_UNREADABLE", "the GeoJSON holds no polygons", detail={"field": "file"})
    found = []
    for position, feature in enumerate(features, start=1):
        try:
            geometry = shape(feature["geometry"])
        except Exception as error:
            raise Invalid("BOUNDARY_FILE_UNREADABLE", f"feature {position} has no readable geometry ({error})",
                          detail={"field": "file", "feature": position}) from error
        found.append((_number(feature.get("properties") or {}), _to_cgcs2000(geometry, source)))
    return found


def _crs(text: str) -> CRS:
    try:
        return CRS.from_user_input(text)
    except Exception as error:
        raise Invalid("BOUNDARY_CRS_UNKNOWN", f"the coordinate system {text[:80]!r} is not one pyproj knows",
                      detail={"field": "file"}) from error


def _to_cgcs2000(geometry, source: CRS):
    if source.equals(CGCS2000) or source.equals(CRS.from_epsg(4326)):
        return geometry
    transformer = Transformer.from_crs(source, CGCS2000, always_xy=True)
    return shapely.transform(geometry, lambda xy: numpy.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _read_shapefile(content: bytes) -> list[tuple[str | None, Polygon | MultiPolygon]]:
    import pyogrio.raw

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = archive.namelist()
    except zipfile.BadZipFile as error:
        raise Invalid("BOUNDARY_FILE_UNREADABLE", "the .zip cannot be opened", detail={"field": "file"}) from error
    shapes = [n for n in names if n.lower().endswith(".shp") and not n.startswith("__MACOSX")]
    if len(shapes) != 1:
        raise Invalid("BOUNDARY_FILE_UNREADABLE", f"the .zip must hold exactly one .shp, it holds {len(shapes)}",
                      detail={"field": "file"})
    stem = shapes[0][:-4]
    if not any(n.lower() == f"{stem}.prj".lower() for n in names):
        raise Invalid("BOUNDARY_CRS_MISSING", "the shapefile has no .prj: its coordinate system is unknown. Export "
                      "it again with the projection file (for example CGCS2000 3-degree Gauss–Krüger)",
                      detail={"field": "file"})
    with tempfile.TemporaryDirectory() as folder:
        for member in names:
            if Path(member).name and not member.endswith("/") and Path(member).name.startswith(Path(stem).name):
                (Path(folder) / Path(member).name).write_bytes(archive.read(member))
        try:
            meta, _fids, geometries, fields = pyogrio.raw.read(Path(folder) / f"{Path(stem).name}.shp")
        except Exception as error:
            raise Invalid("BOUNDARY_FILE_UNREADABLE", f"the shapefile cannot be read ({error})",
                          detail={"field": "file"}) from error
    source = _crs(meta["crs"]) if meta.get("crs") else None
    if source is None:
        raise Invalid("BOUNDARY_CRS_MISSING", "the shapefile's .prj names no coordinate system pyproj knows",
                      detail={"field": "file"})
    columns = list(meta["fields"])
    found = []
    for row, wkb in enumerate(geometries):
        properties = {column: values[row] for column, values in zip(columns, fields)}
        found.append((_number(properties), _to_cgcs2000(shapely.from_wkb(wkb), source)))
    return found


def square(lon: float, lat: float, area_mu: Decimal | float) -> Polygon:
    """A square of `area_mu` 亩 whose south-west corner is (lon, lat): the parcels of the demo and the tests."""
    side_m = math.sqrt(float(area_mu) * float(M2_PER_MU))
    dlat = side_m / 110_574.0
    dlon = side_m / (111_320.0 * math.cos(math.radians(lat + dlat / 2)))
    return Polygon([(lon, lat), (lon + dlon, lat), (lon + dlon, lat + dlat), (lon, lat + dlat)])
