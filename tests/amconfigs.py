"""Alertmanager configs for the oracle tests, and obslint's verdict on a config file as they compare it
with amtool's: Alertmanager's own configs, read where `go mod download` leaves its module (never
copied here).

- `upstream_testdata`: config/testdata/*.yml of a version;
- `config_test_snippets`: every YAML text in the version's config tests (config/*_test.go,
  config/receiver/*_test.go, notify/*/config_test.go): whole configs as they are, and an
  integration's config (what a notifier test decodes into, say, a WebhookConfig) placed in a
  receiver of a minimal config.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from obslint import yamlload
from obslint.checks import amtool as amtool_checks
from obslint.config import Config
from obslint.core.collector import Collector
from obslint.core.findings import Severity

# Go type of an integration's config -> its key under a receiver, `<key>_configs`
INTEGRATION_TYPES = {
    "WebhookConfig": "webhook", "EmailConfig": "email", "PagerdutyConfig": "pagerduty", "SlackConfig": "slack",
    "OpsGenieConfig": "opsgenie", "WechatConfig": "wechat", "PushoverConfig": "pushover",
    "VictorOpsConfig": "victorops", "SNSConfig": "sns", "TelegramConfig": "telegram", "WebexConfig": "webex",
    "DiscordConfig": "discord", "MSTeamsConfig": "msteams", "MSTeamsV2Config": "msteamsv2", "JiraConfig": "jira",
    "RocketchatConfig": "rocketchat", "IncidentioConfig": "incidentio", "MattermostConfig": "mattermost"}
_RAW_STRING = re.compile(r"`([^`]*)`")


def version_tuple(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def upstream_testdata(source: Path) -> list[Path]:
    return sorted((source / "config" / "testdata").glob("*.yml"))


@dataclass
class Snippet:
    where: str  # file:line in the module
    text: str  # a whole config


def _wrap(text: str, key: str) -> str:
    body = textwrap.indent(textwrap.dedent(text).strip("\n"), "    ")
    return f"route:\n  receiver: r\nreceivers:\n- name: r\n  {key}_configs:\n  -\n{body}\n"


def config_test_snippets(source: Path) -> list[Snippet]:
    found = []
    files = [*sorted((source / "config").glob("*_test.go")), *sorted((source / "config" / "receiver").glob("*_test.go")),
             *sorted((source / "notify").glob("*/config_test.go"))]
    for path in files:
        src = path.read_text(encoding="utf-8")
        package = path.parent.name
        for m in _RAW_STRING.finditer(src):
            text = m.group(1)
            if "\n" not in text:
                continue
            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError:
                continue
            if not isinstance(data, dict) or not data:
                continue
            where = f"{path.relative_to(source)}:{src.count(chr(10), 0, m.start()) + 1}"
            if "route" in data or "receivers" in data:
                found.append(Snippet(where, text))
                continue
            start = src.rfind("\nfunc ", 0, m.start())
            end = src.find("\nfunc ", m.end())
            body = src[start:end if end > 0 else len(src)]
            types = [t for t in INTEGRATION_TYPES if re.search(rf"\b{t}\b", body)]
            if not types and package in INTEGRATION_TYPES.values():
                types = [t for t, key in INTEGRATION_TYPES.items() if key == package]
            if len(types) == 1:
                found.append(Snippet(where, _wrap(text, INTEGRATION_TYPES[types[0]])))
    return found


def obslint_errors(path: Path, version: tuple[int, int], mode: str | None = None) -> list[str]:
    """The errors obslint reports loading the file as the target Alertmanager does (no routing lint)."""
    config = Config(alertmanager_version=version, matcher_mode=mode)
    collector = Collector(str(path), config)
    try:
        roots = [d.root for d in yamlload.load_documents(path.read_text(encoding="utf-8"), 1_000_000)]
    except yamlload.YamlError as exc:
        return [f"YAML: {exc.message}"]
    except UnicodeDecodeError as exc:
        return [f"encoding: {exc}"]
    amtool_checks.load(roots or [None], config, collector)
    return [f"{f.code} {f.line}: {f.message}" for f in collector.findings if f.severity == Severity.ERROR]
