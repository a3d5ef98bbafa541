import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from helpers import CORPUS, DATA, TEAM_POLICY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obslint.checks.registry import all_checks
from obslint.cli import cli

BAD = ("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up ==\n"
       "      - record: job:up:sum\n        expr: sum by (job) (up)\n        for: 5m\n")
WARN_ONLY = ("groups:\n  - name: g\n    rules:\n      - record: a:b:c\n        expr: up\n"
             "      - record: a:b:c\n        expr: up\n")


def run(args, cwd=None):
    runner = CliRunner()
    return runner.invoke(cli, args, catch_exceptions=False)


POLICY_OFF = 'disable = ["required-labels", "required-annotations", "recording-rule-unused"]\n'


@pytest.fixture
def bad_file(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    (tmp_path / "obslint.toml").write_text(POLICY_OFF, encoding="utf-8")  # these tests are about reporting
    return path


def test_text_format_and_exit_code_1(bad_file):
    result = run(["check", "--prometheus-version", "2.42", str(bad_file)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].endswith("error P001 promql-syntax: group \"g\", rule 1 \"A\": unexpected end of input") or \
        ":5:15: error P001 promql-syntax:" in lines[0]
    assert ":8:9: error R008 recording-rule-field:" in lines[1]


def test_json_format_has_exactly_the_documented_keys(bad_file):
    result = run(["check", "--format", "json", str(bad_file)])
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert [set(d) for d in data] == [{"path", "line", "column", "code", "name", "severity", "message", "subject",
                                       "fingerprint"}] * 2
    # P001 where promtool puts it: the end of `up ==` (its 1:6 in the expression)
    assert [(d["code"], d["line"], d["column"]) for d in data] == [("P001", 5, 20), ("R008", 8, 9)]


def test_github_format_annotates_file_line_and_column(bad_file):
    result = run(["check", "--format", "github", str(bad_file)])
    first = result.output.splitlines()[0]
    assert first.startswith("::error file=") and ",line=5,col=20,title=P001 promql-syntax::" in first


def test_sarif_validates_against_the_2_1_0_schema(bad_file, tmp_path):
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    result = run(["check", "--format", "sarif", str(bad_file)])
    document = json.loads(result.output)
    jsonschema.validate(document, schema)
    results = document["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["P001", "R008"]
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 5, "startColumn": 20}
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == {c.code for c in all_checks()}


def test_warnings_exit_0_unless_strict(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(WARN_ONLY, encoding="utf-8")
    assert run(["check", str(path)]).exit_code == 0
    assert run(["check", "--strict", str(path)]).exit_code == 1


def test_usage_and_config_errors_exit_2(tmp_path):
    assert run(["check", "--format", "xml"]).exit_code == 2
    assert run(["check", "--prometheus-version", "two", str(tmp_path)]).exit_code == 2
    (tmp_path / "obslint.toml").write_text('unknown-key = 1\n', encoding="utf-8")
    result = run(["check", str(tmp_path)])
    assert result.exit_code == 2 and "unknown key" in result.output


def test_missing_path_is_a_usage_error(tmp_path):
    result = run(["check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "nope.yaml" in result.output


def test_inline_suppressions(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "groups:\n  - name: g\n    rules:\n"
        "      - record: job:up:sum\n"
        "        expr: sum by (job) (up)\n"
        "        for: 5m  # obslint: disable=R008\n"
        "      # obslint: disable=recording-rule-field\n"
        "      - record: job:up:max\n"
        "        expr: max by (job) (up)\n"
        "        for: 5m\n", encoding="utf-8")
    result = run(["check", str(path)])
    assert ":10:9: error R008" in result.output
    assert ":6:" not in result.output
    path.write_text("# obslint: disable-file=R008\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert run(["check", str(path)]).exit_code == 0


def test_config_disables_and_changes_severity(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "r.yaml").write_text(BAD, encoding="utf-8")
    (tmp_path / "obslint.toml").write_text(
        'disable = ["promql-syntax", "required-labels", "required-annotations", "recording-rule-unused"]\n'
        '[severity]\nR008 = "warning"\n', encoding="utf-8")
    result = run(["check", "--format", "json", str(tmp_path)])
    data = json.loads(result.output)
    assert [(d["code"], d["severity"]) for d in data] == [("R008", "warning")]
    assert result.exit_code == 0


def test_checks_and_explain():
    listing = run(["checks"]).output
    assert all(c.code in listing for c in all_checks())
    explained = run(["explain", "R001"])
    assert explained.exit_code == 0 and "Bad:" in explained.output and "Good:" in explained.output
    assert run(["explain", "unknown-field"]).output == explained.output
    assert run(["explain", "Z999"]).exit_code == 2


def test_console_script_and_module_entry_points_run(bad_file):
    script = Path(sys.executable).parent / "obslint"
    for entry in ([sys.executable, "-m", "obslint"], [str(script)] if script.exists() else []):
        if entry:
            proc = subprocess.run([*entry, "check", str(bad_file)], capture_output=True, text=True)
            assert proc.returncode == 1 and "P001" in proc.stdout and "Traceback" not in proc.stderr


def test_a_large_report_is_written_whole_before_the_quick_exit(tmp_path):
    # the CLI ends with os._exit once its output is flushed: a report far larger than a pipe's buffer,
    # to standard output and to a file, must still arrive whole
    rules = "".join(f"  - record: not_level_metric_operation_{i}\n    expr: vector({i})\n" for i in range(3000))
    path = tmp_path / "many.yaml"
    path.write_text("groups:\n- name: g\n  rules:\n" + rules, encoding="utf-8")
    out = tmp_path / "report.json"
    command = [sys.executable, "-m", "obslint", "check", "--no-cache", "--format", "json", str(path)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as buffered as a user's shell
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    written = subprocess.run([*command, "--output", str(out)], capture_output=True, text=True, env=env)
    assert proc.returncode == written.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 3000 and len(proc.stdout) > 256 * 1024
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(proc.stdout)


def test_pathological_files_give_findings_quickly(tmp_path):
    import time

    cases = {
        "parens.yaml": "groups:\n- name: g\n  rules:\n  - record: r\n    expr: "
                       + "(" * 10000 + "1" + ")" * 10000 + "\n",
        "chain.yaml": "groups:\n- name: g\n  rules:\n  - record: r\n    expr: "
                      + "+".join(f"m{i}" for i in range(4000)) + "\n",
        "bomb.yaml": "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
            f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)) + "groups: []\n",
        "latin1.yaml": None,
        "big.yaml": None,
    }
    for name, text in cases.items():
        path = tmp_path / name
        if name == "latin1.yaml":
            path.write_bytes("groups:\n- name: caf\xe9\n  rules: []\n".encode("latin-1"))
        elif name == "big.yaml":
            path.write_bytes(b"groups: []\n" + b"#" * (50 * 1024 * 1024))
        else:
            path.write_text(text, encoding="utf-8")
        start = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "obslint", "check", "--format", "json", str(path)],
                              capture_output=True, text=True, timeout=30)
        elapsed = time.monotonic() - start
        assert elapsed < 5, (name, elapsed)
        assert proc.returncode == 1, (name, proc.stderr)
        codes = {f["code"] for f in json.loads(proc.stdout)}
        assert codes & {"P003", "Y004", "Y002", "Y003"}, (name, codes)


def corpus_texts():
    root = CORPUS / "rules"
    files = sorted(root.glob("*/*.y*ml"))[:40] if root.is_dir() else []
    return [f.read_text(encoding="utf-8") for f in files if f.stat().st_size < 20000] or ["groups: []\n"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_corpus_files_never_crash_the_checker(data, tmp_path_factory):
    texts = corpus_texts()
    text = data.draw(st.sampled_from(texts))
    position = data.draw(st.integers(0, max(len(text) - 1, 0)))
    length = data.draw(st.integers(0, 20))
    insert = data.draw(st.text(alphabet=" \n\t:-{}[]()\"'`|>&*!#%@$~=,.aZ09", max_size=10))
    mutated = text[:position] + insert + text[position + length:]
    path = tmp_path_factory.mktemp("m") / "rules.yaml"
    path.write_bytes(mutated.encode("utf-8", "surrogatepass"))
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 1, 2)
    json.loads(result.output)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300))
def test_random_bytes_never_crash_the_checker(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("b") / "rules.yaml"
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 1)


def test_select_and_ignore_take_codes_names_and_prefixes(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(BAD, encoding="utf-8")  # P001 and R008; the policy's R131/R132 too
    (tmp_path / "obslint.toml").write_text(TEAM_POLICY + 'required-annotations = ["summary"]\n', encoding="utf-8")

    def found(*args):
        result = run(["check", "--format", "json", *args, str(rules)])
        return sorted({d["code"] for d in json.loads(result.stdout)}), result.exit_code

    everything, _ = found()
    assert {"P001", "R008", "R131", "R132"} <= set(everything)
    assert found("--select", "R0") == (["R008"], 1)  # a family by prefix
    assert found("--select", "P,R008") == (["P001", "R008"], 1)  # comma-separated
    assert found("--select", "R", "--ignore", "R0", "--ignore", "required-annotations") == (["R131"], 0)
    assert found("--ignore", "ALL") == ([], 0)
    for bad in (["--select", "Z9"], ["--ignore", "no-such-check"]):
        result = run(["check", *bad, str(rules)])
        assert result.exit_code == 2 and bad[1] in result.output


def test_select_by_full_code_overrides_the_configuration(tmp_path):
    (tmp_path / "obslint.toml").write_text('disable = ["recording-rule-field"]\n', encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text(BAD, encoding="utf-8")
    assert "R008" not in run(["check", str(rules)]).stdout
    assert "R008" in run(["check", "--select", "R008", str(rules)]).stdout


def test_hook_mode_lints_only_obslint_files(tmp_path):
    from helpers import obslint, write_tree

    root = write_tree(tmp_path, {
        "package.json": '{"name": "web", "version": "1.0.0", "scripts": {"test": "jest"}}\n',
        ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
        "scripts/deploy.py": "print('deploying')\n",
        "docs/config.yaml": "key: [unclosed\n",
        "monitoring/alerts.yaml": BAD,  # outside the layout, but a rule file
        "grafana/api.json": '{"title": "API", "uid": "api", "panels": [], "schemaVersion": 39}\n',
    })
    files = ["package.json", ".github/workflows/ci.yml", "scripts/deploy.py", "docs/config.yaml",
             "monitoring/alerts.yaml", "grafana/api.json"]
    hooked = obslint("check", "--hook", "--format", "json", *files, cwd=root)
    paths = {f["path"] for f in json.loads(hooked.stdout)}
    assert paths == {"monitoring/alerts.yaml", "grafana/api.json"}, hooked.stdout
    assert hooked.returncode == 1
    # named by a user, the same files are linted as what they look like: package.json as a dashboard
    named = obslint("check", "--format", "json", *files, cwd=root)
    assert {"package.json", "docs/config.yaml"} <= {f["path"] for f in json.loads(named.stdout)}
    only_others = obslint("check", "--hook", "package.json", "scripts/deploy.py", cwd=root)
    assert only_others.returncode == 0 and only_others.stdout == ""
