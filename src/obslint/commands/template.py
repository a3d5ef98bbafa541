"""`obslint template render`: a drop-in for `amtool template render` (its flags, its default sample data,
byte for byte its output) for the target Alertmanager version (obslint.alertmanager.templates)."""

from __future__ import annotations

from obslint.config import Config


def render(args: list[str], config: Config, stdout=None, stderr=None) -> int:
    """Render as `amtool template render ARGS` of the configuration's Alertmanager version would; the exit
    status (0, or 1 with amtool's `amtool: error: ...` on stderr, at the template's line:column)."""
    from obslint.alertmanager.templates import amtool_template_render

    version = "%d.%d" % config.alertmanager_version
    return amtool_template_render(list(args), version, stdout, stderr)
