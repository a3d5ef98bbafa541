"""`obslint fix`: rewrite the deprecated `match`/`match_re` maps (and `source_match*`, `target_match*`
of inhibit rules) into `matchers` lists, keeping the rest of the file as written.

A rewrite is only kept when the rewritten config loads and routes and inhibits exactly as the
original on every label set built from the values its matchers name; otherwise the file is left
alone and the reason is given. Blocks with comments inside are left alone too (the comment would
be lost).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import yaml

from obslint.alertmanager.matchers import escape_value

SIDES = {"route": (("match", "match_re"), "matchers"),
         "source": (("source_match", "source_match_re"), "source_matchers"),
         "target": (("target_match", "target_match_re"), "target_matchers")}
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FixError(ValueError):
    pass


@dataclass
class Edit:
    start: int
    end: int
    text: str


def _quote(entry: str) -> str:
    return "'" + entry.replace("'", "''") + "'"


def _mappings(root):
    """(mapping node, sides) for every route and inhibit rule of a config mapping."""
    def get(node, key):
        for k, v in node.value:
            if k.value == key:
                return v
        return None

    route = get(root, "route")
    stack = [route] if isinstance(route, yaml.MappingNode) else []
    while stack:
        node = stack.pop()
        yield node, ("route",)
        routes = get(node, "routes")
        if isinstance(routes, yaml.SequenceNode):
            stack.extend(r for r in routes.value if isinstance(r, yaml.MappingNode))
    rules = get(root, "inhibit_rules")
    if isinstance(rules, yaml.SequenceNode):
        for rule in rules.value:
            if isinstance(rule, yaml.MappingNode):
                yield rule, ("source", "target")


def _span_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def plan(text: str) -> list[Edit]:
    """The edits that rewrite every deprecated map of a plain Alertmanager config."""
    root = yaml.compose(text, Loader=Loader)
    if not isinstance(root, yaml.MappingNode):
        return []
    edits: list[Edit] = []
    for node, sides in _mappings(root):
        for side in sides:
            old_keys, new_key = SIDES[side]
            pairs = [(k, v) for k, v in node.value if k.value in (*old_keys, new_key)]
            if not any(k.value in old_keys for k, _ in pairs):
                continue
            entries: list[str] = []
            for k, v in pairs:
                if k.value == new_key:
                    if not isinstance(v, yaml.SequenceNode):
                        raise FixError(f"line {k.start_mark.line + 1}: `{new_key}` is not a list")
                    entries.extend(item.value for item in v.value)
                    continue
                if not isinstance(v, yaml.MappingNode):
                    raise FixError(f"line {k.start_mark.line + 1}: `{k.value}` is not a mapping")
                op = "=~" if k.value.endswith("_re") else "="
                for name, value in v.value:
                    raw = "" if value.tag.endswith(":null") else value.value
                    entries.append(f'{name.value}{op}"{escape_value(raw)}"')
            spans = sorted((k.start_mark.index, _span_end(text, v.end_mark.index)) for k, v in pairs)
            for start, end in spans:
                if "#" in text[start:end]:
                    raise FixError(f"line {text.count(chr(10), 0, start) + 1}: a comment inside `{new_key}` "
                                   "would be lost; rewrite it by hand")
            first = spans[0]
            edits.append(Edit(first[0], first[1], f"{new_key}: [{', '.join(_quote(e) for e in entries)}]"))
            for start, end in spans[1:]:
                line_start = text.rfind("\n", 0, start) + 1
                if text[line_start:start].strip() == "":
                    start = line_start
                    end = end + 1 if text[end:end + 1] == "\n" else end
                edits.append(Edit(start, end, ""))
    return sorted(edits, key=lambda e: e.start)


def apply(text: str, edits: list[Edit]) -> str:
    out, at = [], 0
    for edit in edits:
        out.append(text[at:edit.start])
        out.append(edit.text)
        at = edit.end
    out.append(text[at:])
    return "".join(out)


def probe_label_sets(model, limit: int = 2000) -> list[dict[str, str]]:
    """Label sets built from the names and values the config's matchers mention (and absence)."""
    values: dict[str, set[str]] = {}
    for matchers in [r.matchers for r in model.routes()] + [m for rule in model.inhibit_rules
                                                            for m in (rule.source, rule.target)]:
        for m in matchers:
            values.setdefault(m.name, {"", "obslint-other"}).add(m.value)
    names = sorted(values)
    combos = itertools.product(*[sorted(values[n]) for n in names])
    return [{n: v for n, v in zip(names, combo, strict=True) if v} for combo in itertools.islice(combos, limit)]
