"""Send transactions as a given key, read contracts, decode events."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth.vm.forks.prague import PragueVM
from eth_account.signers.local import LocalAccount
from eth_keys import keys
from eth_utils import to_canonical_address, to_checksum_address
from eth_utils.abi import collapse_if_tuple, event_abi_to_log_topic, function_abi_to_4byte_selector
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import ContractLogicError, Web3RPCError

from .compile import Artifact
from . import proofs
from .errors import ChainError, ChainRevert

# Explicit gas: estimateGas on every call costs about three times the work (DESIGN §8).
DEFAULT_GAS = 1_500_000
DEPLOY_GAS = 6_000_000
MAX_FEE = 100 * 10**9
# Builds and signs EIP-1559 transactions about three times faster than eth-account;
# the encoding is the standard one, for the embedded chain and any JSON-RPC node alike.
TX_BUILDER = PragueVM.get_transaction_builder()


@dataclass(frozen=True)
class Event:
    name: str
    args: dict[str, Any]
    address: str
    log_index: int
    tx_hash: str
    block_number: int


@dataclass(frozen=True)
class Receipt:
    tx_hash: str
    block_number: int
    gas_used: int
    logs: list = field(repr=False)  # web3's shape
    decode: Callable[[list], list[Event]] = field(repr=False, compare=False)  # Chain.decode_logs
    contract_address: str | None = None

    @cached_property
    def events(self) -> list[Event]:
        """Decoded when first asked: most callers need only the hash and the block."""
        return self.decode(self.logs)

    def event(self, name: str) -> Event:
        """The one event of this name in the receipt."""
        found = [e for e in self.events if e.name == name]
        if len(found) != 1:
            raise LookupError(f"expected one {name} event, found {len(found)}")
        return found[0]

    def named(self, name: str) -> list[Event]:
        return [e for e in self.events if e.name == name]


@dataclass
class BlockLogs:
    logs: list  # web3's log shape
    timestamps: dict[int, int]  # block number → timestamp
    senders: dict[str, str]  # tx hash → checksum address


class LocalReads(Protocol):
    def head(self) -> int: ...
    def balance(self, address: str) -> int: ...
    def block_logs(self, first: int, last: int, addresses: list[str]) -> BlockLogs: ...
    def block_hashes(self, first: int, last: int) -> list[bytes]: ...
    def receipt_proof(self, block_number: int, tx_hash: bytes) -> dict: ...


@dataclass
class Pending:
    """A transaction handed to the node or the block producer, not yet awaited."""

    chain: Chain
    tx: dict
    handle: Any

    def receipt(self) -> Receipt:
        """Wait until mined; raise ChainRevert if it reverted."""
        return self.chain._await(self)


class SharedNonces(Protocol):
    """Other processes sign with the same keys (gateway replicas on one node): `reserve` holds the
    key's turn across all of them while its transaction is signed and handed to the node, and
    gives the nonce, which `on_chain` reads from the node."""

    def reserve(self, address: str, on_chain: Callable[[], int]) -> AbstractContextManager[int]: ...


class Chain:
    """One EVM reached through web3: signs locally, tracks nonces per key.

    `submit_raw`, when given, takes a signed transaction and returns a future
    of its hash, resolved once it is mined (the embedded block producer);
    otherwise the transaction goes to the node with eth_sendRawTransaction.
    `local`, when given, answers the reads the gateway makes most (the head,
    balances, blocks' logs) straight from the node's database (the embedded
    chain) instead of through JSON-RPC's shapes.
    """

    def __init__(self, w3: Web3, submit_raw: Callable[[bytes], Future] | None = None, local: LocalReads | None = None):
        self.w3 = w3
        self._submit_raw = submit_raw
        self._local = local
        self.chain_id = w3.eth.chain_id
        self._nonces: dict[str, int] = {}
        self._nonce_lock = threading.Lock()
        self.shared_nonces: SharedNonces | None = None  # set by a replica: its keys sign in other processes too
        self._event_abis: dict[bytes, EventDecoder] = {}
        self._contracts: dict[tuple[str, str], Any] = {}
        self._encoders: dict[tuple[str, str], tuple[bytes, list[str]]] = {}
        self._keys: dict[str, keys.PrivateKey] = {}

    # -- contracts

    def contract(self, artifact: Artifact, address: str):
        """Made once per contract and address: web3 builds every function of the ABI each time (~3 ms)."""
        key = (artifact.name, address)
        contract = self._contracts.get(key)
        if contract is None:
            self.register_events(artifact)
            contract = self._contracts[key] = self.w3.eth.contract(address=address, abi=artifact.abi)
        return contract

    def register_events(self, artifact: Artifact) -> None:
        """Teach `decode_logs` the events of a contract."""
        for item in artifact.abi:
            if item["type"] == "event":
                self._event_abis[event_abi_to_log_topic(item)] = EventDecoder(item)

    def deploy(self, artifact: Artifact, *args: Any, sender: LocalAccount):
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        tx = factory.constructor(*args).build_transaction(self._fields(sender, DEPLOY_GAS))
        receipt = self._submit(sender, tx)
        return self.contract(artifact, receipt.contract_address), receipt

    # -- transactions

    def send(self, sender: LocalAccount, contract, function: str, *args: Any, gas: int = DEFAULT_GAS) -> Receipt:
        """Sign and send `contract.function(*args)` as `sender`; raise ChainRevert on revert."""
        return self.submit(sender, contract, function, *args, gas=gas).receipt()

    def call(self, contract, function: str, *args: Any, block: int | str = "latest") -> Any:
        try:
            return contract.functions[function](*args).call(block_identifier=block)
        except Exception as exc:
            reason = _reason(exc)
            if reason is None:
                raise
            raise ChainRevert(reason) from exc

    def transfer_value(self, sender: LocalAccount, to: str, wei: int) -> Receipt:
        return self.submit_transfer(sender, to, wei).receipt()

    def balance(self, address: str) -> int:
        return self._local.balance(address) if self._local else self.w3.eth.get_balance(address)

    def head(self) -> int:
        return self._local.head() if self._local else self.w3.eth.block_number

    def timestamp(self) -> int:
        return self.w3.eth.get_block("latest")["timestamp"]

    def block_hashes(self, first: int, last: int) -> list[bytes]:
        """The hashes of blocks first..last: the transparency log's leaves (chain/tlog.py)."""
        if self._local is not None:
            return self._local.block_hashes(first, last)
        return [bytes(self.w3.eth.get_block(number)["hash"]) for number in range(first, last + 1)]

    def receipt_proof(self, tx_hash: str) -> tuple[int, dict]:
        """The block of a transaction and its receipt's proof against the block header (chain/proofs.py)."""
        block = self.w3.eth.get_transaction_receipt(tx_hash)["blockNumber"]
        if self._local is None:
            return block, proofs.receipt_proof_rpc(self._request, block, bytes.fromhex(tx_hash.removeprefix("0x")))
        return block, self._local.receipt_proof(block, bytes.fromhex(tx_hash.removeprefix("0x")))

    def _request(self, method: str, params: list):
        """A JSON-RPC call's raw result, as the node wrote it (web3's formatters change names and types)."""
        answer = self.w3.provider.make_request(method, params)
        if "error" in answer:
            raise ChainError(f"{method}: {answer['error']}")
        return answer["result"]

    # -- internals

    def _fields(self, sender: LocalAccount, gas: int) -> dict:
        return {
            "from": sender.address,
            "gas": gas,
            "maxFeePerGas": MAX_FEE,
            "maxPriorityFeePerGas": 0,
            "chainId": self.chain_id,
        }

    def forget_nonces(self) -> None:
        """Drop cached nonces, e.g. after reverting to a snapshot or a rejected transaction."""
        with self._nonce_lock:
            self._nonces.clear()

    def _submit(self, sender: LocalAccount, tx: dict) -> Receipt:
        return self._dispatch(sender, tx).receipt()

    def submit(self, sender: LocalAccount, contract, function: str, *args: Any, gas: int = DEFAULT_GAS) -> Pending:
        """Like `send`, but returns at once: many transactions can then share a block."""
        tx = {**self._fields(sender, gas), "to": contract.address, "data": self._calldata(contract, function, args)}
        return self._dispatch(sender, tx)

    def _calldata(self, contract, function: str, args: tuple) -> bytes:
        # web3's build_transaction re-derives every selector of the ABI on each call
        # (~1 ms); the encoding itself is all a transaction needs.
        key = (contract.address, function)
        encoder = self._encoders.get(key)
        if encoder is None:
            abi = next(item for item in contract.abi if item["type"] == "function" and item["name"] == function)
            encoder = (function_abi_to_4byte_selector(abi), [collapse_if_tuple(i) for i in abi["inputs"]])
            self._encoders[key] = encoder
        selector, types = encoder
        return selector + abi_encode(types, list(args))

    def submit_transfer(self, sender: LocalAccount, to: str, wei: int) -> Pending:
        return self._dispatch(sender, {**self._fields(sender, 21_000), "to": to, "value": wei})

    def _dispatch(self, sender: LocalAccount, tx: dict) -> Pending:
        if self.shared_nonces is not None:
            return self._dispatch_shared(sender, tx)
        # Nonce, signature and hand-over happen under one lock, so a key's
        # transactions reach the node or the block producer in nonce order.
        with self._nonce_lock:
            nonce = self._nonces.get(sender.address)
            if nonce is None:
                nonce = self.w3.eth.get_transaction_count(sender.address, "pending")
            tx = {**tx, "nonce": nonce}
            signed = self._sign(sender, tx)
            raw_tx = signed.encode()
            try:
                handle = self._submit_raw(raw_tx) if self._submit_raw else self.w3.eth.send_raw_transaction(raw_tx)
            except Exception as exc:
                if _mined_tx_hash(exc) != signed.hash:
                    self._nonces.clear()
                    raise exc if isinstance(exc, ChainError) else ChainError(f"transaction rejected: {exc}") from exc
                handle = HexBytes(signed.hash)  # mined but reverted: the receipt and its replay tell why
            self._nonces[sender.address] = nonce + 1
        return Pending(self, tx, handle)

    def _dispatch_shared(self, sender: LocalAccount, tx: dict) -> Pending:
        """The key's turn is taken where every process signing with it sees it; no nonce is remembered here."""
        on_chain = lambda: self.w3.eth.get_transaction_count(sender.address, "pending")  # noqa: E731
        with self.shared_nonces.reserve(sender.address, on_chain) as nonce:
            tx = {**tx, "nonce": nonce}
            signed = self._sign(sender, tx)
            try:
                handle = self.w3.eth.send_raw_transaction(signed.encode())
            except Exception as exc:
                if _mined_tx_hash(exc) != signed.hash:
                    raise exc if isinstance(exc, ChainError) else ChainError(f"transaction rejected: {exc}") from exc
                handle = HexBytes(signed.hash)  # mined but reverted: the receipt and its replay tell why
        return Pending(self, tx, handle)

    def _sign(self, sender: LocalAccount, tx: dict):
        key = self._keys.get(sender.address)
        if key is None:
            key = self._keys[sender.address] = keys.PrivateKey(bytes(sender.key))
        unsigned = TX_BUILDER.new_unsigned_dynamic_fee_transaction(
            chain_id=tx["chainId"], nonce=tx["nonce"], max_priority_fee_per_gas=tx["maxPriorityFeePerGas"],
            max_fee_per_gas=tx["maxFeePerGas"], gas=tx["gas"], to=to_canonical_address(tx["to"]) if tx.get("to") else b"",
            value=tx.get("value", 0), data=bytes(HexBytes(tx.get("data", b""))), access_list=[],
        )
        return unsigned.as_signed_transaction(key)

    def _await(self, pending: Pending) -> Receipt:
        handle = pending.handle
        if isinstance(handle, Future):
            # The block producer hands over the receipt once the block is on disk.
            try:
                raw = handle.result()
            except ChainError:
                self.forget_nonces()
                raise
            tx_hash = raw["transactionHash"]
        else:
            tx_hash = handle
            raw = self.w3.eth.wait_for_transaction_receipt(tx_hash, poll_latency=0.05)
        hex_hash = "0x" + bytes(tx_hash).hex()
        if raw["status"] != 1:
            raise ChainRevert(self._replay_reason(pending.tx, raw["blockNumber"]), hex_hash)
        return Receipt(
            tx_hash=hex_hash,
            block_number=raw["blockNumber"],
            gas_used=raw["gasUsed"],
            logs=raw["logs"],
            decode=self.decode_logs,
            contract_address=raw.get("contractAddress"),
        )

    def _replay_reason(self, tx: dict, block_number: int) -> str:
        """A mined revert carries no reason: replay the call to read it. On the parent
        block first; if it passes there, an earlier transaction of the same block made
        it fail (a lost race), so replay on the block itself."""
        call = {k: tx[k] for k in ("from", "to", "data", "gas", "value") if k in tx}
        for block in (block_number - 1, block_number):
            try:
                self.w3.eth.call(call, block_identifier=block)
            except Exception as exc:
                return _reason(exc) or "reverted"
        return "reverted"

    def block_logs(self, first: int, last: int, addresses: list[str]) -> BlockLogs:
        """The logs `addresses` emitted in blocks first..last, each block's timestamp
        and the sender of each transaction that logged."""
        if self._local is not None:
            return self._local.block_logs(first, last, addresses)
        logs = self.w3.eth.get_logs({"fromBlock": first, "toBlock": last, "address": addresses})
        blocks = [self.w3.eth.get_block(n, full_transactions=True) for n in sorted({log["blockNumber"] for log in logs})]
        return BlockLogs(
            logs=logs,
            timestamps={block["number"]: block["timestamp"] for block in blocks},
            senders={"0x" + bytes(tx["hash"]).hex(): tx["from"] for block in blocks for tx in block["transactions"]},
        )

    def decode_logs(self, logs) -> list[Event]:
        events = []
        for log in logs:
            topics = log["topics"]
            event = self._event_abis.get(bytes(topics[0])) if topics else None
            if event is None:
                continue
            events.append(
                Event(
                    name=event.name,
                    args=event.decode(topics, bytes(log["data"])),
                    address=log["address"],
                    log_index=log["logIndex"],
                    tx_hash="0x" + bytes(log["transactionHash"]).hex(),
                    block_number=log["blockNumber"],
                )
            )
        return events


class EventDecoder:
    """Decodes one event's log with eth-abi directly: web3's log processing costs
    several times more, and every receipt passes through here."""

    def __init__(self, abi: dict):
        inputs = abi["inputs"]
        self.name = abi["name"]
        self.order = [i["name"] for i in inputs]
        self.indexed = [(i["name"], collapse_if_tuple(i)) for i in inputs if i["indexed"]]
        self.data_names = [i["name"] for i in inputs if not i["indexed"]]
        self.data_types = [collapse_if_tuple(i) for i in inputs if not i["indexed"]]
        self.addresses = {i["name"] for i in inputs if i["type"] == "address"}
        self.arrays = {i["name"] for i in inputs if i["type"].endswith("]")}

    def decode(self, topics, data: bytes) -> dict[str, Any]:
        """The event's arguments in declaration order, as web3 gives them: addresses
        checksummed, arrays as lists."""
        args = {name: abi_decode([kind], bytes(topic))[0] for (name, kind), topic in zip(self.indexed, topics[1:])}
        args.update(zip(self.data_names, abi_decode(self.data_types, data)))
        for name in self.addresses:
            args[name] = to_checksum_address(args[name])
        for name in self.arrays:
            args[name] = list(args[name])
        return {name: args[name] for name in self.order}


ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)


def _mined_tx_hash(exc: Exception) -> bytes | None:
    """hardhat mines a reverting transaction, then fails eth_sendRawTransaction with
    the revert, naming the mined transaction in `error.data.txHash`."""
    response = exc.rpc_response if isinstance(exc, Web3RPCError) else None
    error = response.get("error") if isinstance(response, dict) else None
    data = error.get("data") if isinstance(error, dict) else None
    tx_hash = data.get("txHash") if isinstance(data, dict) else None
    try:
        return bytes.fromhex(tx_hash.removeprefix("0x")) if isinstance(tx_hash, str) else None
    except ValueError:
        return None


def _revert_data(exc: Exception) -> bytes | None:
    """The raw revert data a JSON-RPC node attached to an error, if any (hardhat puts it
    in `error.data.data`, geth and Besu in `error.data`)."""
    data = getattr(exc, "data", None)
    if data is None and isinstance(exc, Web3RPCError) and isinstance(exc.rpc_response, dict):
        error = exc.rpc_response.get("error")
        data = error.get("data") if isinstance(error, dict) else None
    if isinstance(data, dict):
        data = data.get("data")
    if not isinstance(data, str) or not data.startswith("0x"):
        return None
    try:
        return bytes.fromhex(data[2:])
    except ValueError:
        return None


def _reason(exc: Exception) -> str | None:
    """The revert string inside an exception, whichever provider raised it (web3's
    ContractLogicError from a node, eth-tester's TransactionFailed in process).
    Revert data wins over the message, which hardhat wraps in its own prose."""
    data = _revert_data(exc)
    if data == b"":
        return "reverted"
    if data is not None and data[:4] == ERROR_SELECTOR:
        try:
            return abi_decode(["string"], data[4:])[0] or "reverted"
        except Exception:
            pass
    message = exc.message if isinstance(exc, ContractLogicError) and exc.message else str(exc)
    prefix = "execution reverted"
    if not message.startswith(prefix):
        return None
    return message[len(prefix):].removeprefix(":").strip() or "reverted"
