import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lstm_course.plots import (  # noqa: E402
    plot_activation_derivatives,
    plot_curves,
    plot_gradient_norms,
    plot_loss_surface,
    plot_lstm1997_block,
    plot_norms_vs_lag,
    plot_unrolled_rnn,
)


@pytest.mark.parametrize("draw", [
    lambda ax: plot_unrolled_rnn(3, ax=ax),
    lambda ax: plot_curves({"a": [3, 2, 1]}, ax=ax, chance=1.5,
                           chance_label="always 0.5"),
    lambda ax: plot_gradient_norms({"a": np.logspace(-5, 0, 6)}, ax=ax),
    lambda ax: plot_activation_derivatives(ax=ax),
    lambda ax: plot_norms_vs_lag({"a": [1.0, 0.5]}, ax=ax,
                                 bounds={"a": [1.0, 0.9]}),
    lambda ax: plot_loss_surface(*np.meshgrid([0.0, 1.0], [0.0, 1.0]),
                                 np.ones((2, 2)), ax=ax,
                                 paths={"p": [[0.2, 0.2], [0.5, 0.6]]}),
    lambda ax: plot_lstm1997_block(3, ax=ax),
])
def test_helpers_draw_on_the_given_axes_and_return_it(draw):
    fig, ax = plt.subplots()
    assert draw(ax) is ax
    plt.close(fig)


def test_helpers_make_axes_when_none_given():
    ax = plot_curves({"loss": [1.0, 0.5]}, logy=True)
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["loss"]
    plt.close(ax.figure)


def test_gradient_norms_are_plotted_against_the_lag():
    ax = plot_gradient_norms({"x": [1e-3, 1e-2, 1e-1, 1.0]})
    xs, ys = ax.lines[0].get_data()
    assert list(xs) == [3, 2, 1, 0] and ys[-1] == 1.0
    plt.close(ax.figure)


def test_unrolled_rnn_needs_a_step():
    with pytest.raises(ValueError, match="steps"):
        plot_unrolled_rnn(0)


def test_norms_vs_lag_start_at_lag_zero_with_bounds_dashed():
    ax = plot_norms_vs_lag({"a": [1.0, 0.5, 0.25]}, bounds={"a": [1, 1, 1]})
    (xs, ys), (_, bound) = (line.get_data() for line in ax.lines)
    assert list(xs) == [0, 1, 2] and list(ys) == [1.0, 0.5, 0.25]
    assert ax.lines[1].get_linestyle() == "--"
    assert ax.get_yscale() == "log"
    plt.close(ax.figure)


def test_activation_derivatives_peak_at_their_gamma():
    ax = plot_activation_derivatives()
    tanh_line, _, sigmoid_line, _ = ax.lines
    assert max(tanh_line.get_ydata()) == 1.0
    assert max(sigmoid_line.get_ydata()) == 0.25
    plt.close(ax.figure)


def test_lstm1997_block_needs_a_cell():
    with pytest.raises(ValueError, match="cells"):
        plot_lstm1997_block(0)


def test_activation_derivatives_are_the_derivatives_with_their_maxima():
    ax = plot_activation_derivatives()
    (x, tanh_d), (_, sigmoid_d) = (ax.lines[0].get_data(),
                                   ax.lines[2].get_data())
    np.testing.assert_allclose(tanh_d, 1 / np.cosh(x) ** 2, atol=1e-12)
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(sigmoid_d, s * (1 - s), atol=1e-12)
    gammas = [ax.lines[k].get_ydata()[0] for k in (1, 3)]
    assert gammas == [1.0, 0.25]
    assert tanh_d.max() == pytest.approx(1.0) and \
        sigmoid_d.max() == pytest.approx(0.25)
    plt.close(ax.figure)


def test_curves_start_at_step_one_with_the_chance_level_dashed():
    ax = plot_curves({"a": [3, 2, 1]}, chance=1.5, chance_label="always 0.5")
    xs, ys = ax.lines[0].get_data()
    assert list(xs) == [1, 2, 3] and list(ys) == [3, 2, 1]
    chance = ax.lines[1]
    assert list(chance.get_ydata()) == [1.5, 1.5]
    assert chance.get_linestyle() == "--"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == \
        ["a", "always 0.5"]
    plt.close(ax.figure)
