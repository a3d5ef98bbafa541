import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obslint import yamlload
from obslint.yamlload import MapNode, ScalarNode, SeqNode, YamlError, load_documents


def root(text):
    return load_documents(text)[0].root


def test_positions_are_one_based_line_and_column():
    doc = root("groups:\n  - name: g\n    rules: []\n")
    groups = doc.get("groups")
    assert isinstance(groups, SeqNode)
    group = groups.items[0]
    assert (group.line, group.column) == (2, 5)
    name = group.get("name")
    assert (name.line, name.column, name.text) == (2, 11, "g")


@pytest.mark.parametrize("raw", ["yes", "010", "1.50", "12:30", "0x1F", "on", "1e3", "True"])
def test_scalars_keep_their_raw_text(raw):
    value = root(f"a: {raw}\n").get("a")
    assert isinstance(value, ScalarNode)
    assert value.as_str() == raw


def test_null_reads_as_empty_string_but_quoted_tilde_does_not():
    doc = root("a: ~\nb: null\nc: '~'\nd:\n")
    assert doc.get("a").as_str() == "" and doc.get("a").is_null
    assert doc.get("b").as_str() == ""
    assert doc.get("c").as_str() == "~" and not doc.get("c").is_null
    assert doc.get("d").is_null


def test_yaml_11_booleans_for_bool_fields():
    doc = root("a: yes\nb: Off\nc: 'true'\nd: maybe\n")
    assert doc.get("a").as_bool() is True
    assert doc.get("b").as_bool() is False
    assert doc.get("c").as_bool() is None  # quoted: a string
    assert doc.get("d").as_bool() is None


def test_duplicate_key_is_reported_at_the_second_key():
    with pytest.raises(YamlError) as info:
        load_documents("a: 1\nb: 2\na: 3\n")
    assert info.value.kind == "duplicate-key"
    assert (info.value.line, info.value.column) == (3, 1)
    assert "line 1" in info.value.message


def test_merge_keys_are_applied_and_explicit_keys_win():
    doc = root("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n")
    assert yamlload.to_python(doc.get("use")) == {"y": "3", "x": "1"}


def test_syntax_error_has_position():
    with pytest.raises(YamlError) as info:
        load_documents("a:\n  - b\n c: d\n")
    assert info.value.kind == "syntax"
    assert info.value.line == 3


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    start = time.monotonic()
    with pytest.raises(YamlError) as info:
        load_documents("\n".join(lines) + "\n")
    assert info.value.kind == "aliases"
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("depth", [yamlload.DEFAULT_MAX_DEPTH + 1, 100_000])
def test_deep_nesting_is_refused_not_crashing(depth):
    """Refused as a syntax error on the first line (whether obslint's limit or libyaml's own, whose
    wording changes between PyYAML versions, stops it first)."""
    with pytest.raises(YamlError) as info:
        load_documents("[" * depth + "]" * depth)
    assert info.value.kind == "syntax"
    assert info.value.line == 1 and 1 <= info.value.column <= depth + 1


def test_latin1_is_an_encoding_error_with_position():
    with pytest.raises(YamlError) as info:
        yamlload.decode("a: ok\nb: caf\xe9\n".encode("latin-1"))
    assert info.value.kind == "encoding"
    assert (info.value.line, info.value.column) == (2, 7)


def test_utf16_with_bom_is_read():
    assert yamlload.decode("a: b\n".encode("utf-16")) == "a: b\n"


def test_file_over_the_size_limit_is_refused_without_reading(tmp_path):
    path = tmp_path / "big.yaml"
    with open(path, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    start = time.monotonic()
    with pytest.raises(YamlError) as info:
        yamlload.read_file(path)
    assert info.value.kind == "size"
    assert time.monotonic() - start < 1


def test_position_inside_a_literal_block_scalar():
    text = "expr: |\n  sum(rate(x[5m]))\n    / 2\n"
    node = root(text).get("expr")
    offset = node.text.index("/")
    assert node.position_of(offset) == (3, 5)


def test_position_inside_a_quoted_scalar():
    node = root('expr: "up == 0"\n').get("expr")
    assert node.position_of(3) == (1, 11)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_but_yaml_error(data):
    try:
        load_documents(yamlload.decode(data))
    except YamlError:
        pass


yaml_scalars = st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
yaml_values = st.recursive(yaml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(yaml_values)
def test_random_yaml_documents_load_to_the_same_structure(value):
    import yaml

    text = yaml.safe_dump({"v": value})
    doc = root(text)
    assert isinstance(doc, MapNode)
    assert doc.keys() == ["v"]
