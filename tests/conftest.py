"""Fixture layers: eth-tester chain → deployed registry → officials and holders."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from hypothesis import HealthCheck, settings

from chain import ChainRevert, Registry, Role
from chain.backends import EphemeralChain, ephemeral
from support import costs

pytest_plugins = ("support.databases",)  # --database; `database_kind` runs a test on SQLite and PostgreSQL

# Before any Settings() is read: every gateway, CLI run and subprocess of the suite makes cheap secrets.
os.environ.update(costs.ENVIRONMENT)
# The suite makes hundreds of accounts, log-ins and page views from one address; tests of the limits set their own.
os.environ.update(costs.GENEROUS_LIMITS)

# Hypothesis profiles (tests/contracts/test_invariants.py, the ledger machine, reads the loaded one). They are
# registered here, in the first conftest pytest reads: `--hypothesis-profile` is resolved before a whole-suite
# run reaches tests/contracts/conftest.py. `ci`, the default, is what `bash scripts/test` runs: 100 sequences
# of 30 steps, in which every rule of the machine fires (counted by wrapping each rule, as
# `--hypothesis-show-statistics` does not see into the machine's thread: the rarest, release_pledge and
# register_reissue, 3 and 7 times; most rules 40 to 300). `thorough`, ten times the sequences and each
# longer, is for a run before a release (README).
_QUIET_FOR_SLOW_STEPS = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=100, stateful_step_count=30, deadline=None,
                          suppress_health_check=_QUIET_FOR_SLOW_STEPS, print_blob=True)
settings.register_profile("thorough", max_examples=1_000, stateful_step_count=50, deadline=None,
                          suppress_health_check=_QUIET_FOR_SLOW_STEPS, print_blob=True)
settings.load_profile("ci")

LOSS_NOTICE_SECONDS = 30 * 86400


def pytest_sessionstart(session) -> None:
    """With workers (pytest-xdist, as `scripts/test` runs), compile the contracts once here, before the
    workers start: otherwise on a fresh cache each worker compiles them and writes the same cache file."""
    if getattr(session.config.option, "numprocesses", None) and not hasattr(session.config, "workerinput"):
        from chain.compile import DEPLOYABLES, load

        for name in DEPLOYABLES:
            load(name)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the groups
def pytest_collection_modifyitems(config, items) -> None:
    """Groups for `--dist loadgroup` (scripts/test): a group runs on one worker, in the order of a run
    without workers, so what its tests share is built once. The browser tests (about 90 s) share one
    served demo and one Chromium. A module with module-scoped fixtures (a story told once, a node or a
    cluster started once) is one group for each database, and for each value of its other module-wide
    parameters. Every other test goes on its own to whichever worker is free, and builds the session's
    gateways once on each worker. scripts/test keeps the groups in collection order, where pytest has put
    all SQLite tests before all PostgreSQL ones: a worker that went back and forth would rebuild the
    session's gateway each time."""
    if not getattr(config.option, "loadgroup", False):  # set in the workers of a `--dist loadgroup` run
        return
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        if fixtures is None:
            continue
        scopes = {name: definitions[-1].scope for name, definitions in fixtures.name2fixturedefs.items() if definitions}
        if "site" in scopes:  # tests/browser/conftest.py: the served gateway, seeded with the demo story
            _join_group(item, "browser")
        elif any(scope in ("module", "class", "package") for scope in scopes.values()):
            callspec = getattr(item, "callspec", None)
            wide = [str(value) for name, value in sorted(callspec.params.items() if callspec else ())
                    if scopes.get(name, "function") != "function"]
            _join_group(item, ":".join([item.nodeid.split("::")[0], *wide]))  # e.g. tests/chain/test_index.py:sqlite


# Minutes-long units, started first so that none is left to run alone at the end: the nodes and replicas
# over JSON-RPC, the ledger machine and the browser tests.
LONG_FIRST = ("tests/e2e/", "tests/contracts/test_invariants.py", "tests/browser/")


class _LongFirst:
    @pytest.hookimpl(trylast=True)  # after pytest has ordered the tests by their parametrized fixtures
    def pytest_collection_modifyitems(self, items) -> None:
        items.sort(key=lambda item: not item.nodeid.startswith(LONG_FIRST))  # stable: each part keeps its order


def pytest_configure(config) -> None:
    if getattr(config.option, "loadgroup", False):
        config.pluginmanager.register(_LongFirst(), "tanquan-long-first")


def _join_group(item, group: str) -> None:
    item.add_marker(pytest.mark.xdist_group(group))
    # pytest-xdist 3.8 tells the scheduler an item's group by appending it to the item's old `_nodeid`;
    # pytest 9.2 reads ids from a structured `_id` instead, so loadgroup silently stopped grouping
    # (pytest-xdist issue #1386). Append the group where pytest reads it; the scheduler takes what
    # follows the last "@", should xdist append it once more.
    if hasattr(item, "_id") and "@" not in item.nodeid:
        from _pytest.nodeid import NodeId

        # In the last name, not in params: a report rebuilt from the parts would close the params after the group.
        last = item._id.names[-1] + (f"[{item._id.params}]" if item._id.params is not None else "")
        item._id = NodeId(path=item._id.path, names=(*item._id.names[:-1], f"{last}@{group}"))


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
