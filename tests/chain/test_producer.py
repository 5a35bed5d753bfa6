"""The served chain: one block per second at most, on the wall clock, many requests in flight."""

import dataclasses
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from chain import Role
from chain.client import Chain
from chain.node import open_node


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    node = open_node(tmp_path_factory.mktemp("served"), passphrase="producer-test", scrypt_n=2**14, served=True)
    yield node
    node.close()


def _parcel(i: int) -> bytes:
    return i.to_bytes(32, "big")


def test_concurrent_sends__one_department_key__no_nonce_collision(served):
    eeb = served.department(Role.EEB)
    start_nonce = served.chain.w3.eth.get_transaction_count(eeb.address)
    with ThreadPoolExecutor(max_workers=64) as pool:
        receipts = list(pool.map(lambda i: served.registry.send(eeb, "set_ccer_listed", _parcel(i), True), range(120)))
    assert len({r.tx_hash for r in receipts}) == 120
    assert all(served.registry.call("ccer_listed", _parcel(i)) for i in range(120))
    assert served.chain.w3.eth.get_transaction_count(eeb.address) == start_nonce + 120


def test_load__hundreds_in_flight__blocks_batch_and_track_wall_clock(served):
    eeb = served.department(Role.EEB)
    first_block = served.chain.w3.eth.block_number + 1
    started = time.time()
    observations = []

    def send(i: int):
        receipt = served.registry.send(eeb, "set_ccer_listed", _parcel(1000 + i), True)
        observations.append((receipt.block_number, time.time()))
        return receipt

    with ThreadPoolExecutor(max_workers=256) as pool:
        list(pool.map(send, range(300)))
    elapsed = time.time() - started
    last_block = served.chain.w3.eth.block_number
    blocks = [served.chain.w3.eth.get_block(n) for n in range(first_block, last_block + 1)]

    # At most one block per second: far fewer blocks than transactions.
    assert len(blocks) <= int(elapsed) + 2
    assert sum(len(b["transactions"]) for b in blocks) == 300
    timestamps = [b["timestamp"] for b in blocks]
    assert timestamps == sorted(set(timestamps)), "block timestamps must strictly increase"
    # Never ahead of the wall clock by more than 2 s when the caller hears of its block.
    for block_number, heard_at in observations:
        assert served.chain.w3.eth.get_block(block_number)["timestamp"] <= heard_at + 2
    assert timestamps[-1] <= time.time() + 2


def test_idle__nothing_sent__no_block_mined(served):
    before = served.chain.w3.eth.block_number
    time.sleep(2.5)
    assert served.chain.w3.eth.block_number == before


def test_rejected_tx__bad_nonce__caller_told_and_others_mined(served):

    from chain import ChainError

    eeb = served.department(Role.EEB)
    chain = served.chain
    stale = {**chain._fields(eeb, 100_000), "to": eeb.address, "value": 0, "nonce": 0}
    with pytest.raises(ChainError, match="nonce"):
        chain._submit_raw(eeb.sign_transaction(stale).raw_transaction).result(timeout=30)
    # The next ordinary transaction of the same key still goes through.
    receipt = served.registry.send(eeb, "set_ccer_listed", _parcel(99_999), True)
    assert receipt.event("CcerListChanged").args["parcel"] == _parcel(99_999)


def _comparable(read) -> tuple:
    """The logs, and the timestamps and senders the index looks up for them."""
    logs = [(log["address"], [bytes(t) for t in log["topics"]], bytes(log["data"]), log["logIndex"],
             "0x" + bytes(log["transactionHash"]).hex(), log["blockNumber"]) for log in read.logs]
    return (logs, {log[5]: read.timestamps[log[5]] for log in logs}, {log[4]: read.senders[log[4]] for log in logs})


def test_block_logs__as_mined__same_as_from_disk_and_through_json_rpc(served):
    """The index follows the served chain from the blocks the producer keeps as it mined
    them; the database and eth_getLogs/eth_getBlockByNumber must tell the same story."""
    eeb = served.department(Role.EEB)
    first = served.chain.head() + 1
    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(lambda i: served.registry.send(eeb, "set_ccer_listed", _parcel(5000 + i), True), range(40)))
    last = served.chain.head()
    addresses = [served.registry.applications.address, served.registry.ledger.address]
    producer = served.embedded.producer
    assert all(producer.mined(n) is not None for n in range(first, last + 1))

    as_mined = served.chain.block_logs(first, last, addresses)
    from_disk = dataclasses.replace(served.chain._local, producer=None).block_logs(first, last, addresses)
    json_rpc = Chain(served.chain.w3).block_logs(first, last, addresses)

    assert len(as_mined.logs) == 40 and set(as_mined.senders.values()) == {eeb.address}
    assert _comparable(as_mined) == _comparable(from_disk) == _comparable(json_rpc)
