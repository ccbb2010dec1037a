"""LTSF-Linear: the decomposition, the three maps, the Keras contract."""

import keras
import numpy as np
import pytest

from lstm_course.models.ltsf_linear import LTSFLinear, moving_average
from tests.helpers import check_trains_and_round_trips


def test_moving_average_repeats_the_edges_and_decomposes_exactly():
    x = np.arange(6.0).reshape(1, 6, 1) ** 2  # 0 1 4 9 16 25
    trend = keras.ops.convert_to_numpy(moving_average(x, 3))[0, :, 0]
    padded = np.array([0, 0, 1, 4, 9, 16, 25, 25.0])
    expected = [(padded[k] + padded[k + 1] + padded[k + 2]) / 3
                for k in range(6)]
    np.testing.assert_allclose(trend, expected)
    # a wide window, edges repeated, against the NumPy reference's loop
    from lstm_course.reference import ltsf_np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 40, 2))
    trend = keras.ops.convert_to_numpy(moving_average(x, 25))
    np.testing.assert_allclose(trend, ltsf_np.decompose(x, 25)[0],
                               atol=1e-6)


@pytest.mark.parametrize("kind", ["linear", "nlinear", "dlinear"])
def test_each_kind_is_the_papers_linear_map(kind):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 12, 2)).astype("float32")
    layer = LTSFLinear(3, kind=kind, kernel_size=5)
    out = keras.ops.convert_to_numpy(layer(x))
    assert out.shape == (4, 3, 2)
    (w, b), *rest = [dense.get_weights() for dense in layer.maps]

    def linear(v, w, b):  # v (N, L, C) -> (N, H, C)
        return np.einsum("nlc,lh->nhc", v, w) + b[None, :, None]

    if kind == "linear":
        expected = linear(x, w, b)
    elif kind == "nlinear":
        expected = linear(x - x[:, -1:], w, b) + x[:, -1:]
    else:
        trend = keras.ops.convert_to_numpy(moving_average(x, 5))
        (w_s, b_s), = rest
        expected = linear(trend, w, b) + linear(x - trend, w_s, b_s)
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_nlinear_follows_a_level_shift_exactly():
    x = np.random.default_rng(2).normal(size=(2, 10, 1)).astype("float32")
    layer = LTSFLinear(4, kind="nlinear")
    shifted = keras.ops.convert_to_numpy(layer(x + 100.0))
    np.testing.assert_allclose(shifted - 100.0,
                               keras.ops.convert_to_numpy(layer(x)),
                               atol=1e-3)


def test_fits_saves_and_loads(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(16, 24, 1)).astype("float32")
    y = rng.normal(size=(16, 6, 1)).astype("float32")
    model = keras.Sequential([keras.Input((24, 1)),
                              LTSFLinear(6, kernel_size=7)])
    check_trains_and_round_trips(model, x, y, tmp_path)


@pytest.mark.parametrize("kwargs, match", [
    ({"horizon": 0}, "horizon must be"),
    ({"horizon": 3, "kind": "mlp"}, "kind must be one of linear"),
    ({"horizon": 3, "kernel_size": 4}, "odd positive integer"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LTSFLinear(**kwargs)
