"""The lint pipeline as plain functions: discover the targets, load each file's model once, hand it to the
checks' passes (obslint.checks.registry), then the checks across files over the project.

A rule file is read (obslint.checks.files), loaded (obslint.checks.rulefmt) and passed to the "rule-file"
passes; an Alertmanager config is loaded (obslint.checks.amtool) and passed to the "alertmanager" passes;
dashboards are run in the sandbox or read (obslint.checks.dashboard_lint) and passed to the "dashboard"
passes, then all of them to the "dashboards" passes; a unit-test file goes to the "rule-test-file"
passes; a Prometheus config (obslint.checks.promconfig) to the "prometheus-config" passes. When a
directory is checked, the project (its rules' facts, dashboards, Alertmanager config and metric catalog,
each loaded once) goes to the "project" passes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from obslint.config import Config
from obslint.core.collector import Collector, Collectors
from obslint.core.findings import Finding, Severity, sort_findings
from obslint.core.paths import InputError, display_path
from obslint.engine.discover import YAML_SUFFIXES, Target, discover

# The parsers and checks are imported where they are used: a run whose files all come from the cache
# (obslint.engine.cache) starts without them.

PARALLEL_MIN_BYTES = 512 * 1024  # below this, starting workers costs more than it saves


def run_passes(artifact: str, subject, context) -> None:
    """Every pass over `artifact` whose checks are not all off, on `subject`."""
    from obslint.checks.registry import passes

    for check_pass in passes(artifact):
        if context.enabled(*check_pass.checks):
            check_pass(subject, context)


@dataclass
class Outcome:
    """What linting one file found beside its findings: the kinds it was read as (`--show-files`), the
    dashboards it holds (linted with the others, in the parent process) and its Alertmanager models."""

    kinds: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dashboards: list = field(default_factory=list)  # (path, Compiled or (line, column, message))
    alertmanagers: list = field(default_factory=list)  # obslint.alertmanager.model.AlertmanagerConfig


def lint_target(target: Target, config: Config, facts: list | None = None,
                self_contained: list | None = None, outcome: Outcome | None = None) -> list[Finding]:
    """The findings of one file (not a dashboard file); for rule files, `facts` (when given) receives what
    the checks across files need. `self_contained` (when given) receives True when the findings depend
    on this file alone (rule files, Alertmanager configs), so they may be cached; `outcome` (when given)
    receives the kinds the file was read as and the dashboards found in it, which the caller lints."""
    outcome = outcome if outcome is not None else Outcome()
    collector = Collector(display_path(target.path, config.display_root), config)
    if target.kind == "python":
        outcome.kinds.append("python")
        return collector.findings  # Python that is not a dashboard: never run
    if target.kind == "dashboards":
        outcome.kinds.append("dashboard")
        return lint_dashboard_files([target.path], config)[1]
    from obslint.checks import files
    from obslint.engine import classify

    if target.kind == "route-tests":
        outcome.kinds.append("route-tests")
        return collector.findings  # routing tests: `obslint route-test`
    if target.kind == "helm-template":
        _template(target, config, collector, outcome, chart=True)
        return collector.findings
    if target.kind == "json":
        roots = _json_roots(target, config, collector, outcome)
        if roots is None:
            return collector.findings
    else:
        text, documents, error = files.load(target.path, config)
        if text is not None:
            from obslint.core.collector import Suppressions

            collector.suppressions = Suppressions(text)
        if error is not None:
            _unreadable(target, text, error, collector, outcome)
            return collector.findings
        from obslint.yamlload import MapNode

        roots = [d.root for d in documents if d.root is not None]
        if not any(isinstance(r, MapNode) for r in roots) and text and _v1_rules(target, text, collector, outcome):
            return collector.findings
    parts = classify.classify(roots, target.path.name, target.explicit, config.max_yaml_nodes)
    parts += _prometheus_parts(target, roots, parts)
    if not parts and target.place is not None:  # obslint's layout says what a file of no known kind is
        parts = _by_place(target.place, roots)
    if not parts:
        outcome.kinds.append("none")
        if target.explicit and (roots or target.kind == "json"):
            files.unknown_kind(collector)
        return collector.findings
    cacheable = True
    for part in parts:
        outcome.kinds.append(part.shown)
        cacheable &= _lint_part(part, target, config, collector, facts, outcome)
    if self_contained is not None and cacheable:
        self_contained.append(True)
    return _with_subjects(collector.findings, _outlined(parts))


def _outlined(parts: list) -> list:
    """The YAML trees whose outline names the subjects of a file's findings: its rule files, unit tests and
    Alertmanager configs, embedded ones too (their nodes are at the outer file's lines), in file order."""
    from obslint.engine import classify

    roots = []
    for part in parts:
        if part.kind == classify.RULES or part.kind == classify.ALERTMANAGER and part.wrapping == "legacy":
            roots.extend(part.nodes)
        elif part.kind in (classify.RULE_TESTS, classify.ALERTMANAGER) and part.scalar is None:
            roots.extend(part.nodes[:1])
    return sorted((r for r in roots if r is not None), key=lambda r: r.line)


def _with_subjects(findings: list[Finding], roots: list) -> list[Finding]:
    """A file's findings with the subjects of where they are (obslint.engine.subjects), from the YAML the
    checks read: the baseline and --diff-base match findings by them, the cache keeps them."""
    if not findings or not roots:
        return findings
    from obslint.engine.subjects import with_subjects, yaml_outline

    return with_subjects(findings, yaml_outline(roots))


def _lint_part(part, target: Target, config: Config, collector: Collector, facts: list | None,
               outcome: Outcome) -> bool:
    """Lint one part of a file (obslint.engine.classify.Part); whether its findings depend on the file alone."""
    from obslint.checks import files
    from obslint.engine import classify

    if part.kind == classify.RULES:
        from obslint.checks import rulefmt

        rule_file = rulefmt.load(collector.path, part.nodes, config, collector)
        run_passes("rule-file", rule_file, collector)
        if facts is not None:
            from obslint.rules.facts import facts_of

            facts.extend(facts_of(rule_file, target.path))
    elif part.kind == classify.RULE_TESTS:
        from obslint.ruletests.model import TestDocument
        from obslint.ruletests.promtool import installed_version

        # the fields a test file may use are the installed promtool's (it runs them), else the target's
        document = TestDocument(target.path, part.nodes[0] if part.nodes else None,
                                installed_version() or config.prometheus_version)
        run_passes("rule-test-file", document, collector)
        return False
    elif part.kind == classify.ALERTMANAGER:
        from obslint.checks import amtool

        if part.wrapping == "legacy":
            model = amtool.load(part.nodes, config, collector)
        else:
            model = amtool.load_found(part.scalar if part.scalar is not None else part.nodes[0], part.wrapping,
                                      config, collector)
        if model is not None:
            run_passes("alertmanager", model, collector)
            outcome.alertmanagers.append(model)
            if _reads_other_files(model):
                return False
    elif part.kind == classify.DASHBOARD:
        outcome.dashboards.append((target.path, _read_dashboard(part)))
        return False
    elif part.kind == classify.PROMETHEUS:
        from obslint.checks import promconfig

        model = promconfig.load_found(part.nodes[0] if part.nodes else None, part.wrapping, config, collector)
        if model is not None:
            run_passes("prometheus-config", model, collector)
        return False  # C101 reads the repository's rule files
    elif part.kind == classify.RULES_V1:
        files.prometheus_v1_rules(collector, part.at.line, part.at.column, f"`{part.note}`")
    elif part.kind == classify.TEMPLATE:
        at = part.at
        files.template_skipped(collector, at.line if at else 1, at.column if at else 1, part.note)
    elif part.kind == classify.YAML_ERROR:
        files.report(part.error, collector)
    return True


def _prometheus_parts(target: Target, roots: list, parts: list) -> list:
    """Prometheus configs classify does not give: kube-prometheus-stack's `prometheusSpec.additionalScrapeConfigs`
    (scrape configs the operator appends), and a file named prometheus.yml (or told one) whatever it holds, as
    promtool check config reads it."""
    from obslint.engine import classify
    from obslint.promconfig.documents import FILE_KEYS, additional_scrape_configs

    extra = [classify.Part(classify.PROMETHEUS, "prometheus-scrape-configs-helm", [node], "scrape-configs")
             for node in map(additional_scrape_configs, roots) if node is not None]
    if not parts and not extra and (target.kind == "prometheus-config" or target.path.name in FILE_KEYS):
        return [classify.Part(classify.PROMETHEUS, "prometheus-config", roots[:1] or [None])]
    return extra


def _read_dashboard(part):
    """A dashboard part read: its Compiled dashboard, or (line, column, message) when it cannot be read."""
    from obslint.dashboards.model import DashboardReadError, from_tree, read_json_text

    if part.text is None:
        return from_tree(part.nodes[0])
    locate = part.scalar.source.locator(part.scalar) if part.scalar is not None and part.scalar.source else None
    try:
        return read_json_text(part.text, locate)
    except DashboardReadError as exc:
        return (exc.line, exc.column, exc.message)


def _by_place(place: str, roots: list):
    from obslint.engine.classify import ALERTMANAGER, RULE_TESTS, RULES, Part

    if place == "rules":
        return [Part(RULES, "rules", roots)]
    if place == "rule-tests":
        return [Part(RULE_TESTS, "rule-tests", roots[:1])]
    if place == "alertmanager":
        return [Part(ALERTMANAGER, "alertmanager", roots or [None], "legacy")]
    if place == "route-tests":
        return [Part("route-tests", "route-tests")]
    return []


def _unreadable(target: Target, text: str | None, error, collector: Collector, outcome: Outcome) -> None:
    """A file that is not YAML (yet): 1.x rules, a template, or broken; broken files are reported when they
    are obslint's (named, in obslint's layout, named *.rules, or looking like rules or a routing config)."""
    from obslint.checks import files
    from obslint.engine import classify

    ours = target.explicit or target.place is not None or target.path.suffix == ".rules"
    if text is not None and _v1_rules(target, text, collector, outcome):
        return
    if text is None and error.kind == "encoding":  # what it says, as far as it can be read
        try:
            ours = ours or classify.looks_ours(target.path.read_bytes().decode("utf-8", errors="replace"))
        except OSError:
            pass
    if text is not None and error.kind in ("syntax", "duplicate-key") and classify.is_template(text):
        _template(target, None, collector, outcome, text=text)
        return
    if ours or error.kind == "io" or text is not None and classify.looks_ours(text):
        outcome.kinds.append("unparsed")
        files.report(error, collector)
        return
    outcome.kinds.append("unparsed")
    outcome.notes.append(f"not read: {error.message}")


def _v1_rules(target: Target, text: str, collector: Collector, outcome: Outcome) -> bool:
    """Whether the file is rules in Prometheus 1.x's format (then said once)."""
    from obslint.checks import files
    from obslint.engine import classify

    ours = target.explicit or target.place is not None or target.path.suffix == ".rules"
    if not ours or "groups:" in text or not classify.rules_v1(text):
        return False
    outcome.kinds.append("rules-v1")
    files.prometheus_v1_rules(collector, 1, 1, "this file")
    return True


def _template(target: Target, config: Config | None, collector: Collector, outcome: Outcome,
              chart: bool = False, text: str | None = None) -> None:
    """A template (a Helm chart's, or YAML with template actions): said once when it renders monitoring
    content, never read as YAML."""
    from obslint.checks import files
    from obslint.engine import classify

    outcome.kinds.append("helm-template" if chart or (text and classify.HELM_MARKERS.search(text)) else "template")
    if text is None:
        try:
            text = target.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
    if target.explicit or classify.mentions_monitoring(text):
        what = "a Helm chart's template" if chart else "a Helm template" if classify.HELM_MARKERS.search(text) \
            else "a template (its `{{ }}` actions are not YAML)"
        files.template_skipped(collector, 1, 1, what)
    else:
        outcome.notes.append("a template: not linted")


JSON_WORDS = ('"panels"', '"rows"', '"groups"', '"route"', '"receivers"', '"tests"', '"dashboard"', '"spec"')


def _json_roots(target: Target, config: Config, collector: Collector, outcome: Outcome):
    """A JSON file: its dashboard goes to `outcome`; the YAML trees of one that holds something else (a rule
    file in JSON), or None when there is nothing more to lint."""
    import json

    from obslint.dashboards.model import DashboardReadError, dashboard_of, read_json_text

    try:
        size = target.path.stat().st_size
        if size > config.max_file_size and not target.explicit:
            outcome.kinds.append("none")
            outcome.notes.append("larger than max-file-size")
            return None
        text = target.path.read_bytes()[:config.max_file_size + 1].decode("utf-8")
    except (OSError, UnicodeDecodeError):
        text = None
    if text is None or (not target.explicit and not any(word in text for word in JSON_WORDS)):
        if text is None and target.explicit:
            outcome.dashboards.append((target.path, _dashboard_error(target.path)))
            return None
        outcome.kinds.append("none")
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        if target.explicit or ('"panels"' in text or '"rows"' in text) and '"title"' in text:
            outcome.kinds.append("dashboard-json")
            try:
                read_json_text(text)
            except DashboardReadError as exc:
                outcome.dashboards.append((target.path, (exc.line, exc.column, exc.message)))
            return None
        outcome.kinds.append("none")
        return None
    found = dashboard_of(doc)
    if found is not None:
        outcome.kinds.append({"plain": "dashboard-json", "import": "dashboard-json-wrapped",
                              "k8s": "dashboard-k8s"}[found[1]])
        outcome.dashboards.append((target.path, read_json_text(text, None, doc)))
        return None
    if isinstance(doc, dict) and any(k in doc for k in ("groups", "route", "receivers", "tests", "rule_files",
                                                        "kind")):
        from obslint import yamlload

        try:
            return [d.root for d in yamlload.load_documents(text, config.max_yaml_nodes) if d.root is not None]
        except yamlload.YamlError:
            pass
    if target.explicit:
        return [doc]  # for the unknown-kind warning
    outcome.kinds.append("none")
    return None


def _dashboard_error(path: Path):
    from obslint.dashboards.model import DashboardReadError, read_json

    try:
        read_json(path)
    except DashboardReadError as exc:
        return (exc.line, exc.column, exc.message)
    return (1, 1, "cannot read the file")


def _lint_alertmanager(roots: list, collector: Collector):
    """Load an Alertmanager config (reporting what amtool refuses) and lint the model; the model or None."""
    from obslint.checks import amtool

    model = amtool.load(roots, collector.config, collector)
    if model is not None:
        run_passes("alertmanager", model, collector)
    return model


def _reads_other_files(model) -> bool:
    """Whether a config's findings depend on more than its own bytes: its `templates:` files, or default
    templates that were not found (they may be installed later)."""
    if model is None:
        return False
    from obslint.alertmanager.notifications import config_templates

    files = model.cache.get("template-files")
    return bool(config_templates(model)) or (files is not None and not files.defaults_found)


def load_alertmanager(path: Path, config: Config):
    """(the validated model or None, the findings of loading and linting it) of one Alertmanager config."""
    from obslint.checks import files

    collector = Collector(display_path(path, config.display_root), config)
    _, documents = files.read(path, config, collector)
    model = None
    if documents is not None:
        model = _lint_alertmanager([d.root for d in documents if d.root is not None] or [None], collector)
    return model, collector.findings


def lint_dashboard_files(paths: list[Path], config: Config, read: list | None = None) -> tuple[list, list[Finding]]:
    """Run (in the sandbox) or read dashboard files, and take the dashboards `read` from other files (pairs of
    the file and its Compiled dashboard, or (line, column, message) when it could not be read); validate
    and lint them, each alone and all together; (the dashboards, their findings)."""
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
    for path, found in read or ():
        shown = display_path(path, config.display_root)
        collector = collectors.get(shown, str(path) if path.suffix in (".yml", ".yaml") else None)
        for dashboard in dashboard_lint.load_read(path, shown, found, collector):
            run_passes("dashboard", dashboard, collector)
            dashboards.append(dashboard)
    run_passes("dashboards", dashboards, collectors)
    return dashboards, collectors.findings()


@dataclass
class Analysis:
    """What linting a set of paths found, and what it read on the way (for `obslint report`)."""

    findings: list[Finding]
    project: object  # obslint.crossref.project.Project
    files: list = field(default_factory=list)  # (path, kinds, notes) of every file, skipped ones too

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
    from obslint.engine.discover import Skipped

    skipped: list[Skipped] = []
    targets = discover(paths, config, skipped)
    # a directory was given (or the walk found the files): the whole project
    whole = any(path.is_dir() for path in paths) or any(not t.explicit for t in targets)
    catalog = project_catalog(paths, config) if whole else None
    config = with_catalog_types(config, catalog, cache)
    if whole and not config.policy.scrape_interval_set:
        config = _with_scrape_interval(targets, config)
    dashboard_targets = [t for t in targets if t.kind == "dashboards"]
    # the project's Alertmanager config (in its alertmanager/ folder) serves the checks across files
    am_targets = [t for t in targets if "alertmanager" in (t.kind, t.place)] if whole else []
    others = [t for t in targets if t.kind != "dashboards" and t not in am_targets]
    outcomes: dict[int, Outcome] = {}
    file_findings, facts = _lint_files(others, config, jobs, cache, with_facts=whole or cache, outcomes=outcomes)
    findings = list(file_findings)
    am_models = []
    for target in am_targets:
        outcome = Outcome()
        model, am_findings = _project_alertmanager(target, config, outcome)
        outcomes[id(target)] = outcome
        findings += am_findings
        valid = not any(f.severity == Severity.ERROR for f in am_findings)  # an invalid one has its own errors
        if model is not None and valid:
            am_models.append((display_path(target.path, config.display_root), str(target.path), model))
    # dashboards are linted together (uids and titles must be unique across them), in this process
    read = [pair for outcome in outcomes.values() for pair in outcome.dashboards]
    compiled, dashboard_findings = lint_dashboard_files([t.path for t in dashboard_targets], config, read) \
        if dashboard_targets or read else ([], [])
    findings += dashboard_findings
    project = Project(config, dashboards=compiled, facts=facts)
    if am_models:
        project.alertmanager = am_models[0]
    if whole:
        project.catalog = catalog
        collectors = Collectors(config)
        run_passes("project", project, collectors)
        findings += collectors.findings()
    files = [(t.path, outcomes[id(t)].kinds if id(t) in outcomes else ["dashboard"] if t.kind == "dashboards"
              else ["cached"], outcomes[id(t)].notes if id(t) in outcomes else []) for t in targets]
    files += [(s.path, [s.kind], [s.reason]) for s in skipped]
    return Analysis(sort_findings(findings), project, files)


def _with_scrape_interval(targets: list[Target], config: Config) -> Config:
    """The configuration with the scrape interval of the repository's Prometheus configs (the longest
    `global.scrape_interval` they give, 1m where one gives none), when the policy does not say it; the
    checks that need it then assume nothing."""
    from obslint import yamlload
    from obslint.durations import parse_duration
    from obslint.engine import classify

    found: list[tuple[int, str]] = []
    for target in targets:
        if target.kind != "unknown" or target.path.suffix not in (".yml", ".yaml"):
            continue
        try:
            if target.path.stat().st_size > config.max_file_size:
                continue
            data = target.path.read_bytes()
            if b"scrape_configs" not in data:
                continue
            roots = [d.root for d in yamlload.load_documents(data.decode("utf-8"), config.max_yaml_nodes)]
        except (OSError, UnicodeDecodeError, yamlload.YamlError):
            continue
        for part in classify.classify(roots, target.path.name, False, config.max_yaml_nodes):
            if part.kind != classify.PROMETHEUS:
                continue
            settings = part.nodes[0].get("global")
            interval = settings.get("scrape_interval") if isinstance(settings, yamlload.MapNode) else None
            ms = parse_duration(interval.text) if isinstance(interval, yamlload.ScalarNode) else None
            found.append((ms or 60_000, display_path(target.path, config.display_root)))
    if not found:
        return config
    ms, shown = max(found)
    return replace(config, policy=replace(config.policy, scrape_interval_ms=ms, scrape_interval_from=shown))


def _project_alertmanager(target: Target, config: Config, outcome: Outcome):
    """(model or None, findings) of a file in the project's alertmanager/ folder: its Alertmanager config,
    or what else it holds (a template, a routing test) linted as what it is."""
    findings = lint_target(target, config, outcome=outcome)
    return (outcome.alertmanagers[0] if len(outcome.alertmanagers) == 1 else None), findings


def with_catalog_types(config: Config, catalog=None, cache: bool = False) -> Config:
    """`config` with the types of the project's metric catalog, which the checks that tell counters by
    their names defer to: `catalog`'s, else, for files named one by one (a pre-commit hook), the types of
    the project root's catalog when the configuration names its sources (`instrumentation`, a `catalog`
    file), kept in the cache (`cache`) until a source changes."""
    if catalog is not None:  # the project is checked whole: the catalog's checks run
        return replace(config, catalog_types=catalog.types(), catalog_checked=True)
    catalog_file = config.root / config.catalog
    if not (config.instrumentation or catalog_file.is_file()):
        return config

    def compute() -> dict[str, str]:
        found = project_catalog([config.root], config, scrape=False)
        return found.types() if found is not None else {}

    if not cache:
        return replace(config, catalog_types=compute())
    from obslint.engine.cache import derived_names

    sources = _catalog_files([config.root], config.instrumentation, (".py",), config) if config.instrumentation \
        else []
    sources += [catalog_file] if catalog_file.is_file() else []
    return replace(config, catalog_types=derived_names(config, "catalog-types", sources, compute))


def project_catalog(paths: list[Path], config: Config, scrape: bool = True):
    """The metric catalog of the project (obslint.crossref.catalog): the `catalog` file under a checked
    directory, else under the root; the prometheus_client declarations of its Python; the scrape jobs of
    its Prometheus configs (unless not `scrape`). None when it has none of them."""
    from obslint.crossref.catalog import build, load
    from obslint.crossref.instrumentation import declarations

    directories = [d for d in paths if d.is_dir()] or [config.root]
    candidates = [d / config.catalog for d in directories] + [config.root / config.catalog]
    found = next((c for c in candidates if c.is_file()), None)
    listed = load(found) if found is not None else None
    declared, _ = declarations(_catalog_files(directories, config.instrumentation, (".py",), config),
                               directories, config.max_file_size)
    jobs = _scrape_jobs(_catalog_files(directories, config.scrape_configs, YAML_SUFFIXES, config), config) \
        if scrape else None
    if listed is None and not declared and not (jobs is not None and jobs.known):
        return None
    catalog = build(listed, declared, lambda path: display_path(Path(path), config.display_root))
    catalog.scrape = jobs
    return catalog


TEST_FOLDERS = frozenset({"test", "tests", "testing"})


def _catalog_files(directories: list[Path], places: tuple[str, ...], suffixes: tuple[str, ...],
                   config: Config) -> list[Path]:
    """The files the catalog reads: under `places` (relative to the project root) when the configuration
    names them, else under the checked directories; tests left out (what a test declares or scrapes is
    not deployed)."""
    from obslint.engine.discover import source_files

    found: list[Path] = []
    for base in [config.root / place for place in places] or directories:
        if places and not base.exists():
            raise InputError(f"{base}: no such file or directory (instrumentation or scrape-configs in "
                             f"{config.source or 'the configuration'})")
        if base.is_file():
            found.append(base)
            continue
        for path in source_files(base, suffixes, config):
            parts = path.relative_to(base).parts
            if any(p in TEST_FOLDERS for p in parts[:-1]) or _is_test_file(parts[-1]):
                continue
            found.append(path)
    return list(dict.fromkeys(found))


def _is_test_file(name: str) -> bool:
    return name.startswith("test_") or name.endswith(("_test.py", "_tests.py")) or name == "conftest.py"


SCRAPE_WORDS = ("scrape_configs", "ScrapeConfigs", "ServiceMonitor", "PodMonitor", "kind: Probe", "ScrapeConfig")


def _scrape_jobs(files: list[Path], config: Config):
    """The scrape jobs of the Prometheus configs among `files` (obslint.crossref.scrape); files that do
    not parse are left to the checks that read them."""
    from obslint import yamlload
    from obslint.crossref.scrape import ScrapeJobs, jobs_of

    found = ScrapeJobs()
    for path in files:
        try:
            text = yamlload.read_file(path, config.max_file_size)
            if not any(word in text for word in SCRAPE_WORDS):
                continue
            documents = yamlload.load_documents(text, config.max_yaml_nodes)
        except yamlload.YamlError:
            continue
        for document in documents:
            if document.root is not None:
                found = found.merge(jobs_of(document.root, display_path(path, config.display_root)))
    return found


def _lint_files(targets: list[Target], config: Config, jobs: int | None, cache: bool = False,
                with_facts: bool = True, outcomes: dict | None = None) -> tuple[list[Finding], list]:
    """The findings and rule facts of files, in target order; cached results for unchanged files.
    `outcomes` (when given) receives each linted target's Outcome, by id(target)."""
    store = None
    if cache:
        from obslint.engine.cache import FileCache

        store = FileCache(config)
    results: dict[int, tuple] = {}
    digests: dict[int, str | None] = {}
    todo: list[tuple[int, Target]] = []
    for i, target in enumerate(targets):
        if store is not None and target.kind not in ("python", "rule-tests", "route-tests"):
            digests[i] = store.digest(target.path)
            hit = store.get(target.path, display_path(target.path, config.display_root), digests[i])
            if hit is not None:
                results[i] = (hit[0], hit[1], True, None)
                continue
        todo.append((i, target))
    for i, result in _lint_all(todo, config, jobs, with_facts):
        results[i] = result
        if store is not None and result[2] and i in digests:
            store.put(targets[i].path, display_path(targets[i].path, config.display_root), digests[i], result[0],
                      result[1])
    if outcomes is not None:
        outcomes.update((id(targets[i]), results[i][3]) for i in range(len(targets)) if results[i][3] is not None)
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
                ) -> list[tuple[int, tuple[list, list, bool, Outcome]]]:
    out = []
    for i, target in todo:
        facts: list = []
        self_contained: list = []
        outcome = Outcome()
        findings = lint_target(target, config, facts if with_facts else None, self_contained, outcome)
        outcome.alertmanagers = []  # models stay in the process that made them
        out.append((i, (findings, facts, bool(self_contained), outcome)))
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
