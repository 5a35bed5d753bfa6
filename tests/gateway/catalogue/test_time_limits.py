"""Every working-day limit of 附件1 一 and 二 at its own step (DESIGN §5), each clock from
its own start event, walked through National Day 2026 on a chain whose calendar the test
moves: 10/1-10/7 are off, Saturday 10/10 is a make-up working day, Sunday 10/11 is not.
A field survey stops only the clock of the step it belongs to; the verifier's wait is its
own; the reissue runs from the later of the EEB's filing and the end of the loss notice.
Each test asserts the exact due date the departments' queues show (GET /api/v1/queue)."""

from __future__ import annotations

import pytest

from gateway.catalogue import lifecycles
from gateway.core.db import ApplicationRecord, User
from support import api
from support.calendar import D, Calendar, calendar_gateway
from support.http import API, error_of, login, ok

NOTICE_DAYS = 10  # the loss notice of this gateway (an operator setting; §12 sets no length)


@pytest.fixture
def cal(tmp_path) -> Calendar:
    with calendar_gateway(tmp_path, loss_notice_days=NOTICE_DAYS) as calendar:
        yield calendar


def _items(cal: Calendar, role: str, *, application: int | None = None, coupon: str | None = None) -> list[dict]:
    return [i for i in ok(cal.client.get(f"{API}/queue", headers=cal.officials[role]))
            if (application is not None and i.get("application") == application)
            or (coupon is not None and i.get("coupon") == coupon)]


def _item(cal: Calendar, role: str, **which) -> dict:
    [item] = _items(cal, role, **which)
    return item


def _submitted(cal: Calendar, on: D) -> api.Application:
    holder = api.register_holder(cal.client)
    report = api.upload(cal.client, holder.headers)
    cal.at(on)
    return api.submit(cal.client, holder, api.application_form(report))


def _steps(cal: Calendar, application: api.Application, *dated: tuple[str, D]) -> None:
    """Take WALK's steps, each on its day."""
    for step, day in dated:
        cal.at(day)
        api.walk_step(cal.client, cal.officials, application, step)


def _through(cal: Calendar, application: api.Application, through: str, on: D) -> None:
    """Every WALK step up to and including `through`, all on one day."""
    cal.at(on)
    api.walk(cal.client, cal.officials, application, through=through)


def _coupon(cal: Calendar, on: D = D(2026, 9, 1)) -> tuple[api.Holder, str]:
    """A holder's coupon, minted on `on`."""
    holder = api.register_holder(cal.client)
    report = api.upload(cal.client, holder.headers)
    cal.at(on)
    application = api.submit(cal.client, holder, api.application_form(report))
    return holder, api.walk(cal.client, cal.officials, application)


def _reissue(cal: Calendar, number: str, *dated: tuple[str, D]) -> None:
    for step, day in dated:
        cal.at(day)
        ok(api.reissue_step(cal.client, cal.officials, number, step))


def test_table__design_5__twelve_limits_each_at_a_step_of_its_own():
    assert [(limit.article, limit.step.id, limit.days, limit.field_survey) for limit in lifecycles.TIME_LIMITS] == [
        ("附件1 一(二)", "application.formal_review", 2, False),
        ("附件1 一(二)", "application.preliminary_review", 7, True),
        ("附件1 一(三)", "application.validation", 7, False),
        ("附件1 一(三)", "application.opinion", 2, False),
        ("附件1 一(四)", "application.eeb_review", 7, False),
        ("附件1 一(四)", "application.filing", 2, False),
        ("附件1 一(五)", "application.mint", 7, False),
        ("附件1 二(二)", "coupon.reissue_formal_review", 2, False),
        ("附件1 二(二)", "coupon.reissue_review", 7, True),
        ("附件1 二(三)", "coupon.reissue_registration", 2, False),
        ("附件1 二(四)", "coupon.file_reissue", 2, False),
        ("附件1 二(五)", "coupon.reissue", 7, False),
    ]


# ---------------------------------------------------------------- 附件1 一: registration


def test_formal_review__submitted_before_national_day__due_in_two_working_days_restarted_by_resubmission(cal):
    application = _submitted(cal, D(2026, 9, 29))

    item = _item(cal, "CENTER", application=application.id)
    assert (item["step"], item["since"], item["due"], item["limit_days"]) == (
        "application.formal_review", "2026-09-29", "2026-10-08", 2)  # 9/30, then 10/8 after the holiday
    cal.today(D(2026, 10, 9))
    assert _item(cal, "CENTER", application=application.id)["overdue"] is True

    ok(cal.client.post(f"{API}/applications/{application.id}/formal-review", headers=cal.officials["CENTER"],
                       json={"decision": "supplement", "missing_items": ["合作开发协议", "营业执照"]}))
    assert _items(cal, "CENTER", application=application.id) == []  # 一次性告知: the applicant's turn, no clock
    cal.at(D(2026, 10, 10))  # the make-up Saturday
    holder_headers = login(cal.client, _applicant(cal, application.id))
    ok(cal.client.post(f"{API}/applications/{application.id}/resubmit", headers=holder_headers,
                       json={"documents": {"report": application.report}}))

    item = _item(cal, "CENTER", application=application.id)
    assert (item["since"], item["due"], item["overdue"]) == ("2026-10-10", "2026-10-13", False)  # 10/12, 10/13


def _applicant(cal: Calendar, application: int) -> str:
    with cal.gateway.db.sessions() as db:
        return db.get(User, db.get(ApplicationRecord, application).submitted_by).username


def test_preliminary_review__field_survey_across_national_day__only_its_own_clock_stops(cal):
    application = _submitted(cal, D(2026, 9, 25))
    _steps(cal, application, ("formal_review", D(2026, 9, 28)), ("attestation", D(2026, 9, 28)))
    # 9/29, 9/30, 10/8, 10/9, the make-up 10/10, 10/12, 10/13
    assert _item(cal, "CENTER", application=application.id)["due"] == "2026-10-13"

    cal.at(D(2026, 9, 29))
    ok(cal.client.post(f"{API}/applications/{application.id}/field-survey/pause", headers=cal.officials["CENTER"]))
    cal.today(D(2026, 10, 8))
    surveying = _item(cal, "CENTER", application=application.id)
    # Under way through today: 9/30 and 10/8 are survey days; the earliest due date if it ended today.
    assert (surveying["field_survey_paused"], surveying["survey_workdays"], surveying["due"]) == (True, 2, "2026-10-15")

    cal.at(D(2026, 10, 9))
    ok(cal.client.post(f"{API}/applications/{application.id}/field-survey/resume", headers=cal.officials["CENTER"]))
    resumed = _item(cal, "CENTER", application=application.id)
    # Survey days 9/30, 10/8, 10/9; the clock ran 9/29, then 10/10 10/12 10/13 10/14 10/15 10/16.
    assert (resumed["field_survey_paused"], resumed["survey_workdays"], resumed["due"]) == (False, 3, "2026-10-16")
    cal.today(D(2026, 10, 19))
    assert _item(cal, "CENTER", application=application.id)["overdue"] is True

    _steps(cal, application, ("preliminary_review", D(2026, 10, 19)))
    validation = _item(cal, "NRB", application=application.id)
    # The survey belonged to 初审: validation's seven days are not extended by it.
    assert (validation["step"], validation["since"], validation["due"], validation["survey_workdays"]) == (
        "application.validation", "2026-10-19", "2026-10-28", 0)


def test_validation__verifier_attests_after_the_preliminary_review__its_wait_apart_the_clock_from_the_attestation(cal):
    application = _submitted(cal, D(2026, 9, 21))
    _steps(cal, application, ("formal_review", D(2026, 9, 22)), ("preliminary_review", D(2026, 9, 25)))

    cal.today(D(2026, 10, 20))  # weeks on, the verifier still has not attested
    for role in ("NRB", "FORESTRY", "VERIFIER"):
        waiting = _item(cal, role, application=application.id)
        assert (waiting["step"], waiting["department"], waiting["waiting_on_verifier"]) == (
            "application.attestation", "VERIFIER", True)
        assert (waiting["since"], waiting["due"], waiting["overdue"]) == ("2026-09-25", None, False)

    _steps(cal, application, ("attestation", D(2026, 9, 30)))
    for role in ("NRB", "FORESTRY"):
        item = _item(cal, role, application=application.id)
        assert (item["step"], item["department"], item["waiting_on_verifier"]) == (
            "application.validation", role, False)
        assert (item["since"], item["due"]) == ("2026-09-30", "2026-10-15")  # 10/8 10/9 10/10 10/12 10/13 10/14 10/15
    assert _items(cal, "VERIFIER", application=application.id) == []

    _steps(cal, application, ("nrb_validation", D(2026, 10, 12)))
    assert _items(cal, "NRB", application=application.id) == []
    assert _item(cal, "FORESTRY", application=application.id)["due"] == "2026-10-15"


def test_validation_opinion__validated_on_the_eve_of_national_day__centre_has_two_working_days(cal):
    application = _submitted(cal, D(2026, 9, 21))
    _through(cal, application, "nrb_validation", D(2026, 9, 22))
    _steps(cal, application, ("forestry_validation", D(2026, 9, 30)))

    item = _item(cal, "CENTER", application=application.id)
    assert (item["step"], item["status"], item["since"], item["due"]) == (
        "application.opinion", "VALIDATED", "2026-09-30", "2026-10-09")


def test_eeb_review__opinion_forwarded__seven_working_days_and_a_return_restarts_the_centres_opinion(cal):
    application = _submitted(cal, D(2026, 9, 21))
    _through(cal, application, "forestry_validation", D(2026, 9, 22))
    _steps(cal, application, ("opinion", D(2026, 10, 9)))

    item = _item(cal, "EEB", application=application.id)
    assert (item["step"], item["status"], item["since"], item["due"]) == (
        "application.eeb_review", "OPINION_FORWARDED", "2026-10-09", "2026-10-19")  # 10/10 … 10/16, 10/19
    assert _items(cal, "CENTER", application=application.id) == []

    cal.at(D(2026, 10, 12))
    ok(cal.client.post(f"{API}/applications/{application.id}/eeb-review", headers=cal.officials["EEB"],
                       json={"decision": "return", "reason": "审定意见未附监测核算报告复核结论"}))
    returned = _item(cal, "CENTER", application=application.id)  # 退回: not a dead end, the centre's turn again
    assert (returned["step"], returned["status"], returned["since"], returned["due"]) == (
        "application.opinion", "VALIDATED", "2026-10-12", "2026-10-14")
    detail = ok(cal.client.get(f"{API}/applications/{application.id}", headers=cal.officials["CENTER"]))
    assert detail["returned"]["reason"] == "审定意见未附监测核算报告复核结论" and detail["opinion_document"] is None


def test_filing__eeb_review_passed_on_the_eve_of_national_day__two_working_days(cal):
    application = _submitted(cal, D(2026, 9, 21))
    _through(cal, application, "opinion", D(2026, 9, 22))
    _steps(cal, application, ("eeb_review", D(2026, 9, 30)))

    item = _item(cal, "EEB", application=application.id)
    assert (item["step"], item["status"], item["since"], item["due"]) == (
        "application.filing", "EEB_REVIEWED", "2026-09-30", "2026-10-09")


def test_mint__filed_before_national_day__seven_working_days(cal):
    application = _submitted(cal, D(2026, 9, 21))
    _through(cal, application, "eeb_review", D(2026, 9, 22))
    _steps(cal, application, ("filing", D(2026, 9, 29)))

    item = _item(cal, "GOV", application=application.id)
    # 9/30, 10/8, 10/9, the make-up 10/10, 10/12, 10/13, 10/14
    assert (item["step"], item["status"], item["since"], item["due"]) == (
        "application.mint", "FILED", "2026-09-29", "2026-10-14")
    cal.today(D(2026, 10, 15))
    assert _item(cal, "GOV", application=application.id)["overdue"] is True


# ---------------------------------------------------------------- 附件1 二: reissue


def test_reissue_formal_review__two_days_from_the_owners_report__supplement_named_at_once_restarts_it(cal):
    holder, number = _coupon(cal)
    cal.at(D(2026, 9, 30))
    ok(api.report_lost(cal.client, holder, number))

    received = _item(cal, "CENTER", coupon=number)
    assert (received["step"], received["since"], received["due"]) == ("coupon.report_loss", "2026-09-30", "2026-10-09")

    _reissue(cal, number, ("record", D(2026, 10, 8)))
    recorded = _item(cal, "CENTER", coupon=number)  # recording the report is part of the same two days
    assert (recorded["step"], recorded["since"], recorded["due"]) == (
        "coupon.reissue_formal_review", "2026-09-30", "2026-10-09")

    cal.at(D(2026, 10, 9))
    ok(cal.client.post(f"{API}/coupons/{number}/reissue/formal-review", headers=cal.officials["CENTER"],
                       json={"decision": "supplement", "missing_items": ["补发申请表（附件3）签署件", "营业执照复印件"]}))
    assert _items(cal, "CENTER", coupon=number) == []  # the owner's turn
    report = ok(cal.client.get(f"{API}/coupons/{number}/loss-report", headers=holder.headers))
    assert report["missing_items"] == ["补发申请表（附件3）签署件", "营业执照复印件"]

    cal.at(D(2026, 10, 12))
    form = api.loss_report_form(api.upload(cal.client, holder.headers))["documents"]
    ok(cal.client.post(f"{API}/coupons/{number}/reissue/resubmit", headers=holder.headers, json={
        "documents": {**form, "reissue_form": api.upload(cal.client, holder.headers),
                      "licence": api.upload(cal.client, holder.headers)}}))
    resubmitted = _item(cal, "CENTER", coupon=number)
    assert (resubmitted["step"], resubmitted["since"], resubmitted["due"]) == (
        "coupon.reissue_formal_review", "2026-10-12", "2026-10-14")


def test_reissue_review__field_survey_across_national_day__its_days_excluded(cal):
    holder, number = _coupon(cal)
    cal.at(D(2026, 9, 25))
    ok(api.report_lost(cal.client, holder, number))
    _reissue(cal, number, ("record", D(2026, 9, 25)), ("formal_review", D(2026, 9, 28)))
    assert _item(cal, "CENTER", coupon=number)["due"] == "2026-10-13"

    survey = f"{API}/coupons/{number}/reissue/field-survey"
    cal.at(D(2026, 9, 30))
    ok(cal.client.post(f"{survey}/pause", headers=cal.officials["CENTER"]))
    paused = _item(cal, "CENTER", coupon=number)
    assert (paused["step"], paused["field_survey_paused"]) == ("coupon.reissue_survey_resume", True)
    cal.at(D(2026, 10, 8))
    ok(cal.client.post(f"{survey}/resume", headers=cal.officials["CENTER"]))

    item = _item(cal, "CENTER", coupon=number)
    # The clock ran 9/29, 9/30; 10/8 was a survey day; then 10/9, 10/10, 10/12, 10/13, 10/14.
    assert (item["step"], item["since"], item["survey_workdays"], item["due"]) == (
        "coupon.reissue_review", "2026-09-28", 1, "2026-10-14")
    cal.today(D(2026, 10, 15))
    assert _item(cal, "CENTER", coupon=number)["overdue"] is True

    _reissue(cal, number, ("review", D(2026, 10, 15)))
    registration = _item(cal, "CENTER", coupon=number)  # the survey was the review's: registration's two days stand
    assert (registration["step"], registration["due"], registration["survey_workdays"]) == (
        "coupon.reissue_registration", "2026-10-19", 0)


def test_reissue_registration__two_days__or_refused_with_the_centres_opinion_as_its_reason(cal):
    holder, number = _coupon(cal)
    cal.at(D(2026, 9, 28))
    ok(api.report_lost(cal.client, holder, number))
    _reissue(cal, number, ("record", D(2026, 9, 28)), ("formal_review", D(2026, 9, 28)), ("review", D(2026, 9, 30)))

    item = _item(cal, "CENTER", coupon=number)
    assert (item["step"], item["since"], item["due"]) == ("coupon.reissue_registration", "2026-09-30", "2026-10-09")

    cal.at(D(2026, 10, 9))
    ok(cal.client.post(f"{API}/coupons/{number}/reissue/registration", headers=cal.officials["CENTER"],
                       json={"decision": "disagree", "opinion": "原件已寻回，不予补发"}))

    assert _items(cal, "CENTER", coupon=number) == []
    assert ok(cal.client.get(f"{API}/public/coupons/{number}"))["coupon"]["state"] == "ACTIVE"
    report = ok(cal.client.get(f"{API}/coupons/{number}/loss-report", headers=holder.headers))
    assert (report["ended"], report["refusal"]) == ("REFUSED", "原件已寻回，不予补发")
    assert (report["form"]["opinion"], report["form"]["opinion_text"]) == ("DISAGREE", "原件已寻回，不予补发")
    [notice] = ok(cal.client.get(f"{API}/public/loss-notices"))
    assert (notice["coupon"], notice["outcome"]) == (number, "REFUSED")


def test_reissue_filing__registered_on_the_friday_after_national_day__eeb_has_two_working_days(cal):
    holder, number = _coupon(cal)
    cal.at(D(2026, 9, 28))
    ok(api.report_lost(cal.client, holder, number))
    _reissue(cal, number, ("record", D(2026, 9, 28)), ("formal_review", D(2026, 9, 29)), ("review", D(2026, 9, 30)),
             ("registration", D(2026, 10, 9)))

    item = _item(cal, "EEB", coupon=number)
    assert (item["step"], item["since"], item["due"]) == ("coupon.file_reissue", "2026-10-09", "2026-10-12")
    assert _items(cal, "CENTER", coupon=number) == []
    report = ok(cal.client.get(f"{API}/coupons/{number}/loss-report", headers=cal.officials["EEB"]))
    assert (report["stage"], report["form"]["opinion"]) == ("REGISTERED", "AGREE")


@pytest.mark.parametrize(("filed_on", "since", "due"), [
    pytest.param(D(2026, 9, 30), "2026-10-08", "2026-10-16", id="notice-ends-after-the-filing"),
    pytest.param(D(2026, 10, 12), "2026-10-12", "2026-10-21", id="filed-after-the-notice-ended"),
])
def test_reissue__seven_working_days_from_the_later_of_the_filing_and_the_notice_end(filed_on, since, due, cal):
    holder, number = _coupon(cal)
    cal.at(D(2026, 9, 28))
    ok(api.report_lost(cal.client, holder, number))
    _reissue(cal, number, ("record", D(2026, 9, 28)), ("formal_review", D(2026, 9, 28)), ("review", D(2026, 9, 29)),
             ("registration", D(2026, 9, 29)), ("filing", filed_on))

    item = _item(cal, "GOV", coupon=number)
    [notice] = ok(cal.client.get(f"{API}/public/loss-notices"))
    assert (notice["start_date"], notice["end_date"]) == ("2026-09-28", "2026-10-08")  # ten days' notice
    assert (item["step"], item["since"], item["due"], item["overdue"]) == ("coupon.reissue", since, due, False)
    if filed_on < D(2026, 10, 8):  # the notice still runs: the chain refuses, and the item is not overdue
        cal.at(D(2026, 10, 2))
        error_of(api.reissue_step(cal.client, cal.officials, number, "reissue"), 409, "NOTICE_PERIOD_NOT_OVER")
        assert _item(cal, "GOV", coupon=number)["overdue"] is False
