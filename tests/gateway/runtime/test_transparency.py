"""The transparency log as the public reads it (/log/): a checkpoint signed by the log's key over the RFC
6962 root of every block's hash, proofs that verify with nothing of the gateway's, and a log that stops
rather than sign a second history."""

from __future__ import annotations

import base64
import shutil

import pytest
from eth_account import Account

from chain.node import CHAIN_FILE
from chain.note import Checkpoint, Verifier, verify
from chain.tlog import MerkleLog, leaf_hash, verify_consistency, verify_inclusion
from fastapi.testclient import TestClient

from gateway.api.app import create_app
from gateway.demo import DEMO_PASSWORD, OFFICIALS, seed_officials
from gateway.core.errors import DomainError
from gateway.runtime.wiring import Gateway
from gateway.services import health, transparency
from gateway.core.settings import Settings
from support.http import error_of


def _checkpoint(client) -> Checkpoint:
    """The latest checkpoint, verified with the key the log publishes (an auditor pins it once)."""
    key = client.get("/log/key")
    assert key.status_code == 200 and key.headers["content-type"].startswith("text/plain")
    response = client.get("/log/checkpoint")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"
    text, _ = verify(response.text, [Verifier.parse(key.text)])
    return Checkpoint.parse(text)


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


def test_checkpoint__signed_over_every_block_hash_the_chain_holds(client, gateway):
    gateway.follower.sync()
    checkpoint = _checkpoint(client)
    w3 = gateway.registry.chain.w3
    blocks = [bytes(w3.eth.get_block(n)["hash"]) for n in range(checkpoint.size)]  # read apart from the log
    assert checkpoint.size >= w3.eth.block_number  # the log follows the index, at most the newest block behind
    assert checkpoint.origin == "testserver/tanquan"
    assert checkpoint.root == MerkleLog(blocks).root()


def test_proofs__a_block_in_the_checkpoint_and_a_later_checkpoint_extending_an_earlier(client, gateway, new_holder):
    gateway.follower.sync()
    earlier = _checkpoint(client)
    new_holder()  # a custodial account funded: blocks
    gateway.follower.sync()
    later = _checkpoint(client)
    assert later.size > earlier.size

    block = earlier.size - 1
    proof = client.get("/log/proof/inclusion", params={"block": block, "size": later.size})
    assert proof.headers["cache-control"] == "public, max-age=31536000, immutable"
    body = proof.json()
    block_hash = bytes(gateway.registry.chain.w3.eth.get_block(block)["hash"])
    assert body["block_hash"] == "0x" + block_hash.hex() and _b64(body["root"]) == later.root
    assert verify_inclusion(leaf_hash(block_hash), block, later.size, [_b64(p) for p in body["proof"]], later.root)

    body = client.get("/log/proof/consistency", params={"old": earlier.size, "new": later.size}).json()
    assert verify_consistency(earlier.size, later.size, earlier.root, later.root, [_b64(p) for p in body["proof"]])
    assert not verify_consistency(earlier.size, later.size, later.root, later.root, [_b64(p) for p in body["proof"]])


@pytest.mark.parametrize(("path", "params", "status", "code"), [
    ("/log/proof/inclusion", {"block": 0, "size": 2**40}, 422, "LOG_SIZE_UNKNOWN"),
    ("/log/proof/inclusion", {"block": 5, "size": 5}, 422, "BLOCK_NOT_LOGGED"),
    ("/log/proof/inclusion", {"block": -1}, 422, "INVALID_INPUT"),
    ("/log/proof/inclusion", {"block": "zero"}, 422, "INVALID_INPUT"),
    ("/log/proof/consistency", {"old": 4, "new": 3}, 422, "LOG_SIZES_REVERSED"),
    ("/log/proof/consistency", {}, 422, "INVALID_INPUT"),
])
def test_proofs__bad_sizes__422_naming_the_field(client, path, params, status, code):
    error_of(client.get(path, params=params), status, code)


def test_restored_old_chain_file__the_log_stops_instead_of_signing_a_second_history(tmp_path, new_database_url):
    settings = Settings(data_dir=tmp_path / "data", database_url=new_database_url(), public_base_url="http://testserver")
    gw = Gateway.open(settings, served=False, passphrase="log-tests")
    gw.follower.sync()
    gw.close()
    shutil.copy(tmp_path / "data" / CHAIN_FILE, tmp_path / "backup.sqlite")  # the operator's backup, then more
    gw = Gateway.open(settings, served=False, passphrase="log-tests")
    for _ in range(3):
        gw.node.fund(Account.create().address)
    gw.follower.sync()
    signed = gw.log.tree.size
    assert gw.log.rewritten is None
    gw.close()

    shutil.copy(tmp_path / "backup.sqlite", tmp_path / "data" / CHAIN_FILE)  # the old backup restored
    for sidecar in (tmp_path / "data").glob(CHAIN_FILE + "*"):
        if sidecar.name != CHAIN_FILE:
            sidecar.unlink()
    gw = Gateway.open(settings, served=False, passphrase="log-tests")
    try:
        gw.node.fund(Account.create().address)  # a different history from there
        gw.follower.sync()
        assert gw.log.rewritten is not None and gw.log.rewritten.block == signed - 1
        assert gw.log.tree.size == signed  # nothing of the second history was logged
        readiness = health.readiness(gw)  # the operator is told
        assert not readiness["ready"] and "history was rewritten" in " ".join(readiness["problems"])
        with pytest.raises(DomainError) as refused:
            transparency.checkpoint(gw)
        assert (refused.value.status, refused.value.code) == (503, "LOG_HISTORY_REWRITTEN")
        seed_officials(gw)  # and every department's console opens with the alarm
        with TestClient(create_app(settings, gateway=gw)) as browser:
            assert browser.post("/console/login", data={"username": OFFICIALS["DRC"], "password": DEMO_PASSWORD},
                                headers={"Accept-Language": "zh-CN"}).status_code == 200
            page = browser.get("/console")
        assert f'data-log-alarm="rewritten">透明日志告警：链上第 {signed - 1} 号区块' in page.text
    finally:
        gw.close()
