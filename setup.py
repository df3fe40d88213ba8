"""Packages for setuptools (the rest is in pyproject.toml): ours, and the sample pack in data/ shipped as the
package data of ``tongdai_data``, every file in every folder, so that ``pip install .`` answers out of the box.
Here rather than in pyproject.toml because a package mapped to another folder cannot join ``packages.find``."""

from setuptools import find_namespace_packages, find_packages, setup

FOLDERS = find_namespace_packages(where="data", exclude=["*__pycache__*"])
DATA = ["tongdai_data", *(f"tongdai_data.{name}" for name in FOLDERS)]
setup(packages=[*find_packages(include=["app*", "handlers*", "lookups*"]), *DATA])
