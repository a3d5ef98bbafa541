"""A random Prometheus config generator for differential tests: mostly well-formed configs over the fields
obslint checks (every release's, so that older targets see fields they lack), with the mistakes people make
(a typo'd key, a string for a list, `yes` for a number, a URL for a target, a bad regex, clashing
authentication, an unknown role...) mixed in.

`config(r)` takes any random.Random (or hypothesis's st.randoms()); `batch(seed, count)` is the fixed set the
oracle tests compare. The configs use only the service discovery obslint reads field by field (static,
file, DNS, Kubernetes) and leave out what `promtool check config --syntax-only` would read from disk."""

from __future__ import annotations

import json
import random
import re


class Raw(str):
    """A scalar written as it is (plain YAML): `yes`, `1.5m`, `~`."""


def dump(value, indent: int = 0) -> str:
    """Block YAML of dicts, lists and scalars (strings double-quoted, Raw plain)."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{_key(key)}:\n{dump(item, indent + 1)}")
            else:
                lines.append(f"{pad}{_key(key)}: {dump(item, 0) if isinstance(item, (dict, list)) else _scalar(item)}")
        return "\n".join(lines)
    if isinstance(value, list):
        if not value:
            return "[]"
        lines = []
        for item in value:
            if isinstance(item, dict) and item:
                inner = dump(item, indent + 1).split("\n")
                inner[0] = inner[0][len(pad) + 2:]
                lines.append(f"{pad}- " + "\n".join(inner))
            elif isinstance(item, list) and item:
                lines.append(f"{pad}-\n{dump(item, indent + 1)}")
            else:
                lines.append(f"{pad}- {dump(item, 0) if isinstance(item, (dict, list)) else _scalar(item)}")
        return "\n".join(lines)
    return _scalar(value)


def _key(key: str) -> str:
    """A mapping key, plain when it can be."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", key) and key.lower() not in _YAML_WORDS:
        return key
    return _scalar(key)


_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _scalar(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


class _R:
    """A random source that picks an edge case with probability `edge`."""

    def __init__(self, r: random.Random, edge: float):
        self.r, self.edge = r, edge

    def p(self, probability: float) -> bool:
        return self.r.random() < probability

    def pick(self, common, edgy=()):
        if edgy and self.r.random() < self.edge:
            return self.r.choice(list(edgy))
        return self.r.choice(list(common))

    def some(self, options, most: int = 3) -> list:
        return self.r.sample(list(options), self.r.randint(0, min(most, len(options))))


DURATIONS = ["15s", "30s", "1m", "5m", "10s", "2m", "1h"]
BAD_DURATIONS = [Raw("1.5m"), "90 s", "", Raw("30"), "-1m", "1000000y", Raw("yes")]
LABELS = ["env", "team", "k8s_app", "_private", "region"]
BAD_LABELS = ["k8s-app", "0day", "app.kubernetes.io/name", "", "ümlaut"]
TARGETS = ["localhost:9090", "node-exporter:9100", "10.0.0.1:8080", "[::1]:9090", "api.example.com:443"]
BAD_TARGETS = ["http://node:9100/metrics", "node", "a:b:c", "", "node:9100/metrics", "[::1]"]
REGEXES = ["(.*)", "node-.*", "(.+):\\d+", "a|b", "(?P<host>[^:]+):.*", ".+"]
BAD_REGEXES = ["(", "a{1001}", "(?<host>x)", "(?=x)", "\\C", "[z-a]", "*"]
ACTIONS = ["replace", "keep", "drop", "labelmap", "labeldrop", "labelkeep", "hashmod", "lowercase", "uppercase",
           "keepequal", "dropequal"]
BAD_ACTIONS = ["Replace", "KEEP", "remove", "", None]
PROTOCOLS = ["PrometheusProto", "OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText0.0.4",
             "PrometheusText1.0.0", "OpenMetricsText2.0.0"]
BAD_PROTOCOLS = ["prometheusproto", "JSON", ""]
SIZES = ["512MB", "1GiB", "10KB", "0", "1.5MB"]
BAD_SIZES = [Raw("1000"), "10M", "1kb", "-1GB", "MB"]
ROLES = ["pod", "service", "endpoints", "endpointslice", "node", "ingress"]
BAD_ROLES = ["pods", "Pod", "", None, "deployment"]
LABEL_SELECTORS = ["app=web", "app in (a,b)", "!canary", "tier!=db,env", "app notin ()", "x>1"]
BAD_LABEL_SELECTORS = ["app=web=x", "a b", "Bad_/x=y", "x>a", "!app=x", "app in a"]
FIELD_SELECTORS = ["metadata.name=x", "spec.nodeName!=n1", "a==b,c=d", ""]
BAD_FIELD_SELECTORS = ["metadata.name", "a=b=c", "a=\\x"]


def global_(r: _R) -> dict:
    g = {}
    if r.p(0.6):
        g["scrape_interval"] = r.pick(DURATIONS, BAD_DURATIONS)
    if r.p(0.4):
        g["scrape_timeout"] = r.pick(["10s", "5s", "30s", "1m", "2m"], BAD_DURATIONS)
    if r.p(0.4):
        g["evaluation_interval"] = r.pick(DURATIONS, BAD_DURATIONS)
    if r.p(0.4):
        g["external_labels"] = {r.pick(LABELS, BAD_LABELS): r.pick(["prod", "eu-1", ""], ["ÿ"])
                                for _ in range(r.r.randint(1, 3))}
    if r.p(0.15):
        g["scrape_protocols"] = r.some(PROTOCOLS) if not r.p(r.edge) else [r.pick(PROTOCOLS, BAD_PROTOCOLS)] * 2
    if r.p(0.15):
        g["metric_name_validation_scheme"] = r.pick(["utf8", "legacy", ""], ["UTF8", "none"])
    if r.p(0.1):
        g["metric_name_escaping_scheme"] = r.pick(["allow-utf-8", "underscores", "dots", "values"], ["escape"])
    for key, values, bad in (("body_size_limit", SIZES, BAD_SIZES), ("sample_limit", [0, 1000], [Raw("-1"), "x"]),
                             ("rule_query_offset", DURATIONS, BAD_DURATIONS), ("keep_dropped_targets", [0, 10], [-5]),
                             ("query_log_file", ["/tmp/q.log"], [[]]), ("scrape_failure_log_file", ["f.log"], [{}]),
                             ("scrape_native_histograms", [True, False], ["maybe"]),
                             ("query_max_series", [1000], [-1]),
                             ("convert_classic_histograms_to_nhcb", [True], [Raw("1")])):
        if r.p(0.06):
            g[key] = r.pick(values, bad)
    if r.p(0.03):
        g[r.pick(["scrape_intervall", "labels", "timeout"])] = "1m"
    return g


def relabel(r: _R) -> dict:
    rule = {}
    action = r.pick(ACTIONS, BAD_ACTIONS)
    if action != "replace" or r.p(0.3):
        rule["action"] = action
    if action in ("labeldrop", "labelkeep", "labelmap"):
        rule["regex"] = r.pick(["__meta_(.+)", "tmp_.*", "job"], BAD_REGEXES)
        if action == "labelmap" and r.p(0.5):
            rule["replacement"] = r.pick(["$1", "k_${1}", "x"], ["l-$1", "", "${1}-x"])
        if r.p(r.edge):
            rule["source_labels"] = ["a"] if r.p(0.5) else []
        return rule
    if r.p(0.8):
        rule["source_labels"] = r.some(["__address__", "job", "__meta_x", "env", "__scheme__"], 2) or ["__address__"]
        if r.p(r.edge):
            rule["source_labels"] = r.pick([["k8s-app"], "__address__", [None]])
    if action in ("replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal") or r.p(r.edge):
        rule["target_label"] = r.pick(["instance", "host", "__address__", "env", "${1}", "x_$1", "__param_target"],
                                      ["host.name", "", "$1x", "1abc", "ümlaut", "a-b"])
    if action in ("replace", "keep", "drop") and r.p(0.6):
        rule["regex"] = r.pick(REGEXES, BAD_REGEXES)
    if action == "replace" and r.p(0.5):
        rule["replacement"] = r.pick(["$1", "${host}:9100", "static", "$2", "localhost:9090"], ["", "/metrics"])
    if action == "hashmod" and not r.p(r.edge):
        rule["modulus"] = r.pick([2, 8], [0, Raw("-1")])
    if r.p(r.edge):
        rule[r.pick(["separator", "replacement", "modulus", "regex"])] = r.pick([";", "$1", 3, "(.*)", None])
    return rule


def http_client(r: _R) -> dict:
    h = {}
    auth = r.pick(["none", "none", "basic", "authorization", "bearer", "oauth2"],
                  ["basic+bearer", "authorization+basic", "bearer+file", "oauth2+basic"])
    if "basic" in auth:
        h["basic_auth"] = {"username": "u", r.pick(["password", "password_file"]): "p"}
        if r.p(r.edge):
            h["basic_auth"].update({"password": "p", "password_file": "/f"})
        if r.p(0.1):
            h["basic_auth"]["username_file"] = "/u"
    if "authorization" in auth:
        h["authorization"] = {"type": r.pick(["Bearer", "Token"], ["Basic", "basic "]),
                              r.pick(["credentials", "credentials_file"]): "c"}
    if "bearer" in auth:
        h["bearer_token_file" if r.p(0.5) else "bearer_token"] = "t"
        if auth == "bearer+file":
            h["bearer_token"], h["bearer_token_file"] = "t", "/t"
    if "oauth2" in auth:
        h["oauth2"] = {"client_id": r.pick(["id"], [""]), "token_url": r.pick(["https://auth/token"], [""])}
        if r.p(0.7):
            h["oauth2"][r.pick(["client_secret", "client_secret_file"])] = "s"
        if r.p(0.2):
            h["oauth2"]["scopes"] = ["a", "b"]
        if r.p(0.1):
            h["oauth2"]["proxy_url"] = "http://proxy:3128"
    if r.p(0.25):
        tls = {}
        for key in r.some(["ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify", "ca",
                           "min_version"], 3):
            tls[key] = {"insecure_skip_verify": r.pick([True, False], ["yes please"]),
                        "min_version": r.pick(["TLS12", "TLS13"], ["TLS14", "tls12"])}.get(key, "/etc/x.pem")
        h["tls_config"] = tls
    if r.p(0.1):
        proxy = r.some(["proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header"], 2)
        for key in proxy:
            h[key] = {"proxy_url": r.pick(["http://proxy:3128"], ["http://proxy:port/", "%zz"]),
                      "no_proxy": "localhost", "proxy_from_environment": True,
                      "proxy_connect_header": {"X-Auth": ["v"]}}[key]
    if r.p(0.05):
        h["http_headers"] = {r.pick(["X-Scope-OrgID"], ["Authorization", "user-agent"]): {"values": ["a"]}}
    for key in ("follow_redirects", "enable_http2"):
        if r.p(0.05):
            h[key] = r.pick([True, False], ["no way"])
    return h


def job(r: _R, names: list[str]) -> dict:
    j = {"job_name": r.pick(names, ["", None, names[0]])}
    if r.p(0.4):
        j["scrape_interval"] = r.pick(DURATIONS, BAD_DURATIONS)
    if r.p(0.3):
        j["scrape_timeout"] = r.pick(["5s", "10s", "20s", "1m"], BAD_DURATIONS + ["5m"])
    if r.p(0.2):
        j["metrics_path"] = r.pick(["/metrics", "/probe", "/federate"])
    if r.p(0.2):
        j["scheme"] = r.pick(["http", "https"], ["ftp", "HTTP", None])
    if r.p(0.15):
        j["params"] = {"module": r.pick([["http_2xx"], ["a", "b"]], ["http_2xx", [["x"]]])}
    for key in ("honor_labels", "honor_timestamps", "track_timestamps_staleness", "enable_compression"):
        if r.p(0.06):
            j[key] = r.pick([True, False], [Raw("yes"), "maybe", Raw("1")])
    for key, values, bad in (("sample_limit", [1000, 0], [Raw("-1"), Raw("1e3")]),
                             ("body_size_limit", SIZES, BAD_SIZES),
                             ("scrape_protocols", [PROTOCOLS[:2], PROTOCOLS[3:5]], [[], ["PrometheusProto"] * 2,
                                                                                   ["JSON"]]),
                             ("fallback_scrape_protocol", ["PrometheusText0.0.4"], ["text", ""]),
                             ("scrape_classic_histograms", [True], []),
                             ("always_scrape_classic_histograms", [True], []),
                             ("native_histogram_bucket_limit", [160], [Raw("-1")]),
                             ("native_histogram_min_bucket_factor", [1.1], ["x"]),
                             ("keep_dropped_targets", [100], []), ("label_limit", [30], []),
                             ("metric_name_validation_scheme", ["legacy", "utf8"], ["bogus"]),
                             ("metric_name_escaping_scheme", ["underscores", "allow-utf-8"], ["weird"]),
                             ("convert_classic_histograms_to_nhcb", [True], []),
                             ("scrape_native_histograms", [False], []), ("extra_scrape_metrics", [True], []),
                             ("scrape_failure_log_file", ["f.log"], [])):
        if r.p(0.05):
            j[key] = r.pick(values, bad)
    if r.p(0.3):
        j.update(http_client(r))
    sd = r.pick(["static", "static", "static", "file", "kubernetes", "dns", "none"])
    if sd == "static" or r.p(0.2):
        j["static_configs"] = []
        for _ in range(r.r.randint(1, 2)):
            group = {"targets": [r.pick(TARGETS, BAD_TARGETS) for _ in range(r.r.randint(1, 3))]}
            if r.p(r.edge / 2):
                group["targets"] = r.pick(["localhost:9090", None, [[]]])
            if r.p(0.3):
                group["labels"] = {r.pick(LABELS, BAD_LABELS): r.pick(["a", "b"]) for _ in range(r.r.randint(1, 2))}
            if r.p(0.02):
                group = r.pick([None, {"target": ["x:1"]}])
            j["static_configs"].append(group)
    if sd == "file":
        j["file_sd_configs"] = [{"files": r.pick([["targets/*.json"], ["a.yml", "b.yaml"]],
                                                 [[], ["targets/*/x.json"], ["t.txt"], None])}]
        if r.p(0.3):
            j["file_sd_configs"][0]["refresh_interval"] = r.pick(DURATIONS, BAD_DURATIONS)
    if sd == "dns":
        j["dns_sd_configs"] = [{"names": r.pick([["_prometheus._tcp.example.com"]], [[], None])}]
        if r.p(0.5):
            j["dns_sd_configs"][0]["type"] = r.pick(["SRV", "A", "srv", "AAAA"], ["CNAME", ""])
        if r.p(0.5):
            j["dns_sd_configs"][0]["port"] = r.pick([9100], [0, "x"])
    if sd == "kubernetes":
        k = {"role": r.pick(ROLES, BAD_ROLES)}
        if r.p(0.4):
            k["selectors"] = [{"role": r.pick([k["role"] if k["role"] in ROLES else "pod", "node", "pod"], BAD_ROLES),
                               r.pick(["label", "field"]): r.pick(LABEL_SELECTORS + FIELD_SELECTORS,
                                                                  BAD_LABEL_SELECTORS + BAD_FIELD_SELECTORS)}
                              for _ in range(r.r.randint(1, 2))]
        if r.p(0.3):
            k["namespaces"] = {"names": ["monitoring"]} if not r.p(0.4) else {"own_namespace": True}
        if r.p(0.2):
            k["api_server"] = r.pick(["https://k8s.example.com:6443"], ["://x"])
        if r.p(0.15):
            k["kubeconfig_file"] = "/etc/kube/config"
        if r.p(0.15):
            k.update(http_client(r))
        if r.p(0.1):
            k["attach_metadata"] = {r.pick(["node", "namespace", "deployment"]): True}
        j["kubernetes_sd_configs"] = [k]
    if r.p(0.45):
        j["relabel_configs"] = [relabel(r) for _ in range(r.r.randint(1, 3))]
    if r.p(0.25):
        j["metric_relabel_configs"] = [relabel(r) for _ in range(r.r.randint(1, 2))]
    if r.p(0.03):
        j[r.pick(["scrape_intervals", "target", "static_config", "relabel_config"])] = []
    return j


def alerting(r: _R) -> dict:
    am = {"static_configs": [{"targets": [r.pick(["alertmanager:9093", "am-0:9093"], ["http://am:9093/"])]}]}
    if r.p(0.3):
        am["api_version"] = r.pick(["v2", "v1"], ["v3", "V2"])
    if r.p(0.2):
        am["path_prefix"] = "/alertmanager"
    if r.p(0.2):
        am["timeout"] = r.pick(["10s"], BAD_DURATIONS)
    if r.p(0.2):
        am["scheme"] = r.pick(["https", "http"])
    if r.p(0.2):
        am.update(http_client(r))
    if r.p(0.2):
        am["relabel_configs"] = [relabel(r)]
    if r.p(0.1):
        am["alert_relabel_configs"] = [relabel(r)]
    if r.p(0.05):
        am["sigv4"] = {"region": "eu-west-1"}
    out = {"alertmanagers": [am]}
    if r.p(0.3):
        out["alert_relabel_configs"] = [relabel(r)]
    return out


def remote(r: _R, kind: str, names: list[str]) -> dict:
    rw = {}
    if not r.p(r.edge):
        rw["url"] = r.pick(["https://metrics.example.com/api/v1/write", "http://cortex:9009/api/v1/push"],
                           ["http://x:port/", "%zz", None])
    if r.p(0.4):
        rw["name"] = r.pick(names)
    if r.p(0.2):
        rw["remote_timeout"] = r.pick(["30s"], BAD_DURATIONS)
    if r.p(0.15):
        rw["headers"] = {r.pick(["X-Scope-OrgID", "X-Tenant"], ["Authorization", "Content-Type", "User-Agent"]): "a"}
    if r.p(0.25):
        rw.update(http_client(r))
    if kind == "write":
        if r.p(0.2):
            rw["queue_config"] = {k: r.pick(v, bad) for k, v, bad in (
                ("max_shards", [50, 10], [0, -1]), ("min_shards", [1, 5], [0, 100]), ("capacity", [2500], [0]),
                ("max_samples_per_send", [500], [0]), ("min_backoff", ["30ms"], ["1h"]),
                ("max_backoff", ["5s"], ["1ms"])) if r.p(0.4)}
        if r.p(0.1):
            rw["metadata_config"] = {"send": r.pick([True, False]), "send_interval": r.pick(["1m"], BAD_DURATIONS)}
        if r.p(0.1):
            rw["protobuf_message"] = r.pick(["prometheus.WriteRequest", "io.prometheus.write.v2.Request"], ["v2"])
        if r.p(0.08):
            rw["sigv4"] = {"region": "eu-west-1", **({"access_key": "a"} if r.p(r.edge) else {})}
        if r.p(0.1):
            rw["write_relabel_configs"] = [relabel(r)]
        if r.p(0.05):
            rw["send_exemplars"] = r.pick([True], ["sure"])
        if r.p(0.04):
            rw[r.pick(["round_robin_dns", "send_native_histograms", "convert_nhcb_to_classic"])] = True
    else:
        if r.p(0.2):
            rw["read_recent"] = r.pick([True], [Raw("2")])
        if r.p(0.1):
            rw["required_matchers"] = {r.pick(LABELS, BAD_LABELS): "x"}
        if r.p(0.05):
            rw["chunked_read_limit"] = r.pick([1000], [-5])
    return rw


def config(r: random.Random, edge: float | None = None) -> str:
    """A random config as YAML text (about half of them valid at the newest target)."""
    rr = _R(r, edge if edge is not None else r.choice([0.05, 0.1, 0.2]))
    doc: dict = {}
    if rr.p(0.6):
        doc["global"] = global_(rr)
    if rr.p(0.2):
        doc["rule_files"] = [rr.pick(["rules/*.yml", "alerts.yml", "/etc/prometheus/rules/*.yaml"],
                                     ["rules/*/x.yml", "**/*.yml"]) for _ in range(rr.r.randint(1, 2))]
    if rr.p(0.05):
        doc["scrape_config_files"] = [rr.pick(["jobs/*.yml"], ["*/jobs.yml"])]
    names = rr.r.sample(["prometheus", "node", "api", "blackbox", "pods"], 3)
    jobs = [job(rr, names) for _ in range(rr.r.randint(0, 3))]
    if jobs or rr.p(0.5):
        doc["scrape_configs"] = jobs
    if rr.p(0.25):
        doc["alerting"] = alerting(rr)
    if rr.p(0.2):
        doc["remote_write"] = [remote(rr, "write", names) for _ in range(rr.r.randint(1, 2))]
    if rr.p(0.1):
        doc["remote_read"] = [remote(rr, "read", names) for _ in range(rr.r.randint(1, 2))]
    if rr.p(0.08):
        tsdb = {"out_of_order_time_window": rr.pick(["10m", "0s"], BAD_DURATIONS)}
        if rr.p(0.3):
            tsdb["retention"] = {"time": rr.pick(["15d"], ["-1h"]), "size": rr.pick(SIZES, ["-1GB"]),
                                 **({"percentage": rr.pick([50], [101, -1])} if rr.p(0.5) else {})}
        if rr.p(0.2):
            tsdb["chunk_encoding"] = {"floats": rr.pick(["xor", "xor2"], ["XOR", "gorilla"])}
        doc["storage"] = {"tsdb": tsdb, **({"exemplars": {"max_exemplars": rr.pick([100000], ["many"])}}
                                           if rr.p(0.3) else {})}
    if rr.p(0.06):
        doc["tracing"] = {k: v for k, v in (
            ("endpoint", rr.pick(["localhost:4317"], [""])), ("client_type", rr.pick(["grpc", "http"], ["udp"])),
            ("compression", rr.pick(["gzip"], ["zstd"])), ("sampling_fraction", rr.pick([0.1], ["x"])),
            ("headers", {rr.pick(["X-Org"], ["Authorization", "Host"]): "a"})) if rr.p(0.6) or k == "endpoint"}
    if rr.p(0.06):
        otlp = {}
        if rr.p(0.5):
            otlp["promote_resource_attributes"] = rr.pick([["service.name", "k8s.pod.name"]],
                                                          [["a", "a"], [" "], []])
        if rr.p(0.3):
            otlp["translation_strategy"] = rr.pick(["UnderscoreEscapingWithSuffixes", "NoUTF8EscapingWithSuffixes",
                                                    "NoTranslation"], ["Bogus"])
        if rr.p(0.2):
            otlp["promote_all_resource_attributes"] = True
        if rr.p(0.2):
            otlp["ignore_resource_attributes"] = ["host.name"]
        doc["otlp"] = otlp
    if rr.p(0.04):
        doc["runtime"] = {"gogc": rr.pick([75], ["lots"]), **({"log_level": rr.pick(["info", "debug"], ["loud"])}
                                                              if rr.p(0.5) else {})}
    if rr.p(0.02):
        doc[rr.pick(["scrape_config", "rules", "remote_writes"])] = []
    return dump(doc) + "\n" if doc else "{}\n"


def batch(seed: int, count: int) -> list[str]:
    r = random.Random(seed)
    return [config(r) for _ in range(count)]
