"""Shared test helpers.

``keras.src.testing`` is private, so :func:`check_cell_contract` redoes the
checks of its ``run_layer_test`` that matter for a recurrent cell (output
shape, weight count, config round trip, one ``fit`` step) and adds an exact
``.keras`` save/load round trip.
"""

from __future__ import annotations

import keras
import numpy as np

from lstm_course import autodiff


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
