"""The ``tongdai`` command: ``main`` parses the command line (``app.cli.main``); each command group is a module."""

from app.cli.main import main

__all__ = ["main"]
