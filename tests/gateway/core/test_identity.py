"""ID numbers of the parties (附件1 三(一); gateway/core/identity.py): GB 11643-1999's resident ID check
digit (ISO 7064 MOD 11-2), GB 32100-2015's USCC check character (MOD 31), the masked form, and the
generator tests and the demo register with. Pure functions: no gateway, no database."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from gateway.core import identity
from gateway.core.identity import RESIDENT_ID, USCC, Malformed

# Real-format numbers: the standard's own examples (GB 11643-1999 annex) and published USCCs.
VALID_RESIDENT_IDS = ["11010519491231002X", "440524188001010014"]
VALID_USCCS = ["91350100M000100Y43", "914403001922038216", "9144030071526726XG", "91330100716105852F"]


@pytest.mark.parametrize("number", VALID_RESIDENT_IDS)
def test_parse__resident_id_of_the_standard__resident_id(number):
    assert identity.parse(number) == (RESIDENT_ID, number)


@pytest.mark.parametrize("number", VALID_USCCS)
def test_parse__published_uscc__uscc(number):
    assert identity.parse(number) == (USCC, number)


def test_parse__lower_case_x_and_spaces__normalised():
    assert identity.parse(" 11010519491231002x ").number == "11010519491231002X"


@pytest.mark.parametrize("number", VALID_RESIDENT_IDS + VALID_USCCS)
def test_parse__one_character_changed__refused(number):
    """Any one of the 18 characters changed (to another its position allows) is refused as its kind."""
    kind = identity.parse(number).kind
    for position in range(18):
        allowed = "0123456789" if kind == RESIDENT_ID or 2 <= position < 8 else identity.USCC_CHARSET
        if kind == RESIDENT_ID and position == 17:
            allowed = "0123456789X"
        other = next(c for c in allowed if c != number[position])
        with pytest.raises(Malformed):
            identity.parse(number[:position] + other + number[position + 1:], (kind,))


@pytest.mark.parametrize("number, changed", [
    ("11010519491231002X", "110105194912310029"),  # the check character itself
    ("440524188001010014", "440524188001010015"),
    ("91350100M000100Y43", "91350100M000100Y44"),
    ("91330100716105852F", "91330100716105853F"),
])
def test_parse__one_character_changed__check_digit_named(number, changed):
    with pytest.raises(Malformed) as refused:
        identity.parse(changed)
    assert refused.value.check_digit


@pytest.mark.parametrize("number", [
    "abcdef", "", "1101051949123100", "11010519491231002XX",
    "91350100I000100Y43",  # I is not in GB 32100's charset
    "9135010AM000100Y43",  # the division code is digits
])
def test_parse__malformed__refused_not_as_check_digit(number):
    with pytest.raises(Malformed) as refused:
        identity.parse(number)
    assert not refused.value.check_digit


def test_parse__resident_id_of_a_13th_month__malformed():
    with pytest.raises(Malformed) as refused:
        identity.parse("110105194913310023", (RESIDENT_ID,))
    assert not refused.value.check_digit


def test_parse__all_digit_uscc_as_a_person__refused():
    """An account type that registers with a resident ID does not take a USCC, digits or not."""
    with pytest.raises(Malformed):
        identity.parse("914403001922038216", identity.KINDS_OF[identity.PERSON])


def test_parse__resident_id_as_an_enterprise__refused():
    with pytest.raises(Malformed):
        identity.parse("11010519491231002X", identity.KINDS_OF[identity.ENTERPRISE])


def test_kinds__every_account_type__has_its_kind():
    assert set(identity.KINDS_OF) == set(identity.ACCOUNT_TYPES)
    assert identity.KINDS_OF[identity.DAMAGE_LIABLE] == (RESIDENT_ID, USCC)


def test_check_weights__as_the_standards_print_them():
    assert identity._ID_WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert identity._USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_mask__first_and_last_character_only():
    assert identity.mask("11010519491231002X") == "1****************X"
    assert identity.mask("91350100M000100Y43") == "9****************3"
    assert identity.mask("abc") == "***"


def test_generators__many__all_valid_and_distinct():
    rng = random.Random(11)
    ids = [identity.make_resident_id(rng) for _ in range(500)]
    usccs = [identity.make_uscc(rng, prefix=prefix) for prefix in ("91", "N2", "12", "51") for _ in range(125)]
    assert all(identity.parse(n).kind == RESIDENT_ID for n in ids)
    assert all(identity.parse(n).kind == USCC for n in usccs)
    assert len(set(usccs)) == len(usccs)


def test_make_resident_id__birth_and_region__as_asked():
    number = identity.make_resident_id(region="430903", birth=dt.date(1985, 2, 2))
    assert number.startswith("43090319850202") and identity.parse(number).kind == RESIDENT_ID
