"""Identity numbers of the parties (附件1 三(一)): their check digits, their masked form, their keyed
hash, and valid numbers made up for tests and the demo. Pure: no I/O, no gateway imports.

- 公民身份号码, GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit sequence and a
  check character by ISO 7064 MOD 11-2 (weights 2^(17-i) mod 11; a check value of 10 is "X").
- 统一社会信用代码, GB 32100-2015: 18 characters of 0-9ABCDEFGHJKLMNPQRTUWXY (no I, O, S, V, Z):
  registration authority, organisation type, 6-digit administrative division code, 9-character
  organisation code, and a check character: 31 - (Σ value·3^(i-1) mod 31) mod 31, over the 17.

A number is kept only as its keyed hash and its masked form (DESIGN §9, §11). An ID number has little
to guess (a resident ID is a region, a birth date, a sequence and a check digit: about 10^9 numbers),
so both are made to leave nothing to test a guess against: the hash is scrypt, slow and memory-hard,
keyed by a secret the operator keeps outside the data directory and its backups
(security.identity_key), and the masked form shows one character at each end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import re
from typing import NamedTuple

RESIDENT_ID = "RESIDENT_ID"
USCC = "USCC"

# 附件1 三(一)'s parties: who holds, buys or takes a coupon in pledge.
PERSON = "PERSON"  # 个人
COLLECTIVE = "COLLECTIVE"  # 农村集体经济组织
ENTERPRISE = "ENTERPRISE"  # 企业
AGENCY = "AGENCY"  # 机关事业单位
EVENT_ORGANISER = "EVENT_ORGANISER"  # 大型活动组织者
DAMAGE_LIABLE = "DAMAGE_LIABLE"  # 生态环境损害赔偿义务人
FINANCIAL = "FINANCIAL"  # 金融机构 (a pledgee bank)
# §8's 有资质的第三方: a firm or an institution; the centre records its qualification (资质) when it verifies it.
QUALIFIABLE = (ENTERPRISE, AGENCY)
# Whose console home offers what (its own work first): a right-holder applies (§8), a buyer buys (附件6); a
# qualified third party applies for right-holders too; a bank's home is its pledges.
APPLIES = (PERSON, COLLECTIVE)
BUYS = (PERSON, ENTERPRISE, AGENCY, EVENT_ORGANISER, DAMAGE_LIABLE)
ACCOUNT_TYPES = (PERSON, COLLECTIVE, ENTERPRISE, AGENCY, EVENT_ORGANISER, DAMAGE_LIABLE, FINANCIAL)
# The number each type registers with: a person its resident ID, an organisation its USCC; a party
# liable for ecological damage may be either.
KINDS_OF = {PERSON: (RESIDENT_ID,), DAMAGE_LIABLE: (RESIDENT_ID, USCC)}
KINDS_OF.update({t: (USCC,) for t in ACCOUNT_TYPES if t not in KINDS_OF})

_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
_ID_CHECK = "10X98765432"  # indexed by Σ mod 11
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
_RESIDENT_ID = re.compile(r"^[1-9]\d{5}(\d{8})\d{3}[\dX]$")
_USCC = re.compile(rf"^[{USCC_CHARSET}]{{2}}\d{{6}}[{USCC_CHARSET}]{{10}}$")
# The keyed hash: scrypt at 16 MiB and about 75 ms a number here. Fixed, not a setting: every stored hash must
# stay comparable with a number entered later. Hashes of before it (HMAC-SHA256, bare hex) have no prefix.
HASH_PREFIX = "scrypt$"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 1024 * 1024}
KEY_MIN_BYTES = 16
SHOWN_AT_EACH_END = 1


class Malformed(ValueError):
    """Not an ID number of either kind (`check_digit` False), or one whose check character is wrong (True)."""

    def __init__(self, message: str, *, check_digit: bool = False):
        super().__init__(message)
        self.check_digit = check_digit


class Identity(NamedTuple):
    kind: str  # RESIDENT_ID | USCC
    number: str  # normalised: upper case, no spaces

    @property
    def masked(self) -> str:
        return mask(self.number)


def normalise(number: str) -> str:
    return re.sub(r"[\s-]", "", number).upper()


def resident_id_check(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def uscc_check(first17: str) -> str:
    return USCC_CHARSET[(31 - sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS)) % 31) % 31]


def parse(number: str, kinds: tuple[str, ...] = (RESIDENT_ID, USCC)) -> Identity:
    """The number as one of `kinds`, checked; raises Malformed. An all-digit USCC has a resident
    ID's shape: each kind is tried, and a number of the right shape with a wrong check character
    is told so (check_digit)."""
    text = normalise(number)
    problems = []
    for kind in kinds:
        try:
            return Identity(kind, (_resident_id if kind == RESIDENT_ID else _uscc)(text))
        except Malformed as problem:
            problems.append(problem)
    for other in {RESIDENT_ID, USCC} - set(kinds):  # a valid number of the kind this account does not take
        try:
            (_resident_id if other == RESIDENT_ID else _uscc)(text)
        except Malformed:
            continue
        raise Malformed(f"this is a {'resident ID' if other == RESIDENT_ID else 'USCC'}; "
                        f"this type of account registers with a {'USCC' if other == RESIDENT_ID else 'resident ID'}")
    wrong_check = [p for p in problems if p.check_digit]
    if wrong_check:
        raise wrong_check[0]
    if len(problems) == 1:
        raise problems[0]
    raise Malformed("neither an 18-digit resident ID (GB 11643) nor an 18-character USCC (GB 32100)")


def _resident_id(text: str) -> str:
    match = _RESIDENT_ID.match(text)
    if not match:
        raise Malformed("a resident ID (GB 11643) has 17 digits and a check digit or X")
    try:
        birth = dt.datetime.strptime(match.group(1), "%Y%m%d").date()
    except ValueError:
        raise Malformed("the resident ID's birth date (characters 7-14) is not a date") from None
    if not dt.date(1800, 1, 1) <= birth <= dt.date.today():
        raise Malformed("the resident ID's birth date (characters 7-14) is out of range")
    if text[17] != resident_id_check(text[:17]):
        raise Malformed("the resident ID's check character (GB 11643) is wrong", check_digit=True)
    return text


def _uscc(text: str) -> str:
    if not _USCC.match(text):
        raise Malformed("a USCC (GB 32100) has 18 characters of 0-9 and capitals but I, O, S, V, Z")
    if text[17] != uscc_check(text[:17]):
        raise Malformed("the USCC's check character (GB 32100) is wrong", check_digit=True)
    return text


def mask(number: str) -> str:
    """What pages show: the first and the last character (of a resident ID, its province's first digit
    and its check character), the rest starred; a number of 8 characters or fewer, all starred."""
    text = normalise(number)
    if len(text) <= 8:
        return "*" * len(text)
    shown = SHOWN_AT_EACH_END
    return text[:shown] + "*" * (len(text) - 2 * shown) + text[-shown:]


def keyed_hash(number: str, key: bytes) -> str:
    """What is kept of a number to compare it with another: scrypt with the operator's key as its salt,
    the same for every number so that two hashes of one number are equal. Without the key no guess can
    be checked against it; with the key each guess still costs a scrypt."""
    return HASH_PREFIX + hashlib.scrypt(normalise(number).encode(), salt=key, **_SCRYPT).hex()


def _earlier_hash(number: str, key: bytes) -> str:
    """The hash releases before scrypt kept: HMAC-SHA256 keyed by the same key (then the data
    directory's identity.salt)."""
    return hmac.new(key, normalise(number).encode(), hashlib.sha256).hexdigest()


def hashes_of(number: str, key: bytes) -> tuple[str, str]:
    """Both hashes a number may be stored as: an account registered before scrypt keeps the earlier
    one until the centre verifies it."""
    return keyed_hash(number, key), _earlier_hash(number, key)


def make_resident_id(rng: random.Random | None = None, *, region: str = "430903",
                     birth: dt.date | None = None) -> str:
    """A valid-format resident ID (made up: 430903 is 赫山区) for tests and the demo."""
    rng = rng or random.SystemRandom()
    birth = birth or dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
    first17 = f"{region}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + resident_id_check(first17)


def make_uscc(rng: random.Random | None = None, *, prefix: str = "91", region: str = "430903") -> str:
    """A valid-format USCC (made up) for tests and the demo: 91 an enterprise, 93 a collective
    economic organisation (农业农村 registration: N2 for 村集体经济组织), 12 an agency."""
    rng = rng or random.SystemRandom()
    first17 = prefix + region + "".join(rng.choice(USCC_CHARSET) for _ in range(9))
    return first17 + uscc_check(first17)
