"""Accounts (附件1 三(一); the party fields of 附件3/4/8): registration with the party's type, ID
number or USCC (checked, kept hashed and masked, reserved by nobody: test_identity_privacy.py), legal
representative, address and contacts; the centre's in-person verification (who, when, which document), without which an
account may not apply, list or buy; DRC's disabling; password change. Every refusal leaves the
accounts, the chain and the audit log as they were."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from gateway.core.db import AccountVerification, ApplicationRecord, AuditEntry, Purchase, Token, User
from gateway.demo import DEMO_PASSWORD, OFFICIALS
from gateway.core.identity import make_resident_id, make_uscc, mask
from support import api
from support.http import API, error_of, login, ok

NEW_PASSWORD = "granite-ledger-willow-42"


# ---------------------------------------------------------------- what "nothing changed" means


def _rows(gateway) -> dict:
    with gateway.db.sessions() as db:
        return {
            "users": db.execute(select(User.id, User.username, User.password_hash, User.identity_hash,
                                       User.verified_at, User.disabled_at).order_by(User.id)).all(),
            "verifications": db.scalar(select(func.count()).select_from(AccountVerification)),
            "applications": db.scalar(select(func.count()).select_from(ApplicationRecord)),
            "purchases": db.scalar(select(func.count()).select_from(Purchase)),
            "tokens": db.scalar(select(func.count()).select_from(Token)),
        }


@pytest.fixture
def unchanged(gateway):
    """Asserts, after the test, that no row changed, no block was mined and nothing was audited."""
    before, block = _rows(gateway), gateway.registry.chain.w3.eth.block_number
    last_audit = _last_audit(gateway)
    yield
    assert _rows(gateway) == before
    assert gateway.registry.chain.w3.eth.block_number == block
    assert _audit_since(gateway, last_audit) == []


def _last_audit(gateway) -> int:
    with gateway.db.sessions() as db:
        return db.scalar(select(func.max(AuditEntry.id))) or 0


def _audit_since(gateway, last_id: int) -> list[AuditEntry]:
    with gateway.db.sessions() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id)))


def _user(gateway, username: str) -> User:
    with gateway.db.sessions() as db:
        return db.scalar(select(User).where(User.username == username))


def _unverify(gateway, username: str) -> None:
    """As an account opened before verification existed (migration 0005) is: not yet checked."""
    with gateway.db.sessions() as db, db.begin():
        db.execute(update(User).where(User.username == username).values(verified_at=None))


# ---------------------------------------------------------------- registration


def test_register__collective_with_every_field__stored_masked_and_unverified(client, gateway):
    uscc = make_uscc(prefix="N2")
    last_audit = _last_audit(gateway)
    form = api.holder_form(organisation="泉交河镇某村股份经济合作社", identity=uscc, account_type="COLLECTIVE",
                           legal_representative="王社长", postal_address="赫山区泉交河镇某村",
                           contact_person="李会计", contact_phone="0737-1234567")

    answer = ok(client.post(f"{API}/auth/holders", json=form))

    assert answer["state"] == "UNVERIFIED" and answer["identity_masked"] == mask(uscc)
    assert answer["account_type"] == "COLLECTIVE"
    mine = ok(client.get(f"{API}/auth/me/account", headers=login(client, form["username"])))
    assert {k: mine[k] for k in ("organisation", "account_type", "identity_kind", "identity_masked",
                                 "legal_representative", "postal_address", "contact_person", "contact_phone",
                                 "state", "verification")} == {
        "organisation": "泉交河镇某村股份经济合作社", "account_type": "COLLECTIVE", "identity_kind": "USCC",
        "identity_masked": uscc[0] + "*" * 16 + uscc[-1], "legal_representative": "王社长",
        "postal_address": "赫山区泉交河镇某村", "contact_person": "李会计", "contact_phone": "0737-1234567",
        "state": "UNVERIFIED", "verification": None}
    user = _user(gateway, form["username"])
    assert uscc not in (user.identity_hash or "") and user.identity_hash.startswith("scrypt$")
    for entry in _audit_since(gateway, last_audit):
        assert uscc not in str(entry.request)


def test_register__person_with_resident_id__masked_id_and_no_clear_number_anywhere(client, gateway):
    number = make_resident_id()
    last_audit = _last_audit(gateway)
    form = api.holder_form(organisation=None, identity=number.lower(), account_type="PERSON")

    answer = ok(client.post(f"{API}/auth/holders", json=form))

    assert answer["identity_masked"] == number[0] + "*" * 16 + number[-1]
    with gateway.db.sessions() as db:
        for row in db.execute(select(User).where(User.username == form["username"])).scalars():
            assert number not in repr({c.name: getattr(row, c.name) for c in User.__table__.columns})
    assert all(number not in str(e.request) for e in _audit_since(gateway, last_audit))


@pytest.mark.parametrize("account_type", ["ENTERPRISE", "AGENCY", "EVENT_ORGANISER", "DAMAGE_LIABLE", "FINANCIAL"])
def test_register__each_organisation_type__201(client, account_type):
    form = api.holder_form(organisation="某单位", account_type=account_type, identity=make_uscc())
    assert ok(client.post(f"{API}/auth/holders", json=form))["account_type"] == account_type


def test_register__party_liable_for_damage_as_a_person__201(client):
    form = api.holder_form(organisation=None, account_type="DAMAGE_LIABLE", identity=make_resident_id())
    assert ok(client.post(f"{API}/auth/holders", json=form))["state"] == "UNVERIFIED"


@pytest.mark.parametrize("identity", ["abcdef", "ABCDEFGHIJKLMNOPQR", "9143090300000000000", "91430903I000100Y43"])
def test_register__malformed_identity__422_identity_malformed_and_nothing_stored(client, unchanged, identity):
    response = client.post(f"{API}/auth/holders", json=api.holder_form(identity=identity, account_type="ENTERPRISE"))

    assert error_of(response, 422, "IDENTITY_MALFORMED")["detail"] == {"field": "identity"}


@pytest.mark.parametrize("account_type, good", [("ENTERPRISE", "91350100M000100Y43"), ("PERSON", "11010519491231002X")])
def test_register__one_character_changed__422_identity_check_digit_and_nothing_stored(
    client, unchanged, account_type, good
):
    changed = good[:14] + ("1" if good[14] != "1" else "2") + good[15:]  # a sequence / organisation-code digit
    organisation = None if account_type == "PERSON" else "某公司"

    response = client.post(f"{API}/auth/holders", json=api.holder_form(
        organisation=organisation, identity=changed, account_type=account_type))

    error_of(response, 422, "IDENTITY_CHECK_DIGIT")


def test_register__person_with_a_uscc__422_identity_malformed(client, unchanged):
    response = client.post(f"{API}/auth/holders", json=api.holder_form(
        organisation=None, identity=make_uscc(), account_type="PERSON"))

    error_of(response, 422, "IDENTITY_MALFORMED")


def test_register__enterprise_with_a_resident_id__422_identity_malformed(client, unchanged):
    response = client.post(f"{API}/auth/holders", json=api.holder_form(
        organisation="某公司", identity="11010519491231002X", account_type="ENTERPRISE"))  # not a USCC either

    error_of(response, 422, "IDENTITY_MALFORMED")


def test_register__organisation_without_legal_representative__422_and_nothing_stored(client, unchanged):
    response = client.post(f"{API}/auth/holders", json=api.holder_form(
        organisation="某公司", account_type="ENTERPRISE", legal_representative=" "))

    assert error_of(response, 422, "ORGANISATION_DETAILS_MISSING")["detail"] == {"field": "legal_representative"}


# ---------------------------------------------------------------- the centre's verification


def test_verify__by_the_centre__who_when_which_document_recorded(client, gateway, officials):
    number = make_uscc()
    holder = api.register_holder(client, verified=False, identity=number)
    scan = api.upload(client, officials["CENTER"], name="营业执照.pdf")
    last_audit = _last_audit(gateway)

    answer = ok(client.post(f"{API}/auth/accounts/{holder.username}/verification", headers=officials["CENTER"],
                            json={"document_type": "BUSINESS_LICENCE", "document_number": number, "document": scan}))

    assert answer["state"] == "VERIFIED"
    mine = ok(client.get(f"{API}/auth/me/account", headers=holder.headers))
    assert mine["state"] == "VERIFIED"
    check = mine["verification"]
    assert check["verified_by"] == OFFICIALS["CENTER"] and check["verified_at"]
    assert (check["document_type"], check["document_number_masked"], check["document_sha256"]) == (
        "BUSINESS_LICENCE", mask(number), scan)
    (entry,) = _audit_since(gateway, last_audit)
    assert entry.action == "account.verify" and number not in str(entry.request)


def test_verify__by_the_centre__the_accounts_key_and_address_made_then_with_gas(client, gateway, officials):
    """DESIGN §11: the verified account holds an address on chain at once, before it first signs or receives."""
    number = make_uscc()
    holder = api.register_holder(client, verified=False, identity=number)
    assert ok(client.get(f"{API}/auth/me/account", headers=holder.headers))["address"] is None

    ok(client.post(f"{API}/auth/accounts/{holder.username}/verification", headers=officials["CENTER"],
                   json=_verification(client, officials, number)))

    address = ok(client.get(f"{API}/auth/me/account", headers=holder.headers))["address"]
    assert address == gateway.custodial(holder.username).address
    assert gateway.registry.chain.w3.eth.get_balance(address) > 0  # it can sign its first step


def _verification(client, officials, number: str, **changes) -> dict:
    """A whole verification form: the number shown and the centre's own scan of the document."""
    return {"document_type": "BUSINESS_LICENCE", "document_number": number,
            "document": api.upload(client, officials["CENTER"], api.CENTRE_SCAN), **changes}


def test_verify__twice__409_and_nothing_changed(client, officials, unchanged_holder):
    holder, form = unchanged_holder
    response = client.post(f"{API}/auth/accounts/{holder.username}/verification", headers=officials["CENTER"],
                           json=form)

    error_of(response, 409, "ACCOUNT_NOT_UNVERIFIED")


@pytest.fixture
def unchanged_holder(client, gateway, officials):
    holder = api.register_holder(client)
    form = _verification(client, officials, holder.identity)
    before, last_audit = _rows(gateway), _last_audit(gateway)
    yield holder, form
    assert _rows(gateway) == before and _audit_since(gateway, last_audit) == []


def test_verify__scan_not_uploaded_by_the_centre__422_and_nothing_changed(client, gateway, officials):
    holder = api.register_holder(client, verified=False)
    scan = api.upload(client, holder.headers)  # the holder's upload, not the centre's
    form = _verification(client, officials, holder.identity, document=scan)
    before, last_audit = _rows(gateway), _last_audit(gateway)

    response = client.post(f"{API}/auth/accounts/{holder.username}/verification", headers=officials["CENTER"],
                           json=form)

    error_of(response, 422, "DOCUMENT_NOT_FOUND")  # as every form that cites another account's upload
    assert _rows(gateway) == before and _audit_since(gateway, last_audit) == []


@pytest.mark.parametrize("missing", ["document_number", "document"])
def test_verify__without_the_number_shown_or_the_scan__422_naming_it_and_nothing_changed(
    client, gateway, officials, missing
):
    """附件1 三(一), DESIGN §11: the centre enters the number on the document it was shown and attaches its scan."""
    holder = api.register_holder(client, verified=False)
    form = _verification(client, officials, holder.identity)
    del form[missing]
    before, last_audit = _rows(gateway), _last_audit(gateway)

    response = client.post(f"{API}/auth/accounts/{holder.username}/verification", headers=officials["CENTER"],
                           json=form)

    assert [f["field"] for f in error_of(response, 422, "INVALID_INPUT")["detail"]] == [missing]
    assert _rows(gateway) == before and _audit_since(gateway, last_audit) == []


def test_verify__number_not_the_registered_one__422_refused_and_recorded_in_the_audit_log(client, gateway, officials):
    """附件1 三(一): a mismatch is refused, and the refusal is recorded (who, which account, the number masked)."""
    holder = api.register_holder(client, verified=False)
    shown = make_uscc()
    form = _verification(client, officials, shown)
    before, last_audit = _rows(gateway), _last_audit(gateway)

    response = client.post(f"{API}/auth/accounts/{holder.username}/verification", headers=officials["CENTER"],
                           json=form)

    error_of(response, 422, "IDENTITY_MISMATCH")
    assert _rows(gateway) == before
    (entry,) = _audit_since(gateway, last_audit)
    assert (entry.username, entry.action, entry.outcome) == (OFFICIALS["CENTER"], "account.verify",
                                                             "refused: IDENTITY_MISMATCH")
    assert entry.request["username"] == holder.username and entry.request["document_number"] == mask(shown)
    assert shown not in str(entry.request)


def test_verify__unknown_account__404(client, officials, unchanged):
    response = client.post(f"{API}/auth/accounts/nobody-here/verification", headers=officials["CENTER"],
                           json={"document_type": "OTHER", "document_number": make_uscc(), "document": "0" * 64})

    error_of(response, 404, "ACCOUNT_NOT_FOUND")


def test_accounts__centre_queue__unverified_only_with_masked_ids(client, officials):
    number = make_uscc()
    holder = api.register_holder(client, identity=number, verified=False)

    queue = ok(client.get(f"{API}/auth/accounts", params={"state": "UNVERIFIED"}, headers=officials["CENTER"]))

    (row,) = [r for r in queue if r["username"] == holder.username]
    assert row["identity_masked"] == mask(number) and number not in str(queue)
    assert all(r["state"] == "UNVERIFIED" for r in queue)


def test_accounts__a_holder__403(client, new_holder):
    error_of(client.get(f"{API}/auth/accounts", headers=new_holder().headers), 403, "ROLE_REQUIRED")


# ---------------------------------------------------------------- an unverified account may not apply, list or buy


def test_submit__unverified_account__403_account_unverified_and_nothing_changed(client, gateway):
    holder = api.register_holder(client, verified=False)
    form = api.application_form(api.upload(client, holder.headers))
    before, block = _rows(gateway), gateway.registry.chain.w3.eth.block_number
    applications = gateway.registry.call("application_count")

    response = client.post(f"{API}/applications", headers=holder.headers, json=form)

    error_of(response, 403, "ACCOUNT_UNVERIFIED")
    assert _rows(gateway) == before and gateway.registry.chain.w3.eth.block_number == block
    assert gateway.registry.call("application_count") == applications


def test_submit__once_verified__201(client, gateway, officials):
    holder = api.register_holder(client, verified=False)
    api.verify_account(client, holder.username, holder.identity)
    assert api.submit(client, holder, api.application_form(api.upload(client, holder.headers))).id


def test_purchase__unverified_account__403_account_unverified_and_nothing_changed(client, gateway, unchanged_buyer):
    buyer = unchanged_buyer
    response = client.post(f"{API}/purchases", headers=buyer.headers, json={"amount_t": "10", "reason": "自愿减排"})

    error_of(response, 403, "ACCOUNT_UNVERIFIED")


@pytest.fixture
def unchanged_buyer(client, gateway):
    buyer = api.register_holder(client, organisation="某公司", account_type="ENTERPRISE", verified=False)
    before, block, last_audit = _rows(gateway), gateway.registry.chain.w3.eth.block_number, _last_audit(gateway)
    yield buyer
    assert _rows(gateway) == before and gateway.registry.chain.w3.eth.block_number == block
    assert _audit_since(gateway, last_audit) == []


def test_list_request__unverified_owner__403_account_unverified_and_nothing_changed(client, gateway, mint):
    holder = api.register_holder(client)
    number = mint(holder)
    _unverify(gateway, holder.username)
    coupon = gateway.registry.coupon(api_coupon_id(gateway, number))
    before, block = _rows(gateway), gateway.registry.chain.w3.eth.block_number

    response = api.owner_request(client, holder, number, "LIST")

    error_of(response, 403, "ACCOUNT_UNVERIFIED")
    assert _rows(gateway) == before and gateway.registry.chain.w3.eth.block_number == block
    assert gateway.registry.coupon(api_coupon_id(gateway, number)) == coupon


def test_listing__owner_not_verified__403_account_unverified_and_the_coupon_stays(client, gateway, officials, mint):
    """The owner asked for the listing, then its account is found unverified (one opened before
    verification existed): the centre cannot list the coupon."""
    holder = api.register_holder(client)
    number = mint(holder)
    ok(api.owner_request(client, holder, number, "LIST"))
    _unverify(gateway, holder.username)
    cid = api_coupon_id(gateway, number)
    coupon, request = gateway.registry.coupon(cid), gateway.registry.request_of(cid)
    block = gateway.registry.chain.w3.eth.block_number

    response = client.post(f"{API}/coupons/{number}/listing", headers=officials["CENTER"], json=api.LISTING)

    error_of(response, 403, "ACCOUNT_UNVERIFIED")
    assert gateway.registry.chain.w3.eth.block_number == block
    assert (gateway.registry.coupon(cid), gateway.registry.request_of(cid)) == (coupon, request)


def test_loss_report__unverified_owner__403_account_unverified_and_nothing_changed(client, gateway, mint):
    """附件1 二(一) with 三(一): a loss is reported by an owner the centre has verified."""
    holder = api.register_holder(client)
    number = mint(holder)
    _unverify(gateway, holder.username)
    cid = api_coupon_id(gateway, number)
    form = api.loss_report_form(api.upload(client, holder.headers))
    before, block = gateway.registry.coupon(cid), gateway.registry.chain.w3.eth.block_number

    response = client.post(f"{API}/coupons/{number}/loss-report", headers=holder.headers, json=form)

    error_of(response, 403, "ACCOUNT_UNVERIFIED")
    assert (gateway.registry.coupon(cid), gateway.registry.chain.w3.eth.block_number) == (before, block)


def test_purchase__party_liable_for_damage_as_voluntary__422_and_nothing_stored(client, gateway):
    """附件1 三(一)2(3): a party liable for ecological damage buys only as 生态赔偿, with the authority's document."""
    liable = api.register_holder(client, organisation="某交通建设有限公司", account_type="DAMAGE_LIABLE")
    form = api.purchase_form(client, liable, "10")
    before = _rows(gateway)

    response = client.post(f"{API}/purchases", headers=liable.headers, json=form)

    assert error_of(response, 422, "LIABLE_PARTY_BUYS_AS_COMPENSATION")["detail"] == {"field": "reason"}
    assert _rows(gateway) == before
    eco = api.purchase_form(client, liable, "10", reason="ECO_COMPENSATION")
    assert client.post(f"{API}/purchases", headers=liable.headers, json=eco).status_code == 201


def api_coupon_id(gateway, number: str) -> int:
    from gateway.services.coupons import coupon_id
    return coupon_id(gateway, number)


# ---------------------------------------------------------------- the centre revokes its verification


def test_revoke_verification__by_the_centre__unverified_again_record_kept_and_reverified_later(client, gateway, officials):
    """DESIGN §11: verification can be revoked with a reason; the account may not apply until checked anew."""
    holder = api.register_holder(client)
    last_audit = _last_audit(gateway)

    answer = ok(client.post(f"{API}/auth/accounts/{holder.username}/verification/revocation",
                            headers=officials["CENTER"], json={"reason": "营业执照已被吊销"}))

    assert answer["state"] == "UNVERIFIED"
    mine = ok(client.get(f"{API}/auth/me/account", headers=holder.headers))
    assert mine["state"] == "UNVERIFIED"
    assert (mine["verification"]["revoked_by"], mine["verification"]["revoked_reason"]) == (
        OFFICIALS["CENTER"], "营业执照已被吊销")
    (entry,) = _audit_since(gateway, last_audit)
    assert (entry.action, entry.username, entry.request["reason"]) == (
        "account.revoke_verification", OFFICIALS["CENTER"], "营业执照已被吊销")
    response = client.post(f"{API}/applications", headers=holder.headers,
                           json=api.application_form(api.upload(client, holder.headers)))
    error_of(response, 403, "ACCOUNT_UNVERIFIED")

    api.verify_account(client, holder.username, holder.identity)  # its papers seen anew
    assert ok(client.get(f"{API}/auth/me/account", headers=holder.headers))["state"] == "VERIFIED"


@pytest.mark.parametrize("account", ["unverified", "official"])
def test_revoke_verification__account_not_verified_in_person__409_and_nothing_changed(
    client, gateway, officials, account
):
    username = (api.register_holder(client, verified=False).username if account == "unverified"
                else OFFICIALS["GOV"])
    before = _rows(gateway)

    response = client.post(f"{API}/auth/accounts/{username}/verification/revocation", headers=officials["CENTER"],
                           json={"reason": "测试"})

    error_of(response, 409, "ACCOUNT_NOT_VERIFIED")
    assert _rows(gateway) == before


# ---------------------------------------------------------------- DRC disables an account


def test_disable__by_drc__no_log_in_and_its_tokens_end(client, gateway, officials):
    holder = api.register_holder(client)
    last_audit = _last_audit(gateway)

    ok(client.post(f"{API}/auth/accounts/{holder.username}/disable", headers=officials["DRC"],
                   json={"reason": "冒用他人身份开户"}))

    error_of(client.get(f"{API}/auth/me", headers=holder.headers), 401, "TOKEN_INVALID")
    response = client.post(f"{API}/auth/login", json={"username": holder.username, "password": DEMO_PASSWORD})
    error_of(response, 403, "ACCOUNT_DISABLED")
    user = _user(gateway, holder.username)
    assert user.disabled_at is not None and user.disabled_reason == "冒用他人身份开户"
    (entry,) = _audit_since(gateway, last_audit)
    assert (entry.action, entry.username) == ("account.disable", OFFICIALS["DRC"])


def test_enable__after_disable__logs_in_again(client, gateway, officials):
    holder = api.register_holder(client)
    ok(client.post(f"{API}/auth/accounts/{holder.username}/disable", headers=officials["DRC"], json={"reason": "核查"}))

    ok(client.post(f"{API}/auth/accounts/{holder.username}/enable", headers=officials["DRC"]))

    headers = login(client, holder.username)
    assert ok(client.get(f"{API}/auth/me", headers=headers))["state"] == "VERIFIED"


def test_disable__token_remembered_from_before__refused_at_once(client, gateway, officials):
    """A token used a moment ago is answered from memory (users.authenticate): disabling forgets it."""
    holder = api.register_holder(client)
    ok(client.get(f"{API}/auth/me", headers=holder.headers))  # remembered now

    ok(client.post(f"{API}/auth/accounts/{holder.username}/disable", headers=officials["DRC"], json={"reason": "停用"}))

    error_of(client.get(f"{API}/auth/me", headers=holder.headers), 401, "TOKEN_INVALID")


def test_disable__drc_itself__409_own_account_and_nothing_changed(client, officials, unchanged):
    response = client.post(f"{API}/auth/accounts/{OFFICIALS['DRC']}/disable", headers=officials["DRC"],
                           json={"reason": "自己"})

    error_of(response, 409, "OWN_ACCOUNT")


def test_enable__account_not_disabled__409_and_nothing_changed(client, officials, unchanged_holder):
    holder, _ = unchanged_holder
    response = client.post(f"{API}/auth/accounts/{holder.username}/enable", headers=officials["DRC"])

    error_of(response, 409, "ACCOUNT_NOT_DISABLED")


# ---------------------------------------------------------------- password change


def test_password__right_old_password__changed_and_other_sessions_end(client, gateway):
    holder = api.register_holder(client)
    other = login(client, holder.username)

    response = client.post(f"{API}/auth/password", headers=holder.headers,
                           json={"old_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD})

    assert ok(response) == {"username": holder.username, "password_changed": True}
    assert ok(client.get(f"{API}/auth/me", headers=holder.headers))["username"] == holder.username
    error_of(client.get(f"{API}/auth/me", headers=other), 401, "TOKEN_INVALID")
    login(client, holder.username, NEW_PASSWORD)
    error_of(client.post(f"{API}/auth/login", json={"username": holder.username, "password": DEMO_PASSWORD}),
             401, "LOGIN_FAILED")


def test_password__wrong_old_password__401_and_nothing_changed(client, gateway):
    holder = api.register_holder(client)
    before, last_audit = _rows(gateway), _last_audit(gateway)

    response = client.post(f"{API}/auth/password", headers=holder.headers,
                           json={"old_password": "not-the-password", "new_password": NEW_PASSWORD})

    error_of(response, 401, "LOGIN_FAILED")
    assert _rows(gateway) == before and _audit_since(gateway, last_audit) == []


def test_password__weak_new_password__422_and_nothing_changed(client, gateway):
    holder = api.register_holder(client)
    before = _rows(gateway)

    response = client.post(f"{API}/auth/password", headers=holder.headers,
                           json={"old_password": DEMO_PASSWORD, "new_password": "password123"})

    error_of(response, 422, "WEAK_PASSWORD")
    assert _rows(gateway) == before
