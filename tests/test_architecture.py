"""The architecture, enforced: imports flow one way between the layers, no module imports another that
imports it back (function-level imports included), check codes are emitted only through their classes,
and listing the checks stays cheap."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "obslint"

# lowest first: a module may import its own layer and the layers below it, never above
LAYERS = [
    ("languages and core", ["obslint.core", "obslint.durations", "obslint.gostrconv", "obslint.goregexp",
                            "obslint.yamlload",
                            "obslint.gotemplate",
                            "obslint.promql"]),
    ("configuration", ["obslint.config"]),
    ("domains", ["obslint.rules", "obslint.alertmanager", "obslint.promconfig", "obslint.dashboards",
                 "obslint.ruletests"]),
    ("the repository seen whole", ["obslint.crossref"]),
    ("checks", ["obslint.checks"]),
    ("engine", ["obslint.engine"]),
    ("output", ["obslint.output"]),
    ("commands", ["obslint.commands"]),
    ("command line", ["obslint.cli", "obslint.entry", "obslint.__main__", "obslint"]),
]
HEAVY = ("promql_parser", "re2", "grafanalib", "jsonschema")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The obslint modules `path` imports, anywhere in it (in functions too): `from obslint.x import y`
    is an import of obslint.x.y when that is a module, else of obslint.x."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()

    def add(target: str) -> None:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return found


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports(path, name, known) for name, path in found.items()}


def layer(name: str) -> int:
    best, index = -1, None
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, index = len(prefix), i
    assert index is not None, f"{name} is in no layer: add it to LAYERS"
    return index


def test_imports_flow_one_way_between_layers():
    wrong = []
    for name, targets in graph().items():
        for target in targets:
            if target == "obslint":  # the package itself: `from obslint import __version__`
                continue
            if layer(target) > layer(name):
                wrong.append(f"{name} ({LAYERS[layer(name)][0]}) imports {target} ({LAYERS[layer(target)][0]})")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycles():
    edges = graph()
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if target == "obslint":
                continue
            if state.get(target) == 1:
                cycles.append(" -> ".join(stack[stack.index(target):] + [target]))
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not cycles, "\n".join(cycles)


CODE = re.compile(r"[A-Z]\d{3}")


def test_check_codes_are_emitted_through_their_classes():
    """A code written as a string outside checks/ is a report nobody can find (and a typo a silent miss)."""
    found = []
    for name, path in modules().items():
        if name.startswith("obslint.checks"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value!r}")
    assert not found, "\n".join(found)


def test_every_check_lives_with_its_logic():
    """Each family module holds its checks' docs and the code that reports them: every registered check
    is reported (by its class) in the module that defines it."""
    from obslint.checks.registry import all_checks

    missing = []
    for check in all_checks():
        module = sys.modules[check.__module__]
        source = Path(module.__file__).read_text(encoding="utf-8")
        tree = ast.parse(source)
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if check.__name__ not in used:
            missing.append(f"{check.code} {check.__name__} ({check.__module__})")
    assert not missing, "checks defined but never reported where they are defined:\n" + "\n".join(missing)


@pytest.mark.parametrize("command", [
    "from obslint.checks.registry import all_checks; all_checks()",
    "from obslint.cli import cli",
])
def test_listing_the_checks_imports_no_parser(command):
    code = f"import sys; {command}; print(__import__('json').dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                       check=True).stdout)
    heavy = [m for m in loaded if m.split(".")[0] in HEAVY]
    assert not heavy, heavy
