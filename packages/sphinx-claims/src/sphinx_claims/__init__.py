"""sphinx-claims: every claim of an executable book shows whether the checks behind it passed.

The chain, a module per step: checks name the claims they verify (``verifies:<label>`` cell tags,
``@pytest.mark.verifies``); :mod:`.pytest_plugin` records a test run in the schema of
:mod:`.record`; :mod:`.claims` reads the claims, the checks and the reports into the build and
computes each claim's status; :mod:`.render` shows them, and :mod:`.banner` says on every page of
the site when they are not all verified.

Sphinx is imported only by :func:`setup`, so that pytest loads the plugin without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

__version__ = "0.1.0"
STATIC = Path(__file__).parent / "static"


def _static_path(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict[str, Any]:
    """The Sphinx extension: its configuration, domain, nodes, directives and handlers."""
    from sphinx.ext.graphviz import latex_visit_graphviz
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.latex import LaTeXTranslator

    from sphinx_claims import banner, claims, render

    # What the book says: the report folder (relative to the source folder), the tag prefix of
    # checking cells, the calls that make a check exact, and the rules of the claim classes.
    app.add_config_value("claims_report_dir", "_build/verification", "env", [str])
    app.add_config_value("claims_tag_prefix", "verifies:", "env", [str])
    app.add_config_value("claims_exact_calls", [], "env", [list])
    proved = ["theorem", "lemma", "proposition", "corollary"]  # proved or cited, never evidence
    app.add_config_value("claims_proved_kinds", proved, "env", [list])
    app.add_config_value("claims_experiment_kinds", ["observation", "remark"], "env", [list])
    app.add_config_value("claims_graph", True, "html", [bool])  # needs Graphviz's dot

    app.setup_extension("sphinx.ext.graphviz")
    app.add_domain(claims.ClaimsDomain)
    html = (HTML5Translator.visit_inline, HTML5Translator.depart_inline)
    latex = (LaTeXTranslator.visit_inline, LaTeXTranslator.depart_inline)
    app.add_node(render.badge, html=html, latex=(render.latex_badge, None))
    app.add_node(
        render.badge_symbol, html=(render.html_symbol, render.html_symbol_end), latex=latex
    )
    app.add_node(
        render.unindexed,
        html=(render.html_unindexed, None),
        latex=(render.latex_unindexed, None),
        text=(render.text_unindexed, None),
    )
    app.add_node(render.claim_list)
    app.add_node(
        claims.print_label,
        html=(render.html_print_label, None),
        latex=(render.latex_print_label, None),
    )
    graph = (render.html_graph, None), (latex_visit_graphviz, None)
    app.add_node(render.claim_graph, html=graph[0], latex=graph[1])
    app.add_directive("verification-status", render.ClaimList)
    app.add_directive("claims-by-chapter", render.ClaimList)

    app.connect("config-inited", _static_path)
    app.connect("env-get-updated", render.rewritten)
    app.connect("env-check-consistency", claims.warn)
    app.add_post_transform(render.Resolve)
    app.connect("html-page-context", banner.announce)
    app.add_css_file("verification.css")
    return {
        "version": __version__,
        "env_version": 5,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
