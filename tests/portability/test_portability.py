"""The portability run: every chapter reproduces its stored outputs under every rounding.

``make test-portability`` re-executes the chapters under nbval once per configuration of
``configurations.py`` (OpenBLAS kernels, one BLAS thread, NumPy without its AVX-512 loops), each
in fresh kernels whose IPython start-up file checks that the configuration took effect. Every
cell must print exactly its stored output and pass its assertions: a chapter that prints a step
count, a digit count or a residual that rounding can move fails here, under some configuration,
even when it passes on the machine that stored its outputs.

The sessions run with ``--noconftest``: they write no verification report (the badges come from
``make test``), and they check the outputs, not the claims.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from configurations import CONFIGURATIONS, EXPECT, LOG, Configuration, cannot_run, found

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
REPORTS = ROOT / "_build" / "portability"
FAILED = re.compile(r"^FAILED \S+\.ipynb::Cell \d+", re.MULTILINE)


def _notebooks() -> list[str]:
    """The chapters to run: ``PORTABILITY_NOTEBOOKS`` (``make test-portability NB=...``) or all."""
    named = os.environ.get("PORTABILITY_NOTEBOOKS", "").split()
    return named or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "book").glob("*.ipynb"))


def _cpu_features() -> dict[str, bool]:
    from numpy._core._multiarray_umath import __cpu_features__

    return {k: bool(v) for k, v in __cpu_features__.items()}


@pytest.mark.parametrize("config", CONFIGURATIONS, ids=lambda c: c.name)
def test_every_chapter_reproduces_its_outputs(config: Configuration, tmp_path: Path) -> None:
    if any(v in os.environ for c in CONFIGURATIONS for v in c.env):
        pytest.fail("unset OPENBLAS_CORETYPE, OPENBLAS_NUM_THREADS, NPY_DISABLE_CPU_FEATURES first")
    reason = cannot_run(config, _cpu_features(), found())
    if reason:
        pytest.skip(reason)
    notebooks = _notebooks()
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    check = "import configurations\nconfigurations.kernel_check()\n"
    (startup / "00-portability.py").write_text(check)
    log = tmp_path / "kernels.jsonl"
    env = {
        **os.environ,
        **config.env,
        EXPECT: json.dumps(config.expect),
        LOG: str(log),
        "IPYTHONDIR": str(tmp_path / "ipython"),
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        "MPLCONFIGDIR": str(tmp_path / "mpl"),
    }
    nbval = ["--nbval", "--noconftest", "-p", "no:cacheprovider", "-q", "-rf", *notebooks]
    for _ in range(3):
        log.unlink(missing_ok=True)
        run = subprocess.run(
            [sys.executable, "-m", "pytest", *nbval],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
        # Two kernels starting at once have once failed to start (the mutation run saw it):
        # that says nothing of the chapters, so start again.
        if "Kernel died before replying to kernel_info" not in run.stdout + run.stderr:
            break
    kernels = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    REPORTS.mkdir(parents=True, exist_ok=True)
    seen = kernels[0] if kernels else "no kernel started"
    verdict = "passed" if run.returncode == 0 else "FAILED"
    (REPORTS / f"{config.name}.txt").write_text(
        f"{config.name} ({' '.join(f'{k}={v}' for k, v in config.env.items())}): {verdict}, "
        f"{len(notebooks)} chapters; kernels ran with {seen}\n"
        + "".join(f"  {line}\n" for line in FAILED.findall(run.stdout))
    )
    assert len(kernels) == len(notebooks), (
        f"{len(kernels)} of {len(notebooks)} kernels checked the configuration\n"
        + run.stdout[-3000:]
        + run.stderr[-3000:]
    )
    assert run.returncode == 0, (
        f"under {config.name} ({config.env}) the chapters do not reproduce their stored "
        "outputs:\n" + run.stdout[-6000:] + run.stderr[-2000:]
    )
