"""Which Python files are dashboards, and running them (only them) where they cannot hurt the run.

A `.py` file is a dashboard file when, read as a syntax tree and never run, it binds `dashboard` or
`dashboards` at module level and builds with grafanalib (it imports grafanalib, or a module beside it
that does, or it is named `*.dashboard.py`); in a configured dashboards folder the binding alone is
enough. Nothing else is ever executed: not a script, an exporter, a `setup.py`, whether a walk found it
or it was named on the command line.

Each dashboard file runs in a child process of its own, forked from obslint once grafanalib is
imported: a new session (signals to its group do not reach obslint), standard input from /dev/null,
every other descriptor closed, its output captured and bounded, no bytecode written, `sys.argv` its own
path, a wall-time limit (an alarm stops it at the line it was running; obslint kills it for good a
little later), a memory limit (an allocation past it raises MemoryError at the user's line) and a file
size limit. The child sends back JSON (the compiled dashboards, or the error) and nothing it does can
change another file's findings or obslint's exit code: an `os._exit`, a signal, a crash or a hang is
a finding on that file.
"""

from __future__ import annotations

import ast
import json
import os
import select
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from obslint.config import SandboxLimits as Limits

GRAFANALIB = "grafanalib"
DASHBOARD_NAMES = frozenset({"dashboard", "dashboards"})
MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a dashboard file larger than this is not read as one
KILL_GRACE_S = 2.0  # after the alarm, how long the child has to report before it is killed
OUTPUT_KEEP = 4096  # characters of the child's output kept for the finding


@dataclass
class Outcome:
    """What running one dashboard file gave: compiled dashboards (JSON documents with the line of
    the user's code behind each JSON pointer), or an error at a line, and what it printed."""

    path: Path
    dashboards: list[tuple[dict, dict[str, int]]] = field(default_factory=list)
    error: tuple[int, int, str] | None = None  # line, column, message
    output: str = ""
    output_size: int = 0
    compile_errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message) per dashboard


# --- telling dashboard files from other Python, without running anything ----------------------------

def _module_level(tree: ast.Module):
    """The statements run when the module runs (not those in functions or classes)."""
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
    todo = [node for node in tree.body if not isinstance(node, scopes)]
    while todo:
        node = todo.pop()
        yield node
        for name in ("body", "orelse", "finalbody", "handlers"):
            todo.extend(child for child in getattr(node, name, None) or [] if not isinstance(child, scopes))
        if isinstance(node, ast.Match):
            for case in node.cases:
                todo.extend(case.body)


def _binds_dashboard(tree: ast.Module) -> bool:
    for node in _module_level(tree):
        targets: list = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
            targets = [node.target]
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name) in DASHBOARD_NAMES for alias in node.names):
                return True
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name) and sub.id in DASHBOARD_NAMES:
                    return True
        if isinstance(node, ast.Expr) or isinstance(node, ast.If):
            for sub in ast.walk(node.test if isinstance(node, ast.If) else node.value):
                if isinstance(sub, ast.NamedExpr) and sub.target.id in DASHBOARD_NAMES:
                    return True
    return False


def _imported(tree: ast.Module) -> set[str]:
    """The top-level names of the modules `tree` imports (anywhere in it)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 1:
            names.update([node.module.split(".")[0]] if node.module else [a.name for a in node.names])
    return names


def _parse(path: Path) -> ast.Module | None:
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        return ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def is_dashboard_file(path: Path, in_dashboards_folder: bool = False) -> bool:
    """Whether `path` is a dashboard file (see the module's docs), read without running it. In a
    configured dashboards folder a file that does not parse counts too: running it only reports its
    syntax error."""
    tree = _parse(path)
    if tree is None:
        return in_dashboards_folder and path.is_file()
    if not _binds_dashboard(tree):
        return False
    if in_dashboards_folder or path.name.endswith(".dashboard.py"):
        return True
    imported = _imported(tree)
    if GRAFANALIB in imported:
        return True
    for name in imported:  # `from common import *`, where common.py beside it builds with grafanalib
        sibling = _parse(path.parent / f"{name}.py") if (path.parent / f"{name}.py").is_file() else None
        if sibling is not None and GRAFANALIB in _imported(sibling):
            return True
    return False


# --- running dashboard files in children --------------------------------------------------------------

def run_files(paths: list[Path], limits: Limits, schema_version: int, jobs: int | None = None) -> list[Outcome]:
    """Run each dashboard file in a child of its own (up to `jobs` at once); one Outcome per path, in order."""
    import grafanalib.core  # noqa: F401 - imported once here, so that every child starts with it

    from obslint.dashboards import compiler, execute  # noqa: F401 - likewise

    jobs = max(1, jobs if jobs is not None else min(os.cpu_count() or 1, 4))
    outcomes = [Outcome(p) for p in paths]
    waiting = list(range(len(paths)))
    running: dict[int, _Child] = {}  # read descriptor -> child
    while waiting or running:
        while waiting and len(running) < jobs:
            index = waiting.pop(0)
            child = _start(paths[index], index, limits, schema_version)
            running[child.fd] = child
        now = time.monotonic()
        timeout = max(0.0, min(c.kill_at for c in running.values()) - now)
        ready, _, _ = select.select(list(running), [], [], timeout)
        for fd in ready:
            child = running[fd]
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                chunk = b""
            if chunk:
                child.data.extend(chunk)
                continue
            del running[fd]
            outcomes[child.index] = _finish(child, limits, killed=False)
        now = time.monotonic()
        for fd, child in list(running.items()):
            if now >= child.kill_at:
                del running[fd]
                outcomes[child.index] = _finish(child, limits, killed=True)
    return outcomes


@dataclass
class _Child:
    path: Path
    index: int
    pid: int
    fd: int
    kill_at: float
    data: bytearray = field(default_factory=bytearray)


def _start(path: Path, index: int, limits: Limits, schema_version: int) -> _Child:
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        _child_main(path, write_fd, limits, schema_version)
    os.close(write_fd)
    return _Child(path, index, pid, read_fd, time.monotonic() + limits.seconds + KILL_GRACE_S)


def _finish(child: _Child, limits: Limits, killed: bool) -> Outcome:
    """Reap the child (its whole process group) and turn what it sent, or how it ended, into an Outcome."""
    if killed:
        _kill_group(child.pid)
    try:
        os.close(child.fd)
    except OSError:
        pass
    _, status = os.waitpid(child.pid, 0)
    _kill_group(child.pid)  # whatever it started and left behind
    messages = []
    for line in bytes(child.data).split(b"\n"):
        if line.strip():
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict):
                messages.append(message)
    outcome = Outcome(child.path)
    result = next((m for m in reversed(messages) if m.get("event") == "result"), None)
    if result is not None and not killed and _valid_result(result):
        outcome.dashboards = [(d["doc"], {str(k): int(v) for k, v in d["lines"].items()})
                              for d in result["dashboards"]]
        outcome.compile_errors = [(int(line), str(msg)) for line, msg in result.get("compile_errors", [])]
        if result.get("error"):
            line, column, message = result["error"]
            outcome.error = (int(line), int(column), str(message))
        outcome.output = str(result.get("output", ""))[:OUTPUT_KEEP]
        outcome.output_size = int(result.get("output_size", 0))
        return outcome
    note = next((m for m in reversed(messages) if m.get("event") == "ending"), None)
    line = int(note["line"]) if note and isinstance(note.get("line"), int) else 1
    if killed:
        why = f"did not finish within {limits.seconds:g} s and was stopped"
    elif os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        how = f" ({note['what']})" if note else ""
        why = f"was ended by signal {_signal_name(number)}{how} before its dashboards could be read"
    elif note:
        why = f"ended its process ({note['what']}) before its dashboards could be read"
    else:
        why = f"ended its process (exit status {os.waitstatus_to_exitcode(status)}) before its dashboards " \
              "could be read"
    outcome.error = (line, 1, f"running the file {why}")
    return outcome


def _valid_result(result: dict) -> bool:
    dashboards = result.get("dashboards")
    if not isinstance(dashboards, list):
        return False
    for item in dashboards:
        if not (isinstance(item, dict) and isinstance(item.get("doc"), dict) and isinstance(item.get("lines"), dict)):
            return False
    error = result.get("error")
    return error is None or (isinstance(error, list) and len(error) == 3)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# --- the child -----------------------------------------------------------------------------------------

class _Deadline(BaseException):
    """Raised in the user's code by the alarm at the time limit."""


def _child_main(path: Path, write_fd: int, limits: Limits, schema_version: int) -> None:
    send = _sender(write_fd)
    try:
        output_fd = _isolate(write_fd, limits)
        _watch_endings(path, send)
        result = _load(path, limits, schema_version, output_fd)
        send({"event": "result", **result})
    except BaseException as exc:  # noqa: BLE001 - whatever happens, the child reports and ends here
        try:
            send({"event": "result", "dashboards": [], "error": [1, 1, f"obslint could not run the file: "
                                                                      f"{type(exc).__name__}: {exc}"]})
        except BaseException:  # noqa: BLE001
            pass
    finally:
        os._exit(0)


def _sender(fd: int):
    real_write = os.write

    def send(message: dict) -> None:
        data = (json.dumps(message, separators=(",", ":"), default=str) + "\n").encode("utf-8")
        view = memoryview(data)
        while view:
            written = real_write(fd, view)
            view = view[written:]

    return send


def _isolate(keep_fd: int, limits: Limits) -> int:
    """A session of its own, /dev/null as input, output to an anonymous file, no other descriptors,
    default signal handling, the limits. Returns the output file's descriptor."""
    import resource
    import tempfile

    os.setsid()
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE, signal.SIGCHLD):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the size limit fails instead of killing
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    output = tempfile.TemporaryFile()
    output_fd = os.dup(output.fileno())
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    low, high = sorted((keep_fd, output_fd))
    os.closerange(3, low)
    os.closerange(low + 1, high)
    os.closerange(high + 1, 1 << 16)
    try:
        with open("/proc/self/statm") as fh:
            in_use = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        in_use = 0
    for limit, value in ((resource.RLIMIT_AS, in_use + limits.memory_bytes),
                         (resource.RLIMIT_FSIZE, limits.output_bytes),
                         (resource.RLIMIT_CORE, 0),
                         (resource.RLIMIT_CPU, int(limits.seconds + KILL_GRACE_S) + 1)):
        try:
            _, hard = resource.getrlimit(limit)
            resource.setrlimit(limit, (value if hard == resource.RLIM_INFINITY else min(value, hard), hard))
        except (ValueError, OSError):
            pass
    sys.dont_write_bytecode = True  # no __pycache__ in the user's tree
    return output_fd


def _watch_endings(path: Path, send) -> None:
    """Before the user's code ends the process (os._exit, a signal to itself, abort), say where."""
    target = str(path.resolve())

    def line() -> int | None:
        frame = sys._getframe(2)
        while frame is not None and frame.f_code.co_filename != target:
            frame = frame.f_back
        return frame.f_lineno if frame is not None else None

    def wrap(name, describe):
        original = getattr(os if hasattr(os, name) else signal, name)

        def wrapper(*args):
            try:
                send({"event": "ending", "what": describe(*args), "line": line()})
            except BaseException:  # noqa: BLE001
                pass
            return original(*args)

        return wrapper

    os._exit = wrap("_exit", lambda code=0, *_: f"os._exit({code})")
    os.abort = wrap("abort", lambda *_: "os.abort()")
    os.kill = wrap("kill", lambda pid, sig, *_: f"os.kill({pid}, {_signal_name(int(sig))})")
    os.killpg = wrap("killpg", lambda pid, sig, *_: f"os.killpg({pid}, {_signal_name(int(sig))})")
    signal.raise_signal = wrap("raise_signal", lambda sig, *_: f"signal.raise_signal({_signal_name(int(sig))})")


class _BoundedOutput:
    """sys.stdout/sys.stderr of the user's code: counts everything, keeps the start."""

    def __init__(self):
        self.kept: list[str] = []
        self.size = 0

    def write(self, text) -> int:
        text = str(text)
        if self.size < OUTPUT_KEEP:
            self.kept.append(text[:OUTPUT_KEEP - self.size])
        self.size += len(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:
        return "utf-8"


def _load(path: Path, limits: Limits, schema_version: int, output_fd: int) -> dict:
    from obslint.dashboards.compiler import compile_dashboard
    from obslint.dashboards.execute import load_file

    sys.argv = [str(path)]
    captured = _BoundedOutput()

    def alarm(signum, frame):
        raise _Deadline()

    signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    loaded = load_file(path, output=captured)
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    raw = os.lseek(output_fd, 0, os.SEEK_END)  # what went to the descriptors directly
    os.lseek(output_fd, 0, os.SEEK_SET)
    output = "".join(captured.kept) + os.read(output_fd, OUTPUT_KEEP).decode("utf-8", "replace")
    result: dict = {"dashboards": [], "error": None, "output": output[:OUTPUT_KEEP],
                    "output_size": captured.size + raw, "compile_errors": []}
    if loaded.error is not None:
        message = loaded.error.message
        if loaded.error.exception is _Deadline:
            message = f"running the file did not finish within {limits.seconds:g} s and was stopped"
        elif captured.size + raw >= limits.output_bytes:
            message = f"the file printed more than {limits.output_bytes >> 20} MiB ({message})"
        result["error"] = [loaded.error.line, loaded.error.column, message]
        return result
    for dashboard in loaded.dashboards:
        try:
            compiled = compile_dashboard(dashboard, loaded.origins, schema_version)
        except (TypeError, ValueError, AttributeError) as exc:
            result["compile_errors"].append([loaded.origins.get(id(dashboard), 1), f"cannot compile the "
                                                                                    f"dashboard: {exc}"])
            continue
        result["dashboards"].append({"doc": compiled.doc, "lines": compiled.lines})
    return result
