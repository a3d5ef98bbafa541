"""The catalog read statically from prometheus_client declarations, against the real client: the same
declarations are run with prometheus_client in a fresh CollectorRegistry and its exposition
(`generate_latest`: family names, TYPEs, series names and their label names) must equal what obslint
says the declaration exposes; a declaration the client refuses must be one obslint calls invalid."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import DATA, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obslint.crossref.instrumentation import KINDS, declarations

prometheus_client = pytest.importorskip("prometheus_client")

WRAPPERS = ["Counter", "Gauge", "Summary", "Histogram", "Info", "Enum"]
FAMILIES = [k for k in KINDS if k.endswith("MetricFamily")]
_TYPE = re.compile(r"# TYPE (\S+) (\S+)$")
_SAMPLE = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$")


def exposition(text: str) -> dict[str, tuple[str, dict[str, frozenset[str]]]]:
    """{family: (TYPE, {series: label names})} of a text exposition (label values here hold no `",`)."""
    families: dict = {}
    current = None
    for line in text.splitlines():
        m = _TYPE.match(line)
        if m:
            current = m.group(1)
            families[current] = (m.group(2), {})
            continue
        if line.startswith("#") or not line:
            continue
        m = _SAMPLE.match(line)
        assert m, line
        labels = frozenset(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="', m.group(2) or ""))
        series = families[current][1]
        series[m.group(1)] = series.get(m.group(1), frozenset()) | labels
    return families


def static(family) -> dict[str, tuple[str, dict[str, frozenset[str]]]]:
    return {name: (kind, dict(series)) for name, kind, series in family.exposed()}


# --- generated declarations ----------------------------------------------------------------------------

IDENT = st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,8}", fullmatch=True)
METRIC_IDENT = st.from_regex(r"[a-zA-Z_:][a-zA-Z0-9_:]{0,8}", fullmatch=True)
UNITS = st.sampled_from(["", "", "seconds", "bytes", "total", "ratio", "info"]) | IDENT
NAMES = st.one_of(
    METRIC_IDENT,
    st.tuples(METRIC_IDENT, st.sampled_from(["_total", "_seconds", "_seconds_total", "_total_total", "_bytes",
                                             "_count", "_info", "_created"])).map("".join),
    st.sampled_from(["", "total", "_total", "a_total", "x_bucket", "up"]),
    st.sampled_from(["a-b", "model.errors", "über_total"]),  # not classic names: never claimed
)
LABEL = st.one_of(IDENT.filter(lambda s: not s.startswith("__")),
                  st.sampled_from(["le", "quantile", "__reserved", "job", "status", "a-b"]))


@dataclass
class Spec:
    cls: str
    name: str
    documentation: str
    labels: list[str]
    namespace: str = ""
    subsystem: str = ""
    unit: str = ""
    states: list[str] | None = None
    buckets: list[float] | None = None
    style: dict = field(default_factory=dict)


@st.composite
def specs(draw) -> Spec:
    cls = draw(st.sampled_from(WRAPPERS + FAMILIES))
    spec = Spec(cls, draw(NAMES), draw(st.sampled_from(["Help.", "with \"quotes\" and \\ and\nnewline", ""])),
                draw(st.lists(LABEL, max_size=4)))
    params = KINDS[cls].params
    if "namespace" in params:
        spec.namespace = draw(st.sampled_from(["", ""]) | METRIC_IDENT)
        spec.subsystem = draw(st.sampled_from(["", ""]) | METRIC_IDENT)
    if "unit" in params:
        spec.unit = draw(st.sampled_from(["", "", ""]) | UNITS)
    if cls == "Enum":
        spec.states = draw(st.lists(IDENT, max_size=3, unique=True))
        if draw(st.booleans()) and spec.labels:
            spec.name = spec.labels[0]  # the client refuses an Enum named as one of its labels
    if cls == "Histogram" and draw(st.booleans()):
        spec.buckets = draw(st.lists(st.sampled_from([0.1, 0.5, 1.0, 2.5, 10.0, float("inf")]), max_size=4))
    spec.style = {
        "import": draw(st.sampled_from(["from", "module", "core", "alias"])),
        "name": draw(st.sampled_from(["literal", "constant", "fstring", "concat", "format", "dict", "loop"])),
        "labels": draw(st.sampled_from(["list", "tuple", "constant", "keyword", "spread"])),
        "keywords": draw(st.booleans()),
        "where": draw(st.sampled_from(["module", "function", "method", "class"])),
    }
    return spec


def render(spec: Spec) -> str:
    """Python source declaring `spec` as an application would write it (in one of many styles)."""
    style = spec.style
    lines = []
    module = "prometheus_client.core" if spec.cls in FAMILIES or style["import"] == "core" else "prometheus_client"
    if style["import"] == "from":
        lines.append(f"from {module} import {spec.cls}")
        callee = spec.cls
    elif style["import"] == "alias":
        lines.append(f"from {module} import {spec.cls} as Declared")
        callee = "Declared"
    else:
        lines.append(f"import {module} as client")
        callee = f"client.{spec.cls}"
    name = repr(spec.name)
    if style["name"] == "constant":
        lines.append(f"NAME = {spec.name!r}")
        name = "NAME"
    elif style["name"] == "fstring" and spec.name:
        lines.append(f"HEAD = {spec.name[:1]!r}")
        name = "f'{HEAD}" + spec.name[1:].replace("{", "{{").replace("}", "}}").replace("'", "\\'") + "'"
    elif style["name"] == "concat" and len(spec.name) > 1:
        name = f"{spec.name[:1]!r} + {spec.name[1:]!r}"
    elif style["name"] == "format":
        name = f"'{{}}'.format({spec.name!r})"
    elif style["name"] == "dict":
        lines.append(f"NAMES = {{'the': {spec.name!r}}}")
        name = "NAMES['the']"
    labels = repr(list(spec.labels))
    if style["labels"] == "tuple":
        labels = repr(tuple(spec.labels))
    elif style["labels"] == "constant":
        lines.append(f"LABELS = {list(spec.labels)!r}")
        labels = "LABELS"
    elif style["labels"] == "spread" and spec.labels:
        lines.append(f"BASE = {list(spec.labels[:1])!r}")
        labels = f"[*BASE, *{list(spec.labels[1:])!r}]"
    kind = KINDS[spec.cls]
    args = [name, repr(spec.documentation)]
    keywords = {}
    if kind.collector:
        keywords["labels"] = labels
    elif style["keywords"]:
        keywords["labelnames"] = labels
    else:
        args.append(labels)
    for key in ("namespace", "subsystem", "unit"):
        value = getattr(spec, key)
        if key in kind.params and value:
            keywords[key] = repr(value)
    if spec.states is not None:
        keywords["states"] = repr(spec.states)
    if spec.buckets is not None:
        keywords["buckets"] = repr(spec.buckets).replace("inf", "float('inf')")
    if not kind.collector:
        keywords["registry"] = "REGISTRY"
    call = f"{callee}({', '.join(args + [f'{k}={v}' for k, v in keywords.items()])})"
    if style["name"] == "loop":
        lines.append(f"for each in [{spec.name!r}]:")
        lines.append(f"    DECLARED.append({call.replace(name, 'each', 1)})")
    elif style["where"] == "function":
        lines.append(f"def declare():\n    return {call}\nDECLARED.append(declare())")
    elif style["where"] == "method":
        lines.append(f"class Exporter:\n    def __init__(self):\n        self.metric = {call}\n"
                     "DECLARED.append(Exporter().metric)")
    elif style["where"] == "class":
        lines.append(f"class Metrics:\n    METRIC = {call}\nDECLARED.append(Metrics.METRIC)")
    else:
        lines.append(f"DECLARED.append({call})")
    return "\n".join(lines) + "\n"


def run_with_client(source: str, spec: Spec) -> str | None:
    """The exposition of the declaration run with the real client (every series made to appear), or None
    when the client refuses it."""
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry()
    declared: list = []
    try:
        exec(compile(source, "<declaration>", "exec"), {"REGISTRY": registry, "DECLARED": declared})
    except (ValueError, TypeError):
        return None
    (metric,) = declared
    values = ["v"] * len(spec.labels)
    if spec.cls in FAMILIES:
        sample = {"CounterMetricFamily": (1.0, 1.0), "GaugeMetricFamily": (1.0,),
                  "SummaryMetricFamily": (1, 1.0), "HistogramMetricFamily": ([("1.0", 1), ("+Inf", 2)], 3.0),
                  "GaugeHistogramMetricFamily": ([("1.0", 1), ("+Inf", 2)], 3.0), "InfoMetricFamily": ({},),
                  "StateSetMetricFamily": ({"on": True},), "UnknownMetricFamily": (1.0,),
                  "UntypedMetricFamily": (1.0,)}[spec.cls]
        metric.add_metric(values, *sample)

        class Collector:
            def collect(self):
                return [metric]

        registry.register(Collector())
    elif spec.labels:
        metric.labels(*values)
    return generate_latest(registry).decode("utf-8")


CLASSIC = re.compile(r"[a-zA-Z0-9_:]*")


def compare(spec: Spec) -> str:
    """"identical", or how obslint and the client disagree."""
    source = render(spec)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "exporter.py"
        path.write_text(source, encoding="utf-8")
        found, _ = declarations([path], [Path(directory)])
    exposed = run_with_client(source, spec)
    assert len(found) == 1, source
    (declaration,) = found
    if exposed is None:
        return "identical" if declaration.invalid else f"the client refuses it; obslint says {declaration}"
    if declaration.invalid:
        return f"obslint says the client refuses it ({declaration.invalid}), but it exposes:\n{exposed}"
    classic_name = all(CLASSIC.fullmatch(part) for part in (spec.name, spec.namespace, spec.subsystem, spec.unit))
    if declaration.unresolved:  # obslint claims no name: right only for a name that is not a classic one
        return "identical" if not classic_name else f"unresolved: {declaration.unresolved}"
    client, ours = exposition(exposed), static(declaration.family)
    if declaration.family.open_labels:  # the series may have more labels than obslint lists (an Info's)
        odd = [label for label in spec.labels if not re.fullmatch(r"[a-zA-Z_]\w*", label)]
        if KINDS[spec.cls].type == "stateset" and ":" in spec.namespace + spec.subsystem + spec.name:
            odd.append("the state label")  # named as the metric: a colon is no label name
        if declaration.labels_unresolved and not odd:
            return f"labels unresolved: {declaration.labels_unresolved}"
        shape = {name: (kind, set(series)) for name, (kind, series) in client.items()}
        if shape != {name: (kind, set(series)) for name, (kind, series) in ours.items()}:
            return f"obslint {ours}\nclient  {client}"
        missing = [s for _, series in ours.values() for s, labels in series.items()
                   if not labels <= next(c[1][s] for c in client.values() if s in c[1])]
        return "identical" if not missing else f"obslint lists labels the client does not expose on {missing}"
    return "identical" if ours == client else f"obslint {ours}\nclient  {client}"


STATS = {"identical": 0, "total": 0}


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_the_static_catalog_equals_the_clients_exposition(spec):
    verdict = compare(spec)
    STATS["total"] += 1
    STATS["identical"] += verdict == "identical"
    assert verdict == "identical", f"{render(spec)}\n{verdict}"


def test_breaking_a_naming_rule_is_caught(monkeypatch):
    """The differential test can fail: with the counter rule broken (no `_total` stripped), a counter named
    `x_total` is exposed by obslint as `x_total_total`, which the client does not do."""
    from obslint.crossref import instrumentation

    original = instrumentation.full_name

    def broken(kind, name, namespace="", subsystem="", unit=""):
        return original(instrumentation.Kind("gauge", kind.params, kind.collector), name, namespace, subsystem,
                        unit) if kind.type == "counter" else original(kind, name, namespace, subsystem, unit)

    monkeypatch.setattr(instrumentation, "full_name", broken)
    spec = Spec("Counter", "requests_total", "Requests.", ["code"], style={
        "import": "from", "name": "literal", "labels": "list", "keywords": False, "where": "module"})
    assert compare(spec) != "identical"


# --- what the static reading resolves, and what it leaves unresolved ---------------------------------


def read(tmp_path: Path, files: dict[str, str]) -> list:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    found, _ = declarations(sorted(tmp_path.rglob("*.py")), [tmp_path])
    return found


def names(found) -> list:
    return [(d.line, d.family.name if d.family else None, bool(d.unresolved), bool(d.invalid)) for d in found]


def test_constants_are_followed_through_modules_classes_and_loops(tmp_path):
    found = read(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/names.py": """\
            from .base import ROOT
            NAMESPACE = ROOT + "_serving"
            LABELS = ("model_name",)
            SCORES = {"accuracy": "Accuracy.", "f1": "F1."}
            """,
        "pkg/base.py": "ROOT = 'ml'\n",
        "pkg/exporter.py": """\
            import prometheus_client as prom
            from prometheus_client import Gauge as G
            from pkg import names
            from pkg.names import LABELS, SCORES

            A = prom.Counter("requests_total", "Requests.", [*LABELS, "status"], namespace=names.NAMESPACE)
            B = {s: G(f"{names.NAMESPACE}_{s}_score", doc, LABELS) for s, doc in SCORES.items()}
            for unit in ("seconds", "bytes"):
                prom.Summary("size", "Size.", unit=unit)

            class Exporter:
                PREFIX = "feast"

                def __init__(self):
                    self.online = G("%s_online_stores" % self.PREFIX, "Stores.", labelnames=LABELS)
                    self.lag = G("{}_{}".format(self.PREFIX, "lag"), "Lag.")
            """,
    })
    assert names(found) == [
        (6, "ml_serving_requests", False, False),
        (7, "ml_serving_accuracy_score", False, False),
        (7, "ml_serving_f1_score", False, False),
        (9, "size_seconds", False, False),
        (9, "size_bytes", False, False),
        (15, "feast_online_stores", False, False),
        (16, "feast_lag", False, False),
    ]
    assert found[0].family.labelnames == ("model_name", "status")


def test_what_only_running_the_code_tells_is_unresolved(tmp_path):
    found = read(tmp_path, {"exporter.py": """\
        import os
        from prometheus_client import Counter, Gauge
        from collections import Counter as Tally

        def make(name):
            return Counter(name, "Made.")

        PREFIX = "a"
        if os.environ.get("B"):
            PREFIX = "b"
        TWICE = Gauge(PREFIX + "_x", "Bound twice.")
        ENV = Gauge(os.environ["NAME"], "From the environment.")
        CALL = Gauge(str(len("abc")) + "_x", "A call.")
        COUNTS = Tally("not a metric")

        class Base:
            KIND = "base"
            def __init__(self):
                self.g = Gauge(self.KIND + "_up", "Up.")

        class Child(Base):
            KIND = "child"

        LABELS = Gauge("fine", "Labels from a call.", labelnames=sorted(os.environ))
        """})
    assert names(found) == [(6, None, True, False), (11, None, True, False), (12, None, True, False),
                            (13, None, True, False), (19, None, True, False), (24, "fine", False, False)]
    assert found[-1].labels_unresolved and found[-1].family.open_labels
    assert "`name` is a parameter" in found[0].unresolved
    assert "overridden by the subclass `Child`" in found[4].unresolved


def test_class_constants_are_read_unless_something_else_writes_them(tmp_path):
    found = read(tmp_path, {"exporter.py": """\
        from prometheus_client import Gauge

        class Fixed:
            NAME = "fixed_up"
            def __init__(self):
                self.up = Gauge(self.NAME, "Up.")

        class Moving:
            TITLE = "moving_up"
            def __init__(self):
                self.up = Gauge(self.TITLE, "Up.")
            def rename(self, name):
                self.TITLE = name  # (any `<x>.TITLE = ...` of the module: whose it is, only running tells)
        """})
    assert names(found) == [(6, "fixed_up", False, False), (11, None, True, False)]
    assert "assigned at run time (line 13)" in found[1].unresolved


def test_reading_never_runs_the_code(tmp_path):
    """The exporter's module-level code (here: writing a file, exiting) never runs."""
    marker = tmp_path / "ran"
    found = read(tmp_path, {"exporter.py": f"""\
        import sys
        open({str(marker)!r}, "w").write("ran")
        from prometheus_client import Gauge
        UP = Gauge("service_up", "Up.")
        sys.exit(3)
        """})
    assert names(found) == [(4, "service_up", False, False)]
    assert not marker.exists()


def test_files_that_do_not_parse_are_left_out(tmp_path):
    found, problems = declarations([_write(tmp_path / "broken.py", "from prometheus_client import Gauge\nG = (\n")],
                                   [tmp_path])
    assert list(problems) == [(tmp_path / "broken.py").resolve()]
    # its metrics are unknown, not absent: one unread declaration at the syntax error
    assert [(d.line, d.cls, d.family, "SyntaxError" in d.unresolved) for d in found] == [(2, "", None, True)]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


SEED_EXPORTERS = DATA / "mlseed" / "exporters"
REPOSITORY_EXPORTERS = REPO / "exporters"

RUN_ALL = """
import importlib.util, inspect, sys
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
for collector in list(REGISTRY._collector_to_names):
    REGISTRY.unregister(collector)  # the process, platform and gc collectors: not the repository's
registries = [REGISTRY]
sys.path.insert(0, sys.argv[1])
for path in sys.argv[2:]:
    name = path.rsplit("/", 1)[1][:-3]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for value in list(vars(module).values()):
        if isinstance(value, CollectorRegistry) and value not in registries:
            registries.append(value)  # a registry of its own (pushed to a Pushgateway)
        elif inspect.isclass(value) and value.__module__ == name:
            try:
                value()  # exporters declared in a class: make one
            except TypeError:
                pass
for registry in registries:
    for collector in list(registry._collector_to_names):
        if getattr(collector, "_labelnames", None):
            collector.labels(*["v"] * len(collector._labelnames))
    print(generate_latest(registry).decode(), end="")
"""


@pytest.mark.parametrize("folder", [SEED_EXPORTERS, REPOSITORY_EXPORTERS], ids=["seed", "repository"])
def test_the_exporters_catalog_equals_their_exposition(folder):
    """The seed's and this repository's exporters, run with the real client (in a child process, with an
    empty default registry): every family they expose is the one obslint reads, name, type and labels."""
    files = sorted(str(p) for p in folder.glob("*.py"))
    if not files:
        pytest.skip(f"{folder} has no exporters")
    run = subprocess.run([sys.executable, "-c", RUN_ALL, str(folder), *files], capture_output=True, text=True,
                         timeout=120, check=True)
    client = exposition(run.stdout)
    found, problems = declarations([Path(f) for f in files], [folder])
    assert not problems and not [d for d in found if d.unresolved or d.invalid or d.labels_unresolved]
    ours: dict = {}
    for declaration in found:
        ours.update(static(declaration.family))
    assert ours == client  # (an Info's labels may grow with what it is given: here it is given none)
    assert len(ours) >= 5
