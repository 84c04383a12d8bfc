"""Comparing a learner's answer with the verified one, and saying what is wrong in words.

:func:`compare` turns "the numbers differ" into feedback a learner can act on: the shape expected;
a transposed result; a wrong sign; a constant factor (a missing 1/N); one of the mistakes the
check names because it computed what that mistake would give (a missing σ′ factor); otherwise the
largest difference and where. :func:`call` runs the learner's function and reports an exception
in one line with the line of their code it came from.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from mvcalc.exercises import Verdict, describe

__all__ = ["LearnerError", "call", "compare", "verified_helpers"]


class LearnerError(Exception):
    """The learner's function raised, or returned something that is not numbers."""


def call(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` with copies of the arguments (so that a learner's function that
    changes its inputs in place — an array, or an array inside a list such as ``W`` — cannot
    change the check's), its exception turned into :class:`LearnerError` with a one-line
    description.

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.exercises._feedback import LearnerError, call
    >>> W = [np.zeros(2)]
    >>> def clobber(W):
    ...     W[0][:] = 1.0
    ...     return W[0].sum()
    >>> float(call(clobber, W)), float(W[0].sum())
    (2.0, 0.0)
    >>> try:
    ...     call(lambda: 1 / 0)
    ... except LearnerError as exc:
    ...     print(exc)
    raised ZeroDivisionError: division by zero
    """
    copies = [copy.deepcopy(a) if isinstance(a, np.ndarray | list | tuple | dict) else a
              for a in args]  # fmt: skip
    try:
        return function(*copies)
    except Exception as exc:
        raise LearnerError(describe(exc)) from exc


def _array(value: Any) -> np.ndarray | None:
    """``value`` as a float array, or None when it is not numbers (None, text, a ragged list)."""
    if value is None or isinstance(value, str | bytes):
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array


def _close(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> bool:
    scale = max(float(np.max(np.abs(want), initial=0.0)), 1e-300)
    return got.shape == want.shape and bool(np.all(np.abs(got - want) <= atol + rtol * scale))


def _shape(shape: tuple[int, ...]) -> str:
    """A shape in words a learner reads: ``(6, 1)``, or "a single number" for ``()``."""
    return "a single number" if shape == () else str(shape)


def compare(
    name: str,
    got: Any,
    want: Any,
    *,
    mistakes: Mapping[str, Any] | None = None,
    factors: Mapping[str, float] | None = None,
    shapes: Mapping[tuple[int, ...], str] | None = None,
    rtol: float = 1e-7,
    atol: float = 1e-12,
) -> Verdict:
    """The verdict on ``got`` against the verified ``want``.

    Parameters
    ----------
    name : str
        The exercise (the learner's function).
    got, want : array_like
        The learner's answer and the verified one.
    mistakes : mapping of str to array_like, optional
        Known wrong answers, each named by the mistake that gives it ("the σ′(z) factor is
        missing"); a match names the mistake. A wrong answer may have another shape than
        ``want`` (using a⁽ˡ⁾ where a⁽ˡ⁻¹⁾ belongs gives a square matrix).
    factors : mapping of str to float, optional
        Named constants (``{"N": 100}``): an answer off by one of them, or its inverse, says so
        ("is N times too large: is the 1/N missing?").
    shapes : mapping of shape to str, optional
        Known wrong shapes and what they mean ("the bias's Jacobian is a column: keep it with
        keepdims=True"), added to the message about the shape.
    rtol, atol : float, optional
        Tolerances, relative to the largest entry of ``want``.

    Returns
    -------
    Verdict

    Examples
    --------
    >>> import numpy as np
    >>> from mvcalc.exercises._feedback import compare
    >>> want = np.array([[1.0, 2.0, 3.0]])
    >>> compare("J_b1", want, want).ok
    True
    >>> compare("J_b1", want.T, want).feedback
    'returned the transpose: shape (3, 1), expected (1, 3)'
    >>> compare("J_b1", -want, want).feedback
    'has the wrong sign'
    >>> compare("J_b1", 100 * want, want, factors={"N": 100}).feedback
    'is N times too large (N = 100): is the 1/N missing?'
    >>> compare("J_b1", None, want).feedback
    'returned None (not written yet, or no return statement): expected an array of shape (1, 3)'
    >>> compare("J_b1", [1.0, 2.0, 4.0], want, shapes={(3,): "keep the row"}).feedback
    'returned shape (3,), expected (1, 3): keep the row'
    >>> compare("J_b1", [1.0, 2.0, 3.5], want).feedback
    'returned shape (3,), expected (1, 3)'
    >>> compare("J_b1", [[1.0, 2.0, 3.5]], want).feedback
    'largest difference 0.5 at index (0, 2): got 3.5, expected 3'
    """
    want_array = np.asarray(want, dtype=np.float64)
    expected = (
        "a single number" if want_array.shape == () else f"an array of shape {want_array.shape}"
    )
    got_array = _array(got)
    if got_array is None:
        if got is None:
            return Verdict(name, False, "returned None (not written yet, or no return "
                                        f"statement): expected {expected}")  # fmt: skip
        return Verdict(name, False, f"returned {type(got).__name__}, expected {expected}")
    hint = (shapes or {}).get(got_array.shape)
    if got_array.shape != want_array.shape:
        for mistake, wrong in (mistakes or {}).items():
            wrong_array = np.asarray(wrong, dtype=np.float64)
            if wrong_array.shape == got_array.shape and _close(got_array, wrong_array, rtol, atol):
                return Verdict(name, False, mistake)
        if (
            got_array.ndim == 2
            and got_array.T.shape == want_array.shape
            and _close(got_array.T, want_array, rtol, atol)
        ):
            return Verdict(name, False, f"returned the transpose: shape {got_array.shape}, "
                                        f"expected {want_array.shape}")  # fmt: skip
        if got_array.size == want_array.size and _close(
            got_array.reshape(want_array.shape), want_array, rtol, atol
        ):
            message = (f"has the right numbers in the wrong shape: {_shape(got_array.shape)}, "
                       f"expected {_shape(want_array.shape)}")  # fmt: skip
        else:
            message = (f"returned shape {_shape(got_array.shape)}, expected "
                       f"{_shape(want_array.shape)}")  # fmt: skip
        return Verdict(name, False, f"{message}: {hint}" if hint else message)
    if not np.all(np.isfinite(got_array)):
        return Verdict(name, False, "returned NaN or infinity")
    if _close(got_array, want_array, rtol, atol):
        return Verdict(name, True)
    for mistake, wrong in (mistakes or {}).items():
        wrong_array = np.asarray(wrong, dtype=np.float64)
        if wrong_array.shape == want_array.shape and _close(got_array, wrong_array, rtol, atol):
            return Verdict(name, False, mistake)
    if _close(-got_array, want_array, rtol, atol):
        return Verdict(name, False, "has the wrong sign")
    for label, factor in (factors or {}).items():
        if _close(got_array, factor * want_array, rtol, atol):
            return Verdict(name, False, f"is {label} times too large ({label} = {factor:g}): "
                                        f"is the 1/{label} missing?")  # fmt: skip
        if _close(got_array, want_array / factor, rtol, atol):
            return Verdict(name, False, f"is {label} times too small ({label} = {factor:g}): "
                                        f"is it divided by {label} twice?")  # fmt: skip
    difference = np.abs(got_array - want_array)
    where = np.unravel_index(int(np.argmax(difference)), difference.shape)
    at = f" at index {tuple(int(i) for i in where)}" if difference.ndim else ""
    return Verdict(
        name,
        False,
        f"largest difference {float(np.max(difference)):.3g}{at}: "
        f"got {float(got_array[where]):.6g}, expected {float(want_array[where]):.6g}",
    )


@contextlib.contextmanager
def verified_helpers(
    function: Callable[..., Any], helpers: Mapping[str, Callable[..., Any]]
) -> Iterator[None]:
    """While the block runs, the names ``helpers`` in ``function``'s globals are the verified
    versions, so that a check of ``function`` judges ``function`` alone.

    ``steepest_step`` may call the learner's ``d_chi_squared``, and ``J_W3`` their
    ``d_sigma``: a mistake there is the other exercise's, and its own check names it. Only
    names the learner's namespace already holds are swapped, and they are put back after.

    Examples
    --------
    >>> def helper():
    ...     return 1
    >>> def f():
    ...     return helper() + 1
    >>> with verified_helpers(f, {"helper": lambda: 10}):
    ...     f()
    11
    >>> f()
    2
    """
    scope = getattr(function, "__globals__", None)
    saved = {}
    if isinstance(scope, dict):
        saved = {name: scope[name] for name in helpers if name in scope}
        scope.update({name: helpers[name] for name in saved})
    try:
        yield
    finally:
        if isinstance(scope, dict):
            scope.update(saved)


def on_draws(name: str, draws: Iterable[Any], verdict: Callable[[Any], Verdict]) -> Verdict:
    """The first failing verdict over ``draws`` (labelled with the draw's ``label``), else ✓.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from mvcalc.exercises import Verdict
    >>> draws = [SimpleNamespace(label="the course's data", x=1), SimpleNamespace(label="", x=2)]
    >>> on_draws("f", draws, lambda d: Verdict("f", d.x < 2, "too large")).feedback
    'too large'
    """
    for d in draws:
        try:
            with np.errstate(all="ignore"):
                v = verdict(d)
        except LearnerError as exc:
            v = Verdict(name, False, str(exc))
        if not v.ok:
            return Verdict(name, False, f"{d.label}: {v.feedback}" if d.label else v.feedback)
    return Verdict(name, True)
