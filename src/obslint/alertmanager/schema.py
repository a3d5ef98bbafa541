"""The fields Alertmanager's config decoder knows, per struct and per version (it decodes strictly:
an unknown key refuses the whole file), and the Go type each field decodes into.

Written from config/{config,notifiers}.go, config/common/, notify/*/config.go, timeinterval/,
tracing/ and eventrecorder/ of each release 0.25 to 0.35, and from the prometheus/common
(`http_config`, `tls_config`, `oauth2`, proxies, headers) and sigv4 modules each release's go.mod
requires. Versions are Alertmanager's (major, minor); a field of prometheus/common is dated by the
first Alertmanager release whose go.mod requires a common version that has it. The 0.25 oracle is
Debian's build, which links prometheus/common 0.39 (upstream's 0.25.0 binary links 0.38, which lacks
`proxy_connect_header`): obslint follows Debian's.

Types: str (any scalar, kept as its text), bool, int, uint, float, duration (Prometheus's `1h30m`),
goduration (Go's time.Duration: `1m30s`, or an integer of nanoseconds), textduration (Go's
time.ParseDuration of any scalar's text), url (http or https with a host), secreturl (a url, or
`<secret>`), templateurl (a url, a Go template, or `<secret>`), commonurl (whatever Go's url.Parse
reads), hostport (`host:port`), tlsversion (TLS10..TLS13), regex (RE2), matchers (a list of
matcher strings), jirafield (a string, or a JiraFieldConfig), any (not checked); `[T]` a list of T,
`{T}` a mapping of strings to T, `*S` an optional struct S (null is nil), `S` a struct.
"""

from __future__ import annotations

SINCE_0_25 = (0, 25)
OLDEST, NEWEST = (0, 25), (0, 35)


def _fields(spec: str, **types: str) -> dict[str, str]:
    return {name: types.get(name, "str") for name in spec.split()}


def _notifier(spec: str, **types: str) -> dict[str, str]:
    """An integration: NotifierConfig inline (send_resolved), its http_config, and its own fields."""
    return {"send_resolved": "bool", "http_config": "*HTTPClientConfig", **_fields(spec, **types)}


STRUCTS: dict[str, dict[str, str]] = {
    "Config": {"global": "*GlobalConfig", "route": "*Route", "inhibit_rules": "[InhibitRule]",
               "receivers": "[Receiver]", "templates": "[str]", "mute_time_intervals": "[MuteTimeInterval]",
               "time_intervals": "[TimeInterval]", "tracing": "TracingConfig",
               "event_recorder": "EventRecorderConfig"},
    "GlobalConfig": _fields(
        "resolve_timeout http_config smtp_from smtp_hello smtp_smarthost smtp_auth_username smtp_auth_password "
        "smtp_auth_password_file smtp_auth_secret smtp_auth_secret_file smtp_auth_identity smtp_require_tls "
        "smtp_tls_config smtp_force_implicit_tls slack_api_url slack_api_url_file slack_app_token "
        "slack_app_token_file slack_app_url pagerduty_url opsgenie_api_url opsgenie_api_key opsgenie_api_key_file "
        "wechat_api_url wechat_api_secret wechat_api_secret_file wechat_api_corp_id victorops_api_url "
        "victorops_api_key victorops_api_key_file telegram_api_url telegram_bot_token telegram_bot_token_file "
        "webex_api_url jira_api_url rocketchat_api_url rocketchat_token rocketchat_token_file rocketchat_token_id "
        "rocketchat_token_id_file mattermost_webhook_url mattermost_webhook_url_file",
        resolve_timeout="duration", http_config="*HTTPClientConfig", smtp_smarthost="hostport",
        smtp_require_tls="bool", smtp_tls_config="*TLSConfig", smtp_force_implicit_tls="bool",
        slack_api_url="secreturl", slack_app_url="url", pagerduty_url="url", opsgenie_api_url="url",
        wechat_api_url="url", victorops_api_url="url", telegram_api_url="url", webex_api_url="url",
        jira_api_url="url", rocketchat_api_url="url", mattermost_webhook_url="secreturl"),
    "Route": {"receiver": "str", "group_by": "[str]", "match": "{str}", "match_re": "{regex}",
              "matchers": "matchers", "mute_time_intervals": "[str]", "active_time_intervals": "[str]",
              "continue": "bool", "routes": "[Route]", "group_wait": "duration", "group_interval": "duration",
              "repeat_interval": "duration", "labels": "{str}"},
    "InhibitRule": {"name": "str", "source_match": "{str}", "source_match_re": "{regex}",
                    "source_matchers": "matchers", "target_match": "{str}", "target_match_re": "{regex}",
                    "target_matchers": "matchers", "equal": "[str]"},
    "MuteTimeInterval": {"name": "str", "time_intervals": "[TimeSpec]"},
    "TimeInterval": {"name": "str", "time_intervals": "[TimeSpec]"},
    "TimeSpec": {"times": "[TimeRange]", "weekdays": "[str]", "days_of_month": "[str]", "months": "[str]",
                 "years": "[str]", "location": "str"},
    "TimeRange": {"start_time": "str", "end_time": "str"},
    "Receiver": {"name": "str", "labels": "{str}", **{f"{k}_configs": f"[{v}]" for k, v in {
        "discord": "DiscordConfig", "email": "EmailConfig", "incidentio": "IncidentioConfig",
        "pagerduty": "PagerdutyConfig", "slack": "SlackConfig", "webhook": "WebhookConfig",
        "opsgenie": "OpsGenieConfig", "wechat": "WechatConfig", "pushover": "PushoverConfig",
        "victorops": "VictorOpsConfig", "sns": "SNSConfig", "telegram": "TelegramConfig", "webex": "WebexConfig",
        "msteams": "MSTeamsConfig", "msteamsv2": "MSTeamsV2Config", "jira": "JiraConfig",
        "rocketchat": "RocketchatConfig", "mattermost": "MattermostConfig"}.items()}},
    # --- integrations ---
    "DiscordConfig": _notifier("webhook_url webhook_url_file content title message username avatar_url",
                               webhook_url="secreturl"),
    "EmailConfig": {"send_resolved": "bool", **_fields(
        "to from hello smarthost auth_username auth_password auth_password_file auth_secret auth_secret_file "
        "auth_identity headers html text require_tls tls_config force_implicit_tls threading",
        smarthost="hostport", headers="{str}", require_tls="bool", tls_config="*TLSConfig",
        force_implicit_tls="bool", threading="ThreadingConfig")},
    "ThreadingConfig": {"enabled": "bool", "thread_by_date": "str"},
    "IncidentioConfig": _notifier("url url_file alert_source_token alert_source_token_file max_alerts timeout "
                                  "metadata", url="url", max_alerts="uint", timeout="goduration", metadata="{str}"),
    "PagerdutyConfig": _notifier(
        "service_key service_key_file routing_key routing_key_file url client client_url description details "
        "images links source severity class component group timeout",
        url="url", details="{any}", images="[PagerdutyImage]", links="[PagerdutyLink]", timeout="goduration"),
    "PagerdutyImage": {"src": "str", "alt": "str", "href": "str"},
    "PagerdutyLink": {"href": "str", "text": "str"},
    "SlackConfig": _notifier(
        "api_url api_url_file app_token app_token_file app_url channel username color title title_link pretext "
        "text message_text fields short_fields footer fallback callback_id icon_emoji icon_url image_url "
        "thumb_url link_names mrkdwn_in actions update_message post_updates_to_thread timeout",
        api_url="secreturl", app_url="url", fields="[*SlackField]", short_fields="bool", link_names="bool",
        mrkdwn_in="[str]", actions="[*SlackAction]", update_message="bool", post_updates_to_thread="bool",
        timeout="goduration"),
    "SlackAction": {"type": "str", "text": "str", "url": "str", "style": "str", "name": "str", "value": "str",
                    "confirm": "*SlackConfirmationField"},
    "SlackConfirmationField": {"text": "str", "title": "str", "ok_text": "str", "dismiss_text": "str"},
    "SlackField": {"title": "str", "value": "str", "short": "bool"},
    "WebhookConfig": _notifier("url url_file max_alerts timeout payload", url="url", max_alerts="uint",
                               timeout="goduration", payload="any"),
    "OpsGenieConfig": _notifier(
        "api_key api_key_file api_url message description source details entity responders actions tags note "
        "priority update_alerts", api_url="url", details="{str}", responders="[OpsGenieConfigResponder]",
        update_alerts="bool"),
    "OpsGenieConfigResponder": {"id": "str", "name": "str", "username": "str", "type": "str"},
    "WechatConfig": _notifier(
        "api_secret api_secret_file corp_id message api_url to_user to_party to_tag agent_id message_type",
        api_url="url"),
    "PushoverConfig": _notifier(
        "user_key user_key_file token token_file title message url url_title device sound priority retry expire "
        "ttl html monospace", retry="textduration", expire="textduration", ttl="textduration", html="bool",
        monospace="bool"),
    "VictorOpsConfig": _notifier(
        "api_key api_key_file api_url routing_key message_type state_message entity_display_name monitoring_tool "
        "custom_fields", api_url="url", custom_fields="{str}"),
    "SNSConfig": _notifier(
        "api_url sigv4 topic_arn phone_number target_arn subject message attributes use_aws_http_client",
        sigv4="SigV4Config", attributes="{str}", use_aws_http_client="bool"),
    "SigV4Config": _fields("region access_key secret_key profile role_arn external_id session_name tags "
                           "use_fips_sts_endpoint service_name", tags="{str}", use_fips_sts_endpoint="bool"),
    "TelegramConfig": _notifier(
        "api_url bot_token bot_token_file chat_id chat_id_file message_thread_id message disable_notifications "
        "parse_mode timeout", api_url="url", chat_id="int", message_thread_id="int", disable_notifications="bool",
        timeout="goduration"),
    "WebexConfig": _notifier("api_url message room_id", api_url="url"),
    "MSTeamsConfig": _notifier("webhook_url webhook_url_file title summary text", webhook_url="secreturl"),
    "MSTeamsV2Config": _notifier("webhook_url webhook_url_file title text", webhook_url="secreturl"),
    "JiraConfig": _notifier(
        "api_url api_type project summary description labels priority issue_type reopen_transition "
        "resolve_transition wont_fix_resolution reopen_duration fields", api_url="url", summary="jirafield",
        description="jirafield", labels="[str]", reopen_duration="duration", fields="{any}"),
    "JiraFieldConfig": {"template": "str", "enable_update": "bool"},
    "RocketchatConfig": _notifier(
        "api_url token_id token_id_file token token_file channel color title title_link text message_text fields "
        "short_fields emoji icon_url image_url thumb_url link_names actions", api_url="url",
        fields="[*RocketchatAttachmentField]", short_fields="bool", link_names="bool",
        actions="[*RocketchatAttachmentAction]"),
    # these two have no yaml tags: Go's yaml decoder takes the lowercased Go field names
    "RocketchatAttachmentField": {"short": "bool", "title": "str", "value": "str"},
    "RocketchatAttachmentAction": _fields("type text url imageurl iswebview webviewheightratio msg "
                                          "msginchatwindow msgprocessingtype", iswebview="bool",
                                          msginchatwindow="bool"),
    "MattermostConfig": _notifier(
        "webhook_url webhook_url_file channel username text fallback color pretext author_name author_link "
        "author_icon title title_link fields thumb_url footer footer_icon image_url icon_url icon_emoji "
        "attachments type props priority", webhook_url="secreturl", fields="[*MattermostField]",
        attachments="[*MattermostAttachment]", props="*MattermostProps", priority="*MattermostPriority"),
    "MattermostAttachment": _fields("fallback color pretext text author_name author_link author_icon title "
                                    "title_link fields thumb_url footer footer_icon image_url",
                                    fields="[*MattermostField]"),
    "MattermostField": {"title": "str", "value": "str", "short": "bool"},
    "MattermostProps": {"card": "str"},
    "MattermostPriority": {"priority": "str", "requested_ack": "bool", "persistent_notifications": "bool"},
    # --- prometheus/common: HTTP clients ---
    "HTTPClientConfig": {
        "basic_auth": "*BasicAuth", "authorization": "*Authorization", "oauth2": "*OAuth2",
        "bearer_token": "str", "bearer_token_file": "str", "tls_config": "TLSConfig", "follow_redirects": "bool",
        "enable_http2": "bool", "proxy_url": "commonurl", "no_proxy": "str", "proxy_from_environment": "bool",
        "proxy_connect_header": "{[str]}", "http_headers": "*Headers"},
    "BasicAuth": _fields("username username_file username_ref password password_file password_ref"),
    "Authorization": _fields("type credentials credentials_file credentials_ref"),
    "OAuth2": _fields(
        "client_id client_secret client_secret_file client_secret_ref client_certificate_key_id "
        "client_certificate_key client_certificate_key_file client_certificate_key_ref grant_type "
        "signature_algorithm iss audience claims scopes token_url endpoint_params tls_config proxy_url no_proxy "
        "proxy_from_environment proxy_connect_header", claims="{any}", scopes="[str]", endpoint_params="{str}",
        tls_config="TLSConfig", proxy_url="commonurl", proxy_from_environment="bool",
        proxy_connect_header="{[str]}"),
    "TLSConfig": _fields("ca cert key ca_file cert_file key_file ca_ref cert_ref key_ref server_name "
                         "insecure_skip_verify min_version max_version", insecure_skip_verify="bool",
                         min_version="tlsversion", max_version="tlsversion"),
    "Headers": {"*": "Header"},  # an inline mapping: every key is a header name
    "Header": {"values": "[str]", "secrets": "[str]", "files": "[str]"},
    # --- tracing (0.30) and the event recorder (0.33) ---
    "TracingConfig": _fields("client_type endpoint sampling_fraction insecure tls_config headers compression "
                             "timeout", sampling_fraction="float", insecure="bool", tls_config="*TLSConfig",
                             headers="*Headers", timeout="duration"),
    "EventRecorderConfig": {"file_outputs": "[FileOutputConfig]", "webhook_outputs": "[WebhookOutputConfig]",
                            "kafka_outputs": "[KafkaOutputConfig]", "stdout_outputs": "[StdoutOutputConfig]"},
    "FileOutputConfig": {"name": "str", "path": "str"},
    "StdoutOutputConfig": {"name": "str"},
    "WebhookOutputConfig": _fields(
        "name url http_config timeout workers max_retries retry_backoff batch batch_max_events batch_max_bytes "
        "batch_flush_interval", url="secreturl", http_config="*HTTPClientConfig", timeout="duration",
        workers="int", max_retries="int", retry_backoff="duration", batch="bool", batch_max_events="int",
        batch_max_bytes="int", batch_flush_interval="duration"),
    "KafkaOutputConfig": _fields("name brokers topic client_id format acks compression buffer_size tls_config",
                                 brokers="[str]", buffer_size="int", tls_config="*TLSConfig"),
}


def _at(version: tuple[int, int], *names: str) -> dict[str, tuple[int, int]]:
    return dict.fromkeys(names, version)


# The release that added each struct (`S.*`) or field (`S.f`); absent: there since 0.25.
SINCE: dict[str, tuple[int, int]] = {
    **_at((0, 26), "MSTeamsConfig.*", "PushoverConfig.device", "PushoverConfig.token_file",
          "PushoverConfig.user_key_file", "Receiver.msteams_configs", "TelegramConfig.bot_token_file",
          "WebhookConfig.url_file",
          # prometheus/common 0.44
          "HTTPClientConfig.no_proxy", "HTTPClientConfig.proxy_from_environment", "OAuth2.no_proxy",
          "OAuth2.proxy_from_environment", "OAuth2.proxy_connect_header", "TLSConfig.ca", "TLSConfig.cert",
          "TLSConfig.key"),
    **_at((0, 27), "DiscordConfig.webhook_url_file", "MSTeamsConfig.summary", "MSTeamsConfig.webhook_url_file",
          "PushoverConfig.ttl",
          # prometheus/common 0.46
          "BasicAuth.username_file"),
    **_at((0, 28), "DiscordConfig.avatar_url", "DiscordConfig.content", "DiscordConfig.username",
          "GlobalConfig.jira_api_url", "GlobalConfig.rocketchat_api_url", "GlobalConfig.rocketchat_token",
          "GlobalConfig.rocketchat_token_file", "GlobalConfig.rocketchat_token_id",
          "GlobalConfig.rocketchat_token_id_file", "GlobalConfig.smtp_tls_config", "Receiver.jira_configs",
          "Receiver.msteamsv2_configs", "Receiver.rocketchat_configs", "TelegramConfig.message_thread_id",
          "WebhookConfig.timeout", "JiraConfig.*", "RocketchatConfig.*", "RocketchatAttachmentField.*",
          "RocketchatAttachmentAction.*", "MSTeamsV2Config.*",
          # prometheus/common 0.61 and sigv4 0.1
          "HTTPClientConfig.http_headers", "Headers.*", "Header.*", "BasicAuth.username_ref",
          "BasicAuth.password_ref", "Authorization.credentials_ref", "OAuth2.client_secret_ref", "TLSConfig.ca_ref",
          "TLSConfig.cert_ref", "TLSConfig.key_ref", "SigV4Config.use_fips_sts_endpoint"),
    **_at((0, 29), "JiraConfig.api_type", "PushoverConfig.monospace", "Receiver.incidentio_configs",
          "IncidentioConfig.*", "SigV4Config.service_name"),
    **_at((0, 30), "Config.tracing", "TracingConfig.*", "EmailConfig.threading", "ThreadingConfig.*",
          "GlobalConfig.slack_app_token", "GlobalConfig.slack_app_token_file", "GlobalConfig.slack_app_url",
          "InhibitRule.name", "PagerdutyConfig.timeout", "Receiver.mattermost_configs", "SlackConfig.app_token",
          "SlackConfig.app_token_file", "SlackConfig.app_url", "SlackConfig.timeout", "MattermostConfig.*",
          "MattermostAttachment.*", "MattermostField.*", "MattermostProps.*", "MattermostPriority.*",
          "JiraFieldConfig.*",
          # prometheus/common 0.67.4
          "OAuth2.client_certificate_key_id", "OAuth2.client_certificate_key", "OAuth2.client_certificate_key_file",
          "OAuth2.client_certificate_key_ref", "OAuth2.grant_type", "OAuth2.signature_algorithm", "OAuth2.iss",
          "OAuth2.audience"),
    **_at((0, 31), "EmailConfig.auth_secret_file", "EmailConfig.force_implicit_tls",
          "GlobalConfig.smtp_auth_secret_file", "GlobalConfig.smtp_force_implicit_tls",
          "GlobalConfig.telegram_bot_token", "GlobalConfig.telegram_bot_token_file",
          "GlobalConfig.wechat_api_secret_file", "SlackConfig.message_text", "TelegramConfig.chat_id_file",
          "WechatConfig.api_secret_file", "SigV4Config.external_id"),
    **_at((0, 32), "GlobalConfig.mattermost_webhook_url", "GlobalConfig.mattermost_webhook_url_file",
          "SlackConfig.update_message", "WebhookConfig.payload", "MattermostConfig.fallback",
          "MattermostConfig.color", "MattermostConfig.pretext", "MattermostConfig.author_name",
          "MattermostConfig.author_link", "MattermostConfig.author_icon", "MattermostConfig.title",
          "MattermostConfig.title_link", "MattermostConfig.fields", "MattermostConfig.thumb_url",
          "MattermostConfig.footer", "MattermostConfig.footer_icon", "MattermostConfig.image_url"),
    **_at((0, 33), "Config.event_recorder", "EventRecorderConfig.*", "FileOutputConfig.*",
          "WebhookOutputConfig.*", "KafkaOutputConfig.*", "Receiver.labels", "SNSConfig.use_aws_http_client"),
    **_at((0, 34), "Route.labels", "EventRecorderConfig.stdout_outputs", "StdoutOutputConfig.*",
          "WebhookOutputConfig.batch", "WebhookOutputConfig.batch_max_events", "WebhookOutputConfig.batch_max_bytes",
          "WebhookOutputConfig.batch_flush_interval",
          # prometheus/common 0.70
          "OAuth2.claims"),
    **_at((0, 35), "IncidentioConfig.metadata", "RocketchatConfig.message_text", "SlackConfig.post_updates_to_thread",
          "TelegramConfig.timeout", "FileOutputConfig.name", "WebhookOutputConfig.name", "KafkaOutputConfig.name",
          "SigV4Config.session_name", "SigV4Config.tags"),
}

# Fields whose Go type changed: (from version, type), oldest first.
TYPE_CHANGES: dict[str, list[tuple[tuple[int, int], str]]] = {
    "PagerdutyConfig.details": [((0, 25), "{str}"), ((0, 30), "{any}")],
    "JiraConfig.summary": [((0, 28), "str"), ((0, 30), "jirafield")],
    "JiraConfig.description": [((0, 28), "str"), ((0, 30), "jirafield")],
    "WebhookConfig.url": [((0, 25), "url"), ((0, 26), "secreturl"), ((0, 31), "templateurl")],
    "EmailConfig.tls_config": [((0, 25), "TLSConfig"), ((0, 28), "*TLSConfig")],
}


def field_type(struct: str, name: str, version: tuple[int, int]) -> str:
    found = STRUCTS[struct][name]
    for since, kind in TYPE_CHANGES.get(f"{struct}.{name}", ()):
        if since <= version:
            found = kind
    return found


def has_struct(struct: str, version: tuple[int, int]) -> bool:
    return struct in STRUCTS and SINCE.get(f"{struct}.*", SINCE_0_25) <= version


def known_fields(struct: str, version: tuple[int, int]) -> dict[str, str]:
    """The fields `struct` has in `version`, with their types then ({} before the struct existed)."""
    if not has_struct(struct, version):
        return {}
    return {name: field_type(struct, name, version) for name in STRUCTS[struct]
            if SINCE.get(f"{struct}.{name}", SINCE_0_25) <= version}


def since(struct: str, name: str) -> tuple[int, int]:
    return max(SINCE.get(f"{struct}.*", SINCE_0_25), SINCE.get(f"{struct}.{name}", SINCE_0_25))


def integration_struct(key: str) -> str | None:
    kind = STRUCTS["Receiver"].get(key, "")
    return kind[1:-1] if kind.startswith("[") else None


def integration_keys(version: tuple[int, int]) -> list[str]:
    return [k for k in known_fields("Receiver", version) if k.endswith("_configs")]


# secrets that have a *_file twin (from some version on): inline values are plaintext in the config
SECRET_FILE_TWINS = {
    "GlobalConfig": ("slack_api_url", "opsgenie_api_key", "victorops_api_key", "smtp_auth_password",
                     "smtp_auth_secret", "wechat_api_secret", "telegram_bot_token", "rocketchat_token",
                     "rocketchat_token_id", "slack_app_token", "mattermost_webhook_url"),
    "SlackConfig": ("api_url", "app_token"), "PagerdutyConfig": ("routing_key", "service_key"),
    "EmailConfig": ("auth_password", "auth_secret"), "OpsGenieConfig": ("api_key",),
    "VictorOpsConfig": ("api_key",), "WebhookConfig": ("url",), "DiscordConfig": ("webhook_url",),
    "TelegramConfig": ("bot_token",), "PushoverConfig": ("user_key", "token"), "MSTeamsConfig": ("webhook_url",),
    "MSTeamsV2Config": ("webhook_url",), "WechatConfig": ("api_secret",), "IncidentioConfig": ("url",
                                                                                              "alert_source_token"),
    "MattermostConfig": ("webhook_url",), "RocketchatConfig": ("token", "token_id"),
    "BasicAuth": ("password",), "Authorization": ("credentials",), "OAuth2": ("client_secret",),
}
