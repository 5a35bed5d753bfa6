"""DRC keeps the working calendar going (DESIGN §5) in a real browser: sixty days before the known calendar
ends, the entry of next year's State Council schedule waits in DRC's queue; DRC opens it, is refused a
make-up day that is not a weekend, enters the notice's days, and sees the year drawn month by month, the
known calendar extended, and the queue item gone."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from gateway.demo import OFFICIALS
from gateway.catalogue.units import CST
from support.browser import log_in


def _first_weekday(year: int, month: int, weekday: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def test_calendar__drc_told_in_its_queue_enters_next_years_notice__year_drawn_and_known_calendar_extended(
    page, site, shot
):
    known_until = site.gateway.calendar.known_until()
    year = known_until.year + 1
    site.gateway.clock.set(int(dt.datetime.combine(known_until - dt.timedelta(days=30), dt.time(10), CST).timestamp()))
    try:
        log_in(page, OFFICIALS["DRC"])
        told = page.locator('#queue tr[data-kind="calendar"]')
        expect(told).to_contain_text(str(year))
        expect(told).to_contain_text(known_until.isoformat())  # due the day the known calendar ends
        shot(page, "told")
        told.get_by_role("link").click()
        expect(page).to_have_url(re.compile(r"/console/calendar$"))
        expect(page.locator("#known-until")).to_have_attribute("data-known-until", known_until.isoformat())

        new_year, saturday = dt.date(year, 1, 1), _first_weekday(year, 2, 5)
        form = page.locator('form.step[data-step="calendar.enter"]')
        form.locator("input[name=year]").fill(str(year))
        form.locator("input[name=notice]").fill(f"国办发明电〔{year - 1}〕9号")
        form.locator("textarea[name=holidays]").fill(f"{new_year}\n{new_year + dt.timedelta(days=1)}")
        form.locator("textarea[name=workdays]").fill(str(saturday + dt.timedelta(days=2)))  # a Monday: refused
        form.locator("button").click()
        expect(form.locator(".result")).to_contain_text("调休上班日须为周六或周日")

        form.locator("textarea[name=workdays]").fill(str(saturday))
        shot(page, "form")
        form.locator("button").click()
        expect(page.locator(f'h2[data-year="{year}"]')).to_be_visible()
        expect(page.locator(f'td[data-date="{new_year}"]')).to_have_class(re.compile(r"\bholiday\b"))
        expect(page.locator(f'td[data-date="{saturday}"]')).to_have_class(re.compile(r"\bmakeup\b"))
        expect(page.locator(f'td[data-date="{saturday + dt.timedelta(days=7)}"]')).to_have_class(re.compile(r"\bweekend\b"))
        expect(page.locator("#known-until")).to_have_attribute("data-known-until", f"{year}-12-31")
        shot(page, "drawn")

        page.goto("/console")
        expect(page.locator('#queue tr[data-kind="calendar"]')).to_have_count(0)
        assert site.gateway.calendar.is_workday(saturday) and not site.gateway.calendar.is_workday(new_year)
    finally:
        site.gateway.clock.set(None)
