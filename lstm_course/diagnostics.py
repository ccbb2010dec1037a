r"""How error flows back through a recurrent network, measured.

Back-propagated error that travels from step t to step k is multiplied by
the Jacobian of the state,

.. math::

    \frac{\partial h_t}{\partial h_k}
        = \prod_{i=k+1}^{t} \frac{\partial h_i}{\partial h_{i-1}},
    \qquad
    \frac{\partial h_i}{\partial h_{i-1}}
        = \operatorname{diag}(f'(a_i))\, W_{hh}^\top

for the Elman RNN ``h_i = f(x_i W_xh + h_{i-1} W_hh + b_h)``. With
``|f'| <= gamma``, ``||dh_t/dh_k||_2 <= (sigma_max(W_hh) * gamma)^(t-k)``
(Pascanu, Mikolov & Bengio, "On the difficulty of training recurrent neural
networks", ICML 2013, eq. 5 and section 2.1; Hochreiter & Schmidhuber 1997,
section 3.1).

Here: the spectrum of a recurrent kernel, the bound, the explicit product
of step Jacobians, and the same Jacobians by automatic differentiation of
any Keras recurrent cell, plus the gradient norm against the lag for any
Keras recurrent layer. Jacobians are laid out ``J[b, i, j] = d out_i /
d in_j`` for each sequence b of a batch. Introduced in chapter 02.
"""

from __future__ import annotations

import numpy as np

#: ``gamma = max |f'(x)|`` of the usual squashing functions.
DERIVATIVE_BOUNDS = {"tanh": 1.0, "sigmoid": 0.25, "linear": 1.0}


def _matrix(kernel) -> np.ndarray:
    """A float64 copy of a 2-D array, Keras variable or tensor."""
    kernel = np.asarray(kernel, np.float64)
    if kernel.ndim != 2:
        raise ValueError(f"kernel must be a 2-D matrix, got shape "
                         f"{kernel.shape}")
    return kernel


def singular_values(kernel) -> np.ndarray:
    """The singular values of a matrix, largest first."""
    return np.linalg.svdvals(_matrix(kernel))


def spectral_norm(kernel) -> float:
    """``sigma_max``: the largest singular value, ``||W||_2``."""
    return float(singular_values(kernel)[0])


def spectral_radius(kernel) -> float:
    """``rho(W) = max |eigenvalue|`` of a square matrix; ``rho <= sigma_max``,
    and ``||W^q||_2^(1/q) -> rho`` as q grows (Gelfand's formula)."""
    kernel = _matrix(kernel)
    if kernel.shape[0] != kernel.shape[1]:
        raise ValueError(f"the spectral radius needs a square matrix, got "
                         f"shape {kernel.shape}")
    return float(np.abs(np.linalg.eigvals(kernel)).max())


def scaled_to_spectral_norm(kernel, sigma: float) -> np.ndarray:
    """``kernel * sigma / sigma_max(kernel)``: the same directions, with
    largest singular value ``sigma``."""
    if not np.isfinite(sigma) or sigma < 0:
        raise ValueError(f"sigma must be a finite number >= 0, got {sigma!r}")
    kernel = _matrix(kernel)
    current = spectral_norm(kernel)
    if current == 0:
        raise ValueError("cannot rescale a zero matrix")
    return kernel * (sigma / current)


def error_flow_bound(kernel, gamma: float, lags) -> np.ndarray:
    """``(sigma_max(W) * gamma) ** q`` for each lag q: the bound on
    ``||dh_t/dh_{t-q}||_2`` when ``|f'| <= gamma``."""
    if not np.isfinite(gamma) or gamma < 0:
        raise ValueError(f"gamma must be a finite number >= 0, got {gamma!r}")
    lags = np.asarray(lags)
    if np.any(lags < 0):
        raise ValueError(f"lags must be >= 0, got {lags.min()}")
    return (spectral_norm(kernel) * gamma) ** lags


def _step_stack(jacobians) -> np.ndarray:
    jacobians = np.asarray(jacobians)
    if jacobians.ndim != 4 or jacobians.shape[2] != jacobians.shape[3]:
        raise ValueError("jacobians must have shape (batch, steps, S, S), "
                         f"got {jacobians.shape}")
    return jacobians


def jacobian_product(jacobians) -> np.ndarray:
    r"""``J_T J_{T-1} ... J_1`` for step Jacobians ``(B, T, S, S)`` in time
    order: ``d s_T / d s_0``, ``(B, S, S)``; the identity when T = 0."""
    jacobians = _step_stack(jacobians)
    batch, steps, size, _ = jacobians.shape
    product = np.broadcast_to(np.eye(size), (batch, size, size)).copy()
    for t in range(steps):
        product = jacobians[:, t] @ product  # later steps multiply on the left
    return product


def lag_norms(jacobians) -> np.ndarray:
    """``||d s_T / d s_{T-q}||_2`` for q = 0..T: ``(B, T + 1)``.

    Built from the step Jacobians ``(B, T, S, S)`` by multiplying from the
    last step backwards, so all T + 1 products cost T matrix products.
    """
    jacobians = _step_stack(jacobians)
    batch, steps, size, _ = jacobians.shape
    product = np.broadcast_to(np.eye(size), (batch, size, size)).copy()
    norms = [np.linalg.norm(product, ord=2, axis=(1, 2))]
    for t in reversed(range(steps)):
        product = product @ jacobians[:, t]
        norms.append(np.linalg.norm(product, ord=2, axis=(1, 2)))
    return np.stack(norms, axis=1)


def backpropagate_error(jacobians, error) -> np.ndarray:
    """The error ``delta_T`` on the last state carried back through step
    Jacobians ``(B, T, S, S)``: ``delta_{T-q} = delta_T J_T ... J_{T-q+1}``
    for q = 0..T, as ``(B, T + 1, S)`` indexed by the lag q."""
    jacobians = _step_stack(jacobians)
    delta = np.asarray(error)
    if delta.shape != jacobians.shape[:1] + jacobians.shape[2:3]:
        raise ValueError(f"error must be (batch, S) = "
                         f"{jacobians.shape[:1] + jacobians.shape[2:3]}, got "
                         f"{delta.shape}")
    deltas = [delta]
    for t in reversed(range(jacobians.shape[1])):
        delta = (delta[:, None, :] @ jacobians[:, t])[:, 0]  # row @ J_t
        deltas.append(delta)
    return np.stack(deltas, axis=1)


def log_slope(values, lags=None) -> float:
    """The least-squares slope of ``ln(values)`` against the lag: the
    per-step rate of growth (> 0) or decay (< 0) of a gradient norm."""
    values = np.asarray(values)
    lags = np.arange(len(values)) if lags is None else np.asarray(lags)
    if values.ndim != 1 or len(values) < 2 or lags.shape != values.shape:
        raise ValueError("need at least two values, one per lag; got "
                         f"{values.shape} values and {lags.shape} lags")
    if np.any(values <= 0) or not np.all(np.isfinite(values)):
        raise ValueError("values must be finite and > 0 to take their log")
    return float(np.polyfit(lags, np.log(values), 1)[0])


# --- the Elman RNN in NumPy: the explicit product -----------------------------

def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


# name: (f, f')
_ACTIVATIONS = {
    "tanh": (np.tanh, lambda a: 1.0 - np.tanh(a) ** 2),
    "sigmoid": (_sigmoid, lambda a: _sigmoid(a) * (1.0 - _sigmoid(a))),
    "linear": (lambda a: a, np.ones_like),
}


def elman_step_jacobians(x, h0, params, activation="tanh") -> np.ndarray:
    """``diag(f'(a_t)) W_hh^T`` for t = 1..T of the Elman RNN, float64,
    ``(B, T, H, H)``; ``params`` as in :mod:`lstm_course.reference.rnn_np`."""
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of "
                         f"{', '.join(_ACTIVATIONS)}, got {activation!r}")
    f, f_prime = _ACTIVATIONS[activation]
    x, h = np.asarray(x, np.float64), np.asarray(h0, np.float64)
    w_hh = np.asarray(params["W_hh"], np.float64)
    steps = []
    for t in range(x.shape[1]):
        a = x[:, t] @ params["W_xh"] + h @ w_hh + params["b_h"]  # (B, H)
        h = f(a)
        steps.append(f_prime(a)[:, :, None] * w_hh.T)  # (B, H, H)
    if not steps:
        return np.zeros((x.shape[0], 0, h.shape[1], h.shape[1]))
    return np.stack(steps, axis=1)


# --- any Keras cell: automatic differentiation -------------------------------
# These import Keras where they run, not with the module: the grader and every
# `lstm-course` command import the NumPy half above (the chapter 02 exercises'
# references), and importing TensorFlow would cost each of them seconds.

def _state_sizes(cell) -> list[int]:
    sizes = cell.state_size
    sizes = list(sizes) if isinstance(sizes, (list, tuple)) else [sizes]
    if not all(isinstance(size, int) for size in sizes):
        raise ValueError(f"cell states must be flat vectors, got state_size "
                         f"{cell.state_size!r}")
    return sizes


def _flat_step(cell):
    """``(s_{t-1}, x_t) -> s_t`` for one step of ``cell``, states
    concatenated."""
    import keras

    sizes = _state_sizes(cell)
    bounds = np.cumsum([0] + sizes)

    def step(flat, x_t):
        states = [flat[:, lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])]
        _, new_states = cell(x_t, states)
        if not isinstance(new_states, (list, tuple)):  # one bare state
            new_states = [new_states]
        return keras.ops.concatenate(list(new_states), axis=1)

    return step


def _prepare(cell, x, initial_state):
    x = np.asarray(x, np.float32)
    if x.ndim != 3:
        raise ValueError(f"x must be (batch, steps, features), got shape "
                         f"{x.shape}")
    if not cell.built:
        cell.build((None, x.shape[-1]))
    size = sum(_state_sizes(cell))
    if initial_state is None:
        initial_state = np.zeros((x.shape[0], size), np.float32)
    initial_state = np.asarray(initial_state, np.float32)
    if initial_state.shape != (x.shape[0], size):
        raise ValueError(f"initial_state must be (batch, {size}) with all "
                         f"states concatenated, got {initial_state.shape}")
    return x, initial_state


def cell_step_jacobians(cell, x, initial_state=None) -> np.ndarray:
    """``d s_t / d s_{t-1}`` for t = 1..T, by autodiff of one step of a Keras
    cell at a time: ``(B, T, S, S)``, with S the size of all states together
    (``[h, c]`` for an LSTM)."""
    import keras

    from lstm_course import autodiff

    x, state = _prepare(cell, x, initial_state)
    step = _flat_step(cell)
    steps = []
    for t in range(x.shape[1]):
        steps.append(autodiff.batch_jacobian(step, state, x[:, t]))
        state = keras.ops.convert_to_numpy(step(state, x[:, t]))
    if not steps:
        size = state.shape[1]
        return np.zeros((x.shape[0], 0, size, size), np.float32)
    return np.stack(steps, axis=1)


def cell_state_jacobian(cell, x, initial_state=None) -> np.ndarray:
    """``d s_T / d s_0`` by autodiff through all T steps of a Keras cell at
    once (no product taken by hand): ``(B, S, S)``."""
    from lstm_course import autodiff

    x, state = _prepare(cell, x, initial_state)
    step = _flat_step(cell)

    def unrolled(flat, sequence):
        for t in range(sequence.shape[1]):
            flat = step(flat, sequence[:, t])
        return flat

    if x.shape[1] == 0:
        return np.broadcast_to(np.eye(state.shape[1]),
                               (x.shape[0],) + (state.shape[1],) * 2).copy()
    return autodiff.batch_jacobian(unrolled, state, x)


def gradient_norm_vs_lag(layer, x, seed: int = 0) -> np.ndarray:
    """``||dL/dx_{T-q}||`` for q = 0..T-1, for any Keras recurrent layer
    or cell, where ``L = sum_b e_b . y_T`` for a fixed random unit error
    ``e_b`` on the layer's last output: ``(B, T)``.

    Args:
        layer: a cell (wrapped in ``keras.layers.RNN``), a recurrent layer
            (``LSTM``, ``GRU``, ``RNN(...)``) or a model mapping
            ``(B, T, D)`` to ``(B, H)`` or ``(B, T, H)`` (the last step is
            used).
        x: inputs ``(B, T, D)``.
        seed: seeds the error vectors.
    """
    import keras

    from lstm_course import autodiff

    x = np.asarray(x, np.float32)
    if x.ndim != 3 or x.shape[1] == 0:
        raise ValueError(f"x must be (batch, steps >= 1, features), got "
                         f"shape {x.shape}")
    if hasattr(layer, "state_size") and not isinstance(
            layer, (keras.layers.RNN, keras.Model)):
        layer = keras.layers.RNN(layer)  # a cell
    output = layer(x)
    error = np.random.default_rng(seed).normal(
        size=(output.shape[0], output.shape[-1]))  # (B, H) either way
    error /= np.linalg.norm(error, axis=1, keepdims=True)
    error = keras.ops.convert_to_tensor(error.astype(np.float32))

    def loss(inputs):
        y = layer(inputs)
        y = y[:, -1] if len(y.shape) == 3 else y
        return y * error

    grad = autodiff.gradient(loss, x)  # (B, T, D)
    return np.linalg.norm(grad, axis=2)[:, ::-1]
