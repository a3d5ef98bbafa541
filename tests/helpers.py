"""What many tests share: the repository's paths, and running the real console script on a repository
made in a temporary directory."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
CORPUS = REPO.parent / "shared" / "corpus"
OBSLINT = str(Path(sys.executable).parent / "obslint")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(what: str, hint: str):
    """A missing oracle or input: a failure in CI (CI=true), a skip elsewhere."""
    message = f"{what} is not available: {hint}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 for a server a test starts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """Stop a server a test started: politely, then for good."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def obslint(*args: str, cwd: Path, timeout: float = 120, env: dict | None = None,
            prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """The console script, as CI and pre-commit run it."""
    return subprocess.run([*prefix, OBSLINT, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


BROKEN_RULE = "groups:\n- name: g\n  rules:\n  - alert: Broken\n    expr: sum(rate(x[5m])\n"
QUIET = 'disable = ["required-labels", "required-annotations"]\n'
# what a team's own policy says (by default obslint requires no label or annotation): every alert has a team
TEAM_POLICY = '[policy]\nrequired-labels = { team = [] }\n'
# a rule file of one group and one recording rule, both named by `name`
RULES = "groups:\n- name: {name}\n  rules:\n  - record: {name}:up:sum\n    expr: sum(up)\n"
GOOD_DASHBOARD = '''from grafanalib.core import Dashboard, GridPos, Target, Template, Templating, TimeSeries

DS = Template(name="datasource", type="datasource", query="prometheus")

dashboard = Dashboard(
    title="{title}", uid="{uid}",
    templating=Templating(list=[DS]),
    panels=[
        TimeSeries(title="Requests", unit="reqps", gridPos=GridPos(h=8, w=12, x=0, y=0),
                   targets=[Target(expr="sum(rate(http_requests_total[$__rate_interval]))")]),
    ],
)
'''


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def repo(tmp_path: Path, files: dict[str, str], toml: str = QUIET) -> Path:
    """A repository under tmp_path/repo: an obslint.toml, a rule file with a syntax error, and `files`."""
    return write_tree(tmp_path / "repo", {"obslint.toml": toml, "rules/broken.yaml": BROKEN_RULE, **files})


def dashboard_project(tmp_path: Path, files: dict[str, str]) -> Path:
    """A project whose dashboards_py/ holds `files`."""
    write_tree(tmp_path / "dashboards_py", files)
    return tmp_path


def run_module(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """`python -m obslint`."""
    return subprocess.run([sys.executable, "-m", "obslint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def findings(proc: subprocess.CompletedProcess) -> list[dict]:
    return json.loads(proc.stdout)


def codes_at(proc: subprocess.CompletedProcess, path: str) -> list[str]:
    return [f["code"] for f in findings(proc) if f["path"] == path]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and folder under root: its bytes (files) and mode."""
    out = {}
    for path in sorted(root.rglob("*")):
        mode = path.lstat().st_mode
        out[path.relative_to(root).as_posix()] = (path.read_bytes() if path.is_file() else b"", mode)
    return out


def git(root: Path, *args: str) -> str:
    """Run git in `root` (a repository the test made), as a user with a name, never a global config."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def git_repo(root: Path, files: dict[str, str], branch: str = "main") -> Path:
    """A git repository at `root` with `files` committed on `branch`."""
    root.mkdir(parents=True, exist_ok=True)
    write_tree(root, files)
    git(root, "init", "-q", "-b", branch)
    commit(root, "initial")
    return root


def commit(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def go_program(source: str, folder: Path) -> Path:
    """Build a Go program that uses only the standard library (an oracle of Go's own semantics) with
    the installed Go toolchain; `need` it when the toolchain is missing (a failure in CI)."""
    import shutil

    go = shutil.which("go") or ("/usr/local/go/bin/go" if os.access("/usr/local/go/bin/go", os.X_OK) else None)
    if go is None:
        need("the Go toolchain", "https://go.dev/dl/")
    (folder / "main.go").write_text(source, encoding="utf-8")
    binary = folder / "oracle"
    subprocess.run([go, "build", "-o", str(binary), str(folder / "main.go")], check=True, capture_output=True,
                   timeout=300, env={**os.environ, "GO111MODULE": "off"})
    return binary
