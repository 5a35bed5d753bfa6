"""Every route of /api/v1 declares what it answers (gateway/api/answers.py): /docs and /openapi.json show
the shape of each success answer, not a bare object."""

from __future__ import annotations

import pytest

from gateway.api.app import create_app

API = "/api/v1"


def _says_a_shape(schema: dict) -> bool:
    """A named model, an object with its properties, an array of such, a string (a file, a CSV), or a choice
    among these and null; an empty schema or an object with no properties says nothing."""
    if "$ref" in schema or schema.get("properties"):
        return True
    if "anyOf" in schema or "oneOf" in schema:
        options = [s for s in schema.get("anyOf", schema.get("oneOf")) if s.get("type") != "null"]
        return bool(options) and all(_says_a_shape(s) for s in options)
    if schema.get("type") == "array":
        return _says_a_shape(schema.get("items", {}))
    return schema.get("type") == "string"


def _success_answers(spec: dict) -> list[tuple[str, str, str, dict]]:
    answers = []
    for path, operations in spec["paths"].items():
        if not path.startswith(API):
            continue
        for method, operation in operations.items():
            status = min(code for code in operation["responses"] if code.startswith("2"))
            answers.append((method.upper(), path, status, operation["responses"][status]))
    return answers


@pytest.fixture(scope="module")
def spec(settings) -> dict:
    return create_app(settings).openapi()


def test_openapi__every_api_route__declares_the_shape_of_its_success_answer(spec):
    answers = _success_answers(spec)

    bare = [(method, path, status) for method, path, status, answer in answers
            if status != "204" and not (answer.get("content") and all(
                _says_a_shape(media.get("schema", {})) for media in answer["content"].values()))]
    assert len(answers) > 100
    assert bare == []


def test_openapi__write_on_chain__answers_its_transaction_and_block(spec):
    freeze = spec["paths"][f"{API}/coupons/{{number}}/freeze"]["post"]["responses"]["200"]
    tx_answer = spec["components"]["schemas"]["TxAnswer"]

    assert freeze["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/TxAnswer"}
    assert set(tx_answer["required"]) == {"tx_hash", "block"}


def test_openapi__public_coupon_record__documented_though_served_as_kept_bytes(spec):
    record = spec["paths"][f"{API}/public/coupons/{{number}}"]["get"]["responses"]["200"]

    assert record["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CouponRecord"}
    assert {"coupon", "issuance", "lineage", "history"} <= set(spec["components"]["schemas"]["CouponRecord"]["properties"])
