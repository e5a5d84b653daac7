"""Sphinx extension: ``{reading-time}`01_*.ipynb 02_*.ipynb```, the reading time of some pages.

Counted when the page is built, so that it follows the chapters as they change: the words of the
prose (the markdown cells of a notebook, the text of a markdown page), without code, displayed
math or MyST's directive lines; an inline formula counts as one word. At ``reading_time_wpm``
words a minute (200: a careful pace for technical prose), rounded to 5 minutes, e.g. "about
45 minutes", "about 1 h 45 min". Proofs read slowly and code is not counted: the words around it
say so. The page is read again whenever one of the counted pages changes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole

_DISPLAY = re.compile(r"\$\$.*?\$\$|^```.*?^```|^:::.*?$", re.S | re.M)
_INLINE = re.compile(r"\$[^$\n]+\$")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def prose(path: Path) -> str:
    """The text of a page a reader reads: a notebook's markdown cells, or a markdown file."""
    if path.suffix == ".ipynb":
        cells = nbformat.read(path, as_version=4).cells
        return "\n".join(c.source for c in cells if c.cell_type == "markdown")
    return path.read_text(encoding="utf-8")


def words(text: str) -> int:
    """Words of prose: displayed math, code blocks and directive lines out, a formula one word."""
    return len(_WORD.findall(_INLINE.sub(" x ", _DISPLAY.sub(" ", text))))


def duration(minutes: float) -> str:
    """``about 45 minutes``, ``about 1 h 45 min``: to the nearest 5 minutes, at least 5."""
    m = max(5, 5 * round(minutes / 5))
    return (
        f"about {m} minutes" if m < 60 else f"about {m // 60} h" + f" {m % 60} min" * (m % 60 > 0)
    )


class ReadingTime(SphinxRole):
    """The role: its text is a list of glob patterns, relative to the page's folder."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        folder = Path(self.env.doc2path(self.env.docname)).parent
        paths = sorted({p for pattern in self.text.split() for p in folder.glob(pattern)})
        if not paths:
            message = f"reading-time: no page matches {self.text!r} in {folder}"
            return [], [self.inliner.reporter.error(message, line=self.lineno)]
        for path in paths:
            self.env.note_dependency(str(path))
        total = sum(words(prose(p)) for p in paths)
        return [nodes.Text(duration(total / self.config.reading_time_wpm))], []


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the role and the reading speed."""
    app.add_config_value("reading_time_wpm", 200, "env", [int])
    app.add_role("reading-time", ReadingTime())
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
