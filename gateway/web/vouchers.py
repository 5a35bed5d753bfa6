"""The market's printable papers (PDF): the centre's 交易受理通知书 to the buyer (附件1 三(二)1) and the
交易凭证 each party of a settled trade receives (附件1 三(三)), one copy for the buyer and one for the
seller, with the settlement's transaction hash and a QR code to the public page of the coupon sold,
whose history shows the settlement. Same font and layout as the certificates (certificates.py)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import certificates
from .certificates import GREEN, render, styles
from ..catalogue.units import amount_display, money_display
from ..catalogue.words import both

CENTRE = "赫山区碳汇交易综合服务中心"


def _name(party: dict | None, address: str = "") -> str:
    return party["name"] if party is not None else address


def acceptance_notice(purchase: dict, *, listing: dict | None) -> bytes:
    """交易受理通知书: the centre accepted the buyer's purchase application (and the listing it matched)."""
    st = styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=14 * mm, title="自然生态系统碳券交易受理通知书", author="Tanquan 碳券", invariant=1)
    buyer = _name(purchase["buyer"])
    rows = [
        ("通知书编号 Notice no.", purchase["notice"]),
        ("购买申请编号 Application no.", str(purchase["id"])),
        ("意向受让方 Buyer", buyer),
        ("购买理由 Reason", both("purchase_reason", purchase["reason"])),
        ("申请数量 Amount", f"{amount_display(purchase['amount_t'])} 吨 t CO2e"),
        ("受理日期 Accepted on", purchase["decided_at"][:10]),
    ]
    if purchase.get("purpose"):
        rows.insert(4, ("用途 Purpose", purchase["purpose"]))
    if listing is not None:
        rows += [("匹配碳券 Matched coupon", listing["number"]),
                 ("挂牌价格 Listed price", f"{money_display(listing['price_yuan_per_t'])} 元/吨 yuan/t"),
                 ("信息披露期至 Notice until", listing["notice_last_day"])]
    table = Table([[Paragraph(escape(label), st["label"]), Paragraph(escape(value), st["value"])] for label, value in rows],
                  colWidths=[48 * mm, doc.width - 48 * mm])
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.2, GREEN), ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9d6cf")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef3f0")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    body = (f"{buyer}：你方提交的《赫山区自然生态系统碳券购买申请书》（附件6）已收悉。经审查，本中心予以受理，"
            "将根据你方购买意向匹配出让方自然生态系统碳券信息，并组织交易双方签订《赫山区自然生态系统碳券交易协议》"
            "（附件7）。请按协议内容完成交易结算。")
    english = ("Your purchase application (Annex 6) is accepted. The centre matches it to a seller's coupon and "
               "has both parties sign the trade agreement (Annex 7); settle as the agreement says.")
    story = [Paragraph("自然生态系统碳券交易受理通知书", st["title"]),
             Paragraph("Acceptance Notice of a Carbon Coupon Purchase · 赫山区", st["subtitle"]), Spacer(1, 6 * mm),
             Paragraph(escape(body), st["body"]), Spacer(1, 2 * mm), Paragraph(escape(english), st["small"]),
             Spacer(1, 5 * mm), table, Spacer(1, 10 * mm),
             Paragraph(f"{CENTRE}（盖章）", st["value"]), Paragraph(escape(purchase["decided_at"][:10]), st["value"]),
             Spacer(1, 4 * mm),
             Paragraph("依据《赫山区自然生态系统碳券管理办法（试行）》附件1 三（二）1 出具。", st["small"])]
    doc.build(story)
    return buffer.getvalue()


def trade_voucher(trade: dict, *, copy: str, verify_url: str, proof: bytes | None = None) -> bytes:
    """交易凭证, the buyer's or the seller's copy: the settlement transaction is the voucher; with it the
    seller delivers the coupon and the buyer has its offset certificate issued (附件1 三(三)). Its offline proof
    (GET /log/bundles/<tx>.json: the centre's signed statement of the settlement, proved in the log), when
    given, travels inside it as an attached file, as the offset certificate's does."""
    rows = [
        ("凭证联次 Copy", both("voucher.copy", copy), False),
        ("交易编号 Trade no.", str(trade["id"]), False),
        ("出让方 Seller", _name(trade["seller"], trade["seller_address"]), False),
        ("受让方 Buyer", _name(trade["buyer"]), False),
        ("挂牌碳券 Listed coupon", trade["listing_coupon"], False),
        ("受让碳券 Coupon bought", trade["coupon"], False),
        ("成交数量 Amount", f"{amount_display(trade['amount_t'])} 吨二氧化碳当量 t CO2e", False),
        ("成交价格 Price", f"{money_display(trade['price_yuan_per_t'])} 元/吨 yuan/t；合计 total {money_display(trade['total_yuan'])} 元 yuan", False),
        ("支付方式 Payment method", both("payment_method", trade["payment_method"]), False),
        ("支付期限 Pay by", trade["payment_term"], False),
        ("支付状态 Payment", both("payment_status", trade["payment_status"])
         + (f"（{trade['paid_on']} 支付 paid on）" if trade.get("paid_on") else ""), False),
        ("交易服务费（出让方支付） Service fee (seller)", f"{money_display(trade['service_fee_yuan'])} 元 yuan"
         + (f"，{trade['fee_paid_on']} 已支付 paid" if trade.get("fee_paid_on") else ""), False),
        ("交易协议 sha256 Agreement", trade["agreement"], True),
        ("区块 Block", str(trade["block"]), False),
    ]
    statements = [
        f"{CENTRE}依据《赫山区自然生态系统碳券管理办法（试行）》附件1 三（三）向已完成交易的双方出具本凭证。"
        "出让方根据交易凭证向受让方提供自然生态系统碳券；受让方持碳券到生态环境部门开具抵销凭证。",
        certificates.STATEMENT_16,
    ]
    pdf = render("自然生态系统碳券交易凭证", "Carbon Coupon Trade Voucher · 赫山区", rows, statements,
                 ("结算交易哈希 Settlement transaction", trade["tx_hash"]), verify_url)
    return certificates.with_proof(pdf, "trade", proof)


def redemption_voucher(redemption: dict, *, copy: str, verify_url: str) -> bytes:
    """兑现凭证 (§2), the seller's or the acquirer's copy: the redemption transaction is the voucher; the acquirer
    pays the price DRC published, which the chain recorded with it."""
    rows = [
        ("凭证联次 Copy", both("voucher.copy", copy), False),
        ("出让方 Seller", _name(redemption["seller"], redemption["seller_address"]), False),
        ("收储主体 Acquirer", _name(redemption["acquirer"], redemption["acquirer_address"]), False),
        ("兑现碳券 Coupon redeemed", redemption["coupon"], False),
        ("兑现数量 Amount", f"{amount_display(redemption['amount_t'])} 吨二氧化碳当量 t CO2e", False),
        ("收储价格 Price", f"{money_display(redemption['price_yuan_per_t'])} 元/吨 yuan/t；合计 total {money_display(redemption['total_yuan'])} 元 yuan",
         False),
        ("兑现协议 sha256 Agreement", redemption["agreement"], True),
        ("区块 Block", str(redemption["block"]), False),
    ]
    statements = [
        f"{CENTRE}依据《赫山区自然生态系统碳券管理办法（试行）》第二条（交易、兑现、抵销）组织出让方将自然生态系统碳券"
        "按区发展改革部门公布的价格出售给区指定收储主体，出具本凭证。收储主体持有该碳券，可依规定交易、质押或抵销。",
        certificates.STATEMENT_16,
    ]
    return render("自然生态系统碳券兑现凭证", "Carbon Coupon Redemption Voucher · 赫山区", rows, statements,
                  ("兑现交易哈希 Redemption transaction", redemption["tx_hash"]), verify_url)
