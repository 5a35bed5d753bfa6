"""An offset certificate that verifies offline: the offset's receipt with its Merkle-Patricia proof against
its block header's receipts root, and the header, whose hash is the block's leaf in the transparency log
(chain/tlog.py). With an inclusion proof of that leaf in a checkpoint the reader's policy accepts
(chain/policy.py), the bundle proves, with no network and nothing of the operator's, that the ledger the
reader pinned logged this retirement in a block every reader of the log sees.

The EEB's EIP-712 statement over the offset's facts (`eeb_statement`) adds what the receipt cannot say:
the coupon's number with its year, the block and the transaction, in the department's own signature.

`receipt_proof` reads the embedded chain's own database, `receipt_proof_rpc` a JSON-RPC node's block and
receipts (the header and the receipts re-encoded as the node's own hashes prove them: the header's hash
must be the block's, the receipts' trie root the header's); `verify_receipt` and `statement_signer` are the
offline half."""

from __future__ import annotations

import rlp
from eth_abi import decode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address
from trie import HexaryTrie

from .errors import ChainError

RECEIPTS_ROOT = 5  # the header's fields: parent, ommers, beneficiary, state root, transactions root, receipts root
RETIRED_SIGNATURE = "CouponRetired(uint256,address,uint256,uint256,uint256,uint256,uint256,uint256,string,string)"
RETIRED_TOPIC = keccak(text=RETIRED_SIGNATURE)
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


def verify_receipt(bundle: dict, *, ledger: str) -> tuple[bytes, dict]:
    """Offline: the block hash the header makes, and the retirement the pinned `ledger` logged in the receipt,
    once the receipt is proved against the header's receipts root and succeeded. Raises ProofFailed."""
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
        raise ProofFailed("the transaction failed: it retired nothing")
    pinned = bytes.fromhex(ledger.removeprefix("0x").lower())
    for address, topics, data in logs:
        if address == pinned and topics and topics[0] == RETIRED_TOPIC:
            issuance, seq, first, last, amount, purpose, beneficiary, case = decode(RETIRED_DATA, data)
            return block_hash, {
                "ledger": to_checksum_address(address), "coupon_id": int.from_bytes(topics[1], "big"),
                "owner": to_checksum_address(topics[2][12:]), "issuance": issuance, "seq": seq,
                "serials": [first, last], "amount_kg": amount, "purpose": purpose, "beneficiary": beneficiary,
                "case_reference": case}
    raise ProofFailed(f"the receipt holds no retirement logged by the ledger {to_checksum_address(pinned)}")


# The EEB's statement of an offset (EIP-712): what it retired, for whom and why, where the chain holds it.
STATEMENT_TYPES = {"Offset": [
    {"name": "ledger", "type": "address"}, {"name": "coupon", "type": "string"},
    {"name": "firstSerial", "type": "uint256"}, {"name": "lastSerial", "type": "uint256"},
    {"name": "amountKg", "type": "uint256"}, {"name": "purpose", "type": "string"},
    {"name": "beneficiary", "type": "string"}, {"name": "caseReference", "type": "string"},
    {"name": "block", "type": "uint256"}, {"name": "txHash", "type": "bytes32"},
]}


def _domain(chain_id: int, ledger: str) -> dict:
    return {"name": "Tanquan offset certificate", "version": "1", "chainId": chain_id, "verifyingContract": ledger}


def statement(certificate: dict) -> dict:
    """The EIP-712 message of a verified offset certificate (chain/verify.py's certificate)."""
    return {"ledger": certificate["ledger"], "coupon": certificate["coupon"],
            "firstSerial": certificate["serials"][0], "lastSerial": certificate["serials"][1],
            "amountKg": certificate["amount_kg"], "purpose": certificate["purpose"],
            "beneficiary": certificate["beneficiary"], "caseReference": certificate["case_reference"],
            "block": certificate["block"], "txHash": certificate["certificate_id"]}


def sign_statement(eeb: LocalAccount, chain_id: int, message: dict) -> str:
    signed = eeb.sign_typed_data(_domain(chain_id, message["ledger"]), STATEMENT_TYPES, message)
    return "0x" + bytes(signed.signature).hex()


def statement_signer(chain_id: int, message: dict, signature: str) -> str:
    """Offline: the address whose key signed the statement."""
    try:
        return Account.recover_message(encode_typed_data(_domain(chain_id, message["ledger"]), STATEMENT_TYPES, message),
                                       signature=_hex(signature))
    except Exception as exc:  # noqa: BLE001 - a statement that does not recover proves nothing
        raise ProofFailed(f"the EEB's statement does not carry a valid signature: {exc}") from exc


def _hex(text: str) -> bytes:
    return bytes.fromhex(text.removeprefix("0x"))
