"""obslint.gostrconv against Go's own strconv, built from the Go toolchain: ParseInt(s, 0, 64),
ParseFloat(s, 64) and Unquote on generated texts (accept/refuse and the value, byte for byte). The one
module stands in for Go's literals in PromQL, Go templates, Alertmanager's matchers and promtool's output."""

from __future__ import annotations

import json
import math
import os
import random
import subprocess

import pytest
from helpers import go_program
from hypothesis import given, settings
from hypothesis import strategies as st

from obslint import gostrconv

PROGRAM = r"""
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
)

func main() {
	var cases []string
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	out := make([][4]string, len(cases))
	for i, s := range cases {
		out[i] = [4]string{"err", "err", "err", "err"}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			out[i][0] = strconv.FormatFloat(f, 'g', -1, 64)
		}
		if n, err := strconv.ParseInt(s, 0, 64); err == nil {
			out[i][1] = strconv.FormatInt(n, 10)
		}
		if u, err := strconv.Unquote(s); err == nil {
			out[i][2] = fmt.Sprintf("%x", u)
		}
		if n, err := strconv.ParseInt(s, 0, 64); err == nil {
			out[i][3] = strconv.FormatInt(n, 10)
		} else if n, err := strconv.ParseUint(s, 0, 64); err == nil {
			out[i][3] = strconv.FormatUint(n, 10)
		}
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
"""

NUMBER_ATOMS = list("0123456789_.eExXoObBpPaAfF+-") + ["inf", "nan", "Infinity", "1e400", "0x1p1024", "9" * 20,
                                                      "18446744073709551615", "-0x8000000000000000"]
QUOTED_ATOMS = list("ab\\\"'`\nxuU0123457_é\r") + [
    "\\x80", "\\xc3\\xa9", "\\xc3", "\\u00e9", "\\377", "\\303\\251", "\\U0001F600", "\\ud800", "\\'", '\\"',
    "\\U00110000", "\\400", "\\q"]


@pytest.fixture(scope="module")
def go_strconv(tmp_path_factory):
    binary = go_program(PROGRAM, tmp_path_factory.mktemp("strconv"))

    def run(cases: list[str]) -> list[list[str]]:
        proc = subprocess.run([str(binary)], input=json.dumps(cases), capture_output=True, text=True, check=True,
                              timeout=120)
        return json.loads(proc.stdout)

    return run


def ours(text: str) -> list[str]:
    out = []
    try:
        value = gostrconv.parse_float(text)
        out.append("NaN" if math.isnan(value) else {math.inf: "+Inf", -math.inf: "-Inf"}.get(value, repr(value)))
    except ValueError:
        out.append("err")
    try:
        out.append(str(gostrconv.parse_int(text)))
    except ValueError:
        out.append("err")
    try:
        out.append(gostrconv.unquote(text).encode("utf-8", "surrogateescape").hex())
    except ValueError:
        out.append("err")
    either = gostrconv.parse_int_or_uint(text)
    out.append("err" if either is None else str(either))
    return out


def same(text: str, go: list[str]) -> bool:
    mine = ours(text)
    if text[:1] == "'":
        mine[2] = go[2]  # Go reads a character literal; PromQL, whose reading this is, a string
    if mine[0] not in ("err", "NaN", "+Inf", "-Inf") and go[0] not in ("err", "NaN", "+Inf", "-Inf"):
        return float(mine[0]) == float(go[0]) and mine[1:] == go[1:]
    return mine == go


def generated(rng: random.Random, count: int) -> list[str]:
    cases = ["".join(rng.choice(NUMBER_ATOMS) for _ in range(rng.randint(1, 7))) for _ in range(count)]
    for _ in range(count):
        quote = rng.choice(['"', "`", "'"])
        cases.append(quote + "".join(rng.choice(QUOTED_ATOMS) for _ in range(rng.randint(0, 6))) + quote)
    return cases


@pytest.mark.oracle
def test_generated_literals_read_as_go_reads_them(go_strconv):
    cases = generated(random.Random(20261201), int(os.environ.get("OBSLINT_DIFF_EXAMPLES", "3000")))
    cases += ["+nan", "NaN", "-Inf", "infinity", "1_000", "0x_1", "0x1p-2", "0o17", "017", "08", "08.5", "0b2",
              '"\\xc3\\xa9"', '"\\xc3"', "`a\rb`", "``", '"a', "'ab'", "1e308", "1e309", "-9223372036854775808",
              "9223372036854775808"]
    disagreements = [(c, ours(c), g) for c, g in zip(cases, go_strconv(cases), strict=True) if not same(c, g)]
    assert disagreements == []


@pytest.mark.oracle
@settings(max_examples=int(os.environ.get("OBSLINT_DIFF_EXAMPLES", "200")), deadline=None)
@given(st.lists(st.sampled_from(NUMBER_ATOMS + QUOTED_ATOMS), max_size=8).map("".join),
       st.sampled_from(["", '"', "`"]))
def test_hypothesis_literals_read_as_go_reads_them(go_strconv, body, quote):
    text = quote + body + quote
    assert same(text, go_strconv([text])[0]), (text, ours(text))


@pytest.mark.parametrize("text", ["", "+", "-", "+-1"])
def test_empty_and_sign_only_texts_are_refused_never_a_crash(text):
    """Each of Go's readers refuses these with its own error (a Python IndexError was a crash)."""
    from obslint.alertmanager.golang import GoError, parse_go_duration
    from obslint.gotemplate.gotime import TimeError, parse_duration
    from obslint.promconfig.values import parse_size

    for read, error in ((gostrconv.parse_int, ValueError), (gostrconv.parse_float, ValueError),
                        (gostrconv.unquote, ValueError), (parse_duration, TimeError), (parse_go_duration, GoError)):
        with pytest.raises(error):
            read(text)
    assert gostrconv.parse_int_or_uint(text) is None and parse_size(text) is None
