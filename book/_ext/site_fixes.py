"""Sphinx extension: fixes to the HTML of every page, for offline readers and accessibility.

Scripts. Jupyter Book 1 (sphinx-thebe 0.3, sphinx-togglebutton 0.4 on Sphinx 7.4) writes some inline
scripts twice into every page's ``<head>``. Twice ``const THEBE_JS_URL = ...`` is a
``SyntaxError`` in every reader's console, and that script exists only to fetch Thebe from
unpkg.com, which this book disables (``launch_buttons: thebe: false``). So, for each page:

- drop sphinx-thebe's configuration script, loader and stylesheet when Thebe is disabled;
- drop sphinx-design's stylesheet and script (58 kB) from a page that has none of its
  components (Jupyter Book 1 loads the extension, and with it these files, on every page);
- drop exact duplicates of a script (same file or same inline body, same attributes);
- warn (an error under ``-W``) if a script or stylesheet would be loaded from another host.

Accessibility (each found by axe-core in the browser tests, ``tests/browser``):

- MyST-NB names the "Show code cell source" toggle of a hidden cell ``aria-label="Toggle hidden
  content"``, a name that does not contain its visible text (WCAG 2.5.3,
  label-content-name-mismatch): :func:`visit_hidden_cell` writes the toggle without the label, so
  it is named by what it shows;
- docutils marks bibliography entries ``role="doc-biblioentry"`` inside ``role="list"``; that
  DPUB role is deprecated and is not a list item, so the list has no items (aria-required-children,
  critical): :func:`visit_citation` marks them ``role="listitem"``;
- ``site_fixes.css`` darkens links inside theorem boxes, whose tinted backgrounds leave the
  theme's link colour below 4.5:1 contrast (color-contrast).

The two visitors are registered in place of MyST-NB's and docutils' own (``add_node`` with
``override=True``): the page's HTML is written right, never patched afterwards
(``tests/browser/test_site.py`` checks the written pages, and axe the rendered ones).

Layout and navigation. sphinx-book-theme 1.3.0 leaves pydata-sphinx-theme's top navbar empty
(its ``theme.conf`` says ``navbar_persistent =``): its own controls are in the article header.
pydata-sphinx-theme 0.17.1 puts its "Search Ctrl+K" button there whenever the *user's* options do
not name ``navbar_persistent`` (its ``update_config``), so on wide screens every page had a header
bar with a second search button over the top of the sidebar's search field. That bar also holds
the theme's own ☰ and "contents" buttons, hidden, ahead of the article header's visible ones; the
two themes bind their click handlers to the first of each (``document.querySelector``), so the
visible ☰ did nothing below 992 px (pydata-sphinx-theme's dialog) nor at 1280 px
(sphinx-book-theme's collapse), nor "contents" below 1200 px (pydata-sphinx-theme#2451 and
sphinx-book-theme#988, both open; sphinx-book-theme#991, an open pull request, binds every
toggle). :func:`empty_navbar` names the option, empty, as sphinx-book-theme means it (unless
``_config.yml`` sets it): the header bar is empty, the first toggles are the visible ones, and
both themes' own handlers work, with no script of ours. Filling a navbar slot (``navbar_start``,
``navbar_end``, ...) would bring the bug back until those fixes are released:
``tests/browser/test_navigation.py`` fails then.

Stylesheets' checksums. Sphinx links each page's local stylesheets and scripts with a checksum
of the file in ``_static`` (``?v=``), or none if the file is not there yet. MyST-NB and
sphinx-proof copy their stylesheets when the build ends, so a first build's pages linked them
without a checksum and every page written again later with one: after a prose edit in one chapter
every page was other bytes, and make test ran again the browser tests of every page.
:func:`their_stylesheets_first` has the two packages copy them, with their own functions, when
the build starts too, so every build links them alike.

The browser tests check the rendered pages themselves; the remote-asset warning catches at build
time what configuration can add.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
from myst_nb.sphinx_ext import add_global_html_resources
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator
from sphinx_proof import copy_asset_files

logger = logging.getLogger(__name__)


def _name(asset: Any) -> str:
    return str(getattr(asset, "filename", asset) or "")


def _attributes(asset: Any) -> dict[str, str]:
    return dict(getattr(asset, "attributes", {}) or {})


def _is_thebe(asset: Any) -> bool:
    name, body = _name(asset), _attributes(asset).get("body", "")
    return "sphinx-thebe." in name or "THEBE_JS_URL" in body


def _is_design(asset: Any) -> bool:
    return "sphinx-design." in _name(asset) or _name(asset).endswith("design-tabs.js")


def _thebe_enabled(app: Sphinx) -> bool:
    launch = (app.config.html_theme_options or {}).get("launch_buttons", {}) or {}
    return bool(launch.get("thebe"))


def _is_remote(name: str) -> bool:
    return "://" in name or name.startswith("//")


def tidy_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Deduplicate the page's scripts, drop disabled Thebe and unused sphinx-design, refuse remote
    assets."""
    drop_thebe = not _thebe_enabled(app)
    drop_design = not re.search(r'class="[^"]*\bsd-', context.get("body", ""))
    for key in ("script_files", "css_files"):
        kept, seen = [], set()
        for asset in context.get(key, []):
            if (drop_thebe and _is_thebe(asset)) or (drop_design and _is_design(asset)):
                continue
            ident = (_name(asset), tuple(sorted(_attributes(asset).items())))
            if ident in seen:
                continue
            seen.add(ident)
            kept.append(asset)
            if _is_remote(_name(asset)):
                logger.warning(
                    "page %s would load %s from another host; vendor it into the site "
                    "(the book must work offline, see book/verifying.md)",
                    pagename,
                    _name(asset),
                    type="site_assets",
                    subtype="remote",
                )
        context[key] = kept


def visit_hidden_cell(self: HTML5Translator, node: HideCodeCellNode) -> None:
    """MyST-NB's toggle of a hidden cell as MyST-NB 1.4 writes it, without ``aria-label``."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    for state, prompt in (("collapsed", node["prompt_show"]), ("expanded", node["prompt_hide"])):
        self.body.append(f'<p class="{state} admonition-title">{escape(prompt)}</p>\n')
    self.body.append("</summary>\n")


def visit_citation(self: HTML5Translator, node: nodes.citation) -> None:
    """A bibliography entry as docutils 0.21 writes it, a ``listitem`` of its ``list``."""
    if not isinstance(node.previous_sibling(), nodes.citation):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def empty_navbar(app: Sphinx, config: Config) -> None:
    """No top navbar: sphinx-book-theme's empty ``navbar_persistent``, which pydata-sphinx-theme
    0.17 replaces by its search button unless the user's options name it (see the docstring)."""
    config.html_theme_options.setdefault("navbar_persistent", [])


def their_stylesheets_first(app: Sphinx) -> None:
    """MyST-NB's and sphinx-proof's stylesheets in ``_static`` before any page is written, copied
    by their own functions (which copy them again when the build ends; see the docstring)."""
    if app.builder.format == "html":
        Path(app.outdir, "_static").mkdir(parents=True, exist_ok=True)
        add_global_html_resources(app, None)
        copy_asset_files(app, None)  # type: ignore[arg-type]  # its hint omits None: success


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the theme option, the early stylesheets, our stylesheet and the two visitors (the
    page's assets: :func:`tidy_assets`, called last by page_hooks.py)."""
    app.connect("config-inited", empty_navbar)
    app.connect("builder-inited", their_stylesheets_first)
    app.add_css_file("site_fixes.css")
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput))
    app.add_node(
        nodes.citation, override=True, html=(visit_citation, HTML5Translator.depart_citation)
    )
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
