"""Sphinx extension: the book as one PDF (``make pdf``), and the website's link to it.

The PDF, in the LaTeX of the whole book:

- Sphinx's LaTeX builder makes every section of the root document (the introduction) a chapter,
  so "Model outline" would be chapter 5 while its theorems keep the site's numbers ("Theorem
  1.1"). The introduction and the parts of ``_toc.yml`` that are not ``numbered`` are unnumbered
  chapters, the numbered parts start at chapter 1 as on the site, and each part is a line of the
  contents (:class:`NumberOnlyTheNote`);
- the list of works stays in the Bibliography chapter (:class:`MarkTheBibliography`);
- the verification pages' tables have column widths fit for their badges
  (:func:`widen_the_badge_columns`).

The site. When the HTML build finds the PDF (``pdf_edition_file``, relative to the book's root)
and it is not older than any page's source, it copies it into the site and offers it in every
page's download menu as "Whole book (PDF)", beside "This chapter (.ipynb)"; otherwise it offers
no link and removes an older copy (``make book`` alone builds no PDF; ``make test``, and so
``make site``, builds it before the site), so the site never links to a missing or stale file.
The theme's own ".pdf" entry, which prints the current page, is gone either way: a reader who
asks for the book's PDF should not get one page of the website.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import thebibliography
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.texescape import escape

logger = logging.getLogger(__name__)

#: LaTeX that turns chapter and section numbers off and on again. Off, figures and tables are
#: numbered 1, 2, ... (the site numbers none there; LaTeX would prefix a stale chapter number).
REMEMBER = (
    r"\edef\pdfeditionsecnumdepth{\the\value{secnumdepth}}"
    r"\let\pdfeditionthefigure\thefigure\let\pdfeditionthetable\thetable"
)
UNNUMBERED = (
    r"\setcounter{secnumdepth}{-1}\setcounter{figure}{0}\setcounter{table}{0}"
    r"\renewcommand{\thefigure}{\arabic{figure}}\renewcommand{\thetable}{\arabic{table}}"
)
NUMBERED = (
    r"\setcounter{secnumdepth}{\pdfeditionsecnumdepth}"
    r"\let\thefigure\pdfeditionthefigure\let\thetable\pdfeditionthetable"
)


def _latex(code: str) -> nodes.raw:
    return nodes.raw("", code + "\n", format="latex")


class NumberOnlyTheNote(SphinxPostTransform):
    """In the assembled book: each part of ``_toc.yml`` (a toctree) an entry of the table of
    contents, and only the chapters of a ``numbered`` part numbered; the introduction is not."""

    default_priority = 900
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        root = self.config.root_doc
        if self.document.get("docname") != root:
            return
        self.document.insert(0, _latex(REMEMBER + UNNUMBERED))
        first_of = {sof["docname"]: sof for sof in self.document.findall(addnodes.start_of_file)}
        for toctree in self.env.get_doctree(root).findall(addnodes.toctree):
            files = [str(f) for f in toctree["includefiles"] if str(f) in first_of]
            if not files:
                continue
            sof = first_of[files[0]]
            latex = NUMBERED if toctree.get("numbered") else UNNUMBERED
            if toctree.get("caption"):
                # On the page of the part's first chapter (\chapter will not clear it again).
                caption = escape(toctree["caption"], self.config.latex_engine)
                latex += rf"\clearpage\phantomsection\addcontentsline{{toc}}{{part}}{{{caption}}}"
            sof.parent.insert(sof.parent.index(sof), _latex(latex))


#: Around the list of works in the Bibliography chapter: no new page, no second heading
#: "Bibliography" and no second line for it in the contents (Sphinx's sphinxthebibliography and
#: LaTeX's thebibliography make all three).
IN_ITS_CHAPTER = (
    r"\begingroup\let\clearpage\relax\let\cleardoublepage\relax\def\chapter*#1{}"
    r"\expandafter\let\expandafter\addcontentsline\csname @gobblethree\endcsname"
)


class MarkTheBibliography(SphinxPostTransform):
    """Mark where the book's list of works is, before Sphinx moves it to the end of the book.

    Sphinx's LaTeX builder gathers every citation at the end of the book under a heading of its
    own, so the Bibliography chapter of ``_toc.yml`` stood empty, followed by a second
    "Bibliography". The mark lets :class:`BibliographyInItsChapter` put the list back.
    """

    default_priority = 700  # before Sphinx's BibliographyTransform (750)
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        first = next(iter(self.document.findall(nodes.citation)), None)
        if first is not None:
            mark = nodes.comment("", "", classes=["pdf-edition-bibliography"])
            first.parent.insert(first.parent.index(first), mark)


class BibliographyInItsChapter(SphinxPostTransform):
    """Move the gathered list of works back to the mark, in the Bibliography chapter."""

    default_priority = 800  # after Sphinx's BibliographyTransform (750)
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        works = [n for n in self.document.children if isinstance(n, thebibliography)]
        marks = [
            n
            for n in self.document.findall(nodes.comment)
            if "pdf-edition-bibliography" in n["classes"]
        ]
        if len(works) == 1 and len(marks) == 1:
            self.document.remove(works[0])
            marks[0].replace_self([_latex(IN_ITS_CHAPTER), works[0], _latex(r"\endgroup")])


#: Column widths (in parts) of the verification pages' tables in print, by their number of
#: columns: the closing page's (claim, class and status, depends on) and the status page's (claim,
#: status, checks, depends on and used by). LaTeX's tabulary would size a column by its content,
#: leaving the badges' column too narrow for "[numerical check: not run]".
BADGE_TABLE_WIDTHS = {3: (40, 28, 32), 4: (24, 27, 31, 18)}


def widen_the_badge_columns(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give the verification tables fixed column widths in the PDF, with room for a badge on one
    line (``sphinx_claims/render.py`` keeps a short badge unbroken). The tables are there: the
    claims package makes them in a post-transform, and Sphinx emits ``doctree-resolved`` once
    every post-transform has run."""
    if app.builder.format != "latex":
        return
    for table in doctree.findall(nodes.table):
        if "verification-table" not in table["classes"]:
            continue
        specs = list(table.findall(nodes.colspec))
        widths = BADGE_TABLE_WIDTHS.get(len(specs))
        if widths:
            for spec, width in zip(specs, widths, strict=True):
                spec["colwidth"] = width
            table["classes"].append("colwidths-given")


def _pdf(app: Sphinx) -> Path | None:
    """The built PDF, if there is one no older than every page's source."""
    pdf = Path(app.confdir, app.config.pdf_edition_file)
    if not pdf.is_file():
        logger.info("pdf_edition: no %s, so the site offers no PDF (make pdf)", pdf)
        return None
    newest = max(Path(app.env.doc2path(d)).stat().st_mtime for d in app.env.found_docs)
    if pdf.stat().st_mtime < newest:
        logger.info("pdf_edition: %s is older than the sources; no PDF offered (make pdf)", pdf)
        return None
    return pdf


def download_menu(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The page's download menu: "This chapter (.ipynb)" (or "This page (.md)") and, if the site
    has it, "Whole book (PDF)"; never the theme's ".pdf", which prints the page."""
    pdf = getattr(app.builder, "pdf_edition", None)
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        group["tooltip"] = "Download"
        buttons = [b for b in group["buttons"] if b.get("label") != "download-pdf-button"]
        for button in buttons:
            if button.get("label") == "download-source-button":
                notebook = button["text"] == ".ipynb"
                button["text"] = f"This {'chapter' if notebook else 'page'} ({button['text']})"
                button["tooltip"] = f"Download this {'notebook' if notebook else 'source file'}"
        if pdf is not None:
            buttons.append(
                {
                    "type": "link",
                    "url": context["pathto"](pdf.name, 1),
                    "text": "Whole book (PDF)",
                    "tooltip": "Download the whole book as one PDF",
                    "icon": "fas fa-file-pdf",
                    "label": "download-book-pdf-button",
                }
            )
        group["buttons"] = buttons


def find_pdf(app: Sphinx, env: Any) -> list[str]:
    """Once the sources are read: the PDF the HTML pages offer, or None; and, when that is not
    what the last build's pages offered, every page, to be written again with its menu."""
    if app.builder.format != "html":
        return []
    pdf = app.builder.pdf_edition = _pdf(app)  # type: ignore[attr-defined]
    offered = None if pdf is None else pdf.stat().st_mtime_ns
    if getattr(env, "pdf_edition_offered", None) == offered:
        return []
    env.pdf_edition_offered = offered  # kept with the environment
    return sorted(env.found_docs)


def copy_pdf(app: Sphinx, exception: Exception | None) -> None:
    """The PDF the pages offer into the site; an earlier build's copy out, if none is offered."""
    if exception is not None or app.builder.format != "html":
        return
    pdf = getattr(app.builder, "pdf_edition", None)
    copy = Path(app.outdir, Path(app.config.pdf_edition_file).name)
    if pdf is not None:
        shutil.copyfile(pdf, copy)
    else:
        copy.unlink(missing_ok=True)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the LaTeX transforms and the PDF for the site (its link in the download menu:
    :func:`download_menu`, called by page_hooks.py)."""
    app.add_config_value("pdf_edition_file", "_build/latex/linearnet.pdf", "html", [str])
    app.add_post_transform(NumberOnlyTheNote)
    app.add_post_transform(MarkTheBibliography)
    app.add_post_transform(BibliographyInItsChapter)
    app.connect("doctree-resolved", widen_the_badge_columns)
    app.connect("env-updated", find_pdf)
    app.connect("build-finished", copy_pdf)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
