"""linkrec eval: metrics on a tiny case with known answers, and the command end to end."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from linkrec import Settings
from linkrec.cli import cli
from linkrec.edit import StrippedLink
from linkrec.markdown import parse_document
from linkrec.evaluate import Ranked, EvalPage, ceiling, prepare, score_system

DEMO = Path(__file__).resolve().parent.parent / "corpus"


def _page(path: str, gold: list[str], spans: list[tuple[str, int, int]]) -> EvalPage:
    return EvalPage(path, "x" * 100, tuple(gold), tuple(StrippedLink(t, s, e, "x") for t, s, e in spans))


def test_metrics_on_a_tiny_case() -> None:
    pages = [
        _page("a.md", ["b.md", "c.md", "d.md"], [("b.md", 0, 5), ("c.md", 10, 15), ("d.md", 20, 25)]),
        _page("e.md", ["f.md", "g.md", "h.md", "i.md"], [("f.md", 0, 5), ("g.md", 10, 15), ("h.md", 20, 25),
                                                          ("i.md", 30, 35)]),
    ]
    answers = [
        # hit at ranks 1 and 3; anchor of b overlaps its span, anchor of d does not
        Ranked(("b.md", "x.md", "d.md"), (0.9, 0.8, 0.7), ((1, 3), (40, 45), (60, 65))),
        # first hit at rank 2
        Ranked(("y.md", "f.md"), (0.95, 0.6), (None, (0, 5))),
    ]
    s = score_system("t", pages, answers)
    assert s.p_at_1 == pytest.approx((1 + 0) / 2)
    assert s.p_at_5 == pytest.approx((2 / 5 + 1 / 5) / 2)
    assert s.r_at_10 == pytest.approx((2 / 3 + 1 / 4) / 2)
    assert s.mrr == pytest.approx((1 + 1 / 2) / 2)
    dcg1 = 1 + 1 / math.log2(4)
    idcg1 = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    dcg2 = 1 / math.log2(3)
    idcg2 = idcg1 + 1 / math.log2(5)
    assert s.ndcg_at_10 == pytest.approx((dcg1 / idcg1 + dcg2 / idcg2) / 2)
    assert s.anchor_accuracy == pytest.approx(2 / 3)  # b and f overlap, d does not
    assert s.coverage == 1.0
    # pooled by score: .95 miss, .9 hit, .8 miss, .7 hit, .6 hit -> precision never reaches 0.8
    assert s.threshold_at_p80 is None
    c = ceiling(pages)
    assert c.p_at_5 == pytest.approx((3 / 5 + 4 / 5) / 2) and c.mrr == 1.0 and c.r_at_10 == 1.0


def test_threshold_at_precision_0_8() -> None:
    pages = [_page("a.md", ["b.md", "c.md", "d.md", "e.md", "f.md"], [])]
    answers = [Ranked(("b.md", "c.md", "d.md", "e.md", "x.md", "f.md"), (0.9, 0.8, 0.7, 0.6, 0.5, 0.4),
                      (None,) * 6)]
    s = score_system("t", pages, answers)
    # at 0.5: 4 of 5 correct = 0.8, recall 4/5; at 0.4: 5/6 = 0.83, recall 1.0 -> the lower threshold wins
    assert s.threshold_at_p80 == pytest.approx(0.4) and s.recall_at_p80 == pytest.approx(1.0)


def test_prepare_strips_only_the_sampled_pages_and_records_spans(tmp_path: Path) -> None:
    tests = prepare(DEMO, tmp_path / "copy", Settings(), sample=3, seed=1)
    assert len(tests) == 3
    for t in tests:
        assert t.spans and not parse_document(t.text, t.path).links  # every link of the demo is internal
        for s in t.spans:
            assert t.text[s.start:s.end] == s.text
        assert (tmp_path / "copy" / t.path).read_text(encoding="utf-8") == t.text
    untouched = {p.relative_to(DEMO).as_posix() for p in DEMO.rglob("*.md")} - {t.path for t in tests}
    some = sorted(untouched)[0]
    assert (tmp_path / "copy" / some).read_bytes() == (DEMO / some).read_bytes()


def test_eval_command_json(tmp_path: Path) -> None:
    shutil.copytree(DEMO, tmp_path / "c")
    before = {p: p.read_bytes() for p in (tmp_path / "c").rglob("*.md")}
    result = CliRunner().invoke(cli, ["eval", "--corpus", str(tmp_path / "c"), "--sample", "5", "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["pages"] == 5
    names = [s["system"] for s in data["systems"]]
    assert names == ["linkrec", "tfidf-cosine", "title-mention", "ceiling"]
    for s in data["systems"]:
        for key in ("p_at_1", "p_at_5", "r_at_10", "mrr", "ndcg_at_10", "coverage"):
            assert 0.0 <= s[key] <= 1.0
    assert [k["system"] for k in data["keywords"]] == ["linkrec", "baseline"]
    assert {p: p.read_bytes() for p in (tmp_path / "c").rglob("*.md")} == before  # corpus untouched


def test_calibration_error_and_reliability_by_hand() -> None:
    pages = [_page("a.md", ["b.md", "c.md", "d.md"], [])]
    # Bin 0.9: scores .95 and .91, one hit -> mean .93, precision .5; bin 0.1: .15 and .12, one hit -> .135 vs .5
    answers = [Ranked(("b.md", "x.md", "c.md", "y.md"), (0.95, 0.91, 0.15, 0.12), (None,) * 4)]
    s = score_system("t", pages, answers, probabilities=True)
    assert [(lo, n) for lo, n, _, _ in s.reliability] == [(0.1, 2), (0.9, 2)]
    assert s.reliability[1][2] == pytest.approx(0.93) and s.reliability[1][3] == pytest.approx(0.5)
    assert s.calibration_error == pytest.approx(0.5 * abs(0.93 - 0.5) + 0.5 * abs(0.135 - 0.5))
    assert score_system("t", pages, answers).calibration_error is None  # ranks, not probabilities


def test_a_target_the_stripped_page_still_embeds_is_no_answer(tmp_path: Path) -> None:
    """An Obsidian embed has no text to leave, so stripping keeps it: its note is still linked,
    suggest rightly leaves it out, and eval must not count it as a removed link."""
    site = tmp_path / "vault"
    site.mkdir()
    for name in ("Alpha", "Beta", "Gamma", "Delta"):
        (site / f"{name}.md").write_text(f"# {name}\n\nNotes on {name.lower()} topics.\n")
    (site / "Hub.md").write_text("# Hub\n\nSee [[Alpha]], [[Beta|the beta notes]] and [[Gamma]].\n\n![[Alpha]]\n")
    tests = prepare(site, tmp_path / "copy", Settings(), sample=5, seed=0)
    hub = next(t for t in tests if t.path == "Hub.md")
    assert hub.gold == ("Beta.md", "Gamma.md")
    assert "![[Alpha]]" in hub.text and "[[" not in hub.text.replace("![[Alpha]]", "")


def test_tfidf_baseline_never_suggests_the_page_itself(tmp_path: Path) -> None:
    """On a site of fewer than 11 pages, the page itself (scored -1 before) ended its own top 10."""
    from linkrec.evaluate import run_tfidf

    site = tmp_path / "s"
    site.mkdir()
    for name in "abcde":
        (site / f"{name}.md").write_text(f"# {name}\n\nWords about {name} and more.\n")
    paths = [f"{n}.md" for n in "abcde"]
    tests = [EvalPage(p, (site / p).read_text(), (), ()) for p in paths]
    for t, ranked in zip(tests, run_tfidf(site, paths, tests)):
        assert t.path not in ranked.targets and len(ranked.targets) == 4
