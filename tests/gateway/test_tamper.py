"""Tamper shows (docs/transparency.md): an old backup restored into a new gateway, and a different history
written from there. The witness that cosigned the first history refuses the second, the rewritten log can
never reach the quorum, the console says so, and a certificate of the first history still verifies
offline against the checkpoint the witness cosigned."""

from __future__ import annotations

import httpx
import pytest
from eth_account import Account
from fastapi.testclient import TestClient

from chain.logcheck import verify_offline
from chain.policy import PolicyError, parse
from gateway import witness
from gateway.api.app import create_app
from gateway.backup import backup, restore
from gateway.demo import DEMO_PASSWORD, OFFICIALS, seed_officials
from gateway.runtime.wiring import Gateway
from gateway.core.settings import Settings
from support import api
from support.api import owner_request
from support.http import API, login, ok
from support.serving import serve

PASSPHRASE = "tamper-tests"


def _open(data_dir, witnesses: list[str]) -> Gateway:
    gw = Gateway.open(Settings(data_dir=data_dir, public_base_url="http://testserver", log_witnesses=witnesses),
                      served=False, passphrase=PASSPHRASE)
    seed_officials(gw)
    return gw


def _cosigned(gw: Gateway) -> None:
    gw.follower.sync()
    with httpx.Client(timeout=10) as http:
        gw.log.cosign(http, gw.log.tree.size)


def test_old_backup_restored_and_another_history_written__refused_by_the_witness_old_certificate_still_proven(
        tmp_path, new_database_url):
    if new_database_url() is not None:
        pytest.skip("the backup carries the gateway's SQLite database; on PostgreSQL the database is the operator's")
    first = tmp_path / "first"
    gw = _open(first, [])
    log_key = gw.log.signer.verifier.vkey
    gw.close()
    w = witness.Witness(witness.signer_in(tmp_path / "w", "audit.example/w1"), [gw.log.signer.verifier], tmp_path / "w")
    with serve(witness.app(w)) as witness_url:
        witnesses = [f"{witness_url} {w.signer.verifier.vkey}"]
        policy = parse(f"log {log_key}\nwitness w1 {w.signer.verifier.vkey}\nquorum w1\n")

        gw = _open(first, witnesses)
        backup(first, tmp_path / "old-backup")  # the operator's backup, before the offset
        with TestClient(create_app(gw.settings, gateway=gw)) as client:
            officials = {role: login(client, username) for role, username in OFFICIALS.items()}
            holder = api.register_holder(client, organisation=api.COOPERATIVE)
            number = api.mint(client, officials, holder)
            ok(owner_request(client, holder, number, "OFFSET"))
            tx = ok(client.post(f"{API}/coupons/{number}/offset", headers=officials["EEB"], json={
                "purpose": "GREEN_POINTS", "beneficiary": "绿色积分平台", "case_reference": "GP-2026-T"}))["certificate"]
            _cosigned(gw)
            certificate = ok(client.get(f"/log/bundles/{tx}.json"))
        ledger = gw.registry.ledger.address
        cosigned = w.cosigned(gw.log.origin)
        gw.close()

        second = tmp_path / "second"
        restore(tmp_path / "old-backup", second)  # into a new gateway, keys, chain and database alike
        gw = _open(second, witnesses)
        try:
            for _ in range(cosigned.size + 5 - gw.registry.chain.head()):  # another history, longer than the first
                gw.node.fund(Account.create().address)
            _cosigned(gw)
            assert gw.log.rewritten is None  # its own records agree with the restored chain: only outsiders can tell
            assert gw.log.tree.size > cosigned.size
            [refused] = gw.log.witnesses
            assert refused.refused.startswith("422") and "not consistent" in refused.refused
            assert w.cosigned(gw.log.origin) == cosigned  # the witness kept the first history
            assert "alarms.jsonl" in {p.name for p in (tmp_path / "w").iterdir()}
            with TestClient(create_app(gw.settings, gateway=gw)) as client:
                with pytest.raises(PolicyError, match="quorum"):  # the rewritten log cannot reach the quorum
                    policy.accept(client.get("/log/checkpoint").text)
                client.post("/console/login", data={"username": OFFICIALS["DRC"], "password": DEMO_PASSWORD})
                assert 'data-log-alarm="witness_refused"' in client.get("/console").text
        finally:
            gw.close()
    # the certificate of the first history, checked with no gateway at all
    report = verify_offline(certificate, policy, ledger=ledger)
    assert report.checkpoint.size == cosigned.size and report.facts["beneficiary"] == "绿色积分平台"
