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


# --- positions inside scalars -------------------------------------------------------------------------
# A scalar is written from pieces (what is written, the text it stands for) on lines; the test knows the
# line and column of every piece, so every character of the scalar's text that was written (not made by
# folding lines) must map back to where its piece was written (an escape to its backslash).

LETTERS = "abcxyz019_"
PLAIN_PIECES = [(c, c) for c in LETTERS + "()=+.*/<>{}[],"]
SINGLE_PIECES = [(c, c) for c in LETTERS + '"#:{}[],\\'] + [("''", "'")]
DOUBLE_PIECES = [(c, c) for c in LETTERS + "'#:{}[],"] + [
    ('\\"', '"'), ("\\\\", "\\"), ("\\n", "\n"), ("\\t", "\t"), ("\\x41", "A"), ("\\u00e9", "é"), ("\\/", "/"),
    ("\\ ", " "), ("é", "é")]
BLOCK_PIECES = [(c, c) for c in LETTERS + "'\"#:{}[],\\"]


def _word(pieces):
    return st.lists(st.sampled_from(pieces), min_size=1, max_size=4)


@st.composite
def written_scalars(draw):
    """(YAML text, the scalar's text, [(offset, line, column)] of every written character)."""
    style = draw(st.sampled_from([None, "'", '"', "|", ">"]))
    pieces = {None: PLAIN_PIECES, "'": SINGLE_PIECES, '"': DOUBLE_PIECES}.get(style, BLOCK_PIECES)
    lines = draw(st.lists(st.lists(_word(pieces), min_size=1, max_size=3), min_size=1, max_size=4))
    if style is None:  # a plain scalar starts with a letter and has no spaces but between words
        lines[0][0][0] = ("a", "a")
    if style in ("|", ">"):  # block lines start with content (more-indented lines are folded apart)
        lines = [[[p for p in word if p[0] != " "] or [("b", "b")] for word in line] for line in lines]
    gaps = [draw(st.integers(0, 2)) for _ in lines[1:]]  # empty lines before each next line
    escaped = [style == '"' and draw(st.booleans()) for _ in lines[1:]]  # a `\` line break
    base = draw(st.integers(0, 3))  # indentation of the key
    extra = draw(st.integers(0, 3))  # more indentation of continuation lines
    head = " " * base + "k: "
    text = "outer:\n" if base else ""
    text_lines = text.count("\n")
    value, expected, out = "", [], []
    row = text_lines + 1
    if style in ("|", ">"):
        out.append(head + style)
        row += 1
        indent = base + 2 + extra
    else:
        indent = base + 2 + extra
    for n, line in enumerate(lines):
        written = ""
        if n == 0 and style not in ("|", ">"):
            written = head + (style or "")
        else:
            written = " " * indent
        for w, word in enumerate(line):
            if w:
                written += " "
                value += " "
            for raw, meant in word:
                for ch in meant:
                    expected.append((len(value), row, len(written) + 1))
                    value += ch
                written += raw
        if n + 1 < len(lines):
            if escaped[n]:
                written += "\\"
                value += "\n" * gaps[n]
            elif style in ("|",):
                value += "\n" * (1 + gaps[n])
            elif gaps[n]:
                value += "\n" * gaps[n]
            else:
                value += " "
            out.append(written)
            out.extend([""] * gaps[n])
            row += 1 + gaps[n]
        else:
            if style == '"' or style == "'":
                written += style
            out.append(written)
    if style in ("|", ">"):
        value += "\n"
    text += "\n".join(out) + "\n"
    return text, value, expected


@settings(max_examples=400, deadline=None)
@given(written_scalars())
def test_every_written_character_of_a_scalar_maps_to_where_it_was_written(case):
    text, value, expected = case
    doc = root(text)
    node = doc.get("outer").get("k") if doc.get("outer") is not None else doc.get("k")
    assert node.text == value, text  # the test's own reading of YAML agrees with the parser's
    lines = text.split("\n")
    for offset, line, column in expected:
        assert node.position_of(offset) == (line, column), (text, offset, value[offset])
        assert 1 <= column <= len(lines[line - 1])


def test_a_multi_line_plain_expression_points_into_its_continuation_line():
    text = "expr: elasticsearch_jvm_memory_used_bytes{area=\"heap\"}\n  / elasticsearch_jvm_memory_max_bytes\n  > 0.9\n"
    node = root(text).get("expr")
    assert node.position_of(node.text.index("/")) == (2, 3)
    assert node.position_of(node.text.index(">")) == (3, 3)


def test_a_double_quoted_scalar_with_escapes_and_folded_lines():
    text = 'expr: "rate(x{a=\\"b\\"}[5m])\n   > 0"\n'
    node = root(text).get("expr")
    assert node.text == 'rate(x{a="b"}[5m]) > 0'
    assert node.position_of(node.text.index("[")) == (1, 23)
    assert node.position_of(node.text.index(">")) == (2, 4)


EMBEDDING = """apiVersion: v1
kind: ConfigMap
data:
  alert-rules.yml: |
    groups:
      - name: g
        rules:
          - alert: A
            expr: >
              sum(rate(x[5m]))
                / 2
          - alert: "B"
            expr: "up
              == 0"
  broken.yml: |
    a: [
"""


def test_embedded_yaml_is_positioned_in_the_outer_file():
    outer = root(EMBEDDING)
    scalar = outer.get("data").get("alert-rules.yml")
    inner = yamlload.load_embedded(scalar)[0].root
    rules = inner.get("groups").items[0].get("rules").items
    assert (inner.line, inner.column) == (5, 5)
    assert (rules[0].get("alert").line, rules[0].get("alert").column) == (8, 20)
    folded = rules[0].get("expr")
    assert folded.position_of(folded.text.index("/")) == (11, 17)
    quoted = rules[1].get("expr")
    assert quoted.position_of(quoted.text.index("==")) == (14, 15)
    with pytest.raises(YamlError) as info:
        yamlload.load_embedded(outer.get("data").get("broken.yml"))
    assert info.value.line >= 16


def test_opaque_embedded_text_is_positioned_at_its_scalar():
    scalar = root("data: YTogMQo=\n").get("data")
    inner = yamlload.load_embedded(scalar, "a:\n  b: 1\n", opaque=True)[0].root
    assert (inner.get("a").get("b").line, inner.get("a").get("b").column) == (1, 7)
