"""Dashboards: which Python files are dashboards and running them in a sandbox (sandbox, execute),
grafanalib compiled to modern Grafana JSON (compiler), JSON dashboards read with their lines (model),
obslint's lenient schema (schema), Grafana's variables in PromQL (macros) and units (units). The checks
are obslint.checks.dashboard_lint."""
