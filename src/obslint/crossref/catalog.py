"""The metric catalog: which series exist, their type and labels, and where each is declared. Its sources:

- a hand-written `metrics.yaml` (the `catalog` setting):

      metrics:
        - name: http_requests_total
          type: counter
          labels: [job, instance, method, status]

- or Prometheus exposition text (`/metrics` captures, `.prom`: `# TYPE` lines and samples);
- the repository's instrumentation code: prometheus_client declarations, read statically
  (obslint.crossref.instrumentation), each series named as the client exposes it.

A hand-written list or a capture names every metric there is: the catalog is closed, and a series it
does not list is unknown. Declarations alone describe the repository's own metrics only: a series is
unknown when it looks like one of them (it shares their namespace, or it is a near miss of one), never
because a third-party exporter (kube-state-metrics, node exporter) exposes it.

`job` and `instance`, the target labels Prometheus adds to every scraped series, are always allowed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

TARGET_LABELS = frozenset({"job", "instance"})
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s")
_TYPE = re.compile(r"^#\s*TYPE\s+(\S+)\s+(\S+)")
CUMULATIVE_SUFFIXES = ("_bucket", "_count", "_sum")
# the series names prometheus_client derives from a family's name (a near miss of a declared name)
# the namespaces of well-known exporters and of the client's default collectors (process_, python_): a
# repository that declares a metric starting so does not own the namespace, so an undeclared series in it is
# taken for the exporter's, reported only as a near miss of a declared one
SHARED_NAMESPACES = frozenset({
    "node", "kube", "kubelet", "kubernetes", "kubeproxy", "apiserver", "etcd", "coredns", "container", "machine",
    "cadvisor", "process", "python", "go", "jvm", "prometheus", "alertmanager", "grafana", "up", "scrape",
    "promhttp", "probe", "http", "grpc", "nginx", "haproxy", "envoy", "istio", "redis", "mysql", "pg",
    "postgres", "mongodb", "rabbitmq", "kafka", "elasticsearch", "windows", "dcgm", "nvidia",
})
CLIENT_SUFFIXES = ("_total", "_created", "_bucket", "_count", "_sum", "_info", "_gcount", "_gsum")


@dataclass
class Metric:
    name: str
    type: str = "unknown"  # counter, gauge, histogram, summary, gaugehistogram, untyped, unknown
    labels: set[str] = field(default_factory=set)
    family: str = ""  # the family the series belongs to, as declared (`x` for `x_bucket`)
    open_labels: bool = False  # it may carry labels not listed (an Info's; label names not resolved)
    origins: list[str] = field(default_factory=list)  # where it is declared: "path:line", "metrics.yaml"
    declared_as: str = ""  # the prometheus_client class that declares it (Counter, Gauge, ...)


@dataclass
class Catalog:
    metrics: dict[str, Metric] = field(default_factory=dict)  # by series name
    families: dict[str, Metric] = field(default_factory=dict)  # declared families by their own name
    declarations: list = field(default_factory=list)  # obslint.crossref.instrumentation.Declaration
    closed: bool = False  # a hand-written list or a capture: every metric is listed
    prefixes: set[str] = field(default_factory=set)  # the namespaces of the repository's own metrics
    scrape: object = None  # obslint.crossref.scrape.ScrapeJobs of the project's Prometheus configs

    def get(self, name: str) -> Metric | None:
        return self.metrics.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self.metrics

    def __len__(self) -> int:
        return len(self.metrics)

    def add(self, metric: Metric) -> None:
        """Add a series; one declared twice keeps every label, and a type only if all agree."""
        known = self.metrics.get(metric.name)
        if known is None:
            self.metrics[metric.name] = metric
            return
        if known.type != metric.type:
            known.type = metric.type if known.type == "unknown" else (
                known.type if metric.type == "unknown" else "unknown")
        known.labels |= metric.labels
        known.open_labels = known.open_labels or metric.open_labels
        known.family = known.family or metric.family
        known.origins += [o for o in metric.origins if o not in known.origins]
        known.declared_as = known.declared_as or metric.declared_as

    def types(self) -> dict[str, str]:
        """"counter" or "gauge" for every series whose type the catalog knows, and "no-series" for the bare
        name of a declared family the client exposes under other names (`x` of a Counter exposed as
        `x_total`; the catalog's checks report it): what the name heuristics of the rule and dashboard
        checks defer to (obslint.promql.counters)."""
        found = {name: "no-series" for name in self.families if name not in self.metrics}
        for name, metric in self.metrics.items():
            if cumulative(metric):
                found[name] = "counter"
            elif gauge_like(metric):
                found[name] = "gauge"
        return found

    def in_scope(self, name: str) -> bool:
        """Whether a series not in the catalog is one it should have: always for a closed catalog, else when
        it is in the namespace of the repository's own metrics (and every declaration could be read)."""
        return self.closed or (prefix_of(name) in self.prefixes and not self.unresolved())

    def unresolved(self) -> list:
        return [d for d in self.declarations if d.unresolved]

    def near(self, name: str) -> str | None:
        """The catalog series `name` most likely means (a declared family's series, a typo), or None."""
        family = self.families.get(name)
        if family is not None:
            series = [n for n, m in self.metrics.items() if m.family == family.family and n != name]
            preferred = [s for s in series if s.endswith(("_total", "_bucket", "_info"))] or sorted(series)
            if preferred:
                return preferred[0]
        for suffix in CLIENT_SUFFIXES:
            if name + suffix in self.metrics:
                return name + suffix
        close = difflib.get_close_matches(name, list(self.metrics), n=1, cutoff=0.85)
        return close[0] if close else None


def cumulative(metric: Metric) -> bool:
    """A series that only grows (and resets): a counter, a histogram's buckets, count and sum, a summary's
    count and sum."""
    if metric.type == "counter":
        return True
    if metric.type == "histogram":
        return metric.name.endswith(CUMULATIVE_SUFFIXES)
    return metric.type == "summary" and metric.name.endswith(("_count", "_sum"))


def gauge_like(metric: Metric) -> bool:
    """A series whose value goes up and down (rate() over it is wrong)."""
    return metric.type in ("gauge", "gaugehistogram") or (metric.type == "summary" and not cumulative(metric))


def histogram_buckets(metric: Metric) -> bool:
    return metric.type in ("histogram", "gaugehistogram") and metric.name.endswith("_bucket")


def prefix_of(name: str) -> str:
    """The namespace a metric name starts with: its first `_`-separated word."""
    return name.split("_", 1)[0] if "_" in name.strip("_") else ""


def has_label(metric: Metric, label: str) -> bool:
    return label in metric.labels or label in TARGET_LABELS or metric.open_labels


def near_label(label: str, known: set[str]) -> str | None:
    """The known label `label` most likely means: a typo, or one that starts or ends the other."""
    for candidate in sorted(known):
        if label.startswith(candidate + "_") or candidate.startswith(label + "_") or \
                label.endswith("_" + candidate) or candidate.endswith("_" + label):
            return candidate
    close = difflib.get_close_matches(label, sorted(known), n=1, cutoff=0.75)
    return close[0] if close else None


# --- sources ------------------------------------------------------------------------------------------


def load(path: Path) -> dict[str, Metric] | None:
    """The catalog at `path` (YAML, or exposition text for `.prom`/`.txt`); None when it does not exist."""
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".prom", ".txt"):
        return _exposition(text, path.name)
    import yaml

    data = yaml.safe_load(text) or {}
    metrics = {}
    for item in data.get("metrics", []) if isinstance(data, dict) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            metrics[item["name"]] = Metric(item["name"], str(item.get("type", "unknown")),
                                           {str(label) for label in item.get("labels") or []},
                                           origins=[path.name])
    return metrics


def _exposition(text: str, origin: str = "") -> dict[str, Metric]:
    metrics: dict[str, Metric] = {}
    families: dict[str, str] = {}
    for line in text.splitlines():
        m = _TYPE.match(line)
        if m:
            families[m.group(1)] = m.group(2)
            metrics.setdefault(m.group(1), Metric(m.group(1), origins=[origin])).type = m.group(2)
            continue
        m = _SAMPLE.match(line)
        if m and not line.startswith("#"):
            name = m.group(1)
            for suffix in CUMULATIVE_SUFFIXES:  # histogram and summary series of a TYPE'd family
                family = name[: -len(suffix)] if name.endswith(suffix) else None
                if family is not None and families.get(family) in ("histogram", "summary"):
                    metrics.setdefault(name, Metric(name, families[family], family=family, origins=[origin]))
            metric = metrics.setdefault(name, Metric(name, origins=[origin]))
            metric.labels |= set(re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"", m.group(2) or ""))
    return metrics


def build(listed: dict[str, Metric] | None, declarations: list, shown=str) -> Catalog:
    """The catalog of a hand-written list or capture (when there is one) and the declarations found in the
    repository's code (`shown` turns a declaration's path into the path a finding shows)."""
    catalog = Catalog(closed=listed is not None, declarations=declarations)
    for metric in (listed or {}).values():
        catalog.add(metric)
    for declaration in declarations:
        family = declaration.family
        if family is None:
            continue
        origin = f"{shown(declaration.path)}:{declaration.line}"
        for i, (_, kind, series) in enumerate(family.exposed()):
            for name, labels in series.items():
                if i > 0:
                    series_type = "gauge"  # `_created`, and a gauge histogram's `_gcount` and `_gsum`
                elif family.type == "gaugehistogram":
                    series_type = "gaugehistogram"
                else:
                    series_type = kind
                catalog.add(Metric(name, series_type, set(labels), family.name, family.open_labels, [origin],
                                   declaration.cls))
        known = catalog.families.setdefault(family.name, Metric(family.name, family.type, family=family.name,
                                                                declared_as=declaration.cls))
        known.labels |= set(family.labelnames)
        known.open_labels = known.open_labels or family.open_labels
        known.origins.append(origin)
        prefix = prefix_of(family.name)
        if prefix and prefix not in SHARED_NAMESPACES:
            catalog.prefixes.add(prefix)
    return catalog
