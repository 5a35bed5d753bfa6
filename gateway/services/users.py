"""Accounts: officials of each department, custodial holders, log-in tokens.

A holder registers with 附件1 三(一)'s party fields; its ID number or USCC is checked
(gateway.identity), kept only as a keyed hash (to match the document the centre is shown) and a
masked form (to show). The centre verifies the account in person before it may apply, list or
buy (require_verified); DRC disables and re-enables accounts; anyone changes their own password.

An organisation's account, once verified, adds members: people with their own login (role MEMBER) who act as
the account, so the village head and its accountant do not share a password. A member's token names both;
the audit log names the person (AuditEntry.person); the account removes a member, whose tokens end at once."""

from __future__ import annotations

import datetime as dt
import logging
import time

from eth_account.signers.local import LocalAccount
from sqlalchemy import and_, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core import identity
from ..catalogue import lifecycles, steps
from ..core.db import AccountVerification, Token, User, utcnow
from ..core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthorized
from ..runtime.wiring import Gateway, Login
from ..catalogue.steps import HOLDER, MEMBER
from ..core.schemas import (
    AccountDisable,
    AccountVerificationCreate,
    ApiKeyCreate,
    HolderCreate,
    MemberCreate,
    OfficialCreate,
    PasswordChange,
    VerificationRevocation,
)
from ..core.security import (
    hash_password,
    identity_hash,
    new_token,
    session_expiry,
    token_hash,
    verify_password,
    weak_password,
)
from ..catalogue.units import epoch, stored_utc
from .documents import require_uploaded
from .logins import LoginGuard
from . import time_limits

log = logging.getLogger(__name__)


def shown_name(user: User) -> str:
    """How pages and papers name a party: its organisation, or a person by name."""
    return user.organisation or user.display_name


def counterparties(db: Session, chooser: User, account_types: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The accounts `chooser` may name as another party (a form's field of kind `party`: 附件8's transferee,
    §8's right-holder and co-applicant, §2's acquirer): every verified, enabled holder account but its own, of
    `account_types` (every type when empty), as (its key, its name with its masked ID number): a party is
    chosen by who it is, never by a login name. A holder the centre has not verified is offered none: it may name
    no party before it has shown who it is itself (附件1 三(一))."""
    if chooser.role == HOLDER and chooser.verified_at is None:
        return []
    query = select(User).where(User.role == HOLDER, User.verified_at.is_not(None), User.disabled_at.is_(None),
                               User.id != chooser.id)
    if account_types:
        query = query.where(User.account_type.in_(account_types))
    found = db.scalars(query.order_by(User.organisation, User.display_name))
    return [(user.username, f"{shown_name(user)}（{user.identity_masked}）" if user.identity_masked else shown_name(user))
            for user in found]


def party(user: User | None) -> dict | None:
    """A party to an application, a purchase or a trade as pages and papers show it: its names, its type and
    whether the centre verified it; never its ID number, address or phone."""
    if user is None:
        return None
    return {"username": user.username, "name": shown_name(user), "display_name": user.display_name,
            "organisation": user.organisation, "account_type": user.account_type,
            "verified": user.verified_at is not None}


def holder_named(db: Session, username: str) -> User | None:
    """The holder account (权利人, buyer, pledgee) of that username, if there is one."""
    return db.scalar(select(User).where(User.username == username, User.role == HOLDER))


def _unique(db: Session, username: str) -> None:
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise _username_taken(username)


def _add(gw: Gateway, db: Session, user: User, by: User | None, action: str, request: dict) -> User:
    """Two registrations of one name at once both pass the check: the database's unique key decides.
    `by` is who opened the account, for the audit log; None for the operator's seeding at start."""
    db.add(user)
    if by is not None:
        gw.audit.add(db, by, action, request)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise _username_taken(user.username) from None
    return user


def _username_taken(username: str) -> Conflict:
    return Conflict("USERNAME_TAKEN", f"the username {username!r} is taken", detail={"field": "username"})


def _strong(password: str, *names: str | None) -> None:
    if problem := weak_password(password, *names):
        raise Invalid("WEAK_PASSWORD", problem, detail={"field": "password"})


def create_official(gw: Gateway, db: Session, drc: User | None, form: OfficialCreate) -> User:
    _strong(form.password, form.username, form.display_name)
    _unique(db, form.username)
    user = User(username=form.username, password_hash=hash_password(form.password), role=form.role,
                display_name=form.display_name)
    return _add(gw, db, user, drc, "auth.create_official", {"username": user.username, "role": user.role})


def checked_identity(form: HolderCreate) -> identity.Identity:
    """The form's ID number as its account type registers (附件1 三(一)): a person's resident ID
    (GB 11643), an organisation's USCC (GB 32100); an organisation names itself and its legal
    representative."""
    kinds = identity.KINDS_OF[form.account_type]
    try:
        checked = identity.parse(form.identity, kinds)
    except identity.Malformed as problem:
        code = "IDENTITY_CHECK_DIGIT" if problem.check_digit else "IDENTITY_MALFORMED"
        raise Invalid(code, str(problem), detail={"field": "identity"}) from None
    if checked.kind == identity.USCC:
        for field in ("organisation", "legal_representative"):
            if not (getattr(form, field) or "").strip():
                raise Invalid("ORGANISATION_DETAILS_MISSING", f"an organisation registers with its {field}",
                              detail={"field": field})
    return checked


def register_holder(gw: Gateway, db: Session, form: HolderCreate) -> User:
    """A custodial account with 附件1 三(一)'s party fields, unverified until the centre checks it in
    person (verify). Of the ID number only a keyed hash and a masked form are kept. A number is not
    reserved here (DESIGN §11): anyone can type another's number, so the real holder would be shut
    out and the answer would tell strangers which numbers are registered; the centre matches it at
    verification. Its chain key is made, and given gas, when the account first acts or receives on
    chain (custodial_address), not here: opening an account costs no key file and no transaction."""
    _strong(form.password, form.username, form.display_name, form.organisation)
    _unique(db, form.username)
    checked = checked_identity(form)
    hashed = identity_hash(checked.number, gw.identity_key)
    user = User(username=form.username, password_hash=hash_password(form.password), role=HOLDER,
                display_name=form.display_name, organisation=form.organisation, identity_hash=hashed,
                account_type=form.account_type, identity_kind=checked.kind, identity_masked=checked.masked,
                legal_representative=form.legal_representative, postal_address=form.postal_address,
                contact_person=form.contact_person, contact_phone=form.contact_phone)
    return _add(gw, db, user, user, "auth.register_holder", {
        "username": user.username, "organisation": user.organisation, "account_type": user.account_type,
        "identity": user.identity_masked})


def _administrator(gw: Gateway, user: User) -> None:
    """Who manages an organisation's members: the organisation's own login, once the centre verified it."""
    if user.member is not None:
        raise Forbidden("NOT_ACCOUNT_ADMINISTRATOR", "only the organisation's own login manages its members")
    if user.identity_kind != identity.USCC:
        raise Forbidden("NOT_AN_ORGANISATION", "members are added to an organisation's account")
    require_verified(gw, user)


def add_member(gw: Gateway, db: Session, admin: User, form: MemberCreate) -> User:
    """A person with its own login who acts as the organisation's account (its username is unique among all)."""
    _administrator(gw, admin)
    _strong(form.password, form.username, form.display_name, admin.organisation)
    _unique(db, form.username)
    member = User(username=form.username, password_hash=hash_password(form.password), role=MEMBER,
                  display_name=form.display_name, member_of=admin.id)
    return _add(gw, db, member, admin, "auth.add_member",
                {"username": member.username, "display_name": member.display_name})


def members(gw: Gateway, db: Session, admin: User) -> list[User]:
    """The organisation's members, removed ones too, in the order they were added."""
    _administrator(gw, admin)
    return db.scalars(select(User).where(User.member_of == admin.id).order_by(User.id)).all()


def member_view(member: User) -> dict:
    """A member as its organisation's list shows it."""
    return {"username": member.username, "display_name": member.display_name,
            "added_at": stored_utc(member.created_at) if member.created_at else None,
            "removed_at": stored_utc(member.disabled_at) if member.disabled_at else None}


def remove_member(gw: Gateway, db: Session, admin: User, username: str) -> User:
    """The member no longer logs in, and its sessions and API keys end at once; its row stays, for the audit log."""
    _administrator(gw, admin)
    member = db.scalar(select(User).where(User.username == username, User.member_of == admin.id,
                                          User.disabled_at.is_(None)))
    if member is None:
        raise NotFound("MEMBER_NOT_FOUND", f"no member {username!r} of this account")
    member.disabled_at, member.disabled_reason = utcnow(), f"removed by {admin.username}"
    _forget_logins(gw, db, member, delete=True)
    gw.audit.add(db, admin, "auth.remove_member", {"username": username})
    db.commit()
    return member


UNVERIFIED, VERIFIED, DISABLED = lifecycles.ACCOUNT.states
ACCOUNT_READERS = ("CENTER", "DRC")  # who reads every account: the centre verifies them, DRC disables them


def account_state(user: User) -> str:
    """DISABLED by DRC; a holder is UNVERIFIED until the centre checks it; officials need no check."""
    if user.disabled_at is not None:
        return DISABLED
    return VERIFIED if user.verified_at is not None or user.role != HOLDER else UNVERIFIED


def queue(gw: Gateway, db: Session, *, today: dt.date) -> list[lifecycles.QueueItem]:
    """The centre's: holder accounts awaiting its in-person check (附件1 三(一)), oldest first."""
    waiting = db.scalars(select(User).where(User.role == HOLDER, User.verified_at.is_(None),
                                            User.disabled_at.is_(None)).order_by(User.id))
    return [lifecycles.ACCOUNT.item(UNVERIFIED, keys={"account": user.username,
                                                      "account_name": user.organisation or user.display_name},
                                    href=f"/console/accounts#account-{user.username}",
                                    clock=time_limits.clock(gw.calendar, None, started=epoch(user.created_at), today=today))
            for user in waiting]


def _account(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("ACCOUNT_NOT_FOUND", f"no account {username!r}")
    return user


def require_verified(gw: Gateway, user: User) -> None:
    """The one gate of 附件1 三(一): an account the centre has not verified in person may not apply,
    list or buy. Read afresh: a verification takes effect at once."""
    if user.role != HOLDER:
        return
    with gw.db.sessions() as db:
        verified = db.scalar(select(User.verified_at).where(User.id == user.id))
    if verified is None:
        raise Forbidden("ACCOUNT_UNVERIFIED", "the centre has not verified this account's identity yet "
                        "(附件1 三(一)); bring the ID card or business licence to the centre")


def require_verified_owner(gw: Gateway, number: str) -> None:
    """A coupon is listed only for an owner whose account the centre has verified."""
    row = gw.index.coupon(number)
    address = row.owner if row is not None else None
    with gw.db.sessions() as db:
        owner = db.scalar(select(User).where(User.address == address)) if address else None
    if owner is not None and owner.role == HOLDER and owner.verified_at is None:
        raise Forbidden("ACCOUNT_UNVERIFIED", "the coupon's owner has not been verified by the centre (附件1 三(一))",
                        detail={"owner": owner.username})


def verify(gw: Gateway, db: Session, centre: User, username: str, form: AccountVerificationCreate) -> AccountVerification:
    """The centre records its in-person check: who, when, which document (type, number masked, scan).
    The number on the document must be the one the account registered with, and no other verified
    account may hold it (DESIGN §11): registration reserves nothing, so a number typed by a stranger
    blocks nobody until the centre has seen its document. A mismatch is refused and recorded."""
    user = _account(db, username)
    lifecycles.ACCOUNT.require(account_state(user), steps.VERIFY_ACCOUNT, lambda state: Conflict(
        "ACCOUNT_NOT_UNVERIFIED", f"the account {username!r} is {state.lower()}", detail={"state": state}))
    require_uploaded(db, form.document, by=centre, field="document")  # the scan the centre made
    if form.qualification is not None:
        if user.account_type not in identity.QUALIFIABLE:
            raise Invalid("QUALIFICATION_NOT_FOR_THIS_ACCOUNT", "a qualification (资质) is recorded for an "
                          "enterprise or an institution (§8)", detail={"field": "qualification"})
        require_uploaded(db, form.qualification_document, by=centre, field="qualification_document")
    masked = identity.mask(form.document_number)
    request = {"username": username, "document_type": form.document_type, "document_number": masked,
               "document": form.document, "qualification": form.qualification}
    hashes = identity.hashes_of(form.document_number, gw.identity_key)
    if user.identity_hash is not None and user.identity_hash not in hashes:
        gw.audit.add(db, centre, "account.verify", request, outcome="refused: IDENTITY_MISMATCH")
        db.commit()
        raise Invalid("IDENTITY_MISMATCH", "the number on the document shown is not the one the account "
                      "registered with", detail={"field": "document_number"})
    holder = db.scalar(select(User.username).where(User.identity_hash.in_(hashes), User.id != user.id,
                                                   User.verified_at.is_not(None)))
    if holder is not None:
        raise _verified_elsewhere(holder)
    now = utcnow()
    record = AccountVerification(user_id=user.id, verified_by=centre.id, verified_at=now,
                                 document_type=form.document_type, document_sha256=form.document,
                                 document_number_masked=masked, qualification=form.qualification,
                                 qualification_sha256=form.qualification_document)
    db.add(record)
    user.identity_hash, user.verified_at = hashes[0], now  # an earlier release's hash becomes today's
    gw.audit.add(db, centre, "account.verify", request)
    try:
        db.commit()
    except IntegrityError:  # another verification of this number was kept a moment ago (migration 0011)
        db.rollback()
        raise _verified_elsewhere(None) from None
    _forget_logins(gw, db, user)
    try:  # DESIGN §11: the verified account's key and address are made now, not at its first signature
        custodial_address(gw, user)
    except DomainError as exc:  # the chain cannot take the key's gas now: it is made when first needed
        log.warning("account %s verified; its key waits for the chain: %s", user.username, exc.message)
    return record


def revoke_verification(gw: Gateway, db: Session, centre: User, username: str,
                        form: VerificationRevocation) -> AccountVerification:
    """The centre no longer stands by its check (DESIGN §11): the check keeps its record with who revoked
    it, when and why; the account is unverified again, and may not apply, list, buy or report a loss
    until the centre has seen its papers anew. Its number is free for another account's verification."""
    user = _account(db, username)
    check = _latest_check(db, user)
    state = account_state(user) if check is not None else UNVERIFIED  # an official's is VERIFIED without one
    lifecycles.ACCOUNT.require(state, steps.REVOKE_VERIFICATION, lambda _: Conflict(
        "ACCOUNT_NOT_VERIFIED", f"the account {username!r} has no verification to revoke",
        detail={"state": account_state(user)}))
    check.revoked_at, check.revoked_by, check.revoked_reason = utcnow(), centre.id, form.reason
    user.verified_at = None
    gw.audit.add(db, centre, "account.revoke_verification", {"username": username, "reason": form.reason})
    db.commit()
    _forget_logins(gw, db, user)
    return check


def qualification_of(db: Session, user: User) -> AccountVerification | None:
    """The centre's standing check of an account that recorded its qualification (资质, §8), if any."""
    check = _latest_check(db, user)
    if user.verified_at is None or check is None or check.revoked_at is not None or check.qualification is None:
        return None
    return check


def _latest_check(db: Session, user: User) -> AccountVerification | None:
    return db.scalar(select(AccountVerification).where(AccountVerification.user_id == user.id)
                     .order_by(AccountVerification.id.desc()).limit(1))


def _verified_elsewhere(holder: str | None) -> Conflict:
    return Conflict("IDENTITY_VERIFIED_ELSEWHERE", "the centre has verified another account with this ID "
                    "number or USCC already", detail={"account": holder})


def set_disabled(gw: Gateway, db: Session, drc: User, username: str, form: AccountDisable | None) -> User:
    """DRC disables an account (form) or enables it again (None). A disabled account cannot log in,
    and its sessions and API keys end at once."""
    user = _account(db, username)
    if form is not None:
        if user.id == drc.id:
            raise Conflict("OWN_ACCOUNT", "DRC cannot disable its own account")
        lifecycles.ACCOUNT.require(account_state(user), steps.DISABLE_ACCOUNT, lambda _: Conflict(
            "ACCOUNT_DISABLED", f"the account {username!r} is disabled already"))
        user.disabled_at, user.disabled_reason = utcnow(), form.reason
        _forget_logins(gw, db, user, delete=True)
        gw.audit.add(db, drc, "account.disable", {"username": username, "reason": form.reason})
    else:
        lifecycles.ACCOUNT.require(account_state(user), steps.ENABLE_ACCOUNT, lambda _: Conflict(
            "ACCOUNT_NOT_DISABLED", f"the account {username!r} is not disabled"))
        user.disabled_at, user.disabled_reason = None, None
        gw.audit.add(db, drc, "account.enable", {"username": username})
    db.commit()
    return user


def change_password(gw: Gateway, db: Session, user: User, form: PasswordChange, current_token: str, *,
                    guard: "LoginGuard", client: str) -> None:
    """The old password is asked; every other session and API key of that login ends (a member's password is its
    own: the organisation's members keep theirs)."""
    person = _person(user)
    _check_password(db, person.username, form.old_password, guard=guard, client=client)
    _strong(form.new_password, person.username, person.display_name, user.organisation)
    row = db.get(User, person.id)
    row.password_hash = hash_password(form.new_password)
    keep = token_hash(current_token)
    for token in db.scalars(select(Token).where(_tokens_of(person), Token.token_hash != keep)).all():
        db.delete(token)
        gw.logins.forget(token.token_hash)
    gw.audit.add(db, user, "auth.password", {})
    db.commit()


def _person(user: User) -> User:
    """Whose password a login's is: the member acting for its organisation, or the account's own."""
    return user.member or user


def _token(user: User, digest: str, kind: str, expires: dt.datetime) -> Token:
    """A token of the account `user` acts as, naming the member who logged in, if one did."""
    return Token(token_hash=digest, user_id=user.id, member_id=user.member.id if user.member else None, kind=kind,
                 expires_at=expires)


def _tokens_of(person: User):
    """A login's own tokens: a member's, or the account's without its members'."""
    if person.role == MEMBER:
        return Token.member_id == person.id
    return and_(Token.user_id == person.id, Token.member_id.is_(None))


def _forget_logins(gw: Gateway, db: Session, user: User, *, delete: bool = False) -> None:
    """Logins remembered from before a change read the account again (authenticate): an account's own and its
    members' (they act as it), or a member's."""
    held = Token.member_id == user.id if user.role == MEMBER else Token.user_id == user.id
    for token in db.scalars(select(Token).where(held)).all():
        gw.logins.forget(token.token_hash)
        if delete:
            db.delete(token)


def accounts(db: Session, *, state: str | None = None) -> list[dict]:
    """Accounts as the centre's queue and DRC's list show them: masked ID, verification, state."""
    checks = {v.user_id: v for v in db.scalars(select(AccountVerification).order_by(AccountVerification.id))}
    names = dict(db.execute(select(User.id, User.username)).all())
    rows = []
    for user in db.scalars(select(User).order_by(User.id)):
        if state is not None and account_state(user) != state:
            continue
        rows.append(account_view(user, checks.get(user.id), names))
    return rows


def account_view(user: User, check: AccountVerification | None, names: dict[int, str]) -> dict:
    return {
        "username": user.username, "role": user.role, "display_name": user.display_name,
        "organisation": user.organisation, "account_type": user.account_type, "identity_kind": user.identity_kind,
        "identity_masked": user.identity_masked, "legal_representative": user.legal_representative,
        "postal_address": user.postal_address, "contact_person": user.contact_person,
        "contact_phone": user.contact_phone, "state": account_state(user), "address": user.address,
        "created_at": stored_utc(user.created_at).isoformat() if user.created_at else None,
        "disabled_at": stored_utc(user.disabled_at).isoformat() if user.disabled_at else None,
        "disabled_reason": user.disabled_reason,
        "member_of": names.get(user.member_of),  # a member's organisation account, by its username
        "verification": None if check is None else {
            "verified_by": names.get(check.verified_by), "verified_at": stored_utc(check.verified_at).isoformat(),
            "document_type": check.document_type, "document_number_masked": check.document_number_masked,
            "document_sha256": check.document_sha256, "qualification": check.qualification,
            "qualification_sha256": check.qualification_sha256,
            "revoked_by": names.get(check.revoked_by), "revoked_reason": check.revoked_reason,
            "revoked_at": stored_utc(check.revoked_at).isoformat() if check.revoked_at else None,
        },
    }


def my_account(db: Session, user: User) -> dict:
    row = db.get(User, user.id)
    check = _latest_check(db, row)
    names = dict(db.execute(select(User.id, User.username)
                            .where(User.id.in_((check.verified_by, check.revoked_by)))).all()) if check else {}
    return account_view(row, check, names)


def signer(gw: Gateway, user: User) -> LocalAccount:
    """The key that signs for `user`; a holder's first signature makes its key and records its address."""
    account = gw.signer_for(user)
    if user.role == HOLDER and user.address is None:
        _record_address(gw, user, account.address)
    return account


def custodial_address(gw: Gateway, user: User) -> str:
    """A holder's address on chain, its key made (and given gas) the first time one is needed:
    to receive a coupon, or to sign."""
    if user.address is None:
        _record_address(gw, user, gw.signer_for(user).address)
    return user.address


def holder_address(gw: Gateway, user: User) -> str | None:
    """The address of a holder's account, once it has one; a login remembered from before it had one reads it again."""
    if user.address is None:
        with gw.db.sessions() as db:
            user.address = db.scalar(select(User.address).where(User.id == user.id))
    return user.address


def _record_address(gw: Gateway, user: User, address: str) -> None:
    with gw.db.sessions() as db, db.begin():
        db.execute(update(User).where(User.id == user.id, User.address.is_(None)).values(address=address))
    user.address = address


def _check_password(db: Session, username: str, password: str, *, guard: LoginGuard, client: str,
                    device: str | None = None) -> User:
    """The login (an account or a member), if the password is its own and the guard lets the try through (a
    known device always)."""
    guard.check(username, client, device)
    user = db.scalar(select(User).where(User.username == username))
    if not verify_password(user.password_hash if user else None, password):
        guard.failed(username, client)
        raise Unauthorized("LOGIN_FAILED", "wrong username or password")
    guard.succeeded(username, client)
    _not_disabled(user)
    return user


def _acting(db: Session, login: User) -> User:
    """The account a login acts as: a member's organisation, with the member on it (User.member); else itself."""
    if login.role != MEMBER:
        return login
    account = db.get(User, login.member_of)
    _not_disabled(account)
    account.member = login
    return account


def tell_drc_login_slowed(gw: Gateway, username: str, failures: int) -> None:
    """An account being guessed at from many places goes into the audit log DRC reads (LoginGuard's `slowed`)."""
    with gw.db.sessions() as db:
        user = db.scalar(select(User).where(User.username == username))
    if user is not None:
        gw.audit.record(user, "auth.login_slowed", {"failures": failures}, outcome="slowed")


def _not_disabled(user: User) -> None:
    if user.disabled_at is not None and user.role == MEMBER:
        raise Forbidden("MEMBER_REMOVED", "this member was removed from its organisation's account")
    if user.disabled_at is not None:
        raise Forbidden("ACCOUNT_DISABLED", "this account has been disabled by the DRC")


def login(db: Session, username: str, password: str, *, guard: LoginGuard, client: str,
          device: str | None = None) -> tuple[str, User, str]:
    """A session token, the account it acts as (a member's organisation), and the device's cookie value
    (logins.DEVICE_COOKIE)."""
    user = _acting(db, _check_password(db, username, password, guard=guard, client=client, device=device))
    token, digest = new_token()
    db.add(_token(user, digest, "session", session_expiry()))
    db.commit()
    return token, user, guard.remember(username, device)


LOGIN_REREAD_S = 60.0  # a token's row is read again after this long


def authenticate(gw: Gateway, token: str) -> User:
    """The user a token belongs to (a member's organisation, with the member on it: User.member). A token used
    in the last minute is answered from memory (users are edited only by verify, set_disabled, remove_member and
    change_password, which forget their tokens, and for a holder's address, set once: see holder_address; a
    log-out forgets its token at once); its expiry is checked every time."""
    digest = token_hash(token)
    login = gw.logins.get(digest)
    if login is None or time.monotonic() - login.read_at > LOGIN_REREAD_S:
        login = _read_login(gw, digest)
    # A token without an expiry is an API key of before keys expired: no longer accepted.
    if login is None or login.expires is None or login.expires < dt.datetime.now(dt.timezone.utc):
        raise Unauthorized("TOKEN_INVALID", "the token is unknown or expired; log in again")
    _not_disabled(login.user)
    return login.user


def _read_login(gw: Gateway, digest: str) -> Login | None:
    with gw.db.sessions() as db:
        row = db.get(Token, digest)
        if row is None:
            return None
        user = db.get(User, row.user_id)
        member = db.get(User, row.member_id) if row.member_id is not None else None
        db.expunge_all()
    user.member = member  # this token's own instance: the person acting, for the audit log and the page
    expires = row.expires_at and stored_utc(row.expires_at)
    return gw.logins.remember(digest, Login(user, expires, time.monotonic()))


def log_out(gw: Gateway, token: str) -> None:
    """The session token stops working at once, here and for any copy of it."""
    digest = token_hash(token)
    with gw.db.sessions() as db, db.begin():
        db.execute(delete(Token).where(Token.token_hash == digest, Token.kind == "session"))
    gw.logins.forget(digest)


API_KEY_ID_CHARS = 12  # an API key is named by the start of its hash: the key itself is never kept


def new_api_key(gw: Gateway, db: Session, user: User, form: ApiKeyCreate, *, guard: LoginGuard,
                client: str) -> dict:
    """A key for scripts, shown once: the account's password is asked again (a session alone
    cannot make one), and it expires."""
    _check_password(db, _person(user).username, form.password, guard=guard, client=client)
    days = form.days or gw.settings.api_key_days
    if days > gw.settings.api_key_days:
        raise Invalid("API_KEY_TOO_LONG", f"an API key lives at most {gw.settings.api_key_days} days",
                      detail={"field": "days"})
    token, digest = new_token()
    expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)
    key = {"id": digest[:API_KEY_ID_CHARS], "expires_at": expires.isoformat()}
    db.add(_token(user, digest, "api", expires))
    gw.audit.add(db, user, "auth.api_key", key)
    db.commit()
    return {"api_key": token, **key}


def api_keys(db: Session, user: User) -> list[dict]:
    now = dt.datetime.now(dt.timezone.utc)
    rows = db.scalars(select(Token).where(Token.user_id == user.id, Token.kind == "api")).all()
    return [
        {"id": row.token_hash[:API_KEY_ID_CHARS],
         "expires_at": stored_utc(row.expires_at).isoformat() if row.expires_at else None,
         "expired": row.expires_at is None or stored_utc(row.expires_at) < now}
        for row in sorted(rows, key=lambda r: stored_utc(r.expires_at) if r.expires_at else now)
    ]


def revoke_api_key(gw: Gateway, db: Session, user: User, key_id: str) -> None:
    rows = db.scalars(select(Token).where(Token.user_id == user.id, Token.kind == "api")).all()
    matching = [row for row in rows if row.token_hash[:API_KEY_ID_CHARS] == key_id]
    if not matching:
        raise NotFound("API_KEY_NOT_FOUND", f"no API key {key_id} of yours")
    for row in matching:
        db.delete(row)
        gw.logins.forget(row.token_hash)
    gw.audit.add(db, user, "auth.revoke_api_key", {"id": key_id})
    db.commit()


def revoke(gw: Gateway, user: User, token: str) -> None:
    """The API's log-out: the token the call was made with, session or API key, stops working at once."""
    digest = token_hash(token)
    with gw.db.sessions() as db, db.begin():
        db.execute(delete(Token).where(Token.token_hash == digest))
        gw.audit.add(db, user, "auth.logout", {})
    gw.logins.forget(digest)
