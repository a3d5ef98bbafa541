"""`obslint build`: what a cluster loads, from the repository's sources.

- every dashboard to `DIR/dashboards/<uid>.json` (byte-stable) and to a ConfigMap the Grafana sidecar
  of kube-prometheus-stack picks up: `DIR/configmaps/grafana-dashboard-<uid>.yaml`, one dashboard per
  ConfigMap, minified JSON under `<uid>.json` (its size: the dashboard-size check), the sidecar's
  label (`grafana_dashboard: "1"`) and the folder annotation (`grafana_folder`, configurable) when
  the dashboard has a folder;
- every rule file to a PrometheusRule at `DIR/rules/<name>.yaml`, labelled so the Prometheus
  Operator selects it (`release: prometheus` by default).

Inputs with errors build nothing. The whole output is staged in a directory beside DIR and swapped in
with two renames, so an interrupted build leaves the previous output intact. `check_drift` compares
a fresh build with what is on disk (the CI gate).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from obslint.config import Config
from obslint.findings import Finding, Severity

_INT_FIELDS = {"limit"}  # rule group fields the CRD types as integers


@dataclass
class BuildResult:
    files: dict[str, bytes] = field(default_factory=dict)  # path under DIR -> content
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.severity == Severity.ERROR for f in self.findings)


def k8s_name(text: str) -> str:
    """A DNS-1123 name (lowercase letters, digits, `-`), at most 63 characters."""
    name = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return name[:63].rstrip("-") or "unnamed"


def _yaml(document: dict) -> bytes:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1 << 30).encode("utf-8")


def dashboard_configmap(uid: str, doc: dict, folder: str, config: Config) -> bytes:
    metadata: dict = {"name": k8s_name(f"grafana-dashboard-{uid}"), "labels": dict(config.dashboard_labels)}
    if folder:
        metadata["annotations"] = {config.folder_annotation: folder}
    minified = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return _yaml({"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": {f"{uid}.json": minified}})


def prometheus_rule(name: str, groups: list, config: Config) -> bytes:
    for group in groups:
        if isinstance(group, dict):
            for key in _INT_FIELDS & set(group):
                try:
                    group[key] = int(group[key])
                except (TypeError, ValueError):
                    pass
    return _yaml({"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
                  "metadata": {"name": k8s_name(name), "labels": dict(config.rule_labels)},
                  "spec": {"groups": groups}})


def _folder(path: Path, config: Config) -> str:
    for root in config.paths.get("dashboards", []):
        base = (config.root / root).resolve()
        try:
            parts = path.resolve().relative_to(base).parts
        except ValueError:
            continue
        if len(parts) > 1:
            return parts[0]
    return config.default_folder


def build(config: Config) -> BuildResult:
    """Everything the build writes, in memory, with the findings of its inputs."""
    from obslint import yamlload
    from obslint.dashboards.lint import lint_dashboard_files
    from obslint.lint import display_path, lint_paths
    from obslint.project import discover

    result = BuildResult()
    targets = discover([config.root], config)
    rule_paths = [t.path for t in targets if t.kind == "rules"]
    dashboard_paths = [t.path for t in targets if t.kind == "dashboards"]
    dashboards, findings = lint_dashboard_files([(p, display_path(p)) for p in dashboard_paths], config)
    result.findings.extend(findings)
    result.findings.extend(lint_paths(rule_paths, config) if rule_paths else [])
    if not result.ok:
        return result
    for dashboard in dashboards:
        uid = dashboard.compiled.doc.get("uid")
        result.files[f"dashboards/{uid}.json"] = dashboard.compiled.to_json().encode("utf-8")
        configmap = dashboard_configmap(uid, dashboard.compiled.doc, _folder(dashboard.path, config), config)
        result.files[f"configmaps/{k8s_name('grafana-dashboard-' + uid)}.yaml"] = configmap
    for path in rule_paths:
        documents = yamlload.load_documents(yamlload.read_file(path, config.max_file_size), config.max_yaml_nodes)
        for i, document in enumerate(documents):
            data = yamlload.to_python(document.root)
            if not isinstance(data, dict):
                continue
            if data.get("kind") == "PrometheusRule":
                groups = (data.get("spec") or {}).get("groups") or []
            else:
                groups = data.get("groups") or []
            name = path.stem if len(documents) == 1 else f"{path.stem}-{i + 1}"
            result.files[f"rules/{k8s_name(name)}.yaml"] = prometheus_rule(name, groups, config)
    return result


def write(result: BuildResult, out: Path) -> None:
    """Replace `out` with exactly the built files: staged beside it, then swapped in."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for relative, data in sorted(result.files.items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rmdir(old)
            os.rename(out, old)
        try:
            os.rename(staging, out)
        except BaseException:
            if old is not None:
                os.rename(old, out)  # put the previous output back
            raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def drift(result: BuildResult, out: Path) -> list[str]:
    """How the files under `out` differ from a fresh build: `changed`, `missing` and `extra` lines."""
    out = Path(out)
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} if out.is_dir() else set()
    lines = []
    for relative in sorted(set(result.files) | on_disk):
        if relative not in on_disk:
            lines.append(f"missing {out / relative}")
        elif relative not in result.files:
            lines.append(f"extra   {out / relative}")
        elif (out / relative).read_bytes() != result.files[relative]:
            lines.append(f"changed {out / relative}")
    return lines
