"""How the slides write things: op symbols, names, expressions and the local
derivative on each edge (`*x`, `*1`, `*y`, `*(−sin s)`), as plain text for the
SVG and as TeX for the chain-rule panel.

Each op's templates are in engine.ops, with its rule as numbers; here they
are filled in with names and numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from string import Template

from engine.ops import OPS, Written

GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "lambda",
         "mu", "nu", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega"}
_UNICODE_TEX = {"ℓ": r"\ell", "α": r"\alpha", "β": r"\beta", "γ": r"\gamma",
                "δ": r"\delta", "ε": r"\epsilon", "η": r"\eta", "θ": r"\theta",
                "λ": r"\lambda", "μ": r"\mu", "σ": r"\sigma", "τ": r"\tau",
                "φ": r"\phi", "ω": r"\omega", "ŷ": r"\hat{y}"}

@dataclass(frozen=True)
class Math:
    """One formula in two notations."""
    text: str
    tex: str
    atomic: bool = True  # needs no parentheses as an operand

    def wrapped(self) -> Math:
        if self.atomic:
            return self
        return Math(f"({self.text})", rf"\left({self.tex}\right)")


def format_number(x: float, digits: int = 6) -> str:
    """`digits` significant digits (6 in the chain rule's text), U+2212
    minus, no trailing zeros, an exponent only outside [1e-4, 1e7): 0.25,
    9.48774, 1234570, 1.5e−5. The one number rule: static/js/format.js fmt
    is the same function (4 digits on the graph); a test runs both on the
    same numbers, ties included (rounded half away from zero, as JS does)."""
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    rounded = _significant(Decimal(x), digits)
    if 1e-4 <= abs(x) < 1e7:
        text = repr(float(rounded))   # the shortest form, as JS writes a Number
        text = text[:-2] if text.endswith(".0") else text
    else:
        exponent = rounded.adjusted()
        mantissa = format(rounded.scaleb(-exponent), "f")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        text = f"{mantissa}e{exponent}"
    return text.replace("-", "−")


def _significant(x: Decimal, digits: int) -> Decimal:
    """x rounded to `digits` significant digits, a tie away from zero."""
    return x.quantize(Decimal(1).scaleb(x.adjusted() - digits + 1), rounding=ROUND_HALF_UP)


def number(x: float) -> Math:
    text = format_number(x)
    tex = text.replace("−", "-").replace("∞", r"\infty")
    if "e" in tex:
        mantissa, exponent = tex.split("e")
        tex = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return Math(text, tex, atomic=not text.startswith("−"))


_SUPERSCRIPTS = str.maketrans("0123456789−.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")


def power_text(k: float) -> str:
    """x², x³, x⁻¹ as the slides write them; x^0.5 where no superscript fits."""
    text = format_number(k)
    if k.is_integer() and abs(k) < 10:
        return text.translate(_SUPERSCRIPTS)
    return "^" + text


def symbol_of(op: str, arg: float | None = None) -> str:
    """What the op's circle shows: ×, exp, x² (x ** 2 keeps its exponent)."""
    if op not in OPS:
        return op
    return _format(OPS[op].symbol).format_map(_constant(arg, True) if arg is not None else {})


def name(label: str) -> Math:
    """A node's name: `ystar` and `y*` become y*, `w1` becomes w₁ in TeX."""
    if label in ("ystar", "y_star", "y*"):
        return Math("y*", "y^{*}")
    if label in _UNICODE_TEX:
        return Math(label, _UNICODE_TEX[label])
    if label in GREEK:
        return Math(label, "\\" + label)
    match = re.fullmatch(r"([A-Za-z]+)_?(\d+)", label)
    if match and len(match.group(1)) == 1:
        return Math(label, f"{match.group(1)}_{{{match.group(2)}}}")
    if match and match.group(1) in GREEK:
        return Math(label, f"\\{match.group(1)}_{{{match.group(2)}}}")
    if len(label) == 1 and label.isascii():
        return Math(label, label)
    indexed = re.fullmatch(r"([A-Za-z]+)((?:\[\d+\])+)", label)   # engine.nn's w[1][0][2], b[0][3]
    if indexed:
        return Math(label, f"{name(indexed.group(1)).tex}_{{{indexed.group(2)}}}")
    escaped = "".join("\\_" if c == "_" else c for c in label if c.isalnum() or c == "_")
    return Math(label, rf"\mathrm{{{escaped or '?'}}}")


def expression(op: str, operands: list[Math], arg: float | None = None) -> Math:
    """How the slides write an op applied to its operands: w·x, u + b, exp(v)."""
    return _math(OPS[op].written, operands, None, arg)


def expression_text(op: str, operands: list[Math], arg: float | None = None) -> Math:
    """`expression` in text alone (its `tex` left empty), where no TeX is wanted."""
    return _math(OPS[op].written, operands, None, arg, tex=False)


def local_derivatives(op: str, operands: list[Math], out: Math,
                      arg: float | None = None) -> list[Math]:
    """∂out/∂operand for each operand, written in names as on the slides'
    edges: ∂(w·x)/∂w = x, ∂exp(v)/∂v = y (the output's own name)."""
    return [_math(written, operands, out, arg) for written in OPS[op].derivatives_for(arg)]


def _math(written: Written, operands: list[Math], out: Math | None,
          arg: float | None, tex: bool = True) -> Math:
    """A template of engine.ops filled in (its placeholders are described
    there), in text and (unless `tex` is False) in TeX."""
    # A derivative that is one operand (x for w·x) or the node itself (y for
    # exp) is that name, parenthesised only where the name needs it.
    if written.text == "$y" and out is not None:
        return out
    if written.text == "$a" or written.text == "$b":
        position = 0 if written.text == "$a" else 1
        if position < len(operands):
            return operands[position]
    text = _format(written.text).format_map(_names(operands, out, arg, True))
    if not tex:
        return Math(text, "", written.atomic)
    return Math(text, _format(written.tex).format_map(_names(operands, out, arg, False)),
                written.atomic)


def _names(operands: list[Math], out: Math | None, arg: float | None,
           text: bool) -> dict[str, str]:
    """The placeholders' values in one notation."""
    names: dict[str, str] = {}
    for letter, operand in zip("ab", operands):
        wrapped = operand.wrapped()
        if text:
            names[letter], names[letter.upper()] = operand.text, wrapped.text
        else:
            names[letter], names[letter.upper()] = operand.tex, wrapped.tex
    if out is not None:
        wrapped = out.wrapped()
        names["y"], names["Y"] = (out.text, wrapped.text) if text else (out.tex, wrapped.tex)
    if arg is not None:
        names.update(_constant(arg, text))
    return names


@lru_cache(maxsize=None)
def _format(template: str) -> str:
    """A template as a str.format pattern, made once: $a becomes {a}, and a
    brace of TeX a doubled brace (what string.Template.substitute does,
    without its regex on every call)."""
    escaped = template.replace("{", "{{").replace("}", "}}")
    return re.sub(r"\$([_a-zA-Z][_a-zA-Z0-9]*)", r"{\1}", escaped)


@lru_cache(maxsize=4096)
def _constant(arg: float, text: bool) -> dict[str, str]:
    """The placeholders of an op's constant k: $k, $K (as an exponent), $P (k − 1)."""
    names = {"k": number(arg).text if text else number(arg).tex,
             "K": power_text(arg) if text else f"^{{{number(arg).tex}}}"}
    if arg - 1 == 1:
        names["P"] = ""
    else:
        names["P"] = power_text(arg - 1) if text else f"^{{{number(arg - 1).tex}}}"
    return names


def written_key(op: str, symbol: str | None, arg: float | None) -> str:
    """The key of an op's `written` template in a document: the op, and
    for x**k its symbol, which writes k as the template does."""
    return op if arg is None else f"{op} {symbol}"


def written_template(op: str, arg: float | None = None) -> Written:
    """The op's template for `expression`, its constant filled in: only the
    operands' placeholders ($a, $A, $b, $B) are left."""
    written = OPS[op].written
    if arg is None:
        return written
    return Written(Template(written.text).safe_substitute(_constant(arg, True)),
                   Template(written.tex).safe_substitute(_constant(arg, False)), written.atomic)


def fill_operands(written: Written, operands: list[Math]) -> Math:
    """A `written_template` applied to its operands, as `expression` does."""
    alone = dict(zip(("$a", "$b"), operands))
    if written.text in alone:
        return alone[written.text]
    return Math(_substitute(written.text, operands, True),
                _substitute(written.tex, operands, False), written.atomic)


def _substitute(template: str, operands: list[Math], text: bool) -> str:
    names: dict[str, str] = {}
    for letter, operand in zip("ab", operands):
        wrapped = operand.wrapped()
        names[letter] = operand.text if text else operand.tex
        names[letter.upper()] = wrapped.text if text else wrapped.tex
    return _format(template).format_map(names)


def prime(label: Math) -> Math:
    """The slides' name for a gradient: u′ = ∂ℓ/∂u."""
    return Math(f"{label.wrapped().text}′", f"{label.wrapped().tex}'")


def chip(local: Math) -> str:
    """A local derivative on its arrow's chip, as the slides write it: *x,
    *1, *2(y − y*), *(−sin s): a product of juxtaposed factors needs no
    parentheses, a sum or a leading minus does."""
    return chip_text(local.text)


def chip_text(text: str) -> str:
    """`chip` of a local derivative's text."""
    depth, loose = 0, text.startswith("−")
    for c in text:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and c == " ":
            loose = True
    return f"*({text})" if loose else f"*{text}"

