"""The line of each part of a JSON dashboard (what its findings are reported at), read in one scan of the
text: the same lines as the JSON read as YAML gives, wrapped or not, escapes and all."""

from __future__ import annotations

import json

import pytest
from helpers import DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from obslint import yamlload
from obslint.dashboards.model import _json_lines, _lines_of

DASHBOARDS = sorted(p for p in (DATA / "realworld").rglob("*") if p.is_file() and (
    p.suffix == ".json" or p.parent.name == "dashboards" and not p.suffix))


def by_yaml(text: str, wrapper: str | None = None) -> dict[str, int]:
    root = yamlload.load_documents(text, 2_000_000)[0].root
    if wrapper:
        root = root.get(wrapper)
    return _lines_of(root, lambda node: node.line)


@pytest.mark.parametrize("path", DASHBOARDS, ids=[p.name for p in DASHBOARDS])
def test_lines_of_real_dashboards(path):
    text = path.read_text(encoding="utf-8")
    wrapper = "dashboard" if "dashboard" in json.loads(text) else None
    expected = by_yaml(text, wrapper)
    found = _json_lines(text, wrapper)
    assert {k: found.get(k) for k in expected} == expected


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(alphabet='ab"\\/{}[],: \u00e9', max_size=6)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(alphabet='ab"\\{:,', max_size=4), inner, max_size=3)),
    max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(json_values, st.integers(0, 4))
def test_lines_of_any_json(value, indent):
    text = json.dumps({"panels": value, "title": "t"}, indent=indent or None, ensure_ascii=False)
    expected = by_yaml(text)
    found = _json_lines(text)
    # scalars in arrays take the line of the `,` before them; every container and member is exact
    assert {k: found.get(k) for k in expected if not _scalar_in_array(value, k)} == \
        {k: v for k, v in expected.items() if not _scalar_in_array(value, k)}


def _scalar_in_array(value, pointer: str) -> bool:
    doc = {"panels": value, "title": "t"}
    parts = pointer.split("/")[1:]
    for part in parts[:-1]:
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    last = doc[int(parts[-1])] if parts and isinstance(doc, list) else None
    return bool(parts) and isinstance(doc, list) and not isinstance(last, (dict, list, str))
