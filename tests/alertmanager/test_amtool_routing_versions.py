"""obslint's routing equals `amtool config routes test` of each amtool oracle (Debian's 0.25 and the
pinned 0.27, 0.28, 0.35), in each matcher-parsing mode the version has (0.27+: the default fallback,
`--enable-feature=utf8-strict-mode`, `--enable-feature=classic-mode`).

Generated routing trees (tests/amconfigs.py `route`: depth <= 3, every matcher spelling, `match` and
`match_re`, `continue`, `group_by`, timers, route `labels`) first get amtool's verdict; for each tree
amtool loads, the receivers it resolves for each generated label set must be those obslint's router
resolves. Grouping and route labels, which `routes test` does not print, are compared with the real
Alertmanager server in test_e2e_alertmanager.py.

OBSLINT_AM_ROUTING_TREES (default 12) trees of OBSLINT_AM_ROUTING_LABELS (default 4) label sets per
version and mode; OBSLINT_AM_FIGURES=file appends the figures as JSON lines.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from amconfigs import FEATURES, MATCHER_NAMES, dump, modes, obslint_model, quoted, route, version_tuple
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracles import amtool_check_configs

from obslint.alertmanager import router

TREES = int(os.environ.get("OBSLINT_AM_ROUTING_TREES", "12"))
LABEL_SETS = int(os.environ.get("OBSLINT_AM_ROUTING_LABELS", "4"))
RECEIVERS = ["r0", "r1", "r2"]
# values that the generated matchers' values and regexes match, and some they do not
LABEL_VALUES = ["x", "y", "xy", "", "a b", "x,y", "é", "500", "5{3", "X", "q\"", "\\d", "12", "db"]

labels_st = st.dictionaries(st.sampled_from(MATCHER_NAMES[0]), st.sampled_from(LABEL_VALUES), max_size=3)


@st.composite
def tree(draw) -> dict:
    root = draw(route(RECEIVERS, [], 1, odds=24))
    root = {k: v for k, v in root.items() if k not in ("matchers", "match", "match_re", "continue")}
    root["receiver"] = "r0"
    root.setdefault("routes", [draw(route(RECEIVERS, [], 2, odds=24))])
    return {"route": root, "receivers": [{"name": n} for n in RECEIVERS]}


def amtool_receivers(amtool: Path, features: tuple[str, ...], path: Path, labels: dict[str, str]) -> str:
    flags = [f"--enable-feature={','.join(features)}"] if features else []
    args = [f"{k}={quoted(v)}" for k, v in labels.items()]
    proc = subprocess.run([str(amtool), *flags, "config", "routes", "test", f"--config.file={path}", *args],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, (labels, proc.stderr)
    return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""


def record(oracle, mode, n, agree, what) -> None:
    target = os.environ.get("OBSLINT_AM_FIGURES")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps({"version": oracle.version, "mode": f"{mode or 'default'} ({what})", "n": n,
                                  "agree": agree}) + "\n")


def compare(oracle, mode, docs: list[dict], label_sets: list[dict[str, str]], totals: dict) -> tuple[list, list]:
    """(verdicts that differ, receivers that differ) on `docs` for each label set; `totals` counts
    the label sets routed past the root."""
    version = version_tuple(oracle.version)
    features = FEATURES[mode]
    wrong_verdicts, wrong_routes, routed = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"t{i:03}.yml" for i in range(len(docs))]
        for path, doc in zip(paths, docs, strict=True):
            path.write_text(dump(doc), encoding="utf-8")
        said = amtool_check_configs(oracle.path, paths, features)
        for path in paths:
            model, errors = obslint_model(path, version, mode)
            valid, message = said[path]
            if valid != (not errors):
                wrong_verdicts.append((path.read_text(), message, errors[:2]))
            if not valid or errors:
                continue
            for labels in label_sets:
                routed += 1
                reached = router.match(model.root, labels)
                totals["past the root"] += reached != [model.root]
                ours = ",".join(r.receiver for r in reached)
                theirs = amtool_receivers(oracle.path, features, path, labels)
                if ours != theirs:
                    wrong_routes.append((path.read_text(), labels, ours, theirs))
    record(oracle, mode, routed, routed - len(wrong_routes), "routing")
    return wrong_verdicts, wrong_routes


def test_routing_equals_amtool_in_each_mode(each_amtool):
    version = version_tuple(each_amtool.version)
    totals = {"trees": 0, "past the root": 0}

    @settings(max_examples=max(1, TREES // 4), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(docs=st.lists(tree(), min_size=4, max_size=4),
           label_sets=st.lists(labels_st, min_size=LABEL_SETS, max_size=LABEL_SETS))
    def check(docs, label_sets):
        for mode in modes(version):
            wrong_verdicts, wrong_routes = compare(each_amtool, mode, docs, label_sets, totals)
            totals["trees"] += len(docs)
            assert not wrong_verdicts, f"mode {mode}: " + "\n".join(map(str, wrong_verdicts[:3]))
            assert not wrong_routes, f"mode {mode}: " + "\n".join(map(str, wrong_routes[:3]))

    check()
    assert totals["trees"] >= 4 and totals["past the root"] > 0, totals
