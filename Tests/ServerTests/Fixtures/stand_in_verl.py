#!/usr/bin/env python3
"""A stand-in for a verl run: appends verl file-logger lines to the JSONL path
given as the first argument, one per step for the number of steps given as the
second, and logs to stdout."""
import json, sys, time

path, steps = sys.argv[1], int(sys.argv[2])
with open(path, "a") as log:
    for step in range(1, steps + 1):
        log.write(json.dumps({"step": step, "data": {"critic/score/mean": step / steps, "actor/ppo_kl": 0.001}}) + "\n")
        log.flush()
        print(f"verl step {step}", flush=True)
        time.sleep(0.05)
