"""The K-trial online trainer of :mod:`lstm_course.reproduce.online`,
compiled with JAX: the same truncated RTRL, one ``lax.scan`` over the
steps of a sequence for all K trials at once, so that a step costs
microseconds instead of NumPy's per-operation overhead.

It takes and returns the same weight dicts and gives the same outputs and
gradients (float64; tested against the NumPy version). Sequences are
padded to a multiple of ``BUCKET`` steps so that a row of varying lengths
compiles a handful of times, not once per length. JAX is optional:
:func:`available` says whether it can be imported.
"""

from __future__ import annotations

import functools

import numpy as np

from lstm_course.reproduce.online import hidden_bias, named_hidden_gradient
from lstm_course.tasks.sequences import Sequences

BUCKET = 64


def available() -> bool:
    try:
        import jax  # noqa: F401
    except ImportError:
        return False
    return True


def _jax():
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax


@functools.lru_cache(maxsize=None)
def _compiled(blocks, k, gated, full, paper_g, paper_h, symbols, depth,
              learn):
    """A jitted ``(weights, inputs, targets, mask) -> (outputs, grads)``
    for one network shape."""
    jax = _jax()
    jnp = jax.numpy
    c = blocks * k

    def sigmoid(x):
        return 0.5 + 0.5 * jnp.tanh(0.5 * x)

    def project(x, matrix, trial):
        """x W for symbols (a gathered row) or real inputs."""
        if symbols:
            valid = (x >= 0)[..., None]
            return matrix[trial, jnp.maximum(x, 0)] * valid
        return x @ matrix

    def step(weights, carry, inputs):
        x, target, m = inputs  # x: (K, n) symbols or (K, n, D)
        y_c, y_g, s, sens, grads = carry
        trials, n = m.shape
        trial = jnp.broadcast_to(jnp.arange(trials)[:, None], (trials, n))
        net = project(x, weights["kernel"], trial)
        ones = jnp.ones((trials, n, 1))
        if full:
            recurrent = jnp.concatenate([y_c, y_g, ones], axis=-1)
            net = net + recurrent[..., :-1] @ weights["recurrent_kernel"]
        else:
            recurrent = ones
        if "bias" in weights:
            net = net + weights["bias"][:, None]
        y = sigmoid(net)
        y_in = y[..., :blocks]
        f_c = y[..., blocks:blocks + c]
        g, dg = (4 * f_c - 2, 4 * f_c * (1 - f_c)) if paper_g \
            else (f_c, f_c * (1 - f_c))
        in_cells = jnp.repeat(y_in, k, axis=-1)
        s = s + in_cells * g
        if paper_h:
            h = jnp.tanh(0.5 * s)
            dh = 0.5 * (1 - h * h)
        else:
            h, dh = s, jnp.ones_like(s)
        if gated:
            y_out = y[..., blocks + c:]
            out_cells = jnp.repeat(y_out, k, axis=-1)
            y_g = jnp.concatenate([y_in, y_out], axis=-1)
        else:
            out_cells = 1.0
            y_g = y_in
        y_c = out_cells * h
        out_net = y_c @ weights["output_kernel"][:, -c:]
        if not full:
            out_net = out_net + project(x, weights["output_kernel"][:, :-c],
                                        trial)
        if "output_bias" in weights:
            out_net = out_net + weights["output_bias"][:, None]
        y_k = sigmoid(out_net)
        if not learn:
            return (y_c, y_g, s, sens, grads), y_k
        slope_cell = in_cells * dg
        slope_in = g * jnp.repeat(y_in * (1 - y_in), k, axis=-1)
        sens = [add_inputs(sens[0], x, slope_cell, trial),
                add_inputs(sens[1], x, slope_in, trial),
                sens[2] + slope_cell[..., None] * recurrent[:, :, None],
                sens[3] + slope_in[..., None] * recurrent[:, :, None]]

        def contribute(grads):
            delta = (y_k - target) * y_k * (1 - y_k) * m[..., None]
            e_c = delta @ jnp.swapaxes(weights["output_kernel"][:, -c:], 1, 2)
            d_s = e_c * out_cells * dh
            new = {}
            for name, sens_cell, sens_in, z in (
                    ("x", sens[0], sens[1], x), ("r", sens[2], sens[3],
                                                 recurrent)):
                d_cells = jnp.einsum("knc,kncu->kuc", d_s, sens_cell)
                d_in = jnp.einsum("knc,kncu->kuc", d_s, sens_in).reshape(
                    trials, -1, blocks, k).sum(-1)
                parts = [d_in, d_cells]
                if gated:
                    d_out = (e_c * h).reshape(trials, n, blocks, k).sum(-1) \
                        * y_out * (1 - y_out)
                    parts.append(outer(z, d_out, name == "x", trial,
                                       sens_cell.shape[-1]))
                new[name] = grads[name] + jnp.concatenate(parts, -1)
            new["cells_out"] = grads["cells_out"] + jnp.einsum(
                "knc,kno->kco", y_c, delta)
            new["inputs_out"] = grads["inputs_out"] if full else \
                grads["inputs_out"] + outer(x, delta, True, trial,
                                            grads["inputs_out"].shape[1])
            new["output_bias"] = grads["output_bias"] + delta.sum(1)
            return new

        grads = jax.lax.cond(m.any(), contribute, lambda g: g, grads)
        return (y_c, y_g, s, sens, grads), y_k

    def add_inputs(sens, x, coefficient, trial):
        """sens (K, n, C, D) + coefficient (K, n, C) x."""
        if symbols:
            nidx = jnp.broadcast_to(jnp.arange(x.shape[1])[None], x.shape)
            valid = (x >= 0)[..., None]
            return sens.at[trial, nidx, :, jnp.maximum(x, 0)].add(
                coefficient * valid)
        return sens + coefficient[..., None] * x[:, :, None]

    def outer(z, values, is_input, trial, width):
        """(K, width, U): sum_n z^T values, z symbols where inputs."""
        if is_input and symbols:
            valid = (z >= 0)[..., None]
            out = jnp.zeros((z.shape[0], width, values.shape[-1]))
            return out.at[trial, jnp.maximum(z, 0)].add(values * valid)
        return jnp.einsum("knu,knj->kuj", z, values)

    def run(weights, inputs, targets, mask):
        trials, n, steps = mask.shape
        width_g = blocks * (2 if gated else 1)
        d = weights["kernel"].shape[1]
        width_r = 1 + (c + width_g if full else 0)
        hidden = c + width_g
        outputs = weights["output_kernel"].shape[-1]
        carry = (jnp.zeros((trials, n, c)), jnp.zeros((trials, n, width_g)),
                 jnp.zeros((trials, n, c)),
                 [jnp.zeros((trials, n, c, d)), jnp.zeros((trials, n, c, d)),
                  jnp.zeros((trials, n, c, width_r)),
                  jnp.zeros((trials, n, c, width_r))],
                 {"x": jnp.zeros((trials, d, hidden)),
                  "r": jnp.zeros((trials, width_r, hidden)),
                  "cells_out": jnp.zeros((trials, c, outputs)),
                  "inputs_out": jnp.zeros((trials, d, outputs)),
                  "output_bias": jnp.zeros((trials, outputs))})
        time_major = (jnp.moveaxis(inputs, 2, 0), jnp.moveaxis(targets, 2, 0),
                      jnp.moveaxis(mask, 2, 0))
        carry, outputs = jax.lax.scan(functools.partial(step, weights),
                                      carry, time_major)
        return jnp.moveaxis(outputs, 0, 2), carry[-1]

    return jax.jit(run)


def _padded(batch: Sequences) -> tuple:
    steps = batch.mask.shape[2]
    width = BUCKET * -(-steps // BUCKET)
    extra = width - steps

    def pad(array, fill):
        spec = [(0, 0), (0, 0), (0, extra)] + [(0, 0)] * (array.ndim - 3)
        return np.pad(array, spec, constant_values=fill)

    inputs = pad(np.asarray(batch.inputs), -1 if batch.symbols else 0)
    return (inputs if batch.symbols else inputs.astype(np.float64),
            pad(np.asarray(batch.targets, np.float64), 0),
            pad(np.asarray(batch.mask, np.float64), 0), steps)


def run(network, weights: dict, batch: Sequences, learn: bool = False):
    """:func:`lstm_course.reproduce.online.run`, compiled."""
    blocks, k = network.blocks, network.cells_per_block
    c = blocks * k
    gated = network.output_gates
    full = network.connectivity == "full"
    function = _compiled(blocks, k, gated, full,
                         network.cell_input == "paper",
                         network.cell_output == "paper",
                         bool(batch.symbols), int(batch.symbols), learn)
    jweights = {"kernel": weights["kernel"],
                "output_kernel": weights["output_kernel"]}
    if full:
        jweights["recurrent_kernel"] = weights["recurrent_kernel"]
    if "gate_bias" in weights:
        jweights["bias"] = hidden_bias(weights, blocks, c)
    if "output_bias" in weights:
        jweights["output_bias"] = weights["output_bias"]
    inputs, targets, mask, steps = _padded(batch)
    outputs, raw = function(jweights, inputs, targets, mask)
    outputs = np.asarray(outputs)[:, :, :steps]
    if not learn:
        return outputs, None
    cells_out = np.asarray(raw["cells_out"])
    grads = named_hidden_gradient(np.asarray(raw["x"]), np.asarray(raw["r"]),
                                  weights, blocks, c)
    grads["output_kernel"] = cells_out if full else np.concatenate(
        [np.asarray(raw["inputs_out"]), cells_out], axis=1)
    if "output_bias" in weights:
        grads["output_bias"] = np.asarray(raw["output_bias"])
    return outputs, grads
