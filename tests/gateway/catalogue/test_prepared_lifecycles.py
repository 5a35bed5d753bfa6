"""Both directions of a prepared application's lifecycle (§8; gateway/catalogue/lifecycles.py PREPARED_APPLICATION) against
the API: in every state an application an agent prepared for a right-holder reaches, each step the lifecycle admits
there succeeds for the right-holder, and every other is refused with its exact code, the prepared application as
it was and nothing on chain."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gateway.catalogue import lifecycles, steps
from gateway.core.db import PreparedApplication
from support import api
from support.http import ok

ENTERPRISE = "赫山区某林业调查规划设计有限公司"  # a qualified third party (有资质的第三方)
PREPARED_STEPS = [step for step in steps.CATALOGUE if step.on == "prepared"]
# How a prepared application reaches each state: the right-holder's confirmation sends it; a decline closes it.
PATHS = {"AWAITING": None, "SUBMITTED": steps.CONFIRM_APPLICATION, "DECLINED": steps.DECLINE_APPLICATION}
CASES = [(state, step) for state in lifecycles.PREPARED_APPLICATION.states for step in PREPARED_STEPS]


@pytest.fixture(scope="module")
def agent(client):
    return api.register_agent(client, ENTERPRISE)


def _take(client, right_holder, prepared: int, step: steps.Step):
    body = {"reason": "宗地面积与委托不符"} if step.schema else None
    return client.request(step.method, step.url(prepared), headers=right_holder.headers, json=body)


def _prepared_and_chain(gateway, prepared: int) -> tuple:
    with gateway.db.sessions() as db:
        row = db.scalar(select(PreparedApplication).where(PreparedApplication.id == prepared))
        return (row.status, row.holder_confirmed_at, row.closed_at, row.declined_reason, row.application_id,
                gateway.registry.call("application_count"), gateway.registry.chain.w3.eth.block_number)


@pytest.mark.parametrize(("state", "step"), CASES, ids=[f"{state}-{step.id}" for state, step in CASES])
def test_prepared_step__admitted_in_its_lifecycle_state__taken_else_refused_with_its_code_and_nothing_changed(
        client, gateway, agent, new_holder, state, step):
    right_holder = new_holder()
    form = api.application_form(api.upload(client, agent.headers, name="报告.pdf"))
    prepared = api.prepare(client, agent, {**form, "right_holder": right_holder.username,
                                           "entrustment_document": api.upload(client, agent.headers, name="委托书.pdf")})
    if PATHS[state] is not None:
        ok(_take(client, right_holder, prepared, PATHS[state]))
    before = _prepared_and_chain(gateway, prepared)
    assert before[0] == state

    answer = _take(client, right_holder, prepared, step)

    after = _prepared_and_chain(gateway, prepared)
    if lifecycles.PREPARED_APPLICATION.admitted(state, step):
        assert answer.status_code < 300, (answer.status_code, answer.text)
        assert after[0] == {steps.CONFIRM_APPLICATION: "SUBMITTED", steps.DECLINE_APPLICATION: "DECLINED"}[step]
    else:
        assert (answer.status_code, answer.json()["code"]) == (409, "PREPARED_APPLICATION_CLOSED"), answer.text
        assert after == before
