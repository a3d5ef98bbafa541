"""`obslint`'s `amtool template render` against the real amtool, per Alertmanager version.

Every named default template, hand-written tricky templates and hypothesis-generated ones (valid and
invalid) are rendered by amtool and by obslint over several data sets; stdout must be byte-identical and
the verdict (exit status) equal. The oracles: Debian's amtool 0.25 (/usr/bin/amtool, built without the
embedded default templates, so both sides are given them by --template.glob) and the newest amtool, built
into ~/.cache/obslint/oracles/alertmanager-0.35.0/amtool (or $OBSLINT_AMTOOL_0_35). In CI a missing
oracle fails; elsewhere it skips.

Figures (identical / compared) are printed per version and data set (`pytest -s`), and written to
test-artifacts/template-render-differential.json.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import REPO
from helpers import need as _need
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obslint.alertmanager import templates as T
from obslint.gotemplate import parse as P
from obslint.gotemplate import printf

DEBIAN_TEMPLATES = Path("/usr/share/prometheus/alertmanager")
EXAMPLES = int(os.environ.get("OBSLINT_TEMPLATE_EXAMPLES", "100"))
FIGURES: dict[str, dict[str, list[int]]] = {}


# ------------------------------------------------------------------------------------------ oracles

class Oracle:
    def __init__(self, binary: str, version: str, embedded_defaults: bool):
        self.binary = binary
        self.version = version
        self.embedded_defaults = embedded_defaults
        # Debian's amtool has no default templates of its own: both sides read its copies by glob; amtool
        # requires --template.glob, and a glob that matches nothing is allowed
        self.globs = ["/nonexistent-obslint/*.tmpl"] if embedded_defaults else [str(DEBIAN_TEMPLATES / "*.tmpl")]

    def run(self, text: str, ttype: str, data: Path | None, globs: list[str]) -> tuple[int, bytes]:
        args = [self.binary, "template", "render", "--template.type", ttype, "--template.text", text]
        for g in self.globs + globs:
            args += ["--template.glob", g]
        if data is not None:
            args += ["--template.data", str(data)]
        proc = subprocess.run(args, capture_output=True, timeout=60)
        return proc.returncode, proc.stdout

    def ours(self, text: str, ttype: str, data: Path | None, globs: list[str]) -> tuple[int, bytes]:
        args = ["--template.type", ttype, "--template.text", text]
        for g in self.globs + globs:
            args += ["--template.glob", g]
        if data is not None:
            args += ["--template.data", str(data)]
        out, err = _Out(), io.StringIO()
        rc = T.amtool_template_render(args, self.version, out, err, embedded_defaults=self.embedded_defaults)
        return rc, out.buffer.getvalue()


class _Out(io.StringIO):
    def __init__(self):
        super().__init__()
        self.buffer = io.BytesIO()


def _version_of(binary: str) -> str:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
    m = re.search(r"version (\d+\.\d+)", out.stdout + out.stderr)
    return m.group(1) if m else ""


@pytest.fixture(scope="module")
def oracle_025(amtool) -> Oracle:
    if _version_of(amtool) != "0.25":
        _need("amtool 0.25", f"{amtool} is not 0.25")
    probe = subprocess.run([amtool, "template", "render", "--template.glob", "/nonexistent/*",
                            "--template.text", '{{ template "__subject" . }}'], capture_output=True, timeout=30)
    embedded = probe.returncode == 0
    if not embedded and not DEBIAN_TEMPLATES.is_dir():
        _need("Debian's default templates", f"expected {DEBIAN_TEMPLATES}")
    return Oracle(amtool, "0.25", embedded)


@pytest.fixture(scope="module")
def oracle_035() -> Oracle:
    binary = os.environ.get("OBSLINT_AMTOOL_0_35") or str(
        Path.home() / ".cache/obslint/oracles/alertmanager-0.35.0/amtool")
    if not os.access(binary, os.X_OK):
        _need("amtool 0.35", f"build it into {binary} (see the module docstring)")
    try:
        T.default_templates(T.version("0.35"))
    except T.DefaultTemplatesMissing:
        try:
            T.download_default_templates(T.version("0.35"))
        except (OSError, subprocess.SubprocessError) as exc:
            _need("Alertmanager 0.35's default templates", str(exc))
    return Oracle(binary, "0.35", True)


@pytest.fixture(scope="module", params=["0.25", "0.35"])
def oracle(request) -> Oracle:
    return request.getfixturevalue("oracle_" + request.param.replace(".", ""))


# -------------------------------------------------------------------------------------------- data

def _alert(status, labels, annotations, starts, ends="0001-01-01T00:00:00Z", url="http://gen/graph?g0.expr=up",
           fp="abc123"):
    return {"status": status, "labels": labels, "annotations": annotations, "startsAt": starts, "endsAt": ends,
            "generatorURL": url, "fingerprint": fp}


DATA_SETS = {
    "unicode": {
        "receiver": "team-ü", "status": "firing", "externalURL": "http://am.example/?a=1&b=<2>",
        "groupLabels": {"alertname": "Düsk <Alarm>", "zone": "eu-ß"},
        "commonLabels": {"alertname": "Düsk <Alarm>", "zone": "eu-ß", "sev": "crit'\""},
        "commonAnnotations": {"summary": "über 9000 — \"quoted\" & <b>bold</b>\nline2"},
        "alerts": [
            _alert("firing", {"alertname": "Düsk <Alarm>", "zone": "eu-ß", "sev": "crit'\"", "b": "2", "a": "1"},
                   {"summary": "über 9000 — \"quoted\" & <b>bold</b>\nline2", "emoji": "🔥 hot"},
                   "2024-02-29T23:59:59.123456789+02:00"),
            _alert("resolved", {"alertname": "Düsk <Alarm>", "zone": "eu-ß", "sev": "crit'\""},
                   {"summary": "über 9000 — \"quoted\" & <b>bold</b>\nline2"},
                   "2024-03-01T00:00:00Z", "2024-03-01T01:30:00.5Z", "javascript:alert(1)", "fp2"),
        ],
    },
    "empty": {"receiver": "", "status": "resolved", "externalURL": "", "groupLabels": {}, "commonLabels": {},
              "commonAnnotations": {}, "alerts": []},
    "many": {
        "receiver": "pager", "status": "firing", "externalURL": "https://am.example.com/",
        "groupLabels": {"job": "node"}, "commonLabels": {"job": "node"}, "commonAnnotations": {},
        "alerts": [_alert("firing" if i % 3 else "resolved",
                          {"alertname": f"A{i % 4}", "job": "node", "instance": f"host{i}:9100"},
                          {"description": f"value is {i * 1.5}", "runbook": f"https://runbooks/{i}"},
                          f"2023-12-{10 + i:02d}T0{i % 10}:00:00Z", fp=f"{i:016x}") for i in range(12)],
    },
}


@pytest.fixture(scope="module")
def data_files(tmp_path_factory) -> dict[str, Path | None]:
    folder = tmp_path_factory.mktemp("template-data")
    files: dict[str, Path | None] = {"default": None}
    for name, doc in DATA_SETS.items():
        path = folder / f"{name}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        files[name] = path
    return files


# what amtool's sample data holds of time.Now() differs from run to run
_NOW_DEPENDENT = re.compile(r"StartsAt|EndsAt|\bnow\b|\bsince\b")
_SEP = rb"(?:[^0-9A-Za-z%&]|%[0-9A-F]{2}|&#\d+;|&[a-z]+;|\\u00[0-9a-f]{2})+"
_TIME = re.compile(rb"\d{4}-\d\d-\d\d" + _SEP + rb"\d\d" + _SEP + rb"\d\d" + _SEP + rb"\d\d(?:\.\d+)?|"
                   rb"m(?:=|%3D|&#61;)(?:[+-]|%2B|&#43;)?\d+\.\d+")


# fmt prints a time.Time field by field for verbs other than %v and %s: its *time.Location is then a memory
# address (or, with a bad verb, the Location's fields, addresses included), which differs from run to run.
# obslint prints a stand-in address there: the outputs must be the same but for what stands at those places
_ADDRESS = printf.POINTER_STAND_IN
_STAND_IN = re.compile(
    b"%![a-zA-Z]\\(\\*time\\.Location=(?:&|&amp;)\\{0x" + f"{_ADDRESS:x}".encode() + b"\\}\\)|" + "|".join(
        re.escape(text) for text in (f"0x{_ADDRESS:x}", f"{_ADDRESS:d}", f"{_ADDRESS:x}", f"{_ADDRESS:X}",
                                     f"{_ADDRESS:o}", f"{_ADDRESS:b}")).encode())


def _same_but_addresses(theirs: bytes, ours: bytes) -> bool:
    parts = _STAND_IN.split(ours)
    if len(parts) == 1:
        return False
    pattern = rb"(?:%![a-zA-Z]\(\*time\.Location=(?:&|&amp;)\{.*?\}\)|0x[0-9a-f]+|[0-9a-fA-F]+)".join(
        re.escape(p) for p in parts)
    return re.fullmatch(pattern, theirs, re.S) is not None


def _normalise(out: bytes, data_name: str) -> bytes:
    """amtool's sample data holds time.Now(): its times can only be compared masked."""
    return _TIME.sub(b"<time>", out) if data_name == "default" else out


# ----------------------------------------------------------------------------------------- comparing

_SEPARATOR = "\n@@obslint-case-separator@@\n"
RUNS = {"amtool": 0}


def _parses(oracle: Oracle, text: str) -> bool:
    """Whether obslint parses the text (a parse error does not depend on the data)."""
    tset = T._base_set(T.version(oracle.version), oracle.embedded_defaults).clone()
    try:
        tset.parse("", text)
    except P.TemplateError:
        return False
    return True


def _batched(oracle: Oracle, cases: list[tuple[str, str]], ttype: str, path: Path | None, globs: list[str],
             folder: Path) -> list[bytes] | None:
    """amtool's outputs of several templates rendered in one run (each one a defined template, called in
    turn); None when amtool refuses the batch."""
    batch = folder / f"batch-{os.getpid()}-{id(cases)}-{ttype}-{path.stem if path else 'default'}.tmpl"
    batch.write_text("".join('{{ define "obslint-case-%d" }}%s{{ end }}' % (i, text)
                             for i, (text, _) in enumerate(cases)), encoding="utf-8")
    call = _SEPARATOR.join('{{ template "obslint-case-%d" . }}' % i for i in range(len(cases)))
    RUNS["amtool"] += 1
    rc, out = oracle.run(call, ttype, path, globs + [str(batch)])
    batch.unlink()
    if rc != 0:
        return None
    parts = out.split(_SEPARATOR.encode())
    return parts if len(parts) == len(cases) else None


def compare(oracle: Oracle, cases: list[tuple[str, str]], data_files: dict, label: str,
            globs: list[str] = (), rendered: float = 0.2) -> list:
    """Render every (text, type) case over every data set with both; the mismatches.

    To keep amtool's process starts down, the cases obslint renders are sent to amtool in one run per
    data set and type (as defined templates called in turn; a refused batch is run case by case), and a
    case obslint cannot parse is compared once, with the first data set (parsing comes before the data
    matters). At least the fraction `rendered` of the runs must be rendered by amtool: a comparison of
    refusals alone (a wrong flag) proves nothing."""
    import tempfile
    globs = list(globs)
    folder = Path(tempfile.mkdtemp(prefix="obslint-batches-"))
    parse_ok = {text: _parses(oracle, text) for text, _ in cases}
    jobs = []
    for text, ttype in cases:
        for i, (name, path) in enumerate(data_files.items()):
            if path is None and _NOW_DEPENDENT.search(text):
                continue
            if not parse_ok[text] and i > 0:
                continue
            jobs.append((text, ttype, name, path))
    ours = {job: oracle.ours(job[0], job[1], job[3], globs) for job in jobs}
    theirs: dict = {}
    groups: dict = {}
    for job in jobs:
        text, ttype, name, path = job
        if ours[job][0] == 0 and "define" not in text and "block" not in text:
            groups.setdefault((ttype, name, path), []).append(job)
    batches = [(key, members[k:k + 60]) for key, members in groups.items() for k in range(0, len(members), 60)]

    def run_batch(item):
        (ttype, _, path), members = item
        return members, _batched(oracle, [(m[0], m[1]) for m in members], ttype, path, globs, folder)

    with ThreadPoolExecutor(max_workers=4) as pool:
        for members, outputs in pool.map(run_batch, batches):
            if outputs is not None:
                theirs.update({m: (0, out) for m, out in zip(members, outputs, strict=True)})
        single = [job for job in jobs if job not in theirs]

        def run_single(job):
            RUNS["amtool"] += 1
            return oracle.run(job[0], job[1], job[3], globs)

        theirs.update(zip(single, pool.map(run_single, single), strict=True))
    rendered_by_amtool = sum(1 for job in jobs if theirs[job][0] == 0)
    assert rendered_by_amtool >= rendered * len(jobs), f"amtool rendered only {rendered_by_amtool} of {len(jobs)}"
    mismatches = []
    figures = FIGURES.setdefault(f"{oracle.version} {label}", {})
    for job in jobs:
        text, ttype, name, path = job
        rc, out = theirs[job]
        ours_rc, ours_out = ours[job]
        same = (rc == 0) == (ours_rc == 0) and (
            _normalise(out, name) == _normalise(ours_out, name) or _same_but_addresses(out, ours_out))
        if not same and path is None and (rc == 0) == (ours_rc == 0):
            # the sample data's times come from time.Now(): output amtool itself does not reproduce (a
            # time printed in some escaping or with %d) can only be compared by its verdict
            same = _normalise(oracle.run(text, ttype, path, globs)[1], name) != _normalise(out, name)
        counts = figures.setdefault(name, [0, 0])
        counts[0] += same
        counts[1] += 1
        if not same:
            mismatches.append({"text": text, "type": ttype, "data": name, "amtool": (rc, out[:300]),
                               "obslint": (ours_rc, ours_out[:300])})
    return mismatches


@pytest.fixture(scope="module", autouse=True)
def report_figures():
    yield
    if not FIGURES:
        return
    lines = [f"{key} [{data}]: {same}/{total} identical" for key, per in sorted(FIGURES.items())
             for data, (same, total) in sorted(per.items())] + [f"amtool runs: {RUNS['amtool']}"]
    print("\n" + "\n".join(lines))
    out = REPO / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "template-render-differential.json").write_text(json.dumps(FIGURES, indent=1), encoding="utf-8")


def _default_template_names(version: str) -> list[str]:
    if version == "0.25" and DEBIAN_TEMPLATES.is_dir():
        texts = [(DEBIAN_TEMPLATES / f).read_text() for f in ("default.tmpl", "email.tmpl")]
    else:
        texts = list(T.default_templates(T.version(version)))
    names = []
    for text in texts:
        names += [n for n in P.parse("", text, _AnyName()) if n]
    return sorted(set(names))


class _AnyName:
    def __contains__(self, name):
        return True


def test_every_default_template_renders_as_amtool_renders_it(oracle, data_files):
    names = _default_template_names(oracle.version)
    assert len(names) > 40
    cases = [("{{ template %s . }}" % json.dumps(n), "html" if n.startswith("email.") else "text") for n in names]
    cases += [("{{ template %s . }}" % json.dumps(n), "html") for n in names if not n.startswith("email.")][:10]
    # a few default templates expect another dot (the email one's parts): most must render
    assert compare(oracle, cases, data_files, "default templates", rendered=0.9) == []


TRICKY = [
    # printf and fmt
    '{{ printf "%5.2f|%-6d|%06.1f|%x|%X|%o|%b|%e|%g|%G|%8.3e" '
    '3.14159 42 -2.5 255 255 8 5 1234.5678 0.00001 1e21 2.0 }}',
    '{{ printf "%q %v %s %d %t %c %U %#x %+d % d" "a\\"b" 1.0 "s" 7 true 65 0x1F600 255 5 5 }}',
    '{{ printf "%s %d" 1 "x" }}|{{ printf "%d" }}|{{ printf "%d" 1 2 }}|{{ printf "%!" }}|{{ printf "%" }}',
    '{{ printf "%v" .CommonLabels }}|{{ printf "%v" .Alerts.Firing }}|{{ printf "%T %T %T" . .Alerts 1.5 }}',
    '{{ printf "%*d|%-*d|%.*f" 5 1 4 2 2 3.14159 }}|{{ printf "%[2]d %[1]d" 1 2 }}',
    '{{ print 1 2 "a" "b" 3 nil }}|{{ println 1 "x" }}|{{ print }}',
    '{{ 1e6 }} {{ 123456.0 }} {{ 1e21 }} {{ 0.000001 }} {{ 1.5e-7 }} {{ -0.0 }} {{ 0x10 }} {{ 0o17 }} {{ 1_000 }}',
    "{{ 'a' }} {{ '\\n' }} {{ 1i }} {{ 2+3i }}",
    # ranges, SortedPairs, maps
    '{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}',
    '{{ range $k, $v := .CommonLabels }}{{ $k }}:{{ $v }} {{ else }}none{{ end }}',
    '{{ range $i, $a := .Alerts }}{{ $i }}{{ if eq $i 1 }}{{ break }}{{ end }}{{ end }}',
    '{{ range .Alerts }}{{ if eq .Status "resolved" }}{{ continue }}{{ end }}{{ .Fingerprint }} {{ end }}',
    '{{ range .Alerts.Firing }}{{ .Labels.alertname }} {{ end }}|{{ len .Alerts.Resolved }}',
    '{{ .CommonLabels.Names }} {{ .CommonLabels.Values }} {{ .CommonLabels.SortedPairs.Names }}',
    '{{ .CommonLabels.Remove (stringSlice "alertname" "zone") }}',
    '{{ join ", " .GroupLabels.Values }}|{{ join "," (stringSlice "a" "b") }}',
    # define, template, block, whitespace, comments
    '{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" .Receiver }}{{ template "x" }}',
    '{{ define "outer" }}<{{ template "inner" . }}>{{ end }}{{ define "inner" }}{{ .Status }}{{ end }}'
    '{{ template "outer" . }}',
    '{{ block "b" .Status }}({{ . }}){{ end }}',
    'a  {{- " b " -}}  c {{/* comment */}} d {{- /* trimmed */ -}} e',
    '{{ "x" }}\n{{- "y" }}\n  {{- "z" -}}\n',
    # variables and scope
    '{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}',
    '{{ with $a := .Alerts }}{{ len $a }}{{ else }}no alerts{{ end }}',
    '{{ $ }}' if False else '{{ $.Receiver }} {{ with .Alerts }}{{ $.Status }}{{ end }}',
    # comparisons, and/or/not, errors
    '{{ eq 1 1.0 }}', '{{ lt "a" "b" }} {{ ge 2 1 }} {{ ne .Status "x" }} {{ eq .Status "a" "firing" "b" }}',
    '{{ lt 1 "a" }}', '{{ eq .Alerts .Alerts }}', '{{ lt true false }}', '{{ eq nil nil }}', '{{ eq . nil }}',
    '{{ and 1 0 "x" }} {{ or 0 "" "y" }} {{ not 0 }} {{ and }}',
    '{{ .NoSuchField }}', '{{ .Receiver.Foo }}', '{{ .CommonLabels.nosuch }}|{{ .CommonLabels.nosuch.x }}',
    '{{ index .CommonLabels "alertname" }}|{{ index .CommonLabels "nosuch" }}|{{ index .Alerts 99 }}',
    '{{ index .Alerts 0 "x" }}', '{{ index "abc" 1 }} {{ slice "abcdef" 1 3 }} {{ slice .Alerts 0 0 }}',
    '{{ len 3 }}', '{{ nosuchfunc }}', '{{ .Status | printf "%s!" | toUpper }}', '{{ 1 | printf "%d %d" 2 }}',
    '{{ if }}', '{{ end }}', '{{ range . }}{{ end }}', '{{ template "nosuch" }}', '{{ $undefined }}',
    '{{ toUpper 1 }}', '{{ toUpper }}', '{{ title "hello wORLD o\'neil foo-bar" }} {{ toLower "ÀÉÎ" }}',
    '{{ match "^fir" .Status }} {{ match "(" "x" }}', '{{ reReplaceAll "(a+)" "<$1>" "baaac" }}',
    '{{ reReplaceAll "a*" "-" "baaac" }} {{ reReplaceAll "(?P<x>b)" "${x}${x}$$" "abc" }}',
    '{{ safeHtml "<b>x</b>" }}', '{{ html "<a href=\'x\'>&" }} {{ js "a\'b<c>=" }} {{ urlquery "a b&c/d" }}',
    '{{ nil }}', '{{ . | len }}', '{{ call .Status }}', '{{ (.Alerts).Firing }}',
    # time
    '{{ range .Alerts }}{{ .StartsAt }}|{{ .EndsAt }}|{{ .StartsAt.Format "2006-01-02 15:04:05 MST" }}|'
    '{{ .StartsAt.Unix }}|{{ .StartsAt.UTC }}{{ end }}',
    '{{ range .Alerts }}{{ .StartsAt.Format "Mon Jan _2 3:04PM .000 -07:00 Z07:00" }};{{ .EndsAt.IsZero }};'
    '{{ (.EndsAt.Sub .StartsAt) }};{{ .StartsAt.Weekday }} {{ .StartsAt.Month }} {{ .StartsAt.YearDay }}{{ end }}',
    # html contexts
    '<a href="{{ .ExternalURL }}?q={{ .Receiver }}" title="{{ .Status }}">{{ .CommonAnnotations.summary }}</a>',
    '<a href="{{ (index .Alerts 0).GeneratorURL }}">x</a><p class={{ .Status }}>{{ safeHtml "<i>" }}</p>',
    '<title>{{ .Receiver }}</title><!-- comment -->a < b {{ "<" }}',
    '<style>p { color: {{ .Status }} }</style><script>var x = {{ .Receiver }};</script>',
    '{{ if .Alerts }}<a href="x">{{ else }}<b>{{ end }}', '<a href="{{ .Status }}', '<a {{ .Status }}="x">',
]


# the functions and methods Alertmanager added after 0.25 (0.25 refuses them: its verdict is compared too)
TRICKY_LATER = [
    '{{ trimSpace "  a b  " }}|{{ .CommonLabels }}|{{ .CommonLabels.SortedPairs }}|{{ .GroupLabels.Names.Join "+" }}',
    '{{ range .Alerts }}{{ date "2006-01-02T15:04" .StartsAt }} {{ (tz "Europe/Berlin" .StartsAt).Format "15:04 MST" }}'
    '{{ end }}', '{{ range .Alerts }}{{ tz "Nowhere/City" .StartsAt }}{{ end }}',
    '{{ humanizeDuration 3725 }} {{ humanizeDuration 0.0042 }} {{ humanizeDuration "90000" }} {{ humanizeDuration 0 }}'
    ' {{ humanizeDuration -90061.5 }}', '{{ humanizeDuration "x" }}',
    '{{ toJson .CommonLabels }} {{ toJson .Alerts }} {{ toJson (list 1 "a" 2.5 true nil) }} {{ toJson "<&>" }}',
    '{{ toJson . }}', '{{ toJson (dict "b" 1 "a" (list .Status)) }}', '{{ dict "a" }}', '{{ dict 1 2 }}',
    '{{ $l := list "x" }}{{ $l = append $l "y" 3 }}{{ $l }} {{ len $l }} {{ index $l 1 }}',
    '{{ $d := dict "k" "v" }}{{ $d.k }} {{ $d.missing }} {{ index $d "k" }} {{ range $k, $v := $d }}{{ $k }}{{ end }}',
    '{{ append (stringSlice "a") "b" }}', '{{ join "," (list 1 2 "x") }}', '{{ join "," .Status }}',
    '{{ urlUnescape "a%20b+c" }} {{ safeUrl "javascript:x" }}', '{{ urlUnescape "%zz" }}',
    '{{ base64encode "héllo?" }} {{ base64decode "aMOpbGxvPw==" }}', '{{ base64decode "!!" }}',
    '{{ (toDate "2006-01-02" "2024-05-06").Unix }} {{ toDate "2006-01-02" "junk" }}', '{{ mustToDate "2006" "x" }}',
    '{{ range .Alerts }}{{ addDuration "1h30m" .StartsAt }}{{ end }}', '{{ addDuration "bad" now }}',
    '{{ routeLabels "x" }}|{{ .NotificationReason }}|{{ .RouteLabels }}', '{{ mustToDate "2006-01-02" "2024-13-01" }}',
    '{{ (mustToDate "Jan 2 2006 3:04pm" "Mar 9 2024 11:30pm").UTC }}', '{{ base64decode "aGk" }}',
    '<a href="{{ safeUrl .ExternalURL }}">{{ toJson .GroupLabels }}</a><script>var d = {{ .GroupLabels }};</script>',
]


def test_tricky_templates_render_as_amtool_renders_them(oracle, data_files):
    cases = [(t, ttype) for t in TRICKY + TRICKY_LATER for ttype in ("text", "html")]
    mismatches = compare(oracle, cases, data_files, "tricky")
    assert mismatches == []


def test_templates_from_glob_files(oracle, data_files, tmp_path):
    (tmp_path / "a.tmpl").write_text('{{ define "mine" }}M:{{ .Receiver }}{{ end }}{{ define "__subject" }}'
                                     'overridden{{ end }}', encoding="utf-8")
    (tmp_path / "b.tmpl").write_text('{{ define "other" }}{{ template "mine" . }}!{{ end }}', encoding="utf-8")
    (tmp_path / "broken.tmpx").write_text('{{ define "x" }}', encoding="utf-8")
    ok = [('{{ template "other" . }} {{ template "slack.default.title" . }}', "text")]
    assert compare(oracle, ok, {"default": None}, "globs", [str(tmp_path / "*.tmpl")], rendered=1.0) == []
    assert compare(oracle, ok, {"default": None}, "globs", [str(tmp_path / "*.tmpx")], rendered=0.0) == []
    assert compare(oracle, ok, {"default": None}, "globs", [str(tmp_path / "nothing-*.tmpl")], rendered=0.0) == []


def test_data_files_amtool_refuses_are_refused(oracle, tmp_path):
    cases = {"array": "[]", "number label": '{"commonLabels": {"a": 1}}', "bad time": '{"alerts": [{"startsAt": "x"}]}',
             "not json": "receiver: x", "null": "null", "case": '{"RECEIVER": "r", "Alerts": null}',
             "nan": '{"receiver": NaN}', "trailing": '{"receiver": "r"} x'}
    files = {}
    for name, content in cases.items():
        path = tmp_path / (name.replace(" ", "_") + ".json")
        path.write_text(content, encoding="utf-8")
        files[name] = path
    assert compare(oracle, [("{{ .Receiver }}|{{ len .Alerts }}", "text")], files, "data files", rendered=0.2) == []


# ------------------------------------------------------------------------------------ generated templates

_FIELDS = [".Status", ".Receiver", ".ExternalURL", ".Alerts", ".Alerts.Firing", ".Alerts.Resolved", ".GroupLabels",
           ".CommonLabels", ".CommonAnnotations", ".CommonLabels.SortedPairs", ".GroupLabels.Names",
           ".CommonAnnotations.Values", ".CommonLabels.alertname", ".Labels", ".Labels.alertname", ".Name",
           ".Value", ".Annotations.summary", ".Fingerprint", ".GeneratorURL", ".Nope", ".", "$", "$.Status",
           "$.Alerts", ".CommonLabels.SortedPairs.Values"]
_LITERALS = ['"x"', '"<b>&\'"', '"é"', "1", "0", "-2", "1.5", "true", "false", "nil", "'a'", "`raw`", '""']
_FUNCS1 = ["len", "toUpper", "toLower", "title", "trimSpace", "safeHtml", "html", "js", "urlquery", "not", "print",
           "println", "stringSlice", "index", "slice", "toJson", "base64encode", "base64decode", "urlUnescape",
           "humanizeDuration", "list", "safeUrl"]
_FUNCS2 = ["eq", "ne", "lt", "le", "gt", "ge", "and", "or", "join", "match", "index", "printf", "print", "slice",
           "dict", "append", "date", "tz", "list"]
_FORMATS = ['"%s"', '"%d"', '"%v"', '"%q"', '"%5.1f"', '"%x"', '"%-4s|"', '"%t"', '"%03d"', '"%s %s"', '"%"']


def _operand():
    return st.one_of(st.sampled_from(_FIELDS), st.sampled_from(_LITERALS))


@st.composite
def _pipeline(draw, depth=0):
    kind = draw(st.integers(0, 5))
    if kind == 0 or depth > 1:
        head = draw(_operand())
    elif kind == 1:
        head = draw(st.sampled_from(_FUNCS1)) + " " + draw(_operand())
    elif kind == 2:
        name = draw(st.sampled_from(_FUNCS2))
        first = draw(st.sampled_from(_FORMATS)) if name == "printf" else draw(_operand())
        head = f"{name} {first} {draw(_operand())}"
    elif kind == 3:
        head = "(" + draw(_pipeline(depth + 1)) + ")"
    elif kind == 4:
        head = f"printf {draw(st.sampled_from(_FORMATS))} {draw(_operand())}"
    else:
        head = draw(_operand()) + " | " + draw(st.sampled_from(["len", "toUpper", "printf \"<%v>\"", "print",
                                                                "html", "urlquery", "not", "title", "js"]))
    return head


_TEXT = ["a", " ", "\n", "<b>", "</b>", "&amp;", "é", '<a href="', '">', "<!-- c -->", "x=", "<title>", "</title>"]


@st.composite
def _template(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 9 if depth < 2 else 3))
        trim_l = draw(st.sampled_from(["", "", "- "]))
        trim_r = draw(st.sampled_from(["", "", " -"]))
        if kind <= 1:
            parts.append(draw(st.sampled_from(_TEXT)))
        elif kind <= 3:
            parts.append("{{" + trim_l + draw(_pipeline()) + trim_r + "}}")
        elif kind == 4:
            body = draw(_template(depth + 1))
            other = draw(st.sampled_from(["", "{{ else }}-"]))
            parts.append(f"{{{{ if {draw(_pipeline())} }}}}{body}{other}{{{{ end }}}}")
        elif kind == 5:
            body = draw(_template(depth + 1))
            ctl = draw(st.sampled_from(["", "{{ break }}", "{{ continue }}", "{{ if eq $i 1 }}{{ break }}{{ end }}"]))
            decl = draw(st.sampled_from(["", "$i, $e := ", "$e := "]))
            if "$i" in ctl and "$i" not in decl:
                decl = "$i, $e := "
            parts.append(f"{{{{ range {decl}{draw(_pipeline())} }}}}{ctl}{body}{{{{ else }}}}!{{{{ end }}}}")
        elif kind == 6:
            parts.append(f"{{{{ with {draw(_pipeline())} }}}}{draw(_template(depth + 1))}{{{{ end }}}}")
        elif kind == 7:
            parts.append(f'{{{{ $v := {draw(_pipeline())} }}}}{{{{ $v }}}}')
        elif kind == 8:
            parts.append(draw(st.sampled_from(['{{ template "__subject" . }}', '{{ template "x" }}',
                                               '{{ define "d" }}D{{ . }}{{ end }}{{ template "d" .Status }}',
                                               "{{/* c */}}", "{{ .Alerts | len }}"])))
        else:  # a damaged action
            parts.append(draw(st.sampled_from(["{{", "}}", "{{ ) }}", "{{ if }}", "{{ end }}", "{{ $nope }}",
                                               "{{ | len }}", '{{ "x }}', "{{ 1 2 }}", "{{ .A.B.C }}",
                                               "{{ index . }}", "{{ else }}"])))
    return "".join(parts)


@st.composite
def _case(draw):
    return draw(_template()), draw(st.sampled_from(["text", "text", "html"]))


def generated_cases(count: int) -> list[tuple[str, str]]:
    """`count` templates from the grammar above, as hypothesis generates them (deterministically); they are
    collected first and compared afterwards, so that amtool renders them in a few runs."""
    cases: list[tuple[str, str]] = []

    @given(_case())
    @settings(max_examples=count * 2, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def collect(case):
        cases.append(case)

    collect()
    return list(dict.fromkeys(cases))[:count]


def test_the_generated_templates_are_varied():
    cases = generated_cases(EXAMPLES)
    assert len(cases) == EXAMPLES
    assert sum(1 for text, _ in cases if "{{" in text) >= EXAMPLES * 0.7
    assert any(ttype == "html" for _, ttype in cases)


@pytest.mark.oracle
def test_generated_templates_render_as_amtool_renders_them(oracle, data_files):
    mismatches = compare(oracle, generated_cases(EXAMPLES), data_files, "generated")
    assert mismatches == []
