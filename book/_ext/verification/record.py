"""The verification record: which checks a test session ran, for which claims, with what outcome.

Written by :mod:`verification.pytest_plugin`, read by :mod:`verification.claims`. A report vouches
only for the sources it ran on (their digest): one of other sources, or of another
``SCHEMA_VERSION``, is ignored. The words a reader sees, statuses and claim classes, live here.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import hashlib
import json
import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 3
REPORT_DIR = Path("_build") / "verification"
TAG_PREFIX = "verifies:"  # a cell tagged verifies:<label> checks the claim <label>
#: The files each kind of session ran on: if one of them changes, the session's report is stale.
_HERE = "book/_ext/verification/"
_RAN_ON = ("src/**/*.py", "conftest.py", _HERE + "record.py", _HERE + "pytest_plugin.py")
SOURCES: dict[str, tuple[str, ...]] = {"unit": (*_RAN_ON, "tests/**/*.py")}
SOURCES["notebooks"] = (*_RAN_ON, "book/*.ipynb")
SOURCES["all"] = (*SOURCES["unit"], "book/*.ipynb")
#: A name bound to an exact check, as in ``prove = symbolic.assert_identity``.
_ALIAS = re.compile(r"^(\w+) *= *(?:symbolic\.)?assert_(?:identity|rank)$", re.MULTILINE)


class Status(enum.Enum):
    """A claim's status: a symbol and words (a colour, where there is one, only repeats them)."""

    VERIFIED = "✓", "verified"
    DEPENDS = "◐", "depends on an unverified claim"
    FAILED = "✗", "failed"
    NOT_RUN = "○", "not run"

    def __init__(self, symbol: str, words: str) -> None:
        self.symbol, self.words = symbol, words

    @classmethod
    def of(cls, outcomes: list[str]) -> Status:
        """A check failed: failed; all passed: verified; none, or one skipped or not run: not run."""
        if "failed" in outcomes:
            return cls.FAILED
        return cls.VERIFIED if set(outcomes) == {"passed"} else cls.NOT_RUN


class ClaimClass(enum.Enum):
    """How a claim is established: ``:class: <value with a hyphen>`` on its box; default proved."""

    PROVED = "proved"
    CHECKED_NUMERICALLY = "checked numerically"
    EXPERIMENT = "experiment"
    CITED = "cited"

    @classmethod
    def of(cls, classes: list[str]) -> ClaimClass:
        return next((c for c in cls if c.value.replace(" ", "-") in classes), cls.PROVED)

    @property
    def noun(self) -> str:
        """What establishes the claim, as the first word(s) of its badge: ``proof ✓``."""
        return {"proved": "proof", "checked numerically": "numerical check"}.get(
            self.value, self.value
        )


@dataclasses.dataclass(frozen=True)
class Check:
    """A test that names the claims it verifies, and pytest's outcome."""

    id: str  # pytest's node id
    labels: tuple[str, ...]
    outcome: str  # "passed", "failed", "skipped" or "not run"
    exact: bool  # calls assert_identity or assert_rank: see is_exact
    notebook: str | None = None  # for a notebook cell: the notebook's path and the cell's id
    cell_id: str | None = None


@dataclasses.dataclass(frozen=True)
class Report:
    session: str  # "unit", "notebooks" or "all"
    commit: str
    time: str
    sources: str  # digest(root, session)
    checks: tuple[Check, ...]
    machine: str = ""  # where it ran: machine_summary()
    schema: int = SCHEMA_VERSION


def _cpu_model() -> str:
    try:  # Linux
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_summary() -> str:
    """What the checks ran on, from what NumPy's ``show_runtime()`` reads: the CPU, the BLAS
    library with its kernel and threads, NumPy with the SIMD extensions it dispatches to, and
    Python. The book's numbers are meant not to depend on it (``make test-portability``)."""
    import numpy as np
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    from threadpoolctl import threadpool_info

    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    library = (
        f"{blas[0]['internal_api']} {blas[0]['version']} ({blas[0].get('architecture')} kernel, "
        f"{blas[0]['num_threads']} threads)"
        if blas
        else "no BLAS found"
    )
    simd = " ".join(f for f in __cpu_dispatch__ if __cpu_features__.get(f)) or "baseline only"
    return (
        f"{_cpu_model()} ({platform.machine()}, {platform.system()}); {library}; "
        f"NumPy {np.__version__} (SIMD: {simd}); Python {sys.version.split()[0]}"
    )


def labels_in_tags(tags: list[str] | None) -> tuple[str, ...]:
    return tuple(t.removeprefix(TAG_PREFIX) for t in tags or [] if t.startswith(TAG_PREFIX))


def is_exact(source: str, context: str = "") -> bool:
    """Whether ``source`` calls linearnet.symbolic's ``assert_identity`` or ``assert_rank``
    (exact checks: each raises unless its identity or rank holds), by name or by an alias that
    ``context``, the whole notebook, binds to one."""
    names = ["assert_identity", "assert_rank", *_ALIAS.findall(context or source)]
    return re.search(rf"\b(?:{'|'.join(names)})\(", source) is not None


def digest(root: Path, session: str) -> str:
    h = hashlib.sha256()
    for p in sorted({p for pattern in SOURCES[session] for p in root.glob(pattern)}):
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def write(root: Path, session: str, checks: list[Check]) -> None:
    git = ["git", "-C", str(root), "describe", "--always", "--dirty", "--abbrev=12"]
    commit = subprocess.run(git, capture_output=True, text=True).stdout.strip() or "unknown"
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = Report(session, commit, now, digest(root, session), tuple(checks), machine_summary())
    (root / REPORT_DIR).mkdir(parents=True, exist_ok=True)
    (root / REPORT_DIR / f"{session}.json").write_text(json.dumps(dataclasses.asdict(report)))


def _load(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text()))
    except ValueError:  # a report cut short
        return {}


def read(root: Path) -> tuple[list[Report], int]:
    """The reports of the current sources, oldest first, and how many others were ignored."""
    fresh, paths = [], sorted((root / REPORT_DIR).glob("*.json"))
    for data in map(_load, paths):
        if data.get("schema") == SCHEMA_VERSION and data["sources"] == digest(
            root, data["session"]
        ):
            checks = [Check(**{**c, "labels": tuple(c["labels"])}) for c in data.pop("checks")]
            fresh.append(Report(**data, checks=tuple(checks)))
    return sorted(fresh, key=lambda r: r.time), len(paths) - len(fresh)
