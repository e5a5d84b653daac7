"""Navigation on every screen: the visible ☰ and "contents" buttons do what they show.

On a phone and a tablet (below the themes' 992 px breakpoint) ☰ opens the chapter list in a
dialog, and "contents" (below 1200 px) the page's outline; on a laptop ☰ hides the sidebar and
shows it again. pydata-sphinx-theme 0.17.1 and sphinx-book-theme 1.3.0 bind these clicks to the
first button of each kind in the page, which was a hidden one while the theme's top navbar held a
second search button (book/_ext/site_fixes.py: ``empty_navbar``). Both themes, as a returning
reader who chose one loads them. One search control is visible on each screen, not covered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browsing import NO_CHAPTER, SCREENS, THEMES, Visit, chapter_pages, open_page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

#: How long a dialog or the sidebar's slide may take (the themes animate for 0.25 s or less).
SETTLE_MS = 3_000

# What the reader sees of an element: drawn, not hidden, and inside the window.
SHOWN_JS = """
el => {
  const r = el.getBoundingClientRect();
  return el.checkVisibility({visibilityProperty: true, opacityProperty: true})
    && r.width > 0 && r.height > 0 && r.right > 0 && r.left < window.innerWidth;
}
"""


@pytest.fixture(scope="module")
def first_chapter(site: Path) -> str:
    """The first chapter: it has a chapter list beside it and an outline of its own."""
    chapters = chapter_pages()
    assert chapters, NO_CHAPTER
    return chapters[0]


def _open(browser: Any, base_url: str, page_path: str, screen: str, theme: str) -> tuple[Any, Any]:
    visit = Visit(page=page_path, url=base_url + page_path)
    context, page = open_page(
        browser, visit.url, base_url, visit, viewport=SCREENS[screen], theme=theme
    )
    return context, page


def _the_visible(page: Any, selector: str, what: str) -> Any:
    """The one button of ``selector`` a reader can see (the themes draw others, hidden)."""
    visible = page.locator(selector).locator("visible=true")
    assert visible.count() == 1, f"{visible.count()} visible {what} buttons, expected one"
    return visible


def _shown(page: Any, selector: str) -> list[str]:
    """The texts of the elements of ``selector`` that the reader sees."""
    return [
        " ".join(el.text_content().split())
        for el in page.locator(selector).element_handles()
        if el.evaluate(SHOWN_JS)
    ]


def _wait_until(page: Any, condition: str, arg: Any, what: str) -> None:
    """Wait until ``condition`` (a JavaScript function of ``arg``) holds; fail saying ``what``
    did not happen."""
    try:
        page.wait_for_function(condition, arg=arg, timeout=SETTLE_MS)
    except PlaywrightTimeout:
        pytest.fail(f"{what} (waited {SETTLE_MS} ms)", pytrace=False)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", ["phone", "tablet"])
def test_menu_opens_the_chapter_list(
    browser: Any, base_url: str, first_chapter: str, screen: str, theme: str
) -> None:
    context, page = _open(browser, base_url, first_chapter, screen, theme)
    try:
        links = page.locator("#pst-primary-sidebar nav.bd-docs-nav a.reference")
        titles = [" ".join(t.split()) for t in links.all_text_contents()]
        assert titles, "the page has no chapter list"
        assert _shown(page, "nav.bd-docs-nav a.reference") == [], "the list shows before ☰"

        _the_visible(page, ".primary-toggle", "☰").click()
        dialog = page.locator("#pst-primary-sidebar-modal")
        _wait_until(page, "d => d.open", dialog.element_handle(), "☰ did not open the dialog")
        assert _shown(page, "#pst-primary-sidebar-modal nav.bd-docs-nav a.reference") == titles
        page.keyboard.press("Escape")
        _wait_until(page, "d => !d.open", dialog.element_handle(), "Escape left the list open")
        # Once the list has slid away.
        none_shown = f"s => [...document.querySelectorAll(s)].every(a => !({SHOWN_JS})(a))"
        _wait_until(page, none_shown, "nav.bd-docs-nav a.reference", "Escape left the list")
    finally:
        context.close()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", ["phone", "tablet"])
def test_contents_opens_the_outline_of_the_page(
    browser: Any, base_url: str, first_chapter: str, screen: str, theme: str
) -> None:
    context, page = _open(browser, base_url, first_chapter, screen, theme)
    try:
        links = page.locator("#pst-secondary-sidebar nav.page-toc a.nav-link")
        sections = [" ".join(t.split()) for t in links.all_text_contents()]
        assert sections, "the chapter has no outline"
        assert _shown(page, "nav.page-toc a.nav-link") == [], "the outline shows before a click"

        _the_visible(page, ".secondary-toggle", '"contents"').click()
        dialog = page.locator("#pst-secondary-sidebar-modal")
        _wait_until(page, "d => d.open", dialog.element_handle(), '"contents" opened nothing')
        shown = "#pst-secondary-sidebar-modal nav.page-toc a.nav-link"
        assert _shown(page, shown) == sections
        first = page.locator(shown).first.get_attribute("href") or ""
        assert first.startswith("#"), f"the outline's first entry leads off the page: {first}"
        assert page.evaluate("id => !!document.getElementById(id)", first[1:]), first
    finally:
        context.close()


@pytest.mark.parametrize("theme", THEMES)
def test_menu_hides_and_restores_the_sidebar_on_a_laptop(
    browser: Any, base_url: str, first_chapter: str, theme: str
) -> None:
    context, page = _open(browser, base_url, first_chapter, "laptop", theme)
    try:
        sidebar = page.locator("#pst-primary-sidebar")
        article = page.locator("article.bd-article")
        assert sidebar.evaluate(SHOWN_JS), "the sidebar is not shown on a wide screen"
        left = article.bounding_box()["x"]
        menu = _the_visible(page, ".primary-toggle", "☰")

        menu.click()
        hidden = f"el => !({SHOWN_JS})(el)"
        _wait_until(page, hidden, sidebar.element_handle(), "☰ did not hide the sidebar")
        assert not page.locator("#pst-primary-sidebar-modal").is_visible(), "☰ opened a dialog"
        page.wait_for_timeout(500)  # the slide's end: the article has taken the room
        assert article.bounding_box()["x"] < left, "the article did not take the sidebar's room"

        menu.click()
        shown = f"el => ({SHOWN_JS})(el)"
        _wait_until(page, shown, sidebar.element_handle(), "☰ did not bring the sidebar back")
        assert _shown(page, "#pst-primary-sidebar nav.bd-docs-nav a.reference"), "no chapters"
    finally:
        context.close()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_one_search_control_and_nothing_over_it(
    browser: Any, base_url: str, first_chapter: str, screen: str, theme: str
) -> None:
    # On wide screens the theme's top bar used to show a second "Search Ctrl+K" over the top of
    # the sidebar's search field.
    context, page = _open(browser, base_url, first_chapter, screen, theme)
    try:
        controls = page.locator(".search-button__button").locator("visible=true")
        assert controls.count() == 1, f"{controls.count()} search controls shown, expected one"
        on_top = controls.evaluate(
            """el => { const r = el.getBoundingClientRect();
                       const top = document.elementFromPoint(r.x + r.width / 2, r.y + 2);
                       return el.contains(top); }"""
        )
        assert on_top, "something covers the top of the search control"
    finally:
        context.close()
