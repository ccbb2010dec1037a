"""The choices of a reproduction run, kept free of Keras so that the
command line can list them without importing a backend."""

MODES = ("smoke", "class", "paper")
MODELS = ("lstm1997", "simple-rnn")
OPTIMIZERS = {"paper": "online SGD at the paper's learning rate, one "
              "sequence per update", "adam": "Adam, learning rate 1e-3, "
              "16 sequences per update"}
ADAM_BATCH = 16


def require_choice(name, value, choices):
    """Refuse ``value`` unless it is one of ``choices``, naming them."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got "
                         f"{value!r}")
