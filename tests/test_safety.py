"""Safe on any repository: no code runs that is not a dashboard, no dashboard can hide an error or hang the
run, the cache cannot run code, and nothing the user has is lost or changed.

Every test runs the real console script in a child process, as CI does, on a repository made in a
temporary directory that holds, beside what the test is about, a rule file with a syntax error: its
error must always be reported, and the exit code must be 1.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

OBSLINT = str(Path(sys.executable).parent / "obslint")
BROKEN_RULE = "groups:\n- name: g\n  rules:\n  - alert: Broken\n    expr: sum(rate(x[5m])\n"
QUIET = 'disable = ["required-labels", "required-annotations"]\n'
DASHBOARD_HEAD = "from grafanalib.core import Dashboard\n"
DASHBOARD_TAIL = 'dashboard = Dashboard(title="T", uid="t")\n'


def obslint(*args: str, cwd: Path, timeout: float = 120, env: dict | None = None,
            prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, OBSLINT, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def repo(tmp_path: Path, files: dict[str, str], toml: str = QUIET) -> Path:
    root = tmp_path / "repo"
    for name, text in {"obslint.toml": toml, "rules/broken.yaml": BROKEN_RULE, **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def findings(proc: subprocess.CompletedProcess) -> list[dict]:
    return json.loads(proc.stdout)


def codes_at(proc, path: str) -> list[str]:
    return [f["code"] for f in findings(proc) if f["path"] == path]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and folder under root: its bytes (files) and mode."""
    out = {}
    for path in sorted(root.rglob("*")):
        mode = path.lstat().st_mode
        out[path.relative_to(root).as_posix()] = (path.read_bytes() if path.is_file() else b"", mode)
    return out


def assert_broken_rule_reported(proc) -> None:
    assert proc.returncode == 1, proc.stderr
    assert "P001" in codes_at(proc, "rules/broken.yaml"), proc.stdout


# --- only dashboards run --------------------------------------------------------------------------------

MARKER_SCRIPT = "open({marker!r}, 'w').write('ran')\n"


def test_a_walk_never_runs_scripts_setup_py_or_exporters(tmp_path):
    marker = tmp_path / "ran"
    script = MARKER_SCRIPT.format(marker=str(marker))
    root = repo(tmp_path, {
        "setup.py": "from setuptools import setup\n" + script + "setup(name='x')\n",
        "scripts/deploy.py": script,
        "exporter/main.py": "from prometheus_client import Counter\n" + script,
        # binds `dashboard` but builds without grafanalib: not a dashboard outside a dashboards folder
        "tools/render.py": script + "dashboard = {}\n",
    }, toml=QUIET + 'paths = { rules = ["rules"] }\n')
    for args in (["check", "--no-cache", "--format", "json", "."], ["check", "--no-cache", "--format", "json"]):
        proc = obslint(*args, cwd=root)
        assert_broken_rule_reported(proc)
        assert not marker.exists()
    # the same repository without any configuration or layout: a walk of every folder
    (root / "obslint.toml").unlink()
    (root / "rules").rename(root / "monitoring")
    proc = obslint("check", "--no-cache", "--format", "json", ".", cwd=root)
    assert proc.returncode == 1 and "P001" in codes_at(proc, "monitoring/broken.yaml"), proc.stdout
    assert not marker.exists()


def test_python_named_on_the_command_line_runs_only_if_it_is_a_dashboard(tmp_path):
    marker = tmp_path / "ran"
    root = repo(tmp_path, {"setup.py": MARKER_SCRIPT.format(marker=str(marker)) + "dashboard = 1\n"})
    proc = obslint("check", "--no-cache", "--format", "json", "setup.py", "rules/broken.yaml", cwd=root)
    assert_broken_rule_reported(proc)
    assert not marker.exists()
    assert codes_at(proc, "setup.py") == []


def test_a_dashboard_file_is_recognised_without_running_it(tmp_path):
    from obslint.dashboards.sandbox import is_dashboard_file

    files = {
        "plain.py": "import grafanalib.core as g\ndashboard = g.Dashboard(title='x')\n",
        "star.py": "from common import *\ndashboards = [make()]\n",
        "common.py": "from grafanalib.core import Dashboard\ndef make():\n    return Dashboard(title='x')\n",
        "named.dashboard.py": "from mylib import build\ndashboard = build()\n",
        "annotated.py": "from grafanalib.core import Dashboard\nif True:\n    dashboard: Dashboard = Dashboard('x')\n",
        "in_function.py": "from grafanalib.core import Dashboard\ndef f():\n    dashboard = Dashboard('x')\n",
        "no_grafanalib.py": "dashboard = {'title': 'x'}\n",
        "broken.py": "from grafanalib.core import (\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    told = {name: is_dashboard_file(tmp_path / name) for name in files}
    assert told == {"plain.py": True, "star.py": True, "common.py": False, "named.dashboard.py": True,
                    "annotated.py": True, "in_function.py": False, "no_grafanalib.py": False, "broken.py": False}
    # in a configured dashboards folder, binding `dashboard` is enough, and a syntax error is reported
    assert is_dashboard_file(tmp_path / "no_grafanalib.py", in_dashboards_folder=True)
    assert is_dashboard_file(tmp_path / "broken.py", in_dashboards_folder=True)
    assert not is_dashboard_file(tmp_path / "common.py", in_dashboards_folder=True)


# what the dashboard file does after its first line (the import), the finding it gives, and the lines
# that finding may be at (the line that ended the process, or the one running when time ran out)
HOSTILE = {
    "os-exit": ("import os\nos._exit(0)\n", "D001", {3}),
    "sys-exit": ("import sys\nsys.exit(0)\n", "D001", {3}),
    "sigkill": ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "D001", {3}),
    "kill-group": ("import os, signal\nos.killpg(0, signal.SIGKILL)\n", "D001", {3}),
    "loop": ("while True:\n    pass\n", "D001", {2, 3}),
    "loop-ignoring-alarms": ("while True:\n    try:\n        while True:\n            pass\n"
                             "    except BaseException:\n        pass\n", "D001", {1}),
    "memory": ("x = bytearray(64 << 30)\n", "D001", {2}),
    "print-100mb": ("print('x' * (100 << 20))\n", "D018", {1}),
    "write-fd-100mb": ("import os\nos.write(1, b'x' * (100 << 20))\n", "D018", {1}),
    "stdin": ("import sys\nsys.stdin.read()\n", None, None),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_no_dashboard_can_hide_an_error_or_hang_the_run(tmp_path, name):
    body, code, lines = HOSTILE[name]
    limit = 3
    root = repo(tmp_path, {"dashboards_py/hostile.py": DASHBOARD_HEAD + body + DASHBOARD_TAIL,
                           "dashboards_py/fine.py": DASHBOARD_HEAD + DASHBOARD_TAIL.replace('"t"', '"f"')},
                toml=QUIET + f"[sandbox]\ntimeout = {limit}\n")
    start = time.monotonic()
    proc = obslint("check", "--no-cache", "--format", "json", ".", cwd=root, timeout=limit + 60)
    elapsed = time.monotonic() - start
    assert_broken_rule_reported(proc)
    assert elapsed < limit + 10
    hostile = [f for f in findings(proc) if f["path"] == "dashboards_py/hostile.py"]
    if code is not None:
        assert code in [f["code"] for f in hostile], hostile
        assert [f["line"] for f in hostile if f["code"] == code][0] in lines, hostile
    else:
        assert "D001" not in [f["code"] for f in hostile]  # stdin is /dev/null: read() returns at once
    # the other dashboard is still linted: its own findings (no datasource variable) are there
    assert "D003" in codes_at(proc, "dashboards_py/fine.py")


def test_the_run_leaves_the_tree_as_it_was(tmp_path):
    root = repo(tmp_path, {
        "dashboards_py/common.py": "from grafanalib.core import Dashboard\n"
                                   "def make(uid):\n    return Dashboard(title=uid, uid=uid)\n",
        "dashboards_py/a.py": "from common import make\ndashboard = make('a')\n",
        "dashboards_py/team/b.py": "import pathlib, sys\nsys.path.insert(0, str(pathlib.Path(__file__).parent.parent))\n"
                                   "from common import make\ndashboard = make('b')\n",
        "rules/broken.yaml": "groups: []\n",
    }, toml=QUIET + "[build]\nout = 'deploy'\n")
    assert obslint("build", cwd=root).returncode == 0
    before = snapshot(root)
    for args in (["check", "--no-cache", "."], ["check", "."], ["build", "--check"], ["report", "--out",
                 str(tmp_path / "report.html")], ["test"]):
        obslint(*args, cwd=root)
        assert snapshot(root) == before, args
    assert not list(root.rglob("__pycache__"))


# --- the cache ------------------------------------------------------------------------------------------

class Payload:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_poisoned_cache_runs_nothing_and_changes_nothing(tmp_path):
    root = repo(tmp_path, {"rules/ok.yaml": "groups:\n- name: g\n  rules:\n  - record: a:b:c\n    expr: up\n"})
    cache = tmp_path / "cache"
    env = {"OBSLINT_CACHE_DIR": str(cache)}
    clean = obslint("check", "--format", "json", ".", cwd=root, env=env)
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert entries  # the run filled the cache
    marker = tmp_path / "pwned"
    for entry in entries:
        entry.write_bytes(pickle.dumps(Payload(marker)))
    again = obslint("check", "--format", "json", ".", cwd=root, env=env)
    assert not marker.exists()
    assert (again.returncode, again.stdout) == (clean.returncode, clean.stdout)
    # entries that are JSON but not what obslint writes are ignored too
    for i, bad in enumerate(['{"digest": 1}', "[]", '{"digest": "x", "findings": [[1, 2]], "facts": []}',
                             "{" * 100_000, ""]):
        for entry in entries:
            entry.write_text(bad, encoding="utf-8")
        proc = obslint("check", "--format", "json", ".", cwd=root, env=env)
        assert (proc.returncode, proc.stdout) == (clean.returncode, clean.stdout), i


def test_a_tampered_entry_with_the_right_digest_but_wrong_types_is_ignored(tmp_path):
    from obslint.cache import FileCache
    from obslint.config import Config

    path = tmp_path / "a.yaml"
    path.write_text("groups: []\n", encoding="utf-8")
    store = FileCache(Config(root=tmp_path))
    digest = store.digest(path)
    store.put(path, "a.yaml", digest, [], [])
    assert store.get(path, "a.yaml", digest) == ([], [])
    entry = store._entry(path, "a.yaml")
    for findings in ([[1, 1, "R001", "x", "3", "m"]], [[1, 1, "R001", "x", 9, "m"]], [[True, 1, "R", "x", 3, "m"]],
                     [[1, 1, "R001", "x", 3]], "x"):
        entry.write_text(json.dumps({"digest": digest, "findings": findings, "facts": []}), encoding="utf-8")
        assert store.get(path, "a.yaml", digest) is None, findings


def test_concurrent_runs_sharing_a_cache_agree(tmp_path):
    files = {f"rules/r{i}.yaml": "groups:\n- name: g\n  rules:\n" + "".join(
        f"  - record: a:b{i}_{j}:c\n    expr: sum(rate(x_total[5m]))\n" for j in range(30)) for i in range(20)}
    root = repo(tmp_path, files)
    env = {**os.environ, "OBSLINT_CACHE_DIR": str(tmp_path / "cache")}
    reference = obslint("check", "--no-cache", "--format", "json", ".", cwd=root).stdout
    for _ in range(3):
        procs = [subprocess.Popen([OBSLINT, "check", "--format", "json", "."], cwd=root, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        outputs = [p.communicate(timeout=120)[0] for p in procs]
        assert all(out == reference for out in outputs)


# --- nothing lost -----------------------------------------------------------------------------------------

RULES = "groups:\n- name: {name}\n  rules:\n  - record: {name}:up:sum\n    expr: sum(up)\n"


def test_build_keeps_same_named_rule_files_of_different_folders(tmp_path):
    root = repo(tmp_path, {"rules/broken.yaml": "groups: []\n",
                           "rules/team-a/alerts.yaml": RULES.format(name="a"),
                           "rules/team-b/alerts.yaml": RULES.format(name="b")})
    proc = obslint("build", "--out", "out", cwd=root)
    assert proc.returncode == 0, proc.stderr
    built = sorted(p.name for p in (root / "out" / "rules").iterdir())
    assert built == ["broken.yaml", "team-a-alerts.yaml", "team-b-alerts.yaml"]
    assert "a:up:sum" in (root / "out/rules/team-a-alerts.yaml").read_text()
    assert "b:up:sum" in (root / "out/rules/team-b-alerts.yaml").read_text()
    assert obslint("build", "--out", "out", "--check", cwd=root).returncode == 0


def test_build_refuses_two_inputs_that_would_make_one_output(tmp_path):
    root = repo(tmp_path, {"rules/broken.yaml": "groups: []\n", "rules/a_b.yaml": RULES.format(name="x"),
                           "rules/a-b.yaml": RULES.format(name="y")})
    proc = obslint("build", "--out", "out", cwd=root)
    assert proc.returncode == 1
    assert "rules/a-b.yaml" in proc.stderr and "rules/a_b.yaml" in proc.stderr
    assert not (root / "out").exists()


def test_build_check_fails_on_any_difference(tmp_path):
    root = repo(tmp_path, {"rules/broken.yaml": RULES.format(name="x")})
    assert obslint("build", "--out", "out", cwd=root).returncode == 0
    assert obslint("build", "--out", "out", "--check", cwd=root).returncode == 0
    out = root / "out"
    for change in (lambda: (out / "rules/broken.yaml").write_text("changed"),
                   lambda: (out / "rules/extra.yaml").write_text("x"),
                   lambda: (out / "rules/broken.yaml").unlink(),
                   lambda: (out / ".obslint-build.json").unlink()):
        shutil.rmtree(out)
        assert obslint("build", "--out", "out", cwd=root).returncode == 0
        change()
        assert obslint("build", "--out", "out", "--check", cwd=root).returncode == 1


def test_build_never_deletes_files_it_did_not_write(tmp_path):
    root = repo(tmp_path, {"rules/broken.yaml": RULES.format(name="x")})
    foreign = root / "manifests"
    foreign.mkdir()
    (foreign / "deployment.yaml").write_text("kind: Deployment\n")
    proc = obslint("build", "--out", "manifests", cwd=root)
    assert proc.returncode == 2 and "deployment.yaml" in proc.stderr
    assert (foreign / "deployment.yaml").read_text() == "kind: Deployment\n"
    assert sorted(p.name for p in foreign.iterdir()) == ["deployment.yaml"]
    # its own earlier output it replaces, stale files included; a file added later is refused again
    assert obslint("build", "--out", "out", cwd=root).returncode == 0
    (root / "rules/broken.yaml").rename(root / "rules/renamed.yaml")
    assert obslint("build", "--out", "out", cwd=root).returncode == 0
    assert sorted(p.name for p in (root / "out/rules").iterdir()) == ["renamed.yaml"]
    (root / "out/README.md").write_text("mine\n")
    assert obslint("build", "--out", "out", cwd=root).returncode == 2
    assert (root / "out/README.md").read_text() == "mine\n"


def test_written_files_follow_the_umask_and_fix_keeps_mode_and_line_endings(tmp_path):
    root = repo(tmp_path, {
        "rules/broken.yaml": RULES.format(name="x"),
        "alertmanager/alertmanager.yml": "route:\r\n  receiver: a\r\n  routes:\r\n  - receiver: b\r\n"
                                         "    match:\r\n      severity: critical\r\n"
                                         "receivers:\r\n- name: a\r\n- name: b\r\n",
    })
    config = root / "alertmanager/alertmanager.yml"
    config.chmod(0o640)
    umask = ("/bin/sh", "-c", 'umask 022 && exec "$0" "$@"')
    assert obslint("fix", "alertmanager/alertmanager.yml", cwd=root, prefix=umask).returncode == 0
    text = config.read_bytes()
    assert b"matchers:" in text and b"match:" not in text
    assert text.count(b"\r\n") == text.count(b"\n")  # every line still ends in CRLF
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    obslint("check", "--format", "sarif", "-o", "out.sarif", ".", cwd=root, prefix=umask)
    obslint("report", "--out", "report.html", cwd=root, prefix=umask)
    assert obslint("build", "--out", "out", cwd=root, prefix=umask).returncode == 0
    for path in [root / "out.sarif", root / "report.html", *(root / "out").rglob("*")]:
        expected = 0o755 if path.is_dir() else 0o644
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def _without_read_permission() -> tuple[str, ...]:
    """A prefix that runs a command unable to read what its mode forbids, even as root."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be taken away")
    return ("setpriv", "--bounding-set=-dac_override,-dac_read_search")


def test_missing_and_unreadable_paths_exit_2(tmp_path):
    root = repo(tmp_path, {"rules/ok.yaml": "groups: []\n"})
    no_read = _without_read_permission()
    proc = obslint("check", "nope.yaml", cwd=root)
    assert proc.returncode == 2 and "nope.yaml" in proc.stderr
    (root / "rules/secret.yaml").write_text("groups: []\n")
    (root / "rules/secret.yaml").chmod(0)
    for args in (["check", "rules/secret.yaml"], ["check", "."], ["check", "rules"]):
        proc = obslint(*args, cwd=root, prefix=no_read)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert "secret.yaml" in proc.stdout + proc.stderr
    (root / "rules/secret.yaml").unlink()
    (root / "rules/private").mkdir()
    (root / "rules/private").chmod(0)
    try:
        for args in (["check", "."], ["check", "rules"], ["check", "rules/private"], ["build", "--out", "o"]):
            proc = obslint(*args, cwd=root, prefix=no_read)
            assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
            assert "private" in proc.stderr
    finally:
        (root / "rules/private").chmod(0o755)
    # a configured folder that does not exist
    (root / "obslint.toml").write_text(QUIET + 'paths = { rules = ["alerts"] }\n')
    proc = obslint("check", ".", cwd=root)
    assert proc.returncode == 2 and "alerts" in proc.stderr


def test_sandbox_limits_are_configurable_and_checked(tmp_path):
    root = repo(tmp_path, {"rules/broken.yaml": "groups: []\n"}, toml=QUIET + "[sandbox]\ntimeout = -1\n")
    proc = obslint("check", ".", cwd=root)
    assert proc.returncode == 2 and "sandbox.timeout" in proc.stderr


def test_no_hash_collision_between_cache_entries_of_different_shown_paths(tmp_path):
    """The same file shown under two paths has two entries: findings carry the shown path."""
    from obslint.cache import FileCache
    from obslint.config import Config

    path = tmp_path / "a.yaml"
    path.write_text("groups: []\n")
    store = FileCache(Config(root=tmp_path))
    assert store._entry(path, "a.yaml") != store._entry(path, "./a.yaml")
