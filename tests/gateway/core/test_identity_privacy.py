"""ID numbers kept private (DESIGN §9, §11; issue 18 items 5 and 6). A backup (the data directory and
the database) holds no key of the ID numbers' hashes, so the numbers that fit a masked form cannot be
tested against the stored hash; the masked form shows one character at each end. Registration
reserves no number and answers alike whether the number is registered or not; the centre's
in-person verification matches the number shown, and refuses it when another verified account
holds it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, event, func, select, text, update

from gateway.core import identity, migrate
from gateway.core.db import AccountVerification, User
from gateway.core.errors import CannotStart
from gateway.core.identity import make_resident_id, make_uscc, mask
from gateway.runtime.wiring import Gateway
from gateway.core.security import IDENTITY_KEY_ENV, identity_key
from gateway.core.settings import Settings
from support import api, costs
from support.http import API, error_of, ok


def _verification(client, officials, number: str) -> dict:
    return {"document_type": "BUSINESS_LICENCE", "document_number": number,
            "document": api.upload(client, officials["CENTER"], api.CENTRE_SCAN)}


def _stored(gateway, username: str) -> User:
    with gateway.db.sessions() as db:
        return db.scalar(select(User).where(User.username == username))


def _rows(gateway) -> tuple:
    with gateway.db.sessions() as db:
        return (db.execute(select(User.id, User.identity_hash, User.verified_at).order_by(User.id)).all(),
                db.scalar(select(func.count()).select_from(AccountVerification)))


def _backup(settings, gateway) -> dict[str, bytes]:
    """What a backup holds: every file of the data directory, and the accounts' rows (on PostgreSQL
    the database is not in the data directory)."""
    files = {str(p.relative_to(settings.data_dir)): p.read_bytes() for p in settings.data_dir.rglob("*") if p.is_file()}
    with gateway.db.sessions() as db:
        rows = db.execute(select(User.identity_hash, User.identity_masked)).all()
    return {**files, "users": repr(rows).encode()}


def _fitting(masked: str, count: int, rng: random.Random) -> list[str]:
    """Resident IDs of the district that the masked form does not tell apart from the real one."""
    found: set[str] = set()
    while len(found) < count:
        number = make_resident_id(rng)
        if mask(number) == masked:
            found.add(number)
    return sorted(found)


def _recover(backup: dict[str, bytes], stored_hash: str, candidates: list[str]) -> list[str]:
    """The attack of issue 18: take each key-sized file of the backup as the key (identity.salt was
    one) and keep the candidates whose hash under it is the stored one. Files the holders uploaded
    (documents/) are theirs, not the registry's: the suite's many small ones would only cost scrypts."""
    keys = {content for name, content in backup.items()
            if identity.KEY_MIN_BYTES <= len(content) <= 64 and not name.startswith("documents/")}
    found = []
    for key in keys:
        for number in candidates:
            if stored_hash.startswith(identity.HASH_PREFIX):
                made = identity.keyed_hash(number, key)
            else:
                made = hmac.new(key, number.encode(), hashlib.sha256).hexdigest()
            if made == stored_hash:
                found.append(number)
    return found


# ---------------------------------------------------------------- a backup, and the masked form


def test_backup__data_directory_and_accounts__no_copy_of_the_identity_key(client, gateway, settings):
    number = make_resident_id()
    api.register_holder(client, organisation=None, identity=number, account_type="PERSON")
    key = identity_key(settings)

    backup = _backup(settings, gateway)

    assert not (settings.data_dir / "identity.salt").exists()
    for name, content in backup.items():
        for form in (key, key.hex().encode(), key.hex().upper().encode()):
            assert form not in content, name
        assert number.encode() not in content, name


def test_backup__1000_numbers_fitting_the_mask__none_confirmed_without_the_key(client, gateway, settings):
    number = make_resident_id()
    holder = api.register_holder(client, organisation=None, identity=number, account_type="PERSON")
    stored = _stored(gateway, holder.username)
    candidates = _fitting(stored.identity_masked, 999, random.Random(18)) + [number]
    assert stored.identity_masked == number[0] + "*" * 16 + number[-1]

    assert _recover(_backup(settings, gateway), stored.identity_hash, candidates) == []
    # the same search does find it with the key the operator keeps apart (10 candidates: scrypt is slow)
    stolen_key = {"identity.key": identity_key(settings)}
    assert _recover(stolen_key, stored.identity_hash, candidates[:9] + [number]) == [number]


def test_backup__of_an_earlier_release__key_in_it__the_same_search_finds_the_number():
    """What issue 18 measured: identity.salt in the data directory, HMAC and four characters at each
    end shown; the search of the test above confirms the number among those that fit."""
    rng = random.Random(5)
    number, salt = make_resident_id(rng), rng.randbytes(32)
    stored_hash = hmac.new(salt, number.encode(), hashlib.sha256).hexdigest()
    # "4309**********123X" shows the district and the sequence: what is left to guess is the birth date
    candidates = {number}
    while len(candidates) < 1000:
        first17 = number[:6] + f"{dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50)):%Y%m%d}" + number[14:17]
        if identity.resident_id_check(first17) == number[17]:
            candidates.add(first17 + number[17])

    assert _recover({"identity.salt": salt, "index.sqlite": stored_hash.encode()}, stored_hash,
                    sorted(candidates)) == [number]


# ---------------------------------------------------------------- registering another's number


def test_register__number_of_another_registered_first__201_alike_and_the_centre_verifies_the_holder(
    client, gateway, officials
):
    number = make_resident_id()
    squatter = api.register_holder(client, organisation=None, identity=number, account_type="PERSON",
                                   verified=False)
    fresh = ok(client.post(f"{API}/auth/holders", json=api.holder_form(
        organisation=None, identity=make_resident_id(), account_type="PERSON")))

    # the holder writes the same number another way: lower case, spaced
    written = f"{number[:6]} {number[6:].lower()}"
    response = client.post(f"{API}/auth/holders", json=api.holder_form(
        organisation=None, identity=written, account_type="PERSON"))

    assert response.status_code == 201
    answer = response.json()
    assert answer.keys() == fresh.keys()
    own = ("username", "display_name", "identity_masked")  # what each form gave
    assert {k: v for k, v in answer.items() if k not in own} == {k: v for k, v in fresh.items() if k not in own}
    assert answer["identity_masked"] == mask(number) and answer["state"] == "UNVERIFIED"
    verified = api.verify_account(client, answer["username"], document_type="RESIDENT_ID_CARD",
                                  document_number=number)
    assert verified["state"] == "VERIFIED"
    assert _stored(gateway, answer["username"]).verified_at is not None
    assert _stored(gateway, squatter.username).verified_at is None


def test_verify__number_verified_on_another_account__409_identity_verified_elsewhere_and_nothing_changed(
    client, gateway, officials
):
    uscc = make_uscc()
    holder = api.register_holder(client, organisation="甲公司", identity=uscc, account_type="ENTERPRISE")
    other = api.register_holder(client, organisation="乙公司", identity=uscc, account_type="ENTERPRISE",
                                verified=False)
    before = _rows(gateway)

    response = client.post(f"{API}/auth/accounts/{other.username}/verification", headers=officials["CENTER"],
                           json=_verification(client, officials, uscc))

    assert error_of(response, 409, "IDENTITY_VERIFIED_ELSEWHERE")["detail"] == {"account": holder.username}
    assert _rows(gateway) == before


def test_verify__one_number_on_two_accounts_at_the_same_moment__one_kept_409_for_the_other(
    client, gateway, officials
):
    """The database holds the rule (one verified account per number, migration 0011), so two verifications
    that both passed the check before either was kept cannot both be kept."""
    uscc = make_uscc()
    first, second = (api.register_holder(client, organisation=name, identity=uscc, account_type="ENTERPRISE",
                                         verified=False) for name in ("甲公司", "乙公司"))
    forms = [_verification(client, officials, uscc) for _ in range(2)]
    both_checked = threading.Barrier(2, timeout=20)

    def hold_until_both_checked(session):  # each has found no verified account of the number
        if any(isinstance(row, AccountVerification) for row in session.new):
            both_checked.wait()

    event.listen(gateway.db.sessions, "before_commit", hold_until_both_checked)
    try:
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(
                lambda holder, form: client.post(f"{API}/auth/accounts/{holder.username}/verification",
                                                 headers=officials["CENTER"], json=form),
                (first, second), forms))
    finally:
        event.remove(gateway.db.sessions, "before_commit", hold_until_both_checked)

    assert sorted(answer.status_code for answer in answers) == [200, 409]
    refused = next(answer for answer in answers if answer.status_code == 409)
    error_of(refused, 409, "IDENTITY_VERIFIED_ELSEWHERE")
    verified = [_stored(gateway, h.username).verified_at is not None for h in (first, second)]
    assert sorted(verified) == [False, True]


def test_verify__account_hashed_by_an_earlier_release__number_shown_matched_and_rehashed(
    client, gateway, settings, officials
):
    number = make_uscc()
    holder = api.register_holder(client, identity=number, verified=False)
    earlier = hmac.new(identity_key(settings), number.encode(), hashlib.sha256).hexdigest()
    with gateway.db.sessions() as db, db.begin():
        db.execute(update(User).where(User.username == holder.username).values(identity_hash=earlier))

    api.verify_account(client, holder.username, document_number=number)

    stored = _stored(gateway, holder.username)
    assert stored.verified_at is not None and stored.identity_hash == identity.keyed_hash(number, identity_key(settings))


# ---------------------------------------------------------------- the key, kept by the operator


def test_identity_key__hex_passphrase_or_file_outside_the_data_directory__read(tmp_path, monkeypatch):
    settings = Settings(data_dir=tmp_path / "data")
    monkeypatch.setenv(IDENTITY_KEY_ENV, "00" * 31 + "ff")
    assert identity_key(settings) == bytes(31) + b"\xff"
    monkeypatch.setenv(IDENTITY_KEY_ENV, "a district's long passphrase")
    assert identity_key(settings) == "a district's long passphrase".encode()

    monkeypatch.delenv(IDENTITY_KEY_ENV)
    (tmp_path / "identity.key").write_text("ab" * 32 + "\n")
    assert identity_key(settings.model_copy(update={"identity_key_file": tmp_path / "identity.key"})) == b"\xab" * 32


@pytest.mark.parametrize("key, where, said", [
    (None, None, f"set {IDENTITY_KEY_ENV}"),
    ("too-short", None, f"set {IDENTITY_KEY_ENV}"),
    (None, "data/identity.key", "is in the data directory"),
    ("a district's long passphrase", "identity.key", "not both"),
])
def test_identity_key__missing_short_or_in_the_data_directory__cannot_start(tmp_path, monkeypatch, key, where, said):
    (tmp_path / "data").mkdir()
    for path in (tmp_path / "identity.key", tmp_path / "data" / "identity.key"):
        path.write_text("ab" * 32)
    monkeypatch.delenv(IDENTITY_KEY_ENV, raising=False)
    if key:
        monkeypatch.setenv(IDENTITY_KEY_ENV, key)
    settings = Settings(data_dir=tmp_path / "data", identity_key_file=tmp_path / where if where else None)

    with pytest.raises(CannotStart, match=said):
        identity_key(settings)


def test_identity_key__identity_salt_of_an_earlier_release_in_the_data_directory__cannot_start_and_told_to_move_it(
    tmp_path, monkeypatch
):
    """Releases up to 0.1 made the key themselves, in the data directory: the operator moves it into the
    environment, and accounts registered with it are matched with it still (test above)."""
    (tmp_path / "identity.salt").write_bytes(bytes(range(32)))
    monkeypatch.setenv(IDENTITY_KEY_ENV, bytes(range(32)).hex())

    with pytest.raises(CannotStart, match=r"identity\.salt holds the key .* set TANQUAN_IDENTITY_KEY to its hex"):
        identity_key(Settings(data_dir=tmp_path))


# ---------------------------------------------------------------- masked forms stored before


def test_upgrade__masked_forms_of_an_earlier_release__one_character_left_at_each_end(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'index.sqlite'}")
    migrate.upgrade(engine, "0009")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO users (id, username, password_hash, role, display_name, identity_hash, identity_masked, "
            "created_at) VALUES (1, 'coop', 'x', 'HOLDER', '合作社', :hash, '9143**********0Y43', '2026-11-29')"),
            {"hash": "ab" * 32})
        connection.execute(text(
            "INSERT INTO users (id, username, password_hash, role, display_name, identity_hash, created_at) "
            "VALUES (2, 'same', 'x', 'HOLDER', '合作社', :hash, '2026-11-29')"), {"hash": "cd" * 32})

    migrate.upgrade(engine)

    with engine.connect() as connection:
        assert connection.scalar(text("SELECT identity_masked FROM users WHERE id = 1")) == "9****************3"
        connection.execute(text("UPDATE users SET identity_hash = :hash WHERE id = 2"), {"hash": "ab" * 32})
    assert migrate.drift(engine) == []
    engine.dispose()


def test_gateway_open__no_identity_key__cannot_start_and_the_data_directory_left_free(tmp_path, monkeypatch):
    monkeypatch.delenv(IDENTITY_KEY_ENV)
    with pytest.raises(CannotStart, match="TANQUAN_IDENTITY_KEY"):
        Gateway.open(Settings(data_dir=tmp_path), passphrase="identity-key-tests")
    monkeypatch.setenv(IDENTITY_KEY_ENV, costs.ENVIRONMENT[IDENTITY_KEY_ENV])
    Gateway.open(Settings(data_dir=tmp_path), passphrase="identity-key-tests").close()  # not held by the refused start
