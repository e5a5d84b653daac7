"""The verification machinery: cell tags and test reports become the right badges.

Builds a two-lemma book with the ``verification`` Sphinx extension (book/_ext) and checks what a
reader would see for each state of the reports: no run, all passed, one check failed, stale.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import nbformat
import pytest
from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from verification_report import write_report  # noqa: E402

CONF = """
import sys
sys.path.insert(0, {ext!r})
extensions = ["myst_nb", "sphinx_proof", "verification"]
myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath"]
nb_execution_mode = "off"
numfig = True
root_doc = "index"
exclude_patterns = ["_build"]
"""

MARKDOWN = """# Lemmas

:::{prf:lemma} A
:label: lem-a
One.
:::

:::{prf:lemma} B
:label: lem-b
Two, by {prf:ref}`lem-a`.
:::

$$ x = 1 $$ (eq-x)
"""


def _notebook(tags: list[list[str]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_markdown_cell(MARKDOWN)]
    for i, t in enumerate(tags):
        cell = nbformat.v4.new_code_cell(f"print({i})", metadata={"tags": t})
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{i}\n")]
        cell.execution_count = i + 1
        cell.id = f"cell{i}"
        nb.cells.append(cell)
    return nb


GOOD_TAGS = [["verifies:lem-a"], ["verifies:lem-b", "verifies:eq-x"], ["verifies:lem-a"]]


def _project(tmp: Path, tags: list[list[str]]) -> Path:
    (tmp / "book").mkdir()
    (tmp / "conf.py").write_text(CONF.format(ext=str(ROOT / "book" / "_ext")))
    (tmp / "index.md").write_text(
        "# Mini\n\n```{toctree}\nbook/lemmas\nbook/verification_status\n```\n"
    )
    nbformat.write(_notebook(tags), tmp / "book" / "lemmas.ipynb")
    (tmp / "book" / "verification_status.md").write_text(
        "# Status\n\n```{verification-status}\n```\n"
    )
    return tmp


def _build(src: Path) -> tuple[str, str]:
    """Build ``src``; return (warnings, html of the lemmas page)."""
    warnings = io.StringIO()
    app = Sphinx(
        str(src),
        str(src),
        str(src / "_build" / "html"),
        str(src / "_build" / "doctrees"),
        "html",
        status=None,
        warning=warnings,
        freshenv=True,
    )
    app.build()
    return warnings.getvalue(), (src / "_build" / "html" / "book" / "lemmas.html").read_text()


def _badges(page: str) -> dict[str, str]:
    """Claim label -> badge text, from the anchors the badges link to."""
    return {
        m.group(1): m.group(2)
        for m in re.finditer(
            r'verification_status\.html#claim-([\w-]+)"[^>]*>\s*<span[^>]*>([^<]+)<', page
        )
    }


def _report(src: Path, outcomes: list[str]) -> None:
    checks = [
        {
            "labels": [t.split(":", 1)[1] for t in tags],
            "source": "notebook",
            "notebook": "book/lemmas.ipynb",
            "cell_id": f"cell{i}",
            "kind": "numerical check",
            "id": f"book/lemmas.ipynb::Cell {i}",
            "outcome": outcome,
        }
        for i, (tags, outcome) in enumerate(zip(GOOD_TAGS, outcomes, strict=True))
    ]
    write_report(src, "notebooks", checks)


def test_without_a_test_run_every_badge_says_not_run(tmp_path: Path) -> None:
    warnings, page = _build(_project(tmp_path, GOOD_TAGS))
    assert "verification" not in warnings
    assert _badges(page) == {"lem-a": "○ not run", "lem-b": "○ not run", "eq-x": "○ not run"}


def test_a_passing_run_verifies_every_claim(tmp_path: Path) -> None:
    src = _project(tmp_path, GOOD_TAGS)
    _report(src, ["passed", "passed", "passed"])
    _, page = _build(src)
    assert _badges(page) == {"lem-a": "✓ verified", "lem-b": "✓ verified", "eq-x": "✓ verified"}
    status = (src / "_build" / "html" / "book" / "verification_status.html").read_text()
    assert "3 claims:</strong> 3 verified, 0 failed, 0 not run." in status
    assert (src / "_build" / "html" / "_images" / "verification-graph.png").stat().st_size > 0


def test_one_failed_check_fails_exactly_the_claims_it_verifies(tmp_path: Path) -> None:
    src = _project(tmp_path, GOOD_TAGS)
    _report(src, ["passed", "failed", "passed"])  # cell 1 verifies lem-b and eq-x
    _, page = _build(src)
    assert _badges(page) == {"lem-a": "✓ verified", "lem-b": "✗ failed", "eq-x": "✗ failed"}


def test_a_report_of_other_sources_counts_as_not_run(tmp_path: Path) -> None:
    src = _project(tmp_path, GOOD_TAGS)
    _report(src, ["passed", "passed", "passed"])
    nb = nbformat.read(src / "book" / "lemmas.ipynb", as_version=4)
    nb.cells[1].source = "print('changed since the test run')"
    nbformat.write(nb, src / "book" / "lemmas.ipynb")
    _, page = _build(src)
    assert set(_badges(page).values()) == {"○ not run"}


def test_a_claim_without_a_check_is_a_build_warning(tmp_path: Path) -> None:
    warnings, _ = _build(_project(tmp_path, [["verifies:lem-a"], ["verifies:eq-x"]]))
    assert "the lemma 'lem-b' has no check" in warnings


def test_a_tag_naming_no_claim_is_a_build_warning(tmp_path: Path) -> None:
    warnings, _ = _build(_project(tmp_path, [*GOOD_TAGS, ["verifies:lem-typo"]]))
    assert "tagged 'verifies:lem-typo', but no theorem, lemma" in warnings


@pytest.mark.parametrize("outcome", ["passed", "failed"])
def test_the_status_page_lists_each_check_with_its_outcome(tmp_path: Path, outcome: str) -> None:
    src = _project(tmp_path, GOOD_TAGS)
    _report(src, ["passed", outcome, "passed"])
    _build(src)
    status = (src / "_build" / "html" / "book" / "verification_status.html").read_text()
    row = re.search(r'<tr id="claim-lem-b".*?</tr>', status, re.S)
    assert row is not None
    assert f"cell 2</a> of Lemmas: {outcome} in the" in row.group(0)
