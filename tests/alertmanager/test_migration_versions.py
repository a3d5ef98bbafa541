"""The Alertmanager migration checks proved against two real releases: what a check flags is read
differently by the oldest and the newest oracle, and what it does not flag (its fix) alike.

- A118 matcher-parser-disagreement: amtool 0.25 (the classic parser) and amtool 0.35 in
  utf8-strict mode, on every matcher spelling of tests/amconfigs.py: flagged at target 0.25 exactly
  when the two give a different verdict or a different routing tree (`amtool config routes show`
  prints the matchers each read);
- A120 empty-group-by-changes-meaning: the real Alertmanager servers 0.28 and 0.35 group the bad
  example's alerts differently, the good example's alike;
- A107 deprecated-match and A119 deprecated-mute-time-intervals: the config and its fix get the same
  verdict and the same routing tree from amtool 0.25 and 0.35 (the rename keeps the meaning).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from amconfigs import MATCHER_SPELLINGS, MINIMAL, _with, dump, served, start
from helpers import need, stop
from oracles import amtool_check_configs, find_oracle

from obslint.checks.am_lint import DeprecatedMatch, DeprecatedMuteTimeIntervals, EmptyGroupByChangesMeaning
from obslint.checks.base import examples
from obslint.config import Config
from obslint.engine.lint import lint_paths


def _oracle(tool: str, version: str):
    found = find_oracle(tool, version)
    if not found.available:
        need(f"{tool} {found.version}", found.hint())
    return found


def codes(path: Path, version: tuple[int, int]) -> set[str]:
    return {f.code for f in lint_paths([path], Config(root=path.parent, alertmanager_version=version))}


def reading(amtool, features: tuple[str, ...], path: Path) -> tuple[bool, str]:
    """(amtool's verdict, the routing tree it prints: the matchers as it read them)."""
    valid = amtool_check_configs(amtool.path, [path], features)[path][0]
    if not valid:
        return False, ""
    flags = [f"--enable-feature={','.join(features)}"] if features else []
    proc = subprocess.run([str(amtool.path), *flags, "config", "routes", "show", f"--config.file={path}"],
                          capture_output=True, text=True, timeout=30)
    return True, proc.stdout[proc.stdout.index("Routing tree:"):]  # after the feature flags' log lines


def test_a118_flags_exactly_what_amtool_025_and_035_strict_read_differently(tmp_path):
    old, new = _oracle("amtool", "0.25"), _oracle("amtool", "newest")
    compared, differing, wrong = 0, 0, []
    for i, text in enumerate(MATCHER_SPELLINGS + ['service=model server', "x=~\\d+", 'a="\\d"']):
        path = tmp_path / "alertmanager" / f"m{i}.yml"
        path.parent.mkdir(exist_ok=True)
        tree = {"receiver": "r", "routes": [{"receiver": "r", "matchers": [text]}]}
        path.write_text(dump(_with(MINIMAL, route=tree)), encoding="utf-8")
        before = reading(old, (), path)
        if not before[0]:
            continue  # 0.25 refuses it: nothing to migrate
        after = reading(new, ("utf8-strict-mode",), path)
        compared += 1
        differing += before != after
        flagged = "A118" in codes(path, (0, 25))
        if flagged != (before != after):
            wrong.append((text, flagged, before, after))
    assert not wrong, wrong
    print(f"A118: {compared} spellings 0.25 loads, {differing} read differently by 0.35 strict, all flagged")
    assert compared >= 15 and differing >= 3, (compared, differing)


def _example_file(tmp_path: Path, check, good: bool) -> Path:
    [example] = [e for e in examples(check) if e.good == good]
    path = tmp_path / "alertmanager" / f"{check.code}-{'good' if good else 'bad'}.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(example.text, encoding="utf-8")
    return path


def _groups(server, path: Path, alerts: list[dict[str, str]], tmp_path: Path):
    proc, base = start(server.path, path, Path(tempfile.mkdtemp(dir=tmp_path)))
    try:
        now = datetime.now(timezone.utc)
        body = json.dumps([{"labels": a, "startsAt": now.isoformat(),
                            "endsAt": (now + timedelta(hours=1)).isoformat()} for a in alerts]).encode()
        request = urllib.request.Request(base + "/api/v2/alerts", body, {"Content-Type": "application/json"})
        assert urllib.request.urlopen(request, timeout=5).status == 200
        deadline, got = time.monotonic() + 10, served(base, False)
        while sum(len(g[3]) for g in got) < len(alerts) and time.monotonic() < deadline:
            time.sleep(0.2)
            got = served(base, False)
        return got
    finally:
        stop(proc)


def test_a120_bad_example_groups_differently_on_alertmanager_028_and_035(tmp_path):
    old, new = _oracle("alertmanager", "0.28"), _oracle("alertmanager", "newest")
    alerts = [{"alertname": a, "cluster": c, "team": "ml"} for a in ("A", "B") for c in ("eu", "us")]
    for good in (False, True):
        path = _example_file(tmp_path, EmptyGroupByChangesMeaning, good)
        before, after = _groups(old, path, alerts, tmp_path), _groups(new, path, alerts, tmp_path)
        assert sum(before.values()) >= 1 and sum(after.values()) >= 1
        assert (before == after) == good, (good, before, after)
        for version in ((0, 28), (0, 35)):
            assert ("A120" in codes(path, version)) == (not good)


@pytest.mark.parametrize("check", [DeprecatedMatch, DeprecatedMuteTimeIntervals], ids=lambda c: c.code)
def test_deprecated_names_and_their_fix_read_alike_by_amtool_025_and_035(check, tmp_path):
    old, new = _oracle("amtool", "0.25"), _oracle("amtool", "newest")
    bad, good = _example_file(tmp_path, check, False), _example_file(tmp_path, check, True)
    assert check.code in codes(bad, (0, 35)) and check.code not in codes(good, (0, 35))
    for amtool in (old, new):
        assert reading(amtool, (), bad) == reading(amtool, (), good)
        assert reading(amtool, (), bad)[0]
