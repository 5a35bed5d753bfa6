"""The market through the API (附件1 三, 附件4-7): the buyer's purchase application (附件6) with its reason,
commitment and signed form; the centre's acceptance and its 交易受理通知书; the listing's disclosure form
(附件5) and entrustment agreement (附件4); settlement under 附件7 with its payment method, term and status,
never beyond the purchase and never after the notice's end; and each party's 交易凭证 and agreement.
Every refusal leaves the purchase, the coupon on the chain and the gateway's records as they were."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from chain import Role
from gateway.core.db import AuditEntry, ListingRecord, Purchase, Trade, TradeReservation, utcnow
from gateway.services import recovery, settlements
from gateway.services.coupons import coupon_id
from support import api
from support.calendar import D, calendar_gateway
from support.fixtures import holder_fixture
from support.http import API, error_of, ok
from support.pdf_qr import decode_qr, pdf_pages, pdf_text

seller = holder_fixture("赫山区某村股份经济合作社（出让方）")
buyer = holder_fixture("益阳某会展有限公司")
other_buyer = holder_fixture("益阳某环保科技有限公司")


# -- reading what a refusal must not change ------------------------------------------------------


def _purchase_row(gateway, purchase_id: int) -> tuple:
    with gateway.db.sessions() as db:
        row = db.get(Purchase, purchase_id)
        return row.status, row.filled_kg, row.settlement_tx, row.decided_at


def _counts(gateway) -> tuple[int, int, int]:
    with gateway.db.sessions() as db:
        return tuple(db.scalar(select(func.count()).select_from(model)) for model in (Purchase, Trade, ListingRecord))


def _coupon_on_chain(gateway, number: str):
    return gateway.registry.coupon(coupon_id(gateway, number))


_trade = api.settle_trade


@pytest.fixture
def listed(client, officials, seller, mint) -> str:
    number = mint(seller, claimed_t="800")
    api.list_coupon(client, officials, seller, number)
    return number


# -- 附件6: the purchase application ----------------------------------------------------------------


def test_purchase__full_form__submitted_with_reason_commitment_and_signed_form(client, gateway, buyer):
    form = api.purchase_form(client, buyer, "500", purpose="2026赫山马拉松碳中和")

    answer = ok(client.post(f"{API}/purchases", headers=buyer.headers, json=form))

    assert answer["status"] == "SUBMITTED"
    view = ok(client.get(f"{API}/purchases/{answer['purchase']}", headers=buyer.headers))
    assert {k: view[k] for k in ("amount_t", "filled_t", "reason", "purpose", "commitment", "status", "signed_form",
                                 "authority_document", "notice")} == {
        "amount_t": "500", "filled_t": "0", "reason": "VOLUNTARY", "purpose": "2026赫山马拉松碳中和", "commitment": True,
        "status": "SUBMITTED", "signed_form": form["signed_form"], "authority_document": None, "notice": None}
    assert answer["purchase"] in [p["id"] for p in ok(client.get(f"{API}/purchases", headers=buyer.headers))]


def test_purchase__eco_compensation_with_the_authoritys_document__recorded_as_liable_with_its_case(
        client, gateway, buyer):
    form = api.purchase_form(client, buyer, "12.5", reason="ECO_COMPENSATION", case_reference="赫环罚〔2026〕9号")

    purchase = ok(client.post(f"{API}/purchases", headers=buyer.headers, json=form))["purchase"]

    with gateway.db.sessions() as db:
        row = db.get(Purchase, purchase)
        assert (row.reason, row.liable_for_damage, row.authority_document, row.case_reference) == (
            "ECO_COMPENSATION", True, form["authority_document"], "赫环罚〔2026〕9号")
    assert ok(client.get(f"{API}/purchases/{purchase}", headers=buyer.headers))["case_reference"] == "赫环罚〔2026〕9号"


@pytest.mark.parametrize(("changes", "status", "code", "field"), [
    pytest.param({"commitment": False}, 422, "COMMITMENT_REQUIRED", "commitment", id="no-commitment"),
    pytest.param({"reason": "ECO_COMPENSATION", "authority_document": None}, 422, "AUTHORITY_DOCUMENT_REQUIRED",
                 "authority_document", id="eco-compensation-without-authority-document"),
    pytest.param({"signed_form": "ab" * 32}, 422, "DOCUMENT_NOT_FOUND", "signed_form", id="signed-form-not-uploaded"),
])
def test_purchase__incomplete_form__refused_and_nothing_recorded(client, gateway, buyer, changes, status, code, field):
    form = {**api.purchase_form(client, buyer, "10"), **changes}
    before = _counts(gateway)

    body = error_of(client.post(f"{API}/purchases", headers=buyer.headers, json=form), status, code)

    assert body["detail"]["field"] == field
    assert _counts(gateway) == before


def test_purchase__signed_form_another_account_uploaded__422_document_not_found(client, gateway, buyer, other_buyer):
    form = {**api.purchase_form(client, buyer, "10"), "signed_form": api.upload(client, other_buyer.headers)}
    before = _counts(gateway)

    error_of(client.post(f"{API}/purchases", headers=buyer.headers, json=form), 422, "DOCUMENT_NOT_FOUND")

    assert _counts(gateway) == before


def test_purchase__reason_not_the_seeds_choice__422_invalid_input(client, gateway, buyer):
    before = _counts(gateway)
    error_of(client.post(f"{API}/purchases", headers=buyer.headers,
                         json={**api.purchase_form(client, buyer, "10"), "reason": "赛事碳中和"}), 422, "INVALID_INPUT")
    assert _counts(gateway) == before


def test_purchases__another_buyers__not_found_and_not_listed(client, buyer, other_buyer):
    purchase = api.apply_to_buy(client, buyer, "10")

    error_of(client.get(f"{API}/purchases/{purchase}", headers=other_buyer.headers), 404, "PURCHASE_NOT_FOUND")
    assert purchase not in [p["id"] for p in ok(client.get(f"{API}/purchases", headers=other_buyer.headers))]


# -- 附件1 三(二)1: the centre's queue, acceptance and the 交易受理通知书 ------------------------------------


def test_accept_purchase__centre__accepted_in_the_queue_and_the_notice_pdf_names_the_buyer_and_listing(
    client, gateway, officials, buyer, listed
):
    purchase = api.apply_to_buy(client, buyer, "300")
    queue = ok(client.get(f"{API}/purchases", params={"status": "SUBMITTED"}, headers=officials["CENTER"]))
    assert purchase in [p["id"] for p in queue]

    answer = ok(client.post(f"{API}/purchases/{purchase}/acceptance", headers=officials["CENTER"],
                            json={"decision": "accept", "coupon": listed}))

    assert answer["status"] == "ACCEPTED" and answer["notice"].endswith(f"{purchase:04d}号")
    pdf = client.get(answer["notice_pdf"], headers=buyer.headers)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(pdf.content).split())
    assert "自然生态系统碳券交易受理通知书" in text and answer["notice"] in text
    assert "益阳某会展有限公司" in text and listed in text and "300 吨" in text
    assert _purchase_row(gateway, purchase)[0] == "ACCEPTED"
    ok(_trade(client, officials, listed, purchase, "300"))  # sold in part: the rest is listed under another number
    text = " ".join(pdf_text(client.get(answer["notice_pdf"], headers=buyer.headers).content).split())
    assert listed in text and "30.00 元/吨" in text  # the notice still says what was accepted


def test_accept_purchase__twice__409_purchase_already_decided_and_nothing_changed(client, gateway, officials, buyer):
    purchase = api.accepted_purchase(client, officials, buyer, "10")
    before = _purchase_row(gateway, purchase)

    error_of(client.post(f"{API}/purchases/{purchase}/acceptance", headers=officials["CENTER"],
                         json={"decision": "reject", "note": "重复"}), 409, "PURCHASE_ALREADY_DECIDED")

    assert _purchase_row(gateway, purchase) == before


def test_reject_purchase__without_a_reason__422_reason_required_and_still_submitted(client, gateway, officials, buyer):
    purchase = api.apply_to_buy(client, buyer, "10")

    error_of(client.post(f"{API}/purchases/{purchase}/acceptance", headers=officials["CENTER"],
                         json={"decision": "reject"}), 422, "REASON_REQUIRED")

    assert _purchase_row(gateway, purchase)[0] == "SUBMITTED"
    error_of(client.get(f"{API}/purchases/{purchase}/acceptance-notice.pdf", headers=buyer.headers),
             404, "NOTICE_NOT_ISSUED")


def test_accept_purchase__holder__403_role_required(client, gateway, buyer):
    purchase = api.apply_to_buy(client, buyer, "10")
    error_of(client.post(f"{API}/purchases/{purchase}/acceptance", headers=buyer.headers,
                         json={"decision": "accept"}), 403, "ROLE_REQUIRED")
    assert _purchase_row(gateway, purchase)[0] == "SUBMITTED"


# -- 附件4, 附件5: the listing's forms --------------------------------------------------------------------


def test_list__full_disclosure_and_entrustment__stored_and_on_the_public_board(client, gateway, officials, seller, mint):
    number = mint(seller, claimed_t="100")
    ok(api.owner_request(client, seller, number, "LIST"))
    form = api.listing_form(client, officials, seller, notice_days=15, remarks="林地碳汇")

    ok(client.post(f"{API}/coupons/{number}/listing", headers=officials["CENTER"], json=form))

    with gateway.db.sessions() as db:
        record = db.get(ListingRecord, coupon_id(gateway, number))
        assert record.entrustment == form["entrustment"] and record.attachments == form["attachments"]
        assert record.notice_last_day - record.notice_start == dt.timedelta(days=14)
        assert record.disclosure["centre"] == api.CENTRE_CONTACTS and record.disclosure["holder_commitment"] is True
    [entry] = [e for e in ok(client.get(f"{API}/public/listings")) if e["number"] == number]
    assert entry["expired"] is False and entry["notice_start"] == str(record.notice_start)
    assert entry["notice_last_day"] == str(record.notice_last_day)
    assert entry["centre"] == api.CENTRE_CONTACTS and entry["disclosure_form"] == form["disclosure_form"]
    assert entry["entrustment"]["principal"] == {"name": "赫山区某村股份经济合作社（出让方）"}  # the account's, no more
    assert entry["entrustment"]["agent"] == form["entrustment"]["agent"]
    assert "0737-1234567" not in str(entry)  # the holder's phone stays off the board
    with gateway.db.sessions() as db:
        audited = db.scalar(select(AuditEntry).where(AuditEntry.action == "coupon.list").order_by(AuditEntry.id.desc()))
    assert audited.request["entrustment"] == {k: form["entrustment"][k] for k in ("signed_on", "agreement")}
    assert "0737-1234567" not in str(audited.request)  # and out of the audit log (DESIGN §2)
    page = client.get(f"/coupons/{number}").text
    assert 'id="listing" data-expired="false"' in page and api.CENTRE_CONTACTS["phone"] in page


def test_list__papers_to_their_parties__holder_reads_its_annex_4_and_5_the_public_the_attachments_only(
    client, officials, seller, other_buyer, mint
):
    """附件4 八, 附件5 (DESIGN §11): the holder downloads the signed agreement and form it is party to; the board
    serves the coupon original's scan and the other attachments as documents to anyone, and prints 附件5 四."""
    number = mint(seller, claimed_t="100")
    original = api.upload(client, officials["CENTER"], content=b"%PDF scan of the coupon original", name="碳券原件.pdf")
    api.list_coupon(client, officials, seller, number, coupon_original=original)
    [entry] = [e for e in ok(client.get(f"{API}/public/listings")) if e["number"] == number]

    for sha in (entry["disclosure_form"], entry["entrustment"]["agreement"]):  # the holder's papers
        assert client.get(f"{API}/documents/{sha}", headers=seller.headers).status_code == 200
        error_of(client.get(f"{API}/documents/{sha}", headers=other_buyer.headers), 403, "ROLE_REQUIRED")
        error_of(client.get(f"{API}/public/documents/{sha}"), 404, "DOCUMENT_NOT_FOUND")
    scan = client.get(f"{API}/public/documents/{original}")  # no login
    assert scan.status_code == 200 and scan.content == b"%PDF scan of the coupon original"
    assert client.get(f"{API}/public/documents/{entry['attachments'][0]}").status_code == 200
    board = client.get("/listings").text
    assert f'href="/api/v1/public/documents/{original}"' in board and "意向购买人享有权利及应付义务" in board
    assert "有权要求持有人提供更详细的资料或就有关问题做出答复" in board


def _entrustment(client, holder, number: str) -> dict:
    return {e["coupon"]: e for e in ok(client.get(f"{API}/entrustments", headers=holder.headers))}[number]


def test_entrustment__in_force_while_listed_the_centre_reports_then_ended_by_the_sale_or_terminated_by_withdrawal(
    client, gateway, officials, seller, buyer, other_buyer, mint
):
    """附件4 三、四: the centre files its management report (管理情况报告) and the holder reads it; 七: the agreement
    ends when the coupon is sold (完成交易) and is terminated when the listing is withdrawn."""
    sold, withdrawn = mint(seller, claimed_t="30"), mint(seller, claimed_t="30")
    api.list_coupon(client, officials, seller, sold)
    api.list_coupon(client, officials, seller, withdrawn)
    assert _entrustment(client, seller, sold)["status"] == "IN_FORCE"
    report = api.upload(client, officials["CENTER"], content=b"%PDF management report", name="管理情况报告.pdf")

    ok(client.post(f"{API}/coupons/{sold}/management-reports", headers=officials["CENTER"],
                   json={"period": "2026年12月", "summary": "挂牌期间有三家单位咨询", "report_document": report}))
    part = ok(_trade(client, officials, sold, api.accepted_purchase(client, officials, buyer, "10"), "10"))["coupon"]

    shown = _entrustment(client, seller, sold)
    assert shown["status"] == "IN_FORCE"  # the rest is listed still
    assert [(r["period"], r["summary"], r["document"]) for r in shown["reports"]] == [
        ("2026年12月", "挂牌期间有三家单位咨询", report)]
    assert client.get(f"{API}/documents/{report}", headers=seller.headers).content == b"%PDF management report"
    error_of(client.get(f"{API}/documents/{report}", headers=other_buyer.headers), 403, "ROLE_REQUIRED")
    rest = gateway.index.numbers.number_of(coupon_id(gateway, part) + 1)  # the part's sibling, listed still
    ok(_trade(client, officials, rest, api.accepted_purchase(client, officials, buyer, "20"), "20"))
    assert _entrustment(client, seller, sold)["status"] == "ENDED"
    ok(client.delete(f"{API}/coupons/{withdrawn}/listing", headers=officials["CENTER"]))
    assert _entrustment(client, seller, withdrawn)["status"] == "TERMINATED"
    assert ok(client.get(f"{API}/entrustments", headers=other_buyer.headers)) == []  # another's are not shown


@pytest.mark.parametrize(("changes", "code", "field"), [
    pytest.param({"holder_commitment": False}, "HOLDER_COMMITMENT_REQUIRED", "holder_commitment", id="no-commitment"),
    pytest.param({"disclosure_form": "cd" * 32}, "DOCUMENT_NOT_FOUND", "disclosure_form", id="form-not-uploaded"),
])
def test_list__incomplete_forms__422_and_the_coupon_stays_active(client, gateway, officials, seller, mint, changes,
                                                                  code, field):
    number = mint(seller, claimed_t="100")
    ok(api.owner_request(client, seller, number, "LIST"))
    before, counts = _coupon_on_chain(gateway, number), _counts(gateway)

    body = error_of(client.post(f"{API}/coupons/{number}/listing", headers=officials["CENTER"],
                                json=api.listing_form(client, officials, seller, **changes)), 422, code)

    assert body["detail"]["field"] == field
    assert _coupon_on_chain(gateway, number) == before and before.state.name == "ACTIVE"
    assert _counts(gateway) == counts


# -- 附件7: settlement, never beyond the purchase, vouchers and agreement ---------------------------------


def test_settle__purchase_not_accepted__409_purchase_not_accepted_and_nothing_changed(
    client, gateway, officials, buyer, listed
):
    purchase = api.apply_to_buy(client, buyer, "100")
    before, coupon, counts = _purchase_row(gateway, purchase), _coupon_on_chain(gateway, listed), _counts(gateway)

    body = error_of(_trade(client, officials, listed, purchase, "100"), 409, "PURCHASE_NOT_ACCEPTED")

    assert body["detail"] == {"status": "SUBMITTED"}
    assert _purchase_row(gateway, purchase) == before and _coupon_on_chain(gateway, listed) == coupon
    assert _counts(gateway)[1] == counts[1]


def test_settle__more_than_the_purchase_leaves_unfilled__409_and_nothing_changed(client, gateway, officials, buyer,
                                                                                 listed):
    """The issue's case: 800 t listed, a purchase of 500 t; then two trades of 300 t, the second refused."""
    purchase = api.accepted_purchase(client, officials, buyer, "500")
    coupon, counts = _coupon_on_chain(gateway, listed), _counts(gateway)

    body = error_of(_trade(client, officials, listed, purchase, "800"), 409, "AMOUNT_EXCEEDS_PURCHASE")

    assert body["detail"] == {"field": "amount_t", "unfilled_t": "500"}
    assert _purchase_row(gateway, purchase)[:2] == ("ACCEPTED", 0)
    assert _coupon_on_chain(gateway, listed) == coupon and _counts(gateway)[1] == counts[1]

    remainder_of = ok(_trade(client, officials, listed, purchase, "300"))
    assert ok(client.get(f"{API}/purchases/{purchase}", headers=buyer.headers))["status"] == "PARTLY_FILLED"
    remainder = next(c["number"] for c in ok(client.get(f"{API}/public/coupons/{listed}"))["lineage"]["children"]
                     if c["number"] != remainder_of["coupon"])
    before, coupon = _purchase_row(gateway, purchase), _coupon_on_chain(gateway, remainder)

    body = error_of(_trade(client, officials, remainder, purchase, "300"), 409, "AMOUNT_EXCEEDS_PURCHASE")

    assert body["detail"]["unfilled_t"] == "200"
    assert _purchase_row(gateway, purchase) == before and _coupon_on_chain(gateway, remainder) == coupon
    ok(_trade(client, officials, remainder, purchase, "200"))
    view = ok(client.get(f"{API}/purchases/{purchase}", headers=buyer.headers))
    assert (view["status"], view["filled_t"], len(view["trades"])) == ("FILLED", "500", 2)


def test_settle__accepted_purchase__trade_recorded_with_payment_terms_and_each_party_gets_voucher_and_agreement(
    client, gateway, officials, seller, buyer, other_buyer, listed
):
    purchase = api.accepted_purchase(client, officials, buyer, "120")
    agreement = api.upload(client, officials["CENTER"], content=b"%PDF signed trade agreement (annex 7)", name="附件7.pdf")

    answer = ok(_trade(client, officials, listed, purchase, "120", price_yuan_per_t="31.50", service_fee_yuan="37.80",
                       agreement=agreement, payment_method="ONLINE", payment_term="2026-12-20",
                       payment_status="PAID"))

    with gateway.db.sessions() as db:
        trade = db.get(Trade, answer["trade"])
        assert (trade.tx_hash, trade.coupon, trade.listing_coupon, trade.amount_kg, trade.price_fen_per_tonne,
                trade.service_fee_fen, trade.agreement, trade.payment_method, trade.payment_term,
                trade.payment_status) == (answer["tx_hash"], answer["coupon"], listed, 120_000, 3150, 3780, agreement,
                                          "ONLINE", dt.date(2026, 12, 20), "PAID")
        assert trade.buyer_id == db.get(Purchase, purchase).buyer_id and trade.seller_id is not None
    bought = _coupon_on_chain(gateway, answer["coupon"])
    assert bought.state.name == "ACTIVE" and bought.owner == buyer.address
    for party, copy in ((buyer, "受让方联"), (seller, "出让方联")):
        assert answer["trade"] in [t["id"] for t in ok(client.get(f"{API}/trades", headers=party.headers))]
        voucher = client.get(answer["voucher_pdf"], headers=party.headers)
        assert voucher.status_code == 200
        text = " ".join(pdf_text(voucher.content).split())
        assert "自然生态系统碳券交易凭证" in text and copy in text and answer["tx_hash"] in text
        assert "线上支付" in text and "2026-12-20" in text and "37.80" in text
        assert decode_qr(pdf_pages(voucher.content)[0]) == [f"http://testserver/coupons/{answer['coupon']}"]
        signed = client.get(f"{API}/trades/{answer['trade']}/agreement", headers=party.headers)
        assert signed.status_code == 200 and signed.content == b"%PDF signed trade agreement (annex 7)"
    error_of(client.get(answer["voucher_pdf"], headers=other_buyer.headers), 404, "TRADE_NOT_FOUND")
    error_of(client.get(f"{API}/trades/{answer['trade']}/agreement", headers=other_buyer.headers), 404, "TRADE_NOT_FOUND")
    assert Decimal(ok(client.get(f"{API}/purchases/{purchase}", headers=buyer.headers))["filled_t"]) == 120


def test_confirm_payment__settled_unpaid__paid_on_that_day_and_the_vouchers_say_so(client, officials, buyer, listed):
    """附件7 二2: the buyer's payment is confirmed after the settlement; 附件1 三(二)2: the seller's service fee too."""
    purchase = api.accepted_purchase(client, officials, buyer, "20")
    trade = ok(_trade(client, officials, listed, purchase, "20", payment_status="UNPAID"))["trade"]
    receipt = api.upload(client, officials["CENTER"], name="银行回单.pdf")

    paid = ok(client.post(f"{API}/trades/{trade}/payment", headers=officials["CENTER"],
                          json={"paid_on": "2026-12-03", "receipt": receipt}))
    fee = ok(client.post(f"{API}/trades/{trade}/service-fee", headers=officials["CENTER"], json={"paid_on": "2026-12-04"}))

    assert (paid["payment_status"], paid["paid_on"]) == ("PAID", "2026-12-03") and fee["fee_paid_on"] == "2026-12-04"
    text = " ".join(pdf_text(client.get(f"{API}/trades/{trade}/voucher.pdf", headers=buyer.headers).content).split())
    assert "已支付 paid（2026-12-03 支付 paid on）" in text and "2026-12-04 已支付 paid" in text
    error_of(client.post(f"{API}/trades/{trade}/payment", headers=officials["CENTER"], json={"paid_on": "2026-12-05"}),
             409, "TRADE_ALREADY_PAID")
    error_of(client.post(f"{API}/trades/{trade}/service-fee", headers=officials["CENTER"], json={"paid_on": "2026-12-05"}),
             409, "FEE_ALREADY_RECORDED")
    error_of(client.post(f"{API}/trades/{trade}/payment", headers=buyer.headers, json={"paid_on": "2026-12-05"}),
             403, "ROLE_REQUIRED")
    assert ok(client.get(f"{API}/trades/{trade}", headers=buyer.headers))["paid_on"] == "2026-12-03"


# -- a settlement a crash cut in two: its reservation ends by what the chain holds ----------------------


def _held(gateway, purchase: int, amount_kg: int, buyer, listed: str, agreement: str) -> int:
    """What a settlement leaves when its process dies after reserving: the amount reserved, a reservation held."""
    with gateway.db.sessions() as db:
        return settlements.reserve(db, db.get(Purchase, purchase), amount_kg=amount_kg, buyer_address=buyer.address,
                                   trade={"coupon": listed, "price_fen_per_tonne": 3000, "service_fee_fen": 0,
                                          "agreement": agreement, "payment_method": "BANK_TRANSFER",
                                          "payment_term": "2026-12-31", "payment_status": "UNPAID",
                                          "settled_by": 1}).id


def _abandoned(gateway, reservation: int) -> TradeReservation:
    """The reservation as its dead process left it an hour ago; what recovery makes of it."""
    with gateway.db.sessions() as db:
        db.execute(update(TradeReservation).where(TradeReservation.id == reservation)
                   .values(reserved_at=utcnow() - dt.timedelta(hours=1)))
        db.commit()
    recovery.recover(gateway)  # the gateway's own watch may have been first: the outcome is one
    with gateway.db.sessions() as db:
        return db.get(TradeReservation, reservation)


def test_recover__settlement_crashed_before_the_chain_was_asked__its_reservation_released(
    client, gateway, officials, buyer, listed
):
    purchase = api.accepted_purchase(client, officials, buyer, "120")
    reservation = _held(gateway, purchase, 120_000, buyer, listed, api.upload(client, officials["CENTER"]))
    error_of(_trade(client, officials, listed, purchase, "1"), 409, "PURCHASE_SETTLED")  # all of it held
    recovery.recover(gateway)  # a reservation this young may be a settlement under way still
    assert _purchase_row(gateway, purchase)[:2] == ("SETTLED", 120_000)

    assert _abandoned(gateway, reservation).status == "RELEASED"

    assert _purchase_row(gateway, purchase)[:2] == ("ACCEPTED", 0)
    ok(_trade(client, officials, listed, purchase, "120"))  # the purchase is settled after all


def test_recover__settlement_crashed_after_the_chain_took_it__the_trade_recorded_as_the_settlement_would_have(
    client, gateway, officials, seller, buyer, listed
):
    purchase = api.accepted_purchase(client, officials, buyer, "50")
    agreement = api.upload(client, officials["CENTER"], name="附件7.pdf")
    reservation = _held(gateway, purchase, 50_000, buyer, listed, agreement)
    sold = gateway.registry.settle_trade(gateway.node.department(Role.CENTER), coupon=coupon_id(gateway, listed),
                                         buyer=buyer.address, amount_kg=50_000, price_fen_per_tonne=3000,
                                         service_fee_fen=0, agreement_hash=bytes.fromhex(agreement))

    assert _abandoned(gateway, reservation).status == "SETTLED"

    with gateway.db.sessions() as db:
        trade = db.scalar(select(Trade).where(Trade.tx_hash == sold.tx_hash))
        assert (trade.purchase_id, trade.amount_kg, trade.agreement, trade.listing_coupon) == (
            purchase, 50_000, agreement, listed)
        assert trade.seller_id is not None and db.get(TradeReservation, reservation).tx_hash == sold.tx_hash
    assert _purchase_row(gateway, purchase)[:2] == ("SETTLED", 50_000)
    assert trade.id in [t["id"] for t in ok(client.get(f"{API}/trades", headers=buyer.headers))]
    assert _coupon_on_chain(gateway, trade.coupon).owner == buyer.address


# -- a listing ends at its notice end (附件5 二) ----------------------------------------------------------


def test_settle__listing_past_its_notice_end__409_listing_expired_board_says_expired_nothing_changed(tmp_path):
    with calendar_gateway(tmp_path) as cal:
        client, officials = cal.client, cal.officials
        owner, purchaser = api.register_holder(client), api.register_holder(client)
        cal.at(D(2026, 9, 1))
        number = api.mint(client, officials, owner, claimed_t="100")
        api.list_coupon(client, officials, owner, number, notice_days=3)  # 9-01 through 9-03
        purchase = api.accepted_purchase(client, officials, purchaser, "10")
        [entry] = ok(client.get(f"{API}/public/listings"))
        assert (entry["notice_start"], entry["notice_last_day"], entry["expired"]) == ("2026-09-01", "2026-09-03", False)

        cal.at(D(2026, 9, 4), hour=0)
        with cal.gateway.db.sessions() as db:
            filled_before = db.get(Purchase, purchase).filled_kg
        coupon = _coupon_on_chain(cal.gateway, number)
        block = cal.gateway.registry.chain.w3.eth.block_number

        body = error_of(_trade(client, officials, number, purchase, "10"), 409, "LISTING_EXPIRED")

        assert body["detail"]["last_day"] == "2026-09-03"
        assert cal.gateway.registry.chain.w3.eth.block_number == block  # nothing sent
        assert _coupon_on_chain(cal.gateway, number) == coupon and coupon.state.name == "LISTED"
        with cal.gateway.db.sessions() as db:
            assert db.get(Purchase, purchase).filled_kg == filled_before == 0
            assert db.scalar(select(func.count()).select_from(Trade)) == 0
        [entry] = ok(client.get(f"{API}/public/listings"))
        assert entry["expired"] is True
        assert 'class="badge expired"' in client.get("/listings").text
        assert 'id="listing-expired"' in client.get(f"/coupons/{number}").text
        console = client.get(f"/console/coupons/{number}", headers=officials["CENTER"]).text
        assert 'id="listing-expired"' in console and 'data-step="market.trade"' not in console
        assert 'data-step="coupon.withdraw_listing"' in console  # 撤牌: the listing's way out after its notice
        error_of(client.post(f"{API}/purchases/{api.apply_to_buy(client, purchaser, '1')}/acceptance",
                             headers=officials["CENTER"], json={"decision": "accept", "coupon": number}),
                 409, "LISTING_EXPIRED")


def test_queue__centre__purchase_to_accept_then_to_settle_until_filled(client, officials, buyer, listed):
    purchase = api.apply_to_buy(client, buyer, "50")

    def queued() -> list[dict]:
        return [i for i in ok(client.get(f"{API}/queue", headers=officials["CENTER"])) if i.get("purchase") == purchase]

    assert [(i["step"], i["status"], i["href"]) for i in queued()] == [
        ("market.accept_purchase", "SUBMITTED", f"/console/purchases/{purchase}")]
    assert f'<a class="button" href="/console/purchases/{purchase}">' in client.get(
        "/console", headers=officials["CENTER"]).text
    ok(client.post(f"{API}/purchases/{purchase}/acceptance", headers=officials["CENTER"], json={"decision": "accept"}))
    assert [(i["step"], i["status"]) for i in queued()] == [("market.trade", "ACCEPTED")]
    ok(_trade(client, officials, listed, purchase, "50"))
    assert queued() == []
    assert not [i for i in ok(client.get(f"{API}/queue", headers=officials["NRB"])) if i.get("purchase") == purchase]
