"""Prometheus durations (`model.Duration`), as rule files and Alertmanager configs write them."""

from __future__ import annotations

import re

DURATION = re.compile(r"(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?")
UNITS = (("y", 365 * 86400_000), ("w", 7 * 86400_000), ("d", 86400_000), ("h", 3600_000), ("m", 60_000),
         ("s", 1000), ("ms", 1))


def parse_duration(text: str) -> int | None:
    """Milliseconds of a Prometheus duration (`1h30m`, `0`), or None if it is not one."""
    if text == "0":
        return 0
    if not text:
        return None
    m = DURATION.fullmatch(text)
    if m is None or not any(m.groups()):
        return None
    return sum(int(g) * ms for g, (_, ms) in zip(m.groups(), UNITS, strict=True) if g)


def format_duration(ms: int) -> str:
    """The shortest Prometheus form of a duration: 300000 -> `5m`, 5400000 -> `1h30m`, 0 -> `0s`."""
    if ms == 0:
        return "0s"
    parts = []
    for unit, size in UNITS:
        count, ms = divmod(ms, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
