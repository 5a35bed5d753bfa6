"""A village collective does its part in the browser (第八条, 附件1 一, 附件2): it opens its account in the
registration page and, once the centre has verified it, logs in and applies with its parcels and the 一(一) materials, each file previewed before the form is sent; the centre asks for
supplements naming every missing item at once (一次性告知); the collective reads them in "my applications",
resubmits with a new upload, and every status the page shows is the one the chain holds."""

from __future__ import annotations

import hashlib
import io
import json
import itertools
import re
import struct
import time
import zlib

from playwright.sync_api import expect
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from gateway.core.identity import make_uscc
from support import api, land
from support.browser import log_in, send
from support.http import API, login, ok

COLLECTIVE = "赫山区泉交河镇某村股份经济合作社"
MISSING = ["登记申请表（附件2）未加盖公章", "缺少合作开发协议"]
_serial = itertools.count(1)


def _png(width: int = 240, height: int = 120) -> bytes:
    """A small real image (green pixels): a scanned licence the page shows as an image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x20\xa0\x40" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _pdf(title: str) -> bytes:
    """A one-page PDF headed `title`, a new one each time: what a scanned form previews as."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("STSong-Light", 20)
    page.drawString(72, 760, title)
    page.drawString(72, 730, str(time.time_ns()))
    page.save()
    return out.getvalue()


def _file(name: str, content: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": content}


def _on_chain(site, application: int) -> str:
    """The status as the chain holds it, read twice: from the contract, and through the officials' API."""
    status = site.gateway.registry.application(application).status.name
    assert ok(site.api.get(f"{API}/applications/{application}", headers=site.officials["CENTER"]))["status"] == status
    return status


def _expect_preview(form, field: str, content: bytes, element: str):
    """The chosen file is uploaded at once and shown from the documents route under its sha256."""
    sha = hashlib.sha256(content).hexdigest()
    shown = form.locator(f'.preview[data-for="{field}"] figure[data-sha256="{sha}"] {element}')
    expect(shown).to_be_visible()
    expect(shown).to_have_attribute("src", f"/api/v1/documents/{sha}")
    return shown


def test_collective__applies_with_previewed_uploads_supplements_and_resubmits__page_agrees_with_chain(
    page, site, shot
):
    username, password = f"village-{time.time_ns() % 10**8}", "granite-ledger-willow-42"
    parcel = f"430903-108-{time.time_ns() % 10**8}-{next(_serial)}"
    uscc = make_uscc(prefix="N2")

    page.goto("/console/register")  # 附件1 三(一): the collective opens its account
    account = page.locator("#register-form")
    account.locator("select[name=account_type]").select_option("COLLECTIVE")
    for name, value in {"organisation": COLLECTIVE, "identity": uscc, "legal_representative": "王社长",
                        "postal_address": "益阳市赫山区泉交河镇某村", "contact_person": "李会计",
                        "contact_phone": "0737-1234567", "display_name": "某村合作社", "username": username,
                        "password": password}.items():
        account.locator(f"[name={name}]").fill(value)
    account.locator("button").click()
    expect(page.locator("#registered")).to_be_visible()
    api.verify_account(site.api, username, uscc)  # the centre checks its licence in person
    collective = api.Holder(username, login(site.api, username, password), site.api)

    log_in(page, username, password)
    page.click("#apply")
    expect(page).to_have_url(re.compile(r"/console/apply$"))
    form = page.locator('form.step[data-step="application.submit"]')
    form.locator('input[name="project_name"]').fill("泉交河镇某村林地碳汇项目")
    form.locator('input[name="methodology"]').fill("赫山区自然生态系统碳汇计量方法学（林地）")
    form.locator('input[name="claimed_t"]').fill("800")
    form.locator('input[name="monitoring_period.start"]').fill("2022-01-01")
    form.locator('input[name="monitoring_period.end"]').fill("2023-12-31")
    form.locator('textarea[name="parcels"]').fill(f"{parcel}，泉交河镇某村，林地，1200，林权证，林权证-{parcel}")
    # 权属清晰 (§2): the certificate's scan, beside the number given on the parcel's line
    form.locator('input[name="parcels.tenure"]').set_input_files(_file("林权证.pdf", _pdf("林权证"), "application/pdf"))
    # The boundary as the forest-tenure office hands it out; read at once, its area and map shown.
    boundaries = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"宗地号": parcel}, "geometry": land.boundary(parcel, "1200")}]})
    form.locator('input[name="parcels.boundary"]').set_input_files(
        _file("宗地边界.geojson", boundaries.encode(), "application/geo+json"))
    expect(form.locator(".preview.boundaries td").first).to_have_text(parcel)
    expect(form.locator(".preview.boundaries td").nth(1)).to_contain_text("亩")
    expect(form.locator("#boundaries-preview svg path.leaflet-interactive")).to_have_count(1)
    application_form, licence, report = _pdf("登记申请表"), _png(), _pdf("第三方机构监测核算报告")
    form.locator('input[name="documents.application_form"]').set_input_files(
        _file("登记申请表.pdf", application_form, "application/pdf"))
    form.locator('input[name="documents.licence"]').set_input_files(_file("营业执照.png", licence, "image/png"))
    form.locator('input[name="documents.report"]').set_input_files(_file("监测核算报告.pdf", report, "application/pdf"))

    _expect_preview(form, "documents.application_form", application_form, "iframe")
    image = _expect_preview(form, "documents.licence", licence, "img")
    page.wait_for_function("image => image.complete && image.naturalWidth === 240", arg=image.element_handle())
    _expect_preview(form, "documents.report", report, "iframe")
    shot(page, "previewed")
    send(form)

    expect(page).to_have_url(re.compile(r"/console/applications\?done=0x[0-9a-f]{64}&step=application\.submit$"))
    section = page.locator("section.application").first
    application = int(section.get_attribute("data-application"))
    expect(section.locator(".status")).to_have_attribute("data-status", _on_chain(site, application))
    expect(section.locator(".status")).to_have_text("已申请")
    shot(page, "submitted")

    # The centre's formal review finds the file incomplete and names everything missing at once.
    ok(site.api.post(f"{API}/applications/{application}/formal-review", headers=site.officials["CENTER"],
                     json={"decision": "supplement", "missing_items": MISSING}))

    page.reload()
    section = page.locator(f"#application-{application}")
    expect(section.locator(".status")).to_have_attribute("data-status", "SUPPLEMENT_REQUIRED")
    expect(section.locator(".status")).to_have_text("待补正")
    assert _on_chain(site, application) == "SUPPLEMENT_REQUIRED"
    expect(section.locator(".missing-items li")).to_have_text(MISSING)
    shot(page, "missing-items")

    resubmit = section.locator('form.step[data-step="application.resubmit"]')
    agreement, new_report = _pdf("合作开发协议"), _pdf("补正后的监测核算报告")
    resubmit.locator('input[name="documents.report"]').set_input_files(
        _file("补正后的监测核算报告.pdf", new_report, "application/pdf"))
    resubmit.locator('input[name="documents.agreement"]').set_input_files(
        _file("合作开发协议.pdf", agreement, "application/pdf"))
    _expect_preview(resubmit, "documents.report", new_report, "iframe")
    _expect_preview(resubmit, "documents.agreement", agreement, "iframe")
    send(resubmit)

    expect(page.locator("#done")).to_contain_text(re.compile(r"0x[0-9a-f]{64}"))
    section = page.locator(f"#application-{application}")
    expect(section.locator(".status")).to_have_attribute("data-status", "SUBMITTED")
    assert _on_chain(site, application) == "SUBMITTED"
    expect(section.locator(".missing-items")).to_have_count(0)
    expect(section.locator('form.step[data-step="application.resubmit"]')).to_have_count(0)
    assert site.gateway.registry.application(application).report_hash == hashlib.sha256(new_report).digest()
    documents = ok(site.api.get(f"{API}/applications/{application}", headers=collective.headers))["documents"]
    assert documents["application_form"] == hashlib.sha256(application_form).hexdigest()  # kept, not sent again
    assert documents["licence"] == hashlib.sha256(licence).hexdigest()
    assert documents["agreement"] == hashlib.sha256(agreement).hexdigest()
    shot(page, "resubmitted")

    page.click(f"#application-{application} h2 a")
    expect(page.locator("#app-status")).to_have_attribute("data-status", "SUBMITTED")
    expect(page.locator('#applicants dd[data-party="right_holder"]')).to_contain_text(COLLECTIVE)
    expect(page.locator("#history tr[data-event=ApplicationResubmitted]")).to_have_count(1)


def test_collective__my_applications_and_the_form_on_a_phone__usable(phone, site, shot):
    collective = api.register_holder(site.api, organisation=COLLECTIVE, account_type="COLLECTIVE")
    application = site.submit_application(collective).id
    log_in(phone, collective.username)

    phone.goto("/console/applications")

    expect(phone.locator(f"#application-{application} .status")).to_have_attribute("data-status", "SUBMITTED")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(phone, "my-applications")
    phone.click("#apply")
    expect(phone.locator('form.step[data-step="application.submit"]')).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(phone, "apply")
