"""House style of the contract sources (STYLE.md): NatSpec on every event and every
internal function, and no line over 120 characters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CONTRACTS_DIR = Path(__file__).resolve().parents[2] / "contracts"
SOURCES = sorted(CONTRACTS_DIR.rglob("*.vy*"))
MAX_LINE = 120
SIGNATURE = re.compile(r"def (\w+)\((.*?)\)\s*(->\s*[^:]+)?:\s*$", re.S)


def name_of(path: Path) -> str:
    return str(path.relative_to(CONTRACTS_DIR))


def events(lines: list[str]):
    """(event name, the comment block right above it)."""
    for number, line in enumerate(lines):
        match = re.match(r"event (\w+):", line)
        if match:
            above = number
            while above > 0 and lines[above - 1].startswith("#"):
                above -= 1
            yield match.group(1), "\n".join(lines[above:number])


def internal_functions(source: str):
    """(function name, parameter names, whether it returns, docstring or "")."""
    for match in re.finditer(r"^@internal\n(?:@\w+\n)*(def \w+\(.*?\)[^:\n]*:)\n", source, re.M | re.S):
        name, parameters, returns = SIGNATURE.match(match.group(1)).groups()
        names = [p.split(":")[0].strip() for p in parameters.split(",") if p.strip()]
        docstring = re.match(r'\s*"""(.*?)"""', source[match.end():], re.S)
        yield name, names, bool(returns), docstring.group(1) if docstring else ""


def test_sources__found():
    assert {"ApplicationRegistry.vy", "CouponLedger.vy", "modules/roles.vy"} <= {name_of(p) for p in SOURCES}


@pytest.mark.parametrize("path", SOURCES, ids=name_of)
def test_source__every_line__at_most_120_characters(path):
    long = [number for number, line in enumerate(path.read_text().splitlines(), 1) if len(line) > MAX_LINE]
    assert long == [], f"{name_of(path)}: lines over {MAX_LINE} characters: {long}"


@pytest.mark.parametrize("path", SOURCES, ids=name_of)
def test_source__every_event__has_a_dev_comment(path):
    found = list(events(path.read_text().splitlines()))
    assert [name for name, comment in found if "@dev" not in comment] == []


@pytest.mark.parametrize("path", SOURCES, ids=name_of)
def test_source__every_internal_function__has_natspec_for_its_parameters_and_return(path):
    missing = []
    for name, parameters, returns, docstring in internal_functions(path.read_text()):
        needed = ["@dev", *(f"@param {parameter} " for parameter in parameters), *(["@return"] if returns else [])]
        missing += [f"{name}: {tag.strip()}" for tag in needed if tag not in docstring]
    assert missing == []


def test_internal_functions__parser__reads_decorators_multiline_signatures_and_docstrings():
    source = '''
@internal
@view
def _owner(coupon_id: uint256) -> address:
    """
    @dev A coupon's owner.
    @param coupon_id The coupon id.
    @return address The owner.
    """
    return self.x


@internal
def _create(
    issuance: uint256,
    parent: uint256,
) -> uint256:
    return 0


@internal
def _clear(coupon_id: uint256):
    pass
'''
    assert list(internal_functions(source)) == [
        ("_owner", ["coupon_id"], True, "\n    @dev A coupon's owner.\n    @param coupon_id The coupon id.\n"
         "    @return address The owner.\n    "),
        ("_create", ["issuance", "parent"], True, ""),
        ("_clear", ["coupon_id"], False, ""),
    ]
