"""gunicorn settings read from the working directory: Prometheus metrics summed over all workers.

Each worker keeps its own counters; with ``PROMETHEUS_MULTIPROC_DIR`` set before the workers start, they write
them to files there and ``/metrics`` adds them up, so a scrape does not depend on which worker answers it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any


def on_starting(server: Any) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:  # a fresh start must not add up the counters of a previous run
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)
    else:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tongdai-metrics-")


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
