"""docs/conformance.md holds to its own rules: one row per article (第一条 … 第十八条) and per
field of each annex (附件1 … 附件8), each row done, partial (saying what is missing) or people
(saying why the Measures leave it to people rather than software); a row without tests is a
people row; every test it names exists; every file it points to exists.

Read with `ast`, never imported: the whole check takes a fraction of a second."""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "conformance.md"
COLUMNS = ["条文 Item", "状态 Status", "实现位置 Where", "测试 Tests"]
# A status cell: "done", "done — a note", "partial — what is missing", "people — why".
STATUS = re.compile(r"^(?P<word>done|partial|people)(?:\s+—\s+(?P<why>\S.*))?$")
# `tests/path.py::test_name`, a parametrized id in brackets allowed and ignored.
TEST_REF = re.compile(r"`(?P<file>tests/[\w./-]+\.py)::(?P<name>\w+)(?:\[[^`]*\])?`")
# A file the where-column points to: `gateway/services/applications.py` or `contracts/CouponLedger.vy: retire`,
# with the names in it after the colon (`schemas.py: Parcel.area_mu` names a class and its field).
PATH_REF = re.compile(r"`(?P<path>[\w.-]+(?:/[\w.-]+)+\.(?:py|vy|vyi|html|js|css|md))(?:: (?P<names>[^`]*))?`")
NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
            "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八"]
ARTICLES = [f"第{numeral}条" for numeral in NUMERALS]
ANNEXES = [f"附件{n}" for n in range(1, 9)]


@dataclass(frozen=True)
class Row:
    line: int
    section: str  # the heading above its table
    item: str
    status: str
    where: str
    tests: str

    @property
    def word(self) -> str | None:
        match = STATUS.match(self.status)
        return match["word"] if match else None

    @property
    def why(self) -> str | None:
        match = STATUS.match(self.status)
        return match["why"] if match else None

    @property
    def test_refs(self) -> list[tuple[str, str]]:
        return [(m["file"], m["name"]) for m in TEST_REF.finditer(self.tests)]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


@functools.cache
def _parsed() -> tuple[list[list[str]], list[Row]]:
    """The document's table headers and rows, each row with the heading of its section."""
    headers, rows, section, in_table = [], [], "", False
    lines = DOC.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line.startswith("#"):
            section, in_table = line.lstrip("#").strip(), False
        elif not line.startswith("|"):
            in_table = False
        elif not in_table:
            headers.append(_cells(line))
            in_table = True
        elif re.fullmatch(r"\|?[\s:|-]+\|?", line.strip()):
            continue  # the separator under a header
        else:
            cells = _cells(line)
            rows.append(Row(number, section, *cells) if len(cells) == 4 else Row(number, section, line, "", "", ""))
    return headers, rows


def _rows() -> list[Row]:
    return _parsed()[1]


@functools.cache
def _tests_defined(path: str) -> frozenset[str]:
    """The test functions a test file defines, at module level or in a class."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=path)
    names = set()
    for node in tree.body:
        bodies = node.body if isinstance(node, ast.ClassDef) else [node]
        names |= {f.name for f in bodies if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return frozenset(names)


def test_doc__every_table__has_the_same_four_columns():
    headers, rows = _parsed()
    assert headers, f"{DOC} has no table"
    assert [h for h in headers if h != COLUMNS] == []
    assert [r.line for r in rows if not r.status] == [], "rows without exactly four cells"


def test_doc__every_article__has_its_row():
    items = [row.item for row in _rows()]
    assert [a for a in ARTICLES if not any(item.startswith(a) for item in items)] == []


def test_doc__every_annex__has_a_section_with_rows():
    sections = {row.section for row in _rows()}
    assert [a for a in ANNEXES if not any(a in section for section in sections)] == []


def test_doc__summary__counts_the_rows():
    rows = _rows()
    counted = {word: sum(1 for r in rows if r.word == word) for word in ("done", "partial", "people")}
    said = re.search(r"Summary: (\d+) rows: (\d+) done, (\d+) partial, (\d+) people\.", DOC.read_text(encoding="utf-8"))
    assert said, "the summary line: Summary: N rows: N done, N partial, N people."
    assert [int(n) for n in said.groups()] == [len(rows), counted["done"], counted["partial"], counted["people"]]


def test_rows__status__done_partial_or_people_and_partial_or_people_say_why():
    wrong = [(r.line, r.status) for r in _rows() if r.word is None or (r.word != "done" and not r.why)]
    assert wrong == [], "a status is done, partial — what is missing, or people — why people do it"


def test_rows__without_tests__only_people():
    assert [(r.line, r.item) for r in _rows() if r.word != "people" and not r.test_refs] == []


def test_doc__every_test_named__exists():
    missing = []
    for match in TEST_REF.finditer(DOC.read_text(encoding="utf-8")):
        path, name = match["file"], match["name"]
        if not (ROOT / path).is_file():
            missing.append(f"{path} (no such file)")
        elif name not in _tests_defined(path):
            missing.append(f"{path}::{name}")
    assert sorted(set(missing)) == []


def test_doc__every_file_pointed_to__exists():
    text = DOC.read_text(encoding="utf-8")
    paths = {m["path"] for m in PATH_REF.finditer(text)} - {m["file"] for m in TEST_REF.finditer(text)}
    assert sorted(p for p in paths if not (ROOT / p).is_file()) == []


@functools.cache
def _python_names(path: str) -> frozenset[str]:
    """The functions, classes and assigned names at a Python module's top level."""
    names = set()
    for node in ast.parse(_text(path), filename=path).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


@functools.cache
def _text(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def _defines(path: str, name: str) -> bool:
    """`path` defines `name` (a function, class or constant; `Class.field` is a class and a word in the file)."""
    head, _, field = name.partition(".")
    text = _text(path)
    if path.endswith(".py"):
        return head in _python_names(path) and (not field or re.search(rf"\b{re.escape(field)}\b", text) is not None)
    if path.endswith(".vy"):  # an external or internal function, or a storage variable or constant
        return re.search(rf"^def {re.escape(head)}\(|^{re.escape(head)}:", text, re.MULTILINE) is not None
    return True  # a template: the file is enough


def test_doc__every_function_pointed_to__exists_in_its_file():
    text = DOC.read_text(encoding="utf-8")
    missing = {f"{m['path']}: {name}" for m in PATH_REF.finditer(text) if m["names"] and (ROOT / m["path"]).is_file()
               for name in (n.strip() for n in m["names"].split(",")) if not _defines(m["path"], name)}
    assert sorted(missing) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("`tests/gateway/test_x.py::test_a__b__c[one-two]`", [("tests/gateway/test_x.py", "test_a__b__c")]),
    ("`tests/a.py::test_b`<br>`tests/c/d.py::test_e`", [("tests/a.py", "test_b"), ("tests/c/d.py", "test_e")]),
    ("", []),
])
def test_test_refs__parser__strips_parameter_ids(text, expected):
    assert Row(0, "", "", "done", "", text).test_refs == expected


@pytest.mark.parametrize(("status", "word", "why"), [
    ("done", "done", None),
    ("partial — no page yet", "partial", "no page yet"),
    ("people — judged in person", "people", "judged in person"),
    ("missing — later", None, None),
    ("people", "people", None),
])
def test_status__parser__word_and_reason(status, word, why):
    row = Row(0, "", "", status, "", "")
    assert (row.word, row.why) == (word, why)
