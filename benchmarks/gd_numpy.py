"""The paper's feature-regime GD step (mean-field net, w1 on the sphere, L1 on w2) written the way a numpy
user would: every step materialises the n x h pre-activations. The peer of benchmarks/gd_vs_numpy.sh.

usage: gd_numpy.py X.npy y.npy W1.npy w2.npy LR LAMBDA STEPS OUT_DIR
Writes OUT_DIR/w1.npy, OUT_DIR/w2.npy and prints {"seconds_per_step": ...} as JSON.
"""
import json
import sys
import time

import numpy as np


def step(X, y, W1, w2, lr, lam):
    """One GD step in place on W1 (h x d, rows on the sphere) and w2 (h); also bench_peers.py's GD peer."""
    n, h = X.shape[0], W1.shape[0]
    eta = lr * h
    Z = X @ W1.T                                   # n x h
    A = np.maximum(Z, 0.0)
    f = A @ w2 / h
    r = (f - y) / n                                # dL/df for alpha = 1
    g2 = A.T @ r / h + lam / h * np.sign(w2)
    g1 = ((Z > 0) * r[:, None]).T @ X * (w2 / h)[:, None]
    g1 -= np.sum(g1 * W1, axis=1, keepdims=True) * W1   # tangent projection
    W1 -= eta * g1
    w2 -= eta * g2
    W1 /= np.linalg.norm(W1, axis=1, keepdims=True)


def main():
    x_path, y_path, w1_path, w2_path, lr, lam, steps, out = sys.argv[1:9]
    X, y = np.load(x_path), np.load(y_path)
    W1, w2 = np.load(w1_path).copy(), np.load(w2_path).copy()
    lr, lam, steps = float(lr), float(lam), int(steps)
    W1 /= np.linalg.norm(W1, axis=1, keepdims=True)   # w1 on the sphere, normalised once before training
    t0 = time.perf_counter()
    for _ in range(steps):
        step(X, y, W1, w2, lr, lam)
    seconds = time.perf_counter() - t0
    np.save(f"{out}/w1.npy", W1)
    np.save(f"{out}/w2.npy", w2)
    print(json.dumps({"seconds_per_step": seconds / steps, "steps": steps}))


if __name__ == "__main__":
    main()
