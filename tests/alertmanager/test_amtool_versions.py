"""obslint's verdict on Alertmanager configs equals `amtool check-config`'s, for each amtool oracle
(Debian's 0.25 and the pinned 0.27, 0.28, 0.35): on Alertmanager's own config/testdata of that version
and on every config in that version's config tests (tests/amconfigs.py reads both from
the Go module cache). Generated configs: test_amtool_generated.py. OBSLINT_AM_FIGURES=file appends
the figures (n agree / n) as JSON lines.
"""

from __future__ import annotations

import json
import os

import pytest
from amconfigs import FEATURES, config_test_snippets, modes, obslint_errors, upstream_testdata, version_tuple
from helpers import need
from oracles import alertmanager_source, amtool_check_configs


def _source(oracle):
    source = alertmanager_source(oracle.version)
    if source is None:
        need(f"Alertmanager {oracle.version}'s module source",
             f"go mod download github.com/prometheus/alertmanager@v{oracle.version.split('+')[0]}")
    return source


def _disagreements(oracle, paths, labels, what: str) -> list:
    """The files whose verdicts differ, in each matcher-parsing mode of the version."""
    version = version_tuple(oracle.version)
    return [found for mode in modes(version) for found in _disagreements_in(oracle, paths, labels, what, mode)]


def _disagreements_in(oracle, paths, labels, what: str, mode: str | None) -> list:
    verdicts = amtool_check_configs(oracle.path, paths, FEATURES[mode])
    version = version_tuple(oracle.version)
    found = []
    for path in paths:
        valid, said = verdicts[path]
        errors = obslint_errors(path, version, mode)
        if valid != (not errors):
            found.append((mode, labels.get(path, path.name), said, errors[:3]))
    target = os.environ.get("OBSLINT_AM_FIGURES")  # the figures (n agree / n) as JSON lines
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps({"version": oracle.version, "mode": f"{mode or 'default'} ({what})", "n": len(paths),
                                  "agree": len(paths) - len(found),
                                  "valid": sum(verdicts[p][0] for p in paths)}) + "\n")
    return found


def test_config_testdata_verdicts_equal_amtool(each_amtool):
    files = upstream_testdata(_source(each_amtool))
    assert len(files) >= 20
    disagreements = _disagreements(each_amtool, files, {}, "config/testdata")
    assert not disagreements, f"{len(disagreements)}/{len(files)} differ:\n" + "\n".join(map(str, disagreements))


def test_config_test_snippets_verdicts_equal_amtool(each_amtool, tmp_path):
    snippets = config_test_snippets(_source(each_amtool))
    assert len(snippets) >= 50
    paths, labels = [], {}
    for i, snippet in enumerate(snippets):
        path = tmp_path / f"snippet{i:03}.yml"
        path.write_text(snippet.text, encoding="utf-8")
        paths.append(path)
        labels[path] = snippet.where
    disagreements = _disagreements(each_amtool, paths, labels, "config tests")
    assert not disagreements, f"{len(disagreements)}/{len(paths)} differ:\n" + "\n".join(map(str, disagreements))


@pytest.mark.parametrize("path", ["config/testdata", "config tests"])
def test_upstream_sources_are_read_from_the_module_cache(path):
    """The helpers find the files they compare (so an empty list cannot pass the tests above)."""
    source = alertmanager_source("0.35.0")
    if source is None:
        need("Alertmanager 0.35.0's module source", "go mod download github.com/prometheus/alertmanager@v0.35.0")
    found = upstream_testdata(source) if path == "config/testdata" else config_test_snippets(source)
    assert len(found) >= 40
