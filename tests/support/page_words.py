"""Pages in words (issue: no page renders an internal key): every HTML page the served gateway answers is read as
a person reads it, its text without scripts and styles, and what would be an internal name is reported: a key of
the word catalogue or a step's id left unsaid (`action.reissue`, `document.upload`: what t() answers for a key it
lacks), a code where words belong on a Chinese page (`BANK_TRANSFER`, `SUPPLEMENT_REQUIRED`, and a one-word one
such as `PLEDGED` or `FOREST`: every name the catalogue knows as a state, an enum's member, a role or a key's
part, unless the catalogue's own Chinese words use it, as CCER), and a raw 0x address or transaction hash. Only a
hash column, an element of class `hash` (or code, kbd, samp), may show addresses, hashes and codes; `mono` is a
typeface, not an exemption. `PageWords` wraps the app; the browser tests fail on any page it flagged while they
ran (tests/browser/conftest.py)."""

from __future__ import annotations

import enum
import re
from html.parser import HTMLParser

from chain import states
from gateway.catalogue import lifecycles
from gateway.catalogue.lifecycles import LIFECYCLES
from gateway.catalogue.steps import CATALOGUE
from gateway.web.i18n import MESSAGES

ONE_WORD = re.compile(r"[A-Z][A-Z0-9]+")


def _codes() -> frozenset[str]:
    """The one-word codes a page must not show raw: the catalogue's states, enum members, roles and keys' parts,
    less the words its Chinese text itself uses (CCER, PDF)."""
    enums = [value for value in vars(states).values() if isinstance(value, type) and issubclass(value, enum.Enum)]
    names = {member for kind in enums for member in kind.__members__}
    names |= {state for lifecycle in LIFECYCLES for state in lifecycle.states}
    names |= {state for step in CATALOGUE for state in lifecycles.states_of(step)} | {
        role for step in CATALOGUE for role in step.roles}
    names |= {part for key in MESSAGES for part in key.split(".")}
    said = {word for zh, _ in MESSAGES.values() for word in ONE_WORD.findall(zh)}
    return frozenset(name for name in names if ONE_WORD.fullmatch(name)) - said


KEY_PREFIXES = sorted({key.split(".")[0] for key in [*MESSAGES, *(step.id for step in CATALOGUE)]}, key=len,
                      reverse=True)
INTERNAL_KEY = re.compile(r"\b(?:%s)\.[a-z][a-z_]*(?:\.[A-Za-z_]+)*\b" % "|".join(map(re.escape, KEY_PREFIXES)))
ADDRESS = re.compile(r"\b0x(?:[0-9a-fA-F]{64}|[0-9a-fA-F]{40})(?![0-9a-fA-F])")  # an account's, or a transaction's
CODE = re.compile(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b|\b(?:%s)\b" % "|".join(sorted(_codes(), key=len, reverse=True)))
HASH_CLASSES = {"hash"}
HASH_TAGS = {"code", "kbd", "samp"}
SILENT_TAGS = {"script", "style", "template"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # each open element: its tag, and whether it is a hash column
        self.found: list[str] = []
        self.chinese = False  # <html lang="zh-…">

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.chinese = (dict(attrs).get("lang") or "").startswith("zh")
        if tag in VOID_TAGS:
            return
        classes = set((dict(attrs).get("class") or "").split())
        self.stack.append((tag, tag in HASH_TAGS or bool(classes & HASH_CLASSES)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):  # browsers close what a stray end tag leaves open
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if any(tag in SILENT_TAGS for tag, _ in self.stack):
            return
        self.found += [f"internal key {m.group(0)!r}" for m in INTERNAL_KEY.finditer(data)]
        if not any(hashed for _, hashed in self.stack):
            self.found += [f"raw {'address' if len(m.group(0)) == 42 else 'hash'} {m.group(0)} outside a hash column" for m in ADDRESS.finditer(data)]
            if self.chinese:
                self.found += [f"code {m.group(0)!r} on a Chinese page" for m in CODE.finditer(data)]


def internal_names(html: str) -> list[str]:
    """What a person would read on this page that is the registry's internal name, not a word."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.found


class PageWords:
    """ASGI middleware: reads every text/html answer; `flagged` lists (path, what) of each page with internal names."""

    def __init__(self, app):
        self.app = app
        self.flagged: list[tuple[str, list[str]]] = []

    def __getattr__(self, name):  # the app's own attributes (state, routes) as before
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        html, body = False, []

        async def reading(message):
            nonlocal html
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                html = headers.get(b"content-type", b"").startswith(b"text/html")
            elif message["type"] == "http.response.body" and html:
                body.append(message.get("body", b""))
                if not message.get("more_body") and (found := internal_names(b"".join(body).decode("utf-8", "replace"))):
                    query = scope["query_string"].decode()
                    self.flagged.append((scope["path"] + (f"?{query}" if query else ""), found))
            await send(message)

        await self.app(scope, receive, reading)
