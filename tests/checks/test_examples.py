"""Every check documents itself with a bad and a good example; this proves each example."""

from pathlib import Path

import pytest

from obslint.checks.base import documentation, examples
from obslint.checks.registry import all_checks
from obslint.config import Config
from obslint.engine.discover import Target
from obslint.engine.lint import lint_paths, lint_target

CHECKS = all_checks()
CASES = [(check, i, ex) for check in CHECKS for i, ex in enumerate(examples(check))]


def test_every_check_has_a_bad_and_a_good_example_and_docs():
    for check in CHECKS:
        kinds = {ex.good for ex in examples(check)}
        assert kinds == {True, False}, f"{check.code} needs a bad and a good example"
        doc = documentation(check)
        assert "Why:" in doc, f"{check.code} docs must say why it matters"


def run_example(check, example, tmp_path: Path):
    config = Config(root=tmp_path, **check.example_config)
    if getattr(check, "example_unreadable", False) and not example.good:  # found, then gone when read
        return lint_target(Target(tmp_path / "rules" / "gone.yaml", "rules", True), config)
    for extra, text in check.example_files.items():
        (tmp_path / extra).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / extra).write_text(text, encoding="utf-8")
    name = check.example_filename or "rules/example.yaml"
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    encoding = getattr(check, "example_encoding", {}).get(example.good, "utf-8")
    path.write_bytes(example.text.encode(encoding))
    if check.example_directory:  # checks across files run on directories
        return lint_paths([tmp_path], config)
    return lint_paths([path], config)


@pytest.mark.parametrize("check,index,example", CASES,
                         ids=[f"{c.code}-{'good' if e.good else 'bad'}{i}" for c, i, e in CASES])
def test_check_example(check, index, example, tmp_path):
    codes = [f.code for f in run_example(check, example, tmp_path)]
    if example.good:
        assert check.code not in codes
    else:
        assert check.code in codes
