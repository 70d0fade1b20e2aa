"""Training and inference throughput of the same MLP and LeNet-5 in PyTorch on the CPU, the peer
users would otherwise pick. Usage: torch_train.py [threads] [--quick].
Prints one JSON object: {"torch": version, "threads": n, "mlp": training samples/s,
"lenet5": training samples/s, "mlp_inference": samples/s, "lenet5_inference": samples/s}.
Run by `neusemslice bench` when Debian's python3-torch is installed."""
import json
import sys
import time

import torch
from torch import nn

torch.manual_seed(1)
arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
QUICK = "--quick" in sys.argv
torch.set_num_threads(int(arguments[0]) if arguments else 1)
BATCH = 128


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def training_step(model, batches, batch_size=BATCH):
    """One Adam step on batch `index` of `batches` random batches (the same for every caller)."""
    images = torch.rand(batches * batch_size, 1, 28, 28)
    labels = torch.randint(0, 10, (batches * batch_size,))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def step(index):
        x = images[index * batch_size:(index + 1) * batch_size]
        y = labels[index * batch_size:(index + 1) * batch_size]
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    return step


def training_samples_per_second(model, batches, batch_size=BATCH):
    step = training_step(model, batches, batch_size)
    step(0)  # warm-up
    start = time.perf_counter()
    for index in range(batches):
        step(index)
    return batches * batch_size / (time.perf_counter() - start)


def inference_pass(model, images, batch_size=BATCH):
    """The model over `images` batch by batch, in eval mode without gradients, outputs read."""
    model.eval()
    with torch.no_grad():
        for begin in range(0, len(images), batch_size):
            model(images[begin:begin + batch_size]).numpy()


def inference_samples_per_second(model, samples, batch_size=BATCH):
    """One pass of the model over `samples` inputs (the MNIST test set's size), batch by batch."""
    images = torch.rand(samples, 1, 28, 28)
    inference_pass(model, images[:batch_size], batch_size)  # warm-up
    start = time.perf_counter()
    inference_pass(model, images, batch_size)
    return samples / (time.perf_counter() - start)


def blas_library():
    """The BLAS this process loaded (Debian switches it by alternatives: the reference libblas is
    several times slower than OpenBLAS, which the figures assume)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line}
    names = sorted(path.split("/")[-2] if path.split("/")[-1].startswith("libblas") else path.split("/")[-1] for path in paths)
    return ", ".join(names) or "unknown"


def main():
    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "mlp": round(training_samples_per_second(mlp(), 10 if QUICK else 60)),
        "lenet5": round(training_samples_per_second(lenet5(), 5 if QUICK else 30)),
        "mlp_inference": round(inference_samples_per_second(mlp(), 2000 if QUICK else 10000)),
        "lenet5_inference": round(inference_samples_per_second(lenet5(), 2000 if QUICK else 10000)),
    }
    result["blas"] = blas_library()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
