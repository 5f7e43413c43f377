#!/usr/bin/python3
"""The PyTorch side of `npm run crosscheck`: trains BasicNet from the engine's initial weights on
the engine's batches (written by bench/crosscheck.ts) and prints its losses, dead filters and
subnormal parameter counts as JSON. Debian's python3-torch; CPU, float32, one thread."""
import json
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def main() -> None:
    folder = sys.argv[1]
    meta = json.load(open(f"{folder}/meta.json"))
    torch.set_num_threads(1)
    # Subnormals stay as the CPU computes them: this side shows how many arise natively.
    torch.set_flush_denormal(False)
    filters, pool_after = meta["filters"], meta["poolAfter"]
    h, w, c = meta["inputShape"]
    classes = meta["classes"]

    def load(name: str, shape: list) -> torch.Tensor:
        return torch.from_numpy(np.fromfile(f"{folder}/{name}.f32", dtype="<f4").reshape(shape).copy())

    convs, bns = nn.ModuleList(), nn.ModuleList()
    cin = c
    for i, f in enumerate(filters):
        conv = nn.Conv2d(cin, f, 3, padding=1, bias=False)
        # The engine's kernels are [3, 3, in, out] (HWIO); PyTorch's [out, in, 3, 3].
        conv.weight.data = load(f"conv{i}_kernel", [3, 3, cin, f]).permute(3, 2, 0, 1).contiguous()
        bn = nn.BatchNorm2d(f, eps=meta["bnEpsilon"], momentum=meta["bnMomentum"])
        convs.append(conv)
        bns.append(bn)
        cin = f
    head = nn.Linear(cin, classes)
    head.weight.data = load("head_weight", [cin, classes]).t().contiguous()
    head.bias.data = load("head_bias", [classes])
    params = [*convs.parameters(), *bns.parameters(), *head.parameters()]
    opt = torch.optim.Adam(params, lr=meta["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=meta["l2"])

    def forward(x: torch.Tensor) -> tuple[torch.Tensor, list]:
        acts = []
        for i in range(len(filters)):
            x = F.relu(bns[i](convs[i](x)))
            acts.append(x)
            if i in pool_after:
                x = F.max_pool2d(x, 2)
        return head(x.mean(dim=(2, 3))), acts

    steps, batch = meta["steps"], meta["batchSize"]
    if meta.get("mode") == "long":
        # crosscheck-long.ts: the whole training set once and the engine's batch order; the
        # filters dead by |gamma| every `every` steps (no per-step losses).
        train = np.fromfile(f"{folder}/train.f32", dtype="<f4").reshape(-1, h, w, c)
        train_labels = np.fromfile(f"{folder}/train_labels.i32", dtype="<i4")
        order = np.fromfile(f"{folder}/order.u32", dtype="<u4").reshape(steps, batch)
        dead_at = []
        for s in range(steps):
            x = torch.from_numpy(train[order[s]]).permute(0, 3, 1, 2).contiguous()
            y = torch.from_numpy(train_labels[order[s]]).long()
            opt.zero_grad()
            logits, _ = forward(x)
            F.cross_entropy(logits, y).backward()
            opt.step()
            if (s + 1) % meta["every"] == 0:
                dead_at.append({"iteration": s + 1, "deadByGamma": [[j for j, v in enumerate(bns[i].weight.detach().abs().tolist()) if v < meta["gammaThreshold"]] for i in range(len(filters))]})
                print(f"crosscheck.py: {s + 1}/{steps} steps", file=sys.stderr, flush=True)
        json.dump({"torch": torch.__version__, "deadByGammaAt": dead_at}, sys.stdout)
        return
    images = np.fromfile(f"{folder}/batches.f32", dtype="<f4").reshape(steps, batch, h, w, c)
    labels = np.fromfile(f"{folder}/labels.i32", dtype="<i4").reshape(steps, batch)
    losses = []
    for s in range(steps):
        x = torch.from_numpy(images[s]).permute(0, 3, 1, 2).contiguous()
        y = torch.from_numpy(labels[s]).long()
        opt.zero_grad()
        logits, _ = forward(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        losses.append(loss.item())

    for m in bns:
        m.eval()
    probe = torch.from_numpy(np.fromfile(f"{folder}/probe.f32", dtype="<f4").reshape(-1, h, w, c)).permute(0, 3, 1, 2).contiguous()
    peaks = [torch.zeros(f) for f in filters]
    with torch.no_grad():
        for start in range(0, probe.shape[0], 256):
            _, acts = forward(probe[start : start + 256])
            for i, a in enumerate(acts):
                peaks[i] = torch.maximum(peaks[i], a.abs().amax(dim=(0, 2, 3)))
    tiny = torch.finfo(torch.float32).tiny
    subnormal = {}
    named = {**{f"conv{i}/kernel": convs[i].weight for i in range(len(filters))},
             **{f"conv{i}/gamma": bns[i].weight for i in range(len(filters))},
             **{f"conv{i}/beta": bns[i].bias for i in range(len(filters))}}
    for name, p in named.items():
        v = p.detach().abs()
        subnormal[name] = int(((v > 0) & (v < tiny)).sum())
    json.dump({
        "torch": torch.__version__,
        "losses": losses,
        "deadByActivation": [[j for j, v in enumerate(pk.tolist()) if v < meta["activationThreshold"]] for pk in peaks],
        "deadByGamma": [[j for j, v in enumerate(bns[i].weight.detach().abs().tolist()) if v < meta["gammaThreshold"]] for i in range(len(filters))],
        "subnormal": subnormal,
    }, sys.stdout)


if __name__ == "__main__":
    main()
