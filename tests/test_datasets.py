"""Tests of mvcalc.datasets against the course's formulas, evaluated here point by point."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mvcalc as mc
from mvcalc.datasets import read_csv


def heart_point(t: float) -> tuple[float, float]:
    s = 2 * math.pi * t
    X = 16 * math.sin(s) ** 3
    Y = 13 * math.cos(s) - 5 * math.cos(2 * s) - 2 * math.cos(3 * s) - math.cos(4 * s)
    return (X / 20 + 1) / 2, (Y / 20 + 1) / 2


@given(st.integers(1, 400))
def test_heart_curve_matches_the_formula(n):
    x, y = mc.datasets.heart_curve(n)
    assert x.shape == (1, n) and y.shape == (2, n)
    assert x.dtype == y.dtype == np.float64
    for k in {0, n // 3, n - 1}:
        assert x[0, k] == pytest.approx(k / n, abs=1e-15)
        want = heart_point(k / n)
        assert y[0, k] == pytest.approx(want[0], abs=1e-14)
        assert y[1, k] == pytest.approx(want[1], abs=1e-14)
    assert np.all((y >= 0) & (y <= 1))


def test_heart_curve_default_is_the_course_size_and_known_points():
    x, y = mc.datasets.heart_curve()
    assert x.shape == (1, 100)
    # t = 0: X = 0, Y = 13 - 5 - 2 - 1 = 5 → (0.5, 0.625); t = 1/2: X = 0, Y = -13 - 5 + 2 - 1 = -17
    np.testing.assert_allclose(y[:, 0], [0.5, 0.625])
    np.testing.assert_allclose(y[:, 50], [0.5, (1 - 17 / 20) / 2], atol=1e-14)
    # t = 1/4: X = 16, Y = 0 + 5 - 0 - 1 = 4
    np.testing.assert_allclose(y[:, 25], [(1 + 16 / 20) / 2, (1 + 4 / 20) / 2], atol=1e-14)


@pytest.mark.parametrize(
    ("n", "error"), [(0, ValueError), (-5, ValueError), (2.0, TypeError), (True, TypeError)]
)
def test_heart_curve_rejects_bad_n(n, error):
    with pytest.raises(error, match="n must be"):
        mc.datasets.heart_curve(n)


def test_heart_curve_refuses_a_size_beyond_memory():
    with pytest.raises(ValueError, match="points of the heart curve would need"):
        mc.datasets.heart_curve(1_000_000_000)


# The course's histogram of adult heights, as its assignment tabulates it: relative frequencies of
# the bins of width 2.5 cm whose left edges run 160, 162.5, ..., 200 cm (typed in from the course).
COURSE_LEFT_EDGES = [160 + 2.5 * k for k in range(17)]
COURSE_FREQUENCIES = [0.031, 0.013, 0.023, 0.064, 0.065, 0.126, 0.132, 0.127, 0.113, 0.091,
                      0.105, 0.050, 0.018, 0.018, 0.018, 0.001, 0.0]  # fmt: skip


def test_heights_is_a_regular_grid_of_bin_centres_from_50_to_300_cm():
    x, density = mc.datasets.heights()
    assert x.shape == density.shape == (100,)
    assert x.dtype == density.dtype == np.float64
    np.testing.assert_allclose(np.diff(x), 2.5, rtol=0, atol=1e-12)  # evenly spaced
    assert x[0] == 50 + 1.25 and x[-1] == 300 - 1.25  # centres of [50, 52.5) … [297.5, 300)


def test_heights_density_integrates_to_one_and_is_the_course_s_histogram():
    x, density = mc.datasets.heights()
    assert np.all(density >= 0)
    assert math.fsum(density * 2.5) == pytest.approx(1.0, abs=1e-14)  # unit area
    total = math.fsum(COURSE_FREQUENCIES)
    for left, frequency in zip(COURSE_LEFT_EDGES, COURSE_FREQUENCIES, strict=True):
        (k,) = np.flatnonzero(np.isclose(x, left + 1.25))
        assert density[k] == pytest.approx(frequency / (total * 2.5), rel=1e-14)
    inside = (x > 160) & (x < 200)
    assert np.all(density[~inside] == 0)  # the zero padding of the course's wide grid


def test_heights_mean_and_spread_are_the_course_s():
    # the course fits a Gaussian to these data and finds μ ≈ 178.5 cm, σ ≈ 7.5 cm; the
    # histogram's own moments (midpoint rule) agree, and so does SciPy's least-squares fit
    from scipy.optimize import curve_fit
    from scipy.stats import norm

    x, density = mc.datasets.heights()
    mean = math.fsum(x * density * 2.5)
    sd = math.sqrt(math.fsum((x - mean) ** 2 * density * 2.5))
    assert mean == pytest.approx(178.5, abs=0.1)
    assert sd == pytest.approx(7.5, abs=0.1)
    (mu, sigma), _ = curve_fit(lambda t, m, s: norm.pdf(t, m, s), x, density, p0=[170, 10])
    assert mu == pytest.approx(178.5, abs=0.1) and sigma == pytest.approx(7.5, abs=0.1)


def test_heights_returns_fresh_arrays():
    x, density = mc.datasets.heights()
    x[:] = 0
    density[:] = 0
    x2, density2 = mc.datasets.heights()
    assert x2[0] == 51.25 and math.fsum(density2 * 2.5) == pytest.approx(1.0)


# --------------------------------------------------------------------------------------------
# read_csv, against Python's csv module (the oracle) and float()
# --------------------------------------------------------------------------------------------

NAMES = st.text(alphabet="abcxyz_", min_size=1, max_size=4)
CELLS = st.floats(allow_nan=False, allow_infinity=False).map(repr) | st.integers(
    -(10**6), 10**6
).map(str)


def oracle(text: str, wanted: list[str]) -> list[list[float]]:
    """The columns as Python's csv module and float() read them (blank rows skipped)."""
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    header = [c.strip() for c in rows[0]]
    return [[float(r[header.index(name)]) for r in rows[1:]] for name in wanted]


@given(
    st.lists(NAMES, min_size=1, max_size=4, unique=True).flatmap(
        lambda names: st.tuples(
            st.just(names),
            st.lists(st.lists(CELLS, min_size=len(names), max_size=len(names)), max_size=8),
            st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
            st.sampled_from(["\n", "\r\n"]),
            st.randoms(use_true_random=False),
        )
    )
)
def test_read_csv_agrees_with_the_csv_module(tmp_path_factory, case):
    names, rows, quoting, newline, rnd = case
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=quoting, lineterminator=newline)
    writer.writerow(names)
    for row in rows:
        writer.writerow(row)
        if rnd.random() < 0.2:
            buffer.write(newline)  # a blank line, skipped by both
    text = buffer.getvalue()
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    path.write_bytes(text.encode())
    wanted = rnd.sample(names, rnd.randint(1, len(names)))
    got = read_csv(path, wanted)
    want = oracle(text, wanted)
    assert len(got) == len(wanted)
    for column, expected in zip(got, want, strict=True):
        assert column.dtype == np.float64 and column.shape == (len(rows),)
        assert column.tolist() == expected  # exactly: the same decimal strings, the same floats


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_read_csv_strips_spaces_and_a_byte_order_mark_and_accepts_str_paths(tmp_path):
    path = write(tmp_path / "d.csv", "\ufeff x , y \n 1 , 2.5e1 \n-3,4\n", encoding="utf-8")
    x, y = read_csv(str(path), ["x", "y"])
    assert x.tolist() == [1.0, -3.0] and y.tolist() == [25.0, 4.0]


@pytest.mark.parametrize(
    ("text", "columns", "fragment"),
    [
        ("x,y,x\n1,2,3\n", ["y"], "the header names 'x' more than once"),
        ("x,y\n1,2\n3,abc\n", ["x", "y"], "line 3, column 'y': 'abc' is not a number"),
        ("x,y\n\n1,2\n\n3,nan\n", ["x", "y"], "line 5, column 'y': 'nan' is not finite"),
        ("x,y\n1,-inf\n", ["y"], "line 2, column 'y': '-inf' is not finite"),
        ("x,y\n1\n", ["x", "y"], "line 2, column 'y': '' is not a number"),
        ("x,y\n1,2\n", ["z"], "no column 'z'; the columns are x, y"),
        ("\n \n", ["x"], "the file is empty"),
        ("x\n" + "1" * 200_000 + "\n", ["x"], "not a valid CSV file"),  # csv's field limit
    ],
)
def test_read_csv_refuses_bad_files_naming_file_line_and_column(tmp_path, text, columns, fragment):
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(ValueError, match=r"bad\.csv") as info:
        read_csv(path, columns)
    assert fragment in str(info.value)


def test_read_csv_line_numbers_are_the_file_s_own_after_a_multi_line_cell(tmp_path):
    path = write(tmp_path / "d.csv", 'note,x\n"two\nlines",1\nok,zz\n')
    with pytest.raises(ValueError, match="line 4, column 'x': 'zz' is not a number"):
        read_csv(path, ["x"])


def test_read_csv_refuses_missing_unreadable_and_oversized_files(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="no such file"):
        read_csv(tmp_path / "nope.csv", ["x"])
    with pytest.raises(ValueError, match="cannot read"):
        read_csv(tmp_path, ["x"])  # a directory
    latin = write(tmp_path / "latin.csv", "x\n1\n\xe9\n", encoding="latin-1")
    with pytest.raises(ValueError, match="cannot read"):
        read_csv(latin, ["x"])
    monkeypatch.setattr(mc.datasets, "CSV_LIMIT", 64)
    big = write(tmp_path / "big.csv", "x\n" + "1\n" * 40)
    with pytest.raises(ValueError, match="larger than"):
        read_csv(big, ["x"])
    small = write(tmp_path / "small.csv", "x\n" + "1\n" * 20)
    assert read_csv(small, ["x"])[0].tolist() == [1.0] * 20


@pytest.mark.parametrize(
    ("path", "columns", "error", "fragment"),
    [
        (3, ["x"], TypeError, "path"),
        ("d.csv", "x", TypeError, "columns"),
        ("d.csv", [1], TypeError, "columns"),
        ("d.csv", [], ValueError, "columns"),
    ],
)
def test_read_csv_checks_its_arguments(path, columns, error, fragment):
    with pytest.raises(error, match=fragment):
        read_csv(path, columns)
