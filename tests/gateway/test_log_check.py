"""A sceptic's check of the transparency log with a trust policy of its own (c2sp.org/tlog-policy):
`tanquan log-check` against a served gateway and a served witness."""

from __future__ import annotations

import base64
import json
import socket

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eth_account import Account

from chain import logcheck
from chain import Role
from chain.note import Signer
from chain.policy import PolicyError, parse
from chain.tlog import MerkleLog
from gateway import witness
from gateway.api.app import create_app
from gateway.cli import main
from gateway.runtime.transparency import WitnessOf
from gateway.services.coupons import coupon_id
from support import api
from support.api import owner_request
from support.fixtures import holder_fixture
from support.http import API, error_of, ok
from support.serving import serve


@pytest.fixture
def witnessed_gateway(settings, gateway, tmp_path):
    """The session gateway served, its log cosigned by a served witness (as TANQUAN_LOG_WITNESSES would)."""
    w = witness.Witness(witness.signer_in(tmp_path / "w", "audit.example/w1"), [gateway.log.signer.verifier], tmp_path / "w")
    with serve(witness.app(w)) as witness_url, serve(create_app(settings, gateway=gateway)) as url:
        gateway.log.witnesses = [WitnessOf(witness_url, w.signer.verifier)]
        try:
            yield url, w
        finally:
            gateway.log.witnesses, gateway.log.witnessed = [], None


def _cosign(gateway) -> None:
    gateway.follower.sync()
    with httpx.Client(timeout=10) as http:
        gateway.log.cosign(http, gateway.log.tree.size)


def _policy(gateway, w, quorum: str = "w1") -> str:
    return (f"# the district's log, pinned from its notice\nlog {gateway.log.signer.verifier.vkey}\n"
            f"witness w1 {w.signer.verifier.vkey}\ngroup auditors any w1\nquorum {quorum}\n")


def test_log_check__witnessed_checkpoint_then_a_later_one__proved_consistent_and_a_block_included(
        gateway, witnessed_gateway, tmp_path, capsys):
    url, w = witnessed_gateway
    _cosign(gateway)
    (tmp_path / "policy").write_text(_policy(gateway, w, quorum="auditors"))
    state = tmp_path / "seen.json"
    args = ["log-check", "--policy", str(tmp_path / "policy"), "--state", str(state), "--url", url]
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 0 and "cosigned by w1" in capsys.readouterr().out

    gateway.node.fund(Account.create().address)
    _cosign(gateway)
    with pytest.raises(SystemExit) as done:
        main([*args, "--block", "1"])
    out = capsys.readouterr().out
    assert done.value.code == 0, out
    assert "nothing shown then was changed or removed" in out
    assert f"block 1 is 0x{bytes(gateway.registry.chain.w3.eth.get_block(1)['hash']).hex()}" in out


def test_log_check__a_history_that_does_not_extend_the_one_seen__not_proven_and_kept(gateway, witnessed_gateway, tmp_path):
    url, w = witnessed_gateway
    _cosign(gateway)
    policy = parse(_policy(gateway, w))
    state = tmp_path / "seen.json"
    seen = logcheck.check(url, policy, state).checkpoint
    # the state file as another history left it: same origin, a root this log never had at that size
    fork = MerkleLog([b"another history"] * seen.size)
    state.write_text(state.read_text().replace(*[base64.b64encode(r).decode() for r in (seen.root, fork.root())]))
    with pytest.raises(logcheck.LogCheckFailed, match="history was rewritten"):
        logcheck.check(url, policy, state)


def test_policy__checkpoint_without_the_quorum_or_from_another_log__refused(gateway, witnessed_gateway, tmp_path):
    url, w = witnessed_gateway
    note = gateway.log._sign(gateway.log.tree.size)  # the log's own signature, no witness's
    with pytest.raises(PolicyError, match="quorum 'w1' has not cosigned"):
        parse(_policy(gateway, w)).accept(note)
    assert parse(_policy(gateway, w, quorum="none")).accept(note)[0].size == gateway.log.tree.size
    other = Signer(gateway.log.origin, Ed25519PrivateKey.generate())
    with pytest.raises(PolicyError):
        parse(f"log {other.verifier.vkey}\nquorum none\n").accept(note)


@pytest.mark.parametrize("text", [
    "quorum none\n",  # no log
    "log x+00000000+AQ==\nquorum none\n",  # not a key
    "log {log}\nwitness w1 {log}\nquorum w1\n",  # a log's key (type 0x01) as a witness's
    "log {log}\nquorum w9\n",  # an unknown quorum
    "log {log}\ngroup g 2 w1\nquorum g\n",  # a group of unknown members
    "log {log}\n",  # no quorum
])
def test_policy__malformed__refused_with_the_line(gateway, text):
    with pytest.raises(PolicyError):
        parse(text.format(log=gateway.log.signer.verifier.vkey))


def _retired(client, officials, holder, number: str) -> str:
    ok(owner_request(client, holder, number, "OFFSET"))
    return ok(client.post(f"{API}/coupons/{number}/offset", headers=officials["EEB"], json={
        "purpose": "GREEN_POINTS", "beneficiary": "绿色积分平台", "case_reference": "GP-2026-9"}))["certificate"]


def _no_network(*_args, **_kwargs):
    raise AssertionError("the offline check opened a connection")


def _offline(monkeypatch) -> None:
    """From here on, any connection fails the test."""
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)


def _each_refused(tmp_path, capsys, args, bundle: dict, changes) -> None:
    """Each change of the bundle, checked offline with `args`: refused, NOT PROVEN."""
    for changed in changes:
        (tmp_path / "bundle.json").write_text(json.dumps({**bundle, **changed}))
        with pytest.raises(SystemExit) as done:
            main(args)
        assert done.value.code == 1, changed
        assert "NOT PROVEN" in capsys.readouterr().err


def test_offline_bundle__verified_with_no_network_and_any_changed_fact_refused(
        client, gateway, officials, new_holder, mint, witnessed_gateway, tmp_path, capsys, monkeypatch):
    url, w = witnessed_gateway
    holder = new_holder()
    number = mint(holder)
    tx = _retired(client, officials, holder, number)
    _cosign(gateway)
    answer = client.get(f"/log/bundles/{tx}.json")
    assert answer.status_code == 200, answer.text
    (tmp_path / "bundle.json").write_text(answer.text)
    (tmp_path / "policy").write_text(_policy(gateway, w))
    ledger = gateway.registry.ledger.address
    _offline(monkeypatch)
    eeb = gateway.node.department(Role.EEB).address
    args = ["verify", "--offline", str(tmp_path / "bundle.json"), "--policy", str(tmp_path / "policy"),
            "--eeb", eeb, "--ledger", ledger]
    with pytest.raises(SystemExit) as done:
        main(args)
    out = capsys.readouterr().out
    assert done.value.code == 0, out
    assert "logged in it the retirement of 1,000,000 kg" in out and "'绿色积分平台'" in out and "cosigned by w1" in out
    assert f"the statement of coupon {number}, transaction {tx}" in out and "the EEB's pinned address" in out
    monkeypatch.undo()
    pdf = client.get(f"/certificates/offsets/{tx}.pdf")  # the certificate carries the same proof inside
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (tmp_path / "certificate.pdf").write_bytes(pdf.content)
    _offline(monkeypatch)
    with pytest.raises(SystemExit) as done:
        main([*args[:2], str(tmp_path / "certificate.pdf"), *args[3:]])
    assert done.value.code == 0 and "proven offline" in capsys.readouterr().out

    bundle = answer.json()
    statement = bundle["statement"]
    first_format = {**{k: v for k, v in bundle.items() if k not in ("kind", "statement")},  # as certificates printed
                    "format": "tanquan-offset-bundle/1", "eeb_statement": {k: v for k, v in statement.items() if k != "role"}}
    (tmp_path / "bundle.json").write_text(json.dumps(first_format))  # before trade vouchers had one still verify
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 0 and f"offset certificate {tx}: proven offline" in capsys.readouterr().out
    _each_refused(tmp_path, capsys, args, bundle, (
        {"statement": {**statement, "message": {**statement["message"], "coupon": number + "0"}}},  # signature
        {"statement": {**statement, "message": {**statement["message"], "beneficiary": "另一家"}}},
        {"receipt": bundle["receipt"].replace("e7bbbf", "e7bbbe")},  # the beneficiary's text altered
        {"tx_index": bundle["tx_index"] + 1},
        {"block": bundle["block"] - 1},
        {"header": bundle["header"][:-2] + ("00" if bundle["header"][-2:] != "00" else "01")},
        {"checkpoint": "".join(line for line in bundle["checkpoint"].splitlines(keepends=True)
                               if not line.startswith("— audit.example/w1 "))},  # without the witness's cosignature
    ))
    (tmp_path / "bundle.json").write_text(answer.text)
    with pytest.raises(SystemExit) as done:  # another ledger pinned: not this registry's retirement
        main([*args[:-1], "0x" + "11" * 20])
    assert done.value.code == 1
    with pytest.raises(SystemExit) as done:  # another EEB pinned: not the department's statement
        main([*args[:-3], "0x" + "22" * 20, *args[-2:]])
    assert done.value.code == 1 and "not by the EEB's" in capsys.readouterr().err


seller = holder_fixture("赫山区某村股份经济合作社（出让方）")
buyer = holder_fixture("益阳某会展有限公司")


def test_offline_bundle__trade_voucher_verified_with_no_network_against_the_centres_key_and_any_change_refused(
        client, gateway, officials, seller, buyer, mint, witnessed_gateway, tmp_path, capsys, monkeypatch):
    """附件1 三(三): the 交易凭证 of a partial sale (the listed coupon split) carries the centre's statement of the
    settlement, proved in the log; checked with no network, signer pinned as the centre's."""
    url, w = witnessed_gateway
    listed = mint(seller, claimed_t="800")
    api.list_coupon(client, officials, seller, listed)
    trade = ok(api.settle_trade(client, officials, listed, api.accepted_purchase(client, officials, buyer, "300"), "300",
                                price_yuan_per_t="31.50", service_fee_yuan="37.80"))
    tx = trade["tx_hash"]
    _cosign(gateway)
    answer = client.get(f"/log/bundles/{tx}.json")
    assert answer.status_code == 200, answer.text
    voucher = client.get(trade["voucher_pdf"], headers=buyer.headers)  # the buyer's copy, the proof inside
    assert voucher.status_code == 200 and voucher.content.startswith(b"%PDF")
    (tmp_path / "bundle.json").write_text(answer.text)
    (tmp_path / "voucher.pdf").write_bytes(voucher.content)
    (tmp_path / "policy").write_text(_policy(gateway, w))
    ledger = gateway.registry.ledger.address
    centre = gateway.node.department(Role.CENTER).address
    _offline(monkeypatch)
    args = ["verify", "--offline", str(tmp_path / "bundle.json"), "--policy", str(tmp_path / "policy"),
            "--centre", centre, "--ledger", ledger]
    for path in ("bundle.json", "voucher.pdf"):
        with pytest.raises(SystemExit) as done:
            main([*args[:2], str(tmp_path / path), *args[3:]])
        out = capsys.readouterr().out
        assert done.value.code == 0, out
        assert f"trade voucher {tx}: proven offline" in out and "cosigned by w1" in out
        assert (f"the settlement of a trade: 300,000 kg of coupon id {coupon_id(gateway, listed)} sold by "
                f"{seller.address} to {buyer.address} as coupon id {coupon_id(gateway, trade['coupon'])}, at 31.50 "
                "yuan/t, the seller's service fee 37.80 yuan") in out
        assert (f"the statement of coupon {listed} sold as {trade['coupon']}, transaction {tx}, matching the receipt, "
                "is signed by the CENTER's pinned address") in out
        assert "nor the payment of the price" in out

    bundle = answer.json()
    statement = bundle["statement"]
    message = statement["message"]
    signature = statement["signature"]
    _each_refused(tmp_path, capsys, args, bundle, (
        {"statement": {**statement, "message": {**message, "priceFenPerTonne": 3000}}},  # a changed fact
        {"statement": {**statement, "message": {**message, "amountKg": 3_000_000}}},
        {"statement": {**statement, "message": {**message, "buyer": seller.address, "seller": buyer.address}}},
        {"statement": {**statement, "message": {**message, "coupon": listed}}},  # the centre's word, its signature
        {"statement": {**statement, "signature": signature[:-4] + ("00" if signature[-4:-2] != "00" else "01")
                       + signature[-2:]}},  # a changed signature
        {"kind": "offset"},  # said to be another kind of certificate
        {"block": bundle["block"] - 1},
    ))
    (tmp_path / "bundle.json").write_text(answer.text)
    with pytest.raises(SystemExit) as done:  # another ledger pinned: not this registry's trade
        main([*args[:-1], "0x" + "11" * 20])
    assert done.value.code == 1 and "no retirement nor trade logged by the ledger" in capsys.readouterr().err
    with pytest.raises(SystemExit) as done:  # the EEB's address as the centre's: not the centre's statement
        main([*args[:-3], gateway.node.department(Role.EEB).address, *args[-2:]])
    assert done.value.code == 1 and "not by the CENTER's" in capsys.readouterr().err


def test_bundle__neither_an_offset_nor_a_trade_or_unknown__refused(client, gateway, new_holder):
    new_holder()
    gateway.follower.sync()
    some_tx = "0x" + bytes(gateway.registry.chain.w3.eth.get_block(gateway.registry.chain.head())["transactions"][0]).hex()
    error_of(client.get(f"/log/bundles/{some_tx}.json"), 422, "NOT_A_CERTIFICATE")
    error_of(client.get(f"/log/bundles/0x{'ab' * 32}.json"), 404, "UNKNOWN_TX")


def test_coupon_page__bought_in_a_trade__offers_the_trade_vouchers_offline_proof(client, gateway, officials, seller,
                                                                                 buyer, mint, new_holder):
    """The trade voucher's QR leads to the public page of the coupon bought (附件1 三(三)): it offers the voucher's
    offline proof, as the offset certificate's verify page offers the certificate's; the listed coupon's does not."""
    listed = mint(seller, claimed_t="500")
    api.list_coupon(client, officials, seller, listed)
    trade = ok(api.settle_trade(client, officials, listed, api.accepted_purchase(client, officials, buyer, "200"), "200",
                                price_yuan_per_t="30.00", service_fee_yuan="0.00"))
    tx = trade["tx_hash"]
    page = client.get(f"/coupons/{trade['coupon']}")
    assert page.status_code == 200
    assert f'id="trade-bundle" href="/log/bundles/{tx}.json" download' in page.text
    assert ok(client.get(f"{API}/public/coupons/{trade['coupon']}"))["trade_tx"] == tx
    gateway.follower.sync()
    proof = client.get(f"/log/bundles/{tx}.json")
    assert proof.status_code == 200 and proof.json()["kind"] == "trade"
    assert "trade-bundle" not in client.get(f"/coupons/{listed}").text
    # once its owner transfers it (附件8), the coupon was not bought by its owner: no trade of it is offered
    moved = api.transfer(client, officials, buyer, trade["coupon"], new_holder("受让企业（凭证）"))
    assert ok(client.get(f"{API}/public/coupons/{moved}"))["trade_tx"] is None
