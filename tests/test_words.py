"""The word catalogue says each key once: a dict literal keeps the last of two entries silently, so a new
key that repeats an old one would change words on pages nobody looked at."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[1] / "gateway" / "catalogue" / "words.py"


def test_catalogue__every_key_said_once():
    tree = ast.parse(CATALOGUE.read_text(encoding="utf-8"))
    keys = Counter(key.value for node in ast.walk(tree) if isinstance(node, ast.Dict)
                   for key in node.keys if isinstance(key, ast.Constant) and isinstance(key.value, str))
    assert [key for key, times in keys.items() if times > 1] == []
