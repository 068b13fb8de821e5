#!/usr/bin/env python3
"""Independent reference optima for the three shipped datasets.

Writes Tests/TrainerCoreTests/Fixtures/reference/<dataset>_l2_<lambda>.json, which the Swift
tests in SolverAccuracyTests compare with ReferenceSolver. The code here shares nothing with the
Swift solver (numpy/scipy only), so agreement is evidence that both are right.

Conventions (they must match the Swift side):
  * features standardized over ALL rows: (x - mean) / std with the population std (ddof=0);
    a constant column keeps scale 1;
  * objective f(θ) = (1/m) Σ loss + (λ/2)‖W‖², bias fitted and never penalised;
      linear:   loss = (xᵀw + b − y)²
      logistic: loss = log(1 + e^z) − y z
      softmax:  loss = logsumexp(z) − z_y, classes = sorted label strings;
  * θ = [W (d×K row-major), b (K)];
  * softmax: the loss is invariant to adding one constant to every class's bias (and, with
    λ = 0, to every class's weights of a feature), so θ* is reported as the minimum-norm
    optimum: each such group is centred to mean zero across classes.
  * λ = 0 fits are only written when the data are NOT linearly separable (checked with an LP);
    otherwise no minimiser exists and the fixture records "separable": true instead.

Run from the package root:  python3 Tools/reference_solutions.py
"""
import json
import os

import numpy as np
from scipy.optimize import linprog, minimize
from scipy.special import logsumexp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "TrainerCoreTests", "Fixtures", "reference")
LAMBDAS = [0.0, 0.01]


def load(name, target):
    with open(os.path.join(ROOT, "Datasets", name)) as f:
        header = f.readline().strip().split(",")
        rows = [line.strip().split(",") for line in f if line.strip()]
    t = header.index(target)
    x = np.array([[float(v) for j, v in enumerate(r) if j != t] for r in rows])
    labels = [r[t] for r in rows]
    mean = x.mean(axis=0)
    std = x.std(axis=0)  # population std, ddof = 0
    std[std == 0] = 1.0
    return (x - mean) / std, labels


def linear(x, y, lam):
    """Exact least squares: augmented system [X 1; sqrt(mλ/2) I 0] [w; b] ≈ [y; 0]."""
    m, d = x.shape
    a = np.hstack([x, np.ones((m, 1))])
    rhs = y.copy()
    if lam > 0:
        pen = np.hstack([np.sqrt(m * lam / 2) * np.eye(d), np.zeros((d, 1))])
        a = np.vstack([a, pen])
        rhs = np.concatenate([y, np.zeros(d)])
    theta = np.linalg.lstsq(a, rhs, rcond=None)[0]
    # One step of iterative refinement on the normal equations' residual.
    r = rhs - a @ theta
    theta += np.linalg.lstsq(a, r, rcond=None)[0]
    return theta


def linear_value_grad(x, y, lam, theta):
    m, d = x.shape
    w, b = theta[:d], theta[d]
    r = x @ w + b - y
    f = r @ r / m + 0.5 * lam * w @ w
    g = np.concatenate([2 / m * x.T @ r + lam * w, [2 / m * r.sum()]])
    return f, g


def multinomial(x, yidx, k, lam):
    """Returns value/grad/hess callables on θ = [W row-major d×K, b (K)] (K = 1: logistic)."""
    m, d = x.shape
    xt = np.hstack([x, np.ones((m, 1))])  # θ layout = feature-major blocks of K, bias last

    def split(theta):
        return theta.reshape(d + 1, k)

    def fun(theta):
        z = xt @ split(theta)
        w = theta[: d * k]
        if k == 1:
            z = z[:, 0]
            loss = np.logaddexp(0, z) - yidx * z
        else:
            loss = logsumexp(z, axis=1) - z[np.arange(m), yidx]
        return loss.mean() + 0.5 * lam * w @ w

    def probs(theta):
        z = xt @ split(theta)
        if k == 1:
            return 1 / (1 + np.exp(-z[:, 0]))
        return np.exp(z - logsumexp(z, axis=1, keepdims=True))

    def grad(theta):
        p = probs(theta)
        if k == 1:
            dz = (p - yidx)[:, None]
        else:
            dz = p.copy()
            dz[np.arange(m), yidx] -= 1
        g = (xt.T @ dz / m).reshape(-1)
        g[: d * k] += lam * theta[: d * k]
        return g

    def hess(theta):
        p = probs(theta)
        n = (d + 1) * k
        h = np.zeros((n, n))
        if k == 1:
            h = xt.T @ (xt * (p * (1 - p))[:, None]) / m
        else:
            for a in range(k):
                for c in range(k):
                    wgt = p[:, a] * ((a == c) - p[:, c])
                    h[a::k, c::k] = xt.T @ (xt * wgt[:, None]) / m
        idx = np.arange(d * k)
        h[idx, idx] += lam
        return h

    return fun, grad, hess


def separable(x, yidx, k):
    """LP feasibility: is there θ with margin ≥ 1 on every example (complete separation), or a
    nonzero recession direction (quasi-complete separation)? For the softmax case we test the
    one-vs-rest problems, which suffices to show that one class can be split off."""
    m, d = x.shape
    xt = np.hstack([x, np.ones((m, 1))])
    classes = [0] if k == 1 else list(range(k))
    found = []
    for c in classes:
        s = np.where(yidx == (1 if k == 1 else c), 1.0, -1.0)
        # s_i x̃_iᵀ v ≥ 1  ⇔  −s_i x̃_iᵀ v ≤ −1
        res = linprog(np.zeros(d + 1), A_ub=-(s[:, None] * xt), b_ub=-np.ones(m),
                      bounds=[(None, None)] * (d + 1), method="highs")
        if res.status == 0:
            found.append(c)
    return found


def newton_polish(fun, grad, hess, theta, steps=5):
    for _ in range(steps):
        g = grad(theta)
        if np.linalg.norm(g) < 1e-15:
            break
        step = np.linalg.lstsq(hess(theta), -g, rcond=1e-13)[0]
        t = 1.0
        f0 = fun(theta)
        while fun(theta + t * step) > f0 + 1e-12 * abs(f0) and t > 1e-6:
            t /= 2
        theta = theta + t * step
    return theta


def centre_invariant_groups(theta, d, k, lam):
    th = theta.reshape(d + 1, k).copy()
    rows = range(d + 1) if lam == 0 else [d]
    for r in rows:
        th[r] -= th[r].mean()
    return th.reshape(-1)


def write(name, payload):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(payload, f, indent=1)
        f.write("\n")
    print(f"{name}: {payload.get('objective')} ‖∇f‖={payload.get('gradientNorm')} "
          f"separable={payload.get('separable')}")


def main():
    # Linear: diabetes.
    x, labels = load("diabetes.csv", "progression")
    y = np.array([float(v) for v in labels])
    for lam in LAMBDAS:
        theta = linear(x, y, lam)
        f, g = linear_value_grad(x, y, lam, theta)
        write(f"diabetes_l2_{lam}.json", dict(
            dataset="diabetes.csv", target="progression", kind="linear", l2=lam, fitsBias=True,
            classes=None, separable=False, objective=f, gradientNorm=float(np.linalg.norm(g)),
            parameters=theta.tolist(), solver="numpy.linalg.lstsq on the augmented system"))

    # Logistic: breast cancer; softmax: iris.
    for file, target, kind in [("breast_cancer.csv", "diagnosis", "logistic"),
                               ("iris.csv", "species", "softmax")]:
        x, labels = load(file, target)
        classes = sorted(set(labels))
        yidx = np.array([classes.index(v) for v in labels])
        k = 1 if kind == "logistic" else len(classes)
        d = x.shape[1]
        split_off = separable(x, yidx, k)
        stem = os.path.splitext(file)[0]
        for lam in LAMBDAS:
            if lam == 0 and split_off:
                write(f"{stem}_l2_{lam}.json", dict(
                    dataset=file, target=target, kind=kind, l2=lam, fitsBias=True,
                    classes=classes if kind == "softmax" else None, separable=True,
                    separableClasses=[classes[c] for c in split_off] if kind == "softmax" else None,
                    objective=None, gradientNorm=None, parameters=None,
                    solver="scipy.optimize.linprog (HiGHS) feasibility of margin >= 1"))
                continue
            fun, grad, hess = multinomial(x, yidx, k, lam)
            res = minimize(fun, np.zeros((d + 1) * k), jac=grad, hess=hess, method="trust-exact",
                           options=dict(gtol=1e-12, maxiter=1000))
            theta = newton_polish(fun, grad, hess, res.x)
            if k > 1:
                theta = centre_invariant_groups(theta, d, k, lam)
            write(f"{stem}_l2_{lam}.json", dict(
                dataset=file, target=target, kind=kind, l2=lam, fitsBias=True,
                classes=classes if kind == "softmax" else None, separable=False,
                objective=float(fun(theta)), gradientNorm=float(np.linalg.norm(grad(theta))),
                parameters=theta.tolist(),
                solver="scipy.optimize.minimize(trust-exact, gtol=1e-12) + Newton polish (lstsq)"))


if __name__ == "__main__":
    main()
