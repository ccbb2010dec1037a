"""``lstm-course reproduce``: its JSON, its networks, its loss, its errors."""

import json

import keras
import numpy as np
import pytest

from lstm_course import cli
from lstm_course.reproduce.experiments import EXPERIMENTS, generate
from lstm_course.reproduce.model import (HalfSquaredError, OneHot,
                                         base_rate_logits, build_model)
from lstm_course.reproduce.train import reproduce
from lstm_course.tasks.sequences import one_hot


def test_smoke_run_writes_the_results_with_their_provenance(tmp_path):
    out = tmp_path / "r" / "2a.json"
    argv = ["reproduce", "2a", "--configuration", "modern", "--mode",
            "smoke", "--trials", "2",
            "--budget", "64", "--seed", "3", "--out", str(out)]
    assert cli.main(argv) == 0
    record = json.loads(out.read_text())
    assert record["command"] == "lstm-course " + " ".join(argv)
    assert {"python", "keras", "backend", "numpy", "cpus"} <= \
        set(record["machine"])
    assert record["experiment"] == "2a" and record["mode"] == "smoke"
    assert record["configuration"] == "modern"
    assert record["size_name"] == "p" and record["size"] == 5
    assert record["optimizer"] == "paper" and record["budget"] == 64
    assert record["learning_rate"] == EXPERIMENTS["2a"].learning_rate
    assert [t["seed"] for t in record["trials"]] == [3, 4]
    for trial in record["trials"]:
        assert 0 < trial["sequences"] <= 64
        assert 0 <= trial["test_right"] <= 1 and trial["seconds"] > 0
        assert trial["solved"] == (trial["test_right"] >= 1.0)
        seen = [check[0] for check in trial["checks"]]
        assert seen == sorted(seen) and seen[-1] == trial["sequences"]
        assert trial["checks"][-1][1] == trial["test_right"]
    solved = [t for t in record["trials"] if t["solved"]]
    assert record["percent_solved"] == 100 * len(solved) / 2
    assert record["paper"]["sequences"] is None  # the paper ran p = 100
    assert record["paper"]["percent_solved"] == 100
    assert record["wall_seconds"] > 0


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_every_experiment_trains_one_chunk(name):
    result = reproduce(name, mode="smoke", budget=16, optimizer="adam")
    assert result["trials"][0]["sequences"] == 16
    assert result["network"] == (f"{EXPERIMENTS[name].blocks} blocks x "
                                 f"{EXPERIMENTS[name].cells_per_block} cells")


def test_simple_rnn_baseline_runs():
    result = reproduce("4", mode="smoke", budget=16, model="simple-rnn")
    assert result["model"] == "simple-rnn"
    assert result["trials"][0]["sequences"] == 16


def test_the_network_sees_the_papers_one_hot_code():
    batch = generate(EXPERIMENTS["2c"], np.random.default_rng(0), 4, 6)
    layer = OneHot(batch.symbols)
    dense = keras.ops.convert_to_numpy(layer(batch.inputs))
    np.testing.assert_array_equal(dense, one_hot(batch.inputs, batch.symbols))
    assert OneHot.from_config(layer.get_config()).depth == batch.symbols
    with pytest.raises(ValueError, match="depth"):
        OneHot(0)


def test_half_squared_error_is_the_papers_error_per_sequence():
    rng = np.random.default_rng(0)
    y_true = rng.uniform(size=(3, 5, 2)).astype("float32")
    y_pred = rng.uniform(size=(3, 5, 2)).astype("float32")
    mask = (rng.uniform(size=(3, 5)) > 0.5).astype("float32")
    expected = 0.5 * (((y_true - y_pred) ** 2).sum(-1) * mask).sum() / 3
    got = HalfSquaredError()(y_true, y_pred, sample_weight=mask)
    assert abs(float(got) - expected) < 1e-5


def test_paper_optimizer_is_plain_sgd_at_the_papers_rate():
    experiment = EXPERIMENTS["4"]
    batch = generate(experiment, np.random.default_rng(0), 2, 10)
    network = build_model(experiment, batch)
    assert isinstance(network.optimizer, keras.optimizers.SGD)
    assert float(network.optimizer.learning_rate) == pytest.approx(0.5)
    assert float(network.optimizer.momentum) == 0.0
    cell = network.layers[1].cell
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(cell.bias)[:2], [-3, -6])


def test_a_given_learning_rate_replaces_the_default():
    experiment = EXPERIMENTS["4"]
    batch = generate(experiment, np.random.default_rng(0), 2, 10)
    adam = build_model(experiment, batch, optimizer="adam")
    assert isinstance(adam.optimizer, keras.optimizers.Adam)
    assert float(adam.optimizer.learning_rate) == pytest.approx(1e-3)
    for optimizer in ("adam", "paper"):
        network = build_model(experiment, batch, optimizer=optimizer,
                              learning_rate=0.02)
        assert float(network.optimizer.learning_rate) == pytest.approx(0.02)
    result = reproduce("4", mode="smoke", budget=16, optimizer="adam",
                       learning_rate=0.01)
    assert result["learning_rate"] == 0.01


def test_base_rate_logits_start_each_output_at_its_mean_target():
    experiment = EXPERIMENTS["2a"]
    batch = generate(experiment, np.random.default_rng(0), 50, 10)
    logits = base_rate_logits(batch)
    # An independent count: how often each symbol is the next one.
    counts = np.zeros(batch.symbols)
    for row, length in zip(batch.targets, batch.lengths):
        counts += row[:length].sum(0)
    rate = np.clip(counts / batch.lengths.sum(), 1e-3, 1 - 1e-3)
    np.testing.assert_allclose(1 / (1 + np.exp(-logits)), rate, rtol=1e-5)
    # x and y follow a_9 once per sequence, about half the time each.
    assert 0.02 < rate[-1] < 0.08 and rate[0] == pytest.approx(0.1)


def test_symbol_tasks_start_their_outputs_at_the_base_rates():
    experiment = EXPERIMENTS["1"]
    assert experiment.base_rate_outputs
    batch = generate(experiment, np.random.default_rng(0), 64, None)
    network = build_model(experiment, batch, prior=batch)
    bias = keras.ops.convert_to_numpy(network.layers[-1].bias)
    np.testing.assert_allclose(bias, base_rate_logits(batch), rtol=1e-6)
    with pytest.raises(ValueError, match="pass prior="):
        build_model(experiment, batch)
    plain = build_model(EXPERIMENTS["4"], generate(
        EXPERIMENTS["4"], np.random.default_rng(0), 2, 10))
    assert not keras.ops.convert_to_numpy(plain.layers[-1].bias).any()


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "7"}, "unknown experiment '7'; the experiments are 1, 2a"),
    ({"name": "1", "size": 3}, "experiment 1 has no size"),
    ({"name": "2c", "size": 0}, "q must be"),
    ({"name": "4", "trials": 0}, "trials must be a positive integer"),
    ({"name": "4", "budget": 2.5}, "budget must be a positive integer"),
    ({"name": "4", "mode": "fast"}, "mode must be one of smoke, class"),
    ({"name": "4", "model": "gru"}, "model must be one of lstm1997, "
     "simple-rnn, got 'gru'"),
    ({"name": "4", "optimizer": "rmsprop"}, "optimizer must be one of"),
    ({"name": "4", "learning_rate": 0}, "learning_rate must be a number"),
])
def test_bad_arguments_say_what_is_expected(kwargs, message):
    kwargs.setdefault("mode", "smoke")
    with pytest.raises(ValueError, match=message):
        reproduce(**kwargs)


@pytest.mark.parametrize("task, configuration", [("4", "modern"),
                                                 ("4-T100", "paper")])
def test_cli_refuses_a_folder_as_out(tmp_path, capsys, task, configuration):
    assert cli.main(["reproduce", task, "--configuration", configuration,
                     "--mode", "smoke", "--out", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_the_paper_configuration_is_the_default(tmp_path):
    out = tmp_path / "row.json"
    argv = ["reproduce", "2c-q50-p50", "--mode", "smoke", "--seed", "5",
            "--out", str(out)]
    assert cli.main(argv) == 0
    record = json.loads(out.read_text())
    assert record["command"] == "lstm-course " + " ".join(argv)
    assert record["configuration"] == "paper" and record["weights"] == 364
    assert record["row"] == "2c q=50 p=50" and record["budget"] == 50
    assert [t["seed"] for t in record["trials"]] == [5, 6]
    assert record["paper"]["sequences"] == 30_000
    assert record["paper"]["trials"] == 20


@pytest.mark.parametrize("argv, message", [
    (["reproduce", "2c"], "unknown row '2c'; --list-rows"),
    (["reproduce", "6a", "--optimizer", "adam"], "--optimizer: only for "
     "--configuration modern"),
    (["reproduce", "6a", "--size", "10", "--model", "simple-rnn"],
     "--model, --size: only for"),
    (["reproduce"], "name a row"),
    (["reproduce", "6a", "--mode", "smoke", "--trials", "0"],
     "trials must be a positive integer"),
])
def test_the_cli_says_what_a_row_needs(argv, message, capsys):
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err


def test_list_rows(capsys):
    assert cli.main(["reproduce", "--list-rows"]) == 0
    lines = capsys.readouterr().out.strip().split("\n")
    assert len(lines) == 37 and lines[-1].startswith("6b ")
    (elman,) = [line for line in lines if line.startswith("1-Elman-lr0.1")]
    assert "Table 1: 30 trials, the paper's no trial succeeded" in elman
    (rtrl,) = [line for line in lines if line.startswith("2a-RTRL-p10-")]
    assert rtrl.split() == ["2a-RTRL-p10-lr1.0", "Table", "2:", "18",
                            "trials,", "the", "paper's", "no", "trial",
                            "succeeded"]


def test_committed_results_load_in_the_papers_order(tmp_path):
    from lstm_course.reproduce.results import learning_rate, load_records

    rows = [("6a", None, "adam", None), ("4", 1000, "adam", 0.01),
            ("4", 100, "paper", None), ("2c", 50, "adam", None)]
    for k, (name, size, optimizer, rate) in enumerate(rows):
        record = {"experiment": name, "size": size, "mode": "paper",
                  "optimizer": optimizer}
        if rate is not None:
            record["learning_rate"] = rate
        (tmp_path / f"{k}.json").write_text(json.dumps(record))
    records = load_records(tmp_path)
    assert [(r["experiment"], r["size"]) for r in records] == [
        ("2c", 50), ("4", 100), ("4", 1000), ("6a", None)]
    # Records without a rate ran at the default one.
    assert [learning_rate(r) for r in records] == [1e-3, 0.5, 0.01, 1e-3]
    with pytest.raises(FileNotFoundError, match="benchmarks/results"):
        load_records(tmp_path / "missing")


def test_the_committed_results_are_records_of_this_code():
    from lstm_course.reproduce.results import load_records

    for record in load_records():
        experiment = EXPERIMENTS[record["experiment"]]
        assert record["command"].startswith(
            f"lstm-course reproduce {record['experiment']} ")
        assert record["network"] == (f"{experiment.blocks} blocks x "
                                     f"{experiment.cells_per_block} cells")
        assert record["paper"]["sequences"] == \
            experiment.paper_sequences.get(record["size"])
