#!/usr/bin/python3
"""The PyTorch column of `npm run bench:gpu`: images/s of BasicNet (the engine's architecture,
Adam with L2) on random batches, on CUDA where torch sees a GPU, else on the CPU with one thread
(as the wasm engine runs). Reads {filters, poolAfter, inputShape, classes, cells: [[width-index,
batch]...], steps, warmup} as JSON on stdin; prints one JSON line per cell."""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def main() -> None:
    spec = json.load(sys.stdin)
    cuda = torch.cuda.is_available()
    device = torch.device("cuda" if cuda else "cpu")
    if not cuda:
        torch.set_num_threads(1)
    h, w, c = spec["inputShape"]
    for cell in spec["cells"]:
        filters, batch = cell["filters"], cell["batch"]
        convs, bns, cin = nn.ModuleList(), nn.ModuleList(), c
        for f in filters:
            convs.append(nn.Conv2d(cin, f, 3, padding=1, bias=False))
            bns.append(nn.BatchNorm2d(f))
            cin = f
        head = nn.Linear(cin, spec["classes"])
        model = nn.ModuleList([convs, bns, head]).to(device)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=5e-4)

        def step(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
            for i in range(len(filters)):
                x = F.relu(bns[i](convs[i](x)))
                if i in spec["poolAfter"]:
                    x = F.max_pool2d(x, 2)
            loss = F.cross_entropy(head(x.mean(dim=(2, 3))), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        x = torch.rand(batch, c, h, w, device=device)
        y = torch.randint(0, spec["classes"], (batch,), device=device)
        for _ in range(spec.get("warmup", 3)):
            step(x, y)
        if cuda:
            torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(spec["steps"]):
            loss = step(x, y)
        loss.item()
        seconds = time.perf_counter() - start
        name = torch.cuda.get_device_name() if cuda else "cpu, 1 thread"
        print(json.dumps({"width": filters[0], "batch": batch, "imagesPerSecond": spec["steps"] * batch / seconds, "device": f"torch {torch.__version__} {name}"}), flush=True)


if __name__ == "__main__":
    main()
