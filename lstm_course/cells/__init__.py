"""Keras 3 recurrent cells, written with ``keras.ops``, for ``keras.layers.RNN``."""

from lstm_course.cells.elman import ElmanCell

__all__ = ["ElmanCell"]
