"""The fields Prometheus's config loader knows, per struct and per release (it decodes strictly: an unknown
key refuses the whole file). Written from config/config.go, model/relabel, discovery/{kubernetes,file,dns,
targetgroup} of each release from 2.42 to 3.16, and from the prometheus/common (config/http_config.go,
headers.go) and sigv4 modules each release's go.mod names.

Types: str, secret, bool, int, uint, float, duration, size (units.Base2Bytes: `512MB`, `1GiB`), url,
strlist, strmap, headers (name -> Header), labelnames, labelset (model.LabelSet: names checked as they are
decoded), labels (external_labels), params (url.Values), regex, action, protocol, protocols, tlsversion, any
(not checked further), the name of another struct here ("[Name]" for a list of them), or "enum:a|b" (exact values).

A struct's "INLINE" entries name structs whose fields sit in the same mapping (Go's `yaml:",inline"`).
"""

from __future__ import annotations

Version = tuple[int, int]

OLDEST: Version = (2, 42)


def _fields(spec: str) -> dict[str, str]:
    """`name:type name:type ...` (type str when omitted)."""
    out = {}
    for item in spec.split():
        name, _, kind = item.partition(":")
        out[name] = kind or "str"
    return out


_HTTP_INLINE = {"INLINE": "HTTPClientConfig"}

STRUCTS: dict[str, dict[str, str]] = {
    "Config": _fields(
        "global:GlobalConfig runtime:RuntimeConfig alerting:AlertingConfig rule_files:strlist "
        "scrape_config_files:strlist scrape_configs:[ScrapeConfig] storage:StorageConfig tracing:TracingConfig "
        "remote_write:[RemoteWriteConfig] remote_read:[RemoteReadConfig] otlp:OTLPConfig"),
    "GlobalConfig": _fields(
        "scrape_interval:duration scrape_timeout:duration scrape_protocols:protocols evaluation_interval:duration "
        "rule_query_offset:duration query_log_file query_max_series:uint query_max_samples_read:uint "
        "query_max_duration:duration scrape_failure_log_file external_labels:labels body_size_limit:size "
        "sample_limit:uint target_limit:uint label_limit:uint label_name_length_limit:uint "
        "label_value_length_limit:uint keep_dropped_targets:uint metric_name_validation_scheme "
        "metric_name_escaping_scheme scrape_native_histograms:bool convert_classic_histograms_to_nhcb:bool "
        "always_scrape_classic_histograms:bool extra_scrape_metrics:bool"),
    "RuntimeConfig": _fields("gogc:int log_level"),
    "ScrapeConfig": {**_fields(
        "job_name honor_labels:bool honor_timestamps:bool track_timestamps_staleness:bool params:params "
        "scrape_interval:duration scrape_timeout:duration scrape_protocols:protocols "
        "fallback_scrape_protocol:protocol scrape_native_histograms:bool always_scrape_classic_histograms:bool "
        "scrape_classic_histograms:bool convert_classic_histograms_to_nhcb:bool scrape_failure_log_file "
        "metrics_path scheme enable_compression:bool body_size_limit:size sample_limit:uint target_limit:uint "
        "label_limit:uint label_name_length_limit:uint label_value_length_limit:uint "
        "native_histogram_bucket_limit:uint native_histogram_min_bucket_factor:float keep_dropped_targets:uint "
        "metric_name_validation_scheme metric_name_escaping_scheme extra_scrape_metrics:bool "
        "relabel_configs:[RelabelConfig] metric_relabel_configs:[RelabelConfig]"),
        **_HTTP_INLINE, "SD": "yes"},
    "StorageConfig": _fields("tsdb:TSDBConfig exemplars:ExemplarsConfig"),
    "TSDBConfig": _fields("out_of_order_time_window:duration stale_series_compaction_threshold:float "
                          "chunk_encoding:ChunkEncodingConfig retention:TSDBRetentionConfig"),
    "TSDBRetentionConfig": _fields("time:duration size:size percentage:float"),
    "ChunkEncodingConfig": _fields("floats"),
    "ExemplarsConfig": _fields("max_exemplars:int"),
    "TracingConfig": _fields("client_type endpoint sampling_fraction:float insecure:bool tls_config:TLSConfig "
                             "headers:strmap compression timeout:duration"),
    "AlertingConfig": _fields("alert_relabel_configs:[RelabelConfig] alertmanagers:[AlertmanagerConfig]"),
    "AlertmanagerConfig": {**_fields("sigv4:SigV4Config scheme path_prefix timeout:duration api_version "
                                     "relabel_configs:[RelabelConfig] alert_relabel_configs:[RelabelConfig]"),
                           **_HTTP_INLINE, "SD": "yes"},
    "RemoteWriteConfig": {**_fields(
        "url:url remote_timeout:duration headers:strmap write_relabel_configs:[RelabelConfig] name "
        "send_exemplars:bool send_native_histograms:bool round_robin_dns:bool protobuf_message "
        "failed_request_logging:bool queue_config:QueueConfig metadata_config:MetadataConfig sigv4:SigV4Config "
        "azuread:any google_iam:GoogleIAMConfig convert_nhcb_to_classic:bool"), **_HTTP_INLINE},
    "QueueConfig": _fields("capacity:int max_shards:int min_shards:int max_samples_per_send:int "
                           "batch_send_deadline:duration min_backoff:duration max_backoff:duration "
                           "retry_on_http_429:bool sample_age_limit:duration"),
    "MetadataConfig": _fields("send:bool send_interval:duration max_samples_per_send:int"),
    "RemoteReadConfig": {**_fields("url:url remote_timeout:duration chunked_read_limit:uint headers:strmap "
                                   "read_recent:bool name required_matchers:labelset filter_external_labels:bool"),
                         **_HTTP_INLINE},
    "OTLPConfig": _fields(
        "promote_all_resource_attributes:bool promote_resource_attributes:strlist ignore_resource_attributes:strlist "
        "translation_strategy keep_identifying_resource_attributes:bool convert_histograms_to_nhcb:bool "
        "promote_scope_metadata:bool label_name_underscore_sanitization:bool "
        "label_name_preserve_multiple_underscores:bool"),
    "RelabelConfig": _fields("source_labels:labelnames separator:str regex:regex modulus:uint target_label "
                             "replacement action:action"),
    "SigV4Config": _fields("region access_key secret_key:secret profile role_arn external_id session_name "
                           "tags:strmap use_fips_sts_endpoint:bool service_name"),
    "GoogleIAMConfig": _fields("credentials_file"),
    # prometheus/common's HTTP client
    "HTTPClientConfig": {**_fields(
        "basic_auth:BasicAuth authorization:Authorization oauth2:OAuth2 bearer_token:secret bearer_token_file "
        "tls_config:TLSConfig follow_redirects:bool enable_http2:bool http_headers:headers"),
        "INLINE": "ProxyConfig"},
    "ProxyConfig": _fields("proxy_url:url no_proxy proxy_from_environment:bool proxy_connect_header:proxyheader"),
    "BasicAuth": _fields("username username_file username_ref password:secret password_file password_ref"),
    "Authorization": _fields("type credentials:secret credentials_file credentials_ref"),
    "OAuth2": {**_fields(
        "client_id client_secret:secret client_secret_file client_secret_ref client_certificate_key_id "
        "client_certificate_key:secret client_certificate_key_file client_certificate_key_ref grant_type "
        "signature_algorithm iss audience claims:any scopes:strlist token_url endpoint_params:strmap "
        "tls_config:TLSConfig"), "INLINE": "ProxyConfig"},
    "TLSConfig": _fields("ca cert key:secret ca_file cert_file key_file ca_ref cert_ref key_ref server_name "
                         "insecure_skip_verify:bool min_version:tlsversion max_version:tlsversion"),
    "Header": _fields("values:strlist secrets:strlist files:strlist"),  # each entry of http_headers
    # service discovery: the mechanisms obslint checks field by field
    "StaticConfig": _fields("targets:strlist labels:labelset"),
    "FileSDConfig": _fields("files:strlist refresh_interval:duration"),
    "DNSSDConfig": _fields("names:strlist refresh_interval:duration type port:int"),
    "KubernetesSDConfig": {**_fields("api_server:url role kubeconfig_file namespaces:NamespaceDiscovery "
                                     "selectors:[SelectorConfig] attach_metadata:AttachMetadataConfig"),
                           **_HTTP_INLINE},
    "NamespaceDiscovery": _fields("own_namespace:bool names:strlist"),
    "SelectorConfig": _fields("role label field"),
    "AttachMetadataConfig": _fields("node:bool namespace:bool deployment:bool job:bool cronjob:bool"),
}

# fields newer than 2.42: the first release that has them
SINCE: dict[str, Version] = {
    **{f: (2, 43) for f in ("Config.scrape_config_files", "ProxyConfig.no_proxy", "ProxyConfig.proxy_from_environment",
                            "OAuth2.INLINE")},
    **{f: (2, 45) for f in ("GlobalConfig.body_size_limit", "GlobalConfig.label_limit",
                            "GlobalConfig.label_name_length_limit", "GlobalConfig.label_value_length_limit",
                            "GlobalConfig.sample_limit", "GlobalConfig.target_limit", "RemoteWriteConfig.azuread",
                            "ScrapeConfig.native_histogram_bucket_limit", "ScrapeConfig.scrape_classic_histograms",
                            "TLSConfig.ca", "TLSConfig.cert", "TLSConfig.key")},
    **{f: (2, 47) for f in ("GlobalConfig.keep_dropped_targets", "ScrapeConfig.keep_dropped_targets")},
    **{f: (2, 48) for f in ("AlertmanagerConfig.sigv4", "ScrapeConfig.track_timestamps_staleness")},
    **{f: (2, 49) for f in ("GlobalConfig.scrape_protocols", "ScrapeConfig.enable_compression",
                            "ScrapeConfig.scrape_protocols", "BasicAuth.username_file")},
    **{f: (2, 50) for f in ("QueueConfig.sample_age_limit", "ScrapeConfig.native_histogram_min_bucket_factor")},
    "AlertmanagerConfig.alert_relabel_configs": (2, 51),
    **{f: (2, 53) for f in ("Config.runtime", "GlobalConfig.rule_query_offset", "RuntimeConfig.gogc",
                            "Authorization.credentials_ref", "BasicAuth.password_ref", "BasicAuth.username_ref",
                            "HTTPClientConfig.http_headers", "OAuth2.client_secret_ref", "TLSConfig.ca_ref",
                            "TLSConfig.cert_ref", "TLSConfig.key_ref")},
    "RemoteWriteConfig.protobuf_message": (2, 54),
    **{f: (2, 55) for f in ("Config.otlp", "GlobalConfig.metric_name_validation_scheme",
                            "GlobalConfig.scrape_failure_log_file", "OTLPConfig.promote_resource_attributes",
                            "RemoteReadConfig.chunked_read_limit", "RemoteWriteConfig.google_iam",
                            "ScrapeConfig.metric_name_validation_scheme", "ScrapeConfig.scrape_failure_log_file")},
    **{f: (3, 0) for f in ("OTLPConfig.translation_strategy", "ScrapeConfig.always_scrape_classic_histograms",
                           "ScrapeConfig.convert_classic_histograms_to_nhcb", "ScrapeConfig.fallback_scrape_protocol")},
    **{f: (3, 1) for f in ("OTLPConfig.keep_identifying_resource_attributes", "RemoteWriteConfig.round_robin_dns")},
    **{f: (3, 4) for f in ("GlobalConfig.convert_classic_histograms_to_nhcb",
                           "GlobalConfig.metric_name_escaping_scheme", "OTLPConfig.convert_histograms_to_nhcb",
                           "ScrapeConfig.metric_name_escaping_scheme")},
    **{f: (3, 5) for f in ("GlobalConfig.always_scrape_classic_histograms", "OTLPConfig.ignore_resource_attributes",
                           "OTLPConfig.promote_all_resource_attributes")},
    **{f: (3, 6) for f in ("OTLPConfig.promote_scope_metadata", "AttachMetadataConfig.namespace")},
    **{f: (3, 8) for f in ("GlobalConfig.scrape_native_histograms", "ScrapeConfig.scrape_native_histograms",
                           "OTLPConfig.label_name_preserve_multiple_underscores",
                           "OTLPConfig.label_name_underscore_sanitization", "TSDBConfig.retention",
                           "TSDBRetentionConfig.*", "OAuth2.audience", "OAuth2.client_certificate_key",
                           "OAuth2.client_certificate_key_file", "OAuth2.client_certificate_key_id",
                           "OAuth2.client_certificate_key_ref", "OAuth2.grant_type", "OAuth2.iss",
                           "OAuth2.signature_algorithm")},
    **{f: (3, 10) for f in ("GlobalConfig.extra_scrape_metrics", "ScrapeConfig.extra_scrape_metrics",
                            "TSDBConfig.stale_series_compaction_threshold")},
    **{f: (3, 11) for f in ("TSDBRetentionConfig.percentage", "AttachMetadataConfig.deployment",
                            "AttachMetadataConfig.job", "AttachMetadataConfig.cronjob")},
    **{f: (3, 13) for f in ("TSDBConfig.chunk_encoding", "ChunkEncodingConfig.*", "OAuth2.claims")},
    **{f: (3, 15) for f in ("RemoteWriteConfig.failed_request_logging", "RuntimeConfig.log_level")},
    **{f: (3, 16) for f in ("GlobalConfig.query_max_duration", "GlobalConfig.query_max_samples_read",
                            "GlobalConfig.query_max_series", "RemoteWriteConfig.convert_nhcb_to_classic")},
    # sigv4: prometheus/common/sigv4 0.1 (to 3.0), then prometheus/sigv4 (3.1 and later; fields as its releases)
    **{f: (3, 5) for f in ("SigV4Config.use_fips_sts_endpoint", "SigV4Config.service_name")},
    **{f: (3, 8) for f in ("SigV4Config.external_id",)},
    **{f: (3, 11) for f in ("SigV4Config.session_name", "SigV4Config.tags")},
}

# fields removed: the last release that has them
UNTIL: dict[str, Version] = {
    "ScrapeConfig.scrape_classic_histograms": (2, 55),  # renamed always_scrape_classic_histograms in 3.0
    "OAuth2.proxy_url": (2, 42),  # before ProxyConfig was inlined (2.43)
}

# fields renamed or removed in a release, for messages and the migration checks: (struct.field, release, what)
RENAMED = {
    "ScrapeConfig.scrape_classic_histograms": ((3, 0), "always_scrape_classic_histograms"),
}


def _available(key: str, version: Version) -> bool:
    struct = key.split(".", 1)[0]
    if SINCE.get(f"{struct}.*", OLDEST) > version:
        return False
    if SINCE.get(key, OLDEST) > version:
        return False
    until = UNTIL.get(key)
    return until is None or version <= until


def known_fields(struct: str, version: Version) -> dict[str, str]:
    """The fields of `struct` at `version`, inlined ones included (not the service-discovery fields)."""
    out: dict[str, str] = {}
    for name, kind in STRUCTS[struct].items():
        if name == "SD":
            continue
        if name == "INLINE":
            if _available(f"{struct}.INLINE", version):
                out.update(known_fields(kind, version))
            continue
        if _available(f"{struct}.{name}", version):
            out[name] = kind
    if struct == "OAuth2" and version < (2, 43):
        out["proxy_url"] = "url"
    if struct == "HTTPClientConfig" and version < (2, 43):
        out.update({"proxy_url": "url", "proxy_connect_header": "proxyheader"})
    return out


def newer_field(struct: str, name: str) -> Version | None:
    """The first release that has `struct.name` (None: no release in range has it)."""
    if name in STRUCTS.get(struct, {}) and name not in ("SD", "INLINE"):
        return max(SINCE.get(f"{struct}.{name}", OLDEST), SINCE.get(f"{struct}.*", OLDEST))
    inline = STRUCTS.get(struct, {}).get("INLINE")
    if inline:
        found = newer_field(inline, name)
        if found is not None:
            return max(found, SINCE.get(f"{struct}.INLINE", OLDEST))
    return None


# service-discovery mechanisms: `<name>_sd_configs` (and static_configs), the first release that has each
SD_MECHANISMS: dict[str, Version] = {
    **{name: OLDEST for name in (
        "azure consul digitalocean dns docker dockerswarm ec2 eureka file gce hetzner http ionos kubernetes kuma "
        "lightsail linode marathon nerve nomad openstack ovhcloud puppetdb scaleway serverset triton uyuni "
        "vultr").split()},
    "stackit": (3, 5), "aws": (3, 8), "ecs": (3, 8), "msk": (3, 10), "elasticache": (3, 11), "rds": (3, 11),
    "outscale": (3, 12), "oci": (3, 14),
}
# the mechanisms obslint checks field by field; the others are read as lists of mappings (their fields
# are each cloud's own and change with its SDK)
SD_STRUCTS = {"file": "FileSDConfig", "dns": "DNSSDConfig", "kubernetes": "KubernetesSDConfig"}


def sd_fields(version: Version) -> dict[str, str]:
    """`<name>_sd_configs` keys (and static_configs) known at `version`: key -> struct or "any"."""
    out = {"static_configs": "StaticConfig"}
    for name, since in SD_MECHANISMS.items():
        if since <= version:
            out[f"{name}_sd_configs"] = SD_STRUCTS.get(name, "any")
    return out


def sd_since(key: str) -> Version | None:
    name = key.removesuffix("_sd_configs")
    return SD_MECHANISMS.get(name) if key.endswith("_sd_configs") else None


# scrape protocols the loader accepts, with the first release that knows each
SCRAPE_PROTOCOLS: dict[str, Version] = {
    "PrometheusProto": (2, 49), "OpenMetricsText0.0.1": (2, 49), "OpenMetricsText1.0.0": (2, 49),
    "PrometheusText0.0.4": (2, 49), "PrometheusText1.0.0": (3, 0), "OpenMetricsText2.0.0": (3, 15),
}
KUBERNETES_ROLES = ("pod", "service", "endpoints", "endpointslice", "node", "ingress")
TLS_VERSIONS = ("TLS10", "TLS11", "TLS12", "TLS13")
OTLP_TRANSLATION: dict[str, Version] = {
    "UnderscoreEscapingWithSuffixes": (3, 0), "NoUTF8EscapingWithSuffixes": (3, 0), "NoTranslation": (3, 4),
    "UnderscoreEscapingWithoutSuffixes": (3, 6),
}
ESCAPING_SCHEMES = ("allow-utf-8", "underscores", "dots", "values")
LOG_LEVELS = ("debug", "info", "warn", "error")
