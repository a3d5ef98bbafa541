"""Running promtool's rule unit tests with the real promtool, and make the results usable:
per test group, structured failures (expected against got), JUnit XML, JSON, a group filter, and
alert coverage (which alerts some test shows firing, and not firing).

promtool 2.42 prints only failures, without saying which group passed, and has no `--run` or JUnit.
So obslint runs each file once; when it fails, each of its groups runs alone (in parallel) to tell
which groups failed and with what; `--run REGEX` writes a filtered copy of the file.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from obslint import gostrconv
from obslint.ruletests.model import Group, TestFile, TestRunError, _scalar, emit, read_test_file

INSTALL_HINT = "promtool is not installed: apt-get install -y prometheus (or set PROMTOOL to its path)"
TIMEOUT_S = 600


def find_promtool() -> str:
    path = os.environ.get("PROMTOOL") or shutil.which("promtool")
    if not path:
        raise TestRunError(INSTALL_HINT)
    return path


@functools.cache
def installed_version() -> tuple[int, int] | None:
    """(major, minor) of the promtool `obslint test` would run; None when there is none."""
    try:
        m = re.match(r"(\d+)\.(\d+)", promtool_version(find_promtool()))
    except (TestRunError, OSError, subprocess.SubprocessError):
        return None
    return (int(m.group(1)), int(m.group(2))) if m else None


def promtool_version(promtool: str) -> str:
    proc = subprocess.run([promtool, "--version"], capture_output=True, text=True, timeout=30)
    m = re.search(r"version (\S+)", proc.stdout + proc.stderr)
    return m.group(1) if m else "unknown"


# --- promtool's failure text ------------------------------------------------------------------------

@dataclass
class Failure:
    kind: str  # alert, expr, error
    subject: str  # the alertname or expression
    time: str
    expected: str = ""
    got: str = ""
    error: str = ""
    group_name: str = ""

    def diff(self) -> str:
        """Expected against got, one alert or sample per line, side by side as `- exp` / `+ got`."""
        if self.kind == "error":
            return f"error: {self.error}"
        exp, got = _items(self.expected), _items(self.got)
        lines = []
        for item in exp:
            lines.append(("  " if item in got else "- ") + item)
        for item in got:
            if item not in exp:
                lines.append("+ " + item)
        return "\n".join(lines) if lines else "(both empty)"


def _items(block: str) -> list[str]:
    """The alerts (`labels annotations`) or samples of an exp/got block."""
    block = block.strip()
    if block.startswith("["):
        items, current = [], []
        for line in block.strip("[]").splitlines():
            line = line.strip().rstrip(",")
            if re.fullmatch(r"\d+:", line):
                if current:
                    items.append(" ".join(current))
                current = []
            elif line.startswith(("Labels:", "Annotations:")):
                current.append(line)
        if current:
            items.append(" ".join(current))
        return items
    samples = _SAMPLE.findall(block)  # `{a="1"} 1E+00, {a="2"} 2E+00`: one line, comma-separated
    if samples:
        return samples
    return [line.strip() for line in block.splitlines() if line.strip()]


_SAMPLE = re.compile(r'\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\}\s+[^\s,]+')


_HEADER = re.compile(r"    (alertname: (?P<alert>.*?), time: (?P<atime>[^,]*), ?"
                     r"|expr: (?P<expr>\".*\"), time: (?P<etime>[^,]*),(?P<err> err: .*)?"
                     r"|rule: (?P<rule>.*?), time: (?P<rtime>[^,]*), err: (?P<rerr>.*))$")


def _go_unquote(text: str) -> str:
    """An expression as promtool printed it with Go's %q."""
    try:
        return gostrconv.unquote(text)
    except ValueError:
        return text[1:-1]


def parse_failures(stderr: str) -> list[Failure]:
    failures: list[Failure] = []
    name = ""
    current: Failure | None = None
    section = None
    for line in stderr.splitlines():
        if line.startswith("    name: "):
            name = line[len("    name: "):].rstrip(",")
            continue
        m = _HEADER.match(line)
        if m:
            if m.group("alert") is not None:
                current = Failure("alert", m.group("alert"), m.group("atime"), group_name=name)
            elif m.group("expr") is not None:
                err = (m.group("err") or "").strip()
                current = Failure("error" if err else "expr", _go_unquote(m.group("expr")), m.group("etime"),
                                  error=err.removeprefix("err: "), group_name=name)
            else:
                current = Failure("error", m.group("rule"), m.group("rtime"), error=m.group("rerr"),
                                  group_name=name)
            failures.append(current)
            name = ""  # promtool prints the group's name before each of its failures (none when unnamed)
            section = None
            continue
        stripped = line.strip()
        if current is None:
            continue
        if stripped.startswith("exp:"):
            section = "expected"
            current.expected += stripped[4:] + "\n"
        elif stripped.startswith("got:"):
            section = "got"
            current.got += stripped[4:] + "\n"
        elif section:
            setattr(current, section, getattr(current, section) + stripped + "\n")
    return failures


# --- running ----------------------------------------------------------------------------------------

@dataclass
class GroupResult:
    group: Group
    passed: bool
    failures: list[Failure] = field(default_factory=list)
    output: str = ""


@dataclass
class FileResult:
    path: Path
    passed: bool
    groups: list[GroupResult]
    error: str = ""  # the file could not be run (rule-file errors, YAML errors)
    output: str = ""
    seconds: float = 0.0  # how long running it took (promtool runs a file's groups in one process)


def _run(promtool: str, path: Path) -> subprocess.CompletedProcess:
    path = path.resolve()  # promtool reads relative rule_files from the test file's directory
    return subprocess.run([promtool, "test", "rules", path.name], capture_output=True, text=True,
                          timeout=TIMEOUT_S, cwd=path.parent)


def _write_copy(test: TestFile, groups: list[int], directory: Path, stem: str) -> Path:
    """A copy of the test file with only `groups`, its rule_files made absolute."""

    base = test.path.parent.resolve()
    parts = []
    for key, value in test.root.items:
        if key.text == "tests":
            chosen = [value.items[i] for i in groups]
            body = "".join("\n- " + emit(item, 2).lstrip("\n").lstrip() for item in chosen) if chosen else " []"
            parts.append("tests:" + body)
        elif key.text == "rule_files":
            files = [str(base / f) if not os.path.isabs(f) else f for f in test.rule_files]
            parts.append("rule_files: " + json.dumps(files))
        else:
            text = emit(value, 2)
            parts.append(f"{_scalar(key)}:" + ("" if text.startswith("\n") else " ") + text)
    path = directory / f"{stem}.yml"
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def run_file(promtool: str, test: TestFile, select: re.Pattern | None = None, jobs: int = 4,
             attribute: bool = True) -> FileResult:
    """Run one test file. When it fails, the failures are told apart by group from that one run
    (`attribute`) where they can be, else every group is re-run alone."""
    chosen = [g for g in test.groups if select is None or select.search(g.name or "")]
    with tempfile.TemporaryDirectory(prefix="obslint-test-") as tmp:
        target = test.path
        if select is not None:
            target = _write_copy(test, [g.index for g in chosen], Path(tmp), "selected")
        proc = _run(promtool, target)
        output = proc.stdout + proc.stderr
        if proc.returncode == 0:
            return FileResult(test.path, True, [GroupResult(g, True) for g in chosen], output=output)
        if not chosen or _file_level_error(proc.stderr):
            return FileResult(test.path, False, [], error=_error_text(proc.stderr), output=output)
        attributed = _attribute(chosen, parse_failures(proc.stderr)) if attribute else None
        if attributed is not None:
            return FileResult(test.path, False, attributed, output=output)
        paths = [_write_copy(test, [g.index], Path(tmp), f"group{g.index}") for g in chosen]
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            procs = list(pool.map(lambda p: _run(promtool, p), paths))
    groups = [GroupResult(g, p.returncode == 0, parse_failures(p.stderr), p.stdout + p.stderr)
              for g, p in zip(chosen, procs, strict=True)]
    return FileResult(test.path, False, groups, output=output)


def _attribute(groups: list[Group], failures: list[Failure]) -> list[GroupResult] | None:
    """Per-group results from one run of the whole file, when each failure belongs to exactly one group:
    the one with promtool's `name:` for it and a case with its alert or expression at its time. None
    when that cannot be told (the groups are then re-run one by one)."""
    found: dict[int, list[Failure]] = {g.index: [] for g in groups}
    for failure in failures:
        owners = [g for g in groups if g.name == failure.group_name and g.has_case(failure)]
        if len(owners) != 1:
            return None
        found[owners[0].index].append(failure)
    return [GroupResult(g, not found[g.index], found[g.index]) for g in groups] if failures else None


def _file_level_error(stderr: str) -> bool:
    """Errors that are not a test group's (the rule files or the test file itself do not load)."""
    body = stderr.split("FAILED:", 1)[-1]
    return not re.search(r"^    (name|alertname|expr|rule): ", body, re.M)


def _error_text(stderr: str) -> str:
    return "\n".join(line.strip() for line in stderr.splitlines() if line.strip() and line.strip() != "FAILED:")


def run_files(paths: list[Path], select: str | None = None, jobs: int | None = None,
              promtool: str | None = None) -> list[FileResult]:
    return run_tests([read_test_file(p) for p in paths], select, jobs, promtool)


def run_tests(tests: list[TestFile], select: str | None = None, jobs: int | None = None,
              promtool: str | None = None) -> list[FileResult]:
    promtool = promtool or find_promtool()
    pattern = re.compile(select) if select else None
    jobs = jobs or min(os.cpu_count() or 1, 4)
    def timed(test: TestFile) -> FileResult:
        started = time.perf_counter()
        result = run_file(promtool, test, pattern, jobs)
        result.seconds = time.perf_counter() - started
        return result

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(timed, tests))


def counts(results: list[FileResult]) -> tuple[int, int]:
    """(passed, failed) test groups; a file that cannot run counts as one failed group."""
    passed = sum(g.passed for r in results for g in r.groups)
    failed = sum(not g.passed for r in results for g in r.groups) + sum(bool(r.error) for r in results)
    return passed, failed
