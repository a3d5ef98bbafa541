"""The repository seen whole: the project's rules, routing, dashboards and metric catalog together
(`project`), the alerts as routing sees them (`alerts`), and the metric catalog (`catalog`)."""
