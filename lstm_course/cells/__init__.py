"""Keras 3 recurrent cells, written with ``keras.ops``, for ``keras.layers.RNN``."""

from lstm_course.cells.elman import ElmanCell
from lstm_course.cells.lstm1997 import LSTM1997Cell, packed_weights

__all__ = ["ElmanCell", "LSTM1997Cell", "packed_weights"]
