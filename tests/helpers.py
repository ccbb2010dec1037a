"""Shared test helpers.

``keras.src.testing`` is private, so :func:`check_cell_contract` redoes the
checks of its ``run_layer_test`` that matter for a recurrent cell (output
shape, weight count, config round trip, one ``fit`` step) and adds an exact
``.keras`` save/load round trip.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from lstm_course import autodiff

# Keras 3 computes in float64 on TensorFlow only. On JAX, ops.tanh returns
# float32 even for float64 inputs (its result_type maps 64-bit types to
# 32-bit, following JAX's default), so a float64 layer with tanh fails:
# keras.layers.SimpleRNN(dtype="float64") does too. On PyTorch float64
# layers run but agree with a float64 reference only to float32 precision.
# Tests at float64 precision use float32 on those two.
FLOAT64 = keras.backend.backend() == "tensorflow"
NO_FLOAT64 = pytest.mark.skipif(
    not FLOAT64, reason="Keras computes float64 layers in float64 on "
    "TensorFlow only")


def precise(atol64: float, atol32: float) -> tuple[str, float]:
    """``(dtype, atol)`` for a comparison with a float64 NumPy reference:
    float64 where the backend computes it, else float32."""
    return ("float64", atol64) if FLOAT64 else ("float32", atol32)


def tensor(array):
    """A NumPy array as a backend tensor, for arithmetic with a layer's
    output: PyTorch will not mix its tensors with NumPy arrays."""
    return keras.ops.convert_to_tensor(array)


def gradients(function, variables):
    """d sum(function()) / d variables, on any autodiff backend."""
    return autodiff.variable_gradients(
        lambda: keras.ops.sum(function()), variables)


def check_cell_contract(make_cell, tmp_path, input_dim=3, steps=5,
                        expected_weights=3):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, steps, input_dim)).astype("float32")
    y = rng.normal(size=(4, 2)).astype("float32")
    cell = make_cell()
    model = keras.Sequential([keras.Input((steps, input_dim)),
                              keras.layers.RNN(cell), keras.layers.Dense(2)])
    out = model(x)
    assert tuple(out.shape) == (4, 2)
    assert len(cell.trainable_weights) == expected_weights

    clone = type(cell).from_config(cell.get_config())
    assert clone.get_config() == cell.get_config()

    loaded = check_trains_and_round_trips(model, x, y, tmp_path,
                                          optimizer="sgd")
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert type(loaded.layers[0].cell) is type(cell)


def check_trains_and_round_trips(model, x, y, tmp_path, atol=0.0,
                                 optimizer="adam"):
    """One epoch of training changes the weights, and the model saved as
    ``.keras`` loads back with the same outputs (to ``atol``); returns the
    loaded model."""
    model.compile(optimizer=optimizer, loss="mse")
    before = [w.copy() for w in model.get_weights()]
    model.fit(x, y, epochs=1, verbose=0)
    assert any(not np.array_equal(a, b)
               for a, b in zip(before, model.get_weights()))
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(x)),
                               keras.ops.convert_to_numpy(model(x)),
                               rtol=0, atol=atol)
    return loaded
