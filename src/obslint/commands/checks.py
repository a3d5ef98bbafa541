"""`obslint checks` and `obslint explain`: every check's code, name, severity, kind and summary, and one
check's documentation."""

from __future__ import annotations

import json

from obslint.checks.base import documentation, summary
from obslint.checks.registry import all_checks, resolve_check


def list_checks(fmt: str = "text") -> str:
    rows = [{"code": c.code, "name": c.name, "severity": str(c.severity), "kind": c.kind,
             "enabled": c.enabled_by_default, "summary": summary(c)} for c in all_checks()]
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    return "".join(f"{r['code']}  {r['name']:<28} {r['severity']:<8} {r['kind']:<12} {r['summary']}\n" for r in rows)


def explain(code_or_name: str) -> str:
    """The documentation of a check; KeyError (with a message) for an unknown one."""
    check = resolve_check(code_or_name)
    return f"{check.code} {check.name} ({check.severity}, {check.kind})\n\n{documentation(check)}\n"
