"""The Go standard library behaviours Alertmanager's config loader inherits, restated: url.Parse,
net.SplitHostPort, time.ParseDuration, textproto's canonical header keys, and how gopkg.in/yaml.v2
resolves a plain scalar into a number. Each returns what Go returns or raises GoError with Go's text.
"""

from __future__ import annotations

import re

from obslint import gostrconv


class GoError(ValueError):
    """What Go's function returned as its error (its text, as Go prints it)."""


# --- net/url.Parse ----------------------------------------------------------------------------------

_SCHEME_CHAR = re.compile(r"[a-zA-Z0-9+\-.]")
_HEX = "0123456789abcdefABCDEF"
# characters url.Parse accepts unescaped in a host name (besides letters and digits): shouldEscape's
# encodeHost exceptions
_HOST_OK = set("-_.~!$&'()*+,;=:[]<>\"")
_USERINFO_OK = set("-._:~!$&'()*+,;=%@")


class GoURL:
    def __init__(self, scheme: str = "", host: str = "", opaque: str = "", path: str = ""):
        self.scheme, self.host, self.opaque, self.path = scheme, host, opaque, path


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unescape(text: str, mode: str) -> str:
    """url.unescape: every % starts a valid escape; in a host, only some characters are allowed."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "%":
            if i + 2 >= n or text[i + 1] not in _HEX or text[i + 2] not in _HEX:
                rest = text[i:i + 3]
                raise GoError(f"invalid URL escape {_quoted(rest)}")
            if mode == "host" and int(text[i + 1], 16) < 8 and text[i:i + 3] != "%25":
                raise GoError(f"invalid URL escape {_quoted(text[i:i + 3])}")  # only non-ASCII bytes
            i += 3
            continue
        if mode == "host" and ord(c) < 0x80 and not c.isalnum() and c not in _HOST_OK:
            raise GoError(f"invalid character {_quoted(c)} in host name")
        i += 1
    return text


def _valid_optional_port(port: str) -> bool:
    if port == "":
        return True
    return port[0] == ":" and all(c in "0123456789" for c in port[1:])


def _parse_host(host: str) -> str:
    if host.startswith("["):
        end = host.rfind("]")
        if end < 0:
            raise GoError("missing ']' in host")
        colon_port = host[end + 1:]
        if not _valid_optional_port(colon_port):
            raise GoError(f"invalid port {_quoted(colon_port)} after host")
        return _unescape(host, "host")
    i = host.rfind(":")
    if i != -1:
        colon_port = host[i:]
        if not _valid_optional_port(colon_port):
            raise GoError(f"invalid port {_quoted(colon_port)} after host")
    return _unescape(host, "host")


def url_parse(raw: str) -> GoURL:
    """net/url.Parse; GoError with Go's message (`parse "x": ...`) when Go refuses the text."""
    try:
        return _url_parse(raw)
    except GoError as exc:
        raise GoError(f"parse {_quoted(raw)}: {exc}") from None


def _url_parse(raw: str) -> GoURL:
    text, _, fragment = raw.partition("#")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
        raise GoError("net/url: invalid control character in URL")
    _unescape(fragment, "fragment")
    url = GoURL()
    if text == "*":
        url.path = "*"
        return url
    rest = text
    for i, c in enumerate(text):
        if c.isascii() and c.isalpha():
            continue
        if c in "0123456789+-.":
            if i == 0:
                break
            continue
        if c == ":":
            if i == 0:
                raise GoError("missing protocol scheme")
            url.scheme, rest = text[:i].lower(), text[i + 1:]
        break
    if rest.endswith("?") and rest.count("?") == 1:
        rest = rest[:-1]
    else:
        rest = rest.partition("?")[0]
    if not rest.startswith("/"):
        if url.scheme:
            url.opaque = rest
            return url
        segment = rest.partition("/")[0]
        if ":" in segment:
            raise GoError("first path segment in URL cannot contain colon")
    if (url.scheme or not rest.startswith("///")) and rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        rest = slash + path
        userinfo, at, host = authority.rpartition("@")
        if at:
            if any(not (c.isascii() and c.isalnum()) and c not in _USERINFO_OK for c in userinfo):
                raise GoError("net/url: invalid userinfo")
            _unescape(userinfo, "userinfo")
        url.host = _parse_host(host)
    url.path = _unescape(rest, "path")
    return url


def parse_http_url(raw: str) -> GoURL:
    """Alertmanager's config.ParseURL: url.Parse, then an http or https scheme and a host."""
    url = url_parse(raw)
    if url.scheme not in ("http", "https"):
        raise GoError(f"unsupported scheme {_quoted(url.scheme)} for URL")
    if not url.host:
        raise GoError("missing host for URL")
    return url


# --- net.SplitHostPort ------------------------------------------------------------------------------

def split_host_port(hostport: str) -> tuple[str, str]:
    def fail(why: str) -> GoError:
        return GoError(f"address {hostport}: {why}")

    i = hostport.rfind(":")
    if i < 0:
        raise fail("missing port in address")
    j = k = 0
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            raise fail("missing ']' in address")
        if end + 1 == len(hostport):
            raise fail("missing port in address")
        if end + 1 != i:
            raise fail("too many colons in address" if hostport[end + 1] == ":" else "missing port in address")
        host = hostport[1:end]
        j, k = 1, end + 1
    else:
        host = hostport[:i]
        if ":" in host:
            raise fail("too many colons in address")
    if "[" in hostport[j:]:
        raise fail("unexpected '[' in address")
    if "]" in hostport[k:]:
        raise fail("unexpected ']' in address")
    return host, hostport[i + 1:]


# --- time.ParseDuration -----------------------------------------------------------------------------

def parse_go_duration(text: str) -> int:
    """time.ParseDuration (obslint.gotemplate.gotime's): nanoseconds; GoError for what Go refuses."""
    from obslint.gotemplate.gotime import TimeError, parse_duration

    try:
        return parse_duration(text)
    except TimeError as exc:
        raise GoError(str(exc)) from None


# --- net/textproto.CanonicalMIMEHeaderKey ----------------------------------------------------------

_TOKEN = set("!#$%&'*+-.^_`|~")


def canonical_header_key(key: str) -> str:
    """`content-type` -> `Content-Type`; a key with a character a header name cannot hold is unchanged."""
    for c in key:
        if not (c.isascii() and (c.isalnum() or c in _TOKEN)):
            return key
    out, upper = [], True
    for c in key:
        out.append(c.upper() if upper else c.lower())
        upper = c == "-"
    return "".join(out)


# --- gopkg.in/yaml.v2: numbers ----------------------------------------------------------------------

_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN",
                   ".NAN"}


_go_parse_int = gostrconv.parse_int_or_uint


def yaml_number(text: str) -> int | float | None:
    """The number yaml.v2 resolves a plain scalar to (an int, or a float), or None when it is no number."""
    plain = text.replace("_", "")
    if text in _SPECIAL_FLOATS:
        return float(text.replace(".", "").lower())
    if not plain or plain[0] not in "+-0123456789.":
        return None
    value = _go_parse_int(plain)
    if value is not None:
        return value
    if _YAML_FLOAT.fullmatch(plain):
        try:
            return float(plain)
        except ValueError:
            return None
    return None
