"""Taylor series: approximating a function by a polynomial, and knowing how good that is.

.. math:: f(x) ≈ \\sum_{k=0}^{n} \\frac{f^{(k)}(x_0)}{k!} (x - x_0)^k ,
          \\qquad |R_n(x)| \\le \\frac{\\max_ξ |f^{(n+1)}(ξ)|}{(n+1)!} |x - x_0|^{n+1}

Maths text and SymPy expressions give exact coefficients and a polynomial; for them the Lagrange
remainder bound is rigorous, because max |f⁽ⁿ⁺¹⁾| over the interval is bounded by interval
arithmetic with outward rounding (on many sub-intervals, so the bound is also tight). Python
callables give numeric coefficients by nested forward-mode automatic differentiation. In several
variables the series stops at order 2: the linearisation f(x₀) + ∇f·Δx and the quadratic
approximation that adds ½ Δxᵀ H Δx.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy
from numpy.typing import ArrayLike, NDArray

from mvcalc import _budget, _functions, _interval
from mvcalc._validate import nonnegative_int, positive_int

__all__ = ["MAX_ORDER", "RemainderBound", "TaylorSeries", "taylor"]

FloatArray = NDArray[np.float64]
MAX_ORDER = 100  # order of a series of maths text in one variable
_MAX_CALLABLE_ORDER = 10  # nested AD costs about 2^order operations per operation of f
_MAX_SUBINTERVALS = 100_000  # pieces of remainder_bound's interval arithmetic
_MAX_TERMS = 200  # terms of radius_of_convergence's series


@dataclass(frozen=True)
class RemainderBound:
    """The Lagrange bound on |f − Pₙ| over an interval, with the actual error beside it.

    Attributes
    ----------
    bound : float
        max |f⁽ⁿ⁺¹⁾| / (n+1)! · max |x − x₀|ⁿ⁺¹ over the interval (``inf`` if f⁽ⁿ⁺¹⁾ is
        unbounded there, e.g. across a singularity).
    actual : float
        The largest |f(x) − Pₙ(x)| found on a fine grid of the interval (≤ the true maximum).
    derivative_bound : float
        The bound used for max |f⁽ⁿ⁺¹⁾(ξ)|, ξ between x₀ and the interval.
    rigorous : bool
        True when the derivative bound comes from interval arithmetic (symbolic input); False
        for callables, where it is the maximum on a grid (an estimate, not a guarantee).
    interval : tuple of float
    """

    bound: float
    actual: float
    derivative_bound: float
    rigorous: bool
    interval: tuple[float, float]


class TaylorSeries:
    """The Taylor polynomial of f about x₀ (made by :func:`taylor`).

    Attributes
    ----------
    x0 : float or ndarray
    order : int
    coefficients : list of sympy numbers (symbolic input) or ndarray (callables); 1-D only
        c_k, the coefficient of (x − x₀)^k — in powers of (x − x₀), not of x.
    centered_polynomial : sympy.Expr or None
        The polynomial in powers of (x − x₀), for symbolic input.
    polynomial : sympy.Expr or None
        The polynomial, for symbolic input, multiplied out in powers of x itself (SymPy's
        canonical form: ``e·x³/6 + e·x/2 + e/3`` for eˣ about 1, order 3). Its coefficients
        are therefore not ``coefficients`` unless x₀ = 0; :attr:`centered_polynomial` is the
        same polynomial as the course writes it, in powers of (x − x₀).
    gradient, hessian : ndarray or None
        ∇f(x₀) and H(x₀) in several variables (order ≥ 1 and ≥ 2).
    variables : list of str
    """

    def __init__(
        self,
        *,
        x0: Any,
        order: int,
        f: Callable[..., Any],
        value: float,
        coefficients: Any = None,
        polynomial: sympy.Expr | None = None,
        gradient: FloatArray | None = None,
        hessian: FloatArray | None = None,
        expression: sympy.Expr | None = None,
        variables: list[str] | None = None,
        floats: Any = None,
        centered: sympy.Expr | None = None,
    ) -> None:
        self.x0 = x0
        self.order = order
        self.f = f
        self.value = value
        self.coefficients = coefficients
        self.polynomial = polynomial
        self._centered = centered
        self.gradient = gradient
        self.hessian = hessian
        self.expression = expression
        self.variables = variables or []
        if coefficients is None:
            self._floats = None
        elif floats is not None:  # the exact coefficients, rounded and checked by the caller
            self._floats = np.asarray(floats, dtype=np.float64)
        else:
            self._floats = np.array([float(c) for c in coefficients])

    @property
    def multivariate(self) -> bool:
        return self.gradient is not None or (self.coefficients is None)

    @property
    def centered_polynomial(self) -> sympy.Expr | None:
        """The polynomial in powers of (x − x₀), as the course writes it; None for callables.

        In one variable, Σ c_k (x − x₀)^k with c_k = :attr:`coefficients`; in several,
        f(x₀) + Σ ∂ᵢf (xᵢ − x₀ᵢ) + ½ Σ ∂ᵢ∂ⱼf (xᵢ − x₀ᵢ)(xⱼ − x₀ⱼ). The terms are kept apart
        (SymPy would otherwise multiply 2·(x − 1) out); ``sympy.expand`` of it gives
        :attr:`polynomial`.

        Examples
        --------
        >>> import mvcalc as mc
        >>> p = mc.taylor("exp(x)", 1, 3)
        >>> p.polynomial                    # multiplied out, in powers of x
        E*x**3/6 + E*x/2 + E/3
        >>> p.centered_polynomial           # in powers of (x - 1): the coefficients E, E, E/2, E/6
        E*(x - 1)**3/6 + E*(x - 1)**2/2 + E*(x - 1) + E
        >>> mc.taylor("x**2*y", [1, 2], 1).centered_polynomial
        4*(x - 1) + (y - 2) + 2
        """
        return self._centered

    def __repr__(self) -> str:
        where = np.array2string(np.asarray(self.x0)) if self.multivariate else f"{self.x0}"
        shown = f", polynomial={self.polynomial}" if self.polynomial is not None else ""
        return f"TaylorSeries(x0={where}, order={self.order}{shown})"

    def __call__(self, x: ArrayLike) -> Any:
        """Evaluate the approximation (vectorised; in n-D, x has shape (..., n)).

        Examples
        --------
        >>> import mvcalc as mc
        >>> p = mc.taylor("exp(x)", 0, 3)
        >>> float(p(1.0))        # 1 + 1 + 1/2 + 1/6
        2.6666666666666665
        """
        xa = np.asarray(x, dtype=np.float64)
        if not self.multivariate:
            assert self._floats is not None
            d = xa - float(self.x0)
            total = np.zeros_like(d) + self._floats[-1]
            for c in self._floats[-2::-1]:  # Horner: c0 + d(c1 + d(c2 + ...))
                total = total * d + c
            return float(total) if total.ndim == 0 else total
        x0 = np.asarray(self.x0, dtype=np.float64)
        if xa.shape[-1:] != x0.shape:
            raise ValueError(f"x must have shape (..., {x0.size}), got {xa.shape}")
        d = xa - x0
        out = np.full(d.shape[:-1], self.value)
        if self.order >= 1 and self.gradient is not None:
            out = out + d @ self.gradient
        if self.order >= 2 and self.hessian is not None:
            out = out + 0.5 * np.einsum("...i,ij,...j->...", d, self.hessian, d)
        return float(out) if out.ndim == 0 else out

    def remainder_bound(
        self, a: float, b: float, *, subintervals: int = 256, time_limit: float | None = None
    ) -> RemainderBound:
        """Bound |f(x) − Pₙ(x)| for x in [a, b] by Lagrange's remainder, and measure it.

        Parameters
        ----------
        a, b : float
            The interval (a < b).
        subintervals : int, optional
            The hull of [a, b] and x₀ is cut into this many pieces (at most 100 000); interval
            arithmetic on each keeps the rigorous bound close to the true maximum.
        time_limit : float, optional
            Seconds the symbolic work (f⁽ⁿ⁺¹⁾ and its bound) may take; see
            :func:`mvcalc.symbolic.time_limit`.

        Returns
        -------
        RemainderBound

        Examples
        --------
        >>> import mvcalc as mc
        >>> r = mc.taylor("exp(x)", 0, 4).remainder_bound(0, 1)
        >>> r.rigorous, r.actual <= r.bound, round(r.bound, 6)    # e/5! ≈ 0.022652
        (True, True, 0.022652)
        """
        if self.multivariate:
            raise ValueError("remainder_bound is for functions of one variable")
        a, b = float(a), float(b)
        if not (math.isfinite(a) and math.isfinite(b) and a < b):
            raise ValueError(f"a and b must be finite with a < b, got {a}, {b}")
        subintervals = positive_int(subintervals, "subintervals")
        if subintervals > _MAX_SUBINTERVALS:
            raise ValueError(
                f"subintervals must be at most {_MAX_SUBINTERVALS}, got {subintervals}"
            )
        n = self.order
        x0 = float(self.x0)
        # one float further out each way: x0 as a float may differ from the exact x0 by rounding
        lo, hi = math.nextafter(min(a, x0), -math.inf), math.nextafter(max(b, x0), math.inf)
        if self.expression is not None:
            from mvcalc.symbolic import _cheap

            symbol = sympy.Symbol(self.variables[0])
            m, supported = _budget.run(
                _derivative_bound, self.expression, symbol, n + 1, lo, hi, subintervals,
                time_limit=time_limit, cheap=_cheap([self.expression], n + 1),
            )  # fmt: skip
            rigorous = supported
            if not supported:
                m = self._grid_derivative_max(lo, hi)
        else:
            m, rigorous = self._grid_derivative_max(lo, hi), False
        reach = max(abs(a - x0), abs(b - x0))
        if math.isfinite(m):  # widened by the rounding of the n + 3 operations
            bound = m / math.factorial(n + 1) * reach ** (n + 1) * (1 + 4 * (n + 3) * _interval.EPS)
        else:
            bound = math.inf
        grid = np.linspace(a, b, 4001)
        with np.errstate(all="ignore"):
            errors = np.abs(np.asarray(self.f(grid), dtype=np.float64) - self(grid))
        actual = float(np.nanmax(errors)) if np.any(np.isfinite(errors)) else math.inf
        return RemainderBound(bound=float(bound), actual=actual, derivative_bound=float(m),
                              rigorous=rigorous, interval=(a, b))  # fmt: skip

    def _grid_derivative_max(self, lo: float, hi: float) -> float:
        """max |f⁽ⁿ⁺¹⁾| over 201 points of [lo, hi] (an estimate, not a bound; ``inf`` where it is
        not finite), by nested forward mode. For f that acts element by element on an array (its
        Jacobian at three points is diagonal), all the points go through at once — at order 10
        that is 2 s instead of minutes; otherwise one point at a time."""
        from mvcalc.autodiff import jacobian, jvp

        grid = np.linspace(lo, hi, 201)
        k = self.order + 1
        values: NDArray[np.float64] | None = None
        try:
            with np.errstate(all="ignore"):
                first = np.asarray(jacobian(self.f, mode="forward")(grid[[0, 100, 200]]), float)
            if first.shape == (3, 3) and not np.any(first[~np.eye(3, dtype=bool)]):
                g: Callable[..., Any] = self.f
                for _ in range(k):  # the derivative of each element: the Jacobian times ones
                    g = functools.partial(_along_ones, g, jvp)
                with np.errstate(all="ignore"):
                    values = np.abs(np.asarray(g(grid), dtype=np.float64)).reshape(grid.shape)
        except (TypeError, ValueError, IndexError):
            values = None  # f takes one number at a time
        if values is None:
            one: Callable[..., Any] = self.f
            for _ in range(k):  # one input: forward mode is its best
                one = jacobian(one, mode="forward")
            with np.errstate(all="ignore"):
                values = np.array([abs(float(one(t))) for t in grid])
        return float(np.max(values)) if np.all(np.isfinite(values)) else math.inf

    def radius_of_convergence(self, terms: int = 40, *, time_limit: float | None = None) -> float:
        """An estimate of the radius of convergence from the root test on the coefficients.

        Uses |c_k|^(−1/k) over the last coefficients of a series of ``terms`` terms (symbolic
        input only; 2 to 200 terms), extrapolated to k → ∞ as for coefficients
        C·k^p / R^k (exact for them); ``inf`` when they vanish, as for polynomials and entire
        functions whose coefficients fall faster than any geometric sequence. SymPy's series
        runs under the time limit (``time_limit``, seconds; see
        :func:`mvcalc.symbolic.time_limit`).

        Examples
        --------
        >>> import mvcalc as mc
        >>> round(mc.taylor("1/(1-x)", 0, 3).radius_of_convergence(), 6)
        1.0
        >>> round(mc.taylor("log(1+x)", 0, 3).radius_of_convergence(), 6)
        1.0
        >>> round(mc.taylor("sqrt(x)", 4, 2).radius_of_convergence(), 2)   # 4, to the branch point
        4.0
        """
        if self.expression is None or self.multivariate:
            raise ValueError("radius_of_convergence needs a symbolic function of one variable")
        terms = positive_int(terms, "terms")
        if not 2 <= terms <= _MAX_TERMS:
            raise ValueError(f"terms must be between 2 and {_MAX_TERMS}, got {terms}")
        symbol = sympy.Symbol(self.variables[0])
        x0 = sympy.Rational(Fraction(repr(float(self.x0))))
        coefficients = _budget.run(_series_magnitudes, self.expression, symbol, x0, terms,
                                   time_limit=time_limit)  # fmt: skip
        tail = [(k, c) for k, c in enumerate(coefficients) if k >= terms // 2 and c > 0]
        if not tail:
            return math.inf
        estimates = [c ** (-1.0 / k) for k, c in tail]
        if estimates[-1] > 1.5 * estimates[0]:  # still growing like (k!)^(1/k): entire
            return math.inf
        # the root test converges slowly: for |c_k| ≈ C·k^p / R^k (poles and branch points),
        # log |c_k|^(-1/k) = log R − (log C)/k − p·(log k)/k exactly, so a least-squares fit on
        # 1, 1/k and (log k)/k extrapolates the last estimates to k → ∞
        ks = np.array([k for k, _ in tail], dtype=float)
        basis = np.column_stack([np.ones_like(ks), 1 / ks, np.log(ks) / ks][: min(3, ks.size)])
        fit = np.linalg.lstsq(basis, np.log(estimates), rcond=None)[0]
        radius = float(np.exp(fit[0]))
        return radius if radius < 1e6 else math.inf


_NotBounded = _interval.NotBounded  # the derivative is unbounded there (a pole, a domain edge)


class _Unsupported(Exception):
    """The expression uses a function the interval evaluator does not know."""


def _derivative_bound(
    expression: sympy.Expr, x: sympy.Symbol, k: int, lo: float, hi: float, pieces: int
) -> tuple[float, bool]:
    """A rigorous bound of |f⁽ᵏ⁾| on [lo, hi] and True; or (nan, False) when the interval
    evaluator does not know a function of f⁽ᵏ⁾ (the caller then estimates on a grid)."""
    real = _real_twin(x)  # x is real here: d|x|/dx = sign(x), not re/im parts
    derivative = sympy.diff(expression.xreplace({x: real}), real, k)
    try:
        return _max_abs_on(derivative, real, lo, hi, pieces), True
    except (_NotBounded, OverflowError, ZeroDivisionError, ValueError):
        # a pole or a domain edge inside, or values beyond the range of floats (math's
        # OverflowError and ValueError): no finite bound is known, and inf is a true one
        return math.inf, True
    except _Unsupported:
        return math.nan, False


def _series_magnitudes(
    expression: sympy.Expr, x: sympy.Symbol, x0: sympy.Expr, terms: int
) -> list[float]:
    """|c_k| for k < terms, of the series of ``expression`` about x0 (inf when beyond floats)."""
    shifted = expression.subs(x, x + x0)
    series = sympy.series(shifted, x, 0, terms).removeO()
    magnitudes = []
    for k in range(terms):
        value = sympy.N(abs(series.coeff(x, k)), 17)
        magnitudes.append(float(value) if value.is_Number and value.is_finite else math.inf)
    return magnitudes


def taylor(f: Any, x0: Any, order: int, *, time_limit: float | None = None) -> TaylorSeries:
    """The Taylor series of f about x₀, to the given order.

    Parameters
    ----------
    f : str, sympy.Expr or callable
        Maths text or a SymPy expression (exact coefficients, a polynomial and rigorous remainder
        bounds), or a function written with NumPy (numeric coefficients by automatic
        differentiation).
    x0 : float or array_like
        The expansion point; a vector for a function of several variables (in alphabetical
        order of the variables, for text).
    order : int
        ≥ 0; at most 100 (:data:`MAX_ORDER`) for maths text in one variable, at most 2 in
        several variables (order 1 is the linearisation), and at most 10 for callables of one
        variable.
    time_limit : float, optional
        Seconds the symbolic work may take (default: see :func:`mvcalc.symbolic.time_limit`).

    Returns
    -------
    TaylorSeries

    Raises
    ------
    ValueError
        For an order over its bound, an x₀ that is not a real number, and when f or a
        coefficient is undefined, not real or beyond the range of a float at x₀ ("f overflows
        at x = 0: …").
    TooCostly
        If the symbolic work takes longer than the time limit (a ``ValueError``).

    Examples
    --------
    >>> import mvcalc as mc
    >>> p = mc.taylor("exp(x)", 0, 4)
    >>> p.polynomial
    x**4/24 + x**3/6 + x**2/2 + x + 1
    >>> p.coefficients
    [1, 1, 1/2, 1/6, 1/24]
    >>> q = mc.taylor("sqrt(x)", 4, 2)     # about x0 = 4: coefficients of (x - 4)^k
    >>> q.coefficients, q.centered_polynomial
    ([2, 1/4, -1/64], -(x - 4)**2/64 + (x - 4)/4 + 2)
    >>> q.polynomial                       # the same polynomial, multiplied out
    -x**2/64 + 3*x/8 + 3/4
    >>> q = mc.taylor("x**2*y", [1, 2], 2)
    >>> q.gradient, q.hessian
    (array([4., 1.]), array([[4., 2.],
           [2., 0.]]))
    """
    order = nonnegative_int(order, "order")
    if isinstance(f, str | sympy.Expr):
        if order > MAX_ORDER:
            raise ValueError(f"order must be at most {MAX_ORDER} for maths text, got {order}")
        return _symbolic_taylor(f, x0, order, time_limit)
    if not callable(f):
        raise TypeError(f"f must be maths text, a SymPy expression or callable, got {f!r}")
    return _numeric_taylor(f, x0, order)


def _exact(value: Any, name: str) -> sympy.Expr:
    if isinstance(value, str):
        from mvcalc import symbolic

        parsed = symbolic.parse(value)
        if parsed.free_symbols or not parsed.is_real:
            raise ValueError(f"{name} must be a real number, got {value!r}")
        return parsed
    if isinstance(value, sympy.Expr) and value.is_number:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if isinstance(value, int | np.integer):
        return sympy.Integer(int(value))
    fraction = Fraction(repr(float(value)))  # the decimal as written: 0.1 is 1/10
    return sympy.Rational(fraction.numerator, fraction.denominator)


def _small(values: list[sympy.Expr]) -> bool:
    """Rational values of at most six digits: substituting them is surely quick."""
    return all(v.is_Rational and max(abs(int(v.p)), int(v.q)) < 10**6 for v in values)


def _symbolic_taylor(f: Any, x0: Any, order: int, time_limit: float | None) -> TaylorSeries:
    from mvcalc import symbolic
    from mvcalc._numeric import numeric_function, real_float

    expr = symbolic.parse(f) if isinstance(f, str) else f
    symbols = sorted(expr.free_symbols, key=str)
    points = np.atleast_1d(np.asarray(x0, dtype=object))
    if points.ndim != 1:
        raise ValueError(f"x0 must be a number or a 1-D list, got shape {points.shape}")
    if len(symbols) > 1 or points.size > 1:
        if points.size != max(len(symbols), 1):
            names = ", ".join(map(str, symbols))
            raise ValueError(f"x0 must give one value per variable ({names}), got {points.size}")
        if order > 2:
            raise ValueError(f"order must be at most 2 in several variables, got {order}")
        exact = [_exact(v, "x0") for v in points]
        cheap = _small(exact) and symbolic._cheap([expr], order, len(symbols) ** order)
        value, g, h, polynomial, centered = _budget.run(
            _taylor_several, expr, symbols, exact, order, time_limit=time_limit, cheap=cheap
        )
        numeric = numeric_function(expr, symbols)
        return TaylorSeries(
            x0=np.array([real_float(v, "x0") for v in exact]), order=order,
            f=lambda v: numeric(*np.moveaxis(np.asarray(v, dtype=float), -1, 0)),
            value=value, polynomial=polynomial, gradient=g, hessian=h, expression=expr,
            variables=[str(s) for s in symbols], centered=centered,
        )  # fmt: skip
    x = symbols[0] if symbols else sympy.Symbol("x")
    a = _exact(points[0], "x0")
    cheap = _small([a]) and symbolic._cheap([expr], order)
    coefficients, floats, polynomial = _budget.run(_taylor_one, expr, x, a, order,
                                                   time_limit=time_limit, cheap=cheap)  # fmt: skip
    return TaylorSeries(
        x0=real_float(a, "x0"), order=order, f=numeric_function(expr, [x]), value=floats[0],
        coefficients=coefficients, polynomial=polynomial, expression=expr, variables=[str(x)],
        floats=floats, centered=_centered_sum(coefficients, x, a),
    )  # fmt: skip


def _checked_polynomial(polynomial: sympy.Expr, where: str) -> sympy.Expr:
    """The expanded polynomial, refused if its numbers are too large to show or use."""
    from mvcalc.symbolic import MAX_VALUE_DIGITS

    limit = 10**MAX_VALUE_DIGITS
    for node in sympy.preorder_traversal(polynomial):
        if node.is_Rational and max(abs(int(node.p)), int(node.q)) > limit:
            raise ValueError(
                f"the Taylor polynomial about {where} has numbers of more than "
                f"{MAX_VALUE_DIGITS} digits; choose a lower order or a simpler point"
            )
    return polynomial


def _along_ones(g: Callable[..., Any], jvp: Callable[..., Any], x: Any) -> Any:
    """d/dx of an element-by-element g at every element of x: its Jacobian times a vector of
    ones (the Jacobian is diagonal)."""
    return jvp(g, x, np.ones_like(x))[1]


def _real_twin(x: sympy.Symbol) -> sympy.Symbol:
    """x as a real symbol of the same name (d|x|/dx = sign(x)). A Symbol, not a Dummy: the same
    one each call, so that SymPy's cache remembers the derivatives of an expression already
    seen (dragging x₀ differentiates the same f again and again)."""
    return sympy.Symbol(x.name, real=True)


def _taylor_one(
    expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, order: int
) -> tuple[list[sympy.Expr], list[float], sympy.Expr]:
    """The exact coefficients c_k = f⁽ᵏ⁾(a)/k!, the same as floats, and the polynomial."""
    from mvcalc._numeric import real_float, shown
    from mvcalc.symbolic import substitute

    where = f"{x} = {shown(a)}"
    coefficients = []
    real = _real_twin(x)  # x is real: d|x|/dx = sign(x), not re/im parts
    derivative = expr.xreplace({x: real})
    for k in range(order + 1):
        coefficients.append(substitute(derivative, {real: a}, where) / sympy.factorial(k))
        if k < order:
            derivative = sympy.diff(derivative, real)
    for c in coefficients:
        if c.has(sympy.zoo, sympy.nan) or not c.is_finite:
            raise ValueError(f"f is not differentiable {order} times at x0 = {a}")
    floats = [real_float(c, "f" if k == 0 else f"the Taylor coefficient c{k} of f", where)
              for k, c in enumerate(coefficients)]  # fmt: skip
    polynomial = sum((c * (x - a) ** k for k, c in enumerate(coefficients)), sympy.Integer(0))
    return coefficients, floats, _checked_polynomial(sympy.expand(polynomial), where)


def _taylor_several(
    expr: sympy.Expr, symbols: list[sympy.Symbol], exact: list[sympy.Expr], order: int
) -> tuple[float, FloatArray | None, FloatArray | None, sympy.Expr, sympy.Expr]:
    """f(x₀), ∇f(x₀) (order ≥ 1), H(x₀) (order 2) as floats, the polynomial multiplied out,
    and the same in powers of (xᵢ − x₀ᵢ)."""
    from mvcalc._numeric import real_float, shown
    from mvcalc.symbolic import substitute

    at = dict(zip(symbols, exact, strict=True))
    where = ", ".join(f"{s} = {shown(v)}" for s, v in at.items())
    value_exact = substitute(expr, at, where)
    polynomial = value_exact
    terms = [value_exact]  # the centred form, term by term
    value = real_float(value_exact, "f", where)
    gradient = hessian = None
    d = [s - v for s, v in at.items()]
    if order >= 1:
        first = [sympy.diff(expr, s) for s in symbols]
        g_exact = [substitute(df, at, where) for df in first]
        gradient = np.array([real_float(gi, f"∂f/∂{s}", where)
                             for gi, s in zip(g_exact, symbols, strict=True)])  # fmt: skip
        polynomial += sum(gi * di for gi, di in zip(g_exact, d, strict=True))
        terms += [_term(gi, di) for gi, di in zip(g_exact, d, strict=True)]
        if order >= 2:
            h_exact = [[substitute(sympy.diff(df, b), at, where) for b in symbols] for df in first]
            hessian = np.array([[real_float(h_exact[i][j], f"∂²f/∂{a}∂{b}", where)
                                 for j, b in enumerate(symbols)]
                                for i, a in enumerate(symbols)])  # fmt: skip
            polynomial += sympy.Rational(1, 2) * sum(
                h_exact[i][j] * d[i] * d[j]
                for i in range(len(symbols))
                for j in range(len(symbols))
            )
            for i in range(len(symbols)):  # ½ Hᵢᵢ dᵢ² and, for i < j, Hᵢⱼ dᵢ dⱼ (H symmetric)
                terms.append(_term(h_exact[i][i] / 2, d[i] ** 2))
                terms += [_term(h_exact[i][j], d[i] * d[j]) for j in range(i + 1, len(symbols))]
    checked = _checked_polynomial(sympy.expand(polynomial), where)
    return value, gradient, hessian, checked, _sum(terms)


def _term(c: sympy.Expr, power: sympy.Expr) -> sympy.Expr:
    """c·power with the power kept whole: SymPy would multiply 2·(x − 1) out to 2x − 2."""
    if c == 1:
        return power
    if c.is_Number and power.is_Add:
        return sympy.Mul(c, power, evaluate=False)
    return c * power


def _sum(terms: list[sympy.Expr]) -> sympy.Expr:
    """The sum of the non-zero terms, kept apart (an evaluated sum would merge 2 + (y − 2))."""
    kept = [t for t in terms if t != 0]
    if not kept:
        return sympy.Integer(0)
    return kept[0] if len(kept) == 1 else sympy.Add(*kept, evaluate=False)


def _centered_sum(coefficients: list[sympy.Expr], x: sympy.Symbol, x0: sympy.Expr) -> sympy.Expr:
    """Σ c_k (x − x₀)^k, with each power of (x − x₀) kept whole (not multiplied out)."""
    d = x - x0
    return _sum([_term(c, d**k) if k else c for k, c in enumerate(coefficients)])


def _numeric_taylor(f: Callable[..., Any], x0: Any, order: int) -> TaylorSeries:
    from mvcalc.autodiff import grad, hessian, jacobian

    try:
        point = np.asarray(x0, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"x0 must be a number or a 1-D array, got {x0!r}") from None
    if point.ndim > 1 or not np.all(np.isfinite(point)):
        raise ValueError(f"x0 must be a finite number or 1-D array, got {x0!r}")
    if point.ndim == 1:
        if order > 2:
            raise ValueError(f"order must be at most 2 in several variables, got {order}")
        value = float(np.asarray(f(point)))
        gradient = np.asarray(grad(f)(point), dtype=np.float64) if order >= 1 else None
        hess = np.asarray(hessian(f)(point), dtype=np.float64) if order >= 2 else None
        return TaylorSeries(x0=point, order=order, f=f, value=value, gradient=gradient,
                            hessian=hess)  # fmt: skip
    if order > _MAX_CALLABLE_ORDER:
        raise ValueError(
            f"order must be at most {_MAX_CALLABLE_ORDER} for a callable (each order doubles "
            f"the work of nested AD); give f as maths text for higher orders, got {order}"
        )
    coefficients: Any = []
    derivative: Callable[..., Any] = f
    try:
        for k in range(order + 1):  # c_k = f⁽ᵏ⁾(x₀)/k!, each derivative one more nesting of AD
            coefficients.append(float(np.asarray(derivative(float(point)))) / math.factorial(k))
            derivative = jacobian(derivative, mode="forward")  # one input: forward mode
    except TypeError as exc:  # AD cannot follow f (math.*, say): Cauchy's integral instead
        coefficients = _cauchy_coefficients(f, float(point), order, reason=str(exc))
    return TaylorSeries(x0=float(point), order=order, f=f, value=float(coefficients[0]),
                        coefficients=np.array(coefficients))  # fmt: skip


def _cauchy_coefficients(f: Callable[..., Any], x0: float, order: int, reason: str) -> FloatArray:
    """c_k = (1/2πi) ∮ f(z)/(z − x₀)^(k+1) dz on a circle of radius r, by the FFT.

    For f analytic in a disc of radius R > r the error falls like (r/R)^N (N = 64 points), far
    below finite differences; it needs f to accept complex input.
    """
    n_points, r = 64, 0.25 * max(1.0, abs(x0))
    z = x0 + r * np.exp(2j * np.pi * np.arange(n_points) / n_points)
    try:
        with np.errstate(all="ignore"):
            values = np.asarray(f(z))
    except TypeError:
        raise ValueError(
            "f: automatic differentiation cannot follow it "
            f"({reason}) and it does not accept complex input for Cauchy's integral; "
            "write it with NumPy functions or give it as maths text"
        ) from None
    if values.shape != z.shape or not np.iscomplexobj(values) or not np.all(np.isfinite(values)):
        raise ValueError(f"f: automatic differentiation cannot follow it ({reason}), and it does "
                         "not return finite complex values on a circle around x0")  # fmt: skip
    c = np.fft.fft(values) / n_points
    return np.array([c[k].real / r**k for k in range(order + 1)])


# ------------------------------------------------------------------------------------------
# Rigorous bounds on |f⁽ⁿ⁺¹⁾|: the interval extension of an expression (mvcalc._interval),
# each elementary function's rule read from the one table (mvcalc._functions)
# ------------------------------------------------------------------------------------------


def _max_abs_on(expr: sympy.Expr, x: sympy.Symbol, lo: float, hi: float, pieces: int) -> float:
    """A rigorous upper bound of |expr| for x in [lo, hi], over ``pieces`` sub-intervals."""
    evaluate = _compile(expr, x)  # walk the SymPy tree once, then evaluate it many times
    edges = np.linspace(lo, hi, pieces + 1) if hi > lo else np.array([lo, hi])
    best = 0.0
    for left, right in itertools.pairwise(edges):
        a, b = evaluate((float(left), float(right)))
        best = max(best, abs(a), abs(b))
    if not math.isfinite(best):
        raise _NotBounded
    return best


Interval = _interval.Interval


def _compile(e: sympy.Expr, x: sympy.Symbol) -> Callable[[Interval], Interval]:
    """The interval extension of ``e``: a function from an interval of x to one containing e."""
    if e == x:
        return lambda box: box
    if not e.free_symbols:
        if e.is_Number or e.is_NumberSymbol:
            value = _interval.constant(float(e))  # NotBounded for oo, zoo, nan
            return lambda box: value
    elif x not in e.free_symbols:
        raise _Unsupported(f"other variables: {e.free_symbols}")
    if isinstance(e, sympy.DiracDelta):  # from the derivatives of sign and abs
        (inner, *_) = [_compile(a, x) for a in e.args[:1]]
        return lambda box: _interval.dirac_delta(*inner(box))
    if e.is_Pow and not e.args[1].is_Rational:
        # b^g = exp(g ln b): real for b > 0 (the log rule refuses the rest)
        return _compile(sympy.exp(e.args[1] * sympy.log(e.args[0]), evaluate=False), x)
    parts = [_compile(a, x) for a in e.args]
    if e.is_Add:
        return lambda box: _interval.add([p(box) for p in parts])
    if e.is_Mul:
        return lambda box: _interval.mul([p(box) for p in parts])
    if e.is_Pow:
        base, exponent = parts[0], sympy.Rational(e.args[1])
        p, q = int(exponent.p), int(exponent.q)
        return lambda box: _interval.power(base(box), p, q)
    entry = _functions.by_sympy().get(e.func)
    if entry is None or entry.interval is None or len(parts) != 1:
        raise _Unsupported(str(e.func))
    rule = entry.interval
    (inner,) = parts
    return lambda box: rule(*inner(box))
