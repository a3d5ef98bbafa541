
from helpers import REPO
from oracles import promtool_verdicts

from obslint.checks.registry import all_checks
from obslint.config import Config
from obslint.core.findings import Severity
from obslint.engine.lint import lint_paths

# the rule-file format as promtool checks it: obslint's own rule checks (R101 and up) are tested elsewhere
OWN_RULE_CHECKS = frozenset(c.code for c in all_checks() if c.code[0] == "R" and int(c.code[1:]) >= 100)
V2 = Config(prometheus_version=(2, 42), disable=OWN_RULE_CHECKS)


def errors(findings):
    return [f for f in findings if f.severity == Severity.ERROR]


def validation_errors(findings):
    """The errors of what promtool checks too (YAML, rulefmt, PromQL), not obslint's own rule checks."""
    return [f for f in errors(findings) if f.code[0] in "YP" or (f.code[0] == "R" and int(f.code[1:]) < 100)]


def lint_text(tmp_path, text, config=V2):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return lint_paths([path], config)


def test_every_corpus_rule_file_verdict_equals_promtool_2_42(promtool, corpus):
    files = sorted(p for p in (corpus / "rules").glob("*/*") if p.suffix in (".yml", ".yaml"))
    assert len(files) == 156
    verdicts = promtool_verdicts(promtool, files)
    mismatches = {}
    for path in files:
        ours = not validation_errors(lint_paths([path], V2))
        theirs, stderr = verdicts[path]
        if ours != theirs:
            mismatches[path.name] = (ours, stderr[:200])
    assert mismatches == {}
    assert sum(1 for v in verdicts.values() if not v[0]) == 17  # the corpus has bad files to catch


def test_promql_error_points_into_the_expression(tmp_path):
    text = ("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: |\n          sum(rate(x[5m]))\n"
            "            + limitk(1, y)\n")
    [finding] = lint_text(tmp_path, text)
    assert (finding.code, finding.line, finding.column) == ("P002", 7, 15)


def test_template_error_points_into_the_annotation(tmp_path):
    text = ('groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n'
            '        annotations:\n          summary: "down: {{ $label.instance }}"\n')
    [finding] = lint_text(tmp_path, text)
    assert finding.code == "R013"
    assert (finding.line, finding.column) == (7, 30)
    assert '"$label"' in finding.message


def test_prometheus_rule_resource_is_read_from_spec_groups(tmp_path):
    text = ("apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: x\n"
            "spec:\n  groups:\n    - name: g\n      rules:\n        - alert: A\n          expr: up ==\n")
    [finding] = lint_text(tmp_path, text)
    assert finding.code == "P001" and finding.line == 10


def test_utf8_label_names_are_valid_on_3x_only(tmp_path):
    text = ("groups:\n  - name: g\n    rules:\n      - record: r\n        expr: '1'\n        labels:\n"
            "          ins-tance: x\n")
    assert [f.code for f in lint_text(tmp_path, text)] == ["R010"]
    assert lint_text(tmp_path, text, Config(prometheus_version=(3, 5), disable=OWN_RULE_CHECKS)) == []


def test_group_fields_of_newer_versions_are_flagged(tmp_path):
    text = "groups:\n  - name: g\n    query_offset: 1m\n    rules: []\n"
    [finding] = lint_text(tmp_path, text)
    assert finding.code == "R001" and "2.53" in finding.message
    assert lint_text(tmp_path, text, Config(prometheus_version=(3, 0), disable=OWN_RULE_CHECKS)) == []


def test_repository_rules_pass_obslint_and_promtool(promtool):
    repo = REPO
    files = sorted((repo / "rules").glob("*.yaml"))
    assert files
    assert lint_paths(files, Config(prometheus_version=(2, 42))) == []  # every check, policy included
    assert all(ok for ok, _ in promtool_verdicts(promtool, files).values())


def test_parallel_and_serial_linting_give_the_same_findings(corpus):
    from obslint.engine import lint

    paths = [corpus / "rules"]
    serial = lint_paths(paths, V2, jobs=1)
    assert len(lint._chunks(list(enumerate(lint.discover(paths, V2))), 2)) > 2  # large enough to split
    assert lint_paths(paths, V2, jobs=2) == serial
    assert any(f.severity == Severity.ERROR for f in serial)


def test_braces_in_a_recording_rule_name_are_refused_from_3_2(tmp_path, each_promtool):
    """promtool 3.2 and later refuse `{` and `}` in `record` (3.0 and 3.1 take any UTF-8 name, 2.x only
    the legacy ones): obslint's verdict is the oracle's at each target."""
    from obslint.config import parse_version

    version = parse_version(each_promtool.version)
    text = 'groups:\n  - name: g\n    rules:\n      - record: job:up{env="prod"}\n        expr: "1"\n'
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    ours = not validation_errors(lint_paths([path], Config(prometheus_version=version, disable=OWN_RULE_CHECKS)))
    theirs, stderr = promtool_verdicts(str(each_promtool.path), [path])[path]
    assert ours == theirs, (each_promtool.version, stderr)
    for target, accepted in (((2, 53), False), ((3, 1), True), ((3, 2), False), ((3, 16), False)):
        found = lint_paths([path], Config(prometheus_version=target, disable=OWN_RULE_CHECKS))
        assert ("R009" not in {f.code for f in errors(found)}) is accepted, target
