"""Rule unit-test coverage: which alerts some test shows firing, and not firing, and which recording
rules an expression test reads."""

from __future__ import annotations

from dataclasses import dataclass

from obslint.ruletests.model import TestFile


@dataclass
class AlertCoverage:
    alerts: list[str]
    fired: set[str]
    quiet: set[str]
    recording: list[str]
    recording_tested: set[str]

    @property
    def untested(self) -> list[str]:
        return [a for a in self.alerts if a not in self.fired or a not in self.quiet]

    @property
    def percent(self) -> float:
        if not self.alerts:
            return 100.0
        return 100.0 * sum(a in self.fired and a in self.quiet for a in self.alerts) / len(self.alerts)

    def to_json(self) -> dict:
        return {"alerts": len(self.alerts), "alerts_fired": sorted(self.fired & set(self.alerts)),
                "alerts_quiet": sorted(self.quiet & set(self.alerts)), "untested": self.untested,
                "percent": round(self.percent, 1), "recording_rules": len(self.recording),
                "recording_rules_tested": sorted(self.recording_tested)}


def alert_coverage(tests: list[TestFile], alerts: list[str], records: list[str],
                   version: tuple[int, int] | None = None, features: frozenset[str] = frozenset()) -> AlertCoverage:
    """Coverage of the rules' `alerts` and recorded series `records` (each list in order, no duplicates);
    the tests' expressions are read as the promtool of `version` (default: the newest) run with `features`."""
    from obslint.promql.parse import parse_expr
    from obslint.promql.versions import NEWEST

    fired, quiet, read = set(), set(), set()
    for test in tests:
        for group in test.groups:
            for case in group.alert_cases:
                (fired if case.firing else quiet).add(case.subject)
            for expr in group.exprs:
                parsed = parse_expr(expr, version or NEWEST, features=features)
                if parsed.ast is not None:
                    read.update(getattr(n, "name", None) for n in parsed.nodes)
    return AlertCoverage(alerts, fired, quiet, records, {r for r in records if r in read})
