"""gunicorn settings read from the working directory: settings checked once, code shared, metrics summed over all
workers.

The settings are checked in the master before it forks, so a missing production secret stops the start with one
line naming it rather than a traceback from every worker. The master also imports the service's code and the
libraries it uses (not the app: ``create_app`` starts threads and opens connections, which are each worker's
own), opens every dataset (files only: ``lookups.built``; no thread, no connection), and then freezes the
garbage collector's view of it all (``gc.freeze``), so the forked workers share those pages instead of each
making its own copy.

Each worker keeps its own counters; with
``PROMETHEUS_MULTIPROC_DIR`` set before the workers start, they write them to files there and ``/metrics`` adds
them up, so a scrape does not depend on which worker answers it.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import pkgutil
import shutil
import sys
import tempfile
from typing import Any


def check_settings() -> Any:
    """The settings (an ``app.config.Settings``), checked; a mistake stops the start with one line."""
    from app.config import ConfigError, Settings

    try:
        settings = Settings.from_env()  # warns about unknown TONGDAI_* names, once: the workers inherit the record
        config_log = logging.getLogger("app.config.checks")
        config_log.disabled = True  # development's warnings are each worker's to give, not the master's too
        try:
            settings.check()
        finally:
            config_log.disabled = False
        return settings
    except ConfigError as exc:
        sys.stderr.write(f"tongdai: {exc}\n")
        sys.stderr.flush()
        raise SystemExit(1) from None  # before any worker or listener exists


SHARED_PACKAGES = ("lookups", "handlers", "app")
_MADE: list[str] = []  # the metrics folder made here when none was set: removed when the server exits


def share_with_workers(settings: Any) -> None:
    """Every module of the service's packages imported, and the datasets opened, once here for all workers.
    A module that fails to import, or data that does not open, is the worker's to report (the same fails there,
    as it did before anything was shared), never a reason for the master to stop differently."""
    for name in SHARED_PACKAGES:
        package = importlib.import_module(name)
        for found in pkgutil.walk_packages(package.__path__, f"{name}."):
            if ".migrations." in found.name or found.name.endswith(".__main__"):
                continue  # alembic's scripts run migrations, and `python -m` entry points run, when imported
            try:
                importlib.import_module(found.name)
            except Exception as exc:  # noqa: BLE001  # see the docstring
                logging.getLogger(__name__).warning("not preloaded: %s (%s)", found.name, exc)
    from app.factory import open_catalog_before_fork

    try:
        open_catalog_before_fork(settings)
    except Exception as exc:  # noqa: BLE001  # see the docstring
        logging.getLogger(__name__).warning("datasets not opened before forking: %s", exc)
    gc.collect()
    gc.freeze()  # what the master made is never walked by a worker's collections, so its pages stay shared


def on_starting(server: Any) -> None:
    settings = check_settings()
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:  # a fresh start must not add up the counters of a previous run
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)
    else:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="tongdai-metrics-")
        _MADE.append(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    share_with_workers(settings)  # after the metrics folder is set: prometheus_client picks its value kind on import


def on_exit(server: Any) -> None:
    for folder in _MADE:
        shutil.rmtree(folder, ignore_errors=True)


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
