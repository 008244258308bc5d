#!/usr/bin/env python3
"""SVG curves of the RL comparison (docs/rl.md) from verl event files.

    scripts/plot-rl-curves.py RUNS_DIR OUT_DIR

RUNS_DIR holds <task>-<algorithm>-seed<S>.jsonl files (scripts/rl-comparison);
one SVG per (task, metric) is written to OUT_DIR: the mean over seeds of a
5-step moving average per algorithm, each seed's raw curve faint behind it.
Standard library only.
"""
import json
import math
import os
import re
import sys
from html import escape

METRICS = [
    ("critic/score/mean", "reward (critic/score/mean)"),
    ("critic/accuracy", "training accuracy (critic/accuracy)"),
    ("actor/entropy", "policy entropy / log|V| (actor/entropy)"),
    ("actor/pg_clipfrac", "clip fraction (actor/pg_clipfrac)"),
    ("actor/pg_clipfrac_lower", "dual-clip fraction (actor/pg_clipfrac_lower)"),
    ("actor/ppo_kl", "approx. KL to pi_old (actor/ppo_kl)"),
    ("rollout/global_samples", "global samples per group (rollout/global_samples)"),
    ("rollout/branch_samples", "branch samples per group (rollout/branch_samples)"),
    ("rollout/distinct_answers", "distinct answers per group (rollout/distinct_answers)"),
    ("response_length/mean", "response tokens (response_length/mean)"),
]
COLORS = {"aepo": "#d62728", "arpo": "#1f77b4", "grpo": "#2ca02c", "dapo": "#9467bd", "gspo": "#8c564b",
          "reinforce++": "#e377c2", "gppo": "#7f7f7f", "cispo": "#bcbd22"}
PATTERN = re.compile(r"^(?P<task>.+)-(?P<algorithm>[a-z+]+)-seed(?P<seed>\d+)\.jsonl$")


def load(runs_dir):
    runs = {}
    for name in sorted(os.listdir(runs_dir)):
        match = PATTERN.match(name)
        if not match:
            continue
        lines = [json.loads(line) for line in open(os.path.join(runs_dir, name)) if line.strip()]
        lines = [line for line in lines if "critic/score/mean" in line["data"]]
        if lines:
            runs.setdefault(match["task"], {}).setdefault(match["algorithm"], []).append(lines)
    return runs


def smooth(values, window=5):
    out = []
    for i in range(len(values)):
        chunk = [v for v in values[max(0, i - window + 1): i + 1] if v is not None]
        out.append(sum(chunk) / len(chunk) if chunk else None)
    return out


def chart(title, series, faint, width=560, height=300):
    left, right, top, bottom = 60, 110, 30, 40
    points = [(x, y) for s in list(series.values()) + [f for fs in faint.values() for f in fs] for x, y in s if y is not None]
    if not points:
        return None
    xmin, xmax = min(p[0] for p in points), max(p[0] for p in points)
    ymin, ymax = min(p[1] for p in points), max(p[1] for p in points)
    if ymax - ymin < 1e-12:
        ymin, ymax = ymin - 0.5, ymax + 0.5
    pad = (ymax - ymin) * 0.05
    ymin, ymax = ymin - pad, ymax + pad
    if xmax == xmin:
        xmax = xmin + 1
    sx = lambda x: left + (x - xmin) / (xmax - xmin) * (width - left - right)
    sy = lambda y: top + (1 - (y - ymin) / (ymax - ymin)) * (height - top - bottom)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'font-family="sans-serif" font-size="11" role="img" aria-label="{escape(title)}">',
           f'<title>{escape(title)}</title><rect width="100%" height="100%" fill="white"/>',
           f'<text x="{left}" y="18" font-size="13">{escape(title)}</text>']
    for i in range(5):
        y = ymin + (ymax - ymin) * i / 4
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{sy(y):.1f}" y2="{sy(y):.1f}" stroke="#e5e5e5"/>'
                   f'<text x="{left - 6}" y="{sy(y) + 4:.1f}" text-anchor="end">{y:.3g}</text>')
    for i in range(5):
        x = xmin + (xmax - xmin) * i / 4
        out.append(f'<text x="{sx(x):.1f}" y="{height - bottom + 16}" text-anchor="middle">{x:.0f}</text>')
    out.append(f'<text x="{(left + width - right) / 2:.0f}" y="{height - 6}" text-anchor="middle">RL step</text>')
    for name, curves in faint.items():
        for curve in curves:
            path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in curve if y is not None)
            out.append(f'<polyline points="{path}" fill="none" stroke="{COLORS.get(name, "#000")}" '
                       f'stroke-opacity="0.18" stroke-width="1"/>')
    for i, (name, curve) in enumerate(series.items()):
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in curve if y is not None)
        color = COLORS.get(name, "#000")
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        out.append(f'<line x1="{width - right + 10}" x2="{width - right + 30}" y1="{top + 14 * i + 6}" '
                   f'y2="{top + 14 * i + 6}" stroke="{color}" stroke-width="2"/>'
                   f'<text x="{width - right + 34}" y="{top + 14 * i + 10}">{escape(name.upper())}</text>')
    out.append("</svg>")
    return "\n".join(out)


def main():
    runs_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    for task, algorithms in load(runs_dir).items():
        for key, title in METRICS:
            series, faint = {}, {}
            for algorithm in sorted(algorithms, key=lambda a: list(COLORS).index(a) if a in COLORS else 99):
                seeds = algorithms[algorithm]
                length = min(len(s) for s in seeds)
                steps = [i + 1 for i in range(length)]
                per_seed = [smooth([line["data"].get(key) for line in s[:length]]) for s in seeds]
                mean = [sum(v[i] for v in per_seed) / len(per_seed) if all(v[i] is not None for v in per_seed) else None
                        for i in range(length)]
                series[algorithm] = list(zip(steps, mean))
                faint[algorithm] = [list(zip(steps, [line["data"].get(key) for line in s[:length]])) for s in seeds]
            svg = chart(f"{task}: {title}, mean of {len(next(iter(algorithms.values())))} seeds", series, faint)
            if svg:
                name = f"{task}-{key.replace('/', '-')}.svg"
                with open(os.path.join(out_dir, name), "w") as handle:
                    handle.write(svg + "\n")
                print(name)


if __name__ == "__main__":
    main()
