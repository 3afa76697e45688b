"""A lecturer's own example files next to the built-in ones, and the export
verb that writes one frame for slides."""

import json
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ElementTree

import pytest
from live_server import running_server
from svg_texts import drawn_texts

from engine import load_examples

LECTURE = """
slug = "my-sigmoid"
title = "A neuron: σ(w·x + b)"
source = \"\"\"
z = w*x + b
a = sigmoid(z)
l = (a - t)^2
\"\"\"
data = ["x", "t"]

[values]
w = 0.3
b = -0.1
x = 2.0
t = 1.0
"""


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True,
                          timeout=120)


def test_serve_loads_a_lecture_file_next_to_the_course_examples(tmp_path):
    lecture = tmp_path / "lecture.toml"
    lecture.write_text(LECTURE)
    with running_server([sys.executable, "-m", "app", "serve", "--examples", str(lecture)]) \
            as base:
        with urllib.request.urlopen(f"{base}/api/examples") as response:
            slugs = [e["slug"] for e in json.load(response)]
        with urllib.request.urlopen(f"{base}/api/examples/my-sigmoid") as response:
            doc = json.load(response)
    assert slugs[:len(load_examples())] == list(load_examples()) and slugs[-1] == "my-sigmoid"
    assert set(doc["gradients"]) == {"w", "b"}


def test_serve_takes_a_folder_of_lecture_files(tmp_path):
    (tmp_path / "a.toml").write_text(LECTURE)
    (tmp_path / "b.toml").write_text(LECTURE.replace("my-sigmoid", "my-other"))
    with running_server([sys.executable, "-m", "app", "serve", "--examples", str(tmp_path)]) \
            as base:
        with urllib.request.urlopen(f"{base}/api/examples") as response:
            slugs = [e["slug"] for e in json.load(response)]
    assert slugs[-2:] == ["my-sigmoid", "my-other"]


@pytest.mark.parametrize("text,where,reason", [
    (LECTURE.replace("l = (a - t)^2", "l = (a - t)^^2"), ":7:", "syntax error"),
    (LECTURE.replace('slug = "my-sigmoid"', 'slug = "simple"'), ":2:", "already taken"),
    (LECTURE.replace("[values]", "[values"), ":11:", "line 11"),
    (LECTURE.replace("w = 0.3", 'w = "heavy"'), ":12:", "not a number"),
])
def test_a_malformed_lecture_file_is_refused_at_start(tmp_path, text, where, reason):
    lecture = tmp_path / "lecture.toml"
    lecture.write_text(text)
    result = run_cli("serve", "--examples", str(lecture), "--port", "9")
    assert result.returncode == 2
    assert f"{lecture}{where}" in result.stderr and reason in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_lecture_file_is_refused_too(tmp_path):
    result = run_cli("serve", "--examples", str(tmp_path / "nope.toml"), "--port", "9")
    assert result.returncode == 2 and "no such file" in result.stderr


# The CLI hands an example to app/svg_export.py's render_svg, which
# tests/e2e/test_exports.py runs on every course example against the page's
# own picture; here, the verb end to end on the smallest and the biggest.
@pytest.mark.parametrize("slug", ["simple", "moons-mlp"])
def test_export_writes_valid_svg_of_a_course_example(tmp_path, slug):
    target = tmp_path / f"{slug}.svg"
    result = run_cli("export", slug, "--format", "svg", "--pass", "backward", "-o", str(target))
    assert result.returncode == 0, result.stderr
    root = ElementTree.parse(target).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = drawn_texts(target.read_text())
    assert any("′ = " in t for t in texts)  # the gradient labels of the backward frame


def test_export_a_forward_frame_and_a_png(tmp_path):
    svg, png = tmp_path / "f.svg", tmp_path / "b.png"
    assert run_cli("export", "simple", "--pass", "forward", "--step", "2", "-o",
                   str(svg)).returncode == 0
    texts = drawn_texts(svg.read_text())
    assert "v = 2.25" in texts and not any("′" in t for t in texts)
    result = run_cli("export", "simple", "--format", "png", "-o", str(png))
    assert result.returncode == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_export_of_an_unknown_example(tmp_path):
    result = run_cli("export", "nope", "-o", str(tmp_path / "x.svg"))
    assert result.returncode == 2 and "no example named 'nope'" in result.stderr
