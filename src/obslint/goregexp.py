"""Go's regexp.Expand, as Alertmanager's `reReplaceAll` and Prometheus's relabelling fill a replacement
template from a match: `$1`, `${1}`, `$name`, `${name}`, `$$`."""

from __future__ import annotations


def _name_char(c: str) -> bool:
    """What regexp's extract lets into a name: unicode.IsLetter, unicode.IsDigit (Nd) or `_`."""
    if c.isascii():
        return c.isalnum() or c == "_"
    import unicodedata

    return c.isalpha() or unicodedata.category(c) == "Nd"


def expand(template: str, match, names: dict[str, int]) -> str:
    """`template` filled from `match` (an RE2 or re match; `names` its named groups). A number of one to
    nine digits without a leading zero names a group by index, anything else by name; a group that does not
    exist or did not take part is empty; a `$` not followed by a name (or a `${` without its `}`) is kept."""
    out = []
    i, n = 0, len(template)
    while True:
        dollar = template.find("$", i)
        if dollar < 0:
            out.append(template[i:])
            return "".join(out)
        out.append(template[i:dollar])
        i = dollar + 1
        if template.startswith("$", i):
            out.append("$")
            i += 1
            continue
        brace = template.startswith("{", i)
        start = end = i + brace
        while end < n and _name_char(template[end]):
            end += 1
        name = template[start:end]
        if not name or (brace and not template.startswith("}", end)):
            out.append("$")
            continue
        i = end + brace
        numbered = name.isascii() and name.isdigit() and len(name) <= 9 and not (name[0] == "0" and len(name) > 1)
        index = int(name) if numbered else names.get(name)
        if index is None:
            continue
        try:
            value = match.group(index)
        except (IndexError, ValueError):
            value = None
        if value:
            out.append(value)
