"""`obslint check` as plain functions: lint files and projects, return findings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from obslint import yamlload
from obslint.checks.registry import all_checks
from obslint.collector import Collector, Suppressions
from obslint.config import Config
from obslint.findings import Finding, sort_findings
from obslint.project import Target, discover
from obslint.rulechecks import check_rule_file
from obslint.rulefiles import RuleFile, RuleFileValidator, is_rule_document, is_rule_test_document

YAML_ERROR_CODES = {"syntax": "Y001", "encoding": "Y002", "size": "Y003", "aliases": "Y004",
                    "duplicate-key": "Y005", "io": "Y006"}


def display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def read_yaml(path: Path, config: Config, collector: Collector):
    """(text, documents) or (text or None, None) after reporting why the file cannot be read."""
    text = None
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
    validator = RuleFileValidator(collector, config.prometheus_version, config.promql_max_nesting)
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
    for check in all_checks():
        if check.kind == "alertmanager" and "run" in vars(check) and collector.enabled(check.code):
            check().run(context)
    return model


def lint_target(target: Target, config: Config, facts: list | None = None) -> list[Finding]:
    """The findings of one file; for rule files, `facts` (when given) receives what the dependency
    checks across files need."""
    path = display_path(target.path)
    collector = Collector(path, config)
    if target.kind == "missing":
        collector.add("Y006", 0, 0, "no such file or directory")
        return collector.findings
    if target.kind == "dashboards":
        return lint_dashboard_targets([target], config)
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
        return collector.findings
    from obslint.alertmanager.loader import is_alertmanager_document

    if target.kind == "alertmanager" or any(is_alertmanager_document(r) for r in roots):
        lint_alertmanager(collector, roots, config)
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


def lint_paths(paths: list[Path], config: Config, jobs: int | None = None) -> list[Finding]:
    """Lint every target under `paths`. With several cores and enough input, files are linted in
    forked worker processes (`jobs`, default: the number of cores, at most 4); the result is the
    same sorted list either way."""
    return analyse(paths, config, jobs).findings


def analyse(paths: list[Path], config: Config, jobs: int | None = None) -> Analysis:
    targets = discover(paths, config)
    dashboards = [t for t in targets if t.kind == "dashboards"]
    targets = [t for t in targets if t.kind != "dashboards"]
    # dashboards are linted together (uids and titles must be unique across them), in this process
    compiled, dashboard_findings = _lint_dashboards(dashboards, config) if dashboards else ([], [])
    findings, facts = _lint_files(targets, config, jobs)
    if any(not t.explicit for t in targets + dashboards):  # a directory was given: the whole project is here
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


def _lint_files(targets: list[Target], config: Config, jobs: int | None) -> tuple[list[Finding], list]:
    jobs = jobs if jobs is not None else min(os.cpu_count() or 1, 4)
    batches = _batches(targets, jobs) if jobs > 1 else [targets]
    if len(batches) > 1:
        import multiprocessing  # only here: the common small run starts without it
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        findings: list[Finding] = []
        facts: list = []
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=len(batches), mp_context=context) as pool:
                for part, part_facts in pool.map(_lint_batch, batches, [config] * len(batches)):
                    findings.extend(part)
                    facts.extend(part_facts)
            return findings, facts
        except (OSError, BrokenProcessPool, ValueError):
            pass  # no processes here: lint in this one
    return _lint_batch(targets, config)


def _lint_batch(targets: list[Target], config: Config) -> tuple[list[Finding], list]:
    facts: list = []
    findings = [f for target in targets for f in lint_target(target, config, facts)]
    return findings, facts


def _batches(targets: list[Target], jobs: int) -> list[list[Target]]:
    """Split targets into up to `jobs` batches of about equal bytes; one batch when the input is small."""
    sizes = []
    for target in targets:
        try:
            sizes.append(target.path.stat().st_size)
        except OSError:
            sizes.append(0)
    if sum(sizes) < PARALLEL_MIN_BYTES:
        return [targets]
    batches: list[list[Target]] = [[] for _ in range(jobs)]
    loads = [0] * jobs
    for size, target in sorted(zip(sizes, targets, strict=True), key=lambda pair: -pair[0]):
        i = loads.index(min(loads))
        batches[i].append(target)
        loads[i] += size
    return [b for b in batches if b]
