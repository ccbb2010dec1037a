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


def plot_activation_derivatives(ax=None, x_range=(-6.0, 6.0)):
    """``tanh'`` and ``sigmoid'`` with their maxima gamma = 1 and 1/4: the
    factor each unit puts on the error at every step back. Introduced in
    chapter 02."""
    ax = _axes(ax)
    x = np.linspace(*x_range, 401)
    sigmoid = 1.0 / (1.0 + np.exp(-x))
    for label, values, gamma in (
            (r"$\tanh'(x) = 1 - \tanh^2(x)$", 1.0 - np.tanh(x) ** 2, 1.0),
            (r"$\sigma'(x) = \sigma(x)(1 - \sigma(x))$",
             sigmoid * (1.0 - sigmoid), 0.25)):
        line, = ax.plot(x, values, label=label)
        ax.axhline(gamma, color=line.get_color(), ls=":", lw=1)
    ax.set_xlabel("net input x")
    ax.set_ylabel("derivative")
    ax.legend()
    ax.grid(alpha=0.3)
    return ax


def plot_norms_vs_lag(norms: dict, ax=None, bounds: dict | None = None,
                      ylabel=r"$\|\partial h_T / \partial h_{T-q}\|_2$"):
    """Norms against the lag q = 0, 1, ... on a log scale, one line per entry
    of ``norms`` (label -> values indexed by lag); ``bounds`` (same labels)
    are drawn dashed in the same colour. Introduced in chapter 02."""
    ax = _axes(ax)
    for label, values in norms.items():
        values = np.asarray(values)
        line, = ax.semilogy(np.arange(len(values)), values, label=label)
        if bounds and label in bounds:
            bound = np.asarray(bounds[label])
            ax.semilogy(np.arange(len(bound)), bound, ls="--", lw=1,
                        color=line.get_color())
    ax.set_xlabel("lag q (steps back)")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    return ax


def plot_loss_surface(w, b, loss, ax=None, paths: dict | None = None):
    """``log10`` of a loss over a (w, b) grid as a colour map, with optimiser
    paths (label -> (steps, 2) array of (w, b)) drawn on top. Introduced in
    chapter 02."""
    ax = _axes(ax, figsize=(6, 4.5))
    mesh = ax.pcolormesh(w, b, np.log10(np.asarray(loss) + 1e-6),
                         shading="auto", cmap="viridis")
    ax.figure.colorbar(mesh, ax=ax, label="log10 loss")
    for label, path in (paths or {}).items():
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], marker=".", ms=3, lw=1, label=label)
        ax.plot(*path[0], "o", color="white", ms=5)
    ax.set_xlim(np.min(w), np.max(w))
    ax.set_ylim(np.min(b), np.max(b))
    ax.set_xlabel("w")
    ax.set_ylabel("b")
    if paths:
        ax.legend(fontsize=8, loc="lower left")
    return ax


def plot_lstm1997_block(cells: int = 2, ax=None):
    """One memory cell block of the 1997 LSTM: ``cells`` cells sharing one
    input gate and one output gate; each cell squashes its net input with
    g, lets the input gate scale it into the CEC (self-connection 1.0),
    squashes the state with h and lets the output gate scale the result.
    Introduced in chapter 03."""
    if cells < 1:
        raise ValueError(f"cells must be >= 1, got {cells}")
    ax = _axes(ax, figsize=(8.5, 1.7 * cells + 2.2))
    top = 1.7 * (cells - 1)
    gate_y = top + 1.5
    _node(ax, (1.3, gate_y), "input gate\n$y^{in}=f(net_{in})$",
          color="#fde2b8")
    _node(ax, (5.0, gate_y), "output gate\n$y^{out}=f(net_{out})$",
          color="#fde2b8")
    for v in range(cells):
        y = top - 1.7 * v
        _node(ax, (-0.6, y), "$x_t,\\ h_{t-1}$", color="#f3f3f3")
        _node(ax, (0.3, y), "$g$")
        _node(ax, (1.3, y), r"$\times$", shape="circle", color="#ffffff")
        _node(ax, (2.6, y), f"$s_{{c_{v + 1}}}$", shape="circle",
              color="#cfe8cf")
        _node(ax, (3.8, y), "$h$")
        _node(ax, (5.0, y), r"$\times$", shape="circle", color="#ffffff")
        _node(ax, (6.3, y), f"$y^{{c_{v + 1}}}$", color="#f3f3f3")
        for start, end in (((-0.6, y), (0.3, y)), ((0.3, y), (1.3, y)),
                           ((1.3, y), (2.6, y)), ((2.6, y), (3.8, y)),
                           ((3.8, y), (5.0, y)), ((5.0, y), (6.3, y))):
            _arrow(ax, start, end)
        ax.annotate("", xy=(2.75, y + 0.25), xytext=(2.45, y + 0.25),
                    arrowprops={"arrowstyle": "-|>", "color": "#2e7d32",
                                "lw": 1.4,
                                "connectionstyle": "arc3,rad=-2.2"})
        ax.text(2.6, y + 0.78, "1.0", ha="center", color="#2e7d32",
                fontsize=9)
        _arrow(ax, (1.3, gate_y), (1.3, y), color="#b26a00")
        _arrow(ax, (5.0, gate_y), (5.0, y), color="#b26a00")
    ax.set_xlim(-1.2, 6.9)
    ax.set_ylim(-0.7, gate_y + 0.7)
    ax.set_axis_off()
    ax.set_title("A memory cell block of the 1997 LSTM: shared gates, the "
                 "CEC with self-connection 1.0")
    return ax
