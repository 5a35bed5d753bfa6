"""A fully staffed registry on a throw-away chain: one fresh key per department.

Used by `tanquan demo` and the gas report; the served chain comes from the
durable backend instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_account import Account
from eth_account.signers.local import LocalAccount

from .backends import EphemeralChain, ephemeral
from .client import Receipt
from .registry import Registry
from .states import Role

DEFAULT_LOSS_NOTICE_SECONDS = 30 * 86400


@dataclass
class Devnet:
    evm: EphemeralChain
    registry: Registry
    departments: dict[Role, LocalAccount]

    def new_account(self) -> LocalAccount:
        """A funded account for a holder, buyer or pledgee."""
        account = Account.create()
        self.evm.fund(account.address)
        return account


def start(*, loss_notice_seconds: int = DEFAULT_LOSS_NOTICE_SECONDS) -> tuple[Devnet, int]:
    """Deploy the registry with every department staffed; also returns the deploy gas."""
    evm = ephemeral()
    departments = {role: Account.create() for role in Role}
    for account in departments.values():
        evm.fund(account.address)
    registry, deploy_gas = Registry.deploy_measured(
        evm.chain, departments[Role.DRC], loss_notice_seconds=loss_notice_seconds
    )
    for role, account in departments.items():
        if role != Role.DRC:
            registry.grant(departments[Role.DRC], role, account.address)
    return Devnet(evm, registry, departments), deploy_gas


REPORT_HASH = bytes.fromhex("22" * 32)


def issue_coupon(
    registry: Registry,
    departments: dict[Role, LocalAccount],
    holder: LocalAccount,
    *,
    parcels: list[bytes],
    amount_kg: int,
    period: tuple[int, int] = (1_640_966_400, 1_704_038_400),
    receipts: dict[str, Receipt] | None = None,
) -> int:
    """Walk one application from submission to mint, each step by its department;
    returns the coupon id. `receipts`, when given, collects each step's receipt."""
    steps = []

    def send(name: str, sender: LocalAccount, function: str, *args):
        receipt = registry.send(sender, function, *args)
        steps.append((name, receipt))
        return receipt

    app = send("submit", holder, "submit", parcels, *period, amount_kg, REPORT_HASH, REPORT_HASH).event(
        "ApplicationSubmitted"
    ).args["application"]
    send("formal_review", departments[Role.CENTER], "pass_formal_review", app)
    send("preliminary_review", departments[Role.CENTER], "pass_preliminary_review", app)
    send("attestation", departments[Role.VERIFIER], "attest_report", app, REPORT_HASH, amount_kg)
    send("validation_first", departments[Role.NRB], "sign_validation", app)
    send("validation", departments[Role.FORESTRY], "sign_validation", app)
    send("filing", departments[Role.EEB], "file", app, f"赫环碳备〔2026〕{app}号")
    coupon = send("mint", departments[Role.GOV], "mint", app).event("CouponCreated").args["coupon"]
    if receipts is not None:
        receipts.update(steps)
    return coupon
