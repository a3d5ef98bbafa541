"""Routing lint (A101-A118) beyond the examples that tests/checks/test_examples.py proves."""

from __future__ import annotations

from obslint.config import Config
from obslint.engine.lint import lint_paths


def test_deprecated_match_names_the_key_that_replaces_it(tmp_path):
    path = tmp_path / "am.yml"
    path.write_text("route:\n  receiver: r\n  routes:\n    - match: {a: x}\n      match_re: {b: y}\n      receiver: r\n"
                    "receivers: [{name: r}]\ninhibit_rules:\n  - source_match_re: {a: x}\n    target_match: {a: y}\n"
                    "    equal: [b]\n", encoding="utf-8")
    messages = sorted(f.message for f in lint_paths([path], Config(root=tmp_path)) if f.code == "A107")
    assert messages == [
        "`match_re` is deprecated: use `matchers` with a list of matchers",
        "`match` is deprecated: use `matchers` with a list of matchers",
        "`source_match_re` is deprecated: use `source_matchers` with a list of matchers",
        "`target_match` is deprecated: use `target_matchers` with a list of matchers",
    ]
