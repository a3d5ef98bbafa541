"""`obslint build`: what a cluster loads, from the repository's sources.

- every dashboard to `DIR/dashboards/<uid>.json` (byte-stable) and to a ConfigMap the Grafana sidecar
  of kube-prometheus-stack picks up: `DIR/configmaps/grafana-dashboard-<uid>.yaml`, one dashboard per
  ConfigMap, minified JSON under `<uid>.json` (its size: the dashboard-size check), the sidecar's
  label (`grafana_dashboard: "1"`) and the folder annotation (`grafana_folder`, configurable) when
  the dashboard has a folder;
- every rule file to a PrometheusRule at `DIR/rules/<name>.yaml`, named by the file's path under its
  rules folder (`rules/team-a/alerts.yaml` -> `team-a-alerts`), labelled so the Prometheus Operator
  selects it (`release: prometheus` by default);
- `DIR/.obslint-build.json`, the manifest: the files the build wrote.

Nothing is dropped: two inputs that would make the same output (or the same Kubernetes name) stop
the build with an error that names both. Inputs with errors build nothing. The whole output is staged
in a directory beside DIR and swapped in with two renames, so an interrupted build leaves the previous
output intact. obslint manages DIR whole, so it refuses a DIR that holds files it did not write (files
not in its manifest), and never deletes them. `drift` compares a fresh build with what is on disk
(the CI gate).
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
from obslint.core.findings import Finding, Severity

_INT_FIELDS = {"limit"}  # rule group fields the CRD types as integers


MANIFEST = ".obslint-build.json"


class BuildError(Exception):
    """The output directory cannot be written as asked (foreign files in it): nothing was written."""


@dataclass
class BuildResult:
    files: dict[str, bytes] = field(default_factory=dict)  # path under DIR -> content
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # why the inputs cannot be built as they are
    sources: dict[str, str] = field(default_factory=dict)  # path under DIR -> what it was built from

    @property
    def ok(self) -> bool:
        return not self.errors and not any(f.severity == Severity.ERROR for f in self.findings)

    def add(self, relative: str, data: bytes, source: str) -> None:
        """Add one output file; an output two sources would both make is an error, never an overwrite."""
        if relative in self.sources:
            self.errors.append(f"{source} and {self.sources[relative]} would both build {relative}; "
                               "rename one of them")
            return
        self.files[relative] = data
        self.sources[relative] = source


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


def _rule_name(path: Path, config: Config) -> str:
    """The PrometheusRule name of a rule file: its path under its rules folder (else under the
    project root), without the suffix."""
    resolved = path.resolve()
    for root in [*(config.root / r for r in config.paths.get("rules", [])), config.root]:
        try:
            return resolved.relative_to(root.resolve()).with_suffix("").as_posix()
        except ValueError:
            continue
    return path.stem


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
    from obslint.core.paths import display_path
    from obslint.engine.discover import discover
    from obslint.engine.lint import lint_dashboard_files, lint_paths, with_catalog_types

    result = BuildResult()
    config = with_catalog_types(config)  # a Gauge named `_total` is no counter when the catalog says so
    targets = discover([config.root], config, by_content=False)
    rule_paths = [t.path for t in targets if t.kind == "rules"]
    dashboard_paths = [t.path for t in targets if t.kind == "dashboards"]
    dashboards, findings = lint_dashboard_files(dashboard_paths, config)
    result.findings.extend(findings)
    result.findings.extend(lint_paths(rule_paths, config) if rule_paths else [])
    if not result.ok:
        return result
    for dashboard in dashboards:
        uid = dashboard.compiled.doc.get("uid")
        source = f"{dashboard.shown}:{dashboard.compiled.line_of('')}"
        if not isinstance(uid, str) or not uid:
            result.errors.append(f"{source}: the dashboard has no uid, which names its output; give it one")
            continue
        result.add(f"dashboards/{uid}.json", dashboard.compiled.to_json().encode("utf-8"), source)
        configmap = dashboard_configmap(uid, dashboard.compiled.doc, _folder(dashboard.path, config), config)
        result.add(f"configmaps/{k8s_name('grafana-dashboard-' + uid)}.yaml", configmap, source)
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
            name = _rule_name(path, config)
            name = name if len(documents) == 1 else f"{name}-{i + 1}"
            source = display_path(path, config.display_root) + (f" (document {i + 1})" if len(documents) > 1 else "")
            result.add(f"rules/{k8s_name(name)}.yaml", prometheus_rule(name, groups, config), source)
    if result.ok:
        result.files[MANIFEST] = manifest(result.files)
    return result


def manifest(files: dict[str, bytes]) -> bytes:
    """What `build` wrote: the list of its files under DIR (the manifest itself included)."""
    return (json.dumps({"generator": "obslint build", "files": sorted({*files, MANIFEST})}, indent=2) + "\n").encode()


def _owned(out: Path) -> set[str] | None:
    """The files under `out` an earlier build wrote, from its manifest; None without one."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
        if isinstance(files, list) and all(isinstance(f, str) for f in files):
            return set(files)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _on_disk(out: Path) -> set[str]:
    if not out.is_dir():
        return set()
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink()}


def foreign_files(result: BuildResult, out: Path) -> list[str]:
    """Files under `out` that obslint did not write: listed in no manifest of an earlier build (a
    directory without a manifest counts as obslint's when it holds only files this build writes)."""
    present = _on_disk(out)
    owned = _owned(out)
    if owned is None:
        owned = set(result.files)
    return sorted(present - owned - set(result.files) - {MANIFEST})


def write(result: BuildResult, out: Path) -> None:
    """Replace `out` with exactly the built files: staged beside it, then swapped in. BuildError, and
    nothing written, when `out` holds files obslint did not write."""
    from obslint.core.fileio import new_directory_mode

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out} is not a directory")
    foreign = foreign_files(result, out)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise BuildError(f"{out} holds files obslint build did not write ({shown}); obslint replaces the whole "
                         "directory, so move them elsewhere or build into another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    os.chmod(staging, new_directory_mode())  # mkdtemp makes it private; the output is the user's
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
    on_disk = _on_disk(out)
    lines = []
    for relative in sorted(set(result.files) | on_disk):
        if relative not in on_disk:
            lines.append(f"missing {out / relative}")
        elif relative not in result.files:
            lines.append(f"extra   {out / relative}")
        elif (out / relative).read_bytes() != result.files[relative]:
            lines.append(f"changed {out / relative}")
    return lines
