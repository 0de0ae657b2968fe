"""PyTorch peer for tools/bench: one workload at a time, driven over stdin/stdout.

Each line in is a JSON command; each line out is its JSON answer. Steps are
timed here with perf_counter, so the messaging to Node is never timed.
Threads are fixed at start (--threads) together with OMP_NUM_THREADS, which
the harness sets in the environment.
"""
import json
import math
import sys
import time
import traceback
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F


def load(arrays, name):
    a = arrays[name]
    data = np.fromfile(a["path"], dtype=np.float32 if a["dtype"] == "float32" else np.int32)
    return torch.from_numpy(data.reshape(a["shape"]))


def norm2(t):
    return math.sqrt(float((t.detach().double() ** 2).sum()))


class Loss:
    def __init__(self, spec, arrays):
        kind = spec["kind"]
        if kind == "mse":
            self.x, self.y, self.f = load(arrays, "input"), load(arrays, "target"), F.mse_loss
        elif kind == "cross-entropy":
            # PyTorch wants int64 class indices; the conversion is set-up, as a user would do it once.
            self.x, self.y, self.f = load(arrays, "logits"), load(arrays, "labels").long(), F.cross_entropy
        else:
            self.x, self.y = load(arrays, "logits"), load(arrays, "target")
            self.f = F.binary_cross_entropy_with_logits
        self.x.requires_grad_(True)

    def step(self):
        self.x.grad = None
        loss = self.f(self.x, self.y)
        loss.backward()
        return loss.item()

    def check(self):
        self.step()
        return [norm2(self.x.grad)]


class Matmul:
    def __init__(self, spec, arrays):
        self.a, self.b = load(arrays, "a"), load(arrays, "b")

    def step(self):
        torch.mm(self.a, self.b)
        return None

    def check(self):
        return [norm2(torch.mm(self.a, self.b))]


class MlpTrain:
    def __init__(self, spec, arrays):
        sizes = spec["sizes"]
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
            if i + 2 < len(sizes):
                layers.append(torch.nn.ReLU())
        self.model = torch.nn.Sequential(*layers)
        with torch.no_grad():
            for j, p in enumerate(self.model.parameters()):
                p.copy_(load(arrays, ("w" if j % 2 == 0 else "b") + str(j // 2)))
        self.x, self.y = load(arrays, "x"), load(arrays, "labels").long()
        self.loss = torch.nn.CrossEntropyLoss()
        self.opt = torch.optim.Adam(self.model.parameters(), lr=spec["lr"])

    def step(self):
        self.opt.zero_grad()
        loss = self.loss(self.model(self.x), self.y)
        loss.backward()
        self.opt.step()
        return loss.item()

    def check(self):
        with torch.no_grad():
            return [self.loss(self.model(self.x), self.y).item()]


class Conv2d:
    """sum(conv2d(x, w, b) * g): g is the fixed upstream gradient every system shares."""

    def __init__(self, spec, arrays):
        self.leaves = [load(arrays, n).requires_grad_(True) for n in ("x", "weight", "bias")]
        self.g = load(arrays, "g")
        self.padding = spec["padding"]

    def step(self):
        x, w, b = self.leaves
        for t in self.leaves:
            t.grad = None
        loss = (F.conv2d(x, w, b, padding=self.padding) * self.g).sum()
        loss.backward()
        return loss.item()

    def check(self):
        self.step()
        return [norm2(t.grad) for t in self.leaves]


class GptTrain:
    """W9: the golden generator's GPT (tools/golden/tensile_golden/gpt.py, the twin of Tensile's models/gpt.ts), AdamW."""

    def __init__(self, spec, arrays):
        sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "golden"))
        from tensile_golden.gpt import GPT

        self.model = GPT(spec["vocab"], spec["seq"], spec["nEmbd"], spec["nHead"], spec["nLayer"])
        state = {name[len("param:"):]: load(arrays, name) for name in arrays if name.startswith("param:")}
        state["head.weight"] = state["tokens.weight"]
        self.model.load_state_dict(state)
        self.idx, self.targets = load(arrays, "idx").long(), load(arrays, "targets").long()
        self.vocab = spec["vocab"]
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=spec["lr"])

    def loss(self):
        return F.cross_entropy(self.model(self.idx).view(-1, self.vocab), self.targets)

    def step(self):
        self.opt.zero_grad(set_to_none=True)
        loss = self.loss()
        loss.backward()
        self.opt.step()
        return loss.item()

    def check(self):
        with torch.no_grad():
            return [self.loss().item()]


KINDS = {"mse": Loss, "cross-entropy": Loss, "bce-logits": Loss, "matmul": Matmul, "mlp-train": MlpTrain, "conv2d": Conv2d, "gpt-train": GptTrain}


def main():
    threads = int(sys.argv[sys.argv.index("--threads") + 1])
    torch.set_num_threads(threads)
    work = None
    print(json.dumps({"ok": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        msg = json.loads(line)
        try:
            cmd = msg["cmd"]
            if cmd == "prepare":
                work = KINDS[msg["spec"]["kind"]](msg["spec"], msg["arrays"])
                out = {"ok": True}
            elif cmd == "run":
                reps = msg["reps"]
                value = None
                t0 = time.perf_counter()
                for _ in range(reps):
                    value = work.step()
                ms = (time.perf_counter() - t0) * 1000 / reps
                out = {"ok": True, "ms": ms, "value": value}
            elif cmd == "check":
                out = {"ok": True, "values": work.check()}
            elif cmd == "dispose":
                work = None
                out = {"ok": True}
            else:
                out = {"ok": False, "error": "unknown command " + cmd}
        except Exception as e:  # reported to the harness, which shows it in the cell
            out = {"ok": False, "error": "%s: %s" % (type(e).__name__, e), "trace": traceback.format_exc()}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
