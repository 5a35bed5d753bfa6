"""兑现 (§2: 交易、兑现、抵销; DESIGN §11): DRC designates the district's acquirer (收储主体) and publishes
its price; the holder consents to redeem its coupon, whole or part; the centre sells it to the acquirer at
that price, no listing needed; provenance says 兑现, each party prints its 兑现凭证, and the acquirer holds
the coupon as any owner does. Every refusal leaves the chain as it was."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import pytest

from gateway.services.coupons import coupon_id
from support import api
from support.calendar import calendar_gateway
from support.http import API, error_of, ok
from support.pdf_qr import decode_qr, pdf_pages, pdf_text

ACQUIRER = "赫山区生态资源收储运营有限公司"
PRICE_NOTICE = "赫发改〔2026〕12号"


@pytest.fixture(scope="module")
def acquirer(client):
    return api.register_holder(client, organisation=ACQUIRER, account_type="ENTERPRISE")


def _publish(client, officials, acquirer, price: str = "28.50"):
    return client.post(f"{API}/redemption/terms", headers=officials["DRC"], json={
        "acquirer": acquirer.username, "redemption_price_yuan_per_t": price, "price_notice": PRICE_NOTICE})


def _redeem(client, officials, number: str):
    agreement = api.upload(client, officials["CENTER"], name="兑现协议.pdf")
    return client.post(f"{API}/coupons/{number}/redemption", headers=officials["CENTER"],
                       json={"redemption_agreement": agreement})


@contextmanager
def nothing_on_chain(gateway):
    head = gateway.registry.chain.w3.eth.block_number
    yield
    assert gateway.registry.chain.w3.eth.block_number == head


def test_redeem__terms_published_owner_consents_centre_redeems__acquirer_owns_it_at_the_price_and_both_get_vouchers(
    client, gateway, officials, new_holder, mint, acquirer
):
    holder = new_holder()
    number = mint(holder, claimed_t="200")
    ok(_publish(client, officials, acquirer))
    terms = ok(client.get(f"{API}/public/redemption"))
    assert (terms["acquirer"]["organisation"], terms["price_yuan_per_t"], terms["notice"]) == (
        ACQUIRER, "28.50", PRICE_NOTICE)
    ok(api.owner_request(client, holder, number, "REDEEM", amount_t="150"))

    answer = ok(_redeem(client, officials, number))

    redeemed = gateway.registry.coupon(coupon_id(gateway, answer["coupon"]))
    assert (redeemed.owner, redeemed.state.name, redeemed.amount_kg) == (acquirer.address, "ACTIVE", 150_000)
    rest = [c for c in ok(client.get(f"{API}/coupons", headers=holder.headers)) if c["state"] == "ACTIVE"]
    assert [c["amount_t"] for c in rest] == ["50"]  # the part not redeemed stays the holder's
    history = ok(client.get(f"{API}/public/coupons/{answer['coupon']}"))["history"]
    assert [h for h in history if h["event"] == "CouponRedeemed"][0]["tx_hash"] == answer["tx_hash"]
    for party, copy in ((holder, "出让方联"), (acquirer, "收储方联")):
        [mine] = [r for r in ok(client.get(f"{API}/redemptions", headers=party.headers))
                  if r["tx_hash"] == answer["tx_hash"]]
        assert (mine["amount_t"], mine["price_yuan_per_t"], mine["total_yuan"]) == ("150", "28.50", "4275.00")
        voucher = client.get(answer["voucher_pdf"], headers=party.headers)
        assert voucher.status_code == 200
        text = " ".join(pdf_text(voucher.content).split())
        assert "自然生态系统碳券兑现凭证" in text and copy in text and answer["tx_hash"] in text and ACQUIRER in text
        assert decode_qr(pdf_pages(voucher.content)[0]) == [f"http://testserver/coupons/{answer['coupon']}"]
    ok(api.owner_request(client, acquirer, answer["coupon"], "LIST"))  # the acquirer holds it as any owner


def test_redemption_voucher__not_a_party__404_as_if_missing(client, officials, new_holder, mint, acquirer):
    holder = new_holder()
    number = mint(holder, claimed_t="10")
    ok(_publish(client, officials, acquirer))
    ok(api.owner_request(client, holder, number, "REDEEM"))
    answer = ok(_redeem(client, officials, number))

    error_of(client.get(answer["voucher_pdf"], headers=new_holder().headers), 404, "REDEMPTION_NOT_FOUND")
    assert client.get(answer["voucher_pdf"], headers=officials["EEB"]).status_code == 200


def test_redeem__without_the_owners_consent__409_and_the_coupon_unchanged(client, gateway, officials, new_holder, mint,
                                                                     acquirer):
    number = mint(new_holder(), claimed_t="10")
    ok(_publish(client, officials, acquirer))
    before = gateway.registry.coupon(coupon_id(gateway, number))

    error_of(_redeem(client, officials, number), 409, "OWNER_CONSENT_MISSING")  # the ledger's refusal

    assert gateway.registry.coupon(coupon_id(gateway, number)) == before
    assert ok(client.get(f"{API}/public/coupons/{number}"))["coupon"]["state"] == "ACTIVE"


def test_request_redeem__by_the_acquirer_itself__422_and_nothing_on_chain(client, gateway, officials, mint, acquirer):
    ok(_publish(client, officials, acquirer))
    number = mint(acquirer, claimed_t="10")

    with nothing_on_chain(gateway):
        error_of(api.owner_request(client, acquirer, number, "REDEEM"), 422, "BAD_COUNTERPARTY")


@pytest.mark.parametrize(("who", "status", "code"), [
    ("unverified", 403, "ACCOUNT_UNVERIFIED"), ("nobody", 422, "ACQUIRER_NOT_FOUND")])
def test_publish_terms__acquirer_unverified_or_unknown__refused_and_nothing_on_chain(client, gateway, officials, who,
                                                                                    status, code):
    named = api.register_holder(client, verified=False) if who == "unverified" else api.Holder("nobody-here", {}, client, "")

    with nothing_on_chain(gateway):
        body = error_of(_publish(client, officials, named), status, code)
    assert body["detail"]["field"] == "acquirer"


def test_request_redeem__no_acquirer_designated_yet__409_and_nothing_on_chain(tmp_path):
    with calendar_gateway(tmp_path) as fresh:
        holder = api.register_holder(fresh.client)
        number = api.mint(fresh.client, fresh.officials, holder, claimed_t="10")
        assert ok(fresh.client.get(f"{API}/public/redemption")) is None

        with nothing_on_chain(fresh.gateway):
            error_of(api.owner_request(fresh.client, holder, number, "REDEEM"), 409, "NO_DESIGNATED_ACQUIRER")


def test_publish_terms__a_new_price__the_next_redemption_pays_it(client, gateway, officials, new_holder, mint, acquirer):
    holder = new_holder()
    number = mint(holder, claimed_t="10")
    ok(_publish(client, officials, acquirer, price="30.00"))
    ok(api.owner_request(client, holder, number, "REDEEM"))
    ok(_publish(client, officials, acquirer, price="31.20"))  # republished before the centre's step

    answer = ok(_redeem(client, officials, number))

    [redemption] = [r for r in ok(client.get(f"{API}/redemptions", headers=holder.headers))
                    if r["tx_hash"] == answer["tx_hash"]]
    assert Decimal(redemption["price_yuan_per_t"]) == Decimal("31.20")
