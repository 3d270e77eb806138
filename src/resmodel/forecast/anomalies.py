"""Values a forecast should not start from without the user's say: a last period far below or above
the ones before it (a month exported before all of it was booked) and a lone value far from both its
neighbours (a typing slip, '1002,5' among values near 311). Both are warnings, not errors — a closure
or a new unit can be real — because every model carries the last values forward and a partial month
looks like a fall the seasonal models repeat a year later."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from resmodel.errors import Location, Warning_
from resmodel.forecast.frame import Series, format_ds, split_series

MIN_POINTS = 8        # fewer points give no spread to compare with
REFERENCE = 12        # the last value is compared with the one before plus the median change of (at most) this many
RELATIVE = 0.30       # a last value departs by at least this share of the reference …
SPIKE = 0.50          # … a lone value by at least this share of its neighbours' mean …
SPREADS = 6.0         # … and this many robust spreads of the period-to-period changes


@dataclass(frozen=True)
class Suspicious:
    """One value a forecast would start from or learn from that departs from its series."""

    uid: str
    period: str
    value: float
    reference: float
    kind: str  # 'last' (the last period) or 'spike' (a lone value between two close neighbours)

    @property
    def change(self) -> float:
        """The departure as a share of the reference (−0.7 = 70 % below)."""
        return self.value / self.reference - 1.0

    def message(self) -> str:
        """What stands out, what it does to a forecast and what to do, for a warning."""
        side = "below" if self.change < 0 else "above"
        if self.kind == "last":
            return (f"the last value, {self.period}: {self.value:,.1f}, is {abs(self.change) * 100:.0f} % {side} what the "
                    f"periods before it lead to ({self.reference:,.1f}) — a month exported before all of it was "
                    "booked? Every model starts from the last value (a seasonal one repeats it a year later): remove "
                    "the row if the period is not complete, keep it if the change is real")
        return (f"{self.period}: {self.value:,.1f} is {abs(self.change) * 100:.0f} % {side} both its neighbours (their mean "
                f"{self.reference:,.1f}) — a typing slip? Correct it, or keep it if it is real (the models learn "
                "from it)")


def _spread(changes: np.ndarray) -> float:
    """A robust standard deviation of period-to-period changes (1.4826 × their median absolute deviation)."""
    return float(1.4826 * np.median(np.abs(changes - np.median(changes)))) if len(changes) else 0.0


def _departs(value: float, reference: float, spread: float, relative: float = RELATIVE) -> bool:
    """Whether ``value`` is both a ``relative`` share and ``SPREADS`` spreads away from a positive reference."""
    gap = abs(value - reference)
    return reference > 0 and gap > relative * reference and gap > SPREADS * spread


def _spike_candidates(y: np.ndarray) -> np.ndarray:
    """The inner points far (by ``SPIKE``) from both neighbours, on one side of both, which are close to each
    other — the spike tests that need no spread, taken first because the spread (a median over every other
    change) is the costly one."""
    left, right, middle = y[:-2], y[2:], y[1:-1]
    reference = (left + right) / 2
    gap = np.abs(middle - reference)
    cheap = ((reference > 0) & (gap > SPIKE * reference) & (np.sign(middle - left) == np.sign(middle - right))
             & (np.abs(right - left) < gap / 3))
    return np.flatnonzero(cheap) + 1


def _seasonal(y: np.ndarray, t: int, season: int) -> list[float]:
    """The same period's departure from its neighbours' mean in the other seasons (years) of a series long
    enough for two: a July half of June and August every year is the season, not a slip."""
    out = []
    for u in range(t % season, len(y), season):
        if u != t and 0 < u < len(y) - 1 and y[u - 1] + y[u + 1] > 0:
            out.append(y[u] / ((y[u - 1] + y[u + 1]) / 2) - 1.0)
    return out if season > 1 and len(y) >= 2 * season else []


def _season_explains(change: float, others: list[float]) -> bool:
    """Another season departs the same way by at least half as much."""
    return any(np.sign(o) == np.sign(change) and abs(o) >= abs(change) / 2 for o in others)


def _period(s: Series, t: int) -> str:
    """Point ``t``'s period as the user writes it (formatted only for the values found: strftime is slow)."""
    return format_ds(s.ds[t:t + 1], s.freq)[0]


def _last_seasonal(y: np.ndarray, typical: float, season: int) -> list[float]:
    """The last period's departure from the value before it plus the ``typical`` change, in the other seasons
    (years) of a series longer than two of them."""
    if season <= 1 or len(y) <= 2 * season:
        return []
    return [y[u] / (y[u - 1] + typical) - 1.0 for u in range(len(y) - 1 - season, 0, -season) if y[u - 1] > 0]


def suspicious_values(series: list[Series]) -> list[Suspicious]:
    """The last value of each series (of at least ``MIN_POINTS``) when it departs from the value before it plus
    the median change, and lone spikes inside it — neither when the same month of other years departs alike
    (a season); in series order, a series' spikes before its last value. The tests that need no spread or
    season run first: most points fail them, and those costly ones are then never computed."""
    found = []
    for s in series:
        y = np.asarray(s.y, dtype=float)
        if len(y) < MIN_POINTS:
            continue
        changes = np.diff(y)
        spikes = set()
        for t in _spike_candidates(y).tolist():  # a spike: also far from both neighbours by the others' spread
            reference = (y[t - 1] + y[t + 1]) / 2
            if (_departs(y[t], reference, _spread(np.delete(changes, [t - 1, t])), SPIKE)
                    and not _season_explains(y[t] / reference - 1.0, _seasonal(y, t, s.season))):
                found.append(Suspicious(s.uid, _period(s, t), float(y[t]), float(reference), "spike"))
                spikes.add(t)
        if len(y) - 2 in spikes:  # the month before is the slip: the last one is measured against it
            continue
        earlier = changes[-1 - REFERENCE:-1]  # the last value against the one before plus the typical change
        typical = np.median(earlier)
        reference = float(y[-2] + typical)
        if (_departs(y[-1], reference, _spread(earlier))
                and not _season_explains(y[-1] / reference - 1.0, _last_seasonal(y, typical, s.season))):
            found.append(Suspicious(s.uid, _period(s, len(y) - 1), float(y[-1]), reference, "last"))
    return found


def suspicious_warnings(frame, freqs, source: str) -> list[Warning_]:
    """``suspicious_values`` of a validated long table as warnings located at the source and series."""
    return [Warning_("suspicious_value", Location(source, path=s.uid), s.message())
            for s in suspicious_values(split_series(frame, freqs))]
