"""Chapter 06's two contests, shared by the notebook (one seed) and
``benchmarks/alternatives.py`` (several seeds): every architecture of
:mod:`lstm_course.models.architectures` on

- the adding problem (chapter 04's experiment 4) at length T, scored by the
  test mean squared error against always answering 0.5;
- a real series of chapter 00, forecast from a window of its past, scored
  by MAE, RMSE and MASE on the test part beside the statistical baselines.

Each row gives the parameter count and the training time (seconds of
``fit`` on this machine), so that a model's error can be weighed against
its cost.
"""

from __future__ import annotations

import time

import keras
import numpy as np

from lstm_course.data import split_series
from lstm_course.forecast import baselines, metrics
from lstm_course.models.architectures import build_model
from lstm_course.tasks import TRIVIAL_MSE, adding_problem, irregular_sine

LINEAR = ("linear", "nlinear", "dlinear")
#: Per series: season m, lookback L, horizon H, DLinear's kernel (about one
#: season, odd), and the ARIMA of chapter 00.
SERIES_SETTINGS = {
    "sunspots": dict(season=11, lookback=22, horizon=5, kernel_size=11,
                     order=(9, 0, 0), seasonal_order=(0, 0, 0, 0),
                     trend="c"),
    "co2": dict(season=12, lookback=24, horizon=12, kernel_size=13,
                order=(0, 1, 1), seasonal_order=(0, 1, 1, 12), trend="n"),
}


def learning_rate(name: str) -> float:
    """Adam's step size: LTSF-Linear's few weights take a larger one."""
    return 1e-2 if name in LINEAR else 3e-3


def _expect_retracing() -> None:
    # Every contest model is new, so TensorFlow traces its train and predict
    # functions afresh and, after five, warns about retracing: expected here.
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")


def timed_fit(model, x, y, *, learning_rate, epochs, batch_size,
              validation, patience=None):
    """Compile with Adam and MSE, fit, and return ``(history, seconds)``.

    With ``patience``, training stops once the validation loss has not
    improved for that many epochs and the best weights are restored.
    """
    _expect_retracing()
    model.compile(keras.optimizers.Adam(learning_rate), "mse")
    callbacks = [] if patience is None else [keras.callbacks.EarlyStopping(
        patience=patience, restore_best_weights=True)]
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs,
                        validation_data=validation, callbacks=callbacks,
                        verbose=0)
    return history.history, time.perf_counter() - start


def adding_contest(names, *, length=100, sequences=8192, epochs=5,
                   test_sequences=2048, width=32, seed=0) -> dict:
    """``{name: row}`` on the adding problem at ``length``.

    Each model trains on the same ``sequences`` for ``epochs`` (Adam, batch
    64, no early stopping: a fixed budget) and is scored on a separate
    test set. A row holds ``params``, ``seconds``, ``curve`` (validation MSE
    after each epoch, on the first half of the test set), ``test_mse``
    (the second half) and ``solved`` (test MSE below a tenth of the
    trivial 1/24).
    """
    x, y = adding_problem(np.random.default_rng(seed), sequences, length)
    x_test, y_test = adding_problem(np.random.default_rng(seed + 10_000),
                                    test_sequences, length)
    half = test_sequences // 2
    rows = {}
    for name in names:
        keras.utils.set_random_seed(seed)
        model = build_model(name, length, 2, 1, width=width)
        history, seconds = timed_fit(
            model, x, y, learning_rate=learning_rate(name), epochs=epochs,
            batch_size=64, validation=(x_test[:half], y_test[:half]))
        test_mse = float(model.evaluate(x_test[half:], y_test[half:],
                                        batch_size=256, verbose=0))
        rows[name] = {"params": model.count_params(), "seconds": seconds,
                      "curve": [float(v) for v in history["val_loss"]],
                      "test_mse": test_mse,
                      "solved": test_mse < TRIVIAL_MSE / 10}
    return rows


def series_contest(series: str, names, *, epochs=80, patience=10,
                   batch_size=64, width=32, relative=True, seed=0) -> dict:
    """Test-part scores on ``series`` ("sunspots" or "co2").

    Returns ``{"rows": {name: row}, "targets", "origins", "forecasts":
    {name: (N, H)}}``. Learnt models see the scaled window, train with Adam
    (``batch_size``) for at most ``epochs`` and stop early on the validation part (``patience`` epochs);
    with ``relative`` every learnt model but LTSF-Linear (which has its own
    NLinear) forecasts relative to the window's last value. The naive,
    seasonal naive and ARIMA baselines of chapter 00 take their rows too
    (their ``seconds`` is the time to fit and forecast). A row holds
    ``params`` (None for the naive ones), ``seconds``, ``epochs``, ``mae``,
    ``rmse`` and ``mase``, the errors in the series' own units.
    """
    if series not in SERIES_SETTINGS:
        raise ValueError(f"unknown series {series!r}; expected one of "
                         f"{', '.join(SERIES_SETTINGS)}")
    settings = SERIES_SETTINGS[series]
    lookback, horizon = settings["lookback"], settings["horizon"]
    data = split_series(series)
    x_train, y_train, _ = data.windows("train", lookback, horizon)
    x_val, y_val, _ = data.windows("validation", lookback, horizon)
    x_test, targets, origins = data.windows("test", lookback, horizon,
                                            scaled=False)
    train = data.part("train")

    def scores(forecasts):
        return {"mae": metrics.mae(targets, forecasts),
                "rmse": metrics.rmse(targets, forecasts),
                "mase": metrics.mase(targets, forecasts, train,
                                     settings["season"])}

    rows, forecasts_of = {}, {}
    start = time.perf_counter()
    forecasts_of["naive"] = baselines.naive(x_test, horizon)
    rows["naive"] = {"params": None, "epochs": None,
                     "seconds": time.perf_counter() - start}
    start = time.perf_counter()
    forecasts_of["seasonal naive"] = baselines.seasonal_naive(
        x_test, horizon, settings["season"])
    rows["seasonal naive"] = {"params": None, "epochs": None,
                              "seconds": time.perf_counter() - start}
    start = time.perf_counter()
    forecasts_of["ARIMA"] = baselines.arima_forecasts(
        data.values, data.bounds["train"][1], origins, horizon,
        settings["order"], settings["seasonal_order"], settings["trend"])
    rows["ARIMA"] = {"params": None,
                     "epochs": None, "seconds": time.perf_counter() - start}
    scaled_test = (x_test - data.mean) / data.std
    for name in names:
        keras.utils.set_random_seed(seed)
        model = build_model(name, lookback, 1, horizon, width=width,
                            kernel_size=settings["kernel_size"],
                            relative=relative and name not in LINEAR)
        history, seconds = timed_fit(
            model, x_train[..., None], y_train,
            learning_rate=learning_rate(name), epochs=epochs,
            batch_size=batch_size, validation=(x_val[..., None], y_val),
            patience=patience)
        forecasts_of[name] = data.unscale(model.predict(
            scaled_test[..., None], batch_size=256, verbose=0))
        rows[name] = {"params": model.count_params(), "seconds": seconds,
                      "epochs": len(history["loss"])}
    for name, row in rows.items():
        row.update(scores(forecasts_of[name]))
    return {"rows": rows, "targets": targets, "origins": origins,
            "forecasts": forecasts_of}


#: The irregular-sampling contest: what each model is told about time.
IRREGULAR_MODELS = {
    "ODE-RNN (gaps drive the ODE)": ("ode_rnn", slice(None)),
    "GRU, gaps as an input": ("gru", slice(None)),
    "GRU, values only": ("gru", slice(0, 2)),
}


def irregular_contest(*, points=20, sequences=4096, epochs=15,
                      test_sequences=1024, width=32, seed=0) -> dict:
    """``{label: row}`` on :func:`~lstm_course.tasks.irregular_sine`:
    predict an irregularly sampled wave a random gap after its last
    sample. Rows hold ``params``, ``seconds``, ``curve`` (validation MSE
    per epoch) and ``test_mse``; ``"predict 0"`` holds the error of
    always answering 0."""
    x, y, _ = irregular_sine(np.random.default_rng(seed), sequences, points)
    x_test, y_test, _ = irregular_sine(np.random.default_rng(seed + 10_000),
                                       test_sequences, points)
    half = test_sequences // 2
    rows = {}
    for label, (name, features) in IRREGULAR_MODELS.items():
        keras.utils.set_random_seed(seed)
        width_in = x[..., features].shape[-1]
        model = build_model(name, points + 1, width_in, 1, width=width,
                            regular=False)
        history, seconds = timed_fit(
            model, x[..., features], y, learning_rate=3e-3, epochs=epochs,
            batch_size=64,
            validation=(x_test[:half, :, features], y_test[:half]))
        rows[label] = {"params": model.count_params(), "seconds": seconds,
                       "curve": [float(v) for v in history["val_loss"]],
                       "test_mse": float(model.evaluate(
                           x_test[half:, :, features], y_test[half:],
                           batch_size=256, verbose=0))}
    rows["predict 0"] = {"params": 0, "seconds": 0.0, "curve": [],
                         "test_mse": float(np.mean(y_test[half:] ** 2))}
    return rows
