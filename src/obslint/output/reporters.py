"""Reporters: findings as text, JSON, GitHub workflow commands, SARIF 2.1.0 (as GitHub code scanning
reads it) or a GitLab Code Quality report.

Paths are as findings hold them: relative to the repository's root (obslint.core.paths). The formats
that track a finding across runs (SARIF's partialFingerprints, GitLab's fingerprint) use its baseline
fingerprint (obslint.core.findings.fingerprint) with its occurrence: two alike findings of a file stay
two results.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from obslint import __version__
from obslint.checks.base import documentation, summary
from obslint.checks.registry import all_checks
from obslint.core.findings import Finding, Severity, occurrences

FORMATS = ("text", "json", "github", "sarif", "gitlab")
DOCS_URL = "https://obslint.dev/checks/"  # + a check's code: its documentation (`obslint explain CODE`)

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}  # red, yellow, cyan


def render(findings: list[Finding], fmt: str, root: Path | None = None, colour: bool = False) -> str:
    """`findings` in format `fmt`; `root` is the directory paths are relative to (SARIF's %SRCROOT%),
    `colour` adds ANSI colours to text."""
    if fmt == "text":
        return text(findings, colour)
    if fmt == "sarif":
        return sarif(findings, root)
    return {"json": as_json, "github": github, "gitlab": gitlab}[fmt](findings)


def text(findings: list[Finding], colour: bool = False) -> str:
    def paint(code: str, value: str) -> str:
        return f"\033[{code}m{value}\033[0m" if colour else value

    lines = [f"{paint('1', f'{f.path}:{f.line}:{f.column}:')} {paint(_COLOURS[f.severity], str(f.severity))} "
             f"{paint('1', f.code)} {f.name}: {f.message}" for f in findings]
    return "\n".join(lines) + ("\n" if lines else "")


def summary_line(findings: list[Finding]) -> str:
    """One line that counts `findings` by severity."""
    if not findings:
        return "no findings"
    counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
    return (f"{len(findings)} finding(s): {counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
            f"{counts[Severity.INFO]} info")


def as_json(findings: list[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(command: str, path: str, line: int | None, column: int | None, title: str, message: str) -> str:
    """One GitHub Actions workflow command (`error`, `warning` or `notice`) annotating a file's line."""
    props = [f"file={_escape_property(path)}"]
    if line:
        props.append(f"line={line}")
    if column:
        props.append(f"col={column}")
    props.append(f"title={_escape_property(title)}")
    return f"::{command} {','.join(props)}::{_escape_data(message)}"


def github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands: one ::error/::warning/::notice annotation per finding."""
    command = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = [annotation(command[f.severity], f.path, f.line, f.column, f"{f.code} {f.name}", f.message)
             for f in findings]
    return "\n".join(lines) + ("\n" if lines else "")


def colour_wanted(stream, environ) -> bool:
    """Colour for a terminal: off when NO_COLOR is set and not empty (no-color.org), on when FORCE_COLOR is
    (and not "0"), else when `stream` is a terminal."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _artifact(path: str) -> dict:
    """A SARIF artifactLocation: a percent-encoded URI relative to %SRCROOT% (the repository's root), or
    an absolute file URI for a file outside it."""
    from urllib.parse import quote

    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}


def sarif(findings: list[Finding], root: Path | None = None) -> str:
    """SARIF 2.1.0 with what GitHub code scanning reads: each rule's help text and URI, each result's
    level, message, relative percent-encoded location and partial fingerprint."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    checks = all_checks()
    index = {c.code: i for i, c in enumerate(checks)}
    rules = []
    for c in checks:
        docs = documentation(c)
        rules.append({
            "id": c.code,
            "name": c.name,
            "shortDescription": {"text": summary(c)},
            "fullDescription": {"text": docs},
            "help": {"text": docs, "markdown": f"**{c.code} {c.name}**\n\n{docs}"},
            "helpUri": DOCS_URL + c.code,
            "defaultConfiguration": {"level": level[c.severity]},
            "properties": {"tags": [c.kind]},
        })
    results = []
    for f, key, n in occurrences(findings):
        region = {"startLine": max(f.line, 1)}
        if f.column:
            region["startColumn"] = f.column
        results.append({
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": level[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(f.path), "region": region}}],
            "partialFingerprints": {"obslintFingerprint/v1": f"{key}:{n + 1}"},
        })
    run: dict = {
        "tool": {"driver": {
            "name": "obslint",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": DOCS_URL.rsplit("/checks/", 1)[0] + "/",
            "rules": rules,
        }},
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    if root is not None:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": Path(root).resolve().as_uri().rstrip("/") + "/"}}
    document = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def gitlab(findings: list[Finding]) -> str:
    """A GitLab Code Quality report: an array of issues with description, check_name, a fingerprint unique
    to each finding, severity and location (path relative to the repository, line)."""
    severity = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
    issues = []
    for f, key, n in occurrences(findings):
        issues.append({
            "description": f"{f.code} {f.name}: {f.message}",
            "check_name": f.code,
            "fingerprint": hashlib.sha256(f"{key}:{n + 1}".encode()).hexdigest()[:32],
            "severity": severity[f.severity],
            "location": {"path": f.path, "lines": {"begin": max(f.line, 1)}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
