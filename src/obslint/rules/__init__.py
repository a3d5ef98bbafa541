"""Prometheus rule files: the model of a rule file (`model`) and what the checks across the rule set
and the repository need of each rule (`facts`). Loading a rule file validates it as promtool does:
obslint.checks.rulefmt."""
