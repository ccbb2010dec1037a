"""A real time series, split by time, scaled on its training part only, and
cut into forecasting windows.

Two series that statsmodels ships with its wheel (no download at run time):

- ``"sunspots"``: yearly mean sunspot numbers, 1700-2008 (309 values), a
  cycle of about 11 years with changing amplitude;
- ``"co2"``: monthly mean CO2 at Mauna Loa, March 1958 - December 2001
  (526 values; the weekly record averaged per month, the 5 months without a
  reading filled by linear interpolation): a trend and a yearly season.

A forecast made at origin ``o`` sees ``values[o - lookback:o]`` and predicts
``values[o:o + horizon]``. Windows of a part (train, validation, test) have
all their targets inside that part; their inputs may reach back into the
parts before it, which a forecaster at that time would know. Nothing of a
later part is ever seen: not in the inputs, and not in the scaling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_course.validation import positive_int

SERIES = {"sunspots": "yearly sunspot numbers, 1700-2008",
          "co2": "monthly CO2 at Mauna Loa (ppm), 1958-2001"}
PARTS = ("train", "validation", "test")


def load_series(name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(times, values)``, float64: decimal years and the series."""
    if name not in SERIES:
        raise ValueError(f"unknown series {name!r}; the series are "
                         f"{', '.join(map(repr, SERIES))}")
    from statsmodels import datasets

    if name == "sunspots":
        frame = datasets.sunspots.load_pandas().data
        return (frame["YEAR"].to_numpy(float),
                frame["SUNACTIVITY"].to_numpy(float))
    monthly = datasets.co2.load_pandas().data["co2"].resample("MS").mean()
    monthly = monthly.interpolate("linear")
    times = monthly.index.year + (monthly.index.month - 1) / 12.0
    return np.asarray(times, float), monthly.to_numpy(float)


@dataclass(frozen=True)
class SplitSeries:
    """A series split by time into train, validation and test.

    ``bounds[part]`` is the half-open index range of a part; ``mean`` and
    ``std`` are the training part's, and ``scaled = (values - mean) /
    std``."""

    name: str
    times: np.ndarray
    values: np.ndarray
    bounds: dict
    mean: float
    std: float

    @property
    def scaled(self) -> np.ndarray:
        return (self.values - self.mean) / self.std

    def unscale(self, scaled) -> np.ndarray:
        return np.asarray(scaled) * self.std + self.mean

    def part(self, part: str) -> np.ndarray:
        """The raw values of one part."""
        start, stop = self._bounds(part)
        return self.values[start:stop]

    def _bounds(self, part):
        if part not in PARTS:
            raise ValueError(f"part must be one of {', '.join(PARTS)}, got "
                             f"{part!r}")
        return self.bounds[part]

    def windows(self, part: str, lookback: int, horizon: int,
                scaled: bool = True):
        """``(inputs (N, lookback), targets (N, horizon), origins (N,))``
        for every origin whose targets lie inside ``part``, oldest first."""
        for name, value in (("lookback", lookback), ("horizon", horizon)):
            positive_int(name, value)
        start, stop = self._bounds(part)
        origins = np.arange(max(start, lookback), stop - horizon + 1)
        if len(origins) == 0:
            raise ValueError(
                f"no window fits: the {part} part has {stop - start} values "
                f"from index {start}; lookback {lookback} + horizon "
                f"{horizon} need more")
        series = self.scaled if scaled else self.values
        inputs = series[origins[:, None] + np.arange(-lookback, 0)]
        targets = series[origins[:, None] + np.arange(horizon)]
        return inputs, targets, origins


def split_series(name: str, fractions=(0.7, 0.15, 0.15)) -> SplitSeries:
    """Load ``name`` and split it by time into consecutive parts of the
    given fractions (train, validation, test)."""
    fractions = tuple(float(f) for f in fractions)
    if len(fractions) != 3 or min(fractions) <= 0 or \
            abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(f"fractions must be three positive numbers that "
                         f"sum to 1 (train, validation, test), got "
                         f"{fractions}")
    times, values = load_series(name)
    cuts = np.round(np.cumsum(fractions)[:2] * len(values)).astype(int)
    edges = [0, *cuts.tolist(), len(values)]
    bounds = {part: (edges[k], edges[k + 1]) for k, part in enumerate(PARTS)}
    train = values[:edges[1]]
    return SplitSeries(name, times, values, bounds, float(train.mean()),
                       float(train.std()))
