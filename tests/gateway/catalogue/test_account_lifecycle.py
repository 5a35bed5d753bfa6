"""Both directions of an account's lifecycle (附件1 三(一); gateway/catalogue/lifecycles.py ACCOUNT) against the API:
in every state a holder's account reaches, each account step the lifecycle admits there succeeds and moves the
account as the lifecycle says, and every other is refused with the code the service answers and the account, its
checks and its audit trail as they were."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gateway.catalogue import lifecycles, steps
from gateway.core.db import AccountVerification, AuditEntry, User
from gateway.services import users
from support import api

ACCOUNT_STEPS = [step for step in steps.CATALOGUE if step.on == "account"]
# How a holder's account reaches each state: the steps taken after registering it. A disabled account was
# disabled either before or after the centre's check; enabling it gives back the state it was disabled in.
PATHS = {"UNVERIFIED": (), "VERIFIED": (steps.VERIFY_ACCOUNT,), "DISABLED": (steps.DISABLE_ACCOUNT,),
         "DISABLED-VERIFIED": (steps.VERIFY_ACCOUNT, steps.DISABLE_ACCOUNT)}
CASES = [(path, step) for path in PATHS for step in ACCOUNT_STEPS]
# What each step answers in a state its lifecycle does not admit it in (services/users.py).
REFUSED = {steps.VERIFY_ACCOUNT: "ACCOUNT_NOT_UNVERIFIED", steps.REVOKE_VERIFICATION: "ACCOUNT_NOT_VERIFIED",
           steps.DISABLE_ACCOUNT: "ACCOUNT_DISABLED", steps.ENABLE_ACCOUNT: "ACCOUNT_NOT_DISABLED"}
BODIES = {steps.REVOKE_VERIFICATION: {"reason": "营业执照已被吊销"}, steps.DISABLE_ACCOUNT: {"reason": "冒用他人身份开户"}}


def _take(client, officials, holder: api.Holder, step: steps.Step):
    if step == steps.VERIFY_ACCOUNT:
        body = {"document_type": "BUSINESS_LICENCE", "document_number": holder.identity,
                "document": api.upload(client, officials["CENTER"], api.CENTRE_SCAN, name="证件扫描件.pdf")}
    else:
        body = BODIES.get(step)
    return client.request(step.method, step.url(holder.username), headers=officials[step.roles[0]], json=body)


def _account(gateway, username: str) -> tuple:
    """The account's state and every record a step on it writes: what a refusal leaves as it was."""
    with gateway.db.sessions() as db:
        user = db.scalar(select(User).where(User.username == username))
        checks = db.execute(select(AccountVerification.id, AccountVerification.revoked_at,
                                   AccountVerification.revoked_reason)
                            .where(AccountVerification.user_id == user.id).order_by(AccountVerification.id)).all()
        audit = db.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action.in_([step.id for step in ACCOUNT_STEPS])))
        return (users.account_state(user), user.verified_at, user.disabled_at, user.disabled_reason,
                user.identity_hash, [tuple(check) for check in checks], audit)


@pytest.mark.parametrize(("path", "step"), CASES, ids=[f"{path}-{step.id}" for path, step in CASES])
def test_account_step__admitted_in_its_lifecycle_state__taken_else_refused_with_its_code_and_nothing_changed(
        client, officials, gateway, path, step):
    state = path.split("-")[0]
    holder = api.register_holder(client, verified=False)
    for move in PATHS[path]:
        assert _take(client, officials, holder, move).status_code < 300
    before = _account(gateway, holder.username)
    assert before[0] == state

    answer = _take(client, officials, holder, step)

    after = _account(gateway, holder.username)
    if lifecycles.ACCOUNT.admitted(state, step):
        assert answer.status_code < 300, (answer.status_code, answer.text)
        moved_to = {steps.VERIFY_ACCOUNT: "VERIFIED", steps.REVOKE_VERIFICATION: "UNVERIFIED",
                    steps.DISABLE_ACCOUNT: "DISABLED",
                    steps.ENABLE_ACCOUNT: "VERIFIED" if steps.VERIFY_ACCOUNT in PATHS[path] else "UNVERIFIED"}
        assert after[0] == moved_to[step]
        assert after[-1] == before[-1] + 1  # the step's audit entry
    else:
        assert (answer.status_code, answer.json()["code"]) == (409, REFUSED[step]), answer.text
        assert after == before


def test_account_steps__offered_by_the_console__in_exactly_the_states_the_lifecycle_admits():
    for state in lifecycles.ACCOUNT.states:
        offered = {step for role in ("CENTER", "DRC") for step in lifecycles.offered(role, "account", state)}
        assert offered == set(lifecycles.ACCOUNT.admits.get(state, ())), state
