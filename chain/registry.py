"""The deployed Tanquan registry: the application registry and the coupon ledger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount

from . import compile as compiler
from .client import DEFAULT_GAS, Chain, Receipt
from .states import Action, ApplicationStatus, CouponState, Role

SHARED_FUNCTIONS = {"grant_role", "revoke_role", "hasRole", "department_of"}


def coupon_number(year: int, issuance: int, seq: int) -> str:
    """DESIGN §3: HSTQ-<year>-<issuance, 4 digits>-<coupon, 4 digits>."""
    return f"HSTQ-{year}-{issuance:04d}-{seq:04d}"


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


@dataclass(frozen=True)
class Issuance:
    id: int
    application: int
    year: int
    amount_kg: int
    coupon_count: int


@dataclass(frozen=True)
class Request:
    action: Action
    counterparty: str
    amount_kg: int


class Registry:
    """Both contracts behind one API: send a step as a key, read typed records."""

    def __init__(self, chain: Chain, applications, ledger):
        self.chain = chain
        self.applications = applications
        self.ledger = ledger
        self._home = {
            item["name"]: contract
            for contract in (applications, ledger)
            for item in contract.abi
            if item["type"] == "function" and item["name"] not in SHARED_FUNCTIONS
        }

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
        return cls(
            chain,
            chain.contract(compiler.load("ApplicationRegistry"), applications_address),
            chain.contract(compiler.load("CouponLedger"), ledger_address),
        )

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

    # -- steps

    def send(self, sender: LocalAccount, function: str, *args: Any, gas: int = DEFAULT_GAS) -> Receipt:
        """Send one lifecycle step as `sender` to whichever contract defines it."""
        return self.chain.send(sender, self._home[function], function, *args, gas=gas)

    def call(self, function: str, *args: Any) -> Any:
        return self.chain.call(self._home[function], function, *args)

    # -- typed reads

    def coupon(self, coupon_id: int) -> Coupon:
        c = self.call("coupon", coupon_id)
        return Coupon(coupon_id, c[0], CouponState(c[1]), *c[2:])

    def number_of(self, coupon_id: int) -> str:
        coupon = self.coupon(coupon_id)
        return coupon_number(self.issuance(coupon.issuance).year, coupon.issuance, coupon.seq)

    def coupon_count(self) -> int:
        return self.call("coupon_count")

    def application(self, application_id: int) -> Application:
        a = self.call("application", application_id)
        return Application(application_id, a[0], a[1], ApplicationStatus(a[2]), *a[3:])

    def issuance(self, issuance_id: int) -> Issuance:
        return Issuance(issuance_id, *self.call("issuance", issuance_id))

    def request_of(self, coupon_id: int) -> Request:
        r = self.call("request_of", coupon_id)
        return Request(Action(r[0]), r[1], r[2])
