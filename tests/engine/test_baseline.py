"""The baseline (`obslint check --write-baseline FILE`, `--baseline FILE`): in a real git repository, it keeps
accepting today's findings when lines move and other rules change, and lets a new defect through."""

from __future__ import annotations

import json
from collections import Counter

from helpers import TEAM_POLICY, commit, git_repo, obslint

from obslint.core.findings import Finding, Severity, fingerprint
from obslint.engine.baseline import dump, subtract

TOML = 'disable = ["required-annotations"]\n' + TEAM_POLICY
ALERTS = """groups:
  - name: api
    rules:
      - alert: NoTeam
        expr: up == 0
        labels: {severity: warning}
      - alert: Broken
        expr: sum(rate(x[5m])
        labels: {severity: critical, team: api}
      - alert: Down
        expr: up == 0
        labels: {severity: critical, team: api}
"""


def project(tmp_path):
    return git_repo(tmp_path / "repo", {"obslint.toml": TOML, "rules/alerts.yaml": ALERTS})


def codes(proc) -> list[tuple[str, int]]:
    return [(f["code"], f["line"]) for f in json.loads(proc.stdout)]


def test_line_shifts_and_unrelated_edits_keep_the_baseline_and_a_new_defect_shows(tmp_path):
    root = project(tmp_path)
    before = obslint("check", "--format", "json", ".", cwd=root)
    assert sorted(codes(before)) == [("P001", 8), ("R131", 4)] and before.returncode == 1
    written = obslint("check", "--write-baseline", "obslint-baseline.json", ".", cwd=root)
    assert written.returncode == 0 and "2 finding(s)" in written.stderr
    assert obslint("check", "--baseline", "obslint-baseline.json", ".", cwd=root).returncode == 0
    commit(root, "baseline")

    # comments above, a rule inserted before the broken one (promtool's "rule 2" becomes "rule 3"),
    # and an unrelated rule edited: every accepted finding moved
    shifted = ("# the API's alerts\n# owned by the API team\n\n" + ALERTS).replace(
        "      - alert: Broken\n",
        "      - alert: Inserted\n        expr: up == 2\n        labels: {severity: info, team: api}\n"
        "      - alert: Broken\n").replace("        expr: up == 0\n        labels: {severity: critical",
                                          "        expr: up < 1\n        labels: {severity: critical")
    (root / "rules/alerts.yaml").write_text(shifted, encoding="utf-8")
    commit(root, "shift")
    moved = obslint("check", "--format", "json", ".", cwd=root)
    assert sorted(codes(moved)) == [("P001", 14), ("R131", 7)]  # the same two, at other lines
    kept = obslint("check", "--baseline", "obslint-baseline.json", ".", cwd=root)
    assert kept.returncode == 0 and kept.stdout == "", kept.stdout
    assert "no findings; 2 in the baseline" in kept.stderr

    # a new defect is reported, and only it
    (root / "rules/alerts.yaml").write_text(shifted + "      - alert: AlsoBroken\n        expr: rate(y[5m]\n"
                                            "        labels: {severity: critical, team: api}\n", encoding="utf-8")
    commit(root, "new defect")
    new = obslint("check", "--baseline", "obslint-baseline.json", "--format", "json", ".", cwd=root)
    assert new.returncode == 1
    assert [(f["code"], f["subject"]) for f in json.loads(new.stdout)] == [("P001", "group:api/alert:AlsoBroken")]


def test_the_baseline_file_is_sorted_versioned_and_has_no_line_numbers(tmp_path):
    root = project(tmp_path)
    obslint("check", "--write-baseline", "b1.json", ".", cwd=root)
    data = json.loads((root / "b1.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    rows = data["findings"]
    assert [(r["path"], r["code"], r["subject"]) for r in rows] == [
        ("rules/alerts.yaml", "P001", "group:api/alert:Broken"),
        ("rules/alerts.yaml", "R131", "group:api/alert:NoTeam")]
    assert all("line" not in r and "column" not in r and r["count"] == 1 for r in rows)
    assert "rule 2" not in rows[0]["message"]  # promtool's rule index is a position too
    # lines moved: the same file, byte for byte (a baseline changes only when findings do)
    (root / "rules/alerts.yaml").write_text("# moved\n\n" + ALERTS, encoding="utf-8")
    obslint("check", "--write-baseline", "b2.json", ".", cwd=root)
    assert (root / "b1.json").read_bytes() == (root / "b2.json").read_bytes()


def test_a_baseline_accepts_as_many_alike_findings_as_it_counts():
    alike = [Finding("r.yaml", line, 1, "R131", "required-labels", Severity.WARNING, "no `team`", "group:g/alert:A")
             for line in (3, 9)]
    accepted = Counter({fingerprint(alike[0]): 1})
    result = subtract(alike, accepted)
    assert result.new == [alike[1]] and result.known == 1 and result.fixed == 0
    assert json.loads(dump(alike))["findings"][0]["count"] == 2
    assert subtract([], accepted).fixed == 1


def test_a_missing_or_foreign_baseline_is_a_usage_error(tmp_path):
    root = project(tmp_path)
    missing = obslint("check", "--baseline", "nope.json", ".", cwd=root)
    assert missing.returncode == 2 and "nope.json" in missing.stderr
    (root / "other.json").write_text('{"version": 7, "findings": []}', encoding="utf-8")
    assert obslint("check", "--baseline", "other.json", ".", cwd=root).returncode == 2
    both = obslint("check", "--baseline", "other.json", "--write-baseline", "b.json", ".", cwd=root)
    assert both.returncode == 2 and not (root / "b.json").exists()
