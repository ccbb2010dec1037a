r"""LTSF-Linear (Zeng et al., "Are Transformers Effective for Time Series
Forecasting?", AAAI 2023): one linear map from the lookback window to the
horizon, per channel, weights shared across channels.

.. math::

    \text{Linear:}\ \hat y = W x + b, \qquad
    \text{NLinear:}\ \hat y = W (x - x_L) + b + x_L

    \text{DLinear:}\ t = \mathrm{MA}_k(x),\ s = x - t,\
    \hat y = W_t t + b_t + W_s s + b_s

with x the window (L steps), x_L its last value, and MA_k a moving average
of odd width k whose ends repeat the edge values, so that t has L steps.
Inputs are (batch, L, channels); outputs (batch, horizon, channels).
"""

from __future__ import annotations

import keras
from keras import ops

from lstm_course.validation import positive_int

KINDS = ("linear", "nlinear", "dlinear")


def moving_average(x, kernel_size: int):
    """(batch, L, C) trend: the mean over ``kernel_size`` steps centred on
    each step, the window padded by repeating the first and last value."""
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, int) \
            or kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be an odd positive integer, got "
                         f"{kernel_size!r}")
    half = (kernel_size - 1) // 2
    padded = ops.concatenate([ops.repeat(x[:, :1], half, axis=1), x,
                              ops.repeat(x[:, -1:], half, axis=1)], axis=1)
    length = ops.shape(x)[1]
    total = padded[:, 0:length]
    for shift in range(1, kernel_size):
        total = total + padded[:, shift:shift + length]
    return total / kernel_size


@keras.saving.register_keras_serializable(package="lstm_course")
class LTSFLinear(keras.layers.Layer):
    """Linear, NLinear or DLinear (``kind``) from L steps to ``horizon``.

    Args:
        horizon: steps to forecast, > 0.
        kind: "linear", "nlinear" or "dlinear".
        kernel_size: DLinear's moving-average width (odd; the paper: 25).
    """

    def __init__(self, horizon, kind="dlinear", kernel_size=25, **kwargs):
        horizon = positive_int("horizon", horizon)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got "
                             f"{kind!r}")
        if kind == "dlinear":
            moving_average(ops.zeros((1, 1, 1)), kernel_size)  # checks it
        super().__init__(**kwargs)
        self.horizon = horizon
        self.kind = kind
        self.kernel_size = kernel_size
        self.maps = [keras.layers.Dense(horizon, name=name) for name in
                     (("trend", "seasonal") if kind == "dlinear"
                      else ("linear",))]

    def build(self, input_shape):
        for dense in self.maps:
            dense.build((None, input_shape[1]))

    def _project(self, dense, x):
        # (batch, L, C) -> (batch, C, L) -> Dense over L -> (batch, H, C)
        return ops.transpose(dense(ops.transpose(x, (0, 2, 1))), (0, 2, 1))

    def call(self, x):
        if self.kind == "linear":
            return self._project(self.maps[0], x)
        if self.kind == "nlinear":
            last = x[:, -1:]
            return self._project(self.maps[0], x - last) + last
        trend = moving_average(x, self.kernel_size)
        return self._project(self.maps[0], trend) + \
            self._project(self.maps[1], x - trend)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.horizon, input_shape[2])

    def get_config(self):
        return {**super().get_config(), "horizon": self.horizon,
                "kind": self.kind, "kernel_size": self.kernel_size}
