"""Which of the files a tool hands over are obslint's (`obslint check --hook`, as pre-commit runs it).

pre-commit passes every staged file of the types a hook asks for: `package.json`, a CI workflow, a
script. Named on the command line such a file is linted as what it looks like (a `.json` as a
dashboard, an unknown YAML as an error), which is right when a user names it and wrong when a hook
does. In hook mode a file is linted only when it is one of obslint's: it sits in the project's layout
(the configured rules, Alertmanager and dashboard folders), or its content is a rule file, a promtool
unit-test file, an Alertmanager config (plain, Secret or Helm values), a routing test file, a Grafana
dashboard JSON, or a dashboard `.py` file (told from its syntax, never run). Anything else is left out
silently: other hooks own it.
"""

from __future__ import annotations

from pathlib import Path

from obslint.config import Config

YAML_SUFFIXES = (".yml", ".yaml")


def ours(path: Path, config: Config) -> bool:
    from obslint.core.paths import resolve

    if not path.is_file():
        return True  # a missing or unreadable path stays an error
    if _in_layout(resolve(path), config):
        return True
    if path.suffix == ".py":
        from obslint.dashboards.sandbox import is_dashboard_file

        return is_dashboard_file(path, False)
    if path.suffix == ".json":
        return _dashboard_json(path, config)
    if path.suffix in YAML_SUFFIXES:
        return _our_yaml(path, config)
    return False


def _in_layout(resolved: Path, config: Config) -> bool:
    for directories in config.paths.values():
        for directory in directories:
            base = (config.root / directory).resolve()
            if resolved == base or base in resolved.parents:
                return True
    return False


def _dashboard_json(path: Path, config: Config) -> bool:
    import json

    try:
        if path.stat().st_size > config.max_file_size:
            return False
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    if isinstance(doc, dict) and isinstance(doc.get("dashboard"), dict):
        doc = doc["dashboard"]
    return isinstance(doc, dict) and ("panels" in doc or "schemaVersion" in doc) and (
        "title" in doc or "uid" in doc)


def _our_yaml(path: Path, config: Config) -> bool:
    from obslint import yamlload
    from obslint.alertmanager.documents import is_alertmanager_document
    from obslint.rules.model import is_rule_document, is_rule_test_document
    from obslint.yamlload import MapNode

    try:
        documents = yamlload.load_documents(yamlload.read_file(path, config.max_file_size), config.max_yaml_nodes)
    except (yamlload.YamlError, OSError, ValueError):
        return False  # outside the layout, YAML that does not load is not known to be ours
    for document in documents:
        root = document.root
        if is_rule_document(root) or is_rule_test_document(root) or is_alertmanager_document(root):
            return True
        if isinstance(root, MapNode) and "config" in root.keys() and "tests" in root.keys():
            return True  # a routing test file
    return False
