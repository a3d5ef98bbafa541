"""Collecting one file's findings: which checks are on, their severities, and inline suppressions.

Suppressions live in comments (YAML or Python):
- `# obslint: disable=CODE[,CODE]` at the end of a line: that line;
- the same comment alone on its line: the next line;
- `# obslint: disable-next-line=CODE`: the next line;
- `# obslint: disable-file=CODE`: the whole file.
`all` stands for every check. Codes and slugs both work.
"""

from __future__ import annotations

from obslint.checks.registry import Check, resolve_check
from obslint.config import Config
from obslint.findings import Finding

MARKER = "obslint:"


class Suppressions:
    def __init__(self, text: str | None):
        self.by_line: dict[int, set[str]] = {}
        self.file: set[str] = set()
        if text and MARKER in text:
            self._scan(text)

    def _scan(self, text: str) -> None:
        for number, line in enumerate(text.split("\n"), start=1):
            at = line.find("#")
            while at >= 0:
                comment = line[at + 1:].strip()
                if comment.startswith(MARKER):
                    self._directive(comment[len(MARKER):].strip(), number, line[:at].strip() == "")
                    break
                at = line.find("#", at + 1)

    def _directive(self, directive: str, line: int, alone: bool) -> None:
        name, _, value = directive.partition("=")
        codes = {self._code(v) for v in value.split(",") if v.strip()}
        name = name.strip()
        if name == "disable-file":
            self.file |= codes
        elif name == "disable-next-line" or (name == "disable" and alone):
            self.by_line.setdefault(line + 1, set()).update(codes)
        elif name == "disable":
            self.by_line.setdefault(line, set()).update(codes)

    @staticmethod
    def _code(value: str) -> str:
        value = value.strip()
        if value.lower() == "all":
            return "all"
        try:
            return resolve_check(value).code
        except KeyError:
            return value.upper()

    def suppressed(self, code: str, line: int) -> bool:
        if not self.file and not self.by_line:
            return False
        here = self.by_line.get(line, ())
        return code in self.file or "all" in self.file or code in here or "all" in here


def check_enabled(config: Config, check: type[Check]) -> bool:
    if check.code in config.disable:
        return False
    return check.enabled_by_default or check.code in config.enable


class Collector:
    """Where checks report; turns (code, position, message) into Findings for one path."""

    def __init__(self, path: str, config: Config, text: str | None = None):
        self.path = path
        self.config = config
        self.suppressions = Suppressions(text)
        self.findings: list[Finding] = []
        self._checks: dict[str, tuple[type[Check], bool]] = {}  # code -> (check, enabled)

    def _check(self, code: str) -> tuple[type[Check], bool]:
        entry = self._checks.get(code)
        if entry is None:
            check = resolve_check(code)
            entry = self._checks[code] = (check, check_enabled(self.config, check))
        return entry

    def enabled(self, code: str) -> bool:
        return self._check(code)[1]

    def add(self, code: str, line: int, column: int, message: str, severity=None) -> None:
        check, enabled = self._check(code)
        if not enabled or self.suppressions.suppressed(check.code, line):
            return
        severity = self.config.severity.get(check.code, severity or check.severity)
        self.findings.append(Finding(self.path, max(line, 0), max(column, 0), check.code, check.name, severity,
                                     message))

    def at(self, code: str, node, message: str, severity=None) -> None:
        """Report at a YAML node (or at the file start when the node is None)."""
        if node is None:
            self.add(code, 1, 1, message, severity)
        else:
            self.add(code, node.line, node.column, message, severity)


class Collectors:
    """Collectors by shown path, for checks across files; each reads its file's suppressions."""

    def __init__(self, config: Config):
        self.config = config
        self.by_path: dict[str, Collector] = {}

    def get(self, path: str, source: str | None) -> Collector:
        """The collector of `path` (as findings show it); `source` is the file on disk."""
        if path not in self.by_path:
            from pathlib import Path

            try:
                text = Path(source).read_text(encoding="utf-8") if source else None
            except (OSError, UnicodeDecodeError):
                text = None
            self.by_path[path] = Collector(path, self.config, text)
        return self.by_path[path]

    def findings(self) -> list[Finding]:
        return [f for c in self.by_path.values() for f in c.findings]
