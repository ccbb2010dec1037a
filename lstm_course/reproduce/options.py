"""The choices of a reproduction run, kept free of Keras so that the
command line can list them without importing a backend."""

MODES = ("smoke", "class", "paper")
CONFIGURATIONS = {"paper": "the paper's network (Table 10), online SGD at "
                  "its learning rate, its stop rule",
                  "modern": "our cells with a shortcut and biases, the "
                  "paper's SGD or Adam"}
MODELS = ("lstm1997", "simple-rnn")
OPTIMIZERS = {"paper": "online SGD at the paper's learning rate, one "
              "sequence per update",
              "adam": "Adam, learning rate 1e-3 (unless given), 16 "
              "sequences per update"}
ADAM_BATCH = 16
ADAM_LEARNING_RATE = 1e-3


def learning_rate_of(experiment, optimizer, learning_rate=None) -> float:
    """The learning rate a run uses: ``learning_rate`` where given, else
    the paper's for its SGD, else Adam's default."""
    if learning_rate is None:
        return experiment.learning_rate if optimizer == "paper" \
            else ADAM_LEARNING_RATE
    if isinstance(learning_rate, bool) or not isinstance(
            learning_rate, (int, float)) or not 0 < learning_rate < 1e3:
        raise ValueError(f"learning_rate must be a number in (0, 1000), got "
                         f"{learning_rate!r}")
    return float(learning_rate)


def require_choice(name, value, choices):
    """Refuse ``value`` unless it is one of ``choices``, naming them."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got "
                         f"{value!r}")
