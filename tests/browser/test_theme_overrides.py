"""The four theme templates of ``_templates/``: each still copied from the installed theme, and
each still doing what it is there for.

They copy or filter HTML of sphinx-book-theme and pydata-sphinx-theme, pinned with ``==`` in
``pyproject.toml``; the first comment of each names the release it was copied from, and
:func:`test_each_template_was_copied_from_the_installed_theme` fails when another one is
installed (compare the template with the new theme's file, then update it, its header and the
pin). What each override does is tested on the built site, so that dropping one fails a test:

- ``layout.html``: no search index on pages other than the search page
  (``test_site.py::test_search_finds_a_chapter_and_a_chapter_loads_no_unused_assets``), and the
  book's title once in the front page's tab (``test_front_page.py::test_one_title_in_the_tab``);
- ``search-button-field.html``, ``theme-switcher.html``: each control named by what it shows
  (:func:`test_the_search_button_and_the_colour_switch_are_named_by_what_they_show`; the axe
  scan of every page runs the same rule);
- ``static/webpack-macros.html``: no Font Awesome script, the icons still drawn by its font
  (:func:`test_no_page_loads_font_awesome_s_script_yet_its_icons_are_drawn`).
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from browsing import AXE_JS, ROOT, Visit, open_page, wait_for_mathjax

TEMPLATES = ROOT / "_templates"
THEMES = ("sphinx-book-theme", "pydata-sphinx-theme")
#: "pydata-sphinx-theme 0.17.1" in a template's first comment: the release it was copied from.
COPIED_FROM = re.compile(rf"({'|'.join(THEMES)}) (\d+(?:\.\d+)+)")
PAGE = "book/intro.html"

# The two controls, the icons of the header, and the Font Awesome faces the page has loaded.
CONTROLS_JS = r"""
() => {
  const search = document.querySelector(".search-button-field");
  const modes = document.querySelector(".theme-switch-button");
  const icon = search.querySelector("i");  // Font Awesome's script would make it an <svg>
  const before = icon && getComputedStyle(icon, "::before");
  return {
    search: {label: search.getAttribute("aria-label"), text: search.innerText},
    modeIcons: [...modes.querySelectorAll("i")].map(i => ({
      hidden: i.getAttribute("aria-hidden"), title: i.getAttribute("title")})),
    icon: icon && {glyph: before.content, font: before.fontFamily,
                   hidden: icon.getAttribute("aria-hidden"),
                   width: icon.getBoundingClientRect().width},
    fonts: [...document.fonts].filter(f => f.family.includes("Font Awesome") &&
                                           f.status === "loaded").map(f => f.family),
  };
}
"""


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def _name(template: Path) -> str:
    return template.relative_to(TEMPLATES).as_posix()


def _pins() -> dict[str, str]:
    """The themes' versions pinned with ``==`` in pyproject.toml's dev extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = (r.partition("==") for r in project["optional-dependencies"]["dev"])
    return {name.strip(): pinned.strip() for name, _, pinned in pins if name.strip() in THEMES}


@pytest.mark.parametrize("template", _templates(), ids=_name)
def test_each_template_was_copied_from_the_installed_theme(template: Path) -> None:
    text = template.read_text()
    header = text[: text.index("#}") + 2]  # the first comment
    named = COPIED_FROM.findall(header)
    assert named, f"{template.name} names no theme release in its first comment: {header!r}"
    for theme, copied in named:
        installed = version(theme)
        assert installed == copied, (
            f"{template.name} was copied from {theme} {copied}, but {installed} is installed: "
            f"compare it with {theme} {installed}'s own, then update it, its header and the pin"
        )
        assert _pins().get(theme) == copied, f"pyproject.toml does not pin {theme}=={copied}"


def test_every_template_is_there() -> None:
    # The list above, so that a template added or renamed is looked at here.
    assert [_name(p) for p in _templates()] == [
        "layout.html",
        "search-button-field.html",
        "static/webpack-macros.html",
        "theme-switcher.html",
    ]


@pytest.fixture(scope="module")
def header(site: Path, browser: Any, base_url: str, axe_source: str) -> dict[str, Any]:
    """A page's header as the browser shows it, its requests, and axe's verdict on its names."""
    v = Visit(page=PAGE, url=base_url + PAGE)
    context, page = open_page(browser, v.url, base_url, v)
    try:
        wait_for_mathjax(page)  # the fonts, Font Awesome's included
        seen = dict(page.evaluate(CONTROLS_JS))
        v.recording = False
        page.add_script_tag(content=axe_source)
        seen["axe"] = page.evaluate(AXE_JS, ["label-content-name-mismatch"])["violations"]
    finally:
        context.close()
    return seen | {"requests": v.requests}


def test_the_search_button_and_the_colour_switch_are_named_by_what_they_show(
    header: dict[str, Any],
) -> None:
    # WCAG 2.5.3: a speech-input user says what the control shows. The search button is named by
    # its text (no aria-label "Search" over "Search Ctrl+K"); the colour switch keeps its name
    # "Color mode", and its icons, decoration, are hidden and carry no title (the themes' titles
    # "Light", "Dark", "System Settings").
    assert header["axe"] == [], header["axe"]
    assert header["search"]["label"] is None
    assert " ".join(header["search"]["text"].split()) == "Search Ctrl + K"
    icons = header["modeIcons"]
    assert len(icons) == 3
    assert icons == [{"hidden": "true", "title": None}] * 3, icons


def test_no_page_loads_font_awesome_s_script_yet_its_icons_are_drawn(
    header: dict[str, Any],
) -> None:
    # pydata-sphinx-theme loads scripts/fontawesome.js (1.5 MB) on every page; the icons are
    # drawn by the Font Awesome web font its stylesheet declares, hidden from screen readers.
    scripts = [u for u in header["requests"] if "fontawesome" in u.lower() and ".js" in u]
    assert scripts == [], f"{PAGE} loads {scripts}"
    icon = header["icon"]
    assert icon is not None, "the search button's icon is no <i> drawn by the icon font"
    assert icon["glyph"] not in ("", "none", "normal"), f"the search icon draws nothing: {icon}"
    assert "Font Awesome" in icon["font"], icon
    assert icon["width"] > 0, icon
    assert icon["hidden"] == "true"
    assert header["fonts"], "no Font Awesome font loaded"
