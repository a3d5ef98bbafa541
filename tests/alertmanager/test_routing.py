"""The Alertmanager layer: matchers, time intervals, the router, inhibition, wrappers and route-test."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from helpers import REPO  # noqa: E402
from hypothesis import given
from hypothesis import strategies as st

from obslint.alertmanager import router, timeintervals
from obslint.alertmanager.matchers import MatcherError, parse_classic, parse_entry, parse_utf8
from obslint.commands.route_test import load_model
from obslint.config import Config
from obslint.engine.lint import lint_paths

AM = REPO / "alertmanager" / "alertmanager.yml"
CONFIG = Config(root=REPO, alertmanager_version=(0, 25))


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "obslint", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=60)


# --- matchers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ('a="1",b=~"x|y"', ['a="1"', 'b=~"x|y"']),
    ("{a=b}", ['a="b"']),
    ("code=~[0-9]{3}", ['code=~"[0-9]{3"']),  # the stripped-brace gotcha
    ("x = spaced value ", ['x="spaced value"']),
    ("e=a=b", ['e="a=b"']),
    ('x=~"\\d+"', ['x=~"\\\\d+"']),  # classic keeps the backslash of an unknown escape
    ("a=1,", ['a="1"']),
    ("", []),
])
def test_classic_parser(text, expected):
    assert [str(m) for m in parse_classic(text)] == expected


@pytest.mark.parametrize("text", ["a=1,,b=2", 'a="1', "8a=1", 'a="x"y"'])
def test_classic_parser_errors(text):
    with pytest.raises(MatcherError):
        parse_classic(text)


@pytest.mark.parametrize("text,error", [("foo=", "expected label value"), ('x=~"\\d"', "invalid input"),
                                        ("{a=1", "expected close brace"), ("a=1}", "expected opening brace")])
def test_utf8_parser_errors(text, error):
    with pytest.raises(MatcherError, match=error):
        parse_utf8(text)


def test_fallback_takes_classic_then_utf8():
    assert parse_entry("code=~[0-9]{3}", "fallback", (0, 27)).parser == "classic"
    assert [str(m) for m in parse_entry('"foo bar"=x', "fallback", (0, 27)).matchers] == ['foo bar="x"']
    with pytest.raises(MatcherError, match="bad matcher format"):
        parse_entry("a=1,,b=2", "fallback", (0, 27))


value_st = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@given(name=st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,8}", fullmatch=True), value=value_st,
       op=st.sampled_from(["=", "!="]))
def test_quoted_matchers_read_alike_by_both_parsers(name, value, op):
    """The documented safe spelling (quoted, escaped) means the same to the classic and UTF-8 parsers."""
    text = f'{name}{op}"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if any(c in value for c in "\r\t") or not value.isprintable() and value:
        return  # Go's strconv.Unquote refuses raw control characters
    classic = parse_classic(text)
    assert classic == parse_utf8(text)
    assert classic[0].value == value


@given(labels=st.dictionaries(st.sampled_from(["a", "b", "c"]), st.sampled_from(["", "x", "y", "x\n"])),
       value=st.sampled_from(["x", "", "x|y", ".*", ".+", "x\n"]))
def test_missing_label_is_empty_and_regexes_are_anchored(labels, value):
    [eq] = parse_classic(f'a="{value}"') if "\n" not in value else parse_classic('a="x\\n"')
    assert eq.matches_labels(labels) == (labels.get("a", "") == eq.value)
    [rx] = parse_classic(f'a=~"{value}"') if "\n" not in value else parse_classic('a=~"x\\n"')
    got = labels.get("a", "")
    expected = {"x": got == "x", "": got == "", "x|y": got in ("x", "y"), ".*": "\n" not in got,
                ".+": got != "" and "\n" not in got, "x\n": got == "x\n"}[value]
    assert rx.matches_labels(labels) == expected


# --- time intervals ---------------------------------------------------------------------------------

def test_time_interval_fields():
    spec = timeintervals.Spec(times=[(480, 1080)], weekdays=[(1, 5)])
    assert spec.contains(datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc))  # Monday
    assert not spec.contains(datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc))  # Sunday
    assert not spec.contains(datetime(2026, 11, 23, 18, 0, tzinfo=timezone.utc))  # end is exclusive
    last = timeintervals.Spec(days_of_month=[(-1, -1)])
    assert last.contains(datetime(2026, 2, 28, tzinfo=timezone.utc))
    assert not last.contains(datetime(2026, 2, 27, tzinfo=timezone.utc))
    assert timeintervals.coverage([]) == "never"
    assert timeintervals.coverage([timeintervals.Spec()]) == "always"
    assert timeintervals.coverage([spec]) == "sometimes"
    assert timeintervals.coverage([timeintervals.Spec(months=[(2, 2)], days_of_month=[(30, 30)])]) == "never"


# --- the router on this repository's config ----------------------------------------------------------

def test_routes_and_inhibition_of_the_repository_config():
    model = load_model(AM, CONFIG)
    labels = {"alertname": "HighPredictionLatency", "severity": "warning", "team": "ml-platform",
              "service": "model-server"}
    result = router.route_alert(model, labels, [{"alertname": "ModelServerDown", "service": "model-server"}])
    assert result.receivers == ["ml-team"]
    assert [rule.index for rule, _ in result.inhibitions] == [1]
    critical = router.route_alert(model, {"severity": "critical", "team": "security"})
    assert critical.receivers == ["mlops-critical", "security"]
    assert [r.group_wait_ms for r in critical.routes] == [10_000, 30_000]
    assert router.group_key(critical.routes[0], {"severity": "critical", "alertname": "X"}) == \
        '{}/{severity="critical"}:{alertname="X"}'


def test_inhibition_is_two_sided():
    """An alert matching both sides never inhibits itself nor a twin that also matches both."""
    text = ("route: {receiver: r}\nreceivers: [{name: r}]\ninhibit_rules:\n"
            "  - source_matchers: ['a=~\"x|y\"']\n    target_matchers: ['a=~\"y|z\"']\n    equal: [b]\n")
    rules = _model(text).inhibit_rules
    assert router.inhibited_by(rules, {"a": "y", "b": "1"}, [{"a": "y", "b": "1"}]) == []
    assert router.inhibited_by(rules, {"a": "y", "b": "1"}, [{"a": "x", "b": "1"}]) != []
    assert router.inhibited_by(rules, {"a": "z"}, [{"a": "x", "b": "2"}]) == []  # equal: b differs
    assert router.inhibited_by(rules, {"a": "z"}, [{"a": "x"}]) != []  # missing on both sides is equal


def _model(text: str, tmp: Path | None = None, version=(0, 25)):
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "am.yml"
        path.write_text(text, encoding="utf-8")
        return load_model(path, Config(alertmanager_version=version))


def test_group_by_empty_list_inherits_before_0_31():
    text = "route:\n  receiver: r\n  group_by: [a]\n  routes:\n    - receiver: r\n      group_by: []\n" \
           "receivers: [{name: r}]\n"
    assert _model(text, version=(0, 25)).root.routes[0].group_by == {"a"}
    assert _model(text, version=(0, 31)).root.routes[0].group_by == frozenset()


def test_mute_intervals_are_not_inherited():
    text = ("route:\n  receiver: r\n  routes:\n    - matchers: [a=1]\n      receiver: r\n"
            "      mute_time_intervals: [always]\n      routes:\n        - matchers: [b=1]\n          receiver: r\n"
            "receivers: [{name: r}]\ntime_intervals: [{name: always, time_intervals: [{}]}]\n")
    model = _model(text)
    at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert router.route_alert(model, {"a": "1"}, at=at).times[0].muted
    assert not router.route_alert(model, {"a": "1", "b": "1"}, at=at).times[0].muted


# --- wrappers: Secret and Helm values ---------------------------------------------------------------

def test_config_in_a_secret_and_in_helm_values_with_positions(tmp_path):
    (tmp_path / "alertmanager").mkdir()
    secret = tmp_path / "alertmanager" / "secret.yaml"
    secret.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: am}\nstringData:\n  alertmanager.yaml: |\n"
                      "    route:\n      receiver: nobody\n    receivers:\n      - name: r\n", encoding="utf-8")
    helm = tmp_path / "alertmanager" / "values.yaml"
    helm.write_text("alertmanager:\n  config:\n    route:\n      receiver: r\n      group_wait: 5x\n"
                    "    receivers:\n      - name: r\n", encoding="utf-8")
    found = {(Path(f.path).name, f.code, f.line) for f in lint_paths([tmp_path], Config(root=tmp_path))}
    assert ("secret.yaml", "A004", 7) in found
    assert ("values.yaml", "A008", 5) in found


# --- route-test -------------------------------------------------------------------------------------


# --- obslint fix ------------------------------------------------------------------------------------


def test_route_labels_merge_down_the_tree_and_show_in_route_test_json():
    """Route labels (0.34+): a child's own over its parent's, as dispatch merges them (compared with
    the real 0.35 server in test_e2e_grouping_versions.py)."""
    text = ("route:\n  receiver: r\n  labels: {tier: '1', owner: sre}\n  routes:\n"
            "    - receiver: r\n      matchers: [a=1]\n      labels: {owner: ml}\n    - receiver: r\n"
            "receivers: [{name: r}]\n")
    model = _model(text, version=(0, 35))
    first, second = model.root.routes
    assert (first.labels, second.labels) == ({"tier": "1", "owner": "ml"}, {"tier": "1", "owner": "sre"})
    [route] = router.route_alert(model, {"a": "1"}).to_json()["routes"]
    assert route["route_labels"] == {"tier": "1", "owner": "ml"}
    assert "route_labels" not in router.route_alert(_model("route: {receiver: r}\nreceivers: [{name: r}]\n",
                                                           version=(0, 35)), {}).to_json()["routes"][0]
