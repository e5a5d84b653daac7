"""The mutation run: every chapter's checks must catch a wrong package (``make test-mutations``).

For each mutant of ``mutants.py`` the chapter that should catch it is executed by nbval, in a
fresh kernel whose IPython start-up file puts the mutant in place. The run must fail, and among
the cells that fail there must be a check, a cell tagged ``verifies:<label>``: then the badge of
that claim turns ✗ when the package is wrong in that way. A mutant that no check notices is a ✓ that
vouches for nothing, and fails this test.

The sessions run without the claims' recorder (``-o claims_report_dir=``), so they write no
report: the outcomes of a deliberately wrong package must never reach the badges.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from chapter_run import FAILED, ROOT, run_chapters
from mutants import MUTANTS

HERE = Path(__file__).resolve().parent


def _code_cell_tags(notebook: Path) -> list[list[str]]:
    """The tags of the notebook's code cells, in nbval's numbering (code cells only)."""
    cells = json.loads(notebook.read_text())["cells"]
    return [c.get("metadata", {}).get("tags", []) for c in cells if c["cell_type"] == "code"]


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_a_check_of_the_chapter_catches_the_mutant(name: str, tmp_path: Path) -> None:
    notebook = MUTANTS[name][3]
    # An error in the start-up file does not kill the kernel: IPython reports it and starts, and
    # the chapter then passes, which the assertion below reports.
    run = run_chapters(
        [notebook], f"import mutants\nmutants.apply({name!r})\n", tmp_path, pythonpath=[HERE]
    )
    assert run.returncode in (0, 1), (  # 2-5: interrupted, internal or usage error, no tests
        f"pytest did not run {notebook} (exit {run.returncode}):\n{run.stderr[-2000:]}"
    )
    assert run.returncode == 1, (
        f"{notebook} passed with the mutant {name!r} in place: no check notices it\n"
        + run.stdout[-2000:]
    )
    failed = [(nb, int(cell)) for nb, cell in FAILED.findall(run.stdout)]
    assert failed, run.stdout[-3000:] + run.stderr[-2000:]
    tags = _code_cell_tags(ROOT / notebook)
    checks = [t for nb, cell in failed for t in tags[cell] if t.startswith("verifies:")]
    assert checks, (
        f"with {name!r}, code cells {[c for _, c in failed]} of {notebook} fail, and none checks "
        "a claim: the mutant breaks the chapter, but no badge would show it"
    )
