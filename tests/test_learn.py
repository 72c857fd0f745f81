"""The anchor dictionary, leave-one-out features, the learned rankers and their fallback."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from linkrec import Recommender, Settings, build_index, load_index, save_index
from linkrec import features, learn, rank
from linkrec.evidence import AnchorStats, stats_of

FIXTURES = Path(__file__).parent / "fixtures"
DEMO = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "linked", tmp_path / "linked")
    return tmp_path / "linked"


def test_anchor_dictionary_counts_and_link_probability_by_hand(linked: Path) -> None:
    index = build_index(linked, settings=Settings())
    stats, holdouts = AnchorStats.learn(index)
    tomato, pepper = index.path_ids["tomato.md"], index.path_ids["pepper.md"]
    salad, sauce = index.path_ids["salad.md"], index.path_ids["sauce.md"]
    # "tomato" links tomato.md from salad and sauce ("tomatoes"), and pepper.md from sauce ("Tomato")
    assert stats.table[("tomato",)] == {tomato: 2, pepper: 1}
    assert stats.table[("pepper",)] == {pepper: 1}
    assert stats.linking[("tomato",)] == 2  # two pages use "tomato" as a link
    # pages whose text contains "tomato": tomato, pepper, salad, sauce, soup, zoo = 6
    assert stats.occurring[("tomato",)] == 6
    # 2 linking pages of 6, plus one unseen page without the link (evidence.UNSEEN_PAGES = 1)
    assert stats.link_probability(("tomato",)) == pytest.approx(2 / (6 + 1))
    # without salad's own links: one page (sauce) links "tomato", five other pages contain it
    h = holdouts[salad]
    assert stats.targets(("tomato",), h) == {tomato: 1, pepper: 1}
    assert stats.link_probability(("tomato",), h) == pytest.approx(1 / (5 + 1))
    assert stats.targets(("pepper",), h) == {}
    assert h.targets == frozenset({tomato, pepper})
    assert holdouts[sauce].anchors[("tomato",)] == frozenset({tomato, pepper})


def test_own_links_do_not_leak_into_features(linked: Path, tmp_path: Path) -> None:
    """zoo.md is the only page that calls the quokka page "striped horse": without its own links,
    that phrase is no evidence for the quokka page when zoo.md itself is scored."""
    rec = Recommender.open(linked, tmp_path / "m")
    index = rec.index
    zoo, quokka = index.path_ids["zoo.md"], index.path_ids["quokka.md"]
    _, holdouts = AnchorStats.learn(index)
    text = "The quokka enclosure is next to the striped horse house."
    # as a draft outside the corpus, the site's links (zoo.md's included) are fair evidence
    leaky = features.analyse_page(index, text, corpus_rel=None, display="draft.md", settings=rec.settings)
    # as zoo.md itself, its own links are held out, by default and explicitly alike
    clean = features.analyse_page(index, text, corpus_rel="zoo.md", display="zoo.md", settings=rec.settings)
    explicit = features.analyse_page(index, text, corpus_rel="zoo.md", display="zoo.md", settings=rec.settings,
                                     holdout=holdouts[zoo])
    assert clean.holdout == explicit.holdout == holdouts[zoo]
    assert any(m.source == "anchor" for m in leaky.mentions.get(quokka, []))
    assert not any(m.source == "anchor" for m in clean.mentions.get(quokka, []))
    f_leaky = features.candidates(index, leaky, rec.settings)
    f_clean = features.candidates(index, clean, rec.settings)
    col = rank.FEATURES.index("mention_anchor")
    row = lambda c: list(c.targets).index(quokka)  # noqa: E731
    assert f_leaky.features[row(f_leaky), col] > 0
    assert f_clean.features[row(f_clean), col] == 0
    inbound_col = rank.FEATURES.index("inbound")
    assert f_clean.features[row(f_clean), inbound_col] < f_leaky.features[row(f_leaky), inbound_col]


def test_fallback_to_fixed_weights_without_links(garden: Path, tmp_path: Path) -> None:
    for page in garden.rglob("*.md"):  # remove every link
        text = page.read_text()
        page.write_text(text.replace("[[", "").replace("](", " (").replace("[sd]: bread.md", ""))
    rec = Recommender.open(garden, tmp_path / "m")
    assert rec.index.extra["ranker"] is None and rec.index.extra["anchor_ranker"] is None
    x = np.random.default_rng(0).random((4, len(rank.FEATURES)))
    scores, _ = learn.score(rec.index, x)
    assert np.allclose(scores, rank.fixed_scores(x))
    assert learn.anchor_scorer(rec.index, "text") is None


def test_demo_corpus_has_too_few_links_to_learn(tmp_path: Path) -> None:
    shutil.copytree(DEMO, tmp_path / "c")
    rec = Recommender.open(tmp_path / "c", tmp_path / "m")
    assert rec.index.extra["ranker"] is None
    assert stats_of(rec.index).table  # but the anchor dictionary is learned


def test_learned_rankers_are_saved_and_reloaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(learn, "MIN_PAGES", 5)
    monkeypatch.setattr(learn, "MIN_POSITIVES", 10)
    monkeypatch.setattr(learn, "MIN_ANCHOR_TARGETS", 3)
    shutil.copytree(DEMO, tmp_path / "c")
    index = build_index(tmp_path / "c", settings=Settings())
    assert index.extra["ranker"] is not None and index.extra["anchor_ranker"] is not None
    save_index(index, tmp_path / "m", settings=Settings(), corpus=str(tmp_path / "c"))
    loaded = load_index(tmp_path / "m", settings=Settings())
    x = np.random.default_rng(1).random((5, len(rank.FEATURES)))
    assert np.allclose(learn.score(index, x)[0], learn.score(loaded, x)[0])
    assert loaded.extra["anchor_ranker"][1] == index.extra["anchor_ranker"][1]  # the learned cues
    p = learn.score(loaded, x)[0]
    assert ((p > 0) & (p < 1)).all()


def test_fast_probabilities_match_sklearn() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((300, 6))
    y = (x[:, 0] + x[:, 3] * rng.random(300) > 0.9).astype(int)
    pipeline = learn.fit_pipeline(x, y)
    model = learn.link_model(pipeline)
    assert np.allclose(model.coef, learn.fit_ranker(x, y).coef)
    proba, contrib = learn._proba(model, x)
    assert np.allclose(proba, pipeline.predict_proba(x)[:, 1])
    assert contrib.shape == x.shape
    # The per-feature contributions (products split between their features) add up to the logit.
    logit = np.log(proba / (1 - proba))
    assert np.allclose(contrib.sum(axis=1) + model.intercept, logit)


def test_refresh_updates_the_anchor_dictionary_like_a_full_count(tmp_path: Path) -> None:
    from linkrec import api

    shutil.copytree(DEMO, tmp_path / "c")
    api.open_index(tmp_path / "c", model=tmp_path / "m", settings=Settings())
    page = tmp_path / "c" / "electrolytes.md"
    text = page.read_text(encoding="utf-8")
    assert "](potassium-muscle-health.md)" in text
    page.write_text(text + "\nSee also [fluid balance](hydration.md) and [[Calcium for Bones and Muscles|calcium]].\n",
                    encoding="utf-8")
    report = api.open_index(tmp_path / "c", model=tmp_path / "m", settings=Settings())
    assert not report.rebuilt and report.reread == 1
    incremental = stats_of(report.index)
    full, _ = AnchorStats.learn(report.index)
    assert {k: dict(v) for k, v in incremental.table.items()} == {k: dict(v) for k, v in full.table.items()}
    assert dict(incremental.linking) == dict(full.linking)
    assert dict(incremental.occurring) == dict(full.occurring)
    assert incremental.table[("fluid", "balance")][report.index.path_ids["hydration.md"]] >= 1


def test_pairwise_ranker_learns_which_option_was_chosen() -> None:
    # In every group the chosen option has the larger first feature; the second is noise.
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(40):
        x = rng.random((5, 2))
        y = np.zeros(5, dtype=np.int8)
        y[int(np.argmax(x[:, 0]))] = 1
        groups.append((x, y))
    ranker = learn.fit_pairwise(groups)
    assert ranker.weights[0] > 0 and abs(ranker.weights[1]) < ranker.weights[0] / 3
    x = np.array([[0.9, 0.0], [0.1, 1.0]])
    assert np.argmax(ranker.utility(x)) == 0


def test_held_out_cues_leave_each_place_own_label_out() -> None:
    from linkrec import anchors as anchors_mod
    from linkrec.documents import Mention

    text = "see Alpha here. see Beta here. see Gamma here. see Delta here."
    occs = [anchors_mod.Occurrence(Mention(0, text.index(w), text.index(w) + len(w), (w.lower(),), "title", 1.0),
                                   frozenset({"title"})) for w in ("Alpha", "Beta", "Gamma", "Delta")]
    labels = np.array([1, 1, 1, 0], dtype=np.int8)
    cases = [(occs, labels, text, None)]
    counts = learn.cue_counts(cases)
    assert counts["see"] == [3, 4] and counts[">here"] == [3, 4]
    prior = 0.5
    cues = learn.held_out_cues(occs, labels, text, counts, prior)
    s = learn.CUE_SMOOTHING
    # A linked place sees 2 of the 3 other places linked; the unlinked one sees 3 of 3.
    assert cues[0, 0] == pytest.approx((2 + s * prior) / (3 + s))
    assert cues[3, 0] == pytest.approx((3 + s * prior) / (3 + s))
    assert cues[0, 1] == cues[0, 0] and cues[3, 1] == cues[3, 0]  # same counts for the next word


def test_contested_place_goes_to_the_surer_target() -> None:
    from linkrec import anchors as anchors_mod
    from linkrec.documents import Mention

    # Target 1 (ranked first) could use "control" inside "version control" or "chapter";
    # target 2's only place is "version control", which is what its page is named.
    ms = {1: [Mention(1, 8, 15, ("control",), "term", 0.5), Mention(1, 20, 27, ("chapter",), "term", 0.5)],
          2: [Mention(2, 0, 15, ("version", "control"), "title", 0.9)]}

    def scorer(occs):  # noqa: ANN001, ANN202 - a stand-in for the learned utility
        return np.array([{"title": 3.0}.get(o.mention.source, 1.0) for o in occs])

    chosen = anchors_mod.choose_anchors([1, 2], ms, scorer)
    assert (chosen[2].start, chosen[2].end) == (0, 15)
    assert (chosen[1].start, chosen[1].end) == (20, 27)
    # fixed rules: the better-ranked target first, but not inside another target's longer name
    fixed = anchors_mod.choose_anchors([1, 2], ms)
    assert (fixed[1].start, fixed[1].end) == (20, 27) and (fixed[2].start, fixed[2].end) == (0, 15)


def test_average_precision_by_hand() -> None:
    # ranked: hit, miss, hit, miss -> (1/1 + 2/3) / 2
    ap = learn._average_precision(np.array([0.9, 0.8, 0.7, 0.6]), np.array([1, 0, 1, 0]))
    assert ap == pytest.approx((1 + 2 / 3) / 2)
    assert learn._average_precision(np.array([0.5, 0.4]), np.array([0, 0])) == 0.0


def test_regularisation_is_cross_validated_only_on_small_training_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    xs, ys = [], []
    for _ in range(30):
        x = rng.random((20, 3))
        xs.append(x)
        ys.append((x[:, 0] + 0.3 * rng.random(20) > 0.9).astype(np.int8))
    tried: list[float] = []
    real = learn.fit_ranker

    def spy(x: np.ndarray, y: np.ndarray, c: float = learn.RANKER_C):  # noqa: ANN202
        tried.append(c)
        return real(x, y, c=c)

    monkeypatch.setattr(learn, "fit_ranker", spy)
    c = learn.choose_c(xs, ys)
    assert c in learn.C_GRID and sorted(set(tried)) == sorted(learn.C_GRID)
    assert len(tried) == len(learn.C_GRID) * learn.CV_FOLDS
    tried.clear()
    monkeypatch.setattr(learn, "CV_MAX_ROWS", 100)  # 600 rows: too many to cross-validate
    assert learn.choose_c(xs, ys) == learn.RANKER_C and not tried


def test_folder_inbound_by_hand_with_and_without_the_page_own_links(tmp_path: Path) -> None:
    import math

    from linkrec.evidence import own_links

    pages = {
        "glossary/alpha.md": "# Alpha\n\nAlpha is a term of the glossary.\n",
        "glossary/beta.md": "# Beta\n\nBeta is another term of the glossary.\n",
        "articles/x.md": "# X\n\nAbout [alpha](../glossary/alpha.md) and more words.\n",
        "articles/y.md": "# Y\n\nAbout [alpha](../glossary/alpha.md) and [beta](../glossary/beta.md).\n",
    }
    for rel, text in pages.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    index = build_index(tmp_path, settings=Settings())
    alpha, x, y = (index.path_ids[p] for p in ("glossary/alpha.md", "articles/x.md", "articles/y.md"))
    log_n = math.log1p(4)
    # glossary/: 3 links into 2 pages; articles/: none
    assert rank.folder_inbound(index, alpha) == pytest.approx(math.log1p(3 / 2) / log_n)
    assert rank.folder_inbound(index, x) == 0.0
    # without y's own two links into glossary/: 1 link into 2 pages
    own = rank.own_folder_links(index, own_links(index, y))
    assert rank.folder_inbound(index, alpha, own) == pytest.approx(math.log1p(1 / 2) / log_n)


def test_mention_item_feature_marks_a_name_standing_alone_in_a_list_item(tmp_path: Path) -> None:
    pages = {
        "alpha.md": "# Alpha\n\nAlpha grows tomatoes in the garden.\n",
        "beta.md": "# Beta\n\nBeta grows peppers in the garden.\n",
        "gamma.md": "# Gamma\n\nGamma grows beans in the garden.\n",
    }
    for rel, text in pages.items():
        (tmp_path / rel).write_text(text, encoding="utf-8")
    index = build_index(tmp_path, settings=Settings())
    draft = "# Draft\n\nWe grow tomatoes with Alpha in the garden.\n\n- Beta\n- peppers and Gamma\n"
    page = features.analyse_page(index, draft, corpus_rel=None, display="draft.md", settings=Settings())
    cands = features.candidates(index, page, Settings())
    col = rank.FEATURES.index("mention_item")
    got = {index.records[int(t)].path: float(v) for t, v in zip(cands.targets, cands.features[:, col])}
    # "Beta" is a whole list item, "Gamma" part of one, "Alpha" in a paragraph
    assert got == {"beta.md": 1.0, "gamma.md": 0.5, "alpha.md": 0.0}


def test_page_cues_leave_the_training_page_own_places_out() -> None:
    from linkrec import anchors as anchors_mod
    from linkrec.documents import Mention

    def case(text: str, words: tuple[str, ...], labels: list[int]) -> learn.Case:
        occs = [anchors_mod.Occurrence(Mention(0, text.index(w), text.index(w) + len(w), (w.lower(),), "title", 1.0),
                                       frozenset({"title"})) for w in words]
        return (occs, np.array(labels, dtype=np.int8), text, None)

    mine = case("see Alpha now. see Beta now.", ("Alpha", "Beta"), [1, 0])
    other = case("see Gamma now. see Delta now. see Omega now.", ("Gamma", "Delta", "Omega"), [1, 1, 0])
    keys = learn.case_cues([mine, other])
    counts = learn.cue_counts([mine, other], keys)
    cues = learn.learn_cues([mine, other], counts)
    assert counts["see"] == [3, 5]
    held = learn.page_cues(cues, counts, [(keys[0], mine[1])])
    s, prior = learn.CUE_SMOOTHING, cues[""]
    # without the page's own two places: 2 of 3 "see" places linked
    assert held["see"] == pytest.approx((2 + s * prior) / (3 + s))
    assert cues["see"] == pytest.approx((3 + s * prior) / (5 + s))
    assert held[">now"] == pytest.approx((2 + s * prior) / (3 + s))
    assert held[""] == cues[""]  # keys the page has no place for are the learned ones


def test_mention_cues_take_the_best_mention_of_each_target() -> None:
    from linkrec.documents import Mention

    text = "see Alpha here. Alpha again"
    a1 = Mention(0, 4, 9, ("alpha",), "title", 1.0)
    a2 = Mention(0, 16, 21, ("alpha",), "title", 1.0)
    cues = {"": 0.1, "see": 0.8, ">here": 0.4}
    got = features.mention_cues(text, {0: [a2, a1], 1: []}, cues)
    # "see Alpha here": (0.8 + 0.4) / 2; ". Alpha again": previous word "here" and next "again" unknown -> 0.1
    assert got == {0: pytest.approx(0.6), 1: 0.0}
    assert features.mention_cues(text, {0: [a1]}, {}) == {}


def test_contested_place_with_close_utilities_goes_to_the_likelier_link() -> None:
    from linkrec import anchors as anchors_mod
    from linkrec.documents import Mention

    # Both targets' best place is "Medicaid"; target 1 has a slightly better utility there,
    # target 2 is by far the likelier link (log-probability priors).
    ms = {1: [Mention(1, 0, 8, ("medicaid",), "title", 0.9), Mention(1, 20, 25, ("chip",), "term", 0.5)],
          2: [Mention(2, 0, 8, ("medicaid",), "anchor", 0.9), Mention(2, 30, 36, ("income",), "term", 0.5)]}

    def scorer(occs):  # noqa: ANN001, ANN202 - a stand-in for the learned utility
        return np.array([{"title": 3.2, "anchor": 3.0}.get(o.mention.source, 1.0) for o in occs])

    assert anchors_mod.choose_anchors([2, 1], ms, scorer)[1].start == 0  # utilities alone: target 1
    chosen = anchors_mod.choose_anchors([2, 1], ms, scorer, priors=[np.log(0.9), np.log(0.1)])
    assert (chosen[2].start, chosen[1].start) == (0, 20)


def test_shared_term_places_are_the_last_resort_of_a_named_target() -> None:
    from linkrec import anchors as anchors_mod
    from linkrec.documents import Mention

    # Target 1 is named at 0-8 and shares the term "data" at 20-24, which the utility prefers.
    ms = {1: [Mention(1, 0, 8, ("archive",), "title", 0.9), Mention(1, 20, 24, ("data",), "term", 0.5)],
          2: [Mention(2, 30, 36, ("server",), "term", 0.5)]}  # target 2 has no name in the page

    def scorer(occs):  # noqa: ANN001, ANN202 - a stand-in for the learned utility
        return np.array([{"term": 5.0}.get(o.mention.source, 1.0) for o in occs])

    chosen = anchors_mod.choose_anchors([1, 2], ms, scorer)
    assert chosen[1].start == 0 and chosen[2].start == 30  # a term place only where no name is
    # when another target takes the named place, the shared term is the fallback
    ms[3] = [Mention(3, 0, 8, ("archive",), "alias", 0.9)]
    chosen = anchors_mod.choose_anchors([3, 1, 2], ms, scorer, priors=[0.0, -5.0, 0.0])
    assert chosen[3].start == 0 and chosen[1].start == 20


def test_a_place_goes_to_the_target_more_likely_linked_there() -> None:
    from linkrec import anchors as anchors_mod
    from linkrec.documents import Mention

    # Target 2 prefers "fee" a little (utility 6.0) over "penalty" (5.9); target 1 has "fee"
    # only (5.0). Raw utilities would give "fee" to target 2 and leave target 1 without an
    # anchor; as probabilities, target 1's link is surely at "fee" (1.0), target 2's only about
    # half (0.52), so each target gets a place.
    ms = {1: [Mention(1, 0, 3, ("fee",), "title", 0.9)],
          2: [Mention(2, 0, 3, ("fee",), "anchor", 0.9), Mention(2, 10, 17, ("penalty",), "anchor", 0.9)]}

    def scorer(occs):  # noqa: ANN001, ANN202 - a stand-in for the learned utility
        return np.array([{(1, 0): 5.0, (2, 0): 6.0, (2, 10): 5.9}[o.mention.target, o.mention.start] for o in occs])

    chosen = anchors_mod.choose_anchors([2, 1], ms, scorer)
    assert (chosen[1].start, chosen[2].start) == (0, 10)


def test_two_anchors_never_stand_side_by_side() -> None:
    from linkrec import anchors as anchors_mod
    from linkrec.documents import Mention

    text = "Plans with lower premiums, lower costs and premiums."
    # target 1's best place is "lower" (11-16); target 2's is "premiums" right after it (17-25)
    ms = {1: [Mention(1, 11, 16, ("lower",), "term", 0.5), Mention(1, 27, 32, ("lower",), "term", 0.5)],
          2: [Mention(2, 17, 25, ("premium",), "title", 0.9), Mention(2, 43, 51, ("premium",), "title", 0.9)]}

    def scorer(occs):  # noqa: ANN001, ANN202 - a stand-in for the learned utility: earlier is better
        return np.array([-o.mention.start / 10 for o in occs])

    assert text[11:16] == "lower" and text[17:25] == "premiums" and text[43:51] == "premiums"
    side_by_side = anchors_mod.choose_anchors([2, 1], ms, scorer)
    assert (side_by_side[1].start, side_by_side[2].start) == (11, 17)
    chosen = anchors_mod.choose_anchors([2, 1], ms, scorer, text=text)
    assert {chosen[1].start, chosen[2].start} in ({11, 43}, {27, 17})
    # a comma tells two links apart: "premiums, lower" may hold two links
    assert not anchors_mod._touching(text, 17, 25, 27, 32)
    # nor does an anchor stand right beside one of the page's own links (here on "with")
    chosen = anchors_mod.choose_anchors([2, 1], ms, scorer, text=text, links=[(6, 10)])
    assert chosen[1].start == 27


def test_no_anchor_inside_a_longer_name_of_another_target() -> None:
    from linkrec import anchors as anchors_mod
    from linkrec.documents import Mention

    text = "See Performing a rollback on a DaemonSet, then read about each DaemonSet."
    inner, outer = (text.index("DaemonSet"), text.index("DaemonSet") + 9), (4, text.index(","))
    later = (text.rindex("DaemonSet"), text.rindex("DaemonSet") + 9)
    # target 1 (the DaemonSet page) is ranked first and prefers its first mention, which lies
    # inside target 2's whole title
    ms = {1: [Mention(1, *inner, ("daemonset",), "title", 0.5), Mention(1, *later, ("daemonset",), "title", 0.5)],
          2: [Mention(2, *outer, ("perform", "rollback", "daemonset"), "title", 0.9)]}

    def scorer(occs):  # noqa: ANN001, ANN202 - a stand-in for the learned utility: earlier is better
        return np.array([-o.mention.start / 10 for o in occs])

    for chosen in (anchors_mod.choose_anchors([1, 2], ms, scorer, text=text),
                   anchors_mod.choose_anchors([1, 2], ms, text=text)):  # learned and fixed rules
        assert (chosen[1].start, chosen[1].end) == later
        assert (chosen[2].start, chosen[2].end) == outer
    # a shorter name of another target does not hold a place back: target 2's title is not
    # inside target 1's
    assert anchors_mod.choose_anchors([2, 1], ms, scorer, text=text)[2].start == outer[0]


def test_a_place_held_back_for_a_longer_name_is_offered_again_when_that_name_goes_unused() -> None:
    from linkrec import anchors as anchors_mod
    from linkrec.documents import Mention

    text = "Use Performing a rollback on a DaemonSet now, or later Performing a rollback on a DaemonSet."
    first, second = text.index("Performing"), text.rindex("Performing")
    title = len("Performing a rollback on a DaemonSet")
    inner = [first + title - 9, second + title - 9]  # "DaemonSet" at the end of each title
    assert all(text[i:i + 9] == "DaemonSet" for i in inner)
    key = ("perform", "rollback", "daemonset")
    ms = {1: [Mention(1, i, i + 9, ("daemonset",), "title", 0.5) for i in inner],
          2: [Mention(2, first, first + title, key, "title", 0.9), Mention(2, second, second + title, key, "title", 0.9)]}

    def scorer(occs):  # noqa: ANN001, ANN202 - target 1 prefers its second place, target 2 its first
        return np.array([(o.mention.start if o.mention.target == 1 else -o.mention.start) / 10 for o in occs])

    # target 2 takes the first title, so the "DaemonSet" ending the second one is target 1's after all
    chosen = anchors_mod.choose_anchors([1, 2], ms, scorer, text=text)
    assert chosen[2].start == first and chosen[1].start == inner[1]
    # a longer name that cannot be a link (right beside one of the page's links) holds nothing back
    near = "See [the guide](g.md) Performing a rollback on a DaemonSet."
    at = near.index("Performing")
    end = at + title
    ms = {1: [Mention(1, end - 9, end, ("daemonset",), "title", 0.5)], 2: [Mention(2, at, end, key, "title", 0.9)]}
    chosen = anchors_mod.choose_anchors([1, 2], ms, scorer, text=near, links=[(4, 21)])
    assert near[4:21] == "[the guide](g.md)" and 2 not in chosen and chosen[1].start == end - 9


def test_a_term_place_stands_aside_for_a_name_beside_it() -> None:
    """"I bake banana bread": the better-ranked page only shares the term "bake"; taken first, it
    would block the title "banana" of the next page (two links side by side read as one), which
    then got the weak place "fruit" while its reason named "banana"."""
    from linkrec import anchors as anchors_mod
    from linkrec.documents import Mention

    text = "I bake banana bread with ripe fruit."
    ms = {1: [Mention(1, 2, 6, ("bake",), "term", 0.5)],
          2: [Mention(2, 7, 13, ("banana",), "title", 0.9), Mention(2, 30, 35, ("fruit",), "term", 0.5)]}
    for scorer in (None, lambda occs: np.array([{"title": 3.0}.get(o.mention.source, 1.0) for o in occs])):
        chosen = anchors_mod.choose_anchors([1, 2], ms, scorer, text=text)
        assert text[chosen[2].start:chosen[2].end] == "banana" and 1 not in chosen
    # with no name beside it, the term place is taken as before
    alone = anchors_mod.choose_anchors([1, 2], {1: ms[1], 2: ms[2][1:]}, text=text)
    assert text[alone[1].start:alone[1].end] == "bake"


def test_anchor_feature_name_case_marks_a_place_written_as_the_title(linked: Path) -> None:
    """Authors link the place that spells a page's title as the page does ("Quokka facts", not
    "quokka facts" or "Quokka Facts"): the anchor model gets that as a feature."""
    from linkrec import anchors as anchors_mod

    index = build_index(linked, settings=Settings())
    quokka = index.path_ids["quokka.md"]
    text = ("Some quokka facts first. Then Quokka Facts in a headline way. Read Quokka facts here.\n\n"
            "Also `Quokka facts` in code, Quokka  facts spaced twice, and Quokka `facts`.\n")
    page = features.analyse_page(index, text, corpus_rel=None, display="draft.md", settings=Settings())
    occs = anchors_mod.occurrences(features.anchor_candidates(index, page, quokka)[0])
    x = anchors_mod.occurrence_features(index, occs, text=text)
    col = anchors_mod.ANCHOR_FEATURES.index("name_case")
    marked = [text[o.mention.start:o.mention.end] for o, v in zip(occs, x[:, col]) if v]
    assert marked == ["Quokka facts", "`Quokka facts`", "Quokka  facts"]
    assert {text[o.mention.start:o.mention.end] for o in occs} >= {"quokka facts", "Quokka Facts", "Quokka facts"}
