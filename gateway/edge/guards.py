"""What every request passes before any route (DESIGN §9), as plain ASGI middleware
(not @app.middleware, which wraps every request in a task and streams it): the
client's address, believed from forwarded headers only when a configured proxy sent
them; the host it asked for; the size of its body, refused from its Content-Length or
as it streams, before a route reads it or anyone is authenticated; its rate per client
address; and the security headers of every answer."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..core.settings import Settings
from ..core.throttle import SlidingWindow

log = logging.getLogger(__name__)

# refuse(scope, status, code, message, headers) → the answer in the one error shape (api/app.py).
Refuse = Callable[[Scope, int, str, str, dict | None], ASGIApp]
Middleware = Callable[[ASGIApp], ASGIApp]

DOCUMENTS_PATH = "/api/v1/documents"
MULTIPART_ALLOWANCE = 64 * 1024  # a document's form encoding around its bytes
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# /docs loads the gateway's own copy of Swagger UI (api/app.py) and starts it with an inline script.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
MAX_JSON_DEPTH = 32  # no request of ours nests deeper than 6; the C decoder must never see 100,000


def middleware(settings: Settings, refuse: Refuse) -> list[Middleware]:
    """The gateway's middleware, outermost first."""
    proxies = Proxies(settings.trusted_proxies)
    proxies.tell_uvicorn()
    return [
        lambda app: forwarded(app, proxies),
        lambda app: security_headers(app, tiles=settings.map_tiles),
        lambda app: allowed_hosts(app, served_hosts(settings), refuse),
        lambda app: metrics_readers(app, settings, refuse),
        lambda app: body_limit(app, settings, refuse),
        lambda app: rate_limits(app, limits(settings), refuse),
    ]


# -- the client's address


def within(host: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    """Whether a client address is in one of the networks (a name, not an address, is in none)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


class Proxies:
    """The peers whose forwarded headers are believed: addresses or networks."""

    def __init__(self, trusted: list[str]):
        self.trusted = trusted
        self._networks = [ipaddress.ip_network(entry, strict=False) for entry in trusted]

    def trusts(self, host: str) -> bool:
        return within(host, self._networks)

    def tell_uvicorn(self) -> None:
        """uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise, and reads
        whom to believe when its server is configured, after the app is made: tell it ours."""
        os.environ["FORWARDED_ALLOW_IPS"] = ",".join(self.trusted)


def forwarded(app: ASGIApp, proxies: Proxies) -> ASGIApp:
    """From a trusted proxy, the client is the nearest untrusted hop of X-Forwarded-For, and the
    scheme is X-Forwarded-Proto; from anyone else both headers mean nothing. The first X-Forwarded-For
    from a peer not trusted is logged as a warning: a proxy left out of trusted_proxies makes every
    client one address, and its rates and log-in defences everyone's (README, threats and defences)."""
    warned = False

    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal warned
        peer = scope.get("client")
        if not warned and scope["type"] == "http" and peer and not proxies.trusts(peer[0]) \
                and b"x-forwarded-for" in (name for name, _ in scope["headers"]):
            warned = True
            log.warning("X-Forwarded-For came from %s, which is not in trusted_proxies: if it is your proxy, "
                        "add it (TANQUAN_TRUSTED_PROXIES), or every client counts as that one address", peer[0])
        if scope["type"] == "http" and peer and proxies.trusts(peer[0]):
            headers = Headers(scope=scope)
            hops = [hop.strip() for value in headers.getlist("x-forwarded-for") for hop in value.split(",") if hop.strip()]
            client = peer[0]
            while hops and proxies.trusts(client):
                client = hops.pop()
            scope = {**scope, "client": (client, 0)}
            if (scheme := headers.get("x-forwarded-proto", "").strip().lower()) in ("http", "https"):
                scope["scheme"] = scheme
        await app(scope, receive, send)

    return guard


def client_of(scope: Scope) -> str:
    return scope["client"][0] if scope.get("client") else "unknown"


# -- security headers


def security_headers(app: ASGIApp, *, tiles: str | None = None) -> ASGIApp:
    """Every answer: a content security policy that frames nothing, nosniff, a referrer policy;
    over HTTPS, HSTS and every cookie Secure. No server banner from the app. With a tile service configured
    (settings.map_tiles), the maps' images may come from its host too."""
    pages = CSP
    if tiles:
        origin = urlsplit(tiles)  # a subdomain placeholder (t{s}.tianditu.gov.cn) admits the domain's hosts
        host = re.sub(r"^[^.]*\{s\}[^.]*", "*", origin.netloc)
        pages = CSP.replace("img-src 'self' data:", f"img-src 'self' data: {origin.scheme}://{host}")

    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        https = scope.get("scheme") == "https"
        csp = DOCS_CSP if scope["path"] in ("/docs", "/docs/oauth2-redirect", "/redoc") else pages

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in {**HEADERS, "content-security-policy": csp}.items():
                    headers.setdefault(name, value)
                del headers["server"]
                if https:
                    headers.setdefault("strict-transport-security", HSTS)
                    cookies = [c if "; secure" in c.lower() else c + "; Secure" for c in headers.getlist("set-cookie")]
                    del headers["set-cookie"]
                    for cookie in cookies:
                        headers.append("set-cookie", cookie)
            await send(message)

        await app(scope, receive, send_with_headers)

    return guard


# -- hosts


def served_hosts(settings: Settings) -> set[str]:
    hosts = {host.lower() for host in settings.allowed_hosts}
    if public := urlsplit(settings.public_base_url).hostname:
        hosts.add(public.lower())
    return hosts


_HOST = re.compile(r"(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:[0-9]{1,5})?", re.IGNORECASE | re.ASCII)


def host_name(host_header: str) -> str:
    """The name of a Host header without its port: `[::1]:8000` → `::1`. A header that is not a name
    and a port (`127.0.0.1:80@evil.example`, a user part, a path) names nothing: ''."""
    match = _HOST.fullmatch(host_header)
    return match[1].strip("[]").lower() if match else ""


IN_PROCESS = "testclient"  # the client Starlette's in-process TestClient names (`tanquan demo` drives one)


def allowed_hosts(app: ASGIApp, hosts: set[str], refuse: Refuse) -> ASGIApp:
    """Only the configured host names are served (against DNS rebinding and forged Host headers, which
    need a network: a call from inside the process has none and is let through)."""

    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and client_of(scope) != IN_PROCESS
                and host_name(Headers(scope=scope).get("host", "")) not in hosts):
            response = refuse(scope, 400, "HOST_NOT_ALLOWED", "this gateway does not serve that host name", None)
            return await response(scope, receive, send)
        await app(scope, receive, send)

    return guard


METRICS_PATH = "/metrics"


def metrics_readers(app: ASGIApp, settings: Settings, refuse: Refuse) -> ASGIApp:
    """/metrics (the counts of routes, queues and blocks) is the operator's: read from the addresses of
    metrics_readers (loopback: a scraper on the host), from inside the process, or with metrics_token
    as a bearer. Anyone else is refused 403 as if it were a page they may not read."""
    readers = [ipaddress.ip_network(entry, strict=False) for entry in settings.metrics_readers]
    token = f"Bearer {settings.metrics_token}".encode() if settings.metrics_token else None

    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == METRICS_PATH:
            client = client_of(scope)
            sent = Headers(scope=scope).get("authorization", "").encode()
            if not (client == IN_PROCESS or within(client, readers) or token and hmac.compare_digest(sent, token)):
                response = refuse(scope, 403, "METRICS_FORBIDDEN", "metrics are read from the operator's addresses "
                                  "(metrics_readers) or with its token (metrics_token)", None)
                return await response(scope, receive, send)
        await app(scope, receive, send)

    return guard


# -- body sizes


def body_limit(app: ASGIApp, settings: Settings, refuse: Refuse) -> ASGIApp:
    """A body over the limit is refused with 413 and the connection closed: at once from its
    Content-Length, else as soon as the streamed bytes pass it (the route then sees the
    client gone). Documents have their own, larger limit."""

    def limit_of(path: str) -> int:
        if path.rstrip("/") == DOCUMENTS_PATH:
            return settings.max_document_bytes + MULTIPART_ALLOWANCE
        return settings.max_request_bytes

    def too_large(scope: Scope, limit: int) -> ASGIApp:
        return refuse(scope, 413, "BODY_TOO_LARGE", f"the request body is limited to {limit} bytes here",
                      {"Connection": "close"})

    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        limit = limit_of(scope["path"])
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                response = refuse(scope, 400, "BAD_CONTENT_LENGTH", "the Content-Length is not a number",
                                  {"Connection": "close"})
                return await response(scope, receive, send)
            if int(declared) > limit:
                return await too_large(scope, limit)(scope, receive, send)
        received = 0
        refused = started = False
        json_chunks: list[bytes] | None = [] if _is_json(scope) else None

        async def refuse_with(answer: ASGIApp) -> Message:
            nonlocal refused
            refused = True
            if not started:
                await answer(scope, receive, send)
            return {"type": "http.disconnect"}

        async def counted_receive() -> Message:
            nonlocal received
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    return await refuse_with(too_large(scope, limit))
                if json_chunks is not None:
                    json_chunks.append(chunk)
                    if not message.get("more_body", False) and json_too_deep(b"".join(json_chunks), MAX_JSON_DEPTH):
                        return await refuse_with(refuse(
                            scope, 400, "JSON_TOO_DEEP", f"JSON nested deeper than {MAX_JSON_DEPTH} levels is not read "
                                                         "here", {"Connection": "close"}))
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 was the answer
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, counted_receive, guarded_send)
        except ClientDisconnect:
            if not refused:
                raise  # the route read a body we had refused: that was the answer, not an error

    return guard


# -- JSON nesting

_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_STRING = re.compile(rb'"[^"]*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _is_json(scope: Scope) -> bool:
    """Bodies some route may parse as JSON: declared JSON, undeclared, or the JSON-RPC's whatever it says."""
    if scope["method"] in ("GET", "HEAD", "OPTIONS"):
        return False
    kind = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
    return not kind or kind.endswith("json") or scope["path"] == "/rpc"


def json_too_deep(body: bytes, limit: int) -> bool:
    """Whether a JSON text opens more than `limit` arrays or objects inside each other (brackets in
    strings do not count). Cheap for what requests send: only a body with more than `limit`
    brackets is walked, and then only its brackets."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for byte in _STRING.sub(b"", _ESCAPE.sub(b"", body)).translate(None, _NOT_BRACKETS):
        if byte in b"[{":
            depth += 1
            if depth > limit:
                return True
        elif byte in b"]}":
            depth -= 1
    return False


# -- rates


@dataclass(frozen=True)
class Limit:
    applies: Callable[[str, str], bool]  # (method, path) → whether this limit counts the request
    window: SlidingWindow
    message: str


def _is_page(path: str) -> bool:
    return not path.startswith(("/api/", "/static/", "/docs", "/redoc", "/openapi.json", "/healthz", "/readyz", "/rpc",
                                "/log/"))


def limits(settings: Settings) -> list[Limit]:
    logins = {"/api/v1/auth/login", "/console/login"}
    return [
        Limit(lambda method, path: path.startswith(("/api/v1/public/", "/log/")) or path == "/rpc",
              SlidingWindow(settings.public_requests_per_minute, 60), "too many requests; try again in a minute"),
        Limit(lambda method, path: _is_page(path),
              SlidingWindow(settings.page_requests_per_minute, 60), "too many requests; try again in a minute"),
        Limit(lambda method, path: method == "POST" and path in logins,
              SlidingWindow(settings.login_requests_per_minute, 60), "too many log-ins; try again in a minute"),
        Limit(lambda method, path: method == "POST" and path == "/api/v1/auth/holders",
              SlidingWindow(settings.registrations_per_hour, 3600), "too many new accounts; try again in an hour"),
    ]


def rate_limits(app: ASGIApp, limits: list[Limit], refuse: Refuse) -> ASGIApp:
    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            client = client_of(scope)
            for limit in limits:
                if limit.applies(scope["method"], scope["path"]) and not limit.window.allow(client):
                    response = refuse(scope, 429, "RATE_LIMITED", limit.message,
                                      {"Retry-After": str(int(limit.window.seconds))})
                    return await response(scope, receive, send)
        await app(scope, receive, send)

    return guard
