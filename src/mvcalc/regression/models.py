"""The models: the Gaussian with its analytic Jacobian, and the named models of ``mvcalc fit``.

Each named model (:func:`line`, :func:`exponential`, :func:`poly2`, :func:`scaled_gaussian`)
carries its exact Jacobian, its parameter names and a starting guess computed from the data;
:func:`model_from_text` makes one from a formula such as ``"a*exp(-b*x) + c"``.
:data:`KNOWN_JACOBIANS` maps these functions (and :func:`gaussian`) to their exact Jacobians;
:func:`mvcalc.fit` uses it when called without ``jac``. The look-up is by the
function itself, so a wrapper such as ``lambda x, m, s: mc.gaussian(x, m, s)`` is not found
there: it gets the default, automatic differentiation, which is exact too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mvcalc._validate import finite_float, identifier
from mvcalc.autodiff import Box, primal
from mvcalc.regression._common import FloatArray

__all__ = [
    "KNOWN_JACOBIANS",
    "MODEL_ALIASES",
    "NAMED_MODELS",
    "NamedModel",
    "exponential",
    "gaussian",
    "gaussian_jacobian",
    "line",
    "model_from_text",
    "poly2",
    "scaled_gaussian",
]

_SQRT_2PI = math.sqrt(2 * math.pi)


# ------------------------------------------------------------------------------------------------
# The Gaussian and its derivatives
# ------------------------------------------------------------------------------------------------


def gaussian(x: ArrayLike, mu: float, sigma: float) -> FloatArray:
    """The normal probability density with mean μ and standard deviation σ.

    .. math:: f(x; μ, σ) = \\frac{1}{σ\\sqrt{2π}} \\exp\\left(-\\frac{(x - μ)^2}{2σ^2}\\right)

    Parameters
    ----------
    x : array_like
    mu, sigma : float
        The mean and the standard deviation (σ ≠ 0; a fit may wander through negative σ, where
        the formula is still evaluated as written).

    Returns
    -------
    ndarray
        f evaluated element-wise, shaped like ``x``.

    See Also
    --------
    gaussian_jacobian : its analytic derivatives ∂f/∂μ and ∂f/∂σ.

    Notes
    -----
    :mod:`mvcalc.autodiff` differentiates through it (the checks apply to the values of its
    dual numbers), so a model that calls it gets an exact Jacobian from :func:`mvcalc.fit`.

    Examples
    --------
    >>> import mvcalc as mc
    >>> float(mc.gaussian(0.0, 0.0, 1.0))  # 1 / sqrt(2π)
    0.3989422804014327
    >>> dmu = mc.jacobian(lambda p: mc.gaussian(1.0, p[0], p[1]))([0.0, 1.0])[0]
    >>> bool(abs(dmu - float(mc.gaussian(1.0, 0.0, 1.0))) < 1e-15)   # ∂f/∂μ = f·(x − μ)/σ²
    True
    """
    if any(isinstance(v, Box) for v in (x, mu, sigma)):
        # differentiated by mvcalc.autodiff: check the values, evaluate the formula on the boxes
        _check_parameters(primal(mu), primal(sigma))
        dual: FloatArray = _gaussian(x, mu, sigma)  # a box, to AD
        return dual
    mu, sigma = _check_parameters(mu, sigma)
    return np.asarray(_gaussian(np.asarray(x, dtype=np.float64), mu, sigma))


def _check_parameters(mu: Any, sigma: Any) -> tuple[float, float]:
    mu = finite_float(mu, "mu")
    sigma = finite_float(sigma, "sigma")
    if sigma == 0:
        raise ValueError("sigma must be non-zero")
    return mu, sigma


def _gaussian(x: Any, mu: Any, sigma: Any) -> Any:
    """The formula, on arrays or on the dual numbers of :mod:`mvcalc.autodiff`."""
    u = (x - mu) / sigma
    return np.exp(-0.5 * u * u) / (sigma * _SQRT_2PI)


def gaussian_jacobian(x: ArrayLike, mu: float, sigma: float) -> FloatArray:
    """The derivatives of :func:`gaussian` with respect to its parameters.

    .. math:: \\frac{∂f}{∂μ} = f \\, \\frac{x - μ}{σ^2}, \\qquad
              \\frac{∂f}{∂σ} = f \\left(\\frac{(x - μ)^2}{σ^3} - \\frac{1}{σ}\\right)

    Parameters
    ----------
    x : array_like, shape (N,)
    mu, sigma : float

    Returns
    -------
    ndarray, shape (N, 2)
        Columns ∂f/∂μ and ∂f/∂σ.

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> J = mc.regression.gaussian_jacobian([1.0, 2.0], 1.0, 0.5)
    >>> J.shape
    (2, 2)
    >>> float(J[0, 0])      # ∂f/∂μ vanishes at the peak
    0.0
    """
    f = gaussian(x, mu, sigma)
    d = (np.asarray(x, dtype=np.float64) - mu).ravel()
    J = np.empty((d.size, 2))
    J[:, 0] = f.ravel() * d / sigma**2  # ∂f/∂μ = f (x − μ)/σ²
    J[:, 1] = f.ravel() * (d * d / sigma**3 - 1 / sigma)  # ∂f/∂σ = f ((x − μ)²/σ³ − 1/σ)
    return J


# Models whose exact Jacobians the project knows, used when fit() is called without ``jac``
# (looked up by identity: a wrapper of one of them gets automatic differentiation, also exact).
KNOWN_JACOBIANS: dict[Callable[..., Any], Callable[..., Any]] = {gaussian: gaussian_jacobian}


# ------------------------------------------------------------------------------------------------
# Named models for fitting a user's data (``mvcalc fit --model NAME``)
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedModel:
    """A model with its exact Jacobian, parameter names and a data-driven starting guess.

    Attributes
    ----------
    name : str
        How ``mvcalc fit --model`` calls it.
    formula : str
        The model in words, ``y = a·exp(b·x)``.
    function : callable
        ``function(x, *params)``, as :func:`mvcalc.fit` takes a model.
    jacobian : callable
        ``jacobian(x, *params)``: ∂f/∂p, shape (N, len(parameters)), exact.
    parameters : tuple of str
        The parameters' names, in the order ``function`` takes them.
    guess : callable
        ``guess(x, y)``: a starting point computed from the data.
    """

    name: str
    formula: str
    function: Callable[..., FloatArray]
    jacobian: Callable[..., FloatArray]
    parameters: tuple[str, ...]
    guess: Callable[[FloatArray, FloatArray], FloatArray]


def _plain(value: Any) -> Any:
    """A float array, unless automatic differentiation is following the model (a Box)."""
    return value if isinstance(value, Box) else np.asarray(value, dtype=np.float64)


def line(x: ArrayLike, slope: float, intercept: float) -> FloatArray:
    """The straight line y = slope·x + intercept (``mvcalc fit --model line``).

    Examples
    --------
    >>> from mvcalc.regression import line
    >>> line([0.0, 1.0, 2.0], 2.0, 1.0)
    array([1., 3., 5.])
    """
    result: FloatArray = _plain(slope * np.asarray(x, dtype=np.float64) + intercept)
    return result


def _line_jacobian(x: FloatArray, slope: float, intercept: float) -> FloatArray:
    return np.stack([x, np.ones_like(x)], axis=1)


def exponential(x: ArrayLike, a: float, b: float) -> FloatArray:
    """The exponential y = a·exp(b·x) (``mvcalc fit --model exponential``).

    Examples
    --------
    >>> from mvcalc.regression import exponential
    >>> exponential([0.0, 1.0], 2.0, 0.0)
    array([2., 2.])
    """
    result: FloatArray = _plain(a * np.exp(b * np.asarray(x, dtype=np.float64)))
    return result


def _exponential_jacobian(x: FloatArray, a: float, b: float) -> FloatArray:
    e = np.exp(b * x)
    return np.stack([e, a * x * e], axis=1)


def poly2(x: ArrayLike, a: float, b: float, c: float) -> FloatArray:
    """The quadratic y = a·x² + b·x + c (``mvcalc fit --model poly2``).

    Examples
    --------
    >>> from mvcalc.regression import poly2
    >>> poly2([0.0, 1.0, 2.0], 1.0, -2.0, 3.0)
    array([3., 2., 3.])
    """
    xa = np.asarray(x, dtype=np.float64)
    result: FloatArray = _plain((a * xa + b) * xa + c)
    return result


def _poly2_jacobian(x: FloatArray, a: float, b: float, c: float) -> FloatArray:
    return np.stack([x * x, x, np.ones_like(x)], axis=1)


def scaled_gaussian(x: ArrayLike, mu: float, sigma: float, area: float) -> FloatArray:
    """A Gaussian peak of a given area: y = area · :func:`gaussian` (x; μ, σ).

    The model of ``mvcalc fit --model scaled-gaussian`` (once called ``gaussian``, a name kept
    as an alias there): three parameters, where :func:`gaussian`, the normal density, has two.
    Fitted to counts in bins, ``area`` is the total count times the bin width.

    Examples
    --------
    >>> import mvcalc as mc
    >>> from mvcalc.regression import scaled_gaussian
    >>> float(scaled_gaussian(0.0, 0.0, 1.0, 10.0)) == 10 * float(mc.gaussian(0.0, 0.0, 1.0))
    True
    """
    result: FloatArray = area * gaussian(x, mu, sigma)
    return result


def _scaled_gaussian_jacobian(x: FloatArray, mu: float, sigma: float, area: float) -> FloatArray:
    return np.column_stack([area * gaussian_jacobian(x, mu, sigma), gaussian(x, mu, sigma)])


def _guess_line(x: FloatArray, y: FloatArray) -> FloatArray:
    fit = np.polyfit(x, y, 1) if np.ptp(x) > 0 else np.array([0.0, float(np.mean(y))])
    return np.asarray(fit, dtype=np.float64)


def _guess_exponential(x: FloatArray, y: FloatArray) -> FloatArray:
    # a straight line through log|y| when y keeps one sign, else a flat start
    if np.ptp(x) > 0 and (np.all(y > 0) or np.all(y < 0)):
        b, log_a = np.polyfit(x, np.log(np.abs(y)), 1)
        return np.array([np.sign(y[0]) * np.exp(log_a), b])
    return np.array([float(np.mean(y)) or 1.0, 0.0])


def _guess_poly2(x: FloatArray, y: FloatArray) -> FloatArray:
    if np.unique(x).size >= 3:
        return np.asarray(np.polyfit(x, y, 2), dtype=np.float64)
    return np.array([0.0, 0.0, float(np.mean(y))])


def _guess_gaussian(x: FloatArray, y: FloatArray) -> FloatArray:
    # the moments of y as a distribution over x, and its area by the trapezium rule
    weights = np.clip(y, 0, None)
    if weights.sum() > 0:
        mu = float(weights @ x / weights.sum())
        sigma = float(np.sqrt(weights @ (x - mu) ** 2 / weights.sum()))
    else:
        mu, sigma = float(np.mean(x)), float(np.std(x))
    sigma = sigma if sigma > 0 else 1.0
    order = np.argsort(x)
    area = float(np.trapezoid(y[order], x[order])) if x.size > 1 else float(y[0])
    return np.array([mu, sigma, area if area != 0 else 1.0])


#: The models of ``mvcalc fit --model NAME``, by name. ``"gaussian"`` is an alias of
#: ``"scaled-gaussian"`` (:data:`MODEL_ALIASES`), the same :class:`NamedModel`.
NAMED_MODELS: dict[str, NamedModel] = {
    "line": NamedModel("line", "y = slope·x + intercept", line, _line_jacobian,
                       ("slope", "intercept"), _guess_line),
    "scaled-gaussian": NamedModel(
        "scaled-gaussian", "y = area · exp(−(x − μ)²/2σ²) / (σ√(2π))", scaled_gaussian,
        _scaled_gaussian_jacobian, ("mu", "sigma", "area"), _guess_gaussian),
    "exponential": NamedModel("exponential", "y = a·exp(b·x)", exponential,
                              _exponential_jacobian, ("a", "b"), _guess_exponential),
    "poly2": NamedModel("poly2", "y = a·x² + b·x + c", poly2, _poly2_jacobian,
                        ("a", "b", "c"), _guess_poly2),
}  # fmt: skip
#: Old names of named models, kept working: alias → name.
MODEL_ALIASES: dict[str, str] = {"gaussian": "scaled-gaussian"}
NAMED_MODELS.update({alias: NAMED_MODELS[name] for alias, name in MODEL_ALIASES.items()})
KNOWN_JACOBIANS.update({m.function: m.jacobian for m in NAMED_MODELS.values()})


# ------------------------------------------------------------------------------------------------
# A model written as text: "a*exp(-b*x) + c"
# ------------------------------------------------------------------------------------------------


def model_from_text(text: str, variable: str = "x") -> NamedModel:
    """A model written as maths, such as ``"a*exp(-b*x) + c"``, read by the safe parser.

    Parameters
    ----------
    text : str
        The right-hand side of y = f(x; p), read by :func:`mvcalc.symbolic.parse` (never
        evaluated as Python).
    variable : str, optional
        The name of the independent variable (default ``"x"``); every other name in ``text``
        is a parameter.

    Returns
    -------
    NamedModel
        ``parameters``: the names other than ``variable``, in alphabetical order (the order of
        ``p0``); ``function(x, *params)``; ``jacobian`` exact, from SymPy's derivatives; and
        ``guess``, 1 for every parameter (there is no general way to guess from the data, so
        give your own start where you can).

    Raises
    ------
    ValueError
        If the parser refuses the text, ``variable`` does not appear in it, or it has no
        parameter.
    TypeError
        If ``text`` or ``variable`` is not a string.
    TooCostly
        If differentiating the formula takes longer than the time limit (a ``ValueError``).

    Examples
    --------
    >>> from mvcalc.regression import model_from_text
    >>> m = model_from_text("a*exp(-b*x) + c")
    >>> m.parameters
    ('a', 'b', 'c')
    >>> m.function([0.0, 1.0], 2.0, 0.0, 1.0)
    array([3., 3.])
    >>> m.jacobian([0.0], 2.0, 1.0, 1.0).tolist()     # ∂f/∂a, ∂f/∂b, ∂f/∂c at x = 0
    [[1.0, -0.0, 1.0]]
    """
    import sympy

    from mvcalc import symbolic
    from mvcalc._numeric import numeric_function

    variable = identifier(variable, "variable")
    expr = symbolic.parse(text)  # TypeError unless text is a string
    x = sympy.Symbol(variable)
    names = sorted((s for s in expr.free_symbols if s != x), key=str)
    if x not in expr.free_symbols:
        raise ValueError(f"model {text.strip()!r} has no {variable}: write it as a formula in "
                         f"{variable}, such as 'a*exp(-b*{variable}) + c'")  # fmt: skip
    if not names:
        raise ValueError(f"model must have a parameter to fit, a name other than {variable}; "
                         f"got {text!r}")  # fmt: skip
    symbols = [x, *names]
    value = numeric_function(expr, symbols, name="model")
    columns = [numeric_function(symbolic.diff(expr, p), symbols, name=f"∂model/∂{p}")
               for p in names]  # fmt: skip

    def function(xs: ArrayLike, *params: Any) -> FloatArray:
        xa = np.asarray(xs, dtype=np.float64)
        result: FloatArray = _plain(value(xa, *params) + np.zeros(xa.shape))
        return result

    def jacobian(xs: ArrayLike, *params: Any) -> FloatArray:
        xa = np.asarray(xs, dtype=np.float64).ravel()
        return np.stack([np.asarray(c(xa, *params) + np.zeros(xa.shape), dtype=np.float64)
                         for c in columns], axis=1)  # fmt: skip

    def guess(xs: FloatArray, ys: FloatArray) -> FloatArray:
        return np.ones(len(names))

    shown = sympy.sstr(expr)
    return NamedModel(text.strip(), f"y = {shown}", function, jacobian,
                      tuple(str(p) for p in names), guess)  # fmt: skip
