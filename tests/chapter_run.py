"""Run chapters under nbval in a child process, with an IPython start-up file in every kernel.

The mutation run (a planted wrong function) and the portability run (another BLAS kernel or
instruction set) both need the same thing: each chapter's kernel must run a few lines before
the chapter, and the verdict is nbval's. This module holds that once.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: A failing cell in nbval's summary: ``FAILED book/05_x.ipynb::Cell 12``.
FAILED = re.compile(r"^FAILED (\S+\.ipynb)::Cell (\d+)", re.MULTILINE)

# Two kernels starting at once have failed to start (seen in CI's fresh clone): that says
# nothing of the chapters, so the run starts again, at most this many times in all.
ATTEMPTS = 3
KERNEL_DIED = "Kernel died before replying to kernel_info"


def run_chapters(
    notebooks: Sequence[str],
    startup: str,
    tmp_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    pythonpath: Sequence[Path] = (),
    timeout: float = 600,
    before_attempt: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``pytest --nbval`` on ``notebooks`` with ``startup`` run first in each kernel.

    Parameters
    ----------
    notebooks
        Chapter paths relative to the repository root.
    startup
        Python source written to the IPython profile's start-up folder.
    tmp_path
        A fresh folder for the IPython profile and matplotlib's cache.
    env
        Variables added to this process's environment.
    pythonpath
        Folders put first on the kernels' ``PYTHONPATH`` (where ``startup`` imports from).
    timeout
        Seconds one attempt may take.
    before_attempt
        Called with no arguments before each attempt (to clear a log the kernels write).

    Returns
    -------
    subprocess.CompletedProcess
        The last attempt: ``returncode`` 0 when every cell matched its stored output.
    """
    profile = tmp_path / "ipython" / "profile_default" / "startup"
    profile.mkdir(parents=True)
    (profile / "00-startup.py").write_text(startup)
    full_env = {
        **os.environ,
        **(env or {}),
        "IPYTHONDIR": str(tmp_path / "ipython"),
        "PYTHONPATH": os.pathsep.join([*map(str, pythonpath), os.environ.get("PYTHONPATH", "")]),
        "MPLCONFIGDIR": str(tmp_path / "mpl"),
    }
    # No recorder (the claims' pytest plugin, sphinx_claims, records nothing when its report
    # folder is empty): a run with a planted mutant or an unusual BLAS kernel must never reach the
    # badges; and no reuse of recorded outcomes (claims_reuse_dir empty): the mutant and the
    # kernel live outside the files whose digests decide it. Not -p no:claims: --strict-config
    # then refuses pyproject's claims_* options.
    command = [sys.executable, "-m", "pytest", "--nbval", "--noconftest"]
    command += [
        "-o",
        "claims_report_dir=",
        "-o",
        "claims_reuse_dir=",
        "-p",
        "no:cacheprovider",
        "-q",
        "-rf",
        *notebooks,
    ]
    for _ in range(ATTEMPTS):
        if before_attempt is not None:
            before_attempt()
        run = subprocess.run(
            command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout
        )
        if KERNEL_DIED not in run.stdout + run.stderr:
            break
    return run
