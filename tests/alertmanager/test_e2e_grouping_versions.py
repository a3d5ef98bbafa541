"""Grouping and route labels as the real Alertmanager server of each version does them (Debian's 0.25
and the pinned 0.27, 0.28, 0.35), on 127.0.0.1.

Generated routing trees (tests/amconfigs.py `route`, with every `group_by` spelling: inherited,
`[]` — which overrides the parent's only from 0.31 — `['...']`, label lists; and route `labels`,
0.34+) sit side by side under one root, each behind a `tree="<i>"` matcher; generated alerts are
posted through the v2 API, and the aggregation groups the server reports (`/api/v2/alerts/groups`:
receiver, group labels, route labels where the version has them, the alerts in each) must be those
obslint's router predicts. The trees are the ones the target version loads (its amtool agrees).

OBSLINT_AM_GROUPING_EXAMPLES (default 3) configs of OBSLINT_AM_GROUPING_TREES (default 10) trees and
OBSLINT_AM_GROUPING_ALERTS (default 6) alerts (each posted to every tree) per version;
OBSLINT_AM_FIGURES=file appends the figures (groups agreeing / groups) as JSON lines.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from amconfigs import MATCHER_NAMES, dump, obslint_model, route, served, start, version_tuple
from helpers import stop
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from oracles import amtool_check_configs, find_oracle

from obslint.alertmanager import router

EXAMPLES = int(os.environ.get("OBSLINT_AM_GROUPING_EXAMPLES", "3"))  # a server for each
TREES = int(os.environ.get("OBSLINT_AM_GROUPING_TREES", "10"))
ALERTS = int(os.environ.get("OBSLINT_AM_GROUPING_ALERTS", "6"))
RECEIVERS = ["r0", "r1", "r2"]
VALUES = ["x", "y", "xy", "a b", "x,y", "é", "500", "X", "12", "db"]
DEADLINE_S = 20


@st.composite
def subtree(draw, version: tuple[int, int]) -> dict:
    """A subtree root with a group_by most of the time, and children; route labels where the
    version has them."""
    top = draw(route(RECEIVERS, [], 2, odds=24))
    top.pop("continue", None)
    top["group_by"] = draw(st.sampled_from([None, [], ["..."], ["a"], ["a", "team"], ["severity"]]))
    if top["group_by"] is None:
        del top["group_by"]
    if draw(st.booleans()):
        top.setdefault("routes", []).append({"receiver": draw(st.sampled_from(RECEIVERS)), "group_by": draw(
            st.sampled_from([[], ["..."], ["team"]])), "matchers": ['a="x"']})
    top.pop("labels", None)
    if version >= (0, 34) and draw(st.integers(0, 2)) == 0:
        top["labels"] = draw(st.sampled_from([{"tier": "1"}, {"tier": "2", "owner": "ml"}]))
    return top


# always there, whatever is drawn: an empty group_by under a parent's, the wildcard, inheritance, and
# route labels merged down the tree
FIXED_TREES = [{"receiver": "r1", "group_by": ["a"], "routes": [
    {"receiver": "r2", "group_by": [], "matchers": ['team="x"']},
    {"receiver": "r1", "group_by": ["..."], "matchers": ['team="y"']},
    {"receiver": "r0", "matchers": ['severity="x"']}]}]
LABELLED_TREE = {"receiver": "r1", "labels": {"tier": "1", "owner": "sre"}, "group_by": ["team"], "routes": [
    {"receiver": "r2", "labels": {"owner": "ml"}, "matchers": ['a="x"'], "continue": True},
    {"receiver": "r0", "matchers": ['a=~"x|y"']}]}
FIXED_ALERTS = [{"a": "x", "team": "x"}, {"a": "y", "team": "y", "severity": "x"}, {"a": "x", "severity": "x"},
                {"a": "y", "team": "x"}]

alert_st = st.dictionaries(st.sampled_from(MATCHER_NAMES[0]), st.sampled_from(VALUES), min_size=1, max_size=3)


def loads(version: tuple[int, int], doc: dict) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "am.yml"
        path.write_text(dump(doc), encoding="utf-8")
        return not obslint_model(path, version)[1]


def combined(version: tuple[int, int], trees: list[dict]) -> dict:
    """One config: the trees the version loads (alone), each behind `tree="<i>"`."""
    root = {"receiver": "r0", "group_wait": "1h", "group_interval": "1h", "routes": []}
    receivers = [{"name": n} for n in RECEIVERS]
    for i, top in enumerate(trees):
        top = {**top, "matchers": [f'tree="{i}"', *top.get("matchers", [])]}
        top.pop("match", None), top.pop("match_re", None)
        if loads(version, {"route": {**root, "routes": [top]}, "receivers": receivers}):
            root["routes"].append(top)
    return {"route": root, "receivers": receivers}


def predicted(model, alerts: list[dict[str, str]], with_route_labels: bool) -> Counter:
    groups: dict[tuple, list] = {}
    for labels in alerts:
        for reached in router.match(model.root, labels):
            key = (id(reached), reached.receiver, tuple(sorted(router.group_labels(reached, labels).items())),
                   tuple(sorted(reached.labels.items())) if with_route_labels else ())
            groups.setdefault(key, []).append(tuple(sorted(labels.items())))
    return Counter((k[1], k[2], k[3], tuple(sorted(v))) for k, v in groups.items())


def record(oracle, n, agree) -> None:
    target = os.environ.get("OBSLINT_AM_FIGURES")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps({"version": oracle.version, "mode": "default (grouping, server)", "n": n,
                                  "agree": agree}) + "\n")


def test_groups_equal_the_real_alertmanager(each_alertmanager, tmp_path):
    version = version_tuple(each_alertmanager.version)
    with_route_labels = version >= (0, 35)  # the API reports routeLabels from 0.35 (route labels: 0.34)
    amtool = find_oracle("amtool", each_alertmanager.version)
    seen = {"groups": 0, "empty group_by overridden": 0}

    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(trees=st.lists(subtree(version), min_size=TREES, max_size=TREES),
           alerts=st.lists(alert_st, min_size=ALERTS, max_size=ALERTS))
    def check(trees, alerts):
        doc = combined(version, FIXED_TREES + ([LABELLED_TREE] if version >= (0, 34) else []) + trees)
        config = tmp_path / "am.yml"
        config.write_text(dump(doc), encoding="utf-8")
        assert amtool_check_configs(amtool.path, [config])[config][0], "amtool refuses what obslint loads"
        model, errors = obslint_model(config, version)
        assert not errors, errors
        unique = list({tuple(sorted(a.items())): a for a in FIXED_ALERTS + alerts}.values())  # one alert per label set
        posted = [{**labels, "tree": str(i)} for i in range(len(doc["route"]["routes"])) for labels in unique]
        expected = predicted(model, posted, with_route_labels)
        seen["groups"] += sum(expected.values())
        seen["empty group_by overridden"] += sum(1 for r in model.routes() if r.parent is not None and r.parent
                                                 .group_by and not r.group_by and not r.group_by_all)
        proc, base = start(each_alertmanager.path, config, Path(tempfile.mkdtemp(dir=tmp_path)))
        try:
            now = datetime.now(timezone.utc)
            body = json.dumps([{"labels": a, "startsAt": now.isoformat(),
                                "endsAt": (now + timedelta(hours=1)).isoformat()} for a in posted]).encode()
            request = urllib.request.Request(base + "/api/v2/alerts", body, {"Content-Type": "application/json"})
            assert urllib.request.urlopen(request, timeout=5).status == 200
            deadline = time.monotonic() + DEADLINE_S
            got = served(base, with_route_labels)
            while got != expected and time.monotonic() < deadline:
                time.sleep(0.3)
                got = served(base, with_route_labels)
        finally:
            stop(proc)
        agree = sum((got & expected).values())
        record(each_alertmanager, sum(expected.values()), agree)
        assert got == expected, (sorted(got - expected)[:4], sorted(expected - got)[:4], dump(doc))

    check()
    assert seen["groups"] >= TREES and seen["empty group_by overridden"] > 0 or version < (0, 31), seen
