"""obslint.goregexp.expand against Go's own regexp.Expand (regexp.ExpandString), built from the Go
toolchain: generated templates (numbers with leading zeros, braces left open, Unicode letters in names,
`$$`) filled from matches of patterns with numbered, named and non-participating groups."""

from __future__ import annotations

import json
import os
import random
import subprocess

import pytest
import re2
from helpers import go_program
from hypothesis import given, settings
from hypothesis import strategies as st

from obslint.goregexp import expand

PROGRAM = r"""
package main

import (
	"encoding/json"
	"os"
	"regexp"
)

func main() {
	var cases [][3]string
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	out := make([]*string, len(cases))
	for i, c := range cases {
		re := regexp.MustCompile(c[0])
		m := re.FindStringSubmatchIndex(c[1])
		if m == nil {
			continue
		}
		s := string(re.ExpandString(nil, c[2], c[1], m))
		out[i] = &s
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
"""

PATTERNS = ["(a)(b)?(?P<x>c)", "(?P<name>a+)(?P<n_2>b*)(z)?", "((a)|(b))+", "(?P<x1>a)(b)", "a"]  # Go: ASCII names
TEXT = "zaabcab"
ATOMS = ["$", "$$", "${", "}", "{", "1", "0", "01", "2", "3", "9", "x", "name", "n_2", "é", "a", "_", " ", "-",
         "123456789", "1234567890"]


@pytest.fixture(scope="module")
def go_expand(tmp_path_factory):
    binary = go_program(PROGRAM, tmp_path_factory.mktemp("expand"))

    def run(cases: list[tuple[str, str, str]]) -> list:
        proc = subprocess.run([str(binary)], input=json.dumps(cases), capture_output=True, text=True, check=True,
                              timeout=120)
        return json.loads(proc.stdout)

    return run


def ours(pattern: str, text: str, template: str) -> str | None:
    regex = re2.compile(pattern)
    match = regex.search(text)
    return None if match is None else expand(template, match, regex.groupindex)


def generated(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    return [(rng.choice(PATTERNS), TEXT, "".join(rng.choice(ATOMS) for _ in range(rng.randint(1, 6))))
            for _ in range(count)]


@pytest.mark.oracle
def test_generated_templates_expand_as_go_expands_them(go_expand):
    cases = generated(random.Random(20261201), int(os.environ.get("OBSLINT_DIFF_EXAMPLES", "3000")))
    cases += [("(a)(b)?(?P<x>c)", TEXT, t) for t in ("$01", "${1}x", "$1x", "${x", "$é", "${2}", "$$1", "$")]
    got = [ours(*case) for case in cases]
    assert [(c, g, w) for c, g, w in zip(cases, got, go_expand(cases), strict=True) if g != w] == []


@pytest.mark.oracle
@settings(max_examples=int(os.environ.get("OBSLINT_DIFF_EXAMPLES", "200")), deadline=None)
@given(st.sampled_from(PATTERNS), st.lists(st.sampled_from(ATOMS), max_size=8).map("".join))
def test_hypothesis_templates_expand_as_go_expands_them(go_expand, pattern, template):
    assert ours(pattern, TEXT, template) == go_expand([(pattern, TEXT, template)])[0]
