"""PDF certificates read back as a person would: rendered by pdftoppm, the QR code
decoded to the public verification address, the text and the embedded font checked."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from chain.verify import STATEMENT_16
from gateway.web import certificates
from gateway import demo
from gateway.catalogue.units import CST
from support.http import ok
from support.pdf_qr import decode_qr, pdf_fonts, pdf_pages, pdf_text

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "certificates"
BASE = "http://testserver"


@pytest.fixture(scope="module")
def story(client) -> demo.DemoResult:
    return demo.run(client, progress=lambda line: None)


def _pdf(client, path: str, name: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    picture = ARTIFACTS / f"{name}.png"  # both databases' runs draw it: each writes whole, then replaces
    partial = picture.with_suffix(f".{os.getpid()}.png")
    pdf_pages(response.content)[0].save(partial)
    partial.replace(picture)
    return response.content


def _watermark_pixels(pdf: bytes) -> int:
    """Reddish pixels in the middle band of the first page, where the watermark crosses the table."""
    image = pdf_pages(pdf)[0].convert("RGB")
    width, height = image.size
    band = image.crop((0, int(height * 0.4), width, int(height * 0.6)))
    return sum(1 for r, g, b in band.getdata() if r > g + 25 and r > b + 25)


def _qr(pdf: bytes) -> str:
    (url,) = decode_qr(pdf_pages(pdf)[0])
    return url


def test_coupon_certificate__minted_coupon__qr_leads_to_its_page_and_text_has_section_7(client, story):
    number = story.coupons[0]
    record = ok(client.get(f"/api/v1/public/coupons/{number}"))
    pdf = _pdf(client, f"/certificates/coupons/{number}.pdf", "coupon")

    assert _qr(pdf) == f"{BASE}/coupons/{number}"
    text = " ".join(pdf_text(pdf).split())
    for expected in (number, record["filing_number"], record["issuance"]["tx_hash"], "12,723", "赫山区人民政府",
                     "林地", "湿地", "2022-01-01", "第十六条"):
        assert expected in text, expected
    assert "WenQuanYi" in pdf_fonts(pdf) and all(
        line.split()[-5] == "yes" for line in pdf_fonts(pdf).splitlines() if "WenQuanYi" in line
    )


def test_offset_certificate__valid_offset__qr_leads_to_its_verification_and_text_has_design_6(client, story):
    tx_hash = story.offsets[0]["tx_hash"]
    certificate = ok(client.get(f"/api/v1/public/offsets/{tx_hash}"))["certificate"]
    pdf = _pdf(client, f"/certificates/offsets/{tx_hash}.pdf", "offset")

    assert _qr(pdf) == f"{BASE}/verify/{tx_hash}"
    text = " ".join(pdf_text(pdf).split())
    for expected in (tx_hash, str(certificate["block"]), certificate["coupon"], certificate["beneficiary"],
                     certificate["case_reference"], "第十五条", "区生态环境部门", certificate["signer"]):
        assert expected in text, expected
    assert STATEMENT_16[:20] in text


@pytest.mark.parametrize("which", ["mint", "unknown"])
def test_offset_certificate__not_a_valid_offset__404_and_no_pdf(client, story, which):
    tx_hash = story.steps[0]["tx_hash"] if which == "mint" else "0x" + "ab" * 32
    response = client.get(f"/api/v1/public/offsets/{tx_hash}")
    assert response.json()["verdict"] != "valid"

    page = client.get(f"/certificates/offsets/{tx_hash}.pdf")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    with pytest.raises(ValueError, match="not a valid offset certificate"):
        certificates.offset_certificate(response.json(), verify_url="x")


def test_coupon_certificate__reissued_coupon__old_certificate_leads_to_a_page_saying_void(client, story):
    records = {n: ok(client.get(f"/api/v1/public/coupons/{n}")) for n in story.coupons}
    (voided,) = [n for n, r in records.items() if r["coupon"]["state"] == "VOIDED"]
    pdf = _pdf(client, f"/certificates/coupons/{voided}.pdf", "coupon-voided")

    page = client.get(_qr(pdf).removeprefix(BASE))
    assert page.status_code == 200
    assert 'id="voided"' in page.text and 'data-state="VOIDED"' in page.text
    assert records[voided]["lineage"]["replaced_by"] in page.text


def test_coupon_certificate__reissued_coupon__original_issue_date_and_reissue_date_apart(client, story):
    """§7: a reissued coupon keeps its original 制发日期 and says its 补发日期 beside it."""
    records = {n: ok(client.get(f"/api/v1/public/coupons/{n}")) for n in story.coupons}
    (reissued,) = [n for n, r in records.items() if r.get("reissue") and r["coupon"]["state"] != "VOIDED"
                   and r["lineage"].get("replaces")]
    record = records[reissued]
    text = pdf_text(_pdf(client, f"/certificates/coupons/{reissued}.pdf", "coupon-reissued"))

    issued, again = (dt.datetime.fromtimestamp(record[k] if k == "issued_at" else record["reissue"][k], CST).date()
                     for k in ("issued_at", "reissued_at"))
    assert issued <= again  # the demo reissues within its day; the two dates are two rows all the same
    assert re.search(rf"制发日期 Issued on\s+{issued.isoformat()}", text)
    assert re.search(rf"补发日期 Reissued on\s+{again.isoformat()}", text)


def test_coupon_certificate__same_record__same_bytes(client, story):
    record = ok(client.get(f"/api/v1/public/coupons/{story.coupons[0]}"))
    first = certificates.coupon_certificate(record, verify_url="https://example.org/x")
    assert certificates.coupon_certificate(record, verify_url="https://example.org/x") == first


def test_coupon_certificate__unknown_number__404_page(client):
    response = client.get("/certificates/coupons/HSTQ-1999-9999-9999.pdf")
    assert response.status_code == 404
    assert "HSTQ-1999-9999-9999" in response.text


@pytest.mark.parametrize(("state", "words"), [("RETIRED", "已注销 RETIRED"), ("SPLIT", "已拆分 SPLIT"),
                                              ("VOIDED", "已作废 VOID")])
def test_coupon_certificate__coupon_no_longer_circulating__says_its_state_large_and_across_the_page(
    client, story, state, words
):
    records = {n: ok(client.get(f"/api/v1/public/coupons/{n}")) for n in story.coupons}
    dead = [n for n, r in records.items() if r["coupon"]["state"] == state]
    assert dead, f"the demo story leaves no {state} coupon"
    pdf = _pdf(client, f"/certificates/coupons/{dead[0]}.pdf", f"coupon-{state.lower()}")

    assert words in pdf_text(pdf)  # the large state line
    assert _watermark_pixels(pdf) > 2000  # and the state across the middle of the page
    page = client.get(_qr(pdf).removeprefix(BASE))
    assert f'data-state="{state}"' in page.text
    assert 'id="dead"' in page.text or 'id="voided"' in page.text


def test_coupon_certificate__live_coupon__no_watermark(client, new_holder, mint):
    live = mint(new_holder())
    pdf = _pdf(client, f"/certificates/coupons/{live}.pdf", "coupon-active")
    assert not any(words in pdf_text(pdf) for words in ("已注销 RETIRED", "已拆分 SPLIT", "已作废 VOID"))
    assert _watermark_pixels(pdf) == 0
