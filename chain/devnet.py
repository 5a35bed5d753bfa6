"""A fully staffed registry on a throw-away chain: one fresh key per department.

Used by `tanquan demo` and the gas report; the served chain comes from the
durable backend instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_account import Account
from eth_account.signers.local import LocalAccount

from .backends import EphemeralChain, ephemeral
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
