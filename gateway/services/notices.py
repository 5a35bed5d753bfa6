"""Notices that reach people: an e-mail when something new waits on an account (services/inbox.py), and each
department's daily digest of what is due or overdue. Each account gives its address and chooses which it
receives. Messages go to an outbox table first and a courier thread sends them, retrying with backoff:
sending never blocks nor fails a write, and a message a failing server refused is sent once it answers
again. Without an SMTP server (settings.smtp_host unset, the demo) each is written to notices.log in the
data directory instead. DRC reads the outbox. How a message reads (both languages) is the pages' concern:
`compose` is given by the composition root (gateway/web/mail.py)."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import threading
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import parseaddr

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.db import Notice, NotifiedItem, User, utcnow
from ..core.errors import Invalid
from ..runtime.wiring import Gateway
from ..core.schemas import NoticeSettings
from ..core.settings import Settings
from ..catalogue.steps import DEPARTMENTS
from ..catalogue.units import CST, epoch
from . import inbox

log = logging.getLogger("tanquan.notices")
NEW, DIGEST = "NEW", "DIGEST"
MAX_ATTEMPTS = 12  # about a day of backoff; then DRC sees it given up
IDENTITY_KEYS = ("application", "prepared", "coupon", "form", "purchase", "account", "year")
Compose = Callable[[User, list[dict], str], tuple[str, str]]  # (account, items, NEW | DIGEST) → subject, body


def item_key(item: dict) -> str:
    """What names an inbox item across scans: its kind, step and the keys of its object."""
    return "|".join([item["kind"], item["step"], *(f"{k}={item[k]}" for k in IDENTITY_KEYS if k in item)])[:200]


def choose(db: Session, user: User, choice: NoticeSettings) -> dict:
    """The account's own address and choices."""
    if choice.email and "@" not in parseaddr(choice.email)[1]:
        raise Invalid("EMAIL_INVALID", "give an e-mail address such as name@example.cn", detail={"field": "email"})
    user = db.get(User, user.id)
    user.email = choice.email or None
    user.notify_new_items, user.notify_digest = choice.new_items, choice.digest
    db.commit()
    return settings_of(db, user)


def settings_of(db: Session, user: User) -> dict:
    """As stored now (a request's user may be one its log-in cached)."""
    user = db.get(User, user.id)
    return {"email": user.email, "new_items": user.notify_new_items, "digest": user.notify_digest}


def _recipients(db: Session, **choice) -> list[User]:
    query = select(User).where(User.email.is_not(None), User.disabled_at.is_(None))
    for column, value in choice.items():
        query = query.where(getattr(User, column) == value)
    return list(db.scalars(query.order_by(User.id)))


def scan(gw: Gateway, db: Session, compose: Compose) -> int:
    """One message to each account that chose them, naming what newly waits on it since it was last told."""
    queued = 0
    for user in _recipients(db, notify_new_items=True):
        items = inbox.waiting_on(gw, db, user)
        told = set(db.scalars(select(NotifiedItem.item).where(NotifiedItem.user_id == user.id)))
        new = [item for item in items if item_key(item) not in told]
        if not new:
            continue
        try:
            db.add_all(NotifiedItem(user_id=user.id, item=item_key(item)) for item in new)
            _queue(db, user, NEW, *compose(user, new, NEW))
            db.commit()
            queued += 1
        except IntegrityError:  # another replica told it first
            db.rollback()
    return queued


def digest(gw: Gateway, db: Session, compose: Compose, *, now: dt.datetime | None = None) -> int:
    """Once a day from digest_hour (Beijing time): each department official who chose it gets what is due or
    overdue in its department's queue; nothing is sent on a day nothing is."""
    now = (now or utcnow()).astimezone(CST)
    if now.hour < gw.settings.digest_hour:
        return 0
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.timezone.utc)
    queued = 0
    for user in _recipients(db, notify_digest=True):
        if user.role not in DEPARTMENTS:
            continue
        if db.scalar(select(Notice.id).where(Notice.user_id == user.id, Notice.kind == DIGEST,
                                             Notice.created_at >= day_start)) is not None:
            continue
        due = [item for item in inbox.waiting_on(gw, db, user, today=now.date())
               if item["overdue"] or (item["due"] and item["due"] <= (now.date() + dt.timedelta(days=2)).isoformat())]
        if due:
            _queue(db, user, DIGEST, *compose(user, due, DIGEST), at=now)
            db.commit()
            queued += 1
    return queued


def _queue(db: Session, user: User, kind: str, subject: str, body: str, *, at: dt.datetime | None = None) -> None:
    db.add(Notice(user_id=user.id, kind=kind, to_address=user.email, subject=subject, body=body,
                  created_at=at or utcnow(), next_attempt_at=utcnow()))


def send_due(gw: Gateway, db: Session, *, settings: Settings | None = None, now: dt.datetime | None = None) -> int:
    """Send every queued message whose turn has come; a refusal is kept and retried with backoff."""
    settings = settings or gw.settings
    now = now or utcnow()
    sent = 0
    waiting = db.scalars(select(Notice).where(Notice.sent_at.is_(None), Notice.given_up.is_(False),
                                              Notice.next_attempt_at <= now).order_by(Notice.id).limit(100))
    for notice in list(waiting):
        notice.attempts += 1
        try:
            via = _deliver(settings, notice)
        except (OSError, smtplib.SMTPException) as error:
            notice.last_error = f"{type(error).__name__}: {error}"[:500]
            notice.next_attempt_at = now + dt.timedelta(seconds=min(30 * 2 ** notice.attempts, 3600))
            notice.given_up = notice.attempts >= MAX_ATTEMPTS
            log.warning("notice %s to %s not sent (attempt %s): %s", notice.id, notice.to_address, notice.attempts,
                        notice.last_error)
        else:
            notice.sent_at, notice.sent_via, notice.last_error = utcnow(), via, None
            sent += 1
        db.commit()
    return sent


def _deliver(settings: Settings, notice: Notice) -> str:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.smtp_sender, notice.to_address, notice.subject
    message.set_content(notice.body)
    if settings.smtp_host is None:  # the demo: the message goes to a file an operator can read
        with (settings.data_dir / "notices.log").open("a", encoding="utf-8") as out:
            out.write(f"{utcnow().isoformat()} To: {notice.to_address}\n{message.as_string()}\n\n")
        return "log"
    connect = smtplib.SMTP_SSL if settings.smtp_tls == "ssl" else smtplib.SMTP
    with connect(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_tls == "starttls":
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(message)
    return "smtp"


def outbox(db: Session, *, limit: int = 200) -> list[dict]:
    """What was sent, is waiting or was given up, newest first: DRC's view."""
    rows = db.execute(select(Notice, User.username).join(User, User.id == Notice.user_id)
                      .order_by(Notice.id.desc()).limit(limit))
    return [{"id": n.id, "kind": n.kind, "account": username, "to": n.to_address, "subject": n.subject,
             "created_at": epoch(n.created_at), "sent_at": epoch(n.sent_at) if n.sent_at else None,
             "sent_via": n.sent_via, "attempts": n.attempts, "last_error": n.last_error, "given_up": n.given_up}
            for n, username in rows]


def run_once(gw: Gateway, compose: Compose, settings: Settings | None = None) -> None:
    with gw.db.sessions() as db:
        scan(gw, db, compose)
        digest(gw, db, compose)
        send_due(gw, db, settings=settings)


def watch(gw: Gateway, compose: Compose, settings: Settings | None = None) -> threading.Event:
    """The courier: every notices_every_seconds, what newly waits, the digests, and the outbox sent by the SMTP
    server `settings` name (the serving app's; the gateway's own when none). Stops when the returned event is set;
    with notices_every_seconds 0 it does not start."""
    stop = threading.Event()
    every = (settings or gw.settings).notices_every_seconds
    if every <= 0:
        return stop

    def run() -> None:
        while not stop.wait(every):
            try:
                run_once(gw, compose, settings)
            except Exception:  # noqa: BLE001 - the next round tries again; the gateway serves on
                log.exception("notices round failed")

    threading.Thread(target=run, name="tanquan-notices", daemon=True).start()
    return stop

