"""micrograd's demo as a course example: the two-moons data and the
`MLP(2, [16, 16, 1])` that classifies it, on one sample, with the demo's
max-margin loss, relu(1 − y·score).

The example is written out in the expression language (one line per
neuron, `h0_3 = relu(b0_3 + w0_3_0*x0 + w0_3_1*x1)`), so every part of the
app takes it as it takes the other examples (the edit link, the scripts of
/api/code, the cache). The weights are those engine.nn draws with micrograd's
seed, in micrograd's order (tests/engine/test_examples.py checks the source
computes what `engine.nn.MLP` computes), and each name is shown as engine.nn
labels it: w0_3_1 as w[0][3][1] (layer 0, neuron 3, input 1), b0_3 as b[0][3].
The data follow scikit-learn's `make_moons(n_samples=100, noise=0.1)`
algorithm with numpy's seed 1337, as the demo seeds it (reimplemented here:
scikit-learn is not a dependency).
"""

from __future__ import annotations

import random

import numpy as np

SEED = 1337
SIZES = (2, 16, 16, 1)
SAMPLE = 0


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: int = SEED):
    """Two interleaving half circles, shuffled, with Gaussian noise; labels −1 and 1."""
    rng = np.random.RandomState(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    angles_out = np.linspace(0, np.pi, n_out)
    angles_in = np.linspace(0, np.pi, n_in)
    x = np.append(np.cos(angles_out), 1 - np.cos(angles_in))
    y = np.append(np.sin(angles_out), 1 - np.sin(angles_in) - 0.5)
    points = np.vstack([x, y]).T
    labels = np.hstack([np.zeros(n_out, dtype=int), np.ones(n_in, dtype=int)])
    order = np.arange(n_samples)
    rng.shuffle(order)
    points, labels = points[order], labels[order]
    points = points + rng.normal(scale=noise, size=points.shape)
    return points, labels * 2 - 1


def model_weights(sizes=SIZES, seed: int = SEED) -> list[list[list[float]]]:
    """weights[k][j] = [w_0, …, w_{n−1}, b] of layer k's neuron j, drawn as
    micrograd's nn.py (and engine.nn) draws them after random.seed(seed)."""
    state = random.getstate()
    random.seed(seed)
    try:
        return [[[random.uniform(-1, 1) for _ in range(sizes[k])] + [0.0]
                 for _ in range(sizes[k + 1])] for k in range(len(sizes) - 1)]
    finally:
        random.setstate(state)


def moons_mlp() -> dict:
    """The example's source, values, data inputs and names on screen."""
    points, labels = make_moons()
    weights = model_weights()
    values: dict[str, float] = {"x0": float(points[SAMPLE][0]), "x1": float(points[SAMPLE][1]),
                                "y": float(labels[SAMPLE])}
    screen: dict[str, str] = {"x0": "x[0]", "x1": "x[1]", "l": "ℓ"}
    lines = []
    inputs = ["x0", "x1"]
    last = len(weights) - 1
    for k, layer in enumerate(weights):
        outputs = []
        for j, neuron in enumerate(layer):
            *ws, b = neuron
            terms = [f"b{k}_{j}"]
            values[f"b{k}_{j}"] = b
            screen[f"b{k}_{j}"] = f"b[{k}][{j}]"
            for i, w in enumerate(ws):
                values[f"w{k}_{j}_{i}"] = w
                screen[f"w{k}_{j}_{i}"] = f"w[{k}][{j}][{i}]"
                terms.append(f"w{k}_{j}_{i}*{inputs[i]}")
            act = " + ".join(terms)   # micrograd's sum((wi*xi …), self.b): b first
            name = "score" if k == last else f"h{k}_{j}"
            lines.append(f"{name} = {act}" if k == last else f"{name} = relu({act})")
            if k != last:
                screen[name] = f"h[{k}][{j}]"
            outputs.append(name)
        inputs = outputs
    lines.append("l = relu(1 - y*score)")
    return {"source": "\n".join(lines), "values": values, "data": ["x0", "x1", "y"],
            "labels": screen}


GENERATORS = {"moons-mlp": moons_mlp}
