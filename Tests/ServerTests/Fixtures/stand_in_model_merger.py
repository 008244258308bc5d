#!/usr/bin/env python3
"""A stand-in for `python -m verl.model_merger merge` (stdlib only).

verl's merger turns an FSDP `global_step_N/actor` into a Hugging Face
directory. This one checks `--local_dir` exists, then copies the files of
`--hf-source` (the tiny HF fixture) into `--target_dir`.

Options:
  --local_dir D     the actor directory (must exist)
  --target_dir T    where the HF directory goes
  --hf-source S     the directory whose files it copies
  --fail            print an error and exit 3 without writing anything
  --hold            write merger.pid into the working directory, then wait
                    (at most 120 s) for a file `go-merge` there
"""
import os, shutil, sys, time

args = sys.argv[1:]
def option(name):
    return args[args.index(name) + 1] if name in args else None

local_dir, target_dir, source = option("--local_dir"), option("--target_dir"), option("--hf-source")
print(f"merging {local_dir} into {target_dir}", flush=True)
if "--hold" in args:
    with open("merger.pid", "w") as f:
        f.write(str(os.getpid()))
    deadline = time.time() + 120
    while not os.path.exists("go-merge") and time.time() < deadline:
        time.sleep(0.05)
if "--fail" in args:
    print("RuntimeError: stand-in merger failed on purpose", file=sys.stderr, flush=True)
    sys.exit(3)
if not local_dir or not os.path.isdir(local_dir):
    print(f"no actor directory {local_dir}", file=sys.stderr, flush=True)
    sys.exit(2)
os.makedirs(target_dir, exist_ok=True)
for name in sorted(os.listdir(source)):
    shutil.copyfile(os.path.join(source, name), os.path.join(target_dir, name))
print(f"saved the merged model to {target_dir}", flush=True)
