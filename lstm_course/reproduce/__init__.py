"""Reproducing the experiments of Hochreiter & Schmidhuber (1997) with
``LSTM1997Cell``: the experiments' settings, the training loop, and the
``lstm-course reproduce`` command. Used by chapter 04."""

from lstm_course.reproduce.experiments import EXPERIMENTS, Experiment

__all__ = ["EXPERIMENTS", "Experiment"]
