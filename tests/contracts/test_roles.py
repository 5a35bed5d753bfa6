"""The roles module (contracts/modules/roles.vy), initialized in both deployables.

DESIGN §2: DRC administers the roles; each account signs for at most one
department; every transition checks its role on-chain. `Registry.grant` and
`Registry.revoke` mirror a role in both contracts.

Negative tests run against the application registry for every actor that must
fail, and against the ledger for a representative case: both contracts
initialize the same module.
"""

from __future__ import annotations

import pytest
from eth_account import Account
from eth_utils import keccak

from chain import ApplicationStatus, Role
from chain import compile as compiler

ZERO_ADDRESS = "0x" + "00" * 20
NO_ROLE = b"\x00" * 32
DEFAULT_ADMIN_ROLE = b"\x00" * 32  # snekmate's admin role, revoked again at deploy
MISSING_ROLE = "access_control: account is missing role"
CONTRACTS = ("applications", "ledger")
ACTOR_ROLE = {
    "drc": Role.DRC,
    "center_officer": Role.CENTER,
    "nrb_officer": Role.NRB,
    "forestry_officer": Role.FORESTRY,
    "eeb_officer": Role.EEB,
    "gov_officer": Role.GOV,
    "finance_officer": Role.FINANCE,
    "verifier": Role.VERIFIER,
}
NON_DRC = [name for name in ACTOR_ROLE if name != "drc"] + ["non_member"]
# every non-DRC actor against the application registry, two against the ledger
NON_DRC_CASES = [("applications", name) for name in NON_DRC] + [("ledger", "center_officer"), ("ledger", "non_member")]
ROLES = list(Role)
# every role against the next one (DRC-CENTER … VERIFIER-DRC), and DRC against GOV
ROLE_PAIRS = [(held, ROLES[(i + 1) % len(ROLES)]) for i, held in enumerate(ROLES)] + [(Role.DRC, Role.GOV)]


def send_to(registry, contract: str, sender, function: str, *args):
    return registry.chain.send(sender, getattr(registry, contract), function, *args)


def roles_of(registry, address: str, *roles: Role | bytes) -> tuple:
    """What both contracts say about an account: its department and the given role flags."""
    ids = [role.id if isinstance(role, Role) else role for role in roles]
    return tuple(
        (
            registry.chain.call(contract, "department_of", address),
            tuple(registry.chain.call(contract, "hasRole", role_id, address) for role_id in ids),
        )
        for contract in (registry.applications, registry.ledger)
    )


def assert_holds(registry, address: str, role: Role | None, *absent: Role | bytes) -> None:
    """In both contracts `address` signs for `role` (or for nothing) and holds none of `absent`."""
    held = (role,) if role else ()
    expected = (role.id if role else NO_ROLE, (True,) * len(held) + (False,) * len(absent))
    assert roles_of(registry, address, *held, *absent) == (expected, expected)


# ---------------------------------------------------------------- deployment


def test_deploy__deployer__holds_drc_and_not_default_admin(registry, actors):
    contract, receipt = registry.chain.deploy(compiler.load("ApplicationRegistry"), sender=actors.drc)
    # an indexer replaying the deploy's role events ends with the deployer as DRC only
    held: set[bytes] = set()
    for event in receipt.events:
        assert event.args["account"] == actors.drc.address
        if event.name == "RoleGranted":
            held.add(event.args["role"])
        elif event.name == "RoleRevoked":
            held.discard(event.args["role"])
    assert held == {Role.DRC.id}
    assert registry.chain.call(contract, "department_of", actors.drc.address) == Role.DRC.id
    assert registry.chain.call(contract, "hasRole", Role.DRC.id, actors.drc.address)
    assert not registry.chain.call(contract, "hasRole", DEFAULT_ADMIN_ROLE, actors.drc.address)


@pytest.mark.parametrize("contract", CONTRACTS)
def test_abi__snekmate_role_admin_functions__not_exported(registry, contract):
    """grantRole / revokeRole / renounceRole would bypass the one-department rule."""
    names = {item["name"] for item in getattr(registry, contract).abi if item["type"] == "function"}
    assert names.isdisjoint({"grantRole", "revokeRole", "renounceRole", "set_role_admin"})
    assert {"grant_role", "revoke_role", "department_of", "hasRole"} <= names


def abi_role_getters(contract) -> set[str]:
    """The ABI's role-id getters: constant, no arguments, one bytes32, named in capitals."""
    return {
        item["name"]
        for item in contract.abi
        if item["type"] == "function"
        and item["name"].isupper()
        and item["stateMutability"] in ("pure", "view")
        and not item["inputs"]
        and [output["type"] for output in item["outputs"]] == ["bytes32"]
    }


@pytest.mark.parametrize("contract", CONTRACTS)
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value)
def test_abi__role_getter__equals_python_role_id(registry, contract, role):
    assert registry.chain.call(getattr(registry, contract), role.value) == role.id


@pytest.mark.parametrize("contract", CONTRACTS)
def test_abi__role_getters__exactly_the_python_roles(registry, contract):
    assert abi_role_getters(getattr(registry, contract)) == {role.value for role in Role}


# ---------------------------------------------------------------- department_of


@pytest.mark.parametrize("name", ACTOR_ROLE)
def test_department_of__department_actor__its_one_role(registry, actors, name):
    role = ACTOR_ROLE[name]
    assert_holds(registry, getattr(actors, name).address, role, DEFAULT_ADMIN_ROLE)


@pytest.mark.parametrize("name", ["holder", "non_member"])
def test_department_of__holder_or_non_member__no_role(registry, actors, name):
    assert_holds(registry, getattr(actors, name).address, None, Role.DRC, Role.CENTER)


# ---------------------------------------------------------------- grant


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value)
def test_grant__by_drc__role_granted_in_both_contracts_with_events(registry, actors, role):
    account = Account.create().address
    receipts = registry.grant(actors.drc, role, account)
    addresses = [r.event("RoleGranted").address for r in receipts]
    assert addresses == [registry.applications.address, registry.ledger.address]
    for receipt in receipts:
        assert receipt.event("RoleGranted").args == {"role": role.id, "account": account, "sender": actors.drc.address}
    assert_holds(registry, account, role, *(other for other in Role if other != role))
    assert registry.has_role(role, account)


@pytest.mark.parametrize("contract", CONTRACTS)
def test_grant_role__same_role_again__unchanged_and_no_event(registry, actors, contract):
    receipt = send_to(registry, contract, actors.drc, "grant_role", Role.CENTER.id, actors.center_officer.address)
    assert receipt.named("RoleGranted") == []
    assert_holds(registry, actors.center_officer.address, Role.CENTER)


def test_grant__second_drc__can_administer(evm, registry, actors):
    second_drc = Account.create()
    evm.fund(second_drc.address)
    registry.grant(actors.drc, Role.DRC, second_drc.address)
    account = Account.create().address
    receipts = registry.grant(second_drc, Role.FINANCE, account)
    for receipt in receipts:
        assert receipt.event("RoleGranted").args == {
            "role": Role.FINANCE.id,
            "account": account,
            "sender": second_drc.address,
        }
    assert_holds(registry, account, Role.FINANCE)


@pytest.mark.parametrize("contract, name", NON_DRC_CASES)
def test_grant_role__by_non_drc__reverts(registry, actors, expect_revert, contract, name):
    account = Account.create().address
    with expect_revert(MISSING_ROLE):
        send_to(registry, contract, getattr(actors, name), "grant_role", Role.CENTER.id, account)
    assert_holds(registry, account, None, Role.CENTER)


@pytest.mark.parametrize("contract, name", NON_DRC_CASES)
def test_grant_role__non_drc_makes_itself_drc__reverts(registry, actors, expect_revert, contract, name):
    sender = getattr(actors, name)
    with expect_revert(MISSING_ROLE):
        send_to(registry, contract, sender, "grant_role", Role.DRC.id, sender.address)
    assert_holds(registry, sender.address, ACTOR_ROLE.get(name), Role.DRC)


@pytest.mark.parametrize(
    "contract, role_id",
    [
        ("applications", DEFAULT_ADMIN_ROLE),
        ("applications", keccak(text="ADMIN")),
        ("applications", keccak(text="center")),
        ("ledger", DEFAULT_ADMIN_ROLE),
    ],
    ids=["default_admin", "ADMIN", "lowercase_center", "ledger_default_admin"],
)
def test_grant_role__unknown_role__reverts(registry, actors, expect_revert, contract, role_id):
    account = Account.create().address
    with expect_revert("roles: unknown role"):
        send_to(registry, contract, actors.drc, "grant_role", role_id, account)
    assert_holds(registry, account, None, role_id)


@pytest.mark.parametrize("contract", CONTRACTS)
def test_grant_role__zero_address__reverts(registry, actors, expect_revert, contract):
    with expect_revert("roles: zero address"):
        send_to(registry, contract, actors.drc, "grant_role", Role.CENTER.id, ZERO_ADDRESS)
    assert_holds(registry, ZERO_ADDRESS, None, Role.CENTER)


@pytest.mark.parametrize("held, other", ROLE_PAIRS, ids=[f"{h.value}-{o.value}" for h, o in ROLE_PAIRS])
def test_grant_role__account_holds_another_role__reverts(registry, actors, expect_revert, held, other):
    """Includes DRC itself: the administrator cannot also sign for a department."""
    account = actors.of(held).address
    for contract in CONTRACTS:
        with expect_revert("roles: account holds another role"):
            send_to(registry, contract, actors.drc, "grant_role", other.id, account)
    assert_holds(registry, account, held, other)


# ---------------------------------------------------------------- revoke


@pytest.mark.parametrize("role", [r for r in ROLES if r != Role.DRC], ids=lambda role: role.value)
def test_revoke__by_drc__role_revoked_in_both_contracts_with_events(registry, actors, role):
    account = actors.of(role).address
    receipts = registry.revoke(actors.drc, role, account)
    addresses = [r.event("RoleRevoked").address for r in receipts]
    assert addresses == [registry.applications.address, registry.ledger.address]
    for receipt in receipts:
        assert receipt.event("RoleRevoked").args == {"role": role.id, "account": account, "sender": actors.drc.address}
    assert_holds(registry, account, None, role)
    assert not registry.has_role(role, account)


def test_revoke__drc_own_role__reverts(registry, actors, expect_revert):
    with expect_revert("roles: cannot revoke own DRC role"):
        registry.chain.send(actors.drc, registry.ledger, "revoke_role", Role.DRC.id, actors.drc.address)
    assert registry.has_role(Role.DRC, actors.drc.address)


def test_revoke__drc_by_another_drc__role_revoked(registry, actors, evm):
    from eth_account import Account

    successor = Account.create()
    evm.fund(successor.address)
    registry.grant(actors.drc, Role.DRC, successor.address)
    receipts = registry.revoke(successor, Role.DRC, actors.drc.address)
    assert [r.event("RoleRevoked").args["account"] for r in receipts] == [actors.drc.address] * 2
    assert not registry.has_role(Role.DRC, actors.drc.address)


def test_revoke_then_grant__other_role__account_freed_for_it(story, registry, actors):
    officer = actors.center_officer
    application_id = story.advance(story.submit(), ApplicationStatus.PRELIM_OK)
    registry.revoke(actors.drc, Role.CENTER, officer.address)
    receipts = registry.grant(actors.drc, Role.NRB, officer.address)
    for receipt in receipts:
        assert receipt.event("RoleGranted").args == {
            "role": Role.NRB.id,
            "account": officer.address,
            "sender": actors.drc.address,
        }
    assert_holds(registry, officer.address, Role.NRB, Role.CENTER)
    # the freed key now signs for NRB
    receipt = story.send(officer, "sign_validation", application_id)
    assert receipt.event("ValidationSigned").args == {"application": application_id, "department": Role.NRB.id}
    assert registry.application(application_id).nrb_signed


def test_revoke__center_officer__can_no_longer_review(story, registry, actors, expect_revert):
    application_id = story.submit()
    registry.revoke(actors.drc, Role.CENTER, actors.center_officer.address)
    with expect_revert(MISSING_ROLE):
        story.send(actors.center_officer, "pass_formal_review", application_id)
    assert registry.application(application_id).status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("contract, name", NON_DRC_CASES)
def test_revoke_role__by_non_drc__reverts(registry, actors, expect_revert, contract, name):
    with expect_revert(MISSING_ROLE):
        send_to(registry, contract, getattr(actors, name), "revoke_role", Role.DRC.id, actors.drc.address)
    assert_holds(registry, actors.drc.address, Role.DRC)


@pytest.mark.parametrize(
    "contract, name, role_id",
    [
        ("applications", "center_officer", Role.NRB.id),
        ("applications", "drc", Role.CENTER.id),
        ("applications", "non_member", Role.CENTER.id),
        ("applications", "drc", DEFAULT_ADMIN_ROLE),
        ("ledger", "center_officer", Role.NRB.id),
    ],
    ids=["other_department", "drc_not_center", "non_member", "default_admin", "ledger_other_department"],
)
def test_revoke_role__role_not_held__reverts(registry, actors, expect_revert, contract, name, role_id):
    account = getattr(actors, name).address
    with expect_revert("roles: role not held"):
        send_to(registry, contract, actors.drc, "revoke_role", role_id, account)
    assert_holds(registry, account, ACTOR_ROLE.get(name), role_id)


@pytest.mark.parametrize("contract", CONTRACTS)
def test_revoke_role__twice__second_reverts(registry, actors, expect_revert, contract):
    account = actors.gov_officer.address
    send_to(registry, contract, actors.drc, "revoke_role", Role.GOV.id, account)
    with expect_revert("roles: role not held"):
        send_to(registry, contract, actors.drc, "revoke_role", Role.GOV.id, account)
    assert registry.chain.call(getattr(registry, contract), "department_of", account) == NO_ROLE
    assert not registry.chain.call(getattr(registry, contract), "hasRole", Role.GOV.id, account)
