"""obslint's verdict on Prometheus configs against `promtool check config --syntax-only` of each target.

For each target (Debian's promtool 2.42, and 2.53, 3.0, 3.5 and 3.16 built into the oracle cache by
scripts/oracles.sh): every generated config (tests/promconfig_gen.py: the fields of every release, valid
and with the mistakes people make) gets the same accept/refuse verdict from obslint as from promtool, and so
does every config of Prometheus's own config/testdata of that release (read where `go mod download` put
it). Debian's promtool 2.42 is built without the Kubernetes, Consul,
Kuma, Nomad and Linode discovery (Debian's package leaves them out; upstream's 2.42 has them, and obslint
follows upstream): configs obslint accepts and Debian's build refuses for that alone are counted apart.
Figures are printed and written to test-artifacts/promconfig-versions.json.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
import yaml
from helpers import IN_CI, REPO, need
from oracles import find_oracle
from promconfig_oracles import TARGETS, config_testdata, obslint_verdict, promtool_config_verdicts, promtool_for

from obslint.promql import versions

pytestmark = pytest.mark.oracle

GENERATED = int(os.environ.get("OBSLINT_ORACLE_CONFIGS", "300"))
ARTIFACT = REPO / "test-artifacts" / "promconfig-versions.json"
# the service discovery Debian's promtool 2.42 is built without (`field kubernetes_sd_configs not found`)
DEBIAN_LEFT_OUT = {"kubernetes_sd_configs", "consul_sd_configs", "kuma_sd_configs", "nomad_sd_configs",
                   "linode_sd_configs"}


def record(name: str, figures: dict) -> None:
    print(f"\n{name}: {figures}")
    ARTIFACT.parent.mkdir(exist_ok=True)
    try:
        data = json.loads(ARTIFACT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data[name] = figures
    ARTIFACT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _id(value) -> str:
    return versions.fmt(value) if isinstance(value, tuple) else str(value)


def compare(target: tuple[int, int], paths: list[Path]) -> tuple[list, dict]:
    """Configs on which obslint's verdict differs from promtool's, and the figures (the configs Debian's
    build refuses only for the discovery it leaves out are not mismatches)."""
    oracle = find_oracle("promtool", "%d.%d" % target)
    start = time.monotonic()
    theirs = promtool_config_verdicts(promtool_for(target), paths)
    promtool_seconds = time.monotonic() - start
    start = time.monotonic()
    mismatches, accepted, debian = [], 0, 0
    for path in paths:
        ok, errors = obslint_verdict(path, target)
        their_ok, output = theirs[path]
        accepted += their_ok
        if ok and not their_ok and oracle.source == "debian" and _only_left_out_sd(output):
            debian += 1
        elif ok != their_ok:
            mismatches.append((path, ok, output.strip()[-300:], [f"{e.code} {e.message}" for e in errors][:2]))
    figures = {"agree": len(paths) - len(mismatches) - debian, "of": len(paths), "accepted by promtool": accepted,
               "promtool seconds": round(promtool_seconds, 2), "obslint seconds": round(time.monotonic() - start, 2)}
    if oracle.source == "debian":
        figures["refused by Debian's build for a discovery it leaves out"] = debian
    return mismatches, figures


_NOT_FOUND = re.compile(r"field (\w+) not found in type config\.ScrapeConfig")


def _only_left_out_sd(output: str) -> bool:
    """promtool's only complaints are discovery fields Debian's build lacks."""
    lines = [line.strip() for line in output.splitlines() if re.match(r"\s*line \d+: ", line)]
    fields = [_NOT_FOUND.search(line) for line in lines]
    return bool(lines) and all(f and f.group(1) in DEBIAN_LEFT_OUT for f in fields)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    import promconfig_gen

    root = tmp_path_factory.mktemp("promconfigs")
    paths = []
    for n, text in enumerate(promconfig_gen.batch(seed=16, count=GENERATED)):
        path = root / f"c{n:04d}" / "prometheus.yml"  # a directory each: promtool resolves paths from there
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize("target", TARGETS, ids=_id)
def test_generated_configs_get_promtools_verdict(target, generated):
    mismatches, figures = compare(target, generated)
    record(f"generated configs {_id(target)}", figures)
    assert 0 < figures["accepted by promtool"] < figures["of"]  # both verdicts are exercised
    assert mismatches == []


@pytest.mark.parametrize("target", TARGETS, ids=_id)
def test_prometheus_testdata_gets_promtools_verdict(target):
    folder = config_testdata(target)
    if folder is None:
        need(f"Prometheus {_id(target)}'s config/testdata",
             "go mod download github.com/prometheus/prometheus@<the target's module version>")
    paths = sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and _is_mapping(p))
    mismatches, figures = compare(target, paths)
    record(f"config testdata {_id(target)}", figures)
    assert mismatches == []


def _is_mapping(path: Path) -> bool:
    """A config file (config/testdata also holds files other tests read: targets lists, certificates...)."""
    try:
        return isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict) or path.name.endswith(".bad.yml")
    except (yaml.YAMLError, UnicodeDecodeError):
        return path.name.endswith(".bad.yml")


def test_every_oracle_is_there_in_ci():
    if not IN_CI:
        pytest.skip("only in CI")
    for target in TARGETS:
        assert promtool_for(target)


def test_a_project_lints_its_prometheus_yml(tmp_path):
    """`obslint check .` of a project lints its prometheus.yml (plain, in a ConfigMap, in Helm values:
    serverFiles and prometheusSpec.additionalScrapeConfigs) with the rules."""
    from obslint.config import Config
    from obslint.engine.lint import lint_paths

    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "a.yml").write_text("groups: []\n", encoding="utf-8")
    (tmp_path / "prometheus.yml").write_text("rule_files: [rules/*.yml, missing/*.yml]\n", encoding="utf-8")
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: prom}\ndata:\n  prometheus.yml: |\n"
        "    global:\n      scrape_interval: 1.5m\n", encoding="utf-8")
    (tmp_path / "values.yaml").write_text(
        "serverFiles:\n  prometheus.yml:\n    scrape_configs:\n    - job_name: z\n      scrape_interval: 1.5m\n"
        "prometheus:\n  prometheusSpec:\n    additionalScrapeConfigs:\n    - job_name: y\n"
        "      static_configs: [{targets: ['http://x:9100']}]\n", encoding="utf-8")
    found = {(Path(f.path).resolve().relative_to(tmp_path.resolve()).as_posix(), f.line, f.code)
             for f in lint_paths([tmp_path], Config(root=tmp_path))}
    assert found == {("prometheus.yml", 1, "C101"), ("k8s/cm.yaml", 7, "C003"), ("values.yaml", 5, "C003"),
                     ("values.yaml", 10, "C008")}, found
