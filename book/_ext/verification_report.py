"""The verification report: which checks ran, for which claims, with what outcome.

Shared by the pytest hooks in ``conftest.py`` (which write one report per test session under
``_build/verification/``) and by the Sphinx extension ``verification`` (which reads them to draw
status badges). A report is trusted only if it was produced from the sources the site is built
from: each report carries a digest of the notebooks, the package and the tests, and a report
whose digest differs from the current one counts as "not run".
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
import subprocess
from pathlib import Path
from typing import Any

#: Cell tag, and pytest marker argument, that names the claim a check verifies.
TAG_PREFIX = "verifies:"
#: Where each test session writes ``<session>.json``, relative to the repository root.
REPORT_DIR = Path("_build") / "verification"
#: The sources a report of each session vouches for: if any of them changes, it is stale.
#: Unit tests do not depend on the notebooks, nor the notebooks on the unit tests.
_COMMON = ("src/**/*.py", "conftest.py", "book/_ext/verification_report.py")
DIGEST_GLOBS = {
    "unit": (*_COMMON, "tests/**/*.py"),
    "notebooks": (*_COMMON, "book/*.ipynb"),
    "all": (*_COMMON, "tests/**/*.py", "book/*.ipynb"),
}

_SYMBOLIC = re.compile(r"\bsymbolic\.|\bsp\.|\bsympy\b")


def labels_in_tags(tags: list[str] | None) -> list[str]:
    """Return the labels named by ``verifies:<label>`` tags, in order."""
    return [t[len(TAG_PREFIX) :] for t in (tags or []) if t.startswith(TAG_PREFIX)]


def check_kind(source: str) -> str:
    """Classify a notebook check by its code: ``symbolic proof`` or ``numerical check``."""
    return "symbolic proof" if _SYMBOLIC.search(source) else "numerical check"


def sources_digest(root: Path, session: str) -> str:
    """SHA-256 over the paths and contents of the files ``session`` depends on."""
    h = hashlib.sha256()
    globs = DIGEST_GLOBS.get(session, DIGEST_GLOBS["all"])
    files = sorted({p for g in globs for p in root.glob(g) if "__pycache__" not in p.parts})
    for p in files:
        h.update(p.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def git_commit(root: Path) -> str:
    """Return the current commit (short), with ``+dirty`` if the work tree has changes."""

    def git(*args: str) -> str:
        run = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
        return run.stdout.strip()

    try:
        sha = git("rev-parse", "--short=12", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return sha + ("+dirty" if dirty else "")


def write_report(root: Path, session: str, checks: list[dict[str, Any]]) -> Path:
    """Write the checks of one test session to ``_build/verification/<session>.json``."""
    out = root / REPORT_DIR / f"{session}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "session": session,
        "commit": git_commit(root),
        "time": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "sources": sources_digest(root, session),
        "checks": checks,
    }
    out.write_text(json.dumps(report, indent=1, sort_keys=True))
    return out


def load_reports(root: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return ``(fresh, stale)`` reports found under ``_build/verification/``."""
    fresh, stale = [], []
    for path in sorted((root / REPORT_DIR).glob("*.json")):
        try:
            report = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        current = sources_digest(root, report.get("session", "all"))
        (fresh if report.get("sources") == current else stale).append(report)
    return fresh, stale
