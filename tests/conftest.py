"""Shared fixtures: the real promtool/amtool oracles and the shared corpus.

In CI (CI=true) a missing oracle or corpus is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil

import pytest
from helpers import CORPUS, need

ORACLE_FIXTURES = {"promtool", "amtool", "alertmanager_binary"}


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


@pytest.fixture(scope="session")
def corpus():
    if not (CORPUS / "rules").is_dir():
        need("the shared corpus", f"expected it at {CORPUS}")
    return CORPUS
