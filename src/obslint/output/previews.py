"""Notification previews (`obslint route-test --render`) as text and JSON: per group of alerts, what each
integration of its receiver sends (obslint.alertmanager.notifications.Notification)."""

from __future__ import annotations

import json

MAX_LINES = 40  # a longer value is cut in the text form (the JSON form has all of it)


def _labels(labels: dict[str, str]) -> str:
    return "{" + ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"


def previews_text(notifications: list) -> str:
    out = []
    group = None
    for n in notifications:
        if n.group is not group:
            group = n.group
            count = f"{n.alert_count} alert{'s' if n.alert_count != 1 else ''}"
            out.append(f"== {group.receiver} {_labels(group.labels)} ({count}, {n.status}; {group.route.path})")
        out.append(f"-- {n.name}")
        for r in n.shown():
            if r.error is not None:
                out.append(f"{r.field.path}: ERROR {r.error}" + (
                    " (Alertmanager sends the message anyway, this field and the ones rendered after it empty)"
                    if n.sent_blank else " (Alertmanager logs the error and does not send this notification)"))
                continue
            if r.blank:
                out.append(f"{r.field.path}: (empty: an earlier field failed)")
                continue
            lines = r.value.split("\n")
            if len(lines) == 1:
                out.append(f"{r.field.path}: {r.value}")
                continue
            out.append(f"{r.field.path}: |")
            out.extend("  " + line for line in lines[:MAX_LINES])
            if len(lines) > MAX_LINES:
                out.append(f"  ... ({len(lines) - MAX_LINES} more lines: --format json shows all)")
    if not notifications:
        out.append("no notification (inhibited, muted, or resolved only)")
    return "\n".join(out) + "\n"


def previews_json(notifications: list) -> str:
    return json.dumps([n.to_json() for n in notifications], indent=2, ensure_ascii=False) + "\n"
