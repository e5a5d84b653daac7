"""Write the outcomes of the fresh test reports to a file, touching it only when they change.

The PDF prints each claim's status, a function of the sources and of the checks' outcomes in the
test reports (``_build/verification/*.json``). ``make test`` rewrites those reports on every run,
with a new time; the Makefile's PDF depends on this file instead, so a ``make test`` whose
outcomes are those of the last run does not rebuild the PDF.

Usage: python tools/claim_outcomes.py _build/verification/outcomes.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from verification import record  # noqa: E402 (book/_ext is no package on the path)


def outcomes(root: Path) -> str:
    """One line per check of each fresh report: session, test id, outcome, exactness, labels."""
    reports, _ = record.read(root)
    lines = {
        f"{r.session}\t{c.id}\t{c.outcome}\t{c.exact}\t{','.join(c.labels)}"
        for r in reports
        for c in r.checks
    }
    return "".join(f"{line}\n" for line in sorted(lines))


def main(out: Path) -> None:
    """Rewrite ``out`` if the outcomes differ from what it holds."""
    text = outcomes(ROOT)
    if not out.is_file() or out.read_text() != text:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
