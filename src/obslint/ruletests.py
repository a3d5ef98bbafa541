"""`obslint test`: run promtool's rule unit tests with the real promtool, and make the results usable:
per test group, structured failures (expected against got), JUnit XML, JSON, a group filter, and
alert coverage (which alerts some test shows firing, and not firing).

promtool 2.42 prints only failures, without saying which group passed, and has no `--run` or JUnit.
So obslint runs each file once; when it fails, each of its groups runs alone (in parallel) to tell
which groups failed and with what; `--run REGEX` writes a filtered copy of the file.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from obslint import yamlload
from obslint.durations import parse_duration
from obslint.yamlload import MapNode, ScalarNode, SeqNode

INSTALL_HINT = "promtool is not installed: apt-get install -y prometheus (or set PROMTOOL to its path)"
TIMEOUT_S = 600


class TestRunError(Exception):
    """promtool missing or a test file unreadable: exit 2."""


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


@dataclass
class Case:
    kind: str  # alert (alert_rule_test) or expr (promql_expr_test)
    subject: str  # the alertname or the expression
    eval_time: str
    line: int
    firing: bool = False  # an alert case that expects some alert


@dataclass
class Group:
    index: int
    name: str
    line: int
    cases: list[Case] = field(default_factory=list)

    @property
    def alert_cases(self) -> list[Case]:
        return [c for c in self.cases if c.kind == "alert"]

    @property
    def exprs(self) -> list[str]:
        return [c.subject for c in self.cases if c.kind == "expr"]

    def has_case(self, failure: Failure) -> bool:
        """Whether `failure` can be about one of this group's cases (an evaluation error can be anyone's)."""
        return any(failure.kind in (c.kind, "error") and c.subject == failure.subject
                   and _same_time(c.eval_time, failure.time) for c in self.cases)

    def line_of(self, failure: Failure) -> int:
        """The line of the test case a promtool failure is about (the group's when it cannot tell)."""
        same = [c for c in self.cases if c.kind == failure.kind and c.subject == failure.subject]
        timed = [c for c in same if _same_time(c.eval_time, failure.time)]
        return (timed or same)[0].line if same else self.line


def _same_time(written: str, printed: str) -> bool:
    """An eval_time as written against promtool's printing of it (`90s` is printed `1m30s`)."""
    a, b = parse_duration(written), parse_duration(printed)
    return written == printed or (a is not None and a == b)


@dataclass
class TestFile:
    path: Path
    root: MapNode  # the YAML tree, for writing per-group copies with every scalar as written
    groups: list[Group]
    rule_files: list[str]


def emit(node, indent: int = 0) -> str:
    """Block YAML for a node, each scalar as it was written (plain stays plain, so Go reads the same
    types), quoted ones and multi-line ones double-quoted."""
    pad = " " * indent
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SeqNode):
        if not node.items:
            return "[]"
        return "".join(f"\n{pad}- " + emit(item, indent + 2).lstrip("\n").lstrip() for item in node.items)
    if isinstance(node, MapNode):
        if not node.items:
            return "{}"
        out = []
        for key, value in node.items:
            text = emit(value, indent + 2)
            sep = "" if text.startswith("\n") else " "
            out.append(f"\n{pad}{_scalar(key)}:{sep}{text}")
        return "".join(out)
    return "null"


def _scalar(node: ScalarNode) -> str:
    import json

    if node.style is None and "\n" not in node.text and node.text.strip() == node.text:
        return node.text if node.text else "null"
    return json.dumps(node.as_str())


def read_test_file(path: Path) -> TestFile:
    try:
        text = yamlload.read_file(path, 50 * 1024 * 1024)
        documents = yamlload.load_documents(text, 5_000_000)
    except yamlload.YamlError as exc:
        raise TestRunError(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
    root = documents[0].root if documents else None
    if not isinstance(root, MapNode) or not isinstance(root.get("tests"), SeqNode):
        raise TestRunError(f"{path}: not a promtool unit-test file (no `tests:` list)")
    groups = []
    for i, node in enumerate(root.get("tests").items):
        if not isinstance(node, MapNode):
            continue
        name = node.get("name")
        group = Group(i, name.as_str() if isinstance(name, ScalarNode) else "", node.line)
        for kind, key, subject in (("alert", "alert_rule_test", "alertname"), ("expr", "promql_expr_test", "expr")):
            cases = node.get(key)
            for case in cases.items if isinstance(cases, SeqNode) else []:
                if isinstance(case, MapNode) and isinstance(case.get(subject), ScalarNode):
                    exp = case.get("exp_alerts")
                    group.cases.append(Case(kind, case.get(subject).as_str(), _str(case.get("eval_time")),
                                            case.line, isinstance(exp, SeqNode) and bool(exp.items)))
        groups.append(group)
    rule_files = root.get("rule_files")
    files = [i.as_str() for i in rule_files.items if isinstance(i, ScalarNode)] if isinstance(rule_files,
                                                                                               SeqNode) else []
    return TestFile(path, root, groups, files)


def _str(node) -> str:
    return node.as_str() if isinstance(node, ScalarNode) else ""


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
    import json

    try:
        return json.loads(text)
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


def _run(promtool: str, path: Path) -> subprocess.CompletedProcess:
    path = path.resolve()  # promtool reads relative rule_files from the test file's directory
    return subprocess.run([promtool, "test", "rules", path.name], capture_output=True, text=True,
                          timeout=TIMEOUT_S, cwd=path.parent)


def _write_copy(test: TestFile, groups: list[int], directory: Path, stem: str) -> Path:
    """A copy of the test file with only `groups`, its rule_files made absolute."""
    import json

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
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda t: run_file(promtool, t, pattern, jobs), tests))


# --- coverage ---------------------------------------------------------------------------------------

@dataclass
class AlertCoverage:
    alerts: list[str]
    fired: set[str]
    quiet: set[str]
    recording: list[str]
    recording_tested: set[str]

    @property
    def untested(self) -> list[str]:
        return [a for a in self.alerts if a not in self.fired or a not in self.quiet]

    @property
    def percent(self) -> float:
        if not self.alerts:
            return 100.0
        return 100.0 * sum(a in self.fired and a in self.quiet for a in self.alerts) / len(self.alerts)

    def to_json(self) -> dict:
        return {"alerts": len(self.alerts), "alerts_fired": sorted(self.fired & set(self.alerts)),
                "alerts_quiet": sorted(self.quiet & set(self.alerts)), "untested": self.untested,
                "percent": round(self.percent, 1), "recording_rules": len(self.recording),
                "recording_rules_tested": sorted(self.recording_tested)}


def rule_names(rule_paths: list[Path]) -> tuple[list[str], list[str]]:
    """(alert names, recorded series names) of rule files, in order, without duplicates."""
    from obslint.config import Config
    from obslint.lint import lint_rule_file

    names: dict[str, list[str]] = {"alert": [], "record": []}
    for path in rule_paths:
        rule_file, _ = lint_rule_file(path, Config())
        for rule in rule_file.rules if rule_file is not None else []:
            if rule.name and rule.name not in names[rule.kind]:
                names[rule.kind].append(rule.name)
    return names["alert"], names["record"]


def alert_coverage(tests: list[TestFile], rule_paths: list[Path]) -> AlertCoverage:
    from obslint.promql.parse import parse_expr

    alerts, records = rule_names(rule_paths)
    fired, quiet, read = set(), set(), set()
    for test in tests:
        for group in test.groups:
            for case in group.alert_cases:
                (fired if case.firing else quiet).add(case.subject)
            for expr in group.exprs:
                parsed = parse_expr(expr)
                if parsed.ast is not None:
                    read.update(getattr(n, "name", None) for n in parsed.nodes)
    return AlertCoverage(alerts, fired, quiet, records, {r for r in records if r in read})


def resolve_rule_files(tests: list[TestFile]) -> list[Path]:
    found: list[Path] = []
    for test in tests:
        for pattern in test.rule_files:
            full = pattern if os.path.isabs(pattern) else str(test.path.parent / pattern)
            for match in sorted(glob.glob(full)):
                if Path(match) not in found:
                    found.append(Path(match))
    return found


# --- reports ----------------------------------------------------------------------------------------

def junit_xml(results: list[FileResult]) -> bytes:
    root = ElementTree.Element("testsuites", name="obslint test")
    tests = failures = errors = 0
    for result in results:
        suite = ElementTree.SubElement(root, "testsuite", name=str(result.path))
        if result.error:
            case = ElementTree.SubElement(suite, "testcase", name="(file)", classname=str(result.path))
            ElementTree.SubElement(case, "error", message=result.error.splitlines()[0] if result.error else "")\
                .text = result.error
            suite.set("tests", "1")
            suite.set("errors", "1")
            suite.set("failures", "0")
            tests += 1
            errors += 1
            continue
        for g in result.groups:
            case = ElementTree.SubElement(suite, "testcase", name=g.group.name or f"group {g.group.index + 1}",
                                          classname=str(result.path), line=str(g.group.line))
            if not g.passed:
                text = "\n".join(f"{f.kind} {f.subject} at {f.time}:\n{f.diff()}" for f in g.failures)
                ElementTree.SubElement(case, "failure", message=f"{len(g.failures)} failure(s)").text = text or g.output
        n_fail = sum(not g.passed for g in result.groups)
        suite.set("tests", str(len(result.groups)))
        suite.set("failures", str(n_fail))
        suite.set("errors", "0")
        tests += len(result.groups)
        failures += n_fail
    root.set("tests", str(tests))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def counts(results: list[FileResult]) -> tuple[int, int]:
    """(passed, failed) test groups; a file that cannot run counts as one failed group."""
    passed = sum(g.passed for r in results for g in r.groups)
    failed = sum(not g.passed for r in results for g in r.groups) + sum(bool(r.error) for r in results)
    return passed, failed


def report_json(results: list[FileResult], coverage: AlertCoverage | None) -> dict:
    passed, failed = counts(results)
    groups = []
    for r in results:
        if r.error:
            groups.append({"file": str(r.path), "name": "(file)", "line": 1, "status": "error",
                           "failures": [{"kind": "error", "error": r.error}]})
        for g in r.groups:
            groups.append({"file": str(r.path), "name": g.group.name, "line": g.group.line,
                           "status": "passed" if g.passed else "failed",
                           "failures": [{"kind": f.kind, "subject": f.subject, "time": f.time,
                                         "expected": _items(f.expected), "got": _items(f.got), "error": f.error}
                                        for f in g.failures]})
    return {"passed": passed, "failed": failed, "groups": groups,
            "coverage": coverage.to_json() if coverage else None}


def report_text(results: list[FileResult], coverage: AlertCoverage | None) -> str:
    out = []
    for r in results:
        if r.error:
            out.append(f"ERROR {r.path}: the file does not run:")
            out.extend("    " + line for line in r.error.splitlines())
        for g in r.groups:
            label = g.group.name or f"group {g.group.index + 1}"
            out.append(f"{'PASS' if g.passed else 'FAIL'} {r.path}:{g.group.line} {label}")
            for f in g.failures:
                line = g.group.line_of(f)
                out.append(f"    {f.kind} {f.subject!s} at {f.time} ({r.path}:{line})")
                out.extend("      " + d for d in f.diff().splitlines())
            if not g.passed and not g.failures:
                out.extend("    " + line for line in g.output.strip().splitlines())
    passed, failed = counts(results)
    out.append(f"{passed} group(s) passed, {failed} failed")
    if coverage is not None:
        out.append(f"alert coverage: {coverage.percent:.1f}% of {len(coverage.alerts)} alerts tested firing and "
                   f"not firing; recording rules read by expression tests: {len(coverage.recording_tested)}/"
                   f"{len(coverage.recording)}")
        for name in coverage.untested:
            what = [w for w, s in (("firing", coverage.fired), ("not firing", coverage.quiet)) if name not in s]
            out.append(f"    untested {name}: no test shows it {' or '.join(what)}")
    return "\n".join(out) + "\n"
