"""The Alertmanager model: matchers, time intervals, the configuration, the router and routing tests."""
