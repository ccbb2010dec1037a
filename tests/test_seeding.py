import random

import keras
import numpy as np
import pytest

from lstm_course import seed_everything


def draw():
    weights = keras.layers.Dense(3)
    weights.build((None, 4))
    return (random.random(), np.random.rand(),
            keras.ops.convert_to_numpy(weights.kernel).tolist())


def test_same_seed_same_numbers_everywhere():
    seed_everything(7)
    first = draw()
    seed_everything(7)
    assert draw() == first
    seed_everything(8)
    assert draw() != first


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "3", True, None])
def test_bad_seeds_are_refused(seed):
    with pytest.raises((TypeError, ValueError), match="seed"):
        seed_everything(seed)
