"""The embedded chain keeps its data: reopen, crash, pinned genesis."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rlp
from eth_keys import keys as eth_keys
from eth_utils import to_canonical_address

from chain import Role
from chain.backends import open_embedded
from chain.client import MAX_FEE
from chain.errors import ChainDamaged, DataDirInUse
from chain.node import CHAIN_FILE, FAUCET_KEY, open_node
from ledger_checks import assert_ledger_invariants

from crash_writer import PASSPHRASE  # noqa: E402  (the writer and the test share the key store)
WRITER = Path(__file__).with_name("crash_writer.py")


def _open(data_dir: Path, **kwargs):
    return open_node(data_dir, passphrase=PASSPHRASE, scrypt_n=2**14, **kwargs)


def test_reopen__after_close__restores_head_state_receipts_and_logs(tmp_path):
    node = _open(tmp_path)
    receipt = node.registry.send(node.department(Role.EEB), "set_ccer_listed", b"\x07" * 32, True)
    head = node.chain.w3.eth.get_block("latest")
    node.close()

    started = time.perf_counter()
    reopened = _open(tmp_path)
    assert time.perf_counter() - started < 30  # sanity bound only; speed is measured by scripts/bench_chain.py
    try:
        again = reopened.chain.w3.eth.get_block("latest")
        assert (again["hash"], again["stateRoot"], again["number"]) == (head["hash"], head["stateRoot"], head["number"])
        stored = reopened.chain.w3.eth.get_transaction_receipt(receipt.tx_hash)
        assert stored["status"] == 1
        assert [e.name for e in reopened.chain.decode_logs(stored["logs"])] == ["CcerListChanged"]
        assert reopened.registry.call("ccer_listed", b"\x07" * 32) is True
        assert reopened.registry.ledger.address == node.registry.ledger.address
    finally:
        reopened.close()


def test_genesis__two_fresh_chains_same_faucet__identical_genesis(tmp_path):
    faucet = "0x" + "ab" * 20
    hashes = []
    for name in ("a", "b"):
        embedded = open_embedded(tmp_path / name / CHAIN_FILE, faucet_address=faucet)
        hashes.append(embedded.chain.w3.eth.get_block(0)["hash"])
        embedded.close()
    assert hashes[0] == hashes[1]


def test_open__no_chain_and_no_faucet__clear_error(tmp_path):
    from chain import ChainError

    try:
        open_embedded(tmp_path / CHAIN_FILE)
    except ChainError as exc:
        assert "no chain" in str(exc)
    else:
        raise AssertionError("opening an empty chain without a faucet must fail")


def test_kill9__during_served_stream__every_acknowledged_tx_survives(tmp_path):
    setup = subprocess.run([sys.executable, str(WRITER), str(tmp_path), "setup"], capture_output=True, text=True, timeout=300)
    assert setup.returncode == 0, setup.stderr
    assert len(setup.stdout.splitlines()) == 6  # one minted coupon per writer thread
    acknowledged = []

    writer = subprocess.Popen([sys.executable, str(WRITER), str(tmp_path), "stream"], stdout=subprocess.PIPE, text=True)
    streamed = []
    deadline = time.monotonic() + 120
    try:
        for line in writer.stdout:
            record = json.loads(line)
            if "tx" in record:
                streamed.append(record["tx"])
            if len(streamed) >= 40 or time.monotonic() > deadline:
                break
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    assert len(streamed) >= 40, "the writer acknowledged too few transactions before the deadline"

    node = _open(tmp_path)
    try:
        for tx_hash in acknowledged + streamed:
            assert node.chain.w3.eth.get_transaction_receipt(tx_hash)["status"] == 1, tx_hash
        assert_ledger_invariants(node.registry)
        # The chain still takes transactions after the crash.
        node.registry.send(node.department(Role.EEB), "set_ccer_listed", b"\x09" * 32, True)
    finally:
        node.close()


@pytest.mark.parametrize("record", ["head header", "head state root", "head receipts root", "parent header"])
def test_reopen__a_recent_block_record_damaged__refused_with_what_to_do(tmp_path, record):
    """SQLite's own check sees pages, not values: a start checks the last blocks' records too."""
    node = _open(tmp_path)
    node.registry.send(node.department(Role.EEB), "set_ccer_listed", b"\x08" * 32, True)
    head = node.embedded.backend.chain.get_canonical_head()
    key = {"head header": head.hash, "head state root": head.state_root, "head receipts root": head.receipt_root,
           "parent header": head.parent_hash}[record]
    node.close()
    with sqlite3.connect(tmp_path / CHAIN_FILE) as db:
        (value,) = db.execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()
        db.execute("UPDATE kv SET v = ? WHERE k = ?", (bytes(b ^ 0x5A for b in value), key))

    for _ in range(2):  # the same answer again: a refused start lets the data directory's lock go
        with pytest.raises(ChainDamaged, match="is damaged .*: restore it from a backup, then rebuild the index"):
            _open(tmp_path)


@pytest.mark.parametrize("trie", ["transaction_root", "receipt_root"])
def test_reopen__a_node_below_the_head_blocks_trie_root_damaged__refused_with_what_to_do(tmp_path, trie):
    """The start vouches for every node of the last blocks' tries, not only for their roots."""
    node = _open(tmp_path)
    chain = node.embedded.backend.chain
    faucet = node.keys.load_or_create(FAUCET_KEY)
    nonce = chain.get_vm().state.get_nonce(to_canonical_address(faucet.address))
    builder = chain.get_transaction_builder()
    transfers = [builder.new_unsigned_dynamic_fee_transaction(node.chain.chain_id, nonce + i, 0, MAX_FEE, 21_000,
                                                              bytes([i + 1]) * 20, 1, b"", [])
                 .as_signed_transaction(eth_keys.PrivateKey(faucet.key)) for i in range(3)]
    chain.header = chain.header.copy(timestamp=max(chain.get_canonical_head().timestamp + 1, int(time.time())))
    chain.mine_all(transfers)  # one block of three: its tries have nodes below their roots
    node.embedded.backend.kv.commit()
    root = getattr(chain.get_canonical_head(), trie)
    node.close()
    with sqlite3.connect(tmp_path / CHAIN_FILE) as db:
        (encoded,) = db.execute("SELECT v FROM kv WHERE k = ?", (root,)).fetchone()
        below = next(child for child in rlp.decode(encoded)[:16] if len(child) == 32)
        (value,) = db.execute("SELECT v FROM kv WHERE k = ?", (below,)).fetchone()
        db.execute("UPDATE kv SET v = ? WHERE k = ?", (value[:-1] + bytes([value[-1] ^ 1]), below))

    with pytest.raises(ChainDamaged, match="is damaged .*do not match its header.*restore it from a backup"):
        _open(tmp_path)


def test_open__data_directory_already_open__refused_naming_the_holder(tmp_path):
    node = _open(tmp_path)
    try:
        with pytest.raises(DataDirInUse, match=f"in use by another Tanquan process \\(pid {os.getpid()}\\)"):
            _open(tmp_path)
    finally:
        node.close()
    _open(tmp_path).close()  # closed, the node let the lock go
