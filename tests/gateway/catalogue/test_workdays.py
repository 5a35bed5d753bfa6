"""Time limits in working days (DESIGN §5, 附件1): the State Council schedule with
its make-up days (调休), DRC's entry of a year the library does not know (its
notice, checked day by day), never a silent weekdays-only guess: a due date in a
year nobody entered is provisional and says so; DRC is told sixty days before the
known calendar ends; the review queue's due dates; and the §15(1) eco-compensation
calculator.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import ROUND_CEILING, Decimal

import chinese_calendar
import pytest

from gateway.core.schemas import EcoCompensationCreate
from sqlalchemy import select

from gateway.catalogue import lifecycles
from gateway.core.db import AuditEntry
from gateway.demo import OFFICIALS
from gateway.services import applications, calculator, calendar, queues, time_limits
from gateway.catalogue.units import CST, china_date, epoch
from gateway.core.workdays import Schedule, UnknownCalendarYear, WorkCalendar
from support import api
from support.fixtures import holder_fixture
from support.http import API, error_of, ok

D = dt.date
# A schedule for 2027 as DRC would enter it, before the library knows the year (illustrative dates).
SCHEDULE_2027 = {
    "year": 2027, "notice": "国办发明电〔2026〕测试号",
    "holidays": ["2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"],
    "workdays": ["2027-02-13"],  # a make-up Saturday
}


def _schedule(entry: dict) -> Schedule:
    return Schedule(entry["year"], entry["notice"], frozenset(map(D.fromisoformat, entry["holidays"])),
                    frozenset(map(D.fromisoformat, entry["workdays"])))


@pytest.fixture(scope="module")
def library_calendar() -> WorkCalendar:
    return WorkCalendar()


@pytest.fixture
def operator_calendar() -> WorkCalendar:
    return WorkCalendar(lambda year: _schedule(SCHEDULE_2027) if year == 2027 else None)


# ---------------------------------------------------------------- the 2026 schedule, from the library


def test_library__2026_weekend_working_days__the_published_make_up_days():
    """国办发明电〔2025〕7号: 1/4, 2/14, 2/28, 5/9, 9/20 and 10/10 are worked."""
    weekend_workdays = [d for d in chinese_calendar.get_workdays(D(2026, 1, 1), D(2026, 12, 31)) if d.weekday() >= 5]

    assert weekend_workdays == [
        D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]


def test_is_workday__national_day_2026__october_1_to_7_off(library_calendar):
    assert [library_calendar.is_workday(D(2026, 10, day)) for day in range(1, 8)] == [False] * 7
    assert library_calendar.is_workday(D(2026, 9, 30)) and library_calendar.is_workday(D(2026, 10, 8))


@pytest.mark.parametrize("make_up_day", [D(2026, 9, 20), D(2026, 10, 10)],
                         ids=["sunday-2026-09-20", "saturday-2026-10-10"])
def test_is_workday__make_up_weekend_day__counted_as_working_day(make_up_day, library_calendar):
    assert make_up_day.weekday() >= 5
    assert library_calendar.is_workday(make_up_day) is True
    assert library_calendar.is_workday(make_up_day + dt.timedelta(days=7)) is False  # the same weekday a week on


@pytest.mark.parametrize(("start", "count", "due"), [
    (D(2026, 9, 30), 1, D(2026, 10, 8)),  # the whole holiday is skipped
    (D(2026, 9, 30), 3, D(2026, 10, 10)),  # 10/8, 10/9 and the make-up Saturday 10/10
    (D(2026, 9, 30), 4, D(2026, 10, 12)),  # Sunday 10/11 is a rest day again
    (D(2026, 9, 18), 1, D(2026, 9, 20)),  # Friday → the make-up Sunday
], ids=["national-day-1", "national-day-3", "national-day-4", "make-up-sunday"])
def test_add_workdays__around_national_day_2026__holidays_skipped_make_up_days_counted(
    start, count, due, library_calendar
):
    assert library_calendar.add_workdays(start, count) == due


@pytest.mark.parametrize(("count", "due"), [
    (1, D(2026, 2, 14)),  # the make-up Saturday before the festival
    (2, D(2026, 2, 24)),  # 2/15-2/23 off
    (7, D(2026, 3, 2)),  # 2/24-2/27, the make-up Saturday 2/28, Sunday off, Monday 3/2
], ids=["1", "2-formal-review", "7-preliminary-review"])
def test_add_workdays__across_spring_festival_2026__due_dates(count, due, library_calendar):
    assert library_calendar.add_workdays(D(2026, 2, 13), count) == due


@pytest.mark.parametrize(("start", "end", "count"), [
    (D(2026, 2, 13), D(2026, 2, 28), 6),  # 2/14, 2/24, 2/25, 2/26, 2/27, 2/28
    (D(2026, 9, 30), D(2026, 10, 10), 3),
    (D(2026, 10, 1), D(2026, 10, 7), 0),
    (D(2026, 11, 24), D(2026, 11, 24), 0),
], ids=["spring-festival", "national-day", "inside-a-holiday", "same-day"])
def test_workdays_between__2026__counts_working_days_after_start_through_end(start, end, count, library_calendar):
    assert library_calendar.workdays_between(start, end) == count


# ---------------------------------------------------------------- a year nobody knows, then the operator's schedule


@pytest.mark.parametrize("ask", [
    pytest.param(lambda c: c.is_workday(D(2027, 1, 4)), id="is_workday"),
    pytest.param(lambda c: c.add_workdays(D(2026, 12, 31), 1), id="add_workdays-into-2027"),
    pytest.param(lambda c: c.workdays_between(D(2026, 12, 30), D(2027, 1, 5)), id="workdays_between-into-2027"),
])
def test_calendar__unknown_year_2027__raises_instead_of_guessing(ask, library_calendar):
    with pytest.raises(UnknownCalendarYear) as unknown:
        ask(library_calendar)

    assert (unknown.value.code, unknown.value.status) == ("CALENDAR_YEAR_UNKNOWN", 503)
    assert unknown.value.detail == {"year": 2027}
    assert "/console/calendar" in unknown.value.message  # where DRC enters it


def test_entered_schedule__2027__holidays_skipped_make_up_weekend_counted(operator_calendar):
    assert operator_calendar.is_workday(D(2027, 1, 1)) is False  # a Friday holiday
    assert operator_calendar.is_workday(D(2027, 1, 2)) is False  # an ordinary Saturday
    assert operator_calendar.is_workday(D(2027, 1, 4)) is True  # an ordinary Monday
    assert operator_calendar.is_workday(D(2027, 2, 13)) is True  # the listed make-up Saturday
    # from the library's year into the operator's
    assert operator_calendar.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert operator_calendar.workdays_between(D(2027, 2, 4), D(2027, 2, 15)) == 3  # 2/12, the make-up 2/13, 2/15


def test_entered_schedule__2027__library_years_unchanged_and_2028_still_unknown(operator_calendar):
    assert operator_calendar.is_workday(D(2026, 10, 10)) is True
    assert operator_calendar.is_workday(D(2026, 10, 1)) is False
    with pytest.raises(UnknownCalendarYear):
        operator_calendar.is_workday(D(2028, 1, 3))


# ---------------------------------------------------------------- the review queue, GET /applications/queue


@pytest.fixture
def queue_calendar(client, gateway, officials) -> WorkCalendar:
    """Due dates near the year's end run into 2027, which the library does not know: DRC has entered it."""
    ok(client.post(f"{API}/calendar/years", headers=officials["DRC"], json=SCHEDULE_2027))
    return gateway.calendar


applicant = holder_fixture("赫山区某湿地合作社")


def _submit(client, applicant) -> api.Application:
    form = api.application_form(api.upload(client, applicant.headers), claimed_t="50", land_type="WETLAND",
                                start="2023-01-01", end="2025-01-01")
    return api.submit(client, applicant, form)


def _formal_ok(client, officials, applicant) -> int:
    application = _submit(client, applicant)
    api.walk(client, officials, application, through="formal_review")
    return application.id


def _queue_item(client, headers, application: int) -> dict | None:
    items = [i for i in ok(client.get(f"{API}/applications/queue", headers=headers)) if i["application"] == application]
    assert len(items) <= 1
    return items[0] if items else None


def _chain_day(timestamp: int) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp, CST).date()


def test_queue__fresh_application__center_sees_it_due_in_two_working_days(
    client, officials, applicant, gateway, queue_calendar
):
    application = _submit(client, applicant).id

    item = _queue_item(client, officials["CENTER"], application)

    submitted_on = _chain_day(gateway.registry.application(application).updated_at)
    due = D.fromisoformat(item["due"])
    assert (item["status"], item["step"]) == ("SUBMITTED", "application.formal_review")
    assert item["since"] == submitted_on.isoformat()
    assert queue_calendar.workdays_between(submitted_on, due) == 2 and queue_calendar.is_workday(due)
    assert item["overdue"] is False


def test_queue__fresh_application__not_shown_to_gov_but_to_drc(client, officials, applicant, queue_calendar):
    application = _submit(client, applicant).id

    assert _queue_item(client, officials["GOV"], application) is None
    assert _queue_item(client, officials["DRC"], application) is not None


def test_queue__field_survey_paused_and_resumed_the_same_day__due_date_unchanged(
    client, officials, applicant, queue_calendar
):
    application = _formal_ok(client, officials, applicant)
    path = f"{API}/applications/{application}/field-survey"
    before = _queue_item(client, officials["CENTER"], application)

    ok(client.post(f"{path}/pause", headers=officials["CENTER"]))
    paused = _queue_item(client, officials["CENTER"], application)
    ok(client.post(f"{path}/resume", headers=officials["CENTER"]))
    resumed = _queue_item(client, officials["CENTER"], application)

    since = D.fromisoformat(before["since"])
    assert before["due"] == queue_calendar.add_workdays(since, 7).isoformat()  # 初审: 7 working days
    assert (paused["field_survey_paused"], paused["due"]) == (True, before["due"])
    assert (resumed["field_survey_paused"], resumed["due"]) == (False, before["due"])


def test_queue__field_survey_in_progress__clock_stops_so_not_overdue_weeks_later(
    client, officials, applicant, gateway, queue_calendar
):
    running = _formal_ok(client, officials, applicant)
    surveyed = _formal_ok(client, officials, applicant)
    paused = ok(client.post(f"{API}/applications/{surveyed}/field-survey/pause", headers=officials["CENTER"]))
    paused_on = _chain_day(gateway.registry.chain.w3.eth.get_block(paused["block"])["timestamp"])
    three_weeks_on = paused_on + dt.timedelta(days=21)

    with gateway.db.sessions() as db:
        items = {i["application"]: i for i in queues.shown(applications.queue(gateway, db, today=three_weeks_on), "CENTER")}

    survey_days = queue_calendar.workdays_between(paused_on, three_weeks_on)
    assert survey_days >= 14
    running_since, surveyed_since = (D.fromisoformat(items[a]["since"]) for a in (running, surveyed))
    assert items[running]["due"] == queue_calendar.add_workdays(running_since, 7).isoformat()
    assert items[running]["overdue"] is True
    assert items[surveyed]["due"] == queue_calendar.add_workdays(surveyed_since, 7 + survey_days).isoformat()
    assert items[surveyed]["overdue"] is False


# ---------------------------------------------------------------- DRC enters a year; provisional until it does

YEAR_END = dt.datetime(2026, 12, 28, 10, tzinfo=CST)  # a clock started four working days before the year ends


def test_clock__due_date_in_a_year_nobody_entered__provisional_on_weekdays_naming_the_year():
    """DESIGN §5: never a silent guess. 初审's 7 working days from 2026-12-28 need 2027: counted Monday to
    Friday (12/29, 12/30, 12/31, 1/1, 1/4, 1/5, 1/6) and shown as provisional, naming 2027."""
    shown = time_limits.clock(WorkCalendar(), lifecycles.PRELIMINARY_REVIEW, started=epoch(YEAR_END),
                              today=D(2026, 12, 28))

    assert (shown["due"], shown["calendar_year_unknown"], shown["overdue"]) == ("2027-01-06", 2027, False)


def test_enter_year__drc_from_the_notice__201_audited_and_due_dates_into_2027_counted_on_it(
    client, gateway, officials
):
    """DESIGN §5, 附件1's working days: with 2027 entered, the same clock skips the 1/1 holiday, a day later
    than the provisional count, and is no longer provisional."""
    answer = ok(client.post(f"{API}/calendar/years", headers=officials["DRC"], json=SCHEDULE_2027))

    assert (answer["year"], answer["notice"], answer["workdays"]) == (2027, SCHEDULE_2027["notice"], ["2027-02-13"])
    assert D.fromisoformat(answer["known_until"]) >= D(2027, 12, 31)
    shown = time_limits.clock(gateway.calendar, lifecycles.PRELIMINARY_REVIEW, started=epoch(YEAR_END),
                              today=D(2026, 12, 28))
    assert (shown["due"], shown["calendar_year_unknown"]) == ("2027-01-07", None)
    formal = time_limits.clock(gateway.calendar, lifecycles.FORMAL_REVIEW, started=epoch(YEAR_END.replace(day=31)),
                               today=D(2026, 12, 31))
    assert formal["due"] == "2027-01-05"  # 1/1 a holiday, 1/2-1/3 the weekend: 1/4, 1/5
    entered = {y["year"]: y for y in ok(client.get(f"{API}/calendar", headers=officials["GOV"]))["entered"]}
    assert entered[2027]["notice"] == SCHEDULE_2027["notice"] and entered[2027]["entered_by"] == OFFICIALS["DRC"]
    with gateway.db.sessions() as db:
        (audited,) = db.scalars(select(AuditEntry).where(AuditEntry.action == "calendar.enter")
                                .order_by(AuditEntry.id.desc()).limit(1)).all()
    assert audited.request == {"year": 2027, "notice": SCHEDULE_2027["notice"], "holidays": 6, "workdays": 1}


@pytest.mark.parametrize("change, status, code", [
    ({"year": 2026}, 409, "CALENDAR_YEAR_PUBLISHED"),
    ({"holidays": ["2027-01-01", "2028-01-01"]}, 422, "CALENDAR_DAY_OUTSIDE_YEAR"),
    ({"workdays": ["2027-02-15"]}, 422, "MAKE_UP_DAY_NOT_WEEKEND"),  # a Monday
    ({"workdays": ["2027-02-06"], "holidays": ["2027-02-06"]}, 422, "CALENDAR_DAY_TWICE"),
])
def test_enter_year__published_year_or_a_day_that_does_not_fit__refused_and_nothing_stored(
    client, gateway, officials, change, status, code
):
    form = {**SCHEDULE_2027, **change}
    before = ok(client.get(f"{API}/calendar", headers=officials["DRC"]))["entered"]

    response = client.post(f"{API}/calendar/years", headers=officials["DRC"], json=form)

    error_of(response, status, code)
    assert ok(client.get(f"{API}/calendar", headers=officials["DRC"]))["entered"] == before


def test_queue__sixty_days_before_the_known_calendar_ends__drc_is_told_until_it_enters_the_next_year(
    client, gateway, officials
):
    known_until = gateway.calendar.known_until()
    told_from = known_until - dt.timedelta(days=60)

    def drc_calendar_queue(role: str, today: dt.date) -> list[dict]:
        return queues.shown(calendar.queue(gateway, today=today), role)

    assert drc_calendar_queue("DRC", told_from - dt.timedelta(days=1)) == []
    (item,) = drc_calendar_queue("DRC", told_from)
    assert (item["kind"], item["year"], item["step"], item["department"], item["due"]) == (
        "calendar", known_until.year + 1, "calendar.enter", "DRC", known_until.isoformat())
    assert drc_calendar_queue("GOV", told_from) == []
    late = drc_calendar_queue("DRC", known_until + dt.timedelta(days=1))
    assert late[0]["overdue"] is True

    next_year = known_until.year + 1
    ok(client.post(f"{API}/calendar/years", headers=officials["DRC"], json={
        "year": next_year, "notice": "国办发明电〔测试〕1号", "holidays": [f"{next_year}-01-01"], "workdays": []}))

    assert drc_calendar_queue("DRC", told_from) == []
    assert gateway.calendar.known_until() == D(next_year, 12, 31)


# ---------------------------------------------------------------- §15(1) the eco-compensation calculator

PARCELS = [
    {"number": "JS-1", "location": "龙光桥街道", "land_type": "FOREST", "area_mu": "12.34"},
    {"number": "JS-2", "location": "龙光桥街道", "land_type": "CULTIVATED", "area_mu": "1.11"},
]


def test_eco_compensation__over_http__sum_of_area_factor_years_rounded_up_with_its_source(client, gateway):
    response = ok(client.post(f"{API}/public/calculator/eco-compensation", json={"parcels": PARCELS, "years": "2.5"}))

    cited = response["factors"]
    exact = sum(Decimal(p["area_mu"]) * Decimal(cited[p["land_type"]]) * Decimal("2.5") for p in PARCELS)
    assert Decimal(response["coupons_needed_t"]) == exact.quantize(Decimal("0.001"), rounding=ROUND_CEILING)
    assert Decimal(response["coupons_needed_t"]) >= exact
    assert response["factor_source"] == calculator.factor_table(gateway.settings.data_dir)["source"]
    assert [line["lost_t"] for line in response["parcels"]] == [
        str(Decimal(p["area_mu"]) * Decimal(cited[p["land_type"]]) * Decimal("2.5")) for p in PARCELS]


def test_eco_compensation__operator_factor_table__uses_and_cites_it_rounding_up(tmp_path):
    table = {"source": "区生态环境分局会同区林业局核定（2026）", "factors": {
        "FOREST": "0.55", "CULTIVATED": "0.05", "GRASSLAND": "0.12", "WETLAND": "0.40"}}
    (tmp_path / "sink_factors.json").write_text(json.dumps(table, ensure_ascii=False))

    result = calculator.eco_compensation(tmp_path, EcoCompensationCreate(parcels=PARCELS, years="2.5"))

    # 12.34 × 0.55 × 2.5 + 1.11 × 0.05 × 2.5 = 16.9675 + 0.13875 = 17.10625 → up to the next kilogram
    assert result["coupons_needed_t"] == "17.107"
    assert (result["factor_source"], result["factors"]) == (table["source"], table["factors"])


@pytest.mark.parametrize(("change", "field"), [
    pytest.param({"parcels": [{**PARCELS[0], "area_mu": "-1"}]}, "parcels.0.area_mu", id="negative-area"),
    pytest.param({"years": "0"}, "years", id="zero-years"),
    pytest.param({"parcels": []}, "parcels", id="no-parcels"),
])
def test_eco_compensation__bad_input__422_names_the_field(change, field, client):
    response = client.post(f"{API}/public/calculator/eco-compensation",
                           json={"parcels": PARCELS, "years": "2.5", **change})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "INVALID_INPUT"
    assert field in {item["field"] for item in body["detail"]}


def test_epoch__stored_time_read_back_without_its_zone__utc_whatever_the_process_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        filed = dt.datetime(2026, 9, 30, 17, 30)  # SQLite's answer for 2026-10-01 01:30 Beijing time
        assert epoch(filed) == int(dt.datetime(2026, 9, 30, 17, 30, tzinfo=dt.timezone.utc).timestamp())
        assert china_date(epoch(filed)) == dt.date(2026, 10, 1)
    finally:
        monkeypatch.undo()
        time.tzset()
