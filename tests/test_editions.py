"""Translated and versioned sites: a page is offered links to, and from, pages of its own
language and version only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from linkrec import Recommender
from linkrec.editions import Layout, detect, is_version, meta_language, normalise

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
    assert site.language_folders == site.version_folders == frozenset()
    assert [site.language(p) for p in ("about.fr.md", "about.md", "docs/faq.de.md", "new.de.md")] == ["fr", "", "de", "de"]
    assert site.language("api/io.md") == "" and site.language("x.it.md") == ""  # a code no page uses as a suffix
    # a file name with a code-like part but no translation beside it is one page, not a translation
    assert not detect(["release.it.md", "intro.md"])


def test_folder_layout_needs_the_same_pages_in_two_language_folders() -> None:
    site = detect(["content/en/a.md", "content/en/b.md", "content/en/c.md", "content/fr/a.md", "content/fr/b.md",
                   "content/_index.md"])
    assert site.language_folders == {"content/en", "content/fr"}
    assert [site.language(p) for p in ("content/fr/a.md", "content/en/c.md", "content/_index.md")] == ["fr", "en", ""]
    # Docusaurus keeps translations under i18n/<code>/, beside the default language's docs/
    assert detect(["docs/intro.md", "i18n/ja/docusaurus-plugin-content-docs/current/intro.md"]).language(
        "i18n/ja/docusaurus-plugin-content-docs/current/intro.md") == "ja"
    # folders that are only named like languages (MDN's element/tr/, element/th/) hold one page each,
    # and a folder named i18n is not Docusaurus's unless its folders are named like languages
    assert not detect(["web/element/tr/index.md", "web/element/th/index.md", "web/element/li/index.md",
                       "api/i18n/getmessage/index.md", "api/i18n/detectlanguage/index.md"])


def test_version_folders_hold_the_same_pages() -> None:
    assert [is_version(n) for n in ("v1", "2.0", "1.x", "version-3.1", "v10.2.1")] == [True] * 5
    assert [is_version(n) for n in ("next", "docs", "2fa", "v", "x1", "ipv4")] == [False] * 6
    docs = [f"{v}/{p}.md" for v in ("v1", "v2", "next") for p in ("intro", "install", "config", "api", "faq")]
    site = detect(docs + ["v2/new.md", "blog/post.md"])
    assert site.version_folders == {"v1", "v2", "next"}
    assert [site.version(p) for p in ("v1/intro.md", "v2/new.md", "next/faq.md", "blog/post.md")] == ["v1", "v2", "next", ""]
    assert [site.edition(p) for p in ("v1/intro.md", "blog/post.md")] == ["|v1", ""]
    # "next" and "latest" alone are ordinary folder names
    assert not detect([f"{v}/{p}.md" for v in ("next", "latest") for p in ("a", "b", "c", "d", "e")])
    # Docusaurus: the current docs in docs/, older versions in versioned_docs/version-*/, translations of
    # both under i18n/<code>/docusaurus-plugin-content-docs/{current,version-*}/
    site = detect(["docs/a.md", "versioned_docs/version-1.0/a.md", "versioned_docs/version-2.0/a.md"]
                  + [f"i18n/fr/docusaurus-plugin-content-docs/{v}/{p}.md" for v in ("current", "version-2.0")
                     for p in "abcde"])
    assert [site.edition(p) for p in ("docs/a.md", "versioned_docs/version-1.0/a.md",
                                      "i18n/fr/docusaurus-plugin-content-docs/current/a.md",
                                      "i18n/fr/docusaurus-plugin-content-docs/version-2.0/a.md")] == [
        "", "|version-1.0", "fr|current", "fr|version-2.0"]
    # MDN's release notes are named like versions and share an index and one page: not versions
    assert not detect([f"releases/{v}/{p}" for v in ("5", "6", "7") for p in ("index.md", "updating/index.md")])


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


def test_versioned_docs_link_within_their_version(tmp_path: Path, write_site: WriteSite) -> None:
    """Each version folder holds its own copy of the docs: a page of v2 gets links to v2 pages only,
    even where v1's page says more on the subject."""
    topics = {
        "install": "Install the toolkit with pip, then configure the server and deploy it.",
        "configure": "Configure the server with a YAML file before you deploy the toolkit.",
        "deploy": "Deploy the toolkit server to production after you configure it.",
        "upgrade": "Upgrade the toolkit server: install the new release, configure, deploy.",
        "cli": "The command line of the toolkit: install, configure, deploy and upgrade commands.",
    }
    pages = {}
    for v, extra in (("v1", " Version 1 used an INI file for the server settings and a deploy script."), ("v2", "")):
        for name, text in topics.items():
            pages[f"{v}/{name}.md"] = f"# {name.title()}\n\n{text}{extra}\n"
    site = write_site(tmp_path / "site", pages)
    rec = Recommender.open(site, tmp_path / "model")
    for page in pages:
        version = page.split("/")[0]
        report = rec.suggest_file(site / page, keywords=10)
        assert report.links and all(s.target.startswith(version + "/") for s in report.links), (page, report.links)
        assert all(p.startswith(version + "/") for kw in report.keywords for p in kw.pages)


EN_TEXT = ("You can {x} the kit in a few minutes. Read the notes and the guide first, then ask the team for "
           "help if you need it. It is easy to {x} and to check that it works for you.")
FR_TEXT = ("Vous pouvez {x} le kit en quelques minutes. Lisez les notes et le guide, puis demandez de "
           "l'aide à l'équipe si vous en avez besoin. Il est facile de {x} et de vérifier que tout marche.")


def _site(pages: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Page path -> (language "en"/"fr", topic word): a page of ordinary prose on the topic."""
    out = {}
    for path, (lang, topic) in pages.items():
        text = (EN_TEXT if lang == "en" else FR_TEXT).format(x=topic)
        out[path] = f"# {topic.title()}\n\n{text} {topic.title()} {topic}.\n"
    return out


@pytest.mark.parametrize("pages", [
    # an English handbook with hr/ and it/ folders (Croatian and Italian codes)
    {"hr/onboarding.md": ("en", "onboard"), "hr/faq.md": ("en", "ask"), "it/onboarding.md": ("en", "onboard"),
     "it/faq.md": ("en", "ask"), "it/laptop.md": ("en", "setup"), "handbook.md": ("en", "read")},
    # an SDK's clients in C# and TypeScript (Czech and Tsonga codes)
    {"clients/cs/install.md": ("en", "install"), "clients/cs/usage.md": ("en", "use"),
     "clients/ts/install.md": ("en", "install"), "clients/ts/usage.md": ("en", "use"), "intro.md": ("en", "start")},
    # socket.io beside socket
    {"socket.md": ("en", "connect"), "socket.io.md": ("en", "stream"), "fly.io.md": ("en", "deploy")},
    # Hugo: translated pages as .en.md and .fr.md, the untranslated ones without a code, all English
    {"espresso.en.md": ("en", "brew"), "espresso.fr.md": ("fr", "infuser"), "milk.md": ("en", "froth"),
     "beans.md": ("en", "roast")},
])
def test_english_pages_are_one_language_whatever_their_paths_look_like(pages: dict[str, tuple[str, str]]) -> None:
    from linkrec.editions import Editions, top_words

    texts = _site(pages)
    paths = sorted(texts)
    e = Editions.of(paths, [None] * len(paths), [top_words(t.lower().split()) for t in (texts[p] for p in paths)])
    english = {e.keys[i] for i, p in enumerate(paths) if pages[p][0] == "en"}
    french = {e.keys[i] for i, p in enumerate(paths) if pages[p][0] == "fr"}
    assert len(english) == 1 and english.isdisjoint(french), dict(zip(paths, e.keys.tolist()))


def test_declared_languages_are_told_apart_by_their_words() -> None:
    from linkrec.editions import Editions, top_words

    pages = {"latte.md": ("en", "brew"), "milk.md": ("en", "froth"), "fr-latte.md": ("fr", "infuser"),
             "fr-milk.md": ("fr", "mousser"), "us.md": ("en", "roast"), "gb.md": ("en", "grind")}
    declared = {"fr-latte.md": "fr", "fr-milk.md": "fr", "us.md": "en-us", "gb.md": "en-gb"}  # the others declare none
    texts = _site(pages)
    paths = sorted(texts)
    e = Editions.of(paths, [declared.get(p) for p in paths], [top_words(texts[p].lower().split()) for p in paths])
    keys = dict(zip(paths, e.keys.tolist()))
    assert keys["latte.md"] == keys["milk.md"] == keys["us.md"] == keys["gb.md"] != keys["fr-latte.md"] == keys["fr-milk.md"]


def test_a_language_with_no_words_is_the_main_one() -> None:
    """Pages with no text (front matter only, Hugo's _index.md) cannot tell their language: they
    are not cut off as a language of their own."""
    from linkrec.editions import Editions

    en = ("the", "and", "to", "a", "of", "in", "is", "you", "for", "it")
    fr = ("le", "la", "de", "et", "les", "des", "un", "une", "est", "en")
    paths = ["a.md", "b.md", "c.md", "a.fr.md", "b.fr.md", "c.de.md"]
    e = Editions.of(paths, [None] * 6, [en, en, en, fr, fr, ()])
    assert e.keys.tolist() == ["", "", "", "fr|", "fr|", ""]
