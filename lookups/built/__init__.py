"""Dataset versions built once into immutable files that every worker maps read-only.

``place`` says where a version's built folder is, ``build`` makes it (once, under a lock), ``records`` is the
record store read by offset, and ``index_files`` writes and opens a search index.
"""
