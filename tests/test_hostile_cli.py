"""Hostile and careless input through the command line: every case ends in bounded time and
memory, with one line on standard error in mvcalc's own words and exit status 2 — or, where the
input is valid after all, a normal answer with no traceback and no warning.

Each case runs ``mvcalc`` in a fresh process under a 1 GiB address-space limit and a 15 s
timeout, as a user's shell would run it.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

LIMIT_SECONDS = 15
LIMIT_BYTES = 1 << 30
FOREIGN = (
    "Traceback",
    "Warning",
    "set_int_max_str_digits",
    "Cannot convert",
    "cannot convert",
    "DLASCL",
    "LAPACK",
    "zoo",
    "nan ±",
)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def run(*words: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "mvcalc.cli", *words],
        capture_output=True,
        text=True,
        timeout=LIMIT_SECONDS,
        preexec_fn=_limit_memory,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    lines = result.stderr.splitlines()
    assert result.returncode == 2, (result.returncode, result.stdout[-500:], result.stderr[-2000:])
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mvcalc"), lines[0]
    for bad in FOREIGN:
        assert bad not in result.stderr and bad not in result.stdout, result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    for bad in ("Traceback", "Warning", "set_int_max_str_digits", "DLASCL"):
        assert bad not in result.stderr and bad not in result.stdout, result.stderr[-2000:]


REFUSED = {
    # the parser bounds what an expression builds, not only each literal
    "huge number": (["diff", "((10**29*pi)**1000)**1000"], ()),
    "huge power tower": (["diff", "((((2*x)**1000)**1000)**1000)**1000"], ()),
    "degree beyond the bound": (["diff", "(x**1000)**1000"], ("degree",)),
    "huge --at value": (["diff", "x**y", "--wrt", "x", "--at", "x=2,y=10**29"], ("digits",)),
    "huge --order": (["taylor", "exp(x)", "--at", "0", "--order", "1000000"], ("order",)),
    "too many --vars": (
        ["hessian", "x", "--vars", ",".join(f"v{i}" for i in range(1500))],
        ("variables",),
    ),
    "slow solve": (
        ["lagrange", "x**7*y**5+z**3", "--subject-to", "x**5+y**7+z**3-1", "--time-limit", "2"],
        ("took longer than 2 s",),
    ),
    "slow simplify": (
        ["diff", "tan(tan(tan(tan(tan(tan(x))))))", "--at", "x=pi/7", "--time-limit", "2"],
        ("took longer than 2 s",),
    ),
    "endless file": (["fit", "/dev/zero", "--model", "line"], ("MiB",)),
    "huge network": (["backprop", "--hidden", "100000", "100000"], ("integer <= 10000",)),
    "network beyond memory": (["backprop", "--hidden", "10000", "10000"], ("memory",)),
    "huge data": (["backprop", "--points", "1000000000"], ("expected an integer <= 1000000",)),
    "endless training": (["backprop", "--iterations", "10**12"], ("integer",)),
    "endless training, digits": (["backprop", "--iterations", "1" + "0" * 5000], ("integer",)),
    "overflow in taylor": (["taylor", "pi**1000*x", "--at", "0"], ()),
    "overflow in newton": (["newton", "pi**1000*x", "--x0", "1"], ()),
    "overflow in minimize": (["minimize", "pi**1000*x**2", "--x0", "1"], ()),
    "undefined derivative": (["diff", "1/x", "--at", "x=0"], ("undefined", "x = 0")),
    "overflowing function": (["derivative-error", "exp(x)", "--at", "1000"], ("overflows",)),
    "a name given twice": (["diff", "x**2", "--at", "x=1,x=2"], ("twice",)),
    "a constant as a variable": (["diff", "pi*x", "--at", "x=1,pi=3"], ("constant",)),
    "a variable the function lacks": (
        ["derivative-error", "exp(x)", "--at", "y=5"],
        ("not the variable",),
    ),
    "a seed out of range": (["sandpit", "--seed", "3000000000", "--no-browser"], ("seed",)),
    "a non-number": (["newton", "x**2-2", "--x0", "abc"], ()),
    "a non-finite start": (["minimize", "x**2", "--x0", "inf"], ()),
    "a kink, where no derivative exists": (
        ["derivative-error", "abs(x)", "--at", "0"],
        ("not differentiable at x = 0", "-1 from the left and 1 from the right"),
    ),
    "eval bait": (["diff", "__import__('os').system('true')"], ()),
    "unknown function": (["diff", "foo(x)"], ()),
}


@pytest.mark.parametrize("case", list(REFUSED), ids=list(REFUSED))
def test_hostile_input_is_refused_in_one_line(case, tmp_path):
    words, phrases = REFUSED[case]
    assert_one_line_error(run(*words, cwd=tmp_path), *phrases)


def test_csv_with_a_duplicated_header_is_refused(tmp_path):
    (tmp_path / "d.csv").write_text("x,x,y\n1,2,3\n2,3,5\n3,4,8\n")
    assert_one_line_error(run("fit", "d.csv", "--model", "line", cwd=tmp_path), "more than once")


def test_data_without_spread_in_x_is_refused(tmp_path):
    (tmp_path / "d.csv").write_text("x,y\n1,2\n1,3\n1,5\n")
    assert_one_line_error(run("fit", "d.csv", "--model", "line", cwd=tmp_path), "spread")


def test_starting_at_the_answer_is_no_crash(tmp_path):
    result = run("heights", "--method", "levenberg-marquardt", "--mu0", "178.5198", "--sigma0",
                 "7.5499", "--out-dir", str(tmp_path), cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert_clean(result)
    assert "μ = 178.519" in result.stdout


def test_a_leading_minus_sign_is_maths_not_an_option(tmp_path):
    result = run("diff", "-x**3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "-3⋅x" in result.stdout
    result = run("newton", "-x**3+8", "--x0", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "x = 2" in result.stdout


@pytest.mark.parametrize(
    "words",
    [
        ["--method", "gauss-newton", "--steps", "1"],
        ["--method", "levenberg-marquardt", "--mu0", "178.51982372", "--sigma0", "7.54990809"],
        ["--steps", "1"],
    ],
    ids=["one step", "at the answer", "steepest descent, one step"],
)
def test_the_heights_table_shows_only_the_steps_taken(words, tmp_path):
    result = run("heights", *words, "--out-dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert_clean(result)
    steps = [
        int(line.split()[0]) for line in result.stdout.splitlines() if line[:5].strip().isdigit()
    ]
    assert steps == sorted(set(steps)) and steps[0] == 0 and max(steps) <= 2


def test_a_start_where_the_model_vanishes_is_no_crash(tmp_path):
    # σ = 0.001 at μ = 0: the Gaussian underflows to 0 on every bin, χ² is flat, J is zero
    result = run("heights", "--mu0", "0", "--sigma0", "0.001", "--out-dir", str(tmp_path),
                 cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert_clean(result)
    assert "zero-derivative" in result.stdout
    assert (tmp_path / "heights_chi2.png").exists()


def test_a_reader_that_goes_away_is_no_bug(tmp_path):
    """`mvcalc … | head -1`: the pipe closes under the command; it stops quietly."""
    import subprocess
    import sys

    course = f"{sys.executable} -m mvcalc.cli course {tmp_path / 'c'}"
    cmd = f"{course} | head -c 10; exit ${{PIPESTATUS[0]}}"
    for _ in range(2):  # the second run prints a long list of kept files into the closed pipe
        done = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120)
        assert "internal error" not in done.stderr and "Traceback" not in done.stderr
        assert done.returncode in (0, 141)
