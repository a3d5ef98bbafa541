"""Finding the files to lint.

With no `paths` in the configuration, a directory is walked whole and every YAML and JSON file is read
as what its content is (obslint.engine.classify): rule files, PrometheusRule resources, rules and
Alertmanager configs inside ConfigMaps, Secrets and Helm values, promtool unit tests, dashboards in any
folder. The walk leaves out what `.gitignore` ignores (obslint.core.gitignore), hidden folders, and
folders of other tools' making: dependencies (node_modules, vendor, bower_components, site-packages,
virtualenvs), build output (dist, build, target, and obslint's own build output: the configured
`build.out` and any folder holding `.obslint-build.json`, whose inputs are linted already), caches
(__pycache__), and a Helm chart's `charts/` folder of subcharts (dependencies, often archives). Files
under a chart's `templates/` are Helm templates: not YAML until rendered. A `X.json` beside a
`X.dashboard.py` is what grafanalib's `generate-dashboard` made of it: the source is linted, not its output.

The folders of obslint's own layout (`rules/`, `alertmanager/`, `dashboards_py/`) tell what a file there
is when its content does not: a `rules/` file that is no known kind is linted as a rule file,
`rules/**/tests/` holds promtool unit tests, `alertmanager/tests/` obslint's routing tests, and in
`dashboards_py/` a Python file that binds `dashboard` is a dashboard file. Configured `paths` narrow the
walk to those folders (as does `exclude`, to what it leaves).

A Python file is a target only when it is a dashboard file (obslint.dashboards.sandbox tells, from its
syntax tree, without running it); any other Python file, found by a walk or named, is never run. A
path given or configured that does not exist or cannot be read is an InputError (exit 2), never a
silent skip."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from obslint.config import Config
from obslint.core.paths import InputError, resolve

YAML_SUFFIXES = (".yml", ".yaml")
RULES_SUFFIX = ".rules"
# folders a walk never enters: (name, why)
SKIPPED_FOLDERS = {
    "node_modules": "dependencies (npm)", "bower_components": "dependencies (bower)",
    "vendor": "vendored dependencies", "site-packages": "installed Python packages",
    "venv": "a Python virtualenv", "__pycache__": "Python's bytecode cache",
}
BUILD_MARKER = ".obslint-build.json"
GENERATED_FROM = ".dashboard.py"  # X.json beside X.dashboard.py is that file's output (grafanalib's convention)
PLACE_HINTS = ("rules", "rule-tests", "route-tests", "alertmanager")


@dataclass(frozen=True)
class Target:
    path: Path
    # rules, rule-tests, route-tests, alertmanager, dashboards (by place, or Python by its syntax tree);
    # unknown or json (told by content); helm-template (under a chart's templates/); python (never run)
    kind: str
    explicit: bool  # named on the command line
    place: str | None = None  # the kind its folder in obslint's layout suggests, when its content says nothing


@dataclass(frozen=True)
class Skipped:
    """A file or folder a walk left out, and why (`obslint check --show-files`)."""

    path: Path
    kind: str  # skipped, python
    reason: str


def _excluded(path: Path, resolved: Path, config: Config) -> bool:
    if not config.exclude:
        return False
    import fnmatch

    try:
        relative = resolved.relative_to(resolve(config.root)).as_posix()
    except ValueError:
        relative = path.as_posix()
    # a pattern matches the path, its name, or (for a folder) the files in it
    inside = relative + "/-"
    return any(fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(path.name, pattern)
               or fnmatch.fnmatch(relative, pattern.rstrip("/") + "/*") or fnmatch.fnmatch(inside, pattern)
               for pattern in config.exclude)


@functools.lru_cache(maxsize=64)
def _layout(root: Path, paths: tuple) -> tuple[tuple[str, Path], ...]:
    """(kind, resolved directory) of a config's layout, resolved once."""
    return tuple((kind, (root / directory).resolve()) for kind, directories in paths for directory in directories)


def _kind_by_place(resolved: Path, config: Config) -> str | None:
    layout = _layout(config.root, tuple((k, tuple(v)) for k, v in config.paths.items()))
    text = str(resolved)
    for kind, base in layout:
        if resolved == base or text.startswith(os.path.join(str(base), "")):
            if "tests" in resolved.relative_to(base).parts[:-1]:
                return {"rules": "rule-tests", "alertmanager": "route-tests"}.get(kind, kind)
            return kind
    return None


def discover(paths: list[Path], config: Config, skipped: list[Skipped] | None = None,
             by_content: bool = True) -> list[Target]:
    """Targets in a stable order; `skipped` (when given) receives what a walk left out and why.

    With `by_content` (what `obslint check` does) a directory is walked whole unless the configuration
    names `paths`; without it (the commands that work on obslint's own layout: build, test, route-test,
    fix, report) a directory holding the layout is read by it alone, as before. Raises InputError for a
    missing or unreadable path."""
    targets: list[Target] = []
    seen: set[Path] = set()

    def add(path: Path, kind: str | None, explicit: bool) -> None:
        """Add `path` once; its kind is told by its content (`kind`, else its name) or its place."""
        resolved = resolve(path)
        if resolved in seen or (not explicit and _excluded(path, resolved, config)):
            return
        seen.add(resolved)
        place = _kind_by_place(resolved, config)
        if path.suffix == ".py":
            kind = "dashboards" if is_dashboard_file(path, place == "dashboards") else "python"
            place = None
        elif config.configured_paths or not by_content:  # the place decides, as configured
            kind = place or kind or kind_by_name(path, by_content)
            place = None
        else:  # the content decides; the place says what a file of no known kind is
            kind = kind or kind_by_name(path, by_content)
            place = place if place in PLACE_HINTS else None
        if kind == "python" and not explicit:
            if skipped is not None:
                skipped.append(Skipped(path, "python", "not a dashboard file: never run"))
            return  # never run, never listed
        targets.append(Target(path, kind, explicit, place))

    for given in paths:
        if not given.exists():
            raise InputError(f"{given}: no such file or directory")
        _check_readable(given)
        if given.is_file():
            add(given, None, True)
            continue
        layout = [(kind, given / root) for kind, roots in config.paths.items() for root in roots]
        if resolve(given) == resolve(config.root):
            for kind, directory in layout:
                if kind in config.configured_paths and not directory.exists():
                    raise InputError(f"{directory}: no such file or directory (paths.{kind} in {config.source})")
        layout_only = config.configured_paths if by_content else any(d.is_dir() for _, d in layout)
        if layout_only and any(d.is_dir() for _, d in layout):
            for kind, directory in layout:
                for file in _walk(directory, kind):
                    add(file, kind, False)
        elif by_content:
            for file, kind in walk(given, config, skipped):
                add(file, kind, False)
        else:
            for file in _walk(given, "any"):
                add(file, None, False)
    return targets


def _check_readable(path: Path) -> None:
    """InputError unless `path` (a file, or a directory to list) can be read."""
    try:
        if path.is_dir():
            with os.scandir(path):
                pass
        else:
            with open(path, "rb"):
                pass
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


# where a module's text can bind `dashboard` or `dashboards`: an assignment or annotation, a tuple or
# parenthesised target, `for`/`with ... as`/`import`, the walrus (a superset: false alarms are only parsed)
_MAY_BIND = re.compile(rb"(?<![\w.])dashboards?\s*(?:\\\s*)?(?:[-+*/%|&^@]?=(?!=)|:|,|\)|\]|in\b)|"
                       rb"\b(?:as|for|import)\b[^\n#]*(?<![\w.])dashboards?(?!\w)")


def _may_bind_at_module_level(data: bytes) -> bool:
    """Whether a line outside the module's functions and classes may bind `dashboard` (a superset: a line
    that starts a top-level `def`, `class` or decorator opens a body that lasts until the next line that
    starts at column 0; a string's lines at column 0 end it early, which only means more is parsed)."""
    if not _MAY_BIND.search(data):
        return False
    in_body = False
    outside = []
    for line in data.split(b"\n"):
        first = line[:1]
        if first and first not in b" \t\r\x0c#":
            in_body = line.startswith((b"def ", b"class ", b"async ", b"@"))
        if not in_body:
            outside.append(line)
    return bool(_MAY_BIND.search(b"\n".join(outside)))


def is_dashboard_file(path: Path, in_dashboards_folder: bool) -> bool:
    """Whether a Python file is a dashboard file (obslint.dashboards.sandbox, from its syntax tree). A walk
    meets every module of a repository: one whose text cannot bind `dashboard` anywhere is not parsed
    (Python reads identifiers in NFKC form, so only ASCII text is told apart this way)."""
    if not in_dashboards_folder:
        try:
            with open(path, "rb") as fh:
                data = fh.read(2 * 1024 * 1024 + 1)
        except OSError:
            return False
        if data.isascii() and not _may_bind_at_module_level(data):
            return False
    from obslint.dashboards.sandbox import is_dashboard_file as told_by_syntax

    return told_by_syntax(path, in_dashboards_folder)


def _walk(directory: Path, kind: str) -> list[Path]:
    """The files of `directory` (recursively, hidden folders and __pycache__ left out) that `kind` reads;
    InputError for a folder that cannot be listed."""
    if not directory.is_dir():
        return []
    suffixes = (".py", ".json") if kind == "dashboards" else YAML_SUFFIXES + ((".py",) if kind == "any" else ())

    def refuse(error: OSError) -> None:
        raise InputError(f"{error.filename}: cannot read: {error.strerror or error}")

    files = []
    for top, folders, names in os.walk(directory, onerror=refuse):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f != "__pycache__")
        files.extend(Path(top) / name for name in names
                     if os.path.splitext(name)[1] in suffixes and not name.startswith("."))
    return sorted(p for p in files if p.is_file())


def walk(directory: Path, config: Config, skipped: list[Skipped] | None = None) -> list[tuple[Path, str]]:
    """(file, kind) for every file of `directory` obslint may read, by a walk that honours .gitignore and
    leaves out the folders of other tools (see the module's docs); InputError for a folder that cannot
    be listed. Kinds: unknown, json (told by content), helm-template, or None (Python, told later)."""
    from obslint.core.gitignore import Ignores

    ignores = Ignores(str(directory))
    build_out = os.path.abspath(config.root / config.build_out)
    found: list[tuple[Path, str]] = []

    def note(path: str, reason: str) -> None:
        if skipped is not None:
            skipped.append(Skipped(Path(path), "skipped", reason))

    def refuse(error: OSError) -> None:
        raise InputError(f"{error.filename}: cannot read: {error.strerror or error}")

    for top, folders, names in os.walk(directory, onerror=refuse):
        keep = []
        names_here = set(names)
        for folder in sorted(folders):
            path = os.path.join(top, folder)
            why = None
            if folder.startswith("."):
                why = ""  # hidden: not worth a line
            elif folder in SKIPPED_FOLDERS:
                why = SKIPPED_FOLDERS[folder]
            elif folder == "charts" and "Chart.yaml" in names_here:
                why = "a Helm chart's subcharts (dependencies)"
            elif ignores.ignored(top, folder, True):
                why = "ignored by .gitignore"
            elif config.exclude and _excluded(Path(path), Path(os.path.abspath(path)), config):
                why = "excluded by the configuration"
            elif os.path.abspath(path) == build_out or os.path.isfile(os.path.join(path, BUILD_MARKER)):
                why = "obslint's build output (its inputs are linted)"
            if why is None:
                keep.append(folder)
            elif why:
                note(path, why)
        folders[:] = keep
        chart_templates = _in_chart_templates(top)
        for name in sorted(names):
            if name.startswith(".") or ignores.ignored(top, name, False):
                continue
            stem, suffix = os.path.splitext(name)
            path = Path(top) / name
            if suffix in YAML_SUFFIXES or suffix == RULES_SUFFIX:
                found.append((path, "helm-template" if chart_templates else "unknown"))
            elif suffix == ".json" and stem + GENERATED_FROM in names_here:
                note(str(path), f"built from {stem}{GENERATED_FROM} (grafanalib's generate-dashboard), which is linted")
            elif suffix == ".json":
                found.append((path, "json"))
            elif suffix == ".py":
                found.append((path, None))
            elif not suffix and "dashboard" in os.path.basename(top).lower() and _starts_like_json(path):
                found.append((path, "json"))  # a dashboard saved without its extension
    return [(p, k) for p, k in found if p.is_file()]


@functools.lru_cache(maxsize=1024)
def _in_chart_templates(directory: str) -> bool:
    """Whether `directory` is (inside) the templates/ folder of a Helm chart (a folder with Chart.yaml)."""
    path = Path(directory)
    for parent in (path, *path.parents):
        if parent.name == "templates" and (parent.parent / "Chart.yaml").is_file():
            return True
    return False


def _starts_like_json(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(64).lstrip()[:1] == b"{"
    except OSError:
        return False


def source_files(directory: Path, suffixes: tuple[str, ...], config: Config) -> list[Path]:
    """The files of `directory` (recursively) whose names end in `suffixes`, as the walk leaves them (not
    in hidden, ignored, excluded or dependency folders); never run. What the metric catalog reads:
    instrumentation code, Prometheus configs."""
    if not directory.is_dir():
        return []
    return sorted(path for path, _ in walk(directory, config) if path.name.endswith(suffixes))


def kind_by_name(path: Path, by_content: bool = True) -> str:
    if path.suffix == ".py":
        return "dashboards"
    if path.suffix == ".json":
        return "json" if by_content else "dashboards"
    return "unknown"  # decided by content when read
