"""Running the real promtool on rule files, for tests that compare verdicts."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def promtool_accepts(promtool: str, path: Path) -> tuple[bool, str]:
    proc = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True, timeout=60)
    return proc.returncode == 0, proc.stderr


def promtool_verdicts(promtool: str, paths: list[Path]) -> dict[Path, tuple[bool, str]]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(paths, pool.map(lambda p: promtool_accepts(promtool, p), paths), strict=True))


def rule_file_for(expr: str) -> str:
    """A one-rule file whose expr is exactly `expr` (JSON strings are YAML strings)."""
    return "groups:\n- name: g\n  rules:\n  - record: r\n    expr: " + json.dumps(expr) + "\n"


def promtool_expr_verdicts(promtool: str, exprs: list[str], workdir: Path) -> dict[str, bool]:
    paths = []
    for i, expr in enumerate(exprs):
        path = workdir / f"e{i}.yml"
        path.write_text(rule_file_for(expr), encoding="utf-8")
        paths.append(path)
    verdicts = promtool_verdicts(promtool, paths)
    return {expr: verdicts[path][0] for expr, path in zip(exprs, paths, strict=True)}
