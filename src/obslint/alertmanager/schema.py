"""The fields Alertmanager's config decoder knows, per struct and per version (it decodes strictly:
an unknown key refuses the whole file). Written from config/{config,notifiers}.go of each release.

Types: str, bool, int, duration, url, strlist, strmap, regexmap, matchers, labelnames, any (not
checked further), or the name of another struct here ("[Name]" for a list of them).
"""

from __future__ import annotations

SINCE_0_25 = (0, 25)


def _fields(spec: str, **types: str) -> dict[str, str]:
    return {name: types.get(name, "str") for name in spec.split()}


_HTTP = {"http_config": "any", "send_resolved": "bool"}

STRUCTS: dict[str, dict[str, str]] = {
    "Config": {"global": "GlobalConfig", "route": "Route", "inhibit_rules": "[InhibitRule]",
               "receivers": "[Receiver]", "templates": "strlist", "mute_time_intervals": "[TimeInterval]",
               "time_intervals": "[TimeInterval]", "tracing": "any", "event_recorder": "any"},
    "GlobalConfig": _fields(
        "http_config opsgenie_api_key opsgenie_api_key_file opsgenie_api_url pagerduty_url resolve_timeout "
        "slack_api_url slack_api_url_file smtp_auth_identity smtp_auth_password smtp_auth_password_file "
        "smtp_auth_secret smtp_auth_username smtp_from smtp_hello smtp_require_tls smtp_smarthost "
        "telegram_api_url victorops_api_key victorops_api_key_file victorops_api_url webex_api_url "
        "wechat_api_corp_id wechat_api_secret wechat_api_url jira_api_url rocketchat_api_url rocketchat_token "
        "rocketchat_token_file rocketchat_token_id rocketchat_token_id_file smtp_tls_config slack_app_token "
        "slack_app_token_file slack_app_url smtp_auth_secret_file smtp_force_implicit_tls telegram_bot_token "
        "telegram_bot_token_file wechat_api_secret_file mattermost_webhook_url mattermost_webhook_url_file",
        http_config="any", resolve_timeout="duration", smtp_require_tls="bool", smtp_tls_config="any",
        smtp_force_implicit_tls="bool", opsgenie_api_url="url", pagerduty_url="url", slack_api_url="url",
        telegram_api_url="url", victorops_api_url="url", webex_api_url="url", wechat_api_url="url"),
    "Route": {"receiver": "str", "group_by": "strlist", "match": "strmap", "match_re": "regexmap",
              "matchers": "matchers", "mute_time_intervals": "strlist", "active_time_intervals": "strlist",
              "continue": "bool", "routes": "[Route]", "group_wait": "duration", "group_interval": "duration",
              "repeat_interval": "duration", "labels": "strmap"},
    "InhibitRule": {"source_match": "strmap", "source_match_re": "regexmap", "source_matchers": "matchers",
                    "target_match": "strmap", "target_match_re": "regexmap", "target_matchers": "matchers",
                    "equal": "labelnames", "name": "str"},
    "TimeInterval": {"name": "str", "time_intervals": "[TimeSpec]"},
    "TimeSpec": {"times": "[TimeRange]", "weekdays": "strlist", "days_of_month": "strlist",
                 "months": "strlist", "years": "strlist", "location": "str"},
    "TimeRange": {"start_time": "str", "end_time": "str"},
    "Receiver": {"name": "str", "labels": "strmap", **{f"{k}_configs": f"[{v}]" for k, v in {
        "discord": "DiscordConfig", "email": "EmailConfig", "pagerduty": "PagerdutyConfig",
        "slack": "SlackConfig", "webhook": "WebhookConfig", "opsgenie": "OpsGenieConfig",
        "wechat": "WechatConfig", "pushover": "PushoverConfig", "victorops": "VictorOpsConfig",
        "sns": "SNSConfig", "telegram": "TelegramConfig", "webex": "WebexConfig", "msteams": "MSTeamsConfig",
        "msteamsv2": "MSTeamsV2Config", "jira": "JiraConfig", "rocketchat": "RocketchatConfig",
        "incidentio": "IncidentioConfig", "mattermost": "MattermostConfig"}.items()}},
    "DiscordConfig": {**_HTTP, **_fields("webhook_url webhook_url_file title message avatar_url content username",
                                         webhook_url="url")},
    "EmailConfig": {"send_resolved": "bool", **_fields(
        "to from hello smarthost auth_username auth_password auth_password_file auth_secret auth_secret_file "
        "auth_identity headers html text require_tls tls_config threading force_implicit_tls",
        headers="strmap", require_tls="bool", tls_config="any", threading="any", force_implicit_tls="bool")},
    "PagerdutyConfig": {**_HTTP, **_fields(
        "service_key service_key_file routing_key routing_key_file url client client_url description details "
        "images links source severity class component group timeout",
        url="url", details="any", images="any", links="any", timeout="duration")},
    "SlackConfig": {**_HTTP, **_fields(
        "api_url api_url_file channel username color title title_link pretext text fields short_fields footer "
        "fallback callback_id icon_emoji icon_url image_url thumb_url link_names mrkdwn_in actions app_token "
        "app_token_file app_url timeout message_text update_message",
        api_url="url", app_url="url", fields="any", short_fields="bool", link_names="bool", mrkdwn_in="strlist",
        actions="any", timeout="duration", update_message="bool")},
    "WebhookConfig": {**_HTTP, **_fields("url url_file max_alerts timeout payload", url="url", max_alerts="int",
                                         timeout="duration", payload="any")},
    "OpsGenieConfig": {**_HTTP, **_fields(
        "api_key api_key_file api_url message description source details entity responders actions tags note "
        "priority update_alerts", api_url="url", details="any", responders="any", update_alerts="bool")},
    "WechatConfig": {**_HTTP, **_fields(
        "api_secret api_secret_file corp_id message api_url to_user to_party to_tag agent_id message_type",
        api_url="url")},
    "PushoverConfig": {**_HTTP, **_fields(
        "user_key user_key_file token token_file title message url url_title device sound priority retry expire "
        "ttl html monospace", retry="duration", expire="duration", ttl="duration", html="bool", monospace="bool")},
    "VictorOpsConfig": {**_HTTP, **_fields(
        "api_key api_key_file api_url routing_key message_type state_message entity_display_name monitoring_tool "
        "custom_fields", api_url="url", custom_fields="strmap")},
    "SNSConfig": {**_HTTP, **_fields(
        "api_url sigv4 topic_arn phone_number target_arn subject message attributes use_aws_http_client",
        sigv4="any", attributes="strmap", use_aws_http_client="bool")},
    "TelegramConfig": {**_HTTP, **_fields(
        "api_url bot_token bot_token_file chat_id chat_id_file message disable_notifications parse_mode "
        "message_thread_id text title webhook_url webhook_url_file",
        api_url="url", chat_id="int", disable_notifications="bool", message_thread_id="int")},
    "WebexConfig": {**_HTTP, **_fields("api_url message room_id", api_url="url")},
    "MSTeamsConfig": {**_HTTP, **_fields("webhook_url webhook_url_file title summary text", webhook_url="url")},
    "MSTeamsV2Config": {**_HTTP, **_fields("webhook_url webhook_url_file title text", webhook_url="url")},
    "JiraConfig": {**_HTTP, **_fields(
        "api_url api_type project summary description labels priority issue_type reopen_transition "
        "resolve_transition wont_fix_resolution reopen_duration fields", labels="strlist", fields="any",
        reopen_duration="duration")},
    "RocketchatConfig": {**_HTTP, **_fields(
        "api_url token token_file token_id token_id_file channel color title title_link text fields "
        "short_fields emoji icon_url image_url thumb_url link_names actions", fields="any", actions="any",
        short_fields="bool", link_names="bool")},
    "IncidentioConfig": {**_HTTP, **_fields("url url_file alert_source_token alert_source_token_file max_alerts "
                                            "timeout", max_alerts="int", timeout="duration")},
    "MattermostConfig": {**_HTTP, **_fields(
        "webhook_url webhook_url_file channel username text icon_url icon_emoji attachments props priority type "
        "fallback color pretext author_name author_link author_icon title title_link fields thumb_url footer "
        "footer_icon image_url", attachments="any", props="any", priority="any", fields="any")},
}

# fields and integrations newer than Alertmanager 0.25 (read from each release's config/)
SINCE: dict[str, tuple[int, int]] = {
    **{f: (0, 26) for f in ("MSTeamsConfig.*", "PushoverConfig.device", "PushoverConfig.token_file",
                            "PushoverConfig.user_key_file", "Receiver.msteams_configs", "TelegramConfig.bot_token_file",
                            "WebhookConfig.url_file")},
    **{f: (0, 27) for f in ("DiscordConfig.webhook_url_file", "MSTeamsConfig.summary",
                            "MSTeamsConfig.webhook_url_file", "PushoverConfig.ttl")},
    **{f: (0, 28) for f in ("DiscordConfig.avatar_url", "DiscordConfig.content", "DiscordConfig.username",
                            "GlobalConfig.jira_api_url", "GlobalConfig.rocketchat_api_url",
                            "GlobalConfig.rocketchat_token", "GlobalConfig.rocketchat_token_file",
                            "GlobalConfig.rocketchat_token_id", "GlobalConfig.rocketchat_token_id_file",
                            "GlobalConfig.smtp_tls_config", "Receiver.jira_configs", "Receiver.msteamsv2_configs",
                            "Receiver.rocketchat_configs", "TelegramConfig.message_thread_id",
                            "WebhookConfig.timeout", "JiraConfig.*", "RocketchatConfig.*", "MSTeamsV2Config.*")},
    **{f: (0, 29) for f in ("JiraConfig.api_type", "PushoverConfig.monospace", "Receiver.incidentio_configs",
                            "IncidentioConfig.*")},
    **{f: (0, 30) for f in ("Config.tracing", "EmailConfig.threading", "GlobalConfig.slack_app_token",
                            "GlobalConfig.slack_app_token_file", "GlobalConfig.slack_app_url", "InhibitRule.name",
                            "PagerdutyConfig.timeout", "Receiver.mattermost_configs", "SlackConfig.app_token",
                            "SlackConfig.app_token_file", "SlackConfig.app_url", "SlackConfig.timeout",
                            "MattermostConfig.*")},
    **{f: (0, 31) for f in ("EmailConfig.auth_secret_file", "EmailConfig.force_implicit_tls",
                            "GlobalConfig.smtp_auth_secret_file", "GlobalConfig.smtp_force_implicit_tls",
                            "GlobalConfig.telegram_bot_token", "GlobalConfig.telegram_bot_token_file",
                            "GlobalConfig.wechat_api_secret_file", "SlackConfig.message_text",
                            "TelegramConfig.chat_id_file", "WechatConfig.api_secret_file")},
    **{f: (0, 32) for f in ("GlobalConfig.mattermost_webhook_url", "GlobalConfig.mattermost_webhook_url_file",
                            "SlackConfig.update_message", "WebhookConfig.payload",
                            *(f"MattermostConfig.{m}" for m in (
                                "fallback", "color", "pretext", "author_name", "author_link", "author_icon", "title",
                                "title_link", "fields", "thumb_url", "footer", "footer_icon", "image_url")))},
    **{f: (0, 33) for f in ("Config.event_recorder", "Receiver.labels", "SNSConfig.use_aws_http_client",
                            "TelegramConfig.text", "TelegramConfig.title", "TelegramConfig.webhook_url",
                            "TelegramConfig.webhook_url_file")},
    "Route.labels": (0, 34),
}


def known_fields(struct: str, version: tuple[int, int]) -> dict[str, str]:
    if SINCE.get(f"{struct}.*", SINCE_0_25) > version:
        return {}
    return {name: kind for name, kind in STRUCTS[struct].items()
            if SINCE.get(f"{struct}.{name}", SINCE_0_25) <= version}


def integration_struct(key: str) -> str | None:
    kind = STRUCTS["Receiver"].get(key, "")
    return kind[1:-1] if kind.startswith("[") else None


# secrets that have a *_file twin (from some version on): inline values are plaintext in the config
SECRET_FILE_TWINS = {
    "GlobalConfig": ("slack_api_url", "opsgenie_api_key", "victorops_api_key", "smtp_auth_password",
                     "smtp_auth_secret", "wechat_api_secret", "telegram_bot_token", "rocketchat_token",
                     "slack_app_token", "mattermost_webhook_url"),
    "SlackConfig": ("api_url", "app_token"), "PagerdutyConfig": ("routing_key", "service_key"),
    "EmailConfig": ("auth_password", "auth_secret"), "OpsGenieConfig": ("api_key",),
    "VictorOpsConfig": ("api_key",), "WebhookConfig": ("url",), "DiscordConfig": ("webhook_url",),
    "TelegramConfig": ("bot_token",), "PushoverConfig": ("user_key", "token"), "MSTeamsConfig": ("webhook_url",),
    "MSTeamsV2Config": ("webhook_url",), "WechatConfig": ("api_secret",), "IncidentioConfig": ("url",
                                                                                              "alert_source_token"),
    "MattermostConfig": ("webhook_url",), "RocketchatConfig": ("token", "token_id"),
}
