"""One BLAS thread per process, unless the user has set one: the forecasting models fit tiny
matrices, where BLAS threads gain nothing alone and contend badly when processes share cores
(docs/forecasting.md, "Run time"). Call ``one_blas_thread()`` before numpy loads."""

from __future__ import annotations

import os

BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """Default every BLAS thread-count variable to 1 (a value already set is kept)."""
    for var in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(var, "1")
