"""The CSV exports as a department opens them in Excel (issue #11 item 7, gateway/web/exports.py):
UTF-8 with a byte-order mark, Chinese headers with the English key alongside, Beijing time
(never epoch seconds), amounts as every page and PDF writes them, the trades' parties as organisations only and
the service fee (附件7), formulas neutralised. Each is read back with Python's csv after stripping the BOM."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from support.api import accepted_purchase, list_coupon, register_holder
from support.exports import BOM, headers, read_csv
from support.http import API, ok
from support.pdf_qr import pdf_text

BEIJING = ZoneInfo("Asia/Shanghai")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _export(client, path: str, headers_: dict | None = None) -> str:
    response = client.get(f"{API}/{path}", headers=headers_)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content.startswith(BOM.encode("utf-8"))  # EF BB BF: Excel reads the Chinese as Chinese
    return response.text


def _beijing(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _step(client, number: str, event: str) -> dict:
    history = ok(client.get(f"{API}/public/coupons/{number}"))["history"]
    return next(s for s in history if s["event"] == event and s["coupon"] == number)


@pytest.fixture(scope="module")
def sale(client, officials, upload, mint):
    """A listed coupon of an organisation sold in part (附件7: paid online by the end of the year) to a
    person whose name must not be exported."""
    seller = register_holder(client, organisation="赫山区某林场（出让方）")
    buyer = register_holder(client, organisation=None, display_name="张三丰")
    number = mint(seller)
    list_coupon(client, officials, seller, number)
    purchase = accepted_purchase(client, officials, buyer, "120")
    answer = ok(client.post(f"{API}/trades", headers=officials["CENTER"], json={
        "coupon": number, "purchase_id": purchase, "amount_t": "120", "price_yuan_per_t": "31.50",
        "service_fee_yuan": "37.80", "agreement": upload(officials["CENTER"]), "payment_method": "ONLINE",
        "payment_term": "2026-12-31", "payment_status": "UNPAID"}))
    return {"number": number, "bought": answer["coupon"], "tx_hash": answer["tx_hash"], "buyer": buyer, "seller": seller}


def test_export_registrations__opened_as_excel_does__bom_chinese_headers_and_beijing_time(client, new_holder, mint):
    number = mint(new_holder())
    text = _export(client, "public/exports/registrations.csv")
    assert headers(text)[:3] == ["碳券编号 coupon_number", "状态 state", "碳汇量（吨） amount_t"]
    assert all(CJK.search(cell) for cell in headers(text))
    (row,) = [r for r in read_csv(text) if r["coupon_number"] == number]
    created = _step(client, number, "CouponCreated")["timestamp"]
    assert DATETIME.match(row["created_at"]) and row["created_at"] == _beijing(created)


def test_export_trades__a_sale__parties_by_organisation_fee_and_beijing_time(client, sale):
    text = _export(client, "public/exports/trades.csv")
    assert headers(text) == ["交易哈希 tx_hash", "区块 block", "成交时间 settled_at", "碳券编号 coupon_number",
                             "成交量（吨） amount_t", "单价（元/吨） price_yuan_per_t", "成交金额（元） total_yuan",
                             "服务费（元） service_fee_yuan", "出让方 seller", "受让方 buyer", "支付方式 payment_method",
                             "付款期限 payment_term", "支付状态 payment_status"]
    (row,) = [r for r in read_csv(text) if r["tx_hash"] == sale["tx_hash"]]
    assert row["coupon_number"] == sale["bought"]
    settled = _step(client, sale["bought"], "TradeSettled")
    assert row["settled_at"] == _beijing(settled["timestamp"]) and DATETIME.match(row["settled_at"])
    # as every page and PDF writes them: tonnes thousands separated, yuan with two decimals
    assert (row["amount_t"], row["price_yuan_per_t"], row["total_yuan"], row["service_fee_yuan"]) == (
        "120", "31.50", "3,780.00", "37.80")
    assert row["seller"] == "赫山区某林场（出让方）"
    # The buyer is a person: its address, never its name.
    assert row["buyer"] == sale["buyer"].address
    assert "张三丰" not in text
    assert (row["payment_method"], row["payment_term"], row["payment_status"]) == ("ONLINE", "2026-12-31", "UNPAID")


def test_export_audit__opened_as_excel_does__beijing_time_not_iso_utc(client, officials, sale):
    text = _export(client, "audit/export.csv", officials["DRC"])
    assert headers(text) == ["时间 at", "用户名 username", "经办人 person", "部门 department", "操作 action",
                             "交易哈希 tx_hash", "结果 outcome"]
    (row,) = [r for r in read_csv(text) if r["tx_hash"] == sale["tx_hash"]]
    (entry,) = [e for e in ok(client.get(f"{API}/audit?limit=10000", headers=officials["DRC"]))
                if e["tx_hash"] == sale["tx_hash"]]
    assert DATETIME.match(row["at"])
    at = dt.datetime.strptime(row["at"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
    recorded = dt.datetime.fromisoformat(entry["at"])  # the log's own instant, with its UTC offset
    assert abs((at - recorded).total_seconds()) < 1  # the same instant, written in Beijing time, not UTC
    assert (row["department"], row["action"], row["outcome"]) == ("CENTER", "coupon.settle_trade", "ok")


def test_export_registrations__organisation_written_as_a_formula__read_back_as_text(client, mint):
    holder = register_holder(client, organisation='=HYPERLINK("http://evil.example","点击")')
    number = mint(holder)
    (row,) = [r for r in read_csv(_export(client, "public/exports/registrations.csv")) if r["coupon_number"] == number]
    assert row["holder"] == '\'=HYPERLINK("http://evil.example","点击")'


def test_amount__the_same_on_the_coupons_page_in_the_csv_and_on_its_certificate(client, new_holder, mint):
    """Issue #22: one number format for tonnes on every page, PDF and CSV (catalogue/units.py)."""
    number = mint(new_holder(), claimed_t="12345.678")
    (row,) = [r for r in read_csv(_export(client, "public/exports/registrations.csv")) if r["coupon_number"] == number]
    assert row["amount_t"] == "12,345.678"
    assert "12,345.678" in client.get(f"/coupons/{number}").text
    certificate = client.get(f"/certificates/coupons/{number}.pdf")
    assert certificate.status_code == 200 and "12,345.678" in pdf_text(certificate.content)
