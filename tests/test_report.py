"""``linkrec report``: per-page link figures, broken links, renderers, the CLI, and the HTML in a real browser.

The corpus in ``fixtures/sitereport`` is a 10-page sailing handbook built so every figure is
known by hand:

=================  ===  ===  =====  ===========================================
page               in   out  links  notes
=================  ===  ===  =====  ===========================================
anchors.md          1    2    2     broken reference definition, line 8
boats.md            4    4    4     broken relative link, line 6; ref def to hulls
glossary.md         5    1    2     the hub; links hulls.md twice
guides/knots.md     2    2    2     broken wikilink [[Rope Care]], line 5
guides/sails.md     2    0    0     dead end (external, mailto and #fragment only)
hulls.md            2    2    2     site URL /boats/; broken site URL, line 7
index.md            0    5    5     orphan (wikilink [[Weather]])
navigation.md       0    2    2     orphan; self link; external autolink
tides.md            0    0    0     orphan and dead end
weather.md          2    0    0     dead end
=================  ===  ===  =====  ===========================================
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from linkrec.api import Recommender
from linkrec.cli_report import report as report_command
from linkrec.errors import LinkrecError
from linkrec.settings import Settings
from linkrec.sitereport import (
    CSV_COLUMNS,
    BrokenLink,
    PageStats,
    SiteReport,
    SiteTotals,
    _internal_kind,
    _is_file,
    build_report,
    render_csv,
    render_html,
    render_json,
    render_text,
)

FIXTURE = Path(__file__).parent / "fixtures" / "sitereport"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"

# path: (inbound, outbound, links)
EXPECTED = {
    "anchors.md": (1, 2, 2),
    "boats.md": (4, 4, 4),
    "glossary.md": (5, 1, 2),
    "guides/knots.md": (2, 2, 2),
    "guides/sails.md": (2, 0, 0),
    "hulls.md": (2, 2, 2),
    "index.md": (0, 5, 5),
    "navigation.md": (0, 2, 2),
    "tides.md": (0, 0, 0),
    "weather.md": (2, 0, 0),
}
LINKS_TO = {
    "anchors.md": ("boats.md", "glossary.md"),
    "boats.md": ("anchors.md", "glossary.md", "guides/knots.md", "hulls.md"),
    "glossary.md": ("hulls.md",),
    "guides/knots.md": ("boats.md", "glossary.md"),
    "guides/sails.md": (),
    "hulls.md": ("boats.md", "glossary.md"),
    "index.md": ("boats.md", "glossary.md", "guides/knots.md", "guides/sails.md", "weather.md"),
    "navigation.md": ("guides/sails.md", "weather.md"),
    "tides.md": (),
    "weather.md": (),
}
# (page, line, target, kind, reason)
BROKEN = [
    ("anchors.md", 8, "./old-anchors.md", "definition", "no such page"),
    ("boats.md", 6, "./missing-page.md", "inline", "no such page"),
    ("guides/knots.md", 5, "Rope Care", "wikilink", "no such note"),
    ("hulls.md", 7, "/docs/nowhere/", "inline", "no page at this URL"),
]
ORPHANS = {"index.md", "navigation.md", "tides.md"}
DEAD_ENDS = {"guides/sails.md", "weather.md", "tides.md"}
MIN_SCORE = 0.5


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Recommender, SiteReport]:
    """The fixture corpus (a copy), its model, and its report: built once for the module."""
    root = tmp_path_factory.mktemp("site")
    corpus = root / "handbook"
    shutil.copytree(FIXTURE, corpus)
    rec = Recommender.open(corpus, root / "model", settings=Settings())
    return rec, build_report(rec, min_score=MIN_SCORE)


@pytest.fixture
def cli() -> Iterator[object]:
    """The real ``linkrec`` group with ``report`` registered (until the lead wires it in cli.py)."""
    from linkrec.cli import cli as group

    added = "report" not in group.commands
    if added:
        group.add_command(report_command)
    yield group
    if added:
        group.commands.pop("report", None)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A fresh copy of the fixture corpus."""
    dest = tmp_path / "handbook"
    shutil.copytree(FIXTURE, dest)
    return dest


# --------------------------------------------------------------------------- build_report

def test_per_page_counts(site: tuple[Recommender, SiteReport]) -> None:
    _, rep = site
    assert [p.path for p in rep.pages] == sorted(EXPECTED)
    for p in rep.pages:
        assert (p.inbound, p.outbound, p.links) == EXPECTED[p.path], p.path
        assert p.links_to == LINKS_TO[p.path], p.path
        assert p.orphan == (p.path in ORPHANS), p.path
        assert p.dead_end == (p.path in DEAD_ENDS), p.path


def test_broken_links_with_lines(site: tuple[Recommender, SiteReport]) -> None:
    _, rep = site
    found = [(b.page, b.line, b.target, b.kind, b.reason) for p in rep.pages for b in p.broken]
    assert found == BROKEN
    # The line really holds the link as written.
    for page, line, target, kind, _ in BROKEN:
        text = (FIXTURE / page).read_text(encoding="utf-8").splitlines()[line - 1]
        assert target in text
    # Not broken: external, mailto:, #fragment, [[#heading]], self links, an existing non-page
    # file (by path, or by name in a wikilink), and the reference usage of a broken definition (reported once, at the definition).
    targets = {b.target for p in rep.pages for b in p.broken}
    assert not targets & {"https://www.northsails.com/", "mailto:club@example.org", "#trim", "#Navigation",
                          "navigation.md#navigation", "files/checklist.txt", "checklist.txt",
                          "https://sailing.example/charts/"}


def test_totals_and_untaken_suggestions(site: tuple[Recommender, SiteReport]) -> None:
    rec, rep = site
    untaken = 0
    for p in rep.pages:
        expected = rec.suggest_file(rec.corpus / p.path, min_score=MIN_SCORE)
        assert p.suggestions == tuple(s.target for s in expected.links)
        assert all(s.score >= MIN_SCORE for s in expected.links)
        assert p.path not in p.suggestions and not set(p.suggestions) & set(p.links_to)
        untaken += p.untaken
    assert rep.totals == SiteTotals(pages=10, links=19, distinct_links=18, orphans=3, dead_ends=3,
                                    broken_links=4, untaken_suggestions=untaken)
    assert rep.min_score == MIN_SCORE


def test_more_suggestions_at_a_lower_min_score(site: tuple[Recommender, SiteReport]) -> None:
    rec, rep = site
    low = build_report(rec, min_score=0.0)
    assert low.totals.untaken_suggestions >= rep.totals.untaken_suggestions
    assert low.totals.untaken_suggestions > 0
    assert low.totals.broken_links == 4


def test_min_score_out_of_range(site: tuple[Recommender, SiteReport]) -> None:
    rec, _ = site
    with pytest.raises(LinkrecError, match="min_score"):
        build_report(rec, min_score=1.5)


def test_progress_is_called_per_page(site: tuple[Recommender, SiteReport]) -> None:
    rec, _ = site
    calls: list[tuple[int, int]] = []
    build_report(rec, min_score=1.0, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 10) for i in range(1, 11)]


def test_base_url_makes_site_urls_internal(corpus: Path, tmp_path: Path) -> None:
    rec = Recommender.open(corpus, tmp_path / "m", settings=Settings(base_url="https://sailing.example"))
    rep = build_report(rec, min_score=1.0)
    nav = next(p for p in rep.pages if p.path == "navigation.md")
    assert nav.links_to == ("boats.md", "guides/sails.md", "weather.md")
    assert [(b.line, b.target, b.kind, b.reason) for b in nav.broken] == [
        (5, "https://sailing.example/charts/", "autolink", "no page at this URL")]
    assert rep.totals.broken_links == 5


@pytest.mark.parametrize(("kind", "target", "base", "expected"), [
    ("inline", "a.md", None, "path"),
    ("inline", "../a/b/", None, "path"),
    ("inline", "/docs/x/", None, "url"),
    ("inline", "<b c.md>", None, "path"),
    ("inline", "#top", None, None),
    ("inline", "?q=1", None, None),
    ("inline", "", None, None),
    ("inline", "mailto:a@b.c", None, None),
    ("inline", "tel:123", None, None),
    ("inline", "https://other.example/x", None, None),
    ("inline", "//other.example/x", None, None),
    ("inline", "https://site.example/x", "https://site.example/", "url"),
    ("inline", "HTTPS://SITE.example", "https://site.example", "url"),
    ("inline", "https://site.example.org/x", "https://site.example", None),
    ("inline", "//site.example/x", "https://site.example", "url"),
    ("autolink", "https://x.example", None, None),
    ("definition", "./gone.md", None, "path"),
    ("wikilink", "Some Note", None, "note"),
    ("wikilink", "Note#Heading", None, "note"),
    ("wikilink", "#Heading", None, None),
])
def test_what_looks_internal(kind: str, target: str, base: str | None, expected: str | None) -> None:
    assert _internal_kind(kind, target, base) == expected


def test_links_to_existing_files_are_not_broken(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "img").mkdir(parents=True)
    (site / "img" / "a.png").write_bytes(b"png")
    (tmp_path / "README.md").write_text("beside the corpus", encoding="utf-8")
    assert _is_file(site, "docs/page.md", "../img/a.png", None)
    assert _is_file(site, "page.md", "<img/a.png>", None)
    assert _is_file(site, "docs/page.md", "/img/a.png?v=2", None)
    assert _is_file(site, "docs/page.md", "https://site.example/img/a.png", "https://site.example")
    assert _is_file(site, "page.md", "../README.md", None)
    assert not _is_file(site, "page.md", "img/b.png", None)
    assert not _is_file(site, "page.md", "img", None)
    assert not _is_file(site, "page.md", "#top", None)


def test_wikilinks_to_pages_left_out_by_ignore_are_not_broken(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "Daily").mkdir(parents=True)
    (vault / "Daily" / "2024-01-02.md").write_text("# Jan 2\n\nCoffee notes.\n", encoding="utf-8")
    (vault / "Acidity.md").write_text("# Acidity\n\nSee [[Daily/2024-01-02]], [[Missing note]] and "
                                      "[[Roast.md]] and [[photo.png]].\n", encoding="utf-8")
    (vault / "Roast.md").write_text("# Roast\n\nDark and light roasts.\n", encoding="utf-8")
    rec = Recommender.open(vault, tmp_path / "m", settings=Settings(ignore=("Daily/*",)))
    assert "Daily/2024-01-02.md" not in rec.index.path_ids  # left out of the index
    broken = {b.target for p in build_report(rec, min_score=MIN_SCORE).pages for b in p.broken}
    assert broken == {"Missing note", "photo.png"}


# --------------------------------------------------------------------------- renderers

def test_json_field_by_field(site: tuple[Recommender, SiteReport]) -> None:
    _, rep = site
    data = json.loads(render_json(rep))
    assert set(data) == {"corpus", "min_score", "totals", "pages"}
    assert data["corpus"] == rep.corpus and data["min_score"] == MIN_SCORE
    assert data["totals"] == {"pages": 10, "links": 19, "distinct_links": 18, "orphans": 3, "dead_ends": 3,
                              "broken_links": 4, "untaken_suggestions": rep.totals.untaken_suggestions}
    assert [p["path"] for p in data["pages"]] == sorted(EXPECTED)
    broken = []
    for obj, page in zip(data["pages"], rep.pages):
        assert set(obj) == {"path", "title", "inbound", "outbound", "links", "orphan", "dead_end",
                            "broken_links", "untaken_suggestions", "suggestions", "links_to"}
        assert (obj["inbound"], obj["outbound"], obj["links"]) == EXPECTED[obj["path"]]
        assert obj["orphan"] is (obj["path"] in ORPHANS) and obj["dead_end"] is (obj["path"] in DEAD_ENDS)
        assert obj["links_to"] == list(LINKS_TO[obj["path"]])
        assert obj["untaken_suggestions"] == len(obj["suggestions"]) == page.untaken
        assert obj["title"] == page.title and isinstance(obj["title"], str)
        for b in obj["broken_links"]:
            assert set(b) == {"page", "line", "target", "text", "kind", "reason"}
            assert isinstance(b["line"], int) and isinstance(b["text"], str)
            broken.append((b["page"], b["line"], b["target"], b["kind"], b["reason"]))
    assert broken == BROKEN
    titles = {p["path"]: p["title"] for p in data["pages"]}
    assert titles["index.md"] == "Sailing Handbook" and titles["hulls.md"] == "Hull types"
    assert render_json(rep) == render_json(rep)  # deterministic


def test_csv_parses(site: tuple[Recommender, SiteReport]) -> None:
    _, rep = site
    rows = list(csv.DictReader(io.StringIO(render_csv(rep), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["path"] for r in rows] == sorted(EXPECTED)
    for r in rows:
        assert (int(r["inbound"]), int(r["outbound"]), int(r["links"])) == EXPECTED[r["path"]]
        assert r["orphan"] == ("true" if r["path"] in ORPHANS else "false")
        assert r["dead_end"] == ("true" if r["path"] in DEAD_ENDS else "false")
    by = {r["path"]: r for r in rows}
    assert by["boats.md"]["broken_links"] == "1" and by["boats.md"]["broken"] == "6:./missing-page.md"
    assert by["guides/knots.md"]["broken"] == "5:Rope Care"
    assert sum(int(r["untaken_suggestions"]) for r in rows) == rep.totals.untaken_suggestions


def test_csv_cells_never_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "=cmd.md").write_text("---\ntitle: =HYPERLINK(\"http://x\")\n---\nSee [b](b.md).\n", encoding="utf-8")
    (corpus / "b.md").write_text("---\ntitle: \"@SUM(1)\"\n---\nPlain text.\n", encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(render_csv(build_report(Recommender.open(corpus, tmp_path / "m"),
                                                                    min_score=MIN_SCORE)), newline="")))
    cells = [v for r in rows for k, v in r.items() if k in ("path", "title")]
    assert sorted(cells) == ["'=HYPERLINK(\"http://x\")", "'=cmd.md", "'@SUM(1)", "b.md"]


def test_text_has_totals_then_broken_links_then_pages(site: tuple[Recommender, SiteReport]) -> None:
    _, rep = site
    out = render_text(rep)
    lines = out.splitlines()
    for label, value in (("pages", 10), ("internal links", 19), ("orphans", 3), ("dead ends", 3),
                         ("broken links", 4), ("untaken suggestions", rep.totals.untaken_suggestions)):
        assert any(re.match(rf"\s+{label}\s+{value}\b", line) for line in lines), label
    assert "18 distinct" in out
    for page, line, target, _, reason in BROKEN:
        assert f"  {page}:{line}  {target}  ({reason})" in lines
    tides = next(line for line in lines if line.endswith(" tides.md"))
    assert tides.split()[:3] == ["0", "0", "0"] and "orphan,dead-end" in tides
    assert out.index("pages") < out.index("broken links:") < out.index("tides.md")


def _fake_report(n: int) -> SiteReport:
    """A hand-built report: a chain of ``n`` pages plus one isolated page, with hostile text."""
    pages = []
    evil = '<script>alert("x")</script> & \'quotes\''
    for i in range(n):
        path = f"p{i:03d}.md"
        links_to = (f"p{i + 1:03d}.md",) if i + 1 < n else ()
        pages.append(PageStats(path=path, title=f"Page {i} {evil}", inbound=int(i > 0), outbound=len(links_to),
                               links=len(links_to), links_to=links_to, broken=(), suggestions=()))
    bad = BrokenLink("zz <b>.md", 3, '"><img src=x onerror=alert(1)>', "t", "inline", "no such page")
    pages.append(PageStats(path="zz <b>.md", title=evil, inbound=0, outbound=0, links=0, links_to=(),
                           broken=(bad,), suggestions=("p000.md",)))
    totals = SiteTotals(pages=len(pages), links=n - 1, distinct_links=n - 1, orphans=2, dead_ends=2,
                        broken_links=1, untaken_suggestions=1)
    return SiteReport("/tmp/<site>", 0.5, totals, tuple(pages))


def test_html_escapes_text_and_loads_nothing() -> None:
    doc = render_html(_fake_report(5))
    assert "<script>alert" not in doc and "<img src=x" not in doc and "<b>.md" not in doc
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quotes&#x27;" in doc
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in doc
    assert doc.count("<script") == 2  # the graph data and the page script, both ours
    assert not re.search(r"https?://|<link\b|@import|<[a-z]+[^>]*\ssrc=", doc)
    assert render_html(_fake_report(5)) == doc  # seeded layout: the same file every time


def test_html_graph_caps_big_sites() -> None:
    doc = render_html(_fake_report(30), max_graph_nodes=10)
    # 10 best-connected pages plus the chain's orphan (p000) in the graph; the isolated page beside it.
    assert len(re.findall(r'<circle [^>]*data-i="', doc)) == 11
    assert "the graph shows the 10 with the most links plus every orphan (11 in all)" in doc
    assert "1 page</text>" in doc and "with no links in or out" in doc


# --------------------------------------------------------------------------- CLI

def _run(group: object, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(group, list(args), catch_exceptions=False)  # type: ignore[arg-type]
    return result.exit_code, result.stdout, result.stderr


def test_cli_json_and_text(cli: object, corpus: Path, tmp_path: Path) -> None:
    model = tmp_path / "model"
    code, out, err = _run(cli, "report", "--corpus", str(corpus), "--model", str(model), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["min_score"] == 0.5  # the settings' min_score is 0, so the report's default
    assert {k: v for k, v in data["totals"].items() if k != "untaken_suggestions"} == {
        "pages": 10, "links": 19, "distinct_links": 18, "orphans": 3, "dead_ends": 3, "broken_links": 4}
    code, out, err = _run(cli, "report", "--corpus", str(corpus), "--model", str(model), "--min-score", "0.9")
    assert code == 0, err
    assert out.startswith(f"link report for {corpus}\n") and "score >= 0.90" in out
    assert "  boats.md:6  ./missing-page.md  (no such page)" in out.splitlines()
    assert "\x1b[" not in out and "\x1b[" not in err


def test_cli_output_files_atomically(cli: object, corpus: Path, tmp_path: Path) -> None:
    model = tmp_path / "model"
    for fmt, name in (("csv", "r.csv"), ("html", "r.html")):
        dest = tmp_path / "out" / name
        dest.parent.mkdir(exist_ok=True)
        dest.write_text("old", encoding="utf-8")
        code, out, err = _run(cli, "report", "--corpus", str(corpus), "--model", str(model), "--format", fmt,
                              "--output", str(dest))
        assert code == 0, err
        assert out == "" and f"wrote {dest}" in err
        assert not [f for f in os.listdir(dest.parent) if f.endswith(".tmp")]
    fresh = tmp_path / "out" / "new.json"
    code, _, err = _run(cli, "report", "--corpus", str(corpus), "--model", str(model), "--format", "json",
                        "-o", str(fresh))
    assert code == 0, err
    assert json.loads(fresh.read_text(encoding="utf-8"))["totals"]["pages"] == 10
    assert fresh.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600
    code, _, err = _run(cli, "report", "--corpus", str(corpus), "--model", str(model),
                        "--output", str(tmp_path / "no-such-folder" / "r.txt"))
    assert code == 1 and "cannot write the report" in err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "r.csv").read_text(encoding="utf-8"), newline="")))
    assert len(rows) == 10
    doc = (tmp_path / "out" / "r.html").read_text(encoding="utf-8")
    assert doc.startswith("<!DOCTYPE html>") and "Link report: handbook" in doc


def test_cli_html_to_stdout_and_quiet(cli: object, corpus: Path, tmp_path: Path) -> None:
    code, out, err = _run(cli, "-q", "report", "--corpus", str(corpus), "--model", str(tmp_path / "m"),
                          "--format", "html")
    assert code == 0 and err == ""
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")


def test_cli_errors(cli: object, tmp_path: Path) -> None:
    code, _, err = _run(cli, "report", "--corpus", str(tmp_path / "nope"), "--model", str(tmp_path / "m"))
    assert code == 1 and err.startswith("linkrec: error: ") and "corpus folder not found" in err
    code, _, err = _run(cli, "report", "--min-score", "2")
    assert code == 2 and "--min-score" in err
    code, _, err = _run(cli, "report", "--format", "pdf")
    assert code == 2


def test_cli_help_has_an_example(cli: object) -> None:
    code, out, _ = _run(cli, "report", "--help")
    assert code == 0
    assert "linkrec report --corpus docs/ --format html --output link-report.html" in out
    for opt in ("--corpus", "--model", "--format", "--output", "--min-score"):
        assert opt in out


# --------------------------------------------------------------------------- a real browser

def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    """Run headless chromium with no network, sync or first-run work."""
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)


def test_html_in_headless_chromium(site: tuple[Recommender, SiteReport], tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed: apt-get install chromium")
    _, rep = site
    page = tmp_path / "report.html"
    page.write_text(render_html(rep), encoding="utf-8")
    url = page.as_uri()

    png = tmp_path / "report.png"
    shot = _chromium([f"--screenshot={png}", "--window-size=1400,1000", url], tmp_path / "profile1")
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(png, ARTIFACTS / "report-screenshot.png")

    # The page's script ran: it sorted by inbound links (descending) and kept only orphans, as the URL asks.
    dom = _chromium(["--dump-dom", url + "#sort=inbound-desc&only=orphan"], tmp_path / "profile2")
    assert dom.returncode == 0, dom.stderr[-2000:]
    html_out = dom.stdout
    body = re.search(r"<body([^>]*)>", html_out)
    assert body and 'data-ready="1"' in body.group(1) and 'data-sort="inbound-desc"' in body.group(1)
    assert 'data-shown="3"' in body.group(1)
    rows = re.findall(r'<tr data-path="([^"]+)"[^>]*?data-inbound="(\d+)"[^>]*>', html_out)
    assert len(rows) == 10
    inbound = [int(n) for _, n in rows]
    assert inbound == sorted(inbound, reverse=True)
    visible = [p for p, _ in rows if not re.search(rf'<tr data-path="{re.escape(p)}"[^>]*\bhidden\b', html_out)]
    assert sorted(visible) == sorted(ORPHANS)
    assert re.search(r'<th data-key="inbound"[^>]*aria-sort="descending"', html_out)
    assert "3 of 10 pages" in html_out
    # The graph: one circle per page (nine linked, one with no links at all) and a legend.
    assert len(re.findall(r'<circle class="n ', html_out)) == 10
    assert "orphan (links out only)" in html_out

    # Real events on the real handlers: header clicks sort, a chip filters, hovering a page
    # highlights its links, clicking it looks it up in the table.
    probe = """<script>(function(){
      var b = document.body, mark = function(k, v){ b.setAttribute("data-t-" + k, v); };
      var first = function(){ return document.querySelector("#pages tbody tr").getAttribute("data-path"); };
      var th = document.querySelector('th[data-key="outbound"] button');
      th.click(); mark("desc", first());
      th.click(); mark("asc", first());
      document.querySelector('.chip[data-filter="deadend"]').click(); mark("dead", b.getAttribute("data-shown"));
      var c = document.querySelector('circle[data-path="index.md"]');
      c.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
      mark("out", document.getElementById("hl-out").getAttribute("d").split("M").length - 1);
      mark("fade", document.getElementById("graph").classList.contains("fade") ? "yes" : "no");
      c.dispatchEvent(new MouseEvent("click", {bubbles: true}));
      mark("q", document.getElementById("q").value + "|" + b.getAttribute("data-shown"));
    })();</script>"""
    probed = tmp_path / "probe.html"
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", probe + "</body>"), encoding="utf-8")
    dom = _chromium(["--dump-dom", probed.as_uri()], tmp_path / "profile3")
    body = re.search(r"<body([^>]*)>", dom.stdout)
    assert body, dom.stderr[-2000:]
    attrs = dict(re.findall(r'data-t-(\w+)="([^"]*)"', body.group(1)))
    assert attrs == {"desc": "index.md", "asc": "guides/sails.md", "dead": "3", "out": "5", "fade": "yes",
                     "q": "index.md|1"}


def test_cli_stops_on_a_malformed_ignore_file_and_reads_one_with_a_byte_order_mark(
        cli: object, corpus: Path, tmp_path: Path) -> None:
    (corpus / ".linkrec-ignore").write_text("bogus rule here\n", encoding="utf-8")
    code, _, err = _run(cli, "-q", "report", "--corpus", str(corpus), "--model", str(tmp_path / "m"))
    assert code == 1 and err.startswith("linkrec: error: ") and ".linkrec-ignore" in err
    (corpus / ".linkrec-ignore").write_text("\ufefftarget boats.md\n", encoding="utf-8")
    code, out, err = _run(cli, "report", "--corpus", str(corpus), "--model", str(tmp_path / "m"), "--format", "json")
    assert code == 0, err
    assert all("boats.md" not in p["suggestions"] for p in json.loads(out)["pages"])  # suggested thrice without it
