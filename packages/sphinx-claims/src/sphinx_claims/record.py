"""The record: which checks a test session ran, for which claims, with what outcome.

Written by :mod:`sphinx_claims.pytest_plugin`, read by :mod:`sphinx_claims.claims`. A report
vouches only for the sources it ran on: it holds the patterns of those files and their digest, and
one whose files have changed since, or of another ``SCHEMA_VERSION``, is ignored. The words a
reader sees, statuses and claim classes, live here.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime
import enum
import hashlib
import json
import platform
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 5


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
        """A check failed: failed; all passed: verified; none, one skipped or not run: not run."""
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
    calls: tuple[str, ...]  # the functions its code calls: see calls()
    notebook: str | None = None  # for a notebook cell: the notebook's path and the cell's id
    cell_id: str | None = None
    #: The run that produced the outcome (time, digest of its inputs: sphinx_claims.reuse), and
    #: whether this session reused it instead of running the check.
    ran: str = ""
    inputs: str = ""
    reused: bool = False


@dataclasses.dataclass(frozen=True)
class Report:
    session: str  # "unit", "notebooks" or "all"
    commit: str
    time: str
    patterns: tuple[str, ...]  # the files it ran on, as glob patterns relative to the root
    sources: str  # digest(root, patterns)
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
    """What the checks ran on: the CPU, the BLAS library with its kernel and threads, NumPy with
    the SIMD extensions it dispatches to (each if installed), and Python."""
    parts = [f"{_cpu_model()} ({platform.machine()}, {platform.system()})"]
    try:
        import numpy as np
        from numpy._core._multiarray_umath import (  # type: ignore[import-not-found]
            __cpu_dispatch__,
            __cpu_features__,
        )
        from threadpoolctl import threadpool_info
    except ImportError:
        pass
    else:
        blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        parts.append(
            f"{blas[0]['internal_api']} {blas[0]['version']} ({blas[0].get('architecture')} "
            f"kernel, {blas[0]['num_threads']} threads)"
            if blas
            else "no BLAS found"
        )
        simd = " ".join(f for f in __cpu_dispatch__ if __cpu_features__.get(f)) or "baseline only"
        parts.append(f"NumPy {np.__version__} (SIMD: {simd})")
    return "; ".join([*parts, f"Python {sys.version.split()[0]}"])


def labels_in_tags(tags: Iterable[str] | None, prefix: str) -> tuple[str, ...]:
    """The labels a cell's tags name: ``verifies:lem-a`` gives ``lem-a`` (prefix ``verifies:``)."""
    return tuple(t.removeprefix(prefix) for t in tags or [] if t.startswith(prefix))


def _parse(source: str) -> ast.Module:
    """Python's syntax tree of a test or a cell; IPython's ``%magic`` and ``!shell`` lines out."""
    try:
        return ast.parse(source)
    except SyntaxError:
        lines = [x for x in source.splitlines() if not x.lstrip().startswith(("%", "!"))]
        try:
            return ast.parse("\n".join(lines))
        except SyntaxError:
            return ast.Module(body=[], type_ignores=[])


def _name(node: ast.expr) -> str | None:
    """``f`` of ``f`` and ``m.f``."""
    return node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)


def calls(source: str, context: Iterable[str] = ()) -> tuple[str, ...]:
    """The functions that ``source`` calls, by their last name (``symbolic.assert_rank(M, 2)``
    calls ``assert_rank``), an alias that ``source`` or its ``context`` (the notebook's cells, or
    the test's module) binds read as the name it stands for (after ``prove =
    symbolic.assert_identity``, ``prove(a, b)`` calls ``assert_identity``). Whether a check is
    exact is then a matter of configuration (``claims_exact_calls``). Read from the syntax tree:
    a comment or a string calls nothing."""
    aliases = {}
    for node in (n for code in [*context, source] for n in ast.walk(_parse(code))):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = _name(node.targets[0]), _name(node.value)
            if isinstance(node.targets[0], ast.Name) and target and value:
                aliases[target] = value
    found, tree = set(), _parse(source)
    for node in ast.walk(tree):  # a decorator (``@pytest.mark.verifies(...)``) checks nothing
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            node.decorator_list = []
    for node in ast.walk(tree):
        name = _name(node.func) if isinstance(node, ast.Call) else None
        if name:
            found.add(aliases.get(name, name))
    return tuple(sorted(found))


def files(root: Path, patterns: Iterable[str]) -> list[Path]:
    """The files that glob ``patterns`` match under ``root``, sorted."""
    return sorted({p for pattern in patterns for p in root.glob(pattern) if p.is_file()})


def digest(root: Path, patterns: Iterable[str]) -> str:
    """SHA-256 of the paths and contents of the files that ``patterns`` match."""
    h = hashlib.sha256()
    for p in files(root, patterns):
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def write(
    folder: Path, root: Path, session: str, patterns: tuple[str, ...], checks: list[Check]
) -> None:
    """Write ``<folder>/<session>.json``: ``checks``, run on the files ``patterns`` match."""
    git = ["git", "-C", str(root), "describe", "--always", "--dirty", "--abbrev=12"]
    try:
        commit = subprocess.run(git, capture_output=True, text=True).stdout.strip() or "unknown"
    except OSError:  # no git
        commit = "unknown"
    # When the outcomes were produced: the last of their runs if they say (a session that reused
    # every outcome keeps its report's time, and the pages that show it stay as they were).
    ran = [c.ran for c in checks if c.ran]
    now = (
        max(ran)[:16] + " UTC"
        if ran
        else datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    )
    sources = digest(root, patterns)
    report = Report(session, commit, now, patterns, sources, tuple(checks), machine_summary())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{session}.json").write_text(json.dumps(dataclasses.asdict(report)))


def _load(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text()))
    except ValueError:  # a report cut short
        return {}


def read(folder: Path, root: Path) -> tuple[list[Report], int]:
    """The reports in ``folder`` whose files under ``root`` are unchanged, oldest first, and how
    many others were ignored."""
    fresh, paths = [], sorted(folder.glob("*.json"))
    for data in map(_load, paths):
        if data.get("schema") == SCHEMA_VERSION and data["sources"] == digest(
            root, data["patterns"]
        ):
            checks = [
                Check(**{**c, "labels": tuple(c["labels"]), "calls": tuple(c["calls"])})
                for c in data.pop("checks")
            ]
            data["patterns"] = tuple(data["patterns"])
            fresh.append(Report(**data, checks=tuple(checks)))
    return sorted(fresh, key=lambda r: r.time), len(paths) - len(fresh)
