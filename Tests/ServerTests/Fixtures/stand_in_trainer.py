#!/usr/bin/env python3
"""A stand-in for `aepo train ... --events -` in tests.

Prints verl file-logger lines on stdout and a progress bar on stderr, writes a
small safetensors file at --out and exits 0. Behaviour by --seed:
13 crashes after two steps, 99 runs until killed, 77 ignores SIGTERM.
"""
import json, signal, struct, sys, time

args = sys.argv[1:]
def option(name, default=None):
    return args[args.index(name) + 1] if name in args else default

steps = int(option("--steps", "3"))
seed = int(option("--seed", "0"))
out = option("--out")
if seed == 77:
    signal.signal(signal.SIGTERM, lambda *_: None)
step = 0
while True:
    step += 1
    line = {"step": step, "data": {"critic/score/mean": 0.1 * step, "actor/entropy": 0.5, "actor/pg_loss": -0.01 * step}}
    print(json.dumps(line), flush=True)
    sys.stderr.write(f"\rtrain [{'#' * step}] step {step}/{steps}")
    sys.stderr.flush()
    if seed == 13 and step == 2:
        sys.stderr.write("\nerror: the stand-in crashed on purpose\n")
        sys.exit(3)
    if seed in (99, 77):
        time.sleep(0.2)
        continue
    if step >= steps:
        break
    time.sleep(0.02)
sys.stderr.write("\n")
header = json.dumps({"__metadata__": {"format": "pt", "algorithm": option("--algorithm")},
                     "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
with open(out, "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header + b"\0" * 8)
