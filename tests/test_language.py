"""Translated sites: a page is offered links to, and from, pages of its own language only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from linkrec import Recommender
from linkrec.language import Layout, detect, meta_language, normalise

WriteSite = Callable[[Path, dict[str, str]], Path]


def test_codes_are_iso_languages_in_one_form() -> None:
    assert normalise("fr") == "fr"
    assert normalise("pt_BR") == normalise("pt-br") == "pt-br"
    assert normalise("zh-Hans") == "zh-hans"
    assert normalise("es-419") == "es-419"
    for not_a_language in ("js", "py", "v1", "english", "", "fr-", "index"):
        assert normalise(not_a_language) is None
    assert meta_language({"lang": "DE"}) == "de"
    assert meta_language({"language": "python", "lang": 3}) is None


def test_suffix_layout_needs_another_version_of_the_page() -> None:
    site = detect(["about.md", "about.fr.md", "docs/faq.de.md", "docs/faq.md", "notes.v1.md", "api/io.md"])
    assert site.suffix_codes == {"fr", "de"}
    assert site.folders == frozenset()
    assert [site.language(p) for p in ("about.fr.md", "about.md", "docs/faq.de.md", "new.de.md")] == ["fr", "", "de", "de"]
    assert site.language("api/io.md") == "" and site.language("x.it.md") == ""  # a code no page uses as a suffix
    # a file name with a code-like part but no translation beside it is one page, not a translation
    assert not detect(["release.it.md", "intro.md"])


def test_folder_layout_needs_the_same_pages_in_two_language_folders() -> None:
    site = detect(["content/en/a.md", "content/en/b.md", "content/en/c.md", "content/fr/a.md", "content/fr/b.md",
                   "content/_index.md"])
    assert site.folders == {"content/en", "content/fr"}
    assert [site.language(p) for p in ("content/fr/a.md", "content/en/c.md", "content/_index.md")] == ["fr", "en", ""]
    # Docusaurus keeps translations under i18n/<code>/, beside the default language's docs/
    assert detect(["docs/intro.md", "i18n/ja/docusaurus-plugin-content-docs/current/intro.md"]).language(
        "i18n/ja/docusaurus-plugin-content-docs/current/intro.md") == "ja"
    # folders that are only named like languages (MDN's element/tr/, element/th/) hold one page each
    assert not detect(["web/element/tr/index.md", "web/element/th/index.md", "web/element/li/index.md"])


def test_declared_language_wins() -> None:
    assert Layout(frozenset({"fr"})).language("a.fr.md", declared="es") == "es"


COFFEE = {
    "coffee.md": "---\ntitle: Coffee brewing\n---\nCoffee brewing starts with fresh beans and a burr grinder. "
                 "Espresso needs fine grounds; a French press needs coarse grounds.\n",
    "coffee.fr.md": "---\ntitle: Préparer le café\n---\nLa préparation du café commence avec des grains frais et un "
                    "moulin à meules. L'espresso demande une mouture fine; la French press une mouture grossière.\n",
    "grinder.md": "---\ntitle: Burr grinder\n---\nA burr grinder crushes coffee beans between two burrs for even "
                  "grounds, better than a blade grinder for espresso.\n",
    "grinder.fr.md": "---\ntitle: Moulin à meules\n---\nUn moulin à meules écrase les grains de café entre deux "
                     "meules pour une mouture régulière, mieux qu'un moulin à lames pour l'espresso.\n",
    "espresso.md": "---\ntitle: Espresso\n---\nEspresso is coffee brewed by forcing hot water through fine "
                   "grounds. Use a burr grinder and fresh beans for a French press too.\n",
    "espresso.fr.md": "---\ntitle: Espresso\n---\nL'espresso est un café préparé en forçant de l'eau chaude à "
                      "travers une mouture fine. Utilisez un moulin à meules et des grains frais.\n",
}


@pytest.mark.parametrize("layout", ["suffix", "folder", "front matter"])
def test_translated_site_links_within_each_language(tmp_path: Path, write_site: WriteSite, layout: str) -> None:
    def place(name: str, text: str) -> tuple[str, str]:
        stem, _, rest = name.partition(".")
        lang = "fr" if rest == "fr.md" else "en"
        if layout == "suffix":
            return name, text
        if layout == "folder":
            return f"{lang}/{stem}.md", text
        return f"{lang}-{stem}.md", text.replace("---\ntitle", f"---\nlang: {lang}\ntitle", 1)

    pages = dict(place(n, t) for n, t in COFFEE.items())
    site = write_site(tmp_path / "site", pages)
    rec = Recommender.open(site, tmp_path / "model")
    french = {p for p, t in pages.items() if "café" in t}
    for page in pages:
        report = rec.suggest_file(site / page, keywords=10)
        targets = {s.target for s in report.links}
        assert targets, page
        assert (targets <= french) == (page in french), (page, targets)
        assert targets <= french or targets.isdisjoint(french), (page, targets)
        for kw in report.keywords:
            assert set(kw.pages) <= french or set(kw.pages).isdisjoint(french), (page, kw)
        sources = {s.source for s in rec.inbound_file(site / page).links}
        assert sources <= french or sources.isdisjoint(french), (page, sources)
    # an English page that names the French page's title ("Espresso") still links the English one
    en_coffee = next(p for p in pages if "Coffee brewing" in pages[p])
    assert any(s.target == next(p for p in pages if p not in french and "Espresso is" in pages[p])
               for s in rec.suggest_file(site / en_coffee).links)


def test_one_language_site_is_left_alone(tmp_path: Path, write_site: WriteSite) -> None:
    """Pages that declare the one language of the site, or a draft in another, change nothing."""
    pages = {n: t for n, t in COFFEE.items() if ".fr." not in n}
    plain = write_site(tmp_path / "plain", pages)
    declared = write_site(tmp_path / "declared", {n: t.replace("---\ntitle", "---\nlang: en\ntitle", 1) if n == "coffee.md"
                                                  else t for n, t in pages.items()})
    a = Recommender.open(plain, tmp_path / "m1").suggest_file(plain / "coffee.md")
    b = Recommender.open(declared, tmp_path / "m2").suggest_file(declared / "coffee.md")
    assert [s.target for s in a.links] == [s.target for s in b.links] != []
    draft = tmp_path / "brouillon.md"
    draft.write_text("---\nlang: fr\n---\nUn espresso avec un burr grinder.\n")
    assert Recommender.open(plain, tmp_path / "m1").suggest_file(draft).links  # not cut off from the site
