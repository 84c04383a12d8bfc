"""The derivative page: rise over run at a point, and how its error depends on the step h.

The exact slope is SymPy's derivative of the learner's function (:func:`mvcalc.symbolic.diff`);
the differences are :func:`mvcalc.derivative`'s, and the error against h is
:func:`mvcalc.calculus.step_size_study` with that exact slope.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from mvcalc.lab._api import Expression, expression, jsonable, number

__all__ = ["ACTIONS", "view"]

SAMPLES = 401  # points drawn along f
H_RANGE = (1e-16, 1.0)  # the step slider's ends
METHODS = ("forward", "central", "complex")


@lru_cache(maxsize=64)
def _slope_function(e: Expression) -> Callable[..., Any]:
    import sympy

    from mvcalc._numeric import numeric_function
    from mvcalc.symbolic import diff

    return numeric_function(diff(e.expr, "x"), [sympy.Symbol("x")], name="f'")


def view(body: dict[str, Any]) -> dict[str, Any]:
    """Everything the page draws for f, the point x and the step h.

    Parameters
    ----------
    body : dict
        ``f`` (maths text in x, default ``sin(x)``), ``x`` (default 1), ``h`` (default 0.5,
        from 1e-16 to 1), ``lo`` and ``hi`` (the x range drawn, default −3 and 3).

    Returns
    -------
    dict
        ``xs``, ``ys`` (f along the range), ``x``, ``fx``, ``h``, ``fxh`` (f(x + h)), ``secant``
        (rise over run), ``slope`` (the exact f′(x)), ``estimates`` (each method's value at h),
        ``study`` (``h``, ``errors`` per method, ``best_h``, ``theory_h``).

    Examples
    --------
    >>> answer = view({"f": "x^2", "x": 1, "h": 0.5})
    >>> answer["secant"], answer["slope"]
    (2.5, 2.0)
    >>> sorted(answer["study"]["errors"])
    ['central', 'complex step', 'forward']
    """
    from mvcalc.calculus import derivative, step_size_study

    e = expression(body, "f", ("x",), default="sin(x)")
    lo = number(body, "lo", -3.0)
    hi = number(body, "hi", 3.0)
    if not lo < hi:
        raise ValueError(f"lo must be below hi, got lo = {lo:g}, hi = {hi:g}")
    x = number(body, "x", 1.0, low=lo, high=hi)
    h = number(body, "h", 0.5, low=H_RANGE[0], high=H_RANGE[1])
    f = e.f
    with np.errstate(all="ignore"):
        xs = np.linspace(lo, hi, SAMPLES)
        ys = np.asarray(f(xs), dtype=float) * np.ones_like(xs)
        fx = float(f(x))
        fxh = float(f(x + h))
        if not np.isfinite(fx):
            raise ValueError(f"f is not defined at x = {x:.6g}: choose another point")
        slope = float(_slope_function(e)(x))
        if not np.isfinite(slope):
            raise ValueError(f"f has no derivative at x = {x:.6g}: choose another point")
        study = step_size_study(f, x, exact=slope, label=e.text)
        estimates: dict[str, float | None] = {}
        for method in METHODS:
            try:
                estimates[method] = float(derivative(f, x, method=method, h=h))
            except ValueError:  # a function NumPy cannot take complex: no complex step
                estimates[method] = None
    answer: dict[str, Any] = jsonable({
        "f": e.text,
        "xs": xs,
        "ys": ys,
        "x": x,
        "fx": fx,
        "h": h,
        "fxh": fxh,
        "secant": (fxh - fx) / h,
        "slope": slope,
        "estimates": estimates,
        "study": {
            "h": study.h,
            "errors": study.errors,
            "best_h": study.best_h,
            "theory_h": study.theory_h,
        },
    })  # fmt: skip
    return answer


ACTIONS = {"view": view}
