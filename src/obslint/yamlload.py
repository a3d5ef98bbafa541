"""YAML loading with line and column for every node.

The tree keeps each scalar's text exactly as written (after YAML quoting is undone): Prometheus and
Alertmanager are Go programs that read a string-typed field as the raw scalar, so `yes`, `010`, `1.50`
and `12:30` must stay strings and never become PyYAML's bool, int or float. Typed readings are
explicit helpers (`as_bool`, `as_int`).

Bad input never raises anything but `YamlError`, which carries a line and a column.
"""

from __future__ import annotations

import codecs
import functools
from dataclasses import dataclass, field


@functools.cache
def _pyyaml():
    """PyYAML and its fastest loader, imported when a document is first loaded (not to list the checks)."""
    import yaml

    try:  # the C loader is ten times faster; fall back when libyaml is missing
        from yaml import CSafeLoader as loader
    except ImportError:  # pragma: no cover - depends on the build of PyYAML
        from yaml import SafeLoader as loader  # type: ignore[assignment]
    return yaml, loader

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_NODES = 1_000_000
DEFAULT_MAX_DEPTH = 500

NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"

TRUE_WORDS = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"}
FALSE_WORDS = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"}


class YamlError(Exception):
    """A file that cannot be read as YAML. `kind` is one of: syntax, encoding, size, aliases, duplicate-key."""

    def __init__(self, kind: str, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column


@dataclass(eq=False, slots=True)
class Node:
    line: int  # 1-based
    column: int  # 1-based
    tag: str

    @property
    def kind(self) -> str:
        return type(self).__name__.removesuffix("Node").lower()


@dataclass(eq=False, slots=True)
class ScalarNode(Node):
    text: str = ""
    style: str | None = None  # None plain, "'" or '"' quoted, "|" literal, ">" folded
    source: "Source | None" = field(default=None, repr=False)

    @property
    def is_null(self) -> bool:
        return self.tag == NULL_TAG and self.style is None

    def as_str(self) -> str:
        """The string Go reads for a string field: the raw text, and "" for null."""
        return "" if self.is_null else self.text

    def as_bool(self) -> bool | None:
        """YAML 1.1 booleans, as Go's yaml decoders accept for bool fields; None if not a bool."""
        if self.style is not None:
            return None
        if self.text in TRUE_WORDS:
            return True
        if self.text in FALSE_WORDS:
            return False
        return None

    def as_int(self) -> int | None:
        if self.style is not None:
            return None
        text = self.text.replace("_", "")
        try:
            return int(text, 0) if text.lstrip("+-")[:2].lower() in ("0x", "0o", "0b") else int(text, 10)
        except ValueError:
            return None

    def position_of(self, offset: int) -> tuple[int, int]:
        """File line and column of character `offset` of this scalar's text (best effort for folded styles)."""
        if self.source is None:
            return self.line, self.column
        return self.source.position_in_scalar(self, offset)


@dataclass(eq=False, slots=True)
class SeqNode(Node):
    items: list[Node] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class MapNode(Node):
    items: list[tuple[ScalarNode, Node]] = field(default_factory=list)

    def get(self, key: str) -> Node | None:
        for k, v in self.items:
            if k.text == key:
                return v
        return None

    def key_node(self, key: str) -> ScalarNode | None:
        for k, _ in self.items:
            if k.text == key:
                return k
        return None

    def keys(self) -> list[str]:
        return [k.text for k, _ in self.items]


@dataclass
class Document:
    root: Node | None
    source: "Source"


class Source:
    """The decoded text of a file, for mapping offsets inside scalars back to lines and columns."""

    def __init__(self, text: str):
        self.text = text
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def position_in_scalar(self, node: ScalarNode, offset: int) -> tuple[int, int]:
        before = node.text[:offset]
        line_in_text = before.count("\n")
        col_in_line = offset - (before.rfind("\n") + 1)
        if node.style in ("|", ">"):
            first = node.line + 1 + line_in_text  # block content starts below the indicator
            indent = self._indent_from(node.line + 1)
            return first, indent + col_in_line + 1
        if line_in_text == 0:
            return node.line, node.column + col_in_line + (1 if node.style in ("'", '"') else 0)
        # multi-line plain or quoted scalar: lines are folded; find the continuation line's indentation
        line = node.line + line_in_text
        return line, self._indent_from(line) + col_in_line + 1

    def _indent_from(self, line: int) -> int:
        lines = self.lines
        for i in range(line - 1, min(len(lines), line + 50)):
            stripped = lines[i].lstrip(" ")
            if stripped:
                return len(lines[i]) - len(stripped)
        return 0


def decode(data: bytes) -> str:
    """Bytes to text as YAML allows (UTF-8, or UTF-16/32 with a BOM); YamlError(kind=encoding) otherwise."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise YamlError("encoding", f"the file is not valid {codec.upper()}: {exc.reason}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8", errors="replace")) + 1
        raise YamlError(
            "encoding",
            f"the file is not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded (is it Latin-1?)",
            line,
            column,
        ) from None


def read_file(path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read and decode a file, refusing one over `max_bytes` before reading it."""
    import os

    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise YamlError(
                "size",
                f"the file has {size} bytes, more than the limit of {max_bytes} (max-file-size in the config)",
            )
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise YamlError("io", f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise YamlError("size", f"the file is larger than the limit of {max_bytes} bytes")
    return decode(data)


def load_documents(text: str, max_nodes: int = DEFAULT_MAX_NODES, max_depth: int = DEFAULT_MAX_DEPTH) -> list[Document]:
    """Every YAML document in `text` as a positioned tree. Raises YamlError.

    The tree is built from libyaml's event stream without recursion, so deep nesting cannot exhaust
    a stack; anchors are shared, and a document whose aliases expand past `max_nodes` is refused.
    """
    yaml, loader_class = _pyyaml()
    source = Source(text)
    loader = loader_class(text)
    try:
        return _build(loader.get_event, source, max_nodes, max_depth)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        raise YamlError("syntax", problem, (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1) from None
    except yaml.YAMLError as exc:  # ReaderError (control characters) and friends
        position = getattr(exc, "position", None)
        line, column = 1, 1
        if position is not None:
            line = text.count("\n", 0, position) + 1
            column = position - (text.rfind("\n", 0, position) + 1) + 1
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        raise YamlError("syntax", f"invalid YAML: {reason}", line, column) from None
    finally:
        loader.dispose()


def load_file(path, max_bytes: int = DEFAULT_MAX_BYTES, max_nodes: int = DEFAULT_MAX_NODES) -> list[Document]:
    return load_documents(read_file(path, max_bytes), max_nodes)


# the plain scalars whose tag is not str: nulls, and the merge key
_PLAIN_TAGS = {word: NULL_TAG for word in ("", "~", "null", "Null", "NULL")} | {"<<": MERGE_TAG}
_TAG_PREFIX = "tag:yaml.org,2002:"


def _build(get_event, source: Source, max_nodes: int, max_depth: int) -> list[Document]:
    """Turn parse events into Nodes, keeping per-anchor expanded sizes to stop alias bombs.

    One loop with no call per event but libyaml's: this is the loader's hot path."""
    documents: list[Document] = []
    anchors: dict[str, tuple[Node, int]] = {}
    # open collections: [node, expanded size so far, anchor, pending key (maps), keys seen (maps),
    # merged items (maps), is a sequence]
    stack: list[list] = []
    root: Node | None = None
    total = 0
    yaml = _pyyaml()[0]
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    map_start, map_end = yaml.MappingStartEvent, yaml.MappingEndEvent
    seq_start, seq_end = yaml.SequenceStartEvent, yaml.SequenceEndEvent
    plain_tags = _PLAIN_TAGS
    while True:  # get_event alone: half the calls of yaml.parse's check_event/get_event loop
        event = get_event()
        kind = type(event)
        alias_mark = None
        if kind is scalar_event:  # the common case first
            mark = event.start_mark
            style = event.style or None
            tag = event.tag
            if tag and tag != "!":
                tag = _full_tag(tag, "str")
            elif style is None and event.implicit[0]:
                tag = plain_tags.get(event.value, STR_TAG)
            else:
                tag = STR_TAG
            node: Node = ScalarNode(mark.line + 1, mark.column + 1, tag, event.value, style, source)
            size = 1
            anchor = event.anchor
        elif kind is map_start or kind is seq_start:
            mark = event.start_mark
            if len(stack) >= max_depth:
                raise YamlError("syntax", f"the YAML is nested more than {max_depth} levels deep",
                                mark.line + 1, mark.column + 1)
            if kind is seq_start:
                stack.append([SeqNode(mark.line + 1, mark.column + 1, _full_tag(event.tag, "seq")), 1,
                              event.anchor, None, None, None, True])
            else:
                stack.append([MapNode(mark.line + 1, mark.column + 1, _full_tag(event.tag, "map")), 1,
                              event.anchor, None, {}, [], False])
            continue
        elif kind is map_end or kind is seq_end:
            node, size, anchor, _key, _seen, merged, _is_seq = stack.pop()
            if merged:
                names = set(node.keys())
                for key, value in merged:  # explicit keys win over merged ones
                    if key.text not in names:
                        names.add(key.text)
                        node.items.append((key, value))
        elif kind is alias_event:
            if event.anchor not in anchors:
                mark = event.start_mark
                raise YamlError("syntax", f"found undefined alias {event.anchor!r}", mark.line + 1, mark.column + 1)
            node, size = anchors[event.anchor]
            anchor = None
            alias_mark = event.start_mark
        elif event is None or kind is yaml.StreamEndEvent:
            return documents
        elif kind is yaml.DocumentStartEvent:
            anchors, root, total = {}, None, 0
            continue
        elif kind is yaml.DocumentEndEvent:
            documents.append(Document(root, source))
            continue
        else:
            continue  # the stream's start
        # the node is complete: place it in its parent
        if anchor:
            anchors[anchor] = (node, size)
        total += size
        if total > max_nodes or size > max_nodes:
            line, column = node.line, node.column
            if alias_mark is not None:
                line, column = alias_mark.line + 1, alias_mark.column + 1
            raise YamlError("aliases",
                            f"YAML aliases expand this document to more than {max_nodes} nodes (an alias bomb?)",
                            line, column)
        if not stack:
            root = node
            continue
        frame = stack[-1]
        frame[1] += size
        if frame[6]:
            frame[0].items.append(node)
            continue
        key = frame[3]
        if key is None:  # this node is a key
            if type(node) is not ScalarNode:
                raise YamlError("syntax", f"a mapping key must be a scalar, not a {node.kind}", node.line, node.column)
            frame[3] = node
            continue
        frame[3] = None
        if key.tag == MERGE_TAG:
            frame[5].extend(_merge_items(node))
            continue
        seen = frame[4]
        first = seen.get(key.text)
        if first is not None:
            raise YamlError("duplicate-key", f'mapping key "{key.text}" already defined at line {first.line}',
                            key.line, key.column)
        seen[key.text] = key
        frame[0].items.append((key, node))


def _full_tag(tag: str | None, default: str) -> str:
    if not tag or tag == "!":
        return _TAG_PREFIX + default
    if tag.startswith("!!"):
        return _TAG_PREFIX + tag[2:]
    return tag


def _merge_items(value: Node) -> list[tuple[ScalarNode, Node]]:
    maps = value.items if isinstance(value, SeqNode) else [value]
    items: list[tuple[ScalarNode, Node]] = []
    names: set[str] = set()
    for m in maps:
        if not isinstance(m, MapNode):
            raise YamlError("syntax", "a merge key (<<) needs a mapping or a list of mappings", m.line, m.column)
        for key, val in m.items:
            if key.text not in names:
                names.add(key.text)
                items.append((key, val))
    return items


def to_python(node: Node | None):
    """Plain Python data (strings for every scalar except null), for code that needs no positions."""
    if node is None:
        return None
    if isinstance(node, ScalarNode):
        return None if node.is_null else node.text
    if isinstance(node, SeqNode):
        return [to_python(i) for i in node.items]
    return {k.text: to_python(v) for k, v in node.items}
