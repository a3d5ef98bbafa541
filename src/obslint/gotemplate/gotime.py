"""Go's time package as templates meet it: time.Time (its String, Format with Go's reference layout,
Parse), locations (UTC, Local, fixed zones, the tz database), and time.Duration (String, ParseDuration)."""

from __future__ import annotations

import datetime as _dt
import os
import re
from functools import lru_cache

NANOS = 1_000_000_000
UNIX_TO_INTERNAL = 62135596800  # seconds from year 1 to 1970
DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


class TimeError(ValueError):
    pass


class Location:
    """A time zone: a fixed offset with a name, or a zone of the tz database."""

    def __init__(self, name: str, offset: int = 0, abbrev: str = "", zone=None):
        self.name = name
        self.offset = offset
        self.abbrev = abbrev
        self.zone = zone

    def lookup(self, unix: int) -> tuple[str, int]:
        """(abbreviation, offset in seconds) in effect at a Unix time."""
        if self.zone is None:
            return self.abbrev, self.offset
        try:
            moment = _dt.datetime.fromtimestamp(unix, _dt.timezone.utc).astimezone(self.zone)
        except (OverflowError, ValueError, OSError):
            return "UTC", 0
        off = moment.utcoffset()
        return moment.tzname() or "", int(off.total_seconds()) if off is not None else 0

    def __repr__(self):
        return f"Location({self.name!r})"


UTC = Location("UTC", 0, "UTC")


@lru_cache(maxsize=None)
def load_location(name: str) -> Location:
    """time.LoadLocation."""
    if name == "" or name == "UTC":
        return UTC
    if name == "Local":
        return local()
    if name.startswith("/") or ".." in name.split("/") or "\\" in name:
        raise TimeError("time: invalid location name")
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise TimeError(f"unknown time zone {name}") from None
    return Location(name, zone=zone)


@lru_cache(maxsize=None)
def local() -> Location:
    """Go's time.Local: $TZ (empty means UTC), else /etc/localtime, else UTC; named "Local"."""
    from zoneinfo import ZoneInfo
    tz = os.environ.get("TZ")
    try:
        if tz is None:
            if os.path.exists("/etc/localtime"):
                with open("/etc/localtime", "rb") as fh:
                    zone = ZoneInfo.from_file(fh, key="Local")
                return Location("Local", zone=zone)
            return Location("Local", 0, "UTC")
        if tz == "" or tz == "UTC":
            return Location("Local", 0, "UTC")
        zone = ZoneInfo(tz.lstrip(":"))
        return Location("Local", zone=zone)
    except Exception:  # noqa: BLE001 - Go falls back to UTC for any zone it cannot load
        return Location("Local", 0, "UTC")


class GoTime:
    """A time.Time: seconds and nanoseconds since the Unix epoch, a location, and (for time.Now) the
    monotonic clock reading String() shows as m=±s."""

    __slots__ = ("sec", "nsec", "loc", "mono")

    def __init__(self, sec: int, nsec: int = 0, loc: Location = UTC, mono: int | None = None):
        self.sec = sec
        self.nsec = nsec
        self.loc = loc
        self.mono = mono  # nanoseconds of the monotonic clock, or None

    @classmethod
    def zero(cls) -> "GoTime":
        return cls(-UNIX_TO_INTERNAL, 0, UTC)

    def __eq__(self, other):  # Go's == on time.Time compares wall, ext and loc
        return isinstance(other, GoTime) and (self.sec, self.nsec, self.loc, self.mono) == (
            other.sec, other.nsec, other.loc, other.mono)

    def __hash__(self):
        return hash((self.sec, self.nsec))

    def internal(self) -> tuple[int, int]:
        """Go's (wall, ext) fields: with a monotonic reading, wall holds a flag, the seconds since 1885
        and the nanoseconds, and ext the monotonic clock; without one, wall holds the nanoseconds and ext
        the seconds since year 1."""
        if self.mono is not None:
            secs_1885 = self.sec + UNIX_TO_INTERNAL - 59453308800
            return (1 << 63) | (secs_1885 << 30) | self.nsec, self.mono
        return self.nsec, self.sec + UNIX_TO_INTERNAL

    def is_zero(self) -> bool:
        return self.sec == -UNIX_TO_INTERNAL and self.nsec == 0

    def unix_nano(self) -> int:
        return self.sec * NANOS + self.nsec

    def zone(self) -> tuple[str, int]:
        return self.loc.lookup(self.sec)

    def civil(self):
        """(year, month, day, hour, minute, second, weekday 0=Sunday, yday from 1)."""
        _, offset = self.zone()
        t = self.sec + offset
        days, secs = divmod(t, 86400)
        ordinal = days + 719163  # 1970-01-01 is ordinal 719163
        if 1 <= ordinal <= 3652059:
            d = _dt.date.fromordinal(ordinal)
            year, month, day = d.year, d.month, d.day
            yday = d.timetuple().tm_yday
            weekday = (d.weekday() + 1) % 7
        else:
            year, month, day, yday, weekday = _civil_far(days)
        return year, month, day, secs // 3600, secs // 60 % 60, secs % 60, weekday, yday

    def with_loc(self, loc: Location) -> "GoTime":
        return GoTime(self.sec, self.nsec, loc, self.mono)

    def add_nanos(self, d: int) -> "GoTime":
        total = self.nsec + d
        return GoTime(self.sec + total // NANOS, total % NANOS, self.loc,
                      None if self.mono is None else self.mono + d)

    def sub(self, other: "GoTime") -> int:
        if self.mono is not None and other.mono is not None:
            return _clamp(self.mono - other.mono)
        return _clamp(self.unix_nano() - other.unix_nano())

    def format(self, layout: str) -> str:
        return format_time(self, layout)

    def string(self) -> str:
        s = self.format("2006-01-02 15:04:05.999999999 -0700 MST")
        if self.mono is not None:
            m = self.mono
            sign = "+" if m >= 0 else "-"
            m = abs(m)
            s += f" m={sign}{m // NANOS}.{m % NANOS:09d}"
        return s


def _clamp(d: int) -> int:
    return max(min(d, 2 ** 63 - 1), -(2 ** 63))


def _civil_far(days: int):
    # proleptic Gregorian for years outside 1..9999
    import calendar
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    if m <= 2:
        y += 1
    weekday = (days + 4) % 7
    leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
    yday = sum((31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[:m - 1]) + d
    del calendar
    return y, m, d, yday, weekday


def from_civil(year, month, day, hour, minute, second, nsec, loc: Location) -> GoTime:
    """time.Date (normalising overflowing fields as Go does, for the common ranges)."""
    # normalise month
    y, m = year + (month - 1) // 12, (month - 1) % 12 + 1
    base = _days_from_civil(y, m, 1) + (day - 1)
    unix = base * 86400 + hour * 3600 + minute * 60 + second
    sec_extra, nsec = divmod(nsec, NANOS)
    unix += sec_extra
    # the offset of the zone at that wall time (Go looks it up at unix - offset)
    _, off = loc.lookup(unix)
    unix -= off
    _, off2 = loc.lookup(unix)
    if off2 != off:
        unix += off - off2
    return GoTime(unix, nsec, loc)


def _days_from_civil(y: int, m: int, d: int) -> int:
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


# ------------------------------------------------------------------------------------------- layouts

_STD = re.compile(
    r"January|Jan|Monday|Mon|MST|"
    r"Z070000|Z07:00:00|Z0700|Z07:00|Z07|-070000|-07:00:00|-0700|-07:00|-07|"
    r"2006|002|__2|_2|01|02|03|04|05|06|15|PM|pm|1|2|3|4|5|"
    r"[.,](?:0+|9+)(?![0-9])"
)


def _chunks(layout: str):
    """Go's nextStdChunk over a whole layout: (literal, std) pairs."""
    i = 0
    out = []
    lit_start = 0
    n = len(layout)
    while i < n:
        m = _STD.match(layout, i)
        if m is not None:
            tok = m.group()
            # Go's special cases: "_2006" is a literal _ then a year; "Jan"/"Mon" must not run on into a
            # lower-case letter ("Janet" is literal)
            if tok in ("Jan", "Mon") and i + 3 < n and layout[i + 3].islower() and layout[i + 3].isascii() \
                    and not layout.startswith(("January", "Monday"), i):
                i += 1
                continue
            if tok == "_2" and layout.startswith("_2006", i):
                i += 1
                continue
            if tok[0] in ".," and (i + len(tok) < n and layout[i + len(tok)].isdigit()):
                i += 1
                continue
            out.append((layout[lit_start:i], tok))
            i = m.end()
            lit_start = i
            continue
        i += 1
    out.append((layout[lit_start:], None))
    return out


def format_time(t: GoTime, layout: str) -> str:
    year, month, day, hour, minute, sec, weekday, yday = t.civil()
    abbrev, offset = t.zone()
    out = []
    for lit, std in _chunks(layout):
        out.append(lit)
        if std is None:
            continue
        if std == "2006":
            out.append(f"{year:04d}" if year >= 0 else f"-{-year:04d}")
        elif std == "06":
            out.append(f"{year % 100:02d}")
        elif std == "Jan":
            out.append(MONTHS[month - 1][:3])
        elif std == "January":
            out.append(MONTHS[month - 1])
        elif std == "1":
            out.append(str(month))
        elif std == "01":
            out.append(f"{month:02d}")
        elif std == "Mon":
            out.append(DAYS[weekday][:3])
        elif std == "Monday":
            out.append(DAYS[weekday])
        elif std == "2":
            out.append(str(day))
        elif std == "_2":
            out.append(f"{day:2d}")
        elif std == "02":
            out.append(f"{day:02d}")
        elif std == "__2":
            out.append(f"{yday:3d}")
        elif std == "002":
            out.append(f"{yday:03d}")
        elif std == "15":
            out.append(f"{hour:02d}")
        elif std in ("3", "03"):
            h = hour % 12 or 12
            out.append(str(h) if std == "3" else f"{h:02d}")
        elif std == "4":
            out.append(str(minute))
        elif std == "04":
            out.append(f"{minute:02d}")
        elif std == "5":
            out.append(str(sec))
        elif std == "05":
            out.append(f"{sec:02d}")
        elif std == "PM":
            out.append("PM" if hour >= 12 else "AM")
        elif std == "pm":
            out.append("pm" if hour >= 12 else "am")
        elif std[0] in "Z-":
            if std[0] == "Z" and offset == 0:
                out.append("Z")
                continue
            zone = offset // 60
            absoff = offset
            sign = "+"
            if zone < 0 or offset < 0:
                sign = "-"
                zone = -(offset // 60) if offset % 60 == 0 else (-offset) // 60
                absoff = -offset
            zone = absoff // 60
            s = sign + f"{zone // 60:02d}"
            body = std[1:]
            if body in ("07:00", "07:00:00"):
                s += f":{zone % 60:02d}"
            elif body in ("0700", "070000"):
                s += f"{zone % 60:02d}"
            if body == "07:00:00":
                s += f":{absoff % 60:02d}"
            elif body == "070000":
                s += f"{absoff % 60:02d}"
            out.append(s)
        elif std == "MST":
            if abbrev:
                out.append(abbrev)
            else:
                zone = offset // 60
                sign = "+"
                if zone < 0:
                    sign, zone = "-", -zone
                out.append(f"{sign}{zone // 60:02d}{zone % 60:02d}")
        elif std[0] in ".,":
            digits = len(std) - 1
            frac = f"{t.nsec:09d}"[:digits]
            if std[1] == "9":
                frac = frac.rstrip("0")
                if frac:
                    out.append(std[0] + frac)
            else:
                out.append(std[0] + frac)
    return "".join(out)


def parse_time(layout: str, value: str, default_loc: Location = UTC, local_loc: Location | None = None) -> GoTime:
    """time.Parse / ParseInLocation (the common layouts; a mismatch raises TimeError)."""
    orig_value = value
    year, month, day, hour, minute, sec, nsec = 1, 1, 1, 0, 0, 0, 0
    pm_set = am_set = False
    z: Location | None = None
    zone_offset = None
    zone_name = ""
    yday = -1

    def fail(elem: str, rest: str):
        raise TimeError(f'parsing time {_q(orig_value)} as {_q(layout)}: cannot parse {_q(rest)} as {_q(elem)}')

    def num(s, lo, hi, fixed):
        if fixed and (len(s) < fixed or not s[:fixed].isdigit()):
            raise ValueError
        m = re.match(r"\d+", s)
        if not m:
            raise ValueError
        text = m.group() if not fixed else s[:fixed]
        v = int(text)
        if not lo <= v <= hi:
            raise ValueError
        return v, s[len(text):]

    for lit, std in _chunks(layout):
        if not value.startswith(lit):
            fail(lit, value)
        value = value[len(lit):]
        if std is None:
            if value:
                raise TimeError(f"parsing time {_q(orig_value)}: extra text: {_q(value)}")
            break
        hold = value
        try:
            if std == "2006":
                if len(value) < 4 or not value[:4].isdigit():
                    raise ValueError
                year, value = int(value[:4]), value[4:]
            elif std == "06":
                v, value = num(value, 0, 99, 2)
                year = v + (1900 if v >= 69 else 2000)
            elif std in ("Jan", "January"):
                names = [m[:3] if std == "Jan" else m for m in MONTHS]
                for i, name in enumerate(names):
                    if value[:len(name)].lower() == name.lower():
                        month, value = i + 1, value[len(name):]
                        break
                else:
                    raise ValueError
            elif std in ("1", "01"):
                month, value = _getnum(value, std == "01")
                if not 1 <= month <= 12:
                    raise ValueError
            elif std in ("Mon", "Monday"):
                names = [d[:3] if std == "Mon" else d for d in DAYS]
                for name in names:
                    if value[:len(name)].lower() == name.lower():
                        value = value[len(name):]
                        break
                else:
                    raise ValueError
            elif std in ("2", "_2", "02"):
                if std == "_2" and value[:1] == " ":
                    value = value[1:]
                day, value = _getnum(value, std == "02")
            elif std in ("__2", "002"):
                if std == "__2":
                    value = value.lstrip(" ") if len(value) - len(value.lstrip(" ")) <= 2 else value
                yday, value = _getnum3(value, std == "002")
            elif std == "15":
                hour, value = _getnum(value, False)
                if hour > 23:
                    raise ValueError
            elif std in ("3", "03"):
                hour, value = _getnum(value, std == "03")
                if hour > 12:
                    raise ValueError
            elif std in ("4", "04"):
                minute, value = _getnum(value, std == "04")
                if minute > 59:
                    raise ValueError
            elif std in ("5", "05"):
                sec, value = _getnum(value, std == "05")
                if sec > 59:
                    raise ValueError
                # a fractional second in the value although the layout has none
                if len(value) >= 2 and value[0] in ".," and value[1].isdigit():
                    nxt = _chunks(layout[layout.find(std) + len(std):])
                    if not (nxt and nxt[0][1] and nxt[0][1][0] in ".,"):
                        m = re.match(r"[.,](\d+)", value)
                        digits = m.group(1)
                        nsec = int((digits + "000000000")[:9])
                        value = value[m.end():]
            elif std == "PM":
                if value[:2] == "PM":
                    pm_set = True
                elif value[:2] == "AM":
                    am_set = True
                else:
                    raise ValueError
                value = value[2:]
            elif std == "pm":
                if value[:2] == "pm":
                    pm_set = True
                elif value[:2] == "am":
                    am_set = True
                else:
                    raise ValueError
                value = value[2:]
            elif std[0] in "Z-":
                if std[0] == "Z" and value[:1] == "Z":
                    value = value[1:]
                    z = UTC
                    continue
                body = std[1:]
                pattern = {"07": r"([+-])(\d\d)", "0700": r"([+-])(\d\d)(\d\d)", "07:00": r"([+-])(\d\d):(\d\d)",
                           "070000": r"([+-])(\d\d)(\d\d)(\d\d)",
                           "07:00:00": r"([+-])(\d\d):(\d\d):(\d\d)"}[body]
                m = re.match(pattern, value)
                if not m:
                    raise ValueError
                g = m.groups()
                hh, mm, ss = int(g[1]), int(g[2]) if len(g) > 2 else 0, int(g[3]) if len(g) > 3 else 0
                if hh > 24 or mm > 60 or ss > 60:
                    raise ValueError
                zone_offset = (hh * 60 + mm) * 60 + ss
                if g[0] == "-":
                    zone_offset = -zone_offset
                value = value[m.end():]
            elif std == "MST":
                if value[:3] == "UTC":
                    z = UTC
                    value = value[3:]
                    continue
                m = re.match(r"[A-Z]{3,5}|[+-]\d+", value)
                if not m:
                    raise ValueError
                zone_name = m.group()
                value = value[m.end():]
            elif std[0] in ".,":
                ndigit = len(std)
                if std[1] == "9" and (len(value) < 2 or value[0] not in ".," or not value[1].isdigit()):
                    continue  # the fraction may be left out
                if std[1] == "0" and (len(value) < ndigit or value[0] not in ".,"):
                    raise ValueError
                if std[1] == "0":
                    digits = value[1:ndigit]
                    if len(digits) != ndigit - 1 or not digits.isdigit():
                        raise ValueError
                    nsec = int((digits + "000000000")[:9])
                    value = value[ndigit:]
                else:
                    m = re.match(r"[.,](\d+)", value)
                    if m:
                        nsec = int((m.group(1) + "000000000")[:9])
                        value = value[m.end():]
        except ValueError:
            fail(std, hold)
    if pm_set and hour < 12:
        hour += 12
    elif am_set and hour == 12:
        hour = 0
    import calendar
    if 1 <= year <= 9999 and (day < 1 or day > calendar.monthrange(year, month)[1]):
        raise TimeError(f"parsing time {_q(orig_value)}: day out of range")
    if z is not None:
        return from_civil(year, month, day, hour, minute, sec, nsec, z)
    if zone_offset is not None:
        t = from_civil(year, month, day, hour, minute, sec, nsec, UTC)
        t = GoTime(t.sec - zone_offset, t.nsec, UTC)
        loc_local = local_loc or local()
        name, off = loc_local.lookup(t.sec)
        if off == zone_offset and (zone_name == "" or name == zone_name):
            return t.with_loc(loc_local)
        return t.with_loc(Location(zone_name, zone_offset, zone_name))
    if zone_name:
        t = from_civil(year, month, day, hour, minute, sec, nsec, UTC)
        loc_local = local_loc or local()
        name, off = loc_local.lookup(t.sec - 0)
        if name == zone_name:
            return GoTime(t.sec - off, t.nsec, loc_local)
        return t.with_loc(Location(zone_name, 0, zone_name))
    return from_civil(year, month, day, hour, minute, sec, nsec, default_loc)


def _getnum(value: str, fixed: bool) -> tuple[int, str]:
    if not value[:1].isdigit():
        raise ValueError
    if len(value) < 2 or not value[1].isdigit():
        if fixed:
            raise ValueError
        return int(value[0]), value[1:]
    return int(value[:2]), value[2:]


def _getnum3(value: str, fixed: bool) -> tuple[int, str]:
    m = re.match(r"\d{1,3}", value)
    if not m or (fixed and len(m.group()) != 3):
        raise ValueError
    return int(m.group()), value[m.end():]


def _q(s: str) -> str:
    from obslint.gotemplate.printf import go_quote
    return go_quote(s)


# ------------------------------------------------------------------------------------------ durations

_UNITS = {"ns": 1, "us": 1000, "µs": 1000, "μs": 1000, "ms": 1_000_000, "s": NANOS, "m": 60 * NANOS,
          "h": 3600 * NANOS}


def duration_string(d: int) -> str:
    """time.Duration.String."""
    if d == 0:
        return "0s"
    neg = d < 0
    u = -d if neg else d
    if u < NANOS:
        if u < 1000:
            s = f"{u}ns"
        elif u < 1_000_000:
            s = _frac(u, 3) + "µs"
        else:
            s = _frac(u, 6) + "ms"
    else:
        secs_frac = _frac(u % (60 * NANOS), 9)
        mins = u // (60 * NANOS)
        s = secs_frac + "s"
        if mins > 0:
            h, m = divmod(mins, 60)
            s = f"{m}m" + s
            if h > 0:
                s = f"{h}h" + s
    return ("-" if neg else "") + s


def _frac(v: int, prec: int) -> str:
    whole, frac = divmod(v, 10 ** prec)
    fs = f"{frac:0{prec}d}".rstrip("0")
    return f"{whole}.{fs}" if fs else str(whole)


def parse_duration(s: str) -> int:
    """time.ParseDuration; TimeError on bad input."""
    orig = s
    neg = False
    if s.startswith(("+", "-")):
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if s == "":
        raise TimeError(f"time: invalid duration {_q(orig)}")
    total = 0
    while s:
        m = re.match(r"(\d*)(?:\.(\d*))?", s)
        whole, frac = m.group(1), m.group(2)
        if not whole and not frac:
            raise TimeError(f"time: invalid duration {_q(orig)}")
        s = s[m.end():]
        u = re.match(r"[^0-9.]+", s)
        if not u:
            raise TimeError(f"time: missing unit in duration {_q(orig)}")
        unit = u.group()
        s = s[u.end():]
        if unit not in _UNITS:
            raise TimeError(f"time: unknown unit {_q(unit)} in duration {_q(orig)}")
        scale = _UNITS[unit]
        v = int(whole or "0") * scale
        if frac:
            v += int(int(frac) * scale / 10 ** len(frac))
        total += v
        if total > 2 ** 63 - 1:
            raise TimeError(f"time: invalid duration {_q(orig)}")
    return -total if neg else total


# ------------------------------------------------------------------------------ Go types and methods

def _types():
    """time.Time, time.Duration, time.Month, time.Weekday and *time.Location as template values."""
    from obslint.gotemplate.values import BOOL, FLOAT64, INT, INT64, STRING, GoError, GoFunc, GoInt, GoType

    time_t = GoType("time.Time", "struct")
    duration_t = GoType("time.Duration", "int64", underlying=INT64)
    month_t = GoType("time.Month", "int", underlying=INT)
    weekday_t = GoType("time.Weekday", "int", underlying=INT)
    location_t = GoType("*time.Location", "ptr")

    def dur(v: int) -> GoInt:
        return GoInt(_clamp(v), duration_t)

    def m(name, params, result, impl, returns_error=False):
        return GoFunc(name, params, result, impl, returns_error=returns_error)

    def two_results(name):
        def impl(*_):
            raise GoError(f"can't call method/function {name!r} with 2 results".replace("'", '"'))
        return m(name, (), None, impl)

    def strip(t: GoTime, loc: Location) -> GoTime:
        return GoTime(t.sec, t.nsec, loc, None)

    def add_date(t: GoTime, years: int, months: int, days: int) -> GoTime:
        y, mo, d, h, mi, s, _, _ = t.civil()
        out = from_civil(y + years, mo + months, d + days, h, mi, s, t.nsec, t.loc)
        return out

    def rounding(t: GoTime, d: int, up: bool) -> GoTime:
        if d <= 0:
            return GoTime(t.sec, t.nsec, t.loc, None)
        # Go rounds the absolute time since year 1
        total = (t.sec + UNIX_TO_INTERNAL) * NANOS + t.nsec
        r = total % d
        total -= r
        if up and r + r >= d:
            total += d
        sec, nsec = divmod(total, NANOS)
        return GoTime(sec - UNIX_TO_INTERNAL, nsec, t.loc, None)

    time_t.methods.update({
        "String": m("String", (), STRING, lambda t: t.string()),
        "Format": m("Format", (STRING,), STRING, lambda t, layout: t.format(layout)),
        "Unix": m("Unix", (), INT64, lambda t: GoInt(t.sec, INT64)),
        "UnixMilli": m("UnixMilli", (), INT64, lambda t: GoInt(t.unix_nano() // 1_000_000, INT64)),
        "UnixMicro": m("UnixMicro", (), INT64, lambda t: GoInt(t.unix_nano() // 1000, INT64)),
        "UnixNano": m("UnixNano", (), INT64, lambda t: GoInt(t.unix_nano(), INT64)),
        "UTC": m("UTC", (), time_t, lambda t: strip(t, UTC)),
        "Local": m("Local", (), time_t, lambda t: strip(t, local())),
        "In": m("In", (location_t,), time_t, lambda t, loc: strip(t, loc)),
        "Location": m("Location", (), location_t, lambda t: t.loc if t.loc is not UTC else UTC),
        "Add": m("Add", (duration_t,), time_t, lambda t, d: t.add_nanos(int(d))),
        "AddDate": m("AddDate", (INT, INT, INT), time_t, add_date),
        "Sub": m("Sub", (time_t,), duration_t, lambda t, u: dur(t.sub(u))),
        "Before": m("Before", (time_t,), BOOL, lambda t, u: t.sub(u) < 0),
        "After": m("After", (time_t,), BOOL, lambda t, u: t.sub(u) > 0),
        "Equal": m("Equal", (time_t,), BOOL, lambda t, u: t.sub(u) == 0),
        "Compare": m("Compare", (time_t,), INT, lambda t, u: (t.sub(u) > 0) - (t.sub(u) < 0)),
        "IsZero": m("IsZero", (), BOOL, lambda t: t.is_zero()),
        "Year": m("Year", (), INT, lambda t: t.civil()[0]),
        "Month": m("Month", (), month_t, lambda t: GoInt(t.civil()[1], month_t)),
        "Day": m("Day", (), INT, lambda t: t.civil()[2]),
        "Hour": m("Hour", (), INT, lambda t: t.civil()[3]),
        "Minute": m("Minute", (), INT, lambda t: t.civil()[4]),
        "Second": m("Second", (), INT, lambda t: t.civil()[5]),
        "Nanosecond": m("Nanosecond", (), INT, lambda t: t.nsec),
        "Weekday": m("Weekday", (), weekday_t, lambda t: GoInt(t.civil()[6], weekday_t)),
        "YearDay": m("YearDay", (), INT, lambda t: t.civil()[7]),
        "Round": m("Round", (duration_t,), time_t, lambda t, d: rounding(t, int(d), True)),
        "Truncate": m("Truncate", (duration_t,), time_t, lambda t, d: rounding(t, int(d), False)),
        "Zone": two_results("Zone"),
        "Date": two_results("Date"),
        "Clock": two_results("Clock"),
        "ISOWeek": two_results("ISOWeek"),
    })
    duration_t.methods.update({
        "String": m("String", (), STRING, lambda d: duration_string(int(d))),
        "Seconds": m("Seconds", (), FLOAT64, lambda d: int(d) // NANOS + (int(d) % NANOS) / 1e9
                     if d >= 0 else -((-int(d)) // NANOS + ((-int(d)) % NANOS) / 1e9)),
        "Minutes": m("Minutes", (), FLOAT64, lambda d: int(d) / (60 * NANOS)),
        "Hours": m("Hours", (), FLOAT64, lambda d: int(d) / (3600 * NANOS)),
        "Milliseconds": m("Milliseconds", (), INT64, lambda d: GoInt(int(int(d) / 1_000_000), INT64)),
        "Microseconds": m("Microseconds", (), INT64, lambda d: GoInt(int(int(d) / 1000), INT64)),
        "Nanoseconds": m("Nanoseconds", (), INT64, lambda d: GoInt(int(d), INT64)),
        "Abs": m("Abs", (), duration_t, lambda d: dur(abs(int(d)))),
    })
    month_t.methods["String"] = m("String", (), STRING, lambda mo: MONTHS[int(mo) - 1] if 1 <= mo <= 12
                                  else f"%!Month({int(mo)})")
    weekday_t.methods["String"] = m("String", (), STRING, lambda w: DAYS[int(w)] if 0 <= w <= 6
                                    else f"%!Weekday({int(w)})")
    location_t.methods["String"] = m("String", (), STRING, lambda loc: loc.name)
    return time_t, duration_t, month_t, weekday_t, location_t


TIME_T, DURATION_T, MONTH_T, WEEKDAY_T, LOCATION_T = _types()
GoTime.gotype = TIME_T
Location.gotype = LOCATION_T
TIME_T.zero = staticmethod(GoTime.zero)


def duration(v: int):
    from obslint.gotemplate.values import GoInt
    return GoInt(_clamp(v), DURATION_T)
