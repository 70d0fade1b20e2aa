"""Where PyTorch's time goes in the speed bench's work, op by op, beside a matrix-multiply
microbenchmark: the other half of `neusemslice bench profile`. Usage: torch_profile.py [threads] [--quick].
Prints one JSON object: {"torch", "threads", "blas", "works": {name: {"samples", "wall_s",
"ops": {op: self seconds}}}, "gemm": [{"m", "k", "n", "gmacs"}]}.
Op times are self CPU times from torch.autograd.profiler (an op's own time, without the ops it
calls); wall_s is a separate run without the profiler, which adds its own overhead."""
import json
import sys
import time

import torch
from torch.autograd import profiler

from torch_train import BATCH, QUICK, blas_library, inference_pass, lenet5, mlp, training_step

GEMM_SHAPES = [(128, 784, 512), (128, 512, 784), (784, 128, 512)]


def profiled(run, samples):
    run()  # warm-up
    start = time.perf_counter()
    run()
    wall = time.perf_counter() - start
    with profiler.profile() as profile:
        run()
    ops = {}
    for event in profile.key_averages():
        ops[event.key] = ops.get(event.key, 0.0) + event.self_cpu_time_total / 1e6
    return {"samples": samples, "wall_s": wall, "ops": ops}


def training_work(model, batches):
    step = training_step(model, batches)

    def run():
        for index in range(batches):
            step(index)

    return run


def gemm_rate(m, k, n, seconds=0.5 if QUICK else 2.0):
    """Multiply-accumulates per second (in billions) of an m×k by k×n product, as PyTorch runs it."""
    a, b = torch.rand(m, k), torch.rand(k, n)
    torch.mm(a, b)
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        torch.mm(a, b)
        calls += 1
    return calls * m * k * n / (time.perf_counter() - start) / 1e9


def main():
    mlp_batches, lenet_batches = (10, 4) if QUICK else (40, 16)
    inference_samples = 2000 if QUICK else 10000
    images = torch.rand(inference_samples, 1, 28, 28)
    inference_model = mlp()
    works = {
        "mlp_training": profiled(training_work(mlp(), mlp_batches), mlp_batches * BATCH),
        "lenet5_training": profiled(training_work(lenet5(), lenet_batches), lenet_batches * BATCH),
        "mlp_inference": profiled(lambda: inference_pass(inference_model, images), inference_samples),
    }
    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas_library(),
        "works": works,
        "gemm": [{"m": m, "k": k, "n": n, "gmacs": gemm_rate(m, k, n)} for m, k, n in GEMM_SHAPES],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
