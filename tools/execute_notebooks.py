"""Execute notebooks in place, so that their stored outputs are the nbval reference.

Usage: ``python tools/execute_notebooks.py book/*.ipynb`` (``make execute``).

Runs each notebook top to bottom in a fresh kernel from the notebook's own folder, without timing
metadata, merges each cell's stream outputs (nbclient's ``coalesce_streams``: the kernel may
deliver one cell's prints in differently sized chunks from run to run), and fails on the first
cell error (cells tagged ``raises-exception`` excepted), so two runs give identical files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

#: .venv's ipykernel, under the name JupyterLab writes into a notebook it saves.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def execute(path: Path) -> None:
    """Execute the notebook at ``path`` and write it back with its new outputs."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        coalesce_streams=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nb.metadata.pop("widgets", None)
    # The kernel as JupyterLab names it (make lab): opening a chapter there then changes nothing.
    nb.metadata["kernelspec"] = KERNELSPEC
    nbformat.write(nb, path)
    print(f"executed {path}")


def main(paths: list[str]) -> int:
    """Execute every notebook named in ``paths``."""
    if not paths:
        print("usage: execute_notebooks.py NOTEBOOK [NOTEBOOK ...]", file=sys.stderr)
        return 2
    for p in paths:
        execute(Path(p))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
