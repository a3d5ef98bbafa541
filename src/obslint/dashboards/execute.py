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


GRAFANALIB_MODULES = ("core", "prometheus", "formatunits", "elasticsearch", "cloudwatch", "influxdb", "opentsdb",
                      "zabbix", "azuremonitor", "azuredataexplorer", "humio", "weave")


def _grafanalib_classes() -> list[type]:
    import attr
    import grafanalib.core as core

    modules = [core]
    for name in GRAFANALIB_MODULES[1:]:
        with contextlib.suppress(Exception):
            modules.append(__import__(f"grafanalib.{name}", fromlist=["_"]))
    return [obj for m in modules for obj in vars(m).values()
            if isinstance(obj, type) and attr.has(obj) and obj.__module__.startswith("grafanalib")]


ATTRS_DECORATORS = ("s", "attrs", "attributes", "define", "mutable", "frozen")


@contextlib.contextmanager
def _recording(path: Path, loaded: LoadedFile):
    """While the file runs, every grafanalib object records the line of `path` that built it: the line of
    the innermost frame of `path` when its constructor ran, frames of the object's own constructors apart
    (a subclass's `__init__` calling `super().__init__`); in a call that spans lines, the line where the
    call starts. So does an instance of the user's own attrs subclasses of grafanalib classes (`@attr.s
    class Graph(g.Graph)`: attrs writes them an `__init__` of their own). grafanalib rebuilds objects with
    attr.evolve, when a legacy Row spreads its panels' spans, when Dashboard.auto_panel_ids() numbers
    panels, when panels number their targets; the user's code copies them with copy.deepcopy() (a
    "secondary" copy of each panel): a copy keeps the line of the object it was made from, not the line
    of the Row or of the call that copied it."""
    import copy as copying

    import attr

    target = str(path.resolve())
    patched: list[tuple[type, object]] = []
    evolve = attr.evolve

    def evolved(inst, *args, **changes):
        copy = evolve(inst, *args, **changes)
        if id(inst) in loaded.origins and copy is not inst:
            loaded.origins[id(copy)] = loaded.origins[id(inst)]
            loaded.keep.append(copy)
        return copy

    def wrap(original):
        def __init__(self, *args, **kwargs):
            original(self, *args, **kwargs)
            if id(self) in loaded.origins:
                return
            frame = sys._getframe(1)
            while frame is not None and (frame.f_code.co_filename != target or (
                    frame.f_code.co_name == "__init__" and frame.f_locals.get("self") is self)):
                frame = frame.f_back
            if frame is not None:
                loaded.origins[id(self)] = frame.f_lineno
                loaded.keep.append(self)
        __init__.obslint_records = True
        return __init__

    def record(cls: type) -> None:
        original = cls.__dict__.get("__init__")
        if original is not None and not getattr(original, "obslint_records", False):
            patched.append((cls, original))
            cls.__init__ = wrap(original)

    classes = tuple(_grafanalib_classes())
    for cls in classes:
        record(cls)

    def adopt(result):
        if isinstance(result, type) and issubclass(result, classes):
            record(result)
        return result

    def decorating(original):
        def decorator(maybe_cls=None, *args, **kwargs):
            result = original(maybe_cls, *args, **kwargs)
            if isinstance(maybe_cls, type) or not callable(result):
                return adopt(result)
            return lambda cls: adopt(result(cls))  # @attr.s(...) with options: the decorator it returns
        return decorator

    deepcopy, shallow = copying.deepcopy, copying.copy

    depth = [0]

    def deepcopied(value, memo=None, *args):
        memo = {} if memo is None else memo
        depth[0] += 1  # the copy module calls deepcopy() again for every member: look at the memo once
        try:
            result = deepcopy(value, memo, *args)
        finally:
            depth[0] -= 1
        if depth[0]:
            return result
        for key, copied in list(memo.items()):  # id(original) -> its copy (and memo's own keep-alive list)
            if key in loaded.origins and id(copied) not in loaded.origins and key != id(memo):
                loaded.origins[id(copied)] = loaded.origins[key]
                loaded.keep.append(copied)
        return result

    def copied(value):
        result = shallow(value)
        if id(value) in loaded.origins and result is not value:
            loaded.origins.setdefault(id(result), loaded.origins[id(value)])
            loaded.keep.append(result)
        return result

    copying.deepcopy, copying.copy = deepcopied, copied
    modules = [m for m in (sys.modules.get("attr"), sys.modules.get("attrs")) if m is not None]
    saved = [(m, name, getattr(m, name)) for m in modules for name in ("evolve", *ATTRS_DECORATORS)
             if hasattr(m, name)]
    for module, name, original in saved:
        setattr(module, name, evolved if name == "evolve" else decorating(original))
    try:
        yield
    finally:
        copying.deepcopy, copying.copy = deepcopy, shallow
        for cls, original in patched:
            cls.__init__ = original
        for module, name, original in saved:
            setattr(module, name, original)


def _user_line(exc: BaseException, path: Path) -> int:
    target = str(path.resolve())
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == target]
    if isinstance(exc, SyntaxError) and exc.filename and Path(exc.filename).resolve() == path.resolve():
        return exc.lineno or 1
    return lines[-1] if lines else 1


def _in_grafanalib(exc: BaseException) -> str:
    """` (in grafanalib X.Y.Z)` when grafanalib itself raised: a project that pins another grafanalib
    may build with its own."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames or "/grafanalib/" not in frames[-1].filename.replace("\\", "/"):
        return ""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f" (in grafanalib {version('grafanalib')}, which obslint runs)"
    except PackageNotFoundError:
        return " (in grafanalib)"


def _package_roots(path: Path) -> list[str]:
    """The folders that hold the packages the file sits in (`pkg/sub/board.py` in `pkg/__init__.py`'s
    tree: the folder above `pkg`), so `import pkg.util` works as it does once the project is installed."""
    roots = []
    for folder in path.resolve().parents:
        if (folder / "__init__.py").is_file():
            roots.append(str(folder.parent))
    return roots


def load_file(path: Path, output=None) -> LoadedFile:
    """Run `path`; what it prints goes to `output` (default: a string buffer kept in `loaded.output`)."""
    loaded = LoadedFile(path)
    directory = str(path.resolve().parent)
    modules_before = set(sys.modules)
    path_before = list(sys.path)
    sys.path.insert(0, directory)
    roots = _package_roots(path)
    sys.path.extend(r for r in roots if r not in sys.path)
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
        loaded.error = LoadError(_user_line(exc, path), column, f"the file raised {detail}{_in_grafanalib(exc)}",
                                 type(exc))
        return loaded
    finally:
        sys.path[:] = path_before
        for name in set(sys.modules) - modules_before:  # helper modules: fresh for the next file
            module = sys.modules.get(name)
            where = str(Path(module.__file__).resolve().parent) if getattr(module, "__file__", None) else None
            if where is not None and (where == directory or any(where.startswith(r + "/") for r in roots)):
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
