"""China's working-day calendar for publicity periods (公示 ≥ 5 working days).

Public holidays and the adjusted working weekends (调休) come from the `holidays` package; the
province admin adds what the library does not know yet (the State Council publishes next year's
schedule each November) as overrides. A year whose 调休 schedule is known to neither is
*unpublished*: the calendar still answers, counting only the fixed holidays, and says so, so a
page can state it instead of guessing silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays


@dataclass(frozen=True)
class Override:
    day: date
    #: True: a working day (调休上班); False: a day off
    workday: bool
    note: str = ""


@dataclass
class WorkdayCalendar:
    holidays: dict[date, str] = field(default_factory=dict)
    adjusted_workdays: set[date] = field(default_factory=set)
    published_years: set[int] = field(default_factory=set)

    @classmethod
    def for_years(
        cls, years: Iterable[int], overrides: Iterable[Override] = (), published: Iterable[int] = ()
    ) -> WorkdayCalendar:
        years = sorted(set(years))
        source = holidays.country_holidays("CN", years=years, language="zh_CN")
        workdays = {d for d in getattr(source, "weekend_workdays", set()) if d.year in years}
        calendar = cls(
            holidays=dict(source.items()),
            adjusted_workdays=workdays,
            published_years={d.year for d in workdays} | set(published),
        )
        for override in overrides:
            calendar.apply(override)
        return calendar

    def apply(self, override: Override) -> None:
        self.published_years.add(override.day.year)
        if override.workday:
            self.holidays.pop(override.day, None)
            self.adjusted_workdays.add(override.day)
        else:
            self.adjusted_workdays.discard(override.day)
            self.holidays[override.day] = override.note or "休息日"

    def is_published(self, year: int) -> bool:
        return year in self.published_years

    def is_workday(self, day: date) -> bool:
        if day in self.adjusted_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def workdays_between(self, start: date, end: date) -> int:
        """Working days from start to end, both included."""
        days = (start + timedelta(days=n) for n in range((end - start).days + 1))
        return sum(1 for day in days if self.is_workday(day))

    def nth_workday_from(self, start: date, n: int) -> date:
        """The date on which a period starting on ``start`` reaches ``n`` working days."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day, counted = start, 0
        while True:
            if self.is_workday(day):
                counted += 1
                if counted == n:
                    return day
            day += timedelta(days=1)

    def unpublished_years(self, start: date, end: date) -> list[int]:
        return [y for y in range(start.year, end.year + 1) if not self.is_published(y)]
