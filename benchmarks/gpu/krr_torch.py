"""The reference path on the GPU in PyTorch float64: NTK Gram (as the reference's gram_ntk), then
torch.linalg.solve (LU, as the authors' code), prediction; and cuSOLVER's dpotrf through torch.linalg.cholesky.
Each timing is the fastest of 3 runs after an untimed run at the same size (kernels, workspaces, the allocator),
as GpuCheck times our side. Prints seconds per phase, and "key seconds" lines that PeerTable (after GpuCheck) sets beside
its own timings; run with PYTHONUNBUFFERED=1 so that a run killed at its limit still leaves the lines it printed."""
import math
import sys
import time

import torch

REPEATS = 3


def ntk(x, y):
    t = x @ y.T
    nx, ny = x.norm(dim=1), y.norm(dim=1)
    c = (t / (nx[:, None] * ny[None, :])).clamp(-1, 1)
    phi = torch.arccos(c)
    k0 = (math.pi - phi) / math.pi
    k1 = (torch.sin(phi) + (math.pi - phi) * torch.cos(phi)) / math.pi
    return (t * k0 + nx[:, None] * ny[None, :] * k1) / (2 * x.shape[1])


def krr(x, y, xt):
    """Seconds of the Gram, the solve and the prediction, one run."""
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    k = ntk(x, x)
    torch.cuda.synchronize()
    t1 = time.perf_counter()
    c = torch.linalg.solve(k, y)
    torch.cuda.synchronize()
    t2 = time.perf_counter()
    f = ntk(xt, x) @ c
    torch.cuda.synchronize()
    t3 = time.perf_counter()
    del k
    return (t1 - t0, t2 - t1, t3 - t2, t3 - t0), f


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 16384
    dev = torch.device("cuda")
    g = torch.Generator(device="cpu").manual_seed(0)
    x = torch.randn(n, 5, generator=g, dtype=torch.float64)
    x = (x / x.norm(dim=1, keepdim=True)).to(dev)
    xt = torch.randn(2000, 5, generator=g, dtype=torch.float64)
    xt = (xt / xt.norm(dim=1, keepdim=True)).to(dev)
    y = x[:, 0].abs()
    krr(x, y, xt)  # untimed, at the same size
    runs = [krr(x, y, xt) for _ in range(REPEATS)]
    (gram, solve, predict, total), f = min(runs, key=lambda r: r[0][3])
    print(f"torch n={n}: gram {gram:.4f} s, solve {solve:.4f} s, predict {predict:.4f} s, total {total:.4f} s"
          f" (best of {REPEATS}) on {torch.cuda.get_device_name()}; |f| {f.norm().item():.3e}")
    print(f"torch_krr_{n} {total:.6f}")
    # cuSOLVER's dpotrf through torch.linalg.cholesky: the peer of our Cholesky; the largest first (the goal's size)
    for m in (32768, 16384, 8192):
        try:
            a = torch.randn(m, 64, dtype=torch.float64, device=dev)
            a = a @ a.T + m * torch.eye(m, dtype=torch.float64, device=dev)
            best = math.inf
            for r in range(REPEATS + 1):
                torch.cuda.synchronize()
                t0 = time.perf_counter()
                torch.linalg.cholesky(a)
                torch.cuda.synchronize()
                if r > 0:
                    best = min(best, time.perf_counter() - t0)
            print(f"cuSOLVER dpotrf (torch.linalg.cholesky) n={m}: {best:.4f} s, {m ** 3 / 3 / best / 1e12:.2f} TFLOP/s")
            print(f"cusolver_potrf_{m} {best:.6f}")
            del a
            torch.cuda.empty_cache()
        except RuntimeError as e:
            print(f"cuSOLVER dpotrf n={m}: {e}")


if __name__ == "__main__":
    main()
