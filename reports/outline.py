"""The grammar of a bulletin outline: text with placeholders bound to figures, and optional parts.

    截至{month}底，{group}理论学习中心组集体学习{group_sessions}次[（含{group_reading_classes:words}次专题读书班）]…

- `{key}`: a figure of the registry (`group_sessions`, `campaign.<code>.thematic_sessions`, a ratio …), year to
  date; formats after colons: `:month` (the month alone), `:words` (两, 三 … for small counts in Chinese),
  `:wan` (68万 for round ten-thousands in Chinese). A ratio or coverage prints as a percentage; `:full` keeps its
  optional part only at 100% and prints nothing ("[，实现…全覆盖{visit_coverage:full}]"), `:partial` only below.
- `{month}`, `{year}`, `{committee}`, `{group}`, `{area}`: the context (2021年12月, 2021, 龙沙区委, 市委, 全市).
- `[…]`: an optional part, left out when its figures are all zero or one of them cannot be shown (not readable by
  this reader, or no longer defined). Parts nest: a nested part depends on the part around it, so
  `[开展{test_rounds:words}轮测试[，抽考{person_tests}人次]]` is left out whole when there were no rounds.
- `\\{`, `\\}`, `\\[`, `\\]`, `\\\\`: the characters themselves.

A paragraph whose figures are all zero is left out (nothing to report); one that names a figure it cannot show
outside an optional part is left out too, and the page says so to the people who edit outlines. Nothing is ever
printed blank. This module knows no database: `check` validates against a set of known keys, `render` prints
with the values it is given.
"""
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MONTH, WORDS, WAN = "month", "words", "wan"
FULL, PARTIAL = "full", "partial"  # a percentage: its part only at 100% (printing nothing), or only below
FORMATS = (MONTH, WORDS, WAN, FULL, PARTIAL)
CONTEXT = ("month", "year", "committee", "group", "area")
TOKEN = re.compile(r"\\[{}\[\]\\]|\{[^{}]*\}|[{}\[\]]")
KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
LEADING_MARKS = "，；、：,;: "


class OutlineError(ValueError):
    """A problem of an outline's text, in words for its author (translated)."""


@dataclass(frozen=True)
class Placeholder:
    name: str
    formats: tuple = ()

    @property
    def raw(self):
        return "{" + ":".join((self.name, *self.formats)) + "}"

    @property
    def is_context(self):
        return self.name in CONTEXT


@dataclass
class Optional:
    parts: list = field(default_factory=list)


def parse(text):
    """The parts of `text`: strings, Placeholders and Optional groups; OutlineError on bad syntax."""
    stack = [Optional()]
    for piece in _pieces(text or ""):
        if piece == "[":
            group = Optional()
            stack[-1].parts.append(group)
            stack.append(group)
        elif piece == "]":
            if len(stack) == 1:
                raise OutlineError(_("“]” closes no optional part (write “\\]” for the character itself)."))
            stack.pop()
        else:
            stack[-1].parts.append(piece)
    if len(stack) > 1:
        raise OutlineError(_("An optional part opened with “[” is not closed with “]”."))
    return stack[0].parts


def _pieces(text):
    """Literal text, Placeholder, "[" or "]", in order."""
    position = 0
    for match in TOKEN.finditer(text):
        if match.start() > position:
            yield text[position:match.start()]
        token = match.group()
        position = match.end()
        if token.startswith("\\"):
            yield token[1]
        elif token in ("[", "]"):
            yield token
        elif token == "{":
            raise OutlineError(_("A “{” is not closed with “}” (write “\\{” for the character itself)."))
        elif token == "}":
            raise OutlineError(_("A “}” closes no placeholder (write “\\}” for the character itself)."))
        else:
            yield _placeholder(token)
    if position < len(text):
        yield text[position:]


def _placeholder(token):
    name, *formats = [part.strip() for part in token[1:-1].split(":")]
    if not name or not KEY.match(name):
        raise OutlineError(_("The placeholder %(placeholder)s names no figure.") % {"placeholder": token})
    return Placeholder(name, tuple(formats))


def placeholders(parts):
    """Every Placeholder of the parsed parts, optional ones included, in order."""
    for part in parts:
        if isinstance(part, Placeholder):
            yield part
        elif isinstance(part, Optional):
            yield from placeholders(part.parts)


def check(text, known, *, percentages=(), no_month=()):
    """Validate `text`: every placeholder names a context value or a key in `known`, with formats that apply.
    `percentages` are the keys printed as a percentage (ratios, coverages), `no_month` those without a value for
    the month alone (coverages). Returns the figure keys named; raises OutlineError with the first problem."""
    keys = []
    for placeholder in placeholders(parse(text)):
        _check_placeholder(placeholder, known, percentages, no_month)
        if not placeholder.is_context:
            keys.append(placeholder.name)
    return list(dict.fromkeys(keys))


def _check_placeholder(placeholder, known, percentages, no_month):
    raw, name, formats = placeholder.raw, placeholder.name, placeholder.formats
    if placeholder.is_context:
        if formats:
            raise OutlineError(_("%(placeholder)s takes no format.") % {"placeholder": raw})
        return
    if name not in known:
        raise OutlineError(_("Unknown placeholder %(placeholder)s: no figure or context value has this name.") % {
            "placeholder": raw,
        })
    for fmt in formats:
        if fmt not in FORMATS:
            raise OutlineError(_("Unknown format “%(format)s” in %(placeholder)s: use month, words, wan, full or "
                                 "partial.") % {
                "format": fmt, "placeholder": raw,
            })
    if len(set(formats)) != len(formats) or {WORDS, WAN} <= set(formats) or {FULL, PARTIAL} <= set(formats):
        raise OutlineError(_("%(placeholder)s: give each format once, and not both “words” and “wan” or “full” and "
                             "“partial”.") % {
            "placeholder": raw,
        })
    if name in percentages and {WORDS, WAN} & set(formats):
        raise OutlineError(_("%(placeholder)s is a percentage: “words” and “wan” do not apply.") % {
            "placeholder": raw,
        })
    if name not in percentages and {FULL, PARTIAL} & set(formats):
        raise OutlineError(_("%(placeholder)s is not a percentage: “full” and “partial” do not apply.") % {
            "placeholder": raw,
        })
    if name in no_month and MONTH in formats:
        raise OutlineError(_("%(placeholder)s has no value for the month alone.") % {"placeholder": raw})


# ---------------------------------------------------------------- rendering


@dataclass
class Printed:
    """One rendered paragraph: its text, or None when it is left out, and why."""

    text: str | None
    keys: list = field(default_factory=list)  # the figures it names (printed or not)
    missing: list = field(default_factory=list)  # figures it could not show outside an optional part


class _Cannot(Exception):
    """An optional part (or the paragraph) cannot be printed whole."""


def render(text, *, context, value_of, shown):
    """Print `text`. `context` maps the context names to text; `value_of(placeholder)` returns the figure's
    raw value (None when it cannot be shown); `shown(placeholder, value)` formats it."""
    parts = parse(text)
    keys = [p.name for p in placeholders(parts) if not p.is_context]
    state = {"direct": [], "nested": [], "missing": []}
    try:
        printed = _render_parts(parts, context, value_of, shown, state, optional=False)
    except _Cannot:
        return Printed(None, keys, state["missing"])
    if keys and not any(state["direct"] + state["nested"]):
        return Printed(None, keys)  # every figure zero: nothing to report
    return Printed(printed.lstrip(LEADING_MARKS), keys)


def _render_parts(parts, context, value_of, shown, state, *, optional):
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Optional):
            out.append(_render_optional(part, context, value_of, shown, state))
        elif part.is_context:
            out.append(context[part.name])
        else:
            value = value_of(part)
            if value is None:
                if not optional:
                    state["missing"].append(part.name)
                raise _Cannot
            state["direct"].append(value)
            out.append(shown(part, value))
    return "".join(out)


def _render_optional(group, context, value_of, shown, state):
    """An optional part's text, or "" when it is left out: its own figures (not those of the parts nested in
    it, which depend on it) are all zero, or it has none and every nested part is left out, or one of its
    figures cannot be shown."""
    inner = {"direct": [], "nested": [], "missing": []}
    try:
        text = _render_parts(group.parts, context, value_of, shown, inner, optional=True)
    except _Cannot:
        return ""
    direct = [p for p in group.parts if isinstance(p, Placeholder) and not p.is_context]
    if direct and not any(inner["direct"]):
        return ""
    if not direct and any(not p.is_context for p in placeholders(group.parts)) and not any(inner["nested"]):
        return ""
    state["nested"].extend(inner["direct"] + inner["nested"])
    return text
