"""Relabeling (model/relabel) as Prometheus applies it: the rules of a config, and what they make of a
target's labels. `promtool check config` relabels every static target of a scrape job and refuses the
config when one ends without an address, with a URL for one, or with a bad scrape interval; obslint does
the same to give the same verdict (and to say which target and which rule)."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from obslint.goregexp import expand
from obslint.promconfig.values import legacy_name, utf8_name

ACTIONS = ("replace", "keep", "drop", "keepequal", "dropequal", "hashmod", "labelmap", "labeldrop", "labelkeep",
           "lowercase", "uppercase")
DEFAULT_REGEX = "(.*)"
DEFAULT_SEPARATOR = ";"
DEFAULT_REPLACEMENT = "$1"
DOT_MATCHES_NEWLINE_SINCE = (3, 0)  # `^(?s:re)$` from 3.0, `^(?:re)$` before


@dataclass
class Rule:
    """One relabel config, with Go's defaults for what it leaves out. `regex` is None when the rule keeps
    the default `(.*)` (an explicit regex, even `(.*)`, is not the default to Prometheus)."""

    node: object  # the MapNode
    source_labels: list[str]
    source_labels_set: bool = False  # given, even as an empty list (labeldrop and labelkeep refuse that)
    separator: str = DEFAULT_SEPARATOR
    regex: str | None = None
    modulus: int = 0
    target_label: str = ""
    replacement: str = DEFAULT_REPLACEMENT
    action: str = "replace"
    valid: bool = True  # False once the loader refused it: it is not applied

    @property
    def pattern(self) -> str:
        return DEFAULT_REGEX if self.regex is None else self.regex


@functools.lru_cache(maxsize=1024)
def compiled(pattern: str, version: tuple[int, int]):
    """The anchored RE2 regex of a relabel rule (its validity was checked when the config was loaded)."""
    import re2

    options = re2.Options()
    options.log_errors = False
    flags = "(?s:" if version >= DOT_MATCHES_NEWLINE_SINCE else "(?:"
    return re2.compile("^" + flags + pattern + ")$", options)


def apply(rules: list[Rule], labels: dict[str, str], version: tuple[int, int], utf8: bool) -> dict[str, str] | None:
    """The labels after `rules` (None: a rule dropped the target). `utf8`: label names are checked with
    UTF-8 rules (Prometheus 3), else the legacy ones."""
    labels = dict(labels)
    name_ok = utf8_name if utf8 else legacy_name
    for rule in rules:
        if not rule.valid:
            continue
        value = rule.separator.join(labels.get(name, "") for name in rule.source_labels)
        action = rule.action
        if action in ("drop", "keep"):
            matched = compiled(rule.pattern, version).search(value) is not None
            if matched == (action == "drop"):
                return None
        elif action in ("dropequal", "keepequal"):
            equal = labels.get(rule.target_label, "") == value
            if equal == (action == "dropequal"):
                return None
        elif action == "replace":
            if value == "" and rule.regex is None and "$" not in rule.target_label and "$" not in rule.replacement:
                _set(labels, rule.target_label, rule.replacement)
                continue
            regex = compiled(rule.pattern, version)
            match = regex.search(value)
            if match is None:
                continue
            target = expand(rule.target_label, match, regex.groupindex)
            if not name_ok(target):
                continue
            _set(labels, target, expand(rule.replacement, match, regex.groupindex))
        elif action == "lowercase":
            _set(labels, rule.target_label, value.lower())
        elif action == "uppercase":
            _set(labels, rule.target_label, value.upper())
        elif action == "hashmod":
            digest = hashlib.md5(value.encode("utf-8")).digest()
            _set(labels, rule.target_label, str(int.from_bytes(digest[8:], "big") % rule.modulus))
        elif action == "labelmap":
            regex = compiled(rule.pattern, version)
            for name, label_value in list(labels.items()):
                match = regex.search(name)
                if match is not None:
                    _set(labels, expand(rule.replacement, match, regex.groupindex), label_value)
        elif action in ("labeldrop", "labelkeep"):
            regex = compiled(rule.pattern, version)
            for name in list(labels):
                if (regex.search(name) is not None) == (action == "labeldrop"):
                    del labels[name]
    return labels


def _set(labels: dict[str, str], name: str, value: str) -> None:
    """labels.Builder.Set: an empty value deletes the label."""
    if value == "":
        labels.pop(name, None)
    else:
        labels[name] = value
