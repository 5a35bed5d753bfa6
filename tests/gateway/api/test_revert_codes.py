"""Every revert string of the contracts maps to a stable API error code (DESIGN §7,
STYLE: revert strings are stable and the gateway maps them to codes).

The revert strings are read from the sources (`assert …, "…"` and `raise "…"`),
so a new check in a contract fails here until `gateway.errors.REVERTS` names it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.core.errors import REVERTS, from_revert

CONTRACTS_DIR = Path(__file__).resolve().parents[3] / "contracts"
STATUSES = {403, 404, 409, 422}  # role, unknown, state, input (DESIGN §7)
CODE = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*")
REASON = re.compile(r"[a-z_]+: \S.*")  # "<module>: <reason>"
STRING = r'"((?:[^"\\]|\\.)*)"'
ASSERTION = re.compile(rf",\s*{STRING}\s*$")
RAISE = re.compile(rf"^raise\s+{STRING}\s*$")


def statements(source: str) -> list[str]:
    """The source's logical lines: docstrings and comments dropped, lines inside brackets joined."""
    source = re.sub(r'""".*?"""', '""', source, flags=re.S)
    lines, line, depth, in_string, escaped, comment = [], "", 0, False, False, False
    for char in source + "\n":
        if comment and char != "\n":
            continue
        comment = False
        if in_string:
            in_string = escaped or char != '"'
            escaped = not escaped and char == "\\"
        elif char == '"':
            in_string = True
        elif char == "#":
            comment = True
            continue
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "\n":
            if depth == 0:
                lines.append(line.strip())
                line = ""
                continue
            char = " "
        line += char
    return [line for line in lines if line]


def revert_strings(source: str) -> set[str]:
    found = set()
    for statement in statements(source):
        match = ASSERTION.search(statement) if statement.startswith("assert ") else RAISE.match(statement)
        if match:
            found.add(match.group(1))
    return found


def contract_reverts() -> dict[str, set[str]]:
    """Revert string → the contract files that use it."""
    reverts: dict[str, set[str]] = {}
    for path in sorted(CONTRACTS_DIR.rglob("*.vy")):
        for reason in revert_strings(path.read_text()):
            reverts.setdefault(reason, set()).add(str(path.relative_to(CONTRACTS_DIR)))
    return reverts


REVERT_STRINGS = sorted(contract_reverts())


def test_revert_strings__parser__finds_one_line_multi_line_and_raise():
    source = '''
    assert x > 0, "ledger: zero amount"  # trailing comment
    assert (
        a == b
    ), "ledger: wrapped"
    assert c, "ledger: comma, inside"
    raise "ledger: raised"
    log Something(reason="not a revert")
    '''
    assert revert_strings(source) == {"ledger: zero amount", "ledger: wrapped", "ledger: comma, inside", "ledger: raised"}


def test_revert_strings__contracts__found_in_every_deployable_and_module():
    files = set().union(*contract_reverts().values())
    # CouponLedger.vy only wires its modules; the reasons its steps share live in modules/coupons.vy
    assert {"ApplicationRegistry.vy", "modules/coupons.vy", "modules/roles.vy"} <= files
    assert len(REVERT_STRINGS) >= 50


@pytest.mark.parametrize("reason", REVERT_STRINGS)
def test_revert__every_contract_revert__has_a_stable_code(reason):
    assert REASON.fullmatch(reason), f"{reason!r} does not read '<module>: <reason>'"
    assert reason in REVERTS, f"{reason!r} has no code in gateway.errors.REVERTS"
    status, code = REVERTS[reason]
    assert status in STATUSES
    assert CODE.fullmatch(code)
    error = from_revert(reason)
    assert (error.status, error.code, error.message, error.detail) == (status, code, reason, {"revert": reason})


def test_reverts__every_entry__still_raised_by_a_contract():
    """A code whose revert string no contract raises any more is dead: the string changed."""
    assert set(REVERTS) - set(REVERT_STRINGS) == set()


def test_reverts__same_code__same_status():
    statuses: dict[str, set[int]] = {}
    for status, code in REVERTS.values():
        statuses.setdefault(code, set()).add(status)
    assert {code: found for code, found in statuses.items() if len(found) > 1} == {}
