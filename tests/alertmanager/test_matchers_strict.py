"""The UTF-8 matcher parser's verdict on quoted values with escapes (escaped bytes that together are
UTF-8 are accepted, a lone byte is refused) equals Alertmanager's in strict mode (utf8-strict-mode,
0.27+), where a matcher the UTF-8 parser refuses makes amtool check-config fail."""

from __future__ import annotations

import subprocess

import pytest
from oracles import ORACLE_VERSIONS

from obslint.alertmanager import matchers

STRICT_MODE = [v for v in ORACLE_VERSIONS["amtool"] if tuple(int(p) for p in v.split(".")[:2]) >= (0, 27)]

VALUES = ['"\\xc3\\xa9"', '"\\xc3"', '"\\303\\251"', '"\\303"', '"\\u00e9"', '"\\x41"', '"\\U0001F600"',
          '"\\xf0\\x9f\\x98\\x80"', '"\\xf0\\x9f\\x98"', '"a\\x80b"', '"\\q"', '"\\400"', '"\\ud800"']


def ours(text: str) -> bool:
    try:
        matchers.parse_utf8(text)
    except matchers.MatcherError:
        return False
    return True


@pytest.mark.oracle
@pytest.mark.parametrize("version", STRICT_MODE)  # utf8-strict-mode exists from 0.27
def test_escaped_bytes_verdict_equals_strict_amtool(oracle, version, tmp_path):
    got, want = {}, {}
    for i, value in enumerate(VALUES):
        text = f"x={value}"
        path = tmp_path / f"am{i}.yml"
        quoted = text.replace("'", "''")
        path.write_text(f"route:\n  receiver: a\n  routes:\n  - receiver: a\n    matchers: ['{quoted}']\n"
                        "receivers:\n- name: a\n", encoding="utf-8")
        proc = subprocess.run([oracle("amtool", version), "--enable-feature=utf8-strict-mode", "check-config",
                               str(path)], capture_output=True, text=True, timeout=60)
        want[text] = proc.returncode == 0
        got[text] = ours(text)
    assert got == want
