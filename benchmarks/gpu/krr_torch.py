"""The reference path on the GPU in PyTorch float64: NTK Gram (as the reference's gram_ntk), then
torch.linalg.solve (LU, as the authors' code), prediction; and cuSOLVER's dpotrf through torch.linalg.cholesky.
Prints seconds per phase, and "key seconds" lines that GpuCheck (--peers) sets beside its own timings."""
import math
import sys
import time

import torch


def ntk(x, y):
    t = x @ y.T
    nx, ny = x.norm(dim=1), y.norm(dim=1)
    c = (t / (nx[:, None] * ny[None, :])).clamp(-1, 1)
    phi = torch.arccos(c)
    k0 = (math.pi - phi) / math.pi
    k1 = (torch.sin(phi) + (math.pi - phi) * torch.cos(phi)) / math.pi
    return (t * k0 + nx[:, None] * ny[None, :] * k1) / (2 * x.shape[1])


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 16384
    dev = torch.device("cuda")
    g = torch.Generator(device="cpu").manual_seed(0)
    x = torch.randn(n, 5, generator=g, dtype=torch.float64)
    x = (x / x.norm(dim=1, keepdim=True)).to(dev)
    xt = torch.randn(2000, 5, generator=g, dtype=torch.float64)
    xt = (xt / xt.norm(dim=1, keepdim=True)).to(dev)
    y = x[:, 0].abs()
    ntk(x[:256], x[:256]) @ y[:256]  # warm-up: kernels, allocator
    torch.linalg.solve(ntk(x[:256], x[:256]) + torch.eye(256, dtype=torch.float64, device=dev), y[:256])
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
    print(f"torch n={n}: gram {t1 - t0:.3f} s, solve {t2 - t1:.3f} s, predict {t3 - t2:.3f} s, total {t3 - t0:.3f} s"
          f" on {torch.cuda.get_device_name()}; |f| {f.norm().item():.3e}")
    print(f"torch_krr_{n} {t3 - t0:.6f}")
    # cuSOLVER's dpotrf through torch.linalg.cholesky: the peer of our Cholesky kernels
    for m in (8192, 16384, 32768):
        try:
            a = torch.randn(m, 64, dtype=torch.float64, device=dev)
            a = a @ a.T + m * torch.eye(m, dtype=torch.float64, device=dev)
            torch.linalg.cholesky(a[:256, :256])
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            torch.linalg.cholesky(a)
            torch.cuda.synchronize()
            s = time.perf_counter() - t0
            print(f"cuSOLVER dpotrf (torch.linalg.cholesky) n={m}: {s:.3f} s, {m ** 3 / 3 / s / 1e12:.2f} TFLOP/s")
            print(f"cusolver_potrf_{m} {s:.6f}")
            del a
        except RuntimeError as e:
            print(f"cuSOLVER dpotrf n={m}: {e}")


if __name__ == "__main__":
    main()
