"""The choices of a reproduction run, kept free of Keras so that the
command line can list them without importing a backend."""

MODES = ("smoke", "class", "paper")
MODELS = ("lstm1997", "simple-rnn")
OPTIMIZERS = {"paper": "online SGD at the paper's learning rate, one "
              "sequence per update", "adam": "Adam, learning rate 1e-3, "
              "16 sequences per update"}
ADAM_BATCH = 16
