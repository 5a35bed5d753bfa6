"""Printable certificates (PDF): the coupon certificate (§7) and the offset
certificate (§14-16, DESIGN §6). Chinese first with English labels, the CJK
font embedded, the transaction hash printed, and a QR code to the public page
that verifies it: a PDF alone proves nothing, the chain does."""

from __future__ import annotations

import functools
import io
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..services.public import STATEMENT_16
from ..catalogue.units import china_time, tonnes_display
from ..catalogue.words import both, pair

FONT = "WenQuanYi"
FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
GREEN = colors.HexColor("#2f7d4f")
ISSUING_STATEMENT = (
    "赫山区人民政府依照《赫山区自然生态系统碳券管理办法（试行）》制发本碳券。本碳券为赫山区行政区域内"
    "自然生态系统碳汇权益资产交易的实物凭证，其登记、流转与注销以区块链上的记录为准；严禁涂改、"
    "一碳多卖（第七条）。"
)
VERIFY_NOTE = "本凭证的真伪以区块链记录为准：请扫描二维码或凭交易哈希在公示平台核验。This PDF proves nothing by itself: scan the code or look up the transaction hash."


class CertificateFontMissing(RuntimeError):
    pass


@functools.cache
def _font() -> str:
    if not FONT_FILE.exists():
        raise CertificateFontMissing(
            f"{FONT_FILE} is missing: install Debian's fonts-wqy-microhei (apt-get install fonts-wqy-microhei)"
        )
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
    return FONT


def styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=22, leading=30, alignment=1, textColor=GREEN),
        "subtitle": ParagraphStyle("subtitle", fontName=font, fontSize=10, leading=14, alignment=1, textColor=colors.grey),
        "label": ParagraphStyle("label", fontName=font, fontSize=9.5, leading=13, textColor=colors.HexColor("#4a544f")),
        "value": ParagraphStyle("value", fontName=font, fontSize=10.5, leading=14),
        "hex": ParagraphStyle("hex", fontName="Courier", fontSize=8.5, leading=11, wordWrap="CJK"),
        "body": ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK"),
        "small": ParagraphStyle("small", fontName=font, fontSize=8, leading=11, textColor=colors.grey, wordWrap="CJK"),
        "dead": ParagraphStyle("dead", fontName=font, fontSize=28, leading=36, alignment=1,
                               textColor=colors.HexColor("#b3261e")),
    }


def _day(timestamp: int) -> str:
    return china_time(timestamp, "%Y-%m-%d")


def _tonnes(kg: int) -> str:
    return tonnes_display(kg) + " 吨二氧化碳当量 t CO2e"


def _qr(url: str, size: float = 34 * mm) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


# A certificate of a coupon that no longer circulates says so in large type and across the page,
# so that a paper copy cannot be sold as a live voucher (§7, §14); the words are the catalogue's
# (certificate.mark.*, certificate.dead.*).
DEAD_STATES = ("RETIRED", "SPLIT", "VOIDED")


def _watermark(word: str):
    """Draw `word` large and pale across every page."""

    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(_font(), 64)
        canvas.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.18))
        canvas.translate(A4[0] / 2, A4[1] / 2)
        canvas.rotate(35)
        canvas.drawCentredString(0, 0, word)
        canvas.restoreState()

    return draw


def render(title: str, subtitle: str, rows: list[tuple[str, str, bool]], statements: list[str],
           tx: tuple[str, str], verify_url: str, extra: list | None = None, dead: str | None = None) -> bytes:
    """A4 portrait: title, a bordered table of fields, statements, then the QR code and hash; a coupon
    that no longer circulates (`dead`, its state) gets its state in large type and as a watermark."""
    st = styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=14 * mm, title=title, author="Tanquan 碳券", invariant=1)
    table = Table(
        [[Paragraph(escape(label), st["label"]), Paragraph(escape(value), st["hex" if mono else "value"])]
         for label, value, mono in rows],
        colWidths=[48 * mm, doc.width - 48 * mm],
    )
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.2, GREEN), ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9d6cf")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef3f0")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    proof = Table(
        [[[Paragraph(tx[0], st["label"]), Paragraph(tx[1], st["hex"]), Spacer(1, 3 * mm),
           Paragraph("核验地址 Verify at", st["label"]), Paragraph(escape(verify_url), st["hex"]), Spacer(1, 3 * mm),
           Paragraph(VERIFY_NOTE, st["small"])],
          _qr(verify_url)]],
        colWidths=[doc.width - 40 * mm, 40 * mm],
    )
    proof.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    story = [Paragraph(title, st["title"]), Paragraph(subtitle, st["subtitle"]), Spacer(1, 6 * mm)]
    if dead:
        story += [Paragraph(both("certificate.mark", dead), st["dead"]),
                  Paragraph(escape(both("certificate.dead", dead)), st["body"]),
                  Spacer(1, 4 * mm)]
    story += [table, *(extra or []), Spacer(1, 5 * mm)]
    for text in statements:
        story += [Paragraph(escape(text), st["body"]), Spacer(1, 2 * mm)]
    story += [Spacer(1, 6 * mm), proof]
    if dead:
        mark = _watermark(both("certificate.mark", dead))
        doc.build(story, onFirstPage=mark, onLaterPages=mark)
    else:
        doc.build(story)
    return buffer.getvalue()


def coupon_certificate(record: dict, *, verify_url: str) -> bytes:
    """The coupon certificate: the contents §7 requires, from the public provenance record."""
    coupon, issuance = record["coupon"], record["issuance"]
    start, end = record["monitoring_period"]
    rows = [
        ("碳券编号 Coupon number", coupon["number"], False),
        ("备案文号 Filing number", record["filing_number"], False),
        *([("补发备案文号 Reissue filing number", record["reissue"]["filing_number"], False)]
          if record.get("reissue") else []),
        ("监测期 Monitoring period", f"{_day(start)} 至 {_day(end)}（含止日，即监测报告的最后一日 "
                                    "end date included: the monitoring report's last day）", False),
        ("监测期内碳汇量 Sink in the period", _tonnes(issuance["amount_kg"]), False),
        ("本券碳汇量 This coupon", f"{_tonnes(coupon['amount_kg'])}（序号 serials {coupon['serials'][0]}–{coupon['serials'][1]}）", False),
        ("制发单位 Issuing unit", record["issuing_unit"], False),
        ("制发日期 Issued on", _day(record["issued_at"]), False),
        *([("补发日期 Reissued on", _day(record["reissue"]["reissued_at"]), False)]
          if (record.get("reissue") or {}).get("reissued_at") else []),  # §7: the original's date kept apart
    ]
    if coupon.get("holder"):
        rows.append(("权利人 Holder", coupon["holder"], False))
    if record.get("project_name"):
        rows.append(("项目名称 Project", record["project_name"], False))
    if coupon["state"] == "VOIDED" and record.get("invalidated"):
        rows.append(("状态 State", f"已认定无效并注销 VOIDED as invalid: {record['invalidated']['reason']}", False))
    elif coupon["state"] == "VOIDED":
        rows.append(("状态 State", "已作废 VOIDED", False))
    extra = []
    parcels = record.get("parcels") or []
    if parcels:
        st = styles()
        header = ["宗地号 Parcel", "坐落 Location", "地类 Land type", "面积（亩）Area (mu)"]
        body = [[p["number"], p["location"], pair("land", p["land_type"])[0], str(p["area_mu"])] for p in parcels]
        parcel_table = Table([[Paragraph(escape(str(cell)), st["value"]) for cell in row] for row in [header, *body]],
                             colWidths=[46 * mm, 54 * mm, 30 * mm, 44 * mm])
        parcel_table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9d6cf")), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f0")),
        ]))
        extra = [Spacer(1, 4 * mm), parcel_table]
    return render("自然生态系统碳券", "Natural-Ecosystem Carbon Coupon · 赫山区", rows,
                  [ISSUING_STATEMENT, STATEMENT_16], ("制发交易哈希 Issuance transaction", issuance["tx_hash"]),
                  verify_url, extra, dead=coupon["state"] if coupon["state"] in DEAD_STATES else None)


PROOF_ATTACHMENTS = {"offset": "offset-proof.json", "trade": "trade-proof.json"}  # the bundle's kind → its name


def offset_certificate(verification: dict, *, verify_url: str, proof: bytes | None = None) -> bytes:
    """The offset certificate (DESIGN §6): only for a verification that says valid. Its offline proof
    (GET /log/bundles/<tx>.json), when given, travels inside it as an attached file (`tanquan verify
    --offline` reads either)."""
    if verification["verdict"] != "valid":
        raise ValueError(f"not a valid offset certificate: {verification['reason']}")
    c = verification["certificate"]
    rows = [
        ("凭证编号 Certificate id", c["certificate_id"], True),
        ("区块 Block", f"{c['block']}（{china_time(c['timestamp'])} 北京时间）", False),
        ("注销的碳券 Retired coupon", c["coupon"], False),
        ("序号区间 Serial block", f"{c['serials'][0]}–{c['serials'][1]}", False),
        ("抵销量 Amount", _tonnes(c["amount_kg"]), False),
        ("抵销主体 Beneficiary", c["beneficiary"], False),
        ("抵销用途 Purpose", both("purpose", c["purpose"]), False),
        ("案件 / 活动编号 Case reference", c["case_reference"], False),
        ("签署部门 Signed by", "区生态环境部门 District Ecology and Environment Bureau", False),
        ("签署地址 Signer address", c["signer"], True),
    ]
    statement = ("上述碳券已由区生态环境部门在链上注销，用于抵销，不再流通（第十四条）。"
                 "The coupon above was retired on-chain by the EEB for this offset and never circulates again.")
    pdf = render("自然生态系统碳券抵销凭证", "Carbon Coupon Offset Certificate · 赫山区", rows,
                 [statement, c["statement"]], ("交易哈希 Transaction hash", c["certificate_id"]), verify_url)
    return with_proof(pdf, "offset", proof)


def with_proof(pdf: bytes, kind: str, proof: bytes | None) -> bytes:
    """The PDF with its offline proof (GET /log/bundles/<tx>.json) attached, if there is one yet."""
    if proof is None:
        return pdf
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_attachment(PROOF_ATTACHMENTS[kind], proof)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
