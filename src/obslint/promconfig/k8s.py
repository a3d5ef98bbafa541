"""Kubernetes selectors as kubernetes_sd_configs reads them (k8s.io/apimachinery's labels.Parse and
fields.ParseSelector): each function returns why the selector is refused, or None."""

from __future__ import annotations

import re

_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_SPECIAL = "=!(),><"
_WHITESPACE = " \t\r\n"
_OPERATOR_TOKENS = {"=": "=", "==": "==", "!=": "!=", "!": "!", ">": ">", "<": "<", "(": "(", ")": ")", ",": ","}


def label_key_problem(key: str) -> str | None:
    """IsQualifiedName: `[prefix/]name`, name of at most 63 alphanumerics, `-`, `_`, `.`."""
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not _DNS_SUBDOMAIN.fullmatch(prefix)):
        return f'invalid label key "{key}": the prefix must be a DNS subdomain'
    if key.count("/") > 1:
        return f'invalid label key "{key}": a qualified name has at most one "/"'
    if not name or len(name) > 63 or not _NAME.fullmatch(name):
        return f'invalid label key "{key}": a name of at most 63 alphanumerics, "-", "_" or "." that starts ' \
               f"and ends with an alphanumeric"
    return None


def label_value_problem(value: str) -> str | None:
    if value and (len(value) > 63 or not _NAME.fullmatch(value)):
        return f'invalid label value "{value}": at most 63 alphanumerics, "-", "_" or "." that starts and ends ' \
               f"with an alphanumeric"
    return None


def _lex(text: str) -> list[tuple[str, str]]:
    """(kind, literal) tokens: id, an operator, `in`, `notin`, end, or error."""
    tokens, i, n = [], 0, len(text)
    while True:
        while i < n and text[i] in _WHITESPACE:
            i += 1
        if i >= n:
            tokens.append(("end", ""))
            return tokens
        if text[i] in _SPECIAL:
            buffer, last = "", None
            while i < n and text[i] in _SPECIAL:
                candidate = buffer + text[i]
                if candidate in _OPERATOR_TOKENS:
                    buffer, last = candidate, candidate
                    i += 1
                elif last is not None:
                    break
                else:
                    buffer = candidate
                    i += 1
            if last is None:
                tokens.append(("error", f"error expected: keyword found '{buffer}'"))
            else:
                tokens.append((last, last))
            continue
        start = i
        while i < n and text[i] not in _SPECIAL and text[i] not in _WHITESPACE:
            i += 1
        word = text[start:i]
        tokens.append((word if word in ("in", "notin") else "id", word))


def label_selector_problem(text: str) -> str | None:
    """labels.Parse: `a=b,c!=d,e in (x,y),!f,g`."""
    tokens = _lex(text)
    pos = 0

    def peek(values: bool = True) -> tuple[str, str]:
        kind, literal = tokens[pos]
        return ("id", literal) if values and kind in ("in", "notin") else (kind, literal)

    def take(values: bool = True) -> tuple[str, str]:
        nonlocal pos
        token = peek(values)
        pos += 1
        return token

    while True:
        kind, literal = peek()
        if kind == "end":
            return None
        if kind not in ("id", "!"):
            return f"unable to parse requirement: found '{literal}', expected: !, identifier, or 'end of string'"
        problem = _requirement(take, peek)
        if problem:
            return f"unable to parse requirement: {problem}"
        kind, literal = take()
        if kind == "end":
            return None
        if kind != ",":
            return f"found '{literal}', expected: ',' or 'end of string'"
        kind, literal = peek()
        if kind not in ("id", "!"):
            return f"found '{literal}', expected: identifier after ','"


def _requirement(take, peek) -> str | None:
    kind, key = take()
    negated = kind == "!"
    if negated:
        kind, key = take()
    if kind != "id":
        return f"found '{key}', expected: identifier"
    problem = label_key_problem(key)
    if problem:
        return problem
    if negated or peek()[0] in ("end", ","):
        return None  # `key` (exists) or `!key` (does not exist): what follows must be `,` or the end
    kind, literal = take(values=False)
    if kind not in ("in", "notin", "=", "==", "!=", ">", "<"):
        return f"found '{literal}', expected: in, notin, =, ==, !=, gt, lt"
    values: list[str]
    if kind in ("in", "notin"):
        token, literal = take()
        if token != "(":
            return f"found '{literal}' expected: '('"
        token, literal = peek()
        if token == ")":
            take()
            values = [""]
        elif token in ("id", ","):
            values = []
            while True:
                token, literal = take()
                if token == "id":
                    values.append(literal)
                    after, after_literal = peek()
                    if after == ",":
                        continue
                    if after == ")":
                        break
                    return f"found '{after_literal}', expected: ',' or ')'"
                if token == ",":
                    if not values:
                        values.append("")
                    after, _ = peek()
                    if after in (")", ","):
                        values.append("")
                        if after == ")":
                            break
                    continue
                return f"found '{literal}', expected: ',', or identifier"
            token, literal = take()
            if token != ")":
                return f"found '{literal}', expected: ')'"
        else:
            return f"found '{literal}', expected: ',', ')' or identifier"
    else:
        token, literal = peek()
        if token in ("end", ","):
            values = [""]
        else:
            token, literal = take()
            if token != "id":
                return f"found '{literal}', expected: identifier"
            values = [literal]
        if kind in (">", "<") and not re.fullmatch(r"[+-]?[0-9]+", values[0]):
            return f"for 'Gt', 'Lt' operators, the value must be an integer: {values[0]!r}"
    for value in values:
        problem = label_value_problem(value)
        if problem:
            return problem
    return None


def field_selector_problem(text: str) -> str | None:
    """fields.ParseSelector: `a=b,c!=d` with `\\` escapes in values."""
    terms, start, escaped = [], 0, False
    for i, ch in enumerate(text):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ",":
            terms.append(text[start:i])
            start = i + 1
    terms.append(text[start:])
    for term in terms:
        if term == "":
            continue
        split = None
        for i in range(len(term)):
            for op in ("!=", "==", "="):
                if term.startswith(op, i):
                    split = (term[:i], op, term[i + len(op):])
                    break
            if split:
                break
        if split is None:
            return f"invalid selector: '{text}'; can't understand '{term}'"
        rhs = split[2]
        escaped = False
        for ch in rhs:
            if escaped:
                if ch not in "\\,=":
                    return f"invalid escape sequence: \\{ch}"
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch in ",=":
                return f"invalid selector: unescaped {ch}"
    return None
