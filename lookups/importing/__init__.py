"""Bringing a city's own files in: readers per format, column mappings, checks per dataset, versions.

``pipeline.run`` is the entry point (``tongdai data import`` and ``data validate``); ``versions`` is the
store of immutable versions and the pointer files the ``Catalog`` watches. Nothing here is imported by the
service except ``versions``, which stays small and free of third-party imports.
"""
