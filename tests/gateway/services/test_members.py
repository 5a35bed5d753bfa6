"""An organisation's members (issue 22 item 7): the organisation's own login, once the centre verified it, adds
people with their own login, who act as the organisation; the audit log names the person; the organisation
removes a member, whose tokens end at once and whose password no longer logs in. Every refusal leaves the
accounts, the tokens and the audit log as they were."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from gateway.core.db import AuditEntry, DocumentUpload, Token, User
from gateway.demo import DEMO_PASSWORD, OFFICIALS
from support import api
from support.http import API, error_of, login, ok

ACCOUNTANT = {"display_name": "张会计", "password": "abacus-ledger-willow-42"}
_serial = itertools.count(1)


def _member_form(**changes) -> dict:
    return {"username": f"kuaiji{next(_serial)}", **ACCOUNTANT, **changes}


def _rows(gateway) -> dict:
    with gateway.db.sessions() as db:
        return {
            "users": db.execute(select(User.id, User.username, User.password_hash, User.member_of,
                                       User.disabled_at).order_by(User.id)).all(),
            "tokens": db.scalar(select(func.count()).select_from(Token)),
            "audit": db.scalar(select(func.max(AuditEntry.id))),
        }


@pytest.fixture
def unchanged(gateway):
    """Asserts, after the test, that no account or token changed and nothing was audited."""
    before = _rows(gateway)
    yield
    assert _rows(gateway) == before


@pytest.fixture
def organisation(client) -> api.Holder:
    """A village collective's account, verified by the centre: its own login is its administrator."""
    return api.register_holder(client)


@pytest.fixture
def member(client, organisation) -> dict:
    """The organisation's accountant, added by the organisation; its form (username, password)."""
    form = _member_form()
    ok(client.post(f"{API}/auth/members", headers=organisation.headers, json=form))
    return form


def _audit_since(gateway, last_id: int) -> list[AuditEntry]:
    with gateway.db.sessions() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id)))


def _last_audit(gateway) -> int:
    with gateway.db.sessions() as db:
        return db.scalar(select(func.max(AuditEntry.id))) or 0


def _user(gateway, username: str) -> User:
    with gateway.db.sessions() as db:
        return db.scalar(select(User).where(User.username == username))


# ---------------------------------------------------------------- adding, acting, removing


def test_add_member__by_the_verified_organisation__201_listed_and_audited(client, gateway, organisation):
    last_audit = _last_audit(gateway)
    form = _member_form()

    answer = client.post(f"{API}/auth/members", headers=organisation.headers, json=form)

    assert answer.status_code == 201, answer.text
    assert answer.json()["username"] == form["username"] and answer.json()["removed_at"] is None
    (listed,) = ok(client.get(f"{API}/auth/members", headers=organisation.headers))
    assert (listed["username"], listed["display_name"], listed["removed_at"]) == (form["username"], "张会计", None)
    row = _user(gateway, form["username"])
    assert (row.role, row.member_of) == ("MEMBER", _user(gateway, organisation.username).id)
    assert row.password_hash != form["password"]
    (entry,) = _audit_since(gateway, last_audit)
    assert (entry.action, entry.username, entry.person) == ("auth.add_member", organisation.username, None)
    assert entry.request == {"username": form["username"], "display_name": "张会计"}


def test_member_login__own_password__acts_as_the_organisation_and_the_audit_names_the_person(
    client, gateway, organisation, member
):
    headers = login(client, member["username"], member["password"])
    me = ok(client.get(f"{API}/auth/me", headers=headers))
    assert (me["username"], me["organisation"], me["state"]) == (organisation.username, api.COOPERATIVE, "VERIFIED")
    assert (me["member"]["username"], me["member"]["display_name"]) == (member["username"], "张会计")
    last_audit = _last_audit(gateway)

    sha256 = api.upload(client, headers)

    with gateway.db.sessions() as db:
        uploader = db.scalar(select(DocumentUpload.user_id).where(DocumentUpload.sha256 == sha256))
    assert uploader == _user(gateway, organisation.username).id  # the organisation's document, not the person's
    (entry,) = _audit_since(gateway, last_audit)
    assert (entry.action, entry.username, entry.department, entry.person) == (
        "document.upload", organisation.username, "HOLDER", member["username"])
    (read,) = [e for e in ok(client.get(f"{API}/audit?limit=50", headers=login(client, OFFICIALS["DRC"])))
               if e["request"].get("sha256") == sha256]
    assert (read["username"], read["person"]) == (organisation.username, member["username"])
    assert ok(client.get(f"{API}/auth/me", headers=organisation.headers))["member"] is None  # its own login


def test_remove_member__by_the_organisation__its_token_ends_at_once_and_its_password_no_longer_logs_in(
    client, gateway, organisation, member
):
    headers = login(client, member["username"], member["password"])
    ok(client.get(f"{API}/auth/me", headers=headers))  # remembered now (users.authenticate)
    last_audit = _last_audit(gateway)

    response = client.delete(f"{API}/auth/members/{member['username']}", headers=organisation.headers)

    assert ok(response)["removed_at"] is not None
    error_of(client.get(f"{API}/auth/me", headers=headers), 401, "TOKEN_INVALID")
    error_of(client.post(f"{API}/auth/login", json={"username": member["username"], "password": member["password"]}),
             403, "MEMBER_REMOVED")
    (listed,) = ok(client.get(f"{API}/auth/members", headers=organisation.headers))
    assert listed["removed_at"] is not None
    assert ok(client.get(f"{API}/auth/me", headers=organisation.headers))["username"] == organisation.username
    (entry,) = _audit_since(gateway, last_audit)
    assert (entry.action, entry.username, entry.request) == (
        "auth.remove_member", organisation.username, {"username": member["username"]})


def test_member_password__changed_by_the_member__its_own_not_the_organisation_s(client, gateway, organisation, member):
    headers = login(client, member["username"], member["password"])
    before = _user(gateway, organisation.username).password_hash

    ok(client.post(f"{API}/auth/password", headers=headers,
                   json={"old_password": member["password"], "new_password": "granite-ledger-willow-42"}))

    assert _user(gateway, organisation.username).password_hash == before
    login(client, member["username"], "granite-ledger-willow-42")
    ok(client.get(f"{API}/auth/me", headers=organisation.headers))  # the organisation's session goes on


def test_accounts_list__drc__names_a_members_organisation(client, officials, organisation, member):
    [row] = [a for a in ok(client.get(f"{API}/auth/accounts", headers=officials["DRC"]))
             if a["username"] == member["username"]]
    assert (row["role"], row["member_of"]) == ("MEMBER", organisation.username)


def test_disable_organisation__by_drc__its_members_tokens_end_too(client, officials, organisation, member):
    headers = login(client, member["username"], member["password"])
    ok(client.get(f"{API}/auth/me", headers=headers))

    ok(client.post(f"{API}/auth/accounts/{organisation.username}/disable", headers=officials["DRC"],
                   json={"reason": "核查"}))

    error_of(client.get(f"{API}/auth/me", headers=headers), 401, "TOKEN_INVALID")
    error_of(client.post(f"{API}/auth/login", json={"username": member["username"], "password": member["password"]}),
             403, "ACCOUNT_DISABLED")


# ---------------------------------------------------------------- refusals
# Each test's accounts are made by fixtures listed before `unchanged`, which takes its snapshot after them.


@pytest.fixture
def member_headers(client, member) -> dict:
    return login(client, member["username"], member["password"])


def test_add_member__by_a_member__403_not_account_administrator_and_nothing_changed(client, member_headers, unchanged):
    response = client.post(f"{API}/auth/members", headers=member_headers, json=_member_form())

    error_of(response, 403, "NOT_ACCOUNT_ADMINISTRATOR")


def test_remove_member__by_a_member__403_not_account_administrator_and_nothing_changed(
    client, member, member_headers, unchanged
):
    response = client.delete(f"{API}/auth/members/{member['username']}", headers=member_headers)

    error_of(response, 403, "NOT_ACCOUNT_ADMINISTRATOR")


@pytest.fixture
def person(client) -> api.Holder:
    return api.register_holder(client, organisation=None)


def test_add_member__by_a_person_s_account__403_not_an_organisation_and_nothing_changed(client, person, unchanged):
    response = client.post(f"{API}/auth/members", headers=person.headers, json=_member_form())

    error_of(response, 403, "NOT_AN_ORGANISATION")


@pytest.fixture
def unverified_organisation(client) -> api.Holder:
    return api.register_holder(client, verified=False)


def test_add_member__by_an_unverified_organisation__403_account_unverified_and_nothing_changed(
    client, unverified_organisation, unchanged
):
    response = client.post(f"{API}/auth/members", headers=unverified_organisation.headers, json=_member_form())

    error_of(response, 403, "ACCOUNT_UNVERIFIED")


def test_add_member__by_an_official__403_role_required_and_nothing_changed(client, officials, unchanged):
    response = client.post(f"{API}/auth/members", headers=officials["CENTER"], json=_member_form())

    error_of(response, 403, "ROLE_REQUIRED")


@pytest.mark.parametrize("taken", ["member", "organisation", "official"])
def test_add_member__username_taken__409_username_taken_and_nothing_changed(
    client, organisation, member, unchanged, taken
):
    username = {"member": member["username"], "organisation": organisation.username, "official": OFFICIALS["DRC"]}

    response = client.post(f"{API}/auth/members", headers=organisation.headers,
                           json=_member_form(username=username[taken]))

    assert error_of(response, 409, "USERNAME_TAKEN")["detail"] == {"field": "username"}


def test_add_member__weak_password__422_weak_password_and_nothing_changed(client, organisation, unchanged):
    response = client.post(f"{API}/auth/members", headers=organisation.headers,
                           json=_member_form(password="1234567890"))

    assert error_of(response, 422, "WEAK_PASSWORD")["detail"] == {"field": "password"}


@pytest.fixture
def other_organisation(client) -> api.Holder:
    return api.register_holder(client, organisation="赫山区另一村股份经济合作社")


def test_remove_member__of_another_organisation__404_member_not_found_and_nothing_changed(
    client, member, other_organisation, unchanged
):
    response = client.delete(f"{API}/auth/members/{member['username']}", headers=other_organisation.headers)

    error_of(response, 404, "MEMBER_NOT_FOUND")


def test_remove_member__the_organisation_itself__404_member_not_found_and_nothing_changed(
    client, organisation, unchanged
):
    response = client.delete(f"{API}/auth/members/{organisation.username}", headers=organisation.headers)

    error_of(response, 404, "MEMBER_NOT_FOUND")


def test_member_login__wrong_password__401_login_failed_and_nothing_changed(client, member, unchanged):
    response = client.post(f"{API}/auth/login", json={"username": member["username"], "password": DEMO_PASSWORD})

    error_of(response, 401, "LOGIN_FAILED")
