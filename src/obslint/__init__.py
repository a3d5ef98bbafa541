"""obslint: compile, lint and test Prometheus rules, Alertmanager routing and Grafana dashboards."""

__version__ = "0.1.0"
