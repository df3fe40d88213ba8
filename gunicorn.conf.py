"""gunicorn settings read from the working directory: settings checked once, metrics summed over all workers.

The settings are checked in the master before it forks, so a missing production secret stops the start with one
line naming it rather than a traceback from every worker. Each worker keeps its own counters; with
``PROMETHEUS_MULTIPROC_DIR`` set before the workers start, they write them to files there and ``/metrics`` adds
them up, so a scrape does not depend on which worker answers it.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from typing import Any


def check_settings() -> None:
    from app.config import ConfigError, Settings

    try:
        settings = Settings.from_env()  # warns about unknown TONGDAI_* names, once: the workers inherit the record
        config_log = logging.getLogger("app.config.checks")
        config_log.disabled = True  # development's warnings are each worker's to give, not the master's too
        try:
            settings.check()
        finally:
            config_log.disabled = False
    except ConfigError as exc:
        sys.stderr.write(f"tongdai: {exc}\n")
        sys.stderr.flush()
        raise SystemExit(1) from None  # before any worker or listener exists


def on_starting(server: Any) -> None:
    check_settings()
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:  # a fresh start must not add up the counters of a previous run
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)
    else:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tongdai-metrics-")


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
