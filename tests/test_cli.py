"""Tests of the ``mvcalc`` command line."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

import mvcalc as mc
from mvcalc.cli import main


def test_backprop_reports_the_libraries_numbers_and_writes_the_figure(tmp_path, capsys):
    out = tmp_path / "sub" / "bp.png"
    status = main(
        ["backprop", "--iterations", "300", "--hidden", "4", "--seed", "3", "--out", str(out)]
    )
    captured = capsys.readouterr()
    assert status == 0
    assert captured.err == ""  # no progress bar when stderr is not a terminal
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    rng = np.random.default_rng(3)
    x, y = mc.datasets.heart_curve()
    want = mc.Network([1, 4, 2], seed=rng).train(x, y, iterations=300, seed=rng)
    initial = float(re.search(r"initial cost\s+(\S+)", captured.out).group(1))
    final = float(re.search(r"final cost\s+(\S+)", captured.out).group(1))
    assert initial == pytest.approx(want.initial_cost, rel=1e-5)
    assert final == pytest.approx(want.final_cost, rel=1e-5)
    assert re.search(r"time\s+[\d.]+ s for 300 steps \([\d,]+ steps/s\)", captured.out)
    assert "1-4-2 (18 parameters, sigmoid)" in captured.out


def test_backprop_svg_and_other_activation(tmp_path, capsys):
    out = tmp_path / "bp.svg"
    # tanh at the course's aggression of 7 saturates at once (a "stalled" run, exit 1): 0.1 learns
    assert main(["backprop", "--iterations", "5", "--activation", "tanh", "--aggression", "0.1",
                 "--out", str(out)]) == 0  # fmt: skip
    assert out.read_text().lstrip().startswith("<?xml")
    assert "tanh" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--iterations", "-5"], "--iterations: expected an integer >= 0, got -5"),
        (["--hidden", "6", "0"], "--hidden: expected an integer >= 1, got 0"),
        (["--aggression", "fast"], "--aggression: expected a number, got 'fast'"),
        (["--noise", "nan"], "--noise: expected a finite number"),
        (["--activation", "softmax"], "--activation: invalid choice: 'softmax'"),
        (["--seed", "x"], "--seed: expected an integer"),
        (["--out", "figure.txt"], "--out: expected a file name ending in .png, .svg, .pdf"),
        (["--unknown"], "unrecognized arguments: --unknown"),
    ],
)
def test_backprop_rejects_bad_arguments_in_one_line(args, fragment, tmp_path, capsys):
    status = main(["backprop", *args])
    captured = capsys.readouterr()
    assert status == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert fragment in lines[0]
    assert "Traceback" not in captured.err


def test_unwritable_output_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    status = main(["backprop", "--iterations", "1", "--out", str(blocker / "x.png")])
    captured = capsys.readouterr()
    assert status == 2
    assert len(captured.err.strip().splitlines()) == 1
    assert "cannot write" in captured.err


def test_console_script_runs_and_fails_cleanly(tmp_path):
    """The installed ``mvcalc`` entry point, as a user would run it."""
    exe = [sys.executable, "-m", "mvcalc.cli"]
    ok = subprocess.run(
        [*exe, "backprop", "--iterations", "10", "--out", "b.png"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "b.png").exists()
    bad = subprocess.run(
        [*exe, "backprop", "--hidden", "0"], capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    missing = subprocess.run([*exe], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1


# --------------------------------------------------------------------------------------------
# mvcalc heights
# --------------------------------------------------------------------------------------------


def test_heights_runs_the_assignment(tmp_path, capsys):
    assert main(["heights", "--out-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    x, y = mc.datasets.heights()
    want = mc.fit(mc.gaussian, x, y, [155, 6], method="steepest-descent", aggression=2000,
                  max_iter=50)  # fmt: skip
    # the course's 50 steps stop short of convergence (max-iter): no ± errors are printed
    match = re.search(r"μ = ([\d.]+) cm, σ = ([\d.]+) cm", out)
    assert float(match.group(1)) == pytest.approx(178.52, abs=0.005)
    assert float(match.group(2)) == pytest.approx(7.55, abs=0.005)
    assert float(match.group(1)) == pytest.approx(want.params[0], abs=1e-4)
    # the path summary starts at the start and ends where the fit ended
    assert re.search(r"^\s+0\s+155\.000000\s+6\.000000", out, re.M)
    assert re.search(rf"^\s+{want.nit}\s+{want.params[0]:.6f}", out, re.M)
    for name in ("heights_fit.png", "heights_chi2.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"


def test_heights_other_methods(tmp_path, capsys):
    assert main(["heights", "--method", "levenberg-marquardt", "--out-dir", str(tmp_path)]) == 0
    assert "converged" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--method", "newton"], "--method: invalid choice"),
        (["--steps", "0"], "--steps: expected an integer >= 1"),
        (["--mu0", "tall"], "--mu0: expected a number"),
        (["--sigma0", "0"], "--sigma0: must be non-zero"),
        (["--method", "gauss-newton", "--aggression", "5"], "aggression applies to"),
        (["--aggression", "-5"], "aggression must be positive"),
    ],
)
def test_heights_rejects_bad_arguments(args, fragment, tmp_path, capsys):
    assert main(["heights", "--out-dir", str(tmp_path), *args]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and fragment in err, err


# --------------------------------------------------------------------------------------------
# mvcalc fit
# --------------------------------------------------------------------------------------------


def _write(path, text):
    path.write_text(text)
    return str(path)


def test_fit_a_weighted_line_from_a_csv(tmp_path, capsys):
    from scipy import optimize

    data = _write(tmp_path / "d.csv",
                  "x,y,s\n0,1.1,0.1\n1,2.9,0.1\n2,5.2,0.2\n3,6.8,0.2\n4,9.1,0.3\n")  # fmt: skip
    out = tmp_path / "line.png"
    assert main(["fit", data, "--model", "line", "--sigma-column", "s", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    x, y, s = np.array([0, 1, 2, 3, 4.0]), np.array([1.1, 2.9, 5.2, 6.8, 9.1]), np.array(
        [0.1, 0.1, 0.2, 0.2, 0.3])  # fmt: skip
    p, cov = optimize.curve_fit(lambda x, m, c: m * x + c, x, y, sigma=s, absolute_sigma=True)
    slope = re.search(r"slope\s+= (\S+) ± (\S+)", text)
    assert float(slope.group(1)) == pytest.approx(p[0], rel=1e-6)
    assert float(slope.group(2)) == pytest.approx(np.sqrt(cov[0, 0]), rel=1e-2)
    chi2 = float(re.search(r"χ²\s+(\S+)", text).group(1))
    assert chi2 == pytest.approx(np.sum(((y - p[0] * x - p[1]) / s) ** 2), rel=1e-5)
    assert "reduced χ² " in text and "(dof 3)" in text and "absolute" in text
    assert out.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("model", ["gaussian", "exponential", "poly2"])
def test_fit_other_models_recover_known_parameters(model, tmp_path, capsys):
    from mvcalc.regression import NAMED_MODELS

    true = {"gaussian": [5.0, 1.5, 20.0], "exponential": [2.0, 0.3], "poly2": [0.5, -2, 1]}[model]
    x = np.linspace(0, 10, 30)
    y = NAMED_MODELS[model].function(x, *true)
    rows = "\n".join(f"{float(a)!r},{float(b)!r}" for a, b in zip(x, y, strict=True))
    data = _write(tmp_path / "d.csv", "t,v\n" + rows + "\n")
    status = main(["fit", data, "--model", model, "--x-column", "t", "--y-column", "v",
                   "--out", str(tmp_path / "f.svg")])  # fmt: skip
    text = capsys.readouterr().out
    assert status == 0
    for name, value in zip(NAMED_MODELS[model].parameters, true, strict=True):
        got = float(re.search(rf"{name}\s+= (\S+)", text).group(1))
        assert got == pytest.approx(value, rel=1e-5, abs=1e-7)


def test_fit_with_p0(tmp_path, capsys):
    data = _write(tmp_path / "d.csv", "x,y\n0,2\n1,1.2\n2,0.7\n3,0.45\n4,0.27\n")
    assert main(["fit", data, "--model", "exponential", "--p0", "1,-1",
                 "--out", str(tmp_path / "e.png")]) == 0  # fmt: skip
    assert main(["fit", data, "--model", "exponential", "--p0", "1", "-1",
                 "--out", str(tmp_path / "e.png")]) == 0  # fmt: skip
    capsys.readouterr()


@pytest.mark.parametrize(
    ("csv", "args", "fragment"),
    [
        ("x,y\n1,2\n2,3\n3,5\n", ["--y-column", "q"], "no column 'q'; the columns are x, y"),
        ("x,y\n1,2\n2,abc\n3,4\n", [], "line 3, column 'y': 'abc' is not a number"),
        ("x,y\n1,2\n2,\n3,4\n", [], "line 3, column 'y': '' is not a number"),
        ("x,y\n1,2\n2,nan\n3,4\n", [], "'nan' is not finite"),
        ("x,y\n1,2\n", ["--model", "poly2"], "1 data points, fewer than the 3 parameters"),
        ("", [], "the file is empty"),
        ("x,y,s\n1,2,0\n2,3,1\n3,4,1\n", ["--sigma-column", "s"], "must hold positive values"),
        ("x,y\n1,2\n2,3\n3,5\n", ["--p0", "1,2,3"], "--p0: the line model has 2 parameters"),
        ("x,y\n1,2\n2,3\n3,5\n", ["--p0", "a"], "--p0: expected a number"),
        ("x,y\n1,2\n2,3\n3,5\n", ["--model", "cubic"], "--model: model 'cubic' has no x"),
        ("x,y\n1,2\n2,3\n3,5\n", ["--out", "f.jpg"], "--out: expected a file name ending"),
    ],
)
def test_fit_rejects_bad_input_in_one_line(csv, args, fragment, tmp_path, capsys):
    data = _write(tmp_path / "d.csv", csv)
    argv = ["fit", data, *args] if "--model" in args else ["fit", data, "--model", "line", *args]
    assert main([*argv, "--out", str(tmp_path / "f.png")] if "--out" not in args else argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert fragment in err and "Traceback" not in err
    assert not (tmp_path / "f.png").exists()


def test_fit_missing_file(tmp_path, capsys):
    assert main(["fit", str(tmp_path / "nope.csv"), "--model", "line"]) == 2
    assert "no such file" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# mvcalc diff / jacobian / hessian / derivative-error
# --------------------------------------------------------------------------------------------


def test_diff_prints_the_derivative_steps_and_value(capsys):
    import sympy as sp

    assert main(["diff", "x**2*sin(x)", "--steps", "--at", "x=1.5", "--latex"]) == 0
    out = capsys.readouterr().out
    assert "product rule:" in out and "power rule:" in out and "sin:" in out
    x = sp.Symbol("x")
    want = float(sp.diff(x**2 * sp.sin(x), x).subs(x, sp.Rational(3, 2)))
    value = float(re.search(r"≈ (\S+)", out).group(1))
    assert value == pytest.approx(want, rel=1e-13)
    assert "\\begin{aligned}" in out


def test_diff_with_respect_to_a_chosen_variable(capsys):
    assert main(["diff", "x^2*y^3", "--wrt", "y", "--at", "x=2,y=pi/2"]) == 0
    out = capsys.readouterr().out
    import math

    value = float(re.search(r"≈ (\S+)", out).group(1))
    assert value == pytest.approx(4 * 3 * (math.pi / 2) ** 2, rel=1e-13)


def test_jacobian_and_hessian_commands(capsys):
    assert main(["jacobian", "u*v, u+v", "--vars", "u,v", "--at", "u=1,v=2"]) == 0
    out = capsys.readouterr().out
    assert "≈ [[2.0, 1.0], [1.0, 1.0]]" in out
    assert main(["hessian", "x**2*y", "--vars", "x,y", "--at", "x=3,y=5", "--latex"]) == 0
    out = capsys.readouterr().out
    assert "≈ [[10.0, 6.0], [6.0, 0.0]]" in out
    assert "\\left[\\begin{matrix}" in out


def test_derivative_error_command(tmp_path, capsys):
    import math

    out_file = tmp_path / "h.png"
    assert main(["derivative-error", "exp(x)", "--at", "1", "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert out_file.read_bytes()[:4] == b"\x89PNG"
    exact = float(re.search(r"f'\(1\) = (\S+) \(exact\)", out).group(1))
    assert exact == math.e
    best = re.search(r"^forward\s+(\S+)\s+(\S+)", out, re.M)
    assert 1e-9 < float(best.group(1)) < 1e-7
    richardson = re.search(r"≈ (\S+) ± (\S+) \(actual error (\S+)", out)
    assert abs(float(richardson.group(1)) - math.e) <= float(richardson.group(2))


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["diff", "__import__('os').system('echo hi')"], "cannot read"),
        (["diff", "9**9**9**9"], "exponent beyond"),
        (["diff", "x*y"], "several variables (x, y): choose with --wrt"),
        (["diff", "x^2", "--at", "y=1"], "y is not a variable of the expression"),
        (["diff", "x*y", "--wrt", "x", "--at", "x=1"], "give a value for y"),
        (["diff", "x^2", "--at", "x=abc(1)"], "'abc' is not a function"),
        (["diff", "x^2", "--at", "x"], "expected name=value pairs"),
        (["diff", "x^2", "--wrt", "2x"], "--wrt"),
        (["diff", "sin(x"], "this '(' is never closed"),
        (["jacobian", "u*v", "--vars", "u;v"], "--vars: expected names like u,v"),
        (["jacobian", "u*v", "--vars", "u,w"], "w does not appear in the expression"),
        (["hessian", "x**2*y", "--vars", "x,y", "--at", "x=1"], "give a value for y"),
        (["derivative-error", "x*y", "--at", "1"], "one variable"),
        (["derivative-error", "log(x)", "--at", "-1"], "not real"),
        (["derivative-error", "exp(x)", "--at", "one"], "expected a real number"),
    ],
)
def test_symbolic_commands_reject_bad_input_in_one_line(argv, fragment, tmp_path, capsys):
    assert main([*argv, *(["--out", str(tmp_path / "h.png")] if argv[0] == "derivative-error"
                          else [])]) == 2  # fmt: skip
    captured = capsys.readouterr()
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert fragment in captured.err and "Traceback" not in captured.err
    assert "hi" not in captured.out


# --------------------------------------------------------------------------------------------
# mvcalc taylor / newton / minimize / lagrange
# --------------------------------------------------------------------------------------------


def test_taylor_command(tmp_path, capsys):
    import math

    out_file = tmp_path / "t.png"
    argv = ["taylor", "exp(x)", "--at", "0", "--order", "4", "--interval", "0,1"]
    assert main([*argv, "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "coefficients of x^k, k = 0…4:  1, 1, 1/2, 1/6, 1/24" in out
    bound = float(re.search(r"≤ (\S+) \(rigorous", out).group(1))
    assert bound == pytest.approx(math.e / 120, rel=1e-5)
    assert "infinite" in out
    assert out_file.read_bytes()[:4] == b"\x89PNG"
    assert main(["taylor", "log(1+x)", "--at", "0", "--order", "3", "--out",
                 str(tmp_path / "l.png")]) == 0  # fmt: skip
    assert "radius of convergence ≈ 1" in capsys.readouterr().out
    assert main(["taylor", "x**2*y", "--at", "1,2", "--order", "2", "--out",
                 str(tmp_path / "m.png")]) == 0  # fmt: skip
    assert "gradient at x0 = [4. 1.]" in capsys.readouterr().out


def test_newton_command(tmp_path, capsys):
    assert main(["newton", "x**3-2*x+2", "--x0", "-2", "--out", str(tmp_path / "n.png")]) == 0
    out = capsys.readouterr().out
    root = float(re.search(r"result  x = (\S+),", out).group(1))
    assert root**3 - 2 * root + 2 == pytest.approx(0, abs=1e-12)
    assert main(["newton", "x**3-2*x+2", "--x0", "0"]) == 1  # ran, but did not converge
    assert "cycling" in capsys.readouterr().out


def test_minimize_command(tmp_path, capsys):
    out_file = tmp_path / "p.png"
    argv = ["minimize", "(1-x)**2+100*(y-x**2)**2", "--x0", "-1.2,1", "--method", "hybrid"]
    assert main([*argv, "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "result  x = [1. 1.]" in out and "status  converged: a minimum" in out
    assert out_file.read_bytes()[:4] == b"\x89PNG"


def test_minimize_command_names_a_saddle(capsys):
    # the issue: Newton reaches the saddle (−1, 0) of x³ − 3x + y², which is no minimum
    assert main(["minimize", "x^3-3*x+y^2", "--x0", "-0.5,1", "--method", "newton"]) == 1
    out = capsys.readouterr().out
    assert "result  x = [-1.  0.]" in out
    assert "status  saddle: no minimum claimed" in out and "eigenvalues -6 and 2" in out
    assert "converged" not in out
    assert main(["minimize", "x^3-3*x+y^2", "--x0", "-0.5,1"]) == 0  # the default passes it by
    assert "result  x = [1. 0.]" in capsys.readouterr().out


def test_lagrange_command(tmp_path, capsys):
    argv = ["lagrange", "x*y", "--subject-to", "x**2+y**2-1", "--out", str(tmp_path / "l.png")]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.count("maximum") == 2 and out.count("minimum") == 2
    assert "f = 1/2" in out and "f = -1/2" in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["taylor", "exp(x)", "--at", "0", "--order", "-1"], "--order: expected an integer >= 0"),
        (["taylor", "exp(x)", "--at", "y"], "--at: expected real numbers"),
        (["taylor", "exp(x)", "--at", "0", "--interval", "1,0"], "--interval: expected a < b"),
        (["taylor", "x*y", "--at", "1", "--order", "2"], "one value per variable"),
        (["newton", "x**2-2", "--x0", "one"], "--x0: expected a number"),
        (["newton", "x+y", "--x0", "1,2"], "as many values as x"),
        (["minimize", "x**2", "--x0", "1", "--method", "bfgs"], "--method: invalid choice"),
        (["minimize", "x**2+y**2", "--x0", "1,2,3"], "more_values"),
        (["lagrange", "x*y", "--subject-to", ""], "the expression is empty"),
        (["lagrange", "x*y", "--subject-to", "x+y-1", "--vars", "x,y,z"], "do not appear"),
        (["lagrange", "x*y"], "the following arguments are required: --subject-to"),
    ],
)
def test_series_and_optimisation_commands_reject_bad_input(argv, fragment, tmp_path, capsys):
    if fragment == "more_values":  # three start values for two variables
        fragment = "x0"
    status = main([*argv, "--out", str(tmp_path / "x.png")] if argv[0] != "newton" else argv)
    captured = capsys.readouterr()
    assert status == 2, captured
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert fragment in captured.err and "Traceback" not in captured.err


# --------------------------------------------------------------------------------------------
# A user's mistake (one line, exit 2) is told apart from a bug in mvcalc (traceback, exit 1)
# --------------------------------------------------------------------------------------------


def test_a_mistake_caught_by_mvcalcs_own_checks_is_one_line_and_exit_2(tmp_path, capsys):
    # the ValueError comes from mvcalc.regression.fit's own argument check, deep in the library
    status = main(["heights", "--aggression", "-5", "--out-dir", str(tmp_path)])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.err.startswith("mvcalc heights: error: ") and "aggression" in captured.err


def _broken_diff(*args, **kwargs):
    """Stands in for a library function with a bug: a ValueError from outside mvcalc."""
    return int("not a number")


def _missing_key(*args, **kwargs):
    return {}["x"]


@pytest.mark.parametrize(
    ("replacement", "exception"), [(_broken_diff, "ValueError"), (_missing_key, "KeyError")]
)
def test_a_bug_inside_the_library_prints_the_traceback_and_asks_for_a_report(
    monkeypatch, capsys, replacement, exception
):
    monkeypatch.setattr(mc.symbolic, "diff", replacement)
    status = main(["diff", "x**2 + 1"])
    captured = capsys.readouterr()
    assert status == 1
    assert "Traceback (most recent call last)" in captured.err
    assert f"{exception}:" in captured.err
    last = captured.err.strip().splitlines()[-1]
    assert "bug in mvcalc" in last and "report" in last
    assert "(mvcalc diff 'x**2 + 1')" in last  # the command line, as the shell would take it
    assert f"mvcalc {mc.__version__}" in last


def test_a_type_error_from_numpy_inside_a_command_is_a_bug(monkeypatch, tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n0,1\n1,3\n2,5\n")

    def fit_with_a_bug(model, x, y, p0, **kwargs):
        return np.add(x, "text")  # NumPy raises (a UFuncTypeError, a TypeError) in its own code

    monkeypatch.setattr(mc.regression, "fit", fit_with_a_bug)
    status = main(["fit", str(data), "--model", "line", "--out", str(tmp_path / "f.png")])
    err = capsys.readouterr().err
    assert status == 1
    assert "Traceback" in err and "bug in mvcalc" in err.strip().splitlines()[-1]


def test_the_special_cases_keep_their_one_line_and_exit_status(monkeypatch, capsys):
    def overflow(*args, **kwargs):
        raise OverflowError("math range error")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(mc.symbolic, "diff", overflow)
    assert main(["diff", "x"]) == 2
    err = capsys.readouterr().err
    assert err == "mvcalc diff: error: a number became too large for a float (overflow)\n"
    monkeypatch.setattr(mc.symbolic, "diff", interrupted)
    assert main(["diff", "x"]) == 130
    assert capsys.readouterr().err == "mvcalc diff: interrupted\n"


# --------------------------------------------------------------------------------------------
# Start-up: the parser is built without the heavy parts (timings live in benchmarks/)
# --------------------------------------------------------------------------------------------

HEAVY = ("matplotlib", "sympy", "starlette", "uvicorn", "mvcalc.lab", "mvcalc.plots")


def test_help_does_not_import_the_heavy_parts():
    probe = (
        "import sys\n"
        "from mvcalc.cli import main\n"
        "assert main(['--help']) == 0\n"
        "assert main(['diff', '--help']) == 0\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} or m in {HEAVY!r}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = done.stdout.strip().splitlines()[-1]
    assert loaded == "[]", loaded
    assert "usage: mvcalc [-h] [--version] COMMAND" in done.stdout


def test_pretty_printing_without_sympys_units_is_sympys_own_output():
    # the CLI lets SymPy's pretty printer skip loading sympy.physics.units (start-up time); the
    # output must be SymPy's own, as printed after the real units module is loaded
    probe = (
        "import sys, sympy\n"
        "from mvcalc.cli._args import pretty\n"
        "texts = ['x**2*sin(x)', '-3*x*y/(2*z)', 'exp(-x)*cos(2*x)/sqrt(x)', '2*pi*x**(1/3)']\n"
        "exprs = [sympy.sympify(t) for t in texts] + [sympy.Matrix([[2, 'x*y'], ['x*y', 0]])]\n"
        "ours = [pretty(e) for e in exprs]\n"
        "assert 'sympy.physics.units' not in sys.modules\n"
        "import sympy.physics.units\n"
        "assert ours == [sympy.pretty(e, use_unicode=True) for e in exprs], ours\n"
        "print('same')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "same", done.stderr
