"""The oracle binaries themselves: every version pinned in scripts/oracles.txt (built by
scripts/oracles.sh) and Debian's is there, is the release it claims to be, and judges a trivial good and
bad input as promtool/amtool do. In CI a missing one fails: the set-up broke."""

from __future__ import annotations

import re
import subprocess

import pytest
from helpers import need
from oracles import DEBIAN, ORACLE_VERSIONS, ORACLES, find_oracle, read_pinned, reported_version

GOOD_RULES = """groups:
- name: g
  rules:
  - record: job:up:sum
    expr: sum by (job) (up)
  - alert: Down
    expr: up == 0
    for: 5m
"""
BAD_RULES = GOOD_RULES.replace("sum by (job) (up)", "sum by (job) (up")

GOOD_CONFIG = """route:
  receiver: team
  routes:
  - matchers: ['severity="page"']
    receiver: pager
receivers:
- name: team
- name: pager
"""
BAD_CONFIG = GOOD_CONFIG.replace("receiver: pager", "receiver: nobody")


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_pinned_module_versions_are_the_releases():
    """Prometheus 3.X.Y is the module v0.(300+X).Y and 2.X.Y is v0.X.Y; Alertmanager's are its own."""
    pinned = read_pinned()
    assert {project for project, *_ in pinned} == set(DEBIAN)
    for project, version, module, tools in pinned:
        major, minor, patch = (int(part) for part in version.split("."))
        if project == "prometheus":
            assert major in (2, 3), version
            expected = f"v0.{minor if major == 2 else 300 + minor}.{patch}"
        else:
            expected = f"v{version}"
        assert module == expected, (project, version)
        assert set(tools) <= set(DEBIAN[project][1]), tools


def test_find_oracle_resolves_prefixes_and_refuses_unknown_versions():
    promtools = ORACLE_VERSIONS["promtool"]
    assert list(promtools) == sorted(promtools, key=lambda v: tuple(map(int, v.split("."))))
    assert find_oracle("promtool", "2.42").source == "debian"
    assert find_oracle("alertmanager", "0.25").path.name == "prometheus-alertmanager"
    assert find_oracle("promtool").version == promtools[-1]
    newest_3 = max((v for v in promtools if v.startswith("3.")), key=lambda v: tuple(map(int, v.split("."))))
    assert find_oracle("promtool", "3").version == newest_3
    for version in promtools:
        assert find_oracle("promtool", version).version == version
    try:  # a prefix is of whole parts: "3.1" is never 3.16.0
        assert find_oracle("promtool", "3.1").version.startswith("3.1.")
    except KeyError:
        pass
    with pytest.raises(KeyError):
        find_oracle("promtool", "9.9")
    with pytest.raises(KeyError):
        find_oracle("prometheus")


@pytest.mark.oracle
@pytest.mark.parametrize("entry", ORACLES, ids=[f"{o.tool}-{o.version}" for o in ORACLES])
def test_oracle_is_there_and_reports_its_version(entry):
    if not entry.available:
        need(f"{entry.tool} {entry.version}", entry.hint())
    reported = reported_version(entry.path)
    assert reported is not None
    # Debian's promtool says 2.42.0+ds: its build suffix is not part of the release.
    assert re.sub(r"\+.*", "", reported) == entry.version


@pytest.mark.oracle
def test_each_promtool_accepts_good_rules_and_rejects_bad_ones(each_promtool, tmp_path):
    good, bad = tmp_path / "good.yml", tmp_path / "bad.yml"
    good.write_text(GOOD_RULES, encoding="utf-8")
    bad.write_text(BAD_RULES, encoding="utf-8")
    accepted = run(str(each_promtool.path), "check", "rules", str(good))
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert run(str(each_promtool.path), "check", "rules", str(bad)).returncode != 0


@pytest.mark.oracle
def test_each_amtool_accepts_a_good_config_and_rejects_a_bad_one(each_amtool, tmp_path):
    good, bad = tmp_path / "good.yml", tmp_path / "bad.yml"
    good.write_text(GOOD_CONFIG, encoding="utf-8")
    bad.write_text(BAD_CONFIG, encoding="utf-8")
    accepted = run(str(each_amtool.path), "check-config", str(good))
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert run(str(each_amtool.path), "check-config", str(bad)).returncode != 0


@pytest.mark.oracle
def test_oracle_fixture_gives_the_binary_of_a_version(oracle):
    assert oracle("amtool", "0.25") == DEBIAN["alertmanager"][1]["amtool"]
    for tool, versions in ORACLE_VERSIONS.items():
        assert re.sub(r"\+.*", "", reported_version(oracle(tool)) or "") == versions[-1]
        assert re.sub(r"\+.*", "", reported_version(oracle(tool, "oldest")) or "") == versions[0]
