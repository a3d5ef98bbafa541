"""Generated Alertmanager configs get the same verdict from obslint as from `amtool check-config` of
each amtool oracle (0.25, 0.27, 0.28, 0.35), in each matcher-parsing mode the version has (0.27+:
the default fallback, `--enable-feature=utf8-strict-mode`, `--enable-feature=classic-mode`).

The configs (tests/amconfigs.py) carry every integration of every version with valid and invalid
fields, `http_config` with its nested settings, global defaults, time intervals, inhibit rules,
matchers in every spelling, tracing and the event recorder: fields newer than the target must be
refused as amtool refuses them. amtool checks each batch of configs in one run.

OBSLINT_AM_EXAMPLES (default 10) batches of OBSLINT_AM_BATCH (default 25) configs per version;
OBSLINT_AM_FIGURES=file appends the figures (n agree / n) as JSON lines.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from amconfigs import (
    FEATURES,
    alertmanager_config,
    dump,
    matcher_changes,
    modes,
    obslint_errors,
    single_changes,
    version_tuple,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracles import amtool_check_configs

EXAMPLES = int(os.environ.get("OBSLINT_AM_EXAMPLES", "10"))
BATCH = int(os.environ.get("OBSLINT_AM_BATCH", "25"))
def verdicts(oracle, texts: list[str], mode: str | None) -> list[tuple[str, bool, str, list[str]]]:
    """(config, amtool's verdict, what amtool said, obslint's errors) for each config text."""
    version = version_tuple(oracle.version)
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"c{i:03}.yml" for i in range(len(texts))]
        for path, text in zip(paths, texts, strict=True):
            path.write_text(text, encoding="utf-8")
        said = amtool_check_configs(oracle.path, paths, FEATURES[mode])
        return [(text, said[p][0], said[p][1], obslint_errors(p, version, mode)) for p, text in zip(
            paths, texts, strict=True)]


def record(oracle, mode, results) -> None:
    target = os.environ.get("OBSLINT_AM_FIGURES")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps({"version": oracle.version, "mode": mode or "default", "n": len(results),
                                  "agree": sum(ok == (not errors) for _, ok, _, errors in results),
                                  "valid": sum(ok for _, ok, _, _ in results)}) + "\n")


def test_generated_configs_get_amtool_verdict(each_amtool):
    version = version_tuple(each_amtool.version)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(docs=st.lists(alertmanager_config(), min_size=BATCH, max_size=BATCH), mode=st.sampled_from(modes(version)))
    def check(docs, mode):
        results = verdicts(each_amtool, [dump(d) for d in docs], mode)
        record(each_amtool, mode, results)
        wrong = [(text, said, errors) for text, ok, said, errors in results if ok != (not errors)]
        assert not wrong, f"{len(wrong)}/{len(results)} differ (mode {mode}):\n" + "\n".join(map(str, wrong[:3]))

    check()


def _table(oracle, cases, mode) -> list:
    results = verdicts(oracle, [dump(doc) for _, doc in cases], mode)
    record(oracle, f"{mode or 'default'} (table)", results)
    return [(what, said, errors[:2]) for (what, _), (_, ok, said, errors) in zip(cases, results, strict=True)
            if ok != (not errors)]


def test_every_field_and_value_alone_gets_amtool_verdict(each_amtool):
    """Each field of each struct (of every version) with each value of its type, alone in a minimal
    config: deterministic, whatever hypothesis draws above."""
    cases = single_changes()
    assert len(cases) > 1500
    wrong = _table(each_amtool, cases, None)
    assert not wrong, f"{len(wrong)}/{len(cases)} differ:\n" + "\n".join(map(str, wrong))


def test_every_matcher_spelling_gets_amtool_verdict_in_each_mode(each_amtool):
    cases = matcher_changes()
    wrong = [w for mode in modes(version_tuple(each_amtool.version)) for w in _table(each_amtool, cases, mode)]
    assert not wrong, "\n".join(map(str, wrong))
