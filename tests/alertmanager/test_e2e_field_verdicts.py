"""Receiver fields obslint reports (A203-A207) are the ones a real Alertmanager fails to send.

`amtool check-config` accepts any receiver field (Alertmanager parses it only when it sends: the test checks
that it accepts every config here), so the oracle
for these checks is a real server: Alertmanager 0.25 (Debian's) and 0.35 (built beside the 0.35 amtool
oracle, or $OBSLINT_ALERTMANAGER_0_35) on 127.0.0.1, one receiver per case whose Slack `title` is the case's
text, sent to a loopback server that records what arrives; one alert per case is posted.

The cases: hand-written ones (each check's kind, and clean texts) and generated straight-line texts (no
branch that may not run: every action runs on the alert), from fields, methods, Alertmanager's and Go's
functions with right and wrong arguments, templates, variables and damaged actions. For every case:

- obslint's static verdict (an error among A203-A207 on the field) equals Alertmanager's (nothing arrives:
  the notification failed), except failures only execution can know (an index out of range, ...): those
  must be predicted by obslint's preview, which renders the field with the alert's data;
- obslint's preview equals what arrives, byte for byte, when it arrives.

From 0.32 Alertmanager's Slack notifier does not check the template error: it sends the message with the
failing field and every field rendered after it empty (the case's `text: ok`, rendered after the title,
arrives empty). The preview shows that too (sent_blank); before 0.32 nothing is sent.

Figures (agree / compared, failures) are printed per version (`pytest -s`) and written to
test-artifacts/field-verdicts-e2e.json. The test is bounded (DEADLINE_S per server).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import am_servers
import pytest
from helpers import REPO, free_port, stop
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obslint.alertmanager import notifications as N
from obslint.config import Config
from obslint.core.findings import Severity
from obslint.engine.lint import lint_paths, load_alertmanager

DEADLINE_S = 40
EXAMPLES = int(os.environ.get("OBSLINT_FIELD_EXAMPLES", "80"))
SEND_TIME = {"A203", "A204", "A205", "A206", "A207"}
FIGURES: dict[str, dict] = {}
# what only executing can find: obslint's preview must fail there, its static check cannot know
RUNTIME_ONLY = re.compile(r"out of range|index of untyped nil|error calling|invalid|cannot index slice/array with "
                          r"nil|can't give argument to non-function|can't call method|nil pointer|"
                          r"not a method but has arguments|incompatible types for comparison")

HAND = [
    "{{ .CommonLabels.alertname }} on {{ .CommonLabels.instance }}",
    "{{ range .Alerts }}{{ .Labels.case }} {{ .Annotations.summary }}{{ end }}",
    '{{ .Status | toUpper }} {{ join ", " .CommonLabels.SortedPairs.Values }}',
    '{{ template "slack.default.title" . }}',
    "{{ .Labels.alertname }}",  # A205: the notification has no .Labels
    "{{ range .Alerts }}{{ .CommonLabels.x }}{{ end }}",  # A205: an alert has no .CommonLabels
    "{{ .CommonAnnotations.summary | humanize }}",  # A204: Prometheus's
    "{{ $labels.instance }}",  # A203: Prometheus's variable
    "{{ .Status }",  # A203: syntax
    '{{ template "nope" . }}',  # A206
    "{{ join .CommonLabels.Values }}",  # A207: argument count
    "{{ toUpper 1 }}",  # A207: argument type
    "{{ range .Status }}x{{ end }}",  # A207: cannot range over a string
    "{{ .Alerts.Firing 1 }}",  # A207: a method without arguments
    "{{ index .Alerts 5 }}",  # only execution knows: out of range
    "{{ (index .Alerts 0).Fingerprint }} {{ .Receiver }} {{ .ExternalURL }}",
    "{{ .CommonLabels.SortedPairs.Names | len }} {{ .GroupLabels.Remove (stringSlice \"case\") }}",
]
HAND_NEWER = ["{{ .CommonLabels.alertname | trimSpace }}", "{{ toJson .GroupLabels }}",
              '{{ (index .Alerts 0).StartsAt | date "2006-01-02" }}', '{{ dict "a" .Status }}']

_ROOTS = [".", "$.", "(index .Alerts 0)."]
_NAMES = ["Status", "Alerts", "CommonLabels", "Labels", "Annotations", "Foo", "SortedPairs", "Name", "Value",
          "Firing", "Resolved", "Receiver", "StartsAt", "Values", "Names", "GroupLabels", "alertname", "summary",
          "Fingerprint", "ExternalURL", "CommonAnnotations", "case"]
_CONTEXTS = ["{x}", "{{{{ range .Alerts }}}}{x}{{{{ end }}}}",
             "{{{{ range .CommonLabels.SortedPairs }}}}{x}{{{{ end }}}}",
             "{{{{ with index .Alerts 0 }}}}{x}{{{{ end }}}}", "{{{{ range $a := .Alerts }}}}{x}{{{{ end }}}}"]
_LITERALS = ['"x"', "1", "-2", "1.5", "true", "nil", '""', '"a,b"']
_FUNCS = {"len": 1, "toUpper": 1, "toLower": 1, "title": 1, "trimSpace": 1, "safeHtml": 1, "html": 1, "urlquery": 1,
          "not": 1, "stringSlice": 1, "toJson": 1, "join": 2, "match": 2, "index": 2, "eq": 2, "lt": 2, "and": 2,
          "reReplaceAll": 3, "printf": 2, "slice": 2, "humanize": 1, "query": 1, "date": 2}


@st.composite
def _operand(draw) -> str:
    if draw(st.booleans()):
        return draw(st.sampled_from(_LITERALS))
    root = draw(st.sampled_from(_ROOTS + ["$a."]))
    chain = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=3))
    return root + ".".join(chain)


@st.composite
def _action(draw) -> str:
    kind = draw(st.integers(0, 4))
    if kind <= 1:
        return "{{ " + draw(_operand()) + " }}"
    name = draw(st.sampled_from(sorted(_FUNCS)))
    count = _FUNCS[name] + draw(st.sampled_from([0, 0, 0, -1, 1]))
    args = [draw(_operand()) for _ in range(max(count, 0))]
    if kind == 2:
        return "{{ " + " ".join([name, *args]) + " }}"
    if not args:
        return "{{ " + draw(_operand()) + " | " + name + " }}"
    return "{{ " + " ".join([name, *args[1:]]) + " }}" if kind == 3 else \
        "{{ " + args[-1] + " | " + " ".join([name, *args[:-1]]) + " }}"


@st.composite
def _field(draw) -> str:
    text = draw(st.sampled_from(_CONTEXTS)).format(x=draw(_action()))
    if "$a." in text and "$a :=" not in text:
        text = text.replace("$a.", ".")
    return text


def generated(count: int) -> list[str]:
    out: list[str] = []

    @given(_field())
    @settings(max_examples=count * 3, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def collect(text):
        out.append(text)

    collect()
    return list(dict.fromkeys(out))[:count]


@pytest.fixture(scope="module", params=["0.25", "0.35"])
def server(request) -> tuple[str, tuple[int, int]]:
    return am_servers.alertmanager_binary(request.param)


def write_config(folder: Path, texts: list[str], port: int) -> tuple[Path, dict[int, int]]:
    """One receiver per case, its Slack title the case's text on a line of its own: the config and, per
    case, the line of its title."""
    lines = ["route:", "  receiver: sink", "  group_by: [case]", "  group_wait: 1s", "  group_interval: 1s",
             "  repeat_interval: 1h", "  routes:"]
    lines += [f"    - {{matchers: ['case=\"{i}\"'], receiver: r{i}}}" for i in range(len(texts))]
    lines += ["receivers:", "  - name: sink"]
    title_lines = {}
    for i, text in enumerate(texts):
        lines += [f"  - name: r{i}", "    slack_configs:", f"      - api_url: http://127.0.0.1:{port}/slack/r{i}",
                  "        text: ok"]
        title_lines[i] = len(lines) + 1
        lines.append("        title: " + json.dumps(text))
    path = folder / "alertmanager.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, title_lines


def test_fields_obslint_reports_are_those_alertmanager_fails_to_send(server, tmp_path):
    binary, version = server
    texts = HAND + (HAND_NEWER if version >= (0, 28) else []) + generated(EXAMPLES)
    recorder = am_servers.Recorder()
    config_path, title_lines = write_config(tmp_path, texts, recorder.port)
    # amtool check-config does not render receiver fields: it accepts the config, failing fields and all
    amtool = Path(binary).parent / "amtool" if version > (0, 25) else Path(shutil.which("amtool") or "amtool")
    checked = subprocess.run([str(amtool), "check-config", str(config_path)], capture_output=True, text=True,
                             timeout=60)
    assert checked.returncode == 0, checked.stdout[-1000:] + checked.stderr[-500:]
    findings = lint_paths([config_path], Config(root=tmp_path, alertmanager_version=version))
    flagged = {f.line: f for f in findings if f.code in SEND_TIME}
    model, loading = load_alertmanager(config_path, Config(alertmanager_version=version))
    assert model is not None and not [f for f in loading if f.code < "A200" and f.severity == Severity.ERROR], loading
    files = N.config_files(model, str(config_path))
    now = datetime.now(UTC).replace(microsecond=0)
    alerts = [N.AlertInput({"alertname": "FieldCase", "case": str(i), "job": "e2e", "instance": "host-a:9100"},
                           {"summary": f"case {i} <b>&", "description": "d"}, now - timedelta(minutes=1),
                           now + timedelta(hours=1)) for i in range(len(texts))]
    previews = {}
    for note in N.preview(model, files, alerts, at=now, external_url="http://am.e2e.example:9093"):
        previews[note.group.receiver] = (note, note.fields_by_path["title"], note.fields_by_path["text"])
    assert len(previews) == len(texts)
    port = free_port()
    proc = subprocess.Popen([binary, f"--config.file={config_path}", f"--web.listen-address=127.0.0.1:{port}",
                             f"--storage.path={tmp_path / 'data'}", "--cluster.listen-address=",
                             "--web.external-url=http://am.e2e.example:9093"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        am_servers.wait_ready(base, proc)
        am_servers.post_alerts(base, alerts)
        sendable = sum(title.error is None or note.sent_blank for note, title, _ in previews.values())
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline and len(recorder.received) < sendable:
            time.sleep(0.2)
        time.sleep(3)  # a notification obslint thinks fails has had time to arrive
        arrived = {receiver: (body["attachments"][0].get("title") or "", body["attachments"][0].get("text") or "")
                   for receiver, body in recorder.by_kind("slack")}
    finally:
        stop(proc)
        recorder.close()

    static_wrong, preview_wrong, runtime_only, value_wrong = [], [], [], []
    failures = 0
    for i, text in enumerate(texts):
        name = f"r{i}"
        # a failed field: nothing is sent (0.25-0.31), or Slack sends it and every later field empty (0.32+):
        # the constant `text: ok`, rendered after the title, then arrives empty
        failed = name not in arrived or arrived[name][1] != "ok"
        failures += failed
        note, preview, after = previews[name]
        if (preview.error is not None) != failed or note.sent_blank != (failed and version >= (0, 32)):
            preview_wrong.append((text, preview.error, arrived.get(name)))
        elif name in arrived and (preview.value, after.value) != arrived[name]:
            value_wrong.append((text, preview.value, arrived[name]))
        claimed = title_lines[i] in flagged
        if claimed != failed:
            if failed and not claimed and preview.error and RUNTIME_ONLY.search(preview.error):
                runtime_only.append(text)
            else:
                static_wrong.append((text, flagged[title_lines[i]].message if claimed else None,
                                     preview.error, arrived.get(name)))
    assert version < (0, 32) or len(arrived) == len(texts), "Slack from 0.32 sends even when a field fails"
    static_equal = len(texts) - len(static_wrong) - len(runtime_only)
    FIGURES[".".join(map(str, version))] = {
        "fields": len(texts), "failed_in_alertmanager": failures, "static_equal": static_equal,
        "runtime_only_failures_predicted_by_preview": len(runtime_only), "runtime_only": runtime_only,
        "preview_verdict_equal": len(texts) - len(preview_wrong), "sent": len(arrived),
        "preview_identical": len(arrived) - len(value_wrong)}
    print(f"\nAlertmanager {'.'.join(map(str, version))}: {len(texts)} fields, {failures} fail "
          f"({'sent blank' if version >= (0, 32) else 'nothing sent'}); A203-A207 verdict equal on {static_equal}, "
          f"{len(runtime_only)} failures only execution finds (each predicted by the preview); preview verdict "
          f"equal on {len(texts) - len(preview_wrong)}; {len(arrived) - len(value_wrong)}/{len(arrived)} sent "
          f"messages' title and text byte-identical to the preview")
    out = REPO / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "field-verdicts-e2e.json").write_text(json.dumps(FIGURES, indent=2) + "\n")
    assert 0 < failures < len(texts), "the cases must include fields that send and fields that fail"
    assert not preview_wrong, preview_wrong[:5]
    assert not value_wrong, value_wrong[:5]
    assert not static_wrong, static_wrong[:5]
