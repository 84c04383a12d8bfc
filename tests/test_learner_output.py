"""What a learner reads (issue 16, part C): the commands' printouts and the numeric API taking text.

Each test checks what is printed or returned against an independent oracle — SymPy's own series
and derivatives, SciPy's curve_fit, central differences written here, the Hessian's eigenvalues by
NumPy, the network's outputs recomputed — never against output produced by the code under test.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import curve_fit

import mvcalc as mc
from mvcalc.cli import main
from mvcalc.cli._args import vector

X = sympy.Symbol("x")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def one_line_error(status: int, err: str, *phrases: str) -> None:
    assert status == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


# --------------------------------------------------------------------------------------------
# Taylor series: the polynomial in powers of (x − x₀), and which basis the coefficients are in
# --------------------------------------------------------------------------------------------


def test_taylor_prints_powers_of_x_minus_x0_and_names_the_basis(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(["taylor", "exp(x)", "--at", "1", "--order", "3"], capsys)
    assert status == 0
    block = out.split("     = ")[0]  # the pretty polynomial, before the multiplied-out line
    assert "ℯ⋅(x - 1)" in block and "ℯ⋅x" not in block  # e·(x − 1)^k, not e·x³/6 + …
    assert "coefficients of (x - 1)^k, k = 0…3:  E, E, E/2, E/6" in out
    # the multiplied-out line is SymPy's own series about 1, expanded
    expanded = re.search(r"= (.+)   \(multiplied out\)", out).group(1)
    oracle = sympy.expand(sympy.series(sympy.exp(X), X, 1, 4).removeO())
    assert sympy.expand(mc.symbolic.parse(expanded) - oracle) == 0
    # no figure unasked: nothing written, and the output says how to get one
    assert list(tmp_path.iterdir()) == []
    assert "add --out" in out


def test_taylor_about_zero_and_in_two_variables(capsys):
    status, out, _ = run(["taylor", "cos(x)", "--at", "0", "--order", "4"], capsys)
    assert status == 0
    assert "coefficients of x^k, k = 0…4:  1, 0, -1/2, 0, 1/24" in out
    assert "multiplied out" not in out  # about 0 the two forms are one
    status, out, _ = run(["taylor", "x**2*y", "--at", "1,2", "--order", "2"], capsys)
    assert status == 0
    assert "(x - 1)" in out and "(y - 2)" in out


FUNCTIONS = ["exp(x)", "sin(x)", "1/(2 - x)", "sqrt(x + 3)", "x**3 - 2*x", "cos(x)*exp(x)"]


@settings(max_examples=20, deadline=None)
@given(
    text=st.sampled_from(FUNCTIONS),
    x0=st.fractions(min_value=-1, max_value=1, max_denominator=4),
    order=st.integers(0, 5),
)
def test_centered_polynomial_is_the_series_in_powers_of_x_minus_x0(text, x0, order):
    series = mc.taylor(text, str(x0), order)
    a = sympy.Rational(x0.numerator, x0.denominator)
    f = mc.symbolic.parse(text)
    t = sympy.Symbol("t")
    # in powers of t = x − x0, the k-th coefficient is f⁽ᵏ⁾(x0)/k! (SymPy's derivatives here)
    shifted = sympy.Poly(sympy.expand(series.centered_polynomial.subs(X, t + a)), t)
    for k in range(order + 1):
        want = sympy.diff(f, X, k).subs(X, a) / sympy.factorial(k)
        assert sympy.simplify(shifted.coeff_monomial(t**k) - want) == 0
    assert shifted.degree() <= order
    assert sympy.simplify(sympy.expand(series.centered_polynomial) - series.polynomial) == 0


def test_centered_polynomial_in_two_variables():
    series = mc.taylor("x**2*y + exp(x - y)", [1, 2], 2)
    u, v = sympy.symbols("u v")
    x, y = sympy.symbols("x y")
    f = x**2 * y + sympy.exp(x - y)
    # the oracle: f(1 + u, 2 + v) to second order in (u, v), from SymPy's derivatives
    at = {x: 1, y: 2}
    grad = [sympy.diff(f, s).subs(at) for s in (x, y)]
    hess = [[sympy.diff(f, p, q).subs(at) for q in (x, y)] for p in (x, y)]
    d = [u, v]
    want = f.subs(at) + sum(g * di for g, di in zip(grad, d, strict=True))
    want += sum(hess[i][j] * d[i] * d[j] for i in range(2) for j in range(2)) / 2
    got = series.centered_polynomial.subs({x: u + 1, y: v + 2}, simultaneous=True)
    assert sympy.simplify(sympy.expand(got - want)) == 0
    assert mc.taylor(np.exp, 0.0, 2).centered_polynomial is None  # numeric: no polynomial


@pytest.mark.parametrize(
    ("text", "x0", "radius"),
    [
        ("log(1+x)", 0, 1.0),  # a branch point at −1
        ("sqrt(x)", 4, 4.0),  # a branch point at 0
        ("1/(1+x^2)", 0, 1.0),  # poles at ±i
        ("log(x)", 3, 3.0),
        ("tan(x)", 0, math.pi / 2),
        ("1/(1-x)^2", 0, 1.0),
    ],
)
def test_radius_of_convergence_is_the_distance_to_the_nearest_singularity(text, x0, radius):
    assert mc.taylor(text, x0, 2).radius_of_convergence() == pytest.approx(radius, rel=3e-3)


# --------------------------------------------------------------------------------------------
# Errors belong to converged fits
# --------------------------------------------------------------------------------------------


def test_heights_that_did_not_converge_show_no_errors_and_say_why(capsys):
    status, out, _ = run(["heights", "--aggression", "5000"], capsys)
    assert status == 0
    result = next(line for line in out.splitlines() if line.startswith("result"))
    assert "±" not in result
    assert re.search(r"μ = [\d.]+ cm, σ = [\d.]+ cm", result)
    assert "no ± errors" in out and "not converged (max-iter)" in out
    assert "add --out-dir" in out


def test_heights_that_converged_show_scipys_errors(capsys):
    status, out, _ = run(["heights", "--method", "levenberg-marquardt"], capsys)
    assert status == 0
    x, y = mc.datasets.heights()
    popt, pcov = curve_fit(
        lambda t, m, s: np.exp(-((t - m) ** 2) / (2 * s * s)) / (s * math.sqrt(2 * math.pi)),
        x, y, p0=[155, 6],
    )  # fmt: skip
    match = re.search(r"μ = ([\d.]+) ± ([\d.]+) cm, σ = ([\d.]+) ± ([\d.]+) cm", out)
    errors = np.sqrt(np.diag(pcov))
    assert float(match.group(1)) == pytest.approx(popt[0], abs=1e-4)
    assert float(match.group(2)) == pytest.approx(errors[0], rel=0.05)  # printed to 2 digits
    assert float(match.group(4)) == pytest.approx(errors[1], rel=0.05)


def write_csv(path: Path, x: np.ndarray, y: np.ndarray) -> str:
    path.write_text("x,y\n" + "".join(f"{a:.17g},{b:.17g}\n" for a, b in zip(x, y, strict=True)))
    return str(path)


def test_fit_that_did_not_converge_shows_no_errors(tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", np.arange(5.0), np.array([5.0, 3.2, 2.3, 1.8, 1.6]))
    # the old name of the three-parameter peak: accepted, and said to be what it is
    status, out, err = run(["fit", data, "--model", "gaussian"], capsys)
    assert status == 0
    assert "scaled-gaussian" in out and "old name" in out and "mvcalc.gaussian" in out
    assert "converged" not in out.split("status")[1].split()[0]
    assert not re.search(r"^  \w+ += \S+ ±", out, re.M) and "errors  not shown" in out
    assert "did not converge" in err


# --------------------------------------------------------------------------------------------
# Models: every CLI model from Python, and a model written as maths
# --------------------------------------------------------------------------------------------


def test_every_cli_model_is_a_public_function():
    from mvcalc import regression

    x = np.linspace(-1, 2, 7)
    np.testing.assert_allclose(regression.line(x, 2.0, -1.0), 2 * x - 1)
    np.testing.assert_allclose(regression.exponential(x, 1.5, -0.4), 1.5 * np.exp(-0.4 * x))
    np.testing.assert_allclose(regression.poly2(x, 0.5, -1.0, 2.0), 0.5 * x**2 - x + 2)
    peak = 3.0 * np.exp(-((x - 1.0) ** 2) / (2 * 0.7**2)) / (0.7 * math.sqrt(2 * math.pi))
    np.testing.assert_allclose(regression.scaled_gaussian(x, 1.0, 0.7, 3.0), peak)
    for name, model in regression.NAMED_MODELS.items():
        assert getattr(regression, model.function.__name__) is model.function, name
    assert regression.NAMED_MODELS["gaussian"] is regression.NAMED_MODELS["scaled-gaussian"]
    assert regression.MODEL_ALIASES == {"gaussian": "scaled-gaussian"}


def central(f, x, p, h=1e-6):
    """Central differences of f(x, *p) in each parameter (the oracle for the Jacobians)."""
    p = np.asarray(p, dtype=float)
    columns = []
    for j in range(p.size):
        step = h * max(abs(p[j]), 1.0)
        up, down = p.copy(), p.copy()
        up[j] += step
        down[j] -= step
        columns.append((f(x, *up) - f(x, *down)) / (2 * step))
    return np.stack(columns, axis=1)


@pytest.mark.parametrize(
    ("text", "names", "p"),
    [
        ("a*exp(-b*x) + c", ("a", "b", "c"), [3.0, 0.7, 1.2]),
        ("amp*sin(omega*x + phase)", ("amp", "omega", "phase"), [2.0, 1.3, 0.4]),
        ("k/(1 + exp(-r*(x - m)))", ("k", "m", "r"), [5.0, 1.0, 2.0]),
        ("c", ("c",), [4.0]),  # no x at all is refused: see below
    ],
)
def test_model_from_text(text, names, p):
    from mvcalc.regression import model_from_text

    if "x" not in text:
        with pytest.raises(ValueError, match="has no x"):
            model_from_text(text)
        return
    model = model_from_text(text)
    assert model.parameters == names  # the names other than x, alphabetically
    x = np.linspace(-1.0, 3.0, 9)
    np.testing.assert_allclose(model.jacobian(x, *p), central(model.function, x, p), atol=1e-7)
    np.testing.assert_allclose(model.guess(x, x), np.ones(len(names)))


def test_model_from_text_checks_its_arguments():
    from mvcalc.regression import model_from_text

    assert model_from_text("a*t + b", variable="t").parameters == ("a", "b")
    with pytest.raises(ValueError, match="variable must be a name"):
        model_from_text("a*x", variable="_x")
    with pytest.raises(TypeError, match="variable must be a name"):
        model_from_text("a*x", variable=3)
    with pytest.raises(TypeError, match="string"):
        model_from_text(3)


def test_a_written_model_fits_as_scipy_does(tmp_path, capsys):
    x = np.linspace(0, 4, 12)
    wiggle = 0.01 * np.sin(7 * x)  # deterministic "noise"
    y = 3.0 * np.exp(-0.7 * x) + 1.2 + wiggle
    popt, pcov = curve_fit(lambda t, a, b, c: a * np.exp(-b * t) + c, x, y, p0=[1, 1, 1])
    errors = np.sqrt(np.diag(pcov))
    # the Python API
    result = mc.fit("a*exp(-b*x) + c", x, y, [1, 1, 1])
    assert result.status == "converged"
    np.testing.assert_allclose(result.params, popt, rtol=1e-6)
    np.testing.assert_allclose(result.errors, errors, rtol=1e-4)
    assert mc.chi_squared("a*exp(-b*x) + c", popt, x, y) == pytest.approx(
        float(np.sum((y - (popt[0] * np.exp(-popt[1] * x) + popt[2])) ** 2)), rel=1e-12
    )
    # the command line, starting from 1 for every parameter (no --p0)
    data = write_csv(tmp_path / "decay.csv", x, y)
    status, out, _ = run(["fit", data, "--model", "a*exp(-b*x)+c"], capsys)
    assert status == 0
    assert "parameters in alphabetical order" in out and "a = 1, b = 1, c = 1" in out
    for name, value, error in zip("abc", popt, errors, strict=True):
        match = re.search(rf"^  {name} = (\S+) ± (\S+)$", out, re.M)
        assert float(match.group(1)) == pytest.approx(value, rel=1e-6)
        assert float(match.group(2)) == pytest.approx(error, rel=5e-3)  # printed to 3 digits


def test_named_models_by_name_in_python():
    x = np.linspace(0, 2, 9)
    result = mc.fit("exponential", x, 2.0 * np.exp(0.5 * x), [1.0, 0.1])
    np.testing.assert_allclose(result.params, [2.0, 0.5], rtol=1e-8)
    with pytest.raises(ValueError, match="ambiguous"):
        mc.fit("gaussian", x, x, [1.0, 1.0])  # the density (2 parameters) or the peak (3)?
    with pytest.raises(ValueError, match="p0 must hold 2 values"):
        mc.fit("a*x + b", x, x, [1.0, 1.0, 1.0])


@pytest.mark.parametrize(
    ("model", "phrase"),
    [
        ("__import__('os').system('true')", "--model"),
        ("a*exp(-b*t)", "has no x"),
        ("x^2", "parameter"),
        ("cubic", "line, scaled-gaussian, exponential, poly2"),
    ],
)
def test_a_bad_model_is_one_line(model, phrase, tmp_path, capsys):
    data = write_csv(tmp_path / "d.csv", np.arange(4.0), np.arange(4.0) ** 2)
    status, _, err = run(["fit", data, "--model", model], capsys)
    one_line_error(status, err, phrase)


# --------------------------------------------------------------------------------------------
# Numbers are expressions everywhere in the CLI; text everywhere a function is taken
# --------------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1,
                max_size=4))  # fmt: skip
def test_plain_numbers_read_back_exactly(values):
    assert vector(",".join(repr(v) for v in values)) == values


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("sqrt(2/3)", [math.sqrt(2 / 3)]),
        ("pi/4,1", [math.pi / 4, 1.0]),
        ("-pi/4, e", [-math.pi / 4, math.e]),
        ("2^10, 1e-3", [1024.0, 1e-3]),
    ],
)
def test_numbers_written_as_maths(text, values):
    assert vector(text) == pytest.approx(values, rel=1e-15)


def test_newton_starts_from_an_expression(capsys):
    status, out, _ = run(["newton", "x^2-2", "--x0", "sqrt(2/3)"], capsys)
    assert status == 0
    first = out.splitlines()[1].split()
    assert float(first[1]) == pytest.approx(math.sqrt(2 / 3), rel=1e-15)
    assert float(re.search(r"result  x = (\S+),", out).group(1)) == pytest.approx(math.sqrt(2))
    status, out, _ = run(["minimize", "(x-1)^2+(y-2)^2", "--x0", "-pi/4,sqrt(2)"], capsys)
    assert status == 0 and "start   x = [-0.78539816  1.41421356]" in out


@pytest.mark.parametrize("text", ["abc", "1/0", "inf", "sqrt(-1)", "x+1", "10^400", "1,2,"])
def test_a_start_that_is_no_number_is_one_line(text, capsys):
    status, _, err = run(["newton", "x^2-2", "--x0", text], capsys)
    if text == "1,2,":  # two numbers for one unknown: the library's check
        one_line_error(status, err, "one value per variable")
        return
    one_line_error(status, err, "argument --x0")


def test_the_numeric_api_takes_text():
    x = 1.5
    exact = 2 * x * math.sin(x) + x * x * math.cos(x)
    assert mc.derivative("x^2*sin(x)", x) == pytest.approx(exact, rel=1e-12)
    r = mc.newton_raphson("x^3 - 2*x + 2", -2.0, fprime="3*x^2 - 2")
    assert r.status == "converged" and r.x**3 - 2 * r.x + 2 == pytest.approx(0, abs=1e-12)
    r = mc.newton_raphson("x + y - 3, x*y - 2", [0.0, 1.5], fprime="1, 1, y, x")
    assert r.status == "converged" and np.allclose(r.x, [1.0, 2.0])
    r = mc.gradient_descent("x^2 + 10*y^2", [1.0, 1.0], grad="2*x, 20*y", aggression=0.05)
    assert r.status == "converged" and np.allclose(r.x, 0.0, atol=1e-7)
    J = mc.calculus.difference_jacobian("x*y, sin(x)", [1.0, 2.0], method="central")
    np.testing.assert_allclose(J, [[2.0, 1.0], [math.cos(1.0), 0.0]], atol=1e-9)
    study = mc.calculus.step_size_study("exp(x)", 1.0)
    assert study.label == "exp(x)" and study.exact == pytest.approx(math.e, rel=1e-12)
    with pytest.raises(ValueError, match="fprime has names that are not variables of f: z"):
        mc.newton_raphson("x^2 - 2", 1.0, fprime="2*z")
    with pytest.raises(ValueError, match="one value per variable"):
        mc.calculus.difference_jacobian("x*y", [1.0])


# --------------------------------------------------------------------------------------------
# The Newton table: every step checkable by hand
# --------------------------------------------------------------------------------------------


def table(out: str) -> list[list[float]]:
    rows = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0].isdigit():
            rows.append([float(v) for v in parts[1:4]])
    return rows


@pytest.mark.parametrize("x0", ["-2", "0", "1.5"])
def test_newton_table_has_f_and_f_prime(x0, capsys):
    main(["newton", "x^3-2*x+2", "--x0", x0])
    out = capsys.readouterr().out
    assert re.search(r"step\s+x\s+f\(x\)\s+f′\(x\)", out)
    rows = table(out)
    assert len(rows) >= 3
    for x, fx, dfx in rows:
        assert fx == pytest.approx(x**3 - 2 * x + 2, rel=1e-9, abs=1e-12)
        assert dfx == pytest.approx(3 * x * x - 2, rel=1e-9, abs=1e-12)
    for (x, fx, dfx), (x_next, _, _) in itertools.pairwise(rows):
        assert x_next == pytest.approx(x - fx / dfx, rel=1e-8, abs=1e-12)  # x − f/f′, by hand


def test_newton_table_marks_the_modified_step_at_a_multiple_root(capsys):
    assert main(["newton", "(x-3)^3", "--x0", "2.5"]) == 0
    out = capsys.readouterr().out
    assert "next: x − 3·f(x)/f′(x)" in out and "multiplicity m" in out


# --------------------------------------------------------------------------------------------
# Gradient descent's oscillation across a valley is named, with the step that would do
# --------------------------------------------------------------------------------------------


def test_gradient_descent_names_the_oscillation(capsys):
    r = mc.gradient_descent("x^2 + 10*y^2", [1.0, 1.0], aggression=0.1, max_iter=1000)
    lam = np.linalg.eigvalsh(np.array([[2.0, 0.0], [0.0, 20.0]]))  # the Hessian, by hand
    assert r.status == "cycling" and not r.converged
    assert r.nit < 1000  # stopped when the cycle showed, not at the iteration limit
    assert "oscillate" in r.message and "(0, 1)" in r.message
    assert f"2/λ = {2 / lam[-1]:.4g}" in r.message and f"λ = {lam[-1]:.4g}" in r.message
    slow = mc.gradient_descent("x^2 + 10*y^2", [1.0, 1.0], aggression=0.099, max_iter=1000)
    assert slow.status == "max-iter" and "oscillate" in slow.message and "close to" in slow.message
    status, out, _ = run(["minimize", "x^2+10*y^2", "--x0", "1,1", "--method",
                          "gradient-descent"], capsys)  # fmt: skip
    assert status == 1 and "cycling" in out and "oscillate" in out and "choose γ below 0.1" in out


@settings(max_examples=15, deadline=None)
@given(
    a=st.floats(1.0, 10.0),
    b=st.floats(1.0, 10.0),
    k=st.one_of(st.floats(0.5, 0.9), st.floats(1.05, 1.6)),
)
def test_gradient_descent_converges_exactly_below_two_over_lambda(a, b, k):
    # f = a x² + b y²: λ_max = 2·max(a, b); the step γ = k·2/λ_max converges iff k < 1
    gamma = k * 2 / (2 * max(a, b))
    r = mc.gradient_descent(lambda v: a * v[0] ** 2 + b * v[1] ** 2, [1.0, 1.0],
                            aggression=gamma, max_iter=3000)  # fmt: skip
    if k < 1:
        assert r.status == "converged"
    else:
        assert r.status in ("diverged", "cycling") and not r.converged
        assert "oscillate" in r.message and "2/λ" in r.message


# --------------------------------------------------------------------------------------------
# Figures only when asked for
# --------------------------------------------------------------------------------------------


def test_no_command_writes_a_figure_unasked(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    data = write_csv(tmp_path / "d.csv", np.arange(5.0), 2 * np.arange(5.0) + 1)
    commands = [
        ["taylor", "sin(x)", "--at", "0", "--order", "3"],
        ["taylor", "x*y", "--at", "1,1", "--order", "1"],
        ["fit", data, "--model", "line"],
        ["backprop", "--iterations", "10"],
        ["derivative-error", "exp(x)", "--at", "1"],
        ["heights", "--steps", "2"],
    ]
    for argv in commands:
        assert main(argv) == 0, argv
        assert "no figure" in capsys.readouterr().out, argv
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]
    assert main(["taylor", "sin(x)", "--at", "0", "--out", "t.png"]) == 0
    assert (tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"


def test_make_demo_asks_for_its_figures():
    makefile = (Path(__file__).parents[1] / "Makefile").read_text()
    demo = makefile.split("\ndemo:")[1].split("\n\n")[0]
    assert "backprop --out out/backprop.png" in demo and "heights --out-dir out" in demo


# --------------------------------------------------------------------------------------------
# A network that learned nothing says so
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "status", "sigmoid_hint"),
    [
        (["--activation", "relu", "--iterations", "3000"], "diverged", True),
        (["--aggression", "200"], "diverged", False),
        (["--hidden", "20", "--activation", "tanh"], "stalled", True),
    ],
    ids=["dead relu", "saturated sigmoid", "saturated tanh"],
)
def test_a_network_that_learned_nothing_says_so(args, status, sigmoid_hint, capsys):
    code, out, err = run(["backprop", *args], capsys)
    assert code == 1  # ran, but learned nothing: like a method that did not converge
    assert re.search(rf"^status\s+{status}$", out, re.M)
    assert "same for every input" in out and "learned nothing" in out
    assert "verdict" in out and "a smaller --aggression" in out
    assert ("--activation sigmoid" in out) == sigmoid_hint
    assert err.startswith("warning: ")


def test_training_status_of_a_dead_or_saturated_network():
    x, y = mc.datasets.heart_curve()
    for activation, aggression, status in [("tanh", 7.0, "stalled"), ("relu", 7.0, "diverged")]:
        rng = np.random.default_rng(0)
        net = mc.Network([1, 20, 2] if activation == "tanh" else [1, 6, 7, 2],
                         activation=activation, seed=rng)  # fmt: skip
        history = net.train(x, y, iterations=3000, aggression=aggression, seed=rng)
        outputs = net(x)  # recomputed: constant over the inputs, while the targets are not
        assert np.all(np.ptp(outputs, axis=1) <= 1e-3 * np.ptp(y, axis=1))
        assert history.status == status and not history.converged
        assert "same for every input" in history.message
    # one dead output of two is named as such
    rng = np.random.default_rng(0)
    net = mc.Network([1, 6, 7, 2], activation="relu", seed=rng)
    history = net.train(x, y, iterations=3000, aggression=0.1, seed=rng)
    assert np.ptp(net(x)[1]) == 0 and np.ptp(net(x)[0]) > 0.1
    assert history.status == "stalled" and "output 2" in history.message
    # the course's network learns: no such verdict
    rng = np.random.default_rng(0)
    net = mc.Network([1, 6, 7, 2], seed=rng)
    history = net.train(x, y, iterations=2000, seed=rng)
    assert history.status == "max-iter" and history.final_cost < history.initial_cost


def test_the_fit_figure_shows_errors_only_for_a_converged_fit():
    x = np.linspace(0, 2, 20)
    y = 3 * np.exp(-1.5 * x)
    decay = "a*exp(b*x)"
    done = mc.fit(decay, x, y, [1, -1])
    cut = mc.fit(decay, x, y, [1, -1], max_iter=1)
    legends = []
    for result in (done, cut):
        fig = mc.plots.model_fit(x, y, mc.regression.model_from_text(decay).function, result,
                                 names=["a", "b"])  # fmt: skip
        legends.append(" ".join(t.get_text() for t in fig.axes[0].get_legend().get_texts()))
    assert done.status == "converged" and "±" in legends[0]
    assert cut.status == "max-iter" and "±" not in legends[1] and "not converged" in legends[1]
