"""Collecting one file's findings: which checks are on, their severities, and inline suppressions.

A check reports through its class (`collector.at(UnknownField, node, "...")`), so a check that does not
exist is an import error, never a silent miss. Which checks are on comes from the configuration's
`enable`, `disable` and `severity` (codes or names; obslint.checks.registry validates them when the
configuration is loaded).

Suppressions live in comments (YAML or Python):
- `# obslint: disable=CODE[,CODE]` at the end of a line: that line;
- the same comment alone on its line: the next line;
- `# obslint: disable-next-line=CODE`: the next line;
- `# obslint: disable-file=CODE`: the whole file.
`all` stands for every check. Codes and names both work.
"""

from __future__ import annotations

from obslint.core.findings import Finding, Severity

MARKER = "obslint:"


def normalise(code_or_name: str) -> str:
    """The form in which selections and suppressions keep a code (`R001`) or a name (`unknown-field`)."""
    value = code_or_name.strip()
    return value.upper() if value[:1].isalpha() and value[1:].isdigit() else value.lower()


def selects(selection, check) -> bool:
    """Whether a set of normalised codes and names names `check`."""
    return check.code in selection or check.name in selection


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
        codes = {normalise(v) for v in value.split(",") if v.strip()}
        name = name.strip()
        if name == "disable-file":
            self.file |= codes
        elif name == "disable-next-line" or (name == "disable" and alone):
            self.by_line.setdefault(line + 1, set()).update(codes)
        elif name == "disable":
            self.by_line.setdefault(line, set()).update(codes)

    def suppressed(self, check, line: int) -> bool:
        if not self.file and not self.by_line:
            return False
        here = self.by_line.get(line, ())
        return "all" in self.file or "all" in here or selects(self.file, check) or selects(here, check)


def check_enabled(config, check) -> bool:
    """On by default unless disabled; off by default unless enabled (`config`: enable and disable sets of
    normalised codes and names)."""
    if selects(config.disable, check):
        return False
    return check.enabled_by_default or selects(config.enable, check)


class Collector:
    """Where checks report; turns (check, position, message) into Findings for one path."""

    def __init__(self, path: str, config, text: str | None = None):
        self.path = path
        self.config = config
        self.suppressions = Suppressions(text)
        self.findings: list[Finding] = []
        self._states: dict[type, tuple[bool, Severity | None]] = {}  # check -> (enabled, configured severity)

    def _state(self, check) -> tuple[bool, Severity | None]:
        state = self._states.get(check)
        if state is None:
            overrides = self.config.severity
            state = (check_enabled(self.config, check), overrides.get(check.code) or overrides.get(check.name))
            self._states[check] = state
        return state

    def enabled(self, *checks) -> bool:
        """Whether any of `checks` is on (a pass that reports only these may be skipped otherwise)."""
        return any(self._state(check)[0] for check in checks)

    def add(self, check, line: int, column: int, message: str, severity: Severity | None = None,
            subject: str = "") -> None:
        """Report `check` at a position; `subject` names what the finding is about when the check knows
        it better than its position tells (see Finding)."""
        enabled, configured = self._state(check)
        if not enabled or self.suppressions.suppressed(check, line):
            return
        # the configuration's severity, else the one this finding asks for, else the check's
        severity = configured or severity or check.severity
        self.findings.append(Finding(self.path, max(line, 0), max(column, 0), check.code, check.name, severity,
                                     message, subject))

    def at(self, check, node, message: str, severity: Severity | None = None, subject: str = "") -> None:
        """Report at a YAML node (or at the file start when the node is None)."""
        if node is None:
            self.add(check, 1, 1, message, severity, subject)
        else:
            self.add(check, node.line, node.column, message, severity, subject)


class Collectors:
    """Collectors by shown path, for checks across files; each reads its file's suppressions."""

    def __init__(self, config):
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

    def enabled(self, *checks) -> bool:
        return any(check_enabled(self.config, check) for check in checks)

    def findings(self) -> list[Finding]:
        return [f for c in self.by_path.values() for f in c.findings]
