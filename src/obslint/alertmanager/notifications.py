"""What Alertmanager sends: the templated fields of each integration per version, their defaults, the
`templates:` files of a config, and notifications rendered for groups of alerts as Alertmanager builds
them.

Which fields are templates was read from each release's notify/<integration>/*.go (every value passed
to the notifier's `tmpl(...)`, ExecuteTextString or ExecuteHTMLString) and config/notifiers.go (from 0.35
notify/<integration>/config.go) for the defaults a field takes when the config leaves it out. A field is
rendered with text/template, or html/template for email `html`, Pushover with `html: true` and Telegram
with `parse_mode: HTML`, against the group's Data (alertmanager.templates.Model): Receiver (quoted as a
regular expression, as template.Data does), Status, the group's alerts sorted as the dispatcher sorts
them (firing alerts with a zero EndsAt), GroupLabels, and the labels and annotations all alerts share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from obslint.alertmanager import goglob
from obslint.alertmanager import templates as T
from obslint.alertmanager.model import AlertmanagerConfig, Receiver, Route
from obslint.gotemplate import gotime
from obslint.gotemplate.execute import TemplateSet
from obslint.gotemplate.parse import TemplateError
from obslint.gotemplate.values import GoError
from obslint.yamlload import MapNode, Node, ScalarNode, SeqNode

# ---------------------------------------------------------------------------------------- the fields


@dataclass(frozen=True)
class FieldSpec:
    """A templated field: its path in the integration's config (`a.b`, `list[].x`, `map.*` for each
    value, `any.**` for every string inside), the versions that template it, and how it is rendered."""

    path: str
    since: int = 25
    until: int = 999  # first minor version that no longer templates it
    html: str = ""  # "" text; "always"; or "key=value": html/template when the config sets key to value


def _specs(spec: str, since: int = 25, until: int = 999, html: str = "") -> list[FieldSpec]:
    return [FieldSpec(path, since, until, html) for path in spec.split()]


_SLACK_ACTION = "type text url style name value confirm.title confirm.text confirm.ok_text confirm.dismiss_text"
_MM_ATTACHMENT = ("fallback color pretext text author_name author_link author_icon title title_link thumb_url "
                  "footer footer_icon image_url")

INTEGRATIONS: dict[str, tuple[FieldSpec, ...]] = {key: tuple(specs) for key, specs in {
    "slack_configs": _specs("channel username color title title_link pretext text fallback callback_id "
                            "icon_emoji icon_url image_url thumb_url footer fields[].title fields[].value "
                            + " ".join(f"actions[].{a}" for a in _SLACK_ACTION.split()))
    + _specs("message_text", 31),
    "pagerduty_configs": _specs("routing_key service_key description client client_url source severity class "
                                "component group images[].src images[].alt images[].href links[].href "
                                "links[].text")
    + _specs("details.*", 25, 30) + _specs("details.**", 30),
    "email_configs": _specs("to from headers.* text") + _specs("html", html="always"),
    "webhook_configs": _specs("url", 31) + _specs("payload.**", 32),
    "opsgenie_configs": _specs("api_key message description source details.* responders[].id responders[].name "
                               "responders[].username responders[].type tags note priority entity actions"),
    "wechat_configs": _specs("api_secret corp_id message to_user to_party to_tag agent_id"),
    "pushover_configs": _specs("token user_key title url url_title priority sound")
    + _specs("message", html="html=true") + _specs("device", 26),
    "victorops_configs": _specs("routing_key message_type state_message entity_display_name monitoring_tool "
                                "custom_fields.*"),
    "sns_configs": _specs("api_url topic_arn phone_number target_arn subject message attributes.*"),
    "telegram_configs": _specs("message", html="parse_mode=HTML"),
    "discord_configs": _specs("title message") + _specs("content", 28),
    "webex_configs": _specs("message") + _specs("room_id", 28),
    "msteams_configs": _specs("title text", 26) + _specs("summary", 27),
    "msteamsv2_configs": _specs("title text", 28),
    "jira_configs": _specs("project issue_type labels[] priority", 28) + _specs("summary description", 28, 30)
    + _specs("summary|summary.template description|description.template", 30),
    "rocketchat_configs": _specs("channel emoji icon_url title title_link text image_url thumb_url color "
                                 "fields[].title fields[].value actions[].text actions[].url actions[].msg", 28),
    "mattermost_configs": _specs("channel username text icon_url icon_emoji type priority.priority props.card "
                                 + " ".join(f"attachments[].{a}" for a in _MM_ATTACHMENT.split())
                                 + " attachments[].fields[].title attachments[].fields[].value", 30)
    + _specs(" ".join(a for a in _MM_ATTACHMENT.split() if a != "text") + " fields[].title fields[].value", 32),
}.items()}


def _t(name: str) -> str:
    return '{{ template "' + name + '" . }}'


_FIRING_COLOR = '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}'

# integration -> field -> [(since minor, default template)], newest last
DEFAULTS: dict[str, dict[str, list[tuple[int, str]]]] = {
    "slack_configs": {
        **{f: [(25, _t(f"slack.default.{f.replace('_', '')}"))] for f in (
            "username", "title", "title_link", "icon_emoji", "icon_url", "pretext", "text", "fallback",
            "callback_id", "footer")},
        "color": [(25, _FIRING_COLOR), (32, _t("slack.default.color"))],
    },
    "pagerduty_configs": {
        "description": [(25, '{{ template "pagerduty.default.description" .}}')],
        "client": [(25, _t("pagerduty.default.client"))],
        "client_url": [(25, _t("pagerduty.default.clientURL"))],
        "details.firing": [(25, '{{ template "pagerduty.default.instances" .Alerts.Firing }}'),
                           (30, "{{ .Alerts.Firing | toJson }}")],
        "details.resolved": [(25, '{{ template "pagerduty.default.instances" .Alerts.Resolved }}'),
                             (30, "{{ .Alerts.Resolved | toJson }}")],
        "details.num_firing": [(25, "{{ .Alerts.Firing | len }}")],
        "details.num_resolved": [(25, "{{ .Alerts.Resolved | len }}")],
    },
    "email_configs": {"html": [(25, _t("email.default.html"))],
                      "headers.Subject": [(25, _t("email.default.subject"))]},
    "opsgenie_configs": {f: [(25, _t(f"opsgenie.default.{f}"))] for f in ("message", "description", "source")},
    "wechat_configs": {f: [(25, _t(f"wechat.default.{f}"))] for f in ("message", "to_user", "to_party", "to_tag",
                                                                        "agent_id")},
    "pushover_configs": {**{f: [(25, _t(f"pushover.default.{f}"))] for f in ("title", "message", "url")},
                         "priority": [(25, '{{ if eq .Status "firing" }}2{{ else }}0{{ end }}')]},
    "victorops_configs": {f: [(25, _t(f"victorops.default.{f}"))] for f in (
        "state_message", "entity_display_name", "monitoring_tool")},
    "sns_configs": {f: [(25, _t(f"sns.default.{f}"))] for f in ("subject", "message")},
    "telegram_configs": {"message": [(25, _t("telegram.default.message"))]},
    "discord_configs": {f: [(25, _t(f"discord.default.{f}"))] for f in ("title", "message")},
    "webex_configs": {"message": [(25, _t("webex.default.message"))]},
    "msteams_configs": {"title": [(26, _t("msteams.default.title"))], "text": [(26, _t("msteams.default.text"))],
                        "summary": [(27, _t("msteams.default.summary"))]},
    "msteamsv2_configs": {f: [(28, _t(f"msteamsv2.default.{f}"))] for f in ("title", "text")},
    "jira_configs": {"summary": [(28, _t("jira.default.summary"))],
                     "description": [(28, _t("jira.default.description"))],
                     "priority": [(28, _t("jira.default.priority"))]},
    "rocketchat_configs": {**{f: [(28, _t(f"rocketchat.default.{f.replace('_', '')}"))] for f in (
        "emoji", "icon_url", "text", "title", "title_link")},
        "color": [(28, '{{ if eq .Status "firing" }}red{{ else }}green{{ end }}')]},
    "mattermost_configs": {"text": [(30, _t("mattermost.default.text"))]},
}
# the `slack.default.color` template and the mattermost defaults below arrived in 0.32
for _f in ("username", "color", "title", "title_link", "fallback"):
    DEFAULTS["mattermost_configs"].setdefault(_f, []).append((32, _t(f"mattermost.default.{_f.replace('_', '')}")))


def default_for(integration: str, path: str, minor: int) -> str | None:
    found = None
    for since, text in DEFAULTS.get(integration, {}).get(path, []):
        if since <= minor:
            found = text
    return found


@dataclass(eq=False)
class TemplatedField:
    """One templated value of a receiver: where it is (None for a default) and how it is rendered."""

    receiver: str
    integration: str  # "slack_configs"
    index: int
    path: str  # "title", "fields[1].value", "headers.Subject", "details.firing"
    text: str
    node: ScalarNode | None  # the YAML value; None when the field takes its default
    owner: Node  # the integration's config (where a default is reported)
    html: bool = False
    route_label: bool = False  # a route's `labels` value (0.34+), rendered against its group

    @property
    def label(self) -> str:
        if self.route_label:
            return f"labels.{self.path}"
        return f"{self.integration}[{self.index}].{self.path}"


def _walk(node: Node | None, path: list[str], prefix: str, out: list[tuple[str, ScalarNode]]) -> None:
    if node is None:
        return
    if not path:
        if isinstance(node, ScalarNode) and not node.is_null:
            out.append((prefix, node))
        return
    head, rest = path[0], path[1:]
    if head == "**":
        if isinstance(node, ScalarNode):
            if not node.is_null and _is_string(node):
                out.append((prefix, node))
        elif isinstance(node, MapNode):
            for k, v in node.items:
                _walk(v, ["**"], f"{prefix}.{k.text}" if prefix else k.text, out)
        elif isinstance(node, SeqNode):
            for i, v in enumerate(node.items):
                _walk(v, ["**"], f"{prefix}[{i}]", out)
        return
    if head == "*":
        if isinstance(node, MapNode):
            for k, v in node.items:
                _walk(v, rest, f"{prefix}.{k.text}" if prefix else k.text, out)
        return
    if head.endswith("[]"):
        if isinstance(node, MapNode):
            items = node.get(head[:-2])
            if isinstance(items, SeqNode):
                for i, item in enumerate(items.items):
                    _walk(item, rest, f"{prefix + '.' if prefix else ''}{head[:-2]}[{i}]", out)
        return
    if isinstance(node, MapNode):
        _walk(node.get(head), rest, f"{prefix}.{head}" if prefix else head, out)


def _is_string(node: ScalarNode) -> bool:
    """A plain scalar YAML reads as a string (not a number, bool or null): Alertmanager templates strings."""
    if node.style is not None:
        return True
    text = node.text
    return not (re.fullmatch(r"[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|"
                             r"true|false|True|False|TRUE|FALSE|yes|no|on|off|~|null|Null|NULL|\.inf|\.nan",
                             text))


def _header_key(name: str) -> str:
    """textproto.CanonicalMIMEHeaderKey for the header names configs use."""
    if not all(c.isalnum() or c == "-" for c in name):
        return name
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def _html_mode(spec: FieldSpec, config: MapNode) -> bool:
    if spec.html == "always":
        return True
    if not spec.html:
        return False
    key, _, value = spec.html.partition("=")
    node = config.get(key)
    if not isinstance(node, ScalarNode):
        return False
    return node.as_str() == value or (value == "true" and node.as_bool() is True)


def receiver_fields(receiver: Receiver, minor: int, global_node: MapNode | None = None) -> list[TemplatedField]:
    """Every templated value of a receiver's integrations, in config order, defaults included (an email's
    `from` defaults to the global smtp_from)."""
    fields: list[TemplatedField] = []
    for integration, configs in receiver.integrations.items():
        specs = [s for s in INTEGRATIONS.get(integration, ()) if s.since <= minor < s.until]
        for index, config in enumerate(configs):
            seen: set[str] = set()
            for spec in specs:
                for path in spec.path.split("|"):
                    found: list[tuple[str, ScalarNode]] = []
                    _walk(config, path.split("."), "", found)
                    for where, node in found:
                        if integration == "email_configs" and where.startswith("headers."):
                            where = "headers." + _header_key(where[len("headers."):])
                        if where in seen:
                            continue
                        seen.add(where)
                        fields.append(TemplatedField(receiver.name, integration, index, where, node.as_str(), node,
                                                     config, _html_mode(spec, config)))
            for path in DEFAULTS.get(integration, {}):
                text = default_for(integration, path, minor)
                if text is None or path in seen or _set(config, path):
                    continue
                spec = next((s for s in specs if s.path.split("|")[0] == path), None)
                fields.append(TemplatedField(receiver.name, integration, index, path, text, None, config,
                                             _html_mode(spec, config) if spec else False))
            if integration == "email_configs":
                sender = config.get("from")
                if not isinstance(sender, ScalarNode) and global_node is not None:
                    sender = global_node.get("smtp_from")
                    if isinstance(sender, ScalarNode) and "from" not in seen:
                        fields.append(TemplatedField(receiver.name, integration, index, "from", sender.as_str(),
                                                     sender, config))
                for header, node in (("To", config.get("to")), ("From", sender)):
                    if f"headers.{header}" not in seen and isinstance(node, ScalarNode):
                        fields.append(TemplatedField(receiver.name, integration, index, f"headers.{header}",
                                                     node.as_str(), node, config))
    return fields


def _set(config: MapNode, path: str) -> bool:
    """Whether the config gives the field itself (a default does not apply)."""
    head, _, rest = path.partition(".")
    node = config.get(head)
    if head == "headers" and isinstance(node, MapNode):
        return any(_header_key(k.text) == rest for k, _ in node.items)
    if not rest:
        return node is not None and not (isinstance(node, ScalarNode) and node.is_null)
    return isinstance(node, MapNode) and node.get(rest) is not None


def route_label_fields(config: AlertmanagerConfig) -> list[TemplatedField]:
    """Route `labels` values (templates from 0.34), with the route's receiver."""
    if config.version < (0, 34):
        return []
    out = []
    for route in config.routes():
        labels = route.node.get("labels") if route.node is not None else None
        if isinstance(labels, MapNode):
            for key, value in labels.items:
                if isinstance(value, ScalarNode) and not value.is_null:
                    out.append(TemplatedField(route.receiver, "", 0, key.text, value.as_str(), value, route.node,
                                              route_label=True))
    return out


# ---------------------------------------------------------------------------------- template files

@dataclass
class LoadProblem:
    glob_index: int
    kind: str  # no-match pattern read parse
    message: str
    path: str = ""
    error: TemplateError | None = None


@dataclass
class TemplateFiles:
    """The templates a config's notifications are rendered with: the version's defaults, then each
    `templates:` glob's files in order, as template.FromGlobs parses them."""

    ver: T.Version
    model: T.Model
    tset: TemplateSet
    files: list[str] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    defaults_found: bool = True
    unresolved: bool = False  # a glob that names a place outside this checkout (absolute, matching nothing)

    @property
    def complete(self) -> bool:
        """Whether every template a notification may call is known here (undefined names are sure)."""
        return self.defaults_found and not self.unresolved and not any(
            p.kind in ("pattern", "read", "parse") for p in self.problems)

    @property
    def loads(self) -> bool:
        """Whether Alertmanager would load these templates (amtool check-config accepts them)."""
        return not any(p.kind in ("pattern", "read", "parse") for p in self.problems)


def template_version(version: tuple[int, int]) -> T.Version:
    """The Version (templates.VERSIONS) for a target Alertmanager version, clamped to the known ones."""
    known = sorted(T.VERSIONS.values(), key=lambda v: v.minor)
    minor = version[1] if version[0] == 0 else known[-1].minor
    minor = min(max(minor, known[0].minor), known[-1].minor)
    return next(v for v in known if v.minor == minor)


def load_template_files(base_dir: Path, globs: list[str], version: tuple[int, int]) -> TemplateFiles:
    ver = template_version(version)
    try:
        base = T._base_set(ver, True)
        defaults_found = True
    except T.DefaultTemplatesMissing:
        base = T._base_set(ver, False)
        defaults_found = False
    files = TemplateFiles(ver, base.model, base.clone(), defaults_found=defaults_found)
    for i, pattern in enumerate(globs):
        full = pattern if Path(pattern).is_absolute() or not pattern else str(base_dir / pattern)
        try:
            paths = goglob.glob(full)
        except goglob.BadPattern as exc:
            files.problems.append(LoadProblem(i, "pattern", str(exc)))
            break  # Alertmanager stops at the first glob it cannot load
        if not paths:
            if Path(pattern).is_absolute():
                files.unresolved = True
            else:
                files.problems.append(LoadProblem(i, "no-match", f"{pattern!r} matches no file"))
            continue
        stop = False
        parsed = files.tset.clone()
        for path in paths:
            try:
                content = Path(path).read_bytes().decode("utf-8", "surrogateescape")
            except IsADirectoryError:
                files.problems.append(LoadProblem(i, "read", f"read {path}: is a directory", path))
                stop = True
                break
            except OSError as exc:
                files.problems.append(LoadProblem(i, "read", f"open {path}: {(exc.strerror or str(exc)).lower()}",
                                                  path))
                stop = True
                break
            try:
                parsed.parse(Path(path).name, content)
            except TemplateError as exc:
                files.problems.append(LoadProblem(i, "parse", str(exc), path, exc))
                stop = True
                break
            files.files.append(path)
        if stop:
            break
        files.tset = parsed
    return files


# ---------------------------------------------------------------------------------------- rendering

class RenderError(Exception):
    """A field Alertmanager could not render: the notification is not sent."""


def render_field(files: TemplateFiles, text: str, data, html: bool = False) -> str:
    """template.ExecuteTextString / ExecuteHTMLString: parse `text` into a clone of the set, execute it."""
    if text == "":
        return ""
    tset = files.tset.clone()
    try:
        tset.parse("", text)
        if html:
            from obslint.gotemplate.escape import escape_template

            escape_template(tset, "")
        return tset.execute("", data)
    except (TemplateError, GoError) as exc:
        raise RenderError(str(exc)) from None


@dataclass
class AlertInput:
    """An alert as posted to Alertmanager."""

    labels: dict[str, str]
    annotations: dict[str, str] = field(default_factory=dict)
    starts_at: datetime | None = None
    ends_at: datetime | None = None  # None: firing
    generator_url: str = ""


def fingerprint(labels: dict[str, str]) -> str:
    """model.LabelSet.Fingerprint as Alertmanager prints it: FNV-1a 64 over the sorted pairs."""
    h = 14695981039346656037
    for name in sorted(labels, key=lambda k: k.encode("utf-8", "surrogateescape")):
        for part in (name, labels[name]):
            for byte in part.encode("utf-8", "surrogateescape") + b"\xff":
                h ^= byte
                h = (h * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def _go_time(value: datetime | None) -> gotime.GoTime:
    if value is None:
        return gotime.GoTime.zero()
    ns = int(value.timestamp()) * gotime.NANOS + value.microsecond * 1000
    offset = value.utcoffset()
    loc = gotime.UTC if not offset else gotime.Location("", int(offset.total_seconds()))
    return gotime.GoTime(ns // gotime.NANOS, ns % gotime.NANOS, loc, None)


def _before(a: dict[str, str], b: dict[str, str]) -> bool:
    """model.LabelSet.Before."""
    if len(a) != len(b):
        return len(a) < len(b)
    for name in sorted(list(a) + list(b)):
        if name not in a:
            return True
        if name not in b:
            return False
        if a[name] != b[name]:
            return a[name].encode() < b[name].encode()
    return False


def _sort_key_alerts(alerts: list[AlertInput]) -> list[AlertInput]:
    """The dispatcher's order (types.AlertSlice): by job, then instance (present first), then labels."""
    import functools

    def less(x: AlertInput, y: AlertInput) -> int:
        for key in ("job", "instance"):
            xi, yi = key in x.labels, key in y.labels
            if not xi and not yi:
                continue
            if not xi:
                return 1
            if not yi:
                return -1
            if x.labels[key] != y.labels[key]:
                return -1 if x.labels[key].encode() < y.labels[key].encode() else 1
        if _before(x.labels, y.labels):
            return -1
        if _before(y.labels, x.labels):
            return 1
        return 0

    return sorted(alerts, key=functools.cmp_to_key(less))


def group_data(model: T.Model, receiver: str, group_labels: dict[str, str], alerts: list[AlertInput],
               now: datetime, external_url: str, route_labels: dict[str, str] | None = None,
               reason: str = "first notification"):
    """template.Data of a notification, as the dispatcher and notifier build it."""
    ordered = _sort_key_alerts(alerts)
    items = []
    statuses = []
    for a in ordered:
        resolved = a.ends_at is not None and a.ends_at <= now
        statuses.append(resolved)
        items.append(model.make_alert("resolved" if resolved else "firing", dict(a.labels), dict(a.annotations),
                                      _go_time(a.starts_at or now), _go_time(a.ends_at if resolved else None),
                                      a.generator_url, fingerprint(a.labels)))
    common_labels: dict[str, str] = {}
    common_annotations: dict[str, str] = {}
    if ordered:
        common_labels = dict(ordered[0].labels)
        common_annotations = dict(ordered[0].annotations)
        for a in ordered[1:]:
            common_labels = {k: v for k, v in common_labels.items() if a.labels.get(k) == v}
            common_annotations = {k: v for k, v in common_annotations.items() if a.annotations.get(k) == v}
    status = "resolved" if statuses and all(statuses) else "firing"
    return model.make_data(quote_meta(receiver), status,
                           items, dict(group_labels), common_labels, common_annotations, external_url, reason,
                           route_labels or {})


def quote_meta(s: str) -> str:
    """regexp.QuoteMeta."""
    return "".join("\\" + c if c in "\\.+*?()|[]{}^$" else c for c in s)


# --------------------------------------------------------------------------------------- notifications

@dataclass
class Group:
    """Alerts that one route sends together: same route, same values of its group_by labels."""

    route: Route
    receiver: str
    labels: dict[str, str]  # GroupLabels
    alerts: list[AlertInput] = field(default_factory=list)


def groups(config: AlertmanagerConfig, alerts: list[AlertInput], firing: list[dict[str, str]] = (),
           at: datetime | None = None) -> list[Group]:
    """The aggregation groups the alerts make, in the order their first alert arrives; inhibited alerts
    and routes muted (or not active) at `at` send nothing and are left out."""
    from obslint.alertmanager import router

    at = at or datetime.now(UTC)
    found: dict[tuple[int, tuple], Group] = {}
    others = [a.labels for a in alerts if not _resolved(a, at)] + list(firing)
    for alert in alerts:
        result = router.route_alert(config, alert.labels, others, at)
        if result.inhibitions:
            continue
        for route, state in zip(result.routes, result.times, strict=True):
            if state.muted or state.inactive:
                continue
            labels = router.group_labels(route, alert.labels)
            key = (id(route), tuple(sorted(labels.items())))
            group = found.get(key)
            if group is None:
                group = found[key] = Group(route, route.receiver, labels)
            group.alerts.append(alert)
    return list(found.values())


def _resolved(alert: AlertInput, now: datetime) -> bool:
    return alert.ends_at is not None and alert.ends_at <= now


@dataclass
class Rendered:
    field: TemplatedField
    value: str | None
    error: str | None = None
    blank: bool = False  # sent empty, not rendered: an earlier field failed (Slack from 0.32)


@dataclass
class Notification:
    group: Group
    integration: str
    index: int
    fields: list[Rendered]

    status: str = "firing"
    alert_count: int = 0
    sent_blank: bool = False  # a field failed and the message is sent anyway (Slack from 0.32)

    @property
    def name(self) -> str:
        return f"{self.integration}[{self.index}]"

    @property
    def fields_by_path(self) -> dict[str, Rendered]:
        return {r.field.path: r for r in self.fields}

    def value(self, path: str) -> str | None:
        for r in self.fields:
            if r.field.path == path:
                return r.value
        return None

    def shown(self) -> list[Rendered]:
        """The fields a preview shows: those the config sets, the main ones of the integration, errors."""
        primary = PRIMARY.get(self.integration, ())
        return [r for r in self.fields if r.field.node is not None or r.field.path in primary or r.error]

    def to_json(self) -> dict:
        return {"receiver": self.group.receiver, "route": self.group.route.path,
                "group_labels": self.group.labels, "status": self.status, "alerts": self.alert_count,
                "integration": self.name,
                "fields": {r.field.path: r.value for r in self.fields if r.error is None},
                "errors": {r.field.path: r.error for r in self.fields if r.error is not None},
                **({"sent_blank": True} if self.sent_blank else {})}


# what a preview shows of each integration when the config leaves it to the defaults
PRIMARY: dict[str, tuple[str, ...]] = {
    "slack_configs": ("title", "text"), "pagerduty_configs": ("description",),
    "email_configs": ("headers.Subject", "headers.To"), "opsgenie_configs": ("message", "description"),
    "wechat_configs": ("message",), "pushover_configs": ("title", "message"),
    "victorops_configs": ("state_message",), "sns_configs": ("subject", "message"),
    "telegram_configs": ("message",), "discord_configs": ("title", "message"), "webex_configs": ("message",),
    "msteams_configs": ("title", "text"), "msteamsv2_configs": ("title", "text"),
    "jira_configs": ("summary", "description"), "rocketchat_configs": ("title", "text"),
    "mattermost_configs": ("text",),
}


# fields the notifier cuts to a number of characters before sending (notify.TruncateInRunes)
TRUNCATED = {("slack_configs", "title"): 1024, ("pagerduty_configs", "description"): 1024,
             ("opsgenie_configs", "message"): 130, ("pushover_configs", "title"): 250,
             ("pushover_configs", "message"): 1024, ("pushover_configs", "url"): 512,
             ("telegram_configs", "message"): 4096, ("victorops_configs", "state_message"): 20480}


def truncate_runes(s: str, n: int) -> str:
    """notify.TruncateInRunes: at most n characters, the last one an ellipsis when cut."""
    if len(s) <= n:
        return s
    return s[:n] if n <= 3 else s[:n - 1] + "\u2026"


def _send_resolved_default(integration: str) -> bool:
    """send_resolved when the config does not say: false for email, Slack, WeChat and Rocket.Chat."""
    return integration not in ("email_configs", "slack_configs", "wechat_configs", "rocketchat_configs")


def notifications(config: AlertmanagerConfig, files: TemplateFiles, group: Group, now: datetime,
                  external_url: str) -> list[Notification]:
    """What each integration of the group's receiver sends for it (nothing when all the alerts it would
    send are resolved and it does not send resolved notifications)."""
    receiver = config.receivers.get(group.receiver)
    if receiver is None:
        return []
    minor = files.ver.minor
    by_integration: dict[tuple[str, int], list[TemplatedField]] = {}
    for f in receiver_fields(receiver, minor, config.global_node):
        by_integration.setdefault((f.integration, f.index), []).append(f)
    route_labels = {}
    if minor >= 34:
        route_labels = _route_labels(config, group, files, now, external_url)
    out = []
    if all(_resolved(a, now) for a in group.alerts):
        return out  # a new group of resolved alerts only: Alertmanager sends nothing
    for integration, configs in receiver.integrations.items():
        for index, node in enumerate(configs):
            alerts = group.alerts
            send_resolved = node.get("send_resolved")
            resolved_too = send_resolved.as_bool() if isinstance(send_resolved, ScalarNode) \
                and send_resolved.as_bool() is not None else _send_resolved_default(integration)
            if not resolved_too:
                alerts = [a for a in alerts if not _resolved(a, now)]
            data = group_data(files.model, group.receiver, group.labels, alerts, now, external_url, route_labels)
            rendered = []
            for f in by_integration.get((integration, index), []):
                try:
                    value = render_field(files, f.text, data, f.html)
                except RenderError as exc:
                    rendered.append(Rendered(f, None, str(exc)))
                    continue
                limit = TRUNCATED.get((integration, f.path))
                rendered.append(Rendered(f, truncate_runes(value, limit) if limit else value))
            status = "resolved" if all(_resolved(a, now) for a in alerts) else "firing"
            blank = integration == "slack_configs" and minor >= 32 and _slack_blanks(rendered, minor)
            out.append(Notification(group, integration, index, rendered, status, len(alerts), blank))
    return out


SLACK_BLANKS_SINCE = 32
_SLACK_HEAD = ("title", "title_link", "pretext", "text", "fallback", "callback_id", "image_url", "thumb_url",
               "footer", "color")
_SLACK_ACTION_ORDER = ("type", "text", "url", "style", "name", "value", "confirm.title", "confirm.text",
                       "confirm.ok_text", "confirm.dismiss_text")


def _slack_rank(path: str, minor: int) -> tuple:
    """Where the Slack notifier renders a field: the attachment's fields, its fields and actions, then the
    message's (0.35 renders the channel last, 0.32-0.34 first)."""
    if path in _SLACK_HEAD:
        return (0, _SLACK_HEAD.index(path))
    m = re.fullmatch(r"(fields|actions)\[(\d+)\]\.(.+)", path)
    if m:
        kind, i, rest = m.groups()
        order = ("title", "value") if kind == "fields" else _SLACK_ACTION_ORDER
        return (1 if kind == "fields" else 2, int(i), order.index(rest) if rest in order else 99)
    tail = ("channel", "username", "icon_emoji", "icon_url", "message_text")
    if minor >= 35:
        tail = tail[1:] + tail[:1]
    return (3, tail.index(path) if path in tail else 99)


def _slack_blanks(rendered: list[Rendered], minor: int) -> bool:
    """Slack from 0.32 does not check the template error before sending: once a field fails, it and every
    field rendered after it are sent empty (notify.TmplText renders nothing after an error). True when a
    field failed."""
    failed = [_slack_rank(r.field.path, minor) for r in rendered if r.error is not None]
    if not failed:
        return False
    first = min(failed)
    for r in rendered:
        if _slack_rank(r.field.path, minor) >= first:
            r.value = ""
            r.blank = r.error is None
    return True


def _route_labels(config: AlertmanagerConfig, group: Group, files: TemplateFiles, now: datetime,
                  external_url: str) -> dict[str, str]:
    """A route's labels (its own over its parents'), rendered against the group (0.34+)."""
    raw: dict[str, str] = {}
    chain = []
    route = group.route
    while route is not None:
        chain.append(route)
        route = route.parent
    for route in reversed(chain):
        labels = route.node.get("labels") if route.node is not None else None
        if isinstance(labels, MapNode):
            for k, v in labels.items:
                if isinstance(v, ScalarNode):
                    raw[k.text] = v.as_str()
    if not raw:
        return {}
    data = group_data(files.model, group.receiver, group.labels, group.alerts, now, external_url, raw,
                      reason="unknown")
    out = {}
    for k, v in raw.items():
        try:
            out[k] = render_field(files, v, data)
        except RenderError:
            continue
    return out


def preview(config: AlertmanagerConfig, files: TemplateFiles, alerts: list[AlertInput],
            firing: list[dict[str, str]] = (), at: datetime | None = None,
            external_url: str = "http://localhost:9093") -> list[Notification]:
    """Every notification the alerts cause, group by group."""
    at = at or datetime.now(UTC)
    out = []
    for group in groups(config, alerts, firing, at):
        out.extend(notifications(config, files, group, at, external_url))
    return out



# ------------------------------------------------------------------------------------------ analysis

@dataclass
class FieldAnalysis:
    """One templated field, parsed and type-checked against the version's data model."""

    field: TemplatedField
    parse_error: TemplateError | None = None
    problems: list = field(default_factory=list)  # obslint.gotemplate.typecheck.Problem
    reads: list = field(default_factory=list)  # obslint.gotemplate.typecheck.Read


def analyse(config: AlertmanagerConfig, files: TemplateFiles) -> list[FieldAnalysis]:
    """Every templated field of every receiver (and route labels), each parsed as Alertmanager parses it
    when it sends, then type-checked on every branch with dot the notification's Data."""
    from obslint.gotemplate.typecheck import Checker, V

    minor = files.ver.minor
    fields = [f for receiver in config.receivers.values()
              for f in receiver_fields(receiver, minor, config.global_node)]
    fields += route_label_fields(config)
    data = V(files.model.data)
    out = []
    done: dict[tuple[str, bool], FieldAnalysis] = {}  # receivers repeat the same texts
    for f in fields:
        analysis = FieldAnalysis(f)
        out.append(analysis)
        if "{{" not in f.text:
            continue
        same = done.get((f.text, f.html))
        if same is not None:
            analysis.parse_error, analysis.problems, analysis.reads = same.parse_error, same.problems, same.reads
            continue
        done[(f.text, f.html)] = analysis
        tset = files.tset.clone()
        try:
            tset.parse("", f.text)
        except TemplateError as exc:
            analysis.parse_error = exc
            continue
        checker = Checker(tset.lookup, tset.funcs, files.ver.go)
        result = checker.check(tset.lookup(""), data)
        analysis.problems = result.problems
        analysis.reads = result.reads
        if f.html:
            from obslint.gotemplate.escape import escape_template

            try:  # html/template escapes before it executes, and refuses what it cannot escape
                escape_template(tset.clone(), "")
            except TemplateError as exc:
                analysis.parse_error = exc
    return out


def config_templates(config: AlertmanagerConfig) -> list[ScalarNode]:
    """The `templates:` entries of a config."""
    node = config.document.get("templates") if isinstance(config.document, MapNode) else None
    if not isinstance(node, SeqNode):
        return []
    return [item for item in node.items if isinstance(item, ScalarNode)]


def config_files(config: AlertmanagerConfig, source: str | None = None) -> TemplateFiles:
    """The templates of a config (its `templates:` globs resolved from its file's directory), loaded once
    per model."""
    if "template-files" not in config.cache:
        base = Path(source or config.path).parent
        config.cache["template-files"] = load_template_files(base, [n.as_str() for n in config_templates(config)],
                                                             config.version)
    return config.cache["template-files"]


def config_analysis(config: AlertmanagerConfig, source: str | None = None) -> list[FieldAnalysis]:
    if "template-analysis" not in config.cache:
        config.cache["template-analysis"] = analyse(config, config_files(config, source))
    return config.cache["template-analysis"]
