"""obslint.alertmanager.goglob against Go's own path/filepath: Match on generated patterns and names (the
verdict, and ErrBadPattern), and Glob on a directory tree. The oracle is a small Go program built with
the Go toolchain when it is installed (else the test skips; in CI it fails)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from helpers import go_program
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obslint.alertmanager import goglob

PROGRAM = r"""
package main

import (
	"encoding/json"
	"os"
	"path/filepath"
)

func main() {
	var cases [][2]string
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	out := make([]any, len(cases))
	for i, c := range cases {
		if c[1] == "\x00glob" {
			m, err := filepath.Glob(c[0])
			out[i] = []any{m, err != nil}
			continue
		}
		ok, err := filepath.Match(c[0], c[1])
		out[i] = []any{ok, err != nil}
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
"""


@pytest.fixture(scope="module")
def go_oracle(tmp_path_factory):
    binary = go_program(PROGRAM, tmp_path_factory.mktemp("goglob"))

    def run(cases: list[tuple[str, str]]) -> list:
        proc = subprocess.run([str(binary)], input=json.dumps(cases), capture_output=True, text=True, check=True,
                              timeout=60)
        return json.loads(proc.stdout)

    return run


def ours_match(pattern: str, name: str) -> list:
    try:
        return [goglob.match(pattern, name), False]
    except goglob.BadPattern:
        return [False, True]


pattern_st = st.text(alphabet="ab*?[]^-\\/.", max_size=7)
name_st = st.text(alphabet="ab-]^\\/.*", max_size=5)


@pytest.mark.oracle
@settings(max_examples=int(os.environ.get("OBSLINT_DIFF_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(st.tuples(pattern_st, name_st), min_size=40, max_size=40))
def test_match_equals_go(go_oracle, cases):
    theirs = go_oracle(cases)
    ours = [ours_match(p, n) for p, n in cases]
    assert ours == theirs, [(c, o, t) for c, o, t in zip(cases, ours, theirs, strict=True) if o != t][:5]


@pytest.mark.oracle
def test_glob_equals_go(go_oracle, tmp_path):
    for name in ("a.tmpl", ".hidden.tmpl", "b.tmpl", "sub/c.tmpl", "sub/d.txt", "x[1].tmpl", "dir.tmpl/e.tmpl"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    patterns = [str(tmp_path / p) for p in ("*.tmpl", "*", "sub/*", "*/*.tmpl", "[ab].tmpl", "[^a]*", "x\\[1].tmpl",
                                            "nope/*", "[", "*/[", "?.tmpl", "sub", "dir.tmpl")]
    theirs = go_oracle([(p, "\x00glob") for p in patterns])
    for pattern, (matches, bad) in zip(patterns, theirs, strict=True):
        try:
            ours = [goglob.glob(pattern), False]
        except goglob.BadPattern:
            ours = [None, True]
        assert ours == [(matches or []) if not bad else None, bad], pattern
    assert Path(tmp_path / ".hidden.tmpl").name in " ".join(goglob.glob(str(tmp_path / "*.tmpl")))
