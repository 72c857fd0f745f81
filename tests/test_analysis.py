from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from linkrec import analysis


def test_terms_stem_and_bigrams() -> None:
    assert analysis.terms("Muscle cramps and the heat") == ["muscl", "cramp", "muscl cramp", "heat"]


def test_terms_skip_numbers_and_stop_words_and_break_bigrams_at_lines() -> None:
    got = analysis.terms("take 400 mg\nmagnesium is the best")
    assert "400" not in got and "the" not in got
    assert "mg magnesium" not in got  # no bigram across a line break


def test_stem_handles_possessive_and_plural() -> None:
    assert analysis.stem("magnesium's") == analysis.stem("magnesium")
    assert analysis.stem("cramps") == analysis.stem("cramp")


def test_phrase_key_keeps_stop_words_in_order() -> None:
    assert analysis.phrase_key("Adrenal Fatigue and Stress") == ("adrenal", "fatigue", "and", "stress")
    assert analysis.phrase_key("Magnesium's cramps") == analysis.phrase_key("magnesium cramp")
    # light stemming never conflates different words the way Snowball does
    assert analysis.stem("operator") == analysis.stem("operating")
    assert analysis.phrase_key("operator") != analysis.phrase_key("operating")


def test_word_spans_are_offsets_into_text() -> None:
    text = "xx Café’s menu"
    spans = list(analysis.word_spans(text, 3))
    assert [text[s:e] for s, e, _ in spans] == ["Café’s", "menu"]


def test_terms_pair_no_words_across_clause_marks() -> None:
    got = analysis.terms("immutable (boolean), true. Ensure it: data/map | keys")
    for pair in ("immut boolean", "boolean true", "true ensur", "ensur data", "data map", "map key"):
        assert pair not in got
    # a dot inside a name ("Node.js") or a hyphen does not break a pair
    assert "node js" in analysis.terms("Node.js runs")
    assert "pocket cost" in analysis.terms("out-of-pocket costs")
    # terms_and_words keeps the words, not the marks
    assert analysis.terms_and_words("a, b. Cde")[1] == ["a", "b", "cde"]


def test_contractions_are_stop_words_with_either_apostrophe() -> None:
    assert analysis.terms("I’m sure we're fine, you'll see it wasn’t") == ["sure", "fine"]


@given(st.text(alphabet=st.sampled_from("aZé\u0301İß’'_- .\nK\u212a1"), max_size=40))
def test_word_set_is_the_set_of_word_spans(text: str) -> None:
    """Inbound decides from ``word_set`` that a page cannot name another, so it must hold every
    word ``word_spans`` (which finds mentions) can give, and only those."""
    assert analysis.word_set(text) == {w for _, _, w in analysis.word_spans(text)}
