"""Fixture layers: eth-tester chain → deployed registry → officials and holders."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount

from chain import ChainRevert, Registry, Role
from chain.backends import EphemeralChain, ephemeral
from support import costs

pytest_plugins = ("support.databases",)  # --database; `database_kind` runs a test on SQLite and PostgreSQL

# Before any Settings() is read: every gateway, CLI run and subprocess of the suite makes cheap secrets.
os.environ.update(costs.ENVIRONMENT)
# The suite makes hundreds of accounts, log-ins and page views from one address; tests of the limits set their own.
os.environ.update(costs.GENEROUS_LIMITS)

LOSS_NOTICE_SECONDS = 30 * 86400


@dataclass
class Actors:
    drc: LocalAccount
    center_officer: LocalAccount
    nrb_officer: LocalAccount
    forestry_officer: LocalAccount
    eeb_officer: LocalAccount
    gov_officer: LocalAccount
    finance_officer: LocalAccount
    verifier: LocalAccount
    holder: LocalAccount
    buyer: LocalAccount
    pledgee: LocalAccount
    non_member: LocalAccount

    def of(self, role: Role) -> LocalAccount:
        return getattr(self, ROLE_ACTOR[role])


ROLE_ACTOR = {
    Role.DRC: "drc",
    Role.CENTER: "center_officer",
    Role.NRB: "nrb_officer",
    Role.FORESTRY: "forestry_officer",
    Role.EEB: "eeb_officer",
    Role.GOV: "gov_officer",
    Role.FINANCE: "finance_officer",
    Role.VERIFIER: "verifier",
}


@pytest.fixture(scope="session")
def evm() -> EphemeralChain:
    return ephemeral()


@pytest.fixture(scope="session")
def actors(evm: EphemeralChain) -> Actors:
    accounts = {name: Account.create() for name in Actors.__dataclass_fields__}
    for account in accounts.values():
        evm.fund(account.address)
    return Actors(**accounts)


@pytest.fixture(scope="session")
def deployed(evm: EphemeralChain, actors: Actors) -> Registry:
    registry = Registry.deploy(evm.chain, actors.drc, loss_notice_seconds=LOSS_NOTICE_SECONDS)
    for role, name in ROLE_ACTOR.items():
        if role != Role.DRC:
            registry.grant(actors.drc, role, getattr(actors, name).address)
    return registry


@pytest.fixture
def registry(evm: EphemeralChain, deployed: Registry):
    """The deployed registry, rolled back to its freshly deployed state after each test."""
    snapshot = evm.snapshot()
    yield deployed
    evm.revert(snapshot)


def fingerprint(registry: Registry) -> tuple:
    """Everything the contracts hold that a test can read: coupons, requests, pledges,
    freezes, loss notices and reissues, voiding signatures and findings, issuances and
    applications with their opinions and filing numbers."""
    coupons = tuple(
        (
            registry.coupon(i),
            registry.request_of(i),
            registry.call("pledgee_of", i),
            registry.frozen_from(i),
            registry.call("loss_notice_end", i),
            registry.reissue_of(i),
            registry.call("reissue_filing", i),
            registry.call("replaced_by", i),
            registry.voiding_signatures(i),
            registry.invalidation(i),
        )
        for i in range(1, registry.coupon_count() + 1)
    )
    issuances = tuple(registry.issuance(i) for i in range(1, registry.call("issuance_count") + 1))
    applications = tuple(
        (registry.application(i), registry.validation_opinion(i), registry.call("filing_numbers", i))
        for i in range(1, registry.call("application_count") + 1)
    )
    return coupons, issuances, applications


@contextmanager
def reverts(registry: Registry, reason: str):
    """Assert the block reverts with exactly `reason` and leaves every record unchanged."""
    before = fingerprint(registry)
    with pytest.raises(ChainRevert) as caught:
        yield caught
    assert caught.value.reason == reason
    assert fingerprint(registry) == before


@pytest.fixture
def expect_revert(registry: Registry):
    return lambda reason: reverts(registry, reason)
