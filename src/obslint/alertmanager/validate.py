"""What Alertmanager's config loader refuses, field by field, for the target version: strict decoding
into the Go types (unknown keys, wrong YAML types, durations, URLs, host:port, TLS versions), each
struct's own UnmarshalYAML checks (integrations, `http_config` with its `basic_auth`, `authorization`,
`oauth2`, `tls_config`, proxy settings and headers, SigV4, tracing, the event recorder), and the
checks of Config.UnmarshalYAML that merge the global defaults into each integration.

Routes, matchers, inhibit rules, receivers' names and time intervals are checked where the routing
model is built (obslint.checks.amtool); this module walks them only for their keys and types.

Every check restates upstream's condition for the version that has it (config/, notify/*/config.go,
prometheus/common's config/, sigv4); no code is copied. `Validator.problems` lists what it found:
(kind, node, message), the kind naming the family of the check that reports it.
"""

from __future__ import annotations

from dataclasses import dataclass

from obslint.alertmanager import schema
from obslint.alertmanager.golang import (
    GoError,
    canonical_header_key,
    parse_go_duration,
    parse_http_url,
    split_host_port,
    url_parse,
    yaml_number,
)
from obslint.durations import parse_duration
from obslint.yamlload import MapNode, Node, ScalarNode, SeqNode

# kinds of problems (obslint.checks.amtool maps each to its check)
UNKNOWN, TYPE, DURATION, INTEGRATION, CLIENT, RECEIVER, LABEL, CRASH = (
    "unknown-field", "type", "duration", "integration", "client", "receiver", "label", "crash")

TLS_VERSIONS = ("TLS10", "TLS11", "TLS12", "TLS13")
SECRET_TOKEN = "<secret>"
SLACK_POST_MESSAGE = "https://slack.com/api/chat.postMessage"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
RESERVED_HEADERS = frozenset((
    "Authorization", "Host", "Content-Encoding", "Content-Length", "Content-Type", "User-Agent", "Connection",
    "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Www-Authenticate", "Accept-Encoding",
    "X-Prometheus-Remote-Write-Version", "X-Prometheus-Remote-Read-Version", "X-Prometheus-Scrape-Timeout-Seconds",
    "X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256"))
VICTOROPS_RESERVED = ("routing_key", "message_type", "state_message", "entity_display_name", "monitoring_tool",
                      "entity_id", "entity_state")
OPSGENIE_TYPES = ("team", "teams", "user", "escalation", "schedule")
# Alertmanager releases before 0.32 dereference a null entry of an integration list and crash; 0.32
# refuses most with "missing X config" and reads slack, opsgenie, wechat and rocketchat ones as empty.
NULL_ENTRY_REFUSED_SINCE = (0, 32)
NULL_ENTRY_EMPTY = ("slack_configs", "opsgenie_configs", "wechat_configs", "rocketchat_configs")


@dataclass
class Problem:
    kind: str
    node: Node
    message: str


# --- reading decoded values (Go's zero value for what is absent, null or of the wrong type) --------

def _text(node: MapNode | None, key: str) -> str:
    value = node.get(key) if isinstance(node, MapNode) else None
    return value.as_str() if isinstance(value, ScalarNode) else ""


def _set(node: MapNode | None, key: str) -> bool:
    """A pointer field (a struct, a URL, *Secret) is non-nil: the key is there and not null."""
    value = node.get(key) if isinstance(node, MapNode) else None
    return value is not None and not (isinstance(value, ScalarNode) and value.is_null)


def _true(node: MapNode | None, key: str) -> bool:
    value = node.get(key) if isinstance(node, MapNode) else None
    return isinstance(value, ScalarNode) and value.as_bool() is True


def _map(node: MapNode | None, key: str) -> MapNode | None:
    value = node.get(key) if isinstance(node, MapNode) else None
    return value if isinstance(value, MapNode) else None


def _count(*flags: bool) -> int:
    return sum(1 for f in flags if f)


def go_trim_space(text: str) -> str:
    return text.strip(" \t\n\v\f\r\x85\xa0")


def contains_template_error(text: str, version: tuple[int, int]) -> str | None:
    """Alertmanager's containsTemplating: a value with `{{` must parse as a Go template (builtin
    functions only); the parse error, or None."""
    if "{{" not in text:
        return None
    from obslint.gotemplate import GO_BUILTINS
    from obslint.gotemplate.parse import TemplateError, parse

    try:
        parse("", text, GO_BUILTINS, (1, 19) if version < (0, 26) else (1, 26))
    except TemplateError as exc:
        return str(exc)
    return None


class Validator:
    """Walks one config document for `version` (matcher `mode` decides what a valid label name is)."""

    def __init__(self, version: tuple[int, int], mode: str):
        self.version = version
        self.mode = mode
        self.problems: list[Problem] = []
        self.status: dict[int, bool] = {}  # id of each struct's node -> whether it decoded cleanly

    def add(self, kind: str, node: Node, message: str) -> None:
        self.problems.append(Problem(kind, node, message))

    def since(self, minor: int) -> bool:
        return self.version >= (0, minor)

    # --- strict decoding --------------------------------------------------------------------------

    def walk(self, node: Node | None, kind: str, what: str) -> bool:
        """Decode `node` as Go type `kind`, reporting what Go refuses; False when anything below failed."""
        if node is None or isinstance(node, ScalarNode) and node.is_null:
            return True  # null: the zero value (nil), and no UnmarshalYAML runs
        kind = kind.removeprefix("*")
        if kind.startswith("["):
            if not isinstance(node, SeqNode):
                return self._type(node, what, "a list")
            ok = True
            for i, item in enumerate(node.items):
                ok = self.walk(item, kind[1:-1], f"{what}[{i}]") and ok
            return ok
        if kind.startswith("{"):
            if not isinstance(node, MapNode):
                return self._type(node, what, "a mapping")
            ok = True
            for key, value in node.items:
                ok = self.walk(value, kind[1:-1], f"{what}.{key.text}") and ok
            return ok
        if kind == "matchers":
            return self.walk(node, "[str]", what)
        if kind == "jirafield":
            return True if isinstance(node, ScalarNode) else self.walk(node, "JiraFieldConfig", what)
        if kind in schema.STRUCTS:
            return self._struct(node, kind, what)
        return self._scalar(node, kind, what)

    def _struct(self, node: Node, struct: str, what: str) -> bool:
        if not isinstance(node, MapNode):
            return self._type(node, what, "a mapping")
        ok = True
        fields = schema.known_fields(struct, self.version)
        for key, value in node.items:
            kind = fields.get("*") or fields.get(key.text)
            if kind is None:
                ok = False
                self._unknown(key, struct, what)
                continue
            ok = self.walk(value, kind, f"{what}.{key.text}") and ok
        check = getattr(self, f"_check_{struct}", None)
        if ok and check is not None:  # Go runs a struct's own checks only when its fields decoded
            before = len(self.problems)
            check(node, what)
            ok = len(self.problems) == before
        self.status[id(node)] = ok
        return ok

    def _unknown(self, key: ScalarNode, struct: str, what: str) -> None:
        hint = ""
        if key.text in schema.STRUCTS.get(struct, {}):
            since = schema.since(struct, key.text)
            if since > self.version:
                hint = (f" (Alertmanager {since[0]}.{since[1]} added it; the target "
                        f"{self.version[0]}.{self.version[1]} does not have it)")
        self.add(UNKNOWN, key, f"field {key.text} not found in {what}{hint}")

    def _type(self, node: Node, what: str, expected: str) -> bool:
        got = {"scalar": "a string", "seq": "a list", "map": "a mapping"}[node.kind]
        if isinstance(node, ScalarNode) and expected != "a string":
            got = f"`{node.text}`"
        self.add(TYPE, node, f"{what} must be {expected}, not {got}")
        return False

    def _scalar(self, node: Node, kind: str, what: str) -> bool:
        if kind == "any":
            return True
        if not isinstance(node, ScalarNode):
            return self._type(node, what, "a boolean" if kind == "bool" else "a number" if kind in (
                "int", "uint", "float") else "a string")
        text = node.text
        plain = node.style is None
        if kind == "bool":
            return node.as_bool() is not None or self._type(node, what, "a boolean")
        if kind in ("int", "uint", "float"):
            number = yaml_number(text) if plain else None
            if number is None or kind == "uint" and number < 0 or kind != "float" and (
                    number != number or abs(number) == float("inf")):
                return self._type(node, what, "a non-negative integer" if kind == "uint" else
                                  "an integer" if kind == "int" else "a number")
            return True
        problem = None
        if kind == "duration":
            if parse_duration(text) is None:
                problem = (DURATION, "empty duration string" if text == ""
                           else f'not a valid duration string: "{text}"')
        elif kind == "goduration":
            number = yaml_number(text) if plain else None
            if number is None:
                try:
                    parse_go_duration(text)
                except GoError:
                    return self._type(node, what, "a duration such as 1m30s")
        elif kind == "textduration":
            try:
                parse_go_duration(text)
            except GoError as exc:
                problem = (DURATION, str(exc))
        elif kind in ("url", "secreturl", "templateurl"):
            problem = self._url(text, kind)
        elif kind == "commonurl":
            try:
                url_parse(text)
            except GoError as exc:
                problem = (CLIENT, str(exc))
        elif kind == "hostport":
            if text:
                try:
                    _, port = split_host_port(text)
                    if not port:
                        problem = (INTEGRATION, f'address "{text}": port cannot be empty')
                except GoError as exc:
                    problem = (INTEGRATION, str(exc))
        elif kind == "tlsversion":
            if text not in TLS_VERSIONS:
                problem = (CLIENT, f"unknown TLS version: {text}")
        if problem is not None:
            self.add(problem[0], node, f"{what}: {problem[1]}")
            return False
        return True

    def _url(self, text: str, kind: str) -> tuple[str, str] | None:
        if kind != "url" and text == SECRET_TOKEN:
            return None
        if kind == "templateurl":
            if text == "":
                return None
            error = contains_template_error(text, self.version)
            if error is not None:
                return INTEGRATION, f"invalid template syntax: {error}"
            if "{{" in text:
                return None
        try:
            parse_http_url(text)
        except GoError as exc:
            return INTEGRATION, (f"invalid URL: {exc}" if kind == "templateurl" else str(exc))
        return None

    # --- prometheus/common: HTTP clients ----------------------------------------------------------

    def _check_HTTPClientConfig(self, n: MapNode, what: str) -> None:
        v = self.version
        basic, oauth2, authorization = _set(n, "basic_auth"), _set(n, "oauth2"), _set(n, "authorization")
        token, token_file = _text(n, "bearer_token"), _text(n, "bearer_token_file")

        def fail(message: str) -> None:
            self.add(CLIENT, n, f"{what}: {message}")

        if token and token_file:
            fail("at most one of bearer_token & bearer_token_file must be configured")
        if (basic or oauth2) and (token or token_file):
            fail("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured")
        ba = _map(n, "basic_auth")
        if ba is not None:
            if v >= (0, 28):
                if _count(_text(ba, "username"), _text(ba, "username_file"), _text(ba, "username_ref")) > 1:
                    fail("at most one of basic_auth username, username_file & username_ref must be configured")
                if _count(_text(ba, "password"), _text(ba, "password_file"), _text(ba, "password_ref")) > 1:
                    fail("at most one of basic_auth password, password_file & password_ref must be configured")
            else:
                if v >= (0, 27) and _text(ba, "username") and _text(ba, "username_file"):
                    fail("at most one of basic_auth username & username_file must be configured")
                if _text(ba, "password") and _text(ba, "password_file"):
                    fail("at most one of basic_auth password & password_file must be configured")
        if authorization:
            au = _map(n, "authorization")
            if token or token_file:
                fail("authorization is not compatible with bearer_token & bearer_token_file")
            if _count(_text(au, "credentials"), _text(au, "credentials_file"),
                      _text(au, "credentials_ref") if v >= (0, 28) else "") > 1:
                fail("at most one of authorization credentials & credentials_file must be configured")
            if (go_trim_space(_text(au, "type")) or "Bearer").lower() == "basic":
                fail('authorization type cannot be set to "basic", use "basic_auth" instead')
            if basic or oauth2:
                fail("at most one of basic_auth, oauth2 & authorization must be configured")
        if oauth2:
            o = _map(n, "oauth2")
            if basic:
                fail("at most one of basic_auth, oauth2 & authorization must be configured")
            if not _text(o, "client_id"):
                fail("oauth2 client_id must be configured")
            secrets = (_text(o, "client_secret"), _text(o, "client_secret_file"))
            if v < (0, 28) and not any(secrets):
                fail("either oauth2 client_secret or client_secret_file must be configured")
            if not _text(o, "token_url"):
                fail("oauth2 token_url must be configured")
            if v < (0, 28):
                if all(secrets):
                    fail("at most one of oauth2 client_secret & client_secret_file must be configured")
            elif v >= (0, 30) and _text(o, "grant_type") == JWT_BEARER:
                if _count(_text(o, "client_certificate_key"), _text(o, "client_certificate_key_file"),
                          _text(o, "client_certificate_key_ref")) > 1:
                    fail("at most one of oauth2 client_certificate_key, client_certificate_key_file & "
                         "client_certificate_key_ref must be configured")
                if _text(o, "signature_algorithm") not in ("", "RS256", "RS384", "RS512"):
                    fail("valid signature algorithms are RS256, RS384 and RS512")
            elif _count(*secrets, _text(o, "client_secret_ref")) > 1:
                fail("at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be "
                     "configured")
        if v >= (0, 26):
            self._proxy(n, what)
        elif _map(n, "proxy_connect_header") is not None and _map(n, "proxy_connect_header").items \
                and not _text(n, "proxy_url"):
            fail("if proxy_connect_header is configured proxy_url must also be configured")
        headers = _map(n, "http_headers")
        if headers is not None:
            for key, _ in headers.items:
                name = canonical_header_key(key.text)
                if name in RESERVED_HEADERS:
                    self.add(CLIENT, key, f'{what}.http_headers: setting header "{name}" is not allowed')

    def _proxy(self, n: MapNode, what: str) -> None:
        """ProxyConfig.Validate (prometheus/common 0.44, Alertmanager 0.26)."""
        url_set, url = _set(n, "proxy_url"), _text(n, "proxy_url")
        from_env, no_proxy = _true(n, "proxy_from_environment"), _text(n, "no_proxy")
        headers = _map(n, "proxy_connect_header")
        message = None
        if headers is not None and headers.items and not from_env and not url:
            message = "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be " \
                      "configured"
        elif from_env and url:
            message = "if proxy_from_environment is configured, proxy_url must not be configured"
        elif from_env and no_proxy:
            message = "if proxy_from_environment is configured, no_proxy must not be configured"
        elif not url_set and no_proxy:
            message = "if no_proxy is configured, proxy_url must also be configured"
        if message:
            self.add(CLIENT, n, f"{what}: {message}")

    def _check_OAuth2(self, n: MapNode, what: str) -> None:
        if self.since(26):
            self._proxy(n, what)

    def _check_TLSConfig(self, n: MapNode, what: str) -> None:
        if not self.since(26):
            return
        refs = self.since(28)

        def fail(message: str) -> None:
            self.add(CLIENT, n, f"{what}: {message}")

        for name in ("ca", "cert", "key"):
            if _count(_text(n, name), _text(n, f"{name}_file"), refs and _text(n, f"{name}_ref")) > 1:
                fail(f"at most one of {name}, {name}_file{' & ' + name + '_ref' if refs else ''} must be configured")
        cert = any(_text(n, k) for k in ("cert", "cert_file", "cert_ref"))
        key = any(_text(n, k) for k in ("key", "key_file", "key_ref"))
        if cert and not key:
            fail("exactly one of key or key_file must be configured when a client certificate is configured")
        elif key and not cert:
            fail("exactly one of cert or cert_file must be configured when a client key is configured")

    def _check_SigV4Config(self, n: MapNode, what: str) -> None:
        def fail(message: str) -> None:
            self.add(CLIENT, n, f"{what}: {message}")

        if bool(_text(n, "access_key")) != bool(_text(n, "secret_key")):
            fail("must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 "
                 "config")
        role = _text(n, "role_arn")
        if self.since(31) and _text(n, "external_id") and not role:
            fail("external_id can only be used with role_arn")
        if self.since(35):
            import re

            session = _text(n, "session_name")
            if session and not role:
                fail("session_name can only be used with role_arn")
            if session and not re.fullmatch(r"[A-Za-z0-9_+=,.@-]{2,64}", session):
                fail("session_name must match ^[\\w+=,.@-]{2,64}$")
            tags = _map(n, "tags")
            if tags is not None and tags.items:
                if not role:
                    fail("tags can only be used with role_arn")
                for key, value in tags.items:
                    if not key.text:
                        fail("tag key must not be empty")
                    elif len(key.text.encode()) > 128:
                        fail(f'tag key "{key.text}" exceeds maximum length of 128')
                    if isinstance(value, ScalarNode) and len(value.as_str().encode()) > 256:
                        fail(f'tag value for key "{key.text}" exceeds maximum length of 256')

    # --- integrations: each struct's own UnmarshalYAML --------------------------------------------

    def _integration_problem(self, n: MapNode, what: str, message: str) -> None:
        self.add(INTEGRATION, n, f"{what}: {message}")

    def _one_of(self, n: MapNode, what: str, a: str, b: str, required: bool = True,
                pointer: bool = False) -> None:
        """`a` or its `_file` twin `b`: at most one, and (when required) at least one."""
        has_a = _set(n, a) if pointer else bool(_text(n, a))
        has_b = bool(_text(n, b))
        if required and not has_a and not has_b:
            self._integration_problem(n, what, f"one of {a} or {b} must be configured")
        if has_a and has_b:
            self._integration_problem(n, what, f"at most one of {a} & {b} must be configured")

    def _check_DiscordConfig(self, n: MapNode, what: str) -> None:
        if self.since(27):
            self._one_of(n, what, "webhook_url", "webhook_url_file", pointer=True)

    def _check_EmailConfig(self, n: MapNode, what: str) -> None:
        headers = _map(n, "headers")
        names: set[str] = set()
        for key, _ in headers.items if headers is not None else ():
            name = canonical_header_key(key.text)
            if name in names:
                self.add(INTEGRATION, key, f'{what}: duplicate header "{name}" in email config')
            names.add(name)
        if not _text(n, "to"):
            self._integration_problem(n, what, "missing to address in email config")
        threading = _map(n, "threading")
        if self.since(30) and _true(threading, "enabled"):
            for header in ("References", "In-Reply-To"):
                if header in names:
                    self._integration_problem(n, what, f"conflicting configuration: threading.enabled conflicts "
                                                       f"with custom {header} header")
            if self.since(31) and _text(threading, "thread_by_date") not in ("none", "daily"):
                self._integration_problem(n, what, "threading.thread_by_date must be either 'none' or 'daily'")

    def _check_IncidentioConfig(self, n: MapNode, what: str) -> None:
        self._one_of(n, what, "url", "url_file", pointer=True)
        token = bool(_text(n, "alert_source_token") or _text(n, "alert_source_token_file"))
        if _text(n, "alert_source_token") and _text(n, "alert_source_token_file"):
            self._integration_problem(n, what, "at most one of alert_source_token & alert_source_token_file must "
                                               "be configured")
        if _set(n, "http_config"):
            if _authorized(_map(n, "http_config")):
                if token:
                    self._integration_problem(n, what, "cannot specify alert_source_token or alert_source_token_file "
                                                       "when using http_config.authorization")
            elif not token:
                self._integration_problem(n, what, "at least one of alert_source_token, alert_source_token_file or "
                                                   "http_config.authorization must be configured")

    def _check_PagerdutyConfig(self, n: MapNode, what: str) -> None:
        keys = ("routing_key", "service_key", "routing_key_file", "service_key_file")
        if not any(_text(n, k) for k in keys):
            self._integration_problem(n, what, "missing service or routing key in PagerDuty config")
        for key in ("routing_key", "service_key"):
            if _text(n, key) and _text(n, f"{key}_file"):
                self._integration_problem(n, what, f"at most one of {key} & {key}_file must be configured")

    def _check_SlackConfig(self, n: MapNode, what: str) -> None:
        api_url, api_file = _set(n, "api_url"), bool(_text(n, "api_url_file"))
        if api_url and api_file:
            self._integration_problem(n, what, "at most one of api_url & api_url_file must be configured")
        if self.since(30):
            token, token_file = bool(_text(n, "app_token")), bool(_text(n, "app_token_file"))
            if token and token_file:
                self._integration_problem(n, what, "at most one of app_token & app_token_file must be configured")
            if (api_url or api_file) and (token or token_file):
                self._integration_problem(n, what, "at most one of api_url/api_url_file & app_token/app_token_file "
                                                   "must be configured")
        if (0, 32) <= self.version < (0, 35) and _true(n, "update_message"):
            if not api_url:
                self._integration_problem(n, what, "update_message without api_url makes Alertmanager "
                                                   f"{self._v()} crash")
            elif _text(n, "api_url") != SLACK_POST_MESSAGE:
                self._integration_problem(n, what, "update_message can only be used with bot tokens. api_url must "
                                                   f"be set to {SLACK_POST_MESSAGE}")
        if self.since(35):
            self._slack_bot_token_options(n, what, _text(n, "api_url") if api_url else None, api_file)

    def _slack_bot_token_options(self, n: MapNode, what: str, api_url: str | None, api_file: bool) -> None:
        for option in ("update_message", "post_updates_to_thread"):
            if not _true(n, option):
                continue
            if api_url is None and api_file:
                self._integration_problem(n, what, f"{option} can't be used with api_url_file")
            elif api_url is not None and api_url != SLACK_POST_MESSAGE:
                self._integration_problem(n, what, f"{option} can only be used with bot tokens. api_url must be set "
                                                   f"to {SLACK_POST_MESSAGE}")

    def _check_SlackAction(self, n: MapNode, what: str) -> None:
        if not _text(n, "url") and not _text(n, "name"):
            self._integration_problem(n, what, "missing name or url in Slack action configuration")
        for key in ("type", "text"):
            if not _text(n, key):
                self._integration_problem(n, what, f"missing {key} in Slack action configuration")

    def _check_SlackConfirmationField(self, n: MapNode, what: str) -> None:
        if not _text(n, "text"):
            self._integration_problem(n, what, "missing text in Slack confirmation configuration")

    def _check_SlackField(self, n: MapNode, what: str) -> None:
        for key in ("title", "value"):
            if not _text(n, key):
                self._integration_problem(n, what, f"missing {key} in Slack field configuration")

    def _check_MattermostField(self, n: MapNode, what: str) -> None:
        for key in ("title", "value"):
            if not _text(n, key):
                self._integration_problem(n, what, f"missing {key} in Mattermost field configuration")

    def _check_WebhookConfig(self, n: MapNode, what: str) -> None:
        if not self.since(26):
            if not _set(n, "url"):
                self._integration_problem(n, what, "missing URL in webhook config")
            return
        url = bool(_text(n, "url")) if self.since(31) else _set(n, "url")
        self._one_of_url(n, what, url)
        if self.version == (0, 26) and _text(n, "url") == SECRET_TOKEN:
            self._integration_problem(n, what, "scheme required for webhook url")

    def _one_of_url(self, n: MapNode, what: str, url: bool) -> None:
        file = bool(_text(n, "url_file"))
        if not url and not file:
            self._integration_problem(n, what, "one of url or url_file must be configured")
        if url and file:
            self._integration_problem(n, what, "at most one of url & url_file must be configured")

    def _check_WechatConfig(self, n: MapNode, what: str) -> None:
        if self.since(31) and _text(n, "api_secret") and _text(n, "api_secret_file"):
            self._integration_problem(n, what, "at most one of api_secret & api_secret_file must be configured")
        kind = _text(n, "message_type") or "text"
        if kind not in ("text", "markdown"):
            self._integration_problem(n, what, f'weChat message type "{kind}" does not match valid options '
                                               "^(text|markdown)$")

    def _check_OpsGenieConfig(self, n: MapNode, what: str) -> None:
        if _text(n, "api_key") and _text(n, "api_key_file"):
            self._integration_problem(n, what, "at most one of api_key & api_key_file must be configured")
        responders = n.get("responders")
        for r in responders.items if isinstance(responders, SeqNode) else ():
            r = r if isinstance(r, MapNode) else None
            if not any(_text(r, k) for k in ("id", "username", "name")):
                self._integration_problem(n, what, "opsGenieConfig responder has to have at least one of id, "
                                                   "username or name specified")
            kind = _text(r, "type")
            error = contains_template_error(kind, self.version)
            if error is not None:
                self._integration_problem(n, what, f"opsGenieConfig responder type is not a valid template: {error}")
            elif "{{" not in kind and kind.lower() not in OPSGENIE_TYPES:
                self._integration_problem(n, what, "opsGenieConfig responder type does not match valid options "
                                                   "^(team|teams|user|escalation|schedule)$")

    def _check_PushoverConfig(self, n: MapNode, what: str) -> None:
        if not self.since(26):
            if not _text(n, "user_key"):
                self._integration_problem(n, what, "missing user key in Pushover config")
            if not _text(n, "token"):
                self._integration_problem(n, what, "missing token in Pushover config")
        else:
            self._one_of(n, what, "user_key", "user_key_file")
            self._one_of(n, what, "token", "token_file")
        if self.since(29) and _true(n, "html") and _true(n, "monospace"):
            self._integration_problem(n, what, "at most one of monospace & html must be configured")

    def _check_VictorOpsConfig(self, n: MapNode, what: str) -> None:
        if not _text(n, "routing_key"):
            self._integration_problem(n, what, "missing Routing key in VictorOps config")
        if _text(n, "api_key") and _text(n, "api_key_file"):
            self._integration_problem(n, what, "at most one of api_key & api_key_file must be configured")
        custom = _map(n, "custom_fields")
        for name in VICTOROPS_RESERVED:
            if custom is not None and custom.get(name) is not None:
                self._integration_problem(n, what, f"victorOps config contains custom field {name} which cannot be "
                                                   "used as it conflicts with the fixed/static fields")

    def _check_SNSConfig(self, n: MapNode, what: str) -> None:
        # Go: (target == "") != (topic == "") != (phone == ""): one target, or all three
        empty = [not _text(n, k) for k in ("target_arn", "topic_arn", "phone_number")]
        if (empty[0] != empty[1]) != empty[2]:
            self._integration_problem(n, what, "must provide either a Target ARN, Topic ARN, or Phone Number for "
                                               "SNS config")

    def _check_TelegramConfig(self, n: MapNode, what: str) -> None:
        token, token_file = bool(_text(n, "bot_token")), bool(_text(n, "bot_token_file"))
        if not self.since(26):
            if not token:
                self._integration_problem(n, what, "missing bot_token on telegram_config")
        elif not self.since(31) and not token and not token_file:
            self._integration_problem(n, what, "missing bot_token or bot_token_file on telegram_config")
        if self.since(26) and token and token_file:
            self._integration_problem(n, what, "at most one of bot_token & bot_token_file must be configured")
        chat = _chat_id(n)
        if not self.since(31):
            if not chat:
                self._integration_problem(n, what, "missing chat_id on telegram_config")
        else:
            chat_file = bool(_text(n, "chat_id_file"))
            if not chat and not chat_file:
                self._integration_problem(n, what, "missing chat_id or chat_id_file on telegram_config")
            if chat and chat_file:
                self._integration_problem(n, what, "at most one of chat_id & chat_id_file must be configured")
        if _text(n, "parse_mode") not in ("", "Markdown", "MarkdownV2", "HTML"):
            self._integration_problem(n, what, "unknown parse_mode on telegram_config, must be Markdown, "
                                               "MarkdownV2, HTML or empty string")

    def _check_WebexConfig(self, n: MapNode, what: str) -> None:
        if not _text(n, "room_id"):
            self._integration_problem(n, what, "missing room_id on webex_config")
        if not _authorized(_map(n, "http_config")):
            self._integration_problem(n, what, "missing webex_configs.http_config.authorization")

    def _check_MSTeamsConfig(self, n: MapNode, what: str) -> None:
        if self.since(27):
            self._one_of(n, what, "webhook_url", "webhook_url_file", pointer=True)

    def _check_MSTeamsV2Config(self, n: MapNode, what: str) -> None:
        self._one_of(n, what, "webhook_url", "webhook_url_file", pointer=True)

    def _check_JiraConfig(self, n: MapNode, what: str) -> None:
        for key in ("project", "issue_type"):
            if not _text(n, key):
                self._integration_problem(n, what, f"missing {key} in jira_config")
        if self.since(29) and (_text(n, "api_type") if n.get("api_type") is not None else "auto") not in (
                "auto", "cloud", "datacenter"):
            self._integration_problem(n, what, "unknown api_type on jira_config, must be auto, cloud or datacenter")

    def _check_RocketchatConfig(self, n: MapNode, what: str) -> None:
        for key in ("token", "token_id"):
            if _set(n, key) and _text(n, f"{key}_file"):
                self._integration_problem(n, what, f"at most one of {key} & {key}_file must be configured")

    def _check_MattermostConfig(self, n: MapNode, what: str) -> None:
        self._one_of(n, what, "webhook_url", "webhook_url_file", required=not self.since(32), pointer=True)

    # --- receivers and routes ---------------------------------------------------------------------

    def _check_Receiver(self, n: MapNode, what: str) -> None:
        labels = _map(n, "labels")
        if self.since(33) and labels is not None and labels.get("name") is not None \
                and _text(labels, "name") != _text(n, "name"):
            self.add(RECEIVER, labels.get("name"), f'receiver label "name" must match receiver name '
                                                   f'"{_text(n, "name")}", got "{_text(labels, "name")}"')

    def _check_Route(self, n: MapNode, what: str) -> None:
        labels = _map(n, "labels")
        for key, _ in labels.items if labels is not None else ():
            name = key.text
            if not name:
                self.add(LABEL, key, f'{what}.labels: "{name}" is not a valid label name')
            elif self.mode == "classic" and not _legacy_label(name):
                self.add(LABEL, key, f'invalid label name "{name}" in route labels')

    # --- tracing and the event recorder -----------------------------------------------------------

    def _check_TracingConfig(self, n: MapNode, what: str) -> None:
        if not _text(n, "endpoint"):
            self.add(CLIENT, n, f"{what}: tracing endpoint must be set")
        compression = _text(n, "compression")
        if compression not in ("", "gzip"):
            self.add(CLIENT, n, f"{what}: invalid compression type {compression} provided, valid options: gzip")
        kind = n.get("client_type")
        if isinstance(kind, ScalarNode) and not kind.is_null and kind.as_str() not in ("http", "grpc"):
            self.add(CLIENT, kind, f"{what}: expected tracing client type to be to be http or grpc, but got "
                                   f"{kind.as_str()}")

    def _check_EventRecorderConfig(self, n: MapNode, what: str) -> None:
        if not self.since(35):
            return
        seen: set[tuple[str, str]] = set()
        for kind in ("file", "webhook", "kafka", "stdout"):
            outputs = n.get(f"{kind}_outputs")
            for output in outputs.items if isinstance(outputs, SeqNode) else ():
                name = _text(output if isinstance(output, MapNode) else None, "name")
                if not name:
                    self.add(CLIENT, output, f"{what}: event_recorder {kind} output requires a name")
                elif (kind, name) in seen:
                    self.add(CLIENT, output, f'{what}: event_recorder output name "{name}" is duplicated for type '
                                             f"{kind}")
                seen.add((kind, name))

    def _check_FileOutputConfig(self, n: MapNode, what: str) -> None:
        if not _text(n, "path"):
            self.add(CLIENT, n, f"{what}: event_recorder file output requires a path")

    def _check_WebhookOutputConfig(self, n: MapNode, what: str) -> None:
        url = _text(n, "url")
        if not _set(n, "url"):
            self.add(CLIENT, n, f"{what}: event_recorder webhook output requires a url")
        elif url == SECRET_TOKEN:
            self.add(CLIENT, n, f"{what}: event_recorder webhook output requires an absolute http(s) url")
        if self.since(34):
            batch = {k: yaml_number(_text(n, k)) or 0 for k in ("batch_max_events", "batch_max_bytes")}
            interval = parse_duration(_text(n, "batch_flush_interval")) or 0
            if any(v < 0 for v in batch.values()):
                self.add(CLIENT, n, f"{what}: event_recorder webhook batch settings cannot be negative")
            elif not _true(n, "batch") and (any(batch.values()) or interval):
                self.add(CLIENT, n, f"{what}: event_recorder webhook batch settings require batch: true")

    def _check_KafkaOutputConfig(self, n: MapNode, what: str) -> None:
        brokers = n.get("brokers")
        items = [b for b in brokers.items if isinstance(b, ScalarNode)] if isinstance(brokers, SeqNode) else []
        if not items:
            self.add(CLIENT, n, f"{what}: kafka: at least one broker is required")
        elif any(not b.as_str() for b in items):
            self.add(CLIENT, n, f"{what}: kafka: broker entries must be non-empty")
        if _text(n, "acks") not in ("", "none", "leader", "all"):
            self.add(CLIENT, n, f'{what}: kafka: unknown acks "{_text(n, "acks")}"')
        if _text(n, "compression") not in ("", "none", "gzip", "snappy", "lz4", "zstd"):
            self.add(CLIENT, n, f'{what}: kafka: unknown compression "{_text(n, "compression")}"')
        if not _text(n, "topic"):
            self.add(CLIENT, n, f"{what}: event_recorder kafka output requires a topic")
        if (_text(n, "format") or "json") not in ("json", "protobuf"):
            self.add(CLIENT, n, f'{what}: kafka: unknown format "{_text(n, "format")}"')

    def _v(self) -> str:
        return "%d.%d" % self.version

    # --- Config.UnmarshalYAML: the global defaults merged into each integration -------------------

    def config_checks(self, doc: MapNode, integrations_ok) -> None:
        """The checks Config.UnmarshalYAML makes once every part decoded: global pairs, then each
        receiver's integrations with the global defaults merged in. `integrations_ok(node)` says
        whether an integration decoded cleanly (its requirements are checked only then)."""
        g = _map(doc, "global")
        self._global_pairs(g, doc.get("global"))
        receivers = doc.get("receivers")
        for receiver in receivers.items if isinstance(receivers, SeqNode) else ():
            if not isinstance(receiver, MapNode):
                continue
            for key in schema.integration_keys(self.version):
                entries = receiver.get(key)
                if not isinstance(entries, SeqNode):
                    continue
                for entry in entries.items:
                    if isinstance(entry, ScalarNode) and entry.is_null:
                        self._null_entry(key, entry, g)
                    elif isinstance(entry, MapNode) and integrations_ok(entry):
                        self._merged(key, entry, g)

    def _null_entry(self, key: str, entry: ScalarNode, g: MapNode | None) -> None:
        if not self.since(NULL_ENTRY_REFUSED_SINCE[1]):
            self.add(CRASH, entry, f"{key}: a null entry makes Alertmanager {self._v()} crash (nil pointer)")
        elif key not in NULL_ENTRY_EMPTY:
            self.add(INTEGRATION, entry, f"{key}: missing {key.removesuffix('_configs')} config")
        else:
            self._merged(key, MapNode(entry.line, entry.column, entry.tag), g, raw=True)

    def _global_default(self, g: MapNode | None, key: str) -> bool:
        """A global URL with a default: set unless the global section sets it to null."""
        return g is None or g.get(key) is None or _set(g, key)

    def _merged(self, key: str, c: MapNode, g: MapNode | None, raw: bool = False) -> None:
        v = self.version

        def need(ok: bool, message: str) -> None:
            if not ok:
                self.add(INTEGRATION, c, f"{key}: {message}")

        def own_or_global(own: tuple[str, ...], glob: tuple[str, ...]) -> bool:
            return any(_text(c, k) for k in own) or any(_text(g, k) for k in glob)

        if key == "email_configs":
            need(bool(_text(c, "smarthost") or _text(g, "smtp_smarthost")), "no global SMTP smarthost set")
            need(bool(_text(c, "from") or _text(g, "smtp_from")), "no global SMTP from set")
        elif key == "slack_configs":
            self._merged_slack(c, g, raw)
        elif key == "pagerduty_configs":
            need(_set(c, "url") or self._global_default(g, "pagerduty_url"), "no global PagerDuty URL set")
        elif key == "opsgenie_configs":
            need(_set(c, "api_url") or self._global_default(g, "opsgenie_api_url"), "no global OpsGenie URL set")
            need(own_or_global(("api_key", "api_key_file"), ("opsgenie_api_key", "opsgenie_api_key_file")),
                 "no global OpsGenie API Key set either inline or in a file")
        elif key == "wechat_configs":
            need(_set(c, "api_url") or self._global_default(g, "wechat_api_url"), "no global Wechat URL set")
            if v >= (0, 31):
                need(own_or_global(("api_secret", "api_secret_file"), ("wechat_api_secret", "wechat_api_secret_file")),
                     "no global Wechat Api Secret set either inline or in a file")
            else:
                need(own_or_global(("api_secret",), ("wechat_api_secret",)), "no global Wechat ApiSecret set")
            need(own_or_global(("corp_id",), ("wechat_api_corp_id",)), "no global Wechat CorpID set")
        elif key == "victorops_configs":
            need(_set(c, "api_url") or self._global_default(g, "victorops_api_url"), "no global VictorOps URL set")
            need(own_or_global(("api_key", "api_key_file"), ("victorops_api_key", "victorops_api_key_file")),
                 "no global VictorOps API Key set")
        elif key == "telegram_configs":
            if v >= (0, 31):
                need(own_or_global(("bot_token", "bot_token_file"), ("telegram_bot_token", "telegram_bot_token_file")),
                     "missing bot_token or bot_token_file on telegram_config")
        elif key == "discord_configs":
            need(_set(c, "webhook_url") or v >= (0, 28) and bool(_text(c, "webhook_url_file")),
                 "no discord webhook URL or URLFile provided" if v >= (0, 28) else "no discord webhook URL provided")
        elif key == "webex_configs":
            need(_set(c, "api_url") or self._global_default(g, "webex_api_url"), "no global Webex URL set")
        elif key == "msteams_configs":
            need(_set(c, "webhook_url") or v >= (0, 28) and bool(_text(c, "webhook_url_file")),
                 "no msteams webhook URL or URLFile provided" if v >= (0, 28) else "no msteams webhook URL provided")
        elif key == "msteamsv2_configs":
            if v >= (0, 34) and g is not None and g.get("http_config") is not None and not _set(g, "http_config"):
                need(False, "a null global http_config makes Alertmanager crash with msteamsv2_configs")
        elif key == "jira_configs":
            need(_set(c, "api_url") or _set(g, "jira_api_url"), "no global Jira Cloud URL set")
        elif key == "rocketchat_configs":
            need(_set(c, "token_id") or bool(_text(c, "token_id_file")) or _set(g, "rocketchat_token_id")
                 or bool(_text(g, "rocketchat_token_id_file")),
                 "no global Rocketchat TokenID set either inline or in a file")
            need(_set(c, "token") or bool(_text(c, "token_file")) or _set(g, "rocketchat_token")
                 or bool(_text(g, "rocketchat_token_file")),
                 "no global Rocketchat Token set either inline or in a file")
        elif key == "mattermost_configs":
            if v >= (0, 32):
                need(_set(c, "webhook_url") or bool(_text(c, "webhook_url_file")) or _set(g, "mattermost_webhook_url")
                     or bool(_text(g, "mattermost_webhook_url_file")),
                     "missing webhook_url or webhook_url_file on mattermost_config")

    def _merged_slack(self, c: MapNode, g: MapNode | None, raw: bool) -> None:
        v = self.version

        def fail(message: str) -> None:
            self.add(INTEGRATION, c, f"slack_configs: {message}")

        api_url = _text(c, "api_url") if _set(c, "api_url") else None
        api_file = bool(_text(c, "api_url_file"))
        if v < (0, 30):
            if api_url is None and not api_file and not (_set(g, "slack_api_url") or _text(g, "slack_api_url_file")):
                fail("no global Slack API URL set either inline or in a file")
            return
        if not _set(c, "app_url") and not self._global_default(g, "slack_app_url"):
            fail("no global Slack App URL set")
            return
        app_url = _text(c, "app_url") if _set(c, "app_url") else (
            _text(g, "slack_app_url") if _set(g, "slack_app_url") else SLACK_POST_MESSAGE)
        token = bool(_text(c, "app_token") or _text(c, "app_token_file"))
        http = _map(c, "http_config")
        if not token and not _authorized(http) and api_url is None:
            token = bool(_text(g, "slack_app_token") or _text(g, "slack_app_token_file"))
        if api_url is None and not api_file:
            api_url = _text(g, "slack_api_url") if _set(g, "slack_api_url") else None
            api_file = bool(_text(g, "slack_api_url_file"))
        if api_url is None and not api_file and not token:
            fail("no Slack API URL nor App token set either inline or in a file")
            return
        if token:
            if not _set(c, "http_config"):
                global_http = g.get("http_config") if g is not None else None
                if global_http is not None and not _set(g, "http_config"):
                    fail("a null global http_config makes Alertmanager crash with an app token")
                    return
                http = _map(g, "http_config")
            if _authorized(http):
                fail("http authorization can't be set when using Slack App tokens")
            api_url = app_url
        if v >= (0, 35):
            self._slack_bot_token_options(c, "slack_configs", api_url, api_file)

    def _global_pairs(self, g: MapNode | None, node: Node | None) -> None:
        if g is None:
            return
        v = self.version
        pairs = [("slack_api_url", True), ("opsgenie_api_key", False), ("victorops_api_key", False),
                 ("smtp_auth_password", False)]
        if v >= (0, 28):
            pairs += [("rocketchat_token", True), ("rocketchat_token_id", True)]
        if v >= (0, 30):
            pairs += [("slack_app_token", False)]
        if v >= (0, 31):
            pairs += [("telegram_bot_token", False), ("smtp_auth_secret", False), ("wechat_api_secret", False)]
        if v >= (0, 32):
            pairs += [("mattermost_webhook_url", True)]
        for name, pointer in pairs:
            if (_set(g, name) if pointer else bool(_text(g, name))) and _text(g, name + "_file"):
                self.add(INTEGRATION, g.key_node(name + "_file") or g,
                         f"global: at most one of {name} & {name}_file must be configured")
        if v >= (0, 30):
            token = bool(_text(g, "slack_app_token") or _text(g, "slack_app_token_file"))
            api = _set(g, "slack_api_url") or bool(_text(g, "slack_api_url_file"))
            if token and api:
                app_url = _text(g, "slack_app_url") if _set(g, "slack_app_url") else (
                    None if g.get("slack_app_url") is not None else SLACK_POST_MESSAGE)
                if not _set(g, "slack_api_url") or app_url is None:
                    self.add(INTEGRATION, g, f"global: slack_app_token with slack_api_url_file (or a null "
                                             f"slack_app_url) makes Alertmanager {self._v()} crash")
                elif _text(g, "slack_api_url") != app_url:
                    self.add(INTEGRATION, g, "global: at most one of slack_app_token/slack_app_token_file & "
                                             "slack_api_url/slack_api_url_file must be configured")


def _authorized(http: MapNode | None) -> bool:
    """An http_config has an Authorization once validated: `authorization`, or a bearer token."""
    return http is not None and (_set(http, "authorization") or bool(_text(http, "bearer_token"))
                                 or bool(_text(http, "bearer_token_file")))


def _chat_id(n: MapNode) -> bool:
    value = n.get("chat_id")
    if not isinstance(value, ScalarNode) or value.is_null:
        return False
    number = yaml_number(value.text)
    return bool(number) and int(number) != 0


def _legacy_label(name: str) -> bool:
    import re

    return re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", name) is not None
