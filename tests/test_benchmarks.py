"""The benchmark summary: its headline table is the committed cell_speed
result, the README's chapter times are the committed chapter_times run,
and the summary page reports what it was given."""

import importlib.util
import json
import os
import re
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def benchmark_module(name):
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", REPO / f"benchmarks/{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def summary_module():
    return benchmark_module("summary")


def test_headline_table_is_the_committed_cell_speed_run():
    """Rerunning cell_speed.py without rewriting the summary fails."""
    summary = summary_module()
    result = json.loads(
        (REPO / "benchmarks/results/cell_speed.json").read_text())
    assert summary.headline_table(result) in (
        REPO / "benchmarks/results/summary.md").read_text()


def test_readme_chapter_times_are_the_committed_chapter_times_run():
    summary = summary_module()
    result = json.loads(
        (REPO / "benchmarks/results/chapter_times.json").read_text())
    readme = (REPO / "README.md").read_text()
    rows = {line.split("|")[2].strip(" `"): line.split("|")[-2].strip()
            for line in readme.splitlines() if re.match(r"\| 0\d \|", line)}
    assert len(rows) == 7
    for record in result["results"]:
        if record["mode"] == "class":
            name = record["notebook"].removesuffix(".ipynb")
            assert rows[name] == summary.class_time(record["seconds"]), name


def test_summary_reports_targets_and_missing_results(tmp_path):
    summary = summary_module()
    machine = {"python": "3.11", "keras": "3.15", "cpus": 2}
    chapters = {"command": "python benchmarks/chapter_times.py",
                "machine": machine, "date": "2026-11-25",
                "results": [
                    {"notebook": "01_a.ipynb", "mode": "smoke", "seconds": 9},
                    {"notebook": "01_a.ipynb", "mode": "class", "seconds": 20},
                    {"notebook": "02_b.ipynb", "mode": "class",
                     "seconds": 301}]}
    (tmp_path / "chapter_times.json").write_text(json.dumps(chapters))
    shutil.copy(REPO / "benchmarks/results/cell_speed.json", tmp_path)

    assert summary.main(tmp_path) == 0

    page = (tmp_path / "summary.md").read_text()
    assert "| 01_a.ipynb | 9 | 20 | met |" in page
    assert "| 02_b.ipynb | - | 301 | missed |" in page
    assert "No `test_time.json` yet" in page
    assert "No `grading.json` yet" in page
    assert "| LSTM1997Cell | LSTM | 1000 |" in page
    assert (tmp_path / "chapter_times.png").stat().st_size > 0


def test_test_time_runs_what_make_test_runs():
    runs = benchmark_module("test_time").make_test_runs()
    assert [name for name, _, _ in runs] == [
        "tensorflow, everything",
        "jax, tests/cells tests/models tests/test_autodiff.py"]
    for _, env, argv in runs:
        assert env["LSTM_COURSE_MODE"] == "smoke"
        assert argv[1:3] == ["-m", "pytest"] and "-q" in argv
        assert argv[argv.index("--dist") + 1] == "loadfile"
    assert "--nbval-lax" in runs[0][2] and runs[1][1]["KERAS_BACKEND"] == "jax"


def test_test_time_keeps_pytests_slowest_rows():
    report = ("==== slowest 2 durations ====\n"
              "12.31s call     tests/a.py::test_x\n"
              "0.50s setup    solutions/01.ipynb::Cell 0\n\n1 passed in 3s")
    assert benchmark_module("test_time")._slowest(report).splitlines() == [
        "12.31s call     tests/a.py::test_x",
        "0.50s setup    solutions/01.ipynb::Cell 0"]


def test_reproduce_rows_name_their_rate_and_first_seed():
    suite = benchmark_module("reproduce_1997")
    assert suite.parse_row("2c:1000") == ("2c", 1000)
    assert suite.parse_row("6a") == ("6a", None)
    assert suite.row_path("4", 1000, "paper", "adam").name == \
        "4_1000_paper_adam.json"
    assert suite.row_path("4", 1000, "paper", "adam", 0.01, 1).name == \
        "4_1000_paper_adam_lr0.01_seed1.json"
    assert suite.row_path("6a", None, "paper", "paper").name == \
        "6a_-_paper_paper.json"


def test_reproduce_table_is_the_committed_results():
    """Rows added without rebuilding the table fail here."""
    suite = benchmark_module("reproduce_1997")
    assert suite.table() == \
        (REPO / "benchmarks/results/reproduce_1997.md").read_text()


def test_paper_configuration_table_is_the_committed_results():
    """Rows run without rebuilding the table fail here."""
    suite = benchmark_module("reproduce_1997_paper")
    assert suite.table() == \
        (REPO / "benchmarks/results/reproduce_1997_paper.md").read_text()


def test_paper_records_come_in_the_order_of_the_papers_tables(tmp_path):
    import json

    from lstm_course.reproduce.results import load_paper_records

    for name, row in (("b", "6a"), ("a", "2c q=50 p=50"), ("c", "6a")):
        (tmp_path / f"{name}.json").write_text(json.dumps({"row": row}))
    records = load_paper_records(tmp_path)
    assert list(records) == ["2c q=50 p=50", "6a"]
    assert len(records["6a"]) == 2


def test_paper_suite_cuts_rows_into_jobs_of_consecutive_seeds():
    from types import SimpleNamespace

    suite = benchmark_module("reproduce_1997_paper")
    args = SimpleNamespace(trials=None, seed=0, chunks=3)
    assert suite.jobs_of(["6a", "6b"], args) == [
        ("6a", 0, 7), ("6a", 7, 7), ("6a", 14, 6),
        ("6b", 0, 4), ("6b", 4, 3), ("6b", 7, 3)]
    args = SimpleNamespace(trials=2, seed=5, chunks=4)
    assert suite.jobs_of(["6a"], args) == [("6a", 5, 1), ("6a", 6, 1)]


def test_paper_suite_on_a_local_ray_instance_gives_what_one_process_gives(
        tmp_path, monkeypatch):
    """Jobs run as Ray tasks write one JSON each, and a trial's numbers
    depend on its seed only: the same as one process training them."""
    if os.environ.get("CI"):
        import ray  # noqa: F401  (CI installs the ray extra: .ci/run)
    else:
        pytest.importorskip("ray")
    import json

    suite = benchmark_module("reproduce_1997_paper")
    monkeypatch.setattr(suite, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(suite, "TABLE", tmp_path / "table.md")
    slug = "2a-RTRL-p4-lr10.0"  # NumPy only: nothing to compile per task
    assert suite.main(["--rows", slug, "--trials", "3", "--budget", "300",
                       "--chunks", "2", "--ray", "local"]) == 0
    written = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert written == [f"{slug}_seed0.json", f"{slug}_seed2.json"]
    for seed, trials in ((0, 2), (2, 1)):
        record = json.loads(
            (tmp_path / "results" / f"{slug}_seed{seed}.json").read_text())
        alone = suite.job_record(slug, seed, trials, 300)
        assert record["machine"] and record["seed"] == seed
        assert [t["seed"] for t in record["trials"]] == \
            list(range(seed, seed + trials))
        assert record["trials"] == alone["trials"]
    table = (tmp_path / "table.md").read_text()
    assert "| 2 | 2a RTRL p=4 lr 10.0 | 36 | 18 | 22 | 254,000 | 3 | 0 |" \
        in table


def test_gers_cerg_table_is_the_committed_results():
    suite = benchmark_module("cerg_gers")
    assert suite.table() == \
        (REPO / "benchmarks/results/cerg_gers.md").read_text()


def test_paper_suite_refuses_to_count_a_trial_twice():
    suite = benchmark_module("reproduce_1997_paper")
    record = {"row": "6a", "trials": [{"seed": 0, "solved": False,
                                       "sequences": 10}],
              "wall_seconds": 1.0, "budget": 10, "command": "x"}
    assert len(suite.pooled([record])["trials"]) == 1
    with pytest.raises(ValueError, match=r"seeds \[0\] are in more than"):
        suite.pooled([record, record])


def test_gers_cerg_table_refuses_to_count_a_network_twice(tmp_path,
                                                          monkeypatch):
    suite = benchmark_module("cerg_gers")
    monkeypatch.setattr(suite, "RESULTS", tmp_path)
    source = REPO / "benchmarks/results/cerg_gers/forget_seed0.json"
    shutil.copy(source, tmp_path / "forget_seed0.json")
    assert "| forget gates, lr 0.5 | 424 | 18 (18,889) |" in suite.table()
    shutil.copy(source, tmp_path / "forget_seed0_again.json")
    with pytest.raises(ValueError, match="more than one file"):
        suite.table()


def test_committed_class_mode_run_is_of_these_notebooks_and_passed():
    """`make test-class`'s committed result: every solution notebook, as its
    code is now, ran in class mode with every assert holding."""
    test_class = benchmark_module("test_class")
    result = json.loads(
        (REPO / "benchmarks/results/test_class.json").read_text())
    rows = {row["notebook"]: row for row in result["results"]}
    notebooks = sorted((REPO / "solutions").glob("*.ipynb"))
    assert sorted(rows) == [path.name for path in notebooks]
    for path in notebooks:
        row = rows[path.name]
        assert row["code"] == test_class.code_fingerprint(path), (
            f"{path.name} changed since `make test-class` ran")
        assert row["passed"], f"{path.name}: {row.get('error')}"
    assert (REPO / "benchmarks/results/test_class.md").read_text() == (
        test_class.markdown(result["results"]))


def test_class_mode_run_reports_the_assert_that_failed(tmp_path, monkeypatch):
    import nbformat

    monkeypatch.setenv("LSTM_COURSE_MODE", "smoke")  # as under `make test`
    test_class = benchmark_module("test_class")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from lstm_course import mode"),
        nbformat.v4.new_code_cell(
            "assert mode() == 'smoke', 'the claim, in ' + mode()")])
    path = tmp_path / "07_claim.ipynb"
    nbformat.write(nb, path)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    row = test_class.run_class_mode(path, scratch)
    assert os.environ["LSTM_COURSE_MODE"] == "smoke"  # no leak to later tests
    assert row["passed"] is False
    assert row["error"] == "AssertionError: the claim, in class"
    assert "FAILED: AssertionError: the claim, in class" in (
        test_class.markdown([row]))
    assert nbformat.read(path, as_version=4) == nb  # the copy ran, not it


def test_mutation_summary_scores_each_module_and_names_every_survivor():
    mutation = benchmark_module("mutation")
    state = {"pkg/a.py": {"a.x__mutmut_1": "killed", "a.x__mutmut_2": "timeout",
                          "a.x__mutmut_3": "survived",
                          "a.x__mutmut_4": "survived",
                          "a.x__mutmut_5": "no tests",
                          "a.x__mutmut_6": "survived"},
             "pkg/b.py": {"b.y__mutmut_1": "killed"}}
    diffs = {"a.x__mutmut_3": "-    n = 1\n+    n = 2",
             "a.x__mutmut_4": "-    s = 'a'\n+    s = 'A'",
             "a.x__mutmut_5": "-    t = 0\n+    t = None",
             "a.x__mutmut_6": "-    u = 0\n+    u = 1"}
    equivalents = {
        "a.x__mutmut_4": {"mutant": "a.x__mutmut_4", "mutated": "s = 'A'",
                          "reason": "case does not matter"},
        "a.x__mutmut_3": {"mutant": "a.x__mutmut_3", "mutated": "n = 3",
                          "reason": "stale: the mutant is no longer n = 3"},
        "a.x__mutmut_6": {"mutant": "a.x__mutmut_6", "mutated": "u = 1",
                          "caught": "tests/t.py::test_u",
                          "reason": "a subprocess runs it"}}
    modules = mutation.summarise(state, equivalents,
                                 diff=lambda name, module: diffs[name])
    a = modules["pkg/a.py"]
    assert (a["mutants"], a["killed"], a["equivalent"], a["survived"],
            a["no tests"]) == (6, 3, 1, 1, 1)
    assert a["score"] == 0.6 and not a["target_met"]
    assert [s["mutant"] for s in a["survivors"]] == ["a.x__mutmut_3",
                                                     "a.x__mutmut_5"]
    assert modules["pkg/b.py"]["score"] == 1.0
    assert modules["pkg/b.py"]["target_met"]
    page = mutation.markdown(modules)
    assert "| `pkg/a.py` | 6 | 3 | 1 | 1 | 1 | 0 | 60.0% | not met | - |" \
        in page
    assert "`a.x__mutmut_6` (caught by `tests/t.py::test_u`)" in page
    assert "`a.x__mutmut_4` (equivalent): `-    s = 'a'` / `+    s = 'A'`. " \
        "case does not matter" in page


def test_a_module_not_run_keeps_its_last_row_while_its_source_is_the_same():
    mutation = benchmark_module("mutation")

    def row(not_run, score):
        return {"mutants": 2, "killed": 2 - not_run, "not run": not_run,
                "score": score}

    previous = {"a.py": {**row(0, 1.0), "run_on": "2026-12-02",
                         "source_sha256": "old a"},
                "b.py": {**row(0, 0.5), "run_on": "2026-12-02",
                         "source_sha256": "old b"}}
    now = {"a.py": row(2, None), "b.py": row(2, None), "c.py": row(0, 1.0),
           "d.py": row(2, None)}
    digests = {"a.py": "old a", "b.py": "new b", "c.py": "c", "d.py": "d"}
    merged = mutation.carry_over(now, previous, digest=digests.get,
                                 today="2026-12-07")
    assert merged["a.py"] == previous["a.py"]  # unchanged: its last run
    assert merged["b.py"] == {**row(2, None), "run_on": None,
                              "source_sha256": "new b"}  # changed: not run
    assert merged["c.py"]["run_on"] == "2026-12-07"
    assert merged["c.py"]["source_sha256"] == "c"
    assert merged["d.py"]["run_on"] is None


def test_committed_mutation_rows_are_of_the_sources_in_the_tree():
    mutation = benchmark_module("mutation")
    results = json.loads((mutation.RESULTS / "mutation.json").read_text())
    stale = [module for module, row in results["modules"].items()
             if row["run_on"] and row["source_sha256"]
             != mutation.source_digest(module)]
    assert not stale, f"rerun make mutation: {stale} changed since their run"


def test_reviewed_equivalent_mutants_each_give_a_reason():
    mutation = benchmark_module("mutation")
    entries = mutation.load_equivalents()
    assert entries and all(e["reason"].strip() for e in entries.values())
