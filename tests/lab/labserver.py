"""The lab test's JupyterLab server: started private and headless, stopped with all it started.

:func:`start` launches the JupyterLab of the running environment (``.venv/bin/jupyter-lab``, as
``make lab`` does) on a free port of 127.0.0.1 with a random token. Every per-user folder
(Jupyter's config, data and runtime folders, JupyterLab's settings and workspaces, IPython,
Matplotlib, the home itself) is inside a temporary folder, so nothing of the user's home is read
or written. :func:`stop` ends it: SIGTERM to its process group (JupyterLab then shuts its kernels
down), SIGKILL after a timeout, and SIGKILL for anything it started that is still alive: a kernel
runs in a session of its own, so a process-group kill alone would miss it. Should the test
process itself be killed (no teardown then), Linux sends the server SIGTERM all the same.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil

#: The tag of the cell appended to the test's copy of the chapter (:func:`copy_chapter`).
KERNEL_CHECK_TAG = "lab-test-kernel"

#: Seconds the server may take to answer, and to stop.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0

#: JupyterLab settings for the test only, in its private settings folder: render every cell (no
#: windowing), so that the whole notebook is in the page; do not ask about Jupyter news.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"},
}

_THEOREM = re.compile(r"^\s*(?::{3,}|`{3,})\{prf:theorem\}", re.MULTILINE)


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab server, and where its log goes."""

    url: str
    token: str
    process: subprocess.Popen[bytes]
    log: Path

    def open_url(self, notebook: str) -> str:
        """The URL that opens ``notebook`` (relative to the served folder) in JupyterLab."""
        return f"{self.url}lab/tree/{notebook}?token={self.token}"


def first_chapter_with_theorem(book: Path) -> Path:
    """The first chapter ``book/NN_*.ipynb`` whose Markdown states a ``{prf:theorem}``."""
    for path in sorted(book.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(c.cell_type == "markdown" and _THEOREM.search(c.source) for c in nb.cells):
            return path
    raise FileNotFoundError(f"no chapter in {book} states a {{prf:theorem}}")


def copy_chapter(chapter: Path, folder: Path) -> Path:
    """Copy ``chapter`` into ``folder`` with one code cell appended; return the copy.

    The appended cell prints where the kernel's Python and ``linearnet`` come from, so the test
    can check that JupyterLab ran the chapter with this environment's kernel and package.
    """
    nb = nbformat.read(chapter, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import sys\n\nimport linearnet\n\n"
            'print("kernel prefix:", sys.prefix)\nprint("linearnet:", linearnet.__file__)',
            metadata={"tags": [KERNEL_CHECK_TAG]},
        )
    )
    copy = folder / chapter.name
    nbformat.write(nb, copy)
    return copy


def _die_with_parent() -> None:
    """Linux: have the kernel send the server SIGTERM if the test process dies (even SIGKILL)."""
    if sys.platform == "linux":
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def private_env(home: Path) -> dict[str, str]:
    """This process's environment with every per-user folder inside ``home`` (created)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JUPYTER", "XDG_")) and k not in ("IPYTHONDIR", "MPLCONFIGDIR")
    }
    folders = {
        "HOME": home,
        "JUPYTER_CONFIG_DIR": home / "jupyter-config",
        "JUPYTER_DATA_DIR": home / "jupyter-data",
        "JUPYTER_RUNTIME_DIR": home / "jupyter-runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
        "IPYTHONDIR": home / "ipython",
        "MPLCONFIGDIR": home / "matplotlib",
    }
    for path in folders.values():
        path.mkdir(parents=True, exist_ok=True)
    env.update({k: str(v) for k, v in folders.items()})
    # The environment's own kernel first, before any kernel of that name in a user folder.
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    for plugin, values in LAB_SETTINGS.items():
        path = folders["JUPYTERLAB_SETTINGS_DIR"] / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return env


def wait_until_up(lab: Lab) -> None:
    """Poll the server's status API until it answers; fail early if the server exits."""
    request = urllib.request.Request(
        lab.url + "api/status", headers={"Authorization": f"token {lab.token}"}
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            raise RuntimeError(
                f"JupyterLab exited with code {lab.process.returncode} before it answered; "
                f"its log:\n{lab.log.read_text()}"
            )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise TimeoutError(
        f"JupyterLab did not answer in {START_TIMEOUT:.0f} s; its log:\n{lab.log.read_text()}"
    )


def start(root_dir: Path, home: Path) -> Lab:
    """Start JupyterLab serving ``root_dir``, with ``home`` as its private home.

    Returns at once: call :func:`wait_until_up` before using it, and :func:`stop` in any case.
    """
    env = private_env(home)
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        str(Path(sys.executable).parent / "jupyter-lab"),
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        # Nothing from the network: no update check, no extension catalogue.
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    log = home / "jupyterlab.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=root_dir,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    return Lab(f"http://127.0.0.1:{port}/", token, process, log)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and everything it started: SIGTERM, then SIGKILL whatever is left."""
    try:
        started = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        started = []
    if process.poll() is None:
        # The server leads its own process group (start_new_session).
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)
    # Kernels run in sessions of their own: kill any the server did not shut down.
    alive = []
    for p in started:
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                p.kill()
                alive.append(p)
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=STOP_TIMEOUT)
