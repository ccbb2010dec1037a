"""A generated class for the similarity report: three honest students (the
course's own solutions and two other styles, each checked correct by the
exercise registry) and four who copied (renamed variables and changed
comments and layout, reordered independent statements, inlined a helper,
pasted the package's reference), on four exercises with room for style
and two one-line steps that every honest answer writes alike."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import nbformat

from lstm_course.grading.handin import load_handin

REPO = Path(__file__).resolve().parents[2]
MEDIUM = ("ch01.rnn_forward", "ch02.clip_gradient_norm",
          "ch05.lstm_step_forward", "ch06.gru_step")
SHORT = ("ch01.rnn_step_forward", "ch03.cec_update")
NOTEBOOKS = {"ch01": "01_rnn_bptt.ipynb", "ch02": "02_vanishing_exploding.ipynb",
             "ch03": "03_lstm1997.ipynb", "ch05": "05_modern_lstm.ipynb",
             "ch06": "06_alternatives.ipynb"}

STYLE_B = {
    "ch01.rnn_forward": '''
def rnn_forward(x, h0, params):
    batch, steps, _ = x.shape
    hs = np.zeros((batch, steps, h0.shape[1]))
    hidden = h0
    for step in range(steps):
        pre = np.dot(x[:, step, :], params["W_xh"]) + np.dot(hidden, params["W_hh"])
        hidden = np.tanh(pre + params["b_h"])
        hs[:, step, :] = hidden
    return hs
''',
    "ch02.clip_gradient_norm": '''
def clip_gradient_norm(grads, threshold):
    total = 0.0
    for g in grads:
        total += float((g ** 2).sum())
    total = total ** 0.5
    scale = threshold / total if total >= threshold else 1.0
    return [np.asarray(g) * scale for g in grads]
''',
    "ch05.lstm_step_forward": '''
def lstm_step_forward(x_t, h_prev, c_prev, params):
    sig = lambda v: 0.5 * (1.0 + np.tanh(0.5 * v))
    gates = {}
    for name in "ifco":
        gates[name] = (x_t @ params[f"W_x{name}"] + h_prev @ params[f"W_h{name}"]
                       + params[f"b_{name}"])
    c_t = sig(gates["f"]) * c_prev + sig(gates["i"]) * np.tanh(gates["c"])
    h_t = sig(gates["o"]) * np.tanh(c_t)
    return h_t, c_t
''',
    "ch06.gru_step": '''
def gru_step(x_t, h_prev, params):
    def affine(k, h):
        return x_t @ params["W_x" + k] + h @ params["W_h" + k] + params["b_" + k]
    update = 1 / (1 + np.exp(-affine("z", h_prev)))
    reset = 1 / (1 + np.exp(-affine("r", h_prev)))
    h_tilde = np.tanh(affine("h", reset * h_prev))
    return (1 - update) * h_tilde + update * h_prev
''',
    "ch01.rnn_step_forward": '''
def rnn_step_forward(x_t, h_prev, params):
    return np.tanh(np.dot(x_t, params["W_xh"]) + np.dot(h_prev, params["W_hh"]) + params["b_h"])
''',
    "ch03.cec_update": '''
def cec_update(s_prev, y_in, g_c):
    cells = g_c.shape[1] // y_in.shape[1]
    gate = np.repeat(y_in, cells, axis=1)
    return s_prev + gate * g_c
''',
}

STYLE_C = {
    "ch01.rnn_forward": '''
def rnn_forward(x, h0, params):
    W, U, b = params["W_xh"], params["W_hh"], params["b_h"]
    inputs = np.einsum("btd,dh->bth", x, W) + b
    out = []
    h = h0
    t = 0
    while t < x.shape[1]:
        h = np.tanh(inputs[:, t] + h.dot(U))
        out.append(h[:, None, :])
        t += 1
    return np.concatenate(out, axis=1)
''',
    "ch02.clip_gradient_norm": '''
def clip_gradient_norm(grads, threshold):
    flat = np.concatenate([np.ravel(g) for g in grads])
    norm = np.linalg.norm(flat)
    clipped = []
    for g in grads:
        if norm < threshold:
            clipped.append(np.array(g))
        else:
            clipped.append(threshold * np.asarray(g) / norm)
    return clipped
''',
    "ch05.lstm_step_forward": '''
def lstm_step_forward(x_t, h_prev, c_prev, params):
    W = np.concatenate([params["W_x" + k] for k in "ifco"], axis=1)
    U = np.concatenate([params["W_h" + k] for k in "ifco"], axis=1)
    b = np.concatenate([params["b_" + k] for k in "ifco"])
    a = np.dot(x_t, W) + np.dot(h_prev, U) + b
    a_i, a_f, a_c, a_o = np.split(a, 4, axis=1)
    i = 1 / (1 + np.exp(-a_i))
    f = 1 / (1 + np.exp(-a_f))
    o = 1 / (1 + np.exp(-a_o))
    c = f * c_prev + i * np.tanh(a_c)
    return o * np.tanh(c), c
''',
    "ch06.gru_step": '''
def gru_step(x_t, h_prev, params):
    from_x = {k: np.matmul(x_t, params["W_x" + k]) + params["b_" + k] for k in ("z", "r", "h")}
    z = 0.5 + 0.5 * np.tanh(0.5 * (from_x["z"] + np.matmul(h_prev, params["W_hz"])))
    r = 0.5 + 0.5 * np.tanh(0.5 * (from_x["r"] + np.matmul(h_prev, params["W_hr"])))
    n = np.tanh(from_x["h"] + np.matmul(r * h_prev, params["W_hh"]))
    return h_prev + (1 - z) * (n - h_prev)
''',
    "ch01.rnn_step_forward": '''
def rnn_step_forward(x_t, h_prev, params):
    pre = x_t @ params["W_xh"] + params["b_h"] + h_prev @ params["W_hh"]
    return np.tanh(pre)
''',
    "ch03.cec_update": '''
def cec_update(s_prev, y_in, g_c):
    return s_prev + g_c * np.repeat(y_in, g_c.shape[1] // y_in.shape[1], axis=-1)
''',
}

#: B's answers with independent statements reordered (and nothing else)
REORDERED_B = {
    "ch01.rnn_forward": '''
def rnn_forward(x, h0, params):
    hidden = h0
    batch, steps, _ = x.shape
    hs = np.zeros((batch, steps, h0.shape[1]))
    for step in range(steps):
        pre = np.dot(x[:, step, :], params["W_xh"]) + np.dot(hidden, params["W_hh"])
        hidden = np.tanh(pre + params["b_h"])
        hs[:, step, :] = hidden
    return hs
''',
    "ch02.clip_gradient_norm": STYLE_B["ch02.clip_gradient_norm"],
    "ch05.lstm_step_forward": '''
def lstm_step_forward(x_t, h_prev, c_prev, params):
    gates = {}
    sig = lambda v: 0.5 * (1.0 + np.tanh(0.5 * v))
    for name in "ifco":
        gates[name] = (x_t @ params[f"W_x{name}"] + h_prev @ params[f"W_h{name}"]
                       + params[f"b_{name}"])
    c_t = sig(gates["f"]) * c_prev + sig(gates["i"]) * np.tanh(gates["c"])
    h_t = sig(gates["o"]) * np.tanh(c_t)
    return h_t, c_t
''',
    "ch06.gru_step": '''
def gru_step(x_t, h_prev, params):
    def affine(k, h):
        return x_t @ params["W_x" + k] + h @ params["W_h" + k] + params["b_" + k]
    reset = 1 / (1 + np.exp(-affine("r", h_prev)))
    update = 1 / (1 + np.exp(-affine("z", h_prev)))
    h_tilde = np.tanh(affine("h", reset * h_prev))
    return (1 - update) * h_tilde + update * h_prev
''',
}

#: the course's answers with their helpers inlined
INLINED_A = {
    "ch05.lstm_step_forward": '''
def lstm_step_forward(x_t, h_prev, c_prev, params):
    i = 1.0 / (1.0 + np.exp(-(x_t @ params["W_x" + "i"] + h_prev @ params["W_h" + "i"] + params["b_" + "i"])))
    f = 1.0 / (1.0 + np.exp(-(x_t @ params["W_x" + "f"] + h_prev @ params["W_h" + "f"] + params["b_" + "f"])))
    o = 1.0 / (1.0 + np.exp(-(x_t @ params["W_x" + "o"] + h_prev @ params["W_h" + "o"] + params["b_" + "o"])))
    c_t = f * c_prev + i * np.tanh(x_t @ params["W_x" + "c"] + h_prev @ params["W_h" + "c"] + params["b_" + "c"])
    return o * np.tanh(c_t), c_t
''',
    "ch06.gru_step": '''
def gru_step(x_t, h_prev, params):
    z = 1.0 / (1.0 + np.exp(-(x_t @ params["W_xz"] + h_prev @ params["W_hz"] + params["b_z"])))
    r = 1.0 / (1.0 + np.exp(-(x_t @ params["W_xr"] + h_prev @ params["W_hr"] + params["b_r"])))
    candidate = np.tanh(x_t @ params["W_xh"] + (r * h_prev) @ params["W_hh"] + params["b_h"])
    return z * h_prev + (1.0 - z) * candidate
''',
}

#: the package's reference, pasted and made to fit the exercise
PASTED_REFERENCE = {
    "ch01.rnn_forward": '''
def rnn_forward(x, h0, params):
    def step_forward(x_t, h_prev, params):
        a_t = x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"]
        h_t = np.tanh(a_t)  # (B, H)
        return h_t, {"x_t": x_t, "h_prev": h_prev, "h_t": h_t}
    h_prev, states, caches = h0, [], []
    for t in range(x.shape[1]):
        h_prev, cache = step_forward(x[:, t], h_prev, params)
        states.append(h_prev)
        caches.append(cache)
    return np.stack(states, axis=1)
''',
    "ch02.clip_gradient_norm": '''
def clip_gradient_norm(grads, threshold):
    if not np.isfinite(threshold) or threshold <= 0:
        raise ValueError(f"threshold must be a finite number > 0, got "
                         f"{threshold!r}")
    grads = [np.asarray(g, np.float64) for g in grads]
    norm = float(np.sqrt(sum(np.sum(np.square(g, dtype=np.float64))
                             for g in grads)))
    factor = threshold / norm if norm >= threshold else 1.0
    return [g * factor for g in grads]
''',
    "ch05.lstm_step_forward": '''
def lstm_step_forward(x_t, h_prev, c_prev, params):
    def sigmoid(x):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def net(g):
        return x_t @ params["W_x" + g] + h_prev @ params["W_h" + g] \\
            + params["b_" + g]

    i = sigmoid(net("i"))
    f = sigmoid(net("f"))
    z = np.tanh(net("c"))
    c = f * c_prev + i * z
    o = sigmoid(net("o"))
    tc = np.tanh(c)
    h = o * tc
    return h, c
''',
    "ch06.gru_step": '''
def gru_step(x, h, params):
    def sigmoid(x):
        return 1.0 / (1.0 + np.exp(-x))
    reset_after = "c_h" in params

    def recurrent(gate, state):
        out = state @ params["W_h" + gate]
        return out + params["c_" + gate] if reset_after else out

    z = sigmoid(x @ params["W_xz"] + recurrent("z", h) + params["b_z"])
    r = sigmoid(x @ params["W_xr"] + recurrent("r", h) + params["b_r"])
    if reset_after:
        candidate = np.tanh(x @ params["W_xh"] + r * recurrent("h", h)
                            + params["b_h"])
    else:
        candidate = np.tanh(x @ params["W_xh"] + recurrent("h", r * h)
                            + params["b_h"])
    return z * h + (1.0 - z) * candidate
''',
}


#: more ways to write the one-line steps, for forty more honest students
ONE_LINERS = {
    "ch01.rnn_step_forward": ['''
def rnn_step_forward(x_t, h_prev, params):
    return np.tanh(x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"])
''', '''
def rnn_step_forward(x_t, h_prev, params):
    W, U, b = params["W_xh"], params["W_hh"], params["b_h"]
    return np.tanh(x_t @ W + h_prev @ U + b)
'''],
    "ch03.cec_update": ['''
def cec_update(s_prev, y_in, g_c):
    return s_prev + np.repeat(y_in, g_c.shape[1] // y_in.shape[1], axis=1) * g_c
''', '''
def cec_update(s_prev, y_in, g_c):
    per_block = g_c.shape[-1] // y_in.shape[-1]
    return s_prev + g_c * np.repeat(y_in, per_block, axis=-1)
'''],
}


class _Rename(ast.NodeTransformer):
    """Every local name to a new one: what a copier does first."""

    def __init__(self, keep):
        self.keep, self.names = keep, {}

    def _new(self, name):
        if name in self.keep:
            return name
        return self.names.setdefault(name, f"v{len(self.names)}_{name[::-1]}")

    def visit_Name(self, node):
        node.id = self._new(node.id)
        return node

    def visit_arg(self, node):
        node.arg = self._new(node.arg)
        return node

    def visit_FunctionDef(self, node):
        node.name = self._new(node.name)
        self.generic_visit(node)
        return node


def renamed(source: str, entry: str) -> str:
    """``source`` with its local names changed, comments added and its
    layout redone: the copy a student hopes nobody notices."""
    tree = _Rename({"np", "range", "float", "sum", "len", entry}).visit(
        ast.parse(textwrap.dedent(source)))
    lines = ast.unparse(tree).split("\n")
    out = []
    for line in lines:
        indent = re.match(r"\s*", line)[0]
        if line.strip().startswith(("return", "for", "if")):
            out.append(f"{indent}# my own step here")
        out.append(line.replace(" = ", "  =  ").replace(", ", " , "))
    return "\n".join(out) + "\n"


def answers() -> dict[str, dict[str, str]]:
    """``{student: {exercise id: source}}`` of the class."""
    own = {}
    for prefix, name in NOTEBOOKS.items():
        handin = load_handin(REPO / "solutions" / name,
                             [e for e in MEDIUM + SHORT
                              if e.startswith(prefix)])
        for exercise_id, source in handin.cells.items():
            own[exercise_id] = re.sub(r"^\s*### (BEGIN|END) SOLUTION\n", "",
                                      source, flags=re.M)
    entry = {e: e.split(".")[1] for e in MEDIUM + SHORT}
    classroom = {
        "honest_course": own,
        "honest_b": STYLE_B,
        "honest_c": STYLE_C,
        "copy_renamed": {e: renamed(own[e], entry[e]) for e in own},
        "copy_reordered": {**{e: renamed(STYLE_B[e], entry[e])
                              for e in SHORT}, **REORDERED_B},
        "copy_inlined": {**{e: renamed(STYLE_C[e], entry[e])
                            for e in MEDIUM + SHORT}, **INLINED_A},
        "copy_reference": {**{e: STYLE_C[e] for e in SHORT},
                           **PASTED_REFERENCE},
    }
    for k in range(40):
        classroom[f"honest_short{k}"] = {
            e: renamed([own[e], STYLE_B[e], STYLE_C[e],
                        *ONE_LINERS[e]][k % 5], entry[e]) for e in SHORT}
    return classroom


#: where each student's answer to each exercise came from
ORIGIN = {
    **{f"honest_short{k}": (lambda e, k=k: f"short{k}") for k in range(40)},
    "honest_course": lambda e: "course",
    "honest_b": lambda e: "b",
    "honest_c": lambda e: "c",
    "copy_renamed": lambda e: "course",
    "copy_reordered": lambda e: "b",
    "copy_inlined": lambda e: "course" if e in INLINED_A else "c",
    "copy_reference": lambda e: "reference" if e in PASTED_REFERENCE else "c",
}


def write_notebook(folder: Path, name: str, cells: dict) -> None:
    """A hand-in: an imports cell and the exercise cells ``{id: source}``."""
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import numpy as np")] + [
        nbformat.v4.new_code_cell(f"# EXERCISE {e}\n"
                                  + textwrap.dedent(source).strip())
        for e, source in cells.items()])
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / name)


def write(folder: Path) -> Path:
    """The class as students' folders of notebooks."""
    for student, cells in answers().items():
        for prefix, name in NOTEBOOKS.items():
            mine = {e: s for e, s in cells.items() if e.startswith(prefix)}
            if mine:
                write_notebook(folder / student, name, mine)
    return folder
