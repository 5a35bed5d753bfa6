"""A fully staffed registry on a throw-away chain: one fresh key per department.

`start` deploys it on an in-memory eth-tester chain, for the gas report
(scripts/gas_report.py) and the chain tests. `issue_coupon` walks one
application from submission to mint on any registry, this one or a node's
(the chain tests, their crash writer and the end-to-end test on hardhat).
`tanquan demo` uses neither: it tells its story through a gateway's HTTP API
(gateway/demo.py).
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
OPINION_HASH = bytes.fromhex("33" * 32)


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
    center, nrb, forestry = departments[Role.CENTER], departments[Role.NRB], departments[Role.FORESTRY]
    submitted = registry.submit(
        holder, parcels=parcels, period_start=period[0], period_end=period[1], claimed_kg=amount_kg,
        documents_hash=REPORT_HASH, report_hash=REPORT_HASH, boundaries_hash=REPORT_HASH,
    )
    app = submitted.application
    steps = {  # in order: a dict display evaluates its values left to right
        "submit": submitted.receipt,
        "formal_review": registry.pass_formal_review(center, application=app),
        "preliminary_review": registry.pass_preliminary_review(center, application=app),
        "attestation": registry.attest_report(
            departments[Role.VERIFIER], application=app, report_hash=REPORT_HASH, attested_kg=amount_kg
        ),
        "validation_first": registry.sign_validation(nrb, application=app),
        "validation": registry.sign_validation(forestry, application=app),
        "opinion": registry.issue_validation_opinion(center, application=app, opinion_hash=OPINION_HASH),
        "eeb_review": registry.pass_eeb_review(departments[Role.EEB], application=app),
        "filing": registry.file(departments[Role.EEB], application=app, filing_number=f"赫环碳备〔2026〕{app}号"),
    }
    minted = registry.mint(departments[Role.GOV], application=app)
    if receipts is not None:
        receipts.update(steps, mint=minted.receipt)
    return minted.coupon
