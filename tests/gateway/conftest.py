"""Fixture layers for the gateway: a durable node in a temp data directory →
the FastAPI app → logged-in officials and holders → coupons minted through HTTP."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from gateway.api.app import create_app
from gateway.demo import DEMO_PASSWORD, OFFICIALS, seed_officials
from gateway.runtime import Gateway
from gateway.settings import Settings
from http_helpers import login, ok

_serial = itertools.count(1)


@dataclass
class Holder:
    username: str
    headers: dict
    address: str


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    return Settings(
        data_dir=tmp_path_factory.mktemp("gateway"), loss_notice_days=2 / 86400, public_requests_per_minute=1_000_000
    )


@pytest.fixture(scope="session")
def gateway(settings) -> Gateway:
    """Instant mining (a block per transaction) keeps the suite fast; the served
    producer is exercised by tests/chain and scripts/bench_gateway.py."""
    gw = Gateway.open(settings, served=False, passphrase="gateway-tests")
    seed_officials(gw)
    yield gw
    gw.close()


@pytest.fixture(scope="session")
def client(settings, gateway) -> TestClient:
    with TestClient(create_app(settings, gateway=gateway)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def officials(client) -> dict[str, dict]:
    """Role → auth headers of that department's official."""
    return {role: login(client, username) for role, username in OFFICIALS.items()}


@pytest.fixture(scope="session")
def new_holder(client) -> Callable[..., Holder]:
    def make(organisation: str | None = "赫山区某村股份经济合作社") -> Holder:
        username = f"holder{next(_serial)}"
        response = client.post("/api/v1/auth/holders", json={
            "username": username, "password": DEMO_PASSWORD, "display_name": username,
            "organisation": organisation, "identity": f"9143090{next(_serial):011d}"})
        assert response.status_code == 201, response.text
        return Holder(username, login(client, username), response.json()["address"])

    return make


@pytest.fixture(scope="session")
def upload(client) -> Callable[[dict, bytes], str]:
    def do(headers: dict, content: bytes | None = None) -> str:
        content = content or f"%PDF document {next(_serial)}".encode()
        return ok(client.post("/api/v1/documents", headers=headers, files={"file": ("doc.pdf", content, "application/pdf")}))["sha256"]

    return do


@pytest.fixture(scope="session")
def mint(client, officials, upload) -> Callable[..., str]:
    """Drive an application from submission to mint through HTTP; returns the coupon number."""

    def do(holder: Holder, claimed_t: str = "1000", land_type: str = "FOREST") -> str:
        report = upload(holder.headers)
        application = ok(client.post("/api/v1/applications", headers=holder.headers, json={
            "project_name": "测试项目", "methodology": "HS-01", "claimed_t": claimed_t,
            "parcels": [{"number": f"T-{next(_serial)}", "location": "泉交河镇", "land_type": land_type, "area_mu": "100"}],
            "monitoring_period": {"start": "2022-01-01", "end": "2024-01-01"}, "documents": {"report": report}}))["application"]
        path = f"/api/v1/applications/{application}"
        ok(client.post(f"{path}/formal-review", headers=officials["CENTER"], json={"decision": "pass"}))
        ok(client.post(f"{path}/preliminary-review", headers=officials["CENTER"], json={"decision": "pass"}))
        ok(client.post(f"{path}/attestation", headers=officials["VERIFIER"], json={"report": report, "attested_t": claimed_t}))
        ok(client.post(f"{path}/validation", headers=officials["NRB"], json={"decision": "pass"}))
        ok(client.post(f"{path}/validation", headers=officials["FORESTRY"], json={"decision": "pass"}))
        ok(client.post(f"{path}/filing", headers=officials["EEB"], json={"decision": "file", "filing_number": f"F-{application}"}))
        return ok(client.post(f"{path}/mint", headers=officials["GOV"]))["coupon"]

    return do
