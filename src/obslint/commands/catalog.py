"""`obslint catalog`: the project's metric catalog as the checks see it: every series (name, type, labels,
where it is declared: the instrumentation code's file:line, or the metrics.yaml or capture that lists it),
the declarations it could not read or that prometheus_client refuses, and the scrape jobs of the project's
Prometheus configs. Text for people, JSON for scripts."""

from __future__ import annotations

import json
from pathlib import Path

from obslint.config import Config


def gather(paths: list[Path], config: Config) -> dict:
    """The catalog of the projects at `paths` as plain data (what `--format json` prints)."""
    from obslint.core.paths import display_path
    from obslint.engine.lint import project_catalog

    catalog = project_catalog(paths, config)
    data: dict = {"closed": False, "metrics": [], "unresolved": [], "invalid": [],
                  "scrape_jobs": {"found": False, "complete": False, "jobs": [], "unstated": []}}
    if catalog is None:
        return data
    data["closed"] = catalog.closed
    for name in sorted(catalog.metrics):
        metric = catalog.metrics[name]
        data["metrics"].append({"name": name, "type": metric.type, "labels": sorted(metric.labels),
                                "open_labels": metric.open_labels, "family": metric.family or None,
                                "declared_as": metric.declared_as or None, "declared": list(metric.origins)})
    seen = set()
    for declaration in catalog.declarations:
        problem = declaration.invalid or declaration.unresolved or declaration.labels_unresolved
        row = {"path": display_path(declaration.path, config.display_root), "line": declaration.line,
               "column": declaration.column, "class": declaration.cls or None, "reason": problem}
        key = tuple(row.values())
        if not problem or key in seen:
            continue
        seen.add(key)
        data["invalid" if declaration.invalid else "unresolved"].append(row)
    scrape = catalog.scrape
    if scrape is not None and scrape.known:
        data["scrape_jobs"] = {
            "found": True, "complete": scrape.complete, "unstated": list(scrape.unstated),
            "jobs": [{"name": job.name, "job_values": sorted(job.values), "unknown": job.unknown or None,
                      "target_labels": sorted(job.labels), "open_labels": job.open_labels, "where": job.where}
                     for job in scrape.jobs]}
    return data


def render(data: dict, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    lines = []
    metrics = data["metrics"]
    if metrics:
        width = max(len(m["name"]) for m in metrics)
        kinds = max(len(m["type"]) for m in metrics)
        for m in metrics:
            labels = ", ".join(m["labels"] + (["..."] if m["open_labels"] else []))
            where = ", ".join(m["declared"])
            if m["declared_as"]:
                where = f"{where} ({m['declared_as']})"
            lines.append(f"{m['name']:<{width}}  {m['type']:<{kinds}}  {{{labels}}}  {where}".rstrip())
        closed = ("every metric is listed" if data["closed"] else
                  "the repository's own metrics; other exporters' are not listed")
        lines.append(f"{len(metrics)} series ({closed})")
    else:
        lines.append("no metric catalog: no metrics.yaml or capture, no prometheus_client declarations")
    for key, title in (("invalid", "refused by prometheus_client"), ("unresolved", "not read (only running the "
                                                                                   "code tells)")):
        if data[key]:
            lines.append(f"\ndeclarations {title}:")
            lines.extend(f"  {r['path']}:{r['line']}:{r['column']}: {r['class'] or 'the file'}: {r['reason']}"
                         for r in data[key])
    scrape = data["scrape_jobs"]
    if scrape["found"]:
        state = "every job named" if scrape["complete"] else "not every job named"
        lines.append(f"\nscrape jobs ({state}):")
        width = max((len(job["name"]) for job in scrape["jobs"]), default=0)
        for job in scrape["jobs"]:
            values = ", ".join(v for v in job["job_values"] if v != job["name"])
            notes = [f"also job={values}" if values else "", f"job may differ: {job['unknown']}" if job["unknown"]
                     else "", f"adds {', '.join(job['target_labels'])}" if job["target_labels"] else ""]
            note = "; ".join(n for n in notes if n)
            lines.append(f"  {job['name']:<{width}}  {job['where']}" + (f"  ({note})" if note else ""))
        lines.extend(f"  (a job named elsewhere) {why}" for why in scrape["unstated"])
    return "\n".join(lines) + "\n"
