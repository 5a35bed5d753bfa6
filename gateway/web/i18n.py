"""The pages' words: Chinese first, English by a switch (DESIGN §7), from the one catalogue
(gateway/catalogue/words.py)."""

from __future__ import annotations

from collections.abc import Callable

from ..catalogue.words import MESSAGES

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANGUAGE_COOKIE = "tanquan_lang"

def console_words(language: str) -> dict:
    """What static/console.js needs to say a refusal in the page's language: each error code's words,
    each form field's label (an INVALID_INPUT names the fields) and each role's name (who froze a coupon)."""
    column = LANGUAGES.index(language)
    words: dict[str, dict[str, str]] = {"errors": {}, "fields": {}, "roles": {}}
    for key, pair in MESSAGES.items():
        kind, _, name = key.partition(".")
        if kind in ("errors", "field", "role"):
            words["fields" if kind == "field" else kind + ("s" if kind == "role" else "")][name] = pair[column]
    return words


def language_of(query: str | None, cookie: str | None) -> str:
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def translator(language: str) -> Callable[[str], str]:
    column = LANGUAGES.index(language)

    def t(key: str) -> str:
        words = MESSAGES.get(key)
        return words[column] if words else key

    return t
