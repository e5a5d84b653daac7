"""A chapter run in JupyterLab, in Chromium, as a reader of ``make lab`` runs it.

One test, end to end: open the copy of a chapter in JupyterLab, check that jupyterlab-myst
renders its theorem boxes (not the raw ``{prf:theorem}`` text), clear the stored outputs, run
every cell from the Run menu, wait until the kernel is idle, and check that every cell ran,
that no cell shows an error, that the kernel was this environment's with this checkout's
``linearnet``, and that the page asked nothing of any host but 127.0.0.1.
A screenshot of the first theorem box after the run goes to ``_build/screenshots/lab.png``.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from browsing import SCREENSHOTS, VIEWPORT
from labserver import KERNEL_CHECK_TAG, Lab

import linearnet

log = logging.getLogger(__name__)

#: How long opening the notebook and running all of it may take, in milliseconds.
OPEN_TIMEOUT_MS = 60_000
RUN_TIMEOUT_MS = 120_000
POLL_MS = 200

#: The notebook's cells, as JupyterLab shows them (one notebook is open).
CELLS = ".jp-NotebookPanel .jp-Notebook-cell"

# Every Markdown cell rendered by jupyterlab-myst (its output widget has the class "myst").
MARKDOWN_RENDERED_JS = """
() => {
  const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-MarkdownCell')];
  return cells.length > 0 && cells.every(c => {
    const out = c.querySelector('.myst');
    return out && out.childElementCount > 0;
  });
}
"""

# The sphinx-proof boxes as jupyterlab-myst renders them, and any directive left as raw text.
PROOFS_JS = """
() => {
  const md = [...document.querySelectorAll('.jp-NotebookPanel .jp-MarkdownCell .myst')];
  const text = md.map(e => e.innerText).join('\\n');
  const raw = [...text.matchAll(/\\{prf:[a-z]+\\}|^:::.*$/gm)].map(m => m[0]).slice(0, 10);
  const boxes = md.flatMap(e => [...e.querySelectorAll('aside.myst-proof')]).map(a => {
    const h = a.querySelector('.myst-proof-header');
    return h ? h.innerText.replace(/\\s+/g, ' ').trim() : '';
  });
  return {boxes, raw};
}
"""

# The notebook's execution indicator: "idle" once its kernel has started and nothing runs.
IDLE_JS = (
    "(document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator') || {})"
    ".dataset?.status === 'idle'"
)

# State of the run: each code cell's prompt ("[ ]:", "[*]:", "[3]:"), its error or stderr
# outputs, and the notebook's execution indicator ("idle" once nothing runs or is queued).
RUN_STATE_JS = """
() => {
  const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook-cell')];
  const code = cells.map((c, i) => ({c, i})).filter(({c}) => c.classList.contains('jp-CodeCell'));
  const ind = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
  return {
    status: ind ? ind.dataset.status : null,
    cells: code.map(({c, i}) => ({
      index: i,
      prompt: (c.querySelector('.jp-InputPrompt') || {textContent: ''}).textContent.trim(),
      stderr: [...c.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
        .map(o => o.innerText.slice(-600)),
      stdout: [...c.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]')]
        .map(o => o.innerText).join(''),
    })),
  };
}
"""

# True once Run All is over: idle, nothing queued, and every cell numbered or an error shown
# (JupyterLab stops Run All at the first error, leaving the cells after it unnumbered).
RUN_DONE_JS = (
    "() => { const s = ("
    + RUN_STATE_JS.strip()
    + ")(); return s.status === 'idle' && !s.cells.some(c => c.prompt === '[*]:') && "
    "(s.cells.every(c => /^\\[\\d+\\]:$/.test(c.prompt)) || s.cells.some(c => c.stderr.length)); }"
)

CLEARED_JS = (
    "() => { const s = ("
    + RUN_STATE_JS.strip()
    + ")(); return s.cells.every(c => c.prompt === '[ ]:' && !c.stdout && !c.stderr.length); }"
)


def _expected_boxes(nb: Any) -> list[tuple[str, str]]:
    """(kind, title) of every sphinx-proof directive in the notebook's Markdown, in order."""
    directive = re.compile(r"^\s*(?::{3,}|`{3,})\{prf:([a-z]+)\}[ \t]*(.*)$", re.MULTILINE)
    return [
        (m.group(1), m.group(2).strip())
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for m in directive.finditer(cell.source)
    ]


def _wait(page: Any, condition: str, what: str, timeout_ms: int = OPEN_TIMEOUT_MS) -> None:
    """Wait until the JavaScript ``condition`` holds; on time-out, fail saying ``what`` and why."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    began = time.monotonic()
    try:
        page.wait_for_function(condition, polling=POLL_MS, timeout=timeout_ms)
        log.info("JupyterLab: %s after %.1f s", what, time.monotonic() - began)
    except PlaywrightTimeout:
        state = page.evaluate(RUN_STATE_JS)
        prompts = " ".join(c["prompt"] for c in state["cells"])
        raise AssertionError(
            f"JupyterLab: no {what} after {timeout_ms / 1000:.0f} s (kernel "
            f"{state['status']}, {len(state['cells'])} code cells: {prompts})"
        ) from None


def _menu(page: Any, menu: str, item: str) -> None:
    """Choose ``menu`` > ``item`` from JupyterLab's menu bar, as a reader would."""
    page.get_by_role("menuitem", name=menu, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def test_chapter_runs_in_jupyterlab(
    lab: Lab, browser: Any, chapter: Path, chapter_copy: Path
) -> None:
    nb = nbformat.read(chapter_copy, as_version=4)
    raises = {i for i, c in enumerate(nb.cells) if "raises-exception" in c.metadata.get("tags", [])}
    expected = _expected_boxes(nb)
    assert any(kind == "theorem" for kind, _ in expected), f"{chapter.name} states no theorem"

    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    offsite: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(lab.url) or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            offsite.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    try:
        page = context.new_page()
        page.set_default_timeout(OPEN_TIMEOUT_MS)
        page.goto(lab.open_url(chapter_copy.name))
        n = len(nb.cells)
        _wait(page, f"() => document.querySelectorAll({CELLS!r}).length === {n}", f"{n} cells")
        _wait(page, MARKDOWN_RENDERED_JS, "Markdown rendered by jupyterlab-myst")
        _wait(page, "() => " + IDLE_JS, "idle kernel")

        # The theorem boxes: one rendered box per directive, of the same kind and title.
        proofs = page.evaluate(PROOFS_JS)
        assert not proofs["raw"], f"directives left as raw text: {proofs['raw']}"
        assert len(proofs["boxes"]) == len(expected), (
            f"{len(expected)} sphinx-proof directives, {len(proofs['boxes'])} boxes rendered: "
            f"{proofs['boxes']}"
        )
        for (kind, title), header in zip(expected, proofs["boxes"], strict=True):
            assert header.lower().startswith(kind), f"a {kind} rendered as {header!r}"
            if title and "$" not in title and "{" not in title:
                assert title in header, f"the {kind} {title!r} rendered as {header!r}"

        # Run the chapter from scratch, from the menus.
        _menu(page, "Edit", "Clear Outputs of All Cells")
        _wait(page, CLEARED_JS, "cleared outputs")
        _menu(page, "Run", "Run All Cells")
        _wait(page, RUN_DONE_JS, "end of Run All Cells", RUN_TIMEOUT_MS)
        state = page.evaluate(RUN_STATE_JS)

        header = page.locator(".myst-proof-header", has_text=re.compile(r"^\s*Theorem"))
        header.first.evaluate("h => h.scrollIntoView({block: 'start'})")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "lab.png"))
    finally:
        context.close()

    cells = state["cells"]
    errors = [
        f"cell {c['index']}: {' | '.join(c['stderr'])}"
        for c in cells
        if c["stderr"] and c["index"] not in raises
    ]
    assert not errors, "cells show an error (or stderr) in JupyterLab:\n" + "\n".join(errors)
    not_run = [
        f"cell {c['index']} ({c['prompt']})" for c in cells if not c["prompt"][1:-2].isdigit()
    ]
    assert not not_run, f"cells not run: {not_run}"
    counts = [int(c["prompt"][1:-2]) for c in cells]
    assert counts == list(range(1, len(cells) + 1)), f"not run in order in one kernel: {counts}"

    # The appended cell: the kernel is this environment's, the package this checkout's.
    check = next(
        c for c in cells if KERNEL_CHECK_TAG in nb.cells[c["index"]].metadata.get("tags", [])
    )
    printed = dict(line.split(": ", 1) for line in check["stdout"].splitlines())
    assert printed == {"kernel prefix": sys.prefix, "linearnet": linearnet.__file__}
    assert not offsite, f"JupyterLab asked other hosts than 127.0.0.1: {offsite}"
