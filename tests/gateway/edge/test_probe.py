"""The second probe's findings (DESIGN §9), one test or more each, on real requests: a body that
killed the process, lockouts an attacker could hold, uploads that filled the disk, a demo on a real
registry, long passwords, huge ids, cross-site log-outs, /metrics, forged hosts, which ids exist, and
control characters."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import subprocess
import sys

import httpx
import pytest

from gateway import cli, demo
from gateway.edge.guards import MAX_JSON_DEPTH, host_name, json_too_deep
from gateway.core.throttle import SlidingWindow
from support import api, costs
from support.http import API, error_of, login

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


def test_every_route_with_an_id__2_to_the_31_64_and_256__422_not_500(client, officials):
    routes = _id_routes(client.app)
    assert {("POST", "/api/v1/purchases/{purchase_id}/acceptance"), ("DELETE", "/api/v1/transfer-forms/{form_id}"),
            ("GET", "/console/applications/{application_id}")} <= set(routes)
    for huge in (2**31, 2**64, 2**256):  # past PostgreSQL's INTEGER, SQLite's and the driver's 64 bits
        for method, path in routes:
            url = re.sub(r"\{\w+_id\}", str(huge), path)
            for headers in (officials["DRC"], officials["CENTER"], {}):
                response = client.request(method, url, headers=headers, json={})
                assert response.status_code < 500, (method, url, response.status_code, response.text)
            assert response.status_code in (303, 401, 403, 422), (method, url, response.status_code)


# -- 4. uploads that filled the disk


def _content(size: int, seed: str) -> bytes:
    return (seed.encode() * size)[:size]


def _upload(client, headers, size: int, seed: str):
    content = _content(size, seed)
    return client.post(f"{API}/documents", headers=headers, files={"file": ("scan.pdf", content, "application/pdf")})


def test_upload__unverified_account__small_quota_then_refused_and_nothing_kept_until_verified(
        client, gateway, settings, monkeypatch):
    monkeypatch.setattr(gateway.settings, "upload_quota_unverified_bytes", 5000)
    holder = api.register_holder(client, verified=False)
    first = _upload(client, holder.headers, 3000, f"{holder.username}-1")
    assert first.status_code == 201
    assert _upload(client, holder.headers, 3000, f"{holder.username}-1").status_code == 201  # the same file: free
    refused = error_of(_upload(client, holder.headers, 3000, f"{holder.username}-2"), 413, "UPLOAD_QUOTA")
    assert refused["detail"] == {"used_bytes": 3000, "quota_bytes": 5000}
    refused_file = settings.data_dir / "documents" / hashlib.sha256(_content(3000, f"{holder.username}-2")).hexdigest()
    assert not refused_file.exists()
    api.verify_account(client, holder.username, holder.identity)
    assert _upload(client, holder.headers, 3000, f"{holder.username}-2").status_code == 201
    assert refused_file.exists()


def test_upload__past_the_hourly_rate__429_and_a_department_neither_counted_nor_held(
        client, gateway, officials, monkeypatch):
    monkeypatch.setattr(gateway, "uploads", SlidingWindow(2, 3600))
    monkeypatch.setattr(gateway.settings, "upload_quota_bytes", 1)
    holder = api.register_holder(client)
    monkeypatch.setattr(gateway.settings, "upload_quota_bytes", 10_000)
    for i in range(2):
        assert _upload(client, holder.headers, 100, f"{holder.username}-{i}").status_code == 201
    error_of(_upload(client, holder.headers, 100, f"{holder.username}-3"), 429, "UPLOADS_TOO_FAST")
    for i in range(3):  # the centre uploads past both: its documents are the registry's own
        assert _upload(client, officials["CENTER"], 20_000, f"{holder.username}-centre-{i}").status_code == 201


def test_upload__disk_below_the_free_space_floor__503_disk_full_then_taken_when_room_returns(
        client, gateway, officials, monkeypatch):
    free = shutil.disk_usage(gateway.settings.data_dir).free
    monkeypatch.setattr(gateway.settings, "min_free_bytes", free + 1)
    body = error_of(_upload(client, officials["CENTER"], 100, "disk-full-1"), 503, "DISK_FULL")
    assert "disk" in body["message"]
    monkeypatch.setattr(gateway.settings, "min_free_bytes", 0)  # the operator freed room
    assert _upload(client, officials["CENTER"], 100, "disk-full-1").status_code == 201


# -- 7. the demo on a real registry


def test_serve_demo__on_a_registry_not_made_by_the_demo__refused_and_nothing_seeded(settings, gateway):
    assert (settings.data_dir / "deployment.json").exists()
    env = {"PATH": os.environ["PATH"], "TANQUAN_DATA_DIR": str(settings.data_dir), **costs.ENVIRONMENT}
    run = subprocess.run([sys.executable, "-m", "gateway.cli", "serve", "--demo", "--port", "1"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "not made by --demo" in run.stderr, run.stderr
    assert not (settings.data_dir / demo.DEMO_MARK).exists()


def test_demo_claim__a_new_directory__marked_and_claimed_again_until_deployed(tmp_path):
    assert demo.claim(tmp_path / "new") and (tmp_path / "new" / demo.DEMO_MARK).exists()
    assert demo.claim(tmp_path / "new")  # started, stopped before its registry was deployed
    (tmp_path / "new" / "deployment.json").write_text("{}")
    assert not demo.claim(tmp_path / "new")  # the demo's own registry: served again, its story not retold


# -- 12. cross-site log-out


def test_console_logout__posted_from_another_site__403_and_no_cookie_cleared(client):
    response = client.post("/console/logout", headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert response.status_code == 403 and "set-cookie" not in response.headers


# -- 13. /metrics


def test_metrics__from_an_address_not_listed__403_unless_the_token_is_sent(served):
    assert httpx.get(f"{served()}/metrics", timeout=30).status_code == 200  # loopback, by default
    url = served(metrics_readers=["192.0.2.0/24"], metrics_token="scrape-token-1")
    assert httpx.get(f"{url}/metrics", timeout=30).status_code == 403
    wrong = httpx.get(f"{url}/metrics", headers={"Authorization": "Bearer scrape-token-2"}, timeout=30)
    assert wrong.status_code == 403
    assert httpx.get(f"{url}/metrics", headers={"Authorization": "Bearer scrape-token-1"}, timeout=30).status_code == 200


# -- 14. hosts and the base URL


@pytest.mark.parametrize("host, name", [
    ("127.0.0.1:8000", "127.0.0.1"), ("[::1]:8000", "::1"), ("Registry.Example.CN", "registry.example.cn"),
    ("127.0.0.1:80@evil.example", ""), ("evil.example#127.0.0.1", ""), ("127.0.0.1/x", ""), ("", ""),
])
def test_host_name__only_a_name_and_a_port(host, name):
    assert host_name(host) == name


def test_forged_host_with_a_user_part__400(served):
    response = httpx.get(f"{served()}/api/v1/public/stats", headers={"Host": "127.0.0.1:80@evil.example"}, timeout=30)
    assert response.json()["code"] == "HOST_NOT_ALLOWED"


def test_serve__base_url_on_another_port__warned(caplog):
    cli._warn_of_base_url("http://127.0.0.1:8000", 8080)
    cli._warn_of_base_url("http://127.0.0.1:8080", 8080)
    assert len(caplog.records) == 1 and "8080" in caplog.records[0].getMessage()


# -- 15. which ids exist: tests/gateway/services/test_applicants.py (another's application answers as a missing one)


# -- 16. control characters


def test_register__control_characters_in_names__struck_out(client):
    form = api.holder_form(None, display_name="赫山\x1b[31m合作社\x00", organisation="某村\r\n股份\x07合作社")
    response = client.post(f"{API}/auth/holders", json=form)
    assert response.status_code == 201, response.text
    me = client.get(f"{API}/auth/me", headers=login(client, form["username"])).json()
    assert (me["display_name"], me["organisation"]) == ("赫山[31m合作社", "某村\n股份合作社")
