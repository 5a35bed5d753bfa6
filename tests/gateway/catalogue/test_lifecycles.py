"""The lifecycle module against the contracts and the catalogue: its states are the contracts' own
enums, every state a party must act in waits on a step the catalogue has and the contract admits
there, and every time limit of DESIGN §5 belongs to exactly one wait."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from chain import Action, ApplicationStatus, ReissueStage
from chain import compile as compiler
from gateway.catalogue import lifecycles, steps
from gateway.core.db import User
from gateway.catalogue.lifecycles import (
    ACCOUNT,
    APPLICATION,
    COUPON_CONSENT,
    LIFECYCLES,
    PLEDGE_FORM,
    PURCHASE,
    REISSUE_PROCEDURE,
    TRANSFER_FORM,
)
from gateway.services import users

ROOT = Path(__file__).resolve().parents[3]


def _enum_members(contract: str, flag: str) -> tuple[str, ...]:
    """The members of a `flag` as the Vyper source declares them, in order."""
    source = (compiler.CONTRACTS_DIR / f"{contract}.vy").read_text(encoding="utf-8")
    body = source.split(f"flag {flag}:\n", 1)[1]
    members = []
    for line in body.splitlines():
        if not line.startswith("    "):
            break
        members.append(line.strip())
    return tuple(members)


def test_application__states_are_the_contracts_status_flag_in_order():
    assert APPLICATION.states == _enum_members("ApplicationRegistry", "Status")
    assert APPLICATION.states == tuple(status.name for status in ApplicationStatus)


def test_reissue_procedure__states_are_the_ledgers_stages_in_order():
    source = (compiler.CONTRACTS_DIR / "modules" / "reissues.vy").read_text(encoding="utf-8")
    stages = re.findall(r"^REISSUE_(\w+): constant\(uint256\) = (\d+)$", source, re.M)
    assert REISSUE_PROCEDURE.states == tuple(name for name, value in sorted(stages, key=lambda s: int(s[1])))
    assert REISSUE_PROCEDURE.states == tuple(stage.name for stage in ReissueStage)


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda lifecycle: lifecycle.kind)
def test_every_wait__a_state_of_its_lifecycle_and_a_step_of_the_catalogue(lifecycle):
    assert set(lifecycle.waits) <= set(lifecycle.states)
    assert set(lifecycle.admits) <= set(lifecycle.states)
    catalogue = set(steps.CATALOGUE)
    for state, wait in {**lifecycle.waits, **lifecycle.beside}.items():
        assert wait.step in catalogue, state
        # the Measures time departments' steps only; the applicant's, owner's or transferee's turn has no limit
        assert wait.limit is None or wait.party != steps.HOLDER, state
        if lifecycle.admits:  # a listed state admits the step it waits on
            assert wait.step in lifecycle.admits[state], state
    for state, admitted in lifecycle.admits.items():
        assert admitted <= catalogue, state


def test_timed_lifecycles__every_department_wait_of_the_measures_procedures_has_its_limit():
    # 附件1 一 and 二 time every department step; the verifier's attestation, waited on beside, has none
    for lifecycle in (APPLICATION, REISSUE_PROCEDURE):
        for state, wait in lifecycle.waits.items():
            assert (wait.limit is not None) == (wait.party != steps.HOLDER), (lifecycle.kind, state)
    assert all(wait.limit is None for wait in APPLICATION.beside.values())


def test_coupon_consent__states_are_the_ledgers_actions_and_each_waits_on_the_step_that_completes_it():
    assert set(COUPON_CONSENT.states) == {action.name for action in Action}
    assert set(COUPON_CONSENT.waits) == set(COUPON_CONSENT.states)
    for action, wait in COUPON_CONSENT.waits.items():
        assert wait.step.consent == action and wait.party in steps.DEPARTMENTS, action


@pytest.mark.parametrize("lifecycle", (TRANSFER_FORM, PLEDGE_FORM), ids=("ownership", "pledge"))
def test_transfer_forms__the_console_offers_each_form_step_in_exactly_the_states_the_lifecycle_admits_it(lifecycle):
    # a form's page offers the steps on it (on="transfer") its kind's lifecycle admits in its status, no other
    for state in lifecycle.states:
        offered = {step for role in (steps.HOLDER, "CENTER") for step in lifecycles.offered(role, "transfer", state, lifecycle)}
        assert offered == {step for step in lifecycle.admits.get(state, ()) if step.on == "transfer"}, state


def test_transfer_forms__the_centre_accepts_and_registers__finance_registers_a_pledge__the_transferee_confirms():
    assert TRANSFER_FORM.waiting_on("CENTER") == ("CONFIRMED", "ACCEPTED")
    assert TRANSFER_FORM.waiting_on(steps.HOLDER) == ("SUBMITTED",)  # the owner's consent is its filed form
    assert (PLEDGE_FORM.waiting_on("CENTER"), PLEDGE_FORM.waiting_on("FINANCE")) == (("SUBMITTED",), ("ACCEPTED",))
    assert PLEDGE_FORM.waiting_on(steps.HOLDER) == ()


def test_gateway_states__the_columns_hold_no_other(gateway):
    # the gateway's own lifecycles name every status its services write
    source = {name: (ROOT / "gateway" / "services" / f"{name}.py").read_text(encoding="utf-8")
              for name in ("transfers", "market")}
    written = set(re.findall(r'status(?:, [\w.]+)* = "([A-Z_]+)"(?: if \w+\.decision == "\w+" else "([A-Z_]+)")?',
                             source["transfers"]))
    written = {status for pair in written for status in pair if status}
    assert {"CONFIRMED", "ACCEPTED", "REFUSED", "WITHDRAWN", "REGISTERED"} <= written <= set(TRANSFER_FORM.states)
    decided = set(re.findall(r'"([A-Z_]+)" if decision\.decision == "accept" else "([A-Z_]+)"', source["market"]))
    assert decided == {("ACCEPTED", "REJECTED")} and {"ACCEPTED", "REJECTED"} <= set(PURCHASE.states)


def test_account__states_are_those_account_state_reads_of_holders_and_officials():
    now = dt.datetime.now(dt.timezone.utc)
    accounts = [User(role=steps.HOLDER), User(role=steps.HOLDER, verified_at=now), User(role="CENTER"),
                User(role=steps.HOLDER, verified_at=now, disabled_at=now), User(role="NRB", disabled_at=now)]
    assert [users.account_state(account) for account in accounts] == [
        "UNVERIFIED", "VERIFIED", "VERIFIED", "DISABLED", "DISABLED"]
    assert {users.account_state(account) for account in accounts} == set(ACCOUNT.states)


def test_application_waits__the_contract_admits_each_step_in_its_state():
    for state, wait in APPLICATION.waits.items():
        assert APPLICATION.admitted(state, wait.step), (state, wait.step.id)


def test_time_limits__each_belongs_to_exactly_one_wait():
    waited = [wait.limit for lifecycle in LIFECYCLES for wait in lifecycle.waits.values() if wait.limit]
    assert sorted(waited, key=id) == sorted(lifecycles.TIME_LIMITS, key=id)
    for limit in waited:
        assert any(wait.step == limit.step for lifecycle in LIFECYCLES for wait in lifecycle.waits.values())
