"""encoding/json's Marshal for template values (as toJson and html/template's JS escaping use it)."""

from __future__ import annotations

from typing import Any

from obslint.gotemplate import gotime
from obslint.gotemplate.values import GoError, GoStruct, type_of


def to_json(v: Any) -> str:
    """encoding/json's Marshal of a template value (HTML-safe escaping, sorted map keys)."""
    import math

    from obslint.gotemplate.printf import format_float
    t = type_of(v)
    if t is None:
        return "null"
    k = t.kind
    if isinstance(v, gotime.GoTime):
        y = v.civil()[0]
        if not 0 <= y <= 9999:
            raise GoError("json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: year outside "
                          "of range [0,9999]")
        return '"' + v.format("2006-01-02T15:04:05.999999999Z07:00") + '"'
    if k == "bool":
        return "true" if v else "false"
    if k == "string":
        return _json_string(v)
    if k == "float64":
        if math.isnan(v) or math.isinf(v):
            raise GoError(f"json: unsupported value: {format_float(v, 'g')}")
        a = abs(v)
        fmt = "e" if a != 0 and (a < 1e-6 or a >= 1e21) else "f"
        s = format_float(v, fmt)
        if fmt == "e":
            n = len(s)
            if n >= 4 and s[n - 4] == "e" and s[n - 3] == "-" and s[n - 2] == "0":
                s = s[:n - 2] + s[n - 1:]
        return s
    if k == "complex128":
        raise GoError("json: unsupported type: complex128")
    if k in ("int", "int64", "int32", "uint8", "uint", "uint64"):
        return str(int(v))
    if k == "slice":
        if getattr(v, "nil", False):
            return "null"
        return "[" + ",".join(to_json(x) for x in v) + "]"
    if k == "map":
        if getattr(v, "nil", False):
            return "null"
        items = sorted(v.items(), key=lambda kv: kv[0].encode("utf-8", "surrogateescape"))
        return "{" + ",".join(_json_string(key) + ":" + to_json(val) for key, val in items) + "}"
    if k == "struct" and isinstance(v, GoStruct):
        names = getattr(t, "json_names", None) or {f: f for f in t.fields}
        return "{" + ",".join(_json_string(names[f]) + ":" + to_json(v.values.get(f)) for f in t.fields) + "}"
    if k == "ptr":
        return "{}"
    raise GoError(f"json: unsupported type: {t.name}")


def _json_string(s: str) -> str:
    out = ['"']
    for c in s:
        o = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c in "<>&":
            out.append(f"\\u00{o:02x}")
        elif o < 0x20:
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}.get(c, f"\\u00{o:02x}"))
        elif c in "\u2028\u2029":
            out.append(f"\\u{o:04x}")
        elif 0xDC80 <= o <= 0xDCFF:
            out.append("\\ufffd")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)
