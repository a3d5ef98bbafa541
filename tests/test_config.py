"""The configuration: its JSON Schema is valid, obslint's check of a configuration against it agrees with
the real jsonschema on generated configurations, and the README's example is a valid configuration."""

from __future__ import annotations

import json
import re
import tomllib

import jsonschema
import pytest
from helpers import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from obslint.config import ConfigError, from_mapping, schema, shape_problem

ANYTHING = st.one_of(st.none(), st.booleans(), st.integers(-3, 2000), st.floats(-2, 50, allow_nan=False),
                     st.sampled_from(["", "x", "2.42", "error", "fatal", "classic", "1m"]),
                     st.lists(st.sampled_from(["a", 1]), max_size=2), st.dictionaries(st.just("x"), st.just(1)))


def values_for(node: dict, depth: int = 0, shaped_only: bool = False):
    """Values for a part of the schema: mostly of the shape it describes, around its bounds, and sometimes
    anything at all (so both verdicts come up at every depth); `shaped_only`: never anything at all."""
    if "$ref" in node:
        node = {**resolve(node["$ref"]), **{k: v for k, v in node.items() if k != "$ref"}}
    right = []
    if "enum" in node:
        right.append(st.sampled_from(node["enum"] + ["Fatal", "ERROR "]))
    types = node.get("type", [])
    for name in [types] if isinstance(types, str) else types:
        if name in ("integer", "number"):
            low = node.get("minimum", node.get("exclusiveMinimum", 0))
            right.append(st.sampled_from([low - 1, low - 0.5, low, low + 0.5, low + 1, float(low), 2000]))
        elif name == "string":
            right.append(st.sampled_from(["", "rules", "2.42", "1m", "R014"]))
        elif name == "array":
            items = values_for(node.get("items", {}), depth + 1)
            right.append(st.lists(items, min_size=max(0, node.get("minItems", 0) - 1),
                                  max_size=node.get("maxItems", 2) + 1))
        elif name == "object" and depth < 3:
            properties = node.get("properties", {})
            extra = node.get("additionalProperties", True)
            keys = sorted(properties) + ["unknown-key"]
            right.append(st.lists(st.sampled_from(keys), max_size=4, unique=True).flatmap(
                lambda chosen, p=properties, e=extra: st.fixed_dictionaries(
                    {k: values_for(p[k], depth + 1) if k in p else
                     values_for(e, depth + 1) if isinstance(e, dict) else ANYTHING for k in chosen})))
    if shaped_only:
        return st.one_of(*right)
    return st.one_of(*right, ANYTHING) if right else ANYTHING


def resolve(ref: str) -> dict:
    node = schema()
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def config_values():
    return values_for(schema(), shaped_only=True)


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


@settings(max_examples=400, deadline=None)
@given(config_values())
def test_obslints_check_of_the_schema_agrees_with_jsonschema(data):
    valid = jsonschema.Draft202012Validator(schema()).is_valid(data)
    assert (shape_problem(data) is None) == valid, (data, shape_problem(data))


def test_the_readmes_example_is_a_valid_configuration(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[tool\.obslint\].*?)```", readme, re.S).group(1)
    data = tomllib.loads(block)["tool"]["obslint"]
    jsonschema.Draft202012Validator(schema()).validate(data)
    config = from_mapping(data, tmp_path)
    assert config.sandbox.seconds == 30 and config.policy.group_interval_ms == (10_000, 300_000)


@pytest.mark.parametrize("data,where", [
    ({"pathz": {}}, "pathz"),
    ({"paths": {"rules": 3}}, "paths.rules"),
    ({"sandbox": {"timeout": 0}}, "sandbox.timeout"),
    ({"policy": {"group-interval": ["1m"]}}, "policy.group-interval"),
    ({"build": {"rule-labels": {"release": 1}}}, "build.rule-labels.release"),
    ({"dashboard-schema-version": 15}, "dashboard-schema-version"),
])
def test_a_bad_configuration_names_the_key(tmp_path, data, where):
    with pytest.raises(ConfigError) as info:
        from_mapping(data, tmp_path, "obslint.toml")
    assert where in str(info.value) and str(info.value).startswith("obslint.toml: ")


def test_the_schema_is_published(tmp_path):
    from click.testing import CliRunner

    from obslint.cli import cli

    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0 and json.loads(result.output) == schema()


CANDIDATES = [None, True, False, 0, -1, 0.5, 1, 15, 16, 16.0, 2000, "", "x", "2.42", "error", "WARNING", "fatal",
              "classic", [], ["a"], ["a", "b"], ["a", "b", "c"], [1], {}, {"x": "y"}, {"x": 1}, {"x": ["a"]}]


def paths_of(node: dict, prefix: tuple = ()):
    """Every key path the schema names (and an unknown key beside them)."""
    if "$ref" in node:
        node = resolve(node["$ref"])
    for key, child in node.get("properties", {}).items():
        yield prefix + (key,)
        yield from paths_of(child, prefix + (key,))
    if isinstance(node.get("additionalProperties"), dict):
        yield prefix + ("any-key",)
        yield from paths_of(node["additionalProperties"], prefix + ("any-key",))
    if "properties" in node:
        yield prefix + ("unknown-key",)


def test_every_key_and_value_shape_gets_jsonschemas_verdict():
    """Each candidate value at each key path of the schema: the same verdict as jsonschema."""
    validator = jsonschema.Draft202012Validator(schema())
    checked = 0
    for path in paths_of(schema()):
        for value in CANDIDATES:
            data = value
            for key in reversed(path):
                data = {key: data}
            assert (shape_problem(data) is None) == validator.is_valid(data), (data, shape_problem(data))
            checked += 1
    assert checked > 1000
