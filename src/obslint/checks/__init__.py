"""Every check: one module per family of codes, each check's documentation (what it finds, why it
matters, a bad and a good example) beside the code that reports it.

    files          Y001-Y007  reading YAML: syntax, encoding, size, aliases, duplicate keys, unreadable, kind
    promql         P001-P004  PromQL as the target Prometheus parses it
    rulefmt        R001-R014  rule files as promtool's rulefmt loads them (and builds the rules' model)
    rule_lint      R101-R133  rules beyond promtool: templates, PromQL smells, policy
    rule_deps      R141-R143  recording rules across the rule set
    amtool         A001-A012  Alertmanager configs as amtool loads them (and builds the routing model)
    am_lint        A101-A120  routing that loads but loses, duplicates or leaks alerts; migration across versions
    dashboard_lint D001-D019  dashboards
    unittest_lint  T001-T005  promtool unit-test files that prove nothing
    cross          X001-X006  rules, routing and dashboards together
    catalog_lint   X007-X013  queries against the metric catalog (metrics.yaml, instrumentation code, scrape
                              jobs), and the instrumentation declarations it is read from

`base` defines a check and how it reports; `registry` lists them all.
"""
