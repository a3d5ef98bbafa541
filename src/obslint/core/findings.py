"""Findings: what every check reports, and how findings are ordered and counted."""

from __future__ import annotations

import enum
import functools
import hashlib
import operator
import re
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
    """One problem at one place. Line and column are 1-based; 0 means "the whole file".

    `subject` names the thing the finding is about, stable when lines move: a rule (`group:g/alert:A`),
    a route (`route/{team="ml"}`), a receiver, a panel (`dashboard:uid/panel:Title`)... "" when the
    finding is about the file as a whole or nobody has told it yet (obslint.engine.subjects fills it
    in from where the finding is)."""

    path: str
    line: int
    column: int
    code: str
    name: str
    severity: Severity
    message: str
    subject: str = ""

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "name": self.name,
            "severity": str(self.severity),
            "message": self.message,
            "subject": self.subject,
            "fingerprint": fingerprint(self),
        }


# --- fingerprints: the same finding across runs, whatever moved ----------------------------------------
# A finding is matched across runs (the baseline, --diff-base, SARIF's partialFingerprints, GitLab's
# fingerprint) by its file, its check, its subject and its message with the positions taken out: a rule
# moved down by an edit above it, or renumbered by a rule inserted before it, is the same finding.

_POSITIONS = [
    (re.compile(r"([\w./-]+\.(?:ya?ml|json|py|prom|toml|txt)):\d+(?::\d+)?"), r"\1"),  # file:line[:column]
    (re.compile(r"\b(lines?|columns?) \d+(-\d+)?"), r"\1"),  # "line 12", "lines 3-4"
    (re.compile(r'\b(rule|group|document|test) \d+\b'), r"\1"),  # promtool's `group "g", rule 3`
    (re.compile(r"\[\d+\]"), "[]"),  # route.routes[2], inhibit_rules[0]
]
_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")


@functools.lru_cache(maxsize=16384)
def normalise_message(message: str) -> str:
    """The message without what changes when lines move: line numbers and positional indexes."""
    if _DIGIT.search(message):
        for pattern, replacement in _POSITIONS:
            message = pattern.sub(replacement, message)
    return _SPACE.sub(" ", message).strip()


def fingerprint(finding: Finding) -> str:
    """A stable identity of the finding (hex): its file, code, subject and normalised message."""
    key = "\0".join((finding.path, finding.code, finding.subject, normalise_message(finding.message)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def occurrences(findings) -> list[tuple[Finding, str, int]]:
    """(finding, fingerprint, n) where n counts the earlier findings with that fingerprint (0 for the
    first): two findings alike in all but their line are told apart by their order in the file."""
    seen: dict[str, int] = {}
    out = []
    for finding in findings:
        key = fingerprint(finding)
        out.append((finding, key, seen.get(key, 0)))
        seen[key] = seen.get(key, 0) + 1
    return out


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
