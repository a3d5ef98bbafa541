"""Executing one dashboard file (a `*.py` that defines a module-level `dashboard` or a `dashboards`
list) in its own module namespace, with its directory importable (helper modules such as a `common.py`
of shared panels), its output captured, and the line of the user's code that built each grafanalib
object recorded. An exception is an error at the user's line, never a traceback.

This runs the user's code in the calling process: obslint calls it only in the sandboxed child of
obslint.dashboards.sandbox, never in its own process.
"""

from __future__ import annotations

import contextlib
import io
import runpy
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LoadError:
    line: int
    column: int
    message: str
    exception: type | None = None  # the type of what the file raised


@dataclass
class LoadedFile:
    path: Path
    dashboards: list[object] = field(default_factory=list)  # grafanalib Dashboard objects
    defines_dashboards: bool = False  # a helper module defines none
    error: LoadError | None = None
    origins: dict[int, int] = field(default_factory=dict)  # id(grafanalib object) -> line in `path`
    keep: list[object] = field(default_factory=list)  # keeps the objects alive, so the ids stay theirs
    output: str = ""  # what the file printed (grafanalib prints warnings to stdout)


def _grafanalib_classes() -> list[type]:
    import attr
    import grafanalib.core as core

    modules = [core]
    for name in ("prometheus", "formatunits"):
        with contextlib.suppress(ImportError):
            modules.append(__import__(f"grafanalib.{name}", fromlist=["_"]))
    return [obj for m in modules for obj in vars(m).values()
            if isinstance(obj, type) and attr.has(obj) and obj.__module__.startswith("grafanalib")]


@contextlib.contextmanager
def _recording(path: Path, loaded: LoadedFile):
    """While the file runs, every grafanalib object records the line of `path` that built it."""
    target = str(path.resolve())
    patched = []

    def wrap(cls, original):
        def __init__(self, *args, **kwargs):
            original(self, *args, **kwargs)
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_filename != target:
                frame = frame.f_back
            if frame is not None and id(self) not in loaded.origins:
                loaded.origins[id(self)] = frame.f_lineno
                loaded.keep.append(self)
        return __init__

    import attr

    original_evolve = attr.evolve

    def evolve(*args, **changes):
        """grafanalib copies objects with attr.evolve (a legacy Row balancing its panels' spans,
        `auto_panel_ids()`, `auto_ref_ids()`): a copy is at the line that built the original, not at
        the line of the call that copied it."""
        copy = original_evolve(*args, **changes)
        source = args[0] if args else changes.get("inst")
        if id(source) in loaded.origins and id(copy) != id(source):
            if id(copy) not in loaded.origins:
                loaded.keep.append(copy)
            loaded.origins[id(copy)] = loaded.origins[id(source)]
        return copy

    for cls in _grafanalib_classes():
        original = cls.__dict__.get("__init__")
        if original is not None:
            patched.append((cls, original))
            cls.__init__ = wrap(cls, original)
    attr.evolve = evolve
    try:
        yield
    finally:
        attr.evolve = original_evolve
        for cls, original in patched:
            cls.__init__ = original


def _user_line(exc: BaseException, path: Path) -> int:
    target = str(path.resolve())
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == target]
    if isinstance(exc, SyntaxError) and exc.filename and Path(exc.filename).resolve() == path.resolve():
        return exc.lineno or 1
    return lines[-1] if lines else 1


def load_file(path: Path, output=None) -> LoadedFile:
    """Run `path`; what it prints goes to `output` (default: a string buffer kept in `loaded.output`)."""
    loaded = LoadedFile(path)
    directory = str(path.resolve().parent)
    modules_before = set(sys.modules)
    path_before = list(sys.path)
    sys.path.insert(0, directory)
    out = output if output is not None else io.StringIO()
    try:
        with _recording(path, loaded), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            namespace = runpy.run_path(str(path.resolve()), run_name=f"obslint_dashboard_{path.stem}")
    except BaseException as exc:  # noqa: BLE001 - user code: SystemExit and KeyboardInterrupt too
        if isinstance(exc, SyntaxError):
            detail = f"{type(exc).__name__}: {exc.msg}"
        else:
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()[-1]
        column = (exc.offset or 1) if isinstance(exc, SyntaxError) else 1
        loaded.error = LoadError(_user_line(exc, path), column, f"the file raised {detail}", type(exc))
        return loaded
    finally:
        sys.path[:] = path_before
        for name in set(sys.modules) - modules_before:  # helper modules: fresh for the next file
            module = sys.modules.get(name)
            if getattr(module, "__file__", None) and str(Path(module.__file__).resolve().parent) == directory:
                del sys.modules[name]
        if isinstance(out, io.StringIO):
            loaded.output = out.getvalue()
    found = []
    if "dashboard" in namespace:
        found.append(namespace["dashboard"])
    if "dashboards" in namespace:
        value = namespace["dashboards"]
        found.extend(value if isinstance(value, (list, tuple)) else [value])
    loaded.defines_dashboards = bool(found)
    import grafanalib.core as core

    for item in found:
        if not isinstance(item, core.Dashboard):
            loaded.error = LoadError(1, 1, f"`dashboard`/`dashboards` must hold grafanalib Dashboard objects, "
                                           f"not {type(item).__name__}")
            loaded.dashboards = []
            return loaded
    loaded.dashboards = found
    return loaded
