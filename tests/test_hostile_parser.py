"""Hostile input through the Python API: every case ends in bounded time and memory, with a
ValueError in mvcalc's own words.

Each case runs in a child process forked from this one, under a 15 s kill and an address-space
limit of 1 GiB beyond this process's size, as a user's program would meet it: a case that ran
away would be killed and reported, not hang the suite. The time limit itself is tested with
small limits (1 s), so that the file runs in well under a minute. A hypothesis fuzzer then
builds random expressions from the parser's grammar, with the numbers and exponents chosen to
reach the limits, and checks that what the parser accepts stays within the documented bounds.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import mvcalc as mc
from mvcalc import _budget, symbolic
from mvcalc._numeric import numeric_function, real_float

KILL_AFTER = 15.0  # seconds: a case still running then has failed
MEMORY = 1 << 30  # bytes a case may add to this process's size
FOREIGN = (
    "set_int_max_str_digits",
    "Exceeds the limit",
    "Cannot convert",
    "cannot convert",
    "Numerical result out of range",
    "math domain error",
    "Traceback",
)
LINUX = os.path.exists("/proc/self/statm")


def _limit_memory() -> None:
    if not LINUX:
        return
    import resource

    with open("/proc/self/statm") as statm:
        size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY, size + MEMORY))


def _child(conn: Any, case: Callable[[], Any]) -> None:
    _limit_memory()
    try:
        result = case()
        conn.send(("returned", type(result).__name__, repr(result)[:300]))
    except BaseException as exc:  # everything is reported to the parent, nothing escapes
        conn.send(("raised", type(exc).__name__, str(exc), isinstance(exc, ValueError),
                   traceback.format_exc()[-2000:]))  # fmt: skip


def run_case(case: Callable[[], Any]) -> tuple[Any, ...]:
    """Run ``case`` in a forked child; what it returned or raised, or a failure if killed."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_child, args=(child, case))
    process.start()
    child.close()
    try:
        if not parent.poll(KILL_AFTER):
            pytest.fail(f"still running after {KILL_AFTER:g} s: killed")
        return tuple(parent.recv())
    except EOFError:
        process.join(5)
        pytest.fail(f"the case's process died (exit code {process.exitcode})")
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent.close()


def assert_refused(case: Callable[[], Any], *phrases: str, kind: str | None = None) -> str:
    """The case raised a ValueError (of class ``kind`` if given) whose message has the phrases
    and none of Python's or SymPy's own texts; returns the message."""
    outcome = run_case(case)
    assert outcome[0] == "raised", f"no error: {outcome}"
    _, name, message, is_value_error, trace = outcome
    assert is_value_error, f"{name}: {message}\n{trace}"
    if kind is not None:
        assert name == kind, f"{name}: {message}"
    for phrase in phrases:
        assert phrase in message, message
    for foreign in FOREIGN:
        assert foreign not in message, message
    assert "\n" not in message, message
    return message


# --------------------------------------------------------------------------------------------
# The parser: what an expression builds is bounded, not only each literal
# --------------------------------------------------------------------------------------------

TOO_LARGE = {
    # the cases
    "a 29-million-digit power": "((10**29*pi)**1000)**1000",
    "a tower of powers": "((((2*x)**1000)**1000)**1000)**1000",
    # more of the kind
    "a coefficient raised": "(10**29*x)**1000",
    "a big base": "(123456789012345678901234567890**10)**10",
    "a square root raised": "sqrt(12345678901)**1000",
    "a negative power": "(10**29)**(-1000)",
    "a fraction raised": "(7/3)**1000",
    "a root worked on a power": "165180577577403887545847785119**(998/999)",
    "a fraction's root": "(550463605278600811921654327667/165180577577403887545847785119)**(1/999)",
    "a big exponent": "2**((1/3)**(-999))",
    "a long product": "*".join(["(10**29)"] * 11),
    "a product of roots": "(sqrt(2)**999)*(sqrt(2)**999)",
    "a sum of fractions": "+".join(f"1/{123456789012345678901 + 2 * k}" for k in range(20)),
}

TOO_HIGH_DEGREE = {
    "a power of a power": "(x**1000)**1000",
    "a product": "x**600*y**600",
    "a quotient": "x**700/y**700",
    "a function raised": "(sin(x)**1000)**2",
    "a root raised": "((x**(1/2))**1000)**3",
    "a power of a sum": "((x + 1)**999*(y - 1)**2)**2",
}


@pytest.mark.parametrize("text", TOO_LARGE.values(), ids=list(TOO_LARGE))
def test_numbers_beyond_the_bound_are_refused_before_they_are_built(text):
    message = assert_refused(lambda: symbolic.parse(text), 'cannot read "', "digits")
    assert f"{symbolic.MAX_RESULT_DIGITS}" in message


@pytest.mark.parametrize("text", TOO_HIGH_DEGREE.values(), ids=list(TOO_HIGH_DEGREE))
def test_degrees_beyond_the_bound_are_refused(text):
    assert_refused(lambda: symbolic.parse(text), 'cannot read "', "degree")


def test_the_bounds_admit_what_a_learner_writes():
    """Just inside every bound: accepted, and built exactly (the oracle: Python's integers)."""
    assert symbolic.parse("x^1000") == sp.Symbol("x") ** 1000
    assert symbolic.parse("x^500*y^500").as_powers_dict()[sp.Symbol("y")] == 500
    assert symbolic.parse("10**300") == 10**300
    assert symbolic.parse("(2*x)**996").as_coeff_Mul()[0] == 2**996
    assert symbolic.parse("(x + 1/3)**1000") == (sp.Symbol("x") + sp.Rational(1, 3)) ** 1000
    assert symbolic.parse("7**(1/999)") == sp.Pow(7, sp.Rational(1, 999))
    assert symbolic.parse("sqrt(2)**1000") == 2**500
    assert symbolic.parse("sin(x)**1000") == sp.sin(sp.Symbol("x")) ** 1000
    assert symbolic.parse("1e-300") == sp.Rational(1, 10**300)


# --------------------------------------------------------------------------------------------
# Points, orders and numbers of variables
# --------------------------------------------------------------------------------------------

X, Y = sp.symbols("x y")


def test_a_huge_value_at_a_point_is_refused_before_it_is_computed():
    # the case: diff "x**y" --wrt x --at x=2,y=10**29
    assert_refused(
        lambda: symbolic.evaluate(symbolic.diff("x**y", "x"), {"x": 2, "y": "10**29"}),
        "cannot be evaluated at x = 2, y = 1.0e+29", "digits",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("expr", "point"),
    [
        ("x**y", {"x": "3/7", "y": "10**6"}),
        ("sqrt(x)**y", {"x": 3, "y": "10**9"}),
        ("(x + 1)**1000", {"x": "10**29"}),
        ("x**1000 + y**1000", {"x": "10**200", "y": 1}),
        ("exp(x)*x**y", {"x": "12345678901", "y": "-999"}),
    ],
)
def test_more_huge_values_at_a_point(expr, point):
    assert_refused(lambda: symbolic.evaluate(expr, point, simplify=False), "digits")


@pytest.mark.parametrize(
    ("case", "phrase"),
    [
        (lambda: mc.taylor("exp(x)", 0, 1_000_000), "order"),  # the case
        (lambda: mc.taylor("exp(x)", 0, mc.series.MAX_ORDER + 1), "order"),
        (lambda: mc.taylor("exp(x)*y", [0, 0], 3), "order"),
        (lambda: symbolic.hessian("x", [f"v{i}" for i in range(1500)]), "variables"),  # issue
        (lambda: symbolic.jacobian("x", [f"v{i}" for i in range(1500)]), "variables"),
        (lambda: symbolic.jacobian(["x"] * 101, "x"), "exprs"),
        (lambda: symbolic.diff("x", *["x"] * 101), "variables"),
        (
            lambda: symbolic.total_derivative("x", "t", {f"v{i}": "t" for i in range(101)}),
            "mapping",
        ),
        (lambda: symbolic.evaluate("x", {f"v{i}": 1 for i in range(101)}), "point"),
        (
            lambda: mc.taylor("exp(x)", 0, 3).remainder_bound(0, 1, subintervals=10**9),
            "subintervals",
        ),
        (lambda: mc.taylor("exp(x)", 0, 3).radius_of_convergence(10**6), "terms"),
    ],
    ids=[
        "issue order",
        "order",
        "order n-D",
        "issue hessian",
        "jacobian",
        "rows",
        "diff",
        "mapping",
        "point",
        "subintervals",
        "terms",
    ],
)
def test_sizes_have_upper_bounds_that_name_the_argument(case, phrase):
    assert_refused(case, phrase)


def test_an_endless_list_of_variables_is_cut_short():
    def endless():
        n = 0
        while True:
            n += 1
            yield f"v{n}"

    assert_refused(lambda: symbolic.hessian("x", endless()), "variables")


# --------------------------------------------------------------------------------------------
# Numbers that are no floats: our messages, never Python's or SymPy's
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "phrases"),
    [
        (lambda: mc.taylor("pi**1000*x", 0, 4), ("overflows at x = 0",)),  # the case
        (lambda: mc.taylor("exp(x)", 1000, 2), ("overflows at x = 1000",)),
        (lambda: mc.taylor("sqrt(x)", -1, 1), ("not real at x = -1",)),
        (lambda: mc.taylor("log(x)", 0, 1), ("x0 = 0",)),
        (lambda: mc.taylor("exp(x*y)", [1000, 1], 1), ("overflows at x = 1000, y = 1",)),
        (lambda: mc.taylor("sqrt(x*y)", [-1, 1], 2), ("not real",)),
        (lambda: mc.taylor("x**1000", "10**29", 2), ("digits",)),
        (lambda: symbolic.evaluate("exp(x)", {"x": 1000}), ("overflows at x = 1000",)),
        (lambda: symbolic.evaluate("log(x)", {"x": -1}), ("not real at x = -1",)),
        (lambda: symbolic.evaluate("acos(x)", {"x": 2}), ("not real at x = 2",)),
        (lambda: symbolic.evaluate("1/x", {"x": 0}), ("undefined at x = 0",)),
        (lambda: symbolic.evaluate("x/y", {"x": 0, "y": 0}), ("undefined",)),
        (lambda: symbolic.evaluate("x", {"x": "y"}), ("not a real number",)),
        (lambda: symbolic.evaluate("x", {"x": "sqrt(-1)"}), ("not a real number",)),
        (lambda: symbolic.evaluate("x*y", {"x": 1}), ("give a value for y",)),
        (lambda: numeric_function(sp.pi**1000 * X, [X]), ("overflows", "pi**1000")),
        (lambda: numeric_function(sp.log(-2) * X, [X]), ("not real", "complex")),
        (lambda: real_float(sp.exp(sp.Integer(10) ** 6)), ("overflows",)),
        (lambda: mc.minimize("pi**1000*x**2", 1.0), ("overflows",)),
    ],
    ids=[
        "issue pi**1000",
        "exp at 1000",
        "sqrt at -1",
        "log at 0",
        "n-D overflow",
        "n-D complex",
        "polynomial digits",
        "evaluate overflow",
        "evaluate log",
        "evaluate acos",
        "evaluate 1/0",
        "evaluate 0/0",
        "not a number",
        "complex value",
        "missing value",
        "constant overflow",
        "complex constant",
        "real_float",
        "minimize",
    ],
)
def test_numbers_that_are_no_floats_get_our_messages(case, phrases):
    assert_refused(case, *phrases)


def test_overflow_in_the_remainder_bound_gives_an_infinite_bound_not_an_error():
    """exp(exp(x)) beyond x ≈ 6.6 exceeds floats: the rigorous bound is +inf, said plainly."""
    bound = mc.taylor("exp(exp(x))", 0, 2).remainder_bound(-1, 800, subintervals=8)
    assert bound.bound == np.inf and bound.rigorous


def test_python_numbers_overflow_as_numpy_does():
    f = numeric_function(X**2, [X])
    with np.errstate(over="ignore"):
        assert f(1e200) == np.inf
        assert f(10**400) == np.inf  # an int beyond floats is +inf, not OverflowError


# --------------------------------------------------------------------------------------------
# The time limit stops the work
# --------------------------------------------------------------------------------------------

TAN_NEST = "tan(tan(tan(tan(tan(tan(x))))))"
DEEP_TAN = "tan(" * 40 + "x" + ")" * 40
LAGRANGE_X, LAGRANGE_Y, LAGRANGE_Z, LAMBDA = sp.symbols("x y z lambda_1")


def _lagrange_system() -> tuple[list[sp.Expr], list[sp.Symbol]]:
    """The issue's lagrange "x**7*y**5+z**3" subject to "x**5+y**7+z**3-1", as equations."""
    f = symbolic.parse("x**7*y**5+z**3")
    g = symbolic.parse("x**5+y**7+z**3-1")
    unknowns = [LAGRANGE_X, LAGRANGE_Y, LAGRANGE_Z, LAMBDA]
    lagrangian = f - LAMBDA * g
    return [sp.diff(lagrangian, v) for v in unknowns[:3]] + [g], unknowns


OVERRUNS = {
    "simplify at pi/7": lambda: symbolic.evaluate(
        symbolic.diff(TAN_NEST), {"x": "pi/7"}, time_limit=1
    ),
    "third derivative of a nest": lambda: symbolic.diff(DEEP_TAN, "x", "x", "x", time_limit=1),
    "hessian of a product of nests": lambda: symbolic.hessian(
        "*".join(f"tan(tan(tan({i}*x+y)))" for i in range(1, 31)), "x,y", time_limit=1
    ),
    "taylor of tan": lambda: mc.taylor("tan(x)", 0, 30, time_limit=1),
    "remainder of a nest": lambda: mc.taylor(DEEP_TAN, 0, 2).remainder_bound(0, 1, time_limit=1),
    "solve": lambda: _budget.run(sp.solve, *_lagrange_system(), dict=True, time_limit=1),
    "expand": lambda: _budget.run(sp.expand, symbolic.parse("(x+y+z+w+u+v)**200"), time_limit=1),
}


@pytest.mark.parametrize("case", OVERRUNS.values(), ids=list(OVERRUNS))
def test_work_beyond_the_time_limit_is_stopped(case):
    message = assert_refused(case, "took longer than 1 s", "--time-limit", kind="TooCostly")
    assert message.startswith("the symbolic work")


def test_a_block_shares_one_deadline():
    """In `with time_limit(1)`, a call that uses the second up leaves nothing for the next,
    however small: it is refused at once."""

    def case():
        with symbolic.time_limit(1):
            try:
                symbolic.diff(DEEP_TAN, "x", "x", "x")
            except symbolic.TooCostly:
                pass
            return symbolic.diff("x**2")

    assert_refused(case, "took longer than 1 s", kind="TooCostly")


def test_an_explicit_limit_inside_a_block_is_the_smaller_one():
    with symbolic.time_limit(60):
        with pytest.raises(symbolic.TooCostly, match=r"longer than 0\.5 s"):
            symbolic.diff(DEEP_TAN, "x", "x", "x", time_limit=0.5)


def test_the_overrunning_worker_is_killed():
    with pytest.raises(symbolic.TooCostly):
        symbolic.diff(DEEP_TAN, "x", "x", "x", time_limit=0.5)
    idle = {w.process.pid for w in _budget._idle}
    running = [p for p in multiprocessing.active_children() if p.name == "mvcalc-sympy"]
    assert all(p.pid in idle for p in running), "a worker is still running after its overrun"


@pytest.mark.skipif(not LINUX, reason="the memory cap uses Linux's address-space limit")
def test_running_out_of_memory_is_too_costly_not_a_crash():
    with pytest.raises(symbolic.TooCostly, match="MiB of memory"):
        _budget.run(bytearray, 1 << 40, time_limit=10)  # a TiB: refused by the worker's cap
    assert symbolic.diff("x**3", time_limit=10) == 3 * X**2  # and the next call still works


def test_the_worker_computes_what_sympy_computes_here():
    """Work too large for this process goes to the worker; its answers are SymPy's own."""
    f = symbolic.parse(DEEP_TAN)
    assert not symbolic._cheap([f], 1)
    assert symbolic.diff(f, "x") == sp.diff(f, X)
    big = symbolic.parse("exp(x*y)*sin(x+y)**3/(1+x**2+y**2)")
    assert not symbolic._cheap([big], 2, 4)
    assert symbolic.hessian(big, "x,y") == sp.hessian(big, (X, Y))
    assert symbolic.jacobian([big, big * X], "x,y") == sp.Matrix([big, big * X]).jacobian([X, Y])
    assert symbolic.explain(f, "x").result == sp.diff(f, X)


def test_errors_raised_in_the_worker_keep_their_type():
    with pytest.raises(ValueError, match="invalid literal"):
        _budget.run(int, "not a number", time_limit=10)
    with pytest.raises(ZeroDivisionError):
        _budget.run(divmod, 1, 0, time_limit=10)


class _Awkward(Exception):
    """An exception that pickles but cannot be rebuilt (its __init__ wants two arguments)."""

    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"{a} and {b}")


def _raise_awkward() -> None:
    raise _Awkward(1, 2)


def test_an_exception_that_cannot_travel_arrives_as_its_text():
    with pytest.raises(ValueError, match=r"^_Awkward: 1 and 2$"):
        _budget.run(_raise_awkward, time_limit=10)


def test_a_worker_that_dies_is_reported_and_replaced():
    with pytest.raises(symbolic.TooCostly, match=r"process ended \(exit code 3\)"):
        _budget.run(os._exit, 3, time_limit=10)
    assert _budget.run(sp.factorint, 12, time_limit=10) == {2: 2, 3: 1}


def test_a_process_with_threads_uses_the_fork_server():
    """With a second thread running (a web server, say), the worker comes from the fork server,
    never forked from this process; the answer is the same."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        _budget.shutdown()
        assert _budget._context().get_start_method() in ("forkserver", "spawn")
        f = symbolic.parse(DEEP_TAN)
        assert symbolic.diff(f, "x", time_limit=60) == sp.diff(f, X)
    finally:
        stop.set()
        thread.join()
        _budget.shutdown()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: symbolic.diff("x", time_limit=0), ValueError, "time_limit must be positive"),
        (lambda: symbolic.diff("x", time_limit=-1), ValueError, "time_limit"),
        (lambda: symbolic.diff("x", time_limit=float("inf")), ValueError, "time_limit"),
        (lambda: symbolic.diff("x", time_limit="1"), TypeError, "time_limit"),
        (lambda: symbolic.set_time_limit(0), ValueError, "seconds"),
        (lambda: symbolic.time_limit(-1).__enter__(), ValueError, "seconds"),
        (lambda: symbolic.evaluate("x", [1]), TypeError, "point must be a mapping"),
    ],
)
def test_bad_limits_are_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_set_time_limit_is_the_default_of_every_call():
    previous = symbolic.set_time_limit(0.5)
    try:
        assert symbolic.get_time_limit() == 0.5
        with pytest.raises(symbolic.TooCostly, match=r"longer than 0\.5 s"):
            symbolic.diff(DEEP_TAN, "x", "x", "x")
    finally:
        symbolic.set_time_limit(previous)
    assert symbolic.get_time_limit() == previous


# --------------------------------------------------------------------------------------------
# A fuzzer over the grammar: whatever the parser accepts stays within its bounds
# --------------------------------------------------------------------------------------------

NUMBERS = ["2", "7", "10", "0.5", "1e-300", "999", "123456789012345678901234567890",
           "12345678901", "3/7", "pi", "e"]  # fmt: skip
EXPONENTS = ["2", "3", "-1", "1000", "999", "-1000", "500", "-500", "1/2", "1/3", "998/999",
             "1/999", "(1/3)", "x", "y"]  # fmt: skip
NAMES = ["x", "y", "z"]
FUNCTION_NAMES = sorted(name for name, (_, counts) in symbolic.FUNCTIONS.items() if 1 in counts)

LEAF = st.sampled_from(NUMBERS) | st.sampled_from(NAMES)  # as many names as numbers


def _grow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
        lambda t: f"({t[0]}){t[1]}({t[2]})"
    )
    power = st.tuples(children, st.sampled_from(["^", "**"]), st.sampled_from(EXPONENTS)).map(
        lambda t: f"({t[0]}){t[1]}({t[2]})"
    )
    tower = st.tuples(children, st.sampled_from(EXPONENTS), st.sampled_from(EXPONENTS)).map(
        lambda t: f"(({t[0]})^({t[1]}))^({t[2]})"
    )
    call = st.tuples(st.sampled_from(FUNCTION_NAMES), children).map(lambda t: f"{t[0]}({t[1]})")
    negative = children.map(lambda t: f"-({t})")
    return binary | power | tower | call | negative


TEXTS = st.recursive(LEAF, _grow, max_leaves=10)


def total_degree(expr: sp.Basic) -> float:
    """The total degree of a SymPy result, computed on the result (the parser measures the
    text): products add, rational powers multiply, other functions of the variables count 1."""
    if not expr.free_symbols:
        return 0.0
    if expr.is_Symbol:
        return 1.0
    if expr.is_Add:
        return max(total_degree(a) for a in expr.args)
    if expr.is_Mul:
        return sum(total_degree(a) for a in expr.args)
    if expr.is_Pow and expr.exp.is_Rational:
        return total_degree(expr.base) * abs(float(expr.exp))
    return 1.0


@settings(max_examples=300, deadline=timedelta(seconds=5))
@given(TEXTS)
def test_what_the_parser_accepts_stays_within_its_bounds(text):
    try:
        expr = symbolic.parse(text)
    except ValueError as exc:
        assert str(exc).startswith('cannot read "'), str(exc)
        for foreign in FOREIGN:
            assert foreign not in str(exc)
        return
    limit = 10**symbolic.MAX_RESULT_DIGITS
    nodes = 0
    for node in sp.preorder_traversal(expr):
        nodes += 1
        if node.is_Rational:
            assert max(abs(node.p), node.q) <= limit, text
    assert nodes <= 10 * symbolic.MAX_NODES, (text, nodes)
    assert total_degree(expr) <= symbolic.MAX_DEGREE, (text, expr)
    str(expr)  # every accepted result prints (no 4300-digit limit of Python's int to str)
