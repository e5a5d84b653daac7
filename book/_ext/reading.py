"""Sphinx extension: what a reader of the chapters needs that the theme does not give.

- The math at the text's size: MathJax's TeX fonts have an x-height of 0.442 em, the body font's
  is larger, so build-time math looked 20 % smaller than the words around it. ``reading.css``
  sizes every formula so that its x-height is the text's (what MathJax's ``matchFontHeight``
  does in the browser, which a build-time rendering cannot).
- Display equations on a phone: below 720 px the equation number goes under the formula instead
  of over it, and ``reading.js`` shrinks a display that is wider than its column until it fits
  (to half its size at most; a wider one scrolls, never clips).
- Punctuation after a formula: a comma or a full stop directly after inline math is kept on the
  formula's line (``math_with_punctuation``), so no line starts with it.
- Code and printouts wrap instead of scrolling sideways.
- The checks one click away: every check is collapsed behind "Show the check"; ``reading.js``
  adds a switch at the top of each chapter that opens or closes them all, and opens the check a
  link points to.
- Figures in the dark theme: a white card, without the theme's dimming filter.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

#: Punctuation that must not start a line after a formula.
PUNCTUATION = re.compile(r"^[.,;:!?)\]’”]+")


def math_with_punctuation(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Wrap inline math and the punctuation right after it in one unbreakable span."""
    for math in list(doctree.findall(nodes.math)):
        parent = math.parent
        if parent is None:
            continue
        index = parent.index(math)
        if index + 1 >= len(parent) or not isinstance(parent[index + 1], nodes.Text):
            continue
        text = parent[index + 1]
        found = PUNCTUATION.match(str(text))
        if not found:
            continue
        rest = str(text)[found.end() :]
        keep = nodes.inline("", "", classes=["math-and-punctuation"])
        parent.replace(math, keep)
        keep += math
        keep += nodes.Text(found.group(0))
        if rest:
            parent.replace(text, nodes.Text(rest))
        else:
            parent.remove(text)


def setup(app: Sphinx) -> dict[str, Any]:
    """Add the readers' stylesheet and script, and keep punctuation with its formula."""
    app.add_css_file("reading.css")
    app.add_js_file("reading.js", loading_method="defer")
    app.connect("doctree-resolved", math_with_punctuation)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
