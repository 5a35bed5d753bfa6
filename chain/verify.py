"""Verify an offset certificate from the chain alone (DESIGN §6, §7).

Given a transaction hash, read its receipt and logs straight from a node and
re-derive the certificate: that the transaction succeeded, that the log comes
from a genuine CouponLedger (its runtime code is the code compiled from this
repository) or from the ledger the caller names, that the signer held the EEB
role at that block, and what was retired for whom. A PDF proves nothing;
this does.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from eth_utils import to_checksum_address
from web3.exceptions import TransactionNotFound

from . import compile as compiler
from .client import Chain
from .registry import Coupon, Issuance, coupon_number, read_number
from .states import CouponState, OffsetPurpose, Role

STATEMENT_16 = (
    "依照《赫山区自然生态系统碳券管理办法（试行）》制发的自然生态系统碳券，不代表具备国家生态环境部门"
    "《温室气体自愿减排交易管理办法（试行）》核证的碳减排量的同等权益。（第十六条）"
)


class Verdict(str, enum.Enum):
    VALID = "valid"
    INVALID = "invalid"
    VOIDED = "voided"
    UNKNOWN = "unknown"


# Why a verdict was reached, in both of the registry's languages: (中文, English).
REASONS = {
    "NOT_A_HASH": ("这不是交易哈希（应为 0x 加 64 位十六进制数字）", "not a transaction hash (0x + 64 hex digits)"),
    "UNKNOWN_TX": ("本链上没有这笔交易", "no such transaction on this chain"),
    "REVERTED": ("该交易执行失败（已回滚），没有注销任何碳券", "the transaction failed (reverted); nothing was retired"),
    "NOT_COUPON_TX": ("这不是碳券登记簿合约的交易", "not a coupon transaction of a Tanquan ledger"),
    "OTHER_LEDGER": ("事件由 {emitter} 发出，而非本登记簿的合约 {ledger}", "emitted by {emitter}, not by the registry's ledger {ledger}"),
    "OTHER_CODE": ("{emitter} 运行的不是碳券登记簿合约代码", "{emitter} does not run the Tanquan CouponLedger code"),
    "VOIDED": ("这不是抵销；其碳券 {coupon} 后来已作废，补发为 {replacement}",
               "not an offset; its coupon {coupon} was later voided and replaced by {replacement}"),
    "INVALIDATED": ("这不是抵销；其碳券 {coupon} 经区自然资源部门会同区林业部门抽查认定无效，已注销作废：{reason}",
                    "not an offset; its coupon {coupon} was voided as invalid by NRB and FORESTRY: {reason}"),
    "NOT_OFFSET": ("这是碳券交易，但不是抵销凭证", "a coupon transaction, but not an offset certificate"),
    "SIGNER_NOT_EEB": ("注销的签署者当时不具有区生态环境部门的角色", "the retiring signer did not hold the EEB role"),
    "NOT_RETIRED": ("该碳券当前状态为 {state}，而不是已注销", "the coupon is {state}, not RETIRED"),
    "RETIRED": ("已由区生态环境部门在链上注销；该碳券不再流通（第十四条）",
                "retired on-chain by the EEB; the coupon never circulates again (§14)"),
}

# Verdicts that no later block can change once their transaction's block is final: what the
# receipt and logs say, the signer's role at that block, and the terminal states RETIRED and
# VOIDED (CouponLedger lets nothing leave them). Not among them: an unknown transaction (it may
# be mined later) and NOT_OFFSET (its coupon, still live, may yet be voided: the answer becomes
# VOIDED or INVALIDATED), nor NOT_RETIRED (a state read now, not at the block).
SETTLED = frozenset({"REVERTED", "NOT_COUPON_TX", "OTHER_LEDGER", "OTHER_CODE", "VOIDED", "INVALIDATED",
                     "SIGNER_NOT_EEB", "RETIRED"})


@dataclass
class Verification:
    verdict: Verdict
    code: str  # a key of REASONS
    tx_hash: str
    certificate: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    block: int | None = None  # the transaction's block, when it was found in one

    @property
    def settled(self) -> bool:
        """Whether the verdict stands for good once `block` is final (SETTLED)."""
        return self.block is not None and self.code in SETTLED

    def explain(self, language: str = "en") -> str:
        zh, en = REASONS[self.code]
        return (zh if language == "zh" else en).format(**self.params)

    @property
    def reason(self) -> str:
        return self.explain("en")


def verify_offset(chain: Chain, tx_hash: str, *, ledger_address: str | None = None) -> Verification:
    w3 = chain.w3
    tx_hash = tx_hash.lower()
    if not tx_hash.startswith("0x") or len(tx_hash) != 66:
        return Verification(Verdict.UNKNOWN, "NOT_A_HASH", tx_hash)
    try:
        receipt = w3.eth.get_transaction_receipt(tx_hash)
    except (TransactionNotFound, ValueError):
        return Verification(Verdict.UNKNOWN, "UNKNOWN_TX", tx_hash)
    block = receipt["blockNumber"]
    if receipt["status"] != 1:
        return Verification(Verdict.INVALID, "REVERTED", tx_hash, block=block)

    artifact = compiler.load("CouponLedger")
    chain.register_events(artifact)
    events = [e for e in chain.decode_logs(receipt["logs"]) if "coupon" in e.args]
    retired = [e for e in events if e.name == "CouponRetired"]
    if not events:
        return Verification(Verdict.INVALID, "NOT_COUPON_TX", tx_hash, block=block)
    emitter = to_checksum_address(events[0].address)
    if ledger_address is not None and emitter != to_checksum_address(ledger_address):
        return Verification(Verdict.INVALID, "OTHER_LEDGER", tx_hash, block=block, params={"emitter": emitter, "ledger": ledger_address})
    code = bytes(w3.eth.get_code(emitter))
    if not code.startswith(bytes.fromhex(artifact.bytecode_runtime.removeprefix("0x"))):
        return Verification(Verdict.INVALID, "OTHER_CODE", tx_hash, block=block, params={"emitter": emitter})

    ledger = chain.contract(artifact, emitter)
    if not retired:
        coupon_id = events[-1].args["coupon"]
        replaced_by = chain.call(ledger, "replaced_by", coupon_id)
        if replaced_by:
            return Verification(Verdict.VOIDED, "VOIDED", tx_hash, block=block, params={
                "coupon": read_number(chain, ledger, coupon_id), "replacement": read_number(chain, ledger, replaced_by)})
        if invalid_reason := chain.call(ledger, "invalid_reason", coupon_id):
            inspection = "0x" + bytes(chain.call(ledger, "inspection_record", coupon_id)).hex()
            return Verification(Verdict.VOIDED, "INVALIDATED", tx_hash, block=block, params={
                "coupon": read_number(chain, ledger, coupon_id), "reason": invalid_reason, "inspection_hash": inspection})
        return Verification(Verdict.INVALID, "NOT_OFFSET", tx_hash, block=block)

    args = retired[0].args
    signer = w3.eth.get_transaction(tx_hash)["from"]
    signer_role = chain.call(ledger, "department_of", signer, block=block)
    if signer_role != Role.EEB.id:
        return Verification(Verdict.INVALID, "SIGNER_NOT_EEB", tx_hash, block=block)
    state = Coupon.read(chain, ledger, args["coupon"]).state
    if state != CouponState.RETIRED:
        return Verification(Verdict.INVALID, "NOT_RETIRED", tx_hash, block=block, params={"state": state.name})
    timestamp = w3.eth.get_block(block)["timestamp"]
    year = Issuance.read(chain, ledger, args["issuance"]).year
    certificate = {
        "certificate_id": tx_hash,
        "block": block,
        "timestamp": timestamp,
        "ledger": emitter,
        "coupon": coupon_number(year, args["issuance"], args["seq"]),
        "serials": [args["first_serial"], args["last_serial"]],
        "amount_kg": args["amount_kg"],
        "beneficiary": args["beneficiary"],
        "purpose": OffsetPurpose(args["purpose"]).name,
        "case_reference": args["case_reference"],
        "owner": args["owner"],
        "signer": signer,
        "signer_department": Role.EEB.value,
        "statement": STATEMENT_16,
    }
    return Verification(Verdict.VALID, "RETIRED", tx_hash, block=block, certificate=certificate)
