"""The real promtool/amtool/alertmanager binaries of several versions, and running promtool on rule
files, for tests that compare verdicts.

Every oracle is a (tool, version): Debian's packages in /usr/bin (promtool 2.42, amtool and
alertmanager 0.25) and the versions pinned in scripts/oracles.txt, which scripts/oracles.sh builds into
$OBSLINT_ORACLE_DIR (default ~/.cache/obslint/oracles)/<project>-<version>/<tool>.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PINNED = REPO / "scripts" / "oracles.txt"

# Debian's packages (bookworm): the versions the tests began with, the same API as the built ones.
DEBIAN = {
    "prometheus": ("2.42.0", {"promtool": "/usr/bin/promtool"}),
    "alertmanager": ("0.25.0", {"amtool": "/usr/bin/amtool", "alertmanager": "/usr/bin/prometheus-alertmanager"}),
}


@dataclass(frozen=True)
class Oracle:
    """One binary of one release: `path` is where it is (or would be, once built or installed)."""

    project: str  # prometheus | alertmanager
    tool: str  # promtool | amtool | alertmanager
    version: str  # the release, as `--version` reports it (less Debian's "+ds" suffix)
    path: Path
    source: str  # "debian", or the Go module version it is built from ("v0.316.0")

    @property
    def available(self) -> bool:
        return self.path.is_file() and os.access(self.path, os.X_OK)

    def hint(self) -> str:
        if self.source == "debian":
            package = "prometheus" if self.tool == "promtool" else "prometheus-alertmanager"
            return f"expected at {self.path}: apt-get install -y {package}"
        return f"expected at {self.path}: run scripts/oracles.sh (it builds scripts/oracles.txt)"


def oracle_dir() -> Path:
    return Path(os.environ.get("OBSLINT_ORACLE_DIR") or Path.home() / ".cache" / "obslint" / "oracles")


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version.split("+")[0]))


def read_pinned(path: Path = PINNED) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """scripts/oracles.txt as (project, version, module version, tools)."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) != 4:
            raise ValueError(f"{path}: not `project version module binaries`: {line!r}")
        project, version, module, tools = fields
        entries.append((project, version, module, tuple(tools.split(","))))
    return entries


def all_oracles() -> list[Oracle]:
    """Every known oracle, Debian's first, each tool's versions in ascending order."""
    oracles = [Oracle(project, tool, version, Path(path), "debian")
               for project, (version, paths) in DEBIAN.items() for tool, path in paths.items()]
    base = oracle_dir()
    for project, version, module, tools in read_pinned():
        oracles += [Oracle(project, tool, version, base / f"{project}-{version}" / tool, module) for tool in tools]
    return sorted(oracles, key=lambda o: (o.tool, version_key(o.version)))


ORACLES = all_oracles()
# tool -> its versions, ascending: {"promtool": ("2.42.0", "2.53.4", ..., "3.16.0"), "amtool": (...), ...}
ORACLE_VERSIONS: dict[str, tuple[str, ...]] = {
    tool: tuple(o.version for o in ORACLES if o.tool == tool) for tool in dict.fromkeys(o.tool for o in ORACLES)}


def find_oracle(tool: str, version: str = "newest") -> Oracle:
    """The oracle for `tool` at `version`: exact ("3.16.0"), a prefix of whole parts ("3.16", "3": the
    newest that matches), or "newest"/"oldest". An unknown tool or version is an error, not a skip."""
    candidates = [o for o in ORACLES if o.tool == tool]
    if not candidates:
        raise KeyError(f"no oracle tool {tool!r}; known: {sorted(ORACLE_VERSIONS)}")
    if version in ("newest", "oldest"):
        return candidates[-1] if version == "newest" else candidates[0]
    want = version.split(".")
    matching = [o for o in candidates if o.version.split(".")[: len(want)] == want]
    if not matching:
        raise KeyError(f"no {tool} {version} among the oracles {ORACLE_VERSIONS[tool]}")
    return matching[-1]


def oracle_path(tool: str, version: str = "newest") -> Path | None:
    """The binary of `tool` at `version` (as find_oracle resolves it), or None when it is not there."""
    oracle = find_oracle(tool, version)
    return oracle.path if oracle.available else None


def reported_version(binary: str | Path) -> str | None:
    """The version `binary --version` prints ("3.16.0"; Debian's "2.42.0+ds" comes back whole)."""
    proc = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60)
    match = re.search(r"version (\S+)", proc.stdout + proc.stderr)
    return match.group(1) if match else None


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


# --- Alertmanager: its module source (config/testdata, config tests) and amtool check-config in batches

def go_module_cache() -> list[Path]:
    roots = [Path(os.environ["GOMODCACHE"])] if os.environ.get("GOMODCACHE") else []
    roots += [Path(p) / "pkg" / "mod" for p in os.environ.get("GOPATH", "").split(os.pathsep) if p]
    return roots + [Path.home() / "go" / "pkg" / "mod"]


def alertmanager_source(version: str) -> Path | None:
    """The Go module source of Alertmanager `version` ("0.28.1"), as `go mod download` leaves it."""
    for root in go_module_cache():
        path = root / "github.com" / "prometheus" / f"alertmanager@v{version.split('+')[0]}"
        if (path / "config").is_dir():
            return path
    return None


_CHECKING = re.compile(r"Checking '([^']*)'")


def amtool_check_configs(amtool: str | Path, paths: list[Path], features: tuple[str, ...] = (),
                         timeout: float = 120) -> dict[Path, tuple[bool, str]]:
    """`amtool check-config` on many files in as few runs as possible: {path: (valid, what amtool said)}.
    A file that makes amtool crash (a Go panic) is invalid; the run goes on with the files after it."""
    flags = [f"--enable-feature={','.join(features)}"] if features else []
    verdicts: dict[Path, tuple[bool, str]] = {}
    pending = list(paths)
    while pending:
        proc = subprocess.run([str(amtool), *flags, "check-config", *map(str, pending)], capture_output=True,
                              text=True, timeout=timeout)
        out = proc.stdout
        marks = [(m.start(), Path(m.group(1))) for m in _CHECKING.finditer(out)]
        done = 0
        for i, (start, path) in enumerate(marks):
            end = marks[i + 1][0] if i + 1 < len(marks) else len(out)
            section = out[start:end]
            if "  SUCCESS" in section.split("Found:")[0] and "  FAILED" not in section:
                verdicts[path] = (True, "SUCCESS")
            elif "  FAILED" in section:
                verdicts[path] = (False, section[section.index("  FAILED"):].split("\n")[0].strip())
            else:  # cut short: this file made amtool crash
                verdicts[path] = (False, "crash: " + (proc.stderr.strip().splitlines() or ["?"])[0])
            done = i + 1
        if done == 0:
            raise AssertionError(f"amtool check-config gave no verdict: {proc.stdout[-500:]} {proc.stderr[-500:]}")
        pending = pending[done:]
    return verdicts
