"""The benchmark summary: the README's Speed table is the committed
cell_speed result, and the summary page reports what it was given."""

import importlib.util
import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def benchmark_module(name):
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", REPO / f"benchmarks/{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def summary_module():
    return benchmark_module("summary")


def test_readme_speed_table_is_the_committed_cell_speed_run():
    """Rerunning cell_speed.py without updating the README fails."""
    summary = summary_module()
    result = json.loads(
        (REPO / "benchmarks/results/cell_speed.json").read_text())
    assert summary.readme_table(result) in (REPO / "README.md").read_text()


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
