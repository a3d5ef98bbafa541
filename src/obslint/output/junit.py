"""JUnit XML, the one writer for `obslint test` and `obslint route-test`: one <testsuite> per test file,
one <testcase> per test, with its failure or error.

What it writes is valid against the JUnit XSD of Jenkins' xUnit plugin (tests/data/junit-10.xsd) and is
what GitLab's unit test reports read: `classname` is the test file's path relative to the repository's
root, `time` is in seconds on every suite and case, and the suite names its file (`file`, an attribute
that XSD allows on suites only). A case's line is not an attribute (that XSD has none): failures and
errors start with `path:line:`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree import ElementTree


@dataclass
class Case:
    name: str
    classname: str  # the test file, relative to the repository's root
    line: int | None = None
    file: str | None = None
    failure: tuple[str, str] | None = None  # (message, text)
    error: tuple[str, str] | None = None  # (message, text): the test could not run
    time: float = 0.0  # seconds


@dataclass
class Suite:
    name: str
    cases: list[Case] = field(default_factory=list)
    file: str | None = None
    time: float | None = None  # seconds; default: the sum of its cases'


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def junit_xml(name: str, suites: list[Suite]) -> bytes:
    root = ElementTree.Element("testsuites", name=name)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    total_time = 0.0
    for suite in suites:
        element = ElementTree.SubElement(root, "testsuite", name=suite.name)
        counts = {"tests": len(suite.cases), "failures": sum(c.failure is not None for c in suite.cases),
                  "errors": sum(c.error is not None for c in suite.cases)}
        for key, value in counts.items():
            element.set(key, str(value))
            totals[key] += value
        element.set("skipped", "0")
        seconds = suite.time if suite.time is not None else sum(c.time for c in suite.cases)
        element.set("time", _seconds(seconds))
        total_time += seconds
        if suite.file is not None:
            element.set("file", suite.file)
        for case in suite.cases:
            testcase = ElementTree.SubElement(element, "testcase", name=case.name, classname=case.classname,
                                              time=_seconds(case.time))
            where = f"{case.file or case.classname}:{case.line}: " if case.line else ""
            for tag, outcome in (("failure", case.failure), ("error", case.error)):
                if outcome is not None:
                    message, text = outcome
                    child = ElementTree.SubElement(testcase, tag, message=where + message, type=tag)
                    child.text = where + (text or message)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", _seconds(total_time))
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
