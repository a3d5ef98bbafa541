"""obslint's router and config validation against the real amtool 0.25 (Debian's prometheus-alertmanager).

Hypothesis builds routing trees (depth <= 4; =, !=, =~, !~; continue; match/match_re; quoting edge
cases) and label sets; obslint's receivers line must equal `amtool config routes test`'s on every case.
Generated invalid configs must get the same valid/invalid verdict from obslint and `amtool check-config`.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obslint import yamlload
from obslint.alertmanager import router
from obslint.checks import amtool as amtool_checks
from obslint.config import Config
from obslint.core.collector import Collector
from obslint.core.findings import Severity

AM_025 = Config(alertmanager_version=(0, 25))
NAMES = ["a", "b", "severity", "team"]
VALUES = ["x", "y", "xy", "5{3", "500", "a b", "x,y", 'q"', "\\d", "é", ""]
REGEXES = ["x|y", ".*", ".+", "x.*", "[0-9]{3}", "(x|y)z?", "\\d+", "\\w+", "é|x", "[[:alpha:]]+"]
SETTINGS = settings(max_examples=int(__import__("os").environ.get("OBSLINT_DIFF_EXAMPLES", "60")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@st.composite
def matcher_entry(draw) -> str:
    """One `matchers:` string of one or two matchers, in the spellings users write."""
    parts = []
    for _ in range(draw(st.integers(1, 2))):
        name = draw(st.sampled_from(NAMES))
        op = draw(st.sampled_from(["=", "!=", "=~", "!~"]))
        value = draw(st.sampled_from(REGEXES if "~" in op else VALUES))
        style = draw(st.sampled_from(["quoted", "plain", "spaced"]))
        if style == "plain" and all(c not in value for c in ',"{} ') and value:
            parts.append(f"{name}{op}{value}")
        elif style == "spaced":
            parts.append(f"{name} {op} {quoted(value)}")
        else:
            parts.append(f"{name}{op}{quoted(value)}")
    text = ",".join(parts)
    return "{" + text + "}" if draw(st.booleans()) else text


@st.composite
def route(draw, depth: int) -> dict:
    r: dict = {"receiver": draw(st.sampled_from(["r1", "r2", "r3"]))}
    kind = draw(st.sampled_from(["matchers", "matchers", "match", "match_re", "none", "both"]))
    if kind in ("matchers", "both"):
        r["matchers"] = draw(st.lists(matcher_entry(), min_size=1, max_size=2))
    if kind in ("match", "both"):
        r["match"] = {draw(st.sampled_from(NAMES)): draw(st.sampled_from(VALUES))}
    if kind == "match_re":
        r["match_re"] = {draw(st.sampled_from(NAMES)): draw(st.sampled_from(REGEXES))}
    if draw(st.booleans()):
        r["continue"] = True
    if depth < 4 and draw(st.integers(0, 3)) == 0:
        r["routes"] = draw(st.lists(route(depth + 1), min_size=1, max_size=3))
    return r


def config_yaml(routes: list[dict]) -> str:
    doc = {"route": {"receiver": "root", "routes": routes},
           "receivers": [{"name": n} for n in ("root", "r1", "r2", "r3")]}
    return json.dumps(doc, ensure_ascii=False, indent=1)  # JSON is YAML


labels_st = st.dictionaries(st.sampled_from(NAMES), st.sampled_from(VALUES), max_size=4)


def obslint_model(path: Path, config: Config = AM_025):
    collector = Collector(str(path), config)
    text = path.read_text(encoding="utf-8")
    roots = [d.root for d in yamlload.load_documents(text, 1_000_000)]
    model = amtool_checks.load(roots, config, collector)
    errors = [f for f in collector.findings if f.severity == Severity.ERROR]
    return model, errors


def amtool_line(amtool: str, path: Path, labels: dict[str, str]) -> str:
    args = [f"{k}={quoted(v)}" for k, v in labels.items()]
    proc = subprocess.run([amtool, "config", "routes", "test", f"--config.file={path}", *args],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""


def amtool_valid(amtool: str, path: Path) -> tuple[bool, str]:
    proc = subprocess.run([amtool, "check-config", str(path)], capture_output=True, text=True, timeout=30)
    return proc.returncode == 0, proc.stdout + proc.stderr


@SETTINGS
@given(routes=st.lists(route(1), min_size=1, max_size=4), label_sets=st.lists(labels_st, min_size=1, max_size=3))
def test_receivers_equal_amtool(amtool, routes, label_sets):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "am.yml"
        path.write_text(config_yaml(routes), encoding="utf-8")
        model, errors = obslint_model(path)
        valid, output = amtool_valid(amtool, path)
        assert (not errors) == valid, (output, [e.message for e in errors])
        if not valid:
            return
        for labels in label_sets:
            ours = ",".join(r.receiver for r in router.match(model.root, labels))
            assert ours == amtool_line(amtool, path, labels), (labels, path.read_text())


# --- invalid configs: the same verdict --------------------------------------------------------------

VALID_BASE = {"route": {"receiver": "root", "group_by": ["alertname"], "routes": [
    {"receiver": "r1", "matchers": ['team="ml"'], "group_wait": "30s"}]},
    "receivers": [{"name": "root"}, {"name": "r1", "webhook_configs": [{"url": "http://127.0.0.1:1/hook"}]}],
    "inhibit_rules": [{"source_matchers": ['severity="critical"'], "target_matchers": ['severity="warning"'],
                       "equal": ["alertname"]}],
    "time_intervals": [{"name": "nights", "time_intervals": [{"times": [{"start_time": "00:00",
                                                                         "end_time": "06:00"}]}]}]}

MUTATIONS = [
    ("route.routes.0.receiver", "nobody"), ("route.routes.0.group_wait", "1.5m"),
    ("route.routes.0.group_interval", "0s"), ("route.routes.0.repeat_interval", "0"),
    ("route.routes.0.group_wait", "0"), ("route.routes.0.matchers", ['team="ml']),
    ("route.routes.0.matchers", ["team=~(?!x)"]), ("route.routes.0.matchers", ["team=~x{1001}"]),
    ("route.routes.0.matchers", ["team=~x{1000}"]), ("route.routes.0.matchers", ['team="a\\"b"']),
    ("route.routes.0.matchers", ["a=1,,b=2"]), ("route.routes.0.matchers", ["a=1,"]),
    ("route.routes.0.matchers", [""]), ("route.routes.0.matchers", ["{}"]), ("route.routes.0.matchers", ["8a=1"]),
    ("route.routes.0.matchers", ["a:b=1"]), ("route.routes.0.matchers", ["x=~[0-9]{3}"]),
    ("route.routes.0.match", {"a-b": "1"}), ("route.routes.0.match_re", {"a": "("}),
    ("route.routes.0.match_re", {"a": None}), ("route.routes.0.match", {"a": None}),
    ("route.group_by", ["...", "alertname"]), ("route.group_by", ["a", "a"]), ("route.group_by", ["a.b"]),
    ("route.group_by", ["..."]), ("route.group_by", []), ("route.matchers", ['a="1"']),
    ("route.continue", True), ("route.routes.0.continue", "maybe"), ("route.routes.0.unknown", 1),
    ("route.mute_time_intervals", ["nights"]), ("route.routes.0.mute_time_intervals", ["nights"]),
    ("route.routes.0.mute_time_intervals", ["days"]), ("route.routes.0.active_time_intervals", ["days"]),
    ("time_intervals.0.time_intervals.0.times.0.start_time", "6:00"),
    ("time_intervals.0.time_intervals.0.times.0.end_time", "24:00"),
    ("time_intervals.0.time_intervals.0.times.0.end_time", "00:00"),
    ("time_intervals.0.time_intervals.0.weekdays", ["friday:monday"]),
    ("time_intervals.0.time_intervals.0.weekdays", ["Monday:FRIDAY"]),
    ("time_intervals.0.time_intervals.0.weekdays", ["mon"]),
    ("time_intervals.0.time_intervals.0.days_of_month", ["0"]),
    ("time_intervals.0.time_intervals.0.days_of_month", ["-3:-1"]),
    ("time_intervals.0.time_intervals.0.days_of_month", ["-1:3"]),
    ("time_intervals.0.time_intervals.0.days_of_month", ["20:5"]),
    ("time_intervals.0.time_intervals.0.months", ["jan"]), ("time_intervals.0.time_intervals.0.months", ["march:1"]),
    ("time_intervals.0.time_intervals.0.years", ["2030:2020"]),
    ("time_intervals.0.time_intervals.0.location", "Mars/Base"),
    ("time_intervals.0.time_intervals.0.location", "Europe/Berlin"), ("time_intervals.0.name", ""),
    ("receivers.1.name", "root"), ("receivers.1.name", ""), ("receivers.1.webhook_configs.0.url", "ftp://x/y"),
    ("receivers.1.webhook_configs.0.url", None), ("receivers.1.webhook_configs.0.url_file", "/x"),
    ("receivers.1.slack_configs", [{"channel": "#x"}]), ("receivers.1.pagerduty_configs", [{"severity": "x"}]),
    ("receivers.1.email_configs", [{"to": "a@b"}]), ("receivers.1.msteams_configs", [{"webhook_url": "http://x"}]),
    ("inhibit_rules.0.equal", ["a-b"]), ("inhibit_rules.0.source_match", {"a b": "x"}),
    ("inhibit_rules.0.target_matchers", "severity=warning"), ("inhibit_rules.0.name", "x"),
    ("global.resolve_timeout", "5x"), ("global.slack_api_url", "https://hooks.example/x"),
    ("global.smtp_smarthost", "smtp.example:25"), ("global.bogus", 1), ("route.routes.0.labels", {"a": "b"}),
]


def mutate(doc: dict, dotted: str, value) -> dict:
    doc = json.loads(json.dumps(doc))
    *parents, last = dotted.split(".")
    node = doc
    for part in parents:
        if isinstance(node, list):
            node = node[int(part)]
        else:
            node = node.setdefault(part, {})
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return doc


@SETTINGS
@given(mutations=st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3))
def test_validity_equals_amtool(amtool, mutations):
    doc = VALID_BASE
    for dotted, value in mutations:
        doc = mutate(doc, dotted, value)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "am.yml"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        _, errors = obslint_model(path)
        valid, output = amtool_valid(amtool, path)
        assert (not errors) == valid, (mutations, output, [e.message for e in errors])


def test_each_mutation_alone_equals_amtool(amtool, tmp_path):
    """Every mutation on its own, so each verdict is checked at least once whatever hypothesis draws."""
    disagreements = []
    for i, (dotted, value) in enumerate(MUTATIONS):
        path = tmp_path / f"am{i}.yml"
        path.write_text(json.dumps(mutate(VALID_BASE, dotted, value), ensure_ascii=False), encoding="utf-8")
        _, errors = obslint_model(path)
        valid, output = amtool_valid(amtool, path)
        if (not errors) != valid:
            disagreements.append((dotted, value, output.strip(), [e.message for e in errors]))
    assert not disagreements
