"""`obslint check`: lint the given paths (default: the project here), keep the findings asked for (new
against a baseline, changed since a git revision) and render them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from obslint.config import Config
from obslint.core.findings import Finding, exit_code


class CheckError(Exception):
    """The check cannot run as asked (a revision git does not know, no git work tree): exit 2."""


@dataclass
class CheckResult:
    findings: list[Finding]
    report: str  # the findings in the requested format
    exit_code: int  # 0 clean, 1 errors (or warnings with strict), 2 a file could not be read
    summary: str = ""  # one line for standard error
    baseline: bytes | None = None  # with write_baseline: the baseline file's bytes


def check(paths: list[Path], config: Config, fmt: str = "text", strict: bool = False, cache: bool = True, *,
          baseline: Path | None = None, write_baseline: bool = False, diff_base: str | None = None,
          hook: bool = False, colour: bool = False, show_files: bool = False) -> CheckResult:
    """Lint `paths`. `baseline`: report only findings it does not accept; `write_baseline`: accept every
    finding (the result's `baseline`); `diff_base`: only findings on what changed since the merge base of
    that revision and HEAD, or that the change caused; `hook`: named files that are not obslint's are
    left out silently (obslint.engine.hook); `show_files`: list what would be read instead (files())."""
    if show_files:
        return files(paths or [Path(".")], config, fmt)
    from obslint.engine.lint import analyse
    from obslint.output.reporters import render, summary_line

    notes = []
    if hook:
        from obslint.engine.hook import ours

        paths = [p for p in paths if ours(p, config)]
        if not paths:
            return CheckResult([], render([], fmt, config.display_root), 0, "no findings (no file for obslint)")
    analysis = analyse(paths, config, cache=cache)
    findings = analysis.findings
    root = config.display_root or Path.cwd()
    if baseline is not None or write_baseline or diff_base is not None or fmt not in ("text", "github"):
        from obslint.engine.subjects import attach, fact_subjects

        findings = attach(findings, root, analysis.dashboards, fact_subjects(analysis.facts))
    if diff_base is not None:
        from obslint.core.git import GitError
        from obslint.engine.changes import changed_only

        try:
            changed = changed_only(paths, config, findings, analysis.dashboards, diff_base)
        except GitError as exc:
            raise CheckError(f"--diff-base: {exc}") from None
        findings = changed.findings
        notes.append(f"changed since {changed.base[:12]} ({changed.changed_files} file(s))")
        if changed.note:
            notes.append(changed.note)
    if write_baseline:
        from obslint.engine.baseline import dump

        return CheckResult(findings, "", 0, f"{len(findings)} finding(s) written to the baseline", dump(findings))
    if baseline is not None:
        from obslint.engine.baseline import load, subtract

        filtered = subtract(findings, load(baseline))
        findings = filtered.new
        notes.append(f"{filtered.known} in the baseline")
        if filtered.fixed:
            notes.append(f"{filtered.fixed} baseline entr{'y' if filtered.fixed == 1 else 'ies'} fixed "
                         "(--write-baseline drops them)")
    usage_errors = ()
    if findings:
        from obslint.checks.files import UnreadableFile

        usage_errors = (UnreadableFile,)
    summary = summary_line(findings) + "".join(f"; {note}" for note in notes)
    return CheckResult(findings, render(findings, fmt, root, colour), exit_code(findings, strict, usage_errors),
                       summary)


def files(paths: list[Path], config: Config, fmt: str = "text") -> CheckResult:
    """What `check` reads: each file with the kind it was read as, and what it left out and why (exit 0)."""
    from obslint.core.paths import display_path
    from obslint.engine.lint import analyse
    from obslint.output.filelist import entries, render

    analysis = analyse(paths, config, cache=False)
    listing = entries(analysis.files, lambda path: display_path(path, config.display_root))
    read = sum(1 for entry in listing if entry["kind"] not in ("skipped", "python", "none"))
    return CheckResult(analysis.findings, render(listing, "json" if fmt == "json" else "text"), 0,
                       f"{len(listing)} file(s) and folder(s), {read} read")
