"""Changed-only mode (`obslint check --diff-base REF`): of the findings of the repository as it is, those
on what changed since `git merge-base REF HEAD`, and those the change caused anywhere.

- What changed: `git diff` of the work tree against the merge base (committed or not; files git does not
  track yet count as added), its line ranges mapped to the things they belong to through the files'
  outlines (obslint.engine.subjects): a rule, a route, a receiver, a panel. A finding on a touched thing
  is reported, whether or not it is new (the change is the moment to fix it); so is any finding of an
  added file, and a finding with no subject on a changed line.
- What the change caused: the tree at the merge base is written to a temporary directory and linted the
  same way (same configuration, same paths), and every finding whose fingerprint the base does not have
  (as many times) is reported: an unchanged alert that reads a recording rule the change deleted or
  renamed, a route no alert reaches any more. A renamed file's base findings count under its new name.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from obslint.config import Config
from obslint.core import git
from obslint.core.findings import Finding, fingerprint
from obslint.core.git import FileChange
from obslint.engine.subjects import Span, subject_at, subjects_between


@dataclass
class ChangedOnly:
    findings: list[Finding]
    base: str  # the merge base's commit
    changed_files: int
    note: str = ""  # why the base could not be compared, when it could not


def touched(spans: list[Span], change: FileChange) -> tuple[set[str], set[int]]:
    """(subjects, lines) a change of one file touched: the things its changed lines belong to, and a
    removal's innermost container (a rule removed from a group touches the group, not its neighbours)."""
    subjects: set[str] = set()
    lines: set[int] = set()
    for first, last in change.ranges:
        subjects |= subjects_between(spans, first, last)
        lines.update(range(first, last + 1))
    for after in change.removals:
        lines.update((after, after + 1))
        above, below = subject_at(spans, after), subject_at(spans, after + 1)
        common = _common(above, below)
        if common:
            subjects.add(common)
    return subjects, lines


def _common(a: str, b: str) -> str:
    """The innermost subject both `a` and `b` are in ("" when none)."""
    if not a or not b:
        return ""
    parts = []
    for x, y in zip(a.split("/"), b.split("/"), strict=False):
        if x != y:
            break
        parts.append(x)
    return "/".join(parts)


def select(head: list[Finding], base: list[Finding] | None, changes: dict[str, FileChange],
           spans: dict[str, list[Span]]) -> list[Finding]:
    """The findings of `head` on what `changes` touched, and those new relative to `base` (None: the base
    could not be linted, and every finding counts as new)."""
    left = Counter(fingerprint(f) for f in base) if base is not None else Counter()
    marks = {path: touched(spans.get(path, []), change) for path, change in changes.items()}
    out = []
    for finding in head:
        key = fingerprint(finding)
        if base is not None and left[key] > 0:
            left[key] -= 1
            change = changes.get(finding.path)
            if change is None:
                continue
            subjects, lines = marks[finding.path]
            if not (change.whole or finding.subject in subjects or (not finding.subject and finding.line in lines)
                    or (finding.line == 0 and change.status != "D")):
                continue
        out.append(finding)
    return out


def changed_only(paths: list[Path], config: Config, head: list[Finding], dashboards, ref: str) -> ChangedOnly:
    """`head` (the findings of `paths`, with their subjects) reduced to those the change since the merge
    base of `ref` and HEAD touched or caused. GitError when that cannot be told."""
    from obslint.core.paths import InputError, resolve
    from obslint.engine.lint import analyse
    from obslint.engine.subjects import attach, fact_subjects, outline

    top = git.toplevel(config.root)
    shown_root = resolve(config.display_root or top)
    base = git.merge_base(ref, top)
    changes = {}
    for path, change in git.changes(base, top).items():
        shown = _shown(top / path, shown_root)  # findings show paths relative to the display root
        old = _shown(top / change.old_path, shown_root) if change.old_path else None
        changes[shown] = dataclasses.replace(change, path=shown, old_path=old)
    spans = {path: outline(shown_root / path, dashboards, config.max_file_size)
             for path, change in changes.items() if change.status != "D" and (shown_root / path).is_file()}
    note = ""
    with tempfile.TemporaryDirectory(prefix="obslint-base-") as tmp:
        tree = Path(tmp)
        git.export(base, top, tree)
        here = resolve(top)
        base_root = tree / _relative(resolve(config.root), here)
        base_config = dataclasses.replace(config, root=base_root, display_root=tree / _relative(shown_root, here))
        base_paths = [tree / _relative(resolve(p), here) for p in paths]
        base_paths = [p for p in base_paths if p.exists()]
        base_findings: list[Finding] | None = []
        if base_paths and base_root.is_dir():
            try:
                analysis = analyse(base_paths, base_config, cache=False)
                base_findings = attach(analysis.findings, base_config.display_root, analysis.dashboards,
                                       fact_subjects(analysis.facts))
            except InputError as exc:
                base_findings, note = None, f"the base {base[:12]} could not be linted ({exc}): every finding counts"
    renamed = {c.old_path: c.path for c in changes.values() if c.old_path}
    if base_findings:
        base_findings = [dataclasses.replace(f, path=renamed[f.path]) if f.path in renamed else f
                         for f in base_findings]
    return ChangedOnly(select(head, base_findings, changes, spans), base, len(changes), note)


def _relative(path: Path, top: Path) -> Path:
    try:
        return path.relative_to(top)
    except ValueError:
        raise git.GitError(f"{path} is outside the git work tree {top}") from None


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
