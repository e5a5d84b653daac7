"""Log this process's reads for the test session that started it (sphinx_claims.reads).

A session that records what its checks read puts this folder first on the ``PYTHONPATH`` its
subprocesses inherit (Jupyter kernels, JupyterLab, any ``python`` a test runs), and names the log
folder in ``CLAIMS_READS_LOG``: Python imports this module at start-up, before any of the
process's own code. Without ``CLAIMS_READS_LOG`` it does nothing.

``reads.py`` is loaded by its path, as ``_claims_reads``, not as ``sphinx_claims.reads``: an
import of the package here would come before pytest's, in a subprocess that is a pytest session
(an xdist worker), and pytest would refuse to rewrite its plugin. Such a session, if it records
its own reads, stops this log (``sphinx_claims.reuse``).
"""

import importlib.util
import os
import sys

if os.environ.get("CLAIMS_READS_LOG"):
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "reads.py")
    spec = importlib.util.spec_from_file_location("_claims_reads", path)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        module.log_to(
            os.environ["CLAIMS_READS_LOG"],
            os.environ["CLAIMS_READS_ROOT"],
            os.environ.get("CLAIMS_READS_IGNORE", ""),
        )
