"""The reports CI systems read, validated against their published schemas (tests/data/SOURCES.md) and the
consumers' documented requirements: SARIF for GitHub code scanning, GitLab Code Quality, GitHub workflow
annotations; paths relative to the repository's root wherever obslint runs; the text report's summary and
colours."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote, urlparse

import jsonschema
import pytest
from helpers import DATA, TEAM_POLICY, git_repo, obslint

TOML = 'disable = ["required-annotations"]\n' + TEAM_POLICY
RULES = """groups:
  - name: api
    rules:
      - alert: NoTeam
        expr: up == 0
        labels: {severity: warning}
      - alert: AlsoNoTeam
        expr: up == 1
        labels: {severity: warning}
      - alert: Broken
        expr: sum(rate(x[5m])
        labels: {severity: critical, team: api}
"""
NAME = "rules/on call é.yaml"  # a space and a non-ASCII letter: percent-encoded in URIs


@pytest.fixture
def repo(tmp_path):
    """A git repository whose rules/ holds three findings; reports are made from its rules/ folder."""
    return git_repo(tmp_path / "repo", {"obslint.toml": TOML, NAME: RULES})


def report(repo, fmt: str):
    proc = obslint("check", "--format", fmt, ".", cwd=repo / "rules")
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def github_code_scanning_problems(document: dict) -> list[str]:
    """What GitHub's "SARIF support for code scanning" requires beyond the schema, for each rule and
    result (rule help text and URI, level, message, a location relative to the checkout, partial
    fingerprints that tell results apart)."""
    problems = []
    for run in document["runs"]:
        rules = run["tool"]["driver"]["rules"]
        for rule in rules:
            if not rule.get("help", {}).get("text"):
                problems.append(f"rule {rule['id']}: no help.text")
            if urlparse(rule.get("helpUri", "")).scheme not in ("http", "https"):
                problems.append(f"rule {rule['id']}: helpUri is not an absolute URL")
            if not rule.get("shortDescription", {}).get("text") or not rule.get("fullDescription", {}).get("text"):
                problems.append(f"rule {rule['id']}: no short or full description")
        seen = set()
        for result in run["results"]:
            if result.get("level") not in ("error", "warning", "note", "none"):
                problems.append(f"result: level {result.get('level')!r}")
            if not result.get("message", {}).get("text"):
                problems.append("result: no message.text")
            if rules[result["ruleIndex"]]["id"] != result["ruleId"]:
                problems.append("result: ruleIndex points at another rule")
            fingerprints = result.get("partialFingerprints") or {}
            if not fingerprints:
                problems.append("result: no partialFingerprints")
            key = tuple(sorted(fingerprints.items()))
            if key in seen:
                problems.append(f"result: partialFingerprints {key} twice")
            seen.add(key)
            location = result["locations"][0]["physicalLocation"]
            artifact = location["artifactLocation"]
            if artifact.get("uriBaseId") != "%SRCROOT%" or urlparse(artifact["uri"]).scheme or \
                    artifact["uri"].startswith("/"):
                problems.append(f"result: {artifact} is not relative to %SRCROOT%")
            if not re.fullmatch(r"[A-Za-z0-9\-._~/%]+", artifact["uri"]):
                problems.append(f"result: {artifact['uri']!r} is not percent-encoded")
            if location["region"]["startLine"] < 1:
                problems.append("result: startLine under 1")
    return problems


def test_sarif_is_valid_and_what_github_code_scanning_requires(repo):
    document = json.loads(report(repo, "sarif"))
    jsonschema.validate(document, json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")))
    assert github_code_scanning_problems(document) == []
    results = document["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"rules/on%20call%20%C3%A9.yaml"} and unquote(uris.pop()) == NAME  # from the root, not rules/
    assert sorted(r["ruleId"] for r in results) == ["P001", "R131", "R131"]
    assert document["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"


def test_the_sarif_requirements_check_can_fail(repo):
    """The check above is no formality: the SARIF obslint wrote before this issue fails it."""
    document = json.loads(report(repo, "sarif"))
    for rule in document["runs"][0]["tool"]["driver"]["rules"]:
        del rule["help"], rule["helpUri"]
    for result in document["runs"][0]["results"]:
        del result["partialFingerprints"]
        result["locations"][0]["physicalLocation"]["artifactLocation"] = {"uri": "on call é.yaml"}
    problems = github_code_scanning_problems(document)
    assert any("help.text" in p for p in problems) and any("partialFingerprints" in p for p in problems)
    assert any("percent-encoded" in p for p in problems) and any("%SRCROOT%" in p for p in problems)


def test_partial_fingerprints_survive_moved_lines(repo):
    def fingerprints():
        return sorted(r["partialFingerprints"]["obslintFingerprint/v1"]
                      for r in json.loads(report(repo, "sarif"))["runs"][0]["results"])

    before = fingerprints()
    (repo / NAME).write_text("# moved down\n\n" + RULES, encoding="utf-8")
    assert fingerprints() == before


def test_gitlab_code_quality_report_is_valid(repo):
    schema = json.loads((DATA / "gitlab-codequality.schema.json").read_text(encoding="utf-8"))
    text = report(repo, "gitlab")
    assert not text.startswith("\ufeff")  # GitLab's parser refuses a byte order mark
    issues = json.loads(text)
    jsonschema.validate(issues, schema)
    assert len({i["fingerprint"] for i in issues}) == len(issues) == 3  # alike findings stay apart
    assert {(i["check_name"], i["severity"], i["location"]["path"]) for i in issues} == {
        ("P001", "major", NAME), ("R131", "minor", NAME)}
    assert sorted(i["location"]["lines"]["begin"] for i in issues) == [4, 7, 11]
    # and the schema does refuse what GitLab does not read
    for wrong in ({"path": "./" + NAME, "lines": {"begin": 4}}, {"path": NAME}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate([{**issues[0], "location": wrong}], schema)


def test_github_annotations_and_json_use_paths_from_the_repository_root(repo):
    lines = report(repo, "github").splitlines()
    assert all(line.startswith(f"::{level} file={NAME},line=") for line in lines
               for level in [line[2:].split(" ")[0]])
    assert {f["path"] for f in json.loads(report(repo, "json"))} == {NAME}
    assert all(line.startswith(f"{NAME}:") for line in report(repo, "text").splitlines())


def test_text_has_a_summary_on_stderr_and_colours_only_when_asked(repo):
    plain = obslint("check", ".", cwd=repo)
    assert "\033[" not in plain.stdout and plain.stdout.count("\n") == 3
    assert plain.stderr == "obslint: 3 finding(s): 1 error(s), 2 warning(s), 0 info\n"
    forced = obslint("check", ".", cwd=repo, env={"FORCE_COLOR": "1"})
    assert "\033[31merror\033[0m" in forced.stdout and "\033[33mwarning\033[0m" in forced.stdout
    assert re.sub(r"\033\[\d+m", "", forced.stdout) == plain.stdout
    assert "\033[" not in obslint("check", ".", cwd=repo, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    # a report written to a file never has colours
    obslint("check", "-o", "out.txt", ".", cwd=repo, env={"FORCE_COLOR": "1"})
    assert (repo / "out.txt").read_text(encoding="utf-8") == plain.stdout


def test_a_terminal_gets_colours_unless_no_color(repo):
    import os
    import pty
    import subprocess

    from helpers import OBSLINT

    def on_a_terminal(env: dict) -> str:
        leader, follower = pty.openpty()
        environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        proc = subprocess.run([OBSLINT, "check", "."], cwd=repo, stdout=follower, stderr=subprocess.PIPE,
                              env={**environment, **env}, timeout=120)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert proc.returncode == 1
        return b"".join(chunks).decode("utf-8")

    assert "\033[31merror\033[0m" in on_a_terminal({})
    assert "\033[" not in on_a_terminal({"NO_COLOR": "1"})
