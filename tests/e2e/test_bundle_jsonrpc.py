"""Certificates that verify offline, made by a gateway on an external JSON-RPC node (anvil from npm, a block a
second): `/log/bundles/<tx>.json` of a trade voucher and of an offset certificate re-encode the node's header
and receipts (chain/proofs.py receipt_proof_rpc), and `tanquan verify --offline` proves each with no network,
the signer pinned as the centre's and the EEB's."""

from __future__ import annotations

import socket
import time

import pytest
from fastapi.testclient import TestClient
from web3 import HTTPProvider, Web3

from chain import Role
from chain.keys import KeyStore
from chain.node import FAUCET_KEY
from gateway.api.app import create_app
from gateway.cli import main
from gateway.core.settings import Settings
from gateway.demo import OFFICIALS, seed_officials
from gateway.runtime.wiring import Gateway
from support import api
from support.costs import KEY_SCRYPT_N
from support.http import API, login, ok
from support.nodes import ANVIL, start_node, stop

PASSPHRASE = "bundle-jsonrpc-tests"

pytestmark = pytest.mark.skipif(not ANVIL.is_file(), reason="anvil is not installed in tests/e2e/anvil; "
                                "`bash scripts/test` installs it (needs npm)")


@pytest.fixture(scope="module")
def on_anvil(tmp_path_factory, new_database_url):
    """A gateway attached to anvil over JSON-RPC, its officials seeded; (gateway, test client)."""
    folder = tmp_path_factory.mktemp("bundle-anvil")
    node, chain_url = start_node("anvil", folder / "node.log")
    try:
        data_dir = folder / "data"
        faucet = KeyStore(data_dir / "keys", PASSPHRASE, scrypt_n=KEY_SCRYPT_N).load_or_create(FAUCET_KEY)
        w3 = Web3(HTTPProvider(chain_url))
        w3.eth.wait_for_transaction_receipt(
            w3.eth.send_transaction({"from": w3.eth.accounts[0], "to": faucet.address, "value": 1_000 * 10**18}))
        settings = Settings(data_dir=data_dir, chain_url=chain_url, database_url=new_database_url(),
                            public_base_url="http://testserver")
        gateway = Gateway.open(settings, passphrase=PASSPHRASE)
        try:
            seed_officials(gateway)
            with TestClient(create_app(settings, gateway=gateway)) as client:
                yield gateway, client
        finally:
            gateway.close()
    finally:
        stop(node)


def _bundle(gateway, client, tx: str) -> str:
    """The bundle, once the log has the transaction's block (a block a second, a checkpoint after it)."""
    deadline = time.monotonic() + 30
    while True:
        gateway.follower.sync()
        answer = client.get(f"/log/bundles/{tx}.json")
        if answer.status_code == 200 or time.monotonic() > deadline:
            assert answer.status_code == 200, answer.text
            return answer.text
        time.sleep(0.5)


def _no_network(*_args, **_kwargs):
    raise AssertionError("the offline check opened a connection")


def test_bundles__trade_and_offset_served_by_a_gateway_on_anvil__proven_offline(on_anvil, tmp_path, capsys,
                                                                                monkeypatch):
    gateway, client = on_anvil
    officials = {role: login(client, username) for role, username in OFFICIALS.items()}
    seller, buyer = api.register_holder(client), api.register_holder(client, organisation="益阳某会展有限公司")
    listed = api.mint(client, officials, seller, claimed_t="8")
    api.list_coupon(client, officials, seller, listed)
    trade = ok(api.settle_trade(client, officials, listed, api.accepted_purchase(client, officials, buyer, "3"), "3"))
    ok(api.owner_request(client, buyer, trade["coupon"], "OFFSET"))
    offset = ok(client.post(f"{API}/coupons/{trade['coupon']}/offset", headers=officials["EEB"], json={
        "purpose": "GREEN_POINTS", "beneficiary": "绿色积分平台", "case_reference": "GP-2026-9"}))["certificate"]
    for name, tx in (("trade", trade["tx_hash"]), ("offset", offset)):
        (tmp_path / f"{name}.json").write_text(_bundle(gateway, client, tx))
    (tmp_path / "policy").write_text(f"log {gateway.log.signer.verifier.vkey}\nquorum none\n")
    ledger = gateway.registry.ledger.address
    pins = ["--centre", gateway.node.department(Role.CENTER).address, "--eeb", gateway.node.department(Role.EEB).address]

    monkeypatch.setattr(socket.socket, "connect", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    for name, tx, proved in (
        ("trade", trade["tx_hash"], f"the statement of coupon {listed} sold as {trade['coupon']}, transaction "
                                    f"{trade['tx_hash']}, matching the receipt, is signed by the CENTER's pinned address"),
        ("offset", offset, f"the statement of coupon {trade['coupon']}, transaction {offset}, matching the receipt, "
                           "is signed by the EEB's pinned address"),
    ):
        with pytest.raises(SystemExit) as done:
            main(["verify", "--offline", str(tmp_path / f"{name}.json"), "--policy", str(tmp_path / "policy"),
                  "--ledger", ledger, *pins])
        out = capsys.readouterr().out
        assert done.value.code == 0, out
        assert f"{tx}: proven offline" in out and proved in out, out
