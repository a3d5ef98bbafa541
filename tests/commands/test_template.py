"""`obslint template render` on the command line: amtool's flags, amtool's output (the renderer itself is
proved against amtool in tests/alertmanager/test_template_render.py)."""

from __future__ import annotations

import subprocess

from helpers import run_module


def test_render_prints_what_amtool_prints_and_fails_as_it_does(amtool, tmp_path):
    (tmp_path / "a.tmpl").write_text('{{ define "t" }}[{{ .Status | toUpper }}] {{ len .Alerts }}{{ end }}')
    for text, ok in (('{{ template "t" . }}', True), ("{{ .Foo }}", False), ("{{ if }}", False)):
        args = ["--template.glob", "a.tmpl", "--template.text", text]
        ours = run_module("template", "render", "--alertmanager-version", "0.25", *args, cwd=tmp_path)
        theirs = subprocess.run([amtool, "template", "render", *args], capture_output=True, text=True, cwd=tmp_path,
                                timeout=60)
        assert (ours.returncode == 0, ours.stdout) == (theirs.returncode == 0, theirs.stdout) == (ok, ours.stdout)
        if not ok:
            assert ours.stderr.startswith("amtool: error: template: ") and ":1:" in ours.stderr
