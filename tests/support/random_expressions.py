"""Random expressions in the expression language, for hypothesis: nesting,
every function, kept inside the functions' domains."""

from hypothesis import strategies as st

NAMES = ["a", "b", "c"]
# Functions wrapped so their argument stays inside the domain and the
# function stays smooth: log and sqrt of something positive, relu and abs
# of something kept away from 0, tan well away from its poles.
WRAPPED = {
    "exp": "exp(tanh({}))",
    "log": "log(1.5 + sin({}))",
    "sqrt": "sqrt(2 + cos({}))",
    "sin": "sin({})",
    "cos": "cos({})",
    "tan": "tan(0.5*tanh({}))",
    "tanh": "tanh({})",
    "sigmoid": "sigmoid({})",
    "relu": "relu(2 + tanh({}))",
    "abs": "abs(2 + tanh({}))",
    "neg": "-({})",
    "pow": "(1.5 + tanh({}))^1.5",
}


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
