"""The causal Transformer: positions as the paper's sinusoids, causal
attention, the Keras contract."""

import keras
import numpy as np
import pytest

from lstm_course.models.transformer import (CausalTransformer,
                                            positional_encoding)
from tests.helpers import check_trains_and_round_trips, gradients, tensor


def test_positional_encoding_is_the_papers():
    p = positional_encoding(50, 8)
    t, i = 37, 3  # column 6 = 2i: sin, column 7: cos
    assert p[t, 6] == pytest.approx(np.sin(t / 10000 ** (6 / 8)), abs=1e-6)
    assert p[t, 7] == pytest.approx(np.cos(t / 10000 ** (6 / 8)), abs=1e-6)
    np.testing.assert_allclose(p[0], [0, 1] * 4)


def test_no_output_depends_on_a_later_input():
    layer = CausalTransformer(d_model=8, heads=2, blocks=2, ff=16)
    x = keras.Variable(np.random.default_rng(0).normal(
        size=(2, 12, 3)).astype("float32"))
    # A random readout: the plain sum of a layer-normed vector is constant.
    readout = np.random.default_rng(1).normal(size=(2, 8)).astype("float32")
    for step in (0, 5, 11):
        (grad,) = gradients(
            lambda: layer(x)[:, step] * tensor(readout), [x])
        per_step = np.abs(grad).sum(axis=(0, 2))
        assert np.all(per_step[step + 1:] == 0)
        assert np.all(per_step[:step + 1] > 0)


def test_fits_saves_and_loads(tmp_path):
    x = np.random.default_rng(1).normal(size=(8, 10, 2)).astype("float32")
    model = keras.Sequential([keras.Input((10, 2)),
                              CausalTransformer(8, 2, 1, 16, max_length=16),
                              keras.layers.Dense(1)])
    check_trains_and_round_trips(model, x, x[..., :1], tmp_path, atol=1e-5)


@pytest.mark.parametrize("kwargs, match", [
    ({"d_model": 10, "heads": 4}, "divisible by heads"),
    ({"d_model": 0}, "d_model must be"),
    ({"blocks": 1.5}, "blocks must be"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CausalTransformer(**kwargs)
