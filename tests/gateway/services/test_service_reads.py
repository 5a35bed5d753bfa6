"""The reads services offer pages: a coupon's row and open consent, an application's
applicant, search by number or transaction, the lineage family. All from the index."""

import pytest

from gateway.core.errors import NotFound
from gateway.services import applications, coupons, public

UNKNOWN_NUMBER = "HSTQ-1999-0001-0001"


def _post(client, path: str, headers: dict, body: dict | None = None) -> dict:
    response = client.post(f"/api/v1{path}", headers=headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _provenance(gateway, number: str) -> dict:
    with gateway.db.sessions() as db:
        return public.provenance(gateway, db, number)


def test_coupon_row__owner_consent__state_owner_and_open_consent(client, gateway, new_holder, mint):
    holder = new_holder()
    number = mint(holder)

    _post(client, f"/coupons/{number}/requests", holder.headers, {"action": "LIST"})

    row = coupons.coupon_row(gateway, number)
    assert (row.number, row.state, row.owner, row.pending_action) == (number, "ACTIVE", holder.address, "LIST")
    assert coupons.pending_actions(gateway)[number] == "LIST"
    with pytest.raises(NotFound) as missing:
        coupons.coupon_row(gateway, UNKNOWN_NUMBER)
    assert missing.value.code == "COUPON_NOT_FOUND"


def test_applicant_of__minted_application__the_holder_who_applied(gateway, new_holder, mint):
    holder = new_holder()
    application = _provenance(gateway, mint(holder))["issuance"]["application"]

    assert applications.applicant_of(gateway, application) == holder.address
    with pytest.raises(NotFound) as missing:
        applications.applicant_of(gateway, application + 10_000)
    assert missing.value.code == "APPLICATION_NOT_FOUND"


def test_search_reads__number_mint_tx_and_offset_tx__what_each_finds(client, gateway, officials, new_holder, mint):
    holder = new_holder()
    number = mint(holder)
    record = _provenance(gateway, number)
    minted_tx = next(step["tx_hash"] for step in record["history"] if step["event"] == "CouponCreated")
    _post(client, f"/coupons/{number}/requests", holder.headers, {"action": "OFFSET"})
    certificate = _post(client, f"/coupons/{number}/offset", officials["EEB"], {
        "purpose": "GREEN_POINTS", "beneficiary": "积分用户", "case_reference": "GP-READS"})["certificate"]

    assert public.coupon_exists(gateway, number) and not public.coupon_exists(gateway, UNKNOWN_NUMBER)
    assert public.coupon_touched_by(gateway, minted_tx) == number
    assert public.coupon_touched_by(gateway, certificate) is None  # an offset's page is its verification
    assert public.coupon_touched_by(gateway, "0x" + "00" * 32) is None
    assert [c["number"] for c in public.family(gateway, record["issuance"]["id"])] == [number]
