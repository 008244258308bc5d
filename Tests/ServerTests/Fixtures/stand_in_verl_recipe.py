#!/usr/bin/env python3
"""A stand-in for a verl recipe run as an aepo job template (CPU, stdlib only).

Like verl it logs each step twice: to the console (`step:N - key:value - ...`
on stdout) and, when VERL_FILE_LOGGER_PATH is set, to a JSONL file that it
truncates when it opens it (so a resumed run starts the file over). Every
`--save-freq` steps and at the end it writes `global_step_N/actor/` and
`latest_checkpointed_iteration.txt` under `--ckpt-dir`, as verl does.

Options (anything else, e.g. a hydra override, is accepted and recorded):
  --steps N          steps to run (default 5)
  --ckpt-dir D       checkpoint directory (default ./checkpoints)
  --save-freq K      checkpoint every K steps (default 2)
  --sleep S          seconds per step (default 0.05)
  --resume           start after the latest checkpoint, if any
  --restart-at K     after step K, exec itself again with --resume (a resumed
                     run: the metrics file is truncated, steps after the last
                     checkpoint are logged again)
  --nan-at K         step K reports actor/pg_loss NaN and actor/grad_norm inf
  --fail-at K        at step K print a traceback and exit 1
  --no-final-checkpoint  skip the checkpoint of the last step
  --hold-after K --go-file F   after step K wait until F exists (at most 120 s)
  --child            start a child process that ignores SIGTERM (pid in child.pid)
  --ignore-term      ignore SIGTERM itself
  --record-dir D     where argv.json, env.json, recipe.pid and child.pid go
                     (default: the working directory; a Ray job's is Ray's)

It writes argv.json (its arguments), env.json (its environment) and
recipe.pid (its pid) into the record directory.
"""
import json, math, os, signal, subprocess, sys, time

args = sys.argv[1:]
def option(name, default=None):
    return args[args.index(name) + 1] if name in args else default

steps = int(option("--steps", "5"))
ckpt_dir = option("--ckpt-dir", "checkpoints")
save_freq = int(option("--save-freq", "2"))
pause = float(option("--sleep", "0.05"))
restart_at = int(option("--restart-at", "0"))
nan_at = int(option("--nan-at", "0"))
fail_at = int(option("--fail-at", "0"))
hold_after = int(option("--hold-after", "0"))
go_file = option("--go-file")
record_dir = option("--record-dir", ".")
os.makedirs(record_dir, exist_ok=True)

with open(os.path.join(record_dir, "argv.json"), "w") as f:
    json.dump(args, f)
with open(os.path.join(record_dir, "env.json"), "w") as f:
    json.dump(dict(os.environ), f)
with open(os.path.join(record_dir, "recipe.pid"), "w") as f:
    f.write(str(os.getpid()))
if "--ignore-term" in args:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
child_pid = os.path.join(record_dir, "child.pid")
if "--child" in args and not os.path.exists(child_pid):
    child = subprocess.Popen([sys.executable, "-c",
        "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(600)\n"])
    with open(child_pid, "w") as f:
        f.write(str(child.pid))

start = 1
tracker = os.path.join(ckpt_dir, "latest_checkpointed_iteration.txt")
if "--resume" in args and os.path.exists(tracker):
    start = int(open(tracker).read().strip()) + 1
    print(f"resuming from step {start}", flush=True)

path = os.environ.get("VERL_FILE_LOGGER_PATH")
metrics = open(path, "w") if path else None  # verl's FileLogger truncates on open


def save(step):
    os.makedirs(os.path.join(ckpt_dir, f"global_step_{step}", "actor"), exist_ok=True)
    with open(tracker, "w") as f:
        f.write(str(step))


for step in range(start, steps + 1):
    run = 2 if "--resume" in args else 1
    data = {"critic/score/mean": round(step / steps, 4), "actor/pg_loss": round(-0.01 * step, 4),
            "actor/grad_norm": 0.5, "run": run}
    if step == nan_at:
        data["actor/pg_loss"] = math.nan
        data["actor/grad_norm"] = math.inf
    if metrics:
        metrics.write(json.dumps({"step": step, "data": data}) + "\n")
        metrics.flush()
    print(f"step:{step} - " + " - ".join(f"{k}:{v}" for k, v in data.items()), flush=True)
    if step == fail_at:
        sys.stderr.write("Traceback (most recent call last):\nRuntimeError: the stand-in failed on purpose\n")
        sys.exit(1)
    if step % save_freq == 0 and (step < steps or "--no-final-checkpoint" not in args):
        save(step)
    if step == hold_after and go_file:
        deadline = time.time() + 120
        while not os.path.exists(go_file) and time.time() < deadline:
            time.sleep(0.05)
    if step == restart_at and "--resume" not in args:
        if metrics:
            metrics.close()
        os.execv(sys.executable, [sys.executable, sys.argv[0]] + args + ["--resume"])
    time.sleep(pause)

if "--no-final-checkpoint" not in args:
    save(steps)
print("training finished", flush=True)
