"""The HTTP API package. One BLAS thread per process, set before numpy loads: the models fit tiny
matrices, and BLAS threads of concurrent requests only contend (docs/forecasting.md, "Run time")."""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
