"""Forecasting: error metrics and the statistical baselines every learnt
model in chapters 00 and 06 must beat."""
