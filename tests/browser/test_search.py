"""Search, as a reader uses it (book/_ext/site_search.py).

- A claim's number ("Theorem 3.1") and its title find the claim: the first result links to its
  box, and the result's snippet shows the claim's text.
- Every snippet is text of the page it comes from: Sphinx's snippets used to show the page's
  print-only table of contents.
- The search field is legible: its magnifier does not cover the text typed, on the search page
  and in the search dialog, at 390, 800 and 1280 px, light and dark.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from browsing import SCREENS, SITE, THEMES, Visit, chapter_pages, open_page, page_tree, text_of
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sphinx_claims.reads import cache

#: How long a search may take to list its results and fetch their snippets.
SEARCH_MS = 15_000
#: The claim the issue asked for by number.
NUMBER_QUERY = "Theorem 3.1"

# The results as the search page shows them, once each has its snippet; a result for an object of
# the API reference has its description instead (a <span>), and no snippet.
RESULTS_JS = """
() => [...document.querySelectorAll("#search-results ul.search > li")].map(li => ({
  href: li.querySelector("a").getAttribute("href"),
  title: li.querySelector("a").innerText,
  snippet: (li.querySelector("p.context") || {innerText: null}).innerText,
}))
"""
RESULTS_READY_JS = """
() => {
  const summary = document.querySelector("#search-results .search-summary");
  const items = document.querySelectorAll("#search-results ul.search > li");
  return !!summary && summary.innerText.length > 0
    && [...items].every(li => li.querySelector("p.context, :scope > span"));
}
"""


def _squash(text: str) -> str:
    """Without white space: the browser's innerText and the HTML's text space differently."""
    return re.sub(r"\s+", "", text)


@cache
def _article_text(page: str, anchor: str = "") -> str:
    """What search_snippets.js reads: the text of the page's article (or of the anchored
    element in it), less the headings' "#" links, scripts and styles."""
    articles = page_tree(SITE / page).cssselect("article.bd-article")
    assert articles, f"{page} has no article"
    targets = articles[0].xpath(".//*[@id=$anchor]", anchor=anchor) if anchor else articles
    assert targets, f"{page} has no #{anchor} in its article"
    return text_of(targets[0], ".headerlink, script, style")


def _claim(number: str) -> tuple[str, str, str]:
    """The page, anchor and title text of the box numbered ``number`` ("Theorem 3.1")."""
    for page in chapter_pages():
        for title in page_tree(SITE / page).cssselect("div.proof > p.admonition-title"):
            caption = title.cssselect(".caption-number")
            if caption and caption[0].text_content().strip() == number:
                return page, title.getparent().attrib["id"], title.text_content()
    raise AssertionError(f"no claim is numbered {number!r} in the built chapters")


def _search(browser: Any, base_url: str, query: str) -> list[dict[str, Any]]:
    """The search page's results for ``query``, each with its snippet."""
    visit = Visit(page="search.html", url=f"{base_url}search.html?q={quote(query)}")
    context, page = open_page(browser, visit.url, base_url, visit)
    try:
        try:
            page.wait_for_function(RESULTS_READY_JS, timeout=SEARCH_MS)
        except PlaywrightTimeout:
            pytest.fail(f"the search for {query!r} did not finish with snippets", pytrace=False)
        results = page.evaluate(RESULTS_JS)
    finally:
        context.close()
    assert visit.console_errors == [], visit.console_errors
    return results


#: A claim's title: Sphinx's own index of titles finds it (sphinx-proof writes box titles as
#: titles), ranked below the page whose text holds every word of it.
TITLE_QUERY = "Reduction of the stationarity conditions"


@pytest.mark.parametrize(("query", "rank"), [(NUMBER_QUERY, 1), (TITLE_QUERY, 3)])
def test_a_claims_number_and_title_find_the_claim(
    site: Path, browser: Any, base_url: str, query: str, rank: int
) -> None:
    number = query if query == NUMBER_QUERY else _number_of(query)
    page, anchor, title = _claim(number)
    results = _search(browser, base_url, query)
    found = [r for r in results[:rank] if r["href"] == f"{page}#{anchor}"]
    assert found, (
        f"searching {query!r}: no result among the first {rank} is the claim {page}#{anchor}: "
        f"{[r['href'] for r in results[:5]]}"
    )
    assert _squash(title)[:30] in _squash(found[0]["snippet"]), (
        f"the claim's result shows {found[0]['snippet']!r}, not the claim's text {title!r}"
    )


def _number_of(title: str) -> str:
    """The number of the claim whose title is ``title`` ("Lemma 3.1")."""
    for page in chapter_pages():
        for head in page_tree(SITE / page).cssselect("div.proof > p.admonition-title"):
            caption = head.cssselect(".caption-number")
            if caption and f"({title})" in head.text_content():
                return str(caption[0].text_content().strip())
    raise AssertionError(f"no claim is titled {title!r}")


@pytest.mark.parametrize("query", [NUMBER_QUERY, "least squares", "normal equations"])
def test_every_snippet_is_text_of_its_page(
    site: Path, browser: Any, base_url: str, query: str
) -> None:
    # "normal equations" is in section titles, so in the print-only table of contents that
    # Sphinx's own snippets started with.
    results = _search(browser, base_url, query)
    assert len(results) >= 2, f"searching {query!r} found {len(results)} page(s)"
    wrong = []
    for result in (r for r in results if r["snippet"] is not None):
        path, _, anchor = result["href"].partition("#")
        snippet = result["snippet"].removeprefix("...").removesuffix("...")
        if _squash(snippet) not in _squash(_article_text(path, unquote(anchor))):
            wrong.append(f"{result['href']}: {result['snippet'][:120]!r}")
    assert wrong == [], "snippets that are not the page's text:\n" + "\n".join(wrong)


# Where the field's magnifier ends and where the text typed starts (its first letter's left).
FIELD_JS = """
form => {
  const icon = form.querySelector(".fa-magnifying-glass").getBoundingClientRect();
  const input = form.querySelector("input");
  const box = input.getBoundingClientRect();
  const style = getComputedStyle(input);
  const textLeft = box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
  return {iconRight: icon.right, iconWidth: icon.width, textLeft: textLeft,
          text: input.value, shown: input.checkVisibility()};
}
"""


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("where", ["search page", "search dialog"])
def test_the_magnifier_does_not_cover_what_is_typed(
    site: Path, browser: Any, base_url: str, where: str, screen: str, theme: str
) -> None:
    path = "search.html" if where == "search page" else chapter_pages()[0]
    visit = Visit(page=path, url=base_url + path)
    context, page = open_page(
        browser, visit.url, base_url, visit, viewport=SCREENS[screen], theme=theme
    )
    try:
        if where == "search page":
            form = page.locator("article form.bd-search, .bd-search-container form.bd-search")
        else:
            page.locator(".search-button__button").locator("visible=true").first.click()
            form = page.locator("#pst-search-dialog form.bd-search")
        form.locator("input").fill("Theorem")
        field = form.first.evaluate(FIELD_JS)
    finally:
        context.close()
    assert field["shown"], f"the {where}'s field is not shown"
    assert field["iconWidth"] > 0, f"the {where} shows no magnifier"
    assert field["iconRight"] <= field["textLeft"], (
        f"the {where}'s magnifier ends at {field['iconRight']:.0f} px, over the text typed, "
        f"which starts at {field['textLeft']:.0f} px"
    )
