"""`obslint fix` as plain functions: rewrite deprecated Alertmanager matchers (obslint.alertmanager.rewrite),
proving nothing changed."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from obslint.alertmanager import rewrite, router
from obslint.commands.route_test import RouteTestError, load_model
from obslint.config import Config
from obslint.core.paths import display_path
from obslint.engine.discover import discover


@dataclass
class FixResult:
    path: str
    new_text: str | None  # None: nothing to do, or refused; line endings as the file has them
    message: str
    diff: str = ""


def fix_file(path: Path, config: Config) -> FixResult:
    shown = display_path(path)  # also where `obslint fix` writes: relative to the working directory
    try:
        original = load_model(path, config)
    except RouteTestError as exc:
        return FixResult(shown, None, f"not fixed: {exc}")
    raw = path.read_bytes().decode("utf-8")
    crlf = "\r\n" in raw  # the rewrite keeps the file's line endings
    text = raw.replace("\r\n", "\n")
    try:
        edits = rewrite.plan(text)
    except (rewrite.FixError, ValueError) as exc:
        return FixResult(shown, None, f"not fixed: {exc}")
    except Exception as exc:  # yaml errors: the file is not a plain config (Secret, Helm values)
        return FixResult(shown, None, f"not fixed: {type(exc).__name__}: {exc}")
    if not edits:
        return FixResult(shown, None, "nothing to fix")
    new_text = rewrite.apply(text, edits)
    problem = _equivalence_problem(path, original, new_text, config)
    if problem:
        return FixResult(shown, None, f"not fixed: the rewrite would change behaviour ({problem})")
    diff = "".join(difflib.unified_diff(text.splitlines(True), new_text.splitlines(True), f"a/{shown}",
                                        f"b/{shown}"))
    if crlf:
        new_text = new_text.replace("\n", "\r\n")
    return FixResult(shown, new_text, f"fixed {len(edits)} deprecated matcher block(s)", diff)


def _equivalence_problem(path: Path, original, new_text: str, config: Config) -> str | None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        candidate = Path(tmp) / path.name
        candidate.write_text(new_text, encoding="utf-8")
        try:
            rewritten = load_model(candidate, config)
        except RouteTestError as exc:
            return f"the result does not load: {[f.message for f in exc.findings][:1]}"
    if any(r.deprecated for r in rewritten.routes()) or any(r.deprecated for r in rewritten.inhibit_rules):
        return "deprecated maps remain"
    probes = rewrite.probe_label_sets(original)
    for labels in probes:
        a = [(r.path, r.receiver) for r in router.match(original.root, labels)]
        b = [(r.path, r.receiver) for r in router.match(rewritten.root, labels)]
        if a != b:
            return f"{labels} routes to {a} before and {b} after"
    sample = probes[:150]
    for target in sample:
        for source in sample:
            a = [rule.index for rule, _ in router.inhibited_by(original.inhibit_rules, target, [source])]
            b = [rule.index for rule, _ in router.inhibited_by(rewritten.inhibit_rules, target, [source])]
            if a != b:
                return f"inhibition of {target} by {source} differs"
    return None


def fix_paths(paths: list[Path], config: Config) -> list[FixResult]:
    targets = [t.path for t in discover(paths, config, by_content=False) if t.kind in ("alertmanager", "unknown")]
    return [fix_file(path, config) for path in targets if path.suffix in (".yml", ".yaml")]
