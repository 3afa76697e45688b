"""IEEE-style scalar functions: overflow gives ±inf and undefined gives nan.

Python's `math` raises OverflowError, ValueError and ZeroDivisionError where
IEEE arithmetic (and PyTorch) answers inf or nan. A teaching tool must show
`exp(1000) = inf` and `log(-1) = nan` on the node instead of crashing, so every
op of the engine goes through these helpers where `math` could raise.
"""

import math

INF = math.inf
NAN = math.nan


def div(a: float, b: float) -> float:
    """a / b, with a/0 = ±inf (sign of a times sign of the zero) and 0/0 = nan."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0.0 or a != a:
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)


def exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def log(x: float) -> float:
    if x > 0.0:
        return math.log(x)
    if x == 0.0:
        return -INF
    return NAN  # negative or nan


def sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0.0 else NAN


def sin(x: float) -> float:
    try:
        return math.sin(x)
    except ValueError:  # sin(±inf)
        return NAN


def cos(x: float) -> float:
    try:
        return math.cos(x)
    except ValueError:
        return NAN


def tan(x: float) -> float:
    try:
        return math.tan(x)
    except ValueError:
        return NAN


def sigmoid(x: float) -> float:
    # Two branches so that exp never overflows: for x << 0, exp(x) underflows to 0.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    if x != x:
        return NAN
    e = math.exp(x)
    return e / (1.0 + e)


def softplus(x: float) -> float:
    """log(1 + e^x), written so that e^x never overflows: max(x, 0) + log1p(e^−|x|)."""
    if x != x:
        return NAN
    return (x if x > 0.0 else 0.0) + math.log1p(math.exp(-abs(x)))


def log1p(x: float) -> float:
    """log(1 + x), exact for small x: −inf at −1, nan below."""
    if x > -1.0:
        return math.log1p(x)
    if x == -1.0:
        return -INF
    return NAN  # below −1, or nan


def power(a: float, b: float) -> float:
    """a ** b over the reals: nan where the result would be complex."""
    try:
        return math.pow(a, b)
    except OverflowError:
        # |a| > 1 with b large, or |a| < 1 with b very negative; negative base
        # with an odd integer exponent keeps its sign.
        odd = b.is_integer() and b % 2 == 1
        return -INF if (a < 0.0 and odd) else INF
    except ValueError:
        if a == 0.0 and b < 0.0:  # 0 ** negative: a pole
            odd = b.is_integer() and b % 2 == 1
            return math.copysign(INF, a) if odd else INF
        return NAN  # negative base with a non-integer exponent
