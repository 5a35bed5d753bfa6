"""The deployed Tanquan registry: the application registry and the coupon ledger.

One typed method per contract step (keyword arguments, a typed result) and typed
records for its reads. Underneath, `send` and `call` reach any function by name:
the raw layer the typed methods use, and that contract tests call directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount

from . import compile as compiler
from .client import DEFAULT_GAS, Chain, Receipt
from .errors import ChainError
from .states import Action, ApplicationStatus, CouponState, OffsetPurpose, ReissueStage, Role


def coupon_number(year: int, issuance: int, seq: int) -> str:
    """DESIGN §3: HSTQ-<year>-<issuance, 4 digits>-<coupon, 4 digits>."""
    return f"HSTQ-{year}-{issuance:04d}-{seq:04d}"


# -- records: a contract's structs, by field name


@dataclass(frozen=True)
class Coupon:
    id: int
    owner: str
    state: CouponState
    issuance: int
    seq: int
    first_serial: int
    last_serial: int
    amount_kg: int
    parent: int

    @classmethod
    def read(cls, chain: Chain, ledger, coupon_id: int) -> Coupon:
        c = chain.call(ledger, "coupon", coupon_id)
        return cls(coupon_id, c[0], CouponState(c[1]), *c[2:])


@dataclass(frozen=True)
class Application:
    id: int
    applicant: str
    applicant_department: bytes
    status: ApplicationStatus
    claimed_kg: int
    attested_kg: int
    period_start: int
    period_end: int
    documents_hash: bytes
    report_hash: bytes
    nrb_signed: bool
    forestry_signed: bool
    survey_paused: bool
    updated_at: int

    @classmethod
    def read(cls, chain: Chain, applications, application_id: int) -> Application:
        a = chain.call(applications, "application", application_id)
        return cls(application_id, a[0], a[1], ApplicationStatus(a[2]), *a[3:])


@dataclass(frozen=True)
class Issuance:
    id: int
    application: int
    year: int
    amount_kg: int
    coupon_count: int

    @classmethod
    def read(cls, chain: Chain, ledger, issuance_id: int) -> Issuance:
        return cls(issuance_id, *chain.call(ledger, "issuance", issuance_id))


@dataclass(frozen=True)
class Request:
    action: Action
    counterparty: str
    amount_kg: int


@dataclass(frozen=True)
class Reissue:
    """A lost coupon's reissue procedure (附件1 二)."""

    stage: ReissueStage
    supplement_required: bool  # the centre named missing items (一次性告知); the owner has not resubmitted
    survey_paused: bool  # the review's clock is stopped for a field survey


@dataclass(frozen=True)
class VoidingSignatures:
    """NRB's and FORESTRY's signatures on voiding a coupon found invalid, both on one reason and record."""

    digest: bytes  # keccak256 of the signed reason and inspection record; empty before the first signature
    nrb_signed: bool
    forestry_signed: bool


@dataclass(frozen=True)
class Invalidation:
    """Why NRB and FORESTRY voided a coupon as invalid (§5 注销)."""

    reason: str
    inspection_hash: bytes  # sha256 of the inspection record (抽查记录)


def read_number(chain: Chain, ledger, coupon_id: int) -> str:
    """A coupon's number, from the ledger alone."""
    coupon = Coupon.read(chain, ledger, coupon_id)
    return coupon_number(Issuance.read(chain, ledger, coupon.issuance).year, coupon.issuance, coupon.seq)


# -- results: what a step produced, beside its receipt


@dataclass(frozen=True)
class Written:
    receipt: Receipt

    @property
    def tx_hash(self) -> str:
        return self.receipt.tx_hash

    @property
    def block_number(self) -> int:
        return self.receipt.block_number


@dataclass(frozen=True)
class Submitted(Written):
    application: int  # the new application's id


@dataclass(frozen=True)
class CouponWritten(Written):
    # Where the step left the amount it moved: the minted coupon, the part bought,
    # transferred, pledged or retired (the whole coupon when not split), or a reissue's replacement.
    coupon: int


class Registry:
    """Both contracts behind one API: each step as a typed method sent with a key, typed records read."""

    def __init__(self, chain: Chain, applications, ledger):
        self.chain = chain
        self.applications = applications
        self.ledger = ledger
        functions = {
            contract: {item["name"] for item in contract.abi if item["type"] == "function"}
            for contract in (applications, ledger)
        }
        shared = functions[applications] & functions[ledger]  # roles, mirrored in both: never sent to one alone
        self._home = {name: contract for contract, names in functions.items() for name in names - shared}

    @classmethod
    def deploy(cls, chain: Chain, drc: LocalAccount, *, loss_notice_seconds: int) -> Registry:
        """Deploy both contracts with `drc` as role administrator and wire them together."""
        return cls.deploy_measured(chain, drc, loss_notice_seconds=loss_notice_seconds)[0]

    @classmethod
    def deploy_measured(cls, chain: Chain, drc: LocalAccount, *, loss_notice_seconds: int) -> tuple[Registry, int]:
        """`deploy`, also returning the gas all three deployment transactions used."""
        applications, first = chain.deploy(compiler.load("ApplicationRegistry"), sender=drc)
        ledger, second = chain.deploy(
            compiler.load("CouponLedger"), applications.address, loss_notice_seconds, sender=drc
        )
        wiring = chain.send(drc, applications, "set_ledger", ledger.address)
        return cls(chain, applications, ledger), first.gas_used + second.gas_used + wiring.gas_used

    @classmethod
    def attach(cls, chain: Chain, applications_address: str, ledger_address: str) -> Registry:
        """The contracts deployed at these addresses, which must run this release's code: the index
        reads the events of this code alone (an earlier ApplicationRegistry logs no ApplicationMoved),
        so another release's contracts are refused, not followed wrongly (README, Upgrading)."""
        contracts = []
        for name, address in (("ApplicationRegistry", applications_address), ("CouponLedger", ledger_address)):
            artifact = compiler.load(name)
            code = bytes(chain.w3.eth.get_code(address))  # the runtime code, then its immutables
            if not code.startswith(bytes.fromhex(artifact.bytecode_runtime.removeprefix("0x"))):
                raise ChainError(f"{address} does not run this release's {name}: this registry was deployed by "
                                 "another release, whose contracts this one cannot follow (README, Upgrading)")
            contracts.append(chain.contract(artifact, address))
        return cls(chain, *contracts)

    # -- the raw layer: any function by name

    def send(self, sender: LocalAccount, function: str, *args: Any, gas: int = DEFAULT_GAS) -> Receipt:
        """Send `function(*args)` as `sender` to whichever contract defines it."""
        return self.chain.send(sender, self._home[function], function, *args, gas=gas)

    def call(self, function: str, *args: Any) -> Any:
        return self.chain.call(self._home[function], function, *args)

    # -- roles: mirrored in both contracts

    def grant(self, drc: LocalAccount, role: Role, account: str) -> list[Receipt]:
        return self.grant_all(drc, {role: account})

    def grant_all(self, drc: LocalAccount, accounts: dict[Role, str]) -> list[Receipt]:
        """Grant several roles in both contracts, all in flight at once."""
        pending = [
            self.chain.submit(drc, c, "grant_role", role.id, account)
            for role, account in accounts.items()
            for c in (self.applications, self.ledger)
        ]
        return [p.receipt() for p in pending]

    def revoke(self, drc: LocalAccount, role: Role, account: str) -> list[Receipt]:
        return [self.chain.send(drc, c, "revoke_role", role.id, account) for c in (self.applications, self.ledger)]

    def has_role(self, role: Role, account: str) -> bool:
        return self.chain.call(self.ledger, "hasRole", role.id, account)

    # -- application steps (附件1 一)

    def submit(
        self, signer: LocalAccount, *, parcels: list[bytes], period_start: int, period_end: int, claimed_kg: int,
        documents_hash: bytes, report_hash: bytes, boundaries_hash: bytes,
    ) -> Submitted:
        receipt = self.send(
            signer, "submit", parcels, period_start, period_end, claimed_kg, documents_hash, report_hash, boundaries_hash
        )
        return Submitted(receipt, receipt.event("ApplicationSubmitted").args["application"])

    def resubmit(self, signer: LocalAccount, *, application: int, documents_hash: bytes, report_hash: bytes) -> Receipt:
        return self.send(signer, "resubmit", application, documents_hash, report_hash)

    def pass_formal_review(self, signer: LocalAccount, *, application: int) -> Receipt:
        return self.send(signer, "pass_formal_review", application)

    def require_supplement(self, signer: LocalAccount, *, application: int, missing_items: list[str]) -> Receipt:
        return self.send(signer, "require_supplement", application, missing_items)

    def pause_field_survey(self, signer: LocalAccount, *, application: int) -> Receipt:
        return self.send(signer, "pause_field_survey", application)

    def resume_field_survey(self, signer: LocalAccount, *, application: int) -> Receipt:
        return self.send(signer, "resume_field_survey", application)

    def pass_preliminary_review(self, signer: LocalAccount, *, application: int) -> Receipt:
        return self.send(signer, "pass_preliminary_review", application)

    def attest_report(self, signer: LocalAccount, *, application: int, report_hash: bytes, attested_kg: int) -> Receipt:
        return self.send(signer, "attest_report", application, report_hash, attested_kg)

    def sign_validation(self, signer: LocalAccount, *, application: int) -> Receipt:
        return self.send(signer, "sign_validation", application)

    def issue_validation_opinion(self, signer: LocalAccount, *, application: int, opinion_hash: bytes) -> Receipt:
        return self.send(signer, "issue_validation_opinion", application, opinion_hash)

    def pass_eeb_review(self, signer: LocalAccount, *, application: int) -> Receipt:
        return self.send(signer, "pass_eeb_review", application)

    def return_to_center(self, signer: LocalAccount, *, application: int, reason: str) -> Receipt:
        return self.send(signer, "return_to_center", application, reason)

    def file(self, signer: LocalAccount, *, application: int, filing_number: str) -> Receipt:
        return self.send(signer, "file", application, filing_number)

    def reject(self, signer: LocalAccount, *, application: int, reason: str) -> Receipt:
        return self.send(signer, "reject", application, reason)

    def mint(self, signer: LocalAccount, *, application: int) -> CouponWritten:
        receipt = self.send(signer, "mint", application)
        return CouponWritten(receipt, receipt.event("CouponCreated").args["coupon"])

    # -- parcels (§2, §9)

    def set_ccer_listed(self, signer: LocalAccount, *, parcel: bytes, listed: bool) -> Receipt:
        return self.send(signer, "set_ccer_listed", parcel, listed)

    def record_harvest_plan(
        self, signer: LocalAccount, *, parcel: bytes, start: int, end: int, tending: bool
    ) -> Receipt:
        return self.send(signer, "record_harvest_plan", parcel, start, end, tending)

    # -- coupon steps: the owner's consent, then the department's step

    def request(
        self, signer: LocalAccount, *, coupon: int, action: Action, counterparty: str, amount_kg: int
    ) -> Receipt:
        return self.send(signer, "request", coupon, int(action), counterparty, amount_kg)

    def cancel_request(self, signer: LocalAccount, *, coupon: int) -> Receipt:
        return self.send(signer, "cancel_request", coupon)

    def list_coupon(
        self, signer: LocalAccount, *, coupon: int, price_fen_per_tonne: int, notice_end: int, disclosure_hash: bytes
    ) -> Receipt:
        return self.send(signer, "list_coupon", coupon, price_fen_per_tonne, notice_end, disclosure_hash)

    def withdraw_listing(self, signer: LocalAccount, *, coupon: int) -> Receipt:
        return self.send(signer, "withdraw_listing", coupon)

    def settle_trade(
        self, signer: LocalAccount, *, coupon: int, buyer: str, amount_kg: int, price_fen_per_tonne: int,
        service_fee_fen: int, agreement_hash: bytes,
    ) -> CouponWritten:
        receipt = self.send(
            signer, "settle_trade", coupon, buyer, amount_kg, price_fen_per_tonne, service_fee_fen, agreement_hash
        )
        return CouponWritten(receipt, receipt.event("TradeSettled").args["coupon"])

    def register_transfer(self, signer: LocalAccount, *, coupon: int) -> CouponWritten:
        receipt = self.send(signer, "register_transfer", coupon)
        return CouponWritten(receipt, receipt.event("CouponTransferred").args["coupon"])

    def set_redemption(self, signer: LocalAccount, *, acquirer: str, price_fen_per_tonne: int) -> Receipt:
        return self.send(signer, "set_redemption", acquirer, price_fen_per_tonne)

    def redeem(self, signer: LocalAccount, *, coupon: int, agreement_hash: bytes) -> CouponWritten:
        receipt = self.send(signer, "redeem", coupon, agreement_hash)
        return CouponWritten(receipt, receipt.event("CouponRedeemed").args["coupon"])

    def register_pledge(self, signer: LocalAccount, *, coupon: int, secured_fen: int, term_end: int) -> CouponWritten:
        receipt = self.send(signer, "register_pledge", coupon, secured_fen, term_end)
        return CouponWritten(receipt, receipt.event("CouponPledged").args["coupon"])

    def release_pledge(self, signer: LocalAccount, *, coupon: int) -> Receipt:
        return self.send(signer, "release_pledge", coupon)

    def enforce_pledge(self, signer: LocalAccount, *, coupon: int) -> Receipt:
        return self.send(signer, "enforce_pledge", coupon)

    def freeze(self, signer: LocalAccount, *, coupon: int, reason: str) -> Receipt:
        return self.send(signer, "freeze", coupon, reason)

    def unfreeze(self, signer: LocalAccount, *, coupon: int) -> Receipt:
        return self.send(signer, "unfreeze", coupon)

    def sign_voiding(self, signer: LocalAccount, *, coupon: int, reason: str, inspection_hash: bytes) -> Receipt:
        return self.send(signer, "sign_voiding", coupon, reason, inspection_hash)

    def report_loss(self, signer: LocalAccount, *, coupon: int) -> Receipt:
        return self.send(signer, "report_loss", coupon)

    def withdraw_loss(self, signer: LocalAccount, *, coupon: int) -> Receipt:
        return self.send(signer, "withdraw_loss", coupon)

    def pass_reissue_formal_review(self, signer: LocalAccount, *, coupon: int) -> Receipt:
        return self.send(signer, "pass_reissue_formal_review", coupon)

    def require_reissue_supplement(self, signer: LocalAccount, *, coupon: int, missing_items: list[str]) -> Receipt:
        return self.send(signer, "require_reissue_supplement", coupon, missing_items)

    def resubmit_reissue(self, signer: LocalAccount, *, coupon: int) -> Receipt:
        return self.send(signer, "resubmit_reissue", coupon)

    def pause_reissue_survey(self, signer: LocalAccount, *, coupon: int) -> Receipt:
        return self.send(signer, "pause_reissue_survey", coupon)

    def resume_reissue_survey(self, signer: LocalAccount, *, coupon: int) -> Receipt:
        return self.send(signer, "resume_reissue_survey", coupon)

    def pass_reissue_review(self, signer: LocalAccount, *, coupon: int) -> Receipt:
        return self.send(signer, "pass_reissue_review", coupon)

    def register_reissue(self, signer: LocalAccount, *, coupon: int) -> Receipt:
        return self.send(signer, "register_reissue", coupon)

    def refuse_reissue(self, signer: LocalAccount, *, coupon: int, reason: str) -> Receipt:
        return self.send(signer, "refuse_reissue", coupon, reason)

    def file_reissue(self, signer: LocalAccount, *, coupon: int, filing_number: str) -> Receipt:
        return self.send(signer, "file_reissue", coupon, filing_number)

    def reissue(self, signer: LocalAccount, *, coupon: int) -> CouponWritten:
        receipt = self.send(signer, "reissue", coupon)
        return CouponWritten(receipt, receipt.event("CouponVoided").args["replaced_by"])

    def retire(
        self, signer: LocalAccount, *, coupon: int, purpose: OffsetPurpose, beneficiary: str, case_reference: str
    ) -> CouponWritten:
        receipt = self.send(signer, "retire", coupon, int(purpose), beneficiary, case_reference)
        return CouponWritten(receipt, receipt.event("CouponRetired").args["coupon"])

    # -- typed reads

    def coupon(self, coupon_id: int) -> Coupon:
        return Coupon.read(self.chain, self.ledger, coupon_id)

    def number_of(self, coupon_id: int) -> str:
        return read_number(self.chain, self.ledger, coupon_id)

    def coupon_count(self) -> int:
        return self.call("coupon_count")

    def issuance(self, issuance_id: int) -> Issuance:
        return Issuance.read(self.chain, self.ledger, issuance_id)

    def request_of(self, coupon_id: int) -> Request:
        r = self.call("request_of", coupon_id)
        return Request(Action(r[0]), r[1], r[2])

    def reissue_of(self, coupon_id: int) -> Reissue:
        r = self.call("reissue_of", coupon_id)
        return Reissue(ReissueStage(r[0]), r[1], r[2])

    def frozen_from(self, coupon_id: int) -> CouponState | None:
        """The state a FROZEN coupon returns to when unfrozen; None when not frozen."""
        state = self.call("frozen_from", coupon_id)
        return CouponState(state) if state else None

    def voiding_signatures(self, coupon_id: int) -> VoidingSignatures:
        return VoidingSignatures(*self.call("voiding_signatures", coupon_id))

    def invalidation(self, coupon_id: int) -> Invalidation | None:
        """Why the coupon was voided as invalid; None unless it was."""
        reason = self.call("invalid_reason", coupon_id)
        return Invalidation(reason, self.call("inspection_record", coupon_id)) if reason else None

    def application(self, application_id: int) -> Application:
        return Application.read(self.chain, self.applications, application_id)

    def validation_opinion(self, application_id: int) -> bytes | None:
        """The centre's current validation opinion document (sha256); None before it is issued or once returned."""
        opinion = self.call("validation_opinions", application_id)
        return opinion if opinion != bytes(32) else None
