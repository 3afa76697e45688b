"""HTML pages: each one shows exactly what its JSON twin under /api answers.

    /                          the course examples and the expression form
    /examples/{slug}           the player on one course example
    /graph?source=&values=&data=&labels=&title=
                               the player on any expression; the URL is the state
    /graphs/{id}               the player on a saved graph (POST /api/graphs)
    /embed/examples/{slug}     the player alone, to be framed by any site
    /embed/graph?...           /embed/graphs/{id}
    /examples/{slug}/train     training step by step (POST /api/train): the player on
                               each step's sample, charts, the loss landscape;
                               for the examples that have a [training] table
    /embed/examples/{slug}/train
    /graph/train?source=&values=&data=&spec_<name>=&csv=
                               training any expression (the same page): every
                               input not listed in `data` is trained from its
                               value; 404 with a reason when no input is data
    /embed/graph/train?...

The document is computed by the same functions as /api/examples/{slug} and
/api/graph and handed to the page in a JSON data block (CSP allows no inline
script; a `type="application/json"` block is never executed). The keys of a
page's state in the URL are declared in app/url_state.py: the routes read the
form's keys with it, and each page gets its table in a second data block,
from which its script reads the rest (pass, step, speed, big, runs, autoplay,
controls, fit, theme; on the Train view step, lr, order, seed, points, steps,
landscape, pass, pass_step, speed, big, controls).

On /graph/train each data input's column is `spec_<name>`: either
`arange:start,stop,step` (e.g. `spec_x=arange:0,1,0.01`) or a formula of the
other columns (`spec_y=3*x + 1`). By default the first data input is
`arange:0,1,0.01` and every other one is the formula `2*<first> + 1`. A
`csv=` (text with a header row, from the page's file input) replaces the
specs. The page's script turns these into POST /api/train's `data` or `csv`
(static/js/train/api.js); the prediction drawn against the data is the named
node `p` when the output is `(p - target)^2` or `(target - p)^2` with the
target a data input.
"""

from __future__ import annotations

import inspect
import json
import re
from functools import wraps
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from app.routers.api import cached_example_json, limits_of, summary_of
from app.routers.page_forms import form_of, graph_of, graph_query, inputs_of, locate, values_of
from app.routers.page_render import cached_page, render
from app.url_state import GRAPH, decode, player_keys, train_keys
from engine import ParseError, parse

router = APIRouter(tags=["pages"], include_in_schema=False)

# The groups of URL keys each player page has (app/url_state.py).
VIEW_KEYS = player_keys("player", "embed")
FORM_VIEW_KEYS = player_keys("form", "player", "embed")


# --- pages ----------------------------------------------------------------------

SAVED_ID = re.compile(r"^[0-9a-f]{12,64}$")


def not_found(request: Request, what: str, name: str, embed: bool):
    return render(request, "404.html", {"what": what, "name": name, "embed": embed},
                  status_code=404)


def example_page(request: Request, slug: str, embed: bool):
    example = request.app.state.examples.get(slug)
    if example is None:
        return not_found(request, "example", slug, embed)
    document = json.loads(cached_example_json(request.app, example))
    edit_url = "/graph?" + graph_query(example.source, example.values, example.data,
                                       example.labels)
    return render(request, "embed.html" if embed else "example.html",
                  {"example": example, "document": document, "embed": embed,
                   "title": example.title, "edit_url": edit_url}, url_keys=VIEW_KEYS)


async def graph_page(request: Request, embed: bool):
    form = form_of(request)
    document, error = await graph_of(request, form)  # POST /api/graph's cached answer
    return await run_in_threadpool(render_graph_page, request, form, document, error, embed)


def render_graph_page(request: Request, form: dict, document: dict | None, error: dict | None,
                      embed: bool):
    error = locate(error, form["source"])
    title = form["title"] or (document or {}).get("title") or "Your expression"
    return render(request, "embed.html" if embed else "graph.html",
                  {"form": form, "document": document, "error": error, "embed": embed,
                   "inputs": inputs_of(document, form), "title": title},
                  url_keys=FORM_VIEW_KEYS)


def saved_page(request: Request, graph_id: str, embed: bool):
    saved = request.app.state.store.load(graph_id) if SAVED_ID.match(graph_id) else None
    if saved is None:
        return not_found(request, "saved graph", graph_id, embed)
    document = json.loads(saved)
    title = document.get("title") or "A saved graph"
    return render(request, "embed.html" if embed else "saved.html",
                  {"document": document, "embed": embed, "title": title, "graph_id": graph_id},
                  url_keys=VIEW_KEYS)


def training_setup(example) -> dict[str, Any]:
    """What the train page needs besides POST /api/train: the example's
    training summary (as GET /api/examples lists it), its seed, and the rows
    of its random data when it has any (the `points` override)."""
    training = example.training
    random_rows = [column.get("n", 100) for column in training.get("data", {}).values()
                   if isinstance(column, dict) and "uniform" in column]
    return {"slug": example.slug, "title": example.title, "labels": example.labels,
            "params": list(training.get("start", {})),  # in order (the JSON block sorts keys)
            **summary_of(example).training.model_dump(),
            "seed": training.get("seed", 0), "points": random_rows[0] if random_rows else None}


def _name_of(parsed, node) -> str | None:
    return next((name for name, value in parsed.names.items() if value is node), None)


def prediction_of(parsed) -> str | None:
    """The named node the loss is computed from: p in (p − t)^2 or (t − p)^2, t data."""
    output = parsed.output
    if output.op != "**" or output.inputs[0].op != "-":
        return None
    left, right = output.inputs[0].inputs
    names = [_name_of(parsed, left), _name_of(parsed, right)]
    if names[1] in parsed.data and names[0] not in parsed.data:
        return names[0]
    if names[0] in parsed.data and names[1] not in parsed.data:
        return names[1]
    return None


def source_setup(request: Request, form: dict[str, Any]) -> tuple[dict | None, str]:
    """The train page's setup for any expression, or (None, why not)."""
    if not form["source"].strip():
        return None, "no expression given"
    values, error = values_of(form)
    if error:
        return None, error["message"]
    try:  # data inputs need no value here: their columns come from the spec
        parsed = parse(form["source"], {**{n: 0.0 for n in form["data"]}, **values},
                       form["data"], limits_of(request.app.state.settings))
    except ParseError as exc:
        return None, exc.message
    data = [name for name in parsed.inputs if name in parsed.data]
    if not data:
        return None, "mark at least one input as data: training needs data"
    params = {name: leaf.data for name, leaf in parsed.inputs.items() if name not in parsed.data}
    if not params:
        return None, "every input is data: there is no parameter to train"
    given, spec = decode(GRAPH, request.query_params), {}
    for i, name in enumerate(data):
        default = "arange:0,1,0.01" if i == 0 else f"2*{data[0]} + 1"
        spec[name] = given["spec"].get(name) or default
    names = list(params)
    return {"slug": None, "source": form["source"], "data": data, "spec": spec,
            "csv": given["csv"] or None,
            "values": {}, "title": form["title"] or "Your expression",
            "labels": form["labels"], "params": names, "start": params,
            "optimizer": "sgd", "lr": 1e-2, "steps": 1000, "order": "random", "seed": 0,
            "points": None, "prediction": prediction_of(parsed),
            "landscape": names[:2] if len(names) >= 2 else None, "landscape_range": None,
            "graph_url": "/graph?" + graph_query(form["source"], params, data,
                                                 form["labels"], form["title"])}, ""


def source_train_page(request: Request, embed: bool):
    form = form_of(request)
    setup, why = source_setup(request, form)
    if setup is None:
        return render(request, "404.html", {"what": "trainable expression", "embed": embed,
                                            "name": form["source"], "explanation": why},
                      status_code=404)
    return render(request, "train.html",
                  {"setup": setup, "embed": embed, "title": f"Training: {setup['title']}",
                   "player_url": setup["graph_url"]}, url_keys=train_keys(setup))


def train_page(request: Request, slug: str, embed: bool):
    example = request.app.state.examples.get(slug)
    if example is None or not example.training:
        return not_found(request, "trainable example", slug, embed)
    setup = training_setup(example)
    return render(request, "train.html",
                  {"example": example, "setup": setup, "embed": embed,
                   "title": f"Training: {example.title}",
                   "player_url": f"/examples/{example.slug}"},
                  url_keys=train_keys(setup))


def cached(view):
    """A page view (sync: it renders in a thread) behind the page cache."""
    @wraps(view)
    async def cached_view(request: Request, **params):
        return await cached_page(request, lambda: run_in_threadpool(view, request, **params))
    return cached_view


@router.get("/", response_class=HTMLResponse)
@cached
def index(request: Request):
    form = form_of(request)
    return render(request, "index.html",
                  {"examples": list(request.app.state.examples.values()), "form": form,
                   "inputs": inputs_of(None, form), "error": None, "embed": False},
                  url_keys=player_keys("form"))


# Each view answers at its path and, without the page around it, at /embed
# + path: one function for both, told apart by the path it was called at.

def page_and_embed(path: str):
    def register(view):
        view = view if inspect.iscoroutinefunction(view) else cached(view)
        router.get(path, response_class=HTMLResponse)(view)
        return router.get("/embed" + path, response_class=HTMLResponse)(view)
    return register


def is_embed(request: Request) -> bool:
    return request.url.path.startswith("/embed/")


@page_and_embed("/examples/{slug}")
def example(request: Request, slug: str):
    return example_page(request, slug, embed=is_embed(request))


@page_and_embed("/graph")
async def graph(request: Request):
    return await cached_page(request, lambda: graph_page(request, embed=is_embed(request)))


@page_and_embed("/graph/train")
def graph_train(request: Request):
    return source_train_page(request, embed=is_embed(request))


@page_and_embed("/graphs/{graph_id}")
def saved(request: Request, graph_id: str):
    return saved_page(request, graph_id, embed=is_embed(request))


@page_and_embed("/examples/{slug}/train")
def train(request: Request, slug: str):
    return train_page(request, slug, embed=is_embed(request))
