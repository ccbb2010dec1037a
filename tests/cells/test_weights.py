"""Every cell's weights: their names and shapes (what a saved model and the
NumPy converters rely on), and the 1997 cells' uniform start in
[-weight_range, weight_range] with the paper's gate biases on top."""

import keras
import numpy as np
import pytest

from lstm_course.cells import (
    ElmanCell,
    GRUCell,
    LSTM1997Cell,
    LSTM1997PaperCell,
    LSTMCell,
    LSTMVariantCell,
)
from tests.helpers import NO_FLOAT64

WEIGHTS = [
    (lambda: ElmanCell(3),
     {"kernel": (2, 3), "recurrent_kernel": (3, 3), "bias": (3,)}),
    (lambda: GRUCell(3),
     {"kernel": (2, 9), "recurrent_kernel": (3, 9), "bias": (2, 9)}),
    (lambda: LSTMCell(3, peepholes=True),
     {"kernel": (2, 12), "recurrent_kernel": (3, 12), "bias": (12,),
      "peephole_i": (3,), "peephole_f": (3,), "peephole_o": (3,)}),
    (lambda: LSTMVariantCell(3, variant="FGR", peepholes=True),
     {"kernel": (2, 12), "recurrent_kernel": (3, 12), "bias": (12,),
      "peephole_i": (3,), "peephole_f": (3,), "peephole_o": (3,),
      "gate_recurrent_kernel": (9, 9)}),
    (lambda: LSTM1997Cell(2, cells_per_block=2),
     {"kernel": (2, 8), "recurrent_kernel": (4, 8), "bias": (8,)}),
    (lambda: LSTM1997PaperCell(2, cells_per_block=2),
     {"kernel": (2, 8), "recurrent_kernel": (8, 8), "gate_bias": (4,),
      "cell_bias": (4,)}),
    (lambda: LSTM1997PaperCell(2, cells_per_block=2, biases="gates",
                               output_gates=False),
     {"kernel": (2, 6), "recurrent_kernel": (6, 6), "gate_bias": (2,)}),
]


@pytest.mark.parametrize("make, expected", WEIGHTS,
                         ids=[str(k) for k in range(len(WEIGHTS))])
def test_names_and_shapes(make, expected):
    cell = make()
    cell.build((None, 2))
    assert {w.name: tuple(w.shape) for w in cell.weights} == expected
    assert [w.name for w in cell.weights] == list(expected)


def values(cell, name):
    return keras.ops.convert_to_numpy(
        next(w for w in cell.weights if w.name == name))


@pytest.mark.parametrize("make", [
    lambda **kw: LSTM1997Cell(3, cells_per_block=2, **kw),
    lambda **kw: LSTM1997PaperCell(3, cells_per_block=2, **kw)])
def test_1997_weights_start_uniform_in_the_weight_range(make):
    keras.utils.set_random_seed(1)
    cell = make(weight_range=0.2)
    cell.build((None, 40))
    for weight in cell.weights:
        w = keras.ops.convert_to_numpy(weight)
        assert np.abs(w).max() <= 0.2, weight.name
        if w.size >= 40:  # enough draws to reach both ends
            assert w.min() < -0.15 and w.max() > 0.15, weight.name


def test_the_paper_cells_gate_biases_per_block():
    cell = LSTM1997PaperCell(3, cells_per_block=2, input_gate_bias=[-1, -2, -3],
                             output_gate_bias=-4.0)
    cell.build((None, 2))
    np.testing.assert_array_equal(values(cell, "gate_bias"),
                                  [-1, -2, -3, -4, -4, -4])
    only_output = LSTM1997PaperCell(2, output_gate_bias=[-1, -2])
    only_output.build((None, 2))
    gate_bias = values(only_output, "gate_bias")
    assert np.abs(gate_bias[:2]).max() <= 0.1  # the input gates: uniform
    np.testing.assert_array_equal(gate_bias[2:], [-1, -2])


@pytest.mark.parametrize("dtype", [
    "float32", pytest.param("float64", marks=NO_FLOAT64)])
def test_the_paper_cells_bias_vector_puts_zeros_where_cells_have_none(dtype):
    cell = LSTM1997PaperCell(2, cells_per_block=2, biases="gates", dtype=dtype)
    cell.build((None, 2))
    vector = keras.ops.convert_to_numpy(cell.bias_vector())
    gate = values(cell, "gate_bias")
    assert vector.dtype == dtype
    np.testing.assert_array_equal(
        vector, np.concatenate([gate[:2], np.zeros(4), gate[2:]]))
    none = LSTM1997PaperCell(2, biases="none")
    none.build((None, 2))
    assert none.bias_vector() is None
