"""How the slides write things: op symbols, names, expressions and the local
derivative on each edge (`*x`, `*1`, `*y`, `*(−sin s)`), as plain text for the
SVG and as TeX for the chain-rule panel.

Each op's derivative rule is in value.py as numbers; here is only how a
person writes it down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "lambda",
         "mu", "nu", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega"}
_UNICODE_TEX = {"ℓ": r"\ell", "α": r"\alpha", "β": r"\beta", "γ": r"\gamma",
                "δ": r"\delta", "ε": r"\epsilon", "η": r"\eta", "θ": r"\theta",
                "λ": r"\lambda", "μ": r"\mu", "σ": r"\sigma", "τ": r"\tau",
                "φ": r"\phi", "ω": r"\omega", "ŷ": r"\hat{y}"}
MAX_EXPRESSION_CHARS = 32

# How an op node is drawn: the symbol in its circle.
SYMBOLS = {"+": "+", "-": "−", "*": "×", "/": "÷", "pow": "^", "neg": "−",
           "exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "tan": "tan",
           "tanh": "tanh", "sigmoid": "σ", "relu": "ReLU", "sqrt": "√", "abs": "|·|"}


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


def format_number(x: float) -> str:
    """Six significant digits, no trailing zeros: 0.25, 2.25, 9.48774, 1e+06."""
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else "−∞"
    text = f"{x:.6g}"
    return text.replace("-", "−") if text.startswith("-") else text


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
    if op == "**":
        return "x" + power_text(arg)
    return SYMBOLS.get(op, op)


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
    escaped = "".join("\\_" if c == "_" else c for c in label if c.isalnum() or c == "_")
    return Math(label, rf"\mathrm{{{escaped or '?'}}}")


def expression(op: str, operands: list[Math], arg: float | None = None) -> Math:
    """How the slides write an op applied to its operands: w·x, u + b, exp(v)."""
    if op in ("+", "-"):
        a, b = operands[0], operands[1]
        sign_text, sign_tex = ("+", "+") if op == "+" else ("−", "-")
        right = b.wrapped() if op == "-" else b
        return Math(f"{a.text} {sign_text} {right.text}", f"{a.tex} {sign_tex} {right.tex}",
                    atomic=False)
    if op == "*":
        a, b = operands[0].wrapped(), operands[1].wrapped()
        return Math(f"{a.text}·{b.text}", rf"{a.tex} \cdot {b.tex}", atomic=False)
    if op == "/":
        a, b = operands[0].wrapped(), operands[1].wrapped()
        return Math(f"{a.text}/{b.text}", rf"\frac{{{operands[0].tex}}}{{{operands[1].tex}}}",
                    atomic=False)
    if op == "**":
        a, k = operands[0].wrapped(), number(arg)
        return Math(f"{a.text}{power_text(arg)}", f"{a.tex}^{{{k.tex}}}", atomic=False)
    if op == "pow":
        a, b = operands[0].wrapped(), operands[1].wrapped()
        return Math(f"{a.text}^{b.text}", f"{a.tex}^{{{operands[1].tex}}}", atomic=False)
    if op == "neg":
        a = operands[0].wrapped()
        return Math(f"−{a.text}", f"-{a.tex}", atomic=False)
    if op == "abs":
        return Math(f"|{operands[0].text}|", rf"\left|{operands[0].tex}\right|")
    if op == "sqrt":
        return Math(f"√({operands[0].text})", rf"\sqrt{{{operands[0].tex}}}")
    if op == "sigmoid":
        return Math(f"σ({operands[0].text})", rf"\sigma\left({operands[0].tex}\right)")
    tex_name = rf"\{op}" if op in ("exp", "log", "sin", "cos", "tan", "tanh") else \
        rf"\operatorname{{{op}}}"
    return Math(f"{op}({operands[0].text})", rf"{tex_name}\left({operands[0].tex}\right)")


def local_derivatives(op: str, operands: list[Math], out: Math,
                      arg: float | None = None) -> list[Math]:
    """∂out/∂operand for each operand, written in names as on the slides'
    edges: ∂(w·x)/∂w = x, ∂exp(v)/∂v = y (the output's own name)."""
    one, minus_one = Math("1", "1"), Math("−1", "-1", atomic=False)
    if op == "+":
        return [one, one]
    if op == "-":
        return [one, minus_one]
    if op == "*":
        return [operands[1], operands[0]]
    if op == "neg":
        return [minus_one]
    a = operands[0].wrapped()
    if op == "/":
        b = operands[1].wrapped()
        return [Math(f"1/{b.text}", rf"\frac{{1}}{{{operands[1].tex}}}", atomic=False),
                Math(f"−{a.text}/{b.text}²", rf"-\frac{{{operands[0].tex}}}{{{b.tex}^2}}",
                     atomic=False)]
    if op == "**":
        k = arg
        if k == 2:
            return [Math(f"2{a.text}", f"2{a.tex}", atomic=False)]
        k_math, k1 = number(k), number(k - 1)
        power = "" if k - 1 == 1 else power_text(k - 1)
        power_tex = "" if k - 1 == 1 else f"^{{{k1.tex}}}"
        return [Math(f"{k_math.text}·{a.text}{power}", rf"{k_math.tex} \cdot {a.tex}{power_tex}",
                     atomic=False)]
    if op == "pow":
        b = operands[1].wrapped()
        return [Math(f"{b.text}·{a.text}^({operands[1].text} − 1)",
                     rf"{b.tex} \cdot {a.tex}^{{{operands[1].tex} - 1}}", atomic=False),
                Math(f"{out.wrapped().text}·log {a.text}",
                     rf"{out.wrapped().tex} \cdot \log {a.tex}", atomic=False)]
    o = out.wrapped()
    rules = {
        "exp": out,
        "log": Math(f"1/{a.text}", rf"\frac{{1}}{{{operands[0].tex}}}", atomic=False),
        "sin": Math(f"cos {a.text}", rf"\cos {a.tex}", atomic=False),
        "cos": Math(f"−sin {a.text}", rf"-\sin {a.tex}", atomic=False),
        "tan": Math(f"1 + {o.text}²", rf"1 + {o.tex}^2", atomic=False),
        "tanh": Math(f"1 − {o.text}²", rf"1 - {o.tex}^2", atomic=False),
        "sigmoid": Math(f"{o.text}(1 − {o.text})", rf"{o.tex}\left(1 - {o.tex}\right)",
                        atomic=False),
        "relu": Math(f"[{a.text} > 0]", rf"[{a.tex} > 0]"),
        "sqrt": Math(f"1/(2{o.text})", rf"\frac{{1}}{{2{o.tex}}}", atomic=False),
        "abs": Math(f"sign {a.text}", rf"\operatorname{{sign}} {a.tex}", atomic=False),
    }
    return [rules[op]]


def short(math: Math, fallback: Math) -> Math:
    """Long expressions would clutter the picture: use `fallback` instead."""
    return math if len(math.text) <= MAX_EXPRESSION_CHARS else fallback


def prime(label: Math) -> Math:
    """The slides' name for a gradient: u′ = ∂ℓ/∂u."""
    return Math(f"{label.wrapped().text}′", f"{label.wrapped().tex}'")
