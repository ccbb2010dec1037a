"""The chapters' trainer against the same model built, compiled and fit by
hand; its seeding, masking and refusals; streams read with resets."""

import keras
import numpy as np
import pytest

from lstm_course.cells import ElmanCell, LSTMCell
from lstm_course.training import predict_stream, read_out_model, train


def data(seed=0, n=16, steps=5, features=2, outputs=1):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, steps, features)).astype("float32"),
            rng.normal(size=(n, outputs)).astype("float32"))


def test_equals_the_model_built_compiled_and_fit_by_hand():
    x, y = data()
    val = data(1)
    model, history = train(ElmanCell(3), x, y,
                           optimizer=keras.optimizers.SGD(0.1), epochs=3,
                           batch_size=4, validation=val, seed=7)
    keras.utils.set_random_seed(7)
    twin = keras.Sequential([keras.Input((None, 2)),
                             keras.layers.RNN(ElmanCell(3)),
                             keras.layers.Dense(1)])
    twin.compile(keras.optimizers.SGD(0.1), "mse")
    expected = twin.fit(x, y, batch_size=4, epochs=3, validation_data=val,
                        verbose=0).history
    assert history.keys() == {"loss", "val_loss"}
    np.testing.assert_allclose(history["loss"], expected["loss"], rtol=1e-6)
    np.testing.assert_allclose(history["val_loss"], expected["val_loss"],
                               rtol=1e-6)
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_the_seed_alone_fixes_the_initial_weights():
    x, y = data()
    cell = ElmanCell(3)  # made before any seeding: only a template
    runs = [train(template, x, y, optimizer="sgd", epochs=0, seed=seed)[0]
            for template, seed in ((cell, 1), (ElmanCell(3), 1),
                                   (ElmanCell(3), 2))]
    weights = [np.concatenate([w.ravel() for w in m.get_weights()])
               for m in runs]
    np.testing.assert_array_equal(weights[0], weights[1])
    assert not np.array_equal(weights[0], weights[2])
    assert not cell.built  # the template stays as it was


def test_a_zero_sample_weight_leaves_the_weights_alone():
    x, _ = data()
    y = np.random.default_rng(3).normal(size=(16, 5, 4)).astype("float32")
    keras.utils.set_random_seed(0)
    model, history = train(LSTMCell(2), x, y, optimizer="sgd", epochs=1,
                           return_sequences=True, sample_weight=np.zeros(
                               (16, 5), bool), seed=0)
    keras.utils.set_random_seed(0)
    untrained, _ = train(LSTMCell(2), x, y, optimizer="sgd", epochs=0,
                         return_sequences=True, seed=0)
    assert model.output_shape == (None, None, 4)
    assert history["loss"] == [0.0]
    for a, b in zip(model.get_weights(), untrained.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_read_out_model_wraps_a_cell_and_keeps_a_layer():
    wrapped = read_out_model(ElmanCell(3), 2, 4, activation="sigmoid")
    assert isinstance(wrapped.layers[0], keras.layers.RNN)
    assert wrapped.layers[-1].get_config()["activation"] == "sigmoid"
    assert wrapped.output_shape == (None, 4)
    lstm = keras.layers.LSTM(3, return_sequences=True)
    kept = read_out_model(lstm, 2, return_sequences=True)
    assert kept.layers[0] is lstm and kept.output_shape == (None, None, 1)


@pytest.mark.parametrize("recurrent, kwargs, error, match", [
    (keras.layers.Dense(3), {}, TypeError,
     "recurrent must be a recurrent layer or a cell"),
    (keras.layers.LSTM(3), {"return_sequences": True}, ValueError,
     "return_sequences=True, but the layer has return_sequences=False"),
])
def test_read_out_model_refuses(recurrent, kwargs, error, match):
    with pytest.raises(error, match=match):
        read_out_model(recurrent, 2, **kwargs)


def test_train_refuses_mismatched_shapes_and_a_built_layer():
    x, y = data()
    with pytest.raises(ValueError, match=r"x must be \(N, T, features\) and "
                       r"y \(N, T, outputs\) with return_sequences=True; "
                       r"got shapes \(16, 5, 2\) and \(16, 1\)"):
        train(ElmanCell(3), x, y, optimizer="sgd", epochs=1,
              return_sequences=True)
    with pytest.raises(ValueError, match=r"got shapes \(16, 2\)"):
        train(ElmanCell(3), x[:, 0], y, optimizer="sgd", epochs=1)
    built = keras.layers.RNN(ElmanCell(3))
    built.build((None, 5, 2))
    with pytest.raises(ValueError, match="is already built"):
        train(built, x, y, optimizer="sgd", epochs=1)


def test_a_stream_read_with_resets_equals_each_piece_read_alone():
    x = np.random.default_rng(4).normal(size=(4, 9, 2)).astype("float32")
    model, _ = train(LSTMCell(3), x, np.zeros((4, 9, 2), "float32"),
                     optimizer="sgd", epochs=0, return_sequences=True)
    stream, starts = x[0], np.array([0, 2, 6])

    def alone(piece):
        return keras.ops.convert_to_numpy(model(piece[None]))[0]

    got = predict_stream(model, stream, starts)
    expected = np.concatenate([alone(stream[0:2]), alone(stream[2:6]),
                               alone(stream[6:9])])
    assert got.shape == (9, 2)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(predict_stream(model, stream), alone(stream),
                               rtol=1e-5, atol=1e-6)
    assert not np.allclose(got[2:], alone(stream)[2:])  # the resets matter
