"""Tests for linkrec.markdown: links, linkable spans, body text, front matter, decoding."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from linkrec.documents import Document, Link, Span
from linkrec.errors import ParseError
from linkrec.markdown import decode_page, parse_document

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def slices(doc: Document) -> list[str]:
    """The source text of every linkable span."""
    return [doc.text[span.start : span.end] for span in doc.linkable]


def source(doc: Document, span: Span | None) -> str | None:
    """The source text under a span."""
    return None if span is None else doc.text[span.start : span.end]


def only_link(doc: Document) -> Link:
    """The single link of a page."""
    assert len(doc.links) == 1, doc.links
    return doc.links[0]


def linkable_text(doc: Document) -> str:
    """All linkable text joined with '|' (handy for 'not in' assertions)."""
    return "|".join(slices(doc))


_LINE_BREAK_RE = re.compile(r"\r\n?|\n")


def front_matter_end(text: str) -> int:
    """Offset where the body starts (after a ``---`` ... ``---``/``...`` block), independently."""
    lines = _LINE_BREAK_RE.split(text)
    if not lines or lines[0].rstrip(" \t") != "---":
        return 0
    offsets = [0]
    for match in _LINE_BREAK_RE.finditer(text):
        offsets.append(match.end())
    for index in range(1, len(lines)):
        if lines[index].rstrip(" \t") in ("---", "..."):
            return offsets[index + 1] if index + 1 < len(offsets) else len(text)
    return 0


_RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_TAG_RE = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_TAG_NAME_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source",
         "track", "wbr"}
_NOT_PROSE = {"a", "code", "pre", "img", "kbd", "samp", "tt", "var", "script", "style",
              "textarea", "h1", "h2", "h3", "h4", "h5", "h6"}
_MARK = "Ж"


def assert_spans_are_plain_text(doc: Document, *, tables_linkable: bool = False) -> None:
    """Check every linkable span against an independent oracle: markdown-it's HTML rendering.

    One letter or digit of each span is replaced by a character that appears nowhere else.
    If the span really is plain prose, the rendered HTML changes in exactly that one character,
    inside a text node that is not in a link, code, heading, image, (table cell) or HTML block.
    A span over markup (an emphasis marker, an escape, a link destination, ...) changes more or
    lands in the wrong place.
    """
    text = doc.text
    start = front_matter_end(text)
    mutated = list(text)
    count = 0
    for span in doc.linkable:
        for index in range(span.start, span.end):
            if text[index].isalnum() and text[index] != _MARK:
                mutated[index] = _MARK
                count += 1
                break
    if not count:
        return
    before = _RENDER.render(text[start:])
    after = _RENDER.render("".join(mutated)[start:])
    assert len(before) == len(after), (text, before, after)
    diffs = [index for index, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(diffs) == count, (text, before, after)
    forbidden = set(_NOT_PROSE) if tables_linkable else _NOT_PROSE | {"td", "th"}
    stack: list[str] = []
    tags = list(_TAG_RE.finditer(after))
    tag_index = 0
    for diff in diffs:
        while tag_index < len(tags) and tags[tag_index].start() <= diff:
            tag = tags[tag_index]
            assert diff >= tag.end(), ("span inside an HTML tag", text, after)
            name = _TAG_NAME_RE.match(tag.group(0))
            if name is not None:
                closing, tag_name = name.group(1), name.group(2).lower()
                if closing:
                    if tag_name in stack:
                        while stack.pop() != tag_name:
                            pass
                elif tag_name not in _VOID and not tag.group(0).endswith("/>"):
                    stack.append(tag_name)
            tag_index += 1
        assert after[diff] == _MARK
        assert not forbidden.intersection(stack), (stack, text, after)
    # HTML blocks are rendered raw, so check them through markdown-it's block map.
    blocked: set[int] = set()
    for token in _RENDER.parse(text[start:]):
        if token.type in ("html_block", "code_block", "fence") and token.map:
            blocked.update(range(token.map[0], token.map[1]))
    for span in doc.linkable:
        line = len(_LINE_BREAK_RE.findall(text[start : span.start]))
        assert line not in blocked, (span, text)


def assert_invariants(doc: Document) -> None:
    """Structural invariants of linkable spans and links."""
    text = doc.text
    start = front_matter_end(text)
    previous_end = start
    for span in doc.linkable:
        assert previous_end <= span.start < span.end <= len(text), (span, doc.linkable)
        piece = text[span.start : span.end]
        assert "\n" not in piece and "\r" not in piece
        assert not piece.isspace()
        previous_end = span.end
    for item in doc.links:
        assert 0 <= item.span.start <= item.span.end <= len(text)
        assert item.line >= 1
        assert item.kind in {"inline", "reference", "definition", "wikilink", "autolink"}
        if item.text_span is not None:
            assert item.span.start <= item.text_span.start <= item.text_span.end <= item.span.end
        for span in doc.linkable:
            assert span.end <= item.span.start or item.span.end <= span.start, (span, item)
    starts = [item.span.start for item in doc.links]
    assert starts == sorted(starts)


# ---------------------------------------------------------------------------------------------
# Fixture pages: name.md + name.expected.json
# ---------------------------------------------------------------------------------------------


def _fixture_names() -> list[str]:
    return sorted(path.name[: -len(".expected.json")] for path in FIXTURES.glob("*.expected.json"))


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("name", _fixture_names())
def test_fixture_pages(name: str, newline: str) -> None:
    text = (FIXTURES / f"{name}.md").read_text(encoding="utf-8").replace("\n", newline)
    expected: dict[str, Any] = json.loads(
        (FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8")
    )
    doc = parse_document(text, f"pages/{name}.md")
    assert doc.warnings == ()
    for key in ("title", "url", "draft"):
        if key in expected:
            assert getattr(doc, key) == expected[key], key
    for key in ("aliases", "keywords", "headings"):
        if key in expected:
            assert list(getattr(doc, key)) == expected[key], key
    assert slices(doc) == expected["linkable"]
    got = [
        {
            "kind": item.kind,
            "target": item.target,
            "text": item.text,
            "source": source(doc, item.span),
            "text_source": source(doc, item.text_span),
            "line": item.line,
        }
        for item in doc.links
    ]
    assert got == expected["links"]
    for fragment in expected.get("body_contains", []):
        assert fragment in doc.body
    for fragment in expected.get("body_excludes", []):
        assert fragment not in doc.body
    assert_invariants(doc)
    assert_spans_are_plain_text(doc)


# ---------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------


def test_inline_link_with_title() -> None:
    doc = parse_document('See [the guide](guide.md "The guide") now.\n', "a.md")
    item = only_link(doc)
    assert (item.kind, item.target, item.text, item.line) == ("inline", "guide.md", "the guide", 1)
    assert source(doc, item.span) == '[the guide](guide.md "The guide")'
    assert source(doc, item.text_span) == "the guide"
    assert slices(doc) == ["See ", " now."]


@pytest.mark.parametrize(
    ("markdown", "target"),
    [
        ("[t](<my page.md>)", "my page.md"),
        ("[t](page.md#some-heading)", "page.md#some-heading"),
        ("[t](page.md?x=1&y=2#h)", "page.md?x=1&y=2#h"),
        ("[t](my%20page.md)", "my page.md"),
        ("[t](caf%C3%A9.md)", "café.md"),
        ("[t](café.md)", "café.md"),
        ("[t](https://bücher.example/x)", "https://bücher.example/x"),
        ("[t](a\\_b.md)", "a_b.md"),
        ("[t](/docs/(draft).md)", "/docs/(draft).md"),
        ("[t]( spaced.md  'title' )", "spaced.md"),
        ("[t](#local)", "#local"),
    ],
)
def test_inline_link_destinations(markdown: str, target: str) -> None:
    doc = parse_document(f"Before {markdown} after.\n", "a.md")
    item = only_link(doc)
    assert item.kind == "inline"
    assert item.target == target
    assert source(doc, item.span) == markdown
    assert source(doc, item.text_span) == "t"
    assert slices(doc) == ["Before ", " after."]


def test_inline_link_text_with_markup() -> None:
    doc = parse_document("A [**bold** `code` text](x.md) b\n", "a.md")
    item = only_link(doc)
    assert item.text == "bold code text"
    assert source(doc, item.text_span) == "**bold** `code` text"
    assert slices(doc) == ["A ", " b"]


def test_link_spanning_lines() -> None:
    text = "Read the [long\n  link text](x.md) here.\n"
    doc = parse_document(text, "a.md")
    item = only_link(doc)
    assert source(doc, item.span) == "[long\n  link text](x.md)"
    assert item.text == "long link text"
    assert item.text_span is None  # the visible text is split over two lines
    assert item.line == 1
    assert slices(doc) == ["Read the ", " here."]


@pytest.mark.parametrize(
    ("markdown", "text", "label"),
    [
        ("[the docs][Docs Ref]", "the docs", "[the docs][Docs Ref]"),
        ("[Docs Ref][]", "Docs Ref", "[Docs Ref][]"),
        ("[docs ref]", "docs ref", "[docs ref]"),
        ("[DOCS   REF]", "DOCS REF", "[DOCS   REF]"),
    ],
    ids=["full", "collapsed", "shortcut", "case-insensitive"],
)
def test_reference_links(markdown: str, text: str, label: str) -> None:
    page = f"Go to {markdown} now.\n\n[Docs Ref]: <docs/my%20page.md#top> 'Docs'\n"
    doc = parse_document(page, "a.md")
    reference, definition = doc.links
    assert reference.kind == "reference"
    assert reference.target == "docs/my page.md#top"
    assert reference.text == text
    assert source(doc, reference.span) == label
    assert source(doc, reference.text_span) == label[1 : label.index("]")]
    assert slices(doc) == ["Go to ", " now."]
    assert definition.kind == "definition"
    assert definition.text == "Docs Ref"
    assert definition.target == "docs/my page.md#top"
    assert source(doc, definition.span) == "[Docs Ref]: <docs/my%20page.md#top> 'Docs'"
    assert source(doc, definition.text_span) == "Docs Ref"
    assert definition.line == 3


def test_reference_without_definition_is_text() -> None:
    doc = parse_document("Just [brackets] here.\n", "a.md")
    assert doc.links == ()
    assert slices(doc) == ["Just [brackets] here."]


def test_definitions_are_links_where_used_and_never_linkable() -> None:
    text = ("[one]: one.md\n[two]: two.md\n  \"Two title\"\n[unused]: three.md\n[one]: four.md\n\n"
            "Text [1][one] and [2][two].\n")
    doc = parse_document(text, "a.md")
    assert [(item.kind, item.target, item.text, item.line) for item in doc.links] == [
        ("definition", "one.md", "one", 1),
        ("definition", "two.md", "two", 2),
        ("reference", "one.md", "1", 7),
        ("reference", "two.md", "2", 7),
    ]  # not the unused definition, nor the duplicate of [one] (the first definition wins)
    assert source(doc, doc.links[1].span) == '[two]: two.md\n  "Two title"'
    assert slices(doc) == ["Text ", " and ", "."]


def test_autolinks() -> None:
    doc = parse_document("Mail <me@example.org> or <https://x.org/a?b=1> or <page.md>.\n", "a.md")
    assert [(item.kind, item.target, item.text) for item in doc.links] == [
        ("autolink", "mailto:me@example.org", "me@example.org"),
        ("autolink", "https://x.org/a?b=1", "https://x.org/a?b=1"),
        ("autolink", "page.md", "page.md"),
    ]
    assert [source(doc, item.span) for item in doc.links] == [
        "<me@example.org>",
        "<https://x.org/a?b=1>",
        "<page.md>",
    ]
    assert [source(doc, item.text_span) for item in doc.links] == [
        "me@example.org",
        "https://x.org/a?b=1",
        "page.md",
    ]
    assert slices(doc) == ["Mail ", " or ", " or ", "."]
    assert "example" not in doc.body and "page.md" not in doc.body


@pytest.mark.parametrize(
    ("markdown", "target", "text", "shown"),
    [
        ("[[Target]]", "Target", "Target", "Target"),
        ("[[Target|Shown text]]", "Target", "Shown text", "Shown text"),
        ("[[Target#Heading]]", "Target#Heading", "Target", "Target"),
        ("[[Target#Heading|Shown]]", "Target#Heading", "Shown", "Shown"),
        ("[[folder/Target]]", "folder/Target", "folder/Target", "folder/Target"),
        ("[[#Heading]]", "#Heading", "Heading", "Heading"),
    ],
)
def test_wikilinks(markdown: str, target: str, text: str, shown: str) -> None:
    doc = parse_document(f"See {markdown} too.\n", "a.md")
    item = only_link(doc)
    assert (item.kind, item.target, item.text) == ("wikilink", target, text)
    assert source(doc, item.span) == markdown
    assert source(doc, item.text_span) == shown
    assert slices(doc) == ["See ", " too."]
    assert doc.body == f"See {text} too."


def test_wikilink_embed_of_a_note_is_a_link_without_text() -> None:
    doc = parse_document("Picture ![[diagram.png]] here and ![[Note#Part]].\n", "a.md")
    assert [(lk.kind, lk.target, lk.text) for lk in doc.links] == [("embed", "Note", "")]  # not the image
    assert parse_document("Sample: ![[a|b|c]](pic.png)\n", "a.md").links == ()  # an image whose alt has brackets
    dotted = parse_document("![[Node.js]] and ![[v1.2 release notes]] but ![[clip.MP4]]\n", "a.md")
    assert [lk.target for lk in dotted.links] == ["Node.js", "v1.2 release notes"]  # a dot is no file type
    assert slices(doc) == ["Picture ", " here and ", "."]
    assert "diagram" not in doc.body


def test_wikilink_with_escaped_pipe_in_table() -> None:
    text = "| a | b |\n|---|---|\n| x | [[Page\\|shown]] |\n"
    doc = parse_document(text, "a.md", tables_linkable=True)
    item = only_link(doc)
    assert (item.kind, item.target, item.text) == ("wikilink", "Page", "shown")
    assert source(doc, item.span) == "[[Page\\|shown]]"
    assert source(doc, item.text_span) == "shown"
    assert slices(doc) == ["a", "b", "x"]


def test_images_are_not_links_and_not_linkable() -> None:
    text = "An ![alt text](img.png \"t\") and ![ref][img] end.\n\n[img]: i.png\n"
    doc = parse_document(text, "a.md")
    assert doc.links == ()  # the definition serves an image only
    assert slices(doc) == ["An ", " and ", " end."]
    assert "alt text" in doc.body


def test_image_inside_link() -> None:
    doc = parse_document("Click [![logo](logo.png)](home.md) now.\n", "a.md")
    item = only_link(doc)
    assert (item.kind, item.target, item.text) == ("inline", "home.md", "logo")
    assert slices(doc) == ["Click ", " now."]


def test_links_in_code_are_not_links() -> None:
    text = (
        "Use `[x](y.md)` and `[[Wiki]]`.\n\n"
        "```\n[a](b.md) [[C]] <https://d.org>\n```\n\n"
        "    [e](f.md)\n"
    )
    doc = parse_document(text, "a.md")
    assert doc.links == ()
    assert slices(doc) == ["Use ", " and ", "."]


def test_links_in_headings_are_links_but_headings_not_linkable() -> None:
    doc = parse_document("# About [Kubernetes](k8s.md)\n\nText.\n", "a.md")
    item = only_link(doc)
    assert item.kind == "inline" and item.line == 1
    assert source(doc, item.span) == "[Kubernetes](k8s.md)"
    assert doc.headings == ("About Kubernetes",)
    assert slices(doc) == ["Text."]


def test_markdown_links_in_html_blocks_are_links_but_not_linkable() -> None:
    # CommonMark leaves HTML blocks raw, but Markdown links written there are still the
    # author's links (converters emit them, even inside <code>); scripts and comments hold none.
    text = (
        "<table><tr>\n  <td>See [a](b.md) and [[Wiki|w]] text</td>\n"
        "  <td><code>[c](c.md)</code></td>\n</tr></table>\n\n"
        "<script>\nhandlers[name](event)\n</script>\n\n"
        "<!-- [nor](this.md) -->\n\n"
        "After.\n"
    )
    doc = parse_document(text, "a.md")
    assert [(item.kind, item.target, source(doc, item.span), item.line) for item in doc.links] == [
        ("inline", "b.md", "[a](b.md)", 2),
        ("wikilink", "Wiki", "[[Wiki|w]]", 2),
        ("inline", "c.md", "[c](c.md)", 3),
    ]
    assert source(doc, doc.links[0].text_span) == "a"
    assert slices(doc) == ["After."]
    assert doc.body == "After."


def test_links_are_in_source_order() -> None:
    text = "[d]: d.md\n\n[[W]] then [a](a.md) then <https://x.org> then [d].\n"
    doc = parse_document(text, "a.md")
    assert [item.kind for item in doc.links] == [
        "definition", "wikilink", "inline", "autolink", "reference"
    ]
    assert_invariants(doc)


def test_html_anchor_text_is_not_linkable() -> None:
    text = 'Raw <a href="x.md">anchor text</a> and <code>raw code</code> ok.\n'
    doc = parse_document(text, "a.md")
    assert linkable_text(doc) == "Raw | and | ok."
    assert "raw code" not in doc.body
    assert "anchor text" in doc.body


def test_raw_html_elements_left_open_across_blocks() -> None:
    text = (
        "<div><pre><code>config: a\n\n"
        "still inside the raw pre element\n\n"
        "</code></pre></div>\n\n"
        "<table><tr><td>\n\n"
        "Prose in a raw HTML cell.\n\n"
        "</td></tr></table>\n\n"
        "Outside.\n"
    )
    assert slices(parse_document(text, "a.md")) == ["Outside."]
    on = parse_document(text, "a.md", tables_linkable=True)
    assert slices(on) == ["Prose in a raw HTML cell.", "Outside."]
    assert_spans_are_plain_text(on, tables_linkable=True)


def test_definition_in_blockquote_and_list() -> None:
    text = "> [q]: quoted.md\n\n- [l]: <listed page.md>\n\n[q] and [l].\n"
    doc = parse_document(text, "a.md")
    assert [(item.kind, item.target, source(doc, item.span), item.line) for item in doc.links] == [
        ("definition", "quoted.md", "[q]: quoted.md", 1),
        ("definition", "listed page.md", "[l]: <listed page.md>", 3),
        ("reference", "quoted.md", "[q]", 5),
        ("reference", "listed page.md", "[l]", 5),
    ]


# ---------------------------------------------------------------------------------------------
# Linkable spans and excluded regions
# ---------------------------------------------------------------------------------------------


def test_emphasis_markers_are_not_in_spans() -> None:
    doc = parse_document("**magnesium** helps _sleep_ and ~~old~~ ***both***\n", "a.md")
    # The lone " " between "~~old~~" and "***both***" is whitespace only: dropped.
    assert slices(doc) == ["magnesium", " helps ", "sleep", " and ", "old", "both"]
    assert doc.body == "magnesium helps sleep and old both"


def test_unmatched_markers_are_visible_text() -> None:
    doc = parse_document("2 * 3 is 6 and snake_case_name stays\n", "a.md")
    assert slices(doc) == ["2 * 3 is 6 and snake_case_name stays"]


def test_escapes_and_entities_split_spans() -> None:
    doc = parse_document("Salt \\*and\\* pepper &amp; oil &#42; vinegar\n", "a.md")
    assert slices(doc) == ["Salt ", "and", " pepper ", " oil ", " vinegar"]
    assert doc.body == "Salt *and* pepper & oil * vinegar"
    assert_spans_are_plain_text(doc)


def test_a_word_after_a_backslash_is_not_linkable_nor_cut() -> None:
    # CommonMark escapes only punctuation: "\\S" is a backslash and an S. markdown-it keeps it as a
    # piece of its own, which left "YSTEM" and "ubseteq" as linkable words; and a link on "SYSTEM"
    # would be written after the backslash, which would escape its "[". Such a word is left out.
    doc = parse_document("Open HKLM\\SYSTEM\\CurrentControlSet and A\\subseteq B, not \\*this\\*.\n", "a.md")
    assert slices(doc) == ["Open HKLM", " and A", " B, not ", "this", "."]
    for span in doc.linkable:
        assert not (span.start and doc.text[span.start - 1].isalnum() and doc.text[span.start].isalnum())
        assert not (doc.text[span.end - 1].isalnum() and doc.text[span.end].isalnum())
    assert doc.body == "Open HKLM\\SYSTEM\\CurrentControlSet and A\\subseteq B, not *this*."
    assert_spans_are_plain_text(doc)


@pytest.mark.parametrize("text, expected", [
    ("Z&uuml;rich and micro&shy;services ok", [" and ", " ok"]),  # an entity inside a word
    ("See Kube**rnetes** and *un*common words", ["See ", " and ", " words"]),  # emphasis inside a word
    ("Copy to C:\\l’application now", ["Copy to C:", " now"]),  # after a backslash, an apostrophe
    ("Tag #l’application here", ["Tag ", " here"]),  # an Obsidian tag cut at the apostrophe
    ("HKLM\\Se\u0301curite\u0301 key", ["HKLM", " key"]),  # decomposed (NFD) letters
    ("日本語の[リンク](x.md)です。", ["日本語の", "です。"]),  # a script without spaces keeps its words
    ("設定は C:\\Windows以下のフォルダです。", ["設定は C:", "以下のフォルダです。"]),
    # found by a second helper: every combining mark is inside a word (Indic vowel signs) ...
    ("**महा**नगर है", [" है"]),
    # ... but a quote around emphasis, a possessive after it and an image's alt text are not
    ("the '**Save**' button", ["the '", "Save", "' button"]),
    ("_The Turing Way_'s book", ["The Turing Way", "'s book"]),
    ("![logo](logo.png)Kubernetes is great", ["Kubernetes is great"]),
    ("ㄅㄆ**ㄇ** ok", ["ㄅㄆ", "ㄇ", " ok"]),  # Bopomofo is written without spaces
])
def test_no_linkable_span_holds_part_of_a_word_as_readers_see_it(text: str, expected: list[str]) -> None:
    """A link on part of a word would sit inside the word readers see ("Z&uuml;[rich]", "[Kube]**rnetes**")
    or after a backslash that escapes its "[": such a word is left out whole (found by a helper)."""
    doc = parse_document(text + "\n", "a.md")
    assert slices(doc) == expected


def test_inline_code_and_html_excluded() -> None:
    doc = parse_document("Run `kubectl get` then <span class=x>styled</span> done.\n", "a.md")
    assert slices(doc) == ["Run ", " then ", "styled", " done."]
    assert "kubectl" not in doc.body
    assert "span" not in doc.body


def test_bare_urls_excluded_from_spans_and_body() -> None:
    text = "See https://example.com/a_(b) and www.example.org/x, or (http://x.org/y).\n"
    doc = parse_document(text, "a.md")
    assert slices(doc) == ["See ", " and ", ", or (", ")."]
    assert doc.links == ()
    assert "example" not in doc.body and "x.org" not in doc.body


def test_front_matter_never_linkable() -> None:
    text = "---\ntitle: T\ndescription: words here\n---\nBody words.\n"
    doc = parse_document(text, "a.md")
    assert slices(doc) == ["Body words."]
    assert "description" not in doc.body and "words here" not in doc.body


@pytest.mark.parametrize(
    "markdown",
    [
        "# Heading words",
        "Heading words\n=============",
        "Heading words\n---",
        "### Heading words ###",
    ],
    ids=["atx", "setext-1", "setext-2", "atx-closed"],
)
def test_headings_excluded(markdown: str) -> None:
    doc = parse_document(f"{markdown}\n\nProse.\n", "a.md")
    assert doc.headings == ("Heading words",)
    assert slices(doc) == ["Prose."]
    assert doc.body == "Prose."


def test_code_blocks_excluded() -> None:
    text = "Intro.\n\n```python\nprint('x')\n```\n\n~~~\nmore\n~~~\n\n    indented code\n\nOutro.\n"
    doc = parse_document(text, "a.md")
    assert slices(doc) == ["Intro.", "Outro."]
    assert doc.body == "Intro.\n\nOutro."


def test_tables_not_linkable_by_default() -> None:
    text = "| Name | Value |\n|------|-------|\n| alpha | **beta** gamma |\n\nAfter.\n"
    doc = parse_document(text, "a.md")
    assert slices(doc) == ["After."]
    assert "alpha beta gamma" in doc.body
    on = parse_document(text, "a.md", tables_linkable=True)
    assert slices(on) == ["Name", "Value", "alpha", "beta", " gamma", "After."]
    assert_spans_are_plain_text(on, tables_linkable=True)


def test_table_cells_with_escaped_pipes() -> None:
    text = "| a \\| b | c |\n|---|---|\n| d | e |\n"
    doc = parse_document(text, "a.md", tables_linkable=True)
    assert slices(doc) == ["a ", "| b", "c", "d", "e"]


def test_lists_blockquotes_nested() -> None:
    text = (
        "1. First item\n"
        "   continued here\n"
        "   - nested *one*\n"
        "     > quoted in list\n"
        "     > second quote line\n"
        "2. Second\n"
        "\n"
        "> > Deep quote\n"
        "> > with [link](x.md) inside\n"
    )
    doc = parse_document(text, "a.md")
    assert slices(doc) == [
        "First item",
        "continued here",
        "nested ",
        "one",
        "quoted in list",
        "second quote line",
        "Second",
        "Deep quote",
        "with ",
        " inside",
    ]
    assert_spans_are_plain_text(doc)


def test_hard_breaks() -> None:
    doc = parse_document("one  \ntwo\\\nthree\n", "a.md")
    assert slices(doc) == ["one", "two", "three"]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_offsets_with_other_line_endings(newline: str) -> None:
    lines = [
        "---",
        "title: T",
        "---",
        "Intro with [link](x.md)",
        "and second line.",
        "",
        "- item **bold**",
        "  continued",
    ]
    text = newline.join(lines) + newline
    doc = parse_document(text, "a.md")
    assert slices(doc) == ["Intro with ", "and second line.", "item ", "bold", "continued"]
    item = only_link(doc)
    assert source(doc, item.span) == "[link](x.md)"
    assert item.line == 4
    assert_invariants(doc)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_line_syntax_hides_only_its_own_line_with_any_line_ending(newline: str) -> None:
    # a tab label, an admonition title, a MyST target and an abbreviation hide their line only,
    # however the lines end (a lone CR let "$" reach the end of the page)
    lines = ['===+ "Causes"', "", "    Cramps come from low magnesium.", "", "!!! note \"Tip\"", "",
             "    Potassium helps.", "", "(my-label)=", "Sleep hygiene matters.", "", "*[CSS]: Cascading",
             "Hydration too.", ""]
    doc = parse_document(newline.join(lines), "a.md")
    assert slices(doc) == ["Cramps come from low magnesium.", "Potassium helps.", "Sleep hygiene matters.",
                           "Hydration too."]
    assert_invariants(doc)
    # an MDX import block ends at a blank line, however the lines end
    mdx = parse_document(newline.join(["import X from './x'", "", "Prose about magnesium.", ""]), "a.mdx")
    assert slices(mdx) == ["Prose about magnesium."]


def test_offsets_with_tabs_emoji_cjk_combining() -> None:
    text = (
        "-\t🎉 party\tTime\n\n"
        "日本語の[リンク](x.md)です。\n\n"
        "Z\u0351algo e\u0301 👩\u200d👩\u200d👧 fin\n"
    )
    doc = parse_document(text, "a.md")
    assert slices(doc) == [
        "🎉 party\tTime",
        "日本語の",
        "です。",
        "Z\u0351algo e\u0301 👩\u200d👩\u200d👧 fin",
    ]
    assert source(doc, only_link(doc).text_span) == "リンク"
    assert_spans_are_plain_text(doc)


def test_bom_is_removed() -> None:
    doc = parse_document("\ufeff# Title\n\nText.\n", "a.md")
    assert doc.text == "# Title\n\nText.\n"
    assert doc.title == "Title"
    assert slices(doc) == ["Text."]


# ---------------------------------------------------------------------------------------------
# Front matter and titles
# ---------------------------------------------------------------------------------------------


def fm(body: str, rest: str = "Text.\n") -> str:
    """A page with the given YAML front matter."""
    return f"---\n{body}\n---\n{rest}"


def test_front_matter_keys() -> None:
    doc = parse_document(
        fm(
            "title: ' Spaced  title '\n"
            "aliases: [One, ' Two ', '', 3]\n"
            "keywords: 'alpha, beta,, gamma'\n"
            "tags: [beta, delta, 7]\n"
            "permalink: /p/\n"
            "slug: ignored\n"
            "draft: true\n"
            "extra: {nested: [1, 2]}"
        ),
        "dir/page.md",
    )
    assert doc.title == "Spaced title"
    assert doc.aliases == ("One", "Two", "3")
    assert doc.keywords == ("alpha", "beta", "gamma", "delta", "7")
    assert doc.url == "/p/"
    assert doc.draft is True
    assert doc.meta["extra"] == {"nested": [1, 2]}
    assert doc.warnings == ()


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("url: /u/\npermalink: /p/", "/u/"),
        ("permalink: /p/\nslug: s", "/p/"),
        ("slug: my-slug", "my-slug"),
        ("url: ''\nslug: s", "s"),
        ("title: x", None),
    ],
)
def test_url_keys(yaml_text: str, expected: str | None) -> None:
    assert parse_document(fm(yaml_text), "a.md").url == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("false", False),
        ("yes", True),
        ("'true'", True),
        ("'no'", False),
        ("1", True),
        ("0", False),
        ("", False),
    ],
)
def test_draft_values(value: str, expected: bool) -> None:
    assert parse_document(fm(f"draft: {value}"), "a.md").draft is expected


def test_alias_string_and_non_string_values() -> None:
    text = fm("title: 2024\naliases: Single alias, with comma\ndate: 2024-01-02")
    doc = parse_document(text, "a.md")
    assert doc.title == "2024"
    assert doc.aliases == ("Single alias, with comma",)
    assert doc.warnings == ()


def test_odd_title_type_warns() -> None:
    doc = parse_document(fm("title: [a, b]\ntags: {x: 1}"), "dir/My Page.md")
    assert doc.title == "My Page"
    assert doc.keywords == ()
    assert any("title" in warning for warning in doc.warnings)
    assert any("tags" in warning for warning in doc.warnings)


def test_broken_yaml_warns_and_is_excluded() -> None:
    text = "---\ntitle: ok\nbad: [unclosed\nmore: x\n---\n# Heading\n\nBody text.\n"
    doc = parse_document(text, "a.md")
    assert doc.meta == {}
    assert doc.title == "Heading"
    assert len(doc.warnings) == 1
    assert doc.warnings[0].startswith("front matter is not valid YAML (line ")
    assert doc.warnings[0].endswith("; ignored")
    assert slices(doc) == ["Body text."]
    assert "unclosed" not in doc.body


def test_impossible_date_in_yaml_warns() -> None:
    doc = parse_document(fm("date: 2024-13-45"), "a.md")
    assert doc.meta == {}
    assert doc.warnings and "not valid YAML" in doc.warnings[0]


@pytest.mark.parametrize("yaml_text", ["- a\n- b", "just a string", "42"])
def test_non_mapping_yaml_warns(yaml_text: str) -> None:
    doc = parse_document(fm(yaml_text), "a.md")
    assert doc.meta == {}
    assert len(doc.warnings) == 1 and "not a YAML mapping" in doc.warnings[0]
    assert slices(doc) == ["Text."]


def test_front_matter_only_page() -> None:
    doc = parse_document("---\ntitle: Only\n---", "a.md")
    assert doc.title == "Only"
    assert doc.body == "" and doc.linkable == () and doc.links == ()
    empty = parse_document("---\n---\n", "x/empty.md")
    assert empty.title == "empty" and empty.meta == {} and empty.warnings == ()


def test_front_matter_with_dots_closer_and_crlf() -> None:
    doc = parse_document("---\r\ntitle: Dots\r\n...\r\nText.\r\n", "a.md")
    assert doc.title == "Dots"
    assert slices(doc) == ["Text."]


def test_toml_front_matter_as_hugo_writes_it() -> None:
    text = ('+++\ntitle = "Installation Guide"\ndraft = true\naliases = ["setup"]\ntags = ["cli"]\n'
            'url = "/install/"\n+++\n\nInstall it, then read the Configuration Reference.\n')
    doc = parse_document(text, "install.md")
    assert doc.title == "Installation Guide" and doc.draft and doc.aliases == ("setup",)
    assert doc.keywords == ("cli",) and doc.url == "/install/" and doc.warnings == ()
    assert slices(doc) == ["Install it, then read the Configuration Reference."]  # never the TOML lines
    assert "title" not in doc.body


def test_broken_toml_warns_with_the_file_line_and_is_excluded() -> None:
    doc = parse_document('+++\ntitle = "ok"\nbad = \n+++\nBody text.\n', "a.md")
    assert doc.meta == {} and doc.title == "a"
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("front matter is not valid TOML (")
    assert "line 3" in doc.warnings[0]  # the file's line, not the front matter's
    assert slices(doc) == ["Body text."]


def test_template_tags_are_never_linkable() -> None:
    # Hugo shortcodes and Jekyll/Liquid tags are expanded by the site generator: a link written
    # inside one (in a caption or an include's parameter) would break the page.
    text = ('Intro text here.\n\n{{< figure src="a.png"\n  caption="Installation Guide screenshot" >}}\n\n'
            'See {{ site.baseurl }} and {% include note.html content="the Plugin Directory" %} now. '
            '{{% note %}}Noted.{{% /note %}} A lone { brace } stays.\n')
    doc = parse_document(text, "home.md")
    assert slices(doc) == ["Intro text here.", "See ", " and ", " now. ", "Noted.", " A lone { brace } stays."]
    mdx = parse_document("A lone { brace } goes in MDX.\n", "home.mdx")
    assert slices(mdx) == ["A lone ", " goes in MDX."]


@pytest.mark.parametrize(("text", "expected"), [
    ("Fast.[^deployment] Scales.\n\n[^deployment]: Notes on scaling.\n", ["Fast.", " Scales.", ": Notes on scaling."]),
    ("Math $Deployment + 1$ here, $5 and $10 there.\n\n$$\nDeployment = 2\n$$\n",
     ["Math ", " here, $5 and $10 there."]),
    ("(deployment)=\n## Section\n\nSee {ref}`Deployment` now.\n", ["See ", " now."]),
    ("*[CDN]: Content Delivery Network\n\nWe use a CDN.\n", ["We use a CDN."]),
    ('!!! tip Deployment\n    Widget text.\n\n=== "Plugin system"\n\n:::tip Routing tip\nBody.\n:::\n',
     ["Widget text.", "Body."]),
    ('![Diagram](a.png){ title="Deployment" } and text {: .wide }\n', [" and text "]),
    ("import Tabs from '@theme/Tabs';\nexport const meta = {\n  topic: 'Plugin system',\n};\n\n"
     "Text {props.x ? 'Deployment' : 'none'} done and {`Caching layer`}.\n", ["Text ", " done and ", "."]),
])
def test_syntax_a_link_would_break_is_never_linkable(text: str, expected: list[str]) -> None:
    # Footnote labels, math, MyST roles and targets, abbreviations, admonition / tab / colon-fence
    # title lines, attribute lists, MDX import/export blocks and {expressions}.
    doc = parse_document(text, "page.md")
    assert slices(doc) == expected
    assert not any(text[c.start:c.end] == "`Deployment`" or "Caching" in text[c.start:c.end] for c in doc.wrappable)


def test_myst_doc_roles_are_links() -> None:
    text = "See {doc}`setup/install` and {doc}`the intro <../intro>`; write `` {doc}`x` `` for one.\n"
    doc = parse_document(text, "book/a.md")
    assert [(lk.kind, lk.target, lk.text) for lk in doc.links] == [
        ("ref", "setup/install", "setup/install"), ("ref", "../intro", "the intro")]
    assert doc.links[1].text_span is not None and text[doc.links[1].text_span.start:doc.links[1].text_span.end] == "the intro"


def test_myst_labels_and_cross_reference_roles() -> None:
    text = ("(intro-label)=\n# Intro\n\nSee {ref}`Setup <Setup-Label>`, {numref}`fig-1` and {term}`Open  Data`;"
            " `` {ref}`x` `` is code.\n\n```{glossary}\nOpen Data\n  Data anyone may use.\n:sorted:\n```\n")
    doc = parse_document(text, "a.md")
    assert doc.labels == ("intro-label", "term:open data")
    assert [(lk.kind, lk.target, lk.text) for lk in doc.links] == [
        ("label", "setup-label", "Setup"), ("label", "fig-1", "fig-1"), ("label", "term:open data", "Open  Data")]


def test_shortcode_liquid_and_html_links_are_links() -> None:
    text = ('See [the guide]({{< relref "docs/install.md" >}}), [ref]({{% ref "faq" %}}) and '
            '<a href="plugins.md">the plugins</a> or [post]({{ site.baseurl }}{% link _posts/x.md %}).\n\n'
            '<div>\n<a class="btn" href="/about/">About us</a>\n</div>\n\n'
            'Code `<a href="code.md">x</a>` is no link.\n')
    doc = parse_document(text, "docs/links.md")
    found = [(lk.kind, lk.target, lk.text, lk.line) for lk in doc.links]
    assert found == [("ref", "docs/install.md", "the guide", 1), ("ref", "faq", "ref", 1),
                     ("html", "plugins.md", "the plugins", 1), ("ref", "/_posts/x.md", "post", 1),
                     ("html", "/about/", "About us", 4)]
    for lk in doc.links:
        assert lk.text_span is not None and text[lk.text_span.start:lk.text_span.end] == lk.text
    assert slices(doc) == ["See ", ", ", " and ", " or ", ".", "Code ", " is no link."]


def test_obsidian_comments_are_hidden_and_their_links_inactive() -> None:
    text = ("Coffee %%see [[Roast]] later%% notes and [[Beans]].\n\n%%\nblock [[Hidden]]\n%%\n\n"
            "Up 100%% and 50%% more [[Kept]].\n")
    doc = parse_document(text, "a.md")
    assert [lk.target for lk in doc.links] == ["Beans", "Kept"]
    assert slices(doc) == ["Coffee ", " notes and ", ".", "Up 100%% and 50%% more ", "."]


def test_percent_and_dollar_pairs_in_code_hide_no_prose() -> None:
    # "%%" and "$$" in code (mermaid comments, shell's PID) open no comment and no math.
    text = ("```mermaid\n%% note one\n```\n\nRead the [install guide](install.md) first.\n\n"
            "```mermaid\n%% note two\n```\n\nWrite `%%` or `$$` here, see [format](format.md) and `%%` again.\n\n"
            "```sh\necho $$\n```\n\nPlain words.\n\n```sh\nkill $$\n```\n")
    doc = parse_document(text, "a.md")
    assert [lk.target for lk in doc.links] == ["install.md", "format.md"]
    assert "Plain words." in slices(doc) and "Read the " in slices(doc)


def test_obsidian_block_comment_and_html_data_href() -> None:
    doc = parse_document('%%\nhidden [[Note]]\n%%\n\nSee <a data-href="c.md" href="b.md">bee</a>.\n', "a.md")
    assert [(lk.kind, lk.target) for lk in doc.links] == [("html", "b.md")]


def test_myst_directive_names_and_stacked_targets_are_labels() -> None:
    text = "(old-label)=\n(install)=\n# Install\n\n```{figure} a.png\n:name: fig-alpha\n\nCaption.\n```\n"
    assert parse_document(text, "a.md").labels == ("old-label", "install", "fig-alpha")


def test_mkdocs_admonition_bodies_are_prose() -> None:
    text = ('!!! note "Caching layer"\n\n    The Deployment guide explains it.\n\n'
            "??? tip\n    Collapsible body mentions Deployment.\n\nAfter.\n")
    doc = parse_document(text, "a.md")
    assert slices(doc) == ["The Deployment guide explains it.", "Collapsible body mentions Deployment.", "After."]


# MkDocs Material content tabs (pymdownx.tabbed): the body under a '=== "Label"' line (or ===+ / ===!),
# indented by 4 spaces, is Markdown, like an admonition's body.


def test_a_link_inside_a_content_tab_is_a_link() -> None:
    text = ('Intro.\n\n=== "Tab one"\n\n    Read [the guide](guide.md) first.\n\n'
            '===+ "Tab two"\n\n    - see [[Setup]]\n')
    doc = parse_document(text, "a.md")
    assert [(lk.kind, lk.target, lk.text, lk.line) for lk in doc.links] == [
        ("inline", "guide.md", "the guide", 5), ("wikilink", "Setup", "Setup", 9)]
    assert [source(doc, lk.span) for lk in doc.links] == ["[the guide](guide.md)", "[[Setup]]"]
    assert [source(doc, lk.text_span) for lk in doc.links] == ["the guide", "Setup"]


def test_a_content_tab_body_is_prose_with_exact_offsets() -> None:
    text = ('=== "Tab one"\n\n    The Deployment guide explains it.\n\n    - a *list* item\n\n'
            '===! "Tab two"\n    Second tab.\n\n\tTabbed indentation.\n\nAfter.\n')
    doc = parse_document(text, "a.md")
    assert slices(doc) == ["The Deployment guide explains it.", "a ", "list", " item", "Second tab.",
                           "Tabbed indentation.", "After."]
    assert doc.linkable[0].start == text.index("The Deployment")
    assert "Tab one" not in doc.body and "Second tab." in doc.body


def test_indented_code_outside_a_content_tab_stays_code() -> None:
    # A line of "=" alone is a setext heading's underline, not a tab: the indented block after it is
    # code, as is one after a tab's body has ended.
    text = ('Intro\n===\n\n    Deployment in code under a heading.\n\n'
            '=== "Tab"\n\n    Tab prose.\n\nOutside.\n\n    Deployment in code after the tab.\n')
    doc = parse_document(text, "a.md")
    assert doc.headings == ("Intro",)
    assert slices(doc) == ["Tab prose.", "Outside."]
    assert "Deployment" not in doc.body


def test_fenced_code_inside_a_content_tab_stays_code() -> None:
    text = ('=== "Shell"\n\n    Run it:\n\n    ```sh\n    deploy --with [x](y.md)\n    ```\n\n'
            '        indented code in the tab\n\n    Done.\n')
    doc = parse_document(text, "a.md")
    assert slices(doc) == ["Run it:", "Done."]
    assert doc.links == () and "deploy" not in doc.body and "indented" not in doc.body


def test_unclosed_front_matter_is_markdown() -> None:
    doc = parse_document("---\ntitle: x\n", "a.md")
    assert doc.meta == {}
    assert doc.warnings and "never closed" in doc.warnings[0]


def test_thematic_break_later_is_not_front_matter() -> None:
    doc = parse_document("Text\n\n---\n\nMore\n", "a.md")
    assert doc.meta == {} and doc.warnings == ()
    assert slices(doc) == ["Text", "More"]


@pytest.mark.parametrize(
    ("text", "path", "title"),
    [
        (fm("title: From meta"), "a.md", "From meta"),
        ("## Not h1\n\n# First *H1*\n\n# Second\n", "a.md", "First H1"),
        ("First H1\n========\n", "a.md", "First H1"),
        ("No heading here.\n", "docs/getting-started.md", "getting-started"),
        ("No heading.\n", "docs\\win\\page.name.markdown", "page.name"),
        ("No heading.\n", "README", "README"),
        (fm("title: ''"), "x/y.md", "y"),
    ],
)
def test_title_fallbacks(text: str, path: str, title: str) -> None:
    assert parse_document(text, path).title == title


# ---------------------------------------------------------------------------------------------
# Body text
# ---------------------------------------------------------------------------------------------


def test_body_blocks_and_exclusions() -> None:
    text = (
        "# Title\n\n"
        "First *para* with `code` and https://x.org/y and <!-- comment -->.\n\n"
        "- item one\n- item [two](2.md)\n\n"
        "> quoted ![alt words](a.png)\n\n"
        "```\nfenced\n```\n\n"
        "<section>\nhtml block\n</section>\n\n"
        "| h1 | h2 |\n|---|---|\n| c1 | c2 |\n"
    )
    doc = parse_document(text, "a.md")
    assert doc.body == (
        "First para with and and .\n\nitem one\n\nitem two\n\nquoted alt words\n\nh1 h2\n\nc1 c2"
    )


# ---------------------------------------------------------------------------------------------
# decode_page
# ---------------------------------------------------------------------------------------------


def test_decode_page_strips_bom_and_keeps_newlines() -> None:
    assert decode_page("\ufeffa\r\nb\n".encode(), "p.md") == "a\r\nb\n"
    assert decode_page("🎉".encode(), "p.md") == "🎉"


def test_decode_page_invalid_utf8() -> None:
    with pytest.raises(ParseError) as info:
        decode_page(b"abc\xff\xfe", "docs/bad.md")
    assert str(info.value) == "docs/bad.md: not UTF-8 text (invalid byte 0xff at offset 3)"


def test_decode_page_truncated_multibyte() -> None:
    with pytest.raises(ParseError, match=r"invalid byte 0xe2 at offset 2\)$"):
        decode_page(b"ab\xe2\x82", "t.md")


def test_decode_page_binary() -> None:
    with pytest.raises(ParseError, match=r"^img\.md: binary file \(contains NUL bytes\)$"):
        decode_page(b"PNG\x00\x01", "img.md")


# ---------------------------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------------------------

_ATOMS = [
    "[", "]", "(", ")", "`", "*", "_", "#", ">", "-", "|", "!", "<", ">", "\\", "&", ":", "/",
    ".", "~", '"', "=", "\n", "\r\n", "\t", " ", " ", "a", "b", "e", "x", "y", "z", "1", "é",
    "🎉", "中", "e\u0301",
    "[[", "]]", "https://", "www.", "&amp;", "---\n", "```\n", "    ", "[x]: /u\n", "- ", "> ",
    "| a |", "|---|", "**", "[x]", "](", "<x.md>", "<a>", "</a>", "\n\n",
]
markdownish = st.lists(st.sampled_from(_ATOMS), max_size=50).map("".join)
with_front_matter = st.tuples(st.text(max_size=40), markdownish).map(
    lambda parts: f"---\n{parts[0]}\n---\n{parts[1]}"
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(markdownish, st.text(max_size=80), with_front_matter), st.booleans())
def test_parse_document_never_raises(text: str, tables: bool) -> None:
    doc = parse_document(text, "fuzz.md", tables_linkable=tables)
    assert doc.text == text.removeprefix("\ufeff")
    assert not any(warning.startswith("internal error") for warning in doc.warnings)
    assert_invariants(doc)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish, st.booleans())
def test_linkable_spans_are_plain_text(text: str, tables: bool) -> None:
    doc = parse_document(text, "fuzz.md", tables_linkable=tables)
    assert_invariants(doc)
    assert_spans_are_plain_text(doc, tables_linkable=tables)


def test_headings_linkable_option() -> None:
    text = "# Magnesium and sleep\n\nText about magnesium.\n\n## Why **magnesium** helps\n"
    off = parse_document(text, "x.md")
    on = parse_document(text, "x.md", headings_linkable=True)
    assert [text[s.start:s.end] for s in off.linkable] == ["Text about magnesium."]
    got = [text[s.start:s.end] for s in on.linkable]
    assert got == ["Magnesium and sleep", "Text about magnesium.", "Why ", "magnesium", " helps"]
    assert not off.warnings and not on.warnings


def test_wrappable_code_spans() -> None:
    text = "Use `box-shadow` and [`link`](x.md) or `a b` here.\n\n## `Heading`\n\n    code `x`\n\n- item ``fetch()`` end\n"
    doc = parse_document(text, "x.md")
    assert [text[s.start:s.end] for s in doc.wrappable] == ["`box-shadow`", "`a b`", "``fetch()``"]
    for s in doc.wrappable:
        assert not any(s.start < ln.span.end and ln.span.start < s.end for ln in doc.links)
        assert not any(s.start < sp.end and sp.start < s.end for sp in doc.linkable)


def test_obsidian_tags_and_callout_lines_are_never_linkable() -> None:
    # a link inside "#roasting" would break the tag ("#[[Roasting]]"); one in "[!tip]" the callout
    text = ("# Notes\n\nAbout #espresso/roasting and #Roasting tags, issue #123, C# and page#part.\n\n"
            "> [!tip]- Cold brew ratio\n> Use a coarse grind for cold brew.\n\n- > [!note] Magnesium\n  > Body.\n")
    doc = parse_document(text, "a.md")
    assert slices(doc) == ["About ", " and ", " tags, issue #123, C# and page#part.",
                           "Use a coarse grind for cold brew.", "Body."]
    assert_invariants(doc)


def test_mdx_javascript_is_neither_linkable_nor_indexed() -> None:
    """Docusaurus MDX: an import over several lines, an export, {expressions} are JavaScript;
    a <Link to> is a link. Before, apply wrote [Kettle](kettle.md) into the import's braces and
    a link inside <Link>, and "import", "const", "children" were indexed terms of the page."""
    text = ("---\ntitle: Beans\n---\n\nimport {\n  Kettle,\n  Grinder,\n} from '@site/src/components/Gear';\n\n"
            "export const Note = ({children}) => <span>{children}</span>;\n\n"
            "Coffee beans are roasted, then ground in a grinder. It takes {props.minutes} minutes.\n\n"
            "Use the <Link to=\"/docs/grinder\">grinder guide</Link> first.\n")
    doc = parse_document(text, "beans.mdx")
    assert slices(doc) == ["Coffee beans are roasted, then ground in a grinder. It takes ", " minutes.",
                           "Use the ", " first."]
    assert [(lk.kind, lk.target, lk.text) for lk in doc.links] == [("html", "/docs/grinder", "grinder guide")]
    assert not {"import", "kettle", "export", "const", "children", "props", "span"} & set(doc.body.lower().split())
    assert "Coffee beans are roasted" in doc.body and "grinder guide" in doc.body
    # the same lines in a Markdown page are prose as before
    md = parse_document(text, "beans.md")
    assert "Kettle," in md.body


def test_mdx_has_no_indented_code() -> None:
    """MDX 2 and later read indented lines as prose: the body of a <TabItem> indented by 4 spaces
    is text to index and link, while fenced code stays code."""
    text = ("<Tabs>\n  <TabItem value=\"npm\">\n\n    Install the toolkit, then read the deploy guide.\n\n"
            "  </TabItem>\n</Tabs>\n\n```bash\nnpm i toolkit deploy guide\n```\n")
    mdx = parse_document(text, "install.mdx")
    assert slices(mdx) == ["Install the toolkit, then read the deploy guide."]
    assert mdx.body == "Install the toolkit, then read the deploy guide."
    assert slices(parse_document(text, "install.md")) == []  # CommonMark: an indented code block


def test_mkdocs_heading_attributes_and_snippets_are_not_text() -> None:
    doc = parse_document("# Setup { #setup }\n\n## Install {: #install .big }\n\nRead the setup guide.\n\n"
                         '--8<-- "snippets/footer.md"\n', "docs/setup.md")
    assert doc.title == "Setup"
    assert slices(doc) == ["Read the setup guide."]
    assert parse_document("# Use {braces} here\n", "a.md").title == "Use {braces} here"
