"""Sphinx extension: the one ``html-page-context`` hook of the book's extensions, in one order.

Each local extension that changes a page as it is written exposes a page function (the arguments
of Sphinx's ``html-page-context`` event) and connects none: :func:`on_page` calls them all, in the
order written out below, so the sequence is read here instead of being worked out from numeric
priorities scattered over five modules.

The hook itself runs after every other extension's handler of the event, whose output the page
functions take as their input:

- sphinx-tippy's ``collect_tips`` (priority 450): the page's tips, and their script;
- sphinxext-opengraph's ``html_page_context`` (500): the Open Graph tags in ``metatags``;
- sphinx-book-theme's ``add_header_buttons`` (501): the download menu in ``header_buttons``.

Hence :data:`AFTER_THE_OTHERS`, the only priority among them.
"""

from __future__ import annotations

from typing import Any

import mathjax_prerender
import pdf_edition
import previews
import site_fixes
import site_metadata
import site_search
from sphinx.application import Sphinx

#: After sphinx-tippy (450), sphinxext-opengraph (500) and sphinx-book-theme (500, 501).
AFTER_THE_OTHERS = 900


def on_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Call every page function of the book's extensions, in their order (see each comment)."""
    args = (app, pagename, templatename, context, doctree)
    # Open Graph's tags are written (sphinxext-opengraph): drop those that need an address.
    site_metadata.no_relative_urls(*args)
    # The glyphs' stylesheet, linked from every page.
    mathjax_prerender.link_stylesheet(*args)
    # sphinx-tippy has gathered the page's tips: drop the screen readers' MathML from them.
    mathjax_prerender.previews_without_mathml(*args)
    # sphinx-book-theme has made the download menu: the chapter and the whole book's PDF.
    pdf_edition.download_menu(*args)
    # sphinx-tippy has added the page's tips script: named after the page's body, not at random,
    # loaded by previews.js when first wanted.
    previews.load_tips_on_demand(*args)
    # The search page's own script.
    site_search.snippets_from_the_text(*args)
    # Last, so that it sees every script and stylesheet the calls above added or replaced: each
    # once, none from another host, and the page's body with its ARIA fixed.
    site_fixes.tidy_assets(*args)


def setup(app: Sphinx) -> dict[str, Any]:
    """Set up the extensions whose page functions the hook calls, and connect the hook."""
    for extension in (
        site_metadata,
        mathjax_prerender,
        pdf_edition,
        previews,
        site_search,
        site_fixes,
    ):
        app.setup_extension(extension.__name__)
    app.connect("html-page-context", on_page, priority=AFTER_THE_OTHERS)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
