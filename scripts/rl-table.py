#!/usr/bin/env python3
"""The results table of docs/rl.md from scripts/rl-comparison and scripts/rl-evaluate output.

    scripts/rl-table.py RUNS_DIR

Per task and algorithm, over seeds (mean +- sample std): test Pass@1 and
Pass@5 from the server's evaluations (<run>.safetensors.eval.json), and from
the training events (<run>.jsonl): training accuracy over the first and the
last 10 steps, policy entropy, distinct answers per group, global and branch
samples per group, clip fraction. Standard library only.
"""
import json
import os
import re
import statistics
import sys

PATTERN = re.compile(r"^(?P<task>synth-[a-z]+)-(?P<algorithm>[a-z+]+)-(?P<seed>seed\d+|start)\.safetensors\.eval\.json$")


def fmt(values, digits=3):
    if not values:
        return "-"
    mean = statistics.mean(values)
    if len(values) == 1:
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def window(lines, key, start, end):
    values = [line["data"][key] for line in lines[start:end] if key in line["data"]]
    return statistics.mean(values) if values else None


def main():
    runs = sys.argv[1]
    rows = {}
    for name in sorted(os.listdir(runs)):
        match = PATTERN.match(name)
        if not match:
            continue
        report = json.load(open(os.path.join(runs, name)))
        result = report["evaluation"]["results"][0]
        row = rows.setdefault((match["task"], match["algorithm"]), {})
        row.setdefault("pass1", []).append(result["pass_at_1"])
        row.setdefault("pass5", []).append(result["pass_at_5"])
        events = os.path.join(runs, name.replace(".safetensors.eval.json", ".jsonl"))
        if os.path.exists(events):
            lines = [json.loads(l) for l in open(events) if l.strip()]
            lines = [l for l in lines if "critic/score/mean" in l["data"]]
            for key, label in [("critic/accuracy", "acc"), ("actor/entropy", "entropy"),
                               ("rollout/distinct_answers", "distinct"), ("rollout/global_samples", "global"),
                               ("rollout/branch_samples", "branch"), ("actor/pg_clipfrac", "clip")]:
                first, last = window(lines, key, 0, 10), window(lines, key, -10, None)
                if first is not None:
                    row.setdefault(label + "_first", []).append(first)
                    row.setdefault(label + "_last", []).append(last)
                    row.setdefault(label + "_all", []).append(window(lines, key, 0, None))
    print("| task | algorithm | seeds | test Pass@1 | test Pass@5 | train acc (steps 1-10 -> last 10) "
          "| entropy (last 10) | distinct answers / group (last 10) | global / branch per group (all steps) | clip frac (last 10) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    order = {"sft": 0, "grpo": 1, "arpo": 2, "aepo": 3}
    for (task, algorithm) in sorted(rows, key=lambda k: (k[0], order.get(k[1], 9), k[1])):
        row = rows[(task, algorithm)]
        label = "SFT start" if algorithm == "sft" else algorithm.upper()
        if "acc_first" in row:
            train = f"{fmt(row['acc_first'])} -> {fmt(row['acc_last'])}"
            rest = (f"{fmt(row['entropy_last'], 4)} | {fmt(row['distinct_last'], 2)} | "
                    f"{fmt(row['global_all'], 2)} / {fmt(row['branch_all'], 2)} | "
                    f"{fmt(row['clip_last'], 4)}")
        else:
            train, rest = "-", "- | - | - | -"
        print(f"| {task} | {label} | {len(row['pass1'])} | {fmt(row['pass1'])} | {fmt(row['pass5'])} | {train} | {rest} |")


if __name__ == "__main__":
    main()
