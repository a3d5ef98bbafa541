"""Prometheus configs (`prometheus.yml`) as `promtool check config --syntax-only` of the target version loads
them (C001-C011), and the rule files they name (C101).

`load` finds the config in a file's documents (obslint.promconfig.documents), decodes it strictly as the
target release does (the fields of obslint.promconfig.schema, Go's YAML rules), makes every check the loader
and promtool make (timeouts, job names, relabel rules, HTTP client settings, service discovery, static
targets relabeled as promtool relabels them, remote storage, storage, tracing, OTLP), reports each at its
node, and builds the model the other checks read (obslint.promconfig.model).

Service discovery contacts nothing (promtool does not either): kubernetes, file, DNS and static configs are
checked field by field; the other mechanisms (ec2, consul, azure, ...) by name (the release must have it),
shape (a list of mappings), HTTP client settings and the required fields their decoding checks (azure,
ec2, eureka, marathon, outscale, stackit, uyuni), not their other fields' types.
`azuread` in remote_write is read as a mapping, unchecked.

What `promtool check config` does beyond `--syntax-only` concerns the server's file system (rule files,
credential and certificate files, file_sd files, scrape_config_files): obslint lints the rule files as rule
files, and reports `rule_files` entries that match none of the repository's rule files (C101).
"""

from __future__ import annotations

import re

from obslint.checks.base import Check, register, runs
from obslint.core.collector import Collector
from obslint.core.findings import Severity
from obslint.durations import parse_duration
from obslint.promconfig import schema
from obslint.promconfig.documents import embedded, find_config
from obslint.promconfig.model import PrometheusConfig, ScrapeJob
from obslint.promconfig.relabel import ACTIONS, DEFAULT_REPLACEMENT, DEFAULT_SEPARATOR, Rule
from obslint.promconfig.values import (
    BINARY_TAG,
    RELABEL_TARGET,
    go_bytes,
    legacy_name,
    parse_size,
    resolve,
    split_host_port,
    url_problem,
    utf8_name,
    valid_utf8,
)
from obslint.yamlload import MapNode, Node, ScalarNode, SeqNode


class PromConfigCheck(Check):
    kind = "prometheus"
    example_filename = "prometheus.yml"


@register
class PromUnknownField(PromConfigCheck):
    """Finds a key Prometheus's config does not know, one the target version does not have yet, and one
    it no longer has (`scrape_classic_histograms`, renamed in 3.0).

    Why: Prometheus decodes its config strictly: a typo such as `scrape_intervall:` refuses the whole file,
    and the server keeps running the old config (or does not start).

    Bad:
    ```yaml
    global:
      scrape_intervall: 30s
    ```

    Good:
    ```yaml
    global:
      scrape_interval: 30s
    ```
    """

    code = "C001"
    name = "prom-unknown-field"


@register
class PromWrongType(PromConfigCheck):
    """Finds a value of the wrong YAML type: a string where a list belongs, `yes` where a number belongs.

    Why: Prometheus refuses the config with `cannot unmarshal`; `targets: localhost:9090` (a string, not
    a list) is the classic case.

    Bad:
    ```yaml
    scrape_configs:
      - job_name: prometheus
        static_configs:
          - targets: localhost:9090
    ```

    Good:
    ```yaml
    scrape_configs:
      - job_name: prometheus
        static_configs:
          - targets: [localhost:9090]
    ```
    """

    code = "C002"
    name = "prom-wrong-type"


@register
class PromInvalidValue(PromConfigCheck):
    """Finds a value Prometheus cannot read: a duration such as `1.5m`, a size such as `10M`, a URL Go
    refuses, or a word outside its list (scrape protocols, TLS versions, Alertmanager `api_version`,
    tracing `client_type`, name validation and escaping schemes, OTLP translation strategies, log levels).

    Why: the config does not load.

    Bad:
    ```yaml
    global:
      scrape_interval: 1.5m
    ```

    Good:
    ```yaml
    global:
      scrape_interval: 90s
    ```
    """

    code = "C003"
    name = "prom-invalid-value"


@register
class PromScrapeJob(PromConfigCheck):
    """Finds a scrape job without a `job_name`, two jobs with one name, a `scrape_timeout` longer than the
    `scrape_interval` (the job's, or the global one it inherits), empty or repeated `scrape_protocols`,
    two remote write or read endpoints with one name, and empty (`null`) list entries.

    Why: Prometheus refuses the config (`found multiple scrape configs with job name`, `scrape timeout
    greater than scrape interval`).

    Bad:
    ```yaml
    global:
      scrape_interval: 15s
    scrape_configs:
      - job_name: node
        scrape_timeout: 30s
        static_configs:
          - targets: [node-exporter:9100]
    ```

    Good:
    ```yaml
    global:
      scrape_interval: 15s
    scrape_configs:
      - job_name: node
        scrape_timeout: 10s
        static_configs:
          - targets: [node-exporter:9100]
    ```
    """

    code = "C004"
    name = "prom-scrape-job"


@register
class PromRelabel(PromConfigCheck):
    """Finds a relabel rule Prometheus refuses: an unknown `action`, a `regex` Go's RE2 cannot compile,
    a `target_label` that is not a label name for its action (with `${1}` references only for `replace`),
    `hashmod` without `modulus`, `replacement` set for `lowercase`/`uppercase`/`keepequal`/`dropequal`,
    and fields `labeldrop`/`labelkeep`/`keepequal`/`dropequal` do not take. Label names follow the target
    version's rules (legacy before 3.0; UTF-8 from 3.0 unless `metric_name_validation_scheme: legacy`).

    Why: the config does not load.

    Bad:
    ```yaml
    scrape_configs:
      - job_name: node
        static_configs:
          - targets: [node-exporter:9100]
        relabel_configs:
          - source_labels: [__address__]
            target_label: host.name
    ```

    Good:
    ```yaml
    scrape_configs:
      - job_name: node
        static_configs:
          - targets: [node-exporter:9100]
        relabel_configs:
          - source_labels: [__address__]
            target_label: host_name
    ```
    """

    code = "C005"
    name = "prom-relabel"
    example_config = {"prometheus_version": (2, 53)}


@register
class PromHttpClient(PromConfigCheck):
    """Finds HTTP client settings that contradict each other: two authentication methods (`basic_auth`,
    `authorization`, `oauth2`, `bearer_token`, `sigv4`, ...), a secret given both inline and as a file,
    `authorization` of type `Basic`, OAuth2 without `client_id` or `token_url`, a client certificate
    without its key, proxy settings that exclude each other, reserved HTTP headers.

    Why: Prometheus refuses the config (`at most one of basic_auth, oauth2 & authorization must be
    configured`).

    Bad:
    ```yaml
    scrape_configs:
      - job_name: api
        basic_auth:
          username: prometheus
          password_file: /etc/prometheus/api-password
        bearer_token_file: /etc/prometheus/api-token
        static_configs:
          - targets: [api:8080]
    ```

    Good:
    ```yaml
    scrape_configs:
      - job_name: api
        authorization:
          credentials_file: /etc/prometheus/api-token
        static_configs:
          - targets: [api:8080]
    ```
    """

    code = "C006"
    name = "prom-http-client"


@register
class PromServiceDiscovery(PromConfigCheck):
    """Finds a service-discovery config Prometheus refuses: a Kubernetes one without a valid `role`, with
    selectors its role does not take or that do not parse, `api_server` with `kubeconfig_file`, HTTP
    settings without `api_server`; a `file_sd_configs` entry without files or with a path that is not
    `*.json`/`*.yml`/`*.yaml`; a DNS one without names or with a bad record type; a mechanism the target
    version does not have; an empty (`null`) entry.

    Why: the config does not load. obslint checks kubernetes, file, DNS and static configs field by
    field, and the other mechanisms (ec2, consul, ...) by name and shape, and the required fields of azure,
    ec2, eureka, marathon, outscale, stackit and uyuni.

    Bad:
    ```yaml
    scrape_configs:
      - job_name: pods
        kubernetes_sd_configs:
          - role: pods
    ```

    Good:
    ```yaml
    scrape_configs:
      - job_name: pods
        kubernetes_sd_configs:
          - role: pod
    ```
    """

    code = "C007"
    name = "prom-service-discovery"


@register
class PromStaticTarget(PromConfigCheck):
    """Finds a static target promtool refuses once the job's relabel rules have run on it, as Prometheus
    runs them: a URL (`http://host:9100/metrics`) instead of `host:port`, no address left, a scheme other
    than http or https on a target without a port (2.x adds the scheme's port), a bad scrape interval.

    Why: `promtool check config` refuses the config; the scheme and the path belong in `scheme:` and
    `metrics_path:`.

    Bad:
    ```yaml
    scrape_configs:
      - job_name: node
        static_configs:
          - targets: [http://node-exporter:9100/metrics]
    ```

    Good:
    ```yaml
    scrape_configs:
      - job_name: node
        scheme: http
        metrics_path: /metrics
        static_configs:
          - targets: [node-exporter:9100]
    ```
    """

    code = "C008"
    name = "prom-static-target"


@register
class PromLabelName(PromConfigCheck):
    """Finds a label name Prometheus refuses in `external_labels`, static target `labels`, `source_labels`
    or `required_matchers` (legacy names `[a-zA-Z_][a-zA-Z0-9_]*` before 3.0, and from 3.0 with
    `metric_name_validation_scheme: legacy`).

    Why: the config does not load.

    Bad:
    ```yaml
    global:
      external_labels:
        k8s-cluster: prod
    ```

    Good:
    ```yaml
    global:
      external_labels:
        k8s_cluster: prod
    ```
    """

    code = "C009"
    name = "prom-label-name"
    example_config = {"prometheus_version": (2, 53)}


@register
class PromFilePath(PromConfigCheck):
    """Finds a `rule_files` or `scrape_config_files` entry with a `*` before the last path element
    (`rules/*/alerts.yml`): Prometheus takes a wildcard only in the file name.

    Why: Prometheus refuses the config (`invalid rule file path`).

    Bad:
    ```yaml
    rule_files:
      - rules/*/alerts.yml
    ```

    Good:
    ```yaml
    rule_files:
      - rules/alerts-*.yml
    ```
    """

    code = "C010"
    name = "prom-file-path"


@register
class PromRemoteStorage(PromConfigCheck):
    """Finds a remote write or read endpoint without `url`, with a header Prometheus sets itself
    (`Authorization`, `Content-Type`, ...), a queue config whose shards, batch or backoff contradict each
    other, an unknown `protobuf_message`; tracing without `endpoint` or with another compression than gzip;
    OTLP attribute lists that exclude each other; TSDB retention out of range.

    Why: the config does not load.

    Bad:
    ```yaml
    remote_write:
      - url: https://metrics.example.com/api/v1/write
        headers:
          Authorization: Bearer abc
    ```

    Good:
    ```yaml
    remote_write:
      - url: https://metrics.example.com/api/v1/write
        authorization:
          credentials_file: /etc/prometheus/remote-write-token
    ```
    """

    code = "C011"
    name = "prom-remote-storage"


@register
class RuleFilesUnmatchedInRepo(PromConfigCheck):
    """Finds a `rule_files` entry (relative to the config file) that matches none of the repository's rule
    files; an absolute path (where the server mounts the files) is matched by its file name against the
    rule files under the configured rule paths, when those hold any.

    Why: Prometheus loads no rules from it, silently for a glob (`rules/*.yaml` when the files end in
    `.yml`); for a plain file name, `promtool check config` fails on the server.

    Bad:
    ```yaml
    rule_files:
      - rules/*.yaml
    ```

    Good:
    ```yaml
    rule_files:
      - rules/*.yml
    ```
    """

    code = "C101"
    name = "rule-files-unmatched-in-repo"
    severity = Severity.WARNING
    example_files = {"rules/alerts.yml": "groups: []\n"}


ALL_LOAD_CHECKS = (PromUnknownField, PromWrongType, PromInvalidValue, PromScrapeJob, PromRelabel, PromHttpClient,
                   PromServiceDiscovery, PromStaticTarget, PromLabelName, PromFilePath, PromRemoteStorage)

# releases in which the loader's checks changed (the rest of the facts are in obslint.promconfig.schema)
UTF8_NAMES_SINCE = (3, 0)  # promtool validates label names with UTF-8 rules
SCHEME_AWARE_RELABEL_SINCE = (3, 7)  # relabel names follow metric_name_validation_scheme
DECODED_VALIDATION_SCHEME_SINCE = (3, 6)  # metric_name_validation_scheme refused when decoded
ESCAPING_SINCE = (3, 4)
LOCAL_SCHEME_SINCE = (3, 7)  # a job's legacy validation no longer inherits the global utf-8 escaping
REPLACE_LEGACY_CHECK_SINCE = (2, 50)  # target_label without `$` checked as a label name
LABELMAP_UTF8_SINCE = (3, 2)  # labelmap's replacement checked with the name rules, not the legacy pattern
TLS_VALIDATE_SINCE = (2, 45)  # every tls_config checked when decoded (before: promtool's own check)
PROXY_VALIDATE_SINCE = (2, 43)
OAUTH2_SECRET_OPTIONAL_SINCE = (2, 51)
SECRET_REFS_SINCE = (2, 53)
USERNAME_FILE_SINCE = (2, 49)
JWT_GRANT_SINCE = (3, 8)
AUTH_EXCLUSIVE_SINCE = (2, 45)  # remote write: at most one of all the auth methods
QUEUE_VALIDATE_SINCE = (3, 12)
OTLP_ATTRIBUTE_CHECKS = ((2, 55), (3, 5))  # promoted attributes checked; then promote_all/ignore too
RETENTION_CHECKS_SINCE = (3, 11)
AM_API_V1_UNTIL = (2, 55)
NO_DEFAULT_PORT_SINCE = (3, 0)
POD_NODE_SELECTOR_SINCE = (3, 11)
OTLP_UTF8_STRATEGIES = ("NoUTF8EscapingWithSuffixes", "NoTranslation")
PROTOBUF_MESSAGES = ("prometheus.WriteRequest", "io.prometheus.write.v2.Request")
RESERVED_HEADERS = frozenset({"host", "content-encoding", "content-length", "content-type", "user-agent",
                              "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                              "www-authenticate", "accept-encoding", "x-prometheus-remote-write-version",
                              "x-prometheus-remote-read-version", "x-amz-date", "x-amz-security-token",
                              "x-amz-content-sha256"})
RESERVED_HTTP_HEADERS = RESERVED_HEADERS | {"authorization", "x-prometheus-scrape-timeout-seconds"}
RULE_PATH = re.compile(r"[^*]*(\*[^/]*)?")
FILE_SD_PATH = re.compile(r"[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)")
SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
DEFAULT_INTERVAL_MS, DEFAULT_TIMEOUT_MS = 60_000, 10_000


def load(roots: list, config, collector: Collector) -> PrometheusConfig | None:
    """The Prometheus config of a file's documents (plain, ConfigMap, Helm values), validated, or None."""
    found = find_config(roots)
    if found is None:  # told a Prometheus config (by its place, or its kind): the first document is one
        from obslint.promconfig.documents import Found

        found = Found(roots[0] if roots else None, "plain")
    return load_found(found.node, found.wrapping, config, collector)


def load_found(node, wrapping: str, config, collector: Collector) -> PrometheusConfig | None:
    """A Prometheus config found in a file (obslint.promconfig.documents.Found: a mapping, a ConfigMap's
    string, or a list of scrape configs), validated, or None."""
    from obslint.checks.files import YamlSyntax
    from obslint.yamlload import YamlError

    if wrapping == "configmap":
        try:
            node = embedded(node, config.max_yaml_nodes)
        except YamlError as exc:
            collector.add(YamlSyntax, exc.line, exc.column, exc.message)
            return None
    decoder = Decoder(collector, config.prometheus_version)
    if wrapping == "scrape-configs":
        return decoder.load_scrape_configs(collector.path, node)
    return decoder.load(collector.path, node)


class Fields(dict):
    """A decoded mapping: field name -> decoded value; `nodes` the value nodes, `keys` the key nodes."""

    def __init__(self, node: MapNode):
        super().__init__()
        self.node = node
        self.nodes: dict[str, Node] = {}
        self.keys_: dict[str, ScalarNode] = {}

    def at(self, name: str) -> Node:
        """The node to report a problem with `name` at: its value, else the mapping."""
        return self.nodes.get(name) or self.node

    def has(self, name: str) -> bool:
        return name in self.nodes


class Decoder:
    """Decode and validate one config as Prometheus `version` does; report what it refuses, build the model."""

    def __init__(self, collector: Collector, version: tuple[int, int]):
        self.c = collector
        self.version = max(tuple(version[:2]), schema.OLDEST)
        self.utf8 = self.version >= UTF8_NAMES_SINCE  # model.NameValidationScheme as promtool sets it
        self.jobs: list[ScrapeJob] = []
        self.rules: list[Rule] = []

    # --- entry points --------------------------------------------------------------------------------

    def load(self, path: str, node: Node | None) -> PrometheusConfig | None:
        if node is None or (isinstance(node, ScalarNode) and node.is_null):
            return PrometheusConfig(path, self.version, node)
        if not isinstance(node, MapNode):
            self._type(node, "the Prometheus config", "a mapping")
            return None
        top = self._decode(node, "Config", "config")
        if top is None:
            return None
        glob = top.get("global") if isinstance(top.get("global"), Fields) else None
        interval, timeout = self._global_timing(glob)
        scheme = self._global_scheme(glob)
        self._global_escaping = (glob.get("metric_name_escaping_scheme") or "") if glob else ""
        model = PrometheusConfig(path, self.version, node, global_interval_ms=interval,
                                 evaluation_interval_ms=_ms(glob, "evaluation_interval") or DEFAULT_INTERVAL_MS)
        self._file_patterns(top, model)
        self._scrape_configs(top, glob, interval, timeout, scheme)
        self._alerting(top, scheme)
        self._remote(top, scheme)
        self._otlp_strategy(top, scheme)
        model.jobs, model.relabel_rules = self.jobs, self.rules
        return model

    def load_scrape_configs(self, path: str, node: SeqNode) -> PrometheusConfig:
        """A list of scrape configs (kube-prometheus-stack's additionalScrapeConfigs), checked against the
        default global settings."""
        items = []
        for i, item in enumerate(node.items):
            items.append(self._struct_value(item, "ScrapeConfig", f"additionalScrapeConfigs[{i}]"))
        top = Fields(MapNode(node.line, node.column, "tag:yaml.org,2002:map"))
        top["scrape_configs"], top.nodes["scrape_configs"] = items, node
        self._scrape_configs(top, None, DEFAULT_INTERVAL_MS, DEFAULT_TIMEOUT_MS, "utf8" if self.utf8 else "legacy")
        return PrometheusConfig(path, self.version, node, jobs=self.jobs, relabel_rules=self.rules)

    # --- strict decoding -----------------------------------------------------------------------------

    def _decode(self, node: Node, struct: str, what: str) -> Fields | None:
        """The fields of a mapping that holds a `struct`, each checked for its type (None: not a mapping)."""
        if isinstance(node, ScalarNode) and node.is_null:
            return None
        if not isinstance(node, MapNode):
            self._type(node, what, "a mapping")
            return None
        fields = Fields(node)
        known = schema.known_fields(struct, self.version)
        sd = schema.sd_fields(self.version) if schema.STRUCTS[struct].get("SD") else {}
        for key, value in node.items:
            name = key.text
            kind = known.get(name) or sd.get(name)
            if kind is None:
                self._unknown(key, struct, what, sd_struct=bool(schema.STRUCTS[struct].get("SD")))
                continue
            fields.nodes[name], fields.keys_[name] = value, key
            child = f"{what}.{name}"
            if name in sd:
                fields[name] = self._sd_list(value, name, kind, child)
            else:
                fields[name] = self._value(value, kind, child)
        validate = getattr(self, f"_v_{struct}", None)
        if validate is not None:
            validate(fields, what)
        return fields

    def _unknown(self, key: ScalarNode, struct: str, what: str, sd_struct: bool) -> None:
        name = key.text
        since = schema.newer_field(struct, name)
        if sd_struct and since is None:
            since = schema.sd_since(name)
        renamed = schema.RENAMED.get(f"{struct}.{name}")
        until = schema.UNTIL.get(f"{struct}.{name}")
        target = "%d.%d" % self.version
        if renamed and self.version >= renamed[0]:
            hint = f" (Prometheus {renamed[0][0]}.{renamed[0][1]} renamed it `{renamed[1]}`)"
        elif until is not None and self.version > until:
            hint = f" (removed after Prometheus {until[0]}.{until[1]})"
        elif since is not None and since > self.version:
            hint = f" (new in Prometheus {since[0]}.{since[1]}; the target is {target})"
        else:
            hint = ""
        self.c.at(PromUnknownField, key, f"field {name} not found in {what}{hint}")

    def _value(self, node: Node, kind: str, what: str):
        if kind.startswith("["):
            if not self._is_seq(node, what):
                return []
            return [self._struct_value(item, kind[1:-1], f"{what}[{i}]") for i, item in enumerate(node.items)]
        if kind in schema.STRUCTS:
            return self._struct_value(node, kind, what)
        return self._scalar(node, kind, what)

    def _struct_value(self, node: Node, struct: str, what: str):
        if isinstance(node, ScalarNode) and node.is_null:
            return None
        return self._decode(node, struct, what)

    def _scalar(self, node: Node, kind: str, what: str):
        """The decoded value of a leaf field (None for null), its type and format checked."""
        if kind == "any":
            return node
        if kind in ("strlist", "labelnames", "protocols"):
            if not self._is_seq(node, what):
                return None if _null(node) else []
            values = []
            for item in node.items:
                if not isinstance(item, ScalarNode):
                    self._type(item, what + " entry", "a string")
                    continue
                value = item.as_str()
                if kind == "labelnames" and not self._label_name(value):
                    self.c.at(PromLabelName, item, f'{what}: "{value}" is not a valid label name')
                values.append(value)
            return values
        if kind in ("strmap", "labelset", "labels", "params", "proxyheader"):
            return self._mapping(node, kind, what)
        if kind == "headers":
            if _null(node):
                return None
            if not isinstance(node, MapNode):
                self._type(node, what, "a mapping of header names")
                return None
            return {key.text: self._struct_value(value, "Header", f"{what}.{key.text}") for key, value in node.items}
        if isinstance(node, (MapNode, SeqNode)):
            self._type(node, what, "a single value")
            return None
        if node.is_null:
            return None
        if node.tag == BINARY_TAG and go_bytes(node) is None:
            self.c.at(PromWrongType, node, f"{what}: !!binary value contains invalid base64 data")
            return None
        resolved, value = resolve(node)
        if kind in ("str", "secret", "protocol"):
            return node.text
        if kind == "bool":
            if resolved != "bool":
                self._type(node, what, "true or false")
                return None
            return value
        if kind in ("int", "uint"):
            if resolved == "float" and value == value and abs(value) != float("inf"):
                value, resolved = int(value), "int"
            if resolved != "int" or (kind == "uint" and value < 0) or (kind == "int" and value > (1 << 63) - 1):
                self._type(node, what, "a whole number" + (" of 0 or more" if kind == "uint" else ""))
                return None
            return value
        if kind == "float":
            if resolved not in ("int", "float"):
                self._type(node, what, "a number")
                return None
            return float(value)
        text = node.text
        if kind == "duration":
            ms = parse_duration(text)
            if ms is None or ms * 1_000_000 > (1 << 63) - 1:
                reason = "duration out of range" if ms is not None else (
                    "empty duration string" if text == "" else f'not a valid duration string: "{text}"')
                self.c.at(PromInvalidValue, node, f"{what}: {reason}")
                return None
            return ms
        if kind == "size":
            size = parse_size(text)
            if size is None:
                self.c.at(PromInvalidValue, node, f"{what}: {text!r} is not a size such as 512MB or 1GiB")
            return size
        if kind == "url":
            problem = url_problem(text)
            if problem:
                self.c.at(PromInvalidValue, node, f"{what}: parse {text!r}: {problem}")
            return text
        if kind == "regex":
            from obslint.promql.regex import RegexError, check_regex

            try:
                check_regex(text, go_named_groups=self.version >= (2, 51))
            except RegexError as exc:
                self.c.at(PromRelabel, node, f"{what}: {exc}")
            return text
        if kind == "action":
            action = text.lower()
            if action not in ACTIONS:
                self.c.at(PromRelabel, node, f'{what}: unknown relabel action "{text}"')
                return None
            return action
        if kind == "tlsversion":
            if text not in schema.TLS_VERSIONS:
                self.c.at(PromInvalidValue, node, f"{what}: unknown TLS version: {text}")
            return text
        raise ValueError(f"unknown field type {kind}")

    def _mapping(self, node: Node, kind: str, what: str):
        if _null(node):
            return None
        if not isinstance(node, MapNode):
            self._type(node, what, "a mapping")
            return None
        out = {}
        for key, value in node.items:
            name = key.text
            if kind in ("labelset", "labels"):
                raw = go_bytes(key)
                if raw is None:
                    self.c.at(PromWrongType, key, f"{what}: !!binary value contains invalid base64 data")
                elif not valid_utf8(raw) or (kind == "labelset" and not self._label_name(name)):
                    self.c.at(PromLabelName, key, f'{what}: "{name}" is not a valid label name')
                raw = go_bytes(value) if isinstance(value, ScalarNode) else b""
                if raw is not None and not valid_utf8(raw):
                    self.c.at(PromLabelName, value, f'{what}.{name}: the value is not valid UTF-8, not a valid label '
                                                    "value")
            if kind in ("params", "proxyheader"):
                if isinstance(value, SeqNode):
                    out[name] = [item.as_str() for item in value.items if isinstance(item, ScalarNode)]
                    for item in value.items:
                        if not isinstance(item, ScalarNode):
                            self._type(item, f"{what}.{name} entry", "a string")
                elif not _null(value):
                    self._type(value, f"{what}.{name}", "a list of strings")
                else:
                    out[name] = []
                continue
            if not isinstance(value, ScalarNode):
                self._type(value, f"{what}.{name}", "a string")
                continue
            out[name] = value.as_str()
        return out

    def _is_seq(self, node: Node, what: str) -> bool:
        if isinstance(node, SeqNode):
            return True
        if not _null(node):
            self._type(node, what, "a list")
        return False

    def _type(self, node: Node, what: str, expected: str) -> None:
        got = {"scalar": "a string", "seq": "a list", "map": "a mapping"}[node.kind]
        if isinstance(node, ScalarNode):
            got = f"`{node.text}`"
        self.c.at(PromWrongType, node, f"{what} must be {expected}, not {got}")

    def _label_name(self, name: str, scheme: str | None = None) -> bool:
        """A label name as the target's decoder checks it (promtool's global scheme, or `scheme`)."""
        if scheme == "legacy" or (scheme is None and not self.utf8):
            return legacy_name(name)
        return utf8_name(name)

    # --- service discovery ---------------------------------------------------------------------------

    def _sd_list(self, node: Node, key: str, struct: str, what: str) -> list:
        if not self._is_seq(node, what):
            return []
        out = []
        for i, item in enumerate(node.items):
            if _null(item):
                self.c.at(PromServiceDiscovery, item, f"empty or null section in {key}")
                continue
            if struct == "any":
                sd_key = key
                if not isinstance(item, MapNode):
                    self._type(item, f"{what}[{i}]", "a mapping")
                    continue
                # the mechanisms obslint does not read field by field: their HTTP client settings still are
                http = schema.known_fields("HTTPClientConfig", self.version)
                fields = Fields(item)
                for name, value in item.items:
                    if name.text in http:
                        fields.nodes[name.text], fields.keys_[name.text] = value, name
                        fields[name.text] = self._value(value, http[name.text], f"{what}[{i}].{name.text}")
                self._http_client(fields, f"{what}[{i}]")
                self._named_sd(sd_key, item, fields)
                continue
            fields = self._decode(item, struct, f"{what}[{i}]")
            if fields is not None:
                out.append(fields)
        return out

    def _named_sd(self, key: str, item: MapNode, http: Fields) -> None:
        """The required fields of the discovery mechanisms read by name (what their UnmarshalYAML refuses)."""
        def text(name: str) -> str:
            node = item.get(name)
            return node.text if isinstance(node, ScalarNode) and not _null(node) else ""

        def bad(message: str, name: str | None = None) -> None:
            node = item.get(name) if name else None
            self.c.at(PromServiceDiscovery, node if node is not None else item, f"{key}: {message}")

        mechanism = key.removesuffix("_sd_configs")
        if mechanism == "eureka":
            server = text("server")
            if not server:
                return bad("empty or null eureka server", "server")
            scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)", server)
            if url_problem(server) or scheme is None or not scheme.group(2):
                bad("invalid eureka server URL", "server")
        elif mechanism == "marathon":
            servers = item.get("servers")
            if not isinstance(servers, SeqNode) or not servers.items:
                return bad("must contain at least one Marathon server", "servers")
            token = bool(text("auth_token")) or bool(text("auth_token_file"))
            if text("auth_token") and text("auth_token_file"):
                bad("at most one of auth_token & auth_token_file must be configured")
            elif token and (http.get("basic_auth") is not None or http.get("bearer_token") or
                            http.get("bearer_token_file") or http.get("authorization") is not None):
                bad("at most one of basic_auth, bearer_token, bearer_token_file, authorization, auth_token & "
                    "auth_token_file must be configured")
        elif mechanism == "azure":
            if not text("subscription_id"):
                return bad("azure SD configuration requires a subscription_id", "subscription_id")
            if (text("authentication_method") or "OAuth") == "OAuth":
                for name in ("client_id", "client_secret", "tenant_id"):
                    if not text(name):
                        return bad(f"azure SD configuration requires a {name}", name)
        elif mechanism == "ec2":
            filters = item.get("filters")
            for entry in filters.items if isinstance(filters, SeqNode) else []:
                values = entry.get("values") if isinstance(entry, MapNode) else None
                if not isinstance(values, SeqNode) or not values.items:
                    return bad("EC2 SD configuration filter values cannot be empty", "filters")
        elif mechanism == "uyuni":
            if not text("server"):
                bad("Uyuni SD configuration requires server host", "server")
        elif mechanism == "outscale":
            if not text("region"):
                return bad("outscale SD configuration requires a region", "region")
            secrets = bool(text("secret_key")) + bool(text("secret_key_file"))
            if secrets != 1:
                bad("one (and only one) of secret_key & secret_key_file must be configured")
        elif mechanism == "stackit":
            endpoint = text("endpoint")
            if endpoint and url_problem(endpoint):
                bad(f'invalid endpoint "{endpoint}"', "endpoint")

    def _v_StaticConfig(self, f: Fields, what: str) -> None:
        pass  # targets and labels are checked with the job (they need its relabel rules)

    def _v_FileSDConfig(self, f: Fields, what: str) -> None:
        files = f.get("files") or []
        if not files:
            self.c.at(PromServiceDiscovery, f.at("files"), f"{what}: file service discovery config must contain "
                                                           "at least one path name")
        for i, name in enumerate(files):
            if not FILE_SD_PATH.fullmatch(name):
                self.c.at(PromServiceDiscovery, f.nodes["files"].items[i],
                          f'{what}: path name "{name}" is not valid for file discovery (*.json, *.yml, *.yaml; a '
                          "wildcard only in the file name)")

    def _v_DNSSDConfig(self, f: Fields, what: str) -> None:
        if not f.get("names"):
            self.c.at(PromServiceDiscovery, f.at("names"), f"{what}: DNS-SD config must contain at least one SRV "
                                                           "record name")
        record = (f.get("type") if f.has("type") else "SRV") or ""
        if record.upper() in ("A", "AAAA", "MX", "NS"):
            if not f.get("port"):
                self.c.at(PromServiceDiscovery, f.at("type"), f"{what}: a port is required in DNS-SD configs for "
                                                              "all record types except SRV")
        elif record.upper() != "SRV":
            self.c.at(PromServiceDiscovery, f.at("type"), f"{what}: invalid DNS-SD records type {record}")

    def _v_KubernetesSDConfig(self, f: Fields, what: str) -> None:
        from obslint.promconfig.k8s import field_selector_problem, label_selector_problem

        role = f.get("role")
        if role not in (None, "") and role not in schema.KUBERNETES_ROLES:
            self.c.at(PromServiceDiscovery, f.at("role"), f'{what}: unknown Kubernetes SD role "{role}"')
            return
        if not role:
            self.c.at(PromServiceDiscovery, f.at("role"), f"{what}: role missing (one of: pod, service, endpoints, "
                                                          "endpointslice, node, ingress)")
            return
        self._http_client(f, what, scrape_level=True)
        api_server = f.get("api_server") is not None
        kubeconfig = bool(f.get("kubeconfig_file"))
        custom_http = self._custom_http(f)
        namespaces = f.get("namespaces")
        own = isinstance(namespaces, Fields) and namespaces.get("own_namespace") is True
        problems = [
            (api_server and kubeconfig, "cannot use 'kubeconfig_file' and 'api_server' simultaneously"),
            (kubeconfig and custom_http, "cannot use a custom HTTP client configuration together with "
                                         "'kubeconfig_file'"),
            (not api_server and custom_http, "to use custom HTTP client configuration please provide the "
                                             "'api_server' URL explicitly"),
            (api_server and own, "cannot use 'api_server' and 'namespaces.own_namespace' simultaneously"),
            (kubeconfig and own, "cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously"),
        ]
        for bad, message in problems:
            if bad:
                self.c.at(PromServiceDiscovery, f.node, f"{what}: {message}")
                return
        allowed = {"pod": ("pod", "node") if self.version >= POD_NODE_SELECTOR_SINCE else ("pod",),
                   "service": ("service",), "endpointslice": ("pod", "service", "endpointslice"),
                   "endpoints": ("pod", "service", "endpoints"), "node": ("node",), "ingress": ("ingress",)}[role]
        seen = set()
        for i, selector in enumerate(f.get("selectors") or []):
            if not isinstance(selector, Fields):
                continue
            at = f.nodes["selectors"].items[i]
            sel_role = selector.get("role") or ""
            if sel_role in seen:
                self.c.at(PromServiceDiscovery, at, f"{what}: duplicated selector role: {sel_role}")
                return
            seen.add(sel_role)
            if sel_role not in allowed:
                self.c.at(PromServiceDiscovery, selector.at("role"),
                          f"{what}: {role} role supports only {', '.join(allowed)} selectors")
                return
            problem = field_selector_problem(selector.get("field") or "")
            if problem is None:
                problem = label_selector_problem(selector.get("label") or "")
            if problem:
                self.c.at(PromServiceDiscovery, at, f"{what}: {problem}")
                return

    def _v_SelectorConfig(self, f: Fields, what: str) -> None:
        role = f.get("role")
        if role is not None and role not in schema.KUBERNETES_ROLES:
            self.c.at(PromServiceDiscovery, f.at("role"), f'{what}: unknown Kubernetes SD role "{role}"')
            f["role"] = None

    # --- HTTP clients --------------------------------------------------------------------------------

    def _custom_http(self, f: Fields) -> bool:
        """Whether the HTTP client settings among `f` differ from Go's DefaultHTTPClientConfig."""
        http = schema.known_fields("HTTPClientConfig", self.version)
        for name in http:
            if not f.has(name):
                continue
            value, node = f.get(name), f.nodes[name]
            if name in ("follow_redirects", "enable_http2"):
                if value is False or _null(node):
                    return True
            elif name in ("basic_auth", "authorization", "oauth2", "http_headers", "proxy_url"):
                if not _null(node):
                    return True
            elif name == "tls_config":
                if isinstance(value, Fields) and any(v not in (None, "", False) for v in value.values()):
                    return True
            elif value not in (None, "", False, {}, []):
                return True
        return False

    def _http_client(self, f: Fields, what: str, scrape_level: bool = False) -> None:
        """HTTPClientConfig.Validate of prometheus/common, as the target release vendors it; `scrape_level`:
        promtool's own client-certificate check applies (scrape jobs and Kubernetes SD)."""
        v = self.version

        def bad(message: str, at: Node | None = None) -> None:
            self.c.at(PromHttpClient, at or f.node, f"{what}: {message}")

        token, token_file = bool(f.get("bearer_token")), bool(f.get("bearer_token_file"))
        basic, authz, oauth2 = (f.get(k) if isinstance(f.get(k), Fields) else None
                                for k in ("basic_auth", "authorization", "oauth2"))
        if token and token_file:
            return bad("at most one of bearer_token & bearer_token_file must be configured", f.at("bearer_token"))
        if (basic is not None or oauth2 is not None) and (token or token_file):
            return bad("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured")
        if basic is not None:
            if v >= USERNAME_FILE_SINCE:
                names = ("username", "username_file", "username_ref")
                if _count(basic, names) > 1:
                    return bad(f"at most one of basic_auth {', '.join(n for n in names if n in basic.nodes)} must be "
                               "configured", basic.node)
            if _count(basic, ("password", "password_file", "password_ref")) > 1:
                return bad("at most one of basic_auth password, password_file & password_ref must be configured",
                           basic.node)
        if authz is not None:
            if token or token_file:
                return bad("authorization is not compatible with bearer_token & bearer_token_file")
            if _count(authz, ("credentials", "credentials_file", "credentials_ref")) > 1:
                return bad("at most one of authorization credentials & credentials_file must be configured",
                           authz.node)
            if (authz.get("type") or "").strip().lower() == "basic":
                return bad('authorization type cannot be set to "basic", use "basic_auth" instead', authz.at("type"))
            if basic is not None or oauth2 is not None:
                return bad("at most one of basic_auth, oauth2 & authorization must be configured")
        if oauth2 is not None:
            if basic is not None:
                return bad("at most one of basic_auth, oauth2 & authorization must be configured")
            if not oauth2.get("client_id"):
                return bad("oauth2 client_id must be configured", oauth2.node)
            secret = oauth2.get("client_secret") or oauth2.get("client_secret_file")
            if v < OAUTH2_SECRET_OPTIONAL_SINCE and not secret:
                return bad("either oauth2 client_secret or client_secret_file must be configured", oauth2.node)
            if not oauth2.get("token_url"):
                return bad("oauth2 token_url must be configured", oauth2.node)
            jwt = v >= JWT_GRANT_SINCE and oauth2.get("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer"
            if jwt:
                if _count(oauth2, ("client_certificate_key", "client_certificate_key_file",
                                   "client_certificate_key_ref")) > 1:
                    return bad("at most one of oauth2 client_certificate_key, client_certificate_key_file & "
                               "client_certificate_key_ref must be configured", oauth2.node)
                algorithm = oauth2.get("signature_algorithm") or ""
                if algorithm and algorithm not in ("RS256", "RS384", "RS512"):
                    return bad("valid signature algorithms are RS256, RS384 and RS512",
                               oauth2.at("signature_algorithm"))
            elif _count(oauth2, ("client_secret", "client_secret_file", "client_secret_ref")) > 1:
                return bad("at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be "
                           "configured", oauth2.node)
        if self._proxy_problem(f, what):
            return None
        headers = f.get("http_headers")
        if isinstance(headers, dict):
            for name in headers:
                canonical = "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))
                if canonical.lower() in RESERVED_HTTP_HEADERS:
                    return bad(f'setting header "{canonical}" is not allowed', f.at("http_headers"))
        tls = f.get("tls_config")
        if scrape_level and v < TLS_VALIDATE_SINCE and isinstance(tls, Fields):
            if bool(tls.get("cert_file")) != bool(tls.get("key_file")):
                return bad("client cert file and client key file must be given together", tls.node)
        return None

    def _proxy_problem(self, f: Fields, what: str) -> bool:
        """ProxyConfig.Validate (2.43 and later; before, only proxy_connect_header needs proxy_url)."""
        url = f.get("proxy_url")
        has_url = url not in (None, "")
        header = bool(f.get("proxy_connect_header"))
        from_env = f.get("proxy_from_environment") is True
        checks = [(header and not has_url and not from_env,
                   "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be "
                   "configured")]
        if self.version >= PROXY_VALIDATE_SINCE:
            checks += [(from_env and has_url, "if proxy_from_environment is configured, proxy_url must not be "
                                              "configured"),
                       (from_env and bool(f.get("no_proxy")), "if proxy_from_environment is configured, no_proxy "
                                                              "must not be configured"),
                       (f.get("proxy_url") is None and bool(f.get("no_proxy")),
                        "if no_proxy is configured, proxy_url must also be configured")]
        for problem, message in checks:
            if problem:
                self.c.at(PromHttpClient, f.node, f"{what}: {message}")
                return True
        return False

    def _v_OAuth2(self, f: Fields, what: str) -> None:
        if self.version >= PROXY_VALIDATE_SINCE:
            self._proxy_problem(f, what)

    def _v_TLSConfig(self, f: Fields, what: str) -> None:
        if self.version < TLS_VALIDATE_SINCE:
            return
        refs = self.version >= SECRET_REFS_SINCE
        for thing, names in (("ca", ("ca", "ca_file", "ca_ref")), ("cert", ("cert", "cert_file", "cert_ref")),
                             ("key", ("key", "key_file", "key_ref"))):
            if _count(f, names if refs else names[:2]) > 1:
                self.c.at(PromHttpClient, f.node, f"{what}: at most one of {thing} and {thing}_file must be configured")
                return
        cert = any(f.get(n) for n in ("cert", "cert_file", "cert_ref"))
        key = any(f.get(n) for n in ("key", "key_file", "key_ref"))
        if cert != key:
            self.c.at(PromHttpClient, f.node, f"{what}: a client certificate and its key must be configured together")

    def _v_SigV4Config(self, f: Fields, what: str) -> None:
        problems = [(bool(f.get("access_key")) != bool(f.get("secret_key")),
                     "must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 "
                     "config")]
        role = bool(f.get("role_arn"))
        if f.has("external_id"):
            problems.append((bool(f.get("external_id")) and not role, "external_id can only be used with role_arn"))
        if f.has("session_name"):
            name = f.get("session_name") or ""
            problems += [(bool(name) and not role, "session_name can only be used with role_arn"),
                         (bool(name) and not SESSION_NAME.fullmatch(name), "session_name must be 2-64 alphanumeric "
                                                                           "and +=,.@- characters")]
        if f.has("tags"):
            tags = f.get("tags") or {}
            problems += [(bool(tags) and not role, "tags can only be used with role_arn")]
            problems += [(True, "tag key must not be empty") for k in tags if k == ""]
        for problem, message in problems:
            if problem:
                self.c.at(PromHttpClient, f.node, f"{what}: {message}")
                return

    # --- the parts -----------------------------------------------------------------------------------

    def _v_GlobalConfig(self, f: Fields, what: str) -> None:
        scheme = f.get("metric_name_validation_scheme")
        if self.version >= DECODED_VALIDATION_SCHEME_SINCE and scheme not in (None, "", "legacy", "utf8"):
            self.c.at(PromInvalidValue, f.at("metric_name_validation_scheme"),
                      f'{what}.metric_name_validation_scheme: unrecognized ValidationScheme: "{scheme}"')
        names_scheme = None
        if self.version >= LOCAL_SCHEME_SINCE:
            names_scheme = "legacy" if scheme == "legacy" else "utf8"
        for name in (f.get("external_labels") or {}):
            if not self._label_name(name, names_scheme):
                self.c.at(PromLabelName, f.keys_["external_labels"], f'{what}.external_labels: "{name}" is not a '
                                                                      "valid label name")
        interval = f.get("scrape_interval") or DEFAULT_INTERVAL_MS
        if (f.get("scrape_timeout") or 0) > interval:
            self.c.at(PromScrapeJob, f.at("scrape_timeout"), "global scrape timeout greater than scrape interval")
        if f.has("scrape_protocols") and f.get("scrape_protocols") is not None:
            self._protocols(f, "scrape_protocols", f"{what}.scrape_protocols", "for global config")

    def _v_RuntimeConfig(self, f: Fields, what: str) -> None:
        level = f.get("log_level")
        if f.has("log_level") and level is not None and level not in schema.LOG_LEVELS:
            self.c.at(PromInvalidValue, f.at("log_level"), f'{what}.log_level: unrecognized log level "{level}"')

    def _protocols(self, f: Fields, name: str, what: str, where: str) -> None:
        protocols = f.get(name) or []
        if not protocols:
            self.c.at(PromScrapeJob, f.at(name), f"{what}: scrape_protocols cannot be empty {where}")
            return
        seen = set()
        for i, protocol in enumerate(protocols):
            at = f.nodes[name].items[i] if isinstance(f.nodes[name], SeqNode) else f.at(name)
            if protocol.lower() in seen:
                self.c.at(PromScrapeJob, at, f"{what}: duplicated protocol in scrape_protocols {where}")
                return
            seen.add(protocol.lower())
            if schema.SCRAPE_PROTOCOLS.get(protocol, (99, 0)) > self.version:
                self.c.at(PromInvalidValue, at, f"{what}: unknown scrape protocol {protocol} {where}")
                return

    def _global_timing(self, glob: Fields | None) -> tuple[int, int]:
        interval = (glob.get("scrape_interval") if glob else None) or DEFAULT_INTERVAL_MS
        timeout = (glob.get("scrape_timeout") if glob else None) or min(DEFAULT_TIMEOUT_MS, interval)
        return interval, timeout

    def _global_scheme(self, glob: Fields | None) -> str:
        """The global metric_name_validation_scheme as written ("" when unset)."""
        return (glob.get("metric_name_validation_scheme") or "") if glob else ""

    def _file_patterns(self, top: Fields, model: PrometheusConfig) -> None:
        for key, kind in (("rule_files", "rule file"), ("scrape_config_files", "scrape config file")):
            node = top.nodes.get(key)
            if not isinstance(node, SeqNode):
                continue
            for item in node.items:
                if not isinstance(item, ScalarNode):
                    continue
                text = item.as_str()
                if not RULE_PATH.fullmatch(text):
                    self.c.at(PromFilePath, item, f'invalid {kind} path "{text}"')
                elif key == "rule_files":
                    model.rule_files.append(item)

    def _scrape_configs(self, top: Fields, glob: Fields | None, interval: int, timeout: int, scheme: str) -> None:
        node = top.nodes.get("scrape_configs")
        names: dict[str, Node] = {}
        for i, job in enumerate(top.get("scrape_configs") or []):
            at = node.items[i] if isinstance(node, SeqNode) and i < len(node.items) else top.node
            if job is None:
                if _null(at):
                    self.c.at(PromScrapeJob, at, "empty or null scrape config section")
                continue
            name = job.get("job_name") or ""
            if name in names and name:
                self.c.at(PromScrapeJob, job.at("job_name"), f'found multiple scrape configs with job name "{name}"')
            names.setdefault(name, job.node)
            self._scrape_validate(job, glob, interval, timeout, scheme, f"scrape_configs[{i}]")

    def _v_ScrapeConfig(self, f: Fields, what: str) -> None:
        """ScrapeConfig.UnmarshalYAML: what needs no global setting."""
        if not f.get("job_name"):
            self.c.at(PromScrapeJob, f.at("job_name"), f"{what}: job_name is empty")
        scheme = f.get("metric_name_validation_scheme")
        if self.version >= DECODED_VALIDATION_SCHEME_SINCE and scheme not in (None, "", "legacy", "utf8"):
            self.c.at(PromInvalidValue, f.at("metric_name_validation_scheme"),
                      f'{what}.metric_name_validation_scheme: unrecognized ValidationScheme: "{scheme}"')
        self._http_client(f, what, scrape_level=True)
        if not f.get("relabel_configs"):
            self._static_urls(f, what)
        for key, label in (("relabel_configs", "target"), ("metric_relabel_configs", "metric")):
            node = f.nodes.get(key)
            for item in node.items if isinstance(node, SeqNode) else ():
                if _null(item):
                    self.c.at(PromScrapeJob, item, f"{what}: empty or null {label} relabeling rule in scrape config")

    def _static_urls(self, f: Fields, what: str) -> None:
        """checkStaticTargets: a `/` in a static target (a URL where host:port belongs)."""
        for group in f.get("static_configs") or []:
            node = group.nodes.get("targets")
            for item in node.items if isinstance(node, SeqNode) else ():
                if isinstance(item, ScalarNode) and "/" in item.as_str():
                    self.c.at(PromStaticTarget, item, f'{what}: "{item.as_str()}" is not a valid hostname (give '
                                                      "host:port; the scheme and path go in scheme: and metrics_path:)")

    def _scrape_validate(self, f: Fields, glob: Fields | None, g_interval: int, g_timeout: int, g_scheme: str,
                         what: str) -> None:
        """ScrapeConfig.Validate (and, before it existed, the same checks in Config.UnmarshalYAML)."""
        interval = f.get("scrape_interval") or g_interval
        timeout = f.get("scrape_timeout") or 0
        name = f.get("job_name") or ""
        if timeout > interval:
            self.c.at(PromScrapeJob, f.at("scrape_timeout"),
                      f'scrape timeout greater than scrape interval for scrape config with job name "{name}"')
        timeout = timeout or min(g_timeout, interval)
        v = self.version
        where = f'for scrape config with job name "{name}"'
        if f.has("scrape_protocols") and f.get("scrape_protocols") is not None:
            self._protocols(f, "scrape_protocols", f"{what}.scrape_protocols", where)
        fallback = f.get("fallback_scrape_protocol")
        if fallback and schema.SCRAPE_PROTOCOLS.get(fallback, (99, 0)) > v:
            self.c.at(PromInvalidValue, f.at("fallback_scrape_protocol"),
                      f"invalid fallback_scrape_protocol {where}: unknown scrape protocol {fallback}")
        scheme = self._job_scheme(f, g_scheme, where)
        rules = self._relabel_rules(f, "relabel_configs", what, scheme)
        self._relabel_rules(f, "metric_relabel_configs", what, scheme)
        job = ScrapeJob(name, f.node, interval, timeout, rules)
        self.jobs.append(job)
        if not any(r is None for r in rules):
            self._static_targets(f, job, what, scheme)

    def _job_scheme(self, f: Fields, g_scheme: str, where: str) -> str:
        """The job's effective name validation scheme ("legacy" or "utf8"), reporting what the target's
        loader refuses about validation and escaping schemes."""
        v = self.version
        local = f.get("metric_name_validation_scheme") or ""
        if v < (2, 55):
            return "legacy"
        if v < UTF8_NAMES_SINCE:  # 2.55: the global scheme only, and utf8 needs a flag promtool lacks
            if g_scheme == "utf8":
                self.c.at(PromInvalidValue, f.node, "utf8 name validation requested but feature not enabled via "
                                                    "--enable-feature=utf8-names")
            elif g_scheme not in ("", "legacy"):
                self.c.at(PromInvalidValue, f.node, f"unknown name validation method specified, must be either "
                                                    f"'legacy' or 'utf8', got {g_scheme}")
            return "legacy"
        if g_scheme not in ("", "legacy", "utf8"):
            if v < DECODED_VALIDATION_SCHEME_SINCE:
                self.c.at(PromInvalidValue, f.node, f"unknown global name validation method specified, must be "
                                                    f"either 'legacy' or 'utf8', got {g_scheme}")
            return "utf8"
        g_effective = g_scheme or "utf8"
        if v < ESCAPING_SINCE:
            return "utf8"  # 3.0-3.3: the job's own scheme is not read
        if local not in ("", "legacy", "utf8"):
            if v < DECODED_VALIDATION_SCHEME_SINCE:
                self.c.at(PromInvalidValue, f.at("metric_name_validation_scheme"),
                          f"unknown scrape config name validation method specified, must be either 'legacy' or "
                          f"'utf8', got {local}")
            return g_effective
        effective = local or g_effective
        glob_escaping = self._global_escaping
        if glob_escaping not in ("", *schema.ESCAPING_SCHEMES):
            self.c.at(PromInvalidValue, f.node, f"unknown global name escaping method specified: {glob_escaping!r}")
            return effective
        if glob_escaping == "":
            glob_escaping = "underscores" if g_effective == "legacy" else "allow-utf-8"
        escaping = f.get("metric_name_escaping_scheme") or ""
        if escaping == "":
            if v >= LOCAL_SCHEME_SINCE and local:
                escaping = "underscores" if local == "legacy" else "allow-utf-8"
            else:
                escaping = glob_escaping
        if escaping not in schema.ESCAPING_SCHEMES:
            self.c.at(PromInvalidValue, f.at("metric_name_escaping_scheme"),
                      f"unknown scrape config name escaping method specified: {escaping!r}")
        elif escaping == "allow-utf-8" and effective != "utf8":
            self.c.at(PromInvalidValue, f.at("metric_name_escaping_scheme"),
                      "utf8 metric names requested but validation scheme is not set to UTF8")
        return effective

    _global_escaping = ""

    # --- relabeling ----------------------------------------------------------------------------------

    def _relabel_rules(self, f: Fields, key: str, what: str, scheme: str) -> list:
        """The rules of `f[key]` (None for an entry that is not a rule), each checked as Prometheus checks it."""
        out = []
        for i, rule in enumerate(f.get(key) or []):
            if rule is None:
                out.append(None)
                continue
            out.append(self._relabel(rule, f"{what}.{key}[{i}]", scheme))
        return out

    def _relabel(self, f: Fields, what: str, scheme: str) -> Rule:
        rule = Rule(f.node, f.get("source_labels") or [],
                    source_labels_set=f.has("source_labels") and not _null(f.nodes["source_labels"]))
        if f.has("separator"):
            rule.separator = f.get("separator") or ""
        if f.has("regex"):
            rule.regex = f.get("regex") or ""
        rule.modulus = f.get("modulus") or 0
        rule.target_label = f.get("target_label") or ""
        if f.has("replacement"):
            rule.replacement = f.get("replacement") or ""
        if f.has("action"):
            rule.action = f.get("action") or ""
        self.rules.append(rule)
        problem = self._relabel_problem(rule, scheme)
        if problem:
            rule.valid = False
            at = f.at("action") if "action" in problem else (
                f.at("target_label") if "target_label" in problem else f.node)
            self.c.at(PromRelabel, at, f"{what}: {problem}")
        if f.has("regex") and f.nodes.get("regex") is not None and not _null(f.nodes["regex"]):
            from obslint.promql.regex import RegexError, check_regex

            try:
                check_regex(rule.regex or "", go_named_groups=self.version >= (2, 51))
            except RegexError:
                rule.valid = False
        if f.has("action") and f.get("action") is None and not _null(f.nodes["action"]):
            rule.valid = False  # an unknown action, reported when decoded
        return rule

    def _relabel_problem(self, r: Rule, scheme: str) -> str | None:
        """Why Prometheus refuses the relabel rule, or None."""
        v, a, target = self.version, r.action, r.target_label
        if a == "":
            return "relabel action cannot be empty"
        if a == "hashmod" and r.modulus == 0:
            return "relabel configuration for hashmod requires non-zero modulus"
        if a in ("replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal") and target == "":
            return f"relabel configuration for {a} action requires 'target_label' value"
        if v >= SCHEME_AWARE_RELABEL_SINCE:
            utf8 = scheme == "utf8"
        else:
            utf8 = self.utf8

        def name_ok(name: str) -> bool:
            return utf8_name(name) if utf8 else legacy_name(name)

        def with_references_ok(name: str) -> bool:
            return utf8_name(name) if utf8 else RELABEL_TARGET.fullmatch(name) is not None

        if v < REPLACE_LEGACY_CHECK_SINCE:
            if a in ("replace", "lowercase", "uppercase", "keepequal", "dropequal") and \
                    not RELABEL_TARGET.fullmatch(target):
                return f'"{target}" is invalid \'target_label\' for {a} action'
        else:
            if a == "replace" and "$" not in target and not name_ok(target):
                return f'"{target}" is invalid \'target_label\' for {a} action'
            if a == "replace" and "$" in target and not with_references_ok(target):
                return f'"{target}" is invalid \'target_label\' for {a} action'
            if a in ("lowercase", "uppercase", "keepequal", "dropequal") and not name_ok(target):
                return f'"{target}" is invalid \'target_label\' for {a} action'
        if a in ("lowercase", "uppercase", "keepequal", "dropequal") and r.replacement != DEFAULT_REPLACEMENT:
            return f"'replacement' can not be set for {a} action"
        if a == "labelmap" and not (with_references_ok(r.replacement) if v >= LABELMAP_UTF8_SINCE
                                    else RELABEL_TARGET.fullmatch(r.replacement)):
            return f'"{r.replacement}" is invalid \'replacement\' for {a} action'
        if a == "hashmod" and not name_ok(target):
            return f'"{target}" is invalid \'target_label\' for {a} action'
        if a in ("dropequal", "keepequal") and (r.regex is not None or r.modulus or r.separator != DEFAULT_SEPARATOR
                                                or r.replacement != DEFAULT_REPLACEMENT):
            return f"{a} action requires only 'source_labels' and `target_label`, and no other fields"
        if a in ("labeldrop", "labelkeep") and (r.source_labels_set or target or r.modulus
                                                or r.separator != DEFAULT_SEPARATOR
                                                or r.replacement != DEFAULT_REPLACEMENT):
            return f"{a} action requires only 'regex', and no other fields"
        return None

    # --- static targets, as promtool relabels them ------------------------------------------------

    def _static_targets(self, f: Fields, job: ScrapeJob, what: str, name_scheme: str) -> None:
        from obslint.promconfig.relabel import apply

        scheme = f.get("scheme") if f.has("scheme") else "http"
        base = {"job": job.name, "__scrape_interval__": _go_duration(job.interval_ms),
                "__scrape_timeout__": _go_duration(job.timeout_ms),
                "__metrics_path__": f.get("metrics_path") if f.has("metrics_path") else "/metrics",
                "__scheme__": scheme or ""}
        for key, values in (f.get("params") or {}).items():
            if values:
                base[f"__param_{key}"] = values[0]
        rules = [r for r in job.relabel_rules if r is not None]
        utf8 = self.utf8 if self.version < SCHEME_AWARE_RELABEL_SINCE else name_scheme == "utf8"
        for group in f.get("static_configs") or []:
            node = group.nodes.get("targets")
            group_labels = group.get("labels") or {}
            for item in node.items if isinstance(node, SeqNode) else ():
                if not isinstance(item, ScalarNode):
                    continue
                labels = {**group_labels, "__address__": item.as_str()}
                for name, value in base.items():
                    if not labels.get(name):
                        labels[name] = value
                if self.version < UTF8_NAMES_SINCE:
                    for key, values in (f.get("params") or {}).items():
                        if values:
                            labels[f"__param_{key}"] = values[0]
                result = apply(rules, labels, self.version, utf8)
                if result is None:
                    continue
                problem = self._target_problem(result, scheme or "")
                if problem:
                    self.c.at(PromStaticTarget, item, f"{what}: target {item.as_str()!r}: {problem}")
                    return

    def _target_problem(self, labels: dict[str, str], config_scheme: str) -> str | None:
        address = labels.get("__address__", "")
        if not address:
            return "no address (the relabel rules left no __address__)"
        if self.version < NO_DEFAULT_PORT_SINCE and split_host_port(address) is None and \
                split_host_port(address + ":1234") is not None:
            if labels.get("__scheme__", "") not in ("http", "https", ""):
                return f'invalid scheme: "{config_scheme}" (Prometheus 2 adds the scheme\'s port to a target without ' \
                       "one)"
        if "/" in address:
            return f'"{address}" is not a valid hostname'
        for label, what in (("__scrape_interval__", "scrape interval"), ("__scrape_timeout__", "scrape timeout")):
            ms = parse_duration(labels.get(label, ""))
            if ms is None:
                return f"error parsing {what}: {labels.get(label, '')!r}"
            if ms == 0:
                return f"{what} cannot be 0"
        if parse_duration(labels["__scrape_timeout__"]) > parse_duration(labels["__scrape_interval__"]):
            return "scrape timeout cannot be greater than scrape interval"
        return None

    # --- alerting, remote storage, the rest ----------------------------------------------------------

    def _alerting(self, top: Fields, scheme: str) -> None:
        alerting = top.get("alerting")
        if not isinstance(alerting, Fields):
            return
        relabel_scheme = "legacy" if scheme == "legacy" else "utf8"
        self._relabel_rules(alerting, "alert_relabel_configs", "alerting", relabel_scheme)
        for i, am in enumerate(alerting.get("alertmanagers") or []):
            if not isinstance(am, Fields):
                continue
            what = f"alerting.alertmanagers[{i}]"
            rules = self._relabel_rules(am, "relabel_configs", what, relabel_scheme)
            self._relabel_rules(am, "alert_relabel_configs", what, relabel_scheme)
            if not any(r is None for r in rules):
                self._alertmanager_targets(am, [r for r in rules if r is not None], what)

    def _v_AlertingConfig(self, f: Fields, what: str) -> None:
        node = f.nodes.get("alert_relabel_configs")
        for item in node.items if isinstance(node, SeqNode) else ():
            if _null(item):
                self.c.at(PromScrapeJob, item, f"{what}: empty or null alert relabeling rule")

    def _v_AlertmanagerConfig(self, f: Fields, what: str) -> None:
        self._http_client(f, what)
        auth = any(isinstance(f.get(k), Fields) for k in ("basic_auth", "authorization", "oauth2"))
        if auth and isinstance(f.get("sigv4"), Fields):
            self.c.at(PromHttpClient, f.at("sigv4"), f"{what}: at most one of basic_auth, authorization, oauth2, & "
                                                     "sigv4 must be configured")
        if not f.get("relabel_configs"):
            self._static_urls(f, what)
        for key in ("relabel_configs", "alert_relabel_configs"):
            node = f.nodes.get(key)
            for item in node.items if isinstance(node, SeqNode) else ():
                if _null(item):
                    self.c.at(PromScrapeJob, item, f"{what}: empty or null Alertmanager relabeling rule")
        version = f.get("api_version")
        if f.has("api_version") and version is not None:
            supported = ("v1", "v2") if self.version <= AM_API_V1_UNTIL else ("v2",)
            if version not in supported:
                self.c.at(PromInvalidValue, f.at("api_version"),
                          f"{what}: expected Alertmanager api version to be one of {list(supported)} but got "
                          f"{version}")

    def _alertmanager_targets(self, f: Fields, rules: list[Rule], what: str) -> None:
        from obslint.promconfig.relabel import apply

        for group in f.get("static_configs") or []:
            node = group.nodes.get("targets")
            for item in node.items if isinstance(node, SeqNode) else ():
                if not isinstance(item, ScalarNode):
                    continue
                labels = {**(group.get("labels") or {}), "__address__": item.as_str(),
                          "__scheme__": f.get("scheme") or "http",
                          "__alerts_path__": "/api/v2/alerts"}
                result = apply(rules, labels, self.version, self.utf8)
                if result is not None and "/" in result.get("__address__", ""):
                    self.c.at(PromStaticTarget, item, f'{what}: "{result["__address__"]}" is not a valid hostname')
                    return

    def _remote(self, top: Fields, scheme: str) -> None:
        relabel_scheme = "legacy" if scheme == "legacy" else "utf8"
        for key, label in (("remote_write", "write"), ("remote_read", "read")):
            node = top.nodes.get(key)
            names: set[str] = set()
            for i, endpoint in enumerate(top.get(key) or []):
                at = node.items[i] if isinstance(node, SeqNode) else top.node
                if endpoint is None:
                    if _null(at):
                        self.c.at(PromScrapeJob, at, f"empty or null remote {label} config section")
                    continue
                name = endpoint.get("name") or ""
                if name and name in names:
                    self.c.at(PromScrapeJob, endpoint.at("name"),
                              f'found multiple remote {label} configs with job name "{name}"')
                names.add(name)
                if key == "remote_write":
                    self._relabel_rules(endpoint, "write_relabel_configs", f"{key}[{i}]", relabel_scheme)

    def _remote_common(self, f: Fields, what: str, label: str) -> None:
        if f.get("url") is None:
            self.c.at(PromRemoteStorage, f.node, f"{what}: url for remote_{label} is empty")
        headers = f.get("headers") or {}
        for name in headers:
            if name.lower() == "authorization":
                self.c.at(PromRemoteStorage, f.keys_["headers"], f"{what}: authorization header must be changed via "
                                                                 "the basic_auth, authorization, oauth2, sigv4, "
                                                                 "azuread or google_iam parameter")
                break
            if name.lower() in RESERVED_HEADERS:
                self.c.at(PromRemoteStorage, f.keys_["headers"], f"{what}: {name} is a reserved header. It must not "
                                                                 "be changed")
                break

    def _v_RemoteWriteConfig(self, f: Fields, what: str) -> None:
        self._remote_common(f, what, "write")
        node = f.nodes.get("write_relabel_configs")
        for item in node.items if isinstance(node, SeqNode) else ():
            if _null(item):
                self.c.at(PromScrapeJob, item, f"{what}: empty or null relabeling rule in remote write config")
        message = f.get("protobuf_message")
        if f.has("protobuf_message") and message is not None and message not in PROTOBUF_MESSAGES:
            self.c.at(PromRemoteStorage, f.at("protobuf_message"), f"{what}: invalid protobuf_message value: "
                                                                   f'unknown remote write protobuf message "{message}"')
        self._http_client(f, what)
        queue = f.get("queue_config")
        if self.version >= QUEUE_VALIDATE_SINCE:
            self._queue(queue if isinstance(queue, Fields) else None, f, what)
        if self.version >= AUTH_EXCLUSIVE_SINCE:
            methods = [k for k in ("basic_auth", "authorization", "oauth2") if isinstance(f.get(k), Fields)]
            if f.get("authorization") is None and (f.get("bearer_token") or f.get("bearer_token_file")):
                methods.append("authorization")
            methods += [k for k in ("sigv4", "azuread", "google_iam") if f.has(k) and not _null(f.nodes[k])]
            if len(methods) > 1:
                self.c.at(PromHttpClient, f.node, f"{what}: at most one of basic_auth, authorization, oauth2, sigv4, "
                                                  f"azuread or google_iam must be configured. Currently configured: "
                                                  f"{methods}")
        else:
            auth = any(isinstance(f.get(k), Fields) for k in ("basic_auth", "authorization", "oauth2")) or bool(
                f.get("bearer_token") or f.get("bearer_token_file"))
            if auth and f.has("sigv4") and not _null(f.nodes["sigv4"]):
                self.c.at(PromHttpClient, f.node, f"{what}: at most one of basic_auth, authorization, oauth2, & sigv4 "
                                                  "must be configured")

    def _queue(self, q: Fields | None, f: Fields, what: str) -> None:
        values = {"capacity": 10000, "max_shards": 50, "min_shards": 1, "max_samples_per_send": 2000,
                  "min_backoff": 30, "max_backoff": 5000}
        if q is not None:
            for key in values:
                if q.has(key):
                    values[key] = q.get(key) or 0
        at = q.node if q is not None else f.node
        checks = [(values["max_shards"] <= 0, "max_shards must be positive"),
                  (values["min_shards"] <= 0, "min_shards must be positive"),
                  (values["min_shards"] > values["max_shards"], "min_shards must not be greater than max_shards"),
                  (values["max_samples_per_send"] <= 0, "max_samples_per_send must be positive"),
                  (values["capacity"] <= 0, "capacity must be positive"),
                  (values["max_backoff"] < values["min_backoff"], "max_backoff must not be less than min_backoff")]
        for bad, message in checks:
            if bad:
                self.c.at(PromRemoteStorage, at, f"{what}: remote write queue {message}")
                return

    def _v_RemoteReadConfig(self, f: Fields, what: str) -> None:
        self._remote_common(f, what, "read")
        self._http_client(f, what)

    def _v_TracingConfig(self, f: Fields, what: str) -> None:
        for name in f.get("headers") or {}:
            if name.lower() == "authorization":
                self.c.at(PromRemoteStorage, f.keys_["headers"], f"{what}: custom authorization header "
                                                                 "configuration is not yet supported")
                break
            if name.lower() in RESERVED_HEADERS:
                self.c.at(PromRemoteStorage, f.keys_["headers"], f"{what}: {name} is a reserved header. It must not "
                                                                 "be changed")
                break
        if not f.get("endpoint"):
            self.c.at(PromRemoteStorage, f.at("endpoint"), f"{what}: tracing endpoint must be set")
        compression = f.get("compression") or ""
        if compression not in ("", "gzip"):
            self.c.at(PromRemoteStorage, f.at("compression"), f"{what}: invalid compression type {compression} "
                                                              "provided, valid options: gzip")
        client = f.get("client_type")
        if f.has("client_type") and client is not None and client not in ("http", "grpc"):
            self.c.at(PromInvalidValue, f.at("client_type"), f"{what}: expected tracing client type to be to be http "
                                                             f"or grpc, but got {client}")

    def _v_TSDBConfig(self, f: Fields, what: str) -> None:
        encoding = f.get("chunk_encoding")
        floats = encoding.get("floats") if isinstance(encoding, Fields) else None
        if floats not in (None, "", "xor", "xor2"):
            self.c.at(PromInvalidValue, encoding.at("floats"), f"'storage.tsdb.chunk_encoding.floats' must be 'xor' "
                                                               f"or 'xor2', or the field must be omitted entirely, got "
                                                               f"{floats!r}")

    def _v_TSDBRetentionConfig(self, f: Fields, what: str) -> None:
        if self.version < RETENTION_CHECKS_SINCE:
            return
        if (f.get("size") or 0) < 0:
            self.c.at(PromRemoteStorage, f.at("size"), "'storage.tsdb.retention.size' must be greater than or equal "
                                                       "to 0")
        percentage = f.get("percentage") or 0
        if percentage < 0 or percentage > 100:
            self.c.at(PromRemoteStorage, f.at("percentage"), "'storage.tsdb.retention.percentage' must be in the "
                                                             "range [0, 100]")

    def _v_OTLPConfig(self, f: Fields, what: str) -> None:
        v = self.version
        promote_all = f.get("promote_all_resource_attributes") is True
        promoted, ignored = f.get("promote_resource_attributes") or [], f.get("ignore_resource_attributes") or []
        if v >= OTLP_ATTRIBUTE_CHECKS[1]:
            if promote_all and promoted:
                self.c.at(PromRemoteStorage, f.node, "'promote_all_resource_attributes' and "
                                                     "'promote_resource_attributes' cannot be configured "
                                                     "simultaneously")
                return
            if not promote_all and ignored:
                self.c.at(PromRemoteStorage, f.node, "'ignore_resource_attributes' cannot be configured unless "
                                                     "'promote_all_resource_attributes' is true")
                return
            attributes = ignored if promote_all else promoted
        elif v >= OTLP_ATTRIBUTE_CHECKS[0]:
            attributes = promoted
        else:
            return
        seen = set()
        for attribute in attributes:
            attribute = attribute.strip()
            if not attribute or attribute in seen:
                self.c.at(PromRemoteStorage, f.node, f"{what}: empty or duplicated OTel resource attribute "
                                                     f"{attribute!r}")
                return
            seen.add(attribute)

    def _otlp_strategy(self, top: Fields, scheme: str) -> None:
        otlp = top.get("otlp")
        if not isinstance(otlp, Fields) or not otlp.has("translation_strategy"):
            return
        strategy = otlp.get("translation_strategy") or ""
        if strategy == "":
            return
        since = schema.OTLP_TRANSLATION.get(strategy)
        if since is None or since > self.version:
            self.c.at(PromInvalidValue, otlp.at("translation_strategy"),
                      f'unsupported OTLP translation strategy "{strategy}"')
        elif strategy in OTLP_UTF8_STRATEGIES and scheme == "legacy":
            self.c.at(PromInvalidValue, otlp.at("translation_strategy"),
                      f'OTLP translation strategy "{strategy}" is not allowed when UTF8 is disabled')


def _null(node: Node | None) -> bool:
    return isinstance(node, ScalarNode) and node.is_null


def _count(f: Fields, names) -> int:
    return sum(1 for name in names if f.get(name))


def _ms(fields: Fields | None, name: str) -> int | None:
    return fields.get(name) if fields is not None else None


def _go_duration(ms: int) -> str:
    """model.Duration.String(): `1m`, `1m30s`, `0s`."""
    from obslint.durations import format_duration

    return format_duration(ms)


# --- the rule files a config names ----------------------------------------------------------------------

@runs("prometheus-config", RuleFilesUnmatchedInRepo)
def rule_files_unmatched(config: PrometheusConfig, collector: Collector) -> None:
    from pathlib import Path

    # findings' paths are relative to the repository root (display_root), else to the working directory
    shown = Path(collector.path)
    base = shown if shown.is_absolute() else Path(collector.config.display_root or Path.cwd()) / shown
    directory = base.parent
    for entry in config.rule_files:
        pattern = entry.as_str()
        if not pattern:
            continue
        if Path(pattern).is_absolute():
            # where the server mounts them: said only when the repository's rule folders hold rule files,
            # none named like it (files mounted from elsewhere are not the repository's business)
            if _repository_rule_files(collector.config, "*") and \
                    not _repository_rule_files(collector.config, Path(pattern).name):
                collector.at(RuleFilesUnmatchedInRepo, entry,
                             f"rule_files entry `{pattern}` is an absolute path (where the server reads it); no rule "
                             f"file under the configured rule paths is named like `{Path(pattern).name}`")
            continue
        if not list(directory.glob(pattern)) and not (directory / pattern).is_file():
            collector.at(RuleFilesUnmatchedInRepo, entry,
                         f"rule_files entry `{pattern}` matches no file relative to {directory.as_posix()}; Prometheus "
                         "loads no rules from it")


def _repository_rule_files(config, name_pattern: str) -> list:
    import fnmatch

    found = []
    for directory in config.paths.get("rules", []):
        root = config.root / directory
        if root.is_dir():
            found += [p for p in root.rglob("*") if p.is_file() and fnmatch.fnmatch(p.name, name_pattern)]
    return found
