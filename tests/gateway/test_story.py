"""The whole story of one coupon told through HTTP (`gateway.demo.run`), and
`tanquan demo --json` as a user runs it: application to mint, a partial sale,
pledge and release, loss and reissue, two offsets, and what the public, the
audit log and the exports show afterwards."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from gateway import demo
from support import api, costs
from support.exports import amount, read_csv
from support.http import ok

ROOT = Path(__file__).resolve().parents[2]
TX_HASH = re.compile(r"^0x[0-9a-f]{64}$")
COUPON_NUMBER = re.compile(r"^HSTQ-\d{4}-\d{4}-\d{4}$")
HOLDER = "HOLDER"

# The story's steps in order, with the department (or holder account) that signs each.
STEPS = [
    ("登记申请 submit", HOLDER),
    ("形式审查 formal review", "CENTER"),
    ("外业调查 field survey starts", "CENTER"),
    ("外业调查 field survey ends", "CENTER"),
    ("初审 preliminary review", "CENTER"),
    ("第三方核算 attestation", "VERIFIER"),
    ("审定 validation (自然资源)", "NRB"),
    ("审定 validation (林业)", "FORESTRY"),
    ("审定意见 validation opinion", "CENTER"),
    ("审核 EEB review", "EEB"),
    ("备案签发 filing", "EEB"),
    ("制发 mint", "GOV"),
    ("申请挂牌 listing request", HOLDER),
    ("挂牌披露 listing", "CENTER"),
    ("交易结算 partial sale 2,723 t", "CENTER"),
    ("撤牌 withdraw listing", "CENTER"),
    ("质押申请表 pledge form (附件8)", HOLDER),
    ("质押登记 pledge", "FINANCE"),
    ("解除质押 release (pledgee)", HOLDER),
    ("挂失申请 loss report (附件3)", HOLDER),
    ("挂失公告 loss report", "CENTER"),
    ("补发形式审查 formal review", "CENTER"),
    ("补发审查 review", "CENTER"),
    ("补发登记 registration", "CENTER"),
    ("补发备案 reissue filing", "EEB"),
    ("补发 reissue", "GOV"),
    ("申请抵销 offset request", HOLDER),
    ("抵销凭证 event neutrality", "EEB"),
    ("流转申请表 transfer form (附件8)", HOLDER),
    ("流转登记 transfer", "CENTER"),
    ("申请抵销 offset request", HOLDER),
    ("抵销凭证 eco-compensation", "EEB"),
    ("质押申请表 standing pledge form (附件8)", HOLDER),
    ("质押登记 standing pledge (bank)", "FINANCE"),
]


@pytest.fixture(scope="module")
def demo_process():
    """`tanquan demo --json` starts its own served gateway (a block a second, about a
    minute of blocks); started first so it runs while the in-process story is told."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "demo", "--json"], cwd=ROOT,
        env={"PATH": os.environ["PATH"], **costs.ENVIRONMENT},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def story(client, demo_process) -> demo.DemoResult:
    """The land the story would take next is first held by an application still under review, as another story
    told at the same moment would hold it: the registry refuses the overlap and the story moves on to free land."""
    holder = api.register_holder(client)
    report = api.upload(client, holder.headers)
    told = len(ok(client.get("/api/v1/public/projects")))
    for slot in range(told, told + 64):  # the first slot no other story under review holds already
        forest, _ = demo._project_land(slot)
        held = client.post("/api/v1/applications", headers=holder.headers, json=api.application_form(report, parcels=[
            {"number": f"T-held-{os.getpid()}", "location": "泉交河镇某村", "land_type": "FOREST", "area_mu": "8500",
             "boundary": forest}]))
        if held.status_code != 422 or held.json()["code"] != "PARCEL_OVERLAPS":
            break
    assert held.status_code == 201, held.text
    return demo.run(client, progress=lambda line: None)


@pytest.fixture(scope="module")
def coupons(story) -> dict[str, str]:
    original, sold, remainder, pledged, reissued, moved = story.coupons
    return {"original": original, "sold": sold, "remainder": remainder, "pledged": pledged, "reissued": reissued,
            "moved": moved}


def _step(story, title: str) -> str:
    (tx_hash,) = [s["tx_hash"] for s in story.steps if s["title"] == title]
    return tx_hash


def _record(client, number: str) -> dict:
    return ok(client.get(f"/api/v1/public/coupons/{number}"))


def _csv(client, path: str) -> list[dict]:
    response = client.get(f"/api/v1/public/exports/{path}")
    assert response.status_code == 200, response.text
    return read_csv(response.text)


def test_demo_run__full_story__every_step_has_a_transaction(story):
    assert [s["title"] for s in story.steps] == [title for title, _ in STEPS]
    assert all(TX_HASH.match(s["tx_hash"]) for s in story.steps), story.steps
    assert len({s["tx_hash"] for s in story.steps}) == len(story.steps)
    blocks = [s["block"] for s in story.steps]
    assert blocks == sorted(blocks)


def test_demo_run__full_story__coupons_end_in_their_final_states(client, story, coupons):
    assert all(COUPON_NUMBER.match(n) for n in story.coupons)
    original = _record(client, coupons["original"])
    assert original["coupon"]["state"] == "SPLIT"
    assert original["coupon"]["amount_t"] == "12723"
    assert [c["number"] for c in original["lineage"]["children"]] == [coupons["sold"], coupons["remainder"]]

    sold = _record(client, coupons["sold"])
    assert sold["coupon"]["state"] == "RETIRED"
    assert sold["coupon"]["amount_t"] == "2723"
    assert sold["coupon"]["holder"] == "2026赫山马拉松组委会"

    remainder = _record(client, coupons["remainder"])
    assert remainder["coupon"]["state"] == "SPLIT"
    pledged_part, free_part = remainder["lineage"]["children"]
    assert pledged_part["number"] == coupons["pledged"]
    assert (free_part["state"], free_part["amount_kg"]) == ("PLEDGED", 5_000_000)  # the bank's standing pledge

    voided = _record(client, coupons["pledged"])
    assert voided["coupon"]["state"] == "VOIDED"
    assert voided["lineage"]["replaced_by"] == coupons["reissued"]
    assert voided["lineage"]["replaces"] is None

    reissued = _record(client, coupons["reissued"])
    assert reissued["lineage"]["replaces"] == coupons["pledged"]
    assert reissued["coupon"]["serials"] == voided["coupon"]["serials"]
    assert reissued["coupon"]["state"] == "SPLIT"  # 300 t of it moved to the builder
    moved_part, kept_part = reissued["lineage"]["children"]
    assert moved_part["number"] == coupons["moved"]
    assert (kept_part["state"], kept_part["amount_kg"]) == ("ACTIVE", 4_700_000)

    moved = _record(client, coupons["moved"])
    assert moved["coupon"]["state"] == "RETIRED"
    assert moved["coupon"]["amount_t"] == "300"
    assert moved["coupon"]["holder"] == "某交通建设有限公司"
    assert [a["number"] for a in moved["lineage"]["ancestors"]] == [
        coupons["reissued"], coupons["pledged"], coupons["remainder"], coupons["original"]]


def test_demo_run__full_story__issuance_is_conserved_in_the_registrations_export(client, story, coupons):
    prefix = coupons["original"].rsplit("-", 1)[0] + "-"
    rows = {r["coupon_number"]: r for r in _csv(client, "registrations.csv") if r["coupon_number"].startswith(prefix)}
    assert set(story.coupons) <= set(rows)
    assert {n: rows[n]["state"] for n in story.coupons} == {
        coupons["original"]: "SPLIT", coupons["sold"]: "RETIRED", coupons["remainder"]: "SPLIT",
        coupons["pledged"]: "VOIDED", coupons["reissued"]: "SPLIT", coupons["moved"]: "RETIRED"}
    assert rows[coupons["reissued"]]["replaces"] == coupons["pledged"]
    assert rows[coupons["sold"]]["parent"] == coupons["original"]
    live = {"ACTIVE", "LISTED", "PLEDGED", "FROZEN", "LOST_REPORTED", "RETIRED"}
    assert sum(amount(r["amount_t"]) for r in rows.values() if r["state"] in live) == Decimal("12723")
    assert sum(amount(r["amount_t"]) for r in rows.values() if r["state"] == "RETIRED") == Decimal("3023")


def test_verify_offset__both_story_certificates__valid(client, story, coupons):
    expected = {
        coupons["sold"]: ("EVENT_NEUTRALITY", 2_723_000, "2026赫山马拉松组委会", "HS-EV-2026-001"),
        coupons["moved"]: ("ECO_COMPENSATION", 300_000, "某交通建设有限公司", "赫自然资〔2026〕用地12号"),
    }
    assert [o["coupon"] for o in story.offsets] == [coupons["sold"], coupons["moved"]]
    for offset in story.offsets:
        verified = ok(client.get(f"/api/v1/public/offsets/{offset['tx_hash']}"))
        certificate = verified["certificate"]
        assert verified["verdict"] == "valid", verified
        assert certificate["certificate_id"] == offset["tx_hash"]
        assert certificate["coupon"] == offset["coupon"]
        assert (certificate["purpose"], certificate["amount_kg"], certificate["beneficiary"],
                certificate["case_reference"]) == expected[offset["coupon"]]
        assert certificate["signer_department"] == "EEB"
        assert "第十六条" in certificate["statement"]
    assert story.offsets[0]["tx_hash"] == _step(story, "抵销凭证 event neutrality")
    assert story.offsets[1]["tx_hash"] == _step(story, "抵销凭证 eco-compensation")


def test_verify_offset__pledge_tx_of_the_voided_coupon__voided(client, story, coupons):
    for title in ("质押登记 pledge", "挂失公告 loss report"):
        verified = ok(client.get(f"/api/v1/public/offsets/{_step(story, title)}"))
        assert verified["verdict"] == "voided", verified
        assert coupons["reissued"] in verified["reason"]
        assert verified["certificate"] == {}


def test_get_provenance__story_coupons__history_names_signing_departments(client, coupons):
    history = _record(client, coupons["moved"])["history"] + _record(client, coupons["sold"])["history"]
    departments: dict[str, set] = {}
    for step in history:
        assert TX_HASH.match(step["tx_hash"]) and step["block"] > 0 and step["timestamp"] > 0
        departments.setdefault(step["event"], set()).add(step["department"])
    assert departments["CouponListed"] == {"CENTER"}
    assert departments["TradeSettled"] == {"CENTER"}
    assert departments["CouponPledged"] == {"FINANCE"}
    assert departments["LossReported"] == {"CENTER"}
    assert departments["CouponVoided"] == {"GOV"}
    assert departments["CouponTransferred"] == {"CENTER"}
    assert departments["CouponRetired"] == {"EEB"}
    assert departments["RequestMade"] == {None}  # the holder's own consent, not a department
    assert departments["PledgeReleased"] == {None}  # released by the pledgee bank
    first = history[0]
    assert (first["event"], first["department"], first["coupon"]) == ("CouponCreated", "GOV", coupons["original"])


def test_get_audit__story_steps__one_ok_entry_per_transaction(client, officials, story):
    entries = ok(client.get("/api/v1/audit", params={"limit": 10_000}, headers=officials["DRC"]))
    for step, (title, department) in zip(story.steps, STEPS, strict=True):
        matching = [e for e in entries if e["tx_hash"] == step["tx_hash"]]
        assert len(matching) == 1, (title, matching)
        assert matching[0]["outcome"] == "ok"
        assert matching[0]["department"] == department, title


def test_export_trades__story_sale__listed_with_its_voucher(client, story, coupons):
    sale = _step(story, "交易结算 partial sale 2,723 t")
    rows = [r for r in _csv(client, "trades.csv") if r["tx_hash"] == sale]
    assert len(rows) == 1
    assert rows[0]["coupon_number"] == coupons["sold"]
    assert (rows[0]["amount_t"], rows[0]["price_yuan_per_t"]) == ("2,723", "30.00")


def test_get_listings__story_listing_withdrawn__not_on_the_board(client, story, coupons):
    withdrawn = [s for s in _record(client, coupons["remainder"])["history"] if s["event"] == "ListingWithdrawn"]
    assert [(s["coupon"], s["department"], s["tx_hash"]) for s in withdrawn] == [
        (coupons["remainder"], "CENTER", _step(story, "撤牌 withdraw listing"))]
    prefix = coupons["original"].rsplit("-", 1)[0] + "-"
    board = ok(client.get("/api/v1/public/listings"))
    assert [entry["number"] for entry in board if entry["number"].startswith(prefix)] == []


def test_cli_demo__json__prints_coupons_and_offsets(demo_process):
    stdout, stderr = demo_process.communicate(timeout=240)
    assert demo_process.returncode == 0, stderr[-2000:]
    printed = json.loads(stdout)
    assert len(printed["coupons"]) == 6
    assert all(COUPON_NUMBER.match(n) for n in printed["coupons"])
    assert len(printed["offsets"]) == 2
    assert all(TX_HASH.match(o["tx_hash"]) and o["verdict"] == "valid" for o in printed["offsets"])
    assert [o["coupon"] for o in printed["offsets"]] == [printed["coupons"][1], printed["coupons"][5]]
    assert [s["title"] for s in printed["steps"]] == [title for title, _ in STEPS]
    assert printed["provenance"]["coupon"]["number"] == printed["coupons"][5]
    assert printed["provenance"]["coupon"]["state"] == "RETIRED"
