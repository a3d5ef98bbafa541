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
    """The decoded text of a file, for mapping offsets inside scalars back to lines and columns.

    A scalar's text is what YAML made of the characters written: quotes and escapes undone, lines
    folded, block indentation removed. `position_in_scalar` walks the written characters again, as
    the YAML scanner did, so that an offset into the text maps to the line and column of the
    character it came from (an escape maps to its backslash; a space or newline made by folding lines
    maps to the end of the line it replaced)."""

    def __init__(self, text: str):
        self.text = text
        self._lines: list[str] | None = None
        self._starts: list[int] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def offset_of(self, line: int, column: int) -> int:
        """The index in the text of a 1-based line and column (clamped to the text)."""
        if self._starts is None:
            starts = [0]
            find = self.text.find
            at = find("\n")
            while at >= 0:
                starts.append(at + 1)
                at = find("\n", at + 1)
            self._starts = starts
        starts = self._starts
        line = min(max(line, 1), len(starts))
        return min(starts[line - 1] + max(column, 1) - 1, len(self.text))

    def position(self, index: int) -> tuple[int, int]:
        """The 1-based line and column of an index in the text."""
        self.offset_of(1, 1)  # the table of line starts
        import bisect

        line = bisect.bisect_right(self._starts, index)
        return line, index - self._starts[line - 1] + 1

    def position_in_scalar(self, node: ScalarNode, offset: int) -> tuple[int, int]:
        return self.locate(node.line, node.column, node.style, node.text, offset)

    def locate(self, line: int, column: int, style: str | None, value: str, offset: int) -> tuple[int, int]:
        """Line and column of character `offset` of `value`, a scalar of `style` written at line:column."""
        offset = min(max(offset, 0), len(value))
        if style in ("|", ">"):
            return self._in_block(line, value, offset)
        start = self.offset_of(line, column)
        indexes = _flow_indexes(self.text, start, style, len(value), offset + 1)
        if offset < len(indexes):
            return self.position(indexes[offset])
        if indexes:  # the end of the text: just after its last character
            line_, column_ = self.position(indexes[-1])
            return line_, column_ + 1
        return line, column + (1 if style in ("'", '"') else 0)

    def locator(self, node: ScalarNode):
        """A function from a line and column of `node`'s text to this file's: direct for a literal block
        scalar (each of its lines is one line of the file), by offsets for the other styles."""
        if node.style == "|" and type(self) is Source:
            indent = self._block_indent(node.line, node.text)
            if indent is not None:
                first = node.line + 1
                return lambda line, column: (first + line - 1, indent + column)
        inner = Source(node.text)
        return lambda line, column: self.position_in_scalar(node, inner.offset_of(line, column))

    def _block_indent(self, line: int, value: str) -> int | None:
        """The indentation of the block scalar whose indicator is on `line` (None if it has no content)."""
        lines = self.lines
        for i, text in enumerate(value.split("\n")):
            if text.strip():
                written = lines[line + i].rstrip("\r") if line + i < len(lines) else ""
                return len(written) - len(text) if written.endswith(text) else len(written) - len(written.lstrip())
        return None

    def _in_block(self, line: int, value: str, offset: int) -> tuple[int, int]:
        """A literal or folded block scalar whose indicator is on `line`: the value aligned with the lines
        below it, whose indentation is what the first line with content has beyond the value's."""
        lines = self.lines
        indent = self._block_indent(line, value)
        if indent is None:
            return line + 1, 1
        v = 0
        last = (line + 1, indent + 1)
        for row in range(line + 1, len(lines) + 1):
            written = lines[row - 1].rstrip("\r")
            content = written[indent:]
            if content and value.startswith(content, v):
                if offset < v + len(content):
                    return row, indent + offset - v + 1
                v += len(content)
                last = (row, len(written) + 1)
            elif content.strip():
                break  # the scalar has ended
            if v < len(value) and value[v] in " \n":
                # the line break: kept, folded into a space, or the newline an empty line stands for
                if v == offset:
                    return (row, len(written) + 1) if content else (row, 1)
                v += 1
            elif not content:
                continue  # an empty line folded away
            if v >= len(value):
                break
        return last


class EmbeddedSource(Source):
    """The text of a scalar read as a file of its own (a rule file in a ConfigMap, a Secret's
    Alertmanager config, a dashboard's JSON): positions map back into the outer file through the
    scalar. `opaque` (base64, say) maps every position to the scalar itself."""

    def __init__(self, text: str, scalar: ScalarNode, opaque: bool = False):
        super().__init__(text)
        self.scalar = scalar
        self.opaque = opaque
        self._inner: dict[int, tuple[ScalarNode, int, int]] = {}  # id -> (node, line, column) in `text`
        self._outer = None if opaque else (scalar.source.locator(scalar) if scalar.source is not None else None)

    def outer(self, line: int, column: int) -> tuple[int, int]:
        """The outer file's line and column of a line and column of this text."""
        if self._outer is None:
            return self.scalar.line, self.scalar.column
        return self._outer(line, column)

    def relocate(self, tree: Node | None) -> None:
        """Give every node of `tree` (read from this text) its position in the outer file."""
        stack = [tree] if tree is not None else []
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if id(node) in seen:  # an anchor's node, shared
                continue
            seen.add(id(node))
            if isinstance(node, ScalarNode):
                self._inner[id(node)] = (node, node.line, node.column)
            node.line, node.column = self.outer(node.line, node.column)
            if isinstance(node, MapNode):
                for key, value in node.items:
                    stack.extend((key, value))
            elif isinstance(node, SeqNode):
                stack.extend(node.items)

    def position_in_scalar(self, node: ScalarNode, offset: int) -> tuple[int, int]:
        inner = self._inner.get(id(node))
        if inner is None or inner[0] is not node:
            return node.line, node.column
        line, column = self.locate(inner[1], inner[2], node.style, node.text, offset)
        return self.outer(line, column)


def load_embedded(scalar: ScalarNode, text: str | None = None, max_nodes: int = DEFAULT_MAX_NODES,
                  max_depth: int = DEFAULT_MAX_DEPTH, opaque: bool = False) -> list[Document]:
    """The YAML documents of a scalar's text (or of `text`, what it decodes to when `opaque`), every
    node positioned in the outer file, and positions inside its scalars too. A YamlError is at the
    outer file's line and column."""
    text = scalar.text if text is None else text
    source = EmbeddedSource(text, scalar, opaque)
    try:
        documents = _load(text, source, max_nodes, max_depth)
    except YamlError as exc:
        exc.line, exc.column = source.outer(exc.line, exc.column)
        raise
    for document in documents:
        source.relocate(document.root)
    return documents


def _flow_indexes(text: str, start: int, style: str | None, length: int, wanted: int) -> list[int]:
    """The index in `text` of each of the first `wanted` characters of a plain, single- or double-quoted
    scalar that starts at `start` (at its quote) and whose value has `length` characters: escapes and
    folded line breaks undone as YAML's scanner does."""
    out: list[int] = []
    append = out.append
    n = len(text)
    wanted = min(wanted, length)
    i = start + (1 if style in ("'", '"') else 0)
    while len(out) < wanted and i < n:
        c = text[i]
        if style == '"' and c == '"' or style == "'" and c == "'" and text[i + 1:i + 2] != "'":
            break
        if style == "'" and c == "'":  # '' is one quote
            append(i)
            i += 2
            continue
        if style == '"' and c == "\\":
            following = text[i + 1:i + 2]
            if following in ("\n", "\r"):  # an escaped line break: joined without a space
                i = _skip_break(text, i + 1)
                while True:
                    while i < n and text[i] in " \t":
                        i += 1
                    if i < n and text[i] in "\r\n":  # each empty line after it is a newline
                        append(i)
                        i = _skip_break(text, i)
                        continue
                    break
                continue
            append(i)
            i += {"x": 4, "u": 6, "U": 10}.get(following, 2)
            continue
        if c in " \t":
            j = i
            while j < n and text[j] in " \t":
                j += 1
            if j < n and text[j] in "\r\n":
                i = j  # white space before a line break is dropped
                continue
            out.extend(range(i, min(j, i + wanted - len(out))))
            i = j
            continue
        if c in "\r\n":
            breaks = [i]
            i = _skip_break(text, i)
            while True:
                j = i
                while j < n and text[j] in " \t":
                    j += 1
                if j < n and text[j] in "\r\n":  # an empty line
                    breaks.append(j)
                    i = _skip_break(text, j)
                    continue
                i = j
                break
            # one break folds into a space; each empty line after it is a newline
            out.extend(breaks if len(breaks) == 1 else breaks[1:])
            continue
        append(i)
        i += 1
    return out[:wanted]


def _skip_break(text: str, i: int) -> int:
    return i + 2 if text.startswith("\r\n", i) else i + 1


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
    return _load(text, Source(text), max_nodes, max_depth)


def _load(text: str, source: Source, max_nodes: int, max_depth: int) -> list[Document]:
    yaml, loader_class = _pyyaml()
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
