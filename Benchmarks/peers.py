#!/usr/bin/env python3
"""Peer implementations, one measurement per invocation, printing one JSON line.

Written plainly and fairly: the same data (float64, loaded from .npy so that CSV parsing is not
timed), one shuffled epoch with batch 256, the same learning rates as the trainer configs, the
gradient of the mean loss over the batch. Usage: peers.py <benchmark> [args]
"""
import json
import os
import sys
import time
import warnings

import numpy as np

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
B = 256


def load_big():
    x = np.load(os.path.join(DATA, "big_x.npy"))
    y = np.load(os.path.join(DATA, "big_y.npy"))
    return x, y


def numpy_epoch(kind):
    x, ys = load_big()
    m, d = x.shape
    y = ys[:, {"linear": 0, "logistic": 1, "softmax": 2}[kind]]
    k = 10 if kind == "softmax" else 1
    rng = np.random.default_rng(0)
    w = np.zeros((d, k))
    b = np.zeros(k)
    state = [np.zeros_like(w), np.zeros_like(b), np.zeros_like(w), np.zeros_like(b)]
    lr, b1, b2, eps = (0.01, 0.9, 0.999, 1e-8)
    onehot_eye = np.eye(k)
    t0 = time.perf_counter()
    order = rng.permutation(m)
    step = 0
    for start in range(0, m, B):
        idx = order[start:start + B]
        xb = x[idx]
        z = xb @ w + b
        if kind == "linear":
            dz = z - y[idx, None]
        elif kind == "logistic":
            dz = 1 / (1 + np.exp(-z)) - y[idx, None]
        else:
            z = z - z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            dz = p - onehot_eye[y[idx].astype(np.int64)]
        gw = xb.T @ dz / len(idx)
        gb = dz.mean(axis=0)
        if kind == "linear":  # plain SGD
            w -= lr * gw
            b -= lr * gb
        else:  # Adam
            step += 1
            for i, (p_, g) in enumerate(((w, gw), (b, gb))):
                mom, vel = state[i], state[i + 2]
                mom *= b1
                mom += (1 - b1) * g
                vel *= b2
                vel += (1 - b2) * g * g
                mhat = mom / (1 - b1 ** step)
                vhat = vel / (1 - b2 ** step)
                p_ -= 0.001 * mhat / (np.sqrt(vhat) + eps)
    return time.perf_counter() - t0


def torch_epoch(kind):
    import torch
    x_np, ys = load_big()
    x = torch.from_numpy(x_np)
    m, d = x.shape
    k = 10 if kind == "softmax" else 1
    col = {"linear": 0, "logistic": 1, "softmax": 2}[kind]
    y = torch.from_numpy(ys[:, col].copy())
    model = torch.nn.Linear(d, k, dtype=torch.float64)
    torch.nn.init.zeros_(model.weight)
    torch.nn.init.zeros_(model.bias)
    opt = torch.optim.SGD(model.parameters(), lr=0.01) if kind == "linear" else torch.optim.Adam(model.parameters(), lr=0.001)
    g = torch.Generator().manual_seed(0)
    t0 = time.perf_counter()
    order = torch.randperm(m, generator=g)
    for start in range(0, m, B):
        idx = order[start:start + B]
        xb, yb = x[idx], y[idx]
        opt.zero_grad(set_to_none=True)
        z = model(xb)
        if kind == "linear":
            loss = 0.5 * ((z[:, 0] - yb) ** 2).mean()
        elif kind == "logistic":
            loss = torch.nn.functional.binary_cross_entropy_with_logits(z[:, 0], yb)
        else:
            loss = torch.nn.functional.cross_entropy(z, yb.long())
        loss.backward()
        opt.step()
    return time.perf_counter() - t0


def sklearn_sgd():
    from sklearn.linear_model import SGDRegressor
    x, ys = load_big()
    reg = SGDRegressor(max_iter=1, tol=None, shuffle=True, random_state=0, learning_rate="constant", eta0=0.001)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg.fit(x, ys[:, 0])
    return time.perf_counter() - t0


def numpy_normal_equations():
    from scipy.linalg import cho_factor, cho_solve
    x, ys = load_big()
    y = ys[:, 0]
    t0 = time.perf_counter()
    xa = np.hstack([x, np.ones((x.shape[0], 1))])
    theta = cho_solve(cho_factor(xa.T @ xa), xa.T @ y)
    return time.perf_counter() - t0


def sklearn_linear_regression():
    from sklearn.linear_model import LinearRegression
    x, ys = load_big()
    t0 = time.perf_counter()
    LinearRegression().fit(x, ys[:, 0])
    return time.perf_counter() - t0


def pandas_csv(path):
    import pandas as pd
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    return time.perf_counter() - t0, df.to_numpy(dtype=np.float64)


def polars_csv(path):
    import polars as pl
    t0 = time.perf_counter()
    df = pl.read_csv(path)
    return time.perf_counter() - t0, df.to_numpy().astype(np.float64)


def pandas_predict(path, model_json):
    """What `trainer predict` does, the pandas way: read the file, standardize, multiply, write."""
    import pandas as pd
    with open(model_json) as f:
        m = json.load(f)
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    x = df[m["features"]].to_numpy(dtype=np.float64)
    z = (x - np.array(m["standardization"]["mean"])) / np.array(m["standardization"]["scale"])
    prediction = z @ np.array(m["weights"]) + m["bias"]
    pd.DataFrame({"prediction": prediction}).to_csv(os.devnull, index=False)
    return time.perf_counter() - t0


def csv_peer(which, path, exact_npy):
    seconds, values = {"pandas": pandas_csv, "polars": polars_csv}[which](path)
    exact = np.load(exact_npy)
    return {"seconds": seconds, "bit_exact": bool(np.array_equal(values.view(np.uint64), exact.view(np.uint64))),
            "mismatches": int((values.view(np.uint64) != exact.view(np.uint64)).sum())}


if __name__ == "__main__":
    name, args = sys.argv[1], sys.argv[2:]
    if name == "numpy_epoch":
        out = {"seconds": numpy_epoch(args[0])}
    elif name == "torch_epoch":
        out = {"seconds": torch_epoch(args[0])}
    elif name == "csv":
        out = csv_peer(*args)
    elif name == "pandas_predict":
        out = {"seconds": pandas_predict(*args)}
    else:
        out = {"seconds": globals()[name]()}
    print(json.dumps(out))
