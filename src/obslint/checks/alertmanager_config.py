"""What Alertmanager refuses to load: each is an error `amtool check-config` reports too.

The checks are made by obslint.alertmanager.loader, which reports them by code at the offending node.
"""

from obslint.checks.registry import Check, register


class AlertmanagerCheck(Check):
    kind = "alertmanager"
    example_filename = "alertmanager/alertmanager.yml"


@register
class AmUnknownField(AlertmanagerCheck):
    """Finds a key Alertmanager's config does not know (or that the target version does not have yet).

    Why: Alertmanager decodes strictly and refuses the whole config, so a typo such as `recievers:`
    stops a reload; on an old Alertmanager a field from a newer release does the same.

    Bad:
    ```yaml
    route:
      receiver: default
      group_wiat: 30s
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      group_wait: 30s
    receivers:
      - name: default
    ```
    """

    code = "A001"
    name = "am-unknown-field"


@register
class AmWrongType(AlertmanagerCheck):
    """Finds a field of the wrong YAML type: a string where a list of matchers belongs, a mapping for a string.

    Why: Alertmanager refuses the config with `cannot unmarshal`; `matchers: "a=1"` (a string, not a
    list) is the classic case.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: severity="critical"
          receiver: default
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['severity="critical"']
          receiver: default
    receivers:
      - name: default
    ```
    """

    code = "A002"
    name = "am-wrong-type"


@register
class AmRootRoute(AlertmanagerCheck):
    """Finds a config without a route, or a root route that breaks the root's rules: no default receiver,
    matchers, mute or active time intervals, or `continue`.

    Why: the root route is the fallback every alert reaches; Alertmanager refuses a root that could
    miss alerts or has no receiver.

    Bad:
    ```yaml
    route:
      matchers: ['severity="critical"']
      receiver: default
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['severity="critical"']
          receiver: default
    receivers:
      - name: default
    ```
    """

    code = "A003"
    name = "am-root-route"


@register
class AmUndefinedReceiver(AlertmanagerCheck):
    """Finds a route whose receiver is not defined under `receivers:`.

    Why: Alertmanager refuses the config (`undefined receiver "X" used in route`).

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="db"']
          receiver: db-pager
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="db"']
          receiver: db-pager
    receivers:
      - name: default
      - name: db-pager
    ```
    """

    code = "A004"
    name = "am-undefined-receiver"


@register
class AmReceiverName(AlertmanagerCheck):
    """Finds a receiver without a name, or two receivers with the same name.

    Why: Alertmanager refuses the config (`notification config name "X" is not unique`).

    Bad:
    ```yaml
    route:
      receiver: default
    receivers:
      - name: default
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
    receivers:
      - name: default
    ```
    """

    code = "A005"
    name = "am-receiver-name"


@register
class AmInvalidMatcher(AlertmanagerCheck):
    """Finds a matcher the target Alertmanager's parser cannot read, and invalid label names in `match`.

    Why: Alertmanager refuses the config. Which strings parse depends on the version: up to 0.26 only
    the classic parser; from 0.27 the UTF-8 parser with a fallback to the classic one.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['severity="critical']
          receiver: default
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['severity="critical"']
          receiver: default
    receivers:
      - name: default
    ```
    """

    code = "A006"
    name = "am-invalid-matcher"


@register
class AmInvalidRegex(AlertmanagerCheck):
    """Finds a regex matcher that Go's RE2 refuses (lookaround, backreferences, repeats over 1000, ...).

    Why: Alertmanager refuses the config (`error parsing regexp`). Python's `re` would accept several
    of these, so obslint compiles them with RE2 as Go does.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['service=~"(?!db).*"']
          receiver: default
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['service!~"db.*"']
          receiver: default
    receivers:
      - name: default
    ```
    """

    code = "A007"
    name = "am-invalid-regex"


@register
class AmInvalidDuration(AlertmanagerCheck):
    """Finds a duration that is not Prometheus's format (`1h30m`, not `1.5h` or `90 m`), and a zero
    `group_interval` or `repeat_interval`.

    Why: Alertmanager refuses the config (`not a valid duration string`, `group_interval cannot be zero`).

    Bad:
    ```yaml
    route:
      receiver: default
      group_interval: 1.5m
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      group_interval: 90s
    receivers:
      - name: default
    ```
    """

    code = "A008"
    name = "am-invalid-duration"


@register
class AmInvalidGroupBy(AlertmanagerCheck):
    """Finds a `group_by` with an invalid or repeated label name, or `...` mixed with labels.

    Why: Alertmanager refuses the config; `['...', 'alertname']` does not mean what it seems to.

    Bad:
    ```yaml
    route:
      receiver: default
      group_by: ['...', alertname]
    receivers:
      - name: default
    ```

    Good:
    ```yaml
    route:
      receiver: default
      group_by: ['...']
    receivers:
      - name: default
    ```
    """

    code = "A009"
    name = "am-invalid-group-by"


@register
class AmTimeInterval(AlertmanagerCheck):
    """Finds a time interval that does not parse (`9:00`, `monday:sunday` reversed, unknown zones),
    one without a name or defined twice, and a route naming an undefined one.

    Why: Alertmanager refuses the config, and a mute window that does not load mutes nothing.

    Bad:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="db"']
          receiver: default
          mute_time_intervals: [nights]
    receivers:
      - name: default
    time_intervals:
      - name: nights
        time_intervals:
          - times: [{start_time: "22:00", end_time: "06:00"}]
    ```

    Good:
    ```yaml
    route:
      receiver: default
      routes:
        - matchers: ['team="db"']
          receiver: default
          mute_time_intervals: [nights]
    receivers:
      - name: default
    time_intervals:
      - name: nights
        time_intervals:
          - times: [{start_time: "22:00", end_time: "24:00"}, {start_time: "00:00", end_time: "06:00"}]
    ```
    """

    code = "A010"
    name = "am-time-interval"


@register
class AmIntegration(AlertmanagerCheck):
    """Finds an integration missing what it needs: a Slack config with no API URL (and no global one),
    PagerDuty without a routing or service key, email without `to` or a smarthost, a webhook without
    a URL, a secret set both inline and as a file, a URL without a scheme or host.

    Why: Alertmanager refuses the config, or (for integrations) would have nowhere to send.

    Bad:
    ```yaml
    route:
      receiver: pager
    receivers:
      - name: pager
        pagerduty_configs:
          - severity: critical
    ```

    Good:
    ```yaml
    route:
      receiver: pager
    receivers:
      - name: pager
        pagerduty_configs:
          - routing_key_file: /etc/alertmanager/secrets/pagerduty-key
            severity: critical
    ```
    """

    code = "A011"
    name = "am-integration"


@register
class AmInvalidEqual(AlertmanagerCheck):
    """Finds an inhibit rule whose `equal` list names an invalid label.

    Why: Alertmanager refuses the config.

    Bad:
    ```yaml
    route:
      receiver: default
    receivers:
      - name: default
    inhibit_rules:
      - source_matchers: ['severity="critical"']
        target_matchers: ['severity="warning"']
        equal: [k8s-namespace]
    ```

    Good:
    ```yaml
    route:
      receiver: default
    receivers:
      - name: default
    inhibit_rules:
      - source_matchers: ['severity="critical"']
        target_matchers: ['severity="warning"']
        equal: [namespace]
    ```
    """

    code = "A012"
    name = "am-invalid-equal"
    example_config = {"alertmanager_version": (0, 25)}
