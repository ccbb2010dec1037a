"""The code that runs inside the grader's sandbox, beside a student's code.

Nothing here imports the course package outside this folder (relative
imports only), so that the sandbox can mount this folder alone: the
references, the exercise specs and the scoring never enter the process that
runs student code. :mod:`.calls` is how each exercise calls a submission,
:mod:`.convert` turns what it returned into arrays, :mod:`.frames` is the
wire format between the sandbox and the scorer, :mod:`.course_stub` stands
in for the course package there, and :mod:`.worker` runs the exercises.
"""
