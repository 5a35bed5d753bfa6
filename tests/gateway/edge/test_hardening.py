"""What every request passes, and the accounts' defences (DESIGN §9): body sizes, hosts,
security headers, rates per client address with forwarded headers believed only from
configured proxies, log-in lockouts and bounded password hashing, CSRF on cookie writes,
API keys that expire and can be revoked, registration that makes no key, and the small
refusals: long usernames, weak passwords, formula cells, malformed hashes, unsafe
document types, another's documents, unfinished periods and look-alike digits.
Network-facing checks run on a served gateway, with real requests, bounded in number."""

from __future__ import annotations

import hashlib
import socket
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import event, func, insert, select

from gateway.api.app import create_app
from gateway.core.db import Document, DocumentUpload, User
from gateway.demo import DEMO_PASSWORD, OFFICIALS
from gateway.edge.deps import SESSION_COOKIE
from gateway.core.security import csrf_token
from gateway.services import audit
from gateway.services.logins import DEVICE_COOKIE, LoginGuard
from gateway.core.settings import get_settings
from support import api
from support.http import API, error_of, login, ok


def _raw(url: str, head: bytes, body_chunks=(), timeout: float = 10) -> bytes:
    """Send a raw request (headers, then body chunks until the server stops reading) and read the answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as conn:
        conn.sendall(head)
        try:
            for chunk in body_chunks:
                conn.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        return answer


# -- body sizes (refused before any route reads them or anyone is authenticated)


def test_upload__declares_1_gib_without_login__413_at_once_not_401(served):
    url = served()
    answer = _raw(url, b"POST /api/v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
                       b"boundary=x\r\nContent-Length: 1073741824\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"code":"BODY_TOO_LARGE"' in answer


def test_upload__chunked_past_the_limit__413_and_the_rest_unread(served, settings):
    url = served(max_document_bytes=256 * 1024)
    preamble = b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n'
    chunks = [preamble] + [b"x" * 65536] * 64  # 4 MiB offered, 16× the limit
    body = (b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks)
    answer = _raw(url, b"POST /api/v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
                       b"boundary=x\r\nTransfer-Encoding: chunked\r\n\r\n", body)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert not list((settings.data_dir / "documents").glob("*.tmp")) if (settings.data_dir / "documents").exists() else True


def test_upload__same_file_kept_by_another_gateway_process_a_moment_before__201_and_one_document(
    client, gateway, officials
):
    """Two gateway processes on one database (README "Replicas") may keep the same new file at once: the
    second finds the first's row at its flush, and the upload is still the uploader's, not a 500."""
    content = f"%PDF kept by two gateway processes {time.time_ns()}".encode()
    digest = hashlib.sha256(content).hexdigest()
    with gateway.db.sessions() as db:
        centre = db.scalar(select(User.id).where(User.username == OFFICIALS["CENTER"]))

    kept = []

    def other_process_keeps_it(session, _context, _instances):
        if not kept and any(isinstance(row, Document) and row.sha256 == digest for row in session.new):
            kept.append(digest)
            with gateway.db.engine.begin() as connection:
                connection.execute(insert(Document).values(sha256=digest, filename="other.pdf", size=len(content),
                                                           uploaded_by=centre, content_type="application/pdf"))

    event.listen(gateway.db.sessions, "before_flush", other_process_keeps_it)
    try:
        answer = client.post(f"{API}/documents", headers=officials["CENTER"],
                             files={"file": ("证件扫描件.pdf", content, "application/pdf")})
    finally:
        event.remove(gateway.db.sessions, "before_flush", other_process_keeps_it)

    assert ok(answer)["sha256"] == digest and kept == [digest]
    with gateway.db.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Document).where(Document.sha256 == digest)) == 1
        assert db.get(DocumentUpload, (digest, centre)) is not None


def test_json_write__body_over_the_limit__413_body_too_large(client):
    response = client.post(f"{API}/auth/login", content=b"{" + b" " * (1024 * 1024) + b"}",
                           headers={"Content-Type": "application/json"})
    error_of(response, 413, "BODY_TOO_LARGE")


# -- hosts and headers


def test_request__host_not_configured__400_host_not_allowed(served):
    url = served()
    assert httpx.get(f"{url}/api/v1/public/stats", headers={"Host": "evil.example"}).status_code == 400
    assert httpx.get(f"{url}/api/v1/public/stats", headers={"Host": "evil.example"}).json()["code"] == "HOST_NOT_ALLOWED"
    assert httpx.get(f"{url}/api/v1/public/stats").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/public/stats", "/", "/no-such-page", "/static/style.css", "/api/v1/auth/me"])
def test_every_answer__security_headers_and_no_server_banner(served, path):
    response = httpx.get(served() + path)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "server" not in response.headers
    assert "strict-transport-security" not in response.headers  # plain HTTP


def test_over_https__hsts_and_the_session_cookie_secure(client):
    with TestClient(client.app, base_url="https://testserver") as browser:
        response = browser.post("/console/login", data={"username": OFFICIALS["CENTER"], "password": DEMO_PASSWORD},
                                follow_redirects=False)
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert "Secure" in response.headers["set-cookie"]


def test_qr_code_address__is_the_configured_one_whatever_the_host_asked(client, mint, new_holder):
    number = mint(new_holder())
    response = client.get(f"/certificates/coupons/{number}.pdf", headers={"Host": "evil.example"})
    from support.pdf_qr import decode_qr, pdf_pages
    assert decode_qr(pdf_pages(response.content)[0]) == [f"http://testserver/coupons/{number}"]


# -- rates per client address


def test_public_limit__forwarded_for_rotated_from_127_0_0_1__still_counted_as_one_client(served):
    url = served(public_requests_per_minute=5)
    statuses = [httpx.get(f"{url}/api/v1/public/stats", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
                for i in range(7)]
    assert statuses == [200] * 5 + [429] * 2


def test_public_limit__forwarded_for_from_a_trusted_proxy__counts_each_client(served):
    url = served(public_requests_per_minute=5, trusted_proxies=["127.0.0.1"])
    statuses = [httpx.get(f"{url}/api/v1/public/stats", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
                for i in range(7)]
    assert statuses == [200] * 7


@pytest.mark.parametrize("limit, method, path, body", [
    ("login_requests_per_minute", "POST", "/api/v1/auth/login", {"username": "nobody", "password": "x"}),
    ("registrations_per_hour", "POST", "/api/v1/auth/holders", {}),
    ("page_requests_per_minute", "GET", "/listings", None),
])
def test_limit__log_in_registration_and_pages__429_past_it(settings, gateway, limit, method, path, body):
    with TestClient(create_app(settings.model_copy(update={limit: 3}), gateway=gateway)) as client:
        statuses = [client.request(method, path, json=body).status_code for _ in range(4)]
    assert 429 not in statuses[:3] and statuses[3] == 429


# -- log-ins: lockouts that end by themselves, bounded hashing, unknown users cost the same


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


PROXY = "10.9.9.9"  # the guarded client's peer: a trusted proxy, so X-Forwarded-For names the client


@pytest.fixture
def guarded(settings, gateway):
    """A test client behind a trusted proxy whose log-ins, on a clock we move, lock after 3 failures per
    account and address for 60 s, and slow an account to one try per 10 s after 6 failures from anywhere."""
    limits = settings.model_copy(update={"login_failures_per_account": 3, "login_failures_before_slowing": 6,
                                         "login_slow_seconds": 10, "login_lockout_seconds": 60,
                                         "trusted_proxies": [PROXY]})
    app = create_app(limits, gateway=gateway)
    clock = Clock()
    with TestClient(app, client=(PROXY, 5000)) as client:
        app.state.logins = LoginGuard(limits, clock, slowed=app.state.logins._slowed)
        yield client, clock


def _log_in(client, username, password, address="192.0.2.1", device=None):
    """A log-in from `address`, with the device cookie `device` or none; returns the answer (the cookie in its jar is cleared)."""
    headers = {"X-Forwarded-For": address} | ({"Cookie": f"{DEVICE_COOKIE}={device}"} if device else {})
    client.cookies.clear()
    response = client.post(f"{API}/auth/login", json={"username": username, "password": password}, headers=headers)
    client.cookies.clear()
    return response


def test_login__three_failures_from_one_address__that_address_held_back_not_another(guarded, new_holder):
    client, clock = guarded
    holder = new_holder()
    for _ in range(3):
        error_of(_log_in(client, holder.username, "wrong-password-1", "192.0.2.66"), 401, "LOGIN_FAILED")
    error_of(_log_in(client, holder.username, DEMO_PASSWORD, "192.0.2.66"), 429, "LOGIN_LOCKED")
    assert _log_in(client, holder.username, DEMO_PASSWORD, "192.0.2.7").status_code == 200  # the owner, elsewhere
    clock.now += 61
    assert _log_in(client, holder.username, DEMO_PASSWORD, "192.0.2.66").status_code == 200


def test_login__failures_from_many_addresses__account_slowed_never_locked_and_drc_told(guarded, new_holder, gateway):
    client, clock = guarded
    holder = new_holder()
    for i in range(6):  # one failure from each of six addresses: no address is ever locked
        error_of(_log_in(client, holder.username, "wrong-password-1", f"198.51.100.{i}"), 401, "LOGIN_FAILED")
    for _ in range(3):  # the attacker keeps trying, itself slowed; the owner still gets in, at most 10 s later
        assert _log_in(client, holder.username, "wrong-password-1", "198.51.100.50").status_code in (401, 429)
        body = error_of(_log_in(client, holder.username, DEMO_PASSWORD, "192.0.2.7"), 429, "LOGIN_SLOWED")
        assert 0 < body["detail"]["retry_after_s"] <= 10
        clock.now += 10
        assert _log_in(client, holder.username, DEMO_PASSWORD, "192.0.2.7").status_code == 200
        clock.now += 1
    with gateway.db.sessions() as db:
        told = [entry for entry in audit.latest(db, 50) if entry.action == "auth.login_slowed"]
    assert [(entry.username, entry.request, entry.outcome) for entry in told] == [(holder.username, {"failures": 6}, "slowed")]


def test_login__a_device_that_logged_in_before__let_through_while_locked_and_slowed(guarded, new_holder):
    client, _clock = guarded
    holder = new_holder()
    device = _log_in(client, holder.username, DEMO_PASSWORD, "192.0.2.7").cookies[DEVICE_COOKIE]
    for i in range(6):
        _log_in(client, holder.username, "wrong-password-1", "192.0.2.7" if i < 3 else f"198.51.100.{i}")
    error_of(_log_in(client, holder.username, DEMO_PASSWORD, "192.0.2.7"), 429, "LOGIN_LOCKED")
    assert _log_in(client, holder.username, DEMO_PASSWORD, "192.0.2.7", device=device).status_code == 200
    error_of(_log_in(client, holder.username, "wrong-password-1", "198.51.100.9"), 401, "LOGIN_FAILED")  # its try of these 10 s
    error_of(_log_in(client, holder.username, DEMO_PASSWORD, "192.0.2.99", device="made-up"), 429, "LOGIN_SLOWED")
    assert _log_in(client, holder.username, DEMO_PASSWORD, "192.0.2.99", device=device).status_code == 200


def test_forwarded_for_from_an_untrusted_peer__warned_once_and_not_believed(settings, gateway, caplog):
    with TestClient(create_app(settings, gateway=gateway), client=(PROXY, 5000)) as client:  # no trusted proxies
        for address in ("192.0.2.1", "192.0.2.2"):
            client.get("/healthz", headers={"X-Forwarded-For": address})
    warnings = [record.getMessage() for record in caplog.records if record.name == "gateway.edge.guards"]
    assert len(warnings) == 1 and PROXY in warnings[0] and "trusted_proxies" in warnings[0]


def test_login__unknown_user__one_password_hash_checked_like_a_known_one(client, monkeypatch):
    verified = []
    original = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, h, p: verified.append(h) or original(self, h, p))
    error_of(_log_in(client, "no-such-user-at-all", "wrong-password-1"), 401, "LOGIN_FAILED")
    error_of(_log_in(client, OFFICIALS["CENTER"], "wrong-password-1"), 401, "LOGIN_FAILED")
    assert len(verified) == 2 and verified[0].startswith("$argon2id$")


def test_login__16_bad_log_ins_at_once__at_most_the_settings_hashes_run_together(served, monkeypatch):
    url = served()
    running, most = 0, 0
    lock = threading.Lock()
    original = PasswordHasher.verify

    def slow_verify(self, hashed, password):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.1)
            return original(self, hashed, password)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(PasswordHasher, "verify", slow_verify)
    start = threading.Barrier(16)

    def attempt(i: int) -> int:
        start.wait()
        return httpx.post(f"{url}{API}/auth/login", json={"username": f"nobody-{i}", "password": "x"}, timeout=60).status_code

    with ThreadPoolExecutor(16) as pool:
        assert set(pool.map(attempt, range(16))) == {401}
    assert 1 <= most <= get_settings().password_hashes_at_once


# -- registration


def test_register__no_key_and_no_address_until_the_centre_verifies_the_account(client, gateway):
    holder = api.register_holder(client, verified=False)
    keys = gateway.settings.data_dir / "keys" / f"holder-{holder.username}.json"
    assert holder.address is None and not keys.exists()
    assert ok(client.get(f"{API}/coupons", headers=holder.headers)) == []
    api.verify_account(client, holder.username, holder.identity)
    assert holder.address is not None and keys.exists()
    assert gateway.registry.chain.balance(holder.address) > 0


def test_register__60_character_username__422_not_500(client):
    response = client.post(f"{API}/auth/holders", json=api.holder_form("h" * 60))
    error_of(response, 422, "INVALID_INPUT")


@pytest.mark.parametrize("password", ["password123", "1234567890", "qwertyuiop", "aaaaaaaaaa"])
def test_register__common_or_trivial_password__422_weak_password(client, password):
    response = client.post(f"{API}/auth/holders", json=api.holder_form("weak-pw-holder", password=password))
    error_of(response, 422, "WEAK_PASSWORD")


def test_register__8_at_once_with_one_username__one_201_the_rest_409(served):
    url = served()
    start = threading.Barrier(8)

    def register(i: int) -> httpx.Response:
        start.wait()
        return httpx.post(f"{url}{API}/auth/holders", timeout=60,
                          json=api.holder_form("same-name-race", display_name=f"x{i}"))

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(register, range(8)))
    assert sorted(r.status_code for r in responses) == [201] + [409] * 7
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"USERNAME_TAKEN"}


# -- CSRF on writes made with the session cookie


@pytest.fixture
def cookie_session(client, new_holder):
    holder = new_holder()
    browser = TestClient(client.app)
    browser.post("/console/login", data={"username": holder.username, "password": DEMO_PASSWORD})
    yield browser, browser.cookies[SESSION_COOKIE]
    browser.close()


PURCHASE = {"amount_t": "1", "reason": "VOLUNTARY", "commitment": True, "signed_form": "ab" * 32}


def test_cookie_write__without_the_csrf_token__403_csrf_failed(cookie_session):
    browser, _ = cookie_session
    error_of(browser.post(f"{API}/purchases", json=PURCHASE), 403, "CSRF_FAILED")


def test_cookie_write__from_another_port_of_this_host__403_csrf_failed(cookie_session):
    browser, session = cookie_session
    response = browser.post(f"{API}/purchases", json=PURCHASE,
                            headers={"X-CSRF-Token": csrf_token(session), "Origin": "http://testserver:9999"})
    error_of(response, 403, "CSRF_FAILED")


def test_cookie_write__with_the_pages_token__done(cookie_session):
    browser, session = cookie_session
    page = browser.get("/console").text
    assert f'<meta name="csrf-token" content="{csrf_token(session)}">' in page
    headers = {"X-CSRF-Token": csrf_token(session), "Origin": "http://testserver"}
    signed = ok(browser.post(f"{API}/documents", headers=headers,
                             files={"file": ("购买申请书.pdf", b"%PDF signed purchase application", "application/pdf")}))
    response = browser.post(f"{API}/purchases", json={**PURCHASE, "signed_form": signed["sha256"]}, headers=headers)
    assert response.status_code == 201, response.text


def test_console_logout__a_get_or_a_post_without_the_token__refused_and_still_logged_in(cookie_session):
    browser, _ = cookie_session
    assert browser.get("/console/logout").status_code == 405
    error_of_page = browser.post("/console/logout", data={"csrf_token": "forged"}, follow_redirects=False)
    assert error_of_page.status_code == 403
    assert browser.get("/console", follow_redirects=False).status_code == 200


# -- API keys and the API's log-out


def test_api_key__password_asked_again_expires_listed_and_revoked(client, new_holder):
    holder = new_holder()
    error_of(client.post(f"{API}/auth/api-keys", headers=holder.headers, json={"password": "wrong-password-1"}),
             401, "LOGIN_FAILED")
    error_of(client.post(f"{API}/auth/api-keys", headers=holder.headers, json={}), 422, "INVALID_INPUT")
    error_of(client.post(f"{API}/auth/api-keys", headers=holder.headers, json={"password": DEMO_PASSWORD, "days": 9999}),
             422, "API_KEY_TOO_LONG")
    key = ok(client.post(f"{API}/auth/api-keys", headers=holder.headers, json={"password": DEMO_PASSWORD, "days": 7}))
    assert key["expires_at"]
    assert client.get(f"{API}/auth/me", headers={"X-API-Key": key["api_key"]}).status_code == 200
    listed = ok(client.get(f"{API}/auth/api-keys", headers=holder.headers))
    assert [(k["id"], k["expired"]) for k in listed] == [(key["id"], False)]
    assert client.delete(f"{API}/auth/api-keys/{key['id']}", headers=holder.headers).status_code == 204
    error_of(client.get(f"{API}/auth/me", headers={"X-API-Key": key["api_key"]}), 401, "TOKEN_INVALID")
    assert ok(client.get(f"{API}/auth/api-keys", headers=holder.headers)) == []


def test_api_logout__the_bearer_token_stops_working(client, new_holder):
    headers = login(client, new_holder().username)
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    error_of(client.get(f"{API}/auth/me", headers=headers), 401, "TOKEN_INVALID")


# -- the small refusals


def test_registrations_csv__organisation_written_as_a_formula__neutralised(client, new_holder, mint):
    holder = new_holder('=HYPERLINK("http://evil.example","点击")')
    number = mint(holder)
    rows = [line for line in client.get(f"{API}/public/exports/registrations.csv").text.splitlines() if number in line]
    assert len(rows) == 1 and ",\"'=HYPERLINK(" in rows[0]


def test_document__uploaded_as_html__served_as_bytes_to_download(client, new_holder):
    holder = new_holder()
    response = client.post(f"{API}/documents", headers=holder.headers,
                           files={"file": ("x.html", b"<script>alert(1)</script>", "text/html")})
    download = client.get(f"{API}/documents/{ok(response)['sha256']}", headers=holder.headers)
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"


def test_application__citing_another_applicants_document__422_document_not_found(client, new_holder, upload):
    owner, other = new_holder(), new_holder()
    report = upload(owner.headers)
    response = client.post(f"{API}/applications", headers=other.headers, json=api.application_form(report))
    error_of(response, 422, "DOCUMENT_NOT_FOUND")
    same = upload(other.headers, f"%PDF shared {report}".encode())  # an identical upload makes it one's own too
    upload(owner.headers, f"%PDF shared {report}".encode())
    assert client.post(f"{API}/applications", headers=owner.headers,
                       json=api.application_form(same)).status_code == 201


def test_application__monitoring_period_not_ended__422_period_not_ended(client, new_holder, upload):
    holder = new_holder()
    form = api.application_form(upload(holder.headers), start="2025-01-01", end="2099-12-31")
    error_of(client.post(f"{API}/applications", headers=holder.headers, json=form), 422, "PERIOD_NOT_ENDED")


@pytest.mark.parametrize("amount", ["１００", "1_000", "１0", "1e3"])
def test_purchase__amount_with_full_width_digits_or_underscores__422(client, new_holder, amount):
    holder = new_holder()
    error_of(client.post(f"{API}/purchases", headers=holder.headers, json={**PURCHASE, "amount_t": amount}),
             422, "INVALID_INPUT")


# -- settlement: never beyond the purchase, never below the listing


def _listed(client, officials, holder, mint) -> str:
    number = mint(holder, claimed_t="10")
    api.list_coupon(client, officials, holder, number)
    return number


def _trade(client, officials, upload, number, purchase, amount_t, price="30.00"):
    return client.post(f"{API}/trades", headers=officials["CENTER"], json={
        "coupon": number, "purchase_id": purchase, "amount_t": amount_t, "price_yuan_per_t": price,
        "service_fee_yuan": "0", "agreement": upload(officials["CENTER"])})


def test_settle_trade__purchase_filled_by_two_trades__then_settled(client, officials, new_holder, mint, upload):
    seller, buyer = new_holder(), new_holder()
    first, second = _listed(client, officials, seller, mint), _listed(client, officials, seller, mint)
    purchase = {"purchase": api.accepted_purchase(client, officials, buyer, "3")}
    error_of(_trade(client, officials, upload, first, purchase["purchase"], "4"), 409, "AMOUNT_EXCEEDS_PURCHASE")
    ok(_trade(client, officials, upload, first, purchase["purchase"], "1"))
    error_of(_trade(client, officials, upload, second, purchase["purchase"], "3"), 409, "AMOUNT_EXCEEDS_PURCHASE")
    ok(_trade(client, officials, upload, second, purchase["purchase"], "2"))
    error_of(_trade(client, officials, upload, second, purchase["purchase"], "1"), 409, "PURCHASE_SETTLED")


def test_settle_trade__price_below_the_listing__422_nothing_sent(client, officials, new_holder, mint, upload, gateway):
    seller, buyer = new_holder(), new_holder()
    number = _listed(client, officials, seller, mint)
    purchase = {"purchase": api.accepted_purchase(client, officials, buyer, "1")}
    block = gateway.registry.chain.w3.eth.block_number
    error_of(_trade(client, officials, upload, number, purchase["purchase"], "1", price="29.99"), 422, "PRICE_BELOW_LISTED")
    assert gateway.registry.chain.w3.eth.block_number == block


@pytest.fixture
def full_database(gateway):
    """The gateway's own database (SQLite) held at the pages it has now, as a full disk holds it:
    SQLite's max_page_count, on every connection the pool opens, until the test frees the room."""
    engine = gateway.db.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's page cap stands for the full disk; PostgreSQL's 53100 is read the same way (db.disk_full)")
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()

    def cap(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", cap)
    engine.dispose()  # every connection from now on is capped
    try:
        yield lambda: (event.remove(engine, "connect", cap), engine.dispose())
    finally:
        if event.contains(engine, "connect", cap):
            event.remove(engine, "connect", cap)
            engine.dispose()


@pytest.fixture
def locked_database(gateway):
    """Another writer holds the gateway's database (SQLite) past the busy timeout, as hundreds of writers
    queued on its one write lock do: a connection of its own in BEGIN IMMEDIATE, the gateway's connections
    waiting 0.2 s instead of 10, until the test lets go."""
    engine = gateway.db.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL's 40001, 40P01 and 55P03 are read the same way (db.busy)")

    def impatient(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout = 200")

    event.listen(engine, "connect", impatient)
    engine.dispose()
    holder = sqlite3.connect(engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            holder.execute("ROLLBACK")
            holder.close()
            event.remove(engine, "connect", impatient)
            engine.dispose()

    try:
        yield release
    finally:
        release()


def test_register__the_database_locked_past_its_busy_timeout__503_server_busy_not_500_then_taken(client, locked_database):
    form = api.holder_form()
    refused = client.post(f"{API}/auth/holders", json=form)
    error_of(refused, 503, "SERVER_BUSY")
    assert refused.headers["Retry-After"] == "1"
    locked_database()
    again = client.post(f"{API}/auth/holders", json=form)  # the refused one kept nothing: the same form is new
    assert again.status_code == 201, again.text


def test_register__the_gateway_database_disk_full__503_disk_full_not_500_and_taken_once_there_is_room(client, full_database):
    forms = [api.holder_form() for _ in range(200)]
    answers = []
    for form in forms:  # a row at a time, until one needs a page the disk does not have
        answers.append(client.post(f"{API}/auth/holders", json=form))
        if answers[-1].status_code != 201:
            break
    refused = answers[-1]
    assert [a.status_code for a in answers[:-1]] == [201] * (len(answers) - 1)
    error_of(refused, 503, "DISK_FULL")
    full_database()  # the operator frees room
    form = forms[len(answers) - 1]
    again = client.post(f"{API}/auth/holders", json=form)  # the account and its audit entry share one
    assert again.status_code == 201, again.text              # transaction: the refused one kept neither
