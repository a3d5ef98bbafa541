"""Shared fixtures: the real promtool/amtool oracles and the shared corpus.

In CI (CI=true) a missing oracle or corpus is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil

import pytest
from helpers import CORPUS, need
from oracles import ORACLE_VERSIONS, Oracle, find_oracle

ORACLE_FIXTURES = {"promtool", "amtool", "alertmanager_binary", "oracle", "each_promtool", "each_amtool",
                   "each_alertmanager"}


def pytest_collection_modifyitems(items):
    """A test that runs a real promtool, amtool or Alertmanager is an oracle test (`-m oracle`)."""
    for item in items:
        if ORACLE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.oracle)


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        need(name, f"apt-get install -y {package}")
    return path


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """`obslint check` caches per-file results under ~/.cache: the tests use a cache of their own."""
    os.environ["OBSLINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("obslint-cache"))


@pytest.fixture(scope="session")
def promtool() -> str:
    return _tool("promtool", "prometheus")


@pytest.fixture(scope="session")
def amtool() -> str:
    return _tool("amtool", "prometheus-alertmanager")


def _oracle(tool: str, version: str) -> Oracle:
    found = find_oracle(tool, version)
    if not found.available:
        need(f"{tool} {found.version}", found.hint())
    return found


@pytest.fixture(scope="session")
def oracle():
    """A function: oracle("promtool", "3.16") is the path of that binary (see oracles.find_oracle for
    versions: exact, a prefix such as "3" or "3.5", "newest", "oldest"); missing, it skips (fails in CI)."""
    return lambda tool, version="newest": str(_oracle(tool, version).path)


# One test per version of the tool, Debian's included: the fixture's value is an oracles.Oracle
# (.version, .path), and the test's id is the version.
@pytest.fixture(scope="session", params=ORACLE_VERSIONS["promtool"])
def each_promtool(request) -> Oracle:
    return _oracle("promtool", request.param)


@pytest.fixture(scope="session", params=ORACLE_VERSIONS["amtool"])
def each_amtool(request) -> Oracle:
    return _oracle("amtool", request.param)


@pytest.fixture(scope="session", params=ORACLE_VERSIONS["alertmanager"])
def each_alertmanager(request) -> Oracle:
    return _oracle("alertmanager", request.param)


@pytest.fixture(scope="session")
def corpus():
    if not (CORPUS / "rules").is_dir():
        need("the shared corpus", f"expected it at {CORPUS}")
    return CORPUS
