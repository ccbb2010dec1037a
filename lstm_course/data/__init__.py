"""Real series for chapters 00 and 06, from datasets that statsmodels ships
(nothing is downloaded), split by time for forecasting."""

from lstm_course.data.series import (SERIES, SplitSeries, load_series,
                                     split_series)

__all__ = ["SERIES", "SplitSeries", "load_series", "split_series"]
