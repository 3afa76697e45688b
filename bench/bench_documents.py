"""What a document costs per node: parsing the source, building the
document (with and without the server's layout), writing its JSON, reading
it back, and its size; optionally beside another checkout, in one run.

    python bench/bench_documents.py                      # this tree, ~1 min
    python bench/bench_documents.py --quick              # fewer repeats
    python bench/bench_documents.py --compare /tmp/old   # before | after, side by side

`--compare` takes a checkout of an earlier commit (`git worktree add
/tmp/old 2324b78`); each tree is measured in its own interpreter (both call
their package `engine`), the two alternating round by round so that noise on
this shared machine hits both alike. Figures are the best of the rounds
(the least disturbed by other jobs), in µs per node of the graph. Workloads:

  sum-300   x = 0.5, 300 terms tanh(a_i*x + c_i)*v_i summed (≈ 2,400 nodes)
  mlp       engine.nn.MLP(2, [16, 16, 1]) on one input (≈ 980 nodes, 37
            groups: version 3 leaves their steps and members to the page)

"build" is record → document (naming, layout, the schema's models);
"no layout" is the same with the layout call taken out (for a tree that
cannot leave it out, a layout of zeros stands in; its JSON still has x, y).
"page" is the browser's share, in Node: JSON.parse and, for version 3, the
page's decoding (static/js/document_codec.js); texts are written when first
read, so "page, every text" also reads every step's and group step's texts
(more than the page ever shows at once: the worst case).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
FIELDS = ["parse", "build", "build, no layout", "to_json", "read (schema)", "page",
          "page, every text", "bytes", "bytes, no layout"]

WORKER = r'''
import gc, json, random, sys, time
from engine import Value, nn
from engine.parser import parse
import engine.document as document

def sum_source(n=300):
    rng = random.Random(1)
    lines = ["x = 0.5"] + [f"a{i} = {rng.uniform(-1, 1):.3f}\nc{i} = {rng.uniform(-1, 1):.3f}\n"
                           f"v{i} = {rng.uniform(-1, 1):.3f}" for i in range(n)]
    return "\n".join(lines) + "\no = " + " + ".join(f"tanh(a{i}*x + c{i})*v{i}" for i in range(n))

def mlp():
    random.seed(2)
    model = nn.MLP(2, [16, 16, 1])
    return model([Value(0.5), Value(-1.0)])

def timed(f, repeats=3):
    """The best of a few runs, and the result."""
    best = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = f()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result

def no_layout(build):
    """The build without its layout call: place=False where the tree has it;
    a tree without a server layout (the page lays graphs out) as it is."""
    import inspect
    if not hasattr(document, "layout"):
        return build
    if "place" in inspect.signature(document.build_document).parameters:
        return lambda: build(place=False)
    from engine.layout import Layout
    real = document.layout
    def zeros(kinds, pairs, output):
        return Layout([0.0] * len(kinds), [0.0] * len(kinds), 0.0, 0.0, {})
    def run():
        document.layout = zeros
        try:
            return build()
        finally:
            document.layout = real
    return run

source = sum_source()
results = {}
for name in ("sum-300", "mlp"):
    if name == "sum-300":
        t_parse, parsed = timed(lambda: parse(source))
        output = parsed.output
        build = lambda **kw: document.document_of_parsed(parse(source), **kw)
    else:
        t_parse = None
        output = mlp()
        build = lambda **kw: document.build_document(output, **kw)
    gc.collect()
    t_build, doc = timed(build)
    t_plain, plain = timed(no_layout(build))
    t_json, text = timed(doc.to_json)
    from engine.schema import Document
    t_read, _ = timed(lambda: Document.model_validate_json(text))
    n = len(doc.nodes)
    per = lambda t: None if t is None else t * 1e6 / n
    results[name] = {"nodes": n, "parse": per(t_parse), "build": per(t_build),
                     "build, no layout": per(t_plain), "to_json": per(t_json),
                     "read (schema)": per(t_read),
                     "bytes": len(text.encode()) / n,
                     "bytes, no layout": len(plain.to_json().encode()) / n}
    if name == "sum-300":  # the parse is inside build: count it once
        results[name]["build"] -= results[name]["parse"]
        results[name]["build, no layout"] -= results[name]["parse"]
    with open(sys.argv[1] + "." + name + ".json", "w") as f:
        f.write(text)
print(json.dumps(results))
'''

PAGE = r'''
const [codec, ...files] = process.argv.slice(1);
import(codec).then(({ decodeDocument }) => {
  const fs = require('fs');
  const out = {};
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const times = [];
    const every = [];
    for (let k = 0; k < 15; k += 1) {
      const start = process.hrtime.bigint();
      const doc = JSON.parse(text);
      const full = decodeDocument ? decodeDocument(doc) : doc;
      const decoded = process.hrtime.bigint();
      let length = 0;   // read, so that every text is written
      for (const step of full.steps) length += step.text.length + step.tex.length;
      for (const group of full.groups || []) {
        if (!group.steps) continue;
        length += group.steps.forward_text.length + group.steps.forward_tex.length;
        for (const flow of group.steps.flows) length += flow.text.length + flow.tex.length;
      }
      const n = full.nodes.length;
      times.push(Number(decoded - start) / 1e3 / n);
      every.push(Number(process.hrtime.bigint() - start) / 1e3 / n);
    }
    out[file] = [Math.min(...times), Math.min(...every)];
  }
  console.log(JSON.stringify(out));
});
'''


def measure(tree: Path, folder: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    prefix = os.path.join(folder, "doc")
    answer = subprocess.run([sys.executable, "-c", WORKER, prefix], env=env, cwd=tree,
                            capture_output=True, text=True, check=True)
    results = json.loads(answer.stdout)
    node = shutil.which("node")
    codec = tree / "static" / "js" / "document_codec.js"
    if node:
        files = [f"{prefix}.{name}.json" for name in results]
        script = PAGE if codec.exists() else PAGE.replace("import(codec)", "Promise.resolve({})")
        page = json.loads(subprocess.run([node, "-e", script, codec.as_uri(), *files],
                                         capture_output=True, text=True, check=True).stdout)
        for name, file in zip(results, files):
            results[name]["page"], results[name]["page, every text"] = page[file]
    return results


def best_of(rounds: list[dict]) -> dict:
    out = {}
    for name in rounds[0]:
        out[name] = {"nodes": rounds[0][name]["nodes"]}
        for field in FIELDS:
            values = [r[name].get(field) for r in rounds if r[name].get(field) is not None]
            out[name][field] = min(values) if values else None
    return out


def cell(x) -> str:
    return "—" if x is None else (f"{x:,.0f}" if x >= 100 else f"{x:.1f}")


def table(after: dict, before: dict | None) -> str:
    lines = []
    for name, figures in after.items():
        lines.append(f"\n{name}: {figures['nodes']:,} nodes, per node")
        if before:
            lines.append(f"  {'':18} {'before':>9} {'after':>9} {'ratio':>7}")
        for field in FIELDS:
            now = figures[field]
            if before:
                then = before[name][field]
                ratio = f"{then / now:6.1f}×" if then and now else "      "
                lines.append(f"  {field:18} {cell(then):>9} {cell(now):>9} {ratio}")
            else:
                lines.append(f"  {field:18} {cell(now):>9}")
    lines.append("\n(µs per node; bytes per node of UTF-8 JSON)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 9")
    parser.add_argument("--compare", type=Path, metavar="DIR",
                        help="another checkout (an earlier commit) to measure beside this one")
    args = parser.parse_args()
    rounds = 3 if args.quick else 9
    after_rounds, before_rounds = [], []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(rounds):
            if args.compare:
                before_rounds.append(measure(args.compare.resolve(), folder))
            after_rounds.append(measure(HERE, folder))
    before = best_of(before_rounds) if before_rounds else None
    if before:
        print(f"before: {args.compare}    after: {HERE}")
    print(table(best_of(after_rounds), before))


if __name__ == "__main__":
    main()
