"""Write the outcomes of the fresh test reports to a file, touching it only when they change.

The PDF prints each claim's status, a function of the sources and of the checks' outcomes in the
test reports (``_build/verification/*.json``, beside the file). ``make test`` rewrites those
reports on every run, with a new time; the Makefile's PDF depends on this file instead, so a
``make test`` whose outcomes are those of the last run does not rebuild the PDF.

Usage: python tools/claim_outcomes.py _build/verification/outcomes.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

from sphinx_claims import record

ROOT = Path(__file__).resolve().parents[1]


def outcomes(folder: Path, root: Path) -> str:
    """One line per check of each fresh report: session, test id, outcome, labels, calls."""
    reports, _ = record.read(folder, root)
    lines = {
        f"{r.session}\t{c.id}\t{c.outcome}\t{','.join(c.labels)}\t{','.join(c.calls)}"
        for r in reports
        for c in r.checks
    }
    return "".join(f"{line}\n" for line in sorted(lines))


def main(out: Path) -> None:
    """Rewrite ``out`` if the outcomes differ from what it holds."""
    text = outcomes(out.resolve().parent, ROOT)
    if not out.is_file() or out.read_text() != text:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
