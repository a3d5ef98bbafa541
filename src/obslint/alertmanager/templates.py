"""Alertmanager's notification templates, per version: the data model, the function set, the default
templates, amtool's sample data and `render`, a drop-in for `amtool template render`.

What each version has was read from Alertmanager's sources at its tag: template/template.go (the
functions in DefaultFuncs, the types Data, Alert, KV, Pairs, Strings and their methods, how FromGlobs and
ExecuteTextString/ExecuteHTMLString parse and execute), cli/template_render.go (the flags and the sample
data) and .promu.yml (the Go version a release is built with, whose text/template rules apply).

The default templates (template/default.tmpl and email.tmpl, which amtool parses before the user's
files) are Alertmanager's own files: they are read at run time from Alertmanager's Go module
(`go mod download github.com/prometheus/alertmanager@vX.Y.0` puts them in the module cache), from
Debian's prometheus-alertmanager package for 0.25, or from $OBSLINT_ALERTMANAGER_TEMPLATES/vX.Y.0/, and
checked against the SHA-256 each version has upstream.
"""

from __future__ import annotations

import base64
import glob as _glob
import hashlib
import json
import os
import subprocess
import time as _time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from obslint import goregexp
from obslint.gotemplate import gotime
from obslint.gotemplate.execute import TemplateSet
from obslint.gotemplate.gojson import to_json
from obslint.gotemplate.parse import TemplateError, go_trim_space
from obslint.gotemplate.printf import sprint
from obslint.gotemplate.values import (
    ANY,
    BOOL,
    INT64,
    MAP_STRING_ANY,
    SLICE_ANY,
    SLICE_STRING,
    STRING,
    GoError,
    GoFunc,
    GoInt,
    GoMap,
    GoSlice,
    GoStr,
    GoStruct,
    GoType,
    type_of,
)

# ------------------------------------------------------------------------------------------ versions

_FUNCS_025 = ("toUpper", "toLower", "title", "join", "match", "safeHtml", "reReplaceAll", "stringSlice")
_FUNCS_026 = _FUNCS_025 + ("trimSpace",)
_FUNCS_028 = _FUNCS_026 + ("date", "tz", "since", "humanizeDuration")
_FUNCS_030 = _FUNCS_028 + ("safeUrl", "urlUnescape", "toJson")
_FUNCS_032 = _FUNCS_030 + ("list", "append", "dict")
_FUNCS_033 = _FUNCS_032 + ("now",)
_FUNCS_034 = _FUNCS_033 + ("routeLabels", "toDate", "mustToDate", "base64encode", "base64decode")
_FUNCS_035 = _FUNCS_034 + ("addDuration",)

_DEFAULT_025 = "0cf86688dc0933c5826b9447a2202ccd3573213ee8c3a3154cecb090c361721c"
_EMAIL_025 = "0b75d6f245ca97c441fb14aab77be39efbcd99ac458b0a3226c4474e0c831529"
_EMAIL_026 = "5ad14d13249ad11b2d24f6bd4aefbcf62b5c2356160faedf35b79066ea4a4e7e"


@dataclass(frozen=True)
class Version:
    """What one Alertmanager minor version's templates are made of."""

    minor: int
    go: tuple[int, int]  # the Go of its release build (.promu.yml); 0.25 as Debian builds it
    functions: tuple[str, ...]
    default_sha256: str
    email_sha256: str

    @property
    def name(self) -> str:
        return f"0.{self.minor}"

    @property
    def kv_stringer(self) -> bool:  # KV.String and Pairs.String: 0.26
        return self.minor >= 26

    @property
    def strings_type(self) -> bool:  # Names/Values return template.Strings with Join: 0.34
        return self.minor >= 34

    @property
    def notification_reason(self) -> bool:  # Data.NotificationReason: 0.32
        return self.minor >= 32

    @property
    def route_labels(self) -> bool:  # Data.RouteLabels: 0.34
        return self.minor >= 34

    @property
    def sample_statuses(self) -> tuple[str, str]:  # amtool's sample alerts: "alertstatus" until 0.26
        return ("alertstatus", "alertstatus") if self.minor <= 26 else ("firing", "resolved")


VERSIONS: dict[str, Version] = {v.name: v for v in (
    Version(25, (1, 19), _FUNCS_025, _DEFAULT_025, _EMAIL_025),
    Version(26, (1, 20), _FUNCS_026, "7a03ab9e573a64f0f511f980907368fb9b38c97371144af7d4af8e19b3a1b664", _EMAIL_026),
    Version(27, (1, 21), _FUNCS_026, "6017df7dda13a1504358e085a518c66d69cd7ce32a4025e4b08ad4859fc3ff3f", _EMAIL_026),
    Version(28, (1, 23), _FUNCS_028, "be6815973b8a041f73996b3c7c7922b852541de13ed6d4cb4bf4a5b591136e15", _EMAIL_026),
    Version(29, (1, 25), _FUNCS_028, "be6815973b8a041f73996b3c7c7922b852541de13ed6d4cb4bf4a5b591136e15", _EMAIL_026),
    Version(30, (1, 25), _FUNCS_030, "47f0bb0728bbe683f27bc8eac11130930418b5e1561682bd2dbfe55415a7f844", _EMAIL_026),
    Version(31, (1, 25), _FUNCS_030, "47f0bb0728bbe683f27bc8eac11130930418b5e1561682bd2dbfe55415a7f844", _EMAIL_026),
    Version(32, (1, 26), _FUNCS_032, "e2e218d762d2e0769d5c27b1b66e22c3f377567df7857d8ac0406dd73919b8db", _EMAIL_026),
    Version(33, (1, 26), _FUNCS_033, "e2e218d762d2e0769d5c27b1b66e22c3f377567df7857d8ac0406dd73919b8db", _EMAIL_026),
    Version(34, (1, 26), _FUNCS_034, "e2e218d762d2e0769d5c27b1b66e22c3f377567df7857d8ac0406dd73919b8db", _EMAIL_026),
    # 0.35's .promu.yml names Go 1.27; the rules here are Go 1.26's, what the oracle is built with
    Version(35, (1, 26), _FUNCS_035, "e2e218d762d2e0769d5c27b1b66e22c3f377567df7857d8ac0406dd73919b8db", _EMAIL_026),
)}


def version(name: str | tuple[int, int]) -> Version:
    if isinstance(name, tuple):
        name = f"{name[0]}.{name[1]}"
    name = name.lstrip("v")
    parts = name.split(".")
    key = ".".join(parts[:2])
    if key not in VERSIONS:
        raise ValueError(f"Alertmanager {name} is not known here (known: {', '.join(VERSIONS)})")
    return VERSIONS[key]


# ----------------------------------------------------------------------------------- default templates

class DefaultTemplatesMissing(RuntimeError):
    pass


def _module_cache() -> list[Path]:
    roots = []
    if os.environ.get("GOMODCACHE"):
        roots.append(Path(os.environ["GOMODCACHE"]))
    if os.environ.get("GOPATH"):
        roots.extend(Path(p) / "pkg" / "mod" for p in os.environ["GOPATH"].split(os.pathsep))
    roots.append(Path.home() / "go" / "pkg" / "mod")
    return roots


@lru_cache(maxsize=None)
def default_templates(ver: Version) -> tuple[str, str]:
    """The texts of default.tmpl and email.tmpl of a version, found where they are installed."""
    candidates: list[Path] = []
    if os.environ.get("OBSLINT_ALERTMANAGER_TEMPLATES"):
        base = Path(os.environ["OBSLINT_ALERTMANAGER_TEMPLATES"])
        candidates += sorted(base.glob(f"v0.{ver.minor}.*"))
    for root in _module_cache():
        candidates += sorted((root / "github.com" / "prometheus").glob(f"alertmanager@v0.{ver.minor}.*/template"),
                             reverse=True)
    if ver.minor == 25:
        candidates.append(Path("/usr/share/prometheus/alertmanager"))
    for directory in candidates:
        try:
            default = (directory / "default.tmpl").read_bytes()
            email = (directory / "email.tmpl").read_bytes()
        except OSError:
            continue
        if hashlib.sha256(default).hexdigest() == ver.default_sha256 and \
                hashlib.sha256(email).hexdigest() == ver.email_sha256:
            return default.decode("utf-8", "surrogateescape"), email.decode("utf-8", "surrogateescape")
    raise DefaultTemplatesMissing(
        f"Alertmanager {ver.name}'s default templates were not found: run "
        f"`go mod download github.com/prometheus/alertmanager@v0.{ver.minor}.0` (or set "
        f"OBSLINT_ALERTMANAGER_TEMPLATES to a folder with v0.{ver.minor}.0/default.tmpl and email.tmpl)")


def download_default_templates(ver: Version) -> None:
    """Bring a version's Alertmanager module into Go's module cache (needs `go`)."""
    subprocess.run(["go", "mod", "download", f"github.com/prometheus/alertmanager@v0.{ver.minor}.0"],
                   check=True, capture_output=True, timeout=600)
    default_templates.cache_clear()


# ------------------------------------------------------------------------------------------ data model

class Model:
    """The Go types of one version's template data, with their methods."""

    def __init__(self, ver: Version):
        self.ver = ver
        m = GoFunc
        strings = GoType("template.Strings", "slice", elem=STRING, underlying=SLICE_STRING, comparable=False) \
            if ver.strings_type else SLICE_STRING
        self.strings = strings
        pair = GoType("template.Pair", "struct", fields=("Name", "Value"), field_types={"Name": STRING,
                                                                                       "Value": STRING})
        slice_pair = GoType("[]template.Pair", "slice", elem=pair, comparable=False)
        pairs = GoType("template.Pairs", "slice", elem=pair, underlying=slice_pair, comparable=False)
        kv = GoType("template.KV", "map", key=STRING, elem=STRING, comparable=False,
                    underlying=GoType("map[string]string", "map", key=STRING, elem=STRING, comparable=False))
        self.pair, self.pairs, self.kv = pair, pairs, kv

        def to_strings(items):
            return GoSlice(items, strings)

        pairs.methods.update({
            "Names": m("Names", (), strings, lambda ps: to_strings([p.values["Name"] for p in ps])),
            "Values": m("Values", (), strings, lambda ps: to_strings([p.values["Value"] for p in ps])),
        })
        kv.methods.update({
            "SortedPairs": m("SortedPairs", (), pairs, self.sorted_pairs),
            "Remove": m("Remove", (SLICE_STRING,), kv,
                        lambda d, keys: GoMap({k: v for k, v in d.items() if k not in set(keys)}, kv)),
            "Names": m("Names", (), strings, lambda d: to_strings([p.values["Name"] for p in self.sorted_pairs(d)])),
            "Values": m("Values", (), strings,
                        lambda d: to_strings([p.values["Value"] for p in self.sorted_pairs(d)])),
        })
        if ver.kv_stringer:
            pairs.methods["String"] = m("String", (), STRING, lambda ps: ", ".join(
                p.values["Name"] + "=" + p.values["Value"] for p in ps))
            kv.methods["String"] = m("String", (), STRING, lambda d: pairs.methods["String"].impl(
                self.sorted_pairs(d)))
        if ver.strings_type:
            strings.methods["Join"] = m("Join", (STRING,), STRING, lambda s, sep: sep.join(s))
        alert_fields = ("Status", "Labels", "Annotations", "StartsAt", "EndsAt", "GeneratorURL", "Fingerprint")
        alert = GoType("template.Alert", "struct", fields=alert_fields, comparable=False, field_types={
            "Status": STRING, "Labels": kv, "Annotations": kv, "StartsAt": gotime.TIME_T, "EndsAt": gotime.TIME_T,
            "GeneratorURL": STRING, "Fingerprint": STRING})
        alert.json_names = {"Status": "status", "Labels": "labels", "Annotations": "annotations",
                            "StartsAt": "startsAt", "EndsAt": "endsAt", "GeneratorURL": "generatorURL",
                            "Fingerprint": "fingerprint"}
        slice_alert = GoType("[]template.Alert", "slice", elem=alert, comparable=False)
        alerts = GoType("template.Alerts", "slice", elem=alert, underlying=slice_alert, comparable=False)
        alerts.methods.update({
            "Firing": m("Firing", (), slice_alert, lambda a: GoSlice(
                [x for x in a if x.values["Status"] == "firing"], slice_alert)),
            "Resolved": m("Resolved", (), slice_alert, lambda a: GoSlice(
                [x for x in a if x.values["Status"] == "resolved"], slice_alert)),
        })
        self.alert, self.alerts = alert, alerts
        data_fields = ["Receiver", "Status", "Alerts"]
        json_names = {"Receiver": "receiver", "Status": "status", "Alerts": "alerts",
                      "GroupLabels": "groupLabels", "CommonLabels": "commonLabels",
                      "CommonAnnotations": "commonAnnotations", "ExternalURL": "externalURL"}
        if ver.notification_reason:
            data_fields.append("NotificationReason")
            json_names["NotificationReason"] = "notification_reason"
        data_fields += ["GroupLabels", "CommonLabels", "CommonAnnotations"]
        if ver.route_labels:
            data_fields.append("RouteLabels")
            json_names["RouteLabels"] = "routeLabels"
        data_fields.append("ExternalURL")
        field_types = {f: STRING for f in data_fields}
        field_types.update(Alerts=alerts, GroupLabels=kv, CommonLabels=kv, CommonAnnotations=kv, RouteLabels=kv)
        self.data = GoType("template.Data", "struct", fields=tuple(data_fields), field_types=field_types,
                           unexported=("routeLabelsRendered",) if ver.route_labels else (), comparable=False)
        self.data.json_names = json_names

    def sorted_pairs(self, d: dict) -> GoSlice:
        keys = sorted((k for k in d if k != "alertname"), key=lambda k: k.encode("utf-8", "surrogateescape"))
        if "alertname" in d:
            keys.insert(0, "alertname")
        return GoSlice([GoStruct(self.pair, {"Name": k, "Value": d[k]}) for k in keys], self.pairs)

    def make_kv(self, d: dict | None) -> GoMap:
        return GoMap(d or {}, self.kv, nil=d is None)

    def make_alert(self, status="", labels=None, annotations=None, starts_at=None, ends_at=None,
                   generator_url="", fingerprint="") -> GoStruct:
        return GoStruct(self.alert, {
            "Status": status, "Labels": self.make_kv(labels), "Annotations": self.make_kv(annotations),
            "StartsAt": starts_at or gotime.GoTime.zero(), "EndsAt": ends_at or gotime.GoTime.zero(),
            "GeneratorURL": generator_url, "Fingerprint": fingerprint})

    def make_data(self, receiver="", status="", alerts=(), group_labels=None, common_labels=None,
                  common_annotations=None, external_url="", notification_reason="", route_labels=None) -> GoStruct:
        values = {"Receiver": receiver, "Status": status, "Alerts": GoSlice(list(alerts), self.alerts, nil=True),
                  "GroupLabels": self.make_kv(group_labels), "CommonLabels": self.make_kv(common_labels),
                  "CommonAnnotations": self.make_kv(common_annotations), "ExternalURL": external_url}
        if self.ver.notification_reason:
            values["NotificationReason"] = notification_reason
        if self.ver.route_labels:
            values["RouteLabels"] = self.make_kv(route_labels)
            values["routeLabelsRendered"] = False
        return GoStruct(self.data, values)

    def zero_data(self) -> GoStruct:
        """A Data as Go's zero value: nil maps and slice (they print as map[] and [])."""
        return self.make_data()


_START = _time.monotonic_ns()


def _now() -> gotime.GoTime:
    """time.Now(): the local time with a monotonic clock reading (from this process's start)."""
    ns = _time.time_ns()
    return gotime.GoTime(ns // gotime.NANOS, ns % gotime.NANOS, gotime.local(), _time.monotonic_ns() - _START + 1)


def sample_data(model: Model) -> GoStruct:
    """amtool's data when no --template.data is given (cli/template_render.go's defaultData)."""
    first, second = model.ver.sample_statuses
    minute = 60 * gotime.NANOS
    alerts = [
        model.make_alert(first, {"label1": "value1", "label2": "value2", "instance": "foo.bar:1234",
                                 "commonlabelkey1": "commonlabelvalue1", "commonlabelkey2": "commonlabelvalue2"},
                         {"annotation1": "value1", "annotation2": "value2",
                          "commonannotationkey1": "commonannotationvalue1",
                          "commonannotationkey2": "commonannotationvalue2"},
                         _now().add_nanos(-5 * minute), _now(), "https://generatorurl.com", "fingerprint1"),
        model.make_alert(second, {"foo": "bar", "baz": "qux", "commonlabelkey1": "commonlabelvalue1",
                                  "commonlabelkey2": "commonlabelvalue2"},
                         {"aaa": "bbb", "ccc": "ddd", "commonannotationkey1": "commonannotationvalue1",
                          "commonannotationkey2": "commonannotationvalue2"},
                         _now().add_nanos(-10 * minute), _now(), "https://generatorurl.com", "fingerprint2"),
    ]
    return model.make_data(
        "receiver", "alertstatus", alerts,
        {"grouplabelkey1": "grouplabelvalue1", "grouplabelkey2": "grouplabelvalue2"},
        {"commonlabelkey1": "commonlabelvalue1", "commonlabelkey2": "commonlabelvalue2"},
        {"commonannotationkey1": "commonannotationvalue1", "commonannotationkey2": "commonannotationvalue2"},
        "https://example.com")


# ---------------------------------------------------------------------------------------- JSON data

class DataError(ValueError):
    pass


def _reject_constant(name):
    raise DataError(f"invalid character '{name[0]}' looking for beginning of value")


def _fix_surrogates(s: str) -> str:
    if any("\ud800" <= c <= "\udfff" for c in s):
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in s)
    return s


class _Pairs(list):
    """A JSON object as its (key, value) pairs, duplicates kept (Go decodes them in order)."""


def load_json_data(content: bytes, model: Model) -> GoStruct:
    """encoding/json's Unmarshal into a template.Data: field names matched case-insensitively, unknown
    fields ignored, null leaves a field as it is, a value of the wrong JSON type is an error."""
    text = content.decode("utf-8", "replace")
    try:
        doc = json.loads(text, object_pairs_hook=_Pairs, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise DataError(str(exc)) from None
    data = model.zero_data()
    errors: list[str] = []
    if doc is None:
        return data
    if not isinstance(doc, _Pairs):
        raise DataError(f"json: cannot unmarshal {_json_kind(doc)} into Go value of type template.Data")
    _decode_struct(doc, data, model, errors, "")
    if errors:
        raise DataError(errors[0])
    return data


def _json_kind(v) -> str:
    if isinstance(v, _Pairs):
        return "object"
    if isinstance(v, list):
        return "array"
    if isinstance(v, str):
        return "string"
    if isinstance(v, bool):
        return "bool"
    return "number"


def _field_for(key: str, names: dict[str, str]) -> str | None:
    for go_name, json_name in names.items():
        if json_name == key:
            return go_name
    for go_name, json_name in names.items():
        if json_name.casefold() == key.casefold() and _fold_ok(key, json_name):
            return go_name
    return None


def _fold_ok(a: str, b: str) -> bool:
    # Go folds ASCII case and the Kelvin sign and long s; other non-ASCII letters fold by Unicode simple folding
    return a.lower() == b.lower() or a.replace("\u212a", "k").replace("\u017f", "s").lower() == b.lower()


def _decode_struct(pairs: _Pairs, target: GoStruct, model: Model, errors: list[str], path: str) -> None:
    t = target.gotype
    for key, value in pairs:
        name = _field_for(key, t.json_names)
        if name is None:
            continue
        ftype = t.field_types[name]
        where = f"{t.name.split('.')[-1]}.{path}{t.json_names[name]}"
        if value is None:
            continue
        if ftype is STRING:
            if isinstance(value, str):
                target.values[name] = _fix_surrogates(value)
            else:
                errors.append(f"json: cannot unmarshal {_json_kind(value)} into Go struct field {where} of type string")
        elif ftype is model.kv:
            if not isinstance(value, _Pairs):
                errors.append(f"json: cannot unmarshal {_json_kind(value)} into Go struct field {where} "
                              f"of type template.KV")
                continue
            kv = target.values.get(name)
            if kv is None or not isinstance(kv, GoMap) or kv.nil:
                kv = model.make_kv({})
                target.values[name] = kv
            for k, v in value:
                if v is None:
                    kv[_fix_surrogates(k)] = ""
                elif isinstance(v, str):
                    kv[_fix_surrogates(k)] = _fix_surrogates(v)
                else:
                    errors.append(f"json: cannot unmarshal {_json_kind(v)} into Go struct field "
                                  f"{where}.{k} of type string")
        elif ftype is model.alerts:
            if not isinstance(value, list) or isinstance(value, _Pairs):
                errors.append(f"json: cannot unmarshal {_json_kind(value)} into Go struct field {where} "
                              f"of type template.Alerts")
                continue
            alerts = GoSlice([], model.alerts)
            for item in value:
                alert = model.make_alert()
                if isinstance(item, _Pairs):
                    _decode_struct(item, alert, model, errors, "alerts.")
                elif item is not None:
                    errors.append(f"json: cannot unmarshal {_json_kind(item)} into Go struct field "
                                  f"{where} of type template.Alert")
                alerts.append(alert)
            target.values[name] = alerts
        elif ftype is gotime.TIME_T:
            if not isinstance(value, str):
                errors.append(f"json: cannot unmarshal {_json_kind(value)} into Go struct field {where} "
                              f"of type time.Time")
                continue
            try:
                target.values[name] = _parse_rfc3339(value)
            except gotime.TimeError as exc:
                raise DataError(str(exc)) from None


def _parse_rfc3339(value: str) -> gotime.GoTime:
    import re
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", value):
        raise gotime.TimeError(f'parsing time "{value}" as "2006-01-02T15:04:05Z07:00": cannot parse')
    return gotime.parse_time("2006-01-02T15:04:05.999999999Z07:00", value)


# -------------------------------------------------------------------------------------------- functions

def _go_upper(s: str) -> str:
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in s) if not s.isascii() else s.upper()


def _go_lower(s: str) -> str:
    if s.isascii():
        return s.lower()
    return "".join("i" if c == "\u0130" else c.lower() if len(c.lower()) == 1 else c for c in s)


def _title(s: str) -> str:
    """golang.org/x/text/cases Title (American English): each word's first letter in title case, the
    rest of the word lower case; a word runs over letters, digits, and apostrophes or dots between them."""
    out = []
    in_word = False
    n = len(s)
    for i, c in enumerate(s):
        if not in_word:
            if c.isalnum():
                t = c.title() if len(c.title()) == 1 else c
                out.append(t)
                in_word = True
            else:
                out.append(c)
        else:
            if c.isalnum():
                out.append(c.lower() if len(c.lower()) == 1 else c)
            elif c in "'.:\u2019\u00b7" and i + 1 < n and s[i + 1].isalnum() and s[i - 1].isalnum():
                out.append(c)
            else:
                out.append(c)
                in_word = False
    return "".join(out)


def _regexp(pattern: str):
    import re2
    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except Exception as exc:  # noqa: BLE001 - re2 raises its own error type
        raise GoError(f"error parsing regexp: {exc}") from None


def _expand(template: str, m) -> str:
    """regexp's Expand for ReplaceAllString."""
    return goregexp.expand(template, m, m.re.groupindex if hasattr(m, "re") else {})


def _re_replace_all(pattern: str, repl: str, text: str) -> str:
    regex = _regexp(pattern)
    out = []
    pos = 0
    last_end = -1
    n = len(text)
    search_at = 0
    while search_at <= n:
        m = regex.search(text, search_at)
        if m is None:
            break
        start, end = m.span()
        if end == start and start == last_end:
            # an empty match right after the previous match is ignored
            search_at = start + 1
            continue
        out.append(text[pos:start])
        out.append(_expand(repl, m))
        pos = end
        last_end = end
        search_at = end if end > start else end + 1
    out.append(text[pos:])
    return "".join(out)


def _query_unescape(s: str) -> str:
    b = s.encode("utf-8", "surrogateescape")
    out = bytearray()
    i = 0
    while i < len(b):
        c = b[i]
        if c == 0x25:  # %
            h = b[i + 1:i + 3]
            if len(h) < 2 or not all(chr(x) in "0123456789abcdefABCDEF" for x in h):
                bad = b[i:i + 3].decode("utf-8", "surrogateescape")
                raise GoError(f'invalid URL escape "{bad}"')
            out.append(int(h, 16))
            i += 3
        elif c == 0x2B:
            out.append(0x20)
            i += 1
        else:
            out.append(c)
            i += 1
    return out.decode("utf-8", "surrogateescape")


def _convert_to_float(v: Any) -> float:
    t = type_of(v)
    if t is None:
        raise GoError("can't convert <nil> to float")
    if t.name == "float64":
        return float(v)
    if t.name == "string":
        from obslint.gostrconv import parse_float
        try:
            return parse_float(v) if v.strip() == v and v else _bad_float(v)
        except ValueError:
            _bad_float(v)
    if t.name in ("int", "uint", "int64", "uint64"):
        return float(v)
    if t is gotime.DURATION_T:
        return int(v) / gotime.NANOS
    raise GoError(f"can't convert {t.name} to float")


def _bad_float(v):
    raise GoError(f'strconv.ParseFloat: parsing "{v}": invalid syntax')


def _humanize_duration(v: Any) -> str:
    import math

    from obslint.gotemplate.printf import sprintf
    f = _convert_to_float(v)
    if math.isnan(f) or math.isinf(f):
        return sprintf("%.4g", f)
    if f == 0:
        return sprintf("%.4gs", f)
    if abs(f) >= 1:
        sign = ""
        if f < 0:
            sign, f = "-", -f
        d = int(f)
        seconds, minutes, hours, days = d % 60, d // 60 % 60, d // 3600 % 24, d // 86400
        if days:
            return f"{sign}{days}d {hours}h {minutes}m {seconds}s"
        if hours:
            return f"{sign}{hours}h {minutes}m {seconds}s"
        if minutes:
            return f"{sign}{minutes}m {seconds}s"
        return sprintf("%s%.4gs", sign, f)
    prefix = ""
    for p in ("m", "u", "n", "p", "f", "a", "z", "y"):
        if abs(f) >= 1:
            break
        prefix = p
        f *= 1000
    return sprintf("%.4g%ss", f, prefix)


def _b64decode(text: str) -> str:
    raw = text.encode("utf-8", "surrogateescape")
    alphabet = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    stripped = bytes(c for c in raw if c not in b"\r\n")
    # Go's decoder reports the first byte it cannot accept
    for i, c in enumerate(stripped):
        if c == ord("="):
            rest = stripped[i:]
            if len(stripped) % 4 or rest.strip(b"=") or len(rest) > 2:
                raise GoError(f"illegal base64 data at input byte {i}")
            break
        if c not in alphabet:
            raise GoError(f"illegal base64 data at input byte {i}")
    if len(stripped) % 4:
        raise GoError(f"illegal base64 data at input byte {len(stripped) // 4 * 4 + (len(stripped) % 4 > 1) * 0}")
    try:
        return base64.urlsafe_b64decode(stripped).decode("utf-8", "surrogateescape")
    except (ValueError, base64.binascii.Error):
        raise GoError("illegal base64 data at input byte 0") from None


def functions(model: Model, html_types: dict[str, GoType], data_for_routes: Any = None,
              route_exec=None) -> dict[str, GoFunc]:
    """The FuncMap of a version (template.DefaultFuncs), as GoFuncs."""
    ver = model.ver
    html_t, url_t = html_types["HTML"], html_types["URL"]
    t = gotime.TIME_T
    dur = gotime.DURATION_T
    f = GoFunc
    table: dict[str, GoFunc] = {
        "toUpper": f("toUpper", (STRING,), STRING, _go_upper),
        "toLower": f("toLower", (STRING,), STRING, _go_lower),
        "title": f("title", (STRING,), STRING, _title),
        "trimSpace": f("trimSpace", (STRING,), STRING, go_trim_space),
        "join": f("join", (STRING, SLICE_STRING), STRING, lambda sep, s: sep.join(s)),
        "match": f("match", (STRING, STRING), BOOL, lambda p, s: _regexp(p).search(s) is not None,
                   returns_error=True),
        "safeHtml": f("safeHtml", (STRING,), html_t, lambda s: GoStr(s, html_t)),
        "safeUrl": f("safeUrl", (STRING,), url_t, lambda s: GoStr(s, url_t)),
        "urlUnescape": f("urlUnescape", (STRING,), STRING, _query_unescape, returns_error=True),
        "reReplaceAll": f("reReplaceAll", (STRING, STRING, STRING), STRING, _re_replace_all),
        "stringSlice": f("stringSlice", (STRING,), SLICE_STRING, lambda *s: GoSlice(list(s), SLICE_STRING, nil=True),
                         variadic=True),
        "date": f("date", (STRING, t), STRING, lambda layout, tm: tm.format(layout)),
        "tz": f("tz", (STRING, t), t, _tz, returns_error=True),
        "now": f("now", (), t, _now),
        "since": f("since", (t,), dur, lambda tm: gotime.duration(_now().sub(tm))),
        "humanizeDuration": f("humanizeDuration", (ANY,), STRING, _humanize_duration, returns_error=True),
        "toDate": f("toDate", (STRING, STRING), t, _to_date),
        "mustToDate": f("mustToDate", (STRING, STRING), t, _must_to_date, returns_error=True),
        "addDuration": f("addDuration", (STRING, t), INT64, _add_duration, returns_error=True),
        "toJson": f("toJson", (ANY,), STRING, to_json, returns_error=True),
        "base64encode": f("base64encode", (STRING,), STRING, lambda s: base64.urlsafe_b64encode(
            s.encode("utf-8", "surrogateescape")).decode("ascii")),
        "base64decode": f("base64decode", (STRING,), STRING, _b64decode, returns_error=True),
        "list": f("list", (ANY,), SLICE_ANY, lambda *a: GoSlice(list(a), SLICE_ANY), variadic=True,
                  returns_error=True),
        "append": f("append", (SLICE_ANY, ANY), SLICE_ANY,
                    lambda s, *a: GoSlice(list(s) + list(a), SLICE_ANY, nil=getattr(s, "nil", False)),
                    variadic=True),
        "dict": f("dict", (ANY,), MAP_STRING_ANY, _dict, variadic=True, returns_error=True),
        "routeLabels": f("routeLabels", (STRING,), STRING, lambda name: "", returns_error=True),
    }
    if ver.minor >= 35:
        table["join"] = f("join", (STRING, ANY), STRING, _join_any, returns_error=True)
    return {name: table[name] for name in ver.functions}


def _tz(name: str, tm: gotime.GoTime) -> gotime.GoTime:
    try:
        loc = gotime.load_location(name)
    except gotime.TimeError as exc:
        raise GoError(str(exc)) from None
    return gotime.GoTime(tm.sec, tm.nsec, loc, None)


def _to_date(layout: str, s: str) -> gotime.GoTime:
    try:
        return gotime.parse_time(layout, s, gotime.UTC)
    except gotime.TimeError:
        return gotime.GoTime.zero()


def _must_to_date(layout: str, s: str) -> gotime.GoTime:
    try:
        return gotime.parse_time(layout, s, gotime.UTC)
    except gotime.TimeError as exc:
        raise GoError(str(exc)) from None


def _add_duration(ds: str, tm: gotime.GoTime) -> GoInt:
    try:
        d = gotime.parse_duration(ds)
    except gotime.TimeError as exc:
        raise GoError(str(exc)) from None
    return GoInt(tm.add_nanos(d).unix_nano() // 1_000_000, INT64)


def _join_any(sep: str, v: Any) -> str:
    if v is None:
        return ""
    t = type_of(v)
    if t.kind == "slice":
        return sep.join(x if type(x) is str and t.elem is STRING else sprint(x) for x in v)
    raise GoError(f"join expects a slice or array, got {t.name}")


def _dict(*values: Any) -> GoMap:
    if len(values) % 2:
        raise GoError("dict requires an even number of arguments")
    out = GoMap({}, MAP_STRING_ANY)
    for i in range(0, len(values), 2):
        key = values[i]
        if type(key) is not str:
            raise GoError("dict keys must be strings")
        out[key] = values[i + 1]
    return out


# ----------------------------------------------------------------------------------------------- render

from obslint.gotemplate.escape import HTML_T, URL_T  # noqa: E402 - html/template's types

HTML_TYPES = {"HTML": HTML_T, "URL": URL_T}


class RenderError(Exception):
    """What amtool would print after `amtool: error: ` (exit status 1)."""


@lru_cache(maxsize=None)
def _base_set(ver: Version, embedded_defaults: bool = True) -> TemplateSet:
    model = Model(ver)
    tset = TemplateSet(functions(model, HTML_TYPES), missingkey="zero", go=ver.go)
    if embedded_defaults:
        default, email = default_templates(ver)
        tset.parse("", default)
        tset.parse("", email)
    tset.model = model
    return tset


def _go_glob(pattern: str) -> list[str]:
    """filepath.Glob: sorted matches; a malformed pattern is an error."""
    if pattern.count("[") != pattern.count("]"):
        raise RenderError("syntax error in pattern")
    return sorted(_glob.glob(pattern))


def render(text: str, globs: tuple[str, ...] | list[str] = (), template_type: str = "text",
           data: bytes | None = None, am_version: str = "0.35", embedded_defaults: bool = True) -> str:
    """`amtool template render`: the rendered text (what amtool prints), or RenderError.

    `data` is the content of the --template.data file (JSON, as amtool reads it); None uses amtool's
    sample data. `embedded_defaults=False` renders as Debian's amtool does: Debian builds Alertmanager
    without its embedded default templates (they are files in /usr/share/prometheus/alertmanager/,
    which a --template.glob must name)."""
    ver = version(am_version)
    base = _base_set(ver, embedded_defaults)
    tset = base.clone()
    model: Model = base.model
    try:
        for pattern in globs:
            for path in _go_glob(pattern):
                try:
                    content = Path(path).read_bytes().decode("utf-8", "surrogateescape")
                except IsADirectoryError:
                    raise RenderError(f"read {path}: is a directory") from None
                except OSError as exc:
                    raise RenderError(f"open {path}: {exc.strerror.lower() if exc.strerror else exc}") from None
                tset.parse(os.path.basename(path), content)
        if data is None:
            values = sample_data(model)
        else:
            try:
                values = load_json_data(data, model)
            except DataError as exc:
                raise RenderError(str(exc)) from None
        if text == "":
            return ""
        tset.parse("", text)
        if template_type == "html":
            from obslint.gotemplate.escape import escape_template
            escape_template(tset, "")
        return tset.execute("", values)
    except TemplateError as exc:
        raise RenderError(str(exc)) from exc
    except GoError as exc:
        raise RenderError(str(exc)) from exc


def amtool_template_render(args: list[str], am_version: str = "0.35", stdout=None, stderr=None,
                           embedded_defaults: bool = True) -> int:
    """The command line of `amtool template render` (its flags), printing as amtool prints: the rendered
    text on stdout with nothing added; on error `amtool: error: ...` on stderr and status 1."""
    import sys
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    globs: list[str] = []
    text = None
    ttype = "text"
    data_path = None
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if name in ("--template.glob", "--template.text", "--template.type", "--template.data"):
            if not eq:
                i += 1
                if i >= len(args):
                    stderr.write(f"amtool: error: expected argument for flag '{name}'\n")
                    return 1
                value = args[i]
            if name == "--template.glob":
                globs.append(value)
            elif name == "--template.text":
                text = value
            elif name == "--template.type":
                if value not in ("text", "html"):
                    stderr.write(f"amtool: error: enum value must be one of html,text, got '{value}'\n")
                    return 1
                ttype = value
            else:
                data_path = value
        else:
            stderr.write(f"amtool: error: unknown long flag '{name}'\n")
            return 1
        i += 1
    if not globs:
        stderr.write("amtool: error: required flag --template.glob not provided\n")
        return 1
    if text is None:
        stderr.write("amtool: error: required flag --template.text not provided\n")
        return 1
    data = None
    if data_path is not None:
        try:
            data = Path(data_path).read_bytes()
        except OSError as exc:
            stderr.write(f"amtool: error: open {data_path}: {(exc.strerror or str(exc)).lower()}\n")
            return 1
    try:
        out = render(text, globs, ttype, data, am_version, embedded_defaults)
    except RenderError as exc:
        stderr.write(f"amtool: error: {exc}\n")
        return 1
    if hasattr(stdout, "buffer"):
        stdout.flush()
        stdout.buffer.write(out.encode("utf-8", "surrogateescape"))
        stdout.flush()
    else:
        stdout.write(out)
    return 0
