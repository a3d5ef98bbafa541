"""`obslint fix`, and every file obslint writes: the user's umask, the file's mode, owner and line endings."""

from __future__ import annotations

import stat

from helpers import REPO, RULES, obslint, repo, run_module

from obslint.alertmanager import router
from obslint.commands.route_test import load_model
from obslint.config import Config

CONFIG = Config(root=REPO, alertmanager_version=(0, 25))



def test_written_files_follow_the_umask_and_fix_keeps_mode_and_line_endings(tmp_path):
    root = repo(tmp_path, {
        "rules/broken.yaml": RULES.format(name="x"),
        "alertmanager/alertmanager.yml": "route:\r\n  receiver: a\r\n  routes:\r\n  - receiver: b\r\n"
                                         "    match:\r\n      severity: critical\r\n"
                                         "receivers:\r\n- name: a\r\n- name: b\r\n",
    })
    config = root / "alertmanager/alertmanager.yml"
    config.chmod(0o640)
    umask = ("/bin/sh", "-c", 'umask 022 && exec "$0" "$@"')
    assert obslint("fix", "alertmanager/alertmanager.yml", cwd=root, prefix=umask).returncode == 0
    text = config.read_bytes()
    assert b"matchers:" in text and b"match:" not in text
    assert text.count(b"\r\n") == text.count(b"\n")  # every line still ends in CRLF
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    obslint("check", "--format", "sarif", "-o", "out.sarif", ".", cwd=root, prefix=umask)
    obslint("report", "--out", "report.html", cwd=root, prefix=umask)
    assert obslint("build", "--out", "out", cwd=root, prefix=umask).returncode == 0
    for path in [root / "out.sarif", root / "report.html", *(root / "out").rglob("*")]:
        expected = 0o755 if path.is_dir() else 0o644
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_fix_rewrites_deprecated_maps_without_changing_behaviour(tmp_path):
    path = tmp_path / "am.yml"
    path.write_text(DEPRECATED)
    proc = run_module("fix", "--diff", "--alertmanager-version", "0.25", str(path))
    assert proc.returncode == 1 and "+    - matchers: ['team=\"ml\"', 'env=\"yes\"'" in proc.stdout
    assert path.read_text() == DEPRECATED  # --diff writes nothing
    before = load_model(path, CONFIG)
    assert run_module("fix", "--alertmanager-version", "0.25", str(path)).returncode == 0
    after = load_model(path, CONFIG)
    assert not any(r.deprecated for r in after.routes()) and not after.inhibit_rules[0].deprecated
    for labels in [{"team": "ml", "env": "yes", "service": "feast"}, {"team": "db", "severity": "critical"},
                   {"team": "ml", "env": "true", "service": "feast"}, {}]:
        assert [r.path for r in router.match(before.root, labels)] == [r.path for r in router.match(after.root, labels)]
    assert [str(m) for m in after.inhibit_rules[0].target] == ['severity=~"warning|info"']
    assert run_module("fix", "--diff", "--alertmanager-version", "0.25", str(path)).returncode == 0  # nothing left


def test_fix_refuses_to_drop_a_comment(tmp_path):
    path = tmp_path / "am.yml"
    text = DEPRECATED.replace("        env: yes\n", "        env: yes  # staging too\n")
    path.write_text(text)
    proc = run_module("fix", "--alertmanager-version", "0.25", str(path))
    assert proc.returncode == 1 and "comment" in proc.stderr
    assert path.read_text() == text


DEPRECATED = """route:
  receiver: default
  routes:
    - match:
        team: ml
        env: yes
      match_re:
        service: 'model-.*|feast'
      receiver: ml
      continue: true
    - matchers: ['severity="critical"']
      match: {team: db}
      receiver: ml
receivers:
  - name: default
  - name: ml
inhibit_rules:
  - source_match: {severity: critical}
    target_match_re:
      severity: warning|info
    equal: [alertname]
"""
