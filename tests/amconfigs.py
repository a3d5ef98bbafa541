"""Alertmanager configs for the oracle tests, and obslint's verdict on a config file as they compare it
with amtool's: Alertmanager's own configs, read where `go mod download` leaves its module (never
copied here).

- `upstream_testdata`: config/testdata/*.yml and doc/examples/*.yml of a version;
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


# amtool's --enable-feature flags for each matcher-parsing mode (None: the version's default)
FEATURES = {None: (), "utf8": ("utf8-strict-mode",), "classic": ("classic-mode",)}


def modes(version: tuple[int, int]) -> list[str | None]:
    """The matcher-parsing modes of an Alertmanager version: 0.27 added the UTF-8 parser."""
    return [None, "utf8", "classic"] if version >= (0, 27) else [None]


def upstream_testdata(source: Path) -> list[Path]:
    """config/testdata/*.yml and the documentation's example configs (doc/examples/*.yml)."""
    return sorted((source / "config" / "testdata").glob("*.yml")) + sorted((source / "doc" / "examples").glob("*.yml"))


@dataclass
class Snippet:
    where: str  # file:line in the module
    text: str  # a whole config


def _wrap(text: str, key: str) -> str:
    body = textwrap.indent(textwrap.dedent(text).strip("\n"), "    ")
    return f"route:\n  receiver: r\nreceivers:\n- name: r\n  {key}_configs:\n  -\n{body}\n"


def config_test_snippets(source: Path) -> list[Snippet]:
    found = []
    files = [*sorted((source / "config").glob("*_test.go")),
             *sorted((source / "config" / "receiver").glob("*_test.go")),
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


def obslint_model(path: Path, version: tuple[int, int], mode: str | None = None):
    """(the model, the errors) obslint has loading the file as the target Alertmanager does (no
    routing lint); the model is None when the file does not load."""
    config = Config(alertmanager_version=version, matcher_mode=mode)
    collector = Collector(str(path), config)
    try:
        roots = [d.root for d in yamlload.load_documents(path.read_text(encoding="utf-8"), 1_000_000)]
    except yamlload.YamlError as exc:
        return None, [f"YAML: {exc.message}"]
    except UnicodeDecodeError as exc:
        return None, [f"encoding: {exc}"]
    model = amtool_checks.load(roots or [None], config, collector)
    return model, [f"{f.code} {f.line}: {f.message}" for f in collector.findings if f.severity == Severity.ERROR]


def obslint_errors(path: Path, version: tuple[int, int], mode: str | None = None) -> list[str]:
    """The errors obslint reports loading the file as the target Alertmanager does (no routing lint)."""
    return obslint_model(path, version, mode)[1]


# --- generated configs ------------------------------------------------------------------------------
# Configs are written as YAML flow collections (JSON with some bare scalars): a Python str is a quoted
# YAML string, Raw("yes") a plain scalar as a user would type it. Each choice is mostly among values
# every version takes, now and then among values some version refuses (a wrong type, a bad URL, a
# field newer than the target, two settings that exclude each other), so that about half of the
# configs load and the other half fail for one or two reasons.

import json  # noqa: E402

from hypothesis import strategies as st  # noqa: E402

from obslint.alertmanager import schema  # noqa: E402


class Raw(str):
    """A plain (unquoted) YAML scalar: `yes`, `0x1F`, `1_000`, `~`."""


def dump(value) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def rare(draw, n: int) -> bool:
    """True about one time in n + 1 (hypothesis draws the ends of a range more often than the rest)."""
    return draw(st.integers(0, n)) == 1 if n > 1 else draw(st.booleans())


def pick(draw, good, bad, odds: int = 8):
    """Mostly one of `good`, one time in `odds` one of `bad`."""
    if bad and rare(draw, odds - 1):
        return draw(st.sampled_from(bad))
    return draw(st.sampled_from(good))


URL_GOOD = ["https://example.com/x", "http://127.0.0.1:9/p", "http://[::1]:80/a",
            "https://slack.com/api/chat.postMessage"]
URL_BAD = ["ftp://example.com/x", "example.com/x", "", "<secret>", "https://{{ .GroupLabels.team }}.example.com/",
           "https://{{ .X", "http://a b/", "http://host:port/", "https://%zz/", 7]
# (values every version takes, values some version refuses) by Go type
VALUES = {
    "str": (["x", "{{ .Status }}", "/etc/alertmanager/secret", 7, True], ["", "{{ .Status", ["x"], {"a": "b"}]),
    "bool": ([True, False, Raw("yes"), Raw("off")], ["true", "maybe", 1]),
    "int": ([42, Raw("0x1F"), Raw("1_000"), 7], ["12", 1.5, Raw(".inf"), "x", 0, -7, Raw("1e3")]),
    "uint": ([3, 0], [-1, 2.5, "3", Raw("0o17")]),
    "float": ([0.5, 1], ["0.5", Raw(".nan"), "x"]),
    "duration": (["30s", "1h30m", "1d"], ["0", "1.5m", "", 30, "5x", "-5m"]),
    "goduration": (["30s", "1m30s", 1000], ["1.5h", "5x", "", "0", True]),
    "textduration": (["30s", "1h", "1m30s"], [30, "5x", ""]),
    "url": (URL_GOOD, URL_BAD), "secreturl": (URL_GOOD, URL_BAD), "templateurl": (URL_GOOD, URL_BAD),
    "commonurl": (["http://proxy.example.com:3128", "socks5://p:1080"], ["::bad", "", "%zz", "http://[::1", 3]),
    "hostport": (["smtp.example.com:25", "[::1]:25", ":25"], ["smtp.example.com", "a:b:c", "smtp.example.com:", ""]),
    "tlsversion": (["TLS12", "TLS13", "TLS10"], ["TLS14", "tls12", ""]),
    "regex": (["x|y", ".*", "(?i)db"], ["(", "a{1001}"]),
    "jirafield": (["{{ .Status }}", {"template": "t", "enable_update": False}], [{"template": "t", "bogus": 1}, ["x"]]),
    "any": ([{"a": 1}, "x", [1]], []),
}
# fields whose valid values are a short list
CHOICES = {
    "parse_mode": (["HTML", "Markdown", "MarkdownV2", ""], ["html"]),
    "message_type": (["text", "markdown", ""], ["card"]),
    "api_type": (["auto", "cloud", "datacenter"], ["", "server"]),
    "thread_by_date": (["none", "daily"], ["", "weekly"]),
    "type": (["team", "Teams", "user", "escalation", "schedule", "{{ .X }}"], ["{{ .X", "group", ""]),
    "grant_type": (["client_credentials"], ["urn:ietf:params:oauth:grant-type:jwt-bearer"]),
    "signature_algorithm": (["RS256", "RS512"], ["HS256"]),
    "client_type": (["http", "grpc"], ["udp", ""]),
    "compression": (["gzip"], ["", "zstd"]), "acks": (["all", "leader"], ["x"]),
    "format": (["json", "protobuf"], ["xml"]),
    "session_name": (["obslint"], ["a", "bad name!"]),
    "custom_fields": ([{"team": "ml"}], [{"routing_key": "x"}]),
    "headers": ([{"X-Team": "ml"}], [{"subject": "a", "Subject": "b"}, {"References": "x"}]),
}
INTEGRATIONS = {
    "webhook": {"url": "http://127.0.0.1:1/hook"},
    "email": {"to": "oncall@example.com", "from": "am@example.com", "smarthost": "smtp.example.com:25"},
    "pagerduty": {"routing_key": "0123456789abcdef"},
    "slack": {"api_url": "https://hooks.slack.com/services/x", "channel": "#alerts"},
    "opsgenie": {"api_key": "k"},
    "wechat": {"api_secret": "s", "corp_id": "c"},
    "pushover": {"user_key": "u", "token": "t"},
    "victorops": {"api_key": "k", "routing_key": "r"},
    "sns": {"topic_arn": "arn:aws:sns:us-east-1:123456789012:t", "sigv4": {"region": "us-east-1"}},
    "telegram": {"bot_token": "t", "chat_id": 42},
    "webex": {"room_id": "r", "http_config": {"authorization": {"credentials": "c"}}},
    "discord": {"webhook_url": "https://discord.com/api/webhooks/x"},
    "msteams": {"webhook_url": "https://example.webhook.office.com/x"},
    "msteamsv2": {"webhook_url": "https://example.webhook.office.com/x"},
    "jira": {"api_url": "https://example.atlassian.net", "project": "OPS", "issue_type": "Bug"},
    "rocketchat": {"token_id": "i", "token": "t"},
    "incidentio": {"url": "https://api.incident.io/v2/alert_events/http/x", "alert_source_token": "t"},
    "mattermost": {"webhook_url": "https://mattermost.example.com/hooks/x"},
}
TYPOS = ["api_ulr", "send_resovled", "http_confg", "urll"]  # no version has them: always refused


def _value(draw, name: str, kind: str, depth: int, odds: int):
    if name in CHOICES:
        return pick(draw, *CHOICES[name], odds=odds)
    base = kind.removeprefix("*")
    if base.startswith("[") and base[1:-1].removeprefix("*") in schema.STRUCTS:
        inner = base[1:-1].removeprefix("*")
        if rare(draw, odds - 1):
            return draw(st.sampled_from(["x", {"a": 1}, [None]]))
        return [draw(_struct(inner, depth + 1, odds=odds)) for _ in range(draw(st.integers(0, 2)))]
    if base.startswith("{") and base[1:-1] in schema.STRUCTS:
        return {pick(draw, ["X-Custom", "x-team"], ["Authorization", "user-agent"], odds):
                draw(_struct(base[1:-1], depth + 1, odds=odds))}
    if base in schema.STRUCTS:
        if rare(draw, odds - 1):
            return draw(st.sampled_from([None, "x", [1]]))
        return draw(_struct(base, depth + 1, odds=odds))
    if base.startswith("{"):
        return pick(draw, [{"k": "v"}, {}], ["x", {"k": {"a": 1}}, {"k": ["a"]}], odds)
    if base.startswith("["):
        return pick(draw, [["x"], []], ["x", [{"a": 1}]], odds)
    return pick(draw, *VALUES.get(base, VALUES["str"]), odds=odds)


# bases for structs that need a field to be valid
STRUCT_BASES = {"SlackAction": {"type": "button", "text": "t", "url": "https://x.example.com"},
                "SlackConfirmationField": {"text": "t"}, "SlackField": {"title": "t", "value": "v"},
                "MattermostField": {"title": "t", "value": "v"},
                "OpsGenieConfigResponder": {"name": "n", "type": "team"},
                "TracingConfig": {"endpoint": "otel.example.com:4317"}}


@st.composite
def _struct(draw, struct: str, depth: int = 0, base: dict | None = None, odds: int = 8):
    """A mapping for one of obslint's schema structs, fields of every version (the oracle decides): a
    base's fields, now and then one dropped, and up to a few more fields."""
    fields = schema.STRUCTS[struct]
    out = dict(STRUCT_BASES.get(struct, {}) if base is None else base)
    if out and rare(draw, odds - 1):
        del out[draw(st.sampled_from(sorted(out)))]
    names = sorted(k for k in fields if k != "*")
    for name in draw(st.lists(st.sampled_from(names), max_size=2 if depth < 2 else 1, unique=True)) if names else ():
        if name not in out:
            out[name] = _value(draw, name, fields[name], depth, odds)
    if rare(draw, 4 * odds):
        out[draw(st.sampled_from(TYPOS))] = "x"
    return out


HTTP_GOOD = [
    {}, {"basic_auth": {"username": "u", "password_file": "/p"}}, {"authorization": {"credentials_file": "/t"}},
    {"bearer_token": "t"}, {"tls_config": {"insecure_skip_verify": True, "min_version": "TLS12"}},
    {"tls_config": {"cert_file": "/c", "key_file": "/k", "server_name": "s"}},
    {"proxy_url": "http://proxy.example.com:3128"}, {"follow_redirects": False, "enable_http2": False},
    {"oauth2": {"client_id": "i", "client_secret": "s", "token_url": "https://auth.example.com/token",
                "scopes": ["a"], "endpoint_params": {"a": "b"}}},
]
HTTP_BAD = [
    {"basic_auth": {"username": "u", "password": "p", "password_file": "/p"}},
    {"authorization": {"type": "Basic", "credentials": "c"}}, {"bearer_token": "t", "bearer_token_file": "/t"},
    {"basic_auth": {"username": "u"}, "bearer_token": "t"}, {"basic_auth": {"username": "u"}, "authorization": {}},
    {"oauth2": {"client_id": "i", "token_url": "https://auth.example.com/token"}},
    {"oauth2": {"client_secret": "s", "token_url": "https://auth.example.com/token"}},
    {"oauth2": {"client_id": "i", "client_secret_file": "/s", "token_url": "https://a.example.com/t",
                "proxy_from_environment": True}},
    {"basic_auth": {"username": "u", "username_file": "/u"}}, {"basic_auth": {"password_ref": "p"}},
    {"tls_config": {"cert_file": "/c"}}, {"tls_config": {"ca": "x", "ca_file": "/ca"}},
    {"tls_config": {"min_version": "TLS14"}}, {"proxy_from_environment": True},
    {"proxy_from_environment": True, "proxy_url": "http://p:1"}, {"no_proxy": "localhost"},
    {"proxy_url": "http://p:1", "no_proxy": "localhost", "proxy_connect_header": {"X-A": ["b"]}},
    {"proxy_connect_header": {"X-A": ["b"]}}, {"http_headers": {"X-Team": {"values": ["ml"]}}},
    {"http_headers": {"authorization": {"values": ["x"]}}},
    {"http_headers": {"X-Team": {"values": ["ml"], "bogus": 1}}},
    {"proxy_url": "::bad"}, {"tls_confg": {}},
]


@st.composite
def http_config(draw, odds: int = 8):
    out = dict(pick(draw, HTTP_GOOD, HTTP_BAD, odds=max(2, odds // 2)))
    if rare(draw, 3):
        out = draw(_struct("HTTPClientConfig", 1, out, odds=odds))
    return out


@st.composite
def integration(draw, odds: int = 8):
    key = draw(st.sampled_from(sorted(INTEGRATIONS)))
    if rare(draw, 6 * odds):
        return key, None  # a null entry
    out = dict(INTEGRATIONS[key])
    if draw(st.booleans()):
        out = draw(_struct(schema.integration_struct(f"{key}_configs"), 1, out, odds=odds))
    if rare(draw, 3):
        out["http_config"] = draw(http_config(odds))
    return key, out


@st.composite
def receiver(draw, name: str, odds: int = 8):
    out: dict = {"name": name}
    for key, config in (draw(integration(odds)) for _ in range(draw(st.integers(0, 2)))):
        out.setdefault(f"{key}_configs", []).append(config)
    if rare(draw, 2 * odds):
        out["labels"] = pick(draw, [{"team": "ml"}, {"name": name}], [{"name": "other"}], odds=2)
    return out


GLOBAL_GOOD = {
    "smtp_smarthost": ["smtp.example.com:25"], "smtp_from": ["am@example.com"], "resolve_timeout": ["5m"],
    "slack_api_url": ["https://hooks.slack.com/x"], "opsgenie_api_key": ["k"], "victorops_api_key": ["k"],
    "wechat_api_secret": ["s"], "wechat_api_corp_id": ["c"], "telegram_api_url": ["https://t.example.com"],
    "smtp_auth_password_file": ["/p"], "smtp_require_tls": [False], "pagerduty_url": ["https://p.example.com/v2"],
    "opsgenie_api_url": ["https://o.example.com/"],
}
GLOBAL_BAD = {  # refused somewhere: a field of a newer version, two that exclude each other, a null default
    "slack_api_url_file": ["/s"], "slack_app_token": ["xoxb-1"], "slack_app_token_file": ["/t"],
    "slack_app_url": ["https://slack.com/api/chat.postMessage", "https://x.example.com/", None],
    "opsgenie_api_key_file": ["/k"], "victorops_api_key_file": ["/k"], "victorops_api_url": [None],
    "wechat_api_secret_file": ["/s"], "wechat_api_url": [None], "telegram_bot_token": ["t"],
    "telegram_bot_token_file": ["/t"], "rocketchat_token": ["t"], "rocketchat_token_file": ["/t"],
    "rocketchat_token_id": ["i"], "rocketchat_token_id_file": ["/i"], "mattermost_webhook_url": ["https://m.example.com/h"],
    "mattermost_webhook_url_file": ["/m"], "jira_api_url": ["https://j.example.com"], "pagerduty_url": [None],
    "webex_api_url": [None], "smtp_auth_password": ["p"], "smtp_auth_secret": ["s"], "smtp_auth_secret_file": ["/s"],
    "smtp_force_implicit_tls": [True], "smtp_tls_config": [{"insecure_skip_verify": True}, {"cert_file": "/c"}],
    "resolve_timeout": ["5x"], "http_config": [None], "smtp_smarthost": ["smtp.example.com"], "smtp_smarthot": ["x:25"],
}


@st.composite
def global_section(draw, odds: int = 8):
    out = {}
    for _ in range(draw(st.integers(0, 3))):
        table = GLOBAL_BAD if rare(draw, max(1, odds // 3)) else GLOBAL_GOOD
        name = draw(st.sampled_from(sorted(table)))
        out[name] = draw(st.sampled_from(table[name]))
    if rare(draw, 4):
        out["http_config"] = draw(http_config(odds))
    return out


MATCHER_NAMES = (["a", "team", "severity"], ["service.name", "k8s-ns", "é", "8a"])
MATCHER_VALUES = (["x", "y", "xy", "", "a b", "x,y", "é"], ['q"', "\\d", "5{3"])
MATCHER_REGEXES = (["x|y", ".*", ".+", "[0-9]{3}", "é|x", "(?i)X"], ["\\d+", "\\w+", "(", "a{1001}"])


def quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@st.composite
def matcher_entry(draw, odds: int = 8) -> str:
    """One `matchers:` entry in the spellings users write; the odd one only one of the parsers reads
    (a UTF-8 or quoted name, an unquoted value with a backslash or a brace, `a=` with no value)."""
    parts = []
    for _ in range(draw(st.integers(1, 2))):
        name = pick(draw, *MATCHER_NAMES, odds=odds)
        if rare(draw, odds):
            name = quoted(name)
        op = draw(st.sampled_from(["=", "!=", "=~", "!~"]))
        value = pick(draw, *(MATCHER_REGEXES if "~" in op else MATCHER_VALUES), odds=odds)
        style = pick(draw, ["quoted", "spaced", "plain"], ["bare"], odds=odds)
        if style == "plain" and value and all(c not in value for c in ',"{}\\ '):
            parts.append(f"{name}{op}{value}")
        elif style == "bare":
            parts.append(f"{name}{op}{value}")
        elif style == "spaced":
            parts.append(f"{name} {op} {quoted(value)}")
        else:
            parts.append(f"{name}{op}{quoted(value)}")
    text = ",".join(parts)
    return "{" + text + "}" if rare(draw, 3) else text


GROUP_BYS = ([None, [], ["..."], ["alertname"], ["alertname", "team"]],
             [["service.name"], ["...", "a"], ["a", "a"], [""], "alertname"])


@st.composite
def route(draw, receivers: list[str], intervals: list[str], depth: int, odds: int = 8):
    out: dict = {}
    if not rare(draw, 3):
        out["receiver"] = pick(draw, receivers, ["nobody"], odds=3 * odds)
    kind = draw(st.sampled_from(["matchers", "matchers", "match", "match_re", "none"]))
    if kind == "matchers":
        out["matchers"] = draw(st.lists(matcher_entry(odds), min_size=1, max_size=2))
    elif kind == "match":
        out["match"] = {pick(draw, *MATCHER_NAMES, odds=odds): pick(draw, *MATCHER_VALUES, odds=odds)}
    elif kind == "match_re":
        out["match_re"] = {pick(draw, *MATCHER_NAMES, odds=odds): pick(draw, *MATCHER_REGEXES, odds=odds)}
    if rare(draw, 3):
        out["continue"] = pick(draw, [True, Raw("yes")], ["maybe"], odds=odds)
    if rare(draw, 3):
        out["group_by"] = pick(draw, *GROUP_BYS, odds=odds)
    for timer in ("group_wait", "group_interval", "repeat_interval"):
        if rare(draw, 6):
            out[timer] = pick(draw, *VALUES["duration"], odds=odds)
    if intervals and rare(draw, 4):
        key = draw(st.sampled_from(["mute_time_intervals", "active_time_intervals"]))
        out[key] = [pick(draw, intervals, ["undefined"], odds=odds)]
    if rare(draw, 3 * odds):
        out["labels"] = draw(st.sampled_from([{"tier": "1"}, {"service.name": "x"}, {"": "x"}, {"t": "{{ .X }}"}]))
    if depth < 3 and rare(draw, 2):
        out["routes"] = [draw(route(receivers, intervals, depth + 1, odds)) for _ in range(draw(st.integers(1, 3)))]
        if rare(draw, 8 * odds):
            out["routes"].append(None)
    return out


TIME_SPECS = {
    "times": ([[{"start_time": "09:00", "end_time": "17:00"}], [{"start_time": "00:00", "end_time": "24:00"}]],
              [[{"start_time": "22:00", "end_time": "06:00"}], [{"start_time": "9:00", "end_time": "17:00"}],
               [{"start_time": "09:00"}]]),
    "weekdays": ([["monday:friday"], ["saturday", "sunday"], ["Monday"]], [["friday:monday"], ["mon"]]),
    "days_of_month": ([["1:5"], ["-3:-1"]], [["-1:3"], ["0"], ["20:5"], ["32"]]),
    "months": ([["january:march"], ["1:12"], ["May"]], [["jan"], ["13"], ["0"], ["december:january"]]),
    "years": ([["2020:2030"]], [["2030:2020"], ["x"]]),
    "location": (["UTC", "Europe/Berlin", "Local"], ["Mars/Base", ""]),
}


@st.composite
def time_interval(draw, name: str, odds: int = 8):
    specs = []
    for _ in range(draw(st.integers(0, 2))):
        keys = draw(st.lists(st.sampled_from(sorted(TIME_SPECS)), max_size=3, unique=True))
        specs.append({k: pick(draw, *TIME_SPECS[k], odds=odds) for k in keys})
    return {"name": name, "time_intervals": specs}


@st.composite
def inhibit_rule(draw, odds: int = 8):
    out: dict = {}
    for side in ("source", "target"):
        kind = draw(st.sampled_from(["matchers", "match", "match_re", "none"]))
        if kind == "matchers":
            out[f"{side}_matchers"] = draw(st.lists(matcher_entry(odds), min_size=1, max_size=2))
        elif kind == "match":
            out[f"{side}_match"] = {pick(draw, *MATCHER_NAMES, odds=odds): pick(draw, *MATCHER_VALUES, odds=odds)}
        elif kind == "match_re":
            out[f"{side}_match_re"] = {pick(draw, *MATCHER_NAMES, odds=odds): pick(draw, *MATCHER_REGEXES, odds=odds)}
    if draw(st.booleans()):
        out["equal"] = [pick(draw, ["alertname", "cluster"], ["service.name", "k8s-ns", ""], odds=odds)
                        for _ in range(draw(st.integers(0, 2)))]
    if rare(draw, 4):
        out["name"] = "rule"
    return out


EVENT_OUTPUTS = {"file": {"name": "f", "path": "/tmp/events"}, "webhook": {"name": "w", "url": "https://e.example.com"},
                 "kafka": {"name": "k", "brokers": ["b:9092"], "topic": "t"}, "stdout": {"name": "s"}}


@st.composite
def alertmanager_config(draw) -> dict:
    """A whole config: global defaults, receivers with integrations, a routing tree, inhibit rules,
    time intervals, now and then tracing or the event recorder."""
    odds = draw(st.sampled_from([6, 12, 24]))  # how rarely a choice is one some version refuses
    names = [f"r{i}" for i in range(draw(st.integers(1, 3)))]
    doc: dict = {}
    if rare(draw, 2):
        doc["global"] = draw(global_section(odds))
    intervals = [f"ti{i}" for i in range(draw(st.integers(0, 2)))]
    if intervals:
        key = pick(draw, ["time_intervals"], ["mute_time_intervals"], odds=3)
        doc[key] = [draw(time_interval(n, odds)) for n in intervals]
    receivers = [draw(receiver(n, odds)) for n in names]
    if rare(draw, 4 * odds):
        receivers.append(draw(st.sampled_from([{"name": "r0"}, {}, None])))
    doc["receivers"] = receivers
    root = draw(route(names, intervals, 1, odds))
    for key in ("matchers", "match", "match_re", "mute_time_intervals", "active_time_intervals", "continue"):
        if not rare(draw, 6 * odds):
            root.pop(key, None)
    if not rare(draw, 4 * odds):
        root["receiver"] = names[0]
    doc["route"] = root
    if rare(draw, 2):
        doc["inhibit_rules"] = [draw(inhibit_rule(odds)) for _ in range(draw(st.integers(1, 2)))]
    if rare(draw, 2 * odds):
        doc["tracing"] = draw(_struct("TracingConfig", 1, odds=odds))
    if rare(draw, 2 * odds):
        kind = draw(st.sampled_from(sorted(EVENT_OUTPUTS)))
        doc["event_recorder"] = {f"{kind}_outputs": [draw(_struct(f"{kind.title()}OutputConfig", 1,
                                                                  EVENT_OUTPUTS[kind], odds=odds))]}
    return doc


# --- every field with every value, one at a time ----------------------------------------------------

MINIMAL = {"route": {"receiver": "r"}, "receivers": [{"name": "r"}]}


def _with(doc: dict, **changes) -> dict:
    out = json.loads(json.dumps(doc))
    out.update(changes)
    return out


def _receiver_with(key: str, config) -> dict:
    return _with(MINIMAL, receivers=[{"name": "r", f"{key}_configs": [config]}])


def _values_of(name: str, kind: str) -> list:
    if name in CHOICES:
        return CHOICES[name][0] + CHOICES[name][1]
    base = kind.removeprefix("*")
    if base.startswith("[") and base[1:-1].removeprefix("*") in schema.STRUCTS:
        inner = base[1:-1].removeprefix("*")
        return [[STRUCT_BASES.get(inner, {})], [{}], [None], "x"]
    if base.startswith("{") and base[1:-1] in schema.STRUCTS:
        return [{"X-Team": {"values": ["a"]}}, {"Host": {}}, {"X-A": {"bogus": 1}}]
    if base in schema.STRUCTS:
        return [STRUCT_BASES.get(base, {}), {}, None, "x"]
    if base.startswith("{"):
        return [{"k": "v"}, {}, "x", {"k": {"a": 1}}]
    if base.startswith("["):
        return [["x"], [], "x"]
    good, bad = VALUES.get(base, VALUES["str"])
    return good + bad


def single_changes() -> list[tuple[str, dict]]:
    """(what, config): a minimal valid config with one change, for every field of every struct the
    configs can hold (fields of every version) with every value of its type, every http_config of the
    pools, every global setting, time-interval field, group_by, equal list, and null entries."""
    cases: list[tuple[str, dict]] = [("minimal", MINIMAL)]
    for key, base in sorted(INTEGRATIONS.items()):
        struct = schema.integration_struct(f"{key}_configs")
        cases.append((f"{key} base", _receiver_with(key, base)))
        cases.append((f"{key} null", _receiver_with(key, None)))
        cases.append((f"{key} typo", _receiver_with(key, {**base, "api_ulr": "x"})))
        for field in sorted(base):
            cases.append((f"{key} without {field}", _receiver_with(key, {k: v for k, v in base.items() if k != field})))
        for field, kind in sorted(schema.STRUCTS[struct].items()):
            for value in _values_of(field, kind):
                cases.append((f"{key}.{field}={dump(value)}", _receiver_with(key, {**base, field: value})))
    for http in HTTP_GOOD + HTTP_BAD:
        cases.append((f"webhook http_config {dump(http)}", _receiver_with("webhook", {**INTEGRATIONS["webhook"],
                                                                                      "http_config": http})))
        cases.append((f"global http_config {dump(http)}", _with(MINIMAL, **{"global": {"http_config": http}})))
    for struct in ("BasicAuth", "Authorization", "OAuth2", "TLSConfig"):
        holder = {"BasicAuth": "basic_auth", "Authorization": "authorization", "OAuth2": "oauth2",
                  "TLSConfig": "tls_config"}[struct]
        base = {"client_id": "i", "client_secret": "s", "token_url": "https://a.example.com/t"} \
            if struct == "OAuth2" else {}
        for field, kind in sorted(schema.STRUCTS[struct].items()):
            for value in _values_of(field, kind)[:4]:
                http = {holder: {**base, field: value}}
                cases.append((f"http_config.{holder}.{field}={dump(value)}",
                              _receiver_with("webhook", {**INTEGRATIONS["webhook"], "http_config": http})))
    for field, kind in sorted(schema.STRUCTS["HTTPClientConfig"].items()):
        for value in _values_of(field, kind):
            cases.append((f"http_config.{field}={dump(value)}",
                          _receiver_with("webhook", {**INTEGRATIONS["webhook"], "http_config": {field: value}})))
    for table in (GLOBAL_GOOD, GLOBAL_BAD):
        for name, values in sorted(table.items()):
            for value in values:
                cases.append((f"global.{name}={dump(value)}", _with(MINIMAL, **{"global": {name: value}})))
    # global defaults the integrations take
    for key, needs in (("slack", {"channel": "#a"}), ("opsgenie", {}), ("victorops", {"routing_key": "r"}),
                       ("wechat", {}), ("telegram", {"chat_id": 1}), ("rocketchat", {}), ("mattermost", {}),
                       ("email", {"to": "a@example.com"}), ("pagerduty", {"routing_key": "k"}),
                       ("webex", {"room_id": "r", "http_config": {"bearer_token": "t"}}), ("jira", {
                           "project": "P", "issue_type": "Bug"})):
        for table in (GLOBAL_GOOD, GLOBAL_BAD):
            for name, values in sorted(table.items()):
                for value in values:
                    doc = _receiver_with(key, needs)
                    doc["global"] = {name: value}
                    cases.append((f"{key} with global.{name}={dump(value)}", doc))
    for name, (good, bad) in sorted(TIME_SPECS.items()):
        for value in good + bad:
            doc = _with(MINIMAL, time_intervals=[{"name": "t", "time_intervals": [{name: value}]}])
            doc["route"] = {"receiver": "r", "routes": [{"receiver": "r", "mute_time_intervals": ["t"]}]}
            cases.append((f"time_intervals.{name}={dump(value)}", doc))
    for group_by in GROUP_BYS[0] + GROUP_BYS[1]:
        cases.append((f"group_by={dump(group_by)}", _with(MINIMAL, route={"receiver": "r", "routes": [
            {"receiver": "r", "group_by": group_by}]})))
    for equal in (["alertname"], ["service.name"], ["k8s-ns"], [""], "alertname"):
        rule = {"source_matchers": ["a=1"], "target_matchers": ["a=2"], "equal": equal}
        cases.append((f"equal={dump(equal)}", _with(MINIMAL, inhibit_rules=[rule])))
    for labels in ({"tier": "1"}, {"service.name": "x"}, {"": "x"}, {"k8s-ns": "x"}, {"t": "{{ .X }}"}):
        cases.append((f"route labels={dump(labels)}", _with(MINIMAL, route={"receiver": "r", "routes": [
            {"receiver": "r", "labels": labels}]})))
    for labels in ({"team": "ml"}, {"name": "r"}, {"name": "x"}):
        cases.append((f"receiver labels={dump(labels)}", _with(MINIMAL, receivers=[{"name": "r", "labels": labels}])))
    for struct, base in (("TracingConfig", {"endpoint": "otel.example.com:4317"}),
                         *((f"{k.title()}OutputConfig", v) for k, v in sorted(EVENT_OUTPUTS.items()))):
        holder = "tracing" if struct == "TracingConfig" else "event_recorder"
        for field, kind in sorted(schema.STRUCTS[struct].items()):
            for value in _values_of(field, kind):
                value_doc = {**base, field: value}
                if holder == "tracing":
                    cases.append((f"tracing.{field}={dump(value)}", _with(MINIMAL, tracing=value_doc)))
                else:
                    output = struct.removesuffix("OutputConfig").lower()
                    cases.append((f"event_recorder.{output}.{field}={dump(value)}", _with(
                        MINIMAL, event_recorder={f"{output}_outputs": [value_doc]})))
    for what, doc in (("receivers: [null]", _with(MINIMAL, receivers=[{"name": "r"}, None])),
                      ("routes: [null]", _with(MINIMAL, route={"receiver": "r", "routes": [None]})),
                      ("inhibit_rules: [null]", _with(MINIMAL, inhibit_rules=[None])),
                      ("time_intervals: [null]", _with(MINIMAL, time_intervals=[None])),
                      ("tracing: {}", _with(MINIMAL, tracing={})),
                      ("event_recorder: {}", _with(MINIMAL, event_recorder={}))):
        cases.append((what, doc))
    return cases


MATCHER_SPELLINGS = [
    'a="1"', "a=1", "a = 1", 'a=~"x|y"', "a=~x|y", "{a=1}", "{a=1", "a=1}", "a=1,", "a=1,,b=2", 'a="1",b!~"2"',
    '"service.name"="x"', "service.name=x", 'é="x"', "a=", 'a=""', 'a="\\d"', "a=~\\d+", 'a=~"\\\\d+"', 'a="\\x41"',
    "code=~[0-9]{3}", 'a="x"y"', "8a=1", "a:b=1", "a!1", "", "{}", 'a="q\\"x"', "a=x y", 'a!~"(?i)db"', "a=~(",
]


def matcher_changes() -> list[tuple[str, dict]]:
    """Every matcher spelling in a route's `matchers` and an inhibit rule's: what the classic, fallback
    and UTF-8 parsers read (or refuse) differently."""
    cases = []
    for text in MATCHER_SPELLINGS:
        cases.append((f"route matchers [{text}]", _with(MINIMAL, route={"receiver": "r", "routes": [
            {"receiver": "r", "matchers": [text]}]})))
        cases.append((f"source_matchers [{text}]", _with(MINIMAL, inhibit_rules=[{"source_matchers": [text]}])))
    return cases


# --- the real Alertmanager server ------------------------------------------------------------------

def start(binary: Path, config: Path, tmp: Path):
    """An Alertmanager server on 127.0.0.1 with `config` and its storage in `tmp`, ready: (process,
    base URL). The caller stops it (helpers.stop)."""
    import subprocess

    from am_servers import wait_ready
    from helpers import free_port, stop

    port = free_port()
    proc = subprocess.Popen([str(binary), f"--config.file={config}", f"--web.listen-address=127.0.0.1:{port}",
                             f"--storage.path={tmp / 'data'}", "--cluster.listen-address="],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
    except AssertionError:
        stop(proc)
        raise
    return proc, base


def served(base: str, with_route_labels: bool):
    """The server's aggregation groups as a Counter of (receiver, group labels, route labels, alerts)."""
    import urllib.request
    from collections import Counter

    with urllib.request.urlopen(base + "/api/v2/alerts/groups", timeout=5) as response:
        groups = json.load(response)
    return Counter((g["receiver"]["name"], tuple(sorted(g["labels"].items())),
                    tuple(sorted(g.get("routeLabels", {}).items())) if with_route_labels else (),
                    tuple(sorted(tuple(sorted(a["labels"].items())) for a in g["alerts"]))) for g in groups)
