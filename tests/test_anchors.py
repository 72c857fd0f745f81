"""Anchor phrases: partial title matches."""

from __future__ import annotations

from linkrec import analysis
from linkrec import anchors as anchors_mod


def _run(text: str) -> list[anchors_mod.Word]:
    return [anchors_mod.Word(s, e, w, analysis.stem(w), analysis.light_stem(w))
            for s, e, w in analysis.word_spans(text, 0, len(text))]


def _partials(text: str, title: str) -> list[str]:
    weights = {analysis.stem(w): 1.0 for w in analysis.words(title) if analysis.is_content_word(w)}
    words = frozenset(analysis.words(title))
    ms = anchors_mod.partial_title_mentions([_run(text)], 7, weights, text, title_words=words)
    return [text[m.start:m.end] for m in ms]


def test_partial_title_match_keeps_order_and_small_title_words() -> None:
    text = "Use the template for planning book dashes before the event."
    found = _partials(text, "Issue Template for Planning Book Dashes")
    assert "template for planning book dashes" in found  # "for" is a word of the title
    assert all(m.target == 7 for m in anchors_mod.partial_title_mentions(
        [_run(text)], 7, {analysis.stem("template"): 1.0, analysis.stem("planning"): 1.0}, text))


def test_partial_title_match_is_not_title_words_scattered_over_a_sentence() -> None:
    text = "We ask researchers to make their data open."
    assert _partials(text, "Research Data") == []  # three words between "researchers" and "data"
    assert _partials("We publish research and data openly.", "Research Data") == ["research and data"]
