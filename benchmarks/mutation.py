"""Mutation testing's results (issue 25): for each module where a wrong line
teaches a wrong lesson or gives a wrong grade, how many of mutmut's mutants
the tests kill, and every mutant that survives, with its diff or, for an
equivalent mutant, the reason it is harmless.

    make mutation                    # mutmut run, then this script
    python benchmarks/mutation.py    # only the summary of mutmut's state

Reads mutmut's state in ``mutants/`` and the reviewed survivors in
``benchmarks/mutation_equivalent.json`` (a list of ``{"mutant", "mutated",
"reason"}``, plus ``"caught": "test id"`` for a mutant a test kills where
mutmut cannot see it, e.g. in a subprocess; ``mutated`` is the mutant's new
line, so a review no longer holds once the code under it changes); writes
``benchmarks/results/mutation.json`` and ``mutation.md``. The score of a
module is (killed + caught) / (mutants - equivalent); the target is 90%.
A module none of whose mutants ran this time (``mutmut run`` given other
modules' mutants, or a fresh ``mutants/``) keeps its row from the last
results, dated, as long as its source is the one that row was run on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

from lstm_course.provenance import write_results

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.90
EQUIVALENT = ROOT / "benchmarks" / "mutation_equivalent.json"
RESULTS = ROOT / "benchmarks" / "results"


def mutmut_state(mutants: Path) -> dict[str, dict[str, str]]:
    """{module path: {mutant name: status}} from mutmut's ``.meta`` files,
    in mutmut's own words (killed, survived, no tests, timeout, ...)."""
    from mutmut.stats import status_by_exit_code

    state = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        module = meta.relative_to(mutants).as_posix()[:-len(".meta")]
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if not codes:  # nothing to mutate (a package's __init__)
            continue
        state[module] = {name: status_by_exit_code[code]
                         for name, code in codes.items()}
    return state


def mutant_diff(name: str, module: str) -> str:
    """The mutant's changed lines, ``-`` before and ``+`` after."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    lines = get_diff_for_mutant(name, path=module).splitlines()
    return "\n".join(line for line in lines if line[:1] in "+-"
                     and not line.startswith(("+++", "---")))


def added_lines(diff: str) -> list[str]:
    return [line[1:].strip() for line in diff.splitlines()
            if line.startswith("+")]


def load_equivalents(path: Path = EQUIVALENT) -> dict[str, dict]:
    if not path.exists():
        return {}
    entries = json.loads(path.read_text())
    for entry in entries:
        missing = {"mutant", "mutated", "reason"} - set(entry)
        if missing or not entry["reason"].strip():
            raise ValueError(f"{path}: every entry needs a mutant, its "
                             f"mutated line and a reason; {entry} lacks "
                             f"{sorted(missing) or ['a reason']}")
    return {entry["mutant"]: entry for entry in entries}


def summarise(state: dict, equivalents: dict, diff=mutant_diff) -> dict:
    """Per module: counts, score, target met, survivors (with diffs) and
    equivalent mutants (with reasons). A reviewed reason whose mutated line
    is no longer the mutant's counts the mutant as a survivor again."""
    modules = {}
    for module, statuses in state.items():
        counts = {"mutants": len(statuses), "killed": 0, "equivalent": 0,
                  "survived": 0, "no tests": 0, "not run": 0, "other": 0}
        survivors, equivalent = [], []
        for name, status in sorted(statuses.items()):
            if status in ("killed", "timeout"):
                counts["killed"] += 1
                continue
            if status == "not checked":
                counts["not run"] += 1
                continue
            change = diff(name, module)
            entry = equivalents.get(name)
            if (status == "survived" and entry is not None
                    and entry["mutated"].strip() in added_lines(change)):
                kind = "caught" if entry.get("caught") else "equivalent"
                counts["killed" if kind == "caught" else kind] += 1
                equivalent.append({"mutant": name, "diff": change,
                                   "kind": kind, "reason": entry["reason"],
                                   **({"caught": entry["caught"]}
                                      if kind == "caught" else {})})
                continue
            key = status if status in counts else "other"
            counts[key] += 1
            survivors.append({"mutant": name, "status": status,
                              "diff": change})
        judged = counts["mutants"] - counts["equivalent"] - counts["not run"]
        score = counts["killed"] / judged if judged else None
        modules[module] = {**counts, "score": score,
                           "target_met": counts["not run"] == 0
                           and score is not None and score >= TARGET,
                           "survivors": survivors,
                           "equivalent_mutants": equivalent}
    return modules


def source_digest(module: str, root: Path = ROOT) -> str:
    return hashlib.sha256((root / module).read_bytes()).hexdigest()


def carry_over(modules: dict, previous: dict, digest=source_digest,
               today: str | None = None) -> dict:
    """Date and fingerprint this run's rows; a module whose mutants all
    went unrun keeps its previous row if its source is unchanged since."""
    today = today or time.strftime("%Y-%m-%d")
    merged = {}
    for module, row in modules.items():
        old = previous.get(module)
        unrun = row["not run"] == row["mutants"]
        if unrun and old and old.get("source_sha256") == digest(module):
            merged[module] = old
        else:
            merged[module] = {**row, "run_on": None if unrun else today,
                              "source_sha256": digest(module)}
    return merged


def markdown(modules: dict) -> str:
    lines = ["# Mutation testing", "",
             "mutmut's mutants of each module, each run against the tests "
             "that call its function (`make mutation`; "
             "`benchmarks/results/mutation.json` holds every diff). Score: "
             f"(killed + caught) / (mutants - equivalent), where caught "
             "mutants are killed by a test mutmut cannot see (a "
             f"subprocess); target {TARGET:.0%}.", "",
             "| module | mutants | killed | equivalent | survived | "
             "no tests | not run | score | target | run on |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for module, m in modules.items():
        score = "-" if m["score"] is None else f"{m['score']:.1%}"
        lines.append(
            f"| `{module}` | {m['mutants']} | {m['killed']} | "
            f"{m['equivalent']} | {m['survived'] + m['other']} | "
            f"{m['no tests']} | {m['not run']} | {score} | "
            f"{'met' if m['target_met'] else 'not met'} | "
            f"{m.get('run_on') or '-'} |")
    for module, m in modules.items():
        if not m["survivors"] and not m["equivalent_mutants"]:
            continue
        lines += ["", f"## `{module}`", ""]
        for s in m["survivors"]:
            lines.append(f"- `{s['mutant']}` ({s['status']}): "
                         f"{_inline(s['diff'])}")
        for e in m["equivalent_mutants"]:
            by = f" by `{e['caught']}`" if e["kind"] == "caught" else ""
            lines.append(f"- `{e['mutant']}` ({e['kind']}{by}): "
                         f"{_inline(e['diff'])}. {e['reason']}")
    return "\n".join(lines) + "\n"


def _inline(diff: str) -> str:
    return " / ".join(f"`{line}`" for line in diff.splitlines())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", type=Path, default=ROOT / "mutants",
                        help="mutmut's working folder (default: mutants/)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not args.mutants.is_dir():
        parser.error(f"no mutmut state in {args.mutants}: run `make "
                     "mutation` (or `mutmut run`) first")
    results = args.out / "mutation.json"
    previous = json.loads(results.read_text())["modules"] \
        if results.exists() else {}
    modules = carry_over(summarise(mutmut_state(args.mutants),
                                   load_equivalents()), previous)
    write_results(results, tool="mutmut",
                  version=_mutmut_version(), target=TARGET, modules=modules)
    (args.out / "mutation.md").write_text(markdown(modules))
    print(f"wrote {args.out / 'mutation.md'}")
    missed = [m for m, r in modules.items() if not r["target_met"]]
    print(f"{len(modules) - len(missed)} of {len(modules)} modules at "
          f">= {TARGET:.0%}" + (f"; below: {', '.join(missed)}"
                                if missed else ""))
    return 0


def _mutmut_version() -> str:
    from importlib.metadata import version

    return version("mutmut")


if __name__ == "__main__":
    sys.exit(main())
