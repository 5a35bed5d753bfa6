"""A public, read-only JSON-RPC (DESIGN §1, §7): what anyone needs to check a certificate
against the chain itself, with their own tools or `tanquan verify --rpc`, and nothing
that writes, signs or reaches into the node.

Only READ_METHODS are answered; everything else, every method that writes included,
is refused with METHOD_NOT_FOUND. One request costs the node a bounded amount of work:
eth_getLogs spans at most `max_log_blocks` blocks, and eth_call

- answers only for the registry's own contracts (no precompile, no code of anyone else's:
  blake2f, modexp and ecpairing charge little gas for much CPU in py-evm), whose code
  calls no precompile and no contract but the registry's;
- runs with at most `call_gas_cap` gas, on the embedded chain and on a node alike;
- is evaluated `calls_at_once` at a time; one more is refused, not queued (LIMIT_EXCEEDED);
- on the embedded chain, is stopped at its next opcode once it has run `call_seconds`
  (`_deadline`); a node applies its own time limit.

A JSON-RPC node's answers are passed on as the node gave them; the embedded
chain's come from web3's typed reads on the committed blocks, encoded in JSON-RPC's
shapes (quantities as 0x-hex, data as 0x-hex bytes).
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import eth.precompiles
import eth.vm.logic
from eth_utils import to_checksum_address
from hexbytes import HexBytes
from web3 import HTTPProvider
from web3.exceptions import BlockNotFound, TransactionNotFound

from .client import Chain, _reason, _revert_data

READ_METHODS = (
    "eth_chainId", "net_version", "eth_blockNumber", "eth_getBlockByNumber", "eth_getBlockByHash",
    "eth_getTransactionByHash", "eth_getTransactionReceipt", "eth_getLogs", "eth_call", "eth_getCode",
)
# JSON-RPC 2.0's and EIP-1474's error codes.
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
EXECUTION_REVERTED = 3
LIMIT_EXCEEDED = -32005
BLOCK_TAGS = ("latest", "earliest", "pending", "safe", "finalized")
_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_QUANTITY = re.compile(r"^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$")
_DATA = re.compile(r"^0x([0-9a-fA-F]{2})*$")


class RpcError(Exception):
    """A JSON-RPC error object: code, message and, for a revert, its data."""

    def __init__(self, code: int, message: str, data: Any = None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data

    def as_error(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


class CallTimedOut(Exception):
    """An eth_call's EVM ran past its deadline."""


class PublicRpc:
    """The allow-listed reads on one chain (the gateway gives its reader: committed blocks only).
    `contracts`, name → address, are the registry's: the only ones eth_call answers for."""

    def __init__(self, chain: Chain, *, contracts: dict[str, str], max_log_blocks: int, call_gas_cap: int,
                 call_seconds: float, calls_at_once: int):
        self._chain = chain
        self._w3 = chain.w3
        self._max_log_blocks = max_log_blocks
        self._contracts = {name: address.lower() for name, address in contracts.items()}
        self._call_gas_cap = call_gas_cap
        self._call_seconds = call_seconds
        self._calls_at_once = calls_at_once
        self._call_slots = threading.BoundedSemaphore(calls_at_once)
        self._forwarded = isinstance(chain.w3.provider, HTTPProvider)  # a node already speaks JSON-RPC
        self._local: dict[str, Callable[[list], Any]] = {
            "eth_chainId": lambda p: self._w3.eth.chain_id,
            "net_version": lambda p: str(self._w3.eth.chain_id),
            "eth_blockNumber": lambda p: self._w3.eth.block_number,
            "eth_getBlockByNumber": lambda p: _or_none(BlockNotFound, lambda: self._w3.eth.get_block(_block_id(p[0]), p[1])),
            "eth_getBlockByHash": lambda p: _or_none(BlockNotFound, lambda: self._w3.eth.get_block(p[0], p[1])),
            "eth_getTransactionByHash": lambda p: _or_none(TransactionNotFound, lambda: self._w3.eth.get_transaction(p[0])),
            "eth_getTransactionReceipt": lambda p: _or_none(
                TransactionNotFound, lambda: self._w3.eth.get_transaction_receipt(p[0])),
            "eth_getLogs": lambda p: self._w3.eth.get_logs(_typed_filter(p[0])),
            "eth_call": lambda p: self._call(p[0], p[1]),
            "eth_getCode": lambda p: self._w3.eth.get_code(to_checksum_address(p[0]), _block_id(p[1])),
        }

    def answer(self, method: Any, params: Any) -> Any:
        """The result of one call, in JSON-RPC's shapes; RpcError when refused or failed."""
        if not isinstance(method, str) or method not in READ_METHODS:
            raise RpcError(METHOD_NOT_FOUND, f"{method} is not served here: this endpoint is read-only and answers "
                                             f"{', '.join(READ_METHODS)}")
        params = self._checked(method, [] if params is None else params)
        if method == "eth_call":
            with self.call_slot():
                return self._answered(method, params)
        return self._answered(method, params)

    @contextmanager
    def call_slot(self) -> Iterator[None]:
        """One of the `calls_at_once` eth_calls evaluated at a time. When all are taken the
        call is refused at once (LIMIT_EXCEEDED), not queued: a queue would only hold the
        slow calls' cost for later."""
        if not self._call_slots.acquire(blocking=False):
            raise RpcError(LIMIT_EXCEEDED, f"busy, try again: at most {self._calls_at_once} eth_calls "
                                           "are evaluated at a time here")
        try:
            yield
        finally:
            self._call_slots.release()

    def _answered(self, method: str, params: list) -> Any:
        if self._forwarded:
            response = self._w3.provider.make_request(method, params)
            if "error" in response:
                error = response["error"]
                raise RpcError(error.get("code", INTERNAL_ERROR), error.get("message", "the node failed"), error.get("data"))
            return response.get("result")
        try:
            return _encoded(self._local[method](params))
        except RpcError:
            raise
        except Exception as exc:  # noqa: BLE001 - the caller gets a JSON-RPC error, never a traceback
            raise RpcError(INTERNAL_ERROR, f"{type(exc).__name__}: {exc}") from exc

    # -- parameters

    def _checked(self, method: str, params: Any) -> list:
        if not isinstance(params, list):
            raise RpcError(INVALID_PARAMS, "params must be a list")
        shapes: dict[str, tuple[Callable[[Any], Any], ...]] = {
            "eth_chainId": (), "net_version": (), "eth_blockNumber": (),
            "eth_getBlockByNumber": (_block_param, _bool),
            "eth_getBlockByHash": (_hash, _bool),
            "eth_getTransactionByHash": (_hash,),
            "eth_getTransactionReceipt": (_hash,),
            "eth_getLogs": (self._log_filter,),
            "eth_call": (self._served_call, _block_param),
            "eth_getCode": (_address, _block_param),
        }
        shape = shapes[method]
        if method in ("eth_call", "eth_getCode") and len(params) == len(shape) - 1:
            params = [*params, "latest"]  # the block is optional for these two
        if len(params) != len(shape):
            raise RpcError(INVALID_PARAMS, f"{method} takes {len(shape)} parameters, not {len(params)}")
        return [check(value) for check, value in zip(shape, params)]

    def _log_filter(self, value: Any) -> dict:
        if not isinstance(value, dict):
            raise RpcError(INVALID_PARAMS, "eth_getLogs takes one filter object")
        unknown = set(value) - {"fromBlock", "toBlock", "blockHash", "address", "topics"}
        if unknown:
            raise RpcError(INVALID_PARAMS, f"unknown filter fields: {', '.join(sorted(unknown))}")
        checked: dict[str, Any] = {}
        if "blockHash" in value:
            if "fromBlock" in value or "toBlock" in value:
                raise RpcError(INVALID_PARAMS, "blockHash excludes fromBlock and toBlock")
            checked["blockHash"] = _hash(value["blockHash"])
        else:
            head = self._w3.eth.block_number
            first = self._number(_block_param(value.get("fromBlock", "latest")), head)
            last = self._number(_block_param(value.get("toBlock", "latest")), head)
            if last < first:
                raise RpcError(INVALID_PARAMS, "toBlock is before fromBlock")
            if last - first + 1 > self._max_log_blocks:
                raise RpcError(LIMIT_EXCEEDED, f"eth_getLogs spans at most {self._max_log_blocks} blocks here; "
                                               f"ask for {first}..{first + self._max_log_blocks - 1} and go on from there")
            checked["fromBlock"], checked["toBlock"] = hex(first), hex(last)
        if "address" in value:
            addresses = value["address"] if isinstance(value["address"], list) else [value["address"]]
            checked["address"] = [_address(a) for a in addresses]
        if "topics" in value:
            checked["topics"] = _topics(value["topics"])
        return checked

    def _served_call(self, value: Any) -> dict:
        """A call object for one of the registry's contracts, its gas capped at `call_gas_cap`."""
        call = _call_object(value)
        if call["to"] not in self._contracts.values():
            served = ", ".join(f"{name} {address}" for name, address in self._contracts.items())
            raise RpcError(INVALID_PARAMS, f"eth_call answers only for the registry's contracts: {served}")
        gas = int(call["gas"], 16) if "gas" in call else self._call_gas_cap
        call["gas"] = hex(min(gas, self._call_gas_cap))
        return call

    @staticmethod
    def _number(block: str, head: int) -> int:
        return 0 if block == "earliest" else head if block in BLOCK_TAGS else int(block, 16)

    def _call(self, call: dict, block: str) -> bytes:
        try:
            with _deadline(self._call_seconds):
                return self._w3.eth.call(_typed_call(call), _block_id(block))
        except CallTimedOut as exc:
            raise RpcError(LIMIT_EXCEEDED, f"eth_call ran over {self._call_seconds:g} s here and was "
                                           "stopped") from exc
        except Exception as exc:
            reason = _reason(exc)
            if reason is None:
                raise
            data = _revert_data(exc)
            raise RpcError(EXECUTION_REVERTED, f"execution reverted: {reason}",
                           "0x" + data.hex() if data is not None else None) from exc


# -- checks of single parameters


def _matching(pattern: re.Pattern, what: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or not pattern.match(value):
            raise RpcError(INVALID_PARAMS, f"expected {what}, got {value!r}")
        return value.lower()

    return check


_hash = _matching(_HASH, "a 32-byte hash (0x + 64 hex digits)")
_address = _matching(_ADDRESS, "an address (0x + 40 hex digits)")
_quantity = _matching(_QUANTITY, "a quantity (0x-hex without leading zeros)")
_data = _matching(_DATA, "0x-hex bytes")


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise RpcError(INVALID_PARAMS, f"expected true or false, got {value!r}")
    return value


def _block_param(value: Any) -> str:
    if isinstance(value, str) and value in BLOCK_TAGS:
        return value
    return _quantity(value)


def _topics(value: Any) -> list:
    if not isinstance(value, list) or len(value) > 4:
        raise RpcError(INVALID_PARAMS, "topics is a list of at most four entries")
    return [None if t is None else [_hash(x) for x in t] if isinstance(t, list) else _hash(t) for t in value]


def _call_object(value: Any) -> dict:
    if not isinstance(value, dict) or "to" not in value:
        raise RpcError(INVALID_PARAMS, "eth_call takes a call object with `to`")
    unknown = set(value) - {"from", "to", "gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "value",
                            "data", "input"}
    if unknown:
        raise RpcError(INVALID_PARAMS, f"unknown call fields: {', '.join(sorted(unknown))}")
    call = {"to": _address(value["to"])}
    if "from" in value:
        call["from"] = _address(value["from"])
    for name in ("data", "input"):
        if name in value:
            call["data"] = _data(value[name])
    if "gas" in value:
        call["gas"] = _quantity(value["gas"])
    if "value" in value:
        call["value"] = _quantity(value["value"])
    return call


# -- the embedded chain's answers through web3's typed reads


# Where py-evm's opcodes and precompiles are implemented: each one a Python function of its own.
_EVM_STEPS = tuple(os.path.dirname(package.__file__) + os.sep for package in (eth.vm.logic, eth.precompiles))


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Stop the EVM running in this thread at its next opcode once `seconds` have passed.

    A thread cannot be killed, but it can be made to raise: a trace function, this thread's
    only, runs at the start of every Python function and raises CallTimedOut when the time
    is up and the function is one of py-evm's opcodes or precompiles. Those touch only the
    call's own state, which is thrown away, so nothing shared is left half changed. A
    precompile already running in C (blake2b-py's blake2f, modexp's pow) runs to its end;
    the gas cap bounds it. The trace makes a call two to three times slower (a registry
    view: ~5 → ~12 ms); only eth_call pays it."""
    end = time.monotonic() + seconds

    def trace(frame, event, arg):
        if time.monotonic() > end and frame.f_code.co_filename.startswith(_EVM_STEPS):
            raise CallTimedOut
        return None  # no line events

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)


def _block_id(block: str) -> int | str:
    return block if block in BLOCK_TAGS else int(block, 16)


def _typed_filter(checked: dict) -> dict:
    typed = dict(checked)
    for name in ("fromBlock", "toBlock"):
        if name in typed:
            typed[name] = int(typed[name], 16)
    if "address" in typed:
        typed["address"] = [to_checksum_address(a) for a in typed["address"]]
    return typed


def _typed_call(call: dict) -> dict:
    typed: dict[str, Any] = {"to": to_checksum_address(call["to"]), "gas": int(call["gas"], 16)}
    if "from" in call:
        typed["from"] = to_checksum_address(call["from"])
    if "data" in call:
        typed["data"] = call["data"]
    if "value" in call:
        typed["value"] = int(call["value"], 16)
    return typed


def _or_none(missing: type[Exception], read: Callable[[], Any]) -> Any:
    try:
        return read()
    except missing:
        return None


def _encoded(value: Any) -> Any:
    """web3's typed values in JSON-RPC's shapes."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return hex(value)
    if isinstance(value, (bytes, bytearray, HexBytes)):
        return "0x" + bytes(value).hex()
    if isinstance(value, dict) or hasattr(value, "items"):
        return {key: _encoded(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encoded(item) for item in value]
    raise TypeError(f"cannot encode {type(value).__name__}")
