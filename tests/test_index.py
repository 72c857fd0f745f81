from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from linkrec import CorpusError, Settings, build_index
from linkrec import corpus as corpus_mod
from linkrec.index import LinkIndex


def _near(index: LinkIndex, path: str) -> list[str]:
    i = index.path_ids[path]
    sims = index.similarities(index.row(i))
    sims[i] = -1
    return [index.records[j].path for j in np.argsort(-sims, kind="stable")]


def test_obvious_neighbours(garden: Path) -> None:
    index = build_index(garden, settings=Settings())
    assert set(_near(index, "tomatoes.md")[:2]) == {"veg/peppers.md", "watering.md"}
    assert _near(index, "pizza.md")[0] == "bread.md"
    i = index.path_ids["bikes.md"]
    sims = index.similarities(index.row(i))
    sims[i] = 0
    assert sims.max() < 0.1  # the off-topic page is close to nothing


def test_records_and_link_graph(garden: Path) -> None:
    index = build_index(garden, settings=Settings())
    assert len(index) == 8
    rec = index.records[index.path_ids["tomatoes.md"]]
    assert rec.title == "Growing Tomatoes" and rec.aliases == ("tomato",)
    out = {index.records[j].path for j in index.linked_from(index.path_ids["veg/peppers.md"])}
    assert out == {"tomatoes.md"}  # the wikilink
    out = {index.records[j].path for j in index.linked_from(index.path_ids["pizza.md"])}
    assert out == {"bread.md"}  # the reference-style link
    assert index.inbound[index.path_ids["compost.md"]] == 1


def test_scan_skips_hidden_and_md_named_folders_and_ignores(garden: Path) -> None:
    (garden / ".hidden").mkdir()
    (garden / ".hidden" / "x.md").write_text("# Hidden\n\nsecret text")
    (garden / "weird.md").mkdir()
    (garden / "weird.md" / "inner.md").write_text("# Inner\n\ntext")
    (garden / "notes.txt").write_text("not a page")
    paths = [e.path for e in corpus_mod.scan(garden, Settings(ignore=("veg/*",)))]
    assert "veg/peppers.md" not in paths
    assert not any(p.startswith((".hidden", "weird.md")) for p in paths)
    assert "notes.txt" not in paths and "tomatoes.md" in paths


def test_ignore_globs_read_as_gitignore_does(garden: Path) -> None:
    (garden / "draft-a.md").write_text("# Draft\n\ntext")
    (garden / "veg" / "draft-b.md").write_text("# Draft B\n\ntext")
    paths = [e.path for e in corpus_mod.scan(garden, Settings(ignore=("**/draft-*.md", "/tomatoes.md")))]
    assert not {"draft-a.md", "veg/draft-b.md", "tomatoes.md"} & set(paths)  # root too; "/" anchors at the root
    assert "watering.md" in paths


@pytest.mark.parametrize("n", [1, 2, 3])
def test_tiny_corpora_build(tmp_path: Path, n: int) -> None:
    for i in range(n):
        (tmp_path / f"p{i}.md").write_text(f"# Page {i}\n\nApples and pears number {i}.")
    index = build_index(tmp_path, settings=Settings())
    assert len(index) == n and index.n_terms > 0


def test_empty_corpus_and_stop_word_only_corpus(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no usable page"):
        build_index(tmp_path, settings=Settings())
    (tmp_path / "a.md").write_text("the and of 123")
    with pytest.raises(CorpusError, match="empty vocabulary"):
        build_index(tmp_path, settings=Settings())


def test_refresh_matches_a_full_build_for_similarities(garden: Path) -> None:
    settings = Settings()
    index = build_index(garden, settings=settings)
    (garden / "bikes.md").write_text("# Bicycle Maintenance\n\nOil the chain and check tomato brakes.")
    entry = [e for e in corpus_mod.scan(garden, settings) if e.path == "bikes.md"]
    parsed, _ = corpus_mod.read_pages(garden, entry, settings)
    refreshed = index.refreshed(parsed, ["compost.md"], settings)
    full = build_index(garden, settings=settings)
    assert [r.path for r in refreshed.records] == sorted(r.path for r in index.records if r.path != "compost.md")
    assert "tomato" in refreshed.vocab
    i = refreshed.path_ids["bikes.md"]
    assert refreshed.records[i].sha256 == full.records[full.path_ids["bikes.md"]].sha256


def test_surface_is_the_common_written_form_with_a_singular_modifier(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"p{i}.md").write_text(f"# Page {i}\n\nFamilies and families: the family size counts.\n")
    index = build_index(tmp_path, settings=Settings())
    assert index.surface("famili") == "families"  # the most common form alone
    assert index.surface("famili size") == "family size"  # not "families size"
    assert index.surface("size famili") == "size families"


def test_tfidf_without_scikit_learn_matches_its_transformer() -> None:
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer

    from linkrec import analysis
    from linkrec.index import fit_idf, tfidf_matrix

    rng = np.random.default_rng(0)
    counts = sp.random(40, 30, density=0.2, random_state=1, format="csr", data_rvs=lambda n: rng.integers(1, 9, n))
    counts = sp.csr_matrix(sp.vstack([counts, sp.csr_matrix((1, 30))]))  # and an empty page
    fitted = TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm="l2").fit(counts)
    assert np.array_equal(fit_idf(counts), fitted.idf_)
    for dtype in (np.float32, np.int64):  # a model's counts are float32: scikit-learn then works in float32
        typed = counts.astype(dtype)
        expected = TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm="l2").fit(typed).idf_
        assert np.array_equal(fit_idf(typed), np.asarray(expected, dtype=np.float64))
    big = sp.random(3000, 50, density=0.3, random_state=2, format="csr", dtype=np.float32)
    assert np.array_equal(fit_idf(big), TfidfTransformer(smooth_idf=True).fit(big).idf_.astype(np.float64))
    ours = tfidf_matrix(counts, fit_idf(counts))
    assert ours.dtype == np.float32 and ours.shape == counts.shape
    assert np.allclose(ours.toarray(), fitted.transform(counts).toarray(), rtol=1e-6, atol=1e-7)
    assert analysis.ENGLISH_STOP_WORDS == ENGLISH_STOP_WORDS  # the copy of its stop words


def test_reading_a_model_and_suggesting_do_not_import_scikit_learn(tmp_path: Path) -> None:
    # scikit-learn costs a cold start 0.7 s: only building and learning import it.
    import shutil
    import subprocess
    import sys

    corpus = tmp_path / "c"
    shutil.copytree(Path(__file__).resolve().parent.parent / "corpus", corpus)
    code = ("import sys; from pathlib import Path; from linkrec import Recommender, learn; "
            "learn.MIN_PAGES, learn.MIN_POSITIVES, learn.MIN_ANCHOR_TARGETS = 5, 10, 3; "
            f"rec = Recommender.open(Path({str(corpus)!r}), Path({str(tmp_path / 'm')!r})); "
            "r = rec.suggest(Path(sys.argv[1]).read_text(), path=sys.argv[1]); "
            "print(len(r.links), rec.index.extra['ranker'] is not None, 'sklearn' in sys.modules)")
    page = str(corpus / "muscle-spasms.md")
    built = subprocess.run([sys.executable, "-c", code, page], capture_output=True, text=True, check=True)
    assert built.stdout.split()[1:] == ["True", "True"]  # a learned ranker; building imported it
    warm = subprocess.run([sys.executable, "-c", code, page], capture_output=True, text=True, check=True)
    n, learned, imported = warm.stdout.split()
    assert int(n) > 0 and learned == "True" and imported == "False", warm.stdout + warm.stderr
    # a refresh (a changed page) keeps the learned weights: it does not import scikit-learn either
    (corpus / "walking-health-benefits.md").write_text("# Walking\n\nA brisk walk eases cramps.\n")
    refreshed = subprocess.run([sys.executable, "-c", code, page], capture_output=True, text=True, check=True)
    n, learned, imported = refreshed.stdout.split()
    assert int(n) > 0 and learned == "True" and imported == "False", refreshed.stdout + refreshed.stderr


def test_dependencies_and_build_output_are_not_pages(tmp_path: Path) -> None:
    """A site repository holds other projects' Markdown (npm packages, Ruby gems) and Jekyll's
    output: not its pages. Jekyll's _drafts/ are pages, but unpublished: never link targets."""
    from linkrec import Settings
    from linkrec.corpus import read_pages, scan

    for rel in ("index.md", "docs/vendor/index.md", "_drafts/idea.md", "node_modules/pkg/README.md",
                "_site/index.md", "vendor/bundle/ruby/gem/README.md", "lib/site-packages/x/README.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("# Page\n\nText.\n")
    entries = scan(tmp_path, Settings())
    assert sorted(e.path for e in entries) == ["_drafts/idea.md", "docs/vendor/index.md", "index.md"]
    parsed, _ = read_pages(tmp_path, entries, Settings())
    assert {p.record.path: p.record.draft for p in parsed} == {
        "_drafts/idea.md": True, "docs/vendor/index.md": False, "index.md": False}
