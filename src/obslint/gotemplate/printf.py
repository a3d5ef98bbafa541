"""Go's fmt for template values: Sprint, Sprintln, Sprintf with its verbs, flags, width and precision,
and its error forms (%!d(string=x), %!s(MISSING), %!(EXTRA ...)); strconv's Quote and FormatFloat."""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal
from typing import Any

from obslint.gotemplate.values import (
    INT_KINDS,
    NIL,
    UINT_KINDS,
    GoStruct,
    to_bytes,
    type_of,
)

# ------------------------------------------------------------------------------------------- strconv


def _is_print(c: str) -> bool:
    """strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space."""
    if c == " ":
        return True
    cat = unicodedata.category(c)
    return cat[0] in "LMNPS"


def go_quote(s: str, ascii_only: bool = False, quote: str = '"') -> str:
    """strconv.Quote (or QuoteToASCII)."""
    out = [quote]
    for c in s:
        o = ord(c)
        if 0xDC80 <= o <= 0xDCFF:  # a byte that is no UTF-8
            out.append(f"\\x{o - 0xDC00:02x}")
            continue
        if c == quote or c == "\\":
            out.append("\\" + c)
            continue
        if ascii_only:
            if o < 128 and _is_print(c):
                out.append(c)
                continue
        elif _is_print(c):
            out.append(c)
            continue
        out.append({"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                    "\v": "\\v"}.get(c) or (f"\\x{o:02x}" if o < 0x20 or o == 0x7F else
                                            f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"))
    out.append(quote)
    return "".join(out)


def _shortest_digits(f: float) -> tuple[str, int]:
    """The shortest decimal digits that read back as f, and the decimal point position (0.d1d2.. x 10^dp)."""
    if f == 0:
        return "0", 1
    d = Decimal(repr(abs(f)))
    sign, digits, exp = d.as_tuple()
    ds = "".join(map(str, digits)).lstrip("0") or "0"
    # value = int(digits) * 10^exp; normalise
    nd_total = len(digits)
    dp = nd_total + exp  # position of the decimal point relative to the digit string's start
    lead = len(digits) - len("".join(map(str, digits)).lstrip("0"))
    dp -= lead
    ds = ds.rstrip("0") or "0"
    return ds, dp


def _rounded_digits(f: float, prec: int) -> tuple[str, int]:
    """f rounded to prec significant digits (exact, half to even as Go rounds the exact value)."""
    if f == 0:
        return "0" * max(prec, 1), 1
    s = f"{abs(f):.{max(prec - 1, 0)}e}"
    mant, exp = s.split("e")
    ds = mant.replace(".", "")
    return ds, int(exp) + 1


def format_float(f: float, fmt: str, prec: int = -1) -> str:
    """strconv.FormatFloat(f, fmt, prec, 64) for fmt in e E f F g G."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    neg = math.copysign(1.0, f) < 0
    sign = "-" if neg else ""
    a = abs(f)
    shortest = prec < 0
    lower = fmt.lower()
    if lower == "f":
        if shortest:
            ds, dp = _shortest_digits(a)
            return sign + _fmt_f(ds, dp, max(len(ds) - dp, 0))
        return sign + f"{a:.{prec}f}"
    if lower == "e":
        if shortest:
            ds, dp = _shortest_digits(a)
            return sign + _fmt_e(ds, dp, len(ds) - 1, fmt)
        ds, dp = _rounded_digits(a, prec + 1)
        return sign + _fmt_e(ds, dp, prec, fmt)
    # g
    if shortest:
        ds, dp = _shortest_digits(a)
        eprec = 6
    else:
        if prec == 0:
            prec = 1
        ds, dp = _rounded_digits(a, prec)
        ds = ds.rstrip("0") or "0"
        eprec = prec
        if eprec > len(ds) and len(ds) >= dp:
            eprec = len(ds)
    exp = dp - 1
    if exp < -4 or exp >= eprec:
        p = len(ds) if shortest else min(prec, len(ds))
        return sign + _fmt_e(ds, dp, p - 1, "e" if fmt == "g" else "E")
    p = len(ds) if shortest else prec
    if p > dp:
        p = len(ds)
    return sign + _fmt_f(ds, dp, max(p - dp, 0))


def _fmt_e(ds: str, dp: int, prec: int, fmt: str) -> str:
    first = ds[0] if ds else "0"
    rest = ds[1:prec + 1].ljust(prec, "0") if prec > 0 else ""
    exp = dp - 1 if ds != "0" else 0
    es = "-" if exp < 0 else "+"
    exp = abs(exp)
    return first + ("." + rest if prec > 0 else "") + fmt + es + (f"{exp:02d}")


def _fmt_f(ds: str, dp: int, prec: int) -> str:
    if dp > 0:
        integer = (ds[:dp]).ljust(dp, "0")
    else:
        integer = "0"
    frac = ""
    if prec > 0:
        for i in range(prec):
            j = dp + i
            frac += ds[j] if 0 <= j < len(ds) else "0"
        return integer + "." + frac
    return integer


# ---------------------------------------------------------------------------------------------- fmt

# What fmt prints for a pointer (a *time.Location field, when a time.Time is printed field by field) is a
# memory address: it is printed as this number
POINTER_STAND_IN = 0xC000010000

class _Flags:
    __slots__ = ("plus", "minus", "sharp", "space", "zero", "wid", "prec", "plus_v", "sharp_v", "erroring")

    def __init__(self):
        self.erroring = False
        self.plus = self.minus = self.sharp = self.space = self.zero = False
        self.plus_v = self.sharp_v = False
        self.wid = None
        self.prec = None


def _pad(s: str, f: _Flags) -> str:
    if f.wid is None:
        return s
    n = f.wid - len(s)  # fmt counts runes
    if n <= 0:
        return s
    if f.minus:
        return s + " " * n
    if f.zero:
        return "0" * n + s
    return " " * n + s


def _call_string(v: Any) -> str | None:
    t = type_of(v)
    if t is not None and "String" in t.methods:
        method = t.methods["String"]
        if method is not None and not method.params:
            return method.impl(v)
    return None


def _fmt_integer(v: int, base: int, verb: str, f: _Flags) -> str:
    """fmt's fmtInteger: precision or zero padding pads the digits; prefixes and sign come after."""
    neg = v < 0
    a = -v if neg else v
    if f.prec is not None:
        prec = f.prec
        if prec == 0 and a == 0:
            return " " * (f.wid or 0)
    elif f.zero and not f.minus and f.wid is not None:
        prec = f.wid - (1 if neg or f.plus or f.space else 0)
    else:
        prec = 0
    digits = {10: "{:d}", 16: "{:x}", 8: "{:o}", 2: "{:b}"}[base].format(a)
    if verb == "X":
        digits = digits.upper()
    digits = digits.rjust(prec, "0")
    if f.sharp:
        if base == 2:
            digits = "0b" + digits
        elif base == 8 and digits[:1] != "0":
            digits = "0" + digits
        elif base == 16:
            digits = ("0X" if verb == "X" else "0x") + digits
    if verb == "O":
        digits = "0o" + digits
    if neg:
        digits = "-" + digits
    elif f.plus:
        digits = "+" + digits
    elif f.space:
        digits = " " + digits
    saved, f.zero = f.zero, False
    out = _pad(digits, f)
    f.zero = saved
    return out


def _fmt_float(v: float, verb: str, f: _Flags, default_prec: int = -1) -> str:
    prec = f.prec if f.prec is not None else default_prec
    conv = {"v": "g", "F": "f"}.get(verb, verb)
    num = format_float(v, conv, prec)
    if num[0] not in "+-":
        num = "+" + num
    if f.space and num[0] == "+" and not f.plus:
        num = " " + num[1:]
    if num[1] in "IN":
        if num[1] == "N" and not f.space and not f.plus:
            num = num[1:]
        saved = f.zero
        f.zero = False
        out = _pad(num, f)
        f.zero = saved
        return out
    if f.sharp:
        digits = 0
        if verb in "vgG":
            digits = prec if prec != -1 else 6
        tail = ""
        body = num
        for ch in "eE":
            if ch in body[1:]:
                i = body.index(ch, 1)
                tail = body[i:]
                body = body[:i]
        has_point = "." in body
        nonzero = False
        for ch in body[1:]:
            if ch == ".":
                continue
            if ch != "0":
                nonzero = True
            if nonzero:
                digits -= 1
        if not has_point:
            if body[1:] == "0":
                digits -= 1
            body += "."
        body += "0" * max(digits, 0)
        num = body + tail
    if f.plus or num[0] != "+":
        if f.zero and not f.minus and f.wid is not None and f.wid > len(num):
            return num[0] + "0" * (f.wid - len(num)) + num[1:]
        return _pad(num, f)
    return _pad(num[1:], f)


def _fmt_string(s: str, verb: str, f: _Flags) -> str:
    if verb in "vs":
        if f.prec is not None:
            s = s[:f.prec]
        if verb == "v" and f.sharp_v:
            return _pad(go_quote(s), f)
        return _pad(s, f)
    if verb in "xX":
        b = to_bytes(s)
        if f.prec is not None:
            b = b[:f.prec]
        h = b.hex()
        if verb == "X":
            h = h.upper()
        if f.sharp:
            pre = "0X" if verb == "X" else "0x"
            if f.space:
                h = " ".join(pre + h[i:i + 2] for i in range(0, len(h), 2))
            else:
                h = pre + h if h else h
        elif f.space:
            h = " ".join(h[i:i + 2] for i in range(0, len(h), 2))
        return _pad(h, f)
    if verb == "q":
        if f.prec is not None:
            s = s[:f.prec]
        if f.sharp and "`" not in s and all(_is_print(c) or c == "\t" for c in s):
            return _pad("`" + s + "`", f)
        return _pad(go_quote(s, ascii_only=f.plus), f)
    return None


def _bad_verb(v: Any, verb: str, f: _Flags | None = None) -> str:
    """%!verb(type=value): the value printed with %v under the same flags, its methods not called."""
    if v is None or v is NIL:
        return f"%!{verb}(<nil>)"
    t = type_of(v)
    g = f or _Flags()
    saved = g.erroring
    g.erroring = True
    try:
        return f"%!{verb}({t.name}={sprint_value(v, 'v', g, 0)})"
    finally:
        g.erroring = saved


def _fmt_char(c: int, f: _Flags) -> str:
    try:
        return _pad(chr(c) if 0 <= c <= 0x10FFFF and not 0xD800 <= c < 0xE000 else "\ufffd", f)
    except ValueError:
        return _pad("\ufffd", f)


def _fmt_qchar(c: int, f: _Flags) -> str:
    if not (0 <= c <= 0x10FFFF) or 0xD800 <= c < 0xE000:
        c = 0xFFFD
    ch = chr(c)
    if f.sharp and _is_print(ch) and ch != "'":
        return _pad("'" + ch + "'", f)
    return _pad(go_quote(ch, ascii_only=f.plus, quote="'"), f)


def _fmt_unicode(c: int, f: _Flags) -> str:
    s = f"U+{c:04X}" if f.prec is None else f"U+{c:0{f.prec}X}"
    if f.sharp and 0 <= c <= 0x10FFFF and _is_print(chr(c)):
        s += " '" + chr(c) + "'"
    return _pad(s, f)


def sprint_value(v: Any, verb: str, f: _Flags, depth: int) -> str:
    """fmt's printArg/printValue for one operand."""
    if v is None or v is NIL:
        if depth == 0:
            if verb in "Tv":
                return _pad("<nil>", f)
            return _bad_verb(v, verb, f)
        return _pad("<nil>" if verb == "v" else "<nil>", f) if verb in "vs" else _bad_verb(v, verb)
    if verb == "T":
        return _pad(type_of(v).name, f)
    t = type_of(v)
    # methods: Stringer for the verbs that print strings
    if verb in "vsxXq" and not f.sharp_v and not f.erroring:
        s = _call_string(v)
        if s is not None:
            return _fmt_string(s, verb, f)
    k = t.kind
    if k == "bool":
        if verb in "tv":
            return _pad("true" if v else "false", f)
        return _bad_verb(v, verb, f)
    if k in INT_KINDS or k in UINT_KINDS:
        iv = int(v)
        if verb in "vd":
            return _fmt_integer(iv, 10, verb, f)
        if verb == "b":
            return _fmt_integer(iv, 2, verb, f)
        if verb in "oO":
            return _fmt_integer(iv, 8, verb, f)
        if verb in "xX":
            return _fmt_integer(iv, 16, verb, f)
        if verb == "c":
            return _fmt_char(iv, f)
        if verb == "q":
            return _fmt_qchar(iv, f)
        if verb == "U":
            return _fmt_unicode(iv, f)
        return _bad_verb(v, verb, f)
    if k == "float64":
        if verb in "vbgGxXfFeE":
            if verb == "v":
                return _fmt_float(float(v), "g", f)
            if verb in "fF":
                return _fmt_float(float(v), verb, f, 6)
            if verb in "eE":
                return _fmt_float(float(v), verb, f, 6)
            if verb in "gG":
                return _fmt_float(float(v), verb, f)
            if verb in "xX" or verb == "b":
                return _fmt_float_hex(float(v), verb, f)
        return _bad_verb(v, verb, f)
    if k == "complex128":
        if verb in "vbgGxXfFeE":
            saved = f.plus
            re_ = _fmt_float(v.real, "g" if verb == "v" else verb, f, 6 if verb in "fFeE" else -1)
            f.plus = True
            im = _fmt_float(v.imag, "g" if verb == "v" else verb, f, 6 if verb in "fFeE" else -1)
            f.plus = saved
            return "(" + re_ + im + "i)"
        return _bad_verb(v, verb, f)
    if k == "string":
        out = _fmt_string(str(v), verb, f)
        if out is None:
            return _bad_verb(v, verb, f)
        return out
    if k == "map":
        parts = []
        for key in sorted(v.keys(), key=_sort_key):
            parts.append(sprint_value(key, verb, f, depth + 1) + ":" + sprint_value(v[key], verb, f, depth + 1))
        return "map[" + " ".join(parts) + "]"
    if k == "slice":
        return "[" + " ".join(sprint_value(e, verb, f, depth + 1) for e in v) + "]"
    if k == "struct":
        if t.name == "time.Time":  # its fields, when its String method is not called
            wall, ext = v.internal()
            if v.loc.name != "UTC":  # a pointer: its address differs from run to run
                if verb in "bodxX":
                    loc = sprint_value(_U64(POINTER_STAND_IN), verb, f, depth + 1)
                elif verb in "vp":
                    loc = f"0x{POINTER_STAND_IN:x}"
                else:
                    loc = f"%!{verb}(*time.Location=&{{0x{POINTER_STAND_IN:x}}})"
            elif verb in "bodxX":
                loc = sprint_value(_U64(0), verb, f, depth + 1)
            elif verb == "v":
                loc = "<nil>"
            else:
                loc = f"%!{verb}(*time.Location=<nil>)"
            return "{" + sprint_value(_U64(wall), verb, f, depth + 1) + " " + \
                sprint_value(_I64(ext), verb, f, depth + 1) + " " + loc + "}"
        if isinstance(v, GoStruct):
            parts = []
            for name in t.fields + t.unexported:
                value = v.values.get(name)
                text = sprint_value(value, verb, f, depth + 1) if name in t.fields else \
                    _plain_value(value, verb, f, depth + 1)
                parts.append((name + ":" if f.plus_v else "") + text)
            return "{" + " ".join(parts) + "}"
        s = _call_string(v)
        return s if s is not None else str(v)
    if k == "func":
        return _pad("0x0", f) if verb in "vp" else _bad_verb(v, verb)
    return _bad_verb(v, verb, f)


def _U64(v: int):
    from obslint.gotemplate.values import UINT64, GoInt
    return GoInt(v, UINT64)


def _I64(v: int):
    from obslint.gotemplate.values import INT64, GoInt
    return GoInt(v, INT64)


def _plain_value(v, verb, f, depth):
    """An unexported field: fmt prints it without calling its methods."""
    saved = f.erroring
    f.erroring = True
    try:
        return sprint_value(v, verb, f, depth)
    finally:
        f.erroring = saved


def _fmt_float_hex(v: float, verb: str, f: _Flags) -> str:
    if verb == "b":
        m, e = math.frexp(v)
        mant = int(m * (1 << 53))
        return _pad(f"{mant}p{e - 53:+d}", f)
    h = float.hex(v)  # 0x1.8000000000000p+1
    sign = "-" if h.startswith("-") else ""
    h = h.lstrip("-")
    mant, exp = h[2:].split("p")
    if "." in mant:
        intpart, frac = mant.split(".")
        frac = frac.rstrip("0")
    else:
        intpart, frac = mant, ""
    if f.prec is not None:
        frac = (frac + "0" * f.prec)[:f.prec]  # (Go rounds; truncation is close enough here)
    e = int(exp)
    s = sign + "0x" + intpart + ("." + frac if frac else "") + "p" + ("+" if e >= 0 else "-") + f"{abs(e):02d}"
    if verb == "X":
        s = s.upper()
    return _pad(s, f)


def _sort_key(k):
    if isinstance(k, str):
        return (0, to_bytes(k))
    return (1, k)


def _needs_space(v: Any) -> bool:
    return not (type_of(v) is not None and type_of(v).kind == "string")


def sprint(*args: Any) -> str:
    """fmt.Sprint: spaces between operands when neither side is a string."""
    out = []
    prev_string = True
    for i, a in enumerate(args):
        is_string = a is not None and a is not NIL and type_of(a).kind == "string"
        if i > 0 and not is_string and not prev_string:
            out.append(" ")
        out.append(sprint_value(a, "v", _Flags(), 0))
        prev_string = is_string
    return "".join(out)


def sprintln(*args: Any) -> str:
    return " ".join(sprint_value(a, "v", _Flags(), 0) for a in args) + "\n"


def sprintf(format: str, *args: Any) -> str:
    """fmt.Sprintf."""
    out = []
    argnum = 0
    n = len(format)
    i = 0
    reordered = False
    while i < n:
        j = format.find("%", i)
        if j < 0:
            out.append(format[i:])
            break
        out.append(format[i:j])
        i = j + 1
        f = _Flags()
        # flags
        while i < n:
            c = format[i]
            if c == "#":
                f.sharp = True
            elif c == "0":
                f.zero = not f.minus
            elif c == "+":
                f.plus = True
            elif c == "-":
                f.minus = True
                f.zero = False
            elif c == " ":
                f.space = True
            else:
                break
            i += 1
        # argument index, width
        reordered = reordered or format.startswith("[", i)
        argnum, i, bad_index = _arg_index(format, i, argnum, len(args))
        if i < n and format[i] == "*":
            i += 1
            if argnum < len(args) and type_of(args[argnum]) is not None and type_of(args[argnum]).kind in INT_KINDS:
                w = int(args[argnum])
                argnum += 1
                if w < 0:
                    f.minus = True
                    f.zero = False
                    w = -w
                if w > 10 ** 6:
                    out.append("%!(BADWIDTH)")
                else:
                    f.wid = w
            else:
                argnum += 1 if argnum < len(args) else 0
                out.append("%!(BADWIDTH)")
        else:
            start = i
            while i < n and format[i].isdigit() and format[i] <= "9":
                i += 1
            if i > start:
                f.wid = int(format[start:i])
        # precision
        if i < n and format[i] == ".":
            i += 1
            reordered = reordered or format.startswith("[", i)
            argnum, i, bad2 = _arg_index(format, i, argnum, len(args))
            if i < n and format[i] == "*":
                i += 1
                if argnum < len(args) and type_of(args[argnum]) is not None and \
                        type_of(args[argnum]).kind in INT_KINDS:
                    p = int(args[argnum])
                    argnum += 1
                    if p < 0:
                        f.prec = None
                    else:
                        f.prec = p
                else:
                    argnum += 1 if argnum < len(args) else 0
                    out.append("%!(BADPREC)")
            else:
                start = i
                while i < n and format[i].isdigit() and format[i] <= "9":
                    i += 1
                f.prec = int(format[start:i]) if i > start else 0
        reordered = reordered or format.startswith("[", i)
        argnum, i, bad3 = _arg_index(format, i, argnum, len(args))
        bad_index = bad_index or bad3
        if i >= n:
            out.append("%!(NOVERB)")
            break
        verb = format[i]
        i += 1
        if verb == "%":
            out.append("%")
            continue
        if bad_index:
            out.append(f"%!{verb}(BADINDEX)")
            continue
        if argnum >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        arg = args[argnum]
        argnum += 1
        if verb == "w":
            out.append(_bad_verb(arg, verb, f))
            continue
        if verb == "v":
            if f.sharp:
                f.sharp = False
                f.sharp_v = True
            if f.plus:
                f.plus = False
                f.plus_v = True
        out.append(sprint_value(arg, verb, f, 0))
    if not reordered and argnum < len(args):
        extra = ", ".join(
            "<nil>" if a is None or a is NIL else f"{type_of(a).name}={sprint_value(a, 'v', _Flags(), 0)}"
            for a in args[argnum:])
        out.append("%!(EXTRA " + extra + ")")
    return "".join(out)


def _arg_index(format: str, i: int, argnum: int, nargs: int):
    """An explicit argument index [n]: (argnum, i, None) or an error marker."""
    if i >= len(format) or format[i] != "[":
        return argnum, i, None
    close = format.find("]", i)
    if close < 0:
        return argnum, len(format), True
    text = format[i + 1:close]
    if not text.isdigit() or not 1 <= int(text) <= nargs:
        return argnum, close + 1, True
    return int(text) - 1, close + 1, None
