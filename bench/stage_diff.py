#!/usr/bin/env python3
"""How two or more `hubgen` builds of one site differ, stage by stage, measured in pairs.

On a shared VM the same binary's build moves by 10–30% from one minute to the next, so the
medians of two separately run series can differ by more than the change being measured. This
runs every variant once per round, in a new random order each round, and reports for each
variant the median over the rounds of its difference from the first variant *in the same
round* (wall time, CPU time, and each stage of the `Built …` line), with the range. A change
that moves a stage the same way in nearly every round shows up even when the host is noisy.

  python3 bench/stage_diff.py --root SITE --rounds 11 \\
      target/release/hubgen /tmp/hubgen-experiment /tmp/hubgen-experiment:SOME_ENV=1

Each variant is a binary path, optionally followed by `:NAME=VALUE` environment settings.
A run during which the host stole more than --max-steal clock ticks of CPU (the `steal`
column of /proc/stat) is run again, up to 8 times (each build is bench/search_cost.py's).
Stdlib only; Linux (/proc/stat, wait4). Builds go to a temporary folder (under /dev/shm
when there is one: a RAM-backed output, like bench/search_cost.py's), emptied after each
build and deleted at the end.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile

# The same steal-filtered, wait4-timed build as bench/search_cost.py (this script's folder
# is on sys.path).
import search_cost


def parse_variant(spec):
    """`path[:NAME=VALUE…]` → (path, env overrides)."""
    path, *settings = spec.split(":")
    env = {}
    for s in settings:
        name, sep, value = s.partition("=")
        if not sep or not name:
            sys.exit(f"stage_diff: {s!r} in {spec!r} is not NAME=VALUE")
        env[name] = value
    return path, env


def build(path, env, root, out, max_steal):
    """One build: {'wall': ms, 'CPU': ms, stage: ms, …}."""
    wall, cpu, _, _, line = search_cost.build(path, root, out, max_steal, env)
    return {"wall": wall * 1000, "CPU": cpu * 1000, **search_cost.stage_times(line)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("variants", nargs="+", help="binary[:NAME=VALUE…]; the first is the base")
    ap.add_argument("--root", required=True, help="site to build (holds config.toml)")
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--max-steal", type=int, default=3)
    args = ap.parse_args()
    if len(args.variants) < 2:
        sys.exit("stage_diff: give at least two variants")
    variants = [parse_variant(v) for v in args.variants]
    root = os.path.abspath(args.root)
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    work = tempfile.mkdtemp(prefix="hubgen-stage-diff-", dir=shm)
    out = os.path.join(work, "out")
    diffs = {i: {} for i in range(1, len(variants))}
    try:
        for r in range(args.rounds):
            order = list(range(len(variants)))
            random.shuffle(order)
            got = {i: build(*variants[i], root, out, args.max_steal) for i in order}
            print(f"# round {r + 1}: " + ", ".join(
                f"{args.variants[i]} {got[i]['wall']:.0f} ms" for i in range(len(variants))),
                file=sys.stderr)
            for i in diffs:
                # A stage only one of the two has counts as 0 ms in the other.
                stages = list(got[0]) + [s for s in got[i] if s not in got[0]]
                for stage in stages:
                    d = got[i].get(stage, 0.0) - got[0].get(stage, 0.0)
                    diffs[i].setdefault(stage, []).append(d)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.rounds} rounds, site {root}; differences from {args.variants[0]}, per round")
    for i, by_stage in diffs.items():
        print(f"\n{args.variants[i]}")
        print("| stage | median | range |")
        print("|---|---:|---:|")
        for stage, d in by_stage.items():
            print(f"| {stage} | {statistics.median(d):+.0f} ms | {min(d):+.0f} to {max(d):+.0f} |")


if __name__ == "__main__":
    main()
