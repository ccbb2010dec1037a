"""Today's alternatives to the LSTM, as Keras 3 layers written with
``keras.ops`` (chapter 06): LTSF-Linear, the TCN, a causal Transformer
encoder, and the ODE-RNN with a fixed-step RK4 solver. The GRU is a cell,
in :mod:`lstm_course.cells`."""
