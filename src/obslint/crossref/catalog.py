"""The metric catalog: which metrics exist, their type and labels, from a `metrics.yaml`

    metrics:
      - name: http_requests_total
        type: counter
        labels: [job, instance, method, status]

or from Prometheus exposition text (`/metrics` captures: `# TYPE` lines and samples). `job` and
`instance` are the target labels Prometheus adds to every scraped series, so they are always allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

TARGET_LABELS = frozenset({"job", "instance"})
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s")
_TYPE = re.compile(r"^#\s*TYPE\s+(\S+)\s+(\S+)")


@dataclass
class Metric:
    name: str
    type: str = "unknown"
    labels: set[str] = field(default_factory=set)


def load(path: Path) -> dict[str, Metric] | None:
    """The catalog at `path` (YAML, or exposition text for `.prom`/`.txt`); None when it does not exist."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".prom", ".txt"):
        return _exposition(text)
    import yaml

    data = yaml.safe_load(text) or {}
    metrics = {}
    for item in data.get("metrics", []) if isinstance(data, dict) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            metrics[item["name"]] = Metric(item["name"], str(item.get("type", "unknown")),
                                           {str(label) for label in item.get("labels") or []})
    return metrics


def _exposition(text: str) -> dict[str, Metric]:
    metrics: dict[str, Metric] = {}
    for line in text.splitlines():
        m = _TYPE.match(line)
        if m:
            metrics.setdefault(m.group(1), Metric(m.group(1))).type = m.group(2)
            continue
        m = _SAMPLE.match(line)
        if m and not line.startswith("#"):
            name = m.group(1)
            for suffix in ("_bucket", "_sum", "_count"):  # histogram and summary series of a TYPE'd family
                family = metrics.get(name[: -len(suffix)]) if name.endswith(suffix) else None
                if family is not None and family.type in ("histogram", "summary"):
                    metrics.setdefault(name, Metric(name, "counter"))
            metric = metrics.setdefault(name, Metric(name))
            metric.labels |= set(re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"", m.group(2) or ""))
    return metrics


def has_label(metric: Metric, label: str) -> bool:
    return label in metric.labels or label in TARGET_LABELS
