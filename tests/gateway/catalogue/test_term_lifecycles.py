"""Both directions of the two lifecycles a clock moves rather than a step (gateway/catalogue/lifecycles.py):
a pledge's term (§2, §4) and the working calendar (DESIGN §5). Each state is reached by setting the gateway's
clock; every step the lifecycle admits there is taken through the API and succeeds, and every other step on
the object is refused with nothing changed. Both lifecycles admit their steps in every state (a bank releases,
FINANCE enforces, at any point of a term; DRC enters or corrects a year whenever the State Council publishes
it), so the refused direction is the set of steps they do not admit: none on a pledge, none on the calendar."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from gateway.catalogue import lifecycles, steps
from gateway.services import calendar, pledges
from gateway.services.coupons import coupon_id
from support import api
from support.http import API, ok

# a day of each pledge term state, counted from the day the pledge was registered: (term in days, days later)
TERM_DAYS = {"IN_TERM": (90, 0), "NEAR_TERM": (10, 0), "PAST_TERM": (2, 5)}
# the steps on a pledge (a supervisor's freeze or voiding acts on the coupon in any live state, not on its pledge)
PLEDGE_STEPS = [step for step in steps.CATALOGUE if step.on == "coupon" and step.states == ("PLEDGED",)]
CASES = [(state, step) for state in lifecycles.PLEDGE_TERM.states for step in PLEDGE_STEPS]


@pytest.fixture
def clock(gateway):
    yield gateway.clock
    gateway.clock.set(None)


def _days_later(clock, days: int) -> None:
    clock.set(int(time.time()) + days * 86_400)


@pytest.mark.parametrize(("state", "step"), CASES, ids=[f"{state}-{step.id}" for state, step in CASES])
def test_pledge_term__each_state__a_step_admitted_succeeds_and_none_is_refused(
    state, step, client, gateway, officials, new_holder, clock
):
    owner, bank = new_holder(), new_holder("某农商银行", "FINANCIAL")
    term, later = TERM_DAYS[state]
    term_end = gateway.clock.today() + dt.timedelta(days=term)
    number = api.pledge(client, officials, owner, api.mint(client, officials, owner), bank, term_end=term_end.isoformat())
    _days_later(clock, later)
    with gateway.db.sessions() as db:
        (pledge,) = [p for p in pledges.under_pledge(gateway, db, pledgee=None) if p["number"] == number]
    assert pledges.term_state(pledge) == state

    assert lifecycles.PLEDGE_TERM.admitted(state, step)  # no step on a pledge is refused by its term
    by = bank.headers if step is steps.RELEASE_PLEDGE else officials["FINANCE"]
    answer = client.post(step.url(number), headers=by)
    assert answer.status_code == 200, answer.text
    coupon = gateway.registry.coupon(coupon_id(gateway, number))
    assert coupon.state.name == "ACTIVE"
    assert coupon.owner == (owner.address if step is steps.RELEASE_PLEDGE else bank.address)


@pytest.mark.parametrize("state", lifecycles.CALENDAR.states)
def test_calendar__each_state__entering_a_year_succeeds_and_no_step_is_refused(state, client, gateway, officials, clock):
    known_until = gateway.calendar.known_until()
    _days_later(clock, (known_until - gateway.clock.today()).days - (10 if state == "CALENDAR_ENDING" else 100))
    assert calendar.state(gateway, today=gateway.clock.today()) == state
    offered = lifecycles.offered("DRC", "calendar", state)
    assert offered == [steps.ENTER_CALENDAR_YEAR] and lifecycles.CALENDAR.admitted(state, steps.ENTER_CALENDAR_YEAR)

    year = known_until.year + 1
    ok(client.post(f"{API}/calendar/years", headers=officials["DRC"], json={
        "year": year, "notice": f"国办发明电〔测试〕{state}", "holidays": [f"{year}-01-01"], "workdays": []}))
    with gateway.db.sessions() as db:
        entered = calendar.overview(gateway, db, today=gateway.clock.today())["entered"]
    assert [(e["year"], e["notice"]) for e in entered if e["year"] == year] == [(year, f"国办发明电〔测试〕{state}")]
