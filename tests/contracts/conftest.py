"""A story fixture that walks applications and coupons through the Measures' steps."""

from __future__ import annotations

import itertools

import pytest
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from chain import Action, ApplicationStatus, OffsetPurpose, Registry

ZERO_ADDRESS = "0x" + "00" * 20
PERIOD_START = 1_640_966_400  # 2022-01-01 UTC+8
PERIOD_END = 1_704_038_400  # 2024-01-01 UTC+8
DOCUMENTS_HASH = bytes.fromhex("11" * 32)
REPORT_HASH = bytes.fromhex("22" * 32)
CLAIMED_KG = 12_723_000  # 12,723 t, the Sanming ticket of ANCHORS.md
ATTESTED_KG = 12_723_000


def parcel(number: str) -> bytes:
    """A parcel's on-chain id: keccak256 of its parcel number (宗地号)."""
    return keccak(text=number)


class Story:
    """Drives the Measures' steps with the right official for each."""

    def __init__(self, registry: Registry, actors):
        self.registry = registry
        self.actors = actors
        self._parcel_numbers = itertools.count(1)

    def send(self, sender: LocalAccount, function: str, *args):
        return self.registry.send(sender, function, *args)

    def fresh_parcel(self) -> bytes:
        return parcel(f"430903-HS-{next(self._parcel_numbers):04d}")

    # -- applications

    def submit(self, *, parcels=None, start=PERIOD_START, end=PERIOD_END, claimed_kg=CLAIMED_KG, applicant=None) -> int:
        parcels = parcels if parcels is not None else [self.fresh_parcel()]
        receipt = self.send(
            applicant or self.actors.holder, "submit", parcels, start, end, claimed_kg, DOCUMENTS_HASH, REPORT_HASH
        )
        return receipt.event("ApplicationSubmitted").args["application"]

    def advance(self, application_id: int, to: ApplicationStatus, *, attested_kg: int = ATTESTED_KG) -> int:
        """Walk an application forward until it reaches `to`."""
        a = self.actors
        steps = [
            (ApplicationStatus.FORMAL_OK, lambda: self.send(a.center_officer, "pass_formal_review", application_id)),
            (
                ApplicationStatus.PRELIM_OK,
                lambda: (
                    self.send(a.center_officer, "pass_preliminary_review", application_id),
                    self.send(a.verifier, "attest_report", application_id, REPORT_HASH, attested_kg),
                ),
            ),
            (
                ApplicationStatus.VALIDATED,
                lambda: (
                    self.send(a.nrb_officer, "sign_validation", application_id),
                    self.send(a.forestry_officer, "sign_validation", application_id),
                ),
            ),
            (ApplicationStatus.FILED, lambda: self.send(a.eeb_officer, "file", application_id, f"赫环碳备〔2026〕{application_id}号")),
        ]
        for status, step in steps:
            if self.registry.application(application_id).status == to:
                break
            step()
        assert self.registry.application(application_id).status == to
        return application_id

    def filed(self, **submit_args) -> int:
        return self.advance(self.submit(**submit_args), ApplicationStatus.FILED)

    def mint(self, *, attested_kg: int = ATTESTED_KG, **submit_args) -> int:
        """A freshly minted ACTIVE coupon owned by the applicant; returns its id."""
        application_id = self.advance(self.submit(**submit_args), ApplicationStatus.FILED, attested_kg=attested_kg)
        return self.send(self.actors.gov_officer, "mint", application_id).event("CouponCreated").args["coupon"]

    # -- owner consent and department steps

    def request(self, coupon_id: int, action: Action, *, counterparty: str = ZERO_ADDRESS, amount_kg=None, owner=None):
        amount_kg = amount_kg if amount_kg is not None else self.registry.coupon(coupon_id).amount_kg
        owner = owner or self._owner_account(coupon_id)
        return self.send(owner, "request", coupon_id, int(action), counterparty, amount_kg)

    def list(self, coupon_id: int, *, price_fen_per_tonne: int = 3_000, notice_end: int = 0):
        self.request(coupon_id, Action.LIST)
        return self.send(self.actors.center_officer, "list_coupon", coupon_id, price_fen_per_tonne, notice_end, DOCUMENTS_HASH)

    def pledge(self, coupon_id: int, *, amount_kg=None):
        self.request(coupon_id, Action.PLEDGE, counterparty=self.actors.pledgee.address, amount_kg=amount_kg)
        return self.send(self.actors.finance_officer, "register_pledge", coupon_id, 50_000_000, PERIOD_END + 10**8)

    def freeze(self, coupon_id: int):
        return self.send(self.actors.nrb_officer, "freeze", coupon_id, "抽查发现权属争议")

    def report_loss(self, coupon_id: int):
        self.request(coupon_id, Action.LOSS)
        return self.send(self.actors.center_officer, "report_loss", coupon_id)

    def retire(self, coupon_id: int, *, amount_kg=None, owner=None):
        self.request(coupon_id, Action.OFFSET, amount_kg=amount_kg, owner=owner)
        return self.send(
            self.actors.eeb_officer, "retire", coupon_id, int(OffsetPurpose.EVENT_NEUTRALITY), "赫山马拉松组委会", "HS-2026-EV-01"
        )

    def _owner_account(self, coupon_id: int) -> LocalAccount:
        owner = self.registry.coupon(coupon_id).owner
        for account in vars(self.actors).values():
            if account.address == owner:
                return account
        raise LookupError(f"no test actor owns coupon {coupon_id}")


@pytest.fixture
def story(registry: Registry, actors) -> Story:
    return Story(registry, actors)
