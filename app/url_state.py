"""The pages' state in the URL, declared once.

Each page's state is a table of keys: the name in the URL, the field it
fills in the page's state, a type, a default and its limits or choices (in
the manner of TensorFlow Playground's state.ts). The page routes read their
query keys through it (`decode`), the server writes the links it makes with
it (`encode`), and each page carries its table in a JSON data block
(`<script type="application/json" id="url-state">`, see `page_table`), from
which static/js/state.js decodes, encodes and clamps the state in the
browser. The limits come from the engine and the settings; nothing is
copied by hand into the JavaScript.

Types (what a value is in the URL → in the state):

    text      a string
    pairs     `w:0.5,b:2` → {"w": "0.5", "b": "2"}: names are identifiers,
              so `:` and `,` never clash
    names     `x,ystar` → ["x", "ystar"]; `length`, `distinct` and `choices`
              restrict it (else the default)
    choice    one of `choices` (strings, or numbers when they are numbers)
    int       a number, truncated, then clamped into [min, max]
    number    a finite number greater than `above`
    flag      1 → true, 0 → false
    prefixed  every key `<key><name>` → {name: text} (spec_x=…, spec_y=…)

A value that is absent or unreadable is the default. A key is written when
it differs from its default, or whenever it is not null if `always`; null
is never written. Old names of a key (`aliases`) are still read.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping
from urllib.parse import quote

from engine.datasets import MAX_ROWS
from engine.training import MAX_STEPS

PASSES = ("forward", "backward")
PLAYER_PASSES = PASSES + ("tangent",)  # the player's forward-mode pass (static/js/forward_mode.js)
QUIZZES = ("1", "both", "forward", "backward")  # quiz=1 asks in both passes
SPEEDS = (0.5, 1, 2, 4)
ORDERS = ("random", "cyclic")
THEMES = ("dark", "light", "contrast")
MAX_RUNS = 99                        # backward() runs in the accumulation demo
SEED_RANGE = (0, 2 ** 31 - 1)        # numpy's generators take no negative seed
TRAIN_SPEED = 2                      # one update's passes in ~6 s


@dataclass(frozen=True)
class Key:
    key: str                         # the name in the URL
    type: str                        # see the module docstring
    default: Any = None
    group: str = ""                  # which part of a page it belongs to
    field: str | None = None         # the state's name for it, when not `key`
    choices: tuple | None = None
    min: float | None = None
    max: float | None = None
    above: float | None = None
    length: int | None = None
    distinct: bool = False
    always: bool = False
    trim: bool = False               # written without surrounding blanks
    aliases: tuple[str, ...] = ()    # old names, still read
    doc: str = ""

    @property
    def name(self) -> str:
        return self.field or self.key

    def as_json(self) -> dict[str, Any]:
        """The key as the page's script reads it: empty attributes left out."""
        out = {"key": self.key, "type": self.type, "default": self.default}
        for name, value in asdict(self).items():
            empty = value is None or value is False or value in ((), "")
            if name not in out and name != "doc" and not empty:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out


# --- the player pages -------------------------------------------------------------

FORM = (
    Key("source", "text", "", "form", trim=True, doc="the expression"),
    Key("values", "pairs", {}, "form", doc="input values, w:0.5,b:2"),
    Key("data", "names", [], "form", doc="the inputs that are data, x,ystar"),
    Key("labels", "pairs", {}, "form", doc="names on screen, ystar:y*"),
    Key("title", "text", "", "form"),
)

PLAYER = (
    Key("pass", "choice", "forward", "player", choices=PLAYER_PASSES, always=True),
    # at most the pass's length, which only the document on show knows
    Key("step", "int", 0, "player", min=0, always=True,
        doc="the steps of the pass done (numbering in static/js/state.js)"),
    Key("speed", "choice", 1, "player", choices=SPEEDS),
    Key("big", "flag", False, "player", doc="large text and high contrast"),
    Key("runs", "int", 1, "player", min=1, max=MAX_RUNS, doc="backward() runs so far"),
    Key("quiz", "choice", None, "player", choices=QUIZZES,
        doc="predict mode: the passes whose steps are asked (static/js/quiz.js)"),
    Key("score", "pairs", {}, "player",
        doc="the quiz's marks, a character per step: forward:1-0 (right, not asked, missed)"),
    Key("seed", "text", "", "player", doc="the input forward mode seeds with 1 (pass=tangent)"),
    # absent (null): as the graph opens (static/js/group_view.js); empty: all collapsed
    Key("open", "names", None, "player", always=True, doc="the expanded groups' ids, 3,5,9"),
    Key("heat", "flag", False, "player", doc="nodes coloured by |gradient| (static/js/heatmap.js)"),
)

EMBED = (
    Key("autoplay", "flag", False, "embed", doc="play on load"),
    Key("controls", "flag", True, "embed", doc="0 hides the controls"),
    Key("fit", "choice", None, "embed", choices=(0, 1),
        doc="absent: automatic; 0: follow the zoom; 1: fit the whole graph"),
    Key("theme", "choice", None, "embed", choices=THEMES),
)

PLAYER_TABLE = FORM + PLAYER + EMBED


def player_keys(*groups: str) -> tuple[Key, ...]:
    """The player table's keys of some groups: `form`, `player`, `embed`."""
    return tuple(key for key in PLAYER_TABLE if key.group in groups)


# --- the Train view ---------------------------------------------------------------

GRAPH = (  # /graph/train: the expression and its data are the URL's too
    *FORM,
    Key("csv", "text", "", "form", doc="the data as CSV, from the page's file input"),
    Key("spec_", "prefixed", {}, "form", field="spec",
        doc="a data column each: arange:start,stop,step or a formula"),
)


def default_landscape(setup: Mapping[str, Any]) -> list[str] | None:
    """The two parameters the landscape is drawn over by default, or None."""
    if setup.get("landscape") and len(setup["landscape"]) == 2:
        return list(setup["landscape"])
    params = list(setup["params"])
    return params[:2] if len(params) >= 2 else None


def train_keys(setup: Mapping[str, Any]) -> tuple[Key, ...]:
    """The Train view's table, its defaults from the example's (or the
    expression's) training setup; a key the run cannot use is left out."""
    keys = [
        Key("step", "int", 0, "run", min=0, max=MAX_STEPS, always=True, doc="t: the updates done"),
        Key("lr", "number", setup["lr"], "run", above=0, always=True),
    ]
    if setup["optimizer"] == "sgd":
        keys += [Key("order", "choice", setup["order"], "run", choices=ORDERS, always=True),
                 Key("seed", "int", setup["seed"], "run", min=SEED_RANGE[0], max=SEED_RANGE[1],
                     always=True)]
    if setup.get("points"):
        keys.append(Key("points", "int", setup["points"], "run", min=1, max=MAX_ROWS, always=True,
                        doc="rows of random data"))
    keys += [
        Key("steps", "int", setup["steps"], "run", field="n", min=1, max=MAX_STEPS, always=True,
            doc="N of 'Run N steps'"),
        Key("landscape", "names", default_landscape(setup), "run", length=2, distinct=True,
            choices=tuple(setup["params"]), always=True, doc="its two parameters"),
        # The player's place in the sample's passes: both or neither (null:
        # the frame's own place). `pass_step` was `node` until it was named
        # for what it is, the step of the pass.
        Key("pass", "choice", None, "player", choices=PASSES),
        Key("pass_step", "int", None, "player", field="passStep", min=0, aliases=("node",)),
        Key("speed", "choice", TRAIN_SPEED, "player", choices=SPEEDS),
        Key("big", "flag", False, "player"),
        Key("controls", "flag", True, "embed"),
    ]
    if setup.get("source"):
        keys += GRAPH
    return tuple(keys)


def page_table(keys: Iterable[Key]) -> dict[str, Any]:
    """A page's table as its JSON data block holds it."""
    return {"keys": [key.as_json() for key in keys]}


# --- reading and writing (static/js/state.js does the same in the browser) ---------

def _pairs(text: str) -> dict[str, str]:
    pairs = {}
    for item in text.split(","):
        name, colon, value = item.partition(":")
        if colon and name.strip():
            pairs[name.strip()] = value.strip()
    return pairs


def _number(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _read(key: Key, text: str) -> Any:
    if key.type == "pairs":
        return _pairs(text)
    if key.type == "names":
        return [name.strip() for name in text.split(",") if name.strip()]
    if key.type == "choice" and key.choices and isinstance(key.choices[0], (int, float)):
        return _number(text)
    if key.type in ("int", "number"):
        return _number(text)
    if key.type == "flag":
        return {"1": True, "0": False}.get(text)
    return text


def fit_value(key: Key, value: Any) -> Any:
    """The value if the key allows it (an int clamped into its range), else the default."""
    if key.type == "text":
        return value if isinstance(value, str) else key.default
    if key.type in ("pairs", "prefixed"):
        return dict(value) if isinstance(value, dict) else dict(key.default)
    if key.type == "names":
        ok = isinstance(value, list) and (key.length is None or len(value) == key.length) \
            and (not key.distinct or len(set(value)) == len(value)) \
            and (key.choices is None or all(name in key.choices for name in value))
        return list(value) if ok else (list(key.default) if key.default is not None else None)
    if key.type == "choice":
        return next((choice for choice in key.choices or () if choice == value), key.default)
    if key.type == "flag":
        return value if isinstance(value, bool) else key.default
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return key.default
    if key.type == "int":
        value = int(value)
        if key.min is not None:
            value = max(value, int(key.min))
        return min(value, int(key.max)) if key.max is not None else value
    if key.above is not None and not value > key.above:
        return key.default
    return value


def decode(keys: Iterable[Key], query: Mapping[str, str]) -> dict[str, Any]:
    """The state a query describes (e.g. request.query_params), by field name."""
    state = {}
    for key in keys:
        if key.type == "prefixed":
            state[key.name] = {name[len(key.key):]: text for name, text in query.items()
                               if name.startswith(key.key) and len(name) > len(key.key)}
            continue
        given = next((query[name] for name in (key.key, *key.aliases) if name in query), None)
        state[key.name] = fit_value(key, None if given is None else _read(key, given))
    return state


def number_text(x: float) -> str:
    """A number as JavaScript's String(x) writes the common ones: 2, 0.5, 1e-7."""
    if float(x).is_integer() and abs(x) < 1e21:
        return str(int(x))
    mantissa, e, exponent = repr(float(x)).partition("e")
    return f"{mantissa}e{int(exponent):+d}" if e else mantissa


def _write(key: Key, value: Any) -> str:
    if key.type == "pairs":
        return ",".join(f"{name}:{text}" for name, text in value.items())
    if key.type == "names":
        return ",".join(value)
    if key.type == "flag":
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return number_text(value)
    return value.strip() if key.trim else value


def _quote(text: str) -> str:
    """As the page's script writes it: encodeURIComponent, with `,` `:` `*` left readable."""
    return quote(text, safe=",:*!'()")


def encode(keys: Iterable[Key], state: Mapping[str, Any]) -> str:
    """The query string of a state (the keys missing from it are left out)."""
    params = []
    for key in keys:
        value = state.get(key.name)
        if value is None or (not key.always and value == key.default):
            continue
        if key.type == "prefixed":
            params += [f"{key.key}{name}={_quote(text)}" for name, text in value.items()]
            continue
        text = _write(key, value)
        if text != "" or key.always:
            params.append(f"{key.key}={_quote(text)}")
    return "&".join(params)
