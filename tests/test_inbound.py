from __future__ import annotations

import json
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from linkrec import Recommender, Settings, analysis, rank
from linkrec import anchors as anchors_mod
from linkrec import corpus as corpus_mod
from linkrec import inbound as inbound_mod
from linkrec.cli import cli

DEMO = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Recommender:
    root = tmp_path_factory.mktemp("demo")
    shutil.copytree(DEMO, root / "corpus")
    return Recommender.open(root / "corpus", root / "models")


def assert_inbound_agrees(rec: Recommender) -> None:
    """If A should link to B (score >= 0.1), B's inbound lists A with the same score."""
    checked = 0
    for page in sorted(rec.corpus.glob("*.md"))[:15]:
        for s in rec.suggest_file(page, limit=5, keywords=0).links:
            if s.score < 0.1:
                continue
            sources = {x.source: x for x in rec.inbound_file(rec.corpus / s.target, limit=100).links}
            source = page.relative_to(rec.corpus).as_posix()
            assert source in sources, (source, s.target)
            assert sources[source].score == pytest.approx(s.score, abs=1e-3)
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize("every_feature", [False, True])
def test_inbound_agrees_with_suggest(demo: Recommender, every_feature: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """If A should link to B (score >= 0.2), B's inbound lists A with the same score (also when
    the features the fixed weights leave out count, so each must be computed alike)."""
    if every_feature:
        for name, weight in list(rank.FIXED_WEIGHTS.items()):
            monkeypatch.setitem(rank.FIXED_WEIGHTS, name, weight or 1.0)
    assert_inbound_agrees(demo)


def test_inbound_for_a_draft_finds_pages_mentioning_it(demo: Recommender, tmp_path: Path) -> None:
    draft = tmp_path / "charley-horse.md"
    draft.write_text("---\ntitle: Charley Horse\naliases: [calf cramp, calf cramps]\n---\n\n"
                     "A charley horse is a sudden, painful calf cramp, often at night. Stretch the calf, "
                     "drink water, and check magnesium and potassium intake.\n", encoding="utf-8")
    report = demo.inbound_file(draft, limit=10)
    assert report.links
    sources = [x.source for x in report.links]
    assert "leg-cramps-at-night.md" in sources[:5]
    for x in report.links:
        text = (demo.corpus / x.source).read_text(encoding="utf-8")
        if x.anchor is not None:
            assert text[x.anchor.start:x.anchor.end] == x.anchor.text
            line = text.splitlines()[x.anchor.line - 1]
            assert line[x.anchor.column - 1:].startswith(x.anchor.text)


def test_inbound_never_lists_self_or_pages_already_linking(demo: Recommender) -> None:
    target = "magnesium-benefits.md"
    report = demo.inbound_file(demo.corpus / target, limit=100)
    sources = {x.source for x in report.links}
    assert target not in sources
    linking = {demo.index.records[s].path for s, outs in enumerate(demo.index.out_links)
               if demo.index.path_ids[target] in outs.tolist()}
    assert linking and not (linking & sources)


def test_inbound_cli_json_contract_and_ignore(tmp_path: Path) -> None:
    shutil.copytree(DEMO, tmp_path / "c")
    args = ["inbound", str(tmp_path / "c" / "magnesium-benefits.md"), "--corpus", str(tmp_path / "c"),
            "--model", str(tmp_path / "m"), "--format", "json"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data) == 1 and set(data[0]) == {"page", "links"}
    first = data[0]["links"][0]
    assert set(first) == {"source", "title", "score", "reason", "anchor"}
    assert set(first["anchor"]) == {"text", "line", "column", "start", "end"}
    (tmp_path / "c" / ".linkrec-ignore").write_text(f"pair {first['source']} magnesium-benefits.md\n")
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert first["source"] not in {x["source"] for x in json.loads(result.stdout)[0]["links"]}


def test_inbound_agrees_with_suggest_under_a_learned_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same agreement with learned rankers (so the learned-cue and every other feature count)."""
    from linkrec import learn

    monkeypatch.setattr(learn, "MIN_PAGES", 5)
    monkeypatch.setattr(learn, "MIN_POSITIVES", 10)
    monkeypatch.setattr(learn, "MIN_ANCHOR_TARGETS", 3)
    shutil.copytree(DEMO, tmp_path / "corpus")
    rec = Recommender.open(tmp_path / "corpus", tmp_path / "models")
    assert rec.index.extra["ranker"] is not None and rec.index.extra["anchor_ranker"] is not None
    assert_inbound_agrees(rec)


def test_inbound_anchors_keep_words_whole_and_apart_from_links(tmp_path: Path) -> None:
    # The draft is "Pocket costs". The source's first "pocket costs" stands right after a link;
    # its second is part of "out-of-pocket costs", which says more than the draft's name: the
    # anchor is the third.
    corpus = tmp_path / "c"
    corpus.mkdir()
    text = "# Money\n\nSee [bread](other0.md) pocket costs. Plans cap out-of-pocket costs. Your pocket costs fall.\n"
    (corpus / "money.md").write_text(text)
    for i in range(3):
        (corpus / f"other{i}.md").write_text(f"# Other {i}\n\nGardening and bread.\n")
    rec = Recommender.open(corpus, tmp_path / "m")
    report = rec.inbound("# Pocket costs\n\nPocket costs are what you pay yourself.\n", path="pocket-costs.md")
    anchor = next(x.anchor for x in report.links if x.source == "money.md")
    assert anchor is not None and (anchor.start, anchor.text) == (text.index("pocket costs fall"), "pocket costs")


def test_inbound_follows_suggest_for_excluded_draft_and_unindexed_pages(
        tmp_path: Path, write_site: Callable[[Path, dict[str, str]], Path]) -> None:
    corpus = write_site(tmp_path / "c", {
        "grinder.md": "# Burr Grinder\n\nA burr grinder crushes coffee beans.\n",
        "coffee.md": "# Coffee\n\nUse a burr grinder and see [the draft](drafts/secret.md).\n",
        "espresso.md": "# Espresso\n\nEspresso needs a burr grinder and a secret roast.\n",
        "drafts/secret.md": "# Secret Roast\n\nA secret roast.\n",
    })
    rec = Recommender.open(corpus, tmp_path / "m", settings=Settings(ignore=("drafts/*",)))
    assert {s.source for s in rec.inbound_file(corpus / "grinder.md").links} >= {"coffee.md", "espresso.md"}
    excluded = Recommender.open(corpus, tmp_path / "m2", settings=Settings(ignore=("drafts/*",),
                                                                          exclude_targets=("grinder.md",)))
    assert excluded.inbound_file(corpus / "grinder.md").links == ()  # suggest never offers it either
    sources = {s.source for s in rec.inbound_file(corpus / "drafts" / "secret.md").links}
    assert "coffee.md" not in sources  # it already links the ignored page
    draft = rec.inbound("---\ntitle: Burr Grinder\ndraft: true\n---\nA burr grinder.\n", path=corpus / "grinder.md")
    assert draft.links == ()


def test_inbound_anchors_respect_skip_sentences_in_the_source(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "kettle.md").write_text("# Kettle\n\nA kettle boils water.\n")
    tea = "# Tea\n\nThe kettle sings first. Then pour the kettle over the leaves.\n"
    (corpus / "tea.md").write_text(tea)
    (corpus / "other.md").write_text("# Other\n\nNothing here.\n")
    rec = Recommender.open(corpus, tmp_path / "m", settings=Settings(skip_sentences=1))
    found = {s.source: s.anchor for s in rec.inbound_file(corpus / "kettle.md").links}
    anchor = found["tea.md"]
    assert anchor is not None and anchor.start > tea.index("first.")  # not in the first sentence
    assert anchor.start == {s.target: s.anchor for s in rec.suggest_file(corpus / "tea.md").links}["kettle.md"].start


@pytest.mark.parametrize("page", ["magnesium-benefits.md", "hydration.md", "stress-management.md"])
def test_inbound_parses_a_source_that_cannot_mention_the_page_only_to_anchor_it(
        demo: Recommender, page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A candidate source whose words do not hold every word of one of the page's names is scored
    without parsing it (it has no mention); it is parsed only if it is listed, for its anchor.
    The answer is the one of parsing every candidate."""
    parsed: list[str] = []
    real = corpus_mod.parse_page

    def counting(text: str, path: str, settings: Settings, **kw: bool) -> object:
        parsed.append(path)
        return real(text, path, settings, **kw)

    monkeypatch.setattr(inbound_mod.corpus_mod, "parse_page", counting)

    def answer() -> tuple[object, set[str]]:
        parsed.clear()
        rec = Recommender(demo.index, demo.corpus, demo.settings, demo.model)  # a fresh source cache
        return rec.inbound_file(demo.corpus / page, limit=3), set(parsed) - {page}

    fast, fast_parsed = answer()
    monkeypatch.setattr(inbound_mod, "_may_name", lambda keys, names: True)
    full, full_parsed = answer()
    assert fast == full
    assert fast_parsed < full_parsed
    listed = {x.source for x in fast.links}
    title = analysis.phrase_key(demo.index.records[demo.index.path_ids[page]].title)
    for source in full_parsed - fast_parsed:
        assert source not in listed
        words = {analysis.word_forms(w)[1] for w in analysis.words((demo.corpus / source).read_text(encoding="utf-8"))}
        assert not set(title) <= words, source


def test_inbound_skips_a_parse_only_where_no_word_can_name_the_page(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages a helper built to break the shortcut: a Korean page saved decomposed (NFD, as macOS
    may) whose source also holds a combining mark elsewhere, so the whole text and the mark-free
    part read its words differently; and a word after a backslash and an apostrophe. Each source's
    words must include every word its linkable text can give, and inbound must answer as if it
    parsed every candidate."""
    nfd = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731
    pages = {
        "application.md": "# Application\n\nAn application is a program that users install and run on a computer.\n",
        "src-path.md": "# Install guide\n\nCopy the program to C:\\l’application and install it on the computer.\n",
        "korean.md": nfd("# 한국어 문서\n\n한국어 문서 is a guide to the program folder.\n"),
        "src-korean.md": nfd("# 안내\n\n우리는 한국어 문서 쓰기를 설명합니다. The program folder.\n\n```\ncafé = 1\n```\n"),
        **{f"f{i}.md": f"# Filler {i}\n\n{t}\n" for i, t in enumerate(
            ["Cooking pasta needs water.", "Gardening tomatoes in sun.", "Cycling on roads.", "Reading novels."])},
    }
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    rec = Recommender.open(tmp_path, tmp_path / ".model")
    for name, text in pages.items():
        doc = corpus_mod.parse_page(text, name, rec.settings)
        keys = {analysis.word_forms(w)[1] for w in analysis.part_words(text)}
        linkable = {w.key for run in anchors_mod.linkable_words(doc) for w in run}
        assert linkable | {w.key for _, _, ws in anchors_mod.code_runs(doc) for w in ws} <= keys, name

    def answer(page: str) -> object:
        return Recommender(rec.index, rec.corpus, rec.settings, rec.model).inbound_file(tmp_path / page, min_score=0.0)

    fast = {page: answer(page) for page in ("application.md", "korean.md")}
    monkeypatch.setattr(inbound_mod, "_may_name", lambda keys, names: True)
    assert fast == {page: answer(page) for page in fast}
    assert fast["korean.md"].links[0].source == "src-korean.md"
    assert "mentions" in fast["korean.md"].links[0].reason
