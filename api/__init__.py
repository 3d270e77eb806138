"""The HTTP API package. One BLAS thread per process, set before numpy loads: the models fit tiny
matrices, and BLAS threads of concurrent requests only contend (docs/forecasting.md, "Run time")."""

from resmodel.io.blas import one_blas_thread

one_blas_thread()
