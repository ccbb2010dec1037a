"""Float64 NumPy references: the equations of each chapter, loop by loop."""
