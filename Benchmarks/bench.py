#!/usr/bin/env python3
"""Runs trainer and its peers on the same data and writes BENCHMARKS.md (see run.sh).

Every number is a median over --repeats runs; the machine is shared, so other load may have
been present (the load average at the start and end is recorded).
"""
import argparse
import glob
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
RUNS = os.path.join(DATA, "runs")
CACHE = os.path.join(DATA, "cache")
FEATURES = [f"x{j}" for j in range(100)]


IDLE_SECONDS = 5


def config(name, path, target, kind, **training):
    opt = {"type": "sgd", "lr": 0.01} if kind == "linear" else {"type": "adam", "lr": 0.001}
    train = {"epochs": 1, "batch_size": 256, "shuffle": True}
    train.update(training)
    cfg = {
        "name": name, "seed": 1, "runs_dir": RUNS,
        "data": {"path": path, "target": target, "validation_fraction": 0, "standardize": False},
        "model": {"type": kind, "bias": True, "l2": 0},
        "optimizer": opt, "training": train, "compare": {"reference": False},
    }
    if path.endswith("big.csv"):
        cfg["data"]["features"] = FEATURES
    file = os.path.join(DATA, "configs", name + ".json")
    os.makedirs(os.path.dirname(file), exist_ok=True)
    with open(file, "w") as f:
        json.dump(cfg, f, indent=1)
    return file


def run_trainer(binary, command, cfg, env_extra=None, rss=False):
    """Runs `trainer <command> cfg`; returns (summary, wall seconds, peak RSS bytes or None)."""
    env = dict(os.environ, TRAINER_CACHE_DIR=CACHE)
    env.update(env_extra or {})
    name = f"b{time.time_ns()}"
    argv = [binary, command, cfg, "--name", name]
    if command == "run":
        argv.append("--quiet")
    rss_file = os.path.join(DATA, "rss.txt")
    if rss:
        argv = ["/usr/bin/time", "-v", "-o", rss_file] + argv
    t0 = time.perf_counter()
    rc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL).returncode
    if rc not in (0, 3):  # 3: diverged (the csv17 data is not meant to train well)
        raise RuntimeError(f"{argv} exited with {rc}")
    wall = time.perf_counter() - t0
    peak = None
    if rss:
        text = open(rss_file).read()
        peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) * 1024
    with open(os.path.join(RUNS, name, "summary.json")) as f:
        summary = json.load(f)
    shutil.rmtree(os.path.join(RUNS, name), ignore_errors=True)
    return summary, wall, peak


def peer(*args):
    out = subprocess.run([sys.executable, os.path.join(HERE, "peers.py"), *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def med(xs):
    return statistics.median(xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trainer", default=os.path.join(ROOT, ".build/release/trainer"))
    ap.add_argument("--baseline", help="a trainer binary to compare against (e.g. the commit before the fast paths)")
    ap.add_argument("--baseline-label", default="before", help="the commit the baseline binary was built from, for the column headers")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--output", default=os.path.join(ROOT, "BENCHMARKS.md"))
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--only", choices=["solve"], help="re-run one section and splice it (and NOTES.md) into the existing --output")
    a = ap.parse_args()
    n = a.repeats
    os.makedirs(RUNS, exist_ok=True)
    if a.only == "solve":
        return only_solve(a)
    shutil.rmtree(CACHE, ignore_errors=True)
    load_before = os.getloadavg()
    big = os.path.join(DATA, "big.csv")
    csv17 = os.path.join(DATA, "csv17.csv")
    ex5 = os.path.join(DATA, "ex5.csv")
    results = {}
    log = lambda *s: print(*s, file=sys.stderr, flush=True)

    # --- epochs -------------------------------------------------------------------------------
    cases = [
        ("linear SGD", config("epoch-linear", big, "y_lin", "linear"), "linear"),
        ("logistic Adam", config("epoch-logistic", big, "y_log", "logistic"), "logistic"),
        ("softmax K=10 Adam", config("epoch-softmax", big, "y_cls", "softmax"), "softmax"),
        ("softmax K=10 Adam, clip_norm=1 + accumulation 2", config("epoch-softmax-clip", big, "y_cls", "softmax", clip_norm=1.0, accumulation_steps=2), None),
    ]
    epoch_rows = []
    for label, cfg, kind in cases:
        first, _, first_rss = run_trainer(a.trainer, "run", cfg, rss=True)  # parses the CSV and fills the cache
        # The first run wrote an ~800 MB cache entry: flush it now, or the kernel writes it back
        # during the timed runs below.
        os.sync()
        trains, loops, loads, rss, evals = [], [], [], [], []
        btrains, bloops, bloads, brss, bevals = [], [], [], [], []
        for _ in range(n):
            s, wall, peak = run_trainer(a.trainer, "run", cfg, rss=True)
            trains.append(s["timing"]["train_seconds"])
            loops.append(s["timing"]["loop_seconds"])
            loads.append(s["timing"]["load_seconds"])
            evals.append(s["timing"]["epoch_eval_seconds"])
            rss.append(peak)
            if a.baseline:
                # Alternated run by run, so both binaries see the same load.
                b, _, bpeak = run_trainer(a.baseline, "run", cfg, rss=True)
                btrains.append(b["timing"]["train_seconds"])
                bloops.append(b["timing"].get("loop_seconds"))
                bloads.append(b["timing"]["load_seconds"])
                bevals.append(b["timing"]["epoch_eval_seconds"])
                brss.append(bpeak)
        row = {"label": label, "train": med(trains), "loop": med(loops), "load_cached": med(loads), "load_first": first["timing"]["load_seconds"],
               "rss": med(rss), "eval": med(evals), "env": s["environment"]}
        if kind:  # the derived (clip) case reuses the softmax case's cache entry: no parse
            row["rss_first"] = first_rss
        if a.baseline:
            row["baseline_train"] = med(btrains)
            row["baseline_loop"] = med(bloops) if None not in bloops else None
            row["baseline_load"] = med(bloads)
            row["baseline_rss"] = med(brss)
            row["baseline_eval"] = med(bevals)
        if kind and not a.skip_peers:
            row["numpy"] = med([peer("numpy_epoch", kind)["seconds"] for _ in range(n)])
            row["torch"] = med([peer("torch_epoch", kind)["seconds"] for _ in range(n)])
            if kind == "linear":
                row["sklearn"] = med([peer("sklearn_sgd")["seconds"] for _ in range(n)])
        epoch_rows.append(row)
        log("epoch", row)
    results["epochs"] = epoch_rows

    # --- runs as users configure them ------------------------------------------------------------
    results["user_runs"] = user_runs(a, big)
    log("user runs", results["user_runs"])

    # --- least squares --------------------------------------------------------------------------
    ls = least_squares(a, os.path.join(DATA, "big.csv"))
    results["solve"] = ls
    log("solve", ls)

    # --- CSV ------------------------------------------------------------------------------------
    cfg = config("csv17", csv17, "y", "linear")
    size = os.path.getsize(csv17)
    loads, bloads = [], []
    for _ in range(n):
        s, _, _ = run_trainer(a.trainer, "run", cfg, env_extra={"TRAINER_CACHE_DIR": "off"})
        loads.append(s["timing"]["load_seconds"])
        if a.baseline:  # alternated, as in the other sections
            b, _, _ = run_trainer(a.baseline, "run", cfg, env_extra={"TRAINER_CACHE_DIR": "off"})
            bloads.append(b["timing"]["load_seconds"])
    # One more run with the cache on: its entry holds the parsed matrix, compared bit for bit.
    shutil.rmtree(CACHE, ignore_errors=True)
    run_trainer(a.trainer, "run", cfg)
    cached = []
    for _ in range(n):
        s, _, _ = run_trainer(a.trainer, "run", cfg)
        cached.append(s["timing"]["load_seconds"])
    # The same loads after the machine sat idle for a few seconds, as a user's runs usually are.
    # On a VM that hands free memory back to its host (virtio-balloon free page reporting),
    # memory a process frees is returned within ~2 s, and the next run's fresh pages fault on
    # the host: back-to-back runs above do not pay that, these do. Alternated with the
    # baseline's, as above.
    idle = {"trainer_idle": [], "trainer_cached_idle": [], "baseline_idle": [], "baseline_cached_idle": []}
    for _ in range(n):
        for key, binary, env in (("trainer_idle", a.trainer, {"TRAINER_CACHE_DIR": "off"}),
                                 ("trainer_cached_idle", a.trainer, None),
                                 ("baseline_idle", a.baseline, {"TRAINER_CACHE_DIR": "off"}),
                                 ("baseline_cached_idle", a.baseline, None)):
            if binary:
                time.sleep(IDLE_SECONDS)
                s, _, _ = run_trainer(binary, "run", cfg, env_extra=env)
                idle[key].append(s["timing"]["load_seconds"])
    entry = glob.glob(os.path.join(CACHE, "*.dataset"))
    exact = np.load(os.path.join(DATA, "csv17.npy"))
    rows, d = exact.shape
    raw = np.fromfile(entry[0], dtype=np.uint8)
    tail = raw[len(raw) - 8 * rows * (d - 1):].view(np.float64).reshape(rows, d - 1)
    targets = raw[len(raw) - 8 * rows * d:len(raw) - 8 * rows * (d - 1)].view(np.float64)
    mismatches = int((tail.view(np.uint64) != exact[:, :-1].view(np.uint64)).sum()
                     + (targets.view(np.uint64) != exact[:, -1].view(np.uint64)).sum())
    csv = {"bytes": size, "trainer": med(loads), "trainer_cached": med(cached), "trainer_mismatches": mismatches,
           "idle_seconds": IDLE_SECONDS}
    csv.update({key: med(values) for key, values in idle.items() if values})
    if a.baseline:
        csv["baseline"] = med(bloads)
    if not a.skip_peers:
        for which in ("pandas", "polars"):
            outs = [peer("csv", which, csv17, os.path.join(DATA, "csv17.npy")) for _ in range(n)]
            csv[which] = med([o["seconds"] for o in outs])
            csv[which + "_mismatches"] = outs[0]["mismatches"]
    # The same file as Excel's "CSV UTF-8" writes it (byte order mark, CRLF).
    excel = os.path.join(DATA, "csv17_excel.csv")
    cfg = config("csv17-excel", excel, "y", "linear")
    loads, bloads = [], []
    for _ in range(n):
        s, _, _ = run_trainer(a.trainer, "run", cfg, env_extra={"TRAINER_CACHE_DIR": "off"})
        loads.append(s["timing"]["load_seconds"])
        if a.baseline:
            b, _, _ = run_trainer(a.baseline, "run", cfg, env_extra={"TRAINER_CACHE_DIR": "off"})
            bloads.append(b["timing"]["load_seconds"])
    csv["excel_bytes"] = os.path.getsize(excel)
    csv["excel_trainer"] = med(loads)
    if a.baseline:
        csv["excel_baseline"] = med(bloads)
    if not a.skip_peers:
        outs = [peer("csv", "pandas", excel, os.path.join(DATA, "csv17.npy")) for _ in range(n)]
        csv["excel_pandas"] = med([o["seconds"] for o in outs])
        csv["excel_pandas_mismatches"] = outs[0]["mismatches"]
    results["csv"] = csv
    log("csv", csv)

    # --- predict --------------------------------------------------------------------------------
    results["predict"] = predict(a, csv17)
    log("predict", results["predict"])

    # --- exercise 5 -----------------------------------------------------------------------------
    cfg = config("ex5", ex5, "y", "linear", epochs=1000, batch_size="full", shuffle=False)
    with open(cfg) as f:
        c = json.load(f)
    c["data"]["standardize"] = True
    c["optimizer"]["lr"] = 0.1
    c["compare"]["reference"] = True
    with open(cfg, "w") as f:
        json.dump(c, f)
    trains, loops, walls = [], [], []
    bt, bl, bw = [], [], []
    os.sync()  # the CSV section's cache entries, written back now rather than during the runs
    for _ in range(max(10, n)):
        s, wall, _ = run_trainer(a.trainer, "run", cfg)
        trains.append(s["timing"]["train_seconds"])
        loops.append(s["timing"]["loop_seconds"])
        walls.append(wall)
        if a.baseline:
            s, wall, _ = run_trainer(a.baseline, "run", cfg)
            bt.append(s["timing"]["train_seconds"])
            bl.append(s["timing"].get("loop_seconds"))
            bw.append(wall)
    ex = {"train": med(trains), "loop": med(loops), "wall": med(walls)}
    if a.baseline:
        ex["baseline_train"], ex["baseline_wall"] = med(bt), med(bw)
        ex["baseline_loop"] = med(bl) if None not in bl else None
    results["ex5"] = ex
    log("ex5", ex)

    results["load_before"] = load_before
    results["load_after"] = os.getloadavg()
    results["repeats"] = n
    results["baseline_label"] = a.baseline_label
    with open(os.path.join(DATA, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    write_markdown(results, a)


def predict(a, csv17):
    """`trainer predict` over the 200,000-row file with a model trained on it (wall time, output
    to /dev/null), alternated with the baseline; pandas + numpy doing the same as the peer."""
    cfg = config("csv17-model", csv17, "y", "linear")
    with open(cfg) as f:
        c = json.load(f)
    c["data"]["standardize"] = True
    with open(cfg, "w") as f:
        json.dump(c, f)
    run = os.path.join(RUNS, "csv17-model")
    shutil.rmtree(run, ignore_errors=True)
    subprocess.run([a.trainer, "run", cfg, "--quiet", "--name", "csv17-model"], check=True,
                   env=dict(os.environ, TRAINER_CACHE_DIR=CACHE), stdout=subprocess.DEVNULL)

    def timed(binary):
        t0 = time.perf_counter()
        subprocess.run([binary, "predict", run, "--data", csv17], check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - t0

    walls, bwalls = [], []
    for _ in range(a.repeats):
        walls.append(timed(a.trainer))
        if a.baseline:
            bwalls.append(timed(a.baseline))
    out = {"trainer": med(walls)}
    if a.baseline:
        out["baseline"] = med(bwalls)
    if not a.skip_peers:
        out["pandas"] = med([peer("pandas_predict", csv17, os.path.join(run, "model.json"))["seconds"] for _ in range(a.repeats)])
    shutil.rmtree(run, ignore_errors=True)
    return out


def user_runs(a, big):
    """Runs configured as users do rather than as the targets are: a linear run that standardizes
    and holds out 20 % for validation (the default config; the training matrix is the loaded
    one, reordered and standardized in place), and the
    Newton reference solves of logistic and softmax. Each run after IDLE_SECONDS idle (see the
    CSV section), the baseline's alternated run by run. Softmax solves take ~15 s each, so
    fewer of them."""
    binaries = [("trainer", a.trainer)] + ([("baseline", a.baseline)] if a.baseline else [])
    out = {}
    cfg = config("user-linear", big, "y_lin", "linear")
    with open(cfg) as f:
        c = json.load(f)
    c["data"]["standardize"] = True
    c["data"]["validation_fraction"] = 0.2
    with open(cfg, "w") as f:
        json.dump(c, f)
    run_trainer(a.trainer, "run", cfg)  # the cache entry (the epoch section's, normally)
    seen = {key: [] for key, _ in binaries}
    for _ in range(a.repeats):
        for key, binary in binaries:
            time.sleep(IDLE_SECONDS)
            s, wall, peak = run_trainer(binary, "run", cfg, rss=True)
            seen[key].append((s["timing"]["load_seconds"], s["timing"]["loop_seconds"], wall, peak))
    out["linear_split"] = {key: {"load": med([r[0] for r in v]), "loop": med([r[1] for r in v]), "wall": med([r[2] for r in v]),
                                 "rss": med([r[3] for r in v])}
                           for key, v in seen.items()}
    for kind, target, repeats in (("logistic", "y_log", a.repeats), ("softmax", "y_cls", max(2, a.repeats // 2))):
        cfg = config("newton-" + kind, big, target, kind)
        seen = {key: [] for key, _ in binaries}
        for _ in range(repeats):
            for key, binary in binaries:
                time.sleep(IDLE_SECONDS)
                s, wall, _ = run_trainer(binary, "solve", cfg)
                seen[key].append((s["timing"]["solve_seconds"], wall))
        out["newton_" + kind] = {key: {"solve": med([r[0] for r in v]), "wall": med([r[1] for r in v]), "runs": len(v)}
                                 for key, v in seen.items()}
    return out


def least_squares(a, big):
    """`trainer solve` (Cholesky) on 1e6 × 100: solve_seconds and whole-process wall time, the
    baseline binary's, interleaved run by run so both see the same load, and the peers."""
    n = a.repeats
    cfg = config("solve-linear", big, "y_lin", "linear")
    with open(cfg) as f:
        c = json.load(f)
    c["solver"] = {"method": "cholesky"}
    with open(cfg, "w") as f:
        json.dump(c, f)
    solves, walls, bsolves, bwalls = [], [], [], []
    for _ in range(n):
        s, wall, _ = run_trainer(a.trainer, "solve", cfg)
        solves.append(s["timing"]["solve_seconds"])
        walls.append(wall)
        if a.baseline:
            b, bwall, _ = run_trainer(a.baseline, "solve", cfg)
            bsolves.append(b["timing"]["solve_seconds"])
            bwalls.append(bwall)
    ls = {"trainer": med(solves), "trainer_wall": med(walls), "method": s.get("solver", {}).get("method")}
    if a.baseline:
        ls["baseline"] = med(bsolves)
        ls["baseline_wall"] = med(bwalls)
    if not a.skip_peers:
        ls["numpy"] = med([peer("numpy_normal_equations")["seconds"] for _ in range(n)])
        ls["sklearn"] = med([peer("sklearn_linear_regression")["seconds"] for _ in range(max(1, n // 2))])
    return ls


def only_solve(a):
    """`--only solve`: the least-squares section alone, spliced into the existing BENCHMARKS.md
    together with the current NOTES.md; the other sections keep their numbers."""
    from render import render_solve, splice_solve
    log = lambda *s: print(*s, file=sys.stderr, flush=True)
    load_before = os.getloadavg()
    big = os.path.join(DATA, "big.csv")
    # One run first so every measured run loads from the dataset cache, as in the full suite.
    cfg = config("solve-linear", big, "y_lin", "linear")
    run_trainer(a.trainer, "solve", cfg)
    if a.baseline:
        run_trainer(a.baseline, "solve", cfg)
    ls = least_squares(a, big)
    log("solve", ls)
    load_after = os.getloadavg()
    before = f"before ({a.baseline_label})"
    command = shlex.join(["Benchmarks/run.sh"] + sys.argv[1:])
    rerun = (f"Re-run on its own with `{command}` (medians of {a.repeats}, trainer and baseline runs interleaved; "
             f"load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end); the other sections "
             "are from the last full run.")
    section = "\n".join(render_solve(ls, before, rerun)) + "\n"
    with open(a.output) as f:
        markdown = f.read()
    with open(os.path.join(HERE, "NOTES.md")) as f:
        notes = f.read()
    with open(a.output, "w") as f:
        f.write(splice_solve(markdown, section, notes))
    with open(os.path.join(DATA, "results-solve.json"), "w") as f:
        json.dump(ls, f, indent=1)


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = re.search(r"Model name:\s*(.+)", out).group(1).strip()
        cores = re.search(r"^CPU\(s\):\s*(\d+)", out, re.M).group(1)
        return model, cores
    except Exception:
        return platform.processor(), str(os.cpu_count())


def write_markdown(r, a):
    from render import render
    with open(a.output, "w") as f:
        f.write(render(r, cpu_model(), " ".join(["Benchmarks/run.sh"] + sys.argv[1:])))


if __name__ == "__main__":
    main()
