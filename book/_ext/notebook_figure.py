"""Sphinx extension: a figure stored in a chapter's outputs, shown on another page.

The front page shows the network of chapter 1, whose picture is the stored output of a chapter
cell (``make execute`` draws it with ``linearnet.plotting``). Rather than a copy of the PNG kept
in the repository, which could drift from the chapter, the directive takes the picture out of the
notebook each time the page is read::

    :::{notebook-figure} 01_model_outline.ipynb#fig-network
    :width: 80%

    The caption, in MyST.
    :::

``fig-network`` is the figure's name in the cell's metadata (``mystnb: figure: name``), and the
alt text is the cell's (``mystnb: image: alt``), so the figure reads the same to a screen reader on
both pages. The PNG is written under ``notebook_figure_dir`` (``_build/notebook_figures``,
relative to the book's root) as ``<name>.png``; Sphinx copies it into the site as
``_images/<name>.png`` (``_config.yml`` points Open Graph's ``og:image`` at it). The page is read
again whenever the notebook changes. On the site the copy has no number of its own (its caption
can name the original, "Fig. 1.1"): it is an :class:`unnumbered_figure`.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.directives.patches import Figure
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.html5 import HTML5Translator
from sphinx.writers.latex import LaTeXTranslator


class unnumbered_figure(nodes.figure):  # noqa: N801 (docutils names nodes in lower case)
    """A figure that Sphinx does not number: not one of its enumerable node classes."""


def visit_html(self: HTML5Translator, node: unnumbered_figure) -> None:
    self.visit_figure(node)


def depart_html(self: HTML5Translator, node: unnumbered_figure) -> None:
    self.depart_figure(node)


def visit_latex(self: LaTeXTranslator, node: unnumbered_figure) -> None:
    self.visit_figure(node)


def depart_latex(self: LaTeXTranslator, node: unnumbered_figure) -> None:
    self.depart_figure(node)


def stored_figure(notebook: Path, name: str) -> tuple[bytes, str]:
    """The PNG that the cell naming figure ``name`` stored, and the cell's alt text."""
    for cell in nbformat.read(notebook, as_version=4).cells:
        meta = cell.get("metadata", {}).get("mystnb", {})
        if cell.cell_type != "code" or meta.get("figure", {}).get("name") != name:
            continue
        pngs = [o["data"]["image/png"] for o in cell.outputs if "image/png" in o.get("data", {})]
        if len(pngs) != 1:
            raise ValueError(
                f"the cell of figure {name!r} in {notebook} stores {len(pngs)} PNG outputs, "
                "expected 1: run `make execute` on that notebook"
            )
        return base64.b64decode(pngs[0]), str(meta.get("image", {}).get("alt", ""))
    raise ValueError(
        f"no code cell of {notebook} names figure {name!r} (metadata mystnb: figure: name); "
        "check the name after '#'"
    )


class NotebookFigure(Figure, SphinxDirective):
    """``{notebook-figure} <notebook>#<figure name>``: the options and caption of ``{figure}``."""

    def run(self) -> list[nodes.Node]:
        where, _, name = self.arguments[0].partition("#")
        _, path = self.env.relfn2path(where, self.env.docname)
        try:
            png, alt = stored_figure(Path(path), name)
        except (OSError, ValueError) as error:
            return [self.state.document.reporter.error(str(error), line=self.lineno)]
        self.env.note_dependency(path)
        folder = Path(self.env.srcdir, self.config.notebook_figure_dir)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.png").write_bytes(png)
        # A path from the book's root: "/" + the folder, which lies under it.
        self.arguments = [f"/{Path(self.config.notebook_figure_dir).as_posix()}/{name}.png"]
        self.options.setdefault("alt", alt)
        out = super().run()
        for i, node in enumerate(out):
            if type(node) is nodes.figure:
                out[i] = unnumbered_figure(node.rawsource, *node.children, **node.attributes)
        return out


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive and the folder it writes to."""
    app.add_config_value("notebook_figure_dir", "_build/notebook_figures", "env", [str])
    app.add_directive("notebook-figure", NotebookFigure)
    app.add_node(
        unnumbered_figure, html=(visit_html, depart_html), latex=(visit_latex, depart_latex)
    )
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
