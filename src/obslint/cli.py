"""The command line: options wired to the plain functions of obslint.commands, and nothing else."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from obslint import __version__
from obslint.commands.config import project_config
from obslint.config import ConfigError
from obslint.core.paths import InputError


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"obslint: {message}", err=True)
    sys.exit(code)


common_options = [
    click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
                 help="obslint.toml or pyproject.toml to read (default: the nearest one)."),
    click.option("--prometheus-version", default=None, help="Target Prometheus version, e.g. 2.42 or 3.5."),
    click.option("--alertmanager-version", default=None, help="Target Alertmanager version, e.g. 0.25."),
]


def with_common_options(func):
    for option in reversed(common_options):
        func = option(func)
    return func


class _Group(click.Group):
    """Every command: a missing or unreadable path, or a bad configuration, found wherever, exits 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (InputError, ConfigError) as exc:
            _fail(str(exc))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="obslint")
def cli() -> None:
    """Lint, build and test Prometheus rules, Alertmanager routing and Grafana dashboards."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif", "gitlab"]), default="text",
              show_default=True, help="text; json; github (workflow annotations); sarif (GitHub code scanning); "
                                      "gitlab (Code Quality report).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
@click.option("--no-cache", is_flag=True,
              help="Parse every file again (by default unchanged rule files and Alertmanager configs reuse "
                   "their results from ~/.cache/obslint).")
@click.option("--select", multiple=True, metavar="CODES",
              help="Run only these checks: codes, names, or prefixes of codes (R1, A, ALL); comma-separated "
                   "or repeated.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Do not run these checks (as --select names them).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Report only findings this baseline file does not hold.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every finding to this baseline file (and exit 0).")
@click.option("--diff-base", metavar="REF", default=None,
              help="Report only findings on what changed since `git merge-base REF HEAD`, or that the change "
                   "caused elsewhere.")
@click.option("--hook", is_flag=True,
              help="Leave out the named files that are not obslint's (as pre-commit passes them).")
@click.option("--show-files", is_flag=True,
              help="List every file with the kind it was read as (rules, alertmanager, dashboard, ...), and "
                   "what was left out and why, instead of the findings (JSON with --format json).")
@with_common_options
def check(paths, fmt, strict, output, no_cache, select, ignore, baseline, write_baseline, diff_base, hook,
          show_files, config_file, prometheus_version, alertmanager_version) -> None:
    """Lint rule files, Alertmanager configs and dashboards (default: the project in this directory).

    Exit codes: 0 no errors, 1 errors found (or warnings with --strict), 2 usage or configuration error.
    """
    from obslint.checks.registry import with_selection
    from obslint.commands.check import CheckError
    from obslint.commands.check import check as run_check
    from obslint.output.reporters import colour_wanted

    if write_baseline is not None and (baseline is not None or diff_base is not None):
        _fail("--write-baseline records every finding: it goes with neither --baseline nor --diff-base")
    paths = list(paths) or ([] if hook else [Path(".")])
    config = project_config(paths or [Path(".")], config_file, prometheus_version, alertmanager_version)
    if select or ignore:
        config = with_selection(config, list(select), list(ignore))
    colour = fmt == "text" and output is None and colour_wanted(sys.stdout, os.environ)
    try:
        result = run_check(paths, config, fmt, strict, cache=not no_cache, baseline=baseline,
                           write_baseline=write_baseline is not None, diff_base=diff_base, hook=hook, colour=colour,
                           show_files=show_files)
    except CheckError as exc:
        _fail(str(exc))
    from obslint.core.fileio import write_atomic

    if result.baseline is not None:
        write_atomic(write_baseline, result.baseline)
        click.echo(f"obslint: {result.summary} ({write_baseline})", err=True)
        sys.exit(0)
    if output is not None:
        write_atomic(output, result.report.encode("utf-8"))
    else:
        click.echo(result.report, nl=False, color=colour)  # click would strip the colours off a pipe
    if fmt == "text" or output is not None:
        click.echo(f"obslint: {result.summary}", err=True)
    sys.exit(result.exit_code)


@cli.command(name="checks")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_checks(fmt) -> None:
    """List every check: code, name, default severity, kind and summary."""
    from obslint.commands.checks import list_checks as listing

    click.echo(listing(fmt), nl=False)


@cli.command()
@click.argument("code")
def explain(code) -> None:
    """Print the documentation of a check, by code (R001) or name (unknown-field)."""
    from obslint.commands.checks import explain as documentation

    try:
        click.echo(documentation(code), nl=False)
    except KeyError as exc:
        _fail(exc.args[0])


@cli.command(name="schema")
def config_schema() -> None:
    """Print the JSON Schema of the configuration ([tool.obslint]), for editors."""
    from obslint.config import SCHEMA_FILE

    click.echo(SCHEMA_FILE.read_text(encoding="utf-8"), nl=False)


@cli.group()
def template() -> None:
    """Alertmanager notification templates."""


@template.command(name="render", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.option("--alertmanager-version", default=None, help="Target Alertmanager version, e.g. 0.25.")
@click.option("--project-config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="obslint.toml or pyproject.toml to read (default: the nearest one).")
def template_render(args, alertmanager_version, config_file) -> None:
    """Render a template as `amtool template render` does, with its flags: --template.glob (repeatable),
    --template.text, --template.type text|html, --template.data FILE (default: amtool's sample data).

    Exit codes: 0 rendered, 1 the template does not parse or execute (amtool's message, at line:column).
    """
    from obslint.commands.template import render

    config = project_config([Path(".")], config_file, None, alertmanager_version)
    sys.exit(render(list(args), config))


@cli.command(name="route-test")
@click.argument("args", nargs=-1)
@click.option("--config", "am_config", type=click.Path(path_type=Path), default=None,
              help="The Alertmanager config (default: the project's alertmanager/ config).")
@click.option("--tree", is_flag=True, help="Show the matched branches of the routing tree.")
@click.option("--verify-receivers", default=None, help="Exit 1 unless the receivers line is exactly this.")
@click.option("--at", "at", default=None, help="Evaluate time intervals at this RFC 3339 instant (default: now).")
@click.option("--firing", multiple=True, help="A firing alert for inhibition, e.g. 'alertname=X,service=y'.")
@click.option("--alerts", "alerts_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Route every alert of this YAML/JSON list (or JSON lines) of label maps.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="github: routing test failures as GitHub Actions annotations.")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the test results as JUnit XML.")
@click.option("--fail-under", type=float, default=None, help="Exit 1 if route and inhibit-rule coverage is lower.")
@click.option("--matcher-mode", type=click.Choice(["classic", "fallback", "utf8"]), default=None,
              help="Matcher parser (default: the target version's).")
@click.option("--project-config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="obslint.toml or pyproject.toml to read (default: the nearest one).")
@click.option("--alertmanager-version", default=None, help="Target Alertmanager version, e.g. 0.25.")
@click.option("--render", is_flag=True, help="Show each receiver's notification as Alertmanager would send it "
                                             "(Slack title/text, PagerDuty description, email subject, ...).")
@click.option("--annotation", "annotations", multiple=True,
              help="An annotation of the alert given by labels, for --render: key=value (repeatable).")
@click.option("--external-url", default=None,
              help="Alertmanager's --web.external-url, for --render (default: http://localhost:9093).")
def route_test(args, am_config, tree, verify_receivers, at, firing, alerts_file, fmt, junit, fail_under,
               matcher_mode, config_file, alertmanager_version, render, annotations, external_url) -> None:
    """Route alerts through an Alertmanager config, or run routing test files.

    \b
    obslint route-test --config am.yml severity=critical team=ml   one alert: amtool's receivers line
    obslint route-test --config am.yml --alerts alerts.json        a batch of alerts
    obslint route-test --config am.yml --render --alerts a.json    the notifications they cause, grouped
    obslint route-test [--config am.yml] tests/routing.yaml ...    routing tests (default: the project's)
    obslint route-test --render tests/routing.yaml                 ... with each case's notifications

    Exit codes: 0 as expected, 1 a mismatch, a failing test or a notification that fails to render, 2 an
    invalid config or input.
    """
    from obslint.commands import route_test as routing

    def write(text: str) -> None:
        click.echo(text, nl=False)

    config = project_config([Path(".")], config_file, None, alertmanager_version)
    config = config.with_overrides(matcher_mode=matcher_mode)
    test_files = [Path(a) for a in args if a.endswith((".yml", ".yaml")) and "=" not in a]
    labels_args = [a for a in args if Path(a) not in test_files]
    try:
        run_tests = bool(test_files) or not (labels_args or alerts_file or am_config)
        if am_config is None:
            am_config = routing.project_config_file(config)
        if run_tests:
            code = routing.cli_run_tests(test_files or routing.project_test_files(config), config, am_config, fmt,
                                         junit, fail_under, write, render)
        else:
            code = routing.cli_route(am_config, labels_args, config, tree=tree, verify=verify_receivers,
                                     at=at, firing=list(firing), alerts_file=alerts_file, fmt=fmt, write=write,
                                     render=render, annotations=list(annotations), external_url=external_url)
    except routing.RouteTestError as exc:
        for finding in exc.findings:
            click.echo(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.name}: "
                       f"{finding.message}", err=True)
        _fail(str(exc))
    sys.exit(code)


@cli.command(name="catalog")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@with_common_options
def catalog_command(paths, fmt, config_file, prometheus_version, alertmanager_version) -> None:
    """Print the project's metric catalog: each series with its type, labels and where it is declared
    (instrumentation code file:line, metrics.yaml, a capture), the declarations obslint cannot read or
    prometheus_client refuses, and the scrape jobs of the project's Prometheus configs.

    Exit codes: 0 printed, 2 usage or configuration error.
    """
    from obslint.commands.catalog import gather, render

    paths = list(paths) or [Path(".")]
    config = project_config(paths, config_file, prometheus_version, alertmanager_version)
    click.echo(render(gather(paths, config), fmt), nl=False)
    sys.exit(0)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--diff", is_flag=True, help="Print the changes as a unified diff instead of writing them; "
                                           "exit 1 if there are any.")
@with_common_options
def fix(paths, diff, config_file, prometheus_version, alertmanager_version) -> None:
    """Rewrite deprecated Alertmanager `match`/`match_re` (and source_/target_ forms) into matchers lists.

    A rewrite is written only when the new config routes and inhibits exactly as the old one on
    every label set built from its matchers' values. Writes are atomic.
    """
    from obslint.commands.fix import fix_paths
    from obslint.core.fileio import write_atomic

    paths = list(paths) or [Path(".")]
    config = project_config(paths, config_file, prometheus_version, alertmanager_version)
    changed = refused = 0
    for result in fix_paths(paths, config):
        if result.new_text is None:
            refused += result.message.startswith("not fixed")
            if result.message != "nothing to fix":
                click.echo(f"{result.path}: {result.message}", err=True)
            continue
        changed += 1
        if diff:
            click.echo(result.diff, nl=False)
        else:
            write_atomic(Path(result.path), result.new_text.encode("utf-8"))
            click.echo(f"{result.path}: {result.message}", err=True)
    sys.exit(1 if (diff and changed) or refused else 0)


@cli.command()
@click.argument("root", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory (default: the config's build.out, else build/ under the project root).")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 when the output on disk differs from a fresh build.")
@with_common_options
def build(root, out, check_only, config_file, prometheus_version, alertmanager_version) -> None:
    """Build dashboards (JSON and Grafana-sidecar ConfigMaps) and rules (PrometheusRule resources).

    Exit codes: 0 built (or no drift), 1 errors in the inputs (or drift with --check), 2 usage error.
    """
    from obslint.commands import build as builder
    from obslint.output.reporters import render, summary_line

    config = project_config([root or Path(".")], config_file, prometheus_version, alertmanager_version, root)
    result = builder.build(config)
    if result.findings:
        click.echo(render(result.findings, "text") + f"obslint: {summary_line(result.findings)}", err=True)
    for error in result.errors:
        click.echo(f"obslint: {error}", err=True)
    if not result.ok:
        _fail("not built: the inputs have errors", 1)
    target = out or (config.root / config.build_out)
    if check_only:
        lines = builder.drift(result, target)
        for line in lines:
            click.echo(line)
        if lines:
            _fail(f"{target} is not what `obslint build` makes ({len(lines)} file(s) differ); run it and commit", 1)
        click.echo(f"{target}: up to date ({len(result.files)} files)")
        sys.exit(0)
    try:
        builder.write(result, target)
    except builder.BuildError as exc:
        _fail(f"not built: {exc}")
    except OSError as exc:
        _fail(f"cannot write {target}: {exc.strerror or exc}")
    click.echo(f"built {len(result.files)} files in {target}")
    sys.exit(0)


@cli.command()
@click.argument("root", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "html_out", type=click.Path(dir_okay=False, path_type=Path), default=Path("obslint-report.html"),
              show_default=True, help="The HTML report.")
@click.option("--markdown", "markdown_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the report as Markdown.")
@with_common_options
def report(root, html_out, markdown_out, config_file, prometheus_version, alertmanager_version) -> None:
    """Write a self-contained HTML report (and Markdown): which receivers each alert reaches, the
    routing tree with its coverage, rule unit-test coverage, recording rules and their readers."""
    from obslint.commands import report as reporting

    config = project_config([root or Path(".")], config_file, prometheus_version, alertmanager_version, root)
    data = reporting.gather(config)
    try:
        reporting.write(data, html_out, markdown_out)
    except OSError as exc:
        _fail(f"cannot write the report: {exc.strerror or exc}")
    click.echo(f"wrote {html_out}" + (f" and {markdown_out}" if markdown_out else ""))
    sys.exit(0)


@cli.command(name="test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="github: failing test groups and static findings as GitHub Actions annotations.")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the results as JUnit XML.")
@click.option("--run", "run_regex", default=None, help="Only the test groups whose name matches this regex.")
@click.option("--fail-under", type=float, default=None,
              help="Exit 1 if fewer than this percentage of alerts are tested firing and not firing.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="obslint.toml or pyproject.toml to read (default: the nearest one).")
def test_command(paths, fmt, junit, run_regex, fail_under, config_file) -> None:
    """Run promtool rule unit tests (default: the project's rules/tests/) with structured results.

    Exit codes: 0 all pass, 1 a failing test (or coverage under --fail-under), 2 promtool missing or bad input.
    """
    from obslint.commands.test import run

    config = project_config(list(paths) or [Path(".")], config_file)
    result = run(list(paths), config, fmt, junit, run_regex, fail_under)
    click.echo(result.err, err=True, nl=False)
    click.echo(result.out, nl=False)
    sys.exit(result.exit_code)


def main() -> None:
    """The command line (the console script starts it through obslint.entry)."""
    try:
        try:
            cli(standalone_mode=True)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except BrokenPipeError:
            sys.exit(1)
        except Exception as exc:  # a bug in obslint: say so, in one line, and exit 2
            _fail(f"internal error: {type(exc).__name__}: {exc} (please report this)")
    except SystemExit as exc:
        _exit(exc.code)
    _exit(0)


def _exit(code) -> None:
    """Exit as soon as the output is flushed: every file obslint writes is closed by then, and
    tearing down the interpreter's objects one by one took a tenth of a large run."""
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, OSError, ValueError):
        code = code or 1
    os._exit(code or 0)
