"""Alertmanager time intervals (`time_intervals:`): parsing with Alertmanager's messages, and evaluation.

A named interval is a list of specs; it contains an instant when any spec does. A spec contains an
instant when every field it sets matches (an omitted field matches everything): `times` are half-open
minute ranges of the day, `weekdays`, `days_of_month` (negative from the month's end, clamped),
`months` and `years` inclusive ranges, all read in `location` (default UTC).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = {name: i for i, name in enumerate(
    ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"))}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTH_NAMES = {v: k for k, v in MONTHS.items()}
_TIME = re.compile(r"(([01][0-9])|(2[0-3])):[0-5][0-9]|24:00")
SPEC_FIELDS = ("times", "weekdays", "days_of_month", "months", "years", "location")


class IntervalError(ValueError):
    pass


@dataclass
class Spec:
    times: list[tuple[int, int]] | None = None  # [start, end) minutes of the day
    weekdays: list[tuple[int, int]] | None = None  # 0 = sunday
    days_of_month: list[tuple[int, int]] | None = None
    months: list[tuple[int, int]] | None = None
    years: list[tuple[int, int]] | None = None
    location: str | None = None
    zone: object = field(default=None, repr=False)

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.zone or UTC)

    def contains(self, instant: datetime) -> bool:
        t = self.local(instant)
        return self.contains_day(t.date()) and (
            self.times is None or any(s <= t.hour * 60 + t.minute < e for s, e in self.times))

    def contains_day(self, day: date) -> bool:
        """Whether the date fields (all but `times`) admit this local day."""
        if self.days_of_month is not None:
            length = calendar.monthrange(day.year, day.month)[1]
            if not any(_day_in(day.day, b, e, length) for b, e in self.days_of_month):
                return False
        if self.months is not None and not any(b <= day.month <= e for b, e in self.months):
            return False
        if self.weekdays is not None:
            weekday = (day.weekday() + 1) % 7  # Python: monday = 0; Go: sunday = 0
            # a range that wraps (friday:monday, 0.35) holds the days from its start to saturday and from
            # sunday to its end
            if not any(b <= weekday <= e if b <= e else weekday >= b or weekday <= e for b, e in self.weekdays):
                return False
        if self.years is not None and not any(b <= day.year <= e for b, e in self.years):
            return False
        return True

    def minutes_of(self, day: date) -> list[tuple[int, int]]:
        """The local minute ranges of `day` this spec contains."""
        if not self.contains_day(day):
            return []
        return list(self.times) if self.times is not None else [(0, 1440)]


def _day_in(day: int, begin: int, end: int, length: int) -> bool:
    begin = length + begin + 1 if begin < 0 else begin
    end = length + end + 1 if end < 0 else end
    if begin > length:
        return False
    begin = max(min(begin, length), -length)
    end = max(min(end, length), -length)
    return begin <= day <= end


def contains(specs: list[Spec], instant: datetime) -> bool:
    return any(spec.contains(instant) for spec in specs)


# --- parsing: each function raises IntervalError with Alertmanager's message -----------------------

def parse_time(text: str) -> int:
    if not _TIME.fullmatch(text):
        raise IntervalError(f"couldn't parse timestamp {text}, invalid format")
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def parse_times(start: str, end: str) -> tuple[int, int]:
    if not start or not end:
        raise IntervalError("both start and end times must be provided")
    s, e = parse_time(start), parse_time(end)
    if s >= e:
        raise IntervalError("start time cannot be equal or greater than end time")
    return s, e


def _range(text: str, member) -> tuple[int, int]:
    text = text.lower()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 2:
            raise IntervalError(f"couldn't parse range {text}, invalid format")
        return member(parts[0]), member(parts[1])
    value = member(text)
    return value, value


def _go_atoi(text: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise IntervalError(f'strconv.Atoi: parsing "{text}": invalid syntax')
    return int(text)


WEEKDAY_WRAP_SINCE = (0, 35)  # before, a range's start must not come after its end
MONTH_RANGE_CHECKED_SINCE = (0, 35)  # before, a month number outside 1..12 loads (and matches nothing)


def parse_weekdays(text: str, version: tuple[int, int] = WEEKDAY_WRAP_SINCE) -> tuple[int, int]:
    def member(s: str) -> int:
        if s not in WEEKDAYS:
            raise IntervalError(f"{s} is not a valid weekday")
        return WEEKDAYS[s]
    b, e = _range(text, member)
    if b > e and version < WEEKDAY_WRAP_SINCE:
        raise IntervalError("start day cannot be before end day")
    return b, e


def parse_days_of_month(text: str) -> tuple[int, int]:
    b, e = _range(text, _go_atoi)
    for v in (b, e):
        if v == 0 or v < -31 or v > 31:
            raise IntervalError(f"{v} is not a valid day of the month: out of range")
    if b < 0 < e:
        raise IntervalError("end day must be negative if start day is negative")
    if (28 + b if b < 0 else b) > (28 + e if e < 0 else e):
        raise IntervalError(f"end day {e} is always before start day {b}")
    return b, e


def parse_months(text: str, version: tuple[int, int] = MONTH_RANGE_CHECKED_SINCE) -> tuple[int, int]:
    def member(s: str) -> int:
        if s in MONTHS:
            return MONTHS[s]
        try:
            return _go_atoi(s)
        except IntervalError:
            raise IntervalError(f"{s} is not a valid month") from None
    b, e = _range(text, member)
    if version >= MONTH_RANGE_CHECKED_SINCE:
        for month in (b, e):
            if not 1 <= month <= 12:
                raise IntervalError(f"{month} is not a valid month: out of range")
    if b > e:
        raise IntervalError(f"end month {MONTH_NAMES.get(e, '')} is before start month {MONTH_NAMES.get(b, '')}")
    return b, e


def parse_years(text: str) -> tuple[int, int]:
    b, e = _range(text, _go_atoi)
    if b > e:
        raise IntervalError(f"end year {e} is before start year {b}")
    return b, e


def load_zone(name: str):
    if name in ("", "UTC"):
        return UTC
    if name == "Local":
        return None  # the machine's zone: astimezone(None)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise IntervalError(f"unknown time zone {name}") from None


# --- analysis ---------------------------------------------------------------------------------------

def sample_days(start: date, years: int = 28):
    """Every day of `years` years from `start`: 28 years repeat every weekday and leap-year pattern."""
    day = start
    end = date(start.year + years, start.month, 1)
    while day < end:
        yield day
        day += timedelta(days=1)


def coverage(specs: list[Spec], start: date | None = None) -> str:
    """`never`, `always` or `sometimes`: whether these specs contain no instant, every instant or some,
    from `start` (default today) over a 28-year cycle, ignoring daylight-saving shifts."""
    start = start or datetime.now(UTC).date()
    some, everything = False, True
    for day in sample_days(start):
        covered = _union(r for spec in specs for r in spec.minutes_of(day))
        some = some or bool(covered)
        everything = everything and covered == [(0, 1440)]
        if some and not everything:
            return "sometimes"
    return "always" if everything else "never"


def _union(ranges) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for s, e in sorted(ranges):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]
