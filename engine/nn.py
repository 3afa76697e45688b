"""micrograd's neural-network API (`Module`, `Neuron`, `Layer`, `MLP`:
`parameters()`, `zero_grad()`, calling a model, `nonlin=`) on engine.Value,
made for the picture: every parameter is labelled by where it sits, w[k][j][i]
(layer k, neuron j, input i, from 0, as `model.layers[k].neurons[j].w[i]`)
and b[k][j], and every node a model makes carries its groups,
MLP › layer k › neuron k.j (engine/groups.py), so the page can show a
network collapsed to its layers or neurons and open one.

With the same random seed, a model draws the same weights as micrograd's own
`nn.py` and computes the same numbers (tests/engine/test_nn.py trains both).
"""

from __future__ import annotations

import random

from engine.groups import Group, current
from engine.value import Value


class Module:

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        return []


class Neuron(Module):

    def __init__(self, nin: int, nonlin: bool = True, *, name: str = "neuron",
                 where: tuple[int, ...] = ()):
        """`where`: its place in a model, (layer, neuron), for its labels."""
        self.group = Group(name, current())
        index = "".join(f"[{k}]" for k in where)
        with self.group.tagging():
            self.w = [Value(random.uniform(-1, 1), label=f"w{index}[{i}]") for i in range(nin)]
            self.b = Value(0, label=f"b{index}")
        self.nonlin = nonlin

    def __call__(self, x):
        with self.group.tagging():
            act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
            return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self):
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):

    def __init__(self, nin: int, nout: int, *, name: str = "layer", where: tuple[int, ...] = (),
                 **kwargs):
        self.group = Group(name, current())
        with self.group.tagging():
            self.neurons = [Neuron(nin, name=f"neuron {'.'.join(map(str, where + (j,)))}",
                                   where=where + (j,), **kwargs) for j in range(nout)]

    def __call__(self, x):
        with self.group.tagging():
            out = [n(x) for n in self.neurons]
            return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):

    def __init__(self, nin: int, nouts: list[int], *, name: str = "MLP"):
        self.group = Group(name, current())
        sizes = [nin] + nouts
        with self.group.tagging():
            self.layers = [Layer(sizes[k], sizes[k + 1], name=f"layer {k}", where=(k,),
                                 nonlin=k != len(nouts) - 1) for k in range(len(nouts))]

    def __call__(self, x):
        with self.group.tagging():
            for layer in self.layers:
                x = layer(x)
            return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
