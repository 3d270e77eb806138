"""Forecasts of the costly statsmodels models memoised within one series' forecast or backtest.

``comb``, ``select``, ``auto`` and their interval backtests fit ETS, ARIMA and Theta on the same
training data many times over (a backtest of ``comb`` and ``auto`` shares most of its fits). Inside
``shared_fits()`` a model decorated with ``memoised`` fits once per configuration, training
values and horizon; outside it nothing is kept. The result is what the model would compute again
(the key holds the training values themselves), so outputs do not change, only the time."""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace

_CACHE: ContextVar[dict | None] = ContextVar("resmodel_fit_cache", default=None)
BASE_LEVELS = (80, 95)  # computed with every cached fit, so that callers asking for fewer share it


@contextmanager
def shared_fits() -> Iterator[None]:
    """Memoise decorated models' forecasts until the block ends (use it around one series)."""
    token = _CACHE.set({})
    try:
        yield
    finally:
        _CACHE.reset(token)


def _fresh(exc: Exception) -> Exception:
    """A new instance of a memoised failure without a traceback, so that callers neither share one object
    nor extend its traceback (re-raising one object appends each caller's frames to it); the object itself,
    traceback cleared, for an exception class whose constructor takes other arguments than its ``args``."""
    try:
        return copy.copy(exc).with_traceback(None)
    except TypeError:
        return exc.with_traceback(None)


def memoised(predict):
    """Decorator for ``Model.predict`` of a model whose attributes are hashable and describe it
    fully. Models with exogenous regressors are not memoised (the key does not hold them). A
    failure is memoised and raised again."""

    @functools.wraps(predict)
    def wrapper(self, s, h, levels, X_future=None):
        cache = _CACHE.get()
        if cache is None or X_future is not None or getattr(self, "exog", ()):
            return predict(self, s, h, levels, X_future)
        key = (type(self).__name__, tuple(sorted(vars(self).items())), s.freq, s.y.tobytes(), h)
        hit = cache.get(key)
        have = set() if hit is None or isinstance(hit, Exception) else set(hit.lo or {})
        if hit is None or (not isinstance(hit, Exception) and not set(levels) <= have):
            try:
                hit = predict(self, s, h, tuple(sorted(set(levels) | set(BASE_LEVELS) | have)), None)
                for a in [hit.mean, *(hit.lo or {}).values(), *(hit.hi or {}).values()]:
                    a.flags.writeable = False  # shared between callers: nobody may change it in place
            except Exception as exc:  # noqa: BLE001 — the same failure is raised to every caller
                cache[key] = _fresh(exc)  # without the traceback: the cache would keep its frames alive
                raise
            cache[key] = hit
        if isinstance(hit, Exception):
            raise _fresh(hit)
        if hit.lo is None:
            return hit
        return replace(hit, lo={lv: hit.lo[lv] for lv in levels}, hi={lv: hit.hi[lv] for lv in levels})

    return wrapper
