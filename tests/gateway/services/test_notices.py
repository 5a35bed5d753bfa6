"""Notices that reach people (services/notices.py): what newly waits on an account reaches its inbox and a
real SMTP server (aiosmtpd, in process), once; a department's daily digest of what is due; a failing SMTP
server fails no write and loses no message; the demo's log instead of a server; DRC reads the outbox."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import time

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update

from gateway.core.db import Notice

from gateway.services import notices
from gateway.catalogue.units import CST
from gateway.web import mail
from support import api
from support.http import API, error_of, ok

COMPOSE = mail.compose("http://testserver")


class Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


class Refusing(Inbox):
    """A server that answers every message with a temporary error until told to accept."""

    def __init__(self):
        super().__init__()
        self.refusing = True

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 mailbox busy, try again later"
        return await super().handle_DATA(server, session, envelope)


def _smtp_server(handler: Inbox):
    with socket.socket() as probe:  # a free port (the controller checks its own server by connecting to it)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return port, controller


@pytest.fixture
def smtp():
    received = Inbox()
    port, controller = _smtp_server(received)
    yield port, received
    controller.stop()


@pytest.fixture
def refusing_smtp():
    server = Refusing()
    port, controller = _smtp_server(server)
    yield port, server
    controller.stop()


def _settings(gateway, port: int):
    return gateway.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_tls": "none"})


def _round(gateway, settings=None) -> int:
    with gateway.db.sessions() as db:
        notices.scan(gateway, db, COMPOSE)
        return notices.send_due(gateway, db, settings=settings)


def _supplement_owed(client, officials, holder) -> int:
    application = api.submit(client, holder, api.application_form(api.upload(client, holder.headers)))
    ok(client.post(f"{API}/applications/{application.id}/formal-review", headers=officials["CENTER"],
                   json={"decision": "supplement", "missing_items": ["缺少林权证"]}))
    return application.id


def _to(received: Inbox, address: str) -> list:
    return [m for m in received.messages if m["To"] == address]


def test_new_item__reaches_the_account_by_smtp_once(client, gateway, officials, new_holder, smtp):
    port, received = smtp
    holder = new_holder()
    address = f"{holder.username}@village.example.cn"
    ok(client.post(f"{API}/auth/notices", headers=holder.headers, json={"email": address}))
    _round(gateway, _settings(gateway, port))  # whatever already waited is told first
    before = len(_to(received, address))
    application = _supplement_owed(client, officials, holder)
    _round(gateway, _settings(gateway, port))
    (message,) = _to(received, address)[before:]
    body = message.get_body().get_content()
    assert "【碳券】" in message["Subject"]
    assert "补正后重新提交" in body and "Resubmit with the missing items" in body
    assert f"http://testserver/console/applications#application-{application}" in body
    _round(gateway, _settings(gateway, port))
    assert len(_to(received, address)) == before + 1  # told once


def test_account_that_chose_no_new_items__is_not_told(client, gateway, officials, new_holder, smtp):
    port, received = smtp
    holder = new_holder()
    address = f"{holder.username}@quiet.example.cn"
    ok(client.post(f"{API}/auth/notices", headers=holder.headers, json={"email": address, "new_items": False}))
    _supplement_owed(client, officials, holder)
    _round(gateway, _settings(gateway, port))
    assert _to(received, address) == []


def test_failing_smtp_server__the_write_succeeds_and_the_message_is_sent_later(client, gateway, officials,
                                                                               new_holder, smtp):
    port, received = smtp
    holder = new_holder()
    address = f"{holder.username}@later.example.cn"
    ok(client.post(f"{API}/auth/notices", headers=holder.headers, json={"email": address}))
    _round(gateway, _settings(gateway, port))
    application = _supplement_owed(client, officials, holder)  # the write does not wait on any mail
    closed = _settings(gateway, 1)  # nothing listens on port 1
    assert _round(gateway, closed) == 0
    with gateway.db.sessions() as db:
        (queued,) = [n for n in notices.outbox(db) if n["to"] == address and n["sent_at"] is None]
    assert queued["attempts"] == 1 and "Error" in queued["last_error"]
    with gateway.db.sessions() as db:  # its retry's turn comes; the server answers again
        notices.send_due(gateway, db, settings=_settings(gateway, port),
                         now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2))
    (message,) = [m for m in _to(received, address) if f"application-{application}" in m.get_body().get_content()]
    assert message["To"] == address


def test_digest__a_department_gets_what_is_due_once_a_day(client, gateway, officials, new_holder, smtp):
    port, received = smtp
    address = "center-digest@heshan.example.cn"
    ok(client.post(f"{API}/auth/notices", headers=officials["CENTER"], json={"email": address, "new_items": False}))
    holder = new_holder()
    api.submit(client, holder, api.application_form(api.upload(client, holder.headers)))  # formal review: 2 days
    # 09:00 in Beijing a month on, past digest_hour: the formal review (2 working days) is overdue by then
    morning = (dt.datetime.now(CST) + dt.timedelta(days=30)).replace(hour=9, minute=0)
    with gateway.db.sessions() as db:
        first = notices.digest(gateway, db, COMPOSE, now=morning)
        again = notices.digest(gateway, db, COMPOSE, now=morning + dt.timedelta(hours=3))
        notices.send_due(gateway, db, settings=_settings(gateway, port))
    assert (first, again) == (1, 0)
    (message,) = _to(received, address)
    assert "形式审查" in message.get_body().get_content()


def test_without_smtp_server__the_message_is_written_to_the_log(client, gateway, officials, new_holder):
    holder = new_holder()
    address = f"{holder.username}@demo.example.cn"
    ok(client.post(f"{API}/auth/notices", headers=holder.headers, json={"email": address}))
    _supplement_owed(client, officials, holder)
    _round(gateway)  # the gateway's own settings: no smtp_host
    assert f"To: {address}" in (gateway.settings.data_dir / "notices.log").read_text(encoding="utf-8")


def test_outbox__drc_reads_it_others_do_not(client, officials, new_holder):
    assert isinstance(ok(client.get(f"{API}/notices", headers=officials["DRC"])), list)
    assert client.get(f"{API}/notices", headers=officials["CENTER"]).status_code == 403
    assert client.get(f"{API}/notices", headers=new_holder().headers).status_code == 403


def test_settings__bad_address_refused_and_nothing_changed(client, new_holder):
    holder = new_holder()
    ok(client.post(f"{API}/auth/notices", headers=holder.headers, json={"email": "a@b.cn"}))
    error_of(client.post(f"{API}/auth/notices", headers=holder.headers, json={"email": "not an address"}),
             422, "EMAIL_INVALID")
    assert ok(client.get(f"{API}/auth/notices", headers=holder.headers))["email"] == "a@b.cn"


def test_new_item__the_right_accounts_inbox_and_its_mail_name_it(client, gateway, officials, new_holder, smtp):
    """A loss report's 补正 (附件1 二(二)) reaches its owner's GET /inbox and the SMTP server, to the owner's address
    alone, naming the coupon and the step."""
    port, received = smtp
    owner, other = new_holder(), new_holder()
    addresses = {who.username: f"{who.username}@village.example.cn" for who in (owner, other)}
    for who in (owner, other):
        ok(client.post(f"{API}/auth/notices", headers=who.headers, json={"email": addresses[who.username]}))
    number = api.mint(client, officials, owner)
    api.lose(client, officials, owner, number, through="record")
    _round(gateway, _settings(gateway, port))  # whatever already waited is told first
    before = {address: len(_to(received, address)) for address in addresses.values()}
    ok(client.post(f"{API}/coupons/{number}/reissue/formal-review", headers=officials["CENTER"],
                   json={"decision": "supplement", "missing_items": ["林权证复印件"]}))

    (item,) = [i for i in ok(client.get(f"{API}/inbox", headers=owner.headers)) if i.get("coupon") == number]
    assert item["step"] == "coupon.reissue_resubmit"
    assert [i for i in ok(client.get(f"{API}/inbox", headers=other.headers)) if i.get("coupon") == number] == []
    _round(gateway, _settings(gateway, port))
    (message,) = _to(received, addresses[owner.username])[before[addresses[owner.username]]:]
    body = message.get_body().get_content()
    assert message["To"] == addresses[owner.username] and "【碳券】" in message["Subject"]
    assert number in body and "补齐材料后重新提交" in body and "Resubmit with the missing items" in body
    assert f"http://testserver{item['href']}" in body
    assert len(_to(received, addresses[other.username])) == before[addresses[other.username]]  # not another's


def _outbox_to(gateway, address: str) -> list[dict]:
    with gateway.db.sessions() as db:
        return [n for n in notices.outbox(db) if n["to"] == address]


def _eventually(check, *, seconds: float = 30):
    """What `check` returns once it is truthy, asking again for up to `seconds`."""
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.1)
    return found


def _due_now(gateway, address: str) -> None:
    """The backoff waited out: the message's next attempt is due (the courier retries it on its next round)."""
    with gateway.db.sessions() as db:
        db.execute(update(Notice).where(Notice.to_address == address, Notice.sent_at.is_(None))
                   .values(next_attempt_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
        db.commit()


def test_running_gateway__smtp_server_refusing_every_message__the_write_is_kept_and_the_message_sent_once_accepted(
    client, gateway, officials, new_holder, served, refusing_smtp
):
    port, server = refusing_smtp
    holder = new_holder()
    address = f"{holder.username}@busy.example.cn"
    ok(client.post(f"{API}/auth/notices", headers=holder.headers, json={"email": address}))
    application = api.submit(client, holder, api.application_form(api.upload(client, holder.headers)))
    with gateway.db.sessions() as db:  # whatever already waited is told first (to the demo's log)
        notices.scan(gateway, db, COMPOSE)
    base = served(smtp_host="127.0.0.1", smtp_port=port, smtp_tls="none", notices_every_seconds=0.2)

    started = time.monotonic()
    answer = httpx.post(f"{base}{API}/applications/{application.id}/formal-review", headers=officials["CENTER"],
                        json={"decision": "supplement", "missing_items": ["缺少林权证"]}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert time.monotonic() - started < 10  # the write waits on no mail
    record = ok(httpx.get(f"{base}{API}/applications/{application.id}", headers=holder.headers, timeout=30))
    assert record["status"] == "SUPPLEMENT_REQUIRED"  # kept

    def refused(attempts: int):
        return [n for n in _outbox_to(gateway, address) if n["attempts"] >= attempts and n["last_error"]]

    (queued,) = _eventually(lambda: refused(1))
    assert queued["sent_at"] is None and not queued["given_up"] and "451" in queued["last_error"]
    _due_now(gateway, address)  # retried on its turn: refused again, still kept
    (queued,) = _eventually(lambda: refused(2))
    assert queued["sent_at"] is None and "451" in queued["last_error"] and server.messages == []

    server.refusing = False  # the server answers again
    _due_now(gateway, address)
    (sent,) = _eventually(lambda: [n for n in _outbox_to(gateway, address) if n["sent_at"]])
    assert (sent["sent_via"], sent["last_error"]) == ("smtp", None) and sent["attempts"] >= 3
    (message,) = _to(server, address)
    assert f"application-{application.id}" in message.get_body().get_content()
    assert ok(client.get(f"{API}/applications/{application.id}", headers=holder.headers))["status"] == \
        "SUPPLEMENT_REQUIRED"
