"""Dashboards: grafanalib Python executed in isolation (loader), compiled to modern Grafana JSON
(compiler), validated against obslint's own lenient schema (validate), and linted (lint)."""
