"""The public JSON-RPC at /rpc: `tanquan verify --rpc` through the served gateway reaches
the same verdicts as reading the chain files directly; every method that writes is
refused and changes nothing; eth_getLogs spans a bounded range; /rpc counts against
the public rate limit."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest
from fastapi.testclient import TestClient

from chain import Role
from gateway.api.app import create_app
from gateway.services.public import verification_without_gateway
from support import api
from support.http import API, ok
from support.serving import serve

WRITES = ("eth_sendRawTransaction", "eth_sendTransaction", "eth_sign", "personal_sign", "eth_signTransaction",
          "evm_mine", "evm_revert", "hardhat_setBalance", "anvil_setCode", "debug_traceTransaction", "admin_peers")


@pytest.fixture(scope="module")
def rpc_url(settings, gateway):
    with serve(create_app(settings, gateway=gateway)) as url:
        yield f"{url}/rpc"


@pytest.fixture(scope="module")
def certificate(client, officials, new_holder, mint) -> str:
    """A valid offset certificate: a holder's coupon retired by the EEB."""
    holder = new_holder()
    number = mint(holder, claimed_t="10")
    ok(api.owner_request(client, holder, number, "OFFSET"))
    retired = ok(client.post(f"{API}/coupons/{number}/offset", headers=officials["EEB"], json={
        "purpose": "EVENT_NEUTRALITY", "beneficiary": "赫山马拉松组委会", "case_reference": "HS-RPC-1"}))
    return retired["certificate"]


@pytest.fixture(scope="module")
def mint_tx(client, certificate) -> str:
    """A transaction of the registry that is not an offset."""
    history = ok(client.get(f"{API}/public/offsets/{certificate}"))
    coupon = ok(client.get(f"{API}/public/coupons/{history['certificate']['coupon']}"))
    return next(step["tx_hash"] for step in coupon["history"] if step["event"] == "CouponCreated")


def _call(url: str, method: str, *params) -> dict:
    # A bound on a hang, not a measure of speed: eth_getLogs over the whole bound of a session chain took
    # 5 s, httpx's default timeout, on two cores shared with the suite's other worker.
    response = httpx.post(url, json={"jsonrpc": "2.0", "id": 7, "method": method, "params": list(params)}, timeout=60)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["jsonrpc"] == "2.0" and body["id"] == 7
    return body


def test_verify__through_the_gateways_rpc__same_verdicts_as_the_chain_files(settings, rpc_url, certificate, mint_tx):
    for tx_hash in (certificate, mint_tx, "0x" + "ab" * 32):
        direct = verification_without_gateway(settings.data_dir, tx_hash)
        remote = verification_without_gateway(settings.data_dir, tx_hash, rpc=rpc_url)
        assert remote == direct, tx_hash
    assert verification_without_gateway(settings.data_dir, certificate, rpc=rpc_url)["verdict"] == "valid"
    assert verification_without_gateway(settings.data_dir, mint_tx, rpc=rpc_url)["verdict"] == "invalid"


def test_cli_verify__rpc_of_the_served_gateway__valid_and_equal_to_the_chain_files(settings, rpc_url, certificate):
    def verify(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "gateway.cli", "verify", certificate, "--json", *extra],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "TANQUAN_DATA_DIR": str(settings.data_dir)})

    remote, direct = verify("--rpc", rpc_url), verify()
    assert remote.returncode == 0, remote.stderr
    assert json.loads(remote.stdout)["verdict"] == "valid"
    assert json.loads(remote.stdout) == json.loads(direct.stdout)


@pytest.mark.parametrize("method", WRITES)
def test_rpc__method_that_writes_or_reaches_the_node__refused_and_nothing_mined(rpc_url, gateway, method):
    head = gateway.registry.chain.head()
    body = _call(rpc_url, method, "0x02f86c")
    assert body["error"]["code"] == -32601
    assert "read-only" in body["error"]["message"]
    assert "result" not in body
    assert gateway.registry.chain.head() == head


def test_rpc__reads__answer_in_json_rpc_shapes(rpc_url, gateway, certificate):
    assert int(_call(rpc_url, "eth_chainId")["result"], 16) == gateway.registry.chain.chain_id
    assert _call(rpc_url, "net_version")["result"] == str(gateway.registry.chain.chain_id)
    receipt = _call(rpc_url, "eth_getTransactionReceipt", certificate)["result"]
    assert receipt["transactionHash"] == certificate and receipt["status"] == "0x1"
    block = _call(rpc_url, "eth_getBlockByNumber", receipt["blockNumber"], False)["result"]
    assert block["hash"] == receipt["blockHash"] and certificate in block["transactions"]
    assert _call(rpc_url, "eth_getBlockByHash", block["hash"], True)["result"]["transactions"][0]["hash"]
    assert _call(rpc_url, "eth_getTransactionByHash", certificate)["result"]["blockNumber"] == receipt["blockNumber"]
    logs = _call(rpc_url, "eth_getLogs", {"fromBlock": receipt["blockNumber"], "toBlock": receipt["blockNumber"],
                                          "address": gateway.registry.ledger.address})["result"]
    assert {log["transactionHash"] for log in logs} == {certificate}
    code = _call(rpc_url, "eth_getCode", gateway.registry.ledger.address, "latest")["result"]
    assert len(code) > 2
    assert _call(rpc_url, "eth_getTransactionReceipt", "0x" + "cd" * 32)["result"] is None


def test_rpc__eth_call__the_contracts_answer(rpc_url, gateway):
    ledger, eeb = gateway.registry.ledger, gateway.node.department(Role.EEB).address
    data = ledger.encode_abi("department_of", args=[eeb])
    result = _call(rpc_url, "eth_call", {"to": ledger.address, "data": data}, "latest")["result"]
    assert bytes.fromhex(result[2:]) == Role.EEB.id


def test_rpc__get_logs_over_the_bound__limit_exceeded(settings, rpc_url):
    span = settings.rpc_max_log_blocks
    body = _call(rpc_url, "eth_getLogs", {"fromBlock": "0x0", "toBlock": hex(span)})
    assert body["error"]["code"] == -32005
    assert _call(rpc_url, "eth_getLogs", {"fromBlock": "0x0", "toBlock": hex(span - 1)})["result"] is not None


@pytest.mark.parametrize(("params", "code"), [
    (["latest"], -32602), ([12, False], -32602), (["0x01", False], -32602), (["latest", "yes"], -32602)])
def test_rpc__malformed_params__invalid_params(rpc_url, params, code):
    assert _call(rpc_url, "eth_getBlockByNumber", *params)["error"]["code"] == code


def test_rpc__batch_and_bad_documents__answered_per_call(rpc_url):
    batch = [{"jsonrpc": "2.0", "id": i, "method": m, "params": []} for i, m in
             enumerate(("eth_blockNumber", "eth_sendRawTransaction", "eth_chainId"))]
    answers = httpx.post(rpc_url, json=batch).json()
    assert [("result" in a, a["id"]) for a in answers] == [(True, 0), (False, 1), (True, 2)]
    assert httpx.post(rpc_url, content=b"{not json").json()["error"]["code"] == -32700
    assert httpx.post(rpc_url, json={"method": "eth_chainId"}).json()["error"]["code"] == -32600
    assert httpx.post(rpc_url, json=[]).json()["error"]["code"] == -32600


def test_rpc__over_the_public_limit__429(settings, gateway):
    limited = settings.model_copy(update={"public_requests_per_minute": 3})
    call = {"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []}
    with TestClient(create_app(limited, gateway=gateway)) as client:
        statuses = [client.post("/rpc", json=call).status_code for _ in range(5)]
    assert statuses == [200] * 3 + [429] * 2


@pytest.mark.parametrize(("lang", "words"), [("zh", "不必相信本网站"), ("en", "You need not trust this site")])
def test_verification_page__any_certificate__says_how_to_check_it_independently(client, certificate, lang, words):
    page = client.get(f"/verify/{certificate}", params={"lang": lang})
    assert page.status_code == 200
    assert words in page.text
    assert f"tanquan verify {certificate} --rpc " in page.text and "/rpc</pre>" in page.text
