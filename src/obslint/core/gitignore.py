"""`.gitignore` files read as git reads them, for walks of a directory that is not a git work tree (or
where git is not installed): patterns per directory, `!` to re-include, `dir/` for directories only,
a slash to anchor a pattern at its file's directory, `*`, `?`, `[...]` and `**`; the last pattern that
matches decides, a deeper file's patterns come after its parents', and nothing below an ignored
directory is looked at again (git cannot re-include a file whose directory it ignores).
See https://git-scm.com/docs/gitignore."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern
    negated: bool
    directory_only: bool


def parse(text: str) -> list[Pattern]:
    """The patterns of one .gitignore file, in order."""
    patterns = []
    for line in text.splitlines():
        line = _trim(line)
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated:
            line = line[1:]
        elif line.startswith("\\!") or line.startswith("\\#"):
            line = line[1:]
        directory_only = line.endswith("/") and not line.endswith("\\/")
        line = line.rstrip("/") if directory_only else line
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/") if line.startswith("/") else line
        body = _translate(line)
        if body is None:
            continue  # a pattern git would not match anything with (an unclosed class, say)
        regex = re.compile(("" if anchored else "(?:.*/)?") + body + r"\Z", re.S)
        patterns.append(Pattern(regex, negated, directory_only))
    return patterns


def _trim(line: str) -> str:
    """Trailing spaces go unless escaped with a backslash."""
    end = len(line)
    while end > 0 and line[end - 1] == " " and not (end > 1 and line[end - 2] == "\\"):
        end -= 1
    return line[:end]


def _translate(pattern: str) -> str | None:
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i) and (i == 0 or pattern[i - 1] == "/"):
                end = i + 2
                if end == n:  # a trailing /**: everything inside
                    out.append(".*")
                    i = end
                    continue
                if pattern[end] == "/":  # **/ : zero or more directories
                    out.append("(?:.*/)?")
                    i = end + 1
                    continue
            while i < n and pattern[i] == "*":  # other runs of asterisks are one asterisk
                i += 1
            out.append("[^/]*")
            continue
        if c == "?":
            out.append("[^/]")
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] in "!^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 1
            if j >= n:
                return None
            inner = pattern[i + 1:j]
            negate = inner[:1] in ("!", "^")
            inner = inner[1:] if negate else inner
            inner = inner.replace("\\", "\\\\").replace("[", "\\[")
            out.append(("[^/" if negate else "[") + inner + "]")
            i = j
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


class Ignores:
    """The .gitignore files that apply in a walk: those of the directories above it up to the work tree
    (the directory holding `.git`, when there is one) and those it meets, with `.git/info/exclude`."""

    def __init__(self, top: str):
        self._files: dict[str, list[Pattern]] = {}
        self._chain: dict[str, list[tuple[str, list[Pattern]]]] = {}
        self.top = os.path.abspath(top)
        self.work_tree = _work_tree(self.top)
        self._above: list[tuple[str, list[Pattern]]] = []
        if self.work_tree is not None:
            exclude = os.path.join(self.work_tree, ".git", "info", "exclude")
            if os.path.isfile(exclude):
                self._above.append((self.work_tree, parse(_read(exclude))))
            directory = self.top
            chain = []
            while True:
                parent = os.path.dirname(directory)
                if directory == self.work_tree or parent == directory:
                    break
                directory = parent
                chain.append(directory)
            for directory in reversed(chain):
                patterns = self._patterns(directory)
                if patterns:
                    self._above.append((directory, patterns))

    def _patterns(self, directory: str) -> list[Pattern]:
        if directory not in self._files:
            path = os.path.join(directory, ".gitignore")
            self._files[directory] = parse(_read(path)) if os.path.isfile(path) else []
        return self._files[directory]

    def _applying(self, directory: str) -> list[tuple[str, list[Pattern]]]:
        """(base, patterns) of every .gitignore that applies to entries of `directory`, outermost first."""
        chain = self._chain.get(directory)
        if chain is None:
            if directory == self.top or not directory.startswith(self.top + os.sep):
                chain = list(self._above)
            else:
                chain = list(self._applying(os.path.dirname(directory)))
            patterns = self._patterns(directory)
            if patterns:
                chain.append((directory, patterns))
            self._chain[directory] = chain
        return chain

    def ignored(self, directory: str, name: str, is_dir: bool) -> bool:
        """Whether the entry `name` of `directory` (an absolute path inside the walk) is ignored."""
        verdict = False
        path = os.path.join(directory, name)
        for base, patterns in self._applying(directory):
            relative = os.path.relpath(path, base).replace(os.sep, "/")
            for pattern in patterns:
                if pattern.directory_only and not is_dir:
                    continue
                if pattern.regex.match(relative):
                    verdict = not pattern.negated
        return verdict


def _work_tree(directory: str) -> str | None:
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""
