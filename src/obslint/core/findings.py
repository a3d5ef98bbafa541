"""Findings: what every check reports, and how findings are ordered and counted."""

from __future__ import annotations

import enum
import operator
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """Ordered so that `max()` of severities is the worst one."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None


@dataclass(frozen=True)
class Finding:
    """One problem at one place. Line and column are 1-based; 0 means "the whole file"."""

    path: str
    line: int
    column: int
    code: str
    name: str
    severity: Severity
    message: str

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "name": self.name,
            "severity": str(self.severity),
            "message": self.message,
        }


_ORDER = operator.attrgetter("path", "line", "column", "code", "message")


def sort_findings(findings) -> list[Finding]:
    return sorted(set(findings), key=_ORDER)


def exit_code(findings, strict: bool = False, usage_errors=()) -> int:
    """0: clean; 1: errors (or, with strict, warnings too); 2: a finding of one of the checks in
    `usage_errors` (a file that could not be read is a usage error, as a missing path is)."""
    codes = {check.code for check in usage_errors}
    if codes and any(f.code in codes for f in findings):
        return 2
    worst = max((f.severity for f in findings), default=None)
    if worst is None:
        return 0
    if worst >= Severity.ERROR or (strict and worst >= Severity.WARNING):
        return 1
    return 0
