"""Benchmark: the book's feedback loop against its issues' targets, and training on real data.

Usage: ``python tools/bench.py [--runs N] [--only ROW ...] [--ci]`` (``make bench``).

Prints one table: each figure as the issue measured it ("then": issue 14 with three chapters,
issue 21 for ``make book``), as measured now (the median of ``--runs`` runs, min-max beside it),
and the target. A benchmark, not a test: nothing here fails on a slow figure; it only says which
targets hold.

Rows (``--only`` picks some by name):

- ``make-test``: warm ``make test`` with nothing changed (one run first, not counted, so that
  nothing is left to rebuild): every check's outcome reused (issue 22's target, 30 s);
- ``prose-edit``: ``make test`` after a prose edit in one chapter (a sentence of chapter 3 changed
  before each counted run, and changed back before the next: issue 22's target, 90 s); the
  chapter is restored, and a last ``make test`` records it, at the end;
- ``chapter``: each chapter executed top to bottom in a fresh kernel (nbclient, as
  ``tools/execute_notebooks.py`` does, but nothing is written), the slowest one's median;
- ``ci``: a fresh clone of this repository's HEAD in a temporary folder, ``CI=true bash .ci/run``
  (only with ``--ci``: minutes, and the system packages are installed only where missing);
- ``book-full``, ``book-unchanged``: ``make book`` from scratch (without the pages, Sphinx's
  environment and doctrees, and the files the build writes for itself: :data:`BUILD_CACHES`),
  then ``make book`` with nothing changed (one run first, not counted), whose target is a
  quarter of the first's median; the two rows are measured together;
- ``typeset``, ``bytes``: each chapter page of the built site (``_build/html``) opened in Debian's
  Chromium from 127.0.0.1 with an empty cache: milliseconds from navigation until every math
  element holds typeset math and the fonts are loaded, and the bytes it loaded (decoded: the
  page and every resource, from the browser's resource timing) once the network is idle;
- ``train``: ``tools/benchmark_train.py`` (train on the diabetes data), its own table after this
  one.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT / "tests" / "browser"))

#: (row, what, the issue's figure, target, unit, target value: None if it is another row's).
ROWS: list[tuple[str, str, str, str, str, float | None]] = [
    ("make-test", "warm `make test`, nothing changed", "~190 s", "<= 30 s", "s", 30.0),
    ("prose-edit", "`make test` after a prose edit in one chapter", "-", "<= 90 s", "s", 90.0),
    ("chapter", "slowest chapter, fresh kernel", "7-32 s", "<= 10 s", "s", 10.0),
    ("ci", "fresh clone `CI=true bash .ci/run`", "~240 s", "<= 6 min", "s", 360.0),
    ("book-full", "`make book` from scratch", "55 s", "", "s", None),
    ("book-unchanged", "`make book`, nothing changed", "52 s", "<= 25 % of full", "s", None),
    ("typeset", "chapter page: math typeset after navigation", "2.3-3.6 s", "<= 1 s", "s", 1.0),
    ("bytes", "chapter page: bytes loaded (decoded)", "4.0-4.2 MB", "<= 2 MB", "MB", 2.0),
]


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """Wall seconds of one run of ``command``; its output goes to _build/bench.log."""
    log = ROOT / "_build" / "bench.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("a") as out:
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        elapsed = time.perf_counter() - start
    if done.returncode != 0:
        print(f"  note: {' '.join(command)} exited {done.returncode} (see {log})")
    return elapsed


def make_test(runs: int) -> list[float]:
    """Seconds of each counted warm ``make test``, after one that leaves nothing to rebuild."""
    timed(["make", "test"], ROOT)  # warm-up: afterwards nothing has changed
    return [timed(["make", "test"], ROOT) for _ in range(runs)]


#: The prose edit: a sentence of chapter 3, and the same sentence changed.
PROSE = (
    ROOT / "book" / "03_equivalence_proof.ipynb",
    b"*stationary point* (a critical point)",
    b"*stationary point* (that is, a critical point)",
)


def prose_edit(runs: int) -> list[float]:
    """Seconds of ``make test`` after each prose edit: the sentence changed one way, then back."""
    chapter, one, other = PROSE
    original = chapter.read_bytes()
    if original.count(one) != 1:
        raise SystemExit(f"the benchmark's sentence is not once in {chapter}: update PROSE")
    timed(["make", "test"], ROOT)  # warm-up: every outcome recorded
    times = []
    try:
        for i in range(runs):
            text = original if i % 2 else original.replace(one, other)
            chapter.write_bytes(text)
            times.append(timed(["make", "test"], ROOT))
    finally:
        chapter.write_bytes(original)
        timed(["make", "test"], ROOT)  # the original chapter's outcomes, recorded again
    return times


#: What a build from scratch does not find, under _build/: the pages; Sphinx's environment and
#: doctrees (Jupyter Book's, shared by the HTML and the LaTeX builds), where the extensions keep
#: what they carry from one build to the next; the notebooks' outputs MyST-NB writes for the
#: pages; the figures notebook_figure.py takes from them.
BUILD_CACHES = ("html", ".doctrees", "jupyter_execute", "notebook_figures")


def book(runs: int) -> tuple[list[float], list[float]]:
    """Seconds of each ``make book`` from scratch, then of each with nothing changed."""
    full = []
    for _ in range(runs):
        for name in BUILD_CACHES:
            shutil.rmtree(ROOT / "_build" / name, ignore_errors=True)
        full.append(timed(["make", "book"], ROOT))
    timed(["make", "book"], ROOT)  # warm-up: afterwards nothing has changed
    return full, [timed(["make", "book"], ROOT) for _ in range(runs)]


def chapters(runs: int) -> dict[str, list[float]]:
    """Seconds to execute each chapter in a fresh kernel, by chapter."""
    script = (
        "import sys, nbformat; from nbclient import NotebookClient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "NotebookClient(nb, timeout=600, kernel_name='python3',"
        " resources={'metadata': {'path': 'book'}}).execute()\n"
    )
    times: dict[str, list[float]] = {}
    for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        command = [str(BIN / "python"), "-c", script, str(path)]
        times[path.stem] = [timed(command, ROOT) for _ in range(runs)]
    return times


def ci_run() -> list[float]:
    """Seconds of ``CI=true bash .ci/run`` in a fresh clone of HEAD (one run)."""
    with tempfile.TemporaryDirectory(prefix="bench-ci-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        if (ROOT.parent / "shared").is_dir():  # CI lays shared/ beside the clone
            shutil.copytree(ROOT.parent / "shared", Path(tmp) / "shared")
        return [timed(["bash", ".ci/run"], clone, env={**os.environ, "CI": "true"})]


# Runs in each page before its own scripts: the first frame at which every math element holds
# typeset math and no font is still loading.
TYPESET_PROBE = """
(() => {
  const ready = () => {
    const math = document.querySelectorAll(".math");
    return math.length > 0 && [...math].every(m => m.querySelector("mjx-container"))
      && document.fonts.status === "loaded";
  };
  const tick = () => ready() ? (window.__mathTypesetAt = performance.now())
                             : requestAnimationFrame(tick);
  requestAnimationFrame(tick);
})();
"""
BYTES_JS = """() => [...performance.getEntriesByType("navigation"),
                     ...performance.getEntriesByType("resource")]
                    .reduce((total, r) => total + r.decodedBodySize, 0)"""


def pages(runs: int) -> dict[str, tuple[list[float], list[float]]]:
    """For each chapter page: the seconds until its math is typeset, and the MB it loaded."""
    from browsing import CHROMIUM, LAUNCH_ARGS, SITE, VIEWPORT, chapter_pages
    from playwright.sync_api import sync_playwright

    if not (SITE / "index.html").is_file():
        raise SystemExit(f"no built site at {SITE}: run make book first")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    found: dict[str, tuple[list[float], list[float]]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        for chapter in chapter_pages():
            seconds, megabytes = [], []
            for _ in range(runs):
                context = browser.new_context(viewport=VIEWPORT)  # an empty cache each time
                page = context.new_page()
                page.add_init_script(TYPESET_PROBE)
                page.goto(base + chapter, wait_until="load")
                page.wait_for_function("() => window.__mathTypesetAt", timeout=30_000)
                page.wait_for_load_state("networkidle")
                seconds.append(page.evaluate("() => window.__mathTypesetAt") / 1000)
                megabytes.append(page.evaluate(BYTES_JS) / 1e6)
                context.close()
            found[chapter] = (seconds, megabytes)
        browser.close()
    server.shutdown()
    return found


def spread(values: list[float], unit: str) -> str:
    """Format the median, and the range if there are several values: 8.62 s, 37.2 s, 512 s."""
    digits = 2 if unit == "MB" or max(values) < 10 else 1 if max(values) < 100 else 0
    fmt = lambda x: f"{x:.{digits}f}"  # noqa: E731
    median = fmt(statistics.median(values))
    if len(values) == 1:
        return f"{median} {unit}"
    return f"{median} {unit} ({fmt(min(values))}-{fmt(max(values))})"


def main() -> int:
    """Measure the rows asked for and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="counted runs of each figure")
    parser.add_argument("--only", nargs="+", choices=[r[0] for r in ROWS] + ["train"])
    parser.add_argument("--ci", action="store_true", help="also time a fresh-clone CI run")
    args = parser.parse_args()
    wanted = set(args.only or [r[0] for r in ROWS if r[0] != "ci"] + ["train"])
    if args.ci:
        wanted.add("ci")

    now: dict[str, tuple[str, bool | None, str]] = {}  # row -> (figure, target held, detail)

    def row(name: str, values: list[float], detail: str = "", target: float | None = None) -> None:
        _, _, _, _, unit, limit = next(r for r in ROWS if r[0] == name)
        limit = limit if target is None else target
        held = None if limit is None else statistics.median(values) <= limit
        now[name] = (spread(values, unit), held, detail)

    measure: dict[str, Callable[[], None]] = {}

    def do_make_test() -> None:
        row("make-test", make_test(args.runs))

    def do_prose_edit() -> None:
        row("prose-edit", prose_edit(args.runs))

    def do_chapter() -> None:
        times = chapters(args.runs)
        slowest = max(times, key=lambda c: statistics.median(times[c]))
        detail = ", ".join(f"{c[:2]}: {statistics.median(t):.1f}" for c, t in times.items())
        row("chapter", times[slowest], f"{slowest}; each: {detail}")

    def do_ci() -> None:
        row("ci", ci_run())

    def do_book() -> None:
        full, unchanged = book(args.runs)
        quarter = statistics.median(full) / 4
        share = f"{statistics.median(unchanged) / statistics.median(full):.0%} of a full build"
        row("book-full", full)
        row("book-unchanged", unchanged, share, target=quarter)

    def do_pages() -> None:
        found = pages(args.runs)
        worst_t = max(found, key=lambda c: statistics.median(found[c][0]))
        worst_b = max(found, key=lambda c: statistics.median(found[c][1]))
        each_t = ", ".join(f"{c[5:7]}: {statistics.median(v[0]):.2f}" for c, v in found.items())
        each_b = ", ".join(f"{c[5:7]}: {statistics.median(v[1]):.2f}" for c, v in found.items())
        row("typeset", found[worst_t][0], f"slowest {worst_t}; each: {each_t}")
        row("bytes", found[worst_b][1], f"largest {worst_b}; each: {each_b}")

    # make book before the pages: they are read from the site it builds.
    measure = {
        "make-test": do_make_test,
        "prose-edit": do_prose_edit,
        "chapter": do_chapter,
        "ci": do_ci,
        "book": do_book,
        "typeset": do_pages,
    }
    if "bytes" in wanted:
        wanted.add("typeset")
    if wanted & {"book-full", "book-unchanged"}:
        wanted.add("book")
    for name, run in measure.items():
        if name in wanted:
            print(f"measuring {name} ...", flush=True)
            run()

    print(f"\nthe issues' figures on this machine ({os.cpu_count()} cores), median of {args.runs}:")
    print(f"| {'what':45} | {'then':12} | {'now (6 ch.), median (min-max)':32} | {'target':16} |")
    print(f"|{'-' * 47}|{'-' * 14}|{'-' * 34}|{'-' * 18}|")
    for name, what, then, target, _, _ in ROWS:
        figure, held, _ = now.get(name, ("not measured", None, ""))
        mark = {True: " ok", False: " MISSED", None: ""}[held]
        print(f"| {what:45} | {then:12} | {figure:32} | {target:16} |{mark}")
    for name, (_, _, detail) in now.items():
        if detail:
            print(f"  {name}: {detail}")
    if "train" in wanted:
        print("\ntrain on real data (tools/benchmark_train.py):", flush=True)
        subprocess.run([str(BIN / "python"), str(ROOT / "tools" / "benchmark_train.py")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
