"""The lifecycle module against the contracts and the catalogue: its states are the contracts' own
enums, every state a party must act in waits on a step the catalogue has and the contract admits
there, and every time limit of DESIGN §5 belongs to exactly one wait."""

from __future__ import annotations

import re

import pytest

from chain import ApplicationStatus, ReissueStage
from chain import compile as compiler
from gateway import lifecycles, steps
from gateway.lifecycles import APPLICATION, LIFECYCLES, REISSUE_PROCEDURE


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
    source = (compiler.CONTRACTS_DIR / "CouponLedger.vy").read_text(encoding="utf-8")
    stages = re.findall(r"^REISSUE_(\w+): constant\(uint256\) = (\d+)$", source, re.M)
    assert REISSUE_PROCEDURE.states == tuple(name for name, value in sorted(stages, key=lambda s: int(s[1])))
    assert REISSUE_PROCEDURE.states == tuple(stage.name for stage in ReissueStage)


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda lifecycle: lifecycle.kind)
def test_every_wait__a_state_of_its_lifecycle_and_a_step_of_the_catalogue(lifecycle):
    assert set(lifecycle.waits) <= set(lifecycle.states)
    assert set(lifecycle.admits) <= set(lifecycle.states)
    catalogue = set(steps.CATALOGUE)
    for state, wait in lifecycle.waits.items():
        assert wait.step in catalogue, state
        # the Measures time the departments' steps; the applicant's or owner's turn has no limit
        assert (wait.limit is not None) == (wait.party != steps.HOLDER), state
        if lifecycle.admits:  # a listed state admits the step it waits on
            assert wait.step in lifecycle.admits[state], state


def test_application_waits__the_contract_admits_each_step_in_its_state():
    for state, wait in APPLICATION.waits.items():
        assert state in wait.step.states, (state, wait.step.id)


def test_time_limits__each_belongs_to_exactly_one_wait():
    waited = [wait.limit for lifecycle in LIFECYCLES for wait in lifecycle.waits.values() if wait.limit]
    assert sorted(waited, key=id) == sorted(lifecycles.TIME_LIMITS, key=id)
    for limit in waited:
        assert any(wait.step == limit.step for lifecycle in LIFECYCLES for wait in lifecycle.waits.values())
