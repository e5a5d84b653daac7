"""The extension: checks and test reports become the right badges, pages and warnings.

Builds a small book (one notebook of claims, the status page and the closing page) with the
``sphinx_claims`` extension and checks what a reader would see for each state of the reports, and
the build warnings for each broken rule.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import nbformat
import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from sphinx_claims import record

#: The graph needs Graphviz's dot: without it, the book has none and its test is skipped, except
#: under CI (CI=true), where a missing dot must fail rather than leave the graph untested.
DOT = shutil.which("dot") is not None or os.environ.get("CI") == "true"

CONF = f"""
extensions = ["myst_nb", "sphinx_proof", "sphinxcontrib.bibtex", "sphinx_claims"]
claims_exact_calls = ["assert_identity", "assert_rank"]
claims_graph = {DOT}
myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath"]
nb_execution_mode = "off"
numfig = True
root_doc = "index"
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]
html_theme = "sphinx_book_theme"  # the banner is the theme's announcement, as on the site
"""

BIB = "@book{knuth, author = {Knuth, Donald}, title = {TAOCP}, year = {1968}}\n"

#: Lemma B cites lemma A; the proof of theorem C cites lemma B (so C rests on A through B).
CLAIMS = """
:::{prf:lemma} A
:label: lem-a
One.
:::

:::{prf:lemma} B
:label: lem-b
Two, by {prf:ref}`lem-a`.
:::

:::{prf:theorem} C
:label: thm-c
Three.
:::

:::{prf:proof}
By {prf:ref}`lem-b`.
:::

$$ x = 1 $$ (eq-x)
"""

EXACT = "symbolic.assert_identity(x, x, 'x')"
#: Cell i verifies the labels of CELLS[i]; all exact, so that every proved claim is checked.
CELLS = [["lem-a"], ["lem-b", "eq-x"], ["thm-c"]]


def _notebook(markdown: str, cells: list[list[str]], source: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_markdown_cell(markdown)]
    for i, labels in enumerate(cells):
        tags = [f"verifies:{x}" for x in labels]
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": tags}, id=f"cell{i}")
        cell.outputs, cell.execution_count = [], i + 1
        nb.cells.append(cell)
    return nb


def _book(
    tmp: Path, markdown: str = CLAIMS, cells: list[list[str]] = CELLS, source: str = EXACT
) -> Path:
    (tmp / "book").mkdir()
    (tmp / "conf.py").write_text(CONF)
    (tmp / "refs.bib").write_text(BIB)
    (tmp / "index.md").write_text(
        "# Mini\n\n```{toctree}\n:numbered:\nbook/claims\nbook/status\nbook/proves\n```\n"
    )
    nbformat.write(_notebook("# Claims\n" + markdown, cells, source), tmp / "book" / "claims.ipynb")
    (tmp / "book" / "status.md").write_text("# Status\n\n```{verification-status}\n```\n")
    (tmp / "book" / "proves.md").write_text("# Proves\n\n```{claims-by-chapter}\n```\n")
    return tmp


def _build(src: Path, builder: str = "html", fresh: bool = True, **config: Any) -> str:
    """Build ``src`` into ``src/_build/<builder>``, from scratch unless not ``fresh``, with the
    values of ``config`` in place of conf.py's; return the warnings."""
    warnings = io.StringIO()
    out, doctrees = src / "_build" / builder, src / "_build" / "doctrees"
    with docutils_namespace():  # node classes registered by one build do not leak into the next
        app = Sphinx(
            src, src, out, doctrees, builder, confoverrides=config, status=None,
            warning=warnings, freshenv=fresh,
        )  # fmt: skip
        app.build()
    return warnings.getvalue()


def _page(src: Path, name: str) -> str:
    return (src / "_build" / "html" / "book" / f"{name}.html").read_text()


def _text(html: str) -> str:
    """The text of some HTML, as a screen reader gets it: tags out, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def _badges(src: Path, visible: bool = False) -> dict[str, str]:
    """Claim label -> badge text on the claims' page, from the anchors the badges link to; with
    ``visible``, without the words that only screen readers get (``verification-sr``)."""
    pattern = r'href="status\.html#claim-([\w-]+)"[^>]*>(<span class="verification-badge.*?)</a>'
    found = dict(re.findall(pattern, _page(src, "claims")))
    if visible:
        hidden = r'<span class="verification-sr">[^<]*</span>'
        found = {k: re.sub(hidden, "", v) for k, v in found.items()}
    return {k: _text(v) for k, v in found.items()}


def _banner(src: Path, page: str) -> str | None:
    """The text of the verification banner on a page of the mini book, or None."""
    html = (src / "_build" / "html" / f"{page}.html").read_text()
    found = re.search(r'<aside class="bd-header-announcement".*?</aside>', html, re.S)
    return _text(found.group(0)) if found else None


def _graph(src: Path) -> dict[str, tuple[str, str, str]]:
    """Claim label -> (text, link, link target) of its node in the dependency graph (SVG)."""
    (svg,) = (src / "_build" / "html" / "_images").glob("graphviz-*.svg")
    ns = {"svg": "http://www.w3.org/2000/svg"}
    xlink = "{http://www.w3.org/1999/xlink}href"
    return {
        g.findtext("svg:title", namespaces=ns): (
            "".join(g.find(".//svg:a", ns).itertext()).strip(),  # type: ignore[union-attr]
            g.find(".//svg:a", ns).get(xlink),  # type: ignore[union-attr]
            g.find(".//svg:a", ns).get("target"),  # type: ignore[union-attr]
        )
        for g in ET.parse(svg).iterfind(".//svg:g[@class='node']", ns)
    }


#: The files a test run of the mini book vouches for.
SOURCES = ("book/*.ipynb",)


def _write(src: Path, session: str, checks: list[record.Check]) -> None:
    record.write(src / "_build" / "verification", src, session, SOURCES, checks)


def _report(src: Path, outcomes: list[str], cells: list[list[str]] = CELLS) -> None:
    checks = [
        record.Check(
            f"book/claims.ipynb::Cell {i}",
            tuple(labels),
            outcome,
            ("assert_identity",),
            "book/claims.ipynb",
            f"cell{i}",
        )
        for i, (labels, outcome) in enumerate(zip(cells, outcomes, strict=True))
    ]
    _write(src, "notebooks", checks)


def test_without_a_test_run_every_badge_says_not_run(tmp_path: Path) -> None:
    src = _book(tmp_path)
    assert _build(src) == ""
    assert set(_badges(src)) == {"lem-a", "lem-b", "thm-c", "eq-x"}
    assert set(_badges(src).values()) == {"proof ○ not run"}


def test_without_a_test_run_every_page_has_a_banner_saying_so(tmp_path: Path) -> None:
    src = _book(tmp_path)
    _build(src)
    for page in ("index", "book/claims", "book/status", "book/proves", "genindex", "search"):
        assert _banner(src, page) == (
            "No test run is recorded for this build: all 4 badges say “not run”. "
            "See the verification status."
        ), page
    assert 'href="book/status.html">See the verification status.' in _page(src, "../index")


def test_a_passing_run_verifies_every_claim(tmp_path: Path) -> None:
    src = _book(tmp_path)
    _report(src, ["passed"] * 3)
    assert _build(src) == ""
    assert set(_badges(src).values()) == {"proof ✓ verified"}
    # "verified" is for screen readers; the eye sees the symbol, which screen readers skip
    assert set(_badges(src, visible=True).values()) == {"proof ✓"}
    assert '<span aria-hidden="true">✓</span>' in _page(src, "claims")
    status = _page(src, "status")
    assert (
        "4 claims:</strong> 4 verified; 0 depends on an unverified claim; 0 failed; 0 not run."
        in status
    )
    assert [_banner(src, page) for page in ("index", "book/claims", "book/status")] == [None] * 3


@pytest.mark.skipif(not DOT, reason="the dependency graph needs Graphviz's dot")
def test_the_graph_links_each_claim_and_shows_its_status(tmp_path: Path) -> None:
    src = _book(tmp_path)
    _report(src, ["passed"] * 3)
    assert _build(src) == ""
    # every node links to its claim (relative to the image's folder) and opens in the whole page;
    # eq-x, an equation no claim cites, is not drawn
    assert _graph(src) == {
        "lem-a": ("✓ Lem. 1.1", "../book/claims.html#lem-a", "_top"),
        "lem-b": ("✓ Lem. 1.2", "../book/claims.html#lem-b", "_top"),
        "thm-c": ("✓ Thm. 1.1", "../book/claims.html#thm-c", "_top"),
    }
    # the <object> that shows it has a name for screen readers (axe: object-alt), and a link
    # opens the same SVG at its natural size
    status = _page(src, "status")
    (tag,) = re.findall(r'<div class="graphviz"><object ([^>]*)>', status)
    shown = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
    assert shown["aria-label"].startswith("Dependency graph of 3 claims, one box per chapter")
    assert (shown["type"], shown["class"]) == ("image/svg+xml", "graphviz")
    zoom = r'<p class="verification-graph-zoom"><a class="reference external" href="([^"]+)">'
    assert re.findall(zoom + "Open the graph at full size</a>", status) == [shown["data"]]
    (svg,) = (src / "_build" / "html" / "_images").glob("graphviz-*.svg")
    assert (src / "_build" / "html" / "book" / shown["data"]).resolve() == svg.resolve()


def test_a_failed_base_claim_makes_every_claim_citing_it_depend_on_a_failure(
    tmp_path: Path,
) -> None:
    # issue 9: a planted failure of one base claim shows ✗ on it, and "depends on" on every
    # claim that cites it, directly (lem-b) or through another (thm-c, by way of its proof).
    src = _book(tmp_path)
    _report(src, ["failed", "passed", "passed"])
    _build(src)
    assert _badges(src) == {
        "lem-a": "proof ✗ failed",
        "lem-b": "proof ◐ depends on ✗ Lemma 1.1, which failed",
        "thm-c": "proof ◐ depends on ✗ Lemma 1.1, which failed",
        "eq-x": "proof ✓ verified",
    }
    assert _badges(src, visible=True)["lem-b"] == "proof ◐ depends on ✗ Lemma 1.1"
    status = _page(src, "status")
    assert "4 claims:</strong> 1 verified; 2 depends on an unverified claim; 1 failed;" in status
    assert _banner(src, "book/proves") == (
        "Not every check of this build ran and passed: 2 depends on an unverified claim, "
        "1 failed (of 4 claims). See the verification status."
    )
    if DOT:
        assert [text for text, _, _ in _graph(src).values()] == [
            "✗ Lem. 1.1",
            "◐ Lem. 1.2",
            "◐ Thm. 1.1",
        ]


def _latex_with_a_failure(tmp_path: Path) -> str:
    """The LaTeX of the small book built after a run in which the lemma's check failed."""
    src = _book(tmp_path)
    _report(src, ["failed", "passed", "passed"])
    _build(src, "latex")
    (tex,) = (src / "_build" / "latex").glob("*.tex")
    return tex.read_text()


def test_the_latex_output_states_each_status_in_words(tmp_path: Path) -> None:
    badges = re.findall(r"\\textit\{(?:\\mbox\{)?\[(.*?)\]\}", _latex_with_a_failure(tmp_path))
    assert badges[:2] == [
        "proof: failed",
        "proof: verified, but depends on Lemma 1.1, which failed",
    ]


def test_every_link_of_the_latex_output_has_its_label(tmp_path: Path) -> None:
    # The status page links to claims, to their rows, to checking cells and to the runs: each
    # link must find a label in print too ("Hyper reference ... undefined" otherwise).
    text = _latex_with_a_failure(tmp_path)
    links = set(re.findall(r"\\hyperref\[\\detokenize\{([^}]+)\}\]", text))
    links |= set(re.findall(r"\\(?:eq)?ref\{([^}]+)\}", text))
    labels = set(re.findall(r"\\label\{\\detokenize\{([^}]+)\}\}", text))
    labels |= set(re.findall(r"\\label\{([^}\\]+)\}", text))
    for expected in ("book/status:claim-lem-b", "book/claims:cell-2", "book/status:run-notebooks"):
        assert expected in links
    assert "equation:book/claims:eq-x" in links
    assert links <= labels, links - labels


def test_one_failed_check_fails_exactly_the_claims_it_verifies(tmp_path: Path) -> None:
    src = _book(tmp_path)
    _report(src, ["passed", "failed", "passed"])  # cell 1 verifies lem-b and eq-x
    _build(src)
    assert _badges(src) == {
        "lem-a": "proof ✓ verified",
        "lem-b": "proof ✗ failed",
        "thm-c": "proof ◐ depends on ✗ Lemma 1.2, which failed",
        "eq-x": "proof ✗ failed",
    }


def test_a_report_of_other_sources_counts_as_not_run(tmp_path: Path) -> None:
    src = _book(tmp_path)
    _report(src, ["passed"] * 3)
    nb = nbformat.read(src / "book" / "claims.ipynb", as_version=4)
    nb.cells[1].source += "\n# changed since the test run"
    nbformat.write(nb, src / "book" / "claims.ipynb")
    _build(src)
    assert set(_badges(src).values()) == {"proof ○ not run"}
    assert "1 report(s) of other sources were ignored" in _page(src, "status")
    assert (_banner(src, "index") or "").startswith("No test run is recorded for this build")


def test_a_cycle_of_citations_ends(tmp_path: Path) -> None:
    cyclic = CLAIMS.replace("One.", "One, by {prf:ref}`thm-c`.")
    src = _book(tmp_path, cyclic)
    _report(src, ["passed"] * 3)
    _build(src)
    assert set(_badges(src).values()) == {"proof ✓ verified"}


def test_the_status_row_lists_checks_and_links_both_ways(tmp_path: Path) -> None:
    src = _book(tmp_path)
    _report(src, ["passed", "failed", "passed"])
    _build(src)
    row = re.search(r'<tr class="row-\w+" id="claim-lem-b">.*?</tr>', _page(src, "status"), re.S)
    assert row is not None
    text = re.sub(r"<[^>]+>", "", row.group(0))
    assert "✗ exact check, cell 2 of Claims: failed in the notebooks run" in text
    assert 'href="claims.html#lem-a">Lemma 1.1</a>' in row.group(0)  # depends on
    assert 'href="claims.html#thm-c">Theorem 1.1</a>' in row.group(0)  # used by
    assert text.index("Depends on") < text.index("Lemma 1.1") < text.index("Used by")
    # the link to a check leads to its cell (whose own id it is, so that the page opens it)
    assert 'href="claims.html#cell-2"' in row.group(0)
    assert re.search(r'<div class="cell[^"]*" id="cell-2">', _page(src, "claims"))


def test_a_runs_time_commit_and_digests_are_shown_but_left_out_of_the_search_index(
    tmp_path: Path,
) -> None:
    # They change with every run: indexed, each run would change searchindex.js, and every
    # browser test that reads it would run again (sphinx_claims.reuse).
    src = _book(tmp_path)
    cell = "book/claims.ipynb"
    run = {"ran": "2031-05-17 08:09:10 UTC"}
    checks = [
        record.Check(f"{cell}::Cell {i}", tuple(x), "passed", (), cell, f"cell{i}", **run)
        for i, x in enumerate(CELLS)
    ]
    checks = [dataclasses.replace(c, inputs=f"{i}feedc0ffee{i}" * 4) for i, c in enumerate(checks)]
    _write(src, "notebooks", checks)
    report = src / "_build" / "verification" / "notebooks.json"
    report.write_text(json.dumps(json.loads(report.read_text()) | {"commit": "deadbeef1234"}))
    _build(src)
    text = _text(_page(src, "status"))
    assert "notebooks tests: 2031-05-17 08:09 UTC, commit deadbeef1234" in text
    assert '<span class="verification-time">2031-05-17 08:09 UTC</span>' in _page(src, "status")
    for i in range(len(CELLS)):
        assert f"(its run: 2031-05-17 08:09 UTC, inputs {i}feedc0ffee{i})" in text
    index = (src / "_build" / "html" / "searchindex.js").read_text()
    terms = json.loads(index[index.index("(") + 1 : index.rindex(")")])["terms"]
    assert {"notebook", "input", "commit"} <= set(terms)  # the words around them are indexed
    assert [t for t in terms if re.search("2031|deadbeef|feedc0ffee", t)] == []
    _build(src, "latex", fresh=False)  # and the PDF prints them
    (tex,) = (src / "_build" / "latex").glob("*.tex")
    assert r"\sphinxcode{\sphinxupquote{deadbeef1234}}" in tex.read_text()
    when = r"2031\sphinxhyphen{}05\sphinxhyphen{}17 08:09 UTC"
    digest = r"\sphinxcode{\sphinxupquote{0feedc0ffee0}}"
    assert f"its run: {when}, inputs {digest}" in tex.read_text()


def test_the_closing_page_lists_every_claim_by_chapter(tmp_path: Path) -> None:
    src = _book(tmp_path)
    _report(src, ["passed"] * 3)
    _build(src)
    page = _page(src, "proves")
    assert '<span class="caption-text">1. Claims</span>' in page  # a table per chapter
    for name in ("Lemma 1.1", "Lemma 1.2", "Theorem 1.1"):
        assert f">{name}</a>" in page
    # an equation's link is its number, as {eq} writes it (and the math domain resolves it)
    assert 'Eq. <a class="reference internal" href="claims.html#equation-eq-x">(1.1)</a>' in page
    assert _text(page).count("proof ✓ verified") == 4


def test_a_claim_without_a_check_is_a_build_warning(tmp_path: Path) -> None:
    warnings = _build(_book(tmp_path, cells=[["lem-a"], ["eq-x"], ["thm-c"]]))
    assert "the lemma 'lem-b' has no check" in warnings


def test_a_check_naming_no_claim_is_a_build_warning(tmp_path: Path) -> None:
    src = _book(tmp_path, cells=[*CELLS, ["lem-typo"]])
    _write(src, "unit", [record.Check("tests/test_x.py::test_x", ("lem-oops",), "passed", ())])
    warnings = _build(src)
    assert (
        "cell 4 of book/claims.ipynb verifies 'lem-typo', but no claim has that label" in warnings
    )
    assert "unit test tests/test_x.py::test_x verifies 'lem-oops', but no claim" in warnings


CLASSED = """
:::{prf:observation} Runs
:label: obs-runs
:class: experiment
Sixty runs.
:::

:::{prf:remark} Data
:label: rem-data
:class: checked-numerically
Within 1e-10.
:::

:::{prf:theorem} Known
:label: thm-known
:class: cited
A result of {cite:p}`knuth`.
:::

:::{prf:theorem} Bad
:label: thm-bad
:class: experiment
Evidence called a theorem.
:::

:::{prf:lemma} Uncited
:label: lem-uncited
:class: cited
A result of someone.
:::

:::{prf:lemma} Unproved
:label: lem-unproved
Numbers only.
:::

```{math}
:label: eq-data
:class: checked-numerically
y = 2
```
"""


def test_claim_classes_are_shown_and_their_rules_enforced(tmp_path: Path) -> None:
    labels = [
        "obs-runs",
        "rem-data",
        "thm-known",
        "thm-bad",
        "lem-uncited",
        "lem-unproved",
        "eq-data",
    ]
    src = _book(tmp_path, CLASSED, [[x] for x in labels], source="print(1)")
    warnings = _build(src)
    problems = sorted(re.findall(r"the \w+ '([\w-]+)' is (\w+)", warnings))
    assert problems == [
        ("lem-uncited", "cited"),
        ("lem-unproved", "proved"),
        ("thm-bad", "classed"),
    ]
    assert _badges(src) == {
        "obs-runs": "experiment ○ not run",
        "rem-data": "numerical check ○ not run",
        "thm-known": "cited ○ not run",
        "thm-bad": "experiment ○ not run",
        "lem-uncited": "cited ○ not run",
        "lem-unproved": "proof ○ not run",
        "eq-data": "numerical check ○ not run",
    }
    _report(src, ["passed"] * len(labels), [[x] for x in labels])
    _build(src)
    # class first; a cited claim whose checks passed shows no ✓ (the proof is the cited work's)
    assert _badges(src, visible=True) == {
        "obs-runs": "experiment ✓",
        "rem-data": "numerical check ✓",
        "thm-known": "cited",
        "thm-bad": "experiment ✓",
        "lem-uncited": "cited",
        "lem-unproved": "proof ✓",
        "eq-data": "numerical check ✓",
    }
    assert _badges(src)["thm-known"] == "cited verified"


def test_a_unit_test_that_calls_assert_identity_is_an_exact_check(tmp_path: Path) -> None:
    src = _book(tmp_path, source="print(1)")
    assert _build(src).count("is proved, but no check calls") == 4
    labels = ("lem-a", "lem-b", "thm-c", "eq-x")
    _write(src, "unit", [record.Check("tests/test_x.py::test_x", labels, "passed", ("print",))])
    assert _build(src).count("is proved, but no check calls") == 4  # print is not exact
    exact = ("assert_identity", "isclose")
    _write(src, "unit", [record.Check("tests/test_x.py::test_x", labels, "passed", exact)])
    assert "is proved, but" not in _build(src)


def test_a_new_report_rewrites_only_the_pages_that_show_a_change(tmp_path: Path) -> None:
    # An incremental build reads no page again for a new report: it writes again the pages whose
    # badges, lists or banner changed, and an unchanged build writes none. (Sphinx's default
    # theme: the book theme, set up again in one process, changes its templates_path, which
    # would have every page written again.)
    src = _book(tmp_path)
    _report(src, ["passed"] * 3)
    html, plain = src / "_build" / "html", {"html_theme": "alabaster"}

    def written() -> dict[str, int]:
        return {p.relative_to(html).as_posix(): p.stat().st_mtime_ns for p in html.rglob("*.html")}

    assert _build(src, **plain) == ""
    first = written()
    assert _build(src, fresh=False, **plain) == ""
    assert written() == first  # nothing changed, nothing written
    _report(src, ["failed", "passed", "passed"])
    assert _build(src, "latex", fresh=False) == ""  # the LaTeX builder shares the environment
    assert _build(src, fresh=False, **plain) == ""
    again = written()
    changed = {page for page in first if again[page] != first[page]}
    assert {"book/claims.html", "book/status.html", "book/proves.html"} <= changed
    assert _badges(src)["lem-b"] == "proof ◐ depends on ✗ Lemma 1.1, which failed"
    _report(src, ["failed", "passed", "passed"])  # the same outcomes, from a new run
    _build(src, fresh=False, **plain)
    assert written()["book/claims.html"] == again["book/claims.html"]  # the same badges


def test_a_broken_rule_warns_again_on_an_unchanged_build(tmp_path: Path) -> None:
    src = _book(tmp_path, cells=[["lem-a"], ["eq-x"], ["thm-c"]])
    assert "the lemma 'lem-b' has no check" in _build(src)
    assert "the lemma 'lem-b' has no check" in _build(src, fresh=False)
