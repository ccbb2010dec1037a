"""Training as the chapters do it: one recurrent layer and a dense read-out,
built, compiled and fit on a fixed budget, written once. Introduced in
chapter 01; chapters 02, 03 and 05 and the benchmarks call it too
(chapter 06's contests have their own, :mod:`lstm_course.models.contest`).
"""

from __future__ import annotations

import keras
import numpy as np


def read_out_model(recurrent, features, outputs=1, *, activation=None,
                   return_sequences=False) -> keras.Sequential:
    """``Input((None, features)) -> recurrent -> Dense(outputs,
    activation)``: sequences of any length, ``features`` inputs per step.

    ``recurrent`` is a recurrent layer (``keras.layers.LSTM(32)``) or a cell
    (``ElmanCell(32)``), which is wrapped in ``keras.layers.RNN``; with
    ``return_sequences`` the read-out sees every step, else the last.
    """
    if not isinstance(recurrent, keras.layers.RNN):
        if not hasattr(recurrent, "state_size"):
            raise TypeError(f"recurrent must be a recurrent layer or a cell "
                            f"(with a state_size), got {recurrent!r}")
        recurrent = keras.layers.RNN(recurrent,
                                     return_sequences=return_sequences)
    elif return_sequences != recurrent.return_sequences:
        raise ValueError(f"return_sequences={return_sequences}, but the "
                         f"layer has return_sequences="
                         f"{recurrent.return_sequences}")
    return keras.Sequential([keras.Input((None, features)), recurrent,
                             keras.layers.Dense(outputs,
                                                activation=activation)])


def train(recurrent, x, y, *, optimizer, epochs, batch_size=64, loss="mse",
          activation=None, return_sequences=False, validation=None,
          sample_weight=None, seed=0):
    """Fit ``read_out_model(recurrent, ...)`` on ``(x, y)``; returns
    ``(model, history)``, the history as Keras' ``{"loss": [...],
    "val_loss": [...]}``, one entry per epoch.

    Minimises ``loss`` (mean over the batch, or over the steps weighted by
    ``sample_weight``) with ``optimizer`` for ``epochs`` passes over the
    data in shuffled batches of ``batch_size``. The read-out has
    ``y.shape[-1]`` units. ``seed`` fixes the initial weights and the
    batches' order (``keras.utils.set_random_seed``): ``recurrent``, an
    unbuilt layer or cell, is a template, made anew from its configuration
    after seeding (the trained one is ``model.layers[0]``). ``validation``:
    ``(x_val, y_val)``, scored after every epoch.

    >>> from lstm_course.cells import ElmanCell
    >>> x = np.zeros((8, 5, 2), "float32")
    >>> model, history = train(ElmanCell(3), x, np.zeros((8, 1), "float32"),
    ...                        optimizer="sgd", epochs=2, batch_size=4)
    >>> len(history["loss"]), model.output_shape
    (2, (None, 1))
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 3 or y.ndim != (3 if return_sequences else 2):
        raise ValueError(
            f"x must be (N, T, features) and y (N, {'T, ' * return_sequences}"
            f"outputs) with return_sequences={return_sequences}; got "
            f"shapes {x.shape} and {y.shape}")
    if getattr(recurrent, "built", False):
        raise ValueError(f"{recurrent.name} is already built: train() makes "
                         "a fresh copy from its configuration; pass an "
                         "unbuilt layer or cell")
    keras.utils.set_random_seed(seed)
    # Unseeded initializers draw their seed when they are made: make the
    # layer after seeding, so that its weights depend on `seed` alone.
    recurrent = type(recurrent).from_config(recurrent.get_config())
    model = read_out_model(recurrent, x.shape[-1], y.shape[-1],
                           activation=activation,
                           return_sequences=return_sequences)
    model.compile(optimizer, loss)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, "float32")
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs,
                        sample_weight=sample_weight,
                        validation_data=validation, verbose=0)
    return model, history.history


def predict_stream(model, inputs, starts=None) -> np.ndarray:
    """The model's outputs along one stream ``inputs`` (T, features): read
    in one go or, with ``starts``, piece by piece from a zero state (a reset
    at every start), the pieces as one padded batch."""
    inputs = np.asarray(inputs)
    # predict() runs a compiled loop; calling the model eagerly on a long
    # stream would run a Python loop of that length.
    if starts is None:
        return model.predict(inputs[None], verbose=0)[0]
    bounds = [*starts, len(inputs)]
    pieces = [inputs[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    batch = np.zeros((len(pieces), max(map(len, pieces)), inputs.shape[-1]),
                     inputs.dtype)
    for k, piece in enumerate(pieces):
        batch[k, :len(piece)] = piece
    out = model.predict(batch, verbose=0, batch_size=1024)
    return np.concatenate([o[:len(p)] for o, p in zip(out, pieces)])
