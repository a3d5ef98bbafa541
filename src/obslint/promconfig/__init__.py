"""Prometheus server configs (`prometheus.yml`): the fields each release's loader knows (schema), where a
config sits in a file (documents), Go's YAML and value rules (values), relabeling (relabel), Kubernetes
selectors (k8s) and the model the checks read (model). obslint.checks.promconfig validates a config as
`promtool check config --syntax-only` of the target version does."""
