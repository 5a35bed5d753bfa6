"""What anyone may read without logging in (§13, DESIGN §7, §9): provenance,
the disclosure board (附件5), statistics, exports and offset verification —
and that none of it shows an identity number, its hash or a person's name."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from gateway.core.db import User
from gateway.core.identity import make_resident_id, make_uscc
from gateway.catalogue.units import day_start
from support import api
from support.api import accepted_purchase, list_coupon, owner_request, register_holder
from support.exports import amount, read_csv
from support.http import API, ok

LIVE = ("ACTIVE", "LISTED", "PLEDGED", "FROZEN", "LOST_REPORTED")
LISTING = {"price_yuan_per_t": "30.50", "notice_days": 15, "project_area_mu": "9700.50",
           "location": "泉交河镇某村"}


def identity_hash(gateway, username: str) -> str:
    with gateway.db.sessions() as db:
        return db.scalar(select(User.identity_hash).where(User.username == username))


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_of(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_of(v) for v in value)) if value else set()
    return set()


def public_get(client, path: str, **kwargs):
    """A read with no Authorization header, no API key and no session cookie."""
    client.cookies.clear()
    response = client.get(f"{API}/public/{path}", **kwargs)
    assert response.status_code == 200, response.text
    return response


def registrations(client) -> list[dict]:
    return read_csv(public_get(client, "exports/registrations.csv").text)


def retire(client, officials, holder, number: str, amount_t: str | None = None) -> dict:
    ok(owner_request(client, holder, number, "OFFSET", **({"amount_t": amount_t} if amount_t else {})))
    return ok(client.post(f"{API}/coupons/{number}/offset", headers=officials["EEB"], json={
        "purpose": "GREEN_POINTS", "beneficiary": "绿色积分平台", "case_reference": "GP-2026-7"}))


# -- no login ----------------------------------------------------------------------------------


def test_get_public_endpoints__no_login__served(client, officials, new_holder, mint):
    holder = new_holder()
    number = mint(holder)
    certificate = retire(client, officials, holder, number, "10")["certificate"]
    assert public_get(client, f"coupons/{number}").json()["coupon"]["number"] == number
    assert public_get(client, f"offsets/{certificate}").json()["verdict"] == "valid"
    assert isinstance(public_get(client, "listings").json(), list)
    assert Decimal(public_get(client, "stats").json()["issued_t"]) >= Decimal("1000")
    assert number in public_get(client, "exports/registrations.csv").text
    assert public_get(client, "exports/trades.csv").text.startswith("\ufeff交易哈希 tx_hash,")
    calculator = client.post(f"{API}/public/calculator/eco-compensation", json={
        "parcels": [{"number": "G-1", "location": "龙岭工业园", "land_type": "FOREST", "area_mu": "50"}],
        "years": "10"})
    assert calculator.status_code == 200, calculator.text
    assert Decimal(calculator.json()["coupons_needed_t"]) == Decimal("300")


# -- personal data -----------------------------------------------------------------------------


def test_get_provenance__organisation_holder__named_by_organisation_only(client, gateway, officials, mint):
    identity = make_uscc(prefix="N2")
    holder = register_holder(client, display_name="李四 13907371234", organisation="泉交河镇某村股份经济合作社",
                             identity=identity)
    number = mint(holder)
    list_coupon(client, officials, holder, number, **LISTING)
    hashed = identity_hash(gateway, holder.username)
    assert hashed
    record = public_get(client, f"coupons/{number}")
    assert record.json()["coupon"]["holder"] == "泉交河镇某村股份经济合作社"
    (entry,) = [e for e in public_get(client, "listings").json() if e["number"] == number]
    assert entry["holder"] == "泉交河镇某村股份经济合作社"
    for response in (record, public_get(client, "listings"), public_get(client, "exports/registrations.csv")):
        for private in (identity, hashed, "李四", "13907371234", holder.username):
            assert private not in response.text
    assert not keys_of(record.json()) & {"identity", "identity_hash", "phone", "display_name", "username", "id_number"}


def test_get_provenance__person_holder__not_named(client, gateway, officials, mint):
    identity = make_resident_id()
    person = register_holder(client, display_name="王五", organisation=None, identity=identity)
    number = mint(person)
    list_coupon(client, officials, person, number, **LISTING)
    hashed = identity_hash(gateway, person.username)
    record = public_get(client, f"coupons/{number}")
    assert record.json()["coupon"]["holder"] is None
    assert record.json()["coupon"]["owner"] == person.address
    (entry,) = [e for e in public_get(client, "listings").json() if e["number"] == number]
    assert entry["holder"] is None
    (row,) = [r for r in registrations(client) if r["coupon_number"] == number]
    assert row["holder"] == person.address
    for response in (record, public_get(client, "listings"), public_get(client, "exports/registrations.csv")):
        for private in (identity, hashed, "王五", person.username):
            assert private not in response.text


# -- statistics --------------------------------------------------------------------------------


def test_get_stats__after_mint_and_partial_offset__sums_match_the_coupons(client, officials, new_holder, mint):
    issued_before = Decimal(public_get(client, "stats").json()["issued_t"])
    holder = new_holder()
    number = mint(holder, claimed_t="2500.5")
    retire(client, officials, holder, number, "500.25")
    stats = public_get(client, "stats").json()
    rows = registrations(client)
    assert Decimal(stats["issued_t"]) - issued_before == Decimal("2500.5")
    by_state: dict[str, Decimal] = {}
    for row in rows:
        by_state[row["state"]] = by_state.get(row["state"], Decimal(0)) + amount(row["amount_t"])
    assert {state: Decimal(t) for state, t in stats["by_state_t"].items()} == by_state
    issued = sum(amount(r["amount_t"]) for r in rows if not r["parent"] and not r["replaces"])
    assert Decimal(stats["issued_t"]) == issued
    retired = by_state.get("RETIRED", Decimal(0))
    assert Decimal(stats["issued_t"]) == sum(by_state.get(s, Decimal(0)) for s in LIVE) + retired
    assert sum(Decimal(t) for t in stats["retired_by_purpose_t"].values()) == retired
    assert stats["offsets"] == sum(1 for r in rows if r["state"] == "RETIRED")
    assert Decimal(stats["retired_by_purpose_t"]["GREEN_POINTS"]) >= Decimal("500.25")


# -- the disclosure board ----------------------------------------------------------------------


@pytest.fixture
def listed(client, officials, new_holder, mint):
    holder = new_holder("赫山区泉交河镇某村股份经济合作社")
    number = mint(holder)
    listing = list_coupon(client, officials, holder, number, **LISTING, remarks="林地碳汇")
    return holder, number, listing


def _entry(client, number: str) -> dict:
    (entry,) = [e for e in public_get(client, "listings").json() if e["number"] == number]
    return entry


def test_get_listings__listed_coupon__shows_annex5_fields(client, listed):
    _, number, listing = listed
    entry = _entry(client, number)
    assert entry["issuing_unit"] == "赫山区人民政府"
    assert entry["holder"] == "赫山区泉交河镇某村股份经济合作社"
    assert Decimal(entry["price_yuan_per_t"]) == Decimal("30.50")
    assert Decimal(entry["amount_t"]) == Decimal("1000")
    # 附件5 二: the notice runs 15 days from its start, the start included, to the end of its last day (China time)
    last_day = dt.date.fromisoformat(entry["notice_last_day"])
    assert last_day - dt.date.fromisoformat(entry["notice_start"]) == dt.timedelta(days=14)
    assert entry["notice_end"] == day_start(last_day + dt.timedelta(days=1)) - 1 and entry["expired"] is False
    assert abs(entry["notice_end"] - (time.time() + 15 * 86400)) < 2 * 86400
    assert Decimal(entry["disclosure"]["project_area_mu"]) == Decimal("9700.50")
    assert entry["disclosure"]["location"] == "泉交河镇某村"
    assert entry["disclosure"]["remarks"] == "林地碳汇"
    assert entry["listed_tx"] == listing["tx_hash"]
    history = public_get(client, f"coupons/{number}").json()["history"]
    assert [s["tx_hash"] for s in history if s["event"] == "CouponListed"] == [listing["tx_hash"]]


def test_get_listings__partly_sold__remainder_keeps_the_disclosure(client, officials, new_holder, upload, listed):
    _, number, _ = listed
    before = _entry(client, number)
    buyer = new_holder("某会展公司")
    purchase = {"purchase": accepted_purchase(client, officials, buyer, "400")}
    sold = ok(client.post(f"{API}/trades", headers=officials["CENTER"], json={
        "coupon": number, "purchase_id": purchase["purchase"], "amount_t": "400", "price_yuan_per_t": "30.50",
        "service_fee_yuan": "122.00", "agreement": upload(officials["CENTER"])}))["coupon"]
    board = {e["number"]: e for e in public_get(client, "listings").json()}
    assert number not in board and sold not in board
    children = public_get(client, f"coupons/{number}").json()["lineage"]["children"]
    (remainder,) = [c["number"] for c in children if c["number"] != sold]
    entry = board[remainder]
    assert Decimal(entry["amount_t"]) == Decimal("600")
    for field in ("holder", "issuing_unit", "price_yuan_per_t", "notice_end", "disclosure", "listed_tx"):
        assert entry[field] == before[field], field


def test_get_listings__area_and_place_left_out__taken_from_the_coupons_parcels(client, officials, new_holder, mint):
    """附件5 项目面积 and 地点: what the registry knows of the parcels is not typed again."""
    holder = new_holder()
    number = mint(holder, parcels=[
        {"number": f"T-{uuid.uuid4().hex[:8]}", "location": "泉交河镇某村", "land_type": "FOREST", "area_mu": "60.5"},
        {"number": f"T-{uuid.uuid4().hex[:8]}", "location": "沧水铺镇某村", "land_type": "WETLAND", "area_mu": "39.5"}])
    ok(owner_request(client, holder, number, "LIST"))
    form = {k: v for k, v in api.listing_form(client, officials).items() if k not in ("project_area_mu", "location")}

    ok(client.post(f"{API}/coupons/{number}/listing", headers=officials["CENTER"], json=form))

    disclosure = _entry(client, number)["disclosure"]
    assert (Decimal(disclosure["project_area_mu"]), disclosure["location"]) == (Decimal("100.0"), "沧水铺镇某村、泉交河镇某村")


def test_get_listings__listed_coupon__shows_annex5_basic_facts(client, listed):
    """附件5 lists 制发日期, 监测期 and 监测期碳汇量 among a listed coupon's basic facts."""
    _, number, _ = listed
    record = public_get(client, f"coupons/{number}").json()
    entry = _entry(client, number)
    assert entry["monitoring_period"] == record["monitoring_period"]
    assert Decimal(entry["monitoring_amount_t"]) * 1000 == record["issuance"]["amount_kg"]
    assert entry["filing_number"] == record["filing_number"]
    assert entry["issued_at"] == min(s["timestamp"] for s in record["history"] if s["event"] == "CouponCreated")


def _board_row(client, number: str, **params) -> str:
    client.cookies.clear()
    board = client.get("/listings", params=params)
    assert board.status_code == 200, board.text
    return board.text.split(f'<tr data-coupon="{number}"', 1)[1].split("</tr>", 1)[0]


def test_listings_board__coupon_original_attached__form_title_and_scan_shown_and_the_link_leads_to_coupon_and_certificate(
    client, officials, new_holder, mint, upload
):
    """附件5: the form's 项目名称 and its 附件 (a scan of the coupon's original, 碳券原件) on the board, whose
    碳券编号 leads to the coupon's own page and from there to its certificate."""
    holder = new_holder("赫山区泉交河镇某村股份经济合作社")
    number = mint(holder)
    scan = upload(officials["CENTER"])

    list_coupon(client, officials, holder, number, **LISTING, coupon_original=scan)

    assert _entry(client, number)["coupon_original"] == scan
    row = _board_row(client, number)
    assert '<dd class="project-name">赫山区自然生态系统碳券交易</dd>' in row and "项目名称" in row
    shown = f'href="/api/v1/public/documents/{scan}">碳券原件扫描件</a>'  # a document anyone opens, not a hash
    assert shown in row
    assert "Heshan District natural-ecosystem carbon coupon trading" in _board_row(client, number, lang="en")
    (link,) = set(re.findall(r'href="(/coupons/[^"]+)"', row))
    assert link == f"/coupons/{number}"
    page = client.get(link)
    assert page.status_code == 200 and number in page.text
    assert shown in page.text  # the coupon's page shows the same disclosure
    (certificate,) = set(re.findall(r'href="(/certificates/coupons/[^"]+\.pdf)"', page.text))
    pdf = client.get(certificate)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


# -- verification ------------------------------------------------------------------------------


def _verify(client, tx_hash: str) -> dict:
    return public_get(client, f"offsets/{tx_hash}").json()


def test_verify_offset__unknown_tx_hash__unknown(client):
    verified = _verify(client, "0x" + "ab" * 32)
    assert verified["verdict"] == "unknown"
    assert verified["certificate"] == {}


@pytest.mark.parametrize("malformed", ["0x1234", "not-a-hash", "ab" * 33, "0x" + "zz" * 32, "0x" + "ab" * 33])
def test_verify_offset__malformed_tx_hash__422_invalid_input(client, malformed):
    response = client.get(f"{API}/public/offsets/{malformed}")
    assert response.status_code == 422 and response.json()["code"] == "INVALID_INPUT"


def test_verify_offset__failed_offset_tx__invalid(client, officials, new_holder, mint):
    number = mint(new_holder())
    refused = client.post(f"{API}/coupons/{number}/offset", headers=officials["EEB"], json={
        "purpose": "GREEN_POINTS", "beneficiary": "绿色积分平台", "case_reference": "GP-2026-8"})
    assert refused.status_code == 409 and refused.json()["code"] == "OWNER_CONSENT_MISSING", refused.text
    entries = ok(client.get(f"{API}/audit", params={"limit": 50}, headers=officials["DRC"]))
    (failed,) = [e for e in entries if e["action"] == "coupon.offset" and e["request"]["coupon"] == number]
    assert failed["outcome"].startswith("reverted") and failed["tx_hash"]
    verified = _verify(client, failed["tx_hash"])
    assert verified["verdict"] == "invalid"
    assert "failed" in verified["reason"]
    assert verified["certificate"] == {}


def test_verify_offset__mint_tx__invalid(client, new_holder, mint):
    number = mint(new_holder())
    verified = _verify(client, public_get(client, f"coupons/{number}").json()["issuance"]["tx_hash"])
    assert verified["verdict"] == "invalid"
    assert "not an offset" in verified["reason"]
    assert verified["certificate"] == {}


def test_verify_offset__application_tx__invalid(client, officials, new_holder, mint):
    holder = new_holder()
    number = mint(holder)
    application = public_get(client, f"coupons/{number}").json()["issuance"]["application"]
    history = ok(client.get(f"{API}/applications/{application}", headers=officials["DRC"]))["history"]
    (submitted,) = [s["tx_hash"] for s in history if s["event"] == "ApplicationSubmitted"]
    verified = _verify(client, submitted)
    assert verified["verdict"] == "invalid"
    assert "not a coupon transaction" in verified["reason"]


def test_verify_offset__valid_certificate_in_upper_case__valid(client, officials, new_holder, mint):
    holder = new_holder()
    number = mint(holder)
    certificate = retire(client, officials, holder, number)["certificate"]
    verified = _verify(client, "0x" + certificate[2:].upper())
    assert verified["verdict"] == "valid"
    assert verified["certificate"]["certificate_id"] == certificate
    assert verified["certificate"]["coupon"] == number
    assert verified["certificate"]["purpose"] == "GREEN_POINTS"
    assert verified["certificate"]["amount_kg"] == 1_000_000
