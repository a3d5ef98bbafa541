"""Discovery: a walk of any repository honours .gitignore as git does and leaves out other tools' folders;
every YAML and JSON file is read as what its structure says it is, whatever folder it sits in."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obslint.config import Config
from obslint.core.gitignore import Ignores, parse
from obslint.engine.discover import discover, walk

# --- .gitignore, as git reads it -------------------------------------------------------------------------

TREE = ["a.log", "b.txt", "keep.log", "build/x.yaml", "src/a.log", "src/build/y.yaml", "src/deep/c.txt",
        "docs/build", "docs/z.json", "logs/debug/d.log", "logs/e.txt", "x/y/z/build/w.yml", "[a].txt", "#hash",
        "sp ace"]


def _make(root: Path, files: list[str], ignores: dict[str, str]) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n", encoding="utf-8")
    for folder, text in ignores.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / ".gitignore").write_text(text, encoding="utf-8")


def _ours(root: Path) -> set[str]:
    """The files a walk by obslint.core.gitignore keeps (every name, not only YAML)."""
    ignores = Ignores(str(root))
    kept = set()
    todo = [root]
    while todo:
        directory = todo.pop()
        for entry in sorted(directory.iterdir()):
            if entry.name in (".git", ".gitignore"):
                continue
            if ignores.ignored(str(directory), entry.name, entry.is_dir()):
                continue
            if entry.is_dir():
                todo.append(entry)
            else:
                kept.add(entry.relative_to(root).as_posix())
    return kept


def _gits(root: Path) -> set[str]:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-o", "--exclude-standard", "-z"],
                         capture_output=True, check=True).stdout.decode()
    return {p for p in out.split("\0") if p and not p.endswith(".gitignore")}


PATTERNS = ["*.log", "!keep.log", "build/", "/build", "build", "**/build", "src/**", "logs/**/*.log", "logs/",
            "!logs/e.txt", "docs/*", "!docs/z.json", "\\[a\\].txt", "\\#hash", "sp\\ ace", "x/**/w.yml", "*.txt",
            "!src/deep/", "deep", "?.log", "[ab].txt", "[!a].log", "# a comment", "", "debug/", "z/"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(top=st.lists(st.sampled_from(PATTERNS), max_size=5), nested=st.lists(st.sampled_from(PATTERNS), max_size=3))
def test_gitignore_is_read_as_git_reads_it(tmp_path_factory, top, nested):
    root = tmp_path_factory.mktemp("repo")
    _make(root, TREE, {".": "\n".join(top) + "\n", "src": "\n".join(nested) + "\n"})
    assert _ours(root) == _gits(root), (top, nested)


def test_gitignore_patterns_by_hand():
    (pattern,) = parse("foo/\n")
    assert pattern.directory_only and pattern.regex.match("a/foo") and not pattern.regex.match("afoo")
    (pattern,) = parse("/doc/*.md   \n")
    assert pattern.regex.match("doc/a.md") and not pattern.regex.match("x/doc/a.md")
    assert parse("#x\n\n   \n") == []


# --- the walk -------------------------------------------------------------------------------------------

RULE = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n"


def _repo(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_walk_leaves_out_dependencies_build_output_ignored_and_hidden_folders(tmp_path):
    root = _repo(tmp_path, {
        "monitoring/alerts.yaml": RULE,
        "node_modules/pkg/alerts.yaml": RULE,
        "vendor/mixin/alerts.yaml": RULE,
        "site/dist/alerts.yaml": RULE,  # committed: a collection publishes its rules there
        "generated/alerts.yaml": RULE,
        ".github/workflows/ci.yml": "on: push\n",
        "out/.obslint-build.json": "{}",
        "out/rules/alerts.yaml": RULE,
        "charts/app/Chart.yaml": "name: app\n",
        "charts/app/charts/sub/values.yaml": "a: 1\n",
        "charts/app/templates/rule.yaml": "{{- if .Values.x }}\n",
        "charts/app/values.yaml": "a: 1\n",
        "grafana/dns.dashboard.py": "x = 1\n",
        "grafana/dns.json": "{}",  # what grafanalib's generate-dashboard made of dns.dashboard.py
        "grafana/other.json": "{}",
        ".gitignore": "generated/\n",
    })
    found = {p.relative_to(root).as_posix(): kind for p, kind in walk(root, Config(root=root))}
    assert found == {"monitoring/alerts.yaml": "unknown", "site/dist/alerts.yaml": "unknown",
                     "charts/app/Chart.yaml": "unknown",
                     "charts/app/values.yaml": "unknown", "charts/app/templates/rule.yaml": "helm-template",
                     "grafana/dns.dashboard.py": None, "grafana/other.json": "json"}


def test_exclude_and_configured_paths_narrow_the_walk(tmp_path):
    root = _repo(tmp_path, {"a/alerts.yaml": RULE, "b/alerts.yaml": RULE, "rules/x.yaml": RULE})
    every = {t.path.relative_to(root).as_posix() for t in discover([root], Config(root=root))}
    assert every == {"a/alerts.yaml", "b/alerts.yaml", "rules/x.yaml"}
    excluded = {t.path.relative_to(root).as_posix() for t in discover([root], Config(root=root, exclude=("b",)))}
    assert excluded == {"a/alerts.yaml", "rules/x.yaml"}
    (root / "tests").mkdir()
    (root / "tests" / "fixture.yaml").write_text(RULE)
    (root / "rules" / "tests").mkdir()
    (root / "rules" / "tests" / "t.yaml").write_text("rule_files: [../x.yaml]\ntests: []\n")
    anchored = {t.path.relative_to(root).as_posix() for t in discover([root], Config(root=root, exclude=("tests/*",)))}
    assert anchored == {"a/alerts.yaml", "b/alerts.yaml", "rules/x.yaml", "rules/tests/t.yaml"}
    configured = Config(root=root, configured_paths=frozenset({"rules"}))
    assert {t.path.relative_to(root).as_posix() for t in discover([root], configured)} == {"rules/x.yaml",
                                                                                          "rules/tests/t.yaml"}


# --- Python: which files a walk parses (never more run than before) ---------------------------------------

BINDINGS = ["dashboard = Dashboard(title='x')", "dashboards = [Dashboard(title='x')]",
            "dashboard: Dashboard = Dashboard(title='x')", "dashboard += []", "a, dashboard = 1, Dashboard()",
            "(dashboard) = Dashboard()", "[dashboard, b] = [Dashboard(), 1]",
            "for dashboard in [Dashboard()]:\n    pass",
            "with Dashboard() as dashboard:\n    pass", "import dashboard", "from lib import dashboards",
            "from lib import (\n    x,\n    dashboard\n)", "if (dashboard := Dashboard()):\n    pass",
            "dashboard \\\n    = Dashboard()", "ｄashboard = Dashboard()", "x = 1  # a dashboard: no binding",
            "def f():\n    dashboard = Dashboard()", "print('dashboard == 1')", "dashboard == Dashboard()"]


@pytest.mark.parametrize("binding", BINDINGS)
def test_a_walk_tells_dashboard_files_as_the_syntax_tree_does(tmp_path, binding):
    from obslint.dashboards.sandbox import is_dashboard_file as by_syntax
    from obslint.engine.discover import is_dashboard_file

    path = tmp_path / "board.py"
    path.write_text("from grafanalib.core import Dashboard\n" + binding + "\n", encoding="utf-8")
    assert is_dashboard_file(path, False) == by_syntax(path, False)


@pytest.mark.parametrize("module", [
    "def f():\n    pass\nif True:\n    dashboard = Dashboard()\n",
    "class C:\n    pass\ntry:\n    dashboard = Dashboard()\nexcept Exception:\n    pass\n",
    "@decorate\ndef f():\n    dashboard = 1\n\n# a comment\ndashboard = Dashboard()\n",
    "def f(): pass\ndashboards = [Dashboard()]\n",
    "def f():\n    dashboard = Dashboard()\n    return dashboard\n",  # not bound at module level
    "class C:\n    dashboard = Dashboard()\n",
    "X = '''\ndef g():\n'''\ndashboard = Dashboard()\n",
])
def test_bindings_inside_functions_and_classes_are_not_the_modules(tmp_path, module):
    from obslint.dashboards.sandbox import is_dashboard_file as by_syntax
    from obslint.engine.discover import is_dashboard_file

    path = tmp_path / "board.py"
    path.write_text("from grafanalib.core import Dashboard\n" + module, encoding="utf-8")
    assert is_dashboard_file(path, False) == by_syntax(path, False)
