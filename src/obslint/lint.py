"""`obslint check` as plain functions: lint files and projects, return findings."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from obslint.collector import Collector, Suppressions
from obslint.config import Config
from obslint.findings import Finding, sort_findings
from obslint.project import Target, discover, resolve

if TYPE_CHECKING:
    from obslint.rulefiles import RuleFile

# The parsers and checks are imported where they are used: a run whose files all come from the cache
# (obslint.cache) starts without them.

YAML_ERROR_CODES = {"syntax": "Y001", "encoding": "Y002", "size": "Y003", "aliases": "Y004",
                    "duplicate-key": "Y005", "io": "Y006"}


def display_path(path: Path) -> str:
    """`path` as findings show it: relative to the working directory when it is below it."""
    return _display_path(path, os.getcwd())


@functools.lru_cache(maxsize=4096)
def _display_path(path: Path, cwd: str) -> str:
    try:
        return resolve(path).relative_to(resolve(Path(cwd))).as_posix()
    except ValueError:
        return str(path)


def read_yaml(path: Path, config: Config, collector: Collector):
    """(text, documents) or (text or None, None) after reporting why the file cannot be read."""
    text = None
    from obslint import yamlload

    try:
        text = yamlload.read_file(path, config.max_file_size)
        collector.suppressions = Suppressions(text)
        return text, yamlload.load_documents(text, config.max_yaml_nodes)
    except yamlload.YamlError as exc:
        collector.add(YAML_ERROR_CODES[exc.kind], exc.line, exc.column, exc.message)
        return text, None


def lint_rule_file(path: Path, config: Config, collector: Collector | None = None,
                   documents=None) -> tuple[RuleFile | None, list[Finding]]:
    collector = collector or Collector(display_path(path), config)
    if documents is None:
        _, documents = read_yaml(path, config, collector)
        if documents is None:
            return None, collector.findings
    from obslint.rulechecks import check_rule_file
    from obslint.rulefiles import RuleFileValidator

    validator = RuleFileValidator(collector, config.prometheus_version, config.promql_max_nesting,
                                  config.enable_features)
    rule_file = validator.validate(collector.path, [d.root for d in documents])
    report_duplicate_rules(rule_file, collector)
    check_rule_file(rule_file, collector, config)
    return rule_file, collector.findings


def report_duplicate_rules(rule_file: RuleFile, collector: Collector) -> None:
    """R014: promtool's duplicate-rules lint (same name and labels in one file)."""
    seen: dict[tuple, object] = {}
    for rule in rule_file.rules:
        if not rule.name:
            continue
        key = (rule.kind, rule.name, tuple(sorted(rule.labels.items())))
        first = seen.get(key)
        if first is None:
            seen[key] = rule
            continue
        collector.at("R014", rule.node,
                     f'{rule.kind} "{rule.name}" with the same labels is already defined at line {first.node.line}')


def load_alertmanager(collector: Collector, roots: list, config: Config):
    """The Alertmanager config of a file's documents (plain, Secret or Helm values), validated, or None."""
    from obslint.alertmanager.loader import AlertmanagerLoader, find_config, unwrap

    node, wrapping = find_config(roots)
    if wrapping == "none":
        collector.add("A003", 1, 1, "no Alertmanager config here (no `route:`, no Secret with "
                                    "alertmanager.yaml, no Helm `alertmanager.config`)")
        return None
    node = unwrap(node, wrapping, collector, config.max_yaml_nodes)
    if node is None:
        return None
    loader = AlertmanagerLoader(collector, config.alertmanager_version, config.matcher_mode)
    return loader.load(collector.path, node)


def lint_alertmanager(collector: Collector, roots: list, config: Config):
    from obslint.checks.alertmanager_routing import Context as AlertmanagerContext

    model = load_alertmanager(collector, roots, config)
    if model is None:
        return None
    context = AlertmanagerContext(model, collector)
    from obslint.checks.registry import all_checks

    for check in all_checks():
        if check.kind == "alertmanager" and "run" in vars(check) and collector.enabled(check.code):
            check().run(context)
    return model


def lint_target(target: Target, config: Config, facts: list | None = None,
                self_contained: list | None = None) -> list[Finding]:
    """The findings of one file; for rule files, `facts` (when given) receives what the dependency
    checks across files need. `self_contained` (when given) receives True when the findings depend on
    this file alone (rule files, Alertmanager configs), so they may be cached."""
    path = display_path(target.path)
    collector = Collector(path, config)
    if target.kind == "missing":
        collector.add("Y006", 0, 0, "no such file or directory")
        return collector.findings
    if target.kind == "dashboards":
        return lint_dashboard_targets([target], config)
    from obslint.rulefiles import is_rule_document, is_rule_test_document

    _, documents = read_yaml(target.path, config, collector)
    if documents is None:
        return collector.findings
    roots = [d.root for d in documents if d.root is not None]
    if target.kind == "route-tests":
        return collector.findings  # routing tests: `obslint route-test`
    if target.kind == "rule-tests" or (roots and all(is_rule_test_document(r) for r in roots)):
        from obslint.ruletest_lint import lint_rule_test_file
        from obslint.ruletests import installed_version

        # the fields a test file may use are the installed promtool's (it runs them), else the target's
        lint_rule_test_file(target.path, roots[0] if roots else None, collector,
                            installed_version() or config.prometheus_version)
        return collector.findings
    if target.kind == "rules" or any(is_rule_document(r) for r in roots):
        rule_file, _ = lint_rule_file(target.path, config, collector, documents)
        if facts is not None and rule_file is not None:
            from obslint.ruledeps import facts_of

            facts.extend(facts_of(rule_file, target.path))
        if self_contained is not None:
            self_contained.append(True)
        return collector.findings
    from obslint.alertmanager.loader import is_alertmanager_document

    if target.kind == "alertmanager" or any(is_alertmanager_document(r) for r in roots):
        lint_alertmanager(collector, roots, config)
        if self_contained is not None:
            self_contained.append(True)
        return collector.findings
    if target.explicit and roots:
        collector.add("Y007", 1, 1, "obslint cannot tell what kind of file this is (no `groups`, "
                                    "`route` or `rule_files`)")
    return collector.findings


PARALLEL_MIN_BYTES = 512 * 1024  # below this, starting workers costs more than it saves


@dataclass
class Analysis:
    """What linting a set of paths found, and what it read on the way (for `obslint report`)."""

    findings: list[Finding]
    facts: list  # obslint.ruledeps.RuleFact of every rule
    dashboards: list  # obslint.dashboards.lint.Dashboard, compiled


def lint_paths(paths: list[Path], config: Config, jobs: int | None = None, cache: bool = False) -> list[Finding]:
    """Lint every target under `paths`. With several cores and enough input, files are linted in
    forked worker processes (`jobs`, default: the number of cores, at most 4); the result is the
    same sorted list either way. With `cache`, unchanged files reuse their results (obslint.cache)."""
    return analyse(paths, config, jobs, cache).findings


def analyse(paths: list[Path], config: Config, jobs: int | None = None, cache: bool = False) -> Analysis:
    targets = discover(paths, config)
    dashboards = [t for t in targets if t.kind == "dashboards"]
    targets = [t for t in targets if t.kind != "dashboards"]
    # dashboards are linted together (uids and titles must be unique across them), in this process
    compiled, dashboard_findings = _lint_dashboards(dashboards, config) if dashboards else ([], [])
    project = any(not t.explicit for t in targets + dashboards)  # a directory was given: the whole project
    # the rules' facts serve the checks across files, and the cache keeps them for later such runs
    findings, facts = _lint_files(targets, config, jobs, cache, with_facts=project or cache)
    if project:
        from obslint import crosschecks, ruledeps
        from obslint.dashboards.lint import series_read

        if facts:
            reads = {name for d in compiled for name in series_read(d.compiled.doc, config)}
            findings += ruledeps.check(facts, reads, config)
        am_configs = [t.path for t in targets if t.kind == "alertmanager"]
        findings += crosschecks.check_all(facts, compiled, am_configs, config, [p for p in paths if p.is_dir()])
    return Analysis(sort_findings(dashboard_findings + findings), facts, compiled)


def lint_dashboard_targets(targets: list[Target], config: Config) -> list[Finding]:
    return _lint_dashboards(targets, config)[1]


def _lint_dashboards(targets: list[Target], config: Config) -> tuple[list, list[Finding]]:
    """The compiled dashboards of dashboard files, and their findings."""
    from obslint.dashboards.lint import lint_dashboard_files

    return lint_dashboard_files([(t.path, display_path(t.path)) for t in targets], config)


def _lint_files(targets: list[Target], config: Config, jobs: int | None, cache: bool = False,
                with_facts: bool = True) -> tuple[list[Finding], list]:
    """The findings and rule facts of files, in target order; cached results for unchanged files."""
    store = None
    if cache:
        from obslint.cache import FileCache

        store = FileCache(config)
    results: dict[int, tuple[list, list, bool]] = {}
    digests: dict[int, str | None] = {}
    todo: list[tuple[int, Target]] = []
    for i, target in enumerate(targets):
        if store is not None and target.kind not in ("missing", "rule-tests", "route-tests"):
            digests[i] = store.digest(target.path)
            hit = store.get(target.path, display_path(target.path), digests[i])
            if hit is not None:
                results[i] = (hit[0], hit[1], True)
                continue
        todo.append((i, target))
    for i, result in _lint_all(todo, config, jobs, with_facts):
        results[i] = result
        if store is not None and result[2] and i in digests:
            store.put(targets[i].path, display_path(targets[i].path), digests[i], result[0], result[1])
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
    from obslint.workers import run_chunks

    _import_parsers(todo)  # once, before the fork, rather than once in each helper
    parts = run_chunks(chunks, lambda chunk: _lint_batch(chunk, config, with_facts), jobs - 1)
    return [pair for part in parts for pair in part]


def _import_parsers(todo: list[tuple[int, Target]]) -> None:
    """Import what linting `todo` needs, so that forked helpers inherit it."""
    from obslint.checks.registry import all_checks

    all_checks()  # the check modules, which every collector resolves codes from
    import obslint.rulechecks  # noqa: F401
    import obslint.ruledeps  # noqa: F401
    import obslint.rulefiles  # noqa: F401
    import obslint.yamlload  # noqa: F401

    if any(target.kind == "alertmanager" for _, target in todo):
        import obslint.alertmanager.loader  # noqa: F401


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
