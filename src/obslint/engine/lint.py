"""The lint pipeline as plain functions: discover the targets, load each file's model once, hand it to the
checks' passes (obslint.checks.registry), then the checks across files over the project.

A rule file is read (obslint.checks.files), loaded (obslint.checks.rulefmt) and passed to the "rule-file"
passes; an Alertmanager config is loaded (obslint.checks.amtool) and passed to the "alertmanager" passes;
dashboards are run in the sandbox or read (obslint.checks.dashboard_lint) and passed to the "dashboard"
passes, then all of them to the "dashboards" passes; a unit-test file goes to the "rule-test-file"
passes. When a directory is checked, the project (its rules' facts, dashboards, Alertmanager config and
metric catalog, each loaded once) goes to the "project" passes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from obslint.config import Config
from obslint.core.collector import Collector, Collectors
from obslint.core.findings import Finding, Severity, sort_findings
from obslint.core.paths import display_path
from obslint.engine.discover import Target, discover

# The parsers and checks are imported where they are used: a run whose files all come from the cache
# (obslint.engine.cache) starts without them.

PARALLEL_MIN_BYTES = 512 * 1024  # below this, starting workers costs more than it saves


def run_passes(artifact: str, subject, context) -> None:
    """Every pass over `artifact` whose checks are not all off, on `subject`."""
    from obslint.checks.registry import passes

    for check_pass in passes(artifact):
        if context.enabled(*check_pass.checks):
            check_pass(subject, context)


def lint_target(target: Target, config: Config, facts: list | None = None,
                self_contained: list | None = None) -> list[Finding]:
    """The findings of one file (not a dashboard, not an Alertmanager config of a project run); for rule
    files, `facts` (when given) receives what the checks across files need. `self_contained` (when given)
    receives True when the findings depend on this file alone (rule files, Alertmanager configs), so
    they may be cached."""
    collector = Collector(display_path(target.path, config.display_root), config)
    if target.kind == "python":
        return collector.findings  # Python that is not a dashboard: never run
    if target.kind == "dashboards":
        return lint_dashboard_files([target.path], config)[1]
    from obslint.checks import files
    from obslint.rules.model import is_rule_document, is_rule_test_document

    _, documents = files.read(target.path, config, collector)
    if documents is None:
        return collector.findings
    roots = [d.root for d in documents if d.root is not None]
    if target.kind == "route-tests":
        return collector.findings  # routing tests: `obslint route-test`
    if target.kind == "rule-tests" or (roots and all(is_rule_test_document(r) for r in roots)):
        from obslint.ruletests.model import TestDocument
        from obslint.ruletests.promtool import installed_version

        # the fields a test file may use are the installed promtool's (it runs them), else the target's
        document = TestDocument(target.path, roots[0] if roots else None,
                                installed_version() or config.prometheus_version)
        run_passes("rule-test-file", document, collector)
        return _with_subjects(collector.findings, roots)
    if target.kind == "rules" or any(is_rule_document(r) for r in roots):
        from obslint.checks import rulefmt

        rule_file = rulefmt.load(collector.path, roots, config, collector)
        run_passes("rule-file", rule_file, collector)
        if facts is not None:
            from obslint.rules.facts import facts_of

            facts.extend(facts_of(rule_file, target.path))
        if self_contained is not None:
            self_contained.append(True)
        return _with_subjects(collector.findings, roots)
    from obslint.alertmanager.documents import is_alertmanager_document

    if target.kind == "alertmanager" or any(is_alertmanager_document(r) for r in roots):
        _lint_alertmanager(roots, collector)
        if self_contained is not None:
            self_contained.append(True)
        return _with_subjects(collector.findings, roots)
    if target.explicit and roots:
        files.unknown_kind(collector)
    return collector.findings


def _lint_alertmanager(roots: list, collector: Collector):
    """Load an Alertmanager config (reporting what amtool refuses) and lint the model; the model or None."""
    from obslint.checks import amtool

    model = amtool.load(roots, collector.config, collector)
    if model is not None:
        run_passes("alertmanager", model, collector)
    return model


def load_alertmanager(path: Path, config: Config):
    """(the validated model or None, the findings of loading and linting it) of one Alertmanager config."""
    from obslint.checks import files

    collector = Collector(display_path(path, config.display_root), config)
    _, documents = files.read(path, config, collector)
    model = None
    if documents is not None:
        model = _lint_alertmanager([d.root for d in documents if d.root is not None] or [None], collector)
    return model, collector.findings


def lint_dashboard_files(paths: list[Path], config: Config) -> tuple[list, list[Finding]]:
    """Run (in the sandbox) or read dashboard files, validate and lint them, each alone and all together;
    (the compiled dashboards, their findings)."""
    from obslint.checks import dashboard_lint
    from obslint.dashboards.sandbox import run_files

    collectors = Collectors(config)
    dashboards: list = []
    python = [path for path in paths if path.suffix == ".py"]
    outcomes = dict(zip(python, run_files(python, config.sandbox, config.dashboard_schema_version), strict=True)) \
        if python else {}
    for path in paths:
        shown = display_path(path, config.display_root)
        # `# obslint: disable=CODE` comments work in dashboard .py files as in YAML (JSON has none)
        collector = collectors.get(shown, str(path) if path.suffix == ".py" else None)
        for dashboard in dashboard_lint.load(path, shown, config, collector, outcomes.get(path)):
            run_passes("dashboard", dashboard, collector)
            dashboards.append(dashboard)
    run_passes("dashboards", dashboards, collectors)
    return dashboards, collectors.findings()


@dataclass
class Analysis:
    """What linting a set of paths found, and what it read on the way (for `obslint report`)."""

    findings: list[Finding]
    project: object  # obslint.crossref.project.Project

    @property
    def facts(self) -> list:
        return self.project.facts

    @property
    def dashboards(self) -> list:
        return self.project.dashboards


def lint_paths(paths: list[Path], config: Config, jobs: int | None = None, cache: bool = False) -> list[Finding]:
    """Lint every target under `paths`. With several cores and enough input, files are linted in
    forked worker processes (`jobs`, default: the number of cores, at most 4); the result is the
    same sorted list either way. With `cache`, unchanged files reuse their results (obslint.engine.cache)."""
    return analyse(paths, config, jobs, cache).findings


def analyse(paths: list[Path], config: Config, jobs: int | None = None, cache: bool = False) -> Analysis:
    from obslint.crossref.project import Project

    targets = discover(paths, config)
    whole = any(not t.explicit for t in targets)  # a directory was given: the whole project
    dashboard_targets = [t for t in targets if t.kind == "dashboards"]
    am_targets = [t for t in targets if t.kind == "alertmanager"] if whole else []
    others = [t for t in targets if t.kind != "dashboards" and t not in am_targets]
    # dashboards are linted together (uids and titles must be unique across them), in this process
    compiled, findings = lint_dashboard_files([t.path for t in dashboard_targets], config) \
        if dashboard_targets else ([], [])
    project = Project(config, dashboards=compiled)
    # the project's Alertmanager configs are loaded here, once: their models serve the checks across files
    for target in am_targets:
        model, am_findings = _project_alertmanager(target, config)
        findings += am_findings
        valid = not any(f.severity == Severity.ERROR for f in am_findings)  # an invalid one has its own errors
        if model is not None and valid and project.alertmanager is None:
            project.alertmanager = (display_path(target.path, config.display_root), str(target.path), model)
    # the rules' facts serve the checks across files, and the cache keeps them for later such runs
    file_findings, project.facts = _lint_files(others, config, jobs, cache, with_facts=whole or cache)
    findings += file_findings
    if whole:
        project.catalog = _catalog(paths, config)
        collectors = Collectors(config)
        run_passes("project", project, collectors)
        findings += collectors.findings()
    return Analysis(sort_findings(findings), project)


def _project_alertmanager(target: Target, config: Config):
    """(model or None, findings) of an Alertmanager config found in a project's layout: a file there that
    holds no config (a template, a routing test) is linted as what it is."""
    from obslint.alertmanager.documents import is_alertmanager_document
    from obslint.checks import files

    collector = Collector(display_path(target.path, config.display_root), config)
    _, documents = files.read(target.path, config, collector)
    if documents is None:
        return None, collector.findings
    roots = [d.root for d in documents if d.root is not None]
    if not any(is_alertmanager_document(r) for r in roots):
        return None, lint_target(target, config)
    return _lint_alertmanager(roots, collector), _with_subjects(collector.findings, roots)


def _with_subjects(findings: list[Finding], roots: list) -> list[Finding]:
    """A file's findings with the subjects of where they are (obslint.engine.subjects), from the YAML the
    checks read: the baseline and --diff-base match findings by them, the cache keeps them."""
    if not findings:
        return findings
    from obslint.engine.subjects import with_subjects, yaml_outline

    return with_subjects(findings, yaml_outline(roots))


def _catalog(paths: list[Path], config: Config):
    """The metric catalog of the project (`catalog` under a checked directory, else under the root)."""
    from obslint.crossref.catalog import load

    candidates = [d / config.catalog for d in paths if d.is_dir()] + [config.root / config.catalog]
    found = next((c for c in candidates if c.is_file()), None)
    return load(found) if found is not None else None


def _lint_files(targets: list[Target], config: Config, jobs: int | None, cache: bool = False,
                with_facts: bool = True) -> tuple[list[Finding], list]:
    """The findings and rule facts of files, in target order; cached results for unchanged files."""
    store = None
    if cache:
        from obslint.engine.cache import FileCache

        store = FileCache(config)
    results: dict[int, tuple[list, list, bool]] = {}
    digests: dict[int, str | None] = {}
    todo: list[tuple[int, Target]] = []
    for i, target in enumerate(targets):
        if store is not None and target.kind not in ("python", "rule-tests", "route-tests"):
            digests[i] = store.digest(target.path)
            hit = store.get(target.path, display_path(target.path, config.display_root), digests[i])
            if hit is not None:
                results[i] = (hit[0], hit[1], True)
                continue
        todo.append((i, target))
    for i, result in _lint_all(todo, config, jobs, with_facts):
        results[i] = result
        if store is not None and result[2] and i in digests:
            store.put(targets[i].path, display_path(targets[i].path, config.display_root), digests[i], result[0],
                      result[1])
    findings = [f for i in range(len(targets)) for f in results[i][0]]
    facts = [fact for i in range(len(targets)) for fact in results[i][1]]
    return findings, facts


def _lint_all(todo: list[tuple[int, Target]], config: Config, jobs: int | None, with_facts: bool = True):
    """(index, (findings, facts, self-contained)) for each target; in `jobs` processes (this one and
    forked helpers) when the input is large enough to be worth it."""
    jobs = jobs if jobs is not None else min(os.cpu_count() or 1, 4)
    chunks = _chunks(todo, jobs) if jobs > 1 else [todo]
    if len(chunks) == 1:
        return _lint_batch(todo, config, with_facts)
    from obslint.engine.workers import run_chunks

    _import_parsers(todo)  # once, before the fork, rather than once in each helper
    parts = run_chunks(chunks, lambda chunk: _lint_batch(chunk, config, with_facts), jobs - 1)
    return [pair for part in parts for pair in part]


def _import_parsers(todo: list[tuple[int, Target]]) -> None:
    """Import what linting `todo` needs, so that forked helpers inherit it."""
    from obslint.checks.registry import all_checks

    all_checks()  # the check modules
    import obslint.promql.parse  # noqa: F401
    import obslint.rules.facts  # noqa: F401
    import obslint.yamlload  # noqa: F401

    if any(target.kind == "alertmanager" for _, target in todo):
        import obslint.alertmanager.router  # noqa: F401


def _lint_batch(todo: list[tuple[int, Target]], config: Config, with_facts: bool = True
                ) -> list[tuple[int, tuple[list, list, bool]]]:
    out = []
    for i, target in todo:
        facts: list = []
        self_contained: list = []
        findings = lint_target(target, config, facts if with_facts else None, self_contained)
        out.append((i, (findings, facts, bool(self_contained))))
    return out


def _chunks(todo: list[tuple[int, Target]], jobs: int) -> list[list[tuple[int, Target]]]:
    """Split (index, target) pairs into chunks for `jobs` processes that take them from one queue:
    largest files first, and each chunk about 1/(2*jobs) of the bytes still left, so the chunks
    shrink and the processes finish together (guided scheduling). One chunk when the input is small."""
    sizes = []
    for _, target in todo:
        try:
            sizes.append(target.path.stat().st_size)
        except OSError:
            sizes.append(0)
    left = sum(sizes)
    if left < PARALLEL_MIN_BYTES:
        return [todo]
    smallest = PARALLEL_MIN_BYTES / 32
    chunks: list[list[tuple[int, Target]]] = []
    load = share = 0.0
    for size, pair in sorted(zip(sizes, todo, strict=True), key=lambda item: -item[0]):
        if not chunks or load >= share:
            chunks.append([])
            load, share = 0, max(left / (2 * jobs), smallest)
        chunks[-1].append(pair)
        load += size
        left -= size
    return chunks
