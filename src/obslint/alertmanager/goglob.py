"""Go's path/filepath Glob and Match (on Unix), as Alertmanager resolves `templates:` globs.

Python's glob differs where it matters to a linter: it skips dot files for `*`, reads `[!...]` as a
negated class where Go reads `[^...]`, and never refuses a pattern. Here, as in Go: `*` matches any run
of non-`/` characters (dot files included), `?` one, `[...]` a class (`^` negates, `\\` escapes), `\\`
escapes outside a class, and a malformed pattern is refused (filepath.ErrBadPattern, "syntax error in
pattern") before anything is read. Matches are sorted, per directory level, as Go returns them.
"""

from __future__ import annotations

import os

META = "*?[\\"


class BadPattern(ValueError):
    def __init__(self):
        super().__init__("syntax error in pattern")


def _scan_chunk(pattern: str) -> tuple[bool, str, str]:
    star = False
    while pattern.startswith("*"):
        pattern = pattern[1:]
        star = True
    in_range = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 < len(pattern):
                i += 1
        elif c == "[":
            in_range = True
        elif c == "]":
            in_range = False
        elif c == "*" and not in_range:
            break
        i += 1
    return star, pattern[:i], pattern[i:]


def _get_esc(chunk: str) -> tuple[str, str]:
    if not chunk or chunk[0] in "-]":
        raise BadPattern()
    if chunk[0] == "\\":
        chunk = chunk[1:]
        if not chunk:
            raise BadPattern()
    r, chunk = chunk[0], chunk[1:]
    if not chunk:
        raise BadPattern()
    return r, chunk


def _match_chunk(chunk: str, s: str) -> tuple[str, bool]:
    """(rest of s, matched); validates the whole chunk even after a mismatch (BadPattern)."""
    failed = False
    while chunk:
        if not failed and not s:
            failed = True
        c = chunk[0]
        if c == "[":
            r = ""
            if not failed:
                r, s = s[0], s[1:]
            chunk = chunk[1:]
            negated = False
            if chunk.startswith("^"):
                negated, chunk = True, chunk[1:]
            matched = False
            nrange = 0
            while True:
                if chunk.startswith("]") and nrange > 0:
                    chunk = chunk[1:]
                    break
                lo, chunk = _get_esc(chunk)
                hi = lo
                if chunk[0] == "-":
                    hi, chunk = _get_esc(chunk[1:])
                if lo <= r <= hi:
                    matched = True
                nrange += 1
            if matched == negated:
                failed = True
        elif c == "?":
            if not failed:
                if s[0] == "/":
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
        elif c == "\\":
            chunk = chunk[1:]
            if not chunk:
                raise BadPattern()
            if not failed:
                if chunk[0] != s[0]:
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
        else:
            if not failed:
                if chunk[0] != s[0]:
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
    if failed:
        return "", False
    return s, True


def match(pattern: str, name: str) -> bool:
    """filepath.Match; BadPattern for a malformed pattern."""
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            return "/" not in name  # a trailing * matches the rest, unless it has a /
        t, ok = _match_chunk(chunk, name)
        if ok and (not t or pattern):
            name = t
            continue
        if star and _skip(chunk, pattern, name) is not None:
            name = _skip(chunk, pattern, name)
            continue
        return False  # (the rest of the pattern is not checked: Go does not either)
    return not name


def _skip(chunk: str, pattern: str, name: str) -> str | None:
    """After a star: the rest of `name` once `chunk` matches further on (never skipping a /), or None."""
    i = 0
    while i < len(name) and name[i] != "/":
        t, ok = _match_chunk(chunk, name[i + 1:])
        if ok and not (not pattern and t):
            return t
        i += 1
    return None


def has_meta(path: str) -> bool:
    return any(c in path for c in META)


def glob(pattern: str) -> list[str]:
    """filepath.Glob: the names matching `pattern` (nothing for a missing directory), BadPattern."""
    match(pattern, "")  # check the pattern is well formed
    if not has_meta(pattern):
        return [pattern] if os.path.lexists(pattern) else []
    directory, file = os.path.split(pattern)
    directory = _clean_dir(directory)
    if not has_meta(directory):
        return _glob_dir(directory, file)
    if directory == pattern:
        raise BadPattern()
    out: list[str] = []
    for d in glob(directory):
        out += _glob_dir(d, file)
    return out


def _clean_dir(path: str) -> str:
    if path == "":
        return "."
    if path != "/" and path.endswith("/"):
        return path.rstrip("/") or "/"
    return path


def _glob_dir(directory: str, pattern: str) -> list[str]:
    try:
        if not os.path.isdir(directory):
            return []
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    out = []
    for name in names:
        if match(pattern, name):
            out.append(name if directory == "." else os.path.join(directory, name))
    return out
