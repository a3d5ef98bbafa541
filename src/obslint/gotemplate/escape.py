"""html/template's contextual autoescaping, over the trees of a TemplateSet.

As Go's html/template does before the first execution, `escape_template` walks the template to execute
and every template it calls, tracking the HTML context at each point (text, tags, attribute names and
values in their quotes, URLs and their parts, RCDATA elements such as <title>, CSS and JavaScript with
their strings, comments), and then edits the trees: each action gets the escaping functions of its
context appended to its pipeline (`_html_template_htmlescaper`, `..._attrescaper`, `..._urlfilter`, ...),
templates called in another context than text are copied under a derived name, HTML comments are
removed from the text, and a `<` that starts no tag becomes `&lt;`. Templates whose branches end in
different contexts, or that end inside a tag, are refused as Go refuses them.
"""

from __future__ import annotations

import copy
import html as _html
import re
from dataclasses import dataclass, replace
from typing import Any

from obslint.gotemplate import parse as P
from obslint.gotemplate.parse import TemplateError
from obslint.gotemplate.printf import sprint
from obslint.gotemplate.values import ANY, STRING, GoFunc, GoType, type_of

# html/template's string types
CSS_T = GoType("template.CSS", "string", underlying=STRING)
HTML_T = GoType("template.HTML", "string", underlying=STRING)
HTMLATTR_T = GoType("template.HTMLAttr", "string", underlying=STRING)
JS_T = GoType("template.JS", "string", underlying=STRING)
JSSTR_T = GoType("template.JSStr", "string", underlying=STRING)
URL_T = GoType("template.URL", "string", underlying=STRING)
SRCSET_T = GoType("template.Srcset", "string", underlying=STRING)
_CONTENT = {CSS_T: "css", HTML_T: "html", HTMLATTR_T: "htmlattr", JS_T: "js", JSSTR_T: "jsstr", URL_T: "url",
            SRCSET_T: "srcset"}

FILTER_FAILSAFE = "ZgotmplZ"


class EscapeError(TemplateError):
    def __str__(self):
        return f"html/template:{self.name}: {self.message}" if self.name is not None else \
            f"html/template: {self.message}"


# ------------------------------------------------------------------------------------------ context

@dataclass(frozen=True)
class Ctx:
    state: str = "text"
    delim: str = "none"  # none dq sq space
    url_part: str = "none"  # none pre query unknown
    js_ctx: str = "regexp"  # regexp divop unknown
    js_brace: tuple | None = None
    attr: str = "none"  # none script scripttype style url srcset metacontent
    element: str = "none"  # none script style textarea title meta
    err: str | None = None
    node: Any = None

    def eq(self, other: "Ctx") -> bool:
        return (self.state, self.delim, self.url_part, self.js_ctx, self.js_brace, self.attr, self.element,
                self.err) == (other.state, other.delim, other.url_part, other.js_ctx, other.js_brace, other.attr,
                              other.element, other.err)

    def mangle(self, name: str) -> str:
        if self.state == "text":
            return name
        s = name + "$htmltemplate_" + self.state
        if self.delim != "none":
            s += "_" + self.delim
        if self.url_part != "none":
            s += "_" + self.url_part
        if self.js_ctx != "regexp":
            s += "_" + self.js_ctx
        if self.js_brace is not None:
            s += f"_jsBraceDepth({list(self.js_brace)})"
        if self.attr != "none":
            s += "_" + self.attr
        if self.element != "none":
            s += "_" + self.element
        return s


def _error(message: str) -> Ctx:
    return Ctx(state="error", err=message)


COMMENT_STATES = frozenset(("htmlcmt", "jsblockcmt", "jslinecmt", "jshtmlopencmt", "jshtmlclosecmt",
                            "cssblockcmt", "csslinecmt"))
IN_TAG = frozenset(("tag", "attrname", "aftername", "beforevalue", "attr"))
SCRIPT_LITERALS = frozenset(("jsdqstr", "jssqstr", "jstmpllit", "jsregexp"))

_ELEMENT_CONTENT = {"none": "text", "script": "js", "style": "css", "textarea": "rcdata", "title": "rcdata",
                    "meta": "text"}
_ATTR_START = {"none": "attr", "script": "js", "scripttype": "attr", "style": "css", "url": "url",
               "srcset": "srcset", "metacontent": "metacontent"}
_ELEMENTS = {"script": "script", "style": "style", "textarea": "textarea", "title": "title", "meta": "meta"}

_URL_ATTRS = {"action", "archive", "background", "cite", "classid", "codebase", "data", "formaction", "href",
              "icon", "longdesc", "manifest", "poster", "profile", "src", "usemap", "xmlns"}
_UNSAFE_ATTRS = {"accept-charset", "async", "challenge", "charset", "content", "crossorigin", "defer", "enctype",
                 "form", "formenctype", "formmethod", "formnovalidate", "http-equiv", "keytype", "language",
                 "method", "novalidate", "pattern", "rel", "sandbox", "type", "value"}
_PLAIN_ATTRS = {"accept", "alt", "autocomplete", "autofocus", "autoplay", "border", "checked", "class", "cols",
                "colspan", "contenteditable", "contextmenu", "controls", "coords", "datetime", "default", "dir",
                "dirname", "disabled", "draggable", "dropzone", "for", "formtarget", "headers", "height",
                "hidden", "high", "hreflang", "id", "ismap", "kind", "label", "lang", "list", "loop", "low",
                "max", "maxlength", "media", "mediagroup", "min", "multiple", "name", "open", "optimum",
                "placeholder", "preload", "pubdate", "radiogroup", "readonly", "required", "reversed", "rows",
                "rowspan", "spellcheck", "scope", "scoped", "seamless", "selected", "shape", "size", "sizes",
                "span", "srclang", "start", "step", "tabindex", "target", "title", "width", "wrap"}


def attr_type(name: str) -> str:
    """html/template's attrType: plain, url, css, js, srcset, html or unsafe."""
    if name.startswith("data-"):
        name = name[5:]
    elif ":" in name:
        prefix, short = name.split(":", 1)
        if prefix == "xmlns":
            return "url"
        name = short
    if name in _URL_ATTRS:
        return "url"
    if name in _UNSAFE_ATTRS:
        return "unsafe"
    if name in _PLAIN_ATTRS:
        return "plain"
    if name == "style":
        return "css"
    if name == "srcset":
        return "srcset"
    if name == "srcdoc":
        return "html"
    if name.startswith("on"):
        return "js"
    if "src" in name or "uri" in name or "url" in name:
        return "url"
    return "plain"


# ---------------------------------------------------------------------------------------- transitions

_WS = " \t\n\f\r"


def _eat_ws(s: str, i: int) -> int:
    while i < len(s) and s[i] in _WS:
        i += 1
    return i


def _ascii_alpha(c: str) -> bool:
    return c.isascii() and c.isalpha()


def _ascii_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _eat_tag_name(s: str, i: int) -> tuple[int, str]:
    if i == len(s) or not _ascii_alpha(s[i]):
        return i, "none"
    j = i + 1
    while j < len(s):
        x = s[j]
        if _ascii_alnum(x):
            j += 1
            continue
        if x in ":-" and j + 1 < len(s) and _ascii_alnum(s[j + 1]):
            j += 2
            continue
        break
    return j, _ELEMENTS.get(s[i:j].lower(), "none")


def _eat_attr_name(s: str, i: int) -> tuple[int, str | None]:
    for j in range(i, len(s)):
        c = s[j]
        if c in " \t\n\f\r=>":
            return j, None
        if c in "'\"<":
            return -1, f"{_q(c)} in attribute name: {_q(s[:32])}"
    return len(s), None


def _q(s: str) -> str:
    from obslint.gotemplate.printf import go_quote
    return go_quote(s)


def t_text(c: Ctx, s: str) -> tuple[Ctx, int]:
    k = 0
    while True:
        i = s.find("<", k)
        if i < 0 or i + 1 == len(s):
            return c, len(s)
        if s.startswith("<!--", i):
            return Ctx(state="htmlcmt"), i + 4
        i += 1
        end = False
        if s[i] == "/":
            if i + 1 == len(s):
                return c, len(s)
            end, i = True, i + 1
        j, e = _eat_tag_name(s, i)
        if j != i:
            if end:
                e = "none"
            return Ctx(state="tag", element=e), j
        k = j


def t_tag(c: Ctx, s: str) -> tuple[Ctx, int]:
    i = _eat_ws(s, 0)
    if i == len(s):
        return c, len(s)
    if s[i] == ">":
        if c.element == "meta":
            return Ctx(state="text"), i + 1
        return Ctx(state=_ELEMENT_CONTENT[c.element], element=c.element), i + 1
    j, err = _eat_attr_name(s, i)
    if err is not None:
        return _error(err), len(s)
    if i == j:
        return _error(f"expected space, attr name, or end of tag, but got {_q(s[i:])}"), len(s)
    name = s[i:j].lower()
    attr = "none"
    if c.element == "script" and name == "type":
        attr = "scripttype"
    elif c.element == "meta" and name == "content":
        attr = "metacontent"
    else:
        attr = {"url": "url", "css": "style", "js": "script", "srcset": "srcset"}.get(attr_type(name), "none")
    state = "attrname" if j == len(s) else "aftername"
    return Ctx(state=state, element=c.element, attr=attr), j


def t_attr_name(c: Ctx, s: str) -> tuple[Ctx, int]:
    i, err = _eat_attr_name(s, 0)
    if err is not None:
        return _error(err), len(s)
    if i != len(s):
        c = replace(c, state="aftername")
    return c, i


def t_after_name(c: Ctx, s: str) -> tuple[Ctx, int]:
    i = _eat_ws(s, 0)
    if i == len(s):
        return c, len(s)
    if s[i] != "=":
        return replace(c, state="tag"), i
    return replace(c, state="beforevalue"), i + 1


def t_before_value(c: Ctx, s: str) -> tuple[Ctx, int]:
    i = _eat_ws(s, 0)
    if i == len(s):
        return c, len(s)
    delim = "space"
    if s[i] == "'":
        delim, i = "sq", i + 1
    elif s[i] == '"':
        delim, i = "dq", i + 1
    return replace(c, state=_ATTR_START[c.attr], delim=delim), i


def t_html_cmt(c: Ctx, s: str) -> tuple[Ctx, int]:
    i = s.find("-->")
    if i >= 0:
        return Ctx(), i + 3
    return c, len(s)


_END_MARKERS = {"script": "script", "style": "style", "textarea": "textarea", "title": "title", "meta": ""}


def _index_tag_end(s: str, tag: str) -> int:
    res = 0
    while s:
        i = s.find("</")
        if i == -1:
            return -1
        s = s[i + 2:]
        if len(tag) <= len(s) and s[:len(tag)].lower() == tag:
            s = s[len(tag):]
            if s and s[0] in "> \t\n\f/":
                return res + i
            res += len(tag)
        res += i + 2
    return -1


def t_special_tag_end(c: Ctx, s: str) -> tuple[Ctx, int]:
    if c.element != "none":
        if c.element == "script" and (c.state in SCRIPT_LITERALS or c.state in COMMENT_STATES):
            return c, len(s)
        i = _index_tag_end(s, _END_MARKERS[c.element])
        if i != -1:
            return Ctx(), i
    return c, len(s)


def t_attr(c: Ctx, s: str) -> tuple[Ctx, int]:
    return c, len(s)


def t_url(c: Ctx, s: str) -> tuple[Ctx, int]:
    if "#" in s or "?" in s:
        c = replace(c, url_part="query")
    elif len(s) != _eat_ws(s, 0) and c.url_part == "none":
        c = replace(c, url_part="pre")
    return c, len(s)


_JS_WS = "\f\n\r\t\v \u00a0\u2028\u2029"
_REGEXP_PRECEDERS = {"break", "case", "continue", "delete", "do", "else", "finally", "in", "instanceof", "return",
                     "throw", "try", "typeof", "void"}


def _is_js_ident_part(c: str) -> bool:
    return c == "$" or c == "_" or (c.isascii() and c.isalnum())


def next_js_ctx(s: str, preceding: str) -> str:
    s = s.rstrip(_JS_WS)
    if not s:
        return preceding
    c, n = s[-1], len(s)
    if c in "+-":
        start = n - 1
        while start > 0 and s[start - 1] == c:
            start -= 1
        return "regexp" if (n - start) & 1 else "divop"
    if c == ".":
        if n != 1 and "0" <= s[n - 2] <= "9":
            return "divop"
        return "regexp"
    if c in ",<>=*%&|^?!~([:;{}":
        return "regexp"
    j = n
    while j > 0 and _is_js_ident_part(s[j - 1]):
        j -= 1
    if s[j:] in _REGEXP_PRECEDERS:
        return "regexp"
    return "divop"


def t_js(c: Ctx, s: str) -> tuple[Ctx, int]:
    m = re.search(r"[\"`'/{}<\-#]", s)
    if m is None:
        return replace(c, js_ctx=next_js_ctx(s, c.js_ctx)), len(s)
    i = m.start()
    c = replace(c, js_ctx=next_js_ctx(s[:i], c.js_ctx))
    ch = s[i]
    if ch == '"':
        c = replace(c, state="jsdqstr", js_ctx="regexp")
    elif ch == "'":
        c = replace(c, state="jssqstr", js_ctx="regexp")
    elif ch == "`":
        c = replace(c, state="jstmpllit", js_ctx="regexp")
    elif ch == "/":
        if i + 1 < len(s) and s[i + 1] == "/":
            c, i = replace(c, state="jslinecmt"), i + 1
        elif i + 1 < len(s) and s[i + 1] == "*":
            c, i = replace(c, state="jsblockcmt"), i + 1
        elif c.js_ctx == "regexp":
            c = replace(c, state="jsregexp")
        elif c.js_ctx == "divop":
            c = replace(c, js_ctx="regexp")
        else:
            return _error(f"'/' could start a division or regexp: {_q(s[i:i + 32])}"), len(s)
    elif ch == "<":
        if i + 3 < len(s) and s.startswith("<!--", i):
            c, i = replace(c, state="jshtmlopencmt"), i + 3
    elif ch == "-":
        if i + 2 < len(s) and s.startswith("-->", i):
            c, i = replace(c, state="jshtmlclosecmt"), i + 2
    elif ch == "#":
        if i + 1 < len(s) and s[i + 1] == "!":
            c, i = replace(c, state="jslinecmt"), i + 1
    elif ch == "{":
        if not c.js_brace:
            return replace(c, js_ctx=next_js_ctx("{", c.js_ctx)), i + 1
        depth = list(c.js_brace)
        depth[-1] += 1
        c = replace(c, js_brace=tuple(depth), js_ctx=next_js_ctx("{", c.js_ctx))
    elif ch == "}":
        if not c.js_brace:
            return replace(c, js_ctx=next_js_ctx("}", c.js_ctx)), i + 1
        depth = list(c.js_brace)
        depth[-1] -= 1
        if depth[-1] >= 0:
            return replace(c, js_brace=tuple(depth), js_ctx=next_js_ctx("}", c.js_ctx)), i + 1
        c = replace(c, js_brace=tuple(depth[:-1]), state="jstmpllit")
    return c, i + 1


def t_js_tmpl(c: Ctx, s: str) -> tuple[Ctx, int]:
    k = 0
    while True:
        m = re.compile(r"[`\\$]").search(s, k)
        if m is None:
            break
        i = m.start()
        if s[i] == "\\":
            i += 1
            if i == len(s):
                return _error(f"unfinished escape sequence in JS string: {_q(s)}"), len(s)
        elif s[i] == "$":
            if len(s) >= i + 2 and s[i + 1] == "{":
                return replace(c, js_brace=(c.js_brace or ()) + (0,), state="js"), i + 2
        else:
            return replace(c, state="js"), i + 1
        k = i + 1
    return c, len(s)


def t_js_delimited(c: Ctx, s: str) -> tuple[Ctx, int]:
    specials = {"jssqstr": "\\'", "jsregexp": "\\/[]"}.get(c.state, '\\"')
    k, in_charset = 0, False
    while True:
        i = k
        while i < len(s) and s[i] not in specials:
            i += 1
        if i >= len(s):
            break
        ch = s[i]
        if ch == "\\":
            i += 1
            if i == len(s):
                return _error(f"unfinished escape sequence in JS string: {_q(s)}"), len(s)
        elif ch == "[":
            in_charset = True
        elif ch == "]":
            in_charset = False
        elif ch == "/":
            if i > 0 and i + 7 <= len(s) and s[i - 1:i + 7].lower() == "</script":
                i += 1
            elif not in_charset:
                return replace(c, state="js", js_ctx="divop"), i + 1
        else:
            if not in_charset:
                return replace(c, state="js", js_ctx="divop"), i + 1
        k = i + 1
    if in_charset:
        return _error(f"unfinished JS regexp charset: {_q(s)}"), len(s)
    return c, len(s)


def t_block_cmt(c: Ctx, s: str) -> tuple[Ctx, int]:
    i = s.find("*/")
    if i == -1:
        return c, len(s)
    return replace(c, state="js" if c.state == "jsblockcmt" else "css"), i + 2


def t_line_cmt(c: Ctx, s: str) -> tuple[Ctx, int]:
    if c.state == "csslinecmt":
        terminators, end = "\n\f\r", "css"
    else:
        terminators, end = "\n\r\u2028\u2029", "js"
    for i, ch in enumerate(s):
        if ch in terminators:
            return replace(c, state=end), i
    return c, len(s)


def _is_css_nmchar(r: str) -> bool:
    o = ord(r)
    return (r.isascii() and (r.isalnum() or r in "-_")) or 0x80 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or \
        0x10000 <= o <= 0x10FFFF


def _ends_with_css_keyword(b: str, kw: str) -> bool:
    i = len(b) - len(kw)
    if i < 0:
        return False
    if i != 0 and _is_css_nmchar(b[i - 1]):
        return False
    return b[i:].lower() == kw


def t_css(c: Ctx, s: str) -> tuple[Ctx, int]:
    k = 0
    while True:
        m = re.compile(r"[(\"'/]").search(s, k)
        if m is None:
            return c, len(s)
        i = m.start()
        ch = s[i]
        if ch == "(":
            p = s[:i].rstrip("\t\n\f\r ")
            if _ends_with_css_keyword(p, "url"):
                j = len(s) - len(s[i + 1:].lstrip("\t\n\f\r "))
                if j != len(s) and s[j] == '"':
                    return replace(c, state="cssdqurl"), j + 1
                if j != len(s) and s[j] == "'":
                    return replace(c, state="csssqurl"), j + 1
                return replace(c, state="cssurl"), j
        elif ch == "/":
            if i + 1 < len(s):
                if s[i + 1] == "/":
                    return replace(c, state="csslinecmt"), i + 2
                if s[i + 1] == "*":
                    return replace(c, state="cssblockcmt"), i + 2
        elif ch == '"':
            return replace(c, state="cssdqstr"), i + 1
        elif ch == "'":
            return replace(c, state="csssqstr"), i + 1
        k = i + 1


def decode_css(s: str) -> str:
    if "\\" not in s:
        return s
    out = []
    while s:
        i = s.find("\\")
        if i == -1:
            i = len(s)
        out.append(s[:i])
        s = s[i:]
        if len(s) < 2:
            break
        if s[1] in "0123456789abcdefABCDEF":
            j = 2
            while j < len(s) and j < 7 and s[j] in "0123456789abcdefABCDEF":
                j += 1
            r = int(s[1:j], 16)
            if r > 0x10FFFF:
                r, j = r // 16, j - 1
            out.append(chr(r) if not 0xD800 <= r < 0xE000 else "\ufffd")
            s = s[j:]
            if s[:2] == "\r\n":
                s = s[2:]
            elif s[:1] in ("\t", "\n", "\f", " ", "\r"):
                s = s[1:]
        else:
            out.append(s[1])
            s = s[2:]
    return "".join(out)


def t_css_str(c: Ctx, s: str) -> tuple[Ctx, int]:
    end_and_esc = {"cssdqstr": '\\"', "cssdqurl": '\\"', "csssqstr": "\\'", "csssqurl": "\\'",
                   "cssurl": "\\\t\n\f\r )"}[c.state]
    k = 0
    while True:
        i = k
        while i < len(s) and s[i] not in end_and_esc:
            i += 1
        if i >= len(s):
            c2, nread = t_url(c, decode_css(s[k:]))
            return c2, k + nread
        if s[i] == "\\":
            i += 1
            if i == len(s):
                return _error(f"unfinished escape sequence in CSS string: {_q(s)}"), len(s)
        else:
            return replace(c, state="css"), i + 1
        c, _ = t_url(c, decode_css(s[:i + 1]))
        k = i + 1


def t_error(c: Ctx, s: str) -> tuple[Ctx, int]:
    return c, len(s)


def t_meta_content(c: Ctx, s: str) -> tuple[Ctx, int]:
    for i in range(len(s)):
        if i + 3 <= len(s) - 1 and s[i:i + 3].lower() == "url":
            j = _eat_ws(s, i + 3)
            if j < len(s) and s[j] == "=":
                return replace(c, state="metacontenturl"), j + 1
    return c, len(s)


def t_meta_content_url(c: Ctx, s: str) -> tuple[Ctx, int]:
    i = s.find(";")
    if i >= 0:
        return replace(c, state="metacontent"), i + 1
    return c, len(s)


TRANSITIONS = {
    "text": t_text, "tag": t_tag, "attrname": t_attr_name, "aftername": t_after_name,
    "beforevalue": t_before_value, "htmlcmt": t_html_cmt, "rcdata": t_special_tag_end, "attr": t_attr,
    "url": t_url, "metacontent": t_meta_content, "metacontenturl": t_meta_content_url, "srcset": t_url,
    "js": t_js, "jsdqstr": t_js_delimited, "jssqstr": t_js_delimited, "jsregexp": t_js_delimited,
    "jstmpllit": t_js_tmpl, "jsblockcmt": t_block_cmt, "jslinecmt": t_line_cmt, "jshtmlopencmt": t_line_cmt,
    "jshtmlclosecmt": t_line_cmt, "css": t_css, "cssdqstr": t_css_str, "csssqstr": t_css_str,
    "cssdqurl": t_css_str, "csssqurl": t_css_str, "cssurl": t_css_str, "cssblockcmt": t_block_cmt,
    "csslinecmt": t_line_cmt, "error": t_error,
}

_DELIM_ENDS = {"dq": '"', "sq": "'", "space": " \t\n\f\r>"}


def _index_any(s: str, chars: str) -> int:
    for i, ch in enumerate(s):
        if ch in chars:
            return i
    return -1


def _is_js_type(mime: str) -> bool:
    mime = mime.split(";", 1)[0].lower().strip()
    return mime in ("", "application/ecmascript", "application/javascript", "application/json",
                    "application/ld+json", "application/x-ecmascript", "application/x-javascript", "module",
                    "text/ecmascript", "text/javascript", "text/javascript1.0", "text/javascript1.1",
                    "text/javascript1.2", "text/javascript1.3", "text/javascript1.4", "text/javascript1.5",
                    "text/jscript", "text/livescript", "text/x-ecmascript", "text/x-javascript")


def context_after_text(c: Ctx, s: str) -> tuple[Ctx, int]:
    if c.delim == "none":
        c1, i = t_special_tag_end(c, s)
        if i == 0:
            return c1, 0
        return TRANSITIONS[c.state](c, s[:i])
    i = _index_any(s, _DELIM_ENDS[c.delim])
    if i == -1:
        i = len(s)
    if c.delim == "space":
        j = _index_any(s[:i], "\"'<=`")
        if j >= 0:
            return _error(f"{_q(s[j])} in unquoted attr: {_q(s[:i])}"), len(s)
    if i == len(s):
        u = _html.unescape(s)
        while u:
            c1, i1 = TRANSITIONS[c.state](c, u)
            c, u = c1, u[i1:]
        return c, len(s)
    element = c.element
    if c.state == "attr" and c.element == "script" and c.attr == "scripttype" and not _is_js_type(s[:i]):
        element = "none"
    if c.delim != "space":
        i += 1
    return Ctx(state="tag", element=element), i


def nudge(c: Ctx) -> Ctx:
    if c.state == "tag":
        return replace(c, state="attrname")
    if c.state == "beforevalue":
        return replace(c, state=_ATTR_START[c.attr], delim="space", attr="none")
    if c.state == "aftername":
        return replace(c, state="attrname", attr="none")
    return c


def join(a: Ctx, b: Ctx, node_name: str) -> Ctx:
    if a.state == "error":
        return a
    if b.state == "error":
        return b
    if a.state == "dead":
        return b
    if b.state == "dead":
        return a
    if a.eq(b):
        return a
    c = replace(a, url_part=b.url_part)
    if c.eq(b):
        return replace(c, url_part="unknown")
    c = replace(a, js_ctx=b.js_ctx)
    if c.eq(b):
        return replace(c, js_ctx="unknown")
    c, d = nudge(a), nudge(b)
    if not (c.eq(a) and d.eq(b)):
        e = join(c, d, node_name)
        if e.state != "error":
            return e
    return _error(f"{{{{{node_name}}}}} branches end in different contexts: {_ctx_str(a)}, {_ctx_str(b)}")


def _ctx_str(c: Ctx) -> str:
    return f"{{{c.state} {c.delim} {c.url_part} {c.js_ctx} {c.attr} {c.element}}}"


# ------------------------------------------------------------------------------------------- escaper

_PREDEFINED = {"html", "urlquery"}
_EQUIV = {"_html_template_attrescaper": "html", "_html_template_htmlescaper": "html",
          "_html_template_rcdataescaper": "html", "_html_template_urlescaper": "urlquery",
          "_html_template_urlnormalizer": "urlquery"}
_REDUNDANT = {
    "_html_template_commentescaper": {"_html_template_attrescaper", "_html_template_htmlescaper"},
    "_html_template_cssescaper": {"_html_template_attrescaper"},
    "_html_template_jsregexpescaper": {"_html_template_attrescaper"},
    "_html_template_jsstrescaper": {"_html_template_attrescaper"},
    "_html_template_jstmpllitescaper": {"_html_template_attrescaper"},
    "_html_template_urlescaper": {"_html_template_urlnormalizer"},
}


class _RangeCtx:
    def __init__(self, outer):
        self.outer = outer
        self.breaks: list[Ctx] = []
        self.continues: list[Ctx] = []


class _Escaper:
    def __init__(self, trees: dict[str, P.Tree]):
        self.trees = trees
        self.output: dict[str, Ctx] = {}
        self.derived: dict[str, P.Tree] = {}
        self.called: set[str] = set()
        self.action_edits: dict[int, tuple[P.ActionNode, list[str]]] = {}
        self.template_edits: dict[int, tuple[P.TemplateNode, str]] = {}
        self.text_edits: dict[int, tuple[P.TextNode, str]] = {}
        self.range_ctx: _RangeCtx | None = None

    def template(self, name: str) -> P.Tree | None:
        t = self.trees.get(name)
        return t if t is not None else self.derived.get(name)

    def escape(self, c: Ctx, n) -> Ctx:
        t = type(n)
        if t is P.ActionNode:
            return self.escape_action(c, n)
        if t is P.BreakNode:
            self.range_ctx.breaks.append(replace(c, node=n))
            return Ctx(state="dead")
        if t is P.ContinueNode:
            self.range_ctx.continues.append(replace(c, node=n))
            return Ctx(state="dead")
        if t is P.CommentNode:
            return c
        if t is P.IfNode:
            return self.escape_branch(c, n, "if")
        if t is P.ListNode:
            return self.escape_list(c, n)
        if t is P.RangeNode:
            return self.escape_branch(c, n, "range")
        if t is P.TemplateNode:
            c2, name = self.escape_tree(c, n, n.name)
            if name != n.name:
                self.template_edits[id(n)] = (n, name)
            return c2
        if t is P.TextNode:
            return self.escape_text(c, n)
        if t is P.WithNode:
            return self.escape_branch(c, n, "with")
        raise AssertionError(f"escaping {n} is unimplemented")

    def escape_action(self, c: Ctx, n: P.ActionNode) -> Ctx:
        if n.pipe.decl:
            return c
        c = nudge(c)
        for pos, cmd in enumerate(n.pipe.cmds):
            first = cmd.args[0]
            if not isinstance(first, P.IdentifierNode):
                continue
            if first.ident in _PREDEFINED:
                if pos < len(n.pipe.cmds) - 1 or (c.state == "attr" and c.delim == "space" and
                                                  first.ident == "html"):
                    return _error(f"predefined escaper {_q(first.ident)} disallowed in template")
        s: list[str] = []
        st = c.state
        if st == "error":
            return c
        if st in ("url", "cssdqstr", "csssqstr", "cssdqurl", "csssqurl", "cssurl"):
            if c.url_part == "none":
                s.append("_html_template_urlfilter")
            if c.url_part in ("none", "pre"):
                s.append("_html_template_cssescaper" if st in ("cssdqstr", "csssqstr")
                         else "_html_template_urlnormalizer")
            elif c.url_part == "query":
                s.append("_html_template_urlescaper")
            else:
                return _error(f"{n} appears in an ambiguous context within a URL")
        elif st == "metacontent":
            pass
        elif st == "metacontenturl":
            s.append("_html_template_urlfilter")
        elif st == "js":
            s.append("_html_template_jsvalescaper")
            c = replace(c, js_ctx="divop")
        elif st in ("jsdqstr", "jssqstr"):
            s.append("_html_template_jsstrescaper")
        elif st == "jstmpllit":
            s.append("_html_template_jstmpllitescaper")
        elif st == "jsregexp":
            s.append("_html_template_jsregexpescaper")
        elif st == "css":
            s.append("_html_template_cssvaluefilter")
        elif st == "text":
            s.append("_html_template_htmlescaper")
        elif st == "rcdata":
            s.append("_html_template_rcdataescaper")
        elif st == "attr":
            pass
        elif st in ("attrname", "tag"):
            c = replace(c, state="attrname")
            s.append("_html_template_htmlnamefilter")
        elif st == "srcset":
            s.append("_html_template_srcsetescaper")
        elif st in COMMENT_STATES:
            s.append("_html_template_commentescaper")
        else:
            raise AssertionError(f"unexpected state {st}")
        if c.delim == "space":
            s.append("_html_template_nospaceescaper")
        elif c.delim != "none":
            s.append("_html_template_attrescaper")
        self.action_edits[id(n)] = (n, s)
        return c

    def escape_branch(self, c: Ctx, n, node_name: str) -> Ctx:
        if node_name == "range":
            self.range_ctx = _RangeCtx(self.range_ctx)
        c0 = self.escape_list(c, n.list)
        if node_name == "range":
            if c0.state != "error":
                c0 = self.join_range(c0, self.range_ctx)
            self.range_ctx = self.range_ctx.outer
            if c0.state == "error":
                return c0
            self.range_ctx = _RangeCtx(self.range_ctx)
            c1, _ = self.escape_list_conditionally(c0, n.list, None)
            c0 = join(c0, c1, node_name)
            if c0.state == "error":
                self.range_ctx = self.range_ctx.outer
                return replace(c0, err="on range loop re-entry: " + c0.err)
            c0 = self.join_range(c0, self.range_ctx)
            self.range_ctx = self.range_ctx.outer
            if c0.state == "error":
                return c0
        c1 = self.escape_list(c, n.else_list)
        return join(c0, c1, node_name)

    def join_range(self, c0: Ctx, rc: _RangeCtx) -> Ctx:
        for c in rc.breaks:
            c0 = join(c0, c, "range")
            if c0.state == "error":
                return replace(c0, err="at range loop break: " + c0.err)
        for c in rc.continues:
            c0 = join(c0, c, "range")
            if c0.state == "error":
                return replace(c0, err="at range loop continue: " + c0.err)
        return c0

    def escape_list(self, c: Ctx, n) -> Ctx:
        if n is None:
            return c
        for m in n.nodes:
            c = self.escape(c, m)
            if c.state == "dead":
                break
        return c

    def escape_list_conditionally(self, c: Ctx, n, filt) -> tuple[Ctx, bool]:
        e1 = _Escaper(self.trees)
        e1.range_ctx = self.range_ctx
        e1.output.update(self.output)
        e1.derived = self.derived
        c = e1.escape_list(c, n)
        ok = filt is not None and filt(e1, c)
        if ok:
            self.output.update(e1.output)
            self.derived.update(e1.derived)
            self.called |= e1.called
            self.action_edits.update(e1.action_edits)
            self.template_edits.update(e1.template_edits)
            self.text_edits.update(e1.text_edits)
        return c, ok

    def escape_tree(self, c: Ctx, node, name: str) -> tuple[Ctx, str]:
        dname = c.mangle(name)
        self.called.add(dname)
        if dname in self.output:
            return self.output[dname], dname
        t = self.template(name)
        if t is None or t.root is None:
            if name in self.trees:
                return _error(f"{_q(name)} is an incomplete or empty template"), dname
            return _error(f"no such template {_q(name)}"), dname
        if dname != name:
            dt = self.template(dname)
            if dt is None:
                dt = P.Tree(dname, copy.deepcopy(t.root), t.parse_name, t.text)
                self.derived[dname] = dt
            t = dt
        return self.compute_out_ctx(c, t, dname), dname

    def compute_out_ctx(self, c: Ctx, t: P.Tree, name: str) -> Ctx:
        c1, ok = self.escape_template_body(c, t, name)
        if not ok:
            c2, ok2 = self.escape_template_body(c1, t, name)
            if ok2:
                c1, ok = c2, True
        if not ok and c1.state != "error":
            return _error(f"cannot compute output context for template {name}")
        return c1

    def escape_template_body(self, c: Ctx, t: P.Tree, name: str) -> tuple[Ctx, bool]:
        def filt(e1: "_Escaper", c1: Ctx) -> bool:
            if c1.state == "error":
                return False
            if name not in e1.called:
                return True
            return c.eq(c1)

        self.output[name] = c
        return self.escape_list_conditionally(c, t.root, filt)

    def escape_text(self, c: Ctx, n: P.TextNode) -> Ctx:
        s = n.text
        written, i = 0, 0
        b: list[str] = []
        while i != len(s):
            c1, nread = context_after_text(c, s[i:])
            i1 = i + nread
            if c.state in ("text", "rcdata"):
                end = i1
                if c1.state != c.state:
                    for j in range(end - 1, i - 1, -1):
                        if s[j] == "<":
                            end = j
                            break
                for j in range(i, end):
                    if s[j] == "<" and not s[j:j + 9].upper().startswith("<!DOCTYPE"):
                        b.append(s[written:j])
                        b.append("&lt;")
                        written = j + 1
            elif c.state in COMMENT_STATES and c.delim == "none":
                if c.state == "jsblockcmt":
                    b.append("\n" if any(ch in s[written:i1] for ch in "\n\r\u2028\u2029") else " ")
                elif c.state == "cssblockcmt":
                    b.append(" ")
                written = i1
            if c.state != c1.state and c1.state in COMMENT_STATES and c1.delim == "none":
                cs = i1 - 2
                if c1.state in ("htmlcmt", "jshtmlopencmt"):
                    cs -= 2
                elif c1.state == "jshtmlclosecmt":
                    cs -= 1
                b.append(s[written:cs])
                written = i1
            if c.state in SCRIPT_LITERALS and re.search(r"(?i)<(script|/script|!--)", s[i:i1]):
                b.append(s[written:i])
                b.append(re.sub(r"(?i)<(script|/script|!--)", r"\\x3C\1", s[i:i1]))
                written = i1
            if i == i1 and c.state == c1.state:
                raise AssertionError(f"infinite loop from {c} to {c1}")
            c, i = c1, i1
        if written != 0 and c.state != "error":
            if c.state not in COMMENT_STATES or c.delim != "none":
                b.append(n.text[written:])
            self.text_edits[id(n)] = (n, "".join(b))
        return c

    def commit(self, tset) -> None:
        for name, tree in self.derived.items():
            tset.trees[name] = tree
        for n, s in self.action_edits.values():
            _ensure_pipeline_contains(n.pipe, list(s))
        for n, name in self.template_edits.values():
            n.name = name
        for n, text in self.text_edits.values():
            n.text = text


def _ident_cmd(name: str, pos: int) -> P.CommandNode:
    return P.CommandNode(pos, [P.IdentifierNode(pos, name)])


def _append_cmd(cmds: list, cmd: P.CommandNode) -> list:
    if cmds:
        last, nxt = cmds[-1].args[0], cmd.args[0]
        if isinstance(last, P.IdentifierNode) and isinstance(nxt, P.IdentifierNode) and \
                nxt.ident in _REDUNDANT.get(last.ident, ()):
            return cmds
    cmds.append(cmd)
    return cmds


def _norm(e: str) -> str:
    return _EQUIV.get(e, e)


def _ensure_pipeline_contains(p: P.PipeNode, s: list[str]) -> None:
    if not s:
        return
    n = len(p.cmds)
    if n > 0:
        last = p.cmds[n - 1]
        first = last.args[0]
        if isinstance(first, P.IdentifierNode) and first.ident in _PREDEFINED:
            esc = first.ident
            if len(p.cmds) == 1 and len(last.args) > 1:
                last.args[0] = P.IdentifierNode(first.pos, "_eval_args_")
                p.cmds = _append_cmd(p.cmds, _ident_cmd(esc, p.pos))
                n += 1
            dup = False
            for i, escaper in enumerate(s):
                if _norm(esc) == _norm(escaper):
                    s[i] = esc
                    dup = True
            if dup:
                n -= 1
    new = list(p.cmds[:n])
    inserted = {_norm(c.args[0].ident) for c in new if isinstance(c.args[0], P.IdentifierNode)}
    for name in s:
        if _norm(name) not in inserted:
            new = _append_cmd(new, _ident_cmd(name, p.pos))
    p.cmds = new


def escape_template(tset, name: str) -> None:
    """Escape the template `name` of `tset` (and what it calls) in place, as html/template does before
    executing it; raises EscapeError where Go's escaper refuses. The set's trees are copied first."""
    tset.trees = {k: _copy_tree(v) for k, v in tset.trees.items()}
    tset.funcs.update(ESCAPE_FUNCS)
    tree = tset.trees.get(name)
    e = _Escaper(tset.trees)
    if tree is None or tree.root is None:
        raise EscapeError(f"{_q(name)} is an incomplete or empty template", 0, name)
    c, _ = e.escape_tree(Ctx(), None, name)
    if c.err is not None:
        raise EscapeError(c.err, 0, name)
    if c.state != "text":
        raise EscapeError(f"ends in a non-text context: {_ctx_str(c)}", 0, name)
    e.commit(tset)


def _copy_tree(tree: P.Tree) -> P.Tree:
    return P.Tree(tree.name, copy.deepcopy(tree.root), tree.parse_name, tree.text)


# --------------------------------------------------------------------------------------- escaping funcs

def _indirect_content(args) -> tuple[str, str]:
    """html/template's stringify: the text and its content type."""
    if len(args) == 1:
        a = args[0]
        if type(a) is str:
            return a, "plain"
        t = type_of(a)
        if t in _CONTENT:
            return str(a), _CONTENT[t]
    vals = [a for a in args if a is not None]
    return sprint(*vals), "plain"


_HTML_TABLE = {"\0": "\ufffd", '"': "&#34;", "&": "&amp;", "'": "&#39;", "+": "&#43;", "<": "&lt;", ">": "&gt;"}
_HTML_NORM_TABLE = {k: v for k, v in _HTML_TABLE.items() if k != "&"}
_NOSPACE_TABLE = {"\0": "&#xfffd;", "\t": "&#9;", "\n": "&#10;", "\v": "&#11;", "\f": "&#12;", "\r": "&#13;",
                  " ": "&#32;", '"': "&#34;", "&": "&amp;", "'": "&#39;", "+": "&#43;", "<": "&lt;", "=": "&#61;",
                  ">": "&gt;", "`": "&#96;"}
_NOSPACE_NORM_TABLE = {k: v for k, v in _NOSPACE_TABLE.items() if k != "&"}


def _html_replacer(s: str, table: dict, bad_runes: bool) -> str:
    out = []
    for ch in s:
        r = table.get(ch)
        if r is not None:
            out.append(r)
        elif not bad_runes and (0xFDD0 <= ord(ch) <= 0xFDEF or 0xFFF0 <= ord(ch) <= 0xFFFF):
            out.append(f"&#x{ord(ch):x};")
        else:
            out.append(ch)
    return "".join(out)


def strip_tags(html: str) -> str:
    out = []
    s, c, i, all_text = html, Ctx(), 0, True
    while i != len(s):
        if c.delim == "none":
            st = c.state
            if c.element != "none" and st not in IN_TAG:
                st = "rcdata"
            d, nread = TRANSITIONS[st](c, s[i:])
            i1 = i + nread
            if c.state in ("text", "rcdata"):
                j = i1
                if d.state != c.state:
                    for j1 in range(j - 1, i - 1, -1):
                        if s[j1] == "<":
                            j = j1
                            break
                out.append(s[i:j])
            else:
                all_text = False
            c, i = d, i1
            continue
        k = _index_any(s[i:], _DELIM_ENDS[c.delim])
        if k < 0:
            break
        i1 = i + k
        if c.delim != "space":
            i1 += 1
        c, i = Ctx(state="tag", element=c.element), i1
    if all_text:
        return html
    if c.state in ("text", "rcdata"):
        out.append(s[i:])
    return "".join(out)


def html_escaper(*args) -> str:
    s, t = _indirect_content(args)
    return s if t == "html" else _html_replacer(s, _HTML_TABLE, True)


def rcdata_escaper(*args) -> str:
    s, t = _indirect_content(args)
    return _html_replacer(s, _HTML_NORM_TABLE if t == "html" else _HTML_TABLE, True)


def attr_escaper(*args) -> str:
    s, t = _indirect_content(args)
    if t == "html":
        return _html_replacer(strip_tags(s), _HTML_NORM_TABLE, True)
    return _html_replacer(s, _HTML_TABLE, True)


def nospace_escaper(*args) -> str:
    s, t = _indirect_content(args)
    if s == "":
        return FILTER_FAILSAFE
    if t == "html":
        return _html_replacer(strip_tags(s), _NOSPACE_NORM_TABLE, False)
    return _html_replacer(s, _NOSPACE_TABLE, False)


def html_name_filter(*args) -> str:
    s, t = _indirect_content(args)
    if t == "htmlattr":
        return s
    if not s:
        return FILTER_FAILSAFE
    s = s.lower()
    if attr_type(s) != "plain":
        return FILTER_FAILSAFE
    if not all(ch.isascii() and (ch.isdigit() or ch.islower()) for ch in s):
        return FILTER_FAILSAFE
    return s


def comment_escaper(*args) -> str:
    return ""


def _is_safe_url(s: str) -> bool:
    if ":" in s:
        protocol = s.split(":", 1)[0]
        if "/" not in protocol and protocol.lower() not in ("http", "https", "mailto"):
            return False
    return True


def url_filter(*args) -> str:
    s, t = _indirect_content(args)
    if t == "url":
        return s
    if not _is_safe_url(s):
        return "#" + FILTER_FAILSAFE
    return s


def _process_url(s: str, norm: bool) -> str:
    out = []
    b = s.encode("utf-8", "surrogateescape")
    hexd = b"0123456789abcdefABCDEF"
    for i, c in enumerate(b):
        ch = chr(c)
        if ch in "!#$&*+,/:;=?@[]":
            if norm:
                out.append(ch)
                continue
        elif ch in "-._~":
            out.append(ch)
            continue
        elif ch == "%":
            if norm and i + 2 < len(b) and b[i + 1] in hexd and b[i + 2] in hexd:
                out.append(ch)
                continue
        elif ch.isascii() and ch.isalnum():
            out.append(ch)
            continue
        out.append(f"%{c:02x}")
    return "".join(out)


def url_escaper(*args) -> str:
    s, t = _indirect_content(args)
    return _process_url(s, t == "url")


def url_normalizer(*args) -> str:
    s, _ = _indirect_content(args)
    return _process_url(s, True)


def srcset_escaper(*args) -> str:
    s, t = _indirect_content(args)
    if t == "srcset":
        return s
    if t == "url":
        return _process_url(s, True).replace(",", "%2c")
    parts = []
    for element in s.split(","):
        parts.append(_srcset_element(element))
    return ",".join(parts)


def _srcset_element(s: str) -> str:
    start = 0
    while start < len(s) and s[start] in "\t\n\f\r ":
        start += 1
    end = len(s)
    for i in range(start, len(s)):
        if s[i] in "\t\n\f\r ":
            end = i
            break
    url = s[start:end]
    if _is_safe_url(url) and all(ch in "\t\n\f\r " or (ch.isascii() and ch.isalnum()) for ch in s[end:]):
        return s[:start] + _process_url(url, True) + s[end:]
    return "#" + FILTER_FAILSAFE


_CSS_TABLE = {"\0": "\\0", "\t": "\\9", "\n": "\\a", "\f": "\\c", "\r": "\\d", '"': "\\22", "&": "\\26",
              "'": "\\27", "(": "\\28", ")": "\\29", "+": "\\2b", "/": "\\2f", ":": "\\3a", ";": "\\3b",
              "<": "\\3c", ">": "\\3e", "\\": "\\\\", "{": "\\7b", "}": "\\7d"}


def css_escaper(*args) -> str:
    s, _ = _indirect_content(args)
    out = []
    for i, ch in enumerate(s):
        r = _CSS_TABLE.get(ch)
        if r is None:
            out.append(ch)
            continue
        out.append(r)
        nxt = s[i + 1] if i + 1 < len(s) else ""
        if r != "\\\\" and (nxt == "" or nxt in "0123456789abcdefABCDEF" or nxt in "\t\n\f\r "):
            out.append(" ")
    return "".join(out)


def css_value_filter(*args) -> str:
    s, t = _indirect_content(args)
    if t == "css":
        return s
    b = decode_css(s)
    ident = []
    for i, ch in enumerate(b):
        if ch in "\0\"'()/;@[\\]`{}<>":
            return FILTER_FAILSAFE
        if ch == "-":
            if i != 0 and b[i - 1] == "-":
                return FILTER_FAILSAFE
        elif ch.isascii() and _is_css_nmchar(ch):
            ident.append(ch)
    ident_s = "".join(ident).lower()
    if "expression" in ident_s or "mozbinding" in ident_s:
        return FILTER_FAILSAFE
    return b


_LOW_JS = {chr(i): f"\\u{i:04x}" for i in range(0x20)}
_LOW_JS.update({"\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"})
_JS_STR = {"\0": "\\u0000", "\t": "\\t", "\n": "\\n", "\v": "\\u000b", "\f": "\\f", "\r": "\\r", '"': "\\u0022",
           "`": "\\u0060", "&": "\\u0026", "'": "\\u0027", "+": "\\u002b", "/": "\\/", "<": "\\u003c",
           ">": "\\u003e", "\\": "\\\\"}
_JS_STR_NORM = {k: v for k, v in _JS_STR.items() if k != "\\"}
_JS_BQ = dict(_JS_STR, **{"$": "\\u0024", "{": "\\u007b", "}": "\\u007d"})
_JS_REGEXP = {"\0": "\\u0000", "\t": "\\t", "\n": "\\n", "\v": "\\u000b", "\f": "\\f", "\r": "\\r",
              '"': "\\u0022", "$": "\\$", "&": "\\u0026", "'": "\\u0027", "(": "\\(", ")": "\\)", "*": "\\*",
              "+": "\\u002b", "-": "\\-", ".": "\\.", "/": "\\/", "<": "\\u003c", ">": "\\u003e", "?": "\\?",
              "[": "\\[", "\\": "\\\\", "]": "\\]", "^": "\\^", "{": "\\{", "|": "\\|", "}": "\\}"}


def _js_replace(s: str, table: dict) -> str:
    out = []
    for ch in s:
        if ch in _LOW_JS:
            out.append(_LOW_JS[ch])
        elif ch in table:
            out.append(table[ch])
        elif ch == "\u2028":
            out.append("\\u2028")
        elif ch == "\u2029":
            out.append("\\u2029")
        else:
            out.append(ch)
    return "".join(out)


def js_str_escaper(*args) -> str:
    s, t = _indirect_content(args)
    return _js_replace(s, _JS_STR_NORM if t == "jsstr" else _JS_STR)


def js_tmpl_lit_escaper(*args) -> str:
    s, _ = _indirect_content(args)
    return _js_replace(s, _JS_BQ)


def js_regexp_escaper(*args) -> str:
    s, _ = _indirect_content(args)
    s = _js_replace(s, _JS_REGEXP)
    return s or "(?:)"


def js_val_escaper(*args) -> str:
    from obslint.gotemplate.gojson import to_json
    from obslint.gotemplate.gotime import GoTime
    from obslint.gotemplate.values import GoError
    if len(args) == 1:
        a = args[0]
        t = type_of(a)
        if t is JS_T:
            return str(a)
        if t is JSSTR_T:
            return '"' + str(a) + '"'
        if t is not None and not isinstance(a, GoTime) and "String" in t.methods:
            a = t.methods["String"].impl(a)
    else:
        a = sprint(*args)
    try:
        b = to_json(a)
    except GoError as exc:
        err = re.sub(r"(?i)<(/?)script", r"\\x3C\1script", str(exc)).replace("*/", "* /").replace("<!--", "\\x3C!--")
        return f" /* {err} */null "
    if not b:
        return " null "
    pad = _is_js_ident_part(b[0]) or _is_js_ident_part(b[-1])
    if "\u2028" in b or "\u2029" in b:
        b = b.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        return (" " + b + " ") if pad else b
    return b


def _eval_args(*args) -> str:
    if len(args) == 1 and type(args[0]) is str:
        return args[0]
    return sprint(*args)


def _esc(name, impl):
    return GoFunc(name, (ANY,), STRING, impl, variadic=True)


ESCAPE_FUNCS = {name: _esc(name, impl) for name, impl in {
    "_html_template_attrescaper": attr_escaper,
    "_html_template_commentescaper": comment_escaper,
    "_html_template_cssescaper": css_escaper,
    "_html_template_cssvaluefilter": css_value_filter,
    "_html_template_htmlnamefilter": html_name_filter,
    "_html_template_htmlescaper": html_escaper,
    "_html_template_jsregexpescaper": js_regexp_escaper,
    "_html_template_jsstrescaper": js_str_escaper,
    "_html_template_jstmpllitescaper": js_tmpl_lit_escaper,
    "_html_template_jsvalescaper": js_val_escaper,
    "_html_template_nospaceescaper": nospace_escaper,
    "_html_template_rcdataescaper": rcdata_escaper,
    "_html_template_srcsetescaper": srcset_escaper,
    "_html_template_urlescaper": url_escaper,
    "_html_template_urlfilter": url_filter,
    "_html_template_urlnormalizer": url_normalizer,
    "_eval_args_": _eval_args,
}.items()}
