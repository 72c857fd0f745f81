from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from linkrec import Anchor, PageReport, Recommender, Settings
from linkrec.markdown import parse_document

WriteSite = Callable[[Path, dict[str, str]], Path]
"""The ``write_site`` fixture (conftest): writes a small hand-made corpus."""

@pytest.fixture
def rec(garden: Path, tmp_path: Path) -> Recommender:
    return Recommender.open(garden, tmp_path / "model")


DRAFT = """---
title: My balcony garden
---

# My balcony garden

This year I grow tomatoes and a few chilli peppers in pots on the balcony. Watering them in
the heat of summer is the hardest part. I also started a small compost heap from kitchen scraps.
My sourdough starter lives on the windowsill next to them.
"""


def _targets(report: PageReport) -> list[str]:
    return [s.target for s in report.links]


def test_draft_gets_the_obvious_links_with_anchors(rec: Recommender) -> None:
    report = rec.suggest(DRAFT, path="balcony.md")
    targets = _targets(report)
    assert set(targets[:4]) == {"tomatoes.md", "veg/peppers.md", "compost.md", "watering.md"} or \
        {"tomatoes.md", "veg/peppers.md", "compost.md"} <= set(targets[:4])
    by_target = {s.target: s for s in report.links}
    assert by_target["tomatoes.md"].anchor is not None
    assert by_target["tomatoes.md"].anchor.text in ("grow tomatoes", "tomatoes")  # title "Growing Tomatoes" stem-matches
    assert by_target["compost.md"].anchor is not None
    assert by_target["compost.md"].anchor.text == "compost heap"
    assert by_target["bread.md"].anchor is not None and by_target["bread.md"].anchor.text == "sourdough"
    for s in report.links:
        assert 0.0 <= s.score <= 1.0 and s.reason
    assert "bikes.md" not in targets[:5]


def test_never_self_never_linked_never_draft(rec: Recommender, garden: Path) -> None:
    page = garden / "watering.md"
    report = rec.suggest_file(page)
    targets = _targets(report)
    assert "watering.md" not in targets
    assert "compost.md" not in targets  # already linked
    assert "secret-draft.md" not in targets
    assert "tomatoes.md" in targets[:3]


def test_existing_links_in_every_form_are_respected(rec: Recommender) -> None:
    text = (
        "Tomatoes [here](tomatoes.md#x), peppers [[Growing Peppers]], compost [c][ref] and sourdough "
        "<https://example.org>.\n\n[ref]: ./compost.md\n"
    )
    targets = _targets(rec.suggest(text, path="note.md"))
    assert not {"tomatoes.md", "veg/peppers.md", "compost.md"} & set(targets)
    assert "bread.md" in targets


def test_anchors_are_exact_and_do_not_overlap(rec: Recommender) -> None:
    report = rec.suggest(DRAFT, path="balcony.md")
    spans = []
    for s in report.links:
        if s.anchor:
            a = s.anchor
            assert DRAFT[a.start:a.end] == a.text
            line_start = DRAFT.rfind("\n", 0, a.start) + 1
            assert DRAFT.count("\n", 0, a.start) + 1 == a.line and a.start - line_start + 1 == a.column
            assert 1 <= len(a.text.split()) <= 6
            spans.append((a.start, a.end))
    spans.sort()
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:]))


def test_target_without_phrase_gets_null_anchor(garden: Path, tmp_path: Path) -> None:
    """The page is about sourdough, but every word naming it sits in a heading or inside a longer
    code span: the target is suggested, with no anchor."""
    rec = Recommender.open(garden, tmp_path / "m")
    text = "# Sourdough starter, flour and oven\n\nSee `sourdough starter flour oven loaf crumb` below.\n"
    report = rec.suggest(text, limit=3)
    bread = next(s for s in report.links if s.target == "bread.md")
    assert bread.anchor is None


def test_min_score_and_limit(rec: Recommender) -> None:
    report = rec.suggest(DRAFT, limit=2)
    assert len(report.links) == 2
    high = rec.suggest(DRAFT, min_score=0.99)
    assert all(s.score >= 0.99 for s in high.links)


def test_missing_keywords_are_stem_aware_and_come_from_neighbours(rec: Recommender) -> None:
    text = "# Tomato notes\n\nI grow tomatoes in pots and water them in the morning. Pots dry out in summer."
    report = rec.suggest(text, keywords=20)
    terms = [k.term for k in report.keywords]
    assert terms, "expected some missing keywords"
    assert not any(t in ("tomato", "tomatoes", "pots", "pot") for t in terms)
    for k in report.keywords:
        assert k.pages and 1 <= len(k.term.split()) <= 3 and 0 < k.score <= 1
        assert not any(ch.isdigit() for ch in k.term)
    # no listed single word is a fragment of a listed phrase
    phrases = [t for t in terms if " " in t]
    assert not any(t in p.split() for t in terms if " " not in t for p in phrases)


def test_deterministic(rec: Recommender) -> None:
    assert rec.suggest(DRAFT).to_dict() == rec.suggest(DRAFT).to_dict()


_alphabet = st.sampled_from(
    ["tomatoes", "compost heap", "sourdough", "peppers", " ", "\n", "\n\n", "`", "```\n", "[", "]", "(", ")",
     "tomatoes.md", "#", "# ", "> ", "- ", "*", "_", "<b>", "</b>", "http://x.org/tomatoes", "[[", "]]", "|",
     "\r\n", "\t", "é", "🍅", "    "]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(_alphabet, max_size=40))
def test_anchors_never_in_excluded_regions(rec: Recommender, parts: list[str]) -> None:
    text = "".join(parts)
    doc = parse_document(text, "x.md")
    report = rec.suggest(text, path="x.md")
    for s in report.links:
        if s.anchor is None:
            continue
        a = s.anchor
        assert text[a.start:a.end] == a.text
        inside_prose = any(sp.start <= a.start and a.end <= sp.end for sp in doc.linkable)
        wraps_code = any(w.start == a.start and w.end == a.end for w in doc.wrappable)
        assert inside_prose or wraps_code
        assert "\n" not in a.text
        for link in doc.links:
            assert a.end <= link.span.start or link.span.end <= a.start


def test_headings_hold_anchors_only_when_allowed(garden: Path, tmp_path: Path) -> None:
    text = "# Notes on sourdough\n\nSome words about flour and water.\n"
    plain = Recommender.open(garden, tmp_path / "m1")
    bread = next(s for s in plain.suggest(text).links if s.target == "bread.md")
    assert bread.anchor is None or bread.anchor.line != 1
    allowed = Recommender.open(garden, tmp_path / "m2", settings=Settings(headings_linkable=True))
    bread = next(s for s in allowed.suggest(text).links if s.target == "bread.md")
    assert bread.anchor is not None and bread.anchor.line == 1 and bread.anchor.text == "sourdough"


def test_link_budget_and_explain(garden: Path, tmp_path: Path) -> None:
    settings = Settings(max_links=2, exclude_targets=("veg/*",))
    rec = Recommender.open(garden, tmp_path / "m", settings=settings)
    report = rec.suggest(DRAFT, path="balcony.md", explain=True)
    assert len(report.links) == 2
    assert all(not s.target.startswith("veg/") for s in report.links)
    rules = {x.target: x.rule for x in report.suppressed or ()}
    assert rules.get("veg/peppers.md") == "exclude_targets"
    assert "max_links" in rules.values()
    assert "suppressed" in report.to_dict() and "suppressed" not in rec.suggest(DRAFT).to_dict()
    skip = Recommender.open(garden, tmp_path / "m3", settings=Settings(skip_sentences=1))
    first_sentence_end = DRAFT.index("balcony.", DRAFT.index("This year")) + len("balcony.")
    for s in skip.suggest(DRAFT, path="balcony.md").links:
        assert s.anchor is None or s.anchor.start >= first_sentence_end


def test_a_link_may_wrap_a_whole_code_span_never_enter_one(garden: Path, tmp_path: Path) -> None:
    rec = Recommender.open(garden, tmp_path / "m")
    text = "Start a `sourdough` loaf, but never break `compost heap tips` apart.\n"
    report = rec.suggest(text, path="note.md")
    by = {s.target: s.anchor for s in report.links}
    assert by["bread.md"] is not None and by["bread.md"].text == "`sourdough`"
    compost = by.get("compost.md")
    assert compost is None or "`" not in compost.text  # the code span holds more than the phrase


def test_reason_names_the_chosen_anchor_when_it_names_the_target(rec: Recommender) -> None:
    import numpy as np

    from linkrec import api, rank
    from linkrec.documents import Mention

    text = "Tomatoes need sun. Later: growing tomatoes in pots."
    title = Mention(0, 0, 8, ("tomato",), "title", 0.9)
    learned = Mention(0, 26, 42, ("grow", "tomato"), "anchor", 0.9)
    feats = np.zeros(len(rank.FEATURES))
    contrib = np.zeros(len(rank.FEATURES))
    contrib[rank.FEATURES.index("mention_name")] = 2.0
    reason = api._reason(rec.index, 0, text, feats, contrib, [], [title, learned], learned)
    assert reason.startswith("mentions “growing tomatoes” (how other pages link to it)")
    # Without a chosen anchor (or with one that names nothing), the best kind of mention is named.
    assert api._reason(rec.index, 0, text, feats, contrib, [], [title, learned]).startswith("mentions “Tomatoes” (its title)")
    # where the strongest evidence is where a mention sits (alone in a list item, among link cues)
    for name in ("mention_item", "mention_cue"):
        contrib = np.zeros(len(rank.FEATURES))
        contrib[rank.FEATURES.index(name)] = 2.0
        assert api._reason(rec.index, 0, text, feats, contrib, [], [title]).startswith("mentions “Tomatoes”"), name


def test_missing_keywords_skip_words_that_only_happen_to_meet(tmp_path: Path) -> None:
    # "alt text" is a phrase (every "alt" is in it); "book widely" is two common words that meet
    # 3 times among 43 uses of each (cohesion 3/43 < MIN_COHESION): only the phrase is a keyword.
    from linkrec import keywords

    corpus = tmp_path / "c"
    corpus.mkdir()
    filler = " ".join(["The book is long.", "Widely read.", "A good book.", "Used widely."] * 5)
    for i in range(3):
        (corpus / f"img{i}.md").write_text(f"# Images {i}\n\nEvery image needs alt text. Write alt text. "
                                           f"The book widely cited says so. {filler}\n")
    (corpus / "other.md").write_text("# Other\n\n" + filler + "\n")
    rec = Recommender.open(corpus, tmp_path / "m")
    index = rec.index
    j = index.vocab["book wide"]
    assert keywords.cohesion(index, "book wide", j) < keywords.MIN_COHESION
    assert keywords.cohesion(index, "alt text", index.vocab["alt text"]) == 1.0
    terms = [k.term for k in rec.suggest("# Pictures\n\nEvery image on the page needs care.", keywords=20).keywords]
    assert "alt text" in terms
    assert not any(t.startswith("book wide") for t in terms)


def test_missing_keywords_prefer_topic_words_to_words_spread_evenly(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # "quokka" is used 4 times in each of 2 pages (a topic); "tiny" once in each of 6 of the 10
    # pages, the page's 3 nearest among them (spread evenly: no topic, though the neighbours use it
    # more than the site does on average).
    import math

    import numpy as np

    from linkrec import keywords

    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(2):
        (corpus / f"island{i}.md").write_text(f"# Island {i}\n\nThe island is a tiny place. "
                                              + "The quokka lives here. " * 4 + "Ferries sail to the island.\n")
    (corpus / "ferry.md").write_text("# Ferry\n\nA tiny ferry sails to the island every day.\n")
    for i in range(3):
        (corpus / f"town{i}.md").write_text(f"# Town {i}\n\nA tiny town with a market and a harbour.\n")
    for i in range(4):
        (corpus / f"farm{i}.md").write_text(f"# Farm {i}\n\nCows and sheep graze on the farm.\n")
    rec = Recommender.open(corpus, tmp_path / "m")
    index = rec.index
    cols = np.array([index.vocab["quokka"], index.vocab["tini"]])
    ridf = keywords.residual_idf(index, cols)
    assert ridf[0] == pytest.approx(math.log2(10 / 2) + math.log2(1 - math.exp(-8 / 10)))
    assert ridf[1] == pytest.approx(math.log2(10 / 6) + math.log2(1 - math.exp(-6 / 10)))
    assert ridf[1] < 0 < ridf[0]
    page = "# Visiting\n\nWe took the ferry to the island and walked around it.\n"
    terms = [k.term for k in rec.suggest(page, keywords=20).keywords]
    assert any("quokka" in t for t in terms) and not any("tiny" in t for t in terms), terms
    monkeypatch.setattr(keywords, "BURSTINESS", 0.0)  # without the factor, the even word is listed
    assert any("tiny" in t for t in [k.term for k in rec.suggest(page, keywords=20).keywords])


def test_reason_counts_inbound_links_in_words(tmp_path: Path) -> None:
    import numpy as np

    from linkrec import api, rank

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "one.md").write_text("# One\n\nOnly [two](two.md) links here.\n")
    (corpus / "two.md").write_text("# Two\n\nSee [three](three.md).\n")
    (corpus / "four.md").write_text("# Four\n\nSee [three](three.md).\n")
    (corpus / "three.md").write_text("# Three\n\nNo links.\n")
    index = Recommender.open(corpus, tmp_path / "m").index
    feats = np.zeros(len(rank.FEATURES))
    contrib = np.zeros(len(rank.FEATURES))
    contrib[rank.FEATURES.index("inbound")] = 2.0
    assert api._reason(index, index.path_ids["two.md"], "", feats, contrib, [], []) == "linked from 1 other page"
    assert api._reason(index, index.path_ids["three.md"], "", feats, contrib, [], []) == "linked from 2 other pages"


def _anchor_in_note(tmp_path: Path, target: str, target_text: str, text: str) -> Anchor | None:
    """The anchor that ``suggest`` gives ``target`` (one page of a two-page corpus) in ``text``."""
    corpus = tmp_path / "c"
    corpus.mkdir(parents=True)
    (corpus / target).write_text(target_text)
    (corpus / "other.md").write_text("# Other\n\nNothing about this here.\n")
    by = {s.target: s.anchor for s in Recommender.open(corpus, tmp_path / "m").suggest(text, path="note.md").links}
    return by[target]


def test_an_anchor_never_cuts_a_quotation_in_two(tmp_path: Path) -> None:
    text = 'Some buy a "catastrophic" health plan. A catastrophic plan covers little.\n'
    anchor = _anchor_in_note(tmp_path, "catastrophic-health-plan.md", "# Catastrophic health plan\n\n"
                             "A catastrophic health plan has low premiums and a high deductible.\n", text)
    assert anchor is not None  # another place is found, not the one across the closing quote
    assert '"' not in anchor.text, anchor.text


def test_reason_quotes_a_mention_with_its_quotation_marks_paired(tmp_path: Path) -> None:
    # The only mention of the title runs across a closing quote; the reason quotes it whole.
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "catastrophic-health-plan.md").write_text(
        "# Catastrophic health plan\n\nA catastrophic health plan has low premiums and a high deductible.\n")
    (corpus / "other.md").write_text("# Other\n\nNothing about this here.\n")
    text = 'Some buy what is called a "catastrophic" health plan.\n'
    found = Recommender.open(corpus, tmp_path / "m").suggest(text, path="note.md").links
    reason = {s.target: s.reason for s in found}["catastrophic-health-plan.md"]
    assert 'mentions “"catastrophic" health plan” (its title)' in reason, reason


def test_reason_spells_shared_terms_as_the_page_writes_them(tmp_path: Path) -> None:
    # The site mostly writes "available"; the page writes "availability": the reason quotes the page.
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "sharing.md").write_text("# Sharing\n\nWrite a data availability statement. " + "Data is available. " * 6 + "\n")
    (corpus / "other.md").write_text("# Other\n\nGardening and bread.\n")
    rec = Recommender.open(corpus, tmp_path / "m")
    assert rec.index.surface("avail") == "available"
    report = rec.suggest("# Paper\n\nOur paper has a data availability statement.\n", path="paper.md")
    reason = next(s.reason for s in report.links if s.target == "sharing.md")
    assert "shares" in reason and "availability" in reason and "available" not in reason, reason


def test_an_anchor_never_cuts_a_compound_word(tmp_path: Path) -> None:
    text = "Plans cap out-of-pocket costs. Your pocket costs fall.\n"
    # the target's name holds the whole compound: the anchor takes it in
    anchor = _anchor_in_note(tmp_path / "a", "lower-costs.md", "# Lower out-of-pocket costs\n\n"
                             "Pocket costs are what you pay yourself. Pocket costs add up.\n", text)
    assert anchor is not None and anchor.text == "out-of-pocket costs", anchor
    # it does not ("out of" says more than "Pocket costs"): the other place, not a cut word
    anchor = _anchor_in_note(tmp_path / "b", "pocket-costs.md", "# Pocket costs\n\n"
                             "Pocket costs are what you pay yourself. Pocket costs add up.\n", text)
    assert anchor is not None and (anchor.start, anchor.text) == (text.index("pocket costs fall"), "pocket costs")


def test_a_weaker_phrase_is_listed_beside_its_word(tmp_path: Path) -> None:
    # "cramps" is the stronger keyword of the neighbours; "calf cramps", a narrower one, follows
    # it instead of being dropped as a repeat.
    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(2):
        (corpus / f"cramps{i}.md").write_text(
            f"# Night {i}\n\nCramps wake you. Cramps hurt. Cramps pass. Calf cramps are common, calf cramps "
            "pass. Rest helps.\n")
    for i in range(8):
        (corpus / f"other{i}.md").write_text(f"# Other {i}\n\nGardening and bread.\n")
    rec = Recommender.open(corpus, tmp_path / "m")
    terms = [k.term for k in rec.suggest("# Spasms\n\nRest helps at night.\n", keywords=10).keywords]
    assert "cramps" in terms and "calf cramps" in terms, terms
    assert terms.index("cramps") < terms.index("calf cramps")


def test_a_page_linked_by_relref_or_html_anchor_is_not_suggested_again(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    (corpus / "docs").mkdir(parents=True)
    (corpus / "docs" / "install.md").write_text("# Installation Guide\n\nInstall the tool with pip.\n")
    (corpus / "plugins.md").write_text("# Plugin Directory\n\nEvery plugin we know of.\n")
    (corpus / "other.md").write_text("# Other\n\nNothing here.\n")
    text = ("Read the Installation Guide and the Plugin Directory.\n\n"
            "Links: [setup]({{< relref \"docs/install.md\" >}}), <a href=\"../plugins.md\">plugins</a>.\n")
    rec = Recommender.open(corpus, tmp_path / "m")
    unlinked = {s.target for s in rec.suggest(text.split("\n\n")[0] + "\n", path=corpus / "docs" / "page.md").links}
    assert {"docs/install.md", "plugins.md"} <= unlinked  # both are named in the page
    linked = {s.target for s in rec.suggest(text, path=corpus / "docs" / "page.md").links}
    assert not linked & {"docs/install.md", "plugins.md"}, linked


def test_a_page_linked_inside_a_content_tab_is_not_suggested_again(tmp_path: Path, write_site: WriteSite) -> None:
    corpus = write_site(tmp_path / "c", {"install.md": "# Installation Guide\n\nInstall the tool with pip.\n",
                                         "other.md": "# Other\n\nNothing here.\n"})
    rec = Recommender.open(corpus, tmp_path / "m")
    text = 'Read the Installation Guide.\n\n=== "pip"\n\n    Follow [the steps](install.md).\n'
    assert "install.md" in {s.target for s in rec.suggest(text.split("\n\n")[0] + "\n", path="page.md").links}
    assert "install.md" not in {s.target for s in rec.suggest(text, path="page.md").links}


def test_a_title_mentioned_in_a_content_tab_gets_an_exact_anchor(tmp_path: Path, write_site: WriteSite) -> None:
    # Mentions in code (indented code outside the tab, a fence inside it) never take the anchor.
    corpus = write_site(tmp_path / "c", {"plugins.md": "# Plugin Directory\n\nEvery plugin we know of.\n",
                                         "other.md": "# Other\n\nNothing here.\n"})
    rec = Recommender.open(corpus, tmp_path / "m")
    text = ('# Extending\n\n    Plugin Directory in indented code\n\n=== "Browse"\n\n'
            '    ```text\n    Plugin Directory in a fence\n    ```\n\n'
            '    - Open the Plugin Directory to browse.\n')
    anchor = {s.target: s.anchor for s in rec.suggest(text, path="page.md").links}["plugins.md"]
    start = text.index("Plugin Directory to browse")
    assert anchor is not None and text[anchor.start:anchor.end] == anchor.text == "Plugin Directory"
    assert (anchor.start, anchor.end, anchor.line, anchor.column) == (start, start + 16, 11, 16)


def test_a_draft_outside_the_corpus_resolves_its_links_from_where_it_is(tmp_path: Path) -> None:
    corpus = tmp_path / "site"
    corpus.mkdir()
    (corpus / "kettle.md").write_text("# Kettle\n\nA kettle boils water for tea.\n")
    (corpus / "teapot.md").write_text("# Teapot\n\nA teapot brews tea.\n")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    draft = drafts / "d.md"
    draft.write_text("I boil water in [the kettle](../site/kettle.md), then use the teapot and the kettle.\n")
    rec = Recommender.open(corpus, tmp_path / "m")
    found = {s.target for s in rec.suggest_file(draft).links}
    assert "teapot.md" in found and "kettle.md" not in found, found


def test_without_learning_a_shared_term_in_the_targets_title_is_its_anchor(tmp_path: Path) -> None:
    # A one-word mention of a two-word title ("magnesium" for "Magnesium Benefits") is only a
    # shared term; among the shared terms, the one in the target's title is the anchor, not
    # the page's own subject ("Potassium", the first shared term).
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "potassium.md").write_text("# Potassium\n\nPotassium supports muscle function, and magnesium helps too.\n")
    (corpus / "magnesium.md").write_text(
        "# Magnesium Benefits\n\nMagnesium relaxes muscles. Potassium and magnesium work together for muscle function.\n")
    (corpus / "sleep.md").write_text("# Sleep\n\nGood sleep needs magnesium and a calm mind.\n")
    (corpus / "bread.md").write_text("# Bread\n\nBake bread with flour and water.\n")
    rec = Recommender.open(corpus, tmp_path / "m")
    anchors = {s.target: s.anchor for s in rec.suggest_file(corpus / "potassium.md").links}
    assert anchors["magnesium.md"] is not None and anchors["magnesium.md"].text == "magnesium"


def test_a_title_saved_composed_is_found_in_decomposed_text(tmp_path: Path) -> None:
    import unicodedata

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "cafe.md").write_text("# Café Society\n\nThe history of the café society in Paris.\n")
    (corpus / "other.md").write_text("# Other\n\nNothing about this here.\n")
    text = unicodedata.normalize("NFD", "Notes on the Café Society and its salons.\n")
    found = {s.target: s for s in Recommender.open(corpus, tmp_path / "m").suggest(text, path="note.md").links}
    anchor = found["cafe.md"].anchor
    assert anchor is not None and unicodedata.normalize("NFC", anchor.text) == "Café Society"
    assert text[anchor.start:anchor.end] == anchor.text  # offsets into the text as given
    assert "its title" in found["cafe.md"].reason


def test_offsets_index_a_buffer_given_with_a_byte_order_mark(rec: Recommender) -> None:
    plain = rec.suggest(DRAFT).links
    marked = rec.suggest("\ufeff" + DRAFT).links
    assert [s.target for s in marked] == [s.target for s in plain]
    buffer = "\ufeff" + DRAFT
    for a, b in zip(plain, marked):
        if a.anchor is None:
            assert b.anchor is None
            continue
        assert b.anchor is not None and buffer[b.anchor.start:b.anchor.end] == b.anchor.text == a.anchor.text
        assert b.anchor.start == a.anchor.start + 1 and b.anchor.line == a.anchor.line


def test_a_target_named_thousands_of_times_is_placed_among_its_first_places(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from linkrec import features

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "dashboard.md").write_text("# Monitoring Dashboard\n\nThe dashboard shows cluster health.\n")
    (corpus / "other.md").write_text("# Other\n\nNothing about this here.\n")
    rec = Recommender.open(corpus, tmp_path / "m")
    text = "# Log\n\n" + "The Monitoring Dashboard said ok. " * 40 + "\n"
    page = features.analyse_page(rec.index, text, corpus_rel=None, display="log.md", settings=rec.settings)
    target = rec.index.path_ids["dashboard.md"]
    monkeypatch.setattr(features, "MAX_PLACES", 5)
    ms, _ = features.anchor_candidates(rec.index, page, target)
    starts = sorted({m.start for m in ms})
    assert len(starts) == 5 and starts[0] == text.index("Monitoring")  # the earliest five places
    anchor = {s.target: s.anchor for s in rec.suggest(text, path="log.md").links}["dashboard.md"]
    assert anchor is not None and anchor.start == text.index("Monitoring Dashboard")


def test_a_link_to_a_file_name_with_hash_or_question_mark_is_recognised(tmp_path: Path, write_site: WriteSite) -> None:
    corpus = write_site(tmp_path / "c", {"c#sharp.md": "# C sharp\n\nThe C sharp language.\n",
                                    "faq?.md": "# Questions\n\nQuestions we hear often.\n",
                                    "other.md": "# Other\n\nNothing here.\n"})
    rec = Recommender.open(corpus, tmp_path / "m")
    linked = "See [C sharp](c%23sharp.md) and [FAQ](faq%3F.md). C sharp and Questions.\n"
    named = {"c#sharp.md", "faq?.md"}
    assert named <= {s.target for s in rec.suggest("C sharp and Questions.\n", path="p.md").links}
    assert not named & {s.target for s in rec.suggest(linked, path="p.md").links}


def test_myst_ref_and_term_roles_link_to_the_page_defining_the_label(tmp_path: Path, write_site: WriteSite) -> None:
    from linkrec.sitereport import build_report

    corpus = write_site(tmp_path / "book", {
        "setup.md": "(setup-label)=\n# Installation Guide\n\nInstall the tool with pip.\n",
        "glossary.md": "# Glossary\n\n```{glossary}\nOpen Data\n  Data anyone may use.\n```\n",
        "open.md": "# Open Data\n\nOpen data anyone may use and share.\n",
        "other.md": "# Other\n\nNothing here.\n",
        "intro.md": "# Intro\n\nRead the Installation Guide ({ref}`setup <setup-label>`) and the Open Data "
                    "entry {term}`Open Data`, then [the guide](setup-label) and {ref}`missing-label`.\n",
    })
    page = corpus / "intro.md"
    rec = Recommender.open(corpus, tmp_path / "m")
    found = {s.target for s in rec.suggest_file(page).links}
    assert "setup.md" not in found and "glossary.md" not in found
    assert "open.md" in found  # named, not linked: the term links to the glossary page
    intro = {p.path: p for p in build_report(rec, min_score=0.5).pages}["intro.md"]
    assert set(intro.links_to) == {"setup.md", "glossary.md"}
    assert [(b.target, b.reason) for b in intro.broken] == [("missing-label", "no such label or term")]
    # The label moves to another page: the refreshed model follows it.
    (corpus / "setup.md").write_text("# Installation Guide\n\nInstall the tool with pip.\n")
    (corpus / "other.md").write_text("(setup-label)=\n# Other\n\nNothing here.\n")
    rec = Recommender.open(corpus, tmp_path / "m")
    assert {rec.index.records[int(j)].path for j in rec.index.out_links[rec.index.path_ids["intro.md"]]} == \
        {"other.md", "glossary.md"}


def test_the_api_reads_the_config_file_and_refreshes_a_long_lived_recommender(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_site: WriteSite) -> None:
    site = write_site(tmp_path / "site", {
        "linkrec.toml": 'exclude_targets = ["potassium.md"]\n',
        "pages/potassium.md": "# Potassium\n\nPotassium helps muscles.\n",
        "pages/magnesium.md": "# Magnesium\n\nMagnesium helps sleep.\n",
        "pages/sleep.md": "# Sleep\n\nSleep well.\n",
        "pages/bread.md": "# Bread\n\nBake bread.\n",
    })
    corpus = site / "pages"
    monkeypatch.chdir(tmp_path)
    rec = Recommender.open("site/pages", "site/.model")  # relative paths, no settings given
    assert rec.settings.exclude_targets == ("potassium.md",)  # from site/linkrec.toml
    buffer = "Potassium, magnesium and sleep.\n"
    assert {s.target for s in rec.suggest(buffer).links} == {"magnesium.md", "sleep.md"}
    monkeypatch.chdir(site)  # a later change of directory changes nothing
    assert {s.target for s in rec.suggest(buffer).links} == {"magnesium.md", "sleep.md"}
    assert rec.refresh() is False  # nothing changed on disk
    (corpus / "sleep.md").rename(corpus / "better-sleep.md")
    (corpus / "magnesium.md").unlink()
    (corpus / "calcium.md").write_text("# Calcium\n\nCalcium for bones.\n")
    assert rec.refresh() is True
    found = {s.target for s in rec.suggest(buffer + "Calcium too.\n").links}
    assert found == {"better-sleep.md", "calcium.md"}, found


def test_the_api_finds_the_configs_model_and_refresh_sees_another_process_refresh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_site: WriteSite) -> None:
    site = write_site(tmp_path / "site", {"linkrec.toml": 'model = ".linkrec/model"\n',
                                     "pages/alpha.md": "# Alpha\n\nAlpha text.\n",
                                     "pages/beta.md": "# Beta\n\nBeta text.\n"})
    corpus = site / "pages"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    rec = Recommender.open(corpus)  # no model folder given: the config's
    assert rec.model == site / ".linkrec" / "model" and (rec.model / "manifest.json").exists()
    (corpus / "alpha.md").write_text("# Alpha\n\nAlpha text, changed.\n")
    Recommender.open(corpus)  # another process refreshes the shared model first
    assert rec.refresh() is True  # this recommender's pages did change
    assert rec.refresh() is False


def _count_model_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count reads of a model payload (every load of a saved model goes through joblib.load)."""
    from linkrec import store

    loads: list[str] = []
    real = store.joblib.load

    def counting(path: object, *args: object, **kwargs: object) -> object:
        loads.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(store.joblib, "load", counting)
    return loads


def _rebuild_in_another_process(corpus: str, model: str) -> None:
    from linkrec import api

    api.index_corpus(Path(corpus), model=Path(model), settings=Settings())


def test_refresh_with_nothing_changed_does_not_load_the_model_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_site: WriteSite) -> None:
    corpus = write_site(tmp_path / "c", {"tea.md": "# Tea\n\nGreen tea.\n", "coffee.md": "# Coffee\n\nEspresso.\n",
                                         "water.md": "# Water\n\nDrink water.\n"})
    rec = Recommender.open(corpus, tmp_path / "m")  # builds and saves the model
    loads = _count_model_loads(monkeypatch)
    index = rec.index
    assert rec.refresh() is False and rec.refresh() is False
    assert loads == [] and rec.index is index
    (corpus / "tea.md").write_bytes((corpus / "tea.md").read_bytes())  # touched, same bytes
    assert rec.refresh() is False and loads == [] and rec.index is index
    opened = Recommender.open(corpus, tmp_path / "m")  # a recommender that loaded the saved model
    assert len(loads) == 1
    assert opened.refresh() is False and len(loads) == 1


def test_refresh_picks_up_a_changed_page_then_does_not_load_its_own_save_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_site: WriteSite) -> None:
    corpus = write_site(tmp_path / "c", {"tea.md": "# Tea\n\nGreen tea.\n", "coffee.md": "# Coffee\n\nEspresso.\n",
                                         "water.md": "# Water\n\nDrink water.\n"})
    rec = Recommender.open(corpus, tmp_path / "m")
    loads = _count_model_loads(monkeypatch)
    buffer = "Zinc and cocoa with breakfast.\n"
    assert "water.md" not in {s.target for s in rec.suggest(buffer).links}
    (corpus / "water.md").write_text("# Zinc\n\nZinc is a mineral.\n")
    assert rec.refresh() is True
    assert not loads  # refreshed from the model it holds, which is the one saved
    assert "water.md" in {s.target for s in rec.suggest(buffer).links}
    assert rec.index.records[rec.index.path_ids["water.md"]].title == "Zinc"
    loaded = len(loads)
    assert rec.refresh() is False and len(loads) == loaded  # the model it saved is the one it holds
    (corpus / "cocoa.md").write_text("# Cocoa\n\nHot cocoa.\n")
    (corpus / "coffee.md").unlink()
    assert rec.refresh() is True
    assert {r.path for r in rec.index.records} == {"cocoa.md", "tea.md", "water.md"}


def test_refresh_loads_a_model_another_process_rebuilt_though_no_page_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_site: WriteSite) -> None:
    import multiprocessing

    corpus = write_site(tmp_path / "c", {"tea.md": "# Tea\n\nGreen tea.\n", "coffee.md": "# Coffee\n\nEspresso.\n",
                                         "water.md": "# Water\n\nDrink water.\n"})
    model = tmp_path / "m"
    rec = Recommender.open(corpus, model)
    payload = next(model.glob("index-*.joblib")).name
    proc = multiprocessing.get_context("spawn").Process(target=_rebuild_in_another_process,
                                                        args=(str(corpus), str(model)))
    proc.start()
    proc.join(120)
    assert proc.exitcode == 0
    assert next(model.glob("index-*.joblib")).name != payload  # the shared model was saved again
    loads = _count_model_loads(monkeypatch)
    index = rec.index
    assert rec.refresh() is False  # the same pages
    assert len(loads) == 1 and rec.index is not index  # but the other process's model is now the one held
    assert rec.refresh() is False and len(loads) == 1


def test_no_anchor_takes_part_of_a_title_it_cannot_take_whole(tmp_path: Path, write_site: WriteSite) -> None:
    corpus = write_site(tmp_path / "c", {"grinder.md": "# Burr Grinder\n\nA burr grinder crushes coffee beans evenly.\n",
                                    "tea.md": "# Tea\n\nTea guide.\n", "other.md": "# Other\n\nNothing here.\n"})
    rec = Recommender.open(corpus, tmp_path / "m")
    beside = "Read the [tea guide](tea.md) burr grinder notes before espresso.\n"  # the whole title touches a link
    anchor = {s.target: s.anchor for s in rec.suggest(beside, path="p.md").links}.get("grinder.md")
    assert anchor is None or anchor.text.lower() == "burr grinder", anchor
    (corpus / ".linkrec-ignore").write_text('anchor "burr grinder"\n')
    plain = "The burr grinder must be clean.\n"
    anchor = {s.target: s.anchor for s in Recommender.open(corpus, tmp_path / "m").suggest(plain).links}.get("grinder.md")
    assert anchor is None, anchor  # not "burr" nor "grinder" alone


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_anchor_lines_and_columns_follow_any_line_ending(rec: Recommender, newline: str) -> None:
    # an editor counts a lone CR (old Mac files) as a line end, as CommonMark does
    lf = rec.suggest(DRAFT).links
    buffer = DRAFT.replace("\n", newline)
    other = rec.suggest(buffer).links
    assert [s.target for s in other] == [s.target for s in lf]
    lines = buffer.splitlines(keepends=True)
    placed = [(a.anchor, b.anchor) for a, b in zip(lf, other) if a.anchor is not None]
    assert placed
    for a, b in placed:
        assert b is not None and buffer[b.start:b.end] == b.text == a.text
        assert (b.line, b.column) == (a.line, a.column)
        assert lines[b.line - 1][b.column - 1:].startswith(b.text)


def test_a_page_opened_through_a_symbolic_link_is_that_corpus_page(tmp_path: Path, write_site: WriteSite) -> None:
    corpus = write_site(tmp_path / "c", {"tea.md": "# Green Tea\n\nGreen tea and oolong.\n",
                                         "oolong.md": "# Oolong\n\nOolong is a tea, like green tea.\n"})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "tea.md").symlink_to(corpus / "tea.md")
    (tmp_path / "site").symlink_to(corpus)  # the corpus folder reached by another name
    (corpus / "loop").symlink_to(corpus)  # a folder link inside the corpus (not scanned)
    rec = Recommender.open(corpus, tmp_path / "m")
    assert sorted(rec.index.path_ids) == ["oolong.md", "tea.md"]
    for path in (outside / "tea.md", tmp_path / "site" / "tea.md", corpus / "loop" / "tea.md"):
        assert rec.corpus_path(path) == "tea.md"
        targets = {s.target for s in rec.suggest_file(path).links}
        assert "oolong.md" in targets and "tea.md" not in targets  # not suggested to itself
    assert rec.corpus_path(outside) is None


def test_another_version_of_the_page_or_of_a_suggestion_is_not_suggested(tmp_path: Path,
                                                                        write_site: WriteSite) -> None:
    install = ("# Installation\n\nInstall the widget with the package manager, then run the setup command "
               "and check the widget configuration. See Troubleshooting when the setup fails.\n")
    trouble = ("# Troubleshooting\n\nWhen the widget setup fails, read the error log, check the configuration "
               "file and reinstall the package.\n")
    corpus = write_site(tmp_path / "c", {
        "docs/installation.md": install, "docs/troubleshooting.md": trouble,
        "versioned_docs/v1/installation.md": install.replace("widget", "widget 1.0"),
        "versioned_docs/v1/troubleshooting.md": trouble.replace("widget", "widget 1.0"),
        "docs/configuration.md": "# Configuration\n\nThe widget reads its configuration file at start.\n"})
    rec = Recommender.open(corpus, tmp_path / "m")
    report = rec.suggest_file(corpus / "docs/installation.md", explain=True)
    targets = [s.target for s in report.links]
    assert "docs/troubleshooting.md" in targets and "docs/configuration.md" in targets
    assert "versioned_docs/v1/installation.md" not in targets  # the page's own old version
    assert "versioned_docs/v1/troubleshooting.md" not in targets  # a suggestion's old version
    assert {(s.target, s.rule) for s in report.suppressed or ()} >= {
        ("versioned_docs/v1/installation.md", "copy"), ("versioned_docs/v1/troubleshooting.md", "copy")}


def test_an_embedded_note_is_a_link_to_it(tmp_path: Path, write_site: WriteSite) -> None:
    from linkrec import sitereport

    corpus = write_site(tmp_path / "vault", {
        "Cold brew.md": "# Cold brew\n\nCold brew steeps coarse coffee in cold water overnight.\n",
        "Roasting.md": "# Roasting\n\nLight and dark roasting change the coffee.\n",
        "Coffee.md": ("# Coffee\n\nMy notes on cold brew and roasting.\n\n![[Cold brew]]\n\n![[photo.png]]\n\n"
                      "![[Missing note]]\n"),
    })
    rec = Recommender.open(corpus, tmp_path / "m")
    targets = {s.target for s in rec.suggest_file(corpus / "Coffee.md").links}
    assert "Roasting.md" in targets and "Cold brew.md" not in targets  # already embedded
    coffee = rec.index.path_ids["Coffee.md"]
    assert [rec.index.records[int(t)].path for t in rec.index.out_links[coffee]] == ["Cold brew.md"]
    report = sitereport.build_report(rec, min_score=0.5)
    broken = [(b.target, b.reason) for p in report.pages for b in p.broken]
    assert broken == [("Missing note", "no such note")]  # the image is no note


def test_a_file_link_to_a_page_is_not_suggested_beside_it(tmp_path: Path, write_site: WriteSite) -> None:
    # a file link (symlink) is listed as a page of its own, so that links through it resolve; as a
    # copy of the page (or of a better-ranked suggestion) it is never suggested
    corpus = write_site(tmp_path / "c", {
        "magnesium.md": "# Magnesium\n\nMagnesium relaxes muscles; potassium helps too.\n",
        "potassium.md": "# Potassium\n\nPotassium and magnesium keep muscles calm. See [Mg](mg.md).\n",
        "cramps.md": "# Cramps\n\nCramps ease with magnesium and potassium and stretching.\n"})
    (corpus / "mg.md").symlink_to("magnesium.md")
    rec = Recommender.open(corpus, tmp_path / "m")
    assert int(rec.index.path_ids["mg.md"]) in rec.index.out_links[rec.index.path_ids["potassium.md"]].tolist()
    own = [s.target for s in rec.suggest_file(corpus / "magnesium.md").links]
    assert "mg.md" not in own  # its own copy
    other = [s.target for s in rec.suggest_file(corpus / "cramps.md").links]
    assert "magnesium.md" in other or "mg.md" in other
    assert not {"magnesium.md", "mg.md"} <= set(other)  # one of the two, not both


def test_inbound_offers_no_copy_of_the_page_as_a_source(tmp_path: Path, write_site: WriteSite) -> None:
    install = ("# Installation\n\nInstall the widget with the package manager, then run the setup command "
               "and check the widget configuration file.\n")
    corpus = write_site(tmp_path / "c", {
        "v2/install.md": install, "v1/install.md": install.replace("widget", "widget 1.0"),
        "v2/guide.md": "# Guide\n\nBefore anything, follow the Installation steps for the widget package.\n"})
    rec = Recommender.open(corpus, tmp_path / "m")
    sources = [s.source for s in rec.inbound_file(corpus / "v2/install.md").links]
    assert "v2/guide.md" in sources and "v1/install.md" not in sources  # suggest never offers that pair
    assert "v2/install.md" not in [s.target for s in rec.suggest_file(corpus / "v1/install.md").links]


def test_links_written_under_the_sites_path_count_as_links(tmp_path: Path, write_site: WriteSite) -> None:
    """A Docusaurus docs folder links its pages as /docs/...: those links are recognised without
    configuration, so the linked pages are not suggested again and the report finds none broken."""
    from linkrec.sitereport import build_report

    body = "Install the toolkit, then configure the toolkit server and deploy the toolkit.\n"
    site = write_site(tmp_path / "docs", {
        "intro.md": "# Intro\n\n" + body + "See [install](/docs/install), [configure](/docs/configure.md) and "
                    "[deploy](/docs/deploy/).\n",
        "install.md": "# Install\n\nInstall the toolkit with pip. Then [configure](/docs/configure).\n" + body,
        "configure.md": "# Configure\n\nConfigure the toolkit server with a file.\n" + body,
        "deploy.md": "# Deploy\n\nDeploy the toolkit server to production.\n" + body,
    })
    rec = Recommender.open(site, tmp_path / "model")
    assert {s.target for s in rec.suggest_file(site / "intro.md").links}.isdisjoint(
        {"install.md", "configure.md", "deploy.md"})
    report = build_report(rec, min_score=0.5)
    assert report.totals.broken_links == 0 and report.totals.links == 4


def test_mdx_pages_are_pages_by_default(tmp_path: Path, write_site: WriteSite) -> None:
    """A Docusaurus site writes MDX: its pages are indexed, linked and suggested without configuration."""
    site = write_site(tmp_path / "docs", {
        "intro.mdx": "---\ntitle: Getting started\n---\nimport Tabs from '@theme/Tabs';\n\n"
                     "Install the toolkit, read the [configuration](./configure.mdx), then the deploy guide.\n",
        "configure.mdx": "# Configuration\n\nConfigure the toolkit with a file before the deploy guide.\n",
        "deploy.md": "# Deploy guide\n\nDeploy the toolkit to production servers.\n",
    })
    rec = Recommender.open(site, tmp_path / "model")
    assert {r.path for r in rec.index.records} == {"intro.mdx", "configure.mdx", "deploy.md"}
    links = rec.suggest_file(site / "intro.mdx").links
    assert [s.target for s in links][:1] == ["deploy.md"] and "configure.mdx" not in {s.target for s in links}
    assert any(s.target == "intro.mdx" for s in rec.suggest_file(site / "deploy.md").links) or \
        any(s.source == "intro.mdx" for s in rec.inbound_file(site / "deploy.md").links)


def test_site_path_found_after_a_page_changes(tmp_path: Path, write_site: WriteSite) -> None:
    """The site path comes from all pages' links: when an edit adds the link that reveals it, the
    other pages' /docs/ links resolve too, though those pages did not change."""
    body = "Install the toolkit, then configure the toolkit server and deploy the toolkit.\n"
    site = write_site(tmp_path / "docs", {
        "intro.md": "# Intro\n\n" + body + "See [install](/docs/install).\n",
        "install.md": "# Install\n\n" + body + "Then [configure](/docs/configure).\n",
        "configure.md": "# Configure\n\n" + body,
        "deploy.md": "# Deploy\n\n" + body,
    })
    rec = Recommender.open(site, tmp_path / "model")
    assert rec.index.inbound[rec.index.path_ids["install.md"]] == 0  # two links: no evidence of a site path
    (site / "deploy.md").write_text("# Deploy\n\n" + body + "After [configure](/docs/configure).\n")
    rec.refresh()
    index = rec.index
    assert index.inbound[index.path_ids["install.md"]] == 1 and index.inbound[index.path_ids["configure.md"]] == 2
    fresh = Recommender.open(site, tmp_path / "model2").index
    assert [a.tolist() for a in fresh.out_links] == [a.tolist() for a in index.out_links]


def test_a_copy_of_a_page_already_linked_is_not_suggested(tmp_path: Path, write_site: WriteSite) -> None:
    """A symbolic link to a page is a second page with the same text: when the page already links
    the original, the copy is no suggestion (rule "copy")."""
    site = write_site(tmp_path / "site", {
        "kettle.md": "# Kettle Guide\n\nA gooseneck kettle pours water slowly for pour-over coffee brewing.\n",
        "grinder.md": "# Grinder\n\nA burr grinder for pour-over coffee. See the [kettle guide](kettle.md) "
                      "for the gooseneck kettle and its slow pour of water.\n",
        "beans.md": "# Beans\n\nFresh coffee beans for brewing.\n",
    })
    (site / "sub").mkdir()
    (site / "sub" / "copy.md").symlink_to(site / "kettle.md")
    rec = Recommender.open(site, tmp_path / "model")
    report = rec.suggest_file(site / "grinder.md", explain=True)
    assert "sub/copy.md" not in {s.target for s in report.links}
    assert ("sub/copy.md", "copy") in {(s.target, s.rule) for s in report.suppressed or ()}


def test_plugin_friendly_arguments(rec: Recommender) -> None:
    """Lists are accepted where settings take sequences; a count that is no whole number is refused
    with a clear error, not rounded (limit=2.5 gave 3 links) nor a TypeError."""
    from linkrec import LinkrecError

    assert Settings(ignore=["drafts/*"], extensions=[".md"]) == Settings(ignore=("drafts/*",), extensions=(".md",))
    for bad in (2.5, "3", True):
        with pytest.raises(LinkrecError, match="whole numbers"):
            rec.suggest(DRAFT, path="balcony.md", limit=bad)  # type: ignore[arg-type]
