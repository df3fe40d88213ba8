"""Lookup engine: Vietnamese folding, datasets and fuzzy matching. No web framework in here.

numpy holds the indexes here and does no linear algebra, so its OpenBLAS gets one thread unless the environment
says otherwise (set before any module of the package imports numpy). With its default of a thread per core,
every new process (each worker, each ``tongdai`` command) had those threads spin for about 0.1 s at start,
taking the cores from the workers answering on the same machine: a lookup then waited 5 ms for a core.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
