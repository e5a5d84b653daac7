"""Sphinx extension: the site's search finds a claim by its number and shows the text it matched.

Sphinx 7.4's search (``searchtools.js``, on the search page) answers a query from three lists in
``searchindex.js``: the words of each page, the titles of its sections (and of its theorem boxes,
which sphinx-proof writes as titles, without their number), and the entries of index directives.

- **Claims by number.** A box's number ("Theorem 3.1") is not in its page's text when Sphinx
  indexes it: sphinx-proof writes it into the HTML. The search splits "3.1" into "3" and "1" and
  drops numbers, so "Theorem 3.1" found every page with the word "theorem", none of them at the
  theorem. :func:`index_claims` gives each numbered box ("Theorem 3.1") and each numbered
  equation ("Eq. (2.3)") an index entry to its anchor, in the HTML builds only, once Sphinx has
  numbered them. Sphinx ranks an entry that the whole query matches first. The entries exist
  only in the search index: Sphinx's general index was gathered when the pages were read, and
  the LaTeX build gets none (no ``\\index`` in the PDF). Sphinx keeps the search's entries only
  for the build that wrote them (in ``env._search_index_index_entries``, filled after it saved
  its environment), so an incremental build would lose those of the pages it does not write:
  they are kept between builds (``KEPT``, in the doctrees' folder) and given back when the next
  build starts.
- **Snippets from the text.** Sphinx makes each result's snippet from the text of the page's
  ``[role="main"]`` element. In pydata-sphinx-theme's layout that is ``<main>``, which starts with
  sphinx-book-theme's print-only table of contents, so a snippet showed the page's table of
  contents wherever the word is in a section title. ``static/search_snippets.js`` (on the search
  page only, deferred so that it runs after ``searchtools.js``) takes the text of the article, or
  of the anchored element inside it.
- **A legible field.** ``static/search.css``: the field's magnifier sat over the first letter
  typed (pydata-sphinx-theme 0.17 places it absolutely, over the start of the input).
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx_proof.nodes import NODE_TYPES

KEPT = "site_search.pickle"  # in the doctrees' folder: the search's index entries, by page


def _number(app: Sphinx, docname: str, counter: str, anchor: str) -> str:
    """The number Sphinx gave ``anchor`` ("3.1"), or "" if none."""
    numbers = app.env.toc_fignumbers.get(docname, {}).get(counter, {}).get(anchor, ())
    return ".".join(map(str, numbers))


def index_claims(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """An index entry "Theorem 3.1" to each numbered box, "Eq. (2.3)" to each numbered
    equation (search only: see the module's docstring)."""
    if app.builder.format != "html":
        return
    entries = []
    boxes = tuple(NODE_TYPES.values())
    for box in (n for n in doctree.findall(nodes.Element) if isinstance(n, boxes)):
        number = _number(app, docname, box["countertype"], box["label"])
        if number and box["ids"]:
            entries.append((f"{box['realtype'].title()} {number}", box["ids"][0]))
    for math in doctree.findall(nodes.math_block):
        anchor = next(iter(math["ids"]), "")
        number = _number(app, docname, "displaymath", anchor)
        if number:
            entries.append((f"Eq. ({number})", anchor))
    if entries:
        index = addnodes.index(entries=[("single", t, a, "main", None) for t, a in entries])
        doctree.append(index)


def restore_entries(app: Sphinx) -> None:
    """Give Sphinx back the search's index entries of the last build (see the docstring)."""
    kept = Path(app.doctreedir, KEPT)
    if app.builder.format == "html" and kept.is_file():
        entries = app.env._search_index_index_entries  # Sphinx's own, filled when pages are written
        entries.update({**pickle.loads(kept.read_bytes()), **entries})


def keep_entries(app: Sphinx, exception: Exception | None) -> None:
    """Keep the search's index entries of the pages that still exist, for the next build."""
    if exception is None and app.builder.format == "html":
        entries = app.env._search_index_index_entries
        found = {page: e for page, e in entries.items() if page in app.env.found_docs}
        Path(app.doctreedir, KEPT).write_bytes(pickle.dumps(found))


def snippets_from_the_text(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The search page's snippets from the article's text (static/search_snippets.js)."""
    if pagename == "search":
        app.add_js_file("search_snippets.js", loading_method="defer")


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the claims' index entries and the field's style (the search page's script:
    :func:`snippets_from_the_text`, called by page_hooks.py)."""
    app.connect("doctree-resolved", index_claims)
    app.connect("builder-inited", restore_entries)
    app.connect("build-finished", keep_entries)
    app.add_css_file("search.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
