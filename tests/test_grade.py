"""Tests of the grader: the checks of the two assignments, ``mvcalc grade`` and ``mvcalc course``.

The learners here are programs written in this file: the reference solutions of
``tests/solutions/``, and the same solutions with one mistake each — a function rewritten the way
a learner gets it wrong. The checks must pass the reference, and name each mistake. The grader
runs them as a learner's ``.py`` file and as a notebook built from the same text, and survives
hanging, crashing, exiting, memory-hungry and noisy ones.
"""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

import mvcalc as mc
from mvcalc import exercises
from mvcalc.cli import main
from mvcalc.cli.grade import notebooks
from mvcalc.exercises import backprop, heights
from mvcalc.exercises._feedback import compare
from mvcalc.exercises._grade import grade, read_units

SOLUTIONS = Path(__file__).parent / "solutions"
BACKPROP = (SOLUTIONS / "backprop.py").read_text()
HEIGHTS = (SOLUTIONS / "heights.py").read_text()
COURSE_NOTEBOOKS = {
    "1-Backpropagation.ipynb",
    "2-FittingDistribution.ipynb",
    "week1-Derivatives.ipynb",
    "week2-Jacobians-and-Hessians.ipynb",
    "week3-Chain-rule-and-networks.ipynb",
    "week4-Taylor-series.ipynb",
    "week5-Optimisation.ipynb",
    "week6-Least-squares.ipynb",
}


# --------------------------------------------------------------------------------------------
# The learners: the reference solutions, and one mistake at a time
# --------------------------------------------------------------------------------------------

_RESULTS = {
    "J_W3": "d3 @ a2.T",
    "J_b3": "np.sum(d3, axis=1, keepdims=True)",
    "J_W2": "d2 @ a1.T",
    "J_b2": "np.sum(d2, axis=1, keepdims=True)",
    "J_W1": "d1 @ a0.T",
    "J_b1": "np.sum(d1, axis=1, keepdims=True)",
}


def jacobian(
    name,
    *,
    d3="2 * (a3 - y) / n * d_sigma(z3)",
    d2="(W[2].T @ d3) * d_sigma(z2)",
    d1="(W[1].T @ d2) * d_sigma(z1)",
    result=None,
):
    """A learner's J_… written out by hand, backpropagation step by step."""
    return textwrap.dedent(f"""
        def {name}(x, y, W, b):
            a0, z1, a1, z2, a2, z3, a3 = forward(x, W, b)
            n = x.shape[1]
            d3 = {d3}
            d2 = {d2}
            d1 = {d1}
            return {result or _RESULTS[name]}
        """)


def function(header, *body):
    return "\n" + header + "\n" + "\n".join("    " + line for line in body) + "\n"


# (the function, its wrong source, what the feedback must say)
BACKPROP_MISTAKES = [
    ("d_sigma", function("def d_sigma(z):", "return sigma(z)"), "not its derivative"),
    ("d_sigma", function("def d_sigma(z):", "return z * (1 - z)"), "computes z(1 − z)"),
    ("J_W3", jacobian("J_W3", d3="2 * (a3 - y) / n"), "σ′(z⁽³⁾) factor is missing"),
    ("J_b3", jacobian("J_b3", d3="2 * (y - a3) / n * d_sigma(z3)"), "sign is wrong"),
    ("J_W2", jacobian("J_W2", d2="W[2].T @ d3"), "σ′(z⁽²⁾) factor is missing"),
    ("J_b2", jacobian("J_b2", d3="2 * (a3 - y) * d_sigma(z3)"), "N times too large"),
    ("J_W1", jacobian("J_W1", d3="(a3 - y) / n * d_sigma(z3)"), "the 2 of"),
    ("J_b1", jacobian("J_b1", d1="(W[1].T @ d2) * d_sigma(a1)"), "σ′ is taken at a"),
    ("J_W3", jacobian("J_W3", result="a2 @ d3.T"), "returned the transpose"),
    ("J_b3", jacobian("J_b3", result="np.sum(d3, axis=1)"), "keepdims=True"),
    ("J_W2", jacobian("J_W2", result="d2 @ a2.T"), "uses a⁽²⁾ where a⁽¹⁾ belongs"),
    ("J_b2", jacobian("J_b2", result="np.sum(d2, axis=0, keepdims=True)"), "wrong axis"),
    ("J_W1", jacobian("J_W1", d3="2 * (a3 - y) / 100 * d_sigma(z3)"), "divides by 100"),
    ("J_b1", jacobian("J_b1", result="np.mean(d1, axis=1, keepdims=True)"), "is the mean"),
    ("J_W1", jacobian("J_W1", result="a0 @ d1.T"), "returned the transpose"),
    ("J_b1", jacobian("J_b1", result="d1"), "sum ∂C/∂z⁽¹⁾ over the N examples"),
    ("J_W2", jacobian("J_W2", d3="2 * (a3 - y) / n"), "σ′(z⁽³⁾) factor is missing"),
    ("J_b2", jacobian("J_b2", d3="(a3 - y) * d_sigma(z3)"), "the 2 and the 1/N"),
    (
        "J_W1",
        jacobian("J_W1", d1="W[1].T @ d2", d2="W[2].T @ d3", d3="2 * (a3 - y) / n"),
        "every σ′ factor is missing",
    ),
    ("J_W2", jacobian("J_W2", d2="(W[2] @ d3) * d_sigma(z2)"), "raised ValueError"),
    (
        "J_W3",
        function("def J_W3(x, y, W, b):", "# your code here", "return None"),
        "returned None (not written yet, or no return statement)",
    ),
]

_D_MU = "f(x, mu, sig) * (x - mu) / sig**2"
_D_SIG = "f(x, mu, sig) * ((x - mu) ** 2 / sig**3 - 1 / sig)"


def gradient(
    d_mu=f"-2 * np.sum((y - f(x, mu, sig)) * {_D_MU})",
    d_sig=f"-2 * np.sum((y - f(x, mu, sig)) * {_D_SIG})",
    ret="np.array([d_mu, d_sig])",
):
    return function(
        "def d_chi_squared(mu, sig, x, y):", f"d_mu = {d_mu}", f"d_sig = {d_sig}", f"return {ret}"
    )


def step(ret):
    return function(
        "def steepest_step(mu, sig, x, y, aggression):",
        "d_mu, d_sig = d_chi_squared(mu, sig, x, y)",
        f"return {ret}",
    )


HEIGHTS_MISTAKES = [
    (
        "chi_squared",
        function("def chi_squared(mu, sig, x, y):", "return np.sum(y - f(x, mu, sig))"),
        "the square is missing",
    ),
    (
        "chi_squared",
        function("def chi_squared(mu, sig, x, y):", "return np.mean((y - f(x, mu, sig)) ** 2)"),
        "is the mean",
    ),
    (
        "chi_squared",
        function(
            "def chi_squared(mu, sig, x, y):",
            "g = np.exp(-((x - mu) ** 2) / (2 * sig**2))",
            "return np.sum((y - g) ** 2)",
        ),
        "lacks the normalisation",
    ),
    (
        "chi_squared",
        function(
            "def chi_squared(mu, sig, x, y):", "return np.sqrt(np.sum((y - f(x, mu, sig)) ** 2))"
        ),
        "is √χ²",
    ),
    (
        "d_chi_squared",
        gradient(
            d_mu=f"np.sum((y - f(x, mu, sig)) * {_D_MU})",
            d_sig=f"np.sum((y - f(x, mu, sig)) * {_D_SIG})",
        ),
        "the −2 of",
    ),
    (
        "d_chi_squared",
        gradient(
            d_mu=f"-np.sum((y - f(x, mu, sig)) * {_D_MU})",
            d_sig=f"-np.sum((y - f(x, mu, sig)) * {_D_SIG})",
        ),
        "half the right",
    ),
    (
        "d_chi_squared",
        gradient(
            d_mu=f"2 * np.sum((y - f(x, mu, sig)) * {_D_MU})",
            d_sig=f"2 * np.sum((y - f(x, mu, sig)) * {_D_SIG})",
        ),
        "wrong sign",
    ),
    (
        "d_chi_squared",
        gradient(d_sig="-2 * np.sum((y - f(x, mu, sig)) * f(x, mu, sig) * (x - mu) ** 2 / sig**3)"),
        "lacks the −1/σ term",
    ),
    ("d_chi_squared", gradient(ret="np.array([d_sig, d_mu])"), "order is swapped"),
    (
        "d_chi_squared",
        gradient(
            d_mu=f"-2 * (y - f(x, mu, sig)) * {_D_MU}", d_sig=f"-2 * (y - f(x, mu, sig)) * {_D_SIG}"
        ),
        "sum over the points",
    ),
    ("steepest_step", step("mu + aggression * d_mu, sig + aggression * d_sig"), "steps uphill"),
    ("steepest_step", step("-aggression * d_mu, -aggression * d_sig"), "returns the step"),
    ("steepest_step", step("mu - d_mu, sig - d_sig"), "does not multiply the gradient by aggr"),
    ("steepest_step", step("sig - aggression * d_sig, mu - aggression * d_mu"), "returns (σ, μ)"),
    (
        "steepest_step",
        function(
            "def steepest_step(mu, sig, x, y, aggression):",
            "mu = mu - aggression * d_chi_squared(mu, sig, x, y)[0]",
            "sig = sig - aggression * d_chi_squared(mu, sig, x, y)[1]",
            "return mu, sig",
        ),
        "uses the gradient at the new μ",
    ),
    ("steepest_step", step("np.array([mu - aggression * d_mu])"), "return the new (mu, sig)"),
]

CASES = {"backprop": (BACKPROP, BACKPROP_MISTAKES), "heights": (HEIGHTS, HEIGHTS_MISTAKES)}


def run_in_process(source):
    """A learner's file's names, as the grader's child gets them."""
    namespace = {"__name__": "__learner__"}
    exec(compile(source, "<learner>", "exec"), namespace)
    return namespace


def rounds(mistakes):
    """The mistakes in groups with at most one per function: each group is one learner's file
    (the reference with those functions rewritten), so that one run of the grader checks
    several mistakes at once."""
    groups = []
    for mistake in mistakes:
        for group in groups:
            if all(m[0] != mistake[0] for m in group):
                group.append(mistake)
                break
        else:
            groups.append([mistake])
    return groups


def notebook(assignment, *sources, broken_cell=True):
    """A learner's notebook from Python sources: each top-level block a code cell, the
    exercises' cells tagged, check cells after them, a magic, and (``broken_cell``) a cell of
    the notebook's own that fails without the check cells."""
    names = set(exercises.exercises(assignment))
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Work\n\nSome text."},
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": ["%matplotlib inline\n", "import numpy as np\n", "import mvcalc as mc"],
        },
    ]
    for source in sources:
        for block in source.split("\n\n\n"):
            if not block.strip():
                continue
            defined = [n for n in names if f"def {n}(" in block]
            cells.append(
                {
                    "cell_type": "code",
                    "outputs": [],
                    "execution_count": 3,
                    "metadata": {"tags": ["exercise"]} if defined else {},
                    "source": block.strip().splitlines(keepends=True),
                }
            )
            for name in defined:
                cells.append(
                    {
                        "cell_type": "code",
                        "metadata": {},
                        "outputs": [],
                        "source": f'report = mc.exercises.check("{assignment}", "{name}")',
                    }
                )
    if broken_cell:
        cells.append(
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "source": "if report.all_correct:\n    print('well done')",
            }
        )
    return json.dumps(
        {
            "cells": cells,
            "metadata": {"mvcalc": {"assignment": assignment}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def write(folder, name, text):
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# The checks' oracles are right (independently of the code under test)
# --------------------------------------------------------------------------------------------


def test_the_backprop_checks_compare_with_central_differences_of_an_independent_cost():
    for d in backprop._draws():

        def cost(W, b, d=d):
            a = d.x
            for w, v in zip(W, b, strict=True):
                a = 1 / (1 + np.exp(-(w @ a + v)))
            return np.sum((a - d.y) ** 2) / d.x.shape[1]

        for l in range(3):
            for params, want in ((d.W, d.dW[l]), (d.b, d.db[l])):
                numeric = np.zeros_like(want)
                for index in np.ndindex(want.shape):
                    h = 1e-6
                    up = [p.copy() for p in params]
                    down = [p.copy() for p in params]
                    up[l][index] += h
                    down[l][index] -= h
                    if params is d.W:
                        numeric[index] = (cost(up, d.b) - cost(down, d.b)) / (2 * h)
                    else:
                        numeric[index] = (cost(d.W, up) - cost(d.W, down)) / (2 * h)
                assert np.allclose(want, numeric, rtol=1e-5, atol=1e-9)


def test_the_heights_checks_compare_with_sympy_and_scipy():
    mu, sig, xs, ys = sympy.symbols("mu sigma x y", real=True)
    f = sympy.exp(-((xs - mu) ** 2) / (2 * sig**2)) / (sig * sympy.sqrt(2 * sympy.pi))
    term = (ys - f) ** 2
    d_mu = sympy.lambdify((mu, sig, xs, ys), sympy.diff(term, mu), "numpy")
    d_sig = sympy.lambdify((mu, sig, xs, ys), sympy.diff(term, sig), "numpy")
    for d in heights._draws():
        chi2 = np.sum((d.y - norm.pdf(d.x, d.mu, d.sig)) ** 2)
        assert heights._chi2(d.mu, d.sig, d.x, d.y) == pytest.approx(chi2, rel=1e-12)
        want = [np.sum(d_mu(d.mu, d.sig, d.x, d.y)), np.sum(d_sig(d.mu, d.sig, d.x, d.y))]
        assert np.allclose(heights._gradient(d.mu, d.sig, d.x, d.y), want, rtol=1e-10)
        # the step moves (μ, σ) by far more than the checks' tolerance: "do nothing" fails
        moved = d.aggression * np.linalg.norm(want)
        assert moved > 1e-3 * max(abs(d.mu), abs(d.sig))


# --------------------------------------------------------------------------------------------
# The checks, in process (as a notebook's check cell runs them)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ["backprop", "heights"])
def test_the_reference_solutions_pass_every_check(assignment):
    report = exercises.run_checks(assignment, run_in_process(CASES[assignment][0]))
    assert report.all_correct, report.text()
    assert report.total == len(exercises.exercises(assignment))


@pytest.mark.parametrize(
    ("assignment", "name", "source", "says"),
    [("backprop", *m) for m in BACKPROP_MISTAKES] + [("heights", *m) for m in HEIGHTS_MISTAKES],
    ids=[f"{m[0]}: {m[2]}" for m in BACKPROP_MISTAKES + HEIGHTS_MISTAKES],
)
def test_each_named_mistake_is_named_and_only_its_function_fails(assignment, name, source, says):
    base = CASES[assignment][0]
    report = exercises.run_checks(assignment, run_in_process(base + source))
    verdicts = {v.name: v for v in report.verdicts}
    assert not verdicts[name].ok
    assert says in verdicts[name].feedback, verdicts[name].feedback
    assert verdicts[name].line().startswith(f"{name}  not yet: ")
    assert [v.name for v in report.verdicts if not v.ok] == [name], report.text()


def test_a_function_is_checked_on_its_own_even_when_the_helper_it_calls_is_wrong():
    wrong_sigma = function("def d_sigma(z):", "return sigma(z)")
    report = exercises.run_checks("backprop", run_in_process(BACKPROP + wrong_sigma))
    assert [v.name for v in report.verdicts if not v.ok] == ["d_sigma"]
    wrong_gradient = gradient(ret="np.array([d_sig, d_mu])")
    namespace = run_in_process(HEIGHTS + wrong_gradient)
    report = exercises.run_checks("heights", namespace)
    assert [v.name for v in report.verdicts if not v.ok] == ["d_chi_squared"]
    # and the learner's own helper is back in place afterwards
    assert namespace["d_chi_squared"](155.0, 6.0, *mc.datasets.heights()).shape == (2,)
    assert "d_mu" in namespace["d_chi_squared"].__code__.co_varnames


def test_a_hard_coded_n_passes_the_courses_data_but_not_a_random_network():
    source = BACKPROP.replace("n = x.shape[1]", "n = 100")
    verdict = backprop.EXERCISES["J_W3"](run_in_process(source))
    assert not verdict.ok
    assert verdict.feedback.startswith("on a random network with N = 13 examples: divides by 100")


def test_the_checks_do_not_let_the_learner_change_their_inputs():
    source = BACKPROP + textwrap.dedent("""
        _real = J_W3
        def J_W3(x, y, W, b):
            result = _real(x, y, W, b)
            W[2][:] = 0.0
            x[:] = 0.0
            return result
        """)
    namespace = run_in_process(source)
    assert exercises.run_checks("backprop", namespace).all_correct


@settings(max_examples=30, deadline=None)
@given(scale=st.floats(0.5, 2.0).filter(lambda s: abs(s - 1) > 1e-3), layer=st.sampled_from("123"))
def test_any_scaled_jacobian_fails_and_says_by_how_much(scale, layer):
    name = f"J_W{layer}"
    namespace = run_in_process(BACKPROP)
    right = namespace[name]
    namespace[name] = lambda x, y, W, b: scale * right(x, y, W, b)
    verdict = backprop.EXERCISES[name](namespace)
    assert not verdict.ok
    if abs(scale - 0.5) > 1e-9:
        assert "largest difference" in verdict.feedback


@settings(max_examples=50, deadline=None)
@given(
    shape=st.sampled_from([(3,), (2, 4), (5, 1)]),
    seed=st.integers(0, 2**32 - 1),
    jump=st.floats(1e-5, 1e3),
)
def test_compare_finds_a_single_wrong_entry_and_where_it_is(shape, seed, jump):
    rng = np.random.default_rng(seed)
    want = rng.uniform(1.0, 2.0, shape)
    got = want.copy()
    where = tuple(int(rng.integers(0, n)) for n in shape)
    got[where] += jump
    verdict = compare("f", got, want)
    assert compare("f", want.copy(), want).ok
    assert not verdict.ok
    assert f"at index {where}" in verdict.feedback


def test_compare_names_shapes_and_missing_answers():
    want = np.ones((6, 1))
    assert compare("J_b1", np.ones(6), want).feedback.startswith(
        "has the right numbers in the wrong shape: (6,)"
    )
    assert "expected (6, 1)" in compare("J_b1", np.ones((2, 2)), want).feedback
    assert "returned str" in compare("J_b1", "0.5", want).feedback
    assert compare("J_b1", np.full((6, 1), np.nan), want).feedback == "returned NaN or infinity"


# --------------------------------------------------------------------------------------------
# The grader: the learner's file in a process of its own
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ["backprop", "heights"])
@pytest.mark.parametrize("form", [".py", ".ipynb"])
def test_the_grader_passes_the_reference_solutions(assignment, form, tmp_path):
    source = CASES[assignment][0]
    text = source if form == ".py" else notebook(assignment, source)
    report = grade(assignment, write(tmp_path, "work" + form, text), timeout=30)
    assert report.all_correct, report.text()
    assert report.error is None
    assert report.text().endswith(f"{report.total}/{report.total} correct")


@pytest.mark.parametrize("assignment", ["backprop", "heights"])
@pytest.mark.parametrize("form", [".py", ".ipynb"])
def test_the_grader_names_every_mistake_in_both_forms(assignment, form, tmp_path):
    base, mistakes = CASES[assignment]
    for i, group in enumerate(rounds(mistakes)):
        sources = [base, *(m[1] for m in group)]
        text = "".join(sources) if form == ".py" else notebook(assignment, *sources)
        report = grade(assignment, write(tmp_path, f"work{i}{form}", text), timeout=30)
        lines = report.text().splitlines()
        for name, _, says in group:
            line = next(line for line in lines if line.startswith(name + "  "))
            assert line.startswith(f"{name}  not yet: "), line
            assert says in line, line
        assert report.correct == report.total - len(group), report.text()


def test_an_exception_in_the_learners_cell_says_where(tmp_path):
    text = notebook("heights", HEIGHTS + "\n\n\nundefined_name + 1\n\n\n", broken_cell=False)
    cells = json.loads(text)["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    k = next(i for i, c in enumerate(code, 1) if "undefined_name" in "".join(c["source"]))
    cells[cells.index(code[k - 1])]["metadata"] = {"tags": ["exercise"]}
    path = write(tmp_path, "work.ipynb", json.dumps({"cells": cells, "nbformat": 4}))
    report = grade("heights", path, timeout=30)
    assert report.correct == 3
    assert report.error == (
        f"raised NameError: name 'undefined_name' is not defined (code cell {k}, line 1)"
    )
    assert not report.all_correct
    # the same in the .py form: the line of the file
    report = grade("heights", write(tmp_path, "work.py", HEIGHTS + "\nundefined_name\n"))
    n = (HEIGHTS + "\nundefined_name\n").count("\n")
    assert report.error.endswith(f"(line {n} of your code)")


def test_an_exercise_is_checked_where_its_check_cell_runs(tmp_path):
    # a later cell of the notebook's own rebinds the name the learner's function uses: the
    # check cell ran before it, and the grader checks there too (the feedback the learner saw)
    learner = HEIGHTS.replace("def f(x, mu, sig):", "def gauss(x, mu, sig):").replace(
        "f(x, mu, sig)", "gauss(x, mu, sig)"
    )
    text = json.loads(notebook("heights", learner, broken_cell=False))
    text["cells"].append({"cell_type": "code", "metadata": {}, "source": "gauss = 3.0"})
    path = write(tmp_path, "work.ipynb", json.dumps(text))
    assert grade("heights", path, timeout=30).all_correct
    # with a final cell that checks everything, the exercises are checked there, as it shows
    text["cells"].append(
        {"cell_type": "code", "metadata": {}, "source": "mc.exercises.check('heights')"}
    )
    report = grade("heights", write(tmp_path, "late.ipynb", json.dumps(text)), timeout=30)
    assert "'float' object is not callable" in report.verdicts[0].feedback


@pytest.mark.parametrize(
    ("shipped", "assignment"),
    [("1-Backpropagation.ipynb", "backprop"), ("2-FittingDistribution.ipynb", "heights")],
)
def test_the_assignment_notebooks_as_shipped_and_completed(shipped, assignment, tmp_path):
    text = next(nb for nb in notebooks() if nb.name == shipped).read_text(encoding="utf-8")
    report = grade(assignment, write(tmp_path, shipped, text), timeout=30)
    assert report.error is None
    assert report.correct == 0
    assert all("returned None (not written yet" in v.feedback for v in report.verdicts)
    completed = json.loads(text)
    for cell in completed["cells"]:
        if "exercise" in cell["metadata"].get("tags", []):
            cell["source"] = CASES[assignment][0]
    report = grade(assignment, write(tmp_path, "done.ipynb", json.dumps(completed)), timeout=30)
    assert report.all_correct, report.text()


def test_read_units_takes_code_cells_leaves_out_checks_and_tames_magics(tmp_path):
    cells = [
        {"cell_type": "code", "metadata": {}, "source": "%%bash\necho hi"},
        {"cell_type": "code", "metadata": {}, "source": "%%time\nx = 1\n  !ls"},
        {"cell_type": "code", "metadata": {}, "source": "mc.exercises.check('week1')"},
        {"cell_type": "raw", "metadata": {}, "source": "not code"},
    ]
    path = write(tmp_path, "n.ipynb", json.dumps({"cells": cells, "nbformat": 4}))
    units = read_units(path)
    assert [(u.filename, u.source, u.checks) for u in units] == [
        ("<learner cell 2>", "pass  # %%time\nx = 1\n  pass  # !ls", ()),
        ("<learner cell 3>", "", (("week1", ()),)),
    ]


def test_a_learners_cell_that_also_checks_is_run(tmp_path):
    text = json.loads(notebook("heights", HEIGHTS, broken_cell=False))
    cell = next(c for c in text["cells"] if "def steepest_step" in "".join(c["source"]))
    cell["source"] = "".join(cell["source"]) + '\nmc.exercises.check("heights", "steepest_step")'
    report = grade("heights", write(tmp_path, "work.ipynb", json.dumps(text)), timeout=30)
    assert report.all_correct, report.text()


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        ("bad.txt", "x = 1", "is not a .py file or an .ipynb notebook"),
        ("bad.ipynb", "{not json", "is not a notebook (invalid JSON at line 1)"),
        ("bad.ipynb", "[1, 2]", "is not a notebook (no cells)"),
        ("missing.py", None, "cannot read"),
    ],
)
def test_files_the_grader_cannot_take_are_named(name, text, error, tmp_path):
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    with pytest.raises(ValueError, match=r"^path: ") as caught:
        read_units(path)
    assert error in str(caught.value)
    assert str(path) in str(caught.value)
    with pytest.raises(ValueError, match="path"):
        grade("backprop", path)


def test_grade_checks_its_arguments(tmp_path):
    path = write(tmp_path, "w.py", "")
    with pytest.raises(ValueError, match="assignment must be one of"):
        grade("week9", path)
    with pytest.raises(ValueError, match="timeout"):
        grade("heights", path, timeout=0)
    with pytest.raises(TypeError, match="path"):
        grade("heights", 3)


HANG = "def d_sigma(z):\n    while True:\n        pass\n"
STUBBORN = "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n" + HANG
SEGFAULT = "def J_W1(x, y, W, b):\n    import ctypes\n    return ctypes.string_at(0)\n"
EXITS = "import sys\nsys.exit(3)\n"
OS_EXIT = "def J_b1(x, y, W, b):\n    import os\n    os._exit(4)\n"
ABORT = "import os\nos.abort()\n"
# 3 GiB: more than the grader's 2 GiB; without the limit this would succeed (slowly)
HUNGRY = "def J_b2(x, y, W, b):\n    return np.ones(3 * 2**27)\n"
NOISY = "for _ in range(200_000):\n    print('x' * 100)\n"


@pytest.mark.parametrize(
    ("extra", "wrong", "says", "error"),
    [
        (HANG, {"d_sigma": "did not finish in"}, "share of the 2 s limit", None),
        (
            STUBBORN,
            {"d_sigma": "did not finish in 2 s while it was checked"},
            "not checked: your code did not finish in 2 s while d_sigma was checked",
            "did not finish in 2 s while d_sigma was checked",
        ),
        (
            SEGFAULT,
            {
                "J_W1": "crashed the Python process while it was checked: a segmentation "
                "fault (SIGSEGV) at line {last} of your code, in J_W1"
            },
            "not checked: your code crashed the Python process while J_W1 was checked",
            "crashed the Python process while J_W1 was checked",
        ),
        (
            OS_EXIT,
            {"J_b1": "ended the Python process while it was checked: exit status 4"},
            None,
            "ended the Python process while J_b1 was checked",
        ),
        (EXITS, {}, None, "called sys.exit(3) (your file)"),
        (
            HUNGRY,
            {"J_b2": "ran out of memory (MemoryError) (line {last} of your code, in J_b2)"},
            None,
            None,
        ),
        (NOISY, {}, None, None),
    ],
    ids=["hang", "hang-ignoring-the-alarm", "segfault", "os._exit", "sys.exit", "memory", "output"],
)
def test_the_grader_survives_what_a_learners_code_does(extra, wrong, says, error, tmp_path, capsys):
    source = BACKPROP + "\n" + extra
    last = len(source.splitlines())  # the line of the learner's code that fails
    wrong = {name: text.format(last=last) for name, text in wrong.items()}
    path = write(tmp_path, "work.py", source)
    status = main(["grade", "backprop", str(path), "--timeout", "2"])
    out, err = capsys.readouterr()
    assert status == (0 if not wrong and error is None else 1)
    assert err == ""
    assert len(out) < 3000  # the learner's printing never reaches the grader's output
    lines = out.splitlines()
    for name, text in wrong.items():
        line = next(line for line in lines if line.startswith(name + "  "))
        assert line.startswith(f"{name}  not yet: ") and text in line, line
    if says is not None:
        assert says in out
    if error is not None:
        assert lines[0] == f"your code: {error}" or lines[0].startswith(f"your code: {error}")
    else:
        assert not lines[0].startswith("your code:")
    correct = 7 - len(wrong) - (out.count("not checked"))
    assert lines[-1] == f"{correct}/7 correct"


def test_the_grader_survives_an_abort_before_anything_is_defined(tmp_path):
    report = grade("heights", write(tmp_path, "work.py", ABORT + HEIGHTS), timeout=5)
    assert report.error == "crashed the Python process: an abort (SIGABRT) at line 2 of your code"
    assert report.correct == 0
    assert all(v.feedback.startswith("not checked: your code crashed") for v in report.verdicts)


def test_a_hang_at_the_top_of_the_file_is_reported_with_nothing_checked(tmp_path):
    report = grade(
        "heights", write(tmp_path, "work.py", HEIGHTS + "while True:\n    pass\n"), timeout=1.5
    )
    assert report.error.startswith("did not finish in 1.5 s (your file)")
    assert [v.feedback for v in report.verdicts] == [
        "not checked: your code did not finish in 1.5 s"
    ] * 3


def test_the_learners_file_may_import_its_neighbours(tmp_path):
    write(tmp_path, "helpers.py", HEIGHTS)
    report = grade("heights", write(tmp_path, "work.py", "from helpers import *\n"))
    assert report.all_correct, report.text()


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------


def test_mvcalc_grade_several_files_and_a_csv_for_the_teacher(tmp_path, capsys):
    good = write(tmp_path, "alice.py", HEIGHTS)
    _, source, _ = HEIGHTS_MISTAKES[0]
    bad = write(tmp_path, "bob.ipynb", notebook("heights", HEIGHTS, source))
    table = tmp_path / "grades.csv"
    status = main(["grade", "heights", str(good), str(bad), "--csv", str(table)])
    out = capsys.readouterr().out
    assert status == 1
    assert f"== {good} ==\nchi_squared  ✓\n" in out
    assert f"== {bad} ==\nchi_squared  not yet: is Σ(y − f)" in out
    assert "1/2 files with every exercise correct" in out
    rows = list(csv.reader(table.open(newline="", encoding="utf-8")))
    assert rows == [
        ["path", "chi_squared", "d_chi_squared", "steepest_step", "correct", "total", "error"],
        [str(good), "1", "1", "1", "3", "3", ""],
        [str(bad), "0", "1", "1", "2", "3", ""],
    ]
    assert main(["grade", "heights", str(good)]) == 0
    assert capsys.readouterr().out.endswith("3/3 correct\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grade", "week9", "w.py"], "argument ASSIGNMENT: invalid choice: 'week9'"),
        (["grade", "heights", "missing.py"], "cannot read"),
        (["grade", "heights", "w.txt"], "is not a .py file or an .ipynb notebook"),
        (["grade", "heights", "broken.ipynb"], "is not a notebook (invalid JSON at line 1)"),
        (["grade", "heights", "w.py", "--csv", "no/such/folder/g.csv"], "--csv: no folder"),
        (["grade", "heights", "w.py", "--timeout", "0"], "--timeout: expected a positive"),
        (["grade", "heights", "w.py", "--timeout", "1e9"], "--timeout: at most 3600 s"),
        (["grade", "heights"], "the following arguments are required: PATH"),
    ],
)
def test_mvcalc_grade_usage_errors_are_one_line_and_status_2(
    args, message, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "w.py", HEIGHTS)
    write(tmp_path, "w.txt", HEIGHTS)
    write(tmp_path, "broken.ipynb", "{oops")
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert captured.err.startswith("mvcalc grade: error: ")
    assert message in captured.err


def test_mvcalc_course_writes_the_notebooks_and_never_overwrites_work(tmp_path, capsys):
    shipped = {nb.name for nb in notebooks()}
    assert shipped == COURSE_NOTEBOOKS
    folder = tmp_path / "course"
    assert main(["course", str(folder)]) == 0
    out = capsys.readouterr().out
    assert {p.name for p in folder.iterdir()} == shipped
    assert out.count("wrote ") == len(shipped)
    assert f"jupyter lab {folder}" in out
    for nb in notebooks():  # copies, byte for byte, and each names its assignment
        assert (folder / nb.name).read_bytes() == nb.read_bytes()
        meta = json.loads(nb.read_text(encoding="utf-8"))["metadata"]["mvcalc"]
        assert meta["assignment"] in exercises.ASSIGNMENTS

    work = folder / "1-Backpropagation.ipynb"
    work.write_text("my work")
    assert main(["course", str(folder)]) == 0
    out = capsys.readouterr().out
    assert work.read_text() == "my work"
    assert f"kept      {work} (it is already there" in out
    assert out.count("kept ") == len(shipped)
    assert main(["course", str(folder), "--force"]) == 0
    assert f"replaced  {work}" in capsys.readouterr().out
    assert work.read_bytes() != b"my work"


def test_mvcalc_course_into_a_file_is_a_usage_error(tmp_path, capsys):
    target = write(tmp_path, "taken", "")
    assert main(["course", str(target)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_mvcalc_course_defaults_to_mvcalc_course_here(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["course"]) == 0
    assert (tmp_path / "mvcalc-course").is_dir()
    assert "mvcalc grade " in capsys.readouterr().out
