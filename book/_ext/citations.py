"""Sphinx extension: one citation style, author–year, in the text, the bibliography and the previews.

The text cites by author and year (``bibtex_reference_style: author_year``: "[Baldi and Hornik,
1989]"), but pybtex's ``plain`` style labels the bibliography's entries by number ("[3]"), and
the previews on hover (sphinx-tippy) copy the entry with its label: a reader saw "[Baldi and
Hornik, 1989]" in the text and "[3]" in its preview and in the bibliography.

This registers the pybtex formatting style ``plain_author_year``: ``plain``'s entries, sorted by
author, year and title as ``plain`` sorts them, each labelled with the text of its author–year
citation, made by sphinxcontrib-bibtex's own ``author_year`` reference style from the same
template (first author's surname, "and" a second or "et al.", a comma, the year). ``_config.yml``
selects it with ``bibtex_default_style: plain_author_year``. Two works with the same label would
be two identical citations in the text: the build warns (an error under ``-W``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from pybtex.database import Entry
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinxcontrib.bibtex.plugin import find_plugin
from sphinxcontrib.bibtex.style.template import join, year

logger = logging.getLogger(__name__)

#: The reference style whose citations the labels repeat (``bibtex_reference_style``).
REFERENCE_STYLE = "author_year"


class AuthorYearLabelStyle(BaseLabelStyle):
    """Each entry's label: its author–year citation without brackets, "Baldi and Hornik, 1989"."""

    def format_labels(self, sorted_entries: Iterable[Entry]) -> Iterator[str]:
        reference = find_plugin("sphinxcontrib.bibtex.style.referencing", REFERENCE_STYLE)()
        template = join(sep=reference.author_year_sep)[
            reference.person.author_or_editor_or_title(full=False), year
        ]
        labels = [
            template.format_data({"entry": e, "style": reference}).render_as("text")
            for e in sorted_entries
        ]
        for label, n in Counter(labels).items():
            if n > 1:
                logger.warning(
                    "%d works are cited as [%s]: the text cannot tell them apart; cite one of "
                    "them differently or add a year suffix in book/references.bib",
                    n,
                    label,
                    type="citations",
                    subtype="ambiguous",
                )
        yield from labels


class PlainAuthorYearStyle(PlainStyle):
    """pybtex's ``plain`` style, with author–year labels."""

    default_label_style = "author_year"


def same_style_as_the_text(app: Sphinx, config: Config) -> None:
    """Warn if the bibliography's labels would not repeat the text's citations."""
    if config.bibtex_default_style == "plain_author_year" and (
        config.bibtex_reference_style != REFERENCE_STYLE
    ):
        logger.warning(
            "bibtex_default_style plain_author_year labels the bibliography like %s citations, "
            "but bibtex_reference_style is %s",
            REFERENCE_STYLE,
            config.bibtex_reference_style,
            type="citations",
            subtype="style",
        )


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the label and formatting styles with pybtex, and the check of the configuration."""
    register_plugin("pybtex.style.labels", "author_year", AuthorYearLabelStyle)
    register_plugin("pybtex.style.formatting", "plain_author_year", PlainAuthorYearStyle)
    app.connect("config-inited", same_style_as_the_text)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
