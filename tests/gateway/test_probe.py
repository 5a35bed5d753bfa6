"""The second probe's findings (DESIGN §9), one test or more each, on real requests: a body that
killed the process, lockouts an attacker could hold, uploads that filled the disk, a demo on a real
registry, long passwords, huge ids, cross-site log-outs, /metrics, forged hosts, which ids exist, and
control characters."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys

import httpx
import pytest

from gateway.guards import MAX_JSON_DEPTH, json_too_deep
from support import api
from support.http import API, login

NESTED = b"[" * 100_000 + b"]" * 100_000  # 200 KB: segfaulted the C JSON decoder under py_ecc's limit


# -- 1. one request must not kill the process


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/rpc", "/api/v1/auth/holders"])
@pytest.mark.parametrize("content_type", ["application/json", None])
def test_nested_body__400_json_too_deep_and_the_server_lives_on(served, path, content_type):
    url = served()
    headers = {"Content-Type": content_type} if content_type else {}
    response = httpx.post(url + path, content=NESTED, headers=headers, timeout=30)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "JSON_TOO_DEEP"
    assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200


def test_nested_body__streamed_in_chunks__refused_all_the_same(served):
    url = served()
    response = httpx.post(f"{url}/rpc", content=(NESTED[i:i + 4096] for i in range(0, len(NESTED), 4096)), timeout=30)
    assert response.json()["code"] == "JSON_TOO_DEEP"
    assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200


def test_json_just_within_the_depth__parsed_as_usual(served):
    url = served()
    call = b'{"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []}'
    arrays = MAX_JSON_DEPTH - 2  # the call itself opens two: its object and its params
    nested = b"[" * arrays + call + b"]" * arrays
    response = httpx.post(f"{url}/rpc", content=nested, headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code != 400  # read and judged by the JSON-RPC, not refused unread
    assert "JSON_TOO_DEEP" not in response.text


@pytest.mark.parametrize("body, deep", [
    (b"[" * 33 + b"]" * 33, True),
    (b"[" * 32 + b"]" * 32, False),
    (b'["' + b"[" * 100 + b'"]', False),  # brackets inside a string
    (b'["\\"' + b"[" * 100 + b'"]', False),  # an escaped quote does not end the string
    (b'["\\\\", ' + b"[" * 40 + b"]" * 40 + b"]", True),  # an escaped backslash does
    (b"[" + b"[1, 2], " * 1000 + b"[]]", False),  # wide, not deep
])
def test_json_too_deep__counts_nesting_outside_strings(body, deep):
    assert json_too_deep(body, MAX_JSON_DEPTH) is deep


def test_chain_package__puts_back_a_recursion_limit_the_c_stack_holds():
    """Whatever reaches json.loads unguarded raises RecursionError instead of killing the process."""
    code = "import chain, json, sys; json.loads(sys.stdin.read())"
    done = subprocess.run([sys.executable, "-c", code], input=NESTED.decode(), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])
    assert "RecursionError" in done.stderr


# -- 8. long passwords


@pytest.mark.parametrize("length", [73, 100, 200])
def test_register__password_of_73_to_200_characters__accepted_not_500(client, length):
    form = api.holder_form(None, organisation=None)
    form["password"] = secrets.token_urlsafe(length)[:length]
    assert len(form["password"]) == length
    response = client.post(f"{API}/auth/holders", json=form)
    assert response.status_code == 201, response.text
    assert login(client, form["username"], form["password"])


# -- 9. huge record ids


# The pages with an id in their path; the API's are read from its OpenAPI document.
PAGES_WITH_IDS = [("GET", "/console/applications/{application_id}"), ("GET", "/console/purchases/{purchase_id}"),
                  ("GET", "/console/purchases/{purchase_id}/match/HQ-1")]


def _id_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route of the OpenAPI document with an id in its path, and the pages'."""
    return sorted((method.upper(), path) for path, operations in app.openapi()["paths"].items()
                  if re.search(r"\{\w+_id\}", path) for method in operations) + PAGES_WITH_IDS


def test_every_route_with_an_id__2_to_the_64_and_256__422_not_500(client, officials):
    routes = _id_routes(client.app)
    assert {("POST", "/api/v1/purchases/{purchase_id}/acceptance"), ("DELETE", "/api/v1/transfer-forms/{form_id}"),
            ("GET", "/console/applications/{application_id}")} <= set(routes)
    for huge in (2**64, 2**256):
        for method, path in routes:
            url = re.sub(r"\{\w+_id\}", str(huge), path)
            for headers in (officials["DRC"], officials["CENTER"], {}):
                response = client.request(method, url, headers=headers, json={})
                assert response.status_code < 500, (method, url, response.status_code, response.text)
            assert response.status_code in (303, 401, 403, 422), (method, url, response.status_code)
