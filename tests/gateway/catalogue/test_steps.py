"""The step catalogue (gateway/catalogue/steps.py) against what the gateway serves: every
step has its route, a console form that asks for what its schema requires,
and a title and labels in both languages; and every write route is a step."""

from __future__ import annotations

import pytest

from gateway.catalogue import lifecycles, steps
from gateway.web.i18n import MESSAGES

API = "/api/v1"
# Writes open to anyone, or to any logged-in account: no role, so no step of the Measures.
OPEN_WRITES = {
    ("POST", "/auth/login"), ("POST", "/auth/logout"), ("POST", "/auth/holders"), ("POST", "/auth/api-keys"),
    ("DELETE", "/auth/api-keys/{key_id}"), ("POST", "/auth/password"), ("POST", "/documents"), ("POST", "/public/calculator/eco-compensation"),
    ("POST", "/parcels/boundaries"),  # reads a boundary file for a form; stores nothing
    ("POST", "/auth/notices"),  # an account's own e-mail and choices
    ("POST", "/auth/members"), ("DELETE", "/auth/members/{username}"),  # an organisation's own logins
    ("POST", "/rpc"),  # the public JSON-RPC: reads only, posted as JSON-RPC is
}
BY_ID = pytest.mark.parametrize("step", steps.CATALOGUE, ids=lambda s: s.id)


def _served_writes(app) -> set[tuple[str, str]]:
    return {
        (method.upper(), path.removeprefix(API))
        for path, operations in app.openapi()["paths"].items()
        for method in operations if method in {"post", "put", "patch", "delete"}
    }


def test_catalogue__every_write_route_of_the_app__is_one_step_or_open(client):
    listed = [(s.method, s.path) for s in steps.CATALOGUE]

    assert len(listed) == len(set(listed))
    assert len({s.id for s in steps.CATALOGUE}) == len(steps.CATALOGUE)
    assert set(listed) == _served_writes(client.app) - OPEN_WRITES


@BY_ID
def test_step__its_route__is_named_after_it_and_takes_its_schema(client, step):
    operation = client.app.openapi()["paths"][API + step.path][step.method.lower()]

    assert operation["operationId"].startswith(step.id.replace(".", "_"))
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    assert body.get("$ref", "").rsplit("/", 1)[-1] == (step.schema.__name__ if step.schema else "")


@BY_ID
def test_step__console_form__asks_for_every_field_its_schema_requires(step):
    if step.schema is None:
        assert step.fields == ()
        return
    asked = {field.name.split(".")[0] for field in step.fields}
    required = {name for name, info in step.schema.model_fields.items() if info.is_required()}

    assert required <= asked, required - asked
    assert asked <= set(step.schema.model_fields)


@BY_ID
def test_step__title_and_labels__in_chinese_and_english(step):
    keys = [step.title_key] + [f"field.{f.name}" for f in step.fields if f.kind != "item"] + [
        f.labels + choice for f in step.fields for choice in f.choices]
    for key in keys:
        zh, en = MESSAGES[key]
        assert zh and en and zh != en, key


@BY_ID
def test_step__console_page__offers_it_somewhere(step):
    assert step.on in ("home", "calendar", "application", "prepared", "coupon", "account", "purchase", "trade",
                       "transfer")
    assert (step.on == "home") == (lifecycles.states_of(step) == ())  # the one page of no object in a state
    assert all(role in (*steps.DEPARTMENTS, steps.HOLDER) for role in step.roles)
