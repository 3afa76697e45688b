"""Random expressions in the expression language, for hypothesis: nesting,
every function of engine.ops, kept inside the functions' domains."""

from hypothesis import strategies as st

from engine.ops import FUNCTIONS

NAMES = ["a", "b", "c"]
# How to keep a function's argument where it is smooth, by the domain the
# op declares: log and sqrt of something positive, relu and abs of something
# kept away from 0, tan well away from its poles, exp of something moderate.
# A new domain in engine.ops needs a line here (the KeyError says so).
INSIDE = {
    "all": "{f}({x})",
    "bounded": "{f}(tanh({x}))",
    "x > 0": "{f}(1.5 + sin({x}))",
    "x > −1": "{f}(0.5 + sin({x}))",
    "x ≠ 0": "{f}(2 + tanh({x}))",
    "|x| < π/2": "{f}(0.5*tanh({x}))",
}
WRAPPED = {name: INSIDE[op.domain].replace("{f}", name).replace("{x}", "{}")
           for name, op in FUNCTIONS.items()}
# The operators written as functions of one subexpression.
WRAPPED |= {"neg": "-({})", "pow": "(1.5 + tanh({}))^1.5"}


def expressions(depth: int = 4):
    leaves = st.sampled_from(NAMES) | st.sampled_from(["0.5", "2", "1.25"])

    def extend(inner):
        unary = st.tuples(st.sampled_from(sorted(WRAPPED)), inner).map(
            lambda t: WRAPPED[t[0]].format(t[1]))
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})")
        division = st.tuples(inner, inner).map(lambda t: f"({t[0]} / (2 + tanh({t[1]})))")
        power = st.tuples(inner, inner).map(
            lambda t: f"((1.5 + tanh({t[0]})) ^ tanh({t[1]}))")
        return unary | binary | division | power

    return st.recursive(leaves, extend, max_leaves=12)
