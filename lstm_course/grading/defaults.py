"""The grader's defaults, in one light module: the command line reads them
without importing the grader (and with it TensorFlow)."""

#: Seconds one exercise of one student may run (grade, Gradescope).
EXERCISE_TIMEOUT = 60.0

#: Excess similarity over an exercise's class median that flags a pair
#: (``lstm-course similarity``).
SIMILARITY_THRESHOLD = 0.6
