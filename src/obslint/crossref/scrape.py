"""Scrape jobs, from the Prometheus configs a repository holds: the `job` label values their series get,
and the target labels they add.

`jobs_of` reads one already-parsed YAML document (plain data, or an obslint.yamlload node for positions):
- a prometheus.yml (`scrape_configs`), or a bare list of scrape configs (a Prometheus Operator
  `additionalScrapeConfigs` Secret key);
- a ConfigMap or Secret holding one (`data`/`stringData` values, as YAML text; a Secret's `data` as base64);
- Helm values: kube-prometheus-stack's `prometheus.prometheusSpec.additionalScrapeConfigs` (or
  `prometheusSpec.additionalScrapeConfigs`, or top-level `additionalScrapeConfigs`), the prometheus
  chart's `serverFiles."prometheus.yml"` and `extraScrapeConfigs` (YAML text);
- Prometheus Operator resources (ServiceMonitor, PodMonitor, Probe, ScrapeConfig) and the chart's own
  ServiceMonitors: jobs that exist but whose names the repository does not state (unknown).

A job's series have `job="<job_name>"`, or a value a static target group sets (`labels: {job: ...}`,
which Prometheus prefers to the job name), or a constant a `replace` relabelling writes into `job`. Its
`job` is unknown (the value is not stated) when a relabelling may write `job` from another label
(`$1`, labelmap, lowercase, hashmod, or a templated target label), with `honor_labels: true` (the scraped
series keep their own `job`: a Pushgateway, federation), or when file or HTTP service discovery gives
its targets (their target groups may set any label). Only known jobs make a config complete.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

TARGET_LABELS = frozenset({"job", "instance"})
OPERATOR_KINDS = ("ServiceMonitor", "PodMonitor", "Probe", "ScrapeConfig")
_TEMPLATED = re.compile(r"\$")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


@dataclass(frozen=True)
class ScrapeJob:
    name: str  # job_name
    values: frozenset[str]  # the `job` values its series may have
    unknown: str = ""  # why its series may have another `job` (empty: they have one of `values`)
    labels: frozenset[str] = frozenset()  # target labels it adds besides job and instance
    open_labels: bool = False  # a relabelling may add labels not listed (labelmap, templated target labels)
    where: str = ""  # file:line of its job_name


@dataclass
class ScrapeJobs:
    jobs: list[ScrapeJob] = field(default_factory=list)
    unstated: list[str] = field(default_factory=list)  # jobs that exist but are not named here: why, where

    def merge(self, other: ScrapeJobs) -> ScrapeJobs:
        return ScrapeJobs(self.jobs + other.jobs, self.unstated + other.unstated)

    @property
    def known(self) -> bool:
        """Whether any scrape config was found."""
        return bool(self.jobs or self.unstated)

    @property
    def complete(self) -> bool:
        """Every job is named here and relabelling rewrites none: a `job` value outside `values()` is no job."""
        return self.known and not self.unstated and not any(job.unknown for job in self.jobs)

    def values(self) -> set[str]:
        return {value for job in self.jobs for value in job.values}

    def target_labels(self) -> tuple[set[str], bool]:
        """(the labels the jobs may add to every series, whether they may add others too)."""
        labels = set(TARGET_LABELS)
        for job in self.jobs:
            labels |= job.labels
        return labels, any(job.open_labels for job in self.jobs) or bool(self.unstated)


def jobs_of(document, where: str = "") -> ScrapeJobs:
    """The scrape jobs one parsed YAML document declares (none when it holds no Prometheus config)."""
    node = document
    data = _plain(document)
    found = ScrapeJobs()
    if isinstance(data, list):
        if data and all(isinstance(item, dict) and "job_name" in item for item in data):
            return _configs(data, node, where)
        return found
    if not isinstance(data, dict):
        return found
    kind = data.get("kind")
    if kind in OPERATOR_KINDS:
        name = (data.get("metadata") or {}).get("name", "") if isinstance(data.get("metadata"), dict) else ""
        found.unstated.append(f"the {kind} `{name}` ({where}): its job is named by the cluster (the "
                              "Service, or its `jobLabel`)")
        return found
    if kind in ("ConfigMap", "Secret"):
        for section in ("data", "stringData"):
            values = data.get(section)
            if isinstance(values, dict):
                for key, text in values.items():
                    if isinstance(text, str) and str(key).endswith((".yml", ".yaml")):
                        if kind == "Secret" and section == "data":
                            text = _base64(text)
                        found = found.merge(_embedded(text, f"{where} ({section}.{key})"))
        return found
    if isinstance(data.get("scrape_configs"), list):
        found = found.merge(_configs(data["scrape_configs"], _child(node, "scrape_configs"), where))
    prometheus = data.get("prometheus") if isinstance(data.get("prometheus"), dict) else {}
    for holder, path in ((prometheus.get("prometheusSpec"), ("prometheus", "prometheusSpec")),
                         (data.get("prometheusSpec"), ("prometheusSpec",)), (data, ())):
        if isinstance(holder, dict) and "additionalScrapeConfigs" in holder:
            extra = holder["additionalScrapeConfigs"]
            extra_node = _child(node, *path, "additionalScrapeConfigs")
            if isinstance(extra, str):
                found = found.merge(_embedded(extra, where))
            elif isinstance(extra, list):
                found = found.merge(_configs(extra, extra_node, where))
    if isinstance(prometheus.get("prometheusSpec"), dict):
        found.unstated.append(f"kube-prometheus-stack ({where}) also scrapes through ServiceMonitors and "
                              "PodMonitors, whose jobs the cluster names")
    server_files = data.get("serverFiles")
    if isinstance(server_files, dict):
        for key in ("prometheus.yml", "prometheus.yaml"):
            inner = server_files.get(key)
            if isinstance(inner, dict) and isinstance(inner.get("scrape_configs"), list):
                found = found.merge(_configs(inner["scrape_configs"], _child(node, "serverFiles", key,
                                                                               "scrape_configs"), where))
    if isinstance(data.get("extraScrapeConfigs"), str):
        found = found.merge(_embedded(data["extraScrapeConfigs"], where))
    return found


def _configs(configs: list, node, where: str) -> ScrapeJobs:
    found = ScrapeJobs()
    items = getattr(node, "items", None) or [None] * len(configs)
    for config, item in zip(configs, items, strict=False):
        if not isinstance(config, dict) or not isinstance(config.get("job_name"), str):
            continue
        line = getattr(item, "line", None)
        found.jobs.append(_job(config, f"{where}:{line}" if line and where else where))
    return found


def _job(config: dict, where: str) -> ScrapeJob:
    name = config["job_name"]
    values = {name}
    reasons = []
    labels: set[str] = set()
    open_labels = False
    if _true(config.get("honor_labels")):
        reasons.append("honor_labels keeps the scraped series' own `job`")
    for sd in ("file_sd_configs", "http_sd_configs"):
        if config.get(sd):
            reasons.append(f"its targets come from {sd}, whose target groups may set `job`")
    for static in config.get("static_configs") or []:
        target_labels = static.get("labels") if isinstance(static, dict) else None
        if isinstance(target_labels, dict):
            for label, value in target_labels.items():
                if label == "job" and isinstance(value, str):
                    values.add(value)
                elif label not in TARGET_LABELS and not str(label).startswith("__"):
                    labels.add(str(label))
    for section in ("relabel_configs", "metric_relabel_configs"):
        for rule in config.get(section) or []:
            if not isinstance(rule, dict):
                continue
            action = str(rule.get("action") or "replace").lower()
            target = rule.get("target_label")
            if action == "labelmap":
                open_labels = True
                reasons.append(f"a labelmap in {section} may write `job`")
            elif action in ("replace", "lowercase", "uppercase", "hashmod") and isinstance(target, str):
                if _TEMPLATED.search(target) or not _LABEL_NAME.fullmatch(target):
                    open_labels = True
                    reasons.append(f"{section} writes a label named by a template (`{target}`)")
                elif target == "job":
                    replacement = rule.get("replacement", "$1") if action == "replace" else "$1"
                    if isinstance(replacement, str) and not _TEMPLATED.search(replacement):
                        values.add(replacement)
                    else:
                        reasons.append(f"{section} writes `job` from other labels")
                elif not target.startswith("__") and target not in TARGET_LABELS:
                    labels.add(target)
    return ScrapeJob(name, frozenset(values), "; ".join(reasons), frozenset(labels), open_labels, where)


def _embedded(text: str, where: str) -> ScrapeJobs:
    """The jobs of a Prometheus config (or list of scrape configs) held as YAML text."""
    from obslint import yamlload

    if "{{" in text:  # a Helm template: the text is not the YAML Prometheus reads
        return ScrapeJobs(unstated=[f"a templated scrape config ({where})"]) if "job_name" in text else ScrapeJobs()
    try:
        documents = yamlload.load_documents(text)
    except yamlload.YamlError:
        return ScrapeJobs()
    found = ScrapeJobs()
    for document in documents:
        if document.root is not None:
            found = found.merge(jobs_of(yamlload.to_python(document.root), where))
    return found


def _base64(text: str) -> str:
    try:
        return base64.b64decode(text, validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""


def _plain(document):
    """Plain data from a yamlload node (strings for scalars), or the data itself."""
    if hasattr(document, "line") and hasattr(document, "tag"):
        from obslint.yamlload import to_python

        return to_python(document)
    return document


def _child(node, *keys):
    """The yamlload node under `keys`, or None (for plain data)."""
    for key in keys:
        getter = getattr(node, "get", None)
        if getter is None or not hasattr(node, "line"):
            return None
        node = getter(key)
    return node


def _true(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")
