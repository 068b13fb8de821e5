#!/usr/bin/env python3
"""Seeded benchmark datasets for Benchmarks/run.sh (written to Benchmarks/data/, git-ignored).

- big.csv:   1,000,000 x 100 standard-normal features x0..x99 and three targets: y_lin (linear
             model + noise), y_log (0/1 from a logistic model), y_cls (0..9 from a softmax model).
             Written by polars (shortest round-trip floats, ~2 GB).
- csv17.csv: 200,000 x 101 (x0..x99, y) written with '%.17g' (17 significant digits), for the
             CSV-throughput target; every double must come back bit-exact.
- csv17_excel.csv: csv17.csv as Excel's "CSV UTF-8" writes it (a UTF-8 byte order mark, CRLF
             line endings).
- ex5.csv:   100 x 3 (+ y), the exercise-5 size.
Also writes big.npy / csv17.npy (the exact float64 values) for the peers and the bit-exact check.
"""
import os
import sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data")
os.makedirs(OUT, exist_ok=True)


def big(rows=1_000_000, d=100, k=10):
    path = os.path.join(OUT, "big.csv")
    if os.path.exists(path):
        return
    import polars as pl
    rng = np.random.default_rng(7)
    x = rng.standard_normal((rows, d))
    w = rng.standard_normal(d) / np.sqrt(d)
    y_lin = x @ w + 0.5 + 0.1 * rng.standard_normal(rows)
    p = 1 / (1 + np.exp(-(x @ w)))
    y_log = (rng.random(rows) < p).astype(np.int64)
    wk = rng.standard_normal((d, k)) / np.sqrt(d)
    z = x @ wk
    z -= z.max(axis=1, keepdims=True)
    pk = np.exp(z)
    pk /= pk.sum(axis=1, keepdims=True)
    u = rng.random(rows)[:, None]
    y_cls = (pk.cumsum(axis=1) < u).sum(axis=1).clip(0, k - 1)
    cols = {f"x{j}": x[:, j] for j in range(d)}
    cols.update(y_lin=y_lin, y_log=y_log, y_cls=y_cls)
    pl.DataFrame(cols).write_csv(path + ".tmp")
    os.replace(path + ".tmp", path)
    np.save(os.path.join(OUT, "big_x.npy"), x)
    np.save(os.path.join(OUT, "big_y.npy"), np.stack([y_lin, y_log, y_cls]).T)


def csv17(rows=200_000, d=100):
    path = os.path.join(OUT, "csv17.csv")
    if not os.path.exists(path):
        write_csv17(path, rows, d)
    excel = os.path.join(OUT, "csv17_excel.csv")
    if not os.path.exists(excel):
        with open(path, "rb") as src, open(excel + ".tmp", "wb") as dst:
            dst.write(b"\xef\xbb\xbf")
            for line in src:
                dst.write(line[:-1] + b"\r\n")
        os.replace(excel + ".tmp", excel)


def write_csv17(path, rows, d):
    rng = np.random.default_rng(17)
    # Mixed magnitudes so exponents vary: most values O(1), some tiny/huge.
    x = rng.standard_normal((rows, d + 1)) * np.exp(rng.uniform(-20, 20, (rows, d + 1)) * (rng.random((rows, d + 1)) < 0.1))
    fmt = ",".join(["%.17g"] * (d + 1)) + "\n"
    with open(path + ".tmp", "w") as f:
        f.write(",".join([f"x{j}" for j in range(d)] + ["y"]) + "\n")
        for row in x:
            f.write(fmt % tuple(row))
    os.replace(path + ".tmp", path)
    np.save(os.path.join(OUT, "csv17.npy"), x)


def ex5(rows=100, d=3):
    path = os.path.join(OUT, "ex5.csv")
    rng = np.random.default_rng(5)
    x = rng.standard_normal((rows, d))
    y = x @ np.array([1.5, -2.0, 0.5]) + 3 + 0.1 * rng.standard_normal(rows)
    with open(path, "w") as f:
        f.write("a,b,c,y\n")
        for row, t in zip(x, y):
            f.write("%r,%r,%r,%r\n" % (*map(float, row), float(t)))


if __name__ == "__main__":
    which = sys.argv[1:] or ["ex5", "csv17", "big"]
    for name in which:
        globals()[name]()
        print("generated", name, flush=True)
