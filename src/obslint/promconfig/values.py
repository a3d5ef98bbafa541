"""Values as Prometheus's Go code reads them: YAML 1.1 scalars into Go types (yaml.v2), byte sizes
(alecthomas/units), URLs (net/url), `host:port` (net.SplitHostPort), label names, and regex replacement
templates (regexp.Expand)."""

from __future__ import annotations

import re

from obslint import gostrconv
from obslint.yamlload import ScalarNode

NULL_WORDS = {"", "~", "null", "Null", "NULL"}
TRUE_WORDS = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"}
FALSE_WORDS = {"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"}
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN",
                   ".NAN"}
INT64_MAX = (1 << 63) - 1
UINT64_MAX = (1 << 64) - 1

LEGACY_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
# a relabel target_label with ${1}-style references, in the legacy character set
RELABEL_TARGET = re.compile(r"(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+", re.ASCII)


def resolve(node: ScalarNode):
    """What yaml.v2 resolves a scalar to: ("null", None), ("bool", b), ("int", i), ("float", f) or ("str", s)."""
    text = node.text
    if node.style is not None or (node.tag and not node.tag.startswith("tag:yaml.org,2002:")):
        return "str", text
    if node.tag == "tag:yaml.org,2002:null" or text in NULL_WORDS:
        return ("null", None) if node.style is None else ("str", text)
    if text in TRUE_WORDS:
        return "bool", True
    if text in FALSE_WORDS:
        return "bool", False
    number = _go_int(text.replace("_", ""))
    if number is not None:
        return "int", number
    if _YAML_FLOAT.fullmatch(text):
        try:
            return "float", float(text)
        except ValueError:
            pass
    if text in _SPECIAL_FLOATS:
        return "float", float(text.lower().replace(".", "", 1))
    return "str", text


_go_int = gostrconv.parse_int_or_uint


def parse_size(text: str) -> int | None:
    """units.ParseBase2Bytes: `512MB`, `1GiB`, `1.5KB`, `0`; None when it does not parse."""
    s = text
    negative = False
    if s.startswith(("+", "-")):
        negative = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        return None
    for units in (_IEC_UNITS, _OLD_UNITS):
        total = _units(s, units)
        if total is not None:
            total = -total if negative else total
            return int(total) if -(1 << 63) <= total <= INT64_MAX else None
    return None


_IEC_UNITS = {"B": 1, "KiB": 1 << 10, "kiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
              "PiB": 1 << 50, "EiB": 1 << 60}
_OLD_UNITS = {"B": 1, "KB": 1 << 10, "kB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40, "PB": 1 << 50,
              "EB": 1 << 60}
_UNIT_TERM = re.compile(r"([0-9]*)(?:\.([0-9]*))?([^0-9.]*)")


def _units(s: str, units: dict[str, int]) -> float | None:
    total, i = 0.0, 0
    while i < len(s):
        m = _UNIT_TERM.match(s, i)
        if m is None or m.end() == i:
            return None
        whole, fraction, unit = m.group(1), m.group(2), m.group(3)
        if not whole and not fraction:
            return None
        if unit not in units:
            return None
        value = float(int(whole) if whole else 0)
        if fraction:
            value += int(fraction) / 10 ** len(fraction)
        total += value * units[unit]
        i = m.end()
    return total


def url_problem(text: str) -> str | None:
    """Why Go's url.Parse refuses `text`, or None (it accepts nearly everything)."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return "net/url: invalid control character in URL"
    if re.search(r"%(?![0-9A-Fa-f]{2})", text.split("#", 1)[0]):
        bad = re.search(r"%.{0,2}", text).group(0)
        return f'invalid URL escape "{bad}"'
    rest = text.split("#", 1)[0]
    if rest.startswith(":"):
        return "missing protocol scheme"
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", rest)
    if m is None:
        first = rest.split("/", 1)[0]
        if ":" in first and not rest.startswith("/"):
            return "first path segment in URL cannot contain colon"
        return None
    rest = rest[m.end():].split("?", 1)[0]
    if rest.startswith("//"):
        authority = rest[2:].split("/", 1)[0]
        host = authority.rsplit("@", 1)[-1]
        if host.startswith("["):
            end = host.find("]")
            if end < 0:
                return "missing ']' in host"
            port = host[end + 1:]
            if port and not re.fullmatch(r":[0-9]*", port):
                return f'invalid port "{port}" after host'
        elif ":" in host:
            port = host[host.rfind(":"):]
            if not re.fullmatch(r":[0-9]*", port):
                return f'invalid port "{port}" after host'
    return None


def split_host_port(address: str) -> tuple[str, str] | None:
    """net.SplitHostPort: (host, port), or None when Go refuses the address."""
    if address.startswith("["):
        end = address.find("]")
        if end < 0:
            return None
        if end + 1 == len(address) or address[end + 1] != ":":
            return None
        host, port = address[1:end], address[end + 2:]
        if "[" in address[1:end] or "]" in address[end + 1:] or "[" in address[end + 1:]:
            return None
        return (host, port) if ":" not in port else None
    colon = address.rfind(":")
    if colon < 0:
        return None
    host, port = address[:colon], address[colon + 1:]
    if ":" in host or "[" in address or "]" in address:
        return None
    return host, port


def legacy_name(name: str) -> bool:
    return LEGACY_NAME.fullmatch(name) is not None


def utf8_name(name: str) -> bool:
    """A label name in UTF-8 mode: not empty (YAML text is always valid UTF-8)."""
    return name != ""



BINARY_TAG = "tag:yaml.org,2002:binary"
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
            "P": "\u2029"}


def go_bytes(node: ScalarNode) -> bytes | None:
    """The bytes Go's YAML decoder gives a string field: base64-decoded for `!!binary`, with `\\xNN` escapes
    of a double-quoted scalar as raw bytes (PyYAML reads them as code points). None: invalid base64."""
    if node.tag == BINARY_TAG:
        import base64
        import binascii

        try:
            return base64.b64decode("".join(node.text.split()), validate=True)
        except (binascii.Error, ValueError):
            return None
    raw = _raw_double_quoted(node) if node.style == '"' else None
    if raw is None or "\\x" not in raw:
        return node.text.encode("utf-8")
    out = bytearray()
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch != "\\" or i + 1 >= len(raw):
            out += ch.encode("utf-8")
            i += 1
            continue
        code = raw[i + 1]
        width = {"x": 2, "u": 4, "U": 8}.get(code)
        if width:
            digits = raw[i + 2:i + 2 + width]
            try:
                value = int(digits, 16)
            except ValueError:
                return node.text.encode("utf-8")
            out += bytes([value]) if code == "x" else chr(value).encode("utf-8", "surrogatepass")
            i += 2 + width
        else:
            out += _ESCAPES.get(code, code).encode("utf-8")
            i += 2
    return bytes(out)


def _raw_double_quoted(node: ScalarNode) -> str | None:
    """The written text between the quotes of a double-quoted scalar (escapes undone by no one)."""
    if node.source is None:
        return None
    lines = node.source.lines
    if node.line - 1 >= len(lines):
        return None
    text = "\n".join(lines[node.line - 1:node.line + 200])
    start = node.column - 1
    if start >= len(text) or text[start] != '"':
        return None
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return text[start + 1:i]
        i += 1
    return None


def valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
