"""JUnit XML of `obslint test` and `obslint route-test`, validated against the Jenkins xUnit plugin's JUnit
XSD (tests/data/junit-10.xsd) and with what GitLab reads: classnames and suite files relative to the
repository's root, times in seconds; both as GitHub annotations too."""

from __future__ import annotations

import shutil
from xml.etree import ElementTree

import pytest
import xmlschema
from helpers import DATA, REPO, git_repo, obslint

XSD = DATA / "junit-10.xsd"


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(str(XSD))


def cases(path):
    root = ElementTree.parse(path).getroot()
    return root, [(suite, case) for suite in root.iter("testsuite") for case in suite.iter("testcase")]


def assert_gitlab_reads(path, classname: str) -> None:
    root, found = cases(path)
    assert found
    for suite, case in found:
        assert case.get("classname") == classname and suite.get("file") == classname
        assert float(case.get("time")) >= 0 and float(suite.get("time")) >= 0
    assert float(root.get("time")) >= 0


def test_the_xsd_refuses_what_jenkins_refuses(schema, tmp_path):
    """The validation is no formality: a test case with `line` or `file` attributes (as obslint wrote them
    before) is invalid."""
    for extra in ('line="3"', 'file="a.yaml"'):
        bad = tmp_path / "bad.xml"
        bad.write_text(f'<testsuites><testsuite name="s" tests="1" failures="0" errors="0">'
                       f'<testcase name="c" classname="a.yaml" {extra}/></testsuite></testsuites>', encoding="utf-8")
        assert not schema.is_valid(str(bad))


def test_route_test_junit_is_valid_and_relative_to_the_root(schema, tmp_path):
    root = git_repo(tmp_path / "repo", {
        "alertmanager/alertmanager.yml": (REPO / "alertmanager/alertmanager.yml").read_text(encoding="utf-8"),
        "alertmanager/tests/routing.yaml": "config: ../alertmanager.yml\ntests:\n"
                                           "  - name: devops to ml (wrong)\n    labels: {team: devops}\n"
                                           "    receivers: [ml-team]\n"
                                           "  - name: devops\n    labels: {team: devops}\n    receiver: devops-team\n",
    })
    proc = obslint("route-test", "--junit", str(tmp_path / "route.xml"), "tests/routing.yaml",
                   cwd=root / "alertmanager")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    schema.validate(str(tmp_path / "route.xml"))
    assert_gitlab_reads(tmp_path / "route.xml", "alertmanager/tests/routing.yaml")
    _, found = cases(tmp_path / "route.xml")
    failure = found[0][1].find("failure")
    assert failure is not None and failure.get("message").startswith("alertmanager/tests/routing.yaml:3: ")
    github = obslint("route-test", "--format", "github", "tests/routing.yaml", cwd=root / "alertmanager")
    assert github.returncode == 1
    assert github.stdout.splitlines()[0].startswith(
        "::error file=alertmanager/tests/routing.yaml,line=3,title=route-test%3A devops to ml (wrong)::")
    assert github.stdout.splitlines()[-1] == "1 passed, 1 failed"


def test_unit_test_junit_is_valid_and_relative_to_the_root(schema, promtool, tmp_path):
    root = git_repo(tmp_path / "repo", {})
    shutil.copytree(DATA / "ruletests", root / "rules" / "tests")
    proc = obslint("test", "--junit", str(tmp_path / "unit.xml"), "failing-test.yml", cwd=root / "rules" / "tests")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    schema.validate(str(tmp_path / "unit.xml"))
    assert_gitlab_reads(tmp_path / "unit.xml", "rules/tests/failing-test.yml")
    _, found = cases(tmp_path / "unit.xml")
    assert [c.get("name") for _, c in found] == ["instance down fires with the wrong severity",
                                                  "instance up is quiet"]
    assert found[0][1].find("failure").get("message").startswith("rules/tests/failing-test.yml:6: ")
    github = obslint("test", "--format", "github", "failing-test.yml", cwd=root / "rules" / "tests")
    lines = github.stdout.splitlines()
    assert github.returncode == 1 and lines[-1] == "1 group(s) passed, 1 failed"
    assert lines[0].startswith("::error file=rules/tests/failing-test.yml,line=12,title=obslint test%3A instance "
                               "down fires with the wrong severity::alert InstanceDown at 10m:%0A- Labels:")
