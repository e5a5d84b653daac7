"""The portability run: every chapter reproduces its stored outputs under every rounding.

``make test-portability`` re-executes the chapters under nbval once per configuration of
``configurations.py`` (OpenBLAS kernels, one BLAS thread, NumPy without its AVX-512 loops), each
in fresh kernels whose IPython start-up file checks that the configuration took effect. Every
cell must print exactly its stored output and pass its assertions: a chapter that prints a step
count, a digit count or a residual that rounding can move fails here, under some configuration,
even when it passes on the machine that stored its outputs.

The sessions run without the claims' recorder (``-o claims_report_dir=``): they write no report (the
badges come from ``make test``), and they check the outputs, not the claims.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from chapter_run import FAILED, ROOT, run_chapters
from configurations import CONFIGURATIONS, EXPECT, LOG, Configuration, cannot_run, found

HERE = Path(__file__).resolve().parent
REPORTS = ROOT / "_build" / "portability"


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
    log = tmp_path / "kernels.jsonl"
    run = run_chapters(
        notebooks,
        "import configurations\nconfigurations.kernel_check()\n",
        tmp_path,
        env={**config.env, EXPECT: json.dumps(config.expect), LOG: str(log)},
        pythonpath=[HERE],
        timeout=1200,
        before_attempt=lambda: log.unlink(missing_ok=True),
    )
    kernels = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    REPORTS.mkdir(parents=True, exist_ok=True)
    seen = kernels[0] if kernels else "no kernel started"
    verdict = "passed" if run.returncode == 0 else "FAILED"
    (REPORTS / f"{config.name}.txt").write_text(
        f"{config.name} ({' '.join(f'{k}={v}' for k, v in config.env.items())}): {verdict}, "
        f"{len(notebooks)} chapters; kernels ran with {seen}\n"
        + "".join(f"  FAILED {nb}::Cell {cell}\n" for nb, cell in FAILED.findall(run.stdout))
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
