#!/usr/bin/env python3
"""What the search index adds to `hubgen build` (issue 5, part 6: at most 20% at 10k pages).

Builds three copies of one generated corpus once per round, in a new random order each round:
- "on": search as configured;
- "off": `search = false` in its config.toml (no index, no search pages, no header form);
- "form": `search = false`, with the theme's header search form shown anyway, so its pages
  are the search-on build's byte for byte (checked once before the timed rounds).
"On" against "form" is what building the index adds (part 6 speaks of the index build);
"on" against "off" is what search adds as a whole, the form on every page included; "form"
against "off" is the form alone. Each is printed as the ratio of the medians, the median of
each round's ratio with its range, the ratio of the fastest builds, and the CPU ratio.
Stdlib only. Usage (paths are examples):

  python3 bench/search_cost.py                      # 10,000 pages, 7 rounds
  python3 bench/search_cost.py --pages 1000 --rounds 11 --hubgen target/release/hubgen
  python3 bench/search_cost.py --pages 1000 --langs 27 --hubgen target/release/hubgen
  python3 bench/search_cost.py --smoke --hubgen target/debug/hubgen   # CI: 20x3 pages, 1 round

Why it runs this way (BENCHMARKS.md, "Update: word bounds 64 bytes at a time"): on a shared
two-core VM the same binary's wall time moves by 10% or more between runs.
- The copies of the corpus go to a RAM-backed folder (/dev/shm when there is one, else
  --work), with the output: memory reclaim can page an on-disk corpus out between runs.
- The order of the builds is shuffled each round, so a slow spell of the host does not
  always land on the same build.
- A run during which the host stole more than --max-steal clock ticks of CPU (the `steal`
  column of /proc/stat) is run again, up to 8 times; the last try counts.
- Ratios are also taken within each round (two builds of the same round) and their median
  reported with its range, beside the ratio of the medians and that of the fastest builds.
"""

import argparse
import hashlib
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(REPO, "bench", "gen_corpus.py")


def steal_ticks():
    """Clock ticks the host has stolen from this VM so far (0 where not reported)."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
        return int(fields[8]) if len(fields) > 8 else 0
    except OSError:
        return 0


def corpus(pages, langs, seed, corpora):
    """The generated corpus of `pages` pages in each of `langs` languages, generated when
    missing or stale (the same cache and stamp as bench/run.sh, so the two share corpora)."""
    with open(GEN, "rb") as f:
        gen_sum = hashlib.sha256(f.read()).hexdigest()[:16]
    path = os.path.join(corpora, f"corpus-{pages}x{langs}")
    stamp = f"gen={gen_sum} seed={seed} pages={pages} langs={langs}"
    try:
        with open(os.path.join(path, ".stamp")) as f:
            fresh = f.read().strip() == stamp
    except OSError:
        fresh = False
    if not fresh:
        print(f"# generating corpus {pages}x{langs} in {path}", file=sys.stderr)
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run(
            [sys.executable, GEN, "--pages", str(pages), "--langs", str(langs), "--seed", seed,
             "--out", path],
            check=True,
        )
        with open(os.path.join(path, ".stamp"), "w") as f:
            f.write(stamp + "\n")
    return path


# The header's search form, as the theme guards it; `copy_site` shows it unconditionally in the
# "form" copy so that copy renders pages byte-identical to the search-on build's.
FORM_GUARD = "{% if search_path and current_path != search_path %}"
FORM_ACTION = "{{ search_path }}"


def copy_site(src, dest, kind):
    """`src` with this checkout's themes and translations, as one of the three builds compared:
    "on" (search as configured), "off" (`search = false`: no index, no search pages, no form in
    the header), or "form" (`search = false`, but the theme's header form kept, with the action
    the search-on build gives it: the search-on build's pages without its index)."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("themes", "translations", "public"))
    for d in ("themes", "translations"):
        shutil.copytree(os.path.join(REPO, d), os.path.join(dest, d))
    cfg = os.path.join(dest, "config.toml")
    with open(cfg) as f:
        text = f.read()
    text = re.sub(r"(?m)^search\s*=.*\n", "", text)
    if kind != "on":
        # Top-level keys come before the first table.
        first_table = re.search(r"(?m)^\[", text)
        at = first_table.start() if first_table else len(text)
        text = text[:at] + "search = false\n\n" + text[at:]
    with open(cfg, "w") as f:
        f.write(text)
    if kind == "form":
        base = os.path.join(dest, "themes", "hub", "templates", "base.html")
        with open(base) as f:
            html = f.read()
        if html.count(FORM_GUARD) != 1 or html.count(FORM_ACTION) != 1:
            sys.exit(f"search_cost: {base} no longer has the header form this script expects "
                     f"({FORM_GUARD!r} and {FORM_ACTION!r} once each); update FORM_GUARD and "
                     f"FORM_ACTION")
        # `home_path` is "/" or "/<code>/", so this is the search-on build's `search_path`.
        html = html.replace(FORM_GUARD, "{% if true %}").replace(
            FORM_ACTION, "{{ home_path }}search/")
        with open(base, "w") as f:
            f.write(html)


def same_pages(a, b):
    """Files that differ between outputs `a` and `b`, or exist in only one, outside `search/`
    (the on build's index and search pages); [] when the pages are the same bytes."""
    def files(root):
        out = {}
        for d, dirs, names in os.walk(root):
            parts = os.path.relpath(d, root).split(os.sep)
            # `search/` and `<code>/search/`: the index and the search pages.
            if parts[-1] == "search" and len(parts) <= 2:
                dirs[:] = []
                continue
            for n in names:
                out[os.path.relpath(os.path.join(d, n), root)] = os.path.join(d, n)
        return out
    fa, fb = files(a), files(b)
    differ = sorted(set(fa) ^ set(fb))
    for rel in sorted(set(fa) & set(fb)):
        with open(fa[rel], "rb") as x, open(fb[rel], "rb") as y:
            if x.read() != y.read():
                differ.append(rel)
    return differ


STAGE = re.compile(r"(\w[\w+ ]*?) (\d+) ms")


def stage_times(line):
    """{stage: ms} from the `Built …` line `hubgen build` prints (`[config 1 ms, …]`)."""
    bracket = line.rsplit("[", 1)[-1] if "[" in line else ""
    return {name: float(ms) for name, ms in STAGE.findall(bracket)}


def build(hubgen, root, out, max_steal, env=None, keep=False):
    """One timed build: (wall s, user+sys s, peak RSS MB, steal ticks, stages line). `env`
    adds to or overrides this process's environment for the build (bench/stage_diff.py);
    with `keep`, the output is left in `out`."""
    log = out + ".log"
    full_env = dict(os.environ, **(env or {}))
    for attempt in range(8):
        shutil.rmtree(out, ignore_errors=True)
        before = steal_ticks()
        start = time.monotonic()
        # stderr to a file, not a pipe: a build with many warnings could fill a pipe and
        # wait for a reader that is itself waiting for the build.
        with open(log, "w") as err:
            proc = subprocess.Popen([hubgen, "build", "--root", root, "--output", out],
                                    stdout=subprocess.DEVNULL, stderr=err, env=full_env)
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        stolen = steal_ticks() - before
        with open(log) as f:
            stderr = f.read()
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{os.path.basename(sys.argv[0])}: {hubgen} build --root {root} "
                     f"failed:\n{stderr}")
        if stolen <= max_steal or attempt == 7:
            stages = next((l for l in stderr.splitlines() if l.startswith("Built ")), "")
            if not keep:
                shutil.rmtree(out, ignore_errors=True)
            return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stolen, stages
    raise AssertionError("unreachable")


# The builds compared each round (see `copy_site`).
KINDS = {
    "on": "search on",
    "form": "search off, header form kept",
    "off": "search off",
}


def added(more, less):
    """How much slower the builds `more` are than `less` (same rounds, in order): the ratio of
    the medians of wall time, the median of each round's ratio with its range, the ratio of
    the fastest builds, and the ratio of the medians of CPU time."""
    wall = [statistics.median(x[0] for x in b) for b in (more, less)]
    cpu = [statistics.median(x[1] for x in b) for b in (more, less)]
    per_round = [m[0] / l[0] - 1 for m, l in zip(more, less)]
    # The host only ever adds time (steal, another tenant's cache and memory traffic), so
    # the fastest build of each kind is the one it disturbed least: a figure to read beside
    # the medians, not instead of them.
    fastest = [min(x[0] for x in b) for b in (more, less)]
    return (f"{100 * (wall[0] / wall[1] - 1):+.1f}% (ratio of the medians); per round "
            f"{100 * statistics.median(per_round):+.1f}% median, from "
            f"{100 * min(per_round):+.1f}% to {100 * max(per_round):+.1f}%; fastest builds "
            f"{100 * (fastest[0] / fastest[1] - 1):+.1f}%; CPU "
            f"{100 * (cpu[0] / cpu[1] - 1):+.1f}%")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--langs", type=int, default=1,
                    help="languages of the corpus (the first N of the hub's 27, English first)")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--hubgen", help="binary to time (default: cargo build --release)")
    ap.add_argument("--seed", default="hubgen-bench")
    ap.add_argument("--corpora", default=os.path.join(tempfile.gettempdir(),
                                                      "hubgen-bench-corpora"))
    ap.add_argument("--work", default="/dev/shm" if os.path.isdir("/dev/shm") else None,
                    help="RAM-backed folder for the three copies and the outputs")
    ap.add_argument("--max-steal", type=int, default=3)
    ap.add_argument("--smoke", action="store_true",
                    help="20 pages in 3 languages, 1 round (CI; checks the form build's pages "
                         "in more than one language)")
    args = ap.parse_args()
    if args.smoke:
        args.pages, args.langs, args.rounds = 20, 3, 1
    hubgen = args.hubgen
    if not hubgen:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
        hubgen = os.path.join(target, "release", "hubgen")
    hubgen = os.path.abspath(hubgen)
    os.makedirs(args.corpora, exist_ok=True)
    src = corpus(args.pages, args.langs, args.seed, args.corpora)
    # Three copies of the corpus and two outputs at a time (the check), each about the
    # corpus's size or less (a container's /dev/shm is often 64 MB): else the temporary folder.
    size = sum(os.path.getsize(os.path.join(d, f))
               for d, _, files in os.walk(src) for f in files)
    where = args.work
    if where and not os.path.isdir(where):
        sys.exit(f"search_cost: --work {where} is not a folder")
    if where and shutil.disk_usage(where).free < 6 * size:
        print(f"# {where} has too little room for {6 * size / 1e6:.1f} MB; using "
              f"{tempfile.gettempdir()} (runs may be noisier)", file=sys.stderr)
        where = None
    work = tempfile.mkdtemp(prefix="hubgen-search-cost-", dir=where)
    try:
        sites = {k: os.path.join(work, k) for k in KINDS}
        for kind, path in sites.items():
            copy_site(src, path, kind)
        # The "form" build stands for the search-on build without its index only if it
        # renders the same pages: checked once, on builds that are not timed.
        outs = {k: os.path.join(work, "check-" + k) for k in ("on", "form")}
        for k, out in outs.items():
            build(hubgen, sites[k], out, args.max_steal, keep=True)
        differ = same_pages(outs["on"], outs["form"])
        for out in outs.values():
            shutil.rmtree(out, ignore_errors=True)
        if differ:
            sys.exit(f"search_cost: the search-on and form builds differ outside search/ in "
                     f"{len(differ)} files, e.g. {differ[:3]}")
        runs = {k: [] for k in KINDS}
        for r in range(args.rounds):
            order = list(KINDS)
            random.shuffle(order)
            got = {}
            for kind in order:
                got[kind] = build(hubgen, sites[kind], os.path.join(work, "out"),
                                  args.max_steal)
                runs[kind].append(got[kind])
                wall, cpu, rss, stolen, _ = got[kind]
                print(f"# round {r + 1} {kind}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
                      f"{rss:.0f} MB, steal {stolen}", file=sys.stderr)
            # Each copy must build what it is named for, or the ratios mean nothing.
            for kind in KINDS:
                if (", search index " in got[kind][4]) != (kind == "on"):
                    sys.exit(f"search_cost: the {kind} build did not build the index as it "
                             f"should: {got[kind][4]!r}")
        print(f"search cost, corpus {args.pages}x{args.langs}, {args.rounds} rounds, {hubgen}")
        print("| build | wall (median) | CPU user+sys (median) | peak RSS (median) |")
        print("|---|---:|---:|---:|")
        for kind in KINDS:
            rows = runs[kind]
            print(f"| {KINDS[kind]} | {statistics.median(x[0] for x in rows):.2f} s | "
                  f"{statistics.median(x[1] for x in rows):.2f} s | "
                  f"{statistics.median(x[2] for x in rows):.0f} MB |")
        for what, more, less in (("the index build (part 6: on against form)", "on", "form"),
                                 ("search as a whole (on against off)", "on", "off"),
                                 ("the header form alone (form against off)", "form", "off")):
            print(f"added by {what}: " + added(runs[more], runs[less]))
        # Where the time goes: each stage's median per build, in the order the build prints.
        stages = {k: [stage_times(x[4]) for x in runs[k]] for k in KINDS}
        names = list(dict.fromkeys(n for k in KINDS for t in stages[k] for n in t))
        print("\n| stage (median ms) | " + " | ".join(KINDS[k] for k in KINDS) + " |")
        print("|---|" + "---:|" * len(KINDS))
        for name in names:
            cells = [statistics.median(t.get(name, 0.0) for t in stages[k]) for k in KINDS]
            print(f"| {name} | " + " | ".join(f"{c:.0f}" for c in cells) + " |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
