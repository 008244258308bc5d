#!/usr/bin/env python3
"""A stand-in for an AEPO run on verl, for the training-job page tests.

Usage: stand_in_aepo_run.py METRICS_JSONL STEPS [HOLD_AFTER GO_FILE]

Appends one verl file-logger line per step to METRICS_JSONL with every key
the job page charts (reward, entropy, both clip fractions, response length,
global and branch samples). With HOLD_AFTER and GO_FILE it stops after step
HOLD_AFTER until GO_FILE exists (at most 120 s), so a test can load the page
first and watch the later steps arrive live.
"""
import json, os, sys, time

path, steps = sys.argv[1], int(sys.argv[2])
hold_after = int(sys.argv[3]) if len(sys.argv) > 3 else 0
go_file = sys.argv[4] if len(sys.argv) > 4 else None


def line(step):
    return {"step": step, "data": {
        "critic/score/mean": round(0.5 + step / 100, 4),
        "actor/entropy": round(1.0 - step / 50, 4),
        "actor/pg_clipfrac": round(0.01 * step, 4),
        "actor/pg_clipfrac_lower": round(0.005 * step, 4),
        "actor/pg_loss": round(-0.01 * step, 4),
        "response_length/mean": 100 + 10 * step,
        "rollout/global_samples": 4 + step % 3,
        "rollout/branch_samples": 12 - step % 3,
    }}


with open(path, "a") as log:
    for step in range(1, steps + 1):
        log.write(json.dumps(line(step)) + "\n")
        log.flush()
        print(f"aepo step {step}", flush=True)
        if go_file and step == hold_after:
            deadline = time.time() + 120
            while not os.path.exists(go_file) and time.time() < deadline:
                time.sleep(0.1)
        time.sleep(0.3 if go_file and step > hold_after else 0.02)
