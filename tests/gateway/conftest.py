"""Fixture layers for the gateway: a durable node in a temp data directory →
the FastAPI app → logged-in officials and holders → coupons minted through HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from gateway.api.app import create_app
from gateway.demo import OFFICIALS, seed_officials
from gateway.runtime.wiring import Gateway
from gateway.core.settings import Settings
from support import api
from support.api import Holder
from support.http import login
from support.serving import serve


@pytest.fixture(scope="session")
def settings(tmp_path_factory, new_database_url) -> Settings:
    """One gateway per database (tests/support/databases.py): the suite runs on SQLite and on PostgreSQL."""
    return Settings(
        database_url=new_database_url(),
        data_dir=tmp_path_factory.mktemp("gateway"), loss_notice_days=2 / 86400, public_requests_per_minute=1_000_000,
        public_base_url="http://testserver",  # the test client's host: served, and where QR codes point
        uploads_per_hour=100_000,  # one owner walks many objects through their states here; the rate has its test
        notices_every_seconds=0,  # tests/gateway/services/test_notices.py runs the courier's rounds itself
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


@pytest.fixture
def served(settings, gateway):
    """Served on a real socket, for what a test client cannot send: serve(**settings changes) → the base URL of the session's gateway served with those settings."""
    servers = []

    def start(**changes) -> str:
        context = serve(create_app(settings.model_copy(update=changes), gateway=gateway))
        servers.append(context)
        return context.__enter__()

    yield start
    for context in reversed(servers):
        context.__exit__(None, None, None)


@pytest.fixture(scope="session")
def officials(client) -> dict[str, dict]:
    """Role → auth headers of that department's official."""
    return {role: login(client, username) for role, username in OFFICIALS.items()}


@pytest.fixture(scope="session")
def new_holder(client) -> Callable[..., Holder]:
    """new_holder(organisation, account_type=None) registers and logs in a holder; `None` is a person."""
    return lambda organisation=api.COOPERATIVE, account_type=None: api.register_holder(
        client, organisation=organisation, account_type=account_type)


@pytest.fixture(scope="session")
def upload(client) -> Callable[..., str]:
    """upload(headers, content=None) → the document's sha256; a new document unless `content` is given."""
    return lambda headers, content=None: api.upload(client, headers, content)


@pytest.fixture(scope="session")
def mint(client, officials) -> Callable[..., str]:
    """mint(holder, claimed_t="1000", **form): a new application of the holder walked to its coupon; its number."""
    return lambda holder, **form: api.mint(client, officials, holder, **form)
