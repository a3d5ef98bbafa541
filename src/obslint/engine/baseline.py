"""The baseline: the findings a repository accepted when it adopted obslint, so that a gate fails only on
new ones (`obslint check --write-baseline FILE`, then `--baseline FILE`).

The file is JSON, sorted and without line numbers, so that it changes only when findings do and reads
well in a diff:

    {
      "version": 1,
      "findings": [
        {"path": "rules/api.yaml", "code": "R101", "name": "...", "subject": "group:api/alert:High",
         "message": "... (line numbers taken out)", "fingerprint": "3f2a...", "count": 1},
        ...
      ]
    }

A finding is in the baseline when an entry has its fingerprint (obslint.core.findings.fingerprint: its
file, code, subject and message without positions), as many times as the entry's count says; a
finding past that count is new.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from obslint.config import ConfigError
from obslint.core.findings import Finding, fingerprint, normalise_message
from obslint.core.paths import InputError

VERSION = 1


def dump(findings: list[Finding]) -> bytes:
    """The baseline file that accepts `findings`."""
    entries: dict[str, dict] = {}
    for finding in findings:
        key = fingerprint(finding)
        if key in entries:
            entries[key]["count"] += 1
            continue
        entries[key] = {"path": finding.path, "code": finding.code, "name": finding.name,
                        "subject": finding.subject, "message": normalise_message(finding.message),
                        "fingerprint": key, "count": 1}
    rows = sorted(entries.values(), key=lambda e: (e["path"], e["code"], e["subject"], e["message"], e["fingerprint"]))
    document = {"version": VERSION, "tool": "obslint", "findings": rows}
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def load(path: Path) -> Counter:
    """fingerprint -> how many findings with it the baseline accepts; InputError for a missing or
    unreadable file, ConfigError for one that is not a baseline."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file (write one with --write-baseline)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    except ValueError as exc:
        raise ConfigError(f"{path}: not a baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise ConfigError(f"{path}: not an obslint baseline of version {VERSION} (write it again with "
                          "--write-baseline)")
    counts: Counter = Counter()
    for i, entry in enumerate(data["findings"]):
        if not (isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str)
                and isinstance(entry.get("count", 1), int) and not isinstance(entry.get("count", 1), bool)
                and entry.get("count", 1) >= 1):
            raise ConfigError(f"{path}: findings[{i}] needs a fingerprint (a string) and a count (1 or more)")
        counts[entry["fingerprint"]] += entry.get("count", 1)
    return counts


@dataclass
class Filtered:
    new: list[Finding]  # not in the baseline
    known: int  # findings the baseline accepted
    fixed: int  # baseline entries no finding matched any more


def subtract(findings: list[Finding], accepted: Counter) -> Filtered:
    """The findings (in order) past what `accepted` accepts."""
    left = Counter(accepted)
    new = []
    for finding in findings:
        key = fingerprint(finding)
        if left[key] > 0:
            left[key] -= 1
        else:
            new.append(finding)
    return Filtered(new, len(findings) - len(new), sum(left.values()))
