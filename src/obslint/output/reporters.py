"""Reporters: findings as text, JSON, GitHub workflow commands, or SARIF 2.1.0."""

from __future__ import annotations

import json

from obslint import __version__
from obslint.checks.base import documentation, summary
from obslint.checks.registry import all_checks
from obslint.core.findings import Finding, Severity

FORMATS = ("text", "json", "github", "sarif")


def render(findings: list[Finding], fmt: str) -> str:
    return {"text": text, "json": as_json, "github": github, "sarif": sarif}[fmt](findings)


def text(findings: list[Finding]) -> str:
    lines = [f"{f.path}:{f.line}:{f.column}: {f.severity} {f.code} {f.name}: {f.message}" for f in findings]
    if findings:
        counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
        lines.append(f"{len(findings)} finding(s): {counts[Severity.ERROR]} error(s), "
                     f"{counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} info")
    return "\n".join(lines) + ("\n" if lines else "")


def as_json(findings: list[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands: one ::error/::warning/::notice annotation per finding."""
    command = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for f in findings:
        props = [f"file={_escape_property(f.path)}"]
        if f.line:
            props.append(f"line={f.line}")
        if f.column:
            props.append(f"col={f.column}")
        props.append(f"title={_escape_property(f'{f.code} {f.name}')}")
        lines.append(f"::{command[f.severity]} {','.join(props)}::{_escape_data(f.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def sarif(findings: list[Finding]) -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    checks = all_checks()
    index = {c.code: i for i, c in enumerate(checks)}
    rules = [{
        "id": c.code,
        "name": c.name,
        "shortDescription": {"text": summary(c)},
        "fullDescription": {"text": documentation(c)},
        "defaultConfiguration": {"level": level[c.severity]},
    } for c in checks]
    results = []
    for f in findings:
        region = {"startLine": max(f.line, 1)}
        if f.column:
            region["startColumn"] = f.column
        results.append({
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": level[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": f.path},
                "region": region,
            }}],
        })
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "obslint",
                "version": __version__,
                "rules": rules,
            }},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
