"""`obslint check --show-files`: every file a check read, with the kind it read each as, and what it left
out and why, as text or JSON (`[{"path", "kind", "kinds", "note"}]`)."""

from __future__ import annotations

import json
from pathlib import Path

# when a file holds several things, the one named first (`kind`) is the first of these it holds
ORDER = ("rules", "alertmanager", "dashboard", "rule-tests", "route-tests", "prometheus-config", "rules-v1",
         "helm-template", "template", "unparsed", "python", "skipped", "none", "cached")


def _rank(kind: str) -> int:
    for i, prefix in enumerate(ORDER):
        if kind == prefix or kind.startswith(prefix + "-"):
            return i
    return len(ORDER)


def entries(files: list[tuple[Path, list[str], list[str]]], shown) -> list[dict]:
    """One entry per file (folders end in `/`), sorted by path; `shown(path)` is a path as findings show it."""
    out = []
    for path, kinds, notes in files:
        distinct = list(dict.fromkeys(kinds)) or ["none"]
        name = shown(path) + ("/" if path.is_dir() else "")
        out.append({"path": name, "kind": min(distinct, key=_rank), "kinds": distinct, "note": "; ".join(notes)})
    return sorted(out, key=lambda e: e["path"])


def render(listing: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(listing, indent=2, ensure_ascii=False) + "\n"
    python = [e for e in listing if e["kind"] == "python"]
    listing = [e for e in listing if e["kind"] != "python"]
    width = max((len(e["path"]) for e in listing), default=0)
    lines = []
    for e in listing:
        what = ", ".join(e["kinds"])
        lines.append(f"{e['path']:<{width}}  {what}" + (f" ({e['note']})" if e["note"] else ""))
    read = sum(1 for e in listing if _rank(e["kind"]) < ORDER.index("unparsed"))
    if python:
        lines.append(f"{len(python)} Python file(s) that are no dashboard files: never run (--format json lists them)")
    lines.append(f"{len(listing) + len(python)} file(s) and folder(s): {read} read as obslint's kinds")
    return "\n".join(lines) + "\n"
