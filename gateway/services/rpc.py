"""The public JSON-RPC at /rpc (DESIGN §1, §7): JSON-RPC 2.0's envelope (one call or a
batch) around the chain's allow-listed reads (chain/rpc.py), so anyone can check the
registry against the chain itself, e.g. `tanquan verify TX --rpc https://…/rpc`."""

from __future__ import annotations

import json
from typing import Any
from weakref import WeakKeyDictionary

from chain.rpc import INVALID_REQUEST, PublicRpc, RpcError

from ..runtime.wiring import Gateway

PARSE_ERROR = -32700
_served: WeakKeyDictionary[Gateway, PublicRpc] = WeakKeyDictionary()


def public_rpc(gw: Gateway) -> PublicRpc:
    """The gateway's one PublicRpc: its bound on eth_calls at a time is the whole gateway's."""
    if (rpc := _served.get(gw)) is None:
        settings, registry = gw.settings, gw.registry
        # The reader: committed blocks only, never waiting for the block producer (DESIGN §8).
        rpc = _served[gw] = PublicRpc(
            gw.node.reader,
            contracts={"ApplicationRegistry": registry.applications.address, "CouponLedger": registry.ledger.address},
            max_log_blocks=settings.rpc_max_log_blocks, call_gas_cap=settings.rpc_call_gas_cap,
            call_seconds=settings.rpc_call_seconds, calls_at_once=settings.rpc_calls_at_once)
    return rpc


def answer(gw: Gateway, body: bytes) -> Any:
    """The response document for a request body: one answer, a list of answers for a batch,
    or None when every call was a notification (nothing to say)."""
    try:
        request = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _error(None, RpcError(PARSE_ERROR, "the body is not JSON"))
    if isinstance(request, list):
        if not request:
            return _error(None, RpcError(INVALID_REQUEST, "an empty batch"))
        if len(request) > gw.settings.rpc_batch_limit:
            return _error(None, RpcError(INVALID_REQUEST, f"a batch holds at most {gw.settings.rpc_batch_limit} calls"))
        answers = [a for call in request if (a := _one(gw, call)) is not None]
        return answers or None
    return _one(gw, request)


def _one(gw: Gateway, call: Any) -> dict | None:
    if not isinstance(call, dict) or call.get("jsonrpc") != "2.0" or not isinstance(call.get("method"), str):
        return _error(None, RpcError(INVALID_REQUEST, 'a call is {"jsonrpc": "2.0", "method": …, "params": […], "id": …}'))
    ident = call.get("id")
    try:
        result = public_rpc(gw).answer(call["method"], call.get("params"))
    except RpcError as exc:
        return None if "id" not in call else _error(ident, exc)
    return None if "id" not in call else {"jsonrpc": "2.0", "id": ident, "result": result}


def _error(ident: Any, exc: RpcError) -> dict:
    return {"jsonrpc": "2.0", "id": ident, "error": exc.as_error()}
