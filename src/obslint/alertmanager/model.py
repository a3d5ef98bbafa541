"""The Alertmanager configuration as obslint holds it: routes with their effective (inherited) options,
receivers, inhibit rules and time intervals, each with the YAML node it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from obslint.alertmanager.matchers import Matcher, ParsedEntry, matches_all, render
from obslint.alertmanager.timeintervals import Spec
from obslint.yamlload import MapNode, Node, ScalarNode

DEFAULT_GROUP_WAIT_MS = 30_000
DEFAULT_GROUP_INTERVAL_MS = 300_000
DEFAULT_REPEAT_INTERVAL_MS = 4 * 3600_000
EMPTY_GROUP_BY_OVERRIDES_SINCE = (0, 31)  # before: `group_by: []` inherits the parent's


@dataclass
class MatcherEntry:
    """One string of a `matchers:` list, how the target version reads it, and where it is."""
    node: ScalarNode
    text: str
    parsed: ParsedEntry
    owner: str  # "route", "source" or "target"


@dataclass(eq=False)
class Route:
    node: MapNode | None
    parent: Route | None
    indices: tuple[int, ...]  # position in the tree: () is the root, (0, 2) route.routes[0].routes[2]
    matchers: list[Matcher] = field(default_factory=list)  # sorted, as Alertmanager sorts them
    continue_: bool = False
    receiver: str = ""  # effective
    group_by: frozenset[str] = frozenset()
    group_by_all: bool = False
    group_wait_ms: int = DEFAULT_GROUP_WAIT_MS
    group_interval_ms: int = DEFAULT_GROUP_INTERVAL_MS
    repeat_interval_ms: int = DEFAULT_REPEAT_INTERVAL_MS
    mute_time_intervals: list[str] = field(default_factory=list)  # own only: never inherited
    active_time_intervals: list[str] = field(default_factory=list)
    # route labels (0.34+): the parent's, then this route's own over them; values may be templates
    labels: dict[str, str] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    own: dict[str, Node] = field(default_factory=dict)  # the keys this route sets itself
    deprecated: list[ScalarNode] = field(default_factory=list)  # match / match_re keys
    entries: list[MatcherEntry] = field(default_factory=list)

    @property
    def path(self) -> str:
        return "route" + "".join(f".routes[{i}]" for i in self.indices)

    @property
    def key(self) -> str:
        own = render(self.matchers)
        return own if self.parent is None else f"{self.parent.key}/{own}"

    @property
    def label(self) -> str:
        """How amtool's tree names the node: its matchers, or `default-route` when it has none."""
        return render(self.matchers) if self.matchers else "default-route"

    @property
    def line(self) -> int:
        return self.node.line if self.node is not None else 1

    def walk(self):
        stack = [self]
        while stack:
            route = stack.pop()
            yield route
            stack.extend(reversed(route.routes))

    def matches(self, labels: dict[str, str]) -> bool:
        return matches_all(self.matchers, labels)


@dataclass(eq=False)
class Receiver:
    name: str
    node: MapNode
    integrations: dict[str, list[MapNode]] = field(default_factory=dict)  # e.g. "slack_configs" -> [...]

    @property
    def integration_count(self) -> int:
        return sum(len(v) for v in self.integrations.values())


@dataclass(eq=False)
class InhibitRule:
    node: MapNode
    index: int
    source: list[Matcher] = field(default_factory=list)
    target: list[Matcher] = field(default_factory=list)
    equal: list[str] = field(default_factory=list)
    name: str = ""
    deprecated: list[ScalarNode] = field(default_factory=list)
    entries: list[MatcherEntry] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.name or f"inhibit_rules[{self.index}]"


@dataclass(eq=False)
class TimeInterval:
    name: str
    node: MapNode
    specs: list[Spec] = field(default_factory=list)


@dataclass(eq=False)
class AlertmanagerConfig:
    path: str
    root: Route
    version: tuple[int, int]
    mode: str  # matcher parser: classic, fallback or utf8
    receivers: dict[str, Receiver] = field(default_factory=dict)
    inhibit_rules: list[InhibitRule] = field(default_factory=list)
    time_intervals: dict[str, TimeInterval] = field(default_factory=dict)
    global_node: MapNode | None = None
    document: Node | None = None  # the config mapping
    cache: dict = field(default_factory=dict, repr=False)  # what passes derive once from the model

    def routes(self) -> list[Route]:
        return list(self.root.walk())
