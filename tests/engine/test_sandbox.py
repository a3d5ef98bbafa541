"""Safe on any repository: no code runs that is not a dashboard, no dashboard can hide an error or hang the
run, the cache cannot run code, and nothing the user has is lost or changed.

Every test runs the real console script in a child process, as CI does, on a repository made in a
temporary directory that holds, beside what the test is about, a rule file with a syntax error: its
error must always be reported, and the exit code must be 1.
"""

from __future__ import annotations

import os
import shutil
import time

import pytest
from helpers import QUIET, codes_at, findings, obslint, repo, snapshot

DASHBOARD_HEAD = "from grafanalib.core import Dashboard\n"
DASHBOARD_TAIL = 'dashboard = Dashboard(title="T", uid="t")\n'


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
        "dashboards_py/team/b.py": "import pathlib, sys\n"
                                   "sys.path.insert(0, str(pathlib.Path(__file__).parent.parent))\n"
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


# --- nothing lost -----------------------------------------------------------------------------------------


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
