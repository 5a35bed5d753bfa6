"""Both directions of the 附件8 forms' lifecycles (gateway/catalogue/lifecycles.py TRANSFER_FORM and PLEDGE_FORM)
against the API: in every state a form reaches off-chain, every step of the form that its lifecycle admits
there succeeds, and every other is refused with the form as it was."""

from __future__ import annotations

import pytest

from gateway.catalogue import lifecycles, steps
from support.api import accept_form, file_transfer_form
from support.fixtures import holder_fixture
from support.http import API, ok

owner = holder_fixture("赫山区泉交河镇某村股份经济合作社")
transferee = holder_fixture("益阳某环保科技有限公司")
bank = holder_fixture("湖南益阳农村商业银行", "FINANCIAL")

FORM_STEPS = [step for step in steps.CATALOGUE if step.on == "transfer"]
PLEDGE_TERMS = {"secured_yuan": "20000.00", "term_end": "2027-06-30"}
# How a form of each kind reaches each state off-chain: the steps taken after filing it.
PATHS = {
    "OWNERSHIP": {"SUBMITTED": [], "CONFIRMED": ["confirm"], "ACCEPTED": ["confirm", "accept"],
                  "REFUSED": ["confirm", "refuse"], "WITHDRAWN": ["withdraw"]},
    "PLEDGE": {"SUBMITTED": [], "ACCEPTED": ["accept"], "REFUSED": ["refuse"], "WITHDRAWN": ["withdraw"]},
}
CASES = [(kind, state, step) for kind, states in PATHS.items() for state in states for step in FORM_STEPS]


def _take(client, officials, who: dict, kind: str, form_id: int, step: steps.Step, decision: str = "accept"):
    body = {"decision": decision, "opinion": "经审核"} if step.schema else None
    headers = officials["CENTER"] if step.roles == ("CENTER",) else who[step.id]
    return client.request(step.method, step.url(form_id), headers=headers, json=body)


@pytest.mark.parametrize(("kind", "state", "step"), CASES, ids=[f"{k}-{s}-{t.id}" for k, s, t in CASES])
def test_form_step__admitted_in_its_lifecycle_state__taken_else_refused_and_the_form_unchanged(
        client, officials, owner, transferee, bank, mint, kind, state, step):
    lifecycle = {"OWNERSHIP": lifecycles.TRANSFER_FORM, "PLEDGE": lifecycles.PLEDGE_FORM}[kind]
    party = transferee if kind == "OWNERSHIP" else bank
    who = {steps.TRANSFER_CONFIRM.id: party.headers, steps.TRANSFER_WITHDRAW.id: owner.headers}
    number = mint(owner)
    extra = PLEDGE_TERMS if kind == "PLEDGE" else {}
    form_id = ok(file_transfer_form(client, owner, number, party.username, kind=kind, **extra))["form"]
    for move in PATHS[kind][state]:
        if move == "confirm":
            ok(client.post(f"{API}/transfer-forms/{form_id}/confirmation", headers=party.headers))
        elif move == "withdraw":
            ok(client.delete(f"{API}/transfer-forms/{form_id}", headers=owner.headers))
        else:
            ok(accept_form(client, officials, form_id, kind=kind, decision="accept" if move == "accept" else "refuse"))
    assert ok(client.get(f"{API}/transfer-forms/{form_id}", headers=owner.headers))["status"] == state

    answer = _take(client, officials, who, kind, form_id, step)
    after = ok(client.get(f"{API}/transfer-forms/{form_id}", headers=owner.headers))
    if step in lifecycle.admits.get(state, frozenset()):
        assert answer.status_code < 300, (answer.status_code, answer.text)
        assert after["status"] != state
    else:
        assert answer.status_code in (403, 409, 422), (answer.status_code, answer.text)
        assert after["status"] == state
