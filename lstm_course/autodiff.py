"""Gradients and Jacobians on whichever Keras backend is active.

Keras 3 has no backend-neutral gradient function, so the diagnostics
(chapters 02, 03 and 05) call these two, which dispatch on
``keras.backend.backend()``. Functions passed in must be written with
``keras.ops`` (a Keras layer or cell call is). Introduced in chapter 02.
"""

from __future__ import annotations

from typing import Callable

import keras
import numpy as np

SUPPORTED = ("tensorflow", "jax", "torch")


def _backend() -> str:
    name = keras.backend.backend()
    if name not in SUPPORTED:
        raise RuntimeError(
            f"gradients need an autodiff backend; KERAS_BACKEND is {name!r}, "
            f"expected one of {', '.join(SUPPORTED)}")
    return name


def _tensor(array):
    return keras.ops.convert_to_tensor(np.asarray(array, np.float32))


def gradient(function: Callable, x) -> np.ndarray:
    """``d sum(function(x)) / dx`` as a float NumPy array of x's shape."""
    backend = _backend()
    x = _tensor(x)
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(x)
            value = tf.reduce_sum(function(x))
        grad = tape.gradient(value, x)
        return np.zeros(x.shape, np.float32) if grad is None else grad.numpy()
    if backend == "jax":
        import jax

        return np.asarray(jax.grad(lambda v: function(v).sum())(x))
    import torch

    x = x.detach().requires_grad_(True)
    value = function(x).sum()
    grad = torch.autograd.grad(value, x, allow_unused=True)[0] \
        if value.requires_grad else None  # None: value does not depend on x
    return np.zeros(tuple(x.shape), np.float32) if grad is None \
        else grad.detach().cpu().numpy()


def batch_jacobian(function: Callable, x, *rows) -> np.ndarray:
    """``J[b, i, j] = d function(x, *rows)[b, i] / d x[b, j]``: ``(B, m, n)``.

    ``function`` maps ``x`` ``(B, n)`` and further per-row inputs ``rows``
    (each with B rows, e.g. the step's inputs x_t) to ``(B, m)`` and treats
    rows independently, as a recurrent step does with a batch. Every row is
    repeated m times and copy i back-propagates the unit error e_i, so one
    backward pass over B * m rows gives every row of every J.
    """
    x = np.asarray(x, np.float32)
    if x.ndim != 2:
        raise ValueError(f"x must be (batch, n), got shape {x.shape}")
    batch, n = x.shape
    m = int(keras.ops.shape(function(_tensor(x[:1]),
                                     *(_tensor(r[:1]) for r in rows)))[-1])
    repeated = [_tensor(np.repeat(np.asarray(r), m, axis=0)) for r in rows]
    unit_errors = _tensor(np.tile(np.eye(m), (batch, 1)))  # (B * m, m)
    grad = gradient(lambda v: function(v, *repeated) * unit_errors,
                    np.repeat(x, m, axis=0))  # row b * m + i: x[b], e_i
    return grad.reshape(batch, m, n)


def variable_gradients(function: Callable, variables) -> list[np.ndarray]:
    """``d function() / d v`` for each Keras variable v, where ``function``
    takes no arguments and returns a scalar computed from the variables
    (e.g. a loss of a layer's output): float NumPy arrays."""
    backend = _backend()
    variables = list(variables)
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            value = function()
        grads = tape.gradient(value, [v.value for v in variables])
    elif backend == "jax":
        import jax

        def of_values(values):
            # Keras reads a JAX variable's value from the stateless scope.
            with keras.StatelessScope(state_mapping=list(zip(variables,
                                                             values))):
                return function()

        grads = jax.grad(of_values)([v.value for v in variables])
    else:
        import torch

        value = function()
        grads = torch.autograd.grad(value, [v.value for v in variables],
                                    allow_unused=True)
        grads = [None if g is None else g.detach().cpu() for g in grads]
    return [np.zeros(v.shape) if g is None else np.asarray(
        keras.ops.convert_to_numpy(g)) for v, g in zip(variables, grads)]
