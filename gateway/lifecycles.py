"""The lifecycles beside the step catalogue: for each kind of object the contracts hold, its states
(as the contract's enum names them), the step each state waits on, whose turn that is, and the
time limit of that wait (附件1, DESIGN §5).

The contracts log every move (ApplicationMoved, ReissueMoved, CouponMoved) and the index keeps the
state; this module says what the state means for people. The queues, the clocks and the console's
offered reissue steps read it; tests/gateway/test_lifecycles.py ties its states to the contracts'
enums and its steps to the catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import steps
from .steps import Step


@dataclass(frozen=True)
class Limit:
    """One row of DESIGN §5's table: a step, its working days and what starts its clock."""

    step: Step
    days: int
    article: str
    starts: str  # the event that starts the clock, as the table says it
    field_survey: bool = False  # the step's own field survey stops its clock


# 附件1 一: registration
FORMAL_REVIEW = Limit(steps.FORMAL_REVIEW, 2, "附件1 一(二)", "submitted or resubmitted")
PRELIMINARY_REVIEW = Limit(steps.PRELIMINARY_REVIEW, 7, "附件1 一(二)", "formal review passed", field_survey=True)
VALIDATION = Limit(steps.VALIDATE, 7, "附件1 一(三)",
                   "preliminary review passed, or the verifier's attestation if that came later")
OPINION = Limit(steps.OPINION, 2, "附件1 一(三)", "validated, or returned by the EEB")
EEB_REVIEW = Limit(steps.EEB_REVIEW, 7, "附件1 一(四)", "validation opinion forwarded")
FILING = Limit(steps.FILE, 2, "附件1 一(四)", "EEB review passed")
MINT = Limit(steps.MINT, 7, "附件1 一(五)", "filed")
# 附件1 二: reissue
REISSUE_FORMAL_REVIEW = Limit(steps.REISSUE_FORMAL_REVIEW, 2, "附件1 二(二)",
                              "the owner's loss report (附件3), or its resubmission after a supplement")
REISSUE_REVIEW = Limit(steps.REISSUE_REVIEW, 7, "附件1 二(二)", "reissue formal review passed", field_survey=True)
REISSUE_REGISTRATION = Limit(steps.REISSUE_REGISTRATION, 2, "附件1 二(三)", "reissue review passed")
REISSUE_FILING = Limit(steps.FILE_REISSUE, 2, "附件1 二(四)", "reissue registered")
REISSUE = Limit(steps.REISSUE, 7, "附件1 二(五)", "the later of the reissue filing and the end of the loss notice")

TIME_LIMITS: tuple[Limit, ...] = (
    FORMAL_REVIEW, PRELIMINARY_REVIEW, VALIDATION, OPINION, EEB_REVIEW, FILING, MINT,
    REISSUE_FORMAL_REVIEW, REISSUE_REVIEW, REISSUE_REGISTRATION, REISSUE_FILING, REISSUE,
)


@dataclass(frozen=True)
class Wait:
    """What a state waits on: a step, and its time limit where the Measures set one."""

    step: Step
    limit: Limit | None = None

    @property
    def party(self) -> str:
        """Whose turn it is: the department, or HOLDER for the applicant or owner."""
        return self.step.roles[0]


def _timed(*limits: Limit) -> tuple[Wait, ...]:
    return tuple(Wait(limit.step, limit) for limit in limits)


@dataclass(frozen=True)
class Lifecycle:
    kind: str
    states: tuple[str, ...]  # every state, as the contract's enum names it
    waits: dict[str, Wait]  # the states a party must act in: what each waits on
    admits: dict[str, frozenset[Step]] = field(default_factory=dict)  # every step each state admits, if listed

    def timed(self) -> dict[str, Limit]:
        """The states whose wait has a time limit, with it: what the queues and the clocks read."""
        return {state: wait.limit for state, wait in self.waits.items() if wait.limit is not None}


# A registration application (附件1 一; ApplicationRegistry.Status). The verifier's attestation, which the
# Measures set no limit for, is waited on beside FORMAL_OK and PRELIM_OK (services/applications.py).
APPLICATION = Lifecycle(
    "application",
    states=("SUBMITTED", "SUPPLEMENT_REQUIRED", "FORMAL_OK", "PRELIM_OK", "VALIDATED", "FILED", "ISSUED",
            "REJECTED", "OPINION_FORWARDED", "EEB_REVIEWED"),
    waits={
        "SUPPLEMENT_REQUIRED": Wait(steps.RESUBMIT),
        **dict(zip(("SUBMITTED", "FORMAL_OK", "PRELIM_OK", "VALIDATED", "OPINION_FORWARDED", "EEB_REVIEWED", "FILED"),
                   _timed(FORMAL_REVIEW, PRELIMINARY_REVIEW, VALIDATION, OPINION, EEB_REVIEW, FILING, MINT))),
    },
)

# A lost coupon's reissue procedure (附件1 二; CouponLedger's reissue stages). Withdrawing the loss report
# is possible until the EEB files it; a supplement owed, or a field survey under way, holds a stage
# (services/reissues.py Procedure.admitted).
REISSUE_PROCEDURE = Lifecycle(
    "reissue",
    states=("NONE", "REPORTED", "FORMAL_OK", "REVIEWED", "REGISTERED", "FILED"),
    waits=dict(zip(("REPORTED", "FORMAL_OK", "REVIEWED", "REGISTERED", "FILED"),
                   _timed(REISSUE_FORMAL_REVIEW, REISSUE_REVIEW, REISSUE_REGISTRATION, REISSUE_FILING, REISSUE))),
    admits={
        "REPORTED": frozenset({steps.REISSUE_FORMAL_REVIEW, steps.WITHDRAW_LOSS}),
        "FORMAL_OK": frozenset({steps.REISSUE_SURVEY_PAUSE, steps.REISSUE_REVIEW, steps.WITHDRAW_LOSS}),
        "REVIEWED": frozenset({steps.REISSUE_REGISTRATION, steps.WITHDRAW_LOSS}),
        "REGISTERED": frozenset({steps.FILE_REISSUE, steps.WITHDRAW_LOSS}),
        "FILED": frozenset({steps.REISSUE}),
    },
)

# An application prepared by an agent, or naming a co-applicant (§8; the gateway's own states,
# services/prepared_applications.py): it waits for the right-holder's and the co-applicant's confirmations.
PREPARED_APPLICATION = Lifecycle(
    "prepared",
    states=("AWAITING", "SUBMITTED", "DECLINED"),
    waits={"AWAITING": Wait(steps.CONFIRM_APPLICATION)},
    admits={"AWAITING": frozenset({steps.CONFIRM_APPLICATION, steps.DECLINE_APPLICATION})},
)

LIFECYCLES = (APPLICATION, REISSUE_PROCEDURE, PREPARED_APPLICATION)
