"""Training throughput of the same MLP and LeNet-5 in PyTorch on the CPU, the peer users would
otherwise pick. Prints one JSON object: {"torch": version, "threads": n, "mlp": samples/s, "lenet5": samples/s}.
Run by `neusemslice bench backends` when Debian's python3-torch is installed."""
import json
import sys
import time

import torch
from torch import nn

torch.manual_seed(1)
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def samples_per_second(model, batches, batch_size=128):
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

    step(0)  # warm-up
    start = time.perf_counter()
    for index in range(batches):
        step(index)
    return batches * batch_size / (time.perf_counter() - start)


print(json.dumps({
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "mlp": round(samples_per_second(mlp(), 60)),
    "lenet5": round(samples_per_second(lenet5(), 30)),
}))
