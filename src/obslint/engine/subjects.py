"""What each part of a file is about: the outline of a rule file, an Alertmanager config, a unit-test
file or a dashboard as spans of lines, each naming its subject.

Two things read it. A finding that its check did not give a subject gets the subject of the innermost
span around its line (`attach`), so that it keeps its fingerprint when lines move (the baseline,
--diff-base). And `obslint check --diff-base` maps the lines a change touched to the rules, routes,
receivers and panels they belong to (`touched`).

Subjects are names, never positions: `group:api/alert:HighLatency`, `route/{team="ml"}/{severity=
"critical"}` (a route by its matchers, its parents' before it), `receiver:ml-team`, `inhibit_rule:
{severity="critical"}->{severity="warning"}`, `time_interval:nights`, `test:<name>`,
`dashboard:<uid>/panel:<title>`. Two siblings with the same name are told apart by their order (`#2`).
A span runs from the line its node starts on to the line before its next sibling (its parent's last
line for the last one): comments above a rule count as the rule before it.

An outline is read from the file as it is on disk, with the YAML loader the checks use; a file that
cannot be read has no outline (its findings keep no subject and are matched by file, code and message).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from obslint.yamlload import MapNode, Node, ScalarNode, SeqNode

END = 1 << 30  # the last line of a file whose length does not matter


@dataclass(frozen=True)
class Span:
    first: int
    last: int  # inclusive
    subject: str
    depth: int  # nesting: the innermost span around a line names its subject


def subject_at(spans: list[Span], line: int) -> str:
    """The subject of the innermost span around `line` ("" when none is)."""
    best = None
    for span in spans:
        if span.first <= line <= span.last and (best is None or span.depth > best.depth):
            best = span
    return best.subject if best is not None else ""


class Lookup:
    """`subject_at` for many lines of one file: every line's subject painted once, outer spans first."""

    def __init__(self, spans: list[Span]):
        ends = [s.first for s in spans] + [s.last for s in spans if s.last < END]
        self.limit = max(ends, default=0) + 1  # every line from here on is inside the same spans
        self.subjects = [""] * (self.limit + 1)
        for span in sorted(spans, key=lambda s: s.depth):
            for line in range(max(span.first, 0), min(span.last, self.limit) + 1):
                self.subjects[line] = span.subject

    def __call__(self, line: int) -> str:
        return self.subjects[min(max(line, 0), self.limit)]


def subjects_between(spans: list[Span], first: int, last: int) -> set[str]:
    """The subjects of the innermost spans that lines first..last touch."""
    return {subject_at(spans, line) for line in _sample(spans, first, last)} - {""}


def _sample(spans: list[Span], first: int, last: int):
    """Lines of first..last that stand for all of them: the ends, and every span start between."""
    yield first
    yield last
    for span in spans:
        if first <= span.first <= last:
            yield span.first
        if first <= span.last <= last:
            yield span.last


# --- outlines ---------------------------------------------------------------------------------------

def outline(path: Path, dashboards=(), max_bytes: int = 10 * 1024 * 1024) -> list[Span]:
    """The spans of the file at `path`; `dashboards` (obslint.dashboards.model.Dashboard) are the compiled
    dashboards of a run, which a dashboard `.py` file's outline comes from (it is never run for this)."""
    from obslint import yamlload

    if path.suffix == ".py":
        return _python_dashboards(path, [d for d in dashboards if Path(d.path).resolve() == path.resolve()])
    try:
        documents = yamlload.load_documents(yamlload.read_file(path, max_bytes))
    except (yamlload.YamlError, OSError, ValueError):
        return []
    if path.suffix == ".json":
        root = documents[0].root if documents else None
        if isinstance(root, MapNode) and isinstance(root.get("dashboard"), MapNode):
            root = root.get("dashboard")
        return _json_dashboard(root) if isinstance(root, MapNode) else []
    return yaml_outline([d.root for d in documents])


def yaml_outline(roots: list) -> list[Span]:
    """The spans of a YAML file's documents (their root nodes, as the loader made them)."""
    spans: list[Span] = []
    starts = [r.line if r is not None else END for r in roots]
    for i, root in enumerate(roots):
        end = min(starts[i + 1:], default=END + 1) - 1 if i + 1 < len(roots) else END
        if root is not None:
            spans.extend(_yaml_document(root, end))
    return spans


def with_subjects(findings: list, spans: list[Span]) -> list:
    """`findings` of one file, each without a subject given that of the span around its line."""
    if not findings or not spans:
        return findings
    lookup = Lookup(spans)
    out = []
    for finding in findings:
        subject = "" if finding.subject or finding.line <= 0 else lookup(finding.line)
        out.append(dataclasses.replace(finding, subject=subject) if subject else finding)
    return out


def _yaml_document(root: Node, end: int) -> list[Span]:
    from obslint.alertmanager.documents import UnwrapError, find_config, unwrap
    from obslint.rules.model import is_rule_document, is_rule_test_document

    if is_rule_document(root):
        groups = root.get("groups")
        spec = root.get("spec")
        if groups is None and isinstance(spec, MapNode):
            groups = spec.get("groups")
        return _rule_groups(groups, end) if isinstance(groups, SeqNode) else []
    if is_rule_test_document(root):
        return _unit_tests(root, end)
    node, wrapping = find_config([root])
    if node is None:
        return []
    try:
        config = unwrap(node, wrapping, 1_000_000)
    except UnwrapError:
        return []
    if wrapping == "secret-data" or not isinstance(config, MapNode):
        return []  # base64: no line inside the Secret's string maps back to the file
    return _alertmanager(config, end)


def _items(seq: SeqNode, end: int) -> list[tuple[Node, int, int]]:
    """(item, first line, last line) of a sequence whose last item ends at `end`."""
    items = seq.items
    return [(item, item.line, (items[i + 1].line - 1) if i + 1 < len(items) else end)
            for i, item in enumerate(items)]


def _entries(node: MapNode, end: int) -> dict[str, tuple[Node, int, int]]:
    """key -> (value, first line (the key's), last line) of a mapping whose last entry ends at `end`."""
    items = node.items
    return {key.text: (value, key.line, (items[i + 1][0].line - 1) if i + 1 < len(items) else end)
            for i, (key, value) in enumerate(items)}


class _Names:
    """Sibling names made unique by their order: `x`, `x#2`, `x#3`."""

    def __init__(self):
        self.seen: dict[str, int] = {}

    def __call__(self, name: str) -> str:
        self.seen[name] = self.seen.get(name, 0) + 1
        return name if self.seen[name] == 1 else f"{name}#{self.seen[name]}"


def _text(node: Node | None) -> str:
    return node.as_str().strip() if isinstance(node, ScalarNode) else ""


def _rule_groups(groups: SeqNode, end: int) -> list[Span]:
    spans = []
    group_names = _Names()
    for group, first, last in _items(groups, end):
        if not isinstance(group, MapNode):
            continue
        subject = "group:" + group_names(_text(group.get("name")))
        spans.append(Span(first, last, subject, 1))
        fields = _entries(group, last)
        if "rules" not in fields or not isinstance(fields["rules"][0], SeqNode):
            continue
        rule_names = _Names()
        for rule, rule_first, rule_last in _items(fields["rules"][0], fields["rules"][2]):
            if isinstance(rule, MapNode):
                kind = "record" if _text(rule.get("record")) else "alert"  # as the rule model tells
                name = rule_names(f"{kind}:{_text(rule.get(kind))}")
                spans.append(Span(rule_first, rule_last, f"{subject}/{name}", 2))
    return spans


def _unit_tests(root: MapNode, end: int) -> list[Span]:
    spans = []
    fields = _entries(root, end)
    for key, (value, first, last) in fields.items():
        if key != "tests":
            spans.append(Span(first, last, key, 1))
            continue
        if isinstance(value, SeqNode):
            names = _Names()
            for i, (test, test_first, test_last) in enumerate(_items(value, last)):
                name = _text(test.get("name")) if isinstance(test, MapNode) else ""
                spans.append(Span(test_first, test_last, "test:" + names(name or f"#{i + 1}"), 1))
    return spans


def _alertmanager(config: MapNode, end: int) -> list[Span]:
    spans = []
    for key, (value, first, last) in _entries(config, end).items():
        if key == "route" and isinstance(value, MapNode):
            _route(value, "route", first, last, 1, spans)
        elif key == "receivers" and isinstance(value, SeqNode):
            names = _Names()
            for item, item_first, item_last in _items(value, last):
                name = _text(item.get("name")) if isinstance(item, MapNode) else ""
                spans.append(Span(item_first, item_last, "receiver:" + names(name), 1))
        elif key == "inhibit_rules" and isinstance(value, SeqNode):
            names = _Names()
            for item, item_first, item_last in _items(value, last):
                if isinstance(item, MapNode):
                    name = f"{_matchers(item, 'source_')}->{_matchers(item, 'target_')}"
                    spans.append(Span(item_first, item_last, "inhibit_rule:" + names(name), 1))
        elif key in ("time_intervals", "mute_time_intervals") and isinstance(value, SeqNode):
            for item, item_first, item_last in _items(value, last):
                name = _text(item.get("name")) if isinstance(item, MapNode) else ""
                spans.append(Span(item_first, item_last, f"time_interval:{name}", 1))
        else:
            spans.append(Span(first, last, key, 1))  # global, templates, ...
    return spans


def _route(node: MapNode, subject: str, first: int, last: int, depth: int, spans: list[Span]) -> None:
    spans.append(Span(first, last, subject, depth))
    fields = _entries(node, last)
    if "routes" not in fields or not isinstance(fields["routes"][0], SeqNode):
        return
    names = _Names()
    for child, child_first, child_last in _items(fields["routes"][0], fields["routes"][2]):
        if isinstance(child, MapNode):
            own = _matchers(child, "")
            if own == "{}":
                receiver = _text(child.get("receiver"))
                own = f"receiver={receiver}" if receiver else "*"
            _route(child, f"{subject}/{names(own)}", child_first, child_last, depth + 1, spans)


def _matchers(node: MapNode, prefix: str) -> str:
    """A route's (or an inhibit rule side's) matchers as written, whitespace dropped, sorted."""
    found = []
    listed = node.get(f"{prefix}matchers")
    if isinstance(listed, SeqNode):
        found += ["".join(_text(m).split()) for m in listed.items]
    for key, op in ((f"{prefix}match", "="), (f"{prefix}match_re", "=~")):
        value = node.get(key)
        if isinstance(value, MapNode):
            found += [f'{k.text}{op}"{_text(v)}"' for k, v in value.items]
    return "{" + ",".join(sorted(found)) + "}"


# --- dashboards ---------------------------------------------------------------------------------------

def _json_dashboard(root: MapNode) -> list[Span]:
    from obslint.dashboards.model import dashboard_subject, subject_of
    from obslint.yamlload import to_python

    doc = to_python(root)
    if not isinstance(doc, dict):
        return []
    spans = [Span(1, END, dashboard_subject(doc), 0)]
    fields = _entries(root, END)

    def panels(node: Node, last: int, pointer: str, depth: int) -> None:
        if not isinstance(node, SeqNode):
            return
        for i, (panel, first, panel_last) in enumerate(_items(node, last)):
            if isinstance(panel, MapNode):
                inner = f"{pointer}/{i}"
                spans.append(Span(first, panel_last, subject_of(doc, inner), depth))
                children = _entries(panel, panel_last).get("panels")
                if children is not None:
                    panels(children[0], children[2], inner + "/panels", depth + 1)

    if "panels" in fields:
        panels(fields["panels"][0], fields["panels"][2], "/panels", 1)
    templating = fields.get("templating")
    if templating is not None and isinstance(templating[0], MapNode):
        listed = _entries(templating[0], templating[2]).get("list")
        if listed is not None and isinstance(listed[0], SeqNode):
            for i, (_, first, last) in enumerate(_items(listed[0], listed[2])):
                spans.append(Span(first, last, subject_of(doc, f"/templating/list/{i}"), 1))
    return spans


def _python_dashboards(path: Path, dashboards: list) -> list[Span]:
    """A dashboard file's dashboards (whole file) and panels: the extent of the call that made each panel
    (the compiled dashboard knows the line of the user's code behind each panel)."""
    import ast

    from obslint.dashboards.compiler import iter_panels
    from obslint.dashboards.model import subject_of

    if not dashboards:
        return []
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        tree = None
    extents: dict[int, int] = {}  # a line -> the last line of the widest call that starts on it
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Call) and node.end_lineno is not None:
            extents[node.lineno] = max(extents.get(node.lineno, 0), node.end_lineno)
    spans = []
    for dashboard in dashboards:
        doc, compiled = dashboard.compiled.doc, dashboard.compiled
        spans.append(Span(1, END, subject_of(doc, ""), 0))
        for pointer, _ in iter_panels(doc):
            line = compiled.lines.get(pointer)
            if line and line != compiled.lines.get(""):
                spans.append(Span(line, extents.get(line, line), subject_of(doc, pointer), pointer.count("/panels")))
    return spans


# --- findings -------------------------------------------------------------------------------------------

def fact_subjects(facts) -> dict[str, dict[int, str]]:
    """path -> {line: subject} of the rules the checks across files read (obslint.rules.facts), at the
    lines those checks report them (the rule's name, its expression), named as the file's outline names
    them: their findings get subjects without the file being read again."""
    by_path: dict[str, list] = {}
    for fact in facts:
        by_path.setdefault(fact.path, []).append(fact)
    found: dict[str, dict[int, str]] = {}
    for path, rules in by_path.items():
        rules.sort(key=lambda f: f.line)
        names: dict[str, _Names] = {}
        lines: dict[int, str] = {}
        for fact in rules:
            subject = f"group:{fact.group}/" + names.setdefault(fact.group, _Names())(f"{fact.kind}:{fact.name}")
            for line in (fact.line, fact.expr_line):
                lines[line] = subject if lines.get(line, subject) == subject else ""  # "": two rules, read it
        found[path] = lines
    return found


def attach(findings: list, root: Path, dashboards=(), known: dict | None = None) -> list:
    """`findings`, each without a subject given the subject of where it is (in the file at `root` / its
    path). `known` (path -> {line: subject}, fact_subjects) spares reading a file for those lines."""
    known = known or {}
    outlines: dict[str, list[Span]] = {}
    lookups: dict[str, Lookup] = {}
    out = []
    for finding in findings:
        if finding.subject or finding.line <= 0:
            out.append(finding)
            continue
        subject = known.get(finding.path, {}).get(finding.line)
        if subject:
            out.append(dataclasses.replace(finding, subject=subject))
            continue
        if finding.path not in lookups:
            if finding.path not in outlines:
                file = root / finding.path
                outlines[finding.path] = outline(file, dashboards) if file.is_file() else []
            lookups[finding.path] = Lookup(outlines[finding.path])
        subject = lookups[finding.path](finding.line)
        out.append(dataclasses.replace(finding, subject=subject) if subject else finding)
    return out
