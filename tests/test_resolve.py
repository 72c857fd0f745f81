from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from linkrec.resolve import PageKey, Resolver


@pytest.fixture
def resolver() -> Resolver:
    pages = [
        PageKey("a.md", "Alpha", ("first",), None),
        PageKey("dir/b.md", "Beta Page", (), "/custom/beta/"),
        PageKey("dir/sub/index.md", "Sub Index", (), None),
        PageKey("dir/my page.md", "Spaced", (), None),
        PageKey("other/b.md", "Other B", (), None),
        PageKey("c.md", "Gamma", (), None),
        PageKey("s.md", "Slugged", (), None),
        PageKey("t.md", "Tee", (), "slug-only"),
    ]
    return Resolver(pages, base_url="https://example.org/docs")


@pytest.mark.parametrize(
    ("target", "source", "expected"),
    [
        ("a.md", "c.md", "a.md"),
        ("../a.md", "dir/b.md", "a.md"),
        ("../a.md#section", "dir/b.md", "a.md"),
        ("../a.md?x=1", "dir/b.md", "a.md"),
        ("b.md", "dir/sub/index.md", None),  # dir/sub/b.md does not exist
        ("../b.md", "dir/sub/index.md", "dir/b.md"),
        ("my page.md", "dir/b.md", "dir/my page.md"),
        ("my%20page.md", "dir/b.md", "dir/my page.md"),
        ("<my page.md>", "dir/b.md", "dir/my page.md"),
        ("sub/", "dir/b.md", "dir/sub/index.md"),
        ("a", "c.md", "a.md"),
        ("a.html", "c.md", "a.md"),
        ("/custom/beta", "c.md", "dir/b.md"),
        ("/dir/b.md", "c.md", "dir/b.md"),
        ("https://example.org/docs/custom/beta/", "c.md", "dir/b.md"),
        ("https://example.org/docs/dir/sub/", "c.md", "dir/sub/index.md"),
        ("https://elsewhere.org/a.md", "c.md", None),
        ("mailto:x@y.z", "c.md", None),
        ("#top", "c.md", None),
        ("/x/slug-only/", "c.md", "t.md"),
    ],
)
def test_markdown_targets(resolver: Resolver, target: str, source: str, expected: str | None) -> None:
    assert resolver.resolve(target, source) == expected


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("dir/b", "dir/b.md"),  # path first
        ("dir/b.md", "dir/b.md"),
        ("a", "a.md"),  # unique file name
        ("Gamma", "c.md"),  # then title
        ("first", "a.md"),  # or alias
        ("beta page", "dir/b.md"),
        ("a#Heading", "a.md"),
        ("nothing here", None),
    ],
)
def test_wikilinks(resolver: Resolver, target: str, expected: str | None) -> None:
    assert resolver.resolve(target, "c.md", kind="wikilink") == expected


def test_wikilink_ambiguous_file_name_prefers_shallowest(resolver: Resolver) -> None:
    assert resolver.resolve("b", "c.md", kind="wikilink") == "dir/b.md"


def test_decomposed_file_names_and_links_match_composed_ones() -> None:
    # macOS may save "Café Notes.md" decomposed (e + combining accent); links are typed composed.
    nfd = unicodedata.normalize("NFD", "Café Notes.md")
    r = Resolver([PageKey(nfd, "Café Notes", (), None), PageKey("b.md", "B", (), None)])
    assert r.resolve("Café Notes.md", "b.md") == nfd
    assert r.resolve("Caf%C3%A9%20Notes.md", "b.md") == nfd
    assert r.resolve("Café Notes", "b.md", kind="wikilink") == nfd
    assert r.resolve(unicodedata.normalize("NFD", "Café Notes"), "b.md", kind="wikilink") == nfd


def test_root_relative_links_under_the_base_url_path() -> None:
    # A site served under https://example.org/docs/ writes root-relative links as /docs/...
    pages = [PageKey("security.md", "Security", (), None), PageKey("guide/index.md", "Guide", (), None)]
    r = Resolver(pages, base_url="https://example.org/docs")
    assert r.resolve("/docs/security/", "a.md") == "security.md"
    assert r.resolve("/docs/guide/", "a.md") == "guide/index.md"
    assert r.resolve("https://example.org/docs/security/", "a.md") == "security.md"
    assert r.resolve("/other/security/", "a.md") is None
    assert Resolver(pages).resolve("/docs/security/", "a.md") is None  # no base path: nothing to strip


def test_backslashes_separate_folders_as_browsers_read_them() -> None:
    r = Resolver([PageKey("sub/deep/page.md", "P", (), None), PageKey("gamma.md", "G", (), None)])
    assert r.resolve("sub\\deep\\page.md", "a.md") == "sub/deep/page.md"
    assert r.resolve("..\\gamma.md", "sub/b.md") == "gamma.md"


def test_jekyll_links_start_at_the_root_and_names_must_be_unique() -> None:
    from linkrec.markdown import parse_document

    r = Resolver([PageKey("index.md", "Home", (), None), PageKey("docs/index.md", "Docs", (), None),
                  PageKey("x/setup.md", "S1", (), None), PageKey("y/z/setup.md", "S2", (), None),
                  PageKey("only/guide.md", "G", (), None)])
    link = parse_document("[home]({% link index.md %})\n", "docs/a.md").links[0]
    assert r.resolve(link.target, "docs/a.md", kind=link.kind) == "index.md"
    assert r.resolve("setup", "a.md", kind="ref") is None  # two pages of that name
    assert r.resolve("guide", "a.md", kind="ref") == "only/guide.md"


DOCS = [PageKey("intro.md", "Intro", (), None), PageKey("guides/setup.md", "Setup", (), None),
        PageKey("api/index.md", "API", (), None)]


def test_site_path_taken_from_links_that_resolve_only_without_it() -> None:
    """A docs folder served at /docs/ (Docusaurus) links its pages as /docs/...: without base_url,
    the resolver takes /docs as the site's path once most root-relative links need it."""
    r = Resolver(DOCS)
    links = [("intro.md", "inline", "/docs/guides/setup"), ("intro.md", "reference", "/docs/api/"),
             ("guides/setup.md", "inline", "/docs/intro.md#top"), ("api/index.md", "html", "/guides/setup")]
    images = [("intro.md", "inline", f"/img/{n}.png") for n in range(10)]  # no pages: they do not count,
    blog = [("intro.md", "inline", f"/blog/post-{n}") for n in range(10)]  # nor links outside the corpus
    links += images + blog
    assert r.resolve("/docs/api/", "intro.md") is None
    assert r.assume_site_path(links) == "/docs"
    assert [r.resolve(t, s, kind=k) for s, k, t in links if (s, k, t) not in images + blog] == [
        "guides/setup.md", "api/index.md", "intro.md", "guides/setup.md"]
    assert r.resolve("/docs/missing", "intro.md") is None and r.resolve("/blog/intro", "intro.md") is None


@pytest.mark.parametrize("links", [
    # too few: two links are no evidence of a site path
    [("intro.md", "inline", "/docs/guides/setup"), ("intro.md", "inline", "/docs/api/")],
    # most root-relative links resolve as written: the others point elsewhere (another language's pages)
    [("intro.md", "inline", f"/{p}") for p in ("guides/setup", "api/", "intro", "guides/setup.md")]
    + [("intro.md", "inline", f"/zh/{p}") for p in ("guides/setup", "api/", "intro")],
])
def test_no_site_path_without_clear_evidence(links: list[tuple[str, str, str]]) -> None:
    r = Resolver(DOCS)
    assert r.assume_site_path(links) == ""
    assert r.resolve("/zh/intro", "api/index.md") is None


def test_a_configured_base_url_is_kept() -> None:
    r = Resolver(DOCS, base_url="https://example.org/site")
    assert r.assume_site_path([("intro.md", "inline", f"/docs/{p}") for p in ("intro", "api/", "guides/setup")]) == ""
    assert r.resolve("/docs/intro", "api/index.md") is None and r.resolve("/site/intro", "api/index.md") == "intro.md"


def test_jekyll_post_url_names_a_post_by_its_file_name() -> None:
    from linkrec.markdown import parse_document

    r = Resolver([PageKey("about.md", "About", (), None), PageKey("_posts/2020-01-01-hello.md", "Hello", (), None),
                  PageKey("_posts/news/2021-02-02-launch.md", "Launch", (), None)])
    doc = parse_document("Read [hello]({% post_url 2020-01-01-hello %}) and "
                         "[the launch]({{ site.baseurl }}{% post_url /news/2021-02-02-launch %}).\n", "about.md")
    assert [(lk.kind, lk.text, r.resolve(lk.target, "about.md", kind=lk.kind)) for lk in doc.links] == [
        ("ref", "hello", "_posts/2020-01-01-hello.md"), ("ref", "the launch", "_posts/news/2021-02-02-launch.md")]
    assert "post_url" not in "".join(doc.text[s.start:s.end] for s in doc.linkable)


def test_parent_folder_links_reach_the_root_index_page() -> None:
    r = Resolver([PageKey("index.md", "Home", (), None), PageKey("guide/setup.md", "Setup", (), None),
                  PageKey("about/index.md", "About", (), None)])
    assert [r.resolve(t, "guide/setup.md") for t in ("..", "../", "../index.md", "/")] == ["index.md"] * 4
    assert r.resolve("./", "guide/setup.md") is None  # guide/ has no index page
    assert [r.resolve(t, "about/index.md") for t in ("..", "./")] == ["index.md", "about/index.md"]


def test_jekyll_link_forms_and_post_urls() -> None:
    """A Jekyll blog links with {{ site.baseurl }} and relative_url, and to posts by their default
    URL, /2023/05/01/slug.html (or after categories): all are links to the pages they name."""
    from linkrec.markdown import parse_document

    r = Resolver([PageKey("about.md", "About", (), "/about/"), PageKey("_posts/2023-05-01-espresso-basics.md", "E", (), None),
                  PageKey("_posts/coffee/2023-05-20-pour-over.md", "P", (), None)])
    text = ("[a]({{ site.baseurl }}/about/), [b]({{ \"/about/\" | relative_url }}), [c]({{site.baseurl}}/about/), "
            "[d](/2023/05/01/espresso-basics.html), [e](/2023/05/20/pour-over/), [f](/coffee/2023/05/20/pour-over.html), "
            "[g]({{ site.baseurl }}/2023/05/01/espresso-basics.html)\n")
    doc = parse_document(text, "_posts/2023-06-01-hub.md")
    assert [r.resolve(lk.target, doc.path, kind=lk.kind) for lk in doc.links] == [
        "about.md", "about.md", "about.md", "_posts/2023-05-01-espresso-basics.md",
        "_posts/coffee/2023-05-20-pour-over.md", "_posts/coffee/2023-05-20-pour-over.md",
        "_posts/2023-05-01-espresso-basics.md"]
    assert [lk.text for lk in doc.links] == list("abcdefg")
    # no link inside them (apply wrote [[Pour Over Coffee](...)]({{ site.baseurl }}/...)), and no Liquid indexed
    assert "".join(doc.text[s.start:s.end] for s in doc.linkable).replace(",", "").split() == []
    assert "baseurl" not in doc.body and "relative_url" not in doc.body


def test_hugo_url_aliases_are_old_addresses_not_names(tmp_path: Path) -> None:
    """Hugo's front matter aliases are old URLs the page is served at: a link to one is a link to
    the page, and "/docs/old-rbac/" is no name to find in other pages' text."""
    from linkrec import Recommender
    from linkrec.markdown import parse_document

    doc = parse_document("---\ntitle: RBAC\naliases: [/docs/old-rbac/, Role-based access]\n---\nText.\n", "rbac.md")
    assert doc.aliases == ("Role-based access",) and doc.redirects == ("/docs/old-rbac/",)
    site = tmp_path / "site"
    site.mkdir()
    (site / "rbac.md").write_text("---\ntitle: RBAC\naliases: [/docs/old-rbac/]\n---\nRoles and bindings.\n")
    (site / "guide.md").write_text("# Guide\n\nSee [the RBAC page](/docs/old-rbac/). Old rbac notes.\n")
    index = Recommender.open(site, tmp_path / "model").index
    assert index.inbound[index.path_ids["rbac.md"]] == 1
    assert not any("old" in key for key in index.phrases)
