"""Parse one Markdown page into a :class:`~linkrec.documents.Document`.

The page is parsed with markdown-it-py (CommonMark plus GFM tables and strikethrough). On top of
markdown-it's token stream this module finds, with exact code-point offsets into the page text:

* the runs of plain text where a new link may be placed (``Document.linkable``);
* every link already written (inline, reference, definition, autolink, wikilink);
* the visible text used for indexing (``Document.body``) and the headings.

Inline tokens from markdown-it carry no source positions, so a few inline rules are wrapped to
record the range they consumed, and the remaining tokens (text, escapes, emphasis markers,
breaks) are located with a cursor over the inline content. Content offsets are then mapped back to
the page through per-line segments. Anything that cannot be located exactly is left out of
``linkable``: a missing span is acceptable, a wrong one is not.

Beyond CommonMark:

* ``[[wikilinks]]`` (Obsidian style) are links; ``![[embeds]]`` are not prose, and the embed of a
  note (``![[Note]]``, kind ``embed``) is a link to it without text;
* ``<path/page.md>`` (a relative path in angle brackets) is an autolink;
* bare URLs are not links, but are neither linkable nor body text;
* Markdown links written inside HTML blocks (which CommonMark leaves raw) are reported as links,
  except inside raw ``<script>``, ``<style>`` and ``<textarea>``; HTML blocks are never linkable;
* text inside raw HTML elements left open (``<a>``, ``<pre>``, ``<code>``, headings, table cells
  when tables are not linkable) is not linkable, even across blocks;
* site generators' links are links: a Markdown link to a Hugo ``relref``/``ref`` shortcode or a
  Jekyll ``{% link %}`` or ``{% post_url %}`` tag (kind ``ref``), and HTML ``<a href>`` elements
  (kind ``html``);
* template tags (Hugo shortcodes, Jekyll/Liquid ``{% %}`` and ``{{ }}``) and Obsidian comments
  (``%%hidden%%``, whose links are inactive) are never linkable;
* front matter is YAML between ``---`` lines or TOML between ``+++`` lines;
* MkDocs admonitions (``!!! note "Title"``, ``??? tip``) are boxes whose indented body is prose,
  and so are MkDocs Material content tabs (``=== "Tab"``, ``===! "Tab"``, ``===+ "Tab"``): a tab's
  body (the lines after the label indented by 4 spaces) is Markdown, with links, lists and code.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import itertools
import logging
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from types import SimpleNamespace
from typing import Any, NamedTuple
from urllib.parse import unquote

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib
from markdown_it import MarkdownIt, helpers
from markdown_it.helpers import parseLinkLabel
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline, autolink, backtick, html_inline, image, link
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from .analysis import UNSPACED_RE
from .documents import Document, Link, Span
from .errors import ParseError

__all__ = ["decode_page", "parse_document"]

logger = logging.getLogger(__name__)

_RANGE_KEY = "linkrec_range"
"""Key in ``Token.meta`` where the wrapped inline rules store ``(start, end, label_end)``."""
_LABEL_KEY = "linkrec_link_label"
"""Key in the parse ``env`` where the link rule's label search leaves ``(src, start, label_end)``."""

_NEWLINE_RE = re.compile(r"\r\n?|\n")
_WIKILINK_RE = re.compile(r"(?<!\\)(!?)\[\[([^\[\]\n]+)\]\]")
_PATH_AUTOLINK_RE = re.compile(r"(?<!\\)<([^<>\s\\:@]+)>")
_PATH_LIKE_RE = re.compile(r"[\w.~/-]*(?:/|\.[A-Za-z0-9]{1,10})(?:[#?][^\s<>]*)?")
_URL_RE = re.compile(r"(?<![\w/@.\\])(?:https?://|www\.)\S+", re.IGNORECASE)
_URL_TRAILING = ".,:;!?'\"*_~>"
_HTML_TAG_RE = re.compile(
    r"<(/?)(pre|code|kbd|samp|tt|var|script|style|textarea|a|td|th|tr|table|h[1-6])(?=[\s/>])"
    r"[^<>]*>",
    re.IGNORECASE,
)
_HTML_BLOCK_LINK_RE = re.compile(r"\]\(|\]\[|\[\[|<a\s", re.IGNORECASE)
_EXTRA_LINK_RE = re.compile(
    r"\[(?P<text>[^\[\]\n]*)\]\(\s*(?:\{\{\s*site\.baseurl\s*\}\})?"
    r"(?:\{\{[<%]\s*(?:rel)?ref\s+\"?(?P<ref>[^\"\s>%]+)\"?\s*[>%]\}\}"
    r"|\{%\s*(?P<tag>link|post_url)\s+(?P<link>[^\s%]+)\s*%\})\s*\)"
    r"|\[(?P<btext>[^\[\]\n]*)\]\(\s*\{\{\s*site\.(?:baseurl|url)\s*\}\}(?P<bpath>[^\s()]*)\s*\)"
    r"|\[(?P<utext>[^\[\]\n]*)\]\(\s*\{\{\s*(?P<uq>[\"'])(?P<upath>[^\"'{}]*)(?P=uq)\s*\|\s*(?:relative|absolute)_url\s*\}\}\s*\)"
    r"|<a\s[^<>]{0,2000}?(?<![\w-])href\s*=\s*(?P<q>[\"'])(?P<href>[^\"'<>]*)(?P=q)[^<>]*>(?P<atext>[^<]*)</a\s*>"
    r"|<Link\s[^<>]{0,2000}?(?<![\w-])(?:to|href)\s*=\s*(?P<lq>[\"'])(?P<lhref>[^\"'<>]*)(?P=lq)[^<>]*>(?P<ltext>[^<]*)"
    r"</Link\s*>"
    r"|\{doc\}`(?:(?P<doctext>[^`<]*)<(?P<docpath>[^`<>]+)>|(?P<docbare>[^`<>]+))`"
    r"|\{(?P<role>ref|numref|term)\}`(?:(?P<rtext>[^`<]*)<(?P<rlabel>[^`<>]+)>|(?P<rbare>[^`<>]+))`",
    re.IGNORECASE)
"""Links that CommonMark does not see: a Markdown link whose destination is a Hugo ``ref`` /
``relref`` shortcode or a Jekyll ``{% link %}`` or ``{% post_url %}`` tag, an HTML ``<a href>``
element, a JSX ``<Link to>`` (Docusaurus, in MDX), and MyST roles (``{doc}`path```,
``{ref}`text <label>```, ``{term}`Name```)."""
_MYST_TARGET_RE = re.compile(r"^\(([^()\n]+)\)=[ \t]*$", re.MULTILINE)
"""A MyST target line, ``(label)=``."""
_MYST_NAME_RE = re.compile(r"^:name:[ \t]*(\S+)[ \t]*$", re.MULTILINE)
"""A MyST directive's ``:name:`` option (the label ``{numref}`` points at)."""
_EXTRA_LINK_HINT_RE = re.compile(r"\{\{[<%]\s*(?:rel)?ref\s|\{%\s*(?:link|post_url)\s|\{\{\s*site\.|_url\s*\}\}"
                                 r"|<a\s|<link\s|\{(?:doc|ref|numref|term)\}`",
                                 re.IGNORECASE)
_COMMENT_RE = re.compile(r"^[ \t]*%%[ \t]*\n[\s\S]*?\n[ \t]*%%[ \t]*$"  # %% lines around a block
                         r"|(?<![\w%`])%%(?=[^\s%`])[^%\n]*(?<=[^\s%`])%%(?![\w%`])", re.MULTILINE)  # on one line
"""An Obsidian comment (``%%hidden%%``, on one line or several): never linkable, its links inactive."""
_HIDDEN_SYNTAX: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("{", re.compile("|".join((
        r"\[[^\[\]\n]*\]\([ \t]*\{[{%][^\n]*?[}%]\}[^\s()]*[ \t]*\)",  # a link to a template tag, [a]({{ x }}/b)
        r"\{\{[^{}]*\}\}|\{%[^{}]*%\}",  # Hugo shortcodes, Jekyll/Liquid tags and output
        r"\{[a-zA-Z][\w:-]*\}(?=`)",  # a MyST role's name, {ref}`label`
        r"\{[ \t]*[:.#][^{}\n]*\}|\{[^{}\n]*=[^{}\n]*\}",  # an attribute list, { .class title="x" }
    )))),
    ("[^", re.compile(r"\[\^[^\]\n]*\]")),  # a footnote reference or a footnote definition's label
    ("#", re.compile(r"(?<!\S)#(?=[\w/-]*[^\W\d_])[\w/-]+")),  # an Obsidian tag, #roasting or #coffee/espresso
    ("[!", re.compile(r"^[ \t]*(?:(?:[-*+]|\d+[.)])[ \t]+)?(?:>[ \t]*)+\[![\w-]+\][+-]?.*$",
                      re.MULTILINE)),  # an Obsidian callout's line, > [!tip] Title (also in a list item)
    ("$", re.compile(r"^[ \t]*\$\$[ \t]*\n[\s\S]*?\n[ \t]*\$\$[ \t]*$"  # display math on lines of its own
                     r"|\$\$(?=\S)[^$\n]*?(?<=\S)\$\$"  # display math in a line
                     r"|\$(?=[^\s$])[^$\n]*?(?<=[^\s$\\])\$(?!\d)", re.MULTILINE)),  # inline math, Pandoc's rule
    ("", re.compile("|".join((  # whole lines (or blocks) of their own
        r"^[ \t]*(?:\([^()\n]+\)=[ \t]*$"  # a MyST target, (label)=
        r"|\*\[[^\]\n]+\]:.*$"  # an abbreviation definition, *[HTML]: ...
        r"|(?:!!!|\?\?\?\+?)[ \t].*$"  # an admonition's title line, !!! note "Title"
        r"|===[!+]{0,2}[ \t]+[\"'].*$"  # a content tab's label, === "Tab" (===! "Tab", ===+ "Tab")
        r"|:::.*$"  # a colon fence line (MyST, Docusaurus, Pandoc), :::tip Title
        r"|;?--8<--.*$)",  # a snippet inclusion (MkDocs' pymdownx.snippets), --8<-- "footer.md"
        r"^(?:import[ \t](?:[^\"'\n]|\n(?![ \t]*\n))*?[\"']"  # (over lines: import {\n  A,\n} from "x")
        r"|export[ \t]+(?:const|let|var|function|default|class|async|\{)).*(?:\n(?![ \t]*\n).*)*",  # MDX ESM
    )), re.MULTILINE)),
)
"""Syntax that a link inside would break, or that readers never see as prose, each with a string
that a page must hold for the pattern to be worth running: template tags that static-site
generators expand (Hugo shortcodes ``{{< figure ... >}}``, Jekyll/Liquid ``{% include x.html %}``
and ``{{ site.url }}``), footnote labels, math, MyST roles' names and targets, abbreviation
definitions, admonition, tab, colon-fence and Obsidian callout title lines, Obsidian tags
(``#tag``), attribute lists, and MDX ``import``/``export`` blocks. Their text is never linkable."""
_EXPRESSION_RE = re.compile(r"\{[^{}\n]*\}")
"""A braced ``{expression}`` of an MDX page: JavaScript, never linkable."""
_LIQUID_LINK_RE = re.compile(r"\[([^\[\]\n]*)\]\([ \t]*\{(?:\{\s*(?:site\.|[\"'])|%)[^\n]*?[}%]\}[^\s()]*[ \t]*\)")
"""A Markdown link to a Jekyll/Liquid destination, which CommonMark leaves as text: only its text
is indexed (not "site.baseurl" or "relative_url")."""
_HEADING_ATTRS_RE = re.compile(r"[ \t]*\{[ \t]*:?[ \t]*[#.][^{}]*\}[ \t]*$")
"""An attribute list ending a heading, ``# Setup { #setup }`` (MkDocs, Pandoc, kramdown): not part
of the title a page takes from its H1. (It stays in the heading's indexed text: its id mostly
repeats the heading's words, and leaving it out of Kubernetes' 1,330 headings moved eval's
figures there by noise, MRR 0.900 -> 0.889, anchor accuracy 0.778 -> 0.772.)"""
_ESM_RE = re.compile(r"import[ \t][\s\S]*[\"'][ \t]*;?[ \t]*$|export[ \t]+(?:const|let|var|function|default|class|async|\{)")
"""A paragraph of an MDX page that is JavaScript (``import``/``export``): not indexed."""
_MDX_HINT_RE = re.compile(r"^(?:import|export)[ \t]|<[A-Z][A-Za-z0-9.]*[\s/>]", re.MULTILINE)
"""What makes a page MDX besides its ``.mdx`` extension (Docusaurus reads ``.md`` pages as MDX
too): an ``import``/``export`` line or a JSX component (``<Tabs>``)."""
_TRUE_WORDS = frozenset({"true", "yes", "on", "1", "y"})
_INLINE_MARKUP_TYPES = frozenset(
    {"em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"}
)

# Piece kinds.
_TEXT = 0  # a text token: its content is exactly the source
_SPECIAL = 1  # an escape or entity: visible, but not written as it is seen
_CODE = 2  # inline code: visible, never body or linkable
_ALT = 3  # image alt text
_BREAK = 4  # soft or hard line break

# Piece contexts.
_PLAIN = 0
_IN_LINK = 1  # inside a Markdown link's text
_IN_HTML = 2  # inside raw HTML that takes no new link: <a>, <h1>..<h6>, (<td>, <th>)
_HIDDEN = 3  # inside raw HTML code-like elements (<pre>, <code>, <kbd>, ...)
_RAW = 4  # inside raw <script>, <style> or <textarea>: not even links count there

# Block roles of an inline token.
_PARAGRAPH = 0
_HEADING = 1
_CELL = 2
_RAW_HTML = 3  # an HTML block: only its Markdown-looking links are collected

_InlineRule = Callable[[StateInline, bool], bool]


class _Piece(NamedTuple):
    """One visible item of an inline token, located in content coordinates (-1 if unknown)."""

    start: int
    end: int
    text: str
    kind: int
    ctx: int


class _RawLink(NamedTuple):
    """A link found in an inline token, in content coordinates (-1 when not located)."""

    kind: str
    target: str
    text: str
    start: int
    end: int
    text_start: int
    text_end: int


class _Cut(NamedTuple):
    """A content range removed from linkable text and replaced in body / heading text."""

    start: int
    end: int
    body: str
    heading: str


class _Segment(NamedTuple):
    """``content[cstart:cend]`` equals ``text[sstart:sstart + cend - cstart]`` on line ``line``."""

    cstart: int
    cend: int
    sstart: int
    line: int


class _Lines:
    """Start and end offsets of every source line; ends exclude the line break."""

    __slots__ = ("ends", "starts")

    def __init__(self, text: str) -> None:
        if "\r" not in text:  # the common case, from line lengths
            sizes = [len(line) + 1 for line in text.split("\n")]
            starts = [0, *itertools.accumulate(sizes)]
            starts.pop()
            ends = [start + size - 1 for start, size in zip(starts, sizes)]
        else:
            starts = [0]
            ends = []
            for match in _NEWLINE_RE.finditer(text):
                ends.append(match.start())
                starts.append(match.end())
            ends.append(len(text))
        self.starts = starts
        self.ends = ends

    def __len__(self) -> int:
        """Return the number of lines."""
        return len(self.starts)


class _HtmlState:
    """Raw HTML elements left open by HTML blocks and inline HTML, across the whole page."""

    __slots__ = ("cell", "code", "heading", "link", "raw", "tables_linkable")

    def __init__(self, tables_linkable: bool) -> None:
        self.tables_linkable = tables_linkable
        self.code = 0
        self.raw = 0
        self.link = 0
        self.cell = 0
        self.heading = 0

    def context(self) -> int:
        """Return the piece context implied by the open raw HTML elements."""
        if self.raw:
            return _RAW
        if self.code:
            return _HIDDEN
        if self.link or self.heading or (self.cell and not self.tables_linkable):
            return _IN_HTML
        return _PLAIN

    def update(self, html: str) -> None:
        """Account for the tags of a raw HTML fragment."""
        if "<" not in html:
            return
        for match in _HTML_TAG_RE.finditer(html):
            name = match.group(2).lower()
            if match.group(0).endswith("/>"):
                continue
            step = -1 if match.group(1) else 1
            if name in ("table", "tr"):
                self.cell = 0  # cells are often left unclosed
            elif name == "a":
                self.link = max(self.link + step, 0)
            elif name in ("td", "th"):
                self.cell = max(self.cell + step, 0)
            elif name[0] == "h":
                self.heading = max(self.heading + step, 0)
            elif name in ("script", "style", "textarea"):
                self.raw = max(self.raw + step, 0)
            else:
                self.code = max(self.code + step, 0)


class _Options(OptionsDict):
    """markdown-it's options with a plain-dict ``get``: the parser reads an option for nearly
    every token, and the generic ``Mapping.get`` costs a few percent of a page's parse. Only for a
    parser whose options are final (nothing sets them afterwards)."""

    def __init__(self, options: OptionsDict) -> None:
        super().__init__(dict(options))  # type: ignore[arg-type]
        self._plain: dict[str, Any] = dict(options)

    def get(self, key: str, default: Any = None) -> Any:
        """The option ``key``, or ``default``."""
        return self._plain.get(key, default)


class _Parser(MarkdownIt):
    """markdown-it that keeps destinations exactly as written and accepts every scheme."""

    def validateLink(self, url: str) -> bool:  # noqa: N802 - markdown-it API name
        """Accept every destination: links are reported, never rendered."""
        return True

    def normalizeLink(self, url: str) -> str:  # noqa: N802 - markdown-it API name
        """Keep the destination as written (escapes and entities already resolved)."""
        return url

    def normalizeLinkText(self, link: str) -> str:  # noqa: N802 - markdown-it API name
        """Keep autolink text as written."""
        return link


def _tracked(
    rule: _InlineRule, trigger: str, token_type: str, with_label: bool
) -> _InlineRule:
    """Wrap an inline rule (that starts at ``trigger``) so its token records its content range."""

    def run(state: StateInline, silent: bool) -> bool:
        """Run the wrapped rule and annotate the token it pushed."""
        start = state.pos
        if state.src[start] != trigger:
            return False
        count = len(state.tokens)
        if not rule(state, silent):
            return False
        if not silent:
            end = state.pos
            tokens = state.tokens
            for index in range(count, len(tokens)):
                token = tokens[index]
                if token.type == token_type:
                    label_end = _label_end(state, start) if with_label else -1
                    token.meta[_RANGE_KEY] = (start, end, label_end)
                    break
        return True

    return run


def _recording_link_label(state: StateInline, start: int, disableNested: bool = False) -> int:  # noqa: N803
    """markdown-it's ``parseLinkLabel``, remembering in ``state.env`` the label the link rule found."""
    end = parseLinkLabel(state, start, disableNested)
    if disableNested:  # the link rule's own call, at the opening bracket
        state.env[_LABEL_KEY] = (state.src, start, end)
    return end


def _label_end(state: StateInline, start: int) -> int:
    """Where the label of the link opened at ``start`` ends: what the link rule just found (or
    found again, when a nested rule has recorded its own label since)."""
    found = state.env.get(_LABEL_KEY)
    if found is not None and found[0] is state.src and found[1] == start:
        return int(found[2])
    return parseLinkLabel(state, start, True)


_TAB_LABEL_RE = re.compile(r'(===[!+]{0,2})[ \t]+"(.*)"[ \t]*$')
"""A content tab's label line (pymdownx.tabbed): ``=== "Label"``; ``===!`` starts a new set of tabs,
``===+`` selects the tab. The label is double-quoted."""
_TAB_INDENT = 4
"""How much deeper than the block holding it (the page, a list item, ...) a content tab's body is
indented (Python-Markdown's tab length)."""


def _content_tab(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Block rule for a content tab of MkDocs Material (pymdownx.tabbed), modelled on
    mdit-py-plugins' ``admon``: a label line ``=== "Label"`` and the lines after it that are blank
    or indented 4 columns deeper than the block holding the tab, which are parsed as Markdown
    (prose, lists, links; deeper indented or fenced code stays code). A non-blank line indented less ends the tab, and no
    paragraph of the body continues past it. Tokens: ``content_tab_open`` (``info`` holds the
    label, ``markup`` the marker), the body's tokens, ``content_tab_close``. A line of ``=`` alone
    (a setext heading's underline) is never a tab: the label is required."""
    if state.is_code_block(start_line):
        return False
    pos = state.bMarks[start_line] + state.tShift[start_line]
    maximum = state.eMarks[start_line]
    if not state.src.startswith("===", pos, maximum):  # the quick test that rejects nearly every line
        return False
    match = _TAB_LABEL_RE.match(state.src, pos, maximum)
    if match is None:
        return False
    if silent:
        return True
    indent = state.blkIndent + _TAB_INDENT
    next_line = start_line + 1
    while next_line < end_line and (state.isEmpty(next_line) or state.sCount[next_line] >= indent):
        next_line += 1
    while next_line > start_line + 1 and state.isEmpty(next_line - 1):  # trailing blank lines: not the tab's
        next_line -= 1

    old_parent, old_line_max, old_indent = state.parentType, state.lineMax, state.blkIndent
    state.parentType = "content_tab"
    state.lineMax = next_line  # no lazy continuation past the body
    state.blkIndent = indent

    token = state.push("content_tab_open", "div", 1)
    token.markup = match.group(1)
    token.block = True
    token.info = match.group(2)
    token.map = [start_line, next_line]
    state.md.block.tokenize(state, start_line + 1, next_line)
    token = state.push("content_tab_close", "div", -1)
    token.markup = match.group(1)
    token.block = True

    state.parentType, state.lineMax, state.blkIndent = old_parent, old_line_max, old_indent
    state.line = next_line
    return True


@functools.lru_cache(maxsize=2)
def _markdown(mdx: bool = False) -> MarkdownIt:
    """Build (once) the markdown-it parser used for every page; for ``mdx`` pages without indented
    code blocks, as MDX 2 and later read them (prose indented inside ``<TabItem>`` is prose)."""
    md = _Parser("commonmark", {"inline_definitions": True})
    md.helpers = SimpleNamespace(parseLinkLabel=_recording_link_label,
                                 parseLinkDestination=helpers.parseLinkDestination,
                                 parseLinkTitle=helpers.parseLinkTitle)
    md.enable(["table", "strikethrough"])
    from mdit_py_plugins.admon import admon_plugin

    md.use(admon_plugin)  # MkDocs / Python-Markdown "!!! note" and "??? tip" boxes: their indented body is prose
    md.block.ruler.before("fence", "content_tab", _content_tab,  # MkDocs Material '=== "Tab"': the same
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    # Keep escapes and entities as separate ``text_special`` tokens so text tokens stay literal.
    md.disable("text_join")
    ruler = md.inline.ruler
    ruler.at("link", _tracked(link, "[", "link_open", True))
    ruler.at("image", _tracked(image, "!", "image", False))
    ruler.at("autolink", _tracked(autolink, "<", "link_open", False))
    ruler.at("backticks", _tracked(backtick, "`", "code_inline", False))
    ruler.at("html_inline", _tracked(html_inline, "<", "html_inline", False))
    md.options = _Options(md.options)
    if mdx:
        md.disable("code")
    return md


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def decode_page(data: bytes, path: str) -> str:
    """Decode the bytes of a page as UTF-8 text.

    Parameters
    ----------
    data : bytes
        The raw file content.
    path : str
        The page path, used in error messages.

    Returns
    -------
    str
        The text with a leading byte-order mark removed; newlines are not translated.

    Raises
    ------
    ParseError
        If the data contains NUL bytes (a binary file) or is not valid UTF-8.
    """
    if b"\x00" in data:
        raise ParseError(f"{path}: binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"{path}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def parse_document(text: str, path: str, *, tables_linkable: bool = False,
                   headings_linkable: bool = False, placements: bool = True) -> Document:
    """Parse one Markdown page.

    Parameters
    ----------
    text : str
        The page text (as returned by :func:`decode_page`; a leading BOM is removed).
    path : str
        The page path (``/`` separated); its file name is the title of last resort.
    tables_linkable : bool, optional
        Whether plain text in table cells may receive new links (default ``False``).
    headings_linkable : bool, optional
        Whether plain text in Markdown headings may receive new links (default ``False``).
    placements : bool, optional
        Whether to locate where new links may go (``Document.linkable`` and ``wrappable``;
        default ``True``). Indexing needs only the text and the links: without placements both
        are empty and the page parses faster; everything else is the same.

    Returns
    -------
    Document
        The parsed page. Offsets in ``linkable`` and ``links`` index ``Document.text``.

    Notes
    -----
    Never raises for any string: problems (broken front matter, ...) are reported in
    ``Document.warnings``.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = _Lines(text)
    warnings: list[str] = []
    first_body_line, meta = _front_matter(text, lines, warnings)
    body_start = lines.starts[first_body_line] if first_body_line < len(lines) else len(text)

    try:
        analysis = _Analyser(text, lines, first_body_line, tables_linkable, headings_linkable,
                             placements, mdx=path.lower().endswith(".mdx")).run(body_start)
    except Exception as exc:  # pragma: no cover - safety net for the never-raise contract
        logger.debug("cannot analyse %s", path, exc_info=True)
        warnings.append(f"internal error while parsing Markdown ({type(exc).__name__}); "
                        "page body not indexed")
        analysis = _Analysis((), "", "", (), ())

    title = _meta_title(meta, warnings) or analysis.h1 or _file_stem(path)
    keywords = _unique(
        _string_list(meta.get("keywords"), "keywords", warnings, split_commas=True)
        + _string_list(meta.get("tags"), "tags", warnings, split_commas=True)
    )
    aliases = _unique(_string_list(meta.get("aliases"), "aliases", warnings, split_commas=False))
    return Document(
        path=path,
        text=text,
        title=title,
        aliases=tuple(a for a in aliases if not a.startswith("/")),
        redirects=tuple(a for a in aliases if a.startswith("/")),
        keywords=keywords,
        url=_meta_url(meta),
        draft=_meta_bool(meta.get("draft")),
        headings=analysis.headings,
        body=analysis.body,
        linkable=analysis.linkable,
        wrappable=analysis.wrappable,
        links=analysis.links,
        labels=analysis.labels,
        warnings=tuple(warnings),
        meta=meta,
    )


# ---------------------------------------------------------------------------------------------
# Front matter
# ---------------------------------------------------------------------------------------------


def _front_matter(text: str, lines: _Lines, warnings: list[str]) -> tuple[int, dict[str, object]]:
    """Find and parse the front matter (YAML between ``---`` lines, or TOML between ``+++``
    lines as Hugo writes it); return the first body line and the mapping."""
    fence = text[lines.starts[0] : lines.ends[0]].rstrip(" \t") if len(lines) else ""
    if fence not in ("---", "+++"):
        return 0, {}
    closers = ("---", "...") if fence == "---" else ("+++",)
    close = -1
    for index in range(1, len(lines)):
        if text[lines.starts[index] : lines.ends[index]].rstrip(" \t") in closers:
            close = index
            break
    if close < 0:
        if len(lines) > 1:
            warnings.append("front matter opened on line 1 is never closed; read as Markdown")
        return 0, {}
    source = text[lines.starts[1] : lines.starts[close]]
    if fence == "+++":
        try:
            return close + 1, dict(tomllib.loads(source))
        except tomllib.TOMLDecodeError as exc:
            where = re.sub(r"line (\d+)", lambda m: f"line {int(m.group(1)) + 1}", str(exc))  # lines of the file
            warnings.append(f"front matter is not valid TOML ({where}); ignored")
            return close + 1, {}
    try:
        loaded = yaml.load(source, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 2}: " if mark is not None else ""
        problem = exc.problem or exc.context or "syntax error"
        warnings.append(f"front matter is not valid YAML ({where}{problem}); ignored")
        return close + 1, {}
    except Exception as exc:  # noqa: BLE001 - e.g. ValueError for an impossible date
        warnings.append(f"front matter is not valid YAML ({exc}); ignored")
        return close + 1, {}
    if loaded is None:
        return close + 1, {}
    if not isinstance(loaded, dict):
        warnings.append(
            f"front matter is not a YAML mapping (found {type(loaded).__name__}); ignored"
        )
        return close + 1, {}
    return close + 1, {str(key): value for key, value in loaded.items()}


_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _scalar(value: object) -> str | None:
    """Return a front matter scalar as a stripped string, None for non-scalars."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float, datetime.date)):  # bool is an int
        return str(value)
    return None


def _meta_title(meta: dict[str, object], warnings: list[str]) -> str:
    """Return the front matter title, or '' when absent or unusable."""
    if "title" not in meta or meta["title"] is None:
        return ""
    title = _scalar(meta["title"])
    if title is None:
        warnings.append("front matter 'title' is not a string; ignored")
        return ""
    return " ".join(title.split())


def _string_list(
    value: object, key: str, warnings: list[str], *, split_commas: bool
) -> tuple[str, ...]:
    """Return a front matter string-or-list value as non-empty stripped strings."""
    if value is None:
        return ()
    items: list[object]
    if isinstance(value, (list, tuple)):
        items = list(value)
    else:
        single = _scalar(value)
        if single is None:
            warnings.append(f"front matter '{key}' is neither a string nor a list; ignored")
            return ()
        items = list(single.split(",")) if split_commas else [single]
    result: list[str] = []
    for item in items:
        string = _scalar(item)
        if string:
            result.append(string)
    return tuple(result)


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    """Remove duplicates, keeping the first occurrence."""
    return tuple(dict.fromkeys(items))


def _meta_url(meta: dict[str, object]) -> str | None:
    """Return the first non-empty of ``url``, ``permalink``, ``slug``."""
    for key in ("url", "permalink", "slug"):
        value = _scalar(meta.get(key))
        if value:
            return value
    return None


def _meta_bool(value: object) -> bool:
    """Interpret a front matter flag (``true``, ``"yes"``, 1, ...)."""
    if isinstance(value, str):
        return value.strip().lower() in _TRUE_WORDS
    if isinstance(value, (bool, int, float)):
        return bool(value)
    return False


def _file_stem(path: str) -> str:
    """Return the last path component without its extension."""
    name = re.split(r"[/\\]", path.rstrip("/\\"))[-1]
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name or path


# ---------------------------------------------------------------------------------------------
# Markdown analysis
# ---------------------------------------------------------------------------------------------


def _extra_links(content: str, pieces: Sequence[_Piece], found: Sequence[_RawLink]) -> list[_RawLink]:
    """The links of :data:`_EXTRA_LINK_RE` in an inline token's ``content``, outside inline code
    and the links already ``found``."""
    taken = [(p.start, p.end) for p in pieces if p.kind == _CODE and p.start >= 0]
    taken += [(r.start, r.end) for r in found if r.start >= 0]
    out: list[_RawLink] = []
    for m in _EXTRA_LINK_RE.finditer(content):
        label = m.group("rlabel") or m.group("rbare")
        path = m.group("docpath") or m.group("docbare")
        if label or path:  # a MyST role: its argument is itself inline code, only its name must be outside
            if any(s <= m.start() < e for s, e in taken):
                continue
        elif any(s < m.end() and m.start() < e for s, e in taken):
            continue
        if label:
            name = " ".join(label.split()).lower()
            kind, target = "label", f"term:{name}" if m.group("role").lower() == "term" else name
            group = "rtext" if m.group("rlabel") else "rbare"
        elif path:
            kind, target, group = "ref", _decode(path.strip()), "doctext" if m.group("docpath") else "docbare"
        elif m.group("href") is not None:
            kind, target, group = "html", _decode(m.group("href").strip()), "atext"
        elif m.group("bpath") is not None:  # Jekyll: [text]({{ site.baseurl }}/about/)
            kind, target, group = "inline", _decode(m.group("bpath")) or "/", "btext"
        elif m.group("upath") is not None:  # Jekyll: [text]({{ "/about/" | relative_url }})
            kind, target, group = "inline", _decode(m.group("upath")), "utext"
        elif m.group("lhref") is not None:
            kind, target, group = "html", _decode(m.group("lhref").strip()), "ltext"
        elif m.group("link") and m.group("tag").lower() == "post_url":  # Jekyll: a post's file name
            kind, target, group = "ref", _decode(m.group("link")).strip("/"), "text"
        elif m.group("link"):  # Jekyll: a path from the site root
            kind, target, group = "ref", "/" + _decode(m.group("link")).lstrip("/"), "text"
        else:
            kind, target, group = "ref", _decode(m.group("ref")), "text"
        shown = m.group(group).rstrip()
        out.append(_RawLink(kind, target, shown, m.start(), m.end(), m.start(group), m.start(group) + len(shown)))
    return out


def _outside_code(matches: Iterator[re.Match[str]], code: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ``(start, end)`` of the matches that do not start inside ``code`` (sorted ranges of code
    blocks and inline code spans): a ``%%`` or ``$$`` in code opens nothing."""
    starts = [s for s, _ in code]
    out = []
    for m in matches:
        k = bisect.bisect_right(starts, m.start()) - 1
        if k < 0 or m.start() >= code[k][1]:
            out.append((m.start(), m.end()))
    return out


def _outside(spans: list[Span], regions: list[tuple[int, int]]) -> list[Span]:
    """The parts of the sorted, disjoint ``spans`` outside every one of the sorted ``regions``."""
    if not regions:
        return spans
    out: list[Span] = []
    k = 0
    for span in spans:
        start = span.start
        while k < len(regions) and regions[k][1] <= start:
            k += 1
        j = k
        while j < len(regions) and regions[j][0] < span.end:
            if regions[j][0] > start:
                out.append(Span(start, regions[j][0]))
            start = max(start, regions[j][1])
            j += 1
        if start < span.end:
            out.append(span if start == span.start else Span(start, span.end))
    return out


class _Analysis(NamedTuple):
    """What the Markdown body contributes to a Document."""

    headings: tuple[str, ...]
    h1: str
    body: str
    linkable: tuple[Span, ...]
    links: tuple[Link, ...]
    wrappable: tuple[Span, ...] = ()
    labels: tuple[str, ...] = ()


class _Analyser:
    """Walk markdown-it's tokens for one page and collect spans, links and text."""

    def __init__(self, text: str, lines: _Lines, line_offset: int, tables_linkable: bool,
                 headings_linkable: bool = False, placements: bool = True, mdx: bool = False) -> None:
        self.text = text
        self.mdx = mdx
        """An ``.mdx`` page (see :data:`_EXPRESSION_RE`)."""
        self.placements = placements
        """Whether to collect linkable and wrappable spans (not needed to index a page)."""
        self.lines = lines
        self.line_offset = line_offset
        self.tables_linkable = tables_linkable
        self.headings_linkable = headings_linkable
        self.headings: list[str] = []
        self.labels: list[str] = []
        self.code_blocks: list[tuple[int, int]] = []
        """Where fenced and indented code blocks stand (text offsets)."""
        self.h1 = ""
        self.blocks: list[str] = []
        self.spans: list[Span] = []
        self.code_spans: list[Span] = []
        self.links: list[Link] = []
        self.html = _HtmlState(tables_linkable)

    def run(self, body_start: int) -> _Analysis:
        """Parse the body (``text[body_start:]``) and collect everything."""
        env: dict[str, object] = {}
        tokens = _markdown(self.mdx).parse(self.text[body_start:], env)
        row_parts: list[str] = []
        row_cursor = -1
        previous: Token | None = None
        for token in tokens:
            kind = token.type
            if kind == "inline" and "(" in token.content and ")=" in token.content and previous is not None \
                    and previous.type == "paragraph_open":
                self.labels.extend(" ".join(t.split()).lower() for t in _MYST_TARGET_RE.findall(token.content))
            if kind in ("fence", "code_block") and token.map is not None:
                first, last = self._source_line(token.map[0]), self._source_line(token.map[1]) - 1
                if first < len(self.lines):
                    self.code_blocks.append((self.lines.starts[first], self.lines.ends[min(last, len(self.lines) - 1)]))
                if kind == "fence" and token.info.startswith("{"):  # a MyST directive: its :name: is a label,
                    self.labels.extend(n.lower() for n in _MYST_NAME_RE.findall(token.content))
                    if token.info.strip().lower().startswith("{glossary}"):  # and a glossary's lines are terms
                        self.labels.extend("term:" + " ".join(line.split()).lower()
                                           for line in token.content.split("\n")
                                           if line.strip() and not line[0].isspace() and not line.startswith(":"))
            if kind == "inline":
                if previous is not None and token.children and token.map is not None:
                    opener = previous.type
                    if opener == "heading_open":
                        text = self._inline(token, token.children, _HEADING, -1)[0]
                        self.headings.append(text)
                        if previous.tag == "h1" and not self.h1:
                            self.h1 = _HEADING_ATTRS_RE.sub("", text) if "{" in text else text
                    elif opener in ("td_open", "th_open"):
                        text, row_cursor = self._inline(token, token.children, _CELL, row_cursor)
                        if text:
                            row_parts.append(text)
                    else:
                        text = self._inline(token, token.children, _PARAGRAPH, -1)[0]
                        if text and self.mdx:  # JavaScript is no text: import/export, {expressions}
                            text = "" if _ESM_RE.match(token.content) else _EXPRESSION_RE.sub(" ", text).strip()
                        if "]({" in text or "]( {" in text:
                            text = _LIQUID_LINK_RE.sub(r"\1", text)
                        if text:
                            self.blocks.append(text)
            elif kind == "tr_open":
                row_parts = []
                line = self._source_line(token.map[0]) if token.map else -1
                row_cursor = self.lines.starts[line] if 0 <= line < len(self.lines) else -1
            elif kind == "tr_close":
                if row_parts:
                    self.blocks.append(" ".join(row_parts))
                row_parts = []
            elif kind == "definition":
                self._definition(token)
            elif kind == "html_block":
                if token.map is not None and _HTML_BLOCK_LINK_RE.search(token.content):
                    # Markdown is not parsed inside HTML blocks, but authors (and converters)
                    # often write Markdown links there: collect them, never as linkable text.
                    children = _markdown().parseInline(token.content, env)[0].children or []
                    self._inline(token, children, _RAW_HTML, -1)
                else:
                    self.html.update(token.content)
            previous = token

        links = sorted(self.links, key=lambda item: (item.span.start, item.span.end))
        if any(lk.kind == "definition" for lk in links):
            # A definition is a link only where a reference uses it (the first of a label wins, so
            # a later duplicate is never used): an unused one links nothing on the rendered page.
            used = {lk.target for lk in links if lk.kind == "reference"}
            links = [lk for lk in links if lk.kind != "definition" or lk.target in used]
        code = sorted([*self.code_blocks, *((c.start, c.end) for c in self.code_spans)])
        hidden: list[tuple[int, int]] = []
        # The line-based patterns below see the text with LF line ends only: a CRLF's CR as a
        # space, a lone CR (old Mac files) as LF, one character for one so that offsets hold.
        scan = self.text.replace("\r\n", " \n").replace("\r", "\n") if "\r" in self.text else self.text
        if "%%" in scan:  # Obsidian comments: hidden text, its links inactive
            hidden = _outside_code(_COMMENT_RE.finditer(scan, body_start), code)
            links = [lk for lk in links if not any(s <= lk.span.start and lk.span.end <= e for s, e in hidden)]
        if not self.placements:
            return _Analysis(tuple(self.headings), self.h1, "\n\n".join(self.blocks), (), tuple(links),
                             labels=tuple(dict.fromkeys(self.labels)))
        # Safety net: keep spans sorted, disjoint and clear of every link (spans of links that
        # could not be mapped exactly are widened to whole lines).
        spans = sorted(self.spans, key=lambda span: (span.start, span.end))
        disjoint: list[Span] = []
        last_end = -1
        for span in spans:
            if span.start >= last_end:
                disjoint.append(span)
                last_end = span.end
        text = self.text
        for needle, pattern in _HIDDEN_SYNTAX:
            if needle in scan:
                hidden += _outside_code(pattern.finditer(scan, body_start), code)
        if "{" in scan and (self.mdx or _MDX_HINT_RE.search(scan, body_start)):
            hidden += [(m.start(), m.end()) for m in _EXPRESSION_RE.finditer(scan, body_start)]
        blocked = sorted([(lk.span.start, lk.span.end) for lk in links] + hidden)
        linkable = [span for span in map(functools.partial(_trim_to_words, text), _outside(disjoint, blocked))
                    if span is not None and not text[span.start : span.end].isspace()]
        wrappable = tuple(sorted(
            (c for c in set(self.code_spans)
             if not any(c.start < e and s < c.end for s, e in blocked)
             and not (c.start and text[c.start - 1] == "}")),  # a MyST role's argument, {ref}`label`
            key=lambda c: (c.start, c.end),
        ))
        return _Analysis(
            headings=tuple(self.headings),
            h1=self.h1,
            body="\n\n".join(self.blocks),
            linkable=tuple(linkable),
            links=tuple(links),
            wrappable=wrappable,
            labels=tuple(dict.fromkeys(self.labels)),
        )

    def _source_line(self, parsed_line: int) -> int:
        """Convert a markdown-it line number to a 0-based source line."""
        return parsed_line + self.line_offset

    # -- one inline token ---------------------------------------------------------------------

    def _inline(
        self, token: Token, children: Sequence[Token], role: int, row_cursor: int
    ) -> tuple[str, int]:
        """Process one inline token; return its visible text and the advanced row cursor."""
        content = token.content
        assert token.map is not None
        first_line = self._source_line(token.map[0])
        if role == _CELL:
            segments, row_cursor = self._cell_segments(content, first_line, row_cursor)
        else:
            segments = self._line_segments(content, first_line, suffix_only=role != _HEADING)

        pieces, raw_links = _walk_inline(content, children, self.html, role == _RAW_HTML)
        cuts, raw_wikilinks = _find_cuts(content, pieces, with_urls=role != _HEADING or self.headings_linkable)
        raw_links.extend(raw_wikilinks)
        if _EXTRA_LINK_HINT_RE.search(content):
            raw_links.extend(_extra_links(content, pieces, raw_links))

        mapper = _Mapper(segments)
        for raw in raw_links:
            self.links.append(self._make_link(raw, mapper, content, first_line, token.map))
        if role == _RAW_HTML:
            return "", row_cursor

        parts: list[str] = []
        fragments: list[tuple[int, int]] = []
        linkable_role = self.placements and (
            role == _PARAGRAPH or (role == _CELL and self.tables_linkable)
            or (role == _HEADING and self.headings_linkable))
        seen_at: list[int] = []
        apart: list[int] = []
        _render(pieces, cuts, role == _HEADING, parts, fragments, seen_at, apart)
        shown = "".join(parts)
        if linkable_role:
            text = self.text
            if apart:
                seen = parts.copy()
                for k in apart:
                    seen[k] = " " * len(seen[k])
                shown_to_reader = "".join(seen)
            else:
                shown_to_reader = shown
            for start, end in _whole_words(shown_to_reader, fragments, seen_at):
                for span in mapper.spans(start, end):
                    if not text[span.start : span.end].isspace():
                        self.spans.append(span)
            for piece in pieces:  # whole inline code spans in plain prose: a link may wrap one
                if piece.kind == _CODE and piece.ctx == _PLAIN and piece.start >= 0:
                    span = mapper.range(piece.start, piece.end, same_line=True)
                    if span is not None and text[span.start] == "`" and text[span.end - 1] == "`":
                        self.code_spans.append(span)
        return " ".join(shown.split()), row_cursor

    def _line_segments(self, content: str, first_line: int, *, suffix_only: bool) -> list[_Segment]:
        """Map each content line to its source line (content lines are source line suffixes)."""
        text = self.text
        starts = self.lines.starts
        ends = self.lines.ends
        count = len(starts)
        segments: list[_Segment] = []
        cpos = 0
        for index, cline in enumerate(content.split("\n")):
            line = first_line + index
            if line >= count:
                break
            stripped = cline.lstrip(" \t")
            core = stripped.rstrip()
            if core:
                lstart = starts[line]
                source = text[lstart : ends[line]].rstrip()
                if source.endswith(core):
                    found = len(source) - len(core)
                elif suffix_only:
                    found = -1
                else:
                    found = source.find(core)
                if found >= 0:
                    cstart = cpos + len(cline) - len(stripped)
                    segments.append(_Segment(cstart, cstart + len(core), lstart + found, line))
            cpos += len(cline) + 1
        return segments

    def _cell_segments(
        self, content: str, line: int, cursor: int
    ) -> tuple[list[_Segment], int]:
        """Locate a table cell in its row; ``\\|`` in the source is ``|`` in the content."""
        if cursor < 0 or not content or line >= len(self.lines):
            return [], cursor
        form = content.replace("|", "\\|")
        found = self.text.find(form, cursor, self.lines.ends[line])
        if found < 0:
            return [], cursor
        segments: list[_Segment] = []
        cstart = 0
        sstart = found
        for index, part in enumerate(content.split("|")):
            if index:
                # The content's "|" sits one character later in the source, after the backslash.
                cend = cstart + 1 + len(part)
                segments.append(_Segment(cstart, cend, sstart + 1, line))
                sstart += 1 + cend - cstart
            else:
                cend = len(part)
                segments.append(_Segment(0, cend, found, line))
                sstart = found + cend
            cstart = cend
        return segments, found + len(form)

    def _make_link(
        self, raw: _RawLink, mapper: _Mapper, content: str, first_line: int, block_map: list[int]
    ) -> Link:
        """Turn a content-coordinate link into a Link over the source."""
        lines = self.lines
        last_line = len(lines) - 1
        if raw.start < 0:
            # Not located at all (should not happen): the whole block, as a best effort.
            block_end = min(self._source_line(block_map[1]) - 1, last_line)
            span = Span(lines.starts[first_line], lines.ends[max(first_line, block_end)])
            line = first_line
        else:
            # Each end is exact when it maps; otherwise widened to its whole source line.
            first = mapper.start(raw.start)
            if first is not None:
                start = first.sstart + raw.start - first.cstart
                line = first.line
            else:
                line = min(first_line + content.count("\n", 0, raw.start), last_line)
                start = lines.starts[line]
            final = mapper.end(raw.end) if raw.end > raw.start else None
            if final is not None:
                end = final.sstart + raw.end - final.cstart
            else:
                offset = max(raw.end - 1, raw.start)
                end = lines.ends[min(first_line + content.count("\n", 0, offset), last_line)]
            span = Span(start, max(start, end))
        text_span = None
        if raw.text_start >= 0 and raw.text_end > raw.text_start:
            text_span = mapper.range(raw.text_start, raw.text_end, same_line=True)
        return Link(raw.target, raw.text, raw.kind, span, text_span, line + 1)

    def _definition(self, token: Token) -> None:
        """Record a link reference definition ``[label]: destination "title"``."""
        if token.map is None:
            return
        meta = token.meta
        label = str(meta.get("label", ""))
        target = _decode(str(meta.get("url", "")))
        first = self._source_line(token.map[0])
        last = min(self._source_line(token.map[1]) - 1, len(self.lines) - 1)
        if first >= len(self.lines):
            return
        line_start = self.lines.starts[first]
        bracket = self.text.find("[", line_start, self.lines.ends[first])
        start = bracket if bracket >= 0 else line_start
        last = max(first, last)
        last_start = self.lines.starts[last]
        end = max(last_start + len(self.text[last_start : self.lines.ends[last]].rstrip()), start)
        text_span = None
        if bracket >= 0 and self.text.startswith(label + "]", bracket + 1):
            text_span = Span(bracket + 1, bracket + 1 + len(label))
        self.links.append(
            Link(target, label, "definition", Span(start, end), text_span, first + 1)
        )


class _Mapper:
    """Map content offsets of one inline token to source offsets through its segments."""

    __slots__ = ("keys", "segments")

    def __init__(self, segments: list[_Segment]) -> None:
        self.segments = segments
        self.keys = [segment.cstart for segment in segments]

    def _find(self, offset: int) -> int:
        """Return the index of the segment starting at or before ``offset`` (or -1)."""
        return bisect.bisect_right(self.keys, offset) - 1

    def start(self, offset: int) -> _Segment | None:
        """Return the segment holding the character at ``offset``."""
        index = self._find(offset)
        if index >= 0 and offset < self.segments[index].cend:
            return self.segments[index]
        return None

    def end(self, offset: int) -> _Segment | None:
        """Return the segment holding the character just before ``offset``."""
        return self.start(offset - 1)

    def range(self, start: int, end: int, *, same_line: bool) -> Span | None:
        """Map ``[start, end)``; None unless both ends are located (on one segment if asked)."""
        if start < 0 or end <= start:
            return None
        first = self.start(start)
        if first is None:
            return None
        if same_line:
            if end > first.cend:
                return None
            last = first
        else:
            found = self.end(end)
            if found is None:
                return None
            last = found
        return Span(first.sstart + start - first.cstart, last.sstart + end - last.cstart)

    def spans(self, start: int, end: int) -> list[Span]:
        """Map ``[start, end)`` to the source pieces it covers, leaving out unmapped parts."""
        result: list[Span] = []
        segments = self.segments
        index = max(self._find(start), 0)
        while index < len(segments):
            segment = segments[index]
            if segment.cstart >= end:
                break
            low = max(start, segment.cstart)
            high = min(end, segment.cend)
            if high > low:
                offset = segment.sstart - segment.cstart
                result.append(Span(low + offset, high + offset))
            index += 1
        return result


def _skip_break(content: str, pos: int) -> int:
    """Advance past a line break (trailing blanks, optional backslash, newline, indentation)."""
    size = len(content)
    while pos < size and content[pos] in " \t":
        pos += 1
    if pos < size and content[pos] == "\\":
        pos += 1
    if pos >= size or content[pos] != "\n":
        return -1
    pos += 1
    while pos < size and content[pos] in " \t":
        pos += 1
    return pos


def _plain_text(tokens: Sequence[Token] | None) -> str:
    """Return the text a reader sees in a token list (used for image alt text)."""
    if not tokens:
        return ""
    parts: list[str] = []
    for token in tokens:
        if token.type in ("text", "text_special", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(_plain_text(token.children))
    return "".join(parts)


def _walk_inline(
    content: str, children: Sequence[Token], html: _HtmlState, drop_raw_links: bool
) -> tuple[list[_Piece], list[_RawLink]]:
    """Locate an inline token's children in its content; collect visible pieces and links."""
    pieces: list[_Piece] = []
    links: list[_RawLink] = []
    pos = 0  # cursor in content; -1 while lost
    stack: list[tuple[Token, int, int]] = []  # open links: (link_open, first piece, context)
    html_ctx = html.context()
    for child in children:
        kind = child.type
        if stack and stack[-1][0].markup == "autolink" and kind != "link_close":
            continue  # autolink text: not visible prose
        ctx = html_ctx if html_ctx >= _HIDDEN or not stack else _IN_LINK
        if kind == "text":
            value = child.content
            if not value:
                continue
            if pos >= 0 and content.startswith(value, pos):
                pieces.append(_Piece(pos, pos + len(value), value, _TEXT, ctx))
                pos += len(value)
            else:
                pieces.append(_Piece(-1, -1, value, _TEXT, ctx))
                pos = -1
        elif kind == "text_special":
            markup = child.markup
            if pos >= 0 and markup and content.startswith(markup, pos):
                pieces.append(_Piece(pos, pos + len(markup), child.content, _SPECIAL, ctx))
                pos += len(markup)
            else:
                pieces.append(_Piece(-1, -1, child.content, _SPECIAL, ctx))
                pos = -1
        elif kind in ("softbreak", "hardbreak"):
            pieces.append(_Piece(-1, -1, " ", _BREAK, ctx))
            if pos >= 0:
                pos = _skip_break(content, pos)
        elif kind in _INLINE_MARKUP_TYPES:
            markup = child.markup
            if pos >= 0 and markup and content.startswith(markup, pos):
                pos += len(markup)
            else:
                pos = -1
        elif kind == "code_inline":
            located = child.meta.get(_RANGE_KEY)
            if located is not None:
                pieces.append(_Piece(located[0], located[1], child.content, _CODE, ctx))
                pos = located[1]
            else:
                pieces.append(_Piece(-1, -1, child.content, _CODE, ctx))
                pos = -1
        elif kind == "html_inline":
            located = child.meta.get(_RANGE_KEY)
            pos = located[1] if located is not None else -1
            html.update(child.content)
            html_ctx = html.context()
        elif kind == "image":
            located = child.meta.get(_RANGE_KEY)
            alt = _plain_text(child.children)
            if located is not None:
                pieces.append(_Piece(located[0], located[1], alt, _ALT, ctx))
                pos = located[1]
            else:
                pieces.append(_Piece(-1, -1, alt, _ALT, ctx))
                pos = -1
        elif kind == "link_open":
            stack.append((child, len(pieces), ctx))
            located = child.meta.get(_RANGE_KEY)
            if child.markup == "autolink":
                pos = -1
            else:
                pos = located[0] + 1 if located is not None else -1
        elif kind == "link_close":
            if not stack:
                pos = -1
                continue
            opener, first_piece, opened_in = stack.pop()
            if not (drop_raw_links and opened_in == _RAW):
                links.append(_raw_link(content, opener, pieces[first_piece:]))
            located = opener.meta.get(_RANGE_KEY)
            pos = located[1] if located is not None else -1
        else:
            pos = -1
    return pieces, links


_KEPT_ESCAPES_RE = re.compile(r"%(?:23|3[fF]|25)")


def _decode(href: str) -> str:
    """A link destination URL-decoded, except ``%23``, ``%3F`` and ``%25``: a file name's ``#`` or
    ``?`` is then never read as a fragment or query when the target is resolved (which decodes
    them), nor a ``%`` as the start of another escape.

    >>> _decode("Caf%C3%A9%20notes.md#top"), _decode("c%23sharp.md"), _decode("100%25.md")
    ('Café notes.md#top', 'c%23sharp.md', '100%25.md')
    """
    if "%" not in href:
        return href
    kept = _KEPT_ESCAPES_RE.findall(href)
    parts = _KEPT_ESCAPES_RE.split(href)
    return "".join(unquote(part) + (kept[i] if i < len(kept) else "") for i, part in enumerate(parts))


def _raw_link(content: str, opener: Token, inside: Sequence[_Piece]) -> _RawLink:
    """Describe a Markdown link or autolink from its opening token and the pieces inside it."""
    href = str(opener.attrs.get("href", ""))
    target = _decode(href)
    located = opener.meta.get(_RANGE_KEY)
    start, end, label_end = located if located is not None else (-1, -1, -1)
    if opener.markup == "autolink":
        written = content[start + 1 : end - 1] if start >= 0 else href
        return _RawLink("autolink", target, written, start, end, start + 1, end - 1)
    text = " ".join("".join(piece.text for piece in inside).split())
    kind = "reference"
    if 0 <= label_end < end - 1 and content[label_end + 1] == "(":
        kind = "inline"
    text_start = start + 1 if label_end >= 0 else -1
    return _RawLink(kind, target, text, start, end, text_start, label_end)


def _find_cuts(
    content: str, pieces: Sequence[_Piece], *, with_urls: bool
) -> tuple[list[_Cut], list[_RawLink]]:
    """Find wikilinks, path autolinks and bare URLs in runs of located text pieces."""
    cuts: list[_Cut] = []
    links: list[_RawLink] = []
    run_start = run_end = -1
    run_ctx = -1
    for piece in pieces:
        if piece.start >= 0 and piece.kind in (_TEXT, _SPECIAL) and piece.ctx < _HIDDEN:
            if piece.start == run_end and piece.ctx == run_ctx:
                run_end = piece.end
                continue
            if run_start >= 0:
                _scan_run(content, run_start, run_end, run_ctx, with_urls, cuts, links)
            run_start, run_end, run_ctx = piece.start, piece.end, piece.ctx
    if run_start >= 0:
        _scan_run(content, run_start, run_end, run_ctx, with_urls, cuts, links)
    return cuts, links  # runs are scanned in order, so cuts are sorted


def _scan_run(
    content: str,
    start: int,
    end: int,
    ctx: int,
    with_urls: bool,
    cuts: list[_Cut],
    links: list[_RawLink],
) -> None:
    """Find the wikilinks, path autolinks and bare URLs of one run of text."""
    run = content[start:end]
    found = _CutSet()
    if ctx in (_PLAIN, _IN_HTML) and "[[" in run:
        for match in _WIKILINK_RE.finditer(run):
            wiki = _wikilink(match, start)
            if wiki is not None:
                found.add(wiki[0])
                if wiki[1] is not None:
                    links.append(wiki[1])
    if ctx in (_PLAIN, _IN_HTML) and "<" in run:
        for match in _PATH_AUTOLINK_RE.finditer(run):
            written = match.group(1)
            cut = _Cut(start + match.start(), start + match.end(), "", written)
            if _PATH_LIKE_RE.fullmatch(written) and found.add(cut):
                links.append(
                    _RawLink(
                        "autolink", _decode(written), written, cut.start, cut.end,
                        cut.start + 1, cut.end - 1,
                    )
                )
    if with_urls and ("://" in run or "www." in run.lower()):
        for match in _URL_RE.finditer(run):
            url = _trim_url(match.group(0))
            if len(url) > 4:
                found.add(_Cut(start + match.start(), start + match.start() + len(url), "", url))
    cuts.extend(found.cuts)


class _CutSet:
    """Non-overlapping cuts kept sorted by start."""

    __slots__ = ("cuts", "starts")

    def __init__(self) -> None:
        self.cuts: list[_Cut] = []
        self.starts: list[int] = []

    def add(self, cut: _Cut) -> bool:
        """Insert ``cut`` unless it overlaps one already present; return whether it was added."""
        index = bisect.bisect_left(self.starts, cut.end)
        if index and self.cuts[index - 1].end > cut.start:
            return False
        self.starts.insert(index, cut.start)
        self.cuts.insert(index, cut)
        return True


def _trim_url(url: str) -> str:
    """Drop trailing punctuation that ends the sentence rather than the URL."""
    while url:
        last = url[-1]
        if last in _URL_TRAILING:
            url = url[:-1]
        elif last == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        elif last == "]" and url.count("[") < url.count("]"):
            url = url[:-1]
        elif last == "}" and url.count("{") < url.count("}"):
            url = url[:-1]
        else:
            break
    return url


_ATTACHMENTS = frozenset(
    ".png .jpg .jpeg .gif .bmp .svg .webp .avif .heic .tif .tiff .ico .mp3 .wav .m4a .ogg .flac .3gp .webm "
    ".mp4 .ogv .mov .mkv .avi .pdf .canvas .excalidraw .base .csv .json .txt .zip".split())
"""File types an Obsidian ``![[embed]]`` shows as attachments (images, audio, video, PDF, canvases):
their embeds are no links to notes."""


def _wikilink(match: re.Match[str], offset: int) -> tuple[_Cut, _RawLink | None] | None:
    """Describe ``[[target#heading|shown]]`` (or an ``![[embed]]``: of a note, a link without text;
    of an image or another file, nothing)."""
    start = offset + match.start()
    end = offset + match.end()
    inner = match.group(2)
    inner_start = offset + match.start(2)
    bar = inner.find("|")
    if bar >= 0:
        target_part = inner[: bar - 1] if bar and inner[bar - 1] == "\\" else inner[:bar]
        shown = inner[bar + 1 :]
        shown_start = inner_start + bar + 1
    else:
        target_part = inner
        shown = ""
        shown_start = -1
    target = target_part.strip()
    if match.group(1):  # an embed: not prose; a note's (no extension, or a page's) counts as a link to it
        name = target.partition("#")[0].partition("^")[0].strip()
        note = bool(name) and posixpath.splitext(name)[1].lower() not in _ATTACHMENTS  # "Node.js" is a note
        return _Cut(start, end, "", ""), (_RawLink("embed", name, "", start, end, -1, -1) if note else None)
    if not target:
        return None
    name, _, heading = target.partition("#")
    if shown.strip():
        text = shown.strip()
        text_start = shown_start + len(shown) - len(shown.lstrip())
    else:
        text = name.strip() or heading.strip()
        if name.strip():
            text_start = inner_start + target_part.find(name.strip())
        else:
            text_start = inner_start + target_part.find(heading.strip())
    text_end = text_start + len(text)
    raw = _RawLink("wikilink", target, text, start, end, text_start, text_end)
    return _Cut(start, end, text, text), raw


_APOSTROPHES = "'’"
_NO_WORD = frozenset(" \t\n\r.,;:!?()[]{}<>*_`~#|/\\\"-")
"""Characters that are never part of a word (a quick test before the full one)."""


def _letter(ch: str) -> bool:
    """Whether ``ch`` is part of a word (a letter, digit, combining mark or soft hyphen), and not
    of a script written without spaces."""
    if ch.isalnum():
        return ch < "\u0e00" or not UNSPACED_RE.match(ch)
    if ch < "\u00ad" or ch.isspace():
        return False
    return (ch == "\u00ad" or unicodedata.category(ch)[0] == "M") and not UNSPACED_RE.match(ch)


def _inside_word(text: str, at: int) -> bool:
    """Whether the offset ``at`` lies inside a word of ``text``: between two of its letters, or
    beside an apostrophe between two letters ("l’application"), but not before a possessive "'s"
    (a link may end before it: "[Kubernetes]'s").

    >>> [at for at in range(1, 12) if _inside_word("l’ab 'c' d's", at)]  # not 10: before "'s"
    [1, 2, 3, 11]
    """
    if not 0 < at < len(text):
        return False
    a, b = text[at - 1], text[at]
    if a in _NO_WORD or b in _NO_WORD:  # the common case, quickly
        return False
    if a in _APOSTROPHES:
        return at >= 2 and _letter(text[at - 2]) and _letter(b)
    if b in _APOSTROPHES:
        after = text[at + 1:at + 3]
        return (_letter(a) and after[:1] != "" and _letter(after[0])
                and not (after[0] in "sS" and (len(after) < 2 or not _letter(after[1]))))
    return _letter(a) and _letter(b)


def _whole_words(shown: str, fragments: Sequence[tuple[int, int]],
                 shown_at: Sequence[int]) -> list[tuple[int, int]]:
    r"""``fragments`` (sorted linkable content ranges, each starting at ``shown_at`` in the text
    ``shown`` to a reader) so that none starts or ends inside a word as the reader sees it: two
    that meet inside a word are joined, and a word that is linkable only in part is left out
    whole. Without this, ``HKLM\SYSTEM`` (markdown-it keeps the literal ``\S`` as a piece of its
    own) left "YSTEM" linkable, and a link on "SYSTEM" would be written after the backslash, which
    escapes its ``[``; ``Z&uuml;rich`` left "rich" and ``Kube**rnetes**`` left "Kube".

    >>> text = "HKLM\\SYSTEM\\Control a_b"
    >>> [text[s:e] for s, e in _whole_words(text, [(0, 4), (6, 11), (13, 23)], [0, 6, 13])]
    ['HKLM', ' a_b']
    >>> _whole_words("Kubernetes is", [(0, 4), (6, 12), (14, 17)], [0, 4, 10])
    [(14, 17)]
    """
    joined: list[tuple[int, int, int]] = []  # (start, end, shown start)
    for (start, end), at in zip(fragments, shown_at):
        if joined:
            s0, e0, a0 = joined[-1]
            if e0 == start and a0 + (e0 - s0) == at and _inside_word(shown, at):
                joined[-1] = (s0, end, a0)
                continue
        joined.append((start, end, at))
    out = []
    for start, end, at in joined:
        r_end = at + (end - start)
        while at < r_end and _inside_word(shown, at):
            at += 1
            start += 1
        while r_end > at and _inside_word(shown, r_end):
            r_end -= 1
            end -= 1
        if start < end:
            out.append((start, end))
    return out


def _trim_to_words(text: str, span: Span) -> Span | None:
    """``span`` of ``text`` without a word it holds only in part at either end (None when nothing
    is left): what hides syntax after the blocks are read (an Obsidian ``#tag``, a link) can cut
    a word."""
    start, end = span.start, span.end
    while start < end and _inside_word(text, start):
        start += 1
    while end > start and _inside_word(text, end):
        end -= 1
    if start >= end:
        return None
    return span if (start, end) == (span.start, span.end) else Span(start, end)


def _render(
    pieces: Sequence[_Piece],
    cuts: Sequence[_Cut],
    heading: bool,
    parts: list[str],
    fragments: list[tuple[int, int]],
    seen_at: list[int],
    apart: list[int],
) -> None:
    """Append the visible text to ``parts``, the linkable content ranges to ``fragments``, where
    each of them starts in ``"".join(parts)`` to ``seen_at``, and the index in ``parts`` of each
    part that ends a word to a reader however it is written (image alt text, a line break) to
    ``apart``."""
    index = 0
    count = len(cuts)
    shown = 0  # characters in parts
    for piece in pieces:
        kind = piece.kind
        if piece.ctx >= _HIDDEN or (kind == _CODE and not heading):
            continue
        start = piece.start
        if start < 0 or kind == _BREAK:
            if kind == _ALT or kind == _BREAK:
                apart.append(len(parts))
            parts.append(piece.text)
            shown += len(piece.text)
            continue
        end = piece.end
        while index < count and cuts[index].end <= start:
            index += 1
        linkable = kind == _TEXT and piece.ctx == _PLAIN
        if index >= count or cuts[index].start >= end:
            if linkable:
                fragments.append((start, end))
                seen_at.append(shown)
            elif kind == _ALT:
                apart.append(len(parts))
            parts.append(piece.text)
            shown += len(piece.text)
            continue
        # The piece meets one or more cuts: keep what lies outside them.
        cursor = start
        scan = index
        while scan < count and cuts[scan].start < end:
            cut = cuts[scan]
            if cut.start >= cursor:
                if cut.start > cursor and kind == _TEXT:
                    if linkable:
                        fragments.append((cursor, cut.start))
                        seen_at.append(shown)
                    parts.append(piece.text[cursor - start : cut.start - start])
                    shown += cut.start - cursor
                parts.append(cut.heading if heading else cut.body)
                shown += len(parts[-1])
            cursor = max(cursor, cut.end)
            scan += 1
        if cursor < end and kind == _TEXT:
            if linkable:
                fragments.append((cursor, end))
                seen_at.append(shown)
            parts.append(piece.text[cursor - start :])
            shown += end - cursor
