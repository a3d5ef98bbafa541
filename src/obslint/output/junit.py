"""JUnit XML, the one writer for `obslint test` and `obslint route-test`: one <testsuite> per test file,
one <testcase> per test, with its failure or error."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree import ElementTree


@dataclass
class Case:
    name: str
    classname: str
    line: int | None = None
    file: str | None = None
    failure: tuple[str, str] | None = None  # (message, text)
    error: tuple[str, str] | None = None  # (message, text): the test could not run


@dataclass
class Suite:
    name: str
    cases: list[Case] = field(default_factory=list)


def junit_xml(name: str, suites: list[Suite]) -> bytes:
    root = ElementTree.Element("testsuites", name=name)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in suites:
        element = ElementTree.SubElement(root, "testsuite", name=suite.name)
        counts = {"tests": len(suite.cases), "failures": sum(c.failure is not None for c in suite.cases),
                  "errors": sum(c.error is not None for c in suite.cases)}
        for key, value in counts.items():
            element.set(key, str(value))
            totals[key] += value
        for case in suite.cases:
            attributes = {"name": case.name, "classname": case.classname}
            if case.file is not None:
                attributes["file"] = case.file
            if case.line is not None:
                attributes["line"] = str(case.line)
            testcase = ElementTree.SubElement(element, "testcase", attributes)
            for tag, outcome in (("failure", case.failure), ("error", case.error)):
                if outcome is not None:
                    message, text = outcome
                    child = ElementTree.SubElement(testcase, tag, message=message)
                    if text:
                        child.text = text
    for key, value in totals.items():
        root.set(key, str(value))
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
