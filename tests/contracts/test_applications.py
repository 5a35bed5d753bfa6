"""Every ApplicationRegistry transition (DESIGN §4, 附件1 一): submit → formal review
(or supplement) → preliminary review (field survey pauses the clock) → verifier
attestation and joint NRB + FORESTRY validation → the centre's validation opinion →
EEB review (or return to the centre, 退回) → EEB filing → GOV mint; rejection from
each review step; and the parcel guard (§2 CCER list, §9 harvest plans, one issuance
per parcel and period).

Positive tests assert the application record and the event; negative tests assert
the exact revert reason and that nothing changed (`expect_revert`). Role tests are
parametrized over every department actor that must fail, plus a non-member.
"""

from __future__ import annotations

import pytest
from contract_story import (
    BOUNDARIES_HASH,
    DOCUMENTS_HASH,
    MISSING_ROLE,
    OPINION_HASH,
    PERIOD_END,
    PERIOD_START,
    REPORT_HASH,
    UNKNOWN_APPLICATION,
    departments_but,
    parcel,
)
from contract_story import AMOUNT as CLAIMED_KG
from eth_account import Account

from chain import Application, ApplicationStatus, Role
from chain import compile as compiler

ATTESTED_KG = CLAIMED_KG  # the story's verifier attests the whole claim

NEW_DOCUMENTS_HASH = bytes.fromhex("33" * 32)
NEW_REPORT_HASH = bytes.fromhex("44" * 32)
PART_KG = 10_500_000  # the verifier accounts less than claimed
FILING_NUMBER = "赫环碳备〔2026〕7号"
REASON = "监测报告与宗地四至不符"
RETURN_REASON = "审定意见未附外业调查记录"
NEW_OPINION_HASH = bytes.fromhex("88" * 32)
MISSING_ITEMS = ["林权证或土地承包经营权证", "第三方监测核算报告签章页", "村集体经济组织合作协议"]
DAY = 86_400
UINT64_MAX = 2**64 - 1

WRONG_STATUS = "applications: wrong status"
OVERLAPS = "applications: parcel period overlaps"
HARVEST = "applications: harvest planned in period"
CCER = "applications: parcel on CCER list"
EMPTY_PERIOD = "applications: empty period"

SUBMITTED = ApplicationStatus.SUBMITTED
SUPPLEMENT_REQUIRED = ApplicationStatus.SUPPLEMENT_REQUIRED
FORMAL_OK = ApplicationStatus.FORMAL_OK
PRELIM_OK = ApplicationStatus.PRELIM_OK
VALIDATED = ApplicationStatus.VALIDATED
OPINION_FORWARDED = ApplicationStatus.OPINION_FORWARDED
EEB_REVIEWED = ApplicationStatus.EEB_REVIEWED
FILED = ApplicationStatus.FILED
ISSUED = ApplicationStatus.ISSUED
REJECTED = ApplicationStatus.REJECTED

# The departments that may end an application (reject): 初审 and 审定. Formal review asks for what is
# missing and the EEB returns the file (附件1 一(二), 一(四)): neither ends it.
REVIEWERS = {
    "center_officer": Role.CENTER,
    "nrb_officer": Role.NRB,
    "forestry_officer": Role.FORESTRY,
}


def step_args(function: str, application_id: int) -> tuple:
    """Valid arguments for one lifecycle step."""
    return {
        "pass_formal_review": (application_id,),
        "require_supplement": (application_id, MISSING_ITEMS),
        "resubmit": (application_id, NEW_DOCUMENTS_HASH, NEW_REPORT_HASH),
        "pause_field_survey": (application_id,),
        "resume_field_survey": (application_id,),
        "pass_preliminary_review": (application_id,),
        "attest_report": (application_id, REPORT_HASH, ATTESTED_KG),
        "sign_validation": (application_id,),
        "issue_validation_opinion": (application_id, OPINION_HASH),
        "pass_eeb_review": (application_id,),
        "return_to_center": (application_id, RETURN_REASON),
        "file": (application_id, FILING_NUMBER),
        "reject": (application_id, REASON),
        "mint": (application_id,),
        "mark_issued": (application_id,),
    }[function]


def assert_moved(registry, receipt, application_id: int, status: ApplicationStatus) -> Application:
    """The application is in `status`, stamped with the block that moved it there, and the step's one
    ApplicationMoved says so (the index reads the status from it alone)."""
    application = registry.application(application_id)
    assert application.status == status
    assert application.updated_at == registry.chain.timestamp()
    assert receipt.event("ApplicationMoved").args == {"application": application_id, "status": status}
    return application


def reviewed(story, application_id: int) -> int:
    """Formal and preliminary review passed, no attestation yet."""
    story.send(story.actors.center_officer, "pass_formal_review", application_id)
    story.send(story.actors.center_officer, "pass_preliminary_review", application_id)
    return application_id


# ---------------------------------------------------------------- prepared starting points
#
# Each starting point (one application, submitted by the holder for PREPARED_PARCEL)
# is built once (conftest `prepared`).

PREPARED_PARCEL = parcel("430903-HS-APPLICATION-PREPARED")


def _at(status: ApplicationStatus, **advance_args):
    def build(story, evm) -> int:
        return story.advance(story.submit(parcels=[PREPARED_PARCEL]), status, **advance_args)

    return build


def _then(base, *steps: tuple[str, str]):
    def build(story, evm) -> int:
        application_id = base(story, evm)
        for actor, function in steps:
            story.send(getattr(story.actors, actor), function, *step_args(function, application_id))
        return application_id

    return build


BUILDERS = {
    "submitted": _at(SUBMITTED),
    "supplement_required": _then(_at(SUBMITTED), ("center_officer", "require_supplement")),
    "formal_ok": _at(FORMAL_OK),
    "paused": _then(_at(FORMAL_OK), ("center_officer", "pause_field_survey")),
    "reviewed": lambda story, evm: reviewed(story, story.submit(parcels=[PREPARED_PARCEL])),
    "prelim_ok": _at(PRELIM_OK, attested_kg=PART_KG),
    "validated": _at(VALIDATED, attested_kg=PART_KG),
    "opinion_forwarded": _at(OPINION_FORWARDED, attested_kg=PART_KG),
    "eeb_reviewed": _at(EEB_REVIEWED, attested_kg=PART_KG),
    "returned": _then(_at(EEB_REVIEWED, attested_kg=PART_KG), ("eeb_officer", "return_to_center")),
    "filed": _at(FILED, attested_kg=PART_KG),
    "issued": _then(_at(FILED, attested_kg=PART_KG), ("gov_officer", "mint")),
    "rejected": _then(_at(FORMAL_OK), ("center_officer", "reject")),
}


# ---------------------------------------------------------------- submit (附件1 一(一), 附件2)


def test_submit__valid__application_recorded_and_event(story, registry, actors):
    parcels = [story.fresh_parcel(), story.fresh_parcel()]
    first = story.submit()
    receipt = story.send(
        actors.holder, "submit", parcels, PERIOD_START, PERIOD_END, CLAIMED_KG, DOCUMENTS_HASH, REPORT_HASH,
        BOUNDARIES_HASH,
    )
    application_id = receipt.event("ApplicationSubmitted").args["application"]
    assert application_id == first + 1 == registry.call("application_count")
    assert registry.application(application_id) == Application(
        application_id,
        actors.holder.address,
        b"\x00" * 32,  # a holder belongs to no department
        SUBMITTED,
        CLAIMED_KG,
        0,
        PERIOD_START,
        PERIOD_END,
        DOCUMENTS_HASH,
        REPORT_HASH,
        False,
        False,
        False,
        registry.chain.timestamp(),
    )
    assert registry.call("parcels_of", application_id) == parcels
    assert receipt.event("ApplicationSubmitted").args == {
        "application": application_id,
        "applicant": actors.holder.address,
        "parcels": parcels,
        "period_start": PERIOD_START,
        "period_end": PERIOD_END,
        "claimed_kg": CLAIMED_KG,
        "documents_hash": DOCUMENTS_HASH,
        "report_hash": REPORT_HASH,
        "boundaries_hash": BOUNDARIES_HASH,
    }


def test_submit__sixteen_parcels_and_uint64_period_end__accepted(story, registry, actors):
    parcels = [story.fresh_parcel() for _ in range(16)]
    receipt = story.send(
        actors.holder, "submit", parcels, PERIOD_START, UINT64_MAX, 1, DOCUMENTS_HASH, REPORT_HASH, BOUNDARIES_HASH
    )
    application_id = receipt.event("ApplicationSubmitted").args["application"]
    assert registry.call("parcels_of", application_id) == parcels
    assert registry.application(application_id).period_end == UINT64_MAX
    assert receipt.event("ApplicationSubmitted").args["parcels"] == parcels


@pytest.mark.parametrize(
    "overrides, reason",
    [
        pytest.param(lambda p: {"parcels": []}, "applications: no parcels", id="no_parcels"),
        pytest.param(lambda p: {"start": PERIOD_END, "end": PERIOD_END}, EMPTY_PERIOD, id="start_equals_end"),
        pytest.param(lambda p: {"start": PERIOD_END, "end": PERIOD_START}, EMPTY_PERIOD, id="start_after_end"),
        pytest.param(lambda p: {"end": UINT64_MAX + 1}, "applications: period out of range", id="end_beyond_uint64"),
        pytest.param(lambda p: {"claimed_kg": 0}, "applications: zero amount", id="zero_amount"),
        pytest.param(lambda p: {"boundaries_hash": b"\x00" * 32}, "applications: no boundaries", id="no_boundaries"),
        pytest.param(lambda p: {"parcels": [p[0], p[0]]}, "applications: duplicate parcel", id="duplicate_adjacent"),
        pytest.param(lambda p: {"parcels": [p[0], p[1], p[0]]}, "applications: duplicate parcel", id="duplicate_apart"),
    ],
)
def test_submit__invalid_input__reverts(story, expect_revert, overrides, reason):
    parcels = [story.fresh_parcel(), story.fresh_parcel()]
    with expect_revert(reason):
        story.submit(**({"parcels": parcels[:1]} | overrides(parcels)))


# ---------------------------------------------------------------- formal review (2 working days)


def test_pass_formal_review__submitted__formal_ok_and_event(prepared, registry, actors):
    application_id = prepared("submitted")
    receipt = registry.send(actors.center_officer, "pass_formal_review", application_id)
    assert_moved(registry, receipt, application_id, FORMAL_OK)
    assert receipt.event("FormalReviewPassed").args == {"application": application_id}


@pytest.mark.parametrize("items", [MISSING_ITEMS, [f"附件{i}" for i in range(1, 17)]], ids=["three", "sixteen"])
def test_require_supplement__all_missing_items__supplement_required_and_event_lists_them(
    prepared, registry, actors, items
):
    application_id = prepared("submitted")
    receipt = registry.send(actors.center_officer, "require_supplement", application_id, items)
    assert_moved(registry, receipt, application_id, SUPPLEMENT_REQUIRED)
    assert receipt.event("SupplementRequired").args == {"application": application_id, "missing_items": items}


def test_require_supplement__no_items__reverts(prepared, registry, actors, expect_revert):
    application_id = prepared("submitted")
    with expect_revert("applications: no missing items"):
        registry.send(actors.center_officer, "require_supplement", application_id, [])


# ---------------------------------------------------------------- resubmit


def test_resubmit__by_applicant__submitted_with_new_documents_and_event(prepared, registry, actors):
    application_id = prepared("supplement_required")
    receipt = registry.send(actors.holder, "resubmit", application_id, NEW_DOCUMENTS_HASH, NEW_REPORT_HASH)
    application = assert_moved(registry, receipt, application_id, SUBMITTED)
    assert (application.documents_hash, application.report_hash) == (NEW_DOCUMENTS_HASH, NEW_REPORT_HASH)
    assert receipt.event("ApplicationResubmitted").args == {
        "application": application_id,
        "documents_hash": NEW_DOCUMENTS_HASH,
        "report_hash": NEW_REPORT_HASH,
    }


def test_resubmit__then_formal_review__passes(prepared, registry, actors):
    application_id = prepared("supplement_required")
    registry.send(actors.holder, "resubmit", application_id, NEW_DOCUMENTS_HASH, NEW_REPORT_HASH)
    receipt = registry.send(actors.center_officer, "pass_formal_review", application_id)
    assert_moved(registry, receipt, application_id, FORMAL_OK)
    assert receipt.event("FormalReviewPassed").args == {"application": application_id}


def test_attest_report__old_hash_after_resubmit__reverts(prepared, registry, actors, expect_revert):
    application_id = prepared("supplement_required")
    registry.send(actors.holder, "resubmit", application_id, NEW_DOCUMENTS_HASH, NEW_REPORT_HASH)
    registry.send(actors.center_officer, "pass_formal_review", application_id)
    with expect_revert("applications: report hash mismatch"):
        registry.send(actors.verifier, "attest_report", application_id, REPORT_HASH, ATTESTED_KG)


@pytest.mark.parametrize("name", departments_but() + ["buyer"])
def test_resubmit__not_the_applicant__reverts(prepared, registry, actors, expect_revert, name):
    application_id = prepared("supplement_required")
    with expect_revert("applications: not applicant"):
        registry.send(getattr(actors, name), "resubmit", application_id, NEW_DOCUMENTS_HASH, NEW_REPORT_HASH)


# ---------------------------------------------------------------- field survey and preliminary review


def test_pause_field_survey__formal_ok__paused_and_event(prepared, registry, actors):
    application_id = prepared("formal_ok")
    receipt = registry.send(actors.center_officer, "pause_field_survey", application_id)
    application = registry.application(application_id)
    assert application.survey_paused
    assert application.status == FORMAL_OK
    assert receipt.event("FieldSurveyPaused").args == {"application": application_id}


def test_resume_field_survey__paused__resumed_and_event(prepared, registry, actors):
    application_id = prepared("paused")
    receipt = registry.send(actors.center_officer, "resume_field_survey", application_id)
    application = registry.application(application_id)
    assert not application.survey_paused
    assert application.status == FORMAL_OK
    assert receipt.event("FieldSurveyResumed").args == {"application": application_id}


def test_pause_field_survey__already_paused__reverts(prepared, registry, actors, expect_revert):
    application_id = prepared("paused")
    with expect_revert("applications: survey already paused"):
        registry.send(actors.center_officer, "pause_field_survey", application_id)
    assert registry.application(application_id).survey_paused


def test_resume_field_survey__not_paused__reverts(prepared, registry, actors, expect_revert):
    application_id = prepared("formal_ok")
    with expect_revert("applications: survey not paused"):
        registry.send(actors.center_officer, "resume_field_survey", application_id)


def test_pass_preliminary_review__survey_paused__reverts(prepared, registry, actors, expect_revert):
    application_id = prepared("paused")
    with expect_revert("applications: field survey in progress"):
        registry.send(actors.center_officer, "pass_preliminary_review", application_id)
    assert registry.application(application_id).status == FORMAL_OK


def test_pass_preliminary_review__formal_ok__prelim_ok_and_event(prepared, registry, actors):
    application_id = prepared("formal_ok")
    receipt = registry.send(actors.center_officer, "pass_preliminary_review", application_id)
    assert_moved(registry, receipt, application_id, PRELIM_OK)
    assert receipt.event("PreliminaryReviewPassed").args == {"application": application_id}


def test_pass_preliminary_review__survey_resumed__prelim_ok_and_event(prepared, registry, actors):
    application_id = prepared("paused")
    registry.send(actors.center_officer, "resume_field_survey", application_id)
    receipt = registry.send(actors.center_officer, "pass_preliminary_review", application_id)
    assert_moved(registry, receipt, application_id, PRELIM_OK)
    assert receipt.event("PreliminaryReviewPassed").args == {"application": application_id}


# ---------------------------------------------------------------- verifier attestation


@pytest.mark.parametrize(
    "start, attested_kg",
    [("formal_ok", PART_KG), ("reviewed", CLAIMED_KG)],
    ids=["formal_ok_part", "prelim_ok_whole_claim"],
)
def test_attest_report__matching_hash__amount_recorded_and_event(prepared, registry, actors, start, attested_kg):
    application_id = prepared(start)
    status = registry.application(application_id).status
    receipt = registry.send(actors.verifier, "attest_report", application_id, REPORT_HASH, attested_kg)
    application = registry.application(application_id)
    assert application.attested_kg == attested_kg
    assert application.status == status
    assert receipt.event("ReportAttested").args == {
        "application": application_id,
        "verifier": actors.verifier.address,
        "report_hash": REPORT_HASH,
        "attested_kg": attested_kg,
    }


@pytest.mark.parametrize(
    "report_hash, attested_kg, reason",
    [
        (NEW_REPORT_HASH, ATTESTED_KG, "applications: report hash mismatch"),
        (b"\x00" * 32, ATTESTED_KG, "applications: report hash mismatch"),
        (REPORT_HASH, 0, "applications: zero amount"),
        (REPORT_HASH, CLAIMED_KG + 1, "applications: attested exceeds claim"),
    ],
    ids=["hash_mismatch", "zero_hash", "zero_amount", "exceeds_claim"],
)
def test_attest_report__invalid__reverts(prepared, registry, actors, expect_revert, report_hash, attested_kg, reason):
    application_id = prepared("reviewed")
    with expect_revert(reason):
        registry.send(actors.verifier, "attest_report", application_id, report_hash, attested_kg)
    assert registry.application(application_id).attested_kg == 0


def test_attest_report__beyond_uint64__reverts(story, registry, actors, expect_revert):
    application_id = story.advance(story.submit(claimed_kg=UINT64_MAX + 2), FORMAL_OK)
    with expect_revert("applications: amount out of range"):
        registry.send(actors.verifier, "attest_report", application_id, REPORT_HASH, UINT64_MAX + 1)


def test_attest_report__after_a_validation_signature__reverts(prepared, registry, actors, expect_revert):
    application_id = prepared("prelim_ok")
    registry.send(actors.nrb_officer, "sign_validation", application_id)
    with expect_revert("applications: validation already signed"):
        registry.send(actors.verifier, "attest_report", application_id, REPORT_HASH, CLAIMED_KG)


# ---------------------------------------------------------------- joint validation NRB + FORESTRY (2 of 2)


@pytest.mark.parametrize(
    "first, second",
    [("nrb_officer", "forestry_officer"), ("forestry_officer", "nrb_officer")],
    ids=["nrb_first", "forestry_first"],
)
def test_sign_validation__both_departments_either_order__validated_and_events(
    prepared, registry, actors, first, second
):
    application_id = prepared("prelim_ok")
    flag = {"nrb_officer": "nrb_signed", "forestry_officer": "forestry_signed"}

    receipt = registry.send(getattr(actors, first), "sign_validation", application_id)
    application = registry.application(application_id)
    assert application.status == PRELIM_OK
    assert getattr(application, flag[first]) and not getattr(application, flag[second])
    assert receipt.event("ValidationSigned").args == {"application": application_id, "department": REVIEWERS[first].id}
    assert receipt.named("ApplicationValidated") == []

    receipt = registry.send(getattr(actors, second), "sign_validation", application_id)
    application = assert_moved(registry, receipt, application_id, VALIDATED)
    assert application.nrb_signed and application.forestry_signed
    assert receipt.event("ValidationSigned").args == {"application": application_id, "department": REVIEWERS[second].id}
    assert receipt.event("ApplicationValidated").args == {"application": application_id, "amount_kg": PART_KG}


@pytest.mark.parametrize("name", ["nrb_officer", "forestry_officer"])
def test_sign_validation__same_department_twice__reverts(prepared, registry, actors, expect_revert, name):
    application_id = prepared("prelim_ok")
    registry.send(getattr(actors, name), "sign_validation", application_id)
    with expect_revert("applications: already signed"):
        registry.send(getattr(actors, name), "sign_validation", application_id)
    assert registry.application(application_id).status == PRELIM_OK


@pytest.mark.parametrize("name", ["nrb_officer", "forestry_officer"])
def test_sign_validation__report_not_attested__reverts(prepared, registry, actors, expect_revert, name):
    application_id = prepared("reviewed")
    with expect_revert("applications: report not attested"):
        registry.send(getattr(actors, name), "sign_validation", application_id)


# ---------------------------------------------------------------- validation opinion (审定意见, CENTER)


@pytest.mark.parametrize("start", ["validated", "returned"])
def test_issue_validation_opinion__validated__opinion_forwarded_and_event(prepared, registry, actors, start):
    application_id = prepared(start)
    receipt = registry.send(actors.center_officer, "issue_validation_opinion", application_id, NEW_OPINION_HASH)
    application = assert_moved(registry, receipt, application_id, OPINION_FORWARDED)
    assert application.nrb_signed and application.forestry_signed and application.attested_kg == PART_KG
    assert registry.validation_opinion(application_id) == NEW_OPINION_HASH
    assert receipt.event("ValidationOpinionIssued").args == {
        "application": application_id,
        "opinion_hash": NEW_OPINION_HASH,
    }


def test_issue_validation_opinion__empty_document__reverts(prepared, registry, actors, expect_revert):
    application_id = prepared("validated")
    with expect_revert("applications: empty opinion"):
        registry.send(actors.center_officer, "issue_validation_opinion", application_id, b"\x00" * 32)


# ---------------------------------------------------------------- EEB review (审核) and return to the centre (退回)


def test_pass_eeb_review__opinion_forwarded__eeb_reviewed_and_event(prepared, registry, actors):
    application_id = prepared("opinion_forwarded")
    receipt = registry.send(actors.eeb_officer, "pass_eeb_review", application_id)
    assert_moved(registry, receipt, application_id, EEB_REVIEWED)
    assert registry.validation_opinion(application_id) == OPINION_HASH
    assert receipt.event("EebReviewPassed").args == {"application": application_id}


@pytest.mark.parametrize("start", ["opinion_forwarded", "eeb_reviewed"])
def test_return_to_center__eeb_at_its_review__validated_again_opinion_cleared_and_event(
    prepared, registry, actors, start
):
    application_id = prepared(start)
    receipt = registry.send(actors.eeb_officer, "return_to_center", application_id, RETURN_REASON)
    application = assert_moved(registry, receipt, application_id, VALIDATED)
    assert application.nrb_signed and application.forestry_signed  # the joint validation stands
    assert registry.validation_opinion(application_id) is None
    assert receipt.event("ApplicationReturned").args == {
        "application": application_id,
        "department": Role.EEB.id,
        "reason": RETURN_REASON,
    }


def test_return_to_center__then_new_opinion_review_and_filing__filed(prepared, registry, actors):
    application_id = prepared("returned")
    registry.send(actors.center_officer, "issue_validation_opinion", application_id, NEW_OPINION_HASH)
    registry.send(actors.eeb_officer, "pass_eeb_review", application_id)
    receipt = registry.send(actors.eeb_officer, "file", application_id, FILING_NUMBER)
    assert_moved(registry, receipt, application_id, FILED)
    assert registry.validation_opinion(application_id) == NEW_OPINION_HASH
    assert receipt.event("ApplicationFiled").args == {"application": application_id, "filing_number": FILING_NUMBER}


def test_return_to_center__empty_reason__reverts(prepared, registry, actors, expect_revert):
    application_id = prepared("opinion_forwarded")
    with expect_revert("applications: empty reason"):
        registry.send(actors.eeb_officer, "return_to_center", application_id, "")


# ---------------------------------------------------------------- filing (备案签发, EEB)


def test_file__eeb_reviewed__filed_with_filing_number_and_event(prepared, registry, actors):
    application_id = prepared("eeb_reviewed")
    receipt = registry.send(actors.eeb_officer, "file", application_id, FILING_NUMBER)
    assert_moved(registry, receipt, application_id, FILED)
    assert registry.call("filing_numbers", application_id) == FILING_NUMBER
    assert receipt.event("ApplicationFiled").args == {"application": application_id, "filing_number": FILING_NUMBER}


def test_file__empty_filing_number__reverts(prepared, registry, actors, expect_revert):
    application_id = prepared("eeb_reviewed")
    with expect_revert("applications: empty filing number"):
        registry.send(actors.eeb_officer, "file", application_id, "")
    assert registry.call("filing_numbers", application_id) == ""


# ---------------------------------------------------------------- mint (制发, GOV via the ledger)


def test_mint__filed__issued_and_event(prepared, registry, actors):
    application_id = prepared("filed")
    receipt = registry.send(actors.gov_officer, "mint", application_id)
    assert_moved(registry, receipt, application_id, ISSUED)
    assert receipt.event("ApplicationIssued").args == {"application": application_id}
    assert receipt.event("ApplicationIssued").address == registry.applications.address
    coupon = registry.coupon(receipt.event("CouponCreated").args["coupon"])
    assert (coupon.owner, coupon.amount_kg) == (actors.holder.address, PART_KG)


@pytest.mark.parametrize("name", ["gov_officer", "drc", "holder", "non_member"])
def test_mark_issued__not_the_ledger__reverts(prepared, registry, actors, expect_revert, name):
    application_id = prepared("filed")
    with expect_revert("applications: only the ledger"):
        registry.send(getattr(actors, name), "mark_issued", application_id, getattr(actors, name).address)


def test_set_ledger__fresh_registry__set_once(registry, actors, expect_revert):
    contract, _ = registry.chain.deploy(compiler.load("ApplicationRegistry"), sender=actors.drc)
    registry.chain.send(actors.drc, contract, "set_ledger", registry.ledger.address)
    assert registry.chain.call(contract, "ledger") == registry.ledger.address
    with expect_revert("applications: ledger already set"):
        registry.chain.send(actors.drc, contract, "set_ledger", actors.non_member.address)
    assert registry.chain.call(contract, "ledger") == registry.ledger.address


def test_set_ledger__fresh_registry__event(registry, actors):
    contract, _ = registry.chain.deploy(compiler.load("ApplicationRegistry"), sender=actors.drc)
    receipt = registry.chain.send(actors.drc, contract, "set_ledger", registry.ledger.address)
    assert receipt.event("LedgerSet").args == {"ledger": registry.ledger.address}
    assert registry.chain.call(contract, "ledger") == registry.ledger.address


def test_set_ledger__deployed_registry__second_call_reverts(registry, actors, expect_revert):
    with expect_revert("applications: ledger already set"):
        registry.send(actors.drc, "set_ledger", actors.non_member.address)
    assert registry.call("ledger") == registry.ledger.address


@pytest.mark.parametrize("name", departments_but("drc"))
def test_set_ledger__not_drc__reverts(registry, actors, expect_revert, name):
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, name), "set_ledger", actors.non_member.address)
    assert registry.call("ledger") == registry.ledger.address


# ---------------------------------------------------------------- reject (with reason, at each review step)

REJECTIONS = [
    ("formal_ok", "center_officer"),
    ("prelim_ok", "nrb_officer"),
    ("prelim_ok", "forestry_officer"),
]


@pytest.mark.parametrize("start, name", REJECTIONS)
def test_reject__right_department_at_its_step__rejected_and_event(prepared, registry, actors, start, name):
    application_id = prepared(start)
    receipt = registry.send(getattr(actors, name), "reject", application_id, REASON)
    assert_moved(registry, receipt, application_id, REJECTED)
    assert receipt.event("ApplicationRejected").args == {
        "application": application_id,
        "department": REVIEWERS[name].id,
        "reason": REASON,
    }


@pytest.mark.parametrize(
    "start, name",
    [
        (start, name)
        for start in ("submitted", "formal_ok", "prelim_ok", "validated", "opinion_forwarded", "eeb_reviewed")
        for name in REVIEWERS
        if (start, name) not in REJECTIONS
    ]
    + [
        ("supplement_required", "center_officer"),
        ("filed", "center_officer"),
        ("issued", "center_officer"),
        ("rejected", "center_officer"),
    ],
)
def test_reject__department_not_at_its_step__reverts(prepared, registry, actors, expect_revert, start, name):
    application_id = prepared(start)
    with expect_revert(WRONG_STATUS):
        registry.send(getattr(actors, name), "reject", application_id, REASON)


@pytest.mark.parametrize("name", departments_but(*REVIEWERS))
def test_reject__not_a_reviewing_department__reverts(prepared, registry, actors, expect_revert, name):
    """The EEB among them: it returns a file to the centre (退回) and never ends it (附件1 一(四))."""
    application_id = prepared("opinion_forwarded" if name == "eeb_officer" else "submitted")
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, name), "reject", application_id, REASON)


@pytest.mark.parametrize("start, name", [("formal_ok", "center_officer"), ("prelim_ok", "nrb_officer")])
def test_reject__empty_reason__reverts(prepared, registry, actors, expect_revert, start, name):
    application_id = prepared(start)
    with expect_revert("applications: empty reason"):
        registry.send(getattr(actors, name), "reject", application_id, "")


# ---------------------------------------------------------------- who may take each step

ROLE_STEPS = {
    "pass_formal_review": ("submitted", ("center_officer",)),
    "require_supplement": ("submitted", ("center_officer",)),
    "pause_field_survey": ("formal_ok", ("center_officer",)),
    "resume_field_survey": ("paused", ("center_officer",)),
    "pass_preliminary_review": ("formal_ok", ("center_officer",)),
    "attest_report": ("formal_ok", ("verifier",)),
    "sign_validation": ("prelim_ok", ("nrb_officer", "forestry_officer")),
    "issue_validation_opinion": ("validated", ("center_officer",)),
    "pass_eeb_review": ("opinion_forwarded", ("eeb_officer",)),
    "return_to_center": ("opinion_forwarded", ("eeb_officer",)),
    "file": ("eeb_reviewed", ("eeb_officer",)),
    "mint": ("filed", ("gov_officer",)),
}


@pytest.mark.parametrize(
    "function, name",
    [(function, name) for function, (_, allowed) in ROLE_STEPS.items() for name in departments_but(*allowed)],
)
def test_step__wrong_role__reverts(prepared, registry, actors, expect_revert, function, name):
    start, _ = ROLE_STEPS[function]
    application_id = prepared(start)
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, name), function, *step_args(function, application_id))


# ---------------------------------------------------------------- from which status

WRONG_STARTS = {
    "pass_formal_review": ("center_officer", ("supplement_required", "formal_ok", "rejected")),
    "require_supplement": ("center_officer", ("supplement_required", "formal_ok")),
    "resubmit": ("holder", ("submitted", "formal_ok", "rejected")),
    "pause_field_survey": ("center_officer", ("submitted", "prelim_ok")),
    "resume_field_survey": ("center_officer", ("submitted", "prelim_ok")),
    "pass_preliminary_review": ("center_officer", ("submitted", "prelim_ok")),
    "attest_report": ("verifier", ("submitted", "validated")),
    "sign_validation": ("nrb_officer", ("formal_ok", "validated")),
    "issue_validation_opinion": ("center_officer", ("prelim_ok", "opinion_forwarded", "eeb_reviewed", "filed")),
    "pass_eeb_review": ("eeb_officer", ("validated", "eeb_reviewed", "returned", "filed")),
    "return_to_center": ("eeb_officer", ("validated", "returned", "filed", "issued")),
    "file": ("eeb_officer", ("prelim_ok", "validated", "opinion_forwarded", "filed")),
    "mint": ("gov_officer", ("validated", "issued", "rejected")),
}


@pytest.mark.parametrize(
    "function, start", [(function, start) for function, (_, starts) in WRONG_STARTS.items() for start in starts]
)
def test_step__wrong_status__reverts(prepared, registry, actors, expect_revert, function, start):
    name, _ = WRONG_STARTS[function]
    application_id = prepared(start)
    with expect_revert(WRONG_STATUS):
        registry.send(getattr(actors, name), function, *step_args(function, application_id))


@pytest.mark.parametrize(
    "function, name",
    [(function, name) for function, (name, _) in WRONG_STARTS.items() if function != "resubmit"]
    + [("reject", "center_officer")],
)
def test_step__unknown_application__reverts(registry, actors, expect_revert, function, name):
    with expect_revert("applications: unknown application"):
        registry.send(getattr(actors, name), function, *step_args(function, UNKNOWN_APPLICATION))


def test_resubmit__unknown_application__reverts(registry, actors, expect_revert):
    with expect_revert("applications: not applicant"):
        registry.send(actors.holder, "resubmit", UNKNOWN_APPLICATION, NEW_DOCUMENTS_HASH, NEW_REPORT_HASH)


# ---------------------------------------------------------------- own application


@pytest.mark.parametrize(
    "applicant, status, function",
    [
        ("center_officer", SUBMITTED, "pass_formal_review"),
        ("center_officer", SUBMITTED, "require_supplement"),
        ("verifier", FORMAL_OK, "attest_report"),
        ("nrb_officer", PRELIM_OK, "sign_validation"),
        ("nrb_officer", PRELIM_OK, "reject"),
        ("forestry_officer", PRELIM_OK, "sign_validation"),
        ("forestry_officer", PRELIM_OK, "reject"),
        ("eeb_officer", OPINION_FORWARDED, "pass_eeb_review"),
        ("eeb_officer", OPINION_FORWARDED, "return_to_center"),
    ],
)
def test_step__department_acts_on_own_application__reverts(
    story, registry, actors, expect_revert, applicant, status, function
):
    officer = getattr(actors, applicant)
    application_id = story.advance(story.submit(applicant=officer), status)
    with expect_revert("applications: own application"):
        registry.send(officer, function, *step_args(function, application_id))
    assert registry.application(application_id).applicant == officer.address


def test_pass_formal_review__second_key_of_applicant_department__reverts(evm, story, registry, actors, expect_revert):
    second_center_key = Account.create()
    evm.fund(second_center_key.address)
    registry.grant(actors.drc, Role.CENTER, second_center_key.address)
    application_id = story.submit(applicant=actors.center_officer)
    with expect_revert("applications: own application"):
        registry.send(second_center_key, "pass_formal_review", application_id)


def test_mint__gov_own_application__reverts(story, registry, actors, expect_revert):
    application_id = story.advance(story.submit(applicant=actors.gov_officer), FILED)
    with expect_revert("applications: own application"):
        registry.send(actors.gov_officer, "mint", application_id)


# ---------------------------------------------------------------- updated_at follows every transition


def test_lifecycle__each_transition__updated_at_is_its_block_time(story, registry, actors):
    a = actors
    application_id = story.submit()
    stamps = [registry.application(application_id).updated_at]
    steps = [
        (a.center_officer, "require_supplement", (MISSING_ITEMS,), SUPPLEMENT_REQUIRED),
        (a.holder, "resubmit", (NEW_DOCUMENTS_HASH, NEW_REPORT_HASH), SUBMITTED),
        (a.center_officer, "pass_formal_review", (), FORMAL_OK),
        (a.center_officer, "pass_preliminary_review", (), PRELIM_OK),
        (a.verifier, "attest_report", (NEW_REPORT_HASH, ATTESTED_KG), None),
        (a.nrb_officer, "sign_validation", (), None),
        (a.forestry_officer, "sign_validation", (), VALIDATED),
        (a.center_officer, "issue_validation_opinion", (OPINION_HASH,), OPINION_FORWARDED),
        (a.eeb_officer, "return_to_center", (RETURN_REASON,), VALIDATED),
        (a.center_officer, "issue_validation_opinion", (NEW_OPINION_HASH,), OPINION_FORWARDED),
        (a.eeb_officer, "pass_eeb_review", (), EEB_REVIEWED),
        (a.eeb_officer, "file", (FILING_NUMBER,), FILED),
        (a.gov_officer, "mint", (), ISSUED),
    ]
    for sender, function, args, status in steps:
        receipt = registry.send(sender, function, application_id, *args)
        if status is not None:
            stamps.append(assert_moved(registry, receipt, application_id, status).updated_at)
        else:  # a step that leaves the status as it is logs no move
            assert receipt.named("ApplicationMoved") == []
    assert len(stamps) == 12
    assert stamps == sorted(set(stamps))  # strictly increasing


# ---------------------------------------------------------------- parcel guard: CCER list (§2)


def test_set_ccer_listed__by_eeb__listed_and_event(story, registry, actors):
    parcel = story.fresh_parcel()
    receipt = registry.send(actors.eeb_officer, "set_ccer_listed", parcel, True)
    assert registry.call("ccer_listed", parcel)
    assert receipt.event("CcerListChanged").args == {"parcel": parcel, "listed": True}


def test_set_ccer_listed__delisted__unlisted_event_and_submit_accepted(story, registry, actors):
    parcel = story.fresh_parcel()
    registry.send(actors.eeb_officer, "set_ccer_listed", parcel, True)
    receipt = registry.send(actors.eeb_officer, "set_ccer_listed", parcel, False)
    assert not registry.call("ccer_listed", parcel)
    assert receipt.event("CcerListChanged").args == {"parcel": parcel, "listed": False}
    application_id = story.submit(parcels=[parcel])
    assert registry.application(application_id).status == SUBMITTED


@pytest.mark.parametrize("name", departments_but("eeb_officer"))
def test_set_ccer_listed__not_eeb__reverts(story, registry, actors, expect_revert, name):
    parcel = story.fresh_parcel()
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, name), "set_ccer_listed", parcel, True)
    assert not registry.call("ccer_listed", parcel)


@pytest.mark.parametrize("position", [0, 2], ids=["only_parcel", "third_of_three"])
def test_submit__parcel_on_ccer_list__reverts(story, registry, actors, expect_revert, position):
    parcels = [story.fresh_parcel() for _ in range(3)]
    registry.send(actors.eeb_officer, "set_ccer_listed", parcels[position], True)
    with expect_revert(CCER):
        story.submit(parcels=parcels[: position + 1])


def test_file__parcel_listed_after_submit__reverts(story, registry, actors, expect_revert):
    parcel = story.fresh_parcel()
    application_id = story.submit(parcels=[parcel])
    registry.send(actors.eeb_officer, "set_ccer_listed", parcel, True)
    story.advance(application_id, EEB_REVIEWED)
    with expect_revert(CCER):
        registry.send(actors.eeb_officer, "file", application_id, FILING_NUMBER)
    assert registry.application(application_id).status == EEB_REVIEWED


# ---------------------------------------------------------------- parcel guard: harvest plans (§9)


@pytest.mark.parametrize("tending", [False, True], ids=["clear_cut", "tending"])
def test_record_harvest_plan__by_forestry__recorded_and_event(story, registry, actors, tending):
    parcel = story.fresh_parcel()
    start, end = PERIOD_START + 100 * DAY, PERIOD_START + 130 * DAY
    receipt = registry.send(actors.forestry_officer, "record_harvest_plan", parcel, start, end, tending)
    assert registry.call("harvest_plans_of", parcel) == [(start, end, tending)]
    assert receipt.event("HarvestPlanRecorded").args == {
        "parcel": parcel,
        "start": start,
        "end": end,
        "tending": tending,
    }


@pytest.mark.parametrize(
    "start, end", [(PERIOD_START, PERIOD_START), (PERIOD_END, PERIOD_START)], ids=["equal", "reversed"]
)
def test_record_harvest_plan__empty_period__reverts(story, registry, actors, expect_revert, start, end):
    parcel = story.fresh_parcel()
    with expect_revert(EMPTY_PERIOD):
        registry.send(actors.forestry_officer, "record_harvest_plan", parcel, start, end, False)
    assert registry.call("harvest_plans_of", parcel) == []


@pytest.mark.parametrize("name", departments_but("forestry_officer"))
def test_record_harvest_plan__not_forestry__reverts(story, registry, actors, expect_revert, name):
    parcel = story.fresh_parcel()
    with expect_revert(MISSING_ROLE):
        registry.send(getattr(actors, name), "record_harvest_plan", parcel, PERIOD_START, PERIOD_END, False)
    assert registry.call("harvest_plans_of", parcel) == []


HARVESTS_REFUSED = {
    "overlaps_start_by_one_second": (PERIOD_START - 30 * DAY, PERIOD_START + 1),
    "overlaps_end_by_one_second": (PERIOD_END - 1, PERIOD_END + 30 * DAY),
    "inside_period": (PERIOD_START + 100 * DAY, PERIOD_START + 130 * DAY),
    "covers_period": (PERIOD_START - DAY, PERIOD_END + DAY),
}
HARVESTS_ALLOWED = {
    "ends_at_period_start": (PERIOD_START - 30 * DAY, PERIOD_START),
    "starts_at_period_end": (PERIOD_END, PERIOD_END + 30 * DAY),
}


@pytest.mark.parametrize("start, end", HARVESTS_REFUSED.values(), ids=HARVESTS_REFUSED.keys())
def test_submit__non_tending_harvest_in_period__reverts(story, registry, actors, expect_revert, start, end):
    parcel = story.fresh_parcel()
    registry.send(actors.forestry_officer, "record_harvest_plan", parcel, start, end, False)
    with expect_revert(HARVEST):
        story.submit(parcels=[parcel])


@pytest.mark.parametrize(
    "start, end, tending",
    [(*HARVESTS_REFUSED["inside_period"], True), *((*period, False) for period in HARVESTS_ALLOWED.values())],
    ids=["tending_thinning_in_period", *HARVESTS_ALLOWED.keys()],
)
def test_submit__tending_or_outside_harvest__accepted(story, registry, actors, start, end, tending):
    parcel = story.fresh_parcel()
    registry.send(actors.forestry_officer, "record_harvest_plan", parcel, start, end, tending)
    receipt = registry.send(
        actors.holder, "submit", [parcel], PERIOD_START, PERIOD_END, CLAIMED_KG, DOCUMENTS_HASH, REPORT_HASH, BOUNDARIES_HASH
    )
    application_id = receipt.event("ApplicationSubmitted").args["application"]
    assert registry.application(application_id).status == SUBMITTED
    assert receipt.event("ApplicationSubmitted").args["parcels"] == [parcel]


def test_file__harvest_planned_after_submit__reverts(story, registry, actors, expect_revert):
    parcel = story.fresh_parcel()
    application_id = story.submit(parcels=[parcel])
    registry.send(actors.forestry_officer, "record_harvest_plan", parcel, *HARVESTS_REFUSED["inside_period"], False)
    story.advance(application_id, EEB_REVIEWED)
    with expect_revert(HARVEST):
        registry.send(actors.eeb_officer, "file", application_id, FILING_NUMBER)
    assert registry.application(application_id).status == EEB_REVIEWED


def test_submit__earlier_clear_cut_then_later_tending_plan__reverts(story, registry, actors, expect_revert):
    parcel = story.fresh_parcel()
    registry.send(actors.forestry_officer, "record_harvest_plan", parcel, *HARVESTS_REFUSED["inside_period"], False)
    registry.send(actors.forestry_officer, "record_harvest_plan", parcel, PERIOD_END + DAY, PERIOD_END + 30 * DAY, True)
    with expect_revert(HARVEST):
        story.submit(parcels=[parcel])


# ---------------------------------------------------------------- parcel guard: one issuance per parcel and period

YEAR = 365 * DAY
PERIODS_REFUSED = {
    "same_period": (PERIOD_START, PERIOD_END),
    "starts_one_second_before_end": (PERIOD_END - 1, PERIOD_END + YEAR),
    "ends_one_second_after_start": (PERIOD_START - YEAR, PERIOD_START + 1),
    "inside": (PERIOD_START + DAY, PERIOD_END - DAY),
    "covering": (PERIOD_START - DAY, PERIOD_END + DAY),
}
PERIODS_ALLOWED = {
    "starts_at_end": (PERIOD_END, PERIOD_END + YEAR),
    "ends_at_start": (PERIOD_START - YEAR, PERIOD_START),
}


@pytest.mark.parametrize("start, end", PERIODS_REFUSED.values(), ids=PERIODS_REFUSED.keys())
def test_submit__parcel_filed_for_overlapping_period__reverts(prepared, story, expect_revert, start, end):
    prepared("filed")  # PREPARED_PARCEL filed for [PERIOD_START, PERIOD_END)
    with expect_revert(OVERLAPS):
        story.submit(parcels=[story.fresh_parcel(), PREPARED_PARCEL], start=start, end=end)


@pytest.mark.parametrize("start, end", PERIODS_ALLOWED.values(), ids=PERIODS_ALLOWED.keys())
def test_submit_and_file__adjacent_period__filed(prepared, story, registry, actors, start, end):
    prepared("issued")
    application_id = story.advance(story.submit(parcels=[PREPARED_PARCEL], start=start, end=end), EEB_REVIEWED)
    receipt = registry.send(actors.eeb_officer, "file", application_id, FILING_NUMBER)
    assert_moved(registry, receipt, application_id, FILED)
    assert receipt.event("ApplicationFiled").args == {"application": application_id, "filing_number": FILING_NUMBER}


@pytest.mark.parametrize(
    "start, end",
    [PERIODS_REFUSED["starts_one_second_before_end"], PERIODS_REFUSED["ends_one_second_after_start"]],
    ids=["starts_one_second_before_end", "ends_one_second_after_start"],
)
def test_file__other_application_filed_first_for_overlapping_period__reverts(
    story, registry, actors, expect_revert, start, end
):
    shared, own = story.fresh_parcel(), story.fresh_parcel()
    first = story.advance(story.submit(parcels=[shared]), EEB_REVIEWED)
    second = story.advance(story.submit(parcels=[own, shared], start=start, end=end), EEB_REVIEWED)
    registry.send(actors.eeb_officer, "file", first, FILING_NUMBER)
    with expect_revert(OVERLAPS):
        registry.send(actors.eeb_officer, "file", second, "赫环碳备〔2026〕8号")
    # the refused filing claimed nothing: its other parcel is still free for the period
    third = story.advance(story.submit(parcels=[own], start=start, end=end), EEB_REVIEWED)
    third_filing_number = "赫环碳备〔2026〕9号"
    receipt = registry.send(actors.eeb_officer, "file", third, third_filing_number)
    assert_moved(registry, receipt, third, FILED)
    assert receipt.event("ApplicationFiled").args == {"application": third, "filing_number": third_filing_number}


def test_file__overlapping_application_was_rejected__filed(story, registry, actors):
    parcel = story.fresh_parcel()
    rejected = story.advance(story.submit(parcels=[parcel]), PRELIM_OK)
    registry.send(actors.nrb_officer, "reject", rejected, REASON)
    application_id = story.advance(story.submit(parcels=[parcel]), EEB_REVIEWED)
    receipt = registry.send(actors.eeb_officer, "file", application_id, FILING_NUMBER)
    assert_moved(registry, receipt, application_id, FILED)
    assert receipt.event("ApplicationFiled").args == {"application": application_id, "filing_number": FILING_NUMBER}
