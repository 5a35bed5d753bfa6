"""Department and custodial keys in encrypted keystores."""

import json
import stat

import pytest

from chain import ChainError
from chain.keys import PASSPHRASE_ENV, KeyStore


def test_create_then_reload__same_passphrase__same_account(tmp_path):
    created = KeyStore(tmp_path, "correct horse", scrypt_n=2**14).load_or_create("CENTER")
    reloaded = KeyStore(tmp_path, "correct horse", scrypt_n=2**14).load_or_create("CENTER")
    assert reloaded.address == created.address
    assert reloaded.key == created.key


def test_keystore_file__on_disk__encrypted_with_scrypt_and_private(tmp_path):
    account = KeyStore(tmp_path, "pw", scrypt_n=2**14).load_or_create("EEB")
    path = tmp_path / "EEB.json"
    text = path.read_text()
    assert account.key.hex().removeprefix("0x") not in text
    assert json.loads(text)["crypto"]["kdf"] == "scrypt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_unlock__wrong_passphrase__clear_error(tmp_path):
    KeyStore(tmp_path, "right", scrypt_n=2**14).load_or_create("GOV")
    with pytest.raises(ChainError, match="cannot unlock key 'GOV'"):
        KeyStore(tmp_path, "wrong", scrypt_n=2**14).load_or_create("GOV")


def test_open__no_passphrase_in_environment__clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    with pytest.raises(ChainError, match=PASSPHRASE_ENV):
        KeyStore(tmp_path)


def test_address_of__without_unlocking__matches(tmp_path):
    store = KeyStore(tmp_path, "pw", scrypt_n=2**14)
    account = store.load_or_create("holder-cooperative")
    assert KeyStore(tmp_path, "another", scrypt_n=2**14).address_of("holder-cooperative") == account.address
    assert store.names() == ["holder-cooperative"]


@pytest.mark.parametrize("name", ["../escape", "", "a/b", "x" * 65])
def test_key_name__unsafe__refused(tmp_path, name):
    with pytest.raises(ValueError):
        KeyStore(tmp_path, "pw", scrypt_n=2**14).load_or_create(name)
