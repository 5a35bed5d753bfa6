"""A witness (c2sp.org/tlog-witness) of the registry's transparency log, served for real: it cosigns each
checkpoint consistent with the last it cosigned, answers the protocol's codes otherwise, keeps a
forked checkpoint as evidence, and the log publishes the checkpoint every witness cosigned."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from eth_account import Account

from chain.note import Checkpoint, Signer, verify
from chain.tlog import MerkleLog
from gateway import witness
from gateway.services import transparency
from gateway.runtime.transparency import KEY_NAME, TransparencyLog, WitnessOf
from support.serving import serve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def witnessed(gateway, tmp_path):
    """A witness of the session gateway's log, served, and a log of that gateway offering it checkpoints."""
    gateway.follower.sync()
    w = witness.Witness(witness.signer_in(tmp_path, "audit.example/w1"), [gateway.log.signer.verifier], tmp_path)
    with serve(witness.app(w)) as url:
        log = TransparencyLog(gateway.db, gateway.node, origin=gateway.log.origin,
                              witnesses=[WitnessOf(url, w.signer.verifier)])
        log.follow()
        with httpx.Client(timeout=10) as http:
            yield log, w, url, http


def _offer(http, url: str, old: int, proof: list[bytes], note: str) -> httpx.Response:
    body = f"old {old}\n" + "".join(base64.b64encode(p).decode() + "\n" for p in proof) + "\n" + note
    return http.post(f"{url}/add-checkpoint", content=body.encode())


def test_cosign__first_and_next_checkpoint__published_with_the_witness_signature(gateway, witnessed):
    log, w, _, http = witnessed
    log.cosign(http, log.tree.size)
    first = log.tree.size
    text, signers = verify(log.checkpoint(), [gateway.log.signer.verifier, w.signer.verifier])
    assert Checkpoint.parse(text).size == first and signers == [gateway.log.signer.verifier, w.signer.verifier]
    assert w.cosigned(log.origin) == Checkpoint.parse(text)

    gateway.node.fund(Account.create().address)  # blocks
    log.follow()
    log.cosign(http, log.tree.size)  # offered from the size the witness cosigned, with the proof
    text, _ = verify(log.checkpoint(), [w.signer.verifier])
    assert Checkpoint.parse(text).size == log.tree.size > first
    # the witness remembers across restarts
    again = witness.Witness(witness.signer_in(w.state_dir, "audit.example/w1"), [gateway.log.signer.verifier], w.state_dir)
    assert again.cosigned(log.origin).size == log.tree.size and again.signer.verifier == w.signer.verifier


def test_cosigning_thread__a_new_block__published_cosigned_without_being_asked(gateway, witnessed):
    log, w, _, _ = witnessed
    log._cosign_seconds = 0.05
    log.start_cosigning()
    try:
        gateway.node.fund(Account.create().address)
        log.follow()
        deadline = time.monotonic() + 30
        while (log.witnessed or (0,))[0] < log.tree.size:
            assert time.monotonic() < deadline, "the witness never cosigned the new tree"
            time.sleep(0.05)
        text, _ = verify(log.checkpoint(), [w.signer.verifier])
        assert Checkpoint.parse(text).size == log.tree.size
    finally:
        log.close()


def test_witness__a_forked_checkpoint__422_kept_as_evidence_and_never_cosigned(gateway, witnessed):
    log, w, url, http = witnessed
    log.cosign(http, log.tree.size)
    cosigned = w.cosigned(log.origin)
    # the log's own key signs a longer tree whose past differs: a second history
    fork = MerkleLog([b"another history"] * (cosigned.size + 2))
    forged = Signer(log.origin, gateway.node.keys.note_key(KEY_NAME)).sign(
        Checkpoint(log.origin, fork.size, fork.root()).text)
    answer = _offer(http, url, cosigned.size, fork.consistency_proof(cosigned.size, fork.size), forged)
    assert answer.status_code == 422 and "not consistent" in answer.text
    assert w.cosigned(log.origin) == cosigned
    [alarm] = [json.loads(line) for line in (w.state_dir / "alarms.jsonl").read_text().splitlines()]
    assert (alarm["origin"], alarm["cosigned_size"], alarm["offered"]) == (log.origin, cosigned.size, forged)


def test_witness__protocol_refusals(gateway, witnessed):
    log, w, url, http = witnessed
    note = log._sign(log.tree.size)
    assert _offer(http, url, 0, [], note).status_code == 200
    size = log.tree.size
    stale = _offer(http, url, 0, [], note)  # the client does not know what it cosigned: told
    assert (stale.status_code, stale.text, stale.headers["content-type"]) == (409, f"{size}\n", "text/x.tlog.size")
    assert _offer(http, url, size + 1, [], note).status_code == 400  # old beyond the checkpoint
    stranger = Signer("elsewhere.example/log", gateway.node.keys.note_key(KEY_NAME)).sign(
        Checkpoint("elsewhere.example/log", 1, b"\0" * 32).text)
    assert _offer(http, url, 0, [], stranger).status_code == 404  # a log it does not watch
    tampered = note.replace(note.split("\n")[2], base64.b64encode(b"\1" * 32).decode())
    assert _offer(http, url, size, [], tampered).status_code == 403  # the log's signature fails
    assert http.post(f"{url}/add-checkpoint", content=b"nonsense").status_code == 400
    assert w.cosigned(log.origin).size == size


def test_tanquan_witness__the_command_serves_a_witness_and_prints_its_key(gateway, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "witness", "--name", "audit.example/w2", "--log",
         gateway.log.signer.verifier.vkey, "--state", str(tmp_path / "w2"), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "TANQUAN_DATA_DIR": str(tmp_path / "data")})
    try:
        assert process.stdout.readline().startswith("witness audit.example/w2")
        vkey = process.stdout.readline().strip()
        assert vkey.startswith("audit.example/w2+")
        for _ in range(300):
            try:
                answer = _offer(httpx, f"http://127.0.0.1:{port}", 0, [], gateway.log._sign(gateway.log.tree.size))
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert answer.status_code == 200 and answer.text.startswith("— audit.example/w2 ")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_witness_that_saw_a_larger_tree__the_log_does_not_publish_and_the_console_is_told(gateway, witnessed):
    log, w, _, http = witnessed
    log.cosign(http, log.tree.size)
    published = log.checkpoint()
    w._cosigned[log.origin]["size"] += 5  # this log once showed the witness a larger tree: a rollback since
    gateway.node.fund(Account.create().address)
    log.follow()
    log.cosign(http, log.tree.size)
    assert log.checkpoint() == published  # nothing newer without the witness
    assert transparency.alarms(SimpleNamespace(log=log)) == [{
        "kind": "witness_refused", "witness": "audit.example/w1",
        "reason": f"it cosigned a tree of {w.cosigned(log.origin).size} blocks, larger than this log's {log.tree.size}"}]
