"""Figures of the course. Each helper takes ``ax=None``, draws on it (or on a
new Axes) and returns the Axes; none calls ``plt.show()``."""

from __future__ import annotations

import numpy as np


def _axes(ax, figsize=(6, 3.5)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def _node(ax, xy, text, shape="round", color="#dbe9f6"):
    style = "circle,pad=0.3" if shape == "circle" else "round,pad=0.35"
    ax.text(*xy, text, ha="center", va="center", fontsize=11, zorder=3,
            bbox={"boxstyle": style, "fc": color, "ec": "#333333"})


def _arrow(ax, start, end, text="", color="#333333", offset=(0.0, 0.0)):
    ax.annotate("", xy=end, xytext=start, zorder=2,
                arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.4,
                            "shrinkA": 14, "shrinkB": 14})
    if text:
        mid = ((start[0] + end[0]) / 2 + offset[0],
               (start[1] + end[1]) / 2 + offset[1])
        ax.text(*mid, text, ha="center", va="center", fontsize=9,
                color=color)


def plot_unrolled_rnn(steps: int = 4, ax=None, show_gradient: bool = True):
    """The Elman RNN unrolled over ``steps`` steps: inputs x_t, states h_t,
    the shared weights W_xh and W_hh and, below, the path the error takes
    back in time (red) from a loss L_T at the last step."""
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    ax = _axes(ax, figsize=(1.9 * steps + 1.5, 3.6))
    for t in range(1, steps + 1):
        _node(ax, (t, 0), f"$x_{{{t}}}$", color="#f3f3f3")
        _node(ax, (t, 1), f"$h_{{{t}}}$", shape="circle")
        _arrow(ax, (t, 0), (t, 1), "$W_{xh}$", offset=(0.17, 0))
        if t > 1:
            _arrow(ax, (t - 1, 1), (t, 1), "$W_{hh}$", offset=(0, 0.13))
            if show_gradient:
                _arrow(ax, (t, 1.55), (t - 1, 1.55),
                       r"$\times\, W_{hh}^{\top}\mathrm{diag}(\tanh')$",
                       color="#c0392b", offset=(0, 0.13))
    _node(ax, (0, 1), "$h_0$", shape="circle", color="#eeeeee")
    _arrow(ax, (0, 1), (1, 1), "$W_{hh}$", offset=(0, 0.13))
    _node(ax, (steps, 2.2), "$L_T$", color="#fbe3d6")
    _arrow(ax, (steps, 1), (steps, 2.2))
    ax.set_xlim(-0.5, steps + 0.6)
    ax.set_ylim(-0.45, 2.6)
    ax.set_axis_off()
    ax.set_title("The Elman RNN unrolled in time; red: the error's way back")
    return ax


def plot_curves(curves: dict, ax=None, xlabel="training step",
                ylabel="loss", logy=False, chance=None, chance_label="chance"):
    """One line per entry of ``curves`` (label -> sequence of values or
    ``(x, y)`` pair); an optional dashed line at a chance level."""
    ax = _axes(ax)
    for label, values in curves.items():
        if isinstance(values, tuple) and len(values) == 2:
            ax.plot(values[0], values[1], label=label)
        else:
            ax.plot(np.arange(1, len(values) + 1), values, label=label)
    if chance is not None:
        ax.axhline(chance, color="grey", ls="--", lw=1, label=chance_label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_gradient_norms(norms: dict, ax=None):
    """``||dL/dh_t||`` against the lag ``T - t`` on a log scale, one line per
    entry of ``norms`` (label -> norms indexed by t)."""
    ax = _axes(ax)
    for label, values in norms.items():
        values = np.asarray(values)
        lags = np.arange(len(values))[::-1]
        ax.semilogy(lags, values, marker=".", label=label)
    ax.set_xlabel("lag T - t (steps back from the loss)")
    ax.set_ylabel(r"$\|\partial L / \partial h_t\|$")
    ax.legend()
    ax.grid(alpha=0.3, which="both")
    return ax
