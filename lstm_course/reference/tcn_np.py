r"""The dilated causal convolution of the TCN (chapter 06) in NumPy
(float64), as loops over the kernel taps:

.. math::

    y_t = \sum_{j=0}^{K-1} x_{t - (K - 1 - j) d}\, W_j

with x_s = 0 for s < 0 (the sequence is padded on the left only), W the
kernel in Keras' ``Conv1D`` layout (K, C_in, C_out) and d the dilation.
The output at t never sees an input after t.
"""

from __future__ import annotations

import numpy as np


def dilated_causal_conv(x, kernel, dilation: int) -> np.ndarray:
    """(B, T, C_out) for x (B, T, C_in) and kernel (K, C_in, C_out)."""
    batch, steps, _ = x.shape
    taps = kernel.shape[0]
    out = np.zeros((batch, steps, kernel.shape[2]))
    for t in range(steps):
        for j in range(taps):
            source = t - (taps - 1 - j) * dilation
            if source >= 0:
                out[:, t] += x[:, source] @ kernel[j]
    return out
