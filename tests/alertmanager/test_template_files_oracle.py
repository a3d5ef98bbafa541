"""Configs whose `templates:` files do (not) load: obslint's verdict against the real amtool check-config,
0.25 (Debian's /usr/bin/amtool) and 0.35 (~/.cache/obslint/oracles/alertmanager-0.35.0/amtool or
$OBSLINT_AMTOOL_0_35).

Hypothesis writes template files from valid actions, actions only newer versions parse (trimSpace, date,
toJson, dict, ...) and broken ones (syntax, Prometheus functions, undefined variables, stray ends, two
definitions of a name in a file), and globs (plain, classes, malformed, matching nothing, matching a
directory); hand-written cases cover each kind once. obslint's verdict is "no error among the checks that
say Alertmanager refuses the config" (A001-A012 and A202); amtool's is its exit status. Figures
(agree / compared) per version are printed (`pytest -s`) and written to
test-artifacts/template-files-differential.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import REPO, need
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obslint.config import Config
from obslint.core.findings import Severity
from obslint.engine.lint import load_alertmanager

EXAMPLES = int(os.environ.get("OBSLINT_TEMPLATE_EXAMPLES", "60"))
FIGURES: dict[str, list[int]] = {}
REFUSING = {f"A{n:03d}" for n in range(1, 13)} | {"A202"}

VALID = ['{{ .Status }}', '{{ .CommonLabels.alertname }}', '{{ range .Alerts }}{{ .Labels.instance }}{{ end }}',
         '{{ if eq .Status "firing" }}x{{ else }}y{{ end }}', '{{ toUpper .Status }}', '{{ .Foo }}',
         '{{ template "other" . }}', '{{ $x := 1 }}{{ $x }}', '{{/* comment */}}', '{{- .Status -}}',
         '{{ printf "%s" .Status }}', '{{ with .CommonLabels }}{{ .a }}{{ end }}', '{{ nil }}', 'plain text',
         '{{ range $i, $a := .Alerts }}{{ $i }}{{ break }}{{ end }}',
         '{{ .CommonLabels.SortedPairs.Names | join "," }}',
         '{{ title "x" }}{{ safeHtml "<b>" }}{{ reReplaceAll "a" "b" "c" }}{{ match "a" "b" }}']
NEWER = ['{{ trimSpace .Status }}', '{{ date "2006" (index .Alerts 0).StartsAt }}', '{{ toJson .Alerts }}',
         '{{ dict "a" 1 }}', '{{ list 1 2 }}', '{{ now }}', '{{ since (index .Alerts 0).StartsAt }}',
         '{{ humanizeDuration 3 }}', '{{ urlUnescape "a%20b" }}', '{{ base64encode "x" }}', '{{ tz "UTC" now }}']
BROKEN = ['{{ .Status | humanize }}', '{{ .Status }', '{{ end }}', '{{ if .Status }}', '{{ $y }}', '{{ 1x }}',
          '{{/* x', '{{ template }}', '{{ range }}{{ end }}', '{{ else }}', '{{ break }}', '{{ "open }}',
          "{{ 'ab' }}", '{{ .X | 3 }}', '{{ (.X }}', '{{ .X) }}', '{{ query "up" }}', '{{ $labels.x }}',
          '{{ define "nested" }}{{ end }}', '{{ default "x" .Status }}', '{{ .Status | upper }}']

body = st.lists(st.sampled_from(VALID * 4 + NEWER), min_size=1, max_size=3).map("".join)


@st.composite
def template_file(draw) -> str:
    """Defines and top-level text of valid and newer actions; one file in five gets a broken one."""
    defines = []
    names = draw(st.lists(st.sampled_from(["a", "b", "slack.x", "__subject"]), min_size=0, max_size=3))
    for name in names:
        defines.append('{{ define "' + name + '" }}' + draw(body) + "{{ end }}")
    if draw(st.booleans()) or not defines:
        defines.append(draw(body))
    if draw(st.integers(0, 4)) == 0:
        defines.insert(draw(st.integers(0, len(defines))), draw(st.sampled_from(BROKEN)))
    return "\n".join(defines) + ("\n" if draw(st.booleans()) else "")


GLOBS = [["tmpl/*.tmpl"]] * 4 + [["tmpl/a.tmpl", "tmpl/b.tmpl"], ["tmpl/[ab].tmpl"], ["tmpl/*.tmp"],
                                 ["/nonexistent-obslint/*.tmpl"], ["tmpl/?.tmpl", "tmpl/*.tmpl"], ["tmpl/[^a].tmpl"]]
BAD_GLOBS = [["tmpl/["], ["tmpl/dir.tmpl"], ["tmpl/*"], ["tmpl/\\"], ["tmpl/[]a].tmpl"], ["tmpl/[a-].tmpl"]]

HAND = [  # (files, globs): each kind of refusal once, and loads that must pass
    ({"a.tmpl": '{{ define "x" }}{{ .Status }}{{ end }}'}, ["tmpl/*.tmpl"]),
    ({"a.tmpl": '{{ define "x" }}{{ .Status | humanize }}{{ end }}'}, ["tmpl/*.tmpl"]),
    ({"a.tmpl": '{{ define "x" }}{{ trimSpace .Status }}{{ end }}'}, ["tmpl/*.tmpl"]),
    ({"a.tmpl": '{{ define "x" }}{{ toJson .Alerts }}{{ end }}'}, ["tmpl/*.tmpl"]),
    ({"a.tmpl": '{{ define "x" }}a{{ end }}{{ define "x" }}b{{ end }}'}, ["tmpl/*.tmpl"]),
    ({"a.tmpl": '{{ define "x" }}a{{ end }}', "b.tmpl": '{{ define "x" }}b{{ end }}'}, ["tmpl/*.tmpl"]),
    ({"a.tmpl": '{{ define "x" }}{{ .Status }'}, ["tmpl/*.tmpl"]),
    ({"a.tmpl": "{{ $labels.instance }}"}, ["tmpl/*.tmpl"]),
    ({"a.tmpl": "ok"}, ["tmpl/["]),
    ({"a.tmpl": "ok"}, ["tmpl/*.tmp"]),
    ({"a.tmpl": "ok"}, ["tmpl/dir.tmpl"]),
    ({"a.tmpl": "{{ .Status }}", "b.tmpl": "{{ end }}"}, ["tmpl/a.tmpl"]),
    ({"a.tmpl": "{{ .Status }}", "b.tmpl": "{{ end }}"}, ["tmpl/*.tmpl"]),
    ({".hidden.tmpl": "{{ end }}"}, ["tmpl/*.tmpl"]),
    ({"a.tmpl": "{{ break }}"}, ["tmpl/*.tmpl"]),
    ({"a.tmpl": '{{ define "a" }}{{ date "2006" now }}{{ end }}'}, ["tmpl/*.tmpl"]),
    # webhook URLs: templates from 0.31, parsed then with Go's builtins only
    ({}, [], "{{ .ExternalURL }}/hook"), ({}, [], "http://x/{{ .GroupLabels.team | toLower }}"),
    ({}, [], "http://x/{{ .GroupLabels.team }"), ({}, [], 'http://x/{{ printf "%s" .Receiver }}'),
]


def write_case(root: Path, files: dict[str, str], globs: list[str], url: str = "http://127.0.0.1:1/hook") -> Path:
    (root / "tmpl").mkdir(parents=True, exist_ok=True)
    (root / "tmpl" / "dir.tmpl").mkdir(exist_ok=True)
    for name, text in files.items():
        (root / "tmpl" / name).write_text(text, encoding="utf-8")
    config = {"templates": globs, "route": {"receiver": "hook"},
              "receivers": [{"name": "hook", "webhook_configs": [{"url": url}]}]}
    path = root / "am.yml"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def obslint_accepts(path: Path, version: tuple[int, int]) -> tuple[bool, list[str]]:
    _, findings = load_alertmanager(path, Config(alertmanager_version=version))
    refusals = [f"{f.code} {f.message}" for f in findings if f.severity == Severity.ERROR and f.code in REFUSING]
    return not refusals, refusals


def amtool_accepts(binary: str, path: Path) -> tuple[bool, str]:
    proc = subprocess.run([binary, "check-config", str(path)], capture_output=True, text=True, timeout=60)
    return proc.returncode == 0, proc.stdout[-600:] + proc.stderr[-300:]


@pytest.fixture(scope="module", params=["0.25", "0.35"])
def checker(request, amtool):
    if request.param == "0.25":
        return "0.25", (0, 25), amtool
    binary = os.environ.get("OBSLINT_AMTOOL_0_35") or str(Path.home() / ".cache/obslint/oracles/alertmanager-0.35.0"
                                                                         / "amtool")
    if not os.access(binary, os.X_OK):
        need("amtool 0.35", f"build it into {binary}")
    return "0.35", (0, 35), binary


def _compare(checker, cases: list[tuple]) -> list:
    name, version, binary = checker
    disagreements = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = [write_case(Path(tmp) / f"c{i}", *case) for i, case in enumerate(cases)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            theirs = list(pool.map(lambda p: amtool_accepts(binary, p), paths))
        for case, path, (valid, output) in zip(cases, paths, theirs, strict=True):
            ours, refusals = obslint_accepts(path, version)
            if ours != valid:
                disagreements.append((case, output, refusals))
        figures = FIGURES.setdefault(name, [0, 0, 0])
        figures[0] += len(cases) - len(disagreements)
        figures[1] += len(cases)
        figures[2] += sum(not valid for valid, _ in theirs)
    return disagreements


def test_hand_written_cases(checker):
    disagreements = _compare(checker, HAND)
    assert not disagreements


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cases=st.lists(st.tuples(st.dictionaries(st.sampled_from(["a.tmpl", "b.tmpl", "c.tmpl", "x.txt"]),
                                                template_file(), min_size=1, max_size=3),
                                 st.sampled_from(GLOBS * 2 + BAD_GLOBS)), min_size=4, max_size=4))
def test_generated_cases(checker, cases):
    disagreements = _compare(checker, cases)
    assert not disagreements


def test_zz_figures():
    """Print and keep the figures (runs after the comparisons, in this module's order)."""
    if not FIGURES:
        pytest.skip("no comparison ran")
    for name, (agree, total, refused) in sorted(FIGURES.items()):
        print(f"\ntemplates: files, amtool {name} check-config: {agree} / {total} verdicts agree "
              f"({refused} configs refused, {total - refused} accepted)")
        assert 0 < refused < total, "the cases must include configs amtool accepts and configs it refuses"
    out = REPO / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "template-files-differential.json").write_text(json.dumps(
        {name: {"agree": a, "compared": t, "refused_by_amtool": r} for name, (a, t, r) in FIGURES.items()},
        indent=2) + "\n")
