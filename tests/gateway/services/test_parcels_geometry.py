"""Parcels as geometry (§7, §2): boundaries read from a zipped shapefile in a CGCS2000 Gauss–Krüger zone and
from GeoJSON in EPSG:4490 give the same land and area; bad shapes are refused naming the parcel and the
problem, with nothing sent; the same land is never credited twice (re-numbered, shifted, on the CCER list or
under a harvest plan) at submission, filing or minting, while a neighbour sharing only an edge is accepted; and
the GeoJSON the project page serves hashes to the `boundaries_hash` the chain holds."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import zipfile
from pathlib import Path

import httpx
import numpy
import pyogrio.raw
import pytest
import shapely
from sqlalchemy import select
from pyproj import Transformer
from shapely.affinity import translate
from shapely.geometry import Polygon, mapping

from gateway.core.db import User
from gateway.core.schemas import ApplicationCreate
from gateway.runtime.wiring import Actor
from gateway.services import applications, geometry, users
from gateway.services.geometry import M2_PER_MU
from support import api
from support.api import Holder
from support.http import API, error_of, ok
from support.land import with_boundaries

GK_ZONE = "EPSG:4546"  # CGCS2000 / 3-degree Gauss–Krüger CM 111E: 赫山区's west lies in it
TO_DEGREES = Transformer.from_crs(GK_ZONE, "EPSG:4490", always_xy=True)
TO_METRES = Transformer.from_crs("EPSG:4490", GK_ZONE, always_xy=True)
# A band of the district no other test's parcels use (tests/support/land.py packs below 28.40°, the demo
# story starts at 28.45°): each test takes a field of its own along it.
_fields = itertools.count()


def field_in_metres() -> Polygon:
    """An irregular field of about 280 亩 in the Gauss–Krüger zone's metres, at a place of its own."""
    k = next(_fields)
    x, y = TO_METRES.transform(112.03 + (k % 60) * 0.015, 28.412 + (k // 60 % 2) * 0.012)
    return Polygon([(x, y), (x + 400, y + 50), (x + 450, y + 400), (x + 100, y + 500), (x - 50, y + 300)])


def degrees(polygon: Polygon) -> Polygon:
    return shapely.transform(polygon, lambda xy: numpy.column_stack(TO_DEGREES.transform(xy[:, 0], xy[:, 1])))


def mu(polygon_in_metres: Polygon) -> str:
    return str(round(polygon_in_metres.area / float(M2_PER_MU), 2))


def zipped_shapefile(tmp_path: Path, shapes: dict[str, Polygon], *, crs: str | None = GK_ZONE) -> bytes:
    folder = tmp_path / "shp"
    folder.mkdir(exist_ok=True)
    pyogrio.raw.write(
        folder / "宗地.shp", numpy.array([shapely.to_wkb(s) for s in shapes.values()], dtype=object),
        [numpy.array(list(shapes), dtype=object)], ["ZDH"], driver="ESRI Shapefile", geometry_type="Polygon",
        crs=crs, encoding="UTF-8")
    if crs is None:
        (folder / "宗地.prj").unlink(missing_ok=True)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for path in folder.iterdir():
            z.write(path, path.name)
    return archive.getvalue()


def geojson_file(shapes: dict[str, Polygon]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:4490"}},
                       "features": [{"type": "Feature", "properties": {"宗地号": n}, "geometry": mapping(s)}
                                    for n, s in shapes.items()]}).encode()


def read(client, headers, name: str, content: bytes):
    return client.post(f"{API}/parcels/boundaries", headers=headers, files={"file": (name, content)})


def application(client, holder, number: str, boundary: Polygon, area_mu: str, **changes) -> dict:
    form = api.application_form(api.upload(client, holder.headers), **changes)
    return with_boundaries({**form, "parcels": [{"number": number, "location": "泉交河镇某村", "land_type": "FOREST",
                                                 "area_mu": area_mu, "boundary": mapping(boundary)}]})


def applications_count(gateway) -> int:
    return gateway.registry.call("application_count")


@pytest.fixture
def holder(new_holder):
    return new_holder()


# ---------------------------------------------------------------- reading: the same field, two files


def test_read__gk_shapefile_and_epsg4490_geojson__same_area_within_a_thousandth(client, holder, tmp_path):
    field = field_in_metres()
    from_shapefile = ok(read(client, holder.headers, "宗地.zip", zipped_shapefile(tmp_path, {"430903-GK-1": field})))
    from_geojson = ok(read(client, holder.headers, "宗地.geojson", geojson_file({"430903-GK-1": degrees(field)})))
    assert [f["number"] for f in from_shapefile] == [f["number"] for f in from_geojson] == ["430903-GK-1"]
    a, b = float(from_shapefile[0]["area_mu"]), float(from_geojson[0]["area_mu"])
    assert abs(a - b) / b < 0.001
    assert abs(a - float(mu(field))) / a < 0.001  # the ellipsoid agrees with the zone's metres near its meridian
    assert float(from_shapefile[0]["area_ha"]) == pytest.approx(a * float(M2_PER_MU) / 10_000, rel=1e-3)
    # Normalised alike: the two readings are one shape to within the registry's centimetre.
    one, other = shapely.geometry.shape(from_shapefile[0]["boundary"]), shapely.geometry.shape(from_geojson[0]["boundary"])
    assert one.symmetric_difference(other).area < 1e-9


@pytest.mark.parametrize("content, code", [
    pytest.param(b"not a map", "BOUNDARY_FILE_UNREADABLE", id="garbage"),
    pytest.param(b'{"type": "Point", "coordinates": [112.3, 28.4]}', "BOUNDARY_FILE_UNREADABLE", id="point_document"),
    pytest.param(b"PK\x03\x04 broken", "BOUNDARY_FILE_UNREADABLE", id="broken_zip"),
])
def test_read__unreadable_file__refused(client, holder, content, code):
    error_of(read(client, holder.headers, "x.geojson", content), 422, code)


def test_read__shapefile_without_prj__refused_asking_for_it(client, holder, tmp_path):
    content = zipped_shapefile(tmp_path, {"430903-GK-2": field_in_metres()}, crs=None)
    body = error_of(read(client, holder.headers, "宗地.zip", content), 422, "BOUNDARY_CRS_MISSING")
    assert ".prj" in body["message"]


def test_read__not_logged_in__refused(client, tmp_path):
    assert read(client, {}, "宗地.geojson", geojson_file({"X": degrees(field_in_metres())})).status_code == 401


# ---------------------------------------------------------------- submitting: bad shapes, named


def _bowtie() -> dict:
    return {"type": "Polygon", "coordinates": [[[112.5, 28.41], [112.51, 28.42], [112.51, 28.41], [112.5, 28.42],
                                                [112.5, 28.41]]]}


@pytest.mark.parametrize("boundary, code", [
    pytest.param(None, "BOUNDARY_REQUIRED", id="missing"),
    pytest.param(_bowtie(), "BOUNDARY_INVALID", id="self_intersecting"),
    pytest.param({"type": "Polygon", "coordinates": []}, "BOUNDARY_EMPTY", id="empty"),
    pytest.param({"type": "Point", "coordinates": [112.5, 28.41]}, "BOUNDARY_NOT_POLYGON", id="point"),
    pytest.param({"type": "Polygon", "coordinates": [[[28.41, 112.5], [28.42, 112.5], [28.42, 112.51],
                                                      [28.41, 112.5]]]}, "BOUNDARY_OUTSIDE_DISTRICT", id="swapped"),
    pytest.param({"type": "Polygon", "coordinates": "nonsense"}, "BOUNDARY_UNREADABLE", id="unreadable"),
])
def test_submit__bad_boundary__refused_naming_the_parcel_and_nothing_sent(client, gateway, holder, boundary, code):
    form = application(client, holder, "430903-BAD-1", degrees(field_in_metres()), "280")
    form["parcels"][0]["boundary"] = boundary
    before = applications_count(gateway)
    body = error_of(client.post(f"{API}/applications", headers=holder.headers, json=form), 422, code)
    assert body["detail"]["parcel"] == "430903-BAD-1"
    assert body["detail"]["field"] == "parcels.0.boundary"
    assert applications_count(gateway) == before


def test_submit__area_far_from_declared__refused_with_both_areas(client, gateway, holder):
    field = field_in_metres()
    declared = str(round(float(mu(field)) * 1.2, 2))  # 20 % more than the boundary holds
    before = applications_count(gateway)
    body = error_of(client.post(f"{API}/applications", headers=holder.headers,
                                json=application(client, holder, "430903-AREA-1", degrees(field), declared)),
                    422, "BOUNDARY_AREA_MISMATCH")
    assert body["detail"]["declared_mu"] == declared
    assert abs(float(body["detail"]["area_mu"]) - float(mu(field))) / float(mu(field)) < 0.001
    assert applications_count(gateway) == before


# ---------------------------------------------------------------- no land credited twice (§7)


def test_submit__same_land_new_number__refused_naming_application_and_overlap(client, gateway, holder, new_holder):
    field = field_in_metres()
    first = api.submit(client, holder, application(client, holder, "430903-HILL-1", degrees(field), mu(field)))
    other = new_holder()
    before = applications_count(gateway)
    body = error_of(client.post(f"{API}/applications", headers=other.headers,
                                json=application(client, other, "430903-HILL-1-新编号", degrees(field), mu(field))),
                    422, "PARCEL_OVERLAPS")
    (overlap,) = body["detail"]["overlaps"]
    assert overlap["application"] == first.id and overlap["number"] == "430903-HILL-1"
    assert float(overlap["overlap_mu"]) == pytest.approx(float(mu(field)), rel=1e-3)
    assert f"application {first.id}" in body["message"] and "亩" in body["message"]
    assert applications_count(gateway) == before


def test_submit__shifted_copy_overlapping_thirty_percent__refused(client, gateway, holder):
    field = Polygon([(0, 0), (400, 0), (400, 400), (0, 400)])
    origin = field_in_metres().exterior.coords[0]
    field = translate(field, *origin)
    api.submit(client, holder, application(client, holder, "430903-SHIFT-1", degrees(field), mu(field)))
    shifted = translate(field, xoff=280)  # 120 m of 400 still shared: 30 %
    body = error_of(client.post(f"{API}/applications", headers=holder.headers,
                                json=application(client, holder, "430903-SHIFT-2", degrees(shifted), mu(shifted))),
                    422, "PARCEL_OVERLAPS")
    shared = float(body["detail"]["overlaps"][0]["overlap_mu"])
    assert shared == pytest.approx(0.3 * float(mu(field)), rel=0.01)


def test_submit__neighbour_sharing_only_an_edge__accepted(client, holder):
    origin = field_in_metres().exterior.coords[0]
    west = translate(Polygon([(0, 0), (400, 0), (400, 400), (0, 400)]), *origin)
    east = translate(west, xoff=400)
    api.submit(client, holder, application(client, holder, "430903-EDGE-1", degrees(west), mu(west)))
    assert api.submit(client, holder, application(client, holder, "430903-EDGE-2", degrees(east), mu(east))).id


def test_submit__same_land_another_monitoring_period__accepted(client, holder):
    field = field_in_metres()
    api.submit(client, holder, application(client, holder, "430903-YEARS-1", degrees(field), mu(field),
                                           start="2020-01-01", end="2021-12-31"))
    assert api.submit(client, holder, application(client, holder, "430903-YEARS-2", degrees(field), mu(field),
                                                  start="2022-01-01", end="2023-12-31")).id


def test_submit__land_of_a_rejected_application__accepted(client, officials, holder):
    field = field_in_metres()
    first = api.submit(client, holder, application(client, holder, "430903-REJ-1", degrees(field), mu(field)))
    ok(client.post(f"{API}/applications/{first.id}/formal-review", headers=officials["CENTER"],
                   json={"decision": "pass"}))
    ok(client.post(f"{API}/applications/{first.id}/preliminary-review", headers=officials["CENTER"],
                   json={"decision": "reject", "reason": "宗地权属不清"}))
    assert api.submit(client, holder, application(client, holder, "430903-REJ-2", degrees(field), mu(field))).id


def test_ccer_polygon__blocks_overlapping_land_until_unlisted(client, officials, holder):
    field = field_in_metres()
    listing = {"parcel_number": "CCER-PLAN-1", "listed": True, "boundary": mapping(degrees(field))}
    ok(client.post(f"{API}/parcels/ccer", headers=officials["EEB"], json=listing))
    inside = shapely.affinity.scale(field, 0.5, 0.5)
    body = error_of(client.post(f"{API}/applications", headers=holder.headers,
                                json=application(client, holder, "430903-CCER-1", degrees(inside), mu(inside))),
                    422, "PARCEL_OVERLAPS")
    assert body["detail"]["overlaps"][0]["application"] is None
    assert "CCER" in body["message"]
    ok(client.post(f"{API}/parcels/ccer", headers=officials["EEB"], json={**listing, "listed": False}))
    assert api.submit(client, holder, application(client, holder, "430903-CCER-1", degrees(inside), mu(inside))).id


def submitted_together(gateway, *entries: tuple[Holder, dict]) -> list[api.Application]:
    """Submissions that slipped past each other, as requests arriving at once do: each one checked
    (services.applications.admissible) before any is sent and its land kept; then sent in order."""
    checked = []
    for holder, form in entries:
        with gateway.db.sessions() as db:
            user = db.scalar(select(User).where(User.username == holder.username))
            form = ApplicationCreate(**form)
            applications.admissible(gateway, db, preparer=user, form=form)
            checked.append((user.id, form))
    sent = []
    for user_id, form in checked:
        with gateway.db.sessions() as db:
            user = db.get(User, user_id)
            actor = Actor(user=user, signer_of=lambda signing: users.signer(gateway, signing))
            submitted = applications.send(gateway, db, actor=actor, form=form, parties=applications.Parties(user),
                                          preparer=user)
            db.commit()
        sent.append(api.Application(submitted.application, form.documents.report, str(form.claimed_t)))
    return sent


def _square() -> Polygon:
    """A 400 m square field (240 亩) at a place of its own, in the zone's metres."""
    return translate(Polygon([(0, 0), (400, 0), (400, 400), (0, 400)]), *field_in_metres().exterior.coords[0])


def _take(how: str, client, officials, field: Polygon, number: str) -> None:
    """The whole of `field` put on the CCER list by the EEB, or under a non-tending harvest FORESTRY plans in
    the monitoring period (§2, §9)."""
    if how == "ccer":
        ok(client.post(f"{API}/parcels/ccer", headers=officials["EEB"],
                       json={"parcel_number": f"CCER-{number}", "listed": True, "boundary": mapping(degrees(field))}))
    else:
        ok(client.post(f"{API}/parcels/harvest-plans", headers=officials["FORESTRY"], json={
            "parcel_number": f"HARVEST-{number}", "start": "2023-03-01", "end": "2023-04-30", "tending": False,
            "boundary": mapping(degrees(field))}))


def _raced(how: str, client, gateway, holder, other, number: str) -> tuple[api.Application, float]:
    """An application of `holder` that slipped past another's on the same land at submission (the other sent
    first): the same polygon under a new number, a copy shifted to overlap 30 %, or a neighbour east sharing
    its edge; the application and the share of its land the other holds."""
    field = _square()
    taker, share = {"renumbered": (field, 1.0), "shifted": (translate(field, xoff=280), 0.3),
                    "edge": (translate(field, xoff=400), 0.0)}[how]
    _, subject = submitted_together(
        gateway, (other, application(client, other, f"{number}-新编号", degrees(taker), mu(taker))),
        (holder, application(client, holder, number, degrees(field), mu(field))))
    return subject, share


def _refused_with_nothing_changed(client, gateway, officials, subject: api.Application, step: str, share: float,
                                  source: str) -> dict:
    """The filing (EEB) or the mint (GOV) refused naming the one overlap and its 亩, with nothing sent."""
    status, block = gateway.index.application(subject.id).status, gateway.registry.chain.w3.eth.block_number
    if step == "filing":
        response = client.post(f"{API}/applications/{subject.id}/filing", headers=officials["EEB"],
                               json={"decision": "file", "filing_number": f"赫环碳备〔2026〕{subject.id}号"})
    else:
        response = client.post(f"{API}/applications/{subject.id}/mint", headers=officials["GOV"])
    body = error_of(response, 422, "PARCEL_OVERLAPS")
    (overlap,) = body["detail"]["overlaps"]
    assert overlap["source"] == source
    assert float(overlap["overlap_mu"]) == pytest.approx(share * float(mu(_square())), rel=0.01)
    assert f"{overlap['overlap_mu']} 亩" in body["message"]
    assert gateway.index.application(subject.id).status == status
    assert gateway.registry.chain.w3.eth.block_number == block  # nothing sent
    return overlap


@pytest.mark.parametrize("how", ["renumbered", "shifted"])
def test_filing__other_application_on_the_land_slipped_past_at_submission__refused_naming_it(
    client, gateway, officials, holder, new_holder, how
):
    subject, share = _raced(how, client, gateway, holder, new_holder(), f"430903-RACE-{how}")
    api.walk(client, officials, subject, through="eeb_review")
    overlap = _refused_with_nothing_changed(client, gateway, officials, subject, "filing", share, "APPLICATION")
    assert overlap["application"] == subject.id - 1 and overlap["number"] == f"430903-RACE-{how}-新编号"


@pytest.mark.parametrize("how, source", [("ccer", "CCER"), ("harvest", "HARVEST")])
@pytest.mark.parametrize("step", ["filing", "mint"])
def test_filing_and_mint__land_listed_or_planned_for_harvest_after_the_step_before__refused(
    client, gateway, officials, holder, how, source, step
):
    field = _square()
    number = f"430903-LATE-{how}-{step}"
    subject = api.submit(client, holder, application(client, holder, number, degrees(field), mu(field)))
    api.walk(client, officials, subject, through="eeb_review" if step == "filing" else "filing")
    _take(how, client, officials, field, number)
    _refused_with_nothing_changed(client, gateway, officials, subject, step, 1.0, source)


def test_filing_and_mint__neighbour_sharing_only_an_edge__filed_and_minted(client, gateway, officials, holder,
                                                                           new_holder):
    subject, _ = _raced("edge", client, gateway, holder, new_holder(), "430903-RACE-edge")
    assert api.walk(client, officials, subject)
    assert gateway.index.application(subject.id).status == "ISSUED"


# ---------------------------------------------------------------- what the public sees is what was reviewed


def test_project__served_geojson_hashes_to_the_boundaries_hash_on_chain(client, gateway, officials, holder):
    field = field_in_metres()
    submitted = api.submit(client, holder, application(client, holder, "430903-PUB-1", degrees(field), mu(field)))
    assert client.get(f"{API}/public/projects/{submitted.id}").status_code == 404  # under review: not public
    number = api.walk(client, officials, submitted)
    served = client.get(f"{API}/public/projects/{submitted.id}/parcels.geojson")
    assert served.status_code == 200 and served.headers["content-type"] == "application/geo+json"
    on_chain = _submitted_boundaries_hash(gateway, submitted.id)
    assert hashlib.sha256(served.content).digest() == on_chain
    feature = json.loads(served.content)["features"][0]
    assert feature["properties"]["number"] == "430903-PUB-1"
    project = ok(client.get(f"{API}/public/projects/{submitted.id}"))
    assert project["boundaries"]["match"] is True
    assert project["boundaries"]["on_chain"] == on_chain.hex()
    assert [c["number"] for c in project["coupons"]] == [number]
    assert float(project["parcels"][0]["measured_mu"]) == pytest.approx(float(mu(field)), rel=1e-3)
    everything = ok(client.get(f"{API}/public/parcels.geojson"))
    mine = [f for f in everything["features"] if f["properties"]["project"] == submitted.id]
    assert [f["properties"]["state"] for f in mine] == ["ISSUED"]


def _submitted_boundaries_hash(gateway, application_id: int) -> bytes:
    """The hash as the chain's own log holds it: ApplicationSubmitted read from the contract's events."""
    contract = gateway.registry.applications
    (event,) = contract.events.ApplicationSubmitted.get_logs(
        from_block=0, argument_filters={"application": application_id})
    return bytes(event.args["boundaries_hash"])


# ---------------------------------------------------------------- harvest plans and tenure by place (§9, §2)


@pytest.mark.parametrize("tending, refused", [(False, True), (True, False)], ids=["harvest", "tending_thinning"])
def test_harvest_plan_area__non_tending_harvest_in_the_period__refuses_the_land(client, officials, holder, tending,
                                                                               refused):
    field = field_in_metres()
    ok(client.post(f"{API}/parcels/harvest-plans", headers=officials["FORESTRY"], json={
        "parcel_number": f"HARVEST-{tending}-{field.bounds[0]:.0f}", "start": "2023-03-01", "end": "2023-04-30",
        "tending": tending, "boundary": mapping(degrees(field))}))
    response = client.post(f"{API}/applications", headers=holder.headers,
                           json=application(client, holder, f"430903-HV-{field.bounds[0]:.0f}", degrees(field), mu(field)))
    if refused:
        body = error_of(response, 422, "PARCEL_OVERLAPS")
        assert body["detail"]["overlaps"][0]["source"] == "HARVEST" and "§9" in body["message"]
    else:
        assert response.status_code == 201, response.text


def test_tenure__certificate_and_scan__kept_with_the_boundary_and_shown_without_the_scan(
    client, gateway, officials, holder, new_holder
):
    field = field_in_metres()
    scan = api.upload(client, holder.headers, name="林权证.pdf")
    form = application(client, holder, "430903-TEN-1", degrees(field), mu(field))
    form["parcels"][0]["tenure"] = {"kind": "FOREST_RIGHT", "number": "湘(2019)赫山林权第0001号", "document": scan}
    stranger_scan = api.upload(client, new_holder().headers, name="别人的林权证.pdf")
    refused = {**form, "parcels": [{**form["parcels"][0], "tenure": {**form["parcels"][0]["tenure"],
                                                                       "document": stranger_scan}}]}
    error_of(client.post(f"{API}/applications", headers=holder.headers, json=refused), 422, "DOCUMENT_NOT_FOUND")
    submitted = api.submit(client, holder, form)
    api.walk(client, officials, submitted, through="filing")
    project = ok(client.get(f"{API}/public/projects/{submitted.id}"))
    assert project["parcels"][0]["tenure"] == {"kind": "FOREST_RIGHT", "number": "湘(2019)赫山林权第0001号"}
    served = client.get(f"{API}/public/projects/{submitted.id}/parcels.geojson")
    assert json.loads(served.content)["features"][0]["properties"]["tenure"]["document"] == scan  # its hash only
    assert hashlib.sha256(served.content).digest() == _submitted_boundaries_hash(gateway, submitted.id)


def _with_tenure(client, holder, form: dict, number: str, kind: str = "FOREST_RIGHT") -> dict:
    """`form` with its parcel shown under tenure certificate `number` of `kind`, the scan uploaded by `holder`."""
    scan = api.upload(client, holder.headers, name="权证.pdf")
    return {**form, "parcels": [{**form["parcels"][0], "tenure": {"kind": kind, "number": number, "document": scan}}]}


@pytest.mark.parametrize("tenure, field", [(None, "parcels.1.tenure"), ("no scan", "parcels.1.tenure.document")],
                         ids=["no_certificate", "no_scan"])
def test_tenure__parcel_without_its_certificate__refused_naming_the_parcel_and_the_field(client, gateway, holder,
                                                                                        tenure, field):
    first, second = _square(), _square()
    form = application(client, holder, "430903-TQ-1", degrees(first), mu(first))
    parcel = {**application(client, holder, f"430903-TQ-{second.bounds[0]:.0f}", degrees(second), mu(second))[
        "parcels"][0]}
    parcel["tenure"] = None if tenure is None else {**parcel["tenure"], "document": None}
    before = applications_count(gateway)
    body = error_of(client.post(f"{API}/applications", headers=holder.headers,
                                json={**form, "parcels": [*form["parcels"], parcel]}), 422, "TENURE_REQUIRED")
    assert body["detail"] == {"field": field, "parcel": parcel["number"]}
    assert parcel["number"] in body["message"] and "§2" in body["message"]
    assert applications_count(gateway) == before


@pytest.mark.parametrize("start, end, refused", [("2022-06-01", "2023-12-31", True), ("2024-01-02", "2024-12-31", False)],
                         ids=["overlapping_period", "later_period"])
def test_tenure__certificate_backing_another_application__refused_in_an_overlapping_period(
    client, gateway, holder, new_holder, start, end, refused
):
    first_field, other_field = _square(), _square()  # two fields apart: only the certificate is shared
    certificate = f"湘(2019)赫山林权第{first_field.bounds[0]:.0f}号"
    first = api.submit(client, holder, _with_tenure(client, holder, application(
        client, holder, f"430903-TC-{start}", degrees(first_field), mu(first_field)), certificate))
    other = new_holder()
    typed_otherwise = certificate.replace("(", "（").replace(")", "）").replace("2019", "２０１９")  # the same, normalised
    form = _with_tenure(client, other, application(client, other, f"430903-TC-{start}-另", degrees(other_field),
                                                   mu(other_field), start=start, end=end), typed_otherwise)
    before = applications_count(gateway)
    response = client.post(f"{API}/applications", headers=other.headers, json=form)
    if not refused:
        assert response.status_code == 201, response.text
        return
    body = error_of(response, 422, "TENURE_CERTIFICATE_USED")
    assert body["detail"]["applications"] == [first.id] and f"application {first.id}" in body["message"]
    assert body["detail"]["field"] == "parcels.0.tenure.number" and body["detail"]["parcel"] == f"430903-TC-{start}-另"
    assert applications_count(gateway) == before
    # Another kind of certificate under the same number is another certificate.
    assert api.submit(client, other, _with_tenure(client, other, form, certificate, kind="REAL_ESTATE")).id


def test_tenure__certificate_of_an_earlier_application_slipped_past_at_submission__refused_at_filing(
    client, gateway, officials, holder, new_holder
):
    other = new_holder()
    place = f"{_square().bounds[0]:.0f}"
    certificate = f"湘(2020)赫山林权第{place}号"
    earlier, later = (_with_tenure(client, who, application(client, who, f"430903-TCR-{place}-{n}",
                                                           degrees(field), mu(field)), certificate)
                      for n, (who, field) in enumerate([(other, _square()), (holder, _square())]))
    first, subject = submitted_together(gateway, (other, earlier), (holder, later))
    api.walk(client, officials, subject, through="eeb_review")
    block = gateway.registry.chain.w3.eth.block_number
    body = error_of(client.post(f"{API}/applications/{subject.id}/filing", headers=officials["EEB"],
                                json={"decision": "file", "filing_number": f"赫环碳备〔2026〕{subject.id}号"}),
                    422, "TENURE_CERTIFICATE_USED")
    assert body["detail"]["applications"] == [first.id]
    assert gateway.registry.chain.w3.eth.block_number == block  # nothing sent
    assert api.walk(client, officials, first)  # the earlier one, whose certificate it is, goes on to its coupon


def test_tenure__certificate_and_its_scan_are_part_of_the_boundaries_hash():
    parcel = {"number": "430903-H-1", "location": "泉交河镇", "land_type": "FOREST", "area_mu": "100",
              "boundary": mapping(Polygon([(112.1, 28.1), (112.101, 28.1), (112.101, 28.101)])),
              "tenure": {"kind": "FOREST_RIGHT", "number": "林证-1", "document": "ab" * 32}}
    hashes = {geometry.boundaries_hash([p]) for p in (
        parcel, {**parcel, "tenure": None}, {**parcel, "tenure": {**parcel["tenure"], "number": "林证-2"}},
        {**parcel, "tenure": {**parcel["tenure"], "document": "cd" * 32}})}
    assert len(hashes) == 4


def test_maps__tile_service_configured__pages_ask_for_its_tiles_and_the_policy_admits_its_host(served, client,
                                                                                               officials, holder):
    number = api.mint(client, officials, holder)
    tiles = "https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
    base = served(map_tiles=tiles, map_tiles_attribution="天地图")
    page = httpx.get(f"{base}/coupons/{number}")
    assert 'data-tiles="https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY&amp;TILEMATRIX={z}' in page.text
    assert "img-src 'self' data: https://*.tianditu.gov.cn" in page.headers["content-security-policy"]
    plain = client.get(f"/coupons/{number}")
    assert "data-tiles" not in plain.text and "img-src 'self' data:;" in plain.headers["content-security-policy"]
