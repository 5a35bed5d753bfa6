"""What one public eth_call may cost (chain/rpc.py): it answers only for the registry's
contracts, so no precompile is reachable; its gas is capped, on the embedded chain and
on a node; a bounded number run at a time, one more is refused; on the embedded chain a
call past its deadline is stopped. py-evm's blake2f runs in Rust (blake2b-py)."""

from __future__ import annotations

import struct
import sys
import threading
import types
from contextlib import ExitStack

import blake2b
import pytest
from eth.precompiles import blake2 as evm_blake2
from web3 import HTTPProvider, Web3

from chain import Role
from chain.backends import connect
from chain.client import Chain
from chain.rpc import PublicRpc, RpcError
from gateway.services.rpc import public_rpc

BLAKE2F = "0x" + "00" * 19 + "09"


def _blake2f_input(rounds: int) -> bytes:
    """EIP-152's 213 bytes: rounds, state h, message m, offsets t, final-block flag."""
    return struct.pack(">I", rounds) + bytes(64) + bytes(128) + bytes(16) + b"\x01"


def _post(client, method: str, *params) -> dict:
    response = client.post("/rpc", json={"jsonrpc": "2.0", "id": 3, "method": method, "params": list(params)})
    assert response.status_code == 200, response.text
    return response.json()


def _contracts(gateway) -> dict[str, str]:
    registry = gateway.registry
    return {"ApplicationRegistry": registry.applications.address, "CouponLedger": registry.ledger.address}


def _department_of_eeb(gateway) -> dict:
    """A registry view: the EEB official's department."""
    ledger, eeb = gateway.registry.ledger, gateway.node.department(Role.EEB).address
    return {"to": ledger.address, "data": ledger.encode_abi("department_of", args=[eeb])}


# The costly precompiles, each with an input that would run long: blake2f at 29 M rounds, modexp with a
# 1,024-byte modulus and exponent of ones, ecpairing over 100 pairs (EIP-152, EIP-198, EIP-197).
MODEXP, ECPAIRING = "0x" + "00" * 19 + "05", "0x" + "00" * 19 + "08"
COSTLY_CALLS = {
    "blake2f": (BLAKE2F, _blake2f_input(29_000_000)),
    "modexp": (MODEXP, (1024).to_bytes(32, "big") * 3 + b"\x02" * 1024 + b"\xff" * 1024 + b"\x07" * 1024),
    "ecpairing": (ECPAIRING, b"\x01" * 192 * 100),
}


@pytest.mark.parametrize("precompile", COSTLY_CALLS)
def test_eth_call__costly_precompile__refused_not_evaluated(client, precompile):
    to, data = COSTLY_CALLS[precompile]
    body = _post(client, "eth_call", {"to": to, "data": "0x" + data.hex(), "gas": hex(30_000_000)}, "latest")
    assert "result" not in body
    assert body["error"]["code"] == -32602


def test_eth_call__address_outside_the_registry__invalid_params_naming_the_served_contracts(client, gateway):
    applications, ledger = (c.address.lower() for c in (gateway.registry.applications, gateway.registry.ledger))
    for to in ("0x" + "00" * 19 + "05", "0x" + "00" * 19 + "08", "0x" + "ab" * 20):
        body = _post(client, "eth_call", {"to": to, "data": "0x"}, "latest")
        assert body["error"] == {"code": -32602, "message": (
            "eth_call answers only for the registry's contracts: "
            f"ApplicationRegistry {applications}, CouponLedger {ledger}")}


def test_eth_call__registry_view_with_absurd_gas__runs_with_the_cap_and_runs_out(gateway):
    # department_of takes ~24 k gas: under a 22 k cap it runs out, whatever gas the caller asked for.
    capped = PublicRpc(gateway.node.reader, contracts=_contracts(gateway), max_log_blocks=10,
                       call_gas_cap=22_000, call_seconds=5, calls_at_once=1)
    call = {**_department_of_eeb(gateway), "gas": hex(10**12)}
    with pytest.raises(RpcError, match="(?i)out of gas"):
        capped.answer("eth_call", [call, "latest"])


def test_eth_call__served_gateway_absurd_gas__capped_not_refused(client, gateway, settings):
    call = {**_department_of_eeb(gateway), "gas": hex(10**15)}
    assert bytes.fromhex(_post(client, "eth_call", call, "latest")["result"][2:]) == Role.EEB.id
    assert settings.rpc_call_gas_cap <= 1_000_000


class _RecordingNode(HTTPProvider):
    """A JSON-RPC node that answers eth_chainId and eth_call and remembers what it was asked."""

    def __init__(self):
        super().__init__("http://node.invalid")
        self.asked: list[tuple[str, list]] = []

    def make_request(self, method, params):
        self.asked.append((method, params))
        return {"jsonrpc": "2.0", "id": 1, "result": "0x1" if method == "eth_chainId" else "0x"}


def test_eth_call__forwarded_to_a_node__with_the_gas_cap(gateway):
    node = _RecordingNode()
    rpc = PublicRpc(Chain(Web3(node)), contracts=_contracts(gateway), max_log_blocks=10, call_gas_cap=50_000,
                    call_seconds=1, calls_at_once=1)
    assert rpc.answer("eth_call", [{**_department_of_eeb(gateway), "gas": hex(10**9)}, "latest"]) == "0x"
    assert rpc.answer("eth_call", [_department_of_eeb(gateway)]) == "0x"
    calls = [params for method, params in node.asked if method == "eth_call"]
    assert [params[0]["gas"] for params in calls] == [hex(50_000)] * 2
    with pytest.raises(RpcError) as refused:
        rpc.answer("eth_call", [{"to": BLAKE2F, "data": "0x"}, "latest"])
    assert refused.value.code == -32602
    assert len([m for m, _ in node.asked if m == "eth_call"]) == 2  # the refused call never reached the node


def test_eth_call__all_slots_taken__limit_exceeded_busy_and_served_again_once_free(client, gateway, settings):
    rpc = public_rpc(gateway)
    with ExitStack() as held:
        for _ in range(settings.rpc_calls_at_once):
            held.enter_context(rpc.call_slot())
        body = _post(client, "eth_call", _department_of_eeb(gateway), "latest")
        assert body["error"]["code"] == -32005
        assert body["error"]["message"].startswith("busy, try again")
        assert "result" in _post(client, "eth_blockNumber")  # only eth_call is bounded
    assert bytes.fromhex(_post(client, "eth_call", _department_of_eeb(gateway), "latest")["result"][2:]) == Role.EEB.id


def test_eth_call__past_its_deadline__stopped_limit_exceeded_and_trace_restored(gateway):
    rpc = PublicRpc(gateway.node.reader, contracts=_contracts(gateway), max_log_blocks=10, call_gas_cap=1_000_000,
                    call_seconds=0, calls_at_once=1)
    before = sys.gettrace()
    with pytest.raises(RpcError) as stopped:
        rpc.answer("eth_call", [_department_of_eeb(gateway), "latest"])
    assert (stopped.value.code, stopped.value.message) == (-32005, "eth_call ran over 0 s here and was stopped")
    assert sys.gettrace() is before
    with pytest.raises(RpcError, match="ran over"):  # not "busy": the one slot was given back
        rpc.answer("eth_call", [_department_of_eeb(gateway), "latest"])


def test_blake2f__py_evm_uses_blake2b_py__one_million_rounds_complete():
    assert evm_blake2.blake2b_compress is blake2b.compress
    computation = types.SimpleNamespace(msg=types.SimpleNamespace(data_as_bytes=_blake2f_input(1_000_000)),
                                        output=b"", consume_gas=lambda amount, reason: None)
    evm_blake2.blake2b_fcompress(computation)
    assert len(computation.output) == 64


def test_connect__gateway_busy__the_call_asked_again_until_a_slot_is_free(served, gateway, settings):
    """`tanquan verify --rpc` and every JSON-RPC client of chain.backends.connect wait out a busy gateway."""
    chain = connect(served() + "/rpc")
    rpc = public_rpc(gateway)
    held = ExitStack()
    for _ in range(settings.rpc_calls_at_once):
        held.enter_context(rpc.call_slot())
    freed = threading.Timer(1.0, held.close)  # the other callers finish while this one waits
    freed.start()
    try:
        answer = chain.w3.eth.call(_department_of_eeb(gateway))
    finally:
        freed.join()
    assert bytes(answer) == Role.EEB.id
