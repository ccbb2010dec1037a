"""Keras 3 recurrent cells, written with ``keras.ops``, for
``keras.layers.RNN``."""

from lstm_course.cells.elman import ElmanCell
from lstm_course.cells.gru import GRUCell
from lstm_course.cells.lstm import LSTMCell
from lstm_course.cells.lstm1997 import LSTM1997Cell
from lstm_course.cells.lstm1997_paper import LSTM1997PaperCell
from lstm_course.cells.lstm_variants import VARIANTS, LSTMVariantCell

__all__ = ["VARIANTS", "ElmanCell", "GRUCell", "LSTM1997Cell",
           "LSTM1997PaperCell", "LSTMCell", "LSTMVariantCell"]
