"""A certificate that verifies offline, an offset certificate's or a trade voucher's: its transaction's receipt
with its Merkle-Patricia proof against its block header's receipts root, and the header, whose hash is the
block's leaf in the transparency log (chain/tlog.py). With an inclusion proof of that leaf in a checkpoint the
reader's policy accepts (chain/policy.py), the bundle proves, with no network and nothing of the operator's,
that the ledger the reader pinned logged this retirement, or this trade's settlement, in a block every reader
of the log sees.

The department's EIP-712 statement over the same facts (the EEB's of an offset, the centre's of a trade: a
`Kind` each) adds what the receipt cannot say: the coupons' numbers with their year, and the transaction.

`receipt_proof` reads the embedded chain's own database, `receipt_proof_rpc` a JSON-RPC node's block and
receipts (the header and the receipts re-encoded as the node's own hashes prove them: the header's hash
must be the block's, the receipts' trie root the header's); `verify_receipt` and `statement_signer` are the
offline half."""

from __future__ import annotations

from dataclasses import dataclass

import rlp
from eth_abi import decode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address
from trie import HexaryTrie

from .errors import ChainError
from .states import OffsetPurpose

RECEIPTS_ROOT = 5  # the header's fields: parent, ommers, beneficiary, state root, transactions root, receipts root
RETIRED_SIGNATURE = "CouponRetired(uint256,address,uint256,uint256,uint256,uint256,uint256,uint256,string,string)"
RETIRED_DATA = ["uint256", "uint256", "uint256", "uint256", "uint256", "uint256", "string", "string"]


class ProofFailed(ChainError):
    """A bundle that does not prove what it claims."""


def receipt_proof(backend_chain, block_number: int, tx_hash: bytes) -> dict:
    """The header (RLP), the transaction's index in its block, its receipt as the receipts trie holds it, and
    the trie's nodes from the root to it. `backend_chain` is py-evm's chain of the embedded node."""
    block = backend_chain.get_canonical_block_by_number(block_number)
    index = next((i for i, tx in enumerate(block.transactions) if tx.hash == tx_hash), None)
    if index is None:
        raise ChainError(f"transaction 0x{tx_hash.hex()} is not in block {block_number}")
    trie = HexaryTrie({})
    for i, receipt in enumerate(block.get_receipts(backend_chain.chaindb)):
        trie[rlp.encode(i)] = receipt.encode()
    key = rlp.encode(index)
    return {"header": "0x" + rlp.encode(block.header).hex(), "tx_index": index,
            "receipt": "0x" + trie[key].hex(), "receipt_proof": ["0x" + rlp.encode(node).hex() for node in trie.get_proof(key)]}


# A JSON-RPC block's header fields, in the order the header's RLP lists them (London's base fee, Shanghai's
# withdrawals root, Cancun's blob gas and beacon root, Prague's requests hash: each present only from its fork).
HEADER_FIELDS = ("parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom",
                 "difficulty", "number", "gasLimit", "gasUsed", "timestamp", "extraData", "mixHash", "nonce",
                 "baseFeePerGas", "withdrawalsRoot", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot",
                 "requestsHash")
HEADER_NUMBERS = {"difficulty", "number", "gasLimit", "gasUsed", "timestamp", "baseFeePerGas", "blobGasUsed",
                  "excessBlobGas"}


def _quantity(value: str) -> int:
    return int(value, 16)


def _header_rlp(block: dict) -> bytes:
    fields = [_quantity(block[name]) if name in HEADER_NUMBERS else _hex(block[name])
              for name in HEADER_FIELDS if block.get(name) is not None]
    return rlp.encode(fields)


def _receipt_bytes(receipt: dict) -> bytes:
    """A receipt as the receipts trie holds it (EIP-2718: a typed one is its type byte, then its RLP)."""
    logs = [[_hex(log["address"]), [_hex(topic) for topic in log["topics"]], _hex(log["data"])]
            for log in receipt["logs"]]
    body = rlp.encode([_quantity(receipt["status"]), _quantity(receipt["cumulativeGasUsed"]),
                       _hex(receipt["logsBloom"]), logs])
    kind = _quantity(receipt.get("type") or "0x0")
    return body if kind == 0 else bytes([kind]) + body


def receipt_proof_rpc(request, block_number: int, tx_hash: bytes) -> dict:
    """receipt_proof's answer from a JSON-RPC node: `request(method, params)` returns a call's raw result."""
    block = request("eth_getBlockByNumber", [hex(block_number), False])
    header = _header_rlp(block)
    if keccak(header) != _hex(block["hash"]):
        raise ChainError(f"block {block_number}'s header fields do not hash to its hash: a fork this code does "
                         "not know the header of")
    hashes = [_hex(h) for h in block["transactions"]]
    if tx_hash not in hashes:
        raise ChainError(f"transaction 0x{tx_hash.hex()} is not in block {block_number}")
    trie = HexaryTrie({})
    for i, hash_ in enumerate(hashes):
        trie[rlp.encode(i)] = _receipt_bytes(request("eth_getTransactionReceipt", ["0x" + hash_.hex()]))
    if trie.root_hash != _hex(block["receiptsRoot"]):
        raise ChainError(f"block {block_number}'s receipts do not make its receipts root")
    key = rlp.encode(hashes.index(tx_hash))
    return {"header": "0x" + header.hex(), "tx_index": hashes.index(tx_hash), "receipt": "0x" + trie[key].hex(),
            "receipt_proof": ["0x" + rlp.encode(node).hex() for node in trie.get_proof(key)]}


# What a bundle can prove, one kind each: the event the pinned ledger logs in the receipt, the department whose
# EIP-712 statement states it (with what the receipt cannot say), and that statement's type. An offset
# certificate's is the EEB's retirement (§14-15); a trade voucher's the centre's settlement (附件1 三(三)).
@dataclass(frozen=True)
class Kind:
    name: str
    role: str  # chain.Role's name of the department that signs the statement
    event: str  # the ledger's event the receipt must hold, as its signature
    data: tuple[str, ...]  # the event's non-indexed fields' ABI types
    primary: str  # the statement's EIP-712 type, and its fields
    fields: tuple[tuple[str, str], ...]
    unproven: tuple[str, ...]  # the statement's fields the receipt cannot prove: the department's word alone
    domain: str

    @property
    def topic(self) -> bytes:
        return keccak(text=self.event)


OFFSET = Kind("offset", "EEB", RETIRED_SIGNATURE, tuple(RETIRED_DATA), "Offset", (
    ("ledger", "address"), ("coupon", "string"), ("firstSerial", "uint256"), ("lastSerial", "uint256"),
    ("amountKg", "uint256"), ("purpose", "string"), ("beneficiary", "string"), ("caseReference", "string"),
    ("block", "uint256"), ("txHash", "bytes32")), ("coupon", "txHash"), "Tanquan offset certificate")
TRADE = Kind("trade", "CENTER", "TradeSettled(uint256,address,address,uint256,uint256,uint256,bytes32)",
             ("uint256", "uint256", "uint256", "bytes32"), "Trade", (
    ("ledger", "address"), ("listedCoupon", "string"), ("coupon", "string"), ("seller", "address"),
    ("buyer", "address"), ("amountKg", "uint256"), ("priceFenPerTonne", "uint256"), ("serviceFeeFen", "uint256"),
    ("agreementHash", "bytes32"), ("block", "uint256"), ("txHash", "bytes32")),
    ("listedCoupon", "coupon", "txHash"), "Tanquan trade voucher")
KINDS = {kind.name: kind for kind in (OFFSET, TRADE)}
SPLIT_TOPIC = keccak(text="CouponSplit(uint256,uint256,uint256)")  # a partial sale splits the listed coupon first


def _facts(kind: Kind, address: bytes, topics: list[bytes], data: bytes, logs: list) -> dict:
    """The facts of the kind's event, as the ledger logged them (`logs`: the receipt's, for a split before it)."""
    values = decode(list(kind.data), data)
    ledger, coupon = to_checksum_address(address), int.from_bytes(topics[1], "big")
    if kind is OFFSET:
        issuance, seq, first, last, amount, purpose, beneficiary, case = values
        return {"kind": kind.name, "ledger": ledger, "coupon_id": coupon, "owner": to_checksum_address(topics[2][12:]),
                "issuance": issuance, "seq": seq, "serials": [first, last], "amount_kg": amount, "purpose": purpose,
                "beneficiary": beneficiary, "case_reference": case}
    amount, price, fee, agreement = values
    listed = next((int.from_bytes(t[1], "big") for a, t, d in logs if a == address and t and t[0] == SPLIT_TOPIC
                   and decode(["uint256", "uint256"], d)[0] == coupon), coupon)
    return {"kind": kind.name, "ledger": ledger, "coupon_id": coupon, "listed_coupon_id": listed,
            "seller": to_checksum_address(topics[2][12:]), "buyer": to_checksum_address(topics[3][12:]),
            "amount_kg": amount, "price_fen_per_tonne": price, "service_fee_fen": fee, "agreement": "0x" + agreement.hex()}


def verify_receipt(bundle: dict, *, ledger: str) -> tuple[bytes, dict]:
    """Offline: the block hash the header makes, and what the pinned `ledger` logged in the receipt (a retirement
    or a trade's settlement: the facts' `kind`), once the receipt is proved against the header's receipts root and
    succeeded. Raises ProofFailed."""
    header_rlp = _hex(bundle["header"])
    block_hash = keccak(header_rlp)
    receipts_root = rlp.decode(header_rlp)[RECEIPTS_ROOT]
    key = rlp.encode(bundle["tx_index"])
    try:
        proved = HexaryTrie.get_from_proof(receipts_root, key, [rlp.decode(_hex(node)) for node in bundle["receipt_proof"]])
    except Exception as exc:  # noqa: BLE001 - any failure of the proof is the finding
        raise ProofFailed(f"the receipt proof does not verify against the header's receipts root: {exc}") from exc
    if proved != _hex(bundle["receipt"]):
        raise ProofFailed("the receipt is not the one the header's receipts root holds at that index")
    status, _, _, logs = rlp.decode(proved[1:] if proved[0] < 0x80 else proved)  # EIP-2718: a type byte first
    if status != b"\x01":
        raise ProofFailed("the transaction failed: it logged nothing")
    pinned = bytes.fromhex(ledger.removeprefix("0x").lower())
    for address, topics, data in logs:
        kind = next((k for k in KINDS.values() if topics and topics[0] == k.topic), None)
        if address == pinned and kind is not None:
            return block_hash, _facts(kind, address, topics, data, logs)
    raise ProofFailed(f"the receipt holds no retirement nor trade logged by the ledger {to_checksum_address(pinned)}")


def statement(facts: dict, *, block: int, tx_hash: str, numbers: dict[str, str]) -> dict:
    """The EIP-712 message of a kind's statement: the facts the receipt proves, in the block, and what only the
    department says (`numbers`: the coupons' numbers by field, e.g. {"coupon": "HSTQ-2026-…"}; the transaction)."""
    said = {"ledger": facts["ledger"], "block": block, "txHash": tx_hash.lower(), **numbers}
    if facts["kind"] == OFFSET.name:
        return {**said, "firstSerial": facts["serials"][0], "lastSerial": facts["serials"][1],
                "amountKg": facts["amount_kg"], "purpose": OffsetPurpose(facts["purpose"]).name,
                "beneficiary": facts["beneficiary"], "caseReference": facts["case_reference"]}
    return {**said, "seller": facts["seller"], "buyer": facts["buyer"], "amountKg": facts["amount_kg"],
            "priceFenPerTonne": facts["price_fen_per_tonne"], "serviceFeeFen": facts["service_fee_fen"],
            "agreementHash": facts["agreement"]}


def matches(facts: dict, block: int, stated: dict) -> bool:
    """Offline: the statement says what the receipt proves, in that block (its own words aside)."""
    own = {name: stated.get(name) for name in KINDS[facts["kind"]].unproven}
    expected = statement(facts, block=block, tx_hash=own.pop("txHash") or "", numbers=own)
    return set(stated) == set(expected) and _lowered(stated) == _lowered(expected)


def _lowered(message: dict) -> dict:
    return {name: value.lower() if isinstance(value, str) and value.startswith("0x") else value
            for name, value in message.items()}


def _domain(kind: Kind, chain_id: int, ledger: str) -> dict:
    return {"name": kind.domain, "version": "1", "chainId": chain_id, "verifyingContract": ledger}


def _types(kind: Kind) -> dict:
    return {kind.primary: [{"name": name, "type": type_} for name, type_ in kind.fields]}


def sign_statement(kind: Kind, signer: LocalAccount, chain_id: int, message: dict) -> str:
    signed = signer.sign_typed_data(_domain(kind, chain_id, message["ledger"]), _types(kind), message)
    return "0x" + bytes(signed.signature).hex()


def statement_signer(kind: Kind, chain_id: int, message: dict, signature: str) -> str:
    """Offline: the address whose key signed the statement."""
    try:
        return Account.recover_message(encode_typed_data(_domain(kind, chain_id, message["ledger"]), _types(kind), message),
                                       signature=_hex(signature))
    except Exception as exc:  # noqa: BLE001 - a statement that does not recover proves nothing
        raise ProofFailed(f"the {kind.role}'s statement does not carry a valid signature: {exc}") from exc


def _hex(text: str) -> bytes:
    return bytes.fromhex(text.removeprefix("0x"))
