"""The data sets of the course."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mvcalc._validate import memory, nonnegative_int, positive_int

__all__ = ["SANDPIT_SCENARIOS", "SandpitSurface", "heart_curve", "heights", "sandpit_surface"]


def heart_curve(n: int = 100) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The heart-shaped curve the course's network learns to draw.

    With t = k/n for k = 0, ..., n−1 and s = 2πt,

    .. math:: X = 16 \\sin^3 s, \\qquad Y = 13 \\cos s - 5 \\cos 2s - 2 \\cos 3s - \\cos 4s,

    both divided by 20 and then mapped v → (v + 1)/2, which puts the curve inside the unit square
    where a sigmoid output layer can reach it.

    Parameters
    ----------
    n : int, optional
        The number of points (default 100, the course's).

    Returns
    -------
    x : ndarray, shape (1, n)
        The parameter t, one example per column.
    y : ndarray, shape (2, n)
        The points (X, Y) of the curve.

    Examples
    --------
    >>> import mvcalc as mc
    >>> x, y = mc.datasets.heart_curve()
    >>> x.shape, y.shape
    ((1, 100), (2, 100))
    >>> y[:, 0]                     # t = 0: X = 0, Y = (13 - 5 - 2 - 1)/20 = 0.25
    array([0.5  , 0.625])
    >>> bool((y >= 0).all() and (y <= 1).all())
    True
    """
    n = positive_int(n, "n")
    memory(8.0 * 6 * n, f"{n:,} points of the heart curve")
    t = np.arange(n) / n
    s = 2 * np.pi * t
    X = 16 * np.sin(s) ** 3
    Y = 13 * np.cos(s) - 5 * np.cos(2 * s) - 2 * np.cos(3 * s) - np.cos(4 * s)
    y = (np.vstack([X, Y]) / 20 + 1) / 2
    return t.reshape(1, n), y


# The course's histogram of adult heights: relative frequencies of the 17 non-empty bins of width
# 2.5 cm whose left edges are 160, 162.5, ..., 200 cm.
_HEIGHT_FREQUENCIES = (0.031, 0.013, 0.023, 0.064, 0.065, 0.126, 0.132, 0.127, 0.113,
                       0.091, 0.105, 0.050, 0.018, 0.018, 0.018, 0.001, 0.0)  # fmt: skip


def heights() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The course's histogram of adult heights, as a probability density.

    100 bins of width 2.5 cm with left edges 50, 52.5, ..., 297.5 cm. All are empty except the 17
    whose left edges are 160, 162.5, ..., 200 cm, which hold the relative frequencies of the
    course's data (0.031, 0.013, 0.023, 0.064, 0.065, 0.126, 0.132, 0.127, 0.113, 0.091, 0.105,
    0.050, 0.018, 0.018, 0.018, 0.001, 0). The frequencies are normalised to unit area (divided
    by their sum times the bin width), so the histogram can be compared with a probability
    density such as :func:`mvcalc.gaussian`.

    Returns
    -------
    x : ndarray, shape (100,)
        Bin centres in cm (left edge + 1.25).
    density : ndarray, shape (100,)
        Probability density per cm.

    Notes
    -----
    Source: the height-distribution assignment of Imperial College London's *Mathematics for
    Machine Learning: Multivariate Calculus* course (Coursera); the frequencies are the
    assignment's histogram, rounded to three decimals as it gives them. The zero padding from
    50 cm to 300 cm is the course's too: it puts the data on a wide, regular grid, so that a fit
    starting far from the data (μ = 155 cm) still sees the empty bins where the model must fall
    to zero.

    Examples
    --------
    >>> import numpy as np
    >>> import mvcalc as mc
    >>> x, density = mc.datasets.heights()
    >>> x[:3], float(x[-1])
    (array([51.25, 53.75, 56.25]), 298.75)
    >>> float(np.sum(density) * 2.5)   # unit area
    1.0
    """
    left = 50 + 2.5 * np.arange(100, dtype=np.float64)
    frequency = np.zeros(100)
    first = int((160 - 50) / 2.5)
    frequency[first : first + len(_HEIGHT_FREQUENCIES)] = _HEIGHT_FREQUENCIES
    density: NDArray[np.float64] = frequency / (frequency.sum() * 2.5)
    return left + 1.25, density


# ------------------------------------------------------------------------------------------
# The sandpit: hidden floors with exact depth, Jacobian and Hessian
# ------------------------------------------------------------------------------------------

SANDPIT_SCENARIOS = ("bowl", "multiple-minima", "rocks", "narrow-well")
SANDPIT_BOUNDS = ((-3.0, 3.0), (-2.0, 2.0))
"""The pit: x from −3 to 3 and y from −2 to 2 (metres, say)."""


@dataclass(frozen=True)
class _Well:
    """A Gaussian well f = −a exp(−q/2) with q = dᵀPd and d = (x, y) − centre.

    ∂f/∂(x, y) = a e^{−q/2} P d and ∂²f/∂(x, y)² = a e^{−q/2} (P − P d dᵀ P).
    """

    centre: tuple[float, float]
    depth: float
    precision: tuple[tuple[float, float], tuple[float, float]]

    def _parts(self, x: Any, y: Any) -> tuple[Any, Any, Any]:
        """a e^{−q/2}, (Pd)ₓ and (Pd)ᵧ."""
        (pxx, pxy), (_, pyy) = self.precision
        dx, dy = x - self.centre[0], y - self.centre[1]
        q = pxx * dx * dx + 2 * pxy * dx * dy + pyy * dy * dy
        return self.depth * np.exp(-q / 2), pxx * dx + pxy * dy, pxy * dx + pyy * dy

    def value(self, x: Any, y: Any) -> Any:
        return -self._parts(x, y)[0]

    def jacobian(self, x: Any, y: Any) -> list[Any]:
        scale, pdx, pdy = self._parts(x, y)
        return [scale * pdx, scale * pdy]

    def hessian(self, x: Any, y: Any) -> list[list[Any]]:
        scale, pdx, pdy = self._parts(x, y)
        (pxx, pxy), (_, pyy) = self.precision
        return [[scale * (pxx - pdx * pdx), scale * (pxy - pdx * pdy)],
                [scale * (pxy - pdx * pdy), scale * (pyy - pdy * pdy)]]  # fmt: skip


@dataclass(frozen=True)
class _Ripple:
    """A corrugation f = b sin(kₓx + kᵧy + φ): ∂f = b cos(·) k, ∂²f = −b sin(·) k kᵀ."""

    amplitude: float
    wavevector: tuple[float, float]
    phase: float

    def value(self, x: Any, y: Any) -> Any:
        kx, ky = self.wavevector
        return self.amplitude * np.sin(kx * x + ky * y + self.phase)

    def jacobian(self, x: Any, y: Any) -> list[Any]:
        kx, ky = self.wavevector
        c = self.amplitude * np.cos(kx * x + ky * y + self.phase)
        return [c * kx, c * ky]

    def hessian(self, x: Any, y: Any) -> list[list[Any]]:
        kx, ky = self.wavevector
        s = -self.amplitude * np.sin(kx * x + ky * y + self.phase)
        return [[s * kx * kx, s * kx * ky], [s * kx * ky, s * ky * ky]]


@dataclass(frozen=True)
class _Tilt:
    """A plane f = sₓx + sᵧy: ∂f = s, ∂²f = 0."""

    slope: tuple[float, float]

    def value(self, x: Any, y: Any) -> Any:
        return self.slope[0] * x + self.slope[1] * y

    def jacobian(self, x: Any, y: Any) -> list[Any]:
        zero = 0 * x
        return [zero + self.slope[0], zero + self.slope[1]]

    def hessian(self, x: Any, y: Any) -> list[list[Any]]:
        zero = 0 * x
        return [[zero, zero], [zero, zero]]


_Term = _Well | _Ripple | _Tilt


@dataclass(frozen=True)
class SandpitSurface:
    """The hidden floor of a sandpit: f(x, y) = level + Σ terms, with exact derivatives.

    The floor lies below the sand, so depths are negative and *lower is deeper*; the phone lies
    at the deepest point. The Jacobian J = (∂f/∂x, ∂f/∂y) points uphill, so −J points the way
    a ball would roll.

    Attributes
    ----------
    scenario : str
    seed : int
    bounds : tuple of (low, high) pairs
        The pit, ``((x_low, x_high), (y_low, y_high))``.
    minimum : tuple of float
        ``(x, y)`` of the deepest point (found on a fine grid and polished by Newton's method).
    win_radius : float
        A probe this close to the deepest point finds the phone.
    slope_noise : float
        The standard deviation of the noise on a slope reading (``rocks`` only).
    """

    scenario: str
    seed: int
    level: float
    terms: tuple[_Term, ...]
    minimum: tuple[float, float] = (0.0, 0.0)
    win_radius: float = 0.25
    slope_noise: float = 0.0
    bounds: tuple[tuple[float, float], tuple[float, float]] = SANDPIT_BOUNDS

    def depth(self, x: Any, y: Any) -> Any:
        """The floor's depth f(x, y) (arrays broadcast; dual numbers pass through).

        Examples
        --------
        >>> import mvcalc as mc
        >>> pit = mc.datasets.sandpit_surface("bowl", seed=1)
        >>> bool(pit.depth(*pit.minimum) < pit.depth(0.0, 0.0))
        True
        """
        total: Any = self.level
        for term in self.terms:
            total = total + term.value(x, y)
        return total

    def jacobian(self, x: Any, y: Any) -> NDArray[np.float64]:
        """J = (∂f/∂x, ∂f/∂y), shape ``(..., 2)`` for x, y of shape ``(...)``.

        Examples
        --------
        >>> import mvcalc as mc
        >>> pit = mc.datasets.sandpit_surface("bowl", seed=1)
        >>> bool(abs(pit.jacobian(*pit.minimum)).max() < 1e-9)  # flat at the bottom
        True
        """
        x, y = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        out = np.zeros((*x.shape, 2))
        for term in self.terms:
            out += np.stack(np.broadcast_arrays(*term.jacobian(x, y)), axis=-1)
        return out

    def hessian(self, x: Any, y: Any) -> NDArray[np.float64]:
        """H = the matrix of second derivatives, shape ``(..., 2, 2)``.

        Examples
        --------
        >>> import mvcalc as mc
        >>> pit = mc.datasets.sandpit_surface("bowl", seed=1)
        >>> bool((np.linalg.eigvalsh(pit.hessian(*pit.minimum)) > 0).all())  # a minimum
        True
        """
        x, y = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        out = np.zeros((*x.shape, 2, 2))
        for term in self.terms:
            rows = [np.stack(np.broadcast_arrays(*row), axis=-1) for row in term.hessian(x, y)]
            out += np.stack(rows, axis=-2)
        return out

    def contains(self, x: float, y: float) -> bool:
        """Whether (x, y) lies in the pit (edges included)."""
        (x0, x1), (y0, y1) = self.bounds
        return x0 <= x <= x1 and y0 <= y <= y1


_Matrix2 = tuple[tuple[float, float], tuple[float, float]]


def _rotated(rng: np.random.Generator, low: float, high: float) -> _Matrix2:
    """A random symmetric positive definite 2×2 matrix with eigenvalues in [low, high]."""
    angle = rng.uniform(0, np.pi)
    r = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    p = r @ np.diag(rng.uniform(low, high, size=2)) @ r.T
    return (float(p[0, 0]), float(p[0, 1])), (float(p[1, 0]), float(p[1, 1]))


def _spot(rng: np.random.Generator, margin: float) -> tuple[float, float]:
    (x0, x1), (y0, y1) = SANDPIT_BOUNDS
    return float(rng.uniform(x0 + margin, x1 - margin)), float(
        rng.uniform(y0 + margin, y1 - margin)
    )


def _bowl(rng: np.random.Generator) -> tuple[float, list[_Term], float, float]:
    # one broad well: smooth, one minimum, its sides turning from convex to concave far out
    return -0.5, [_Well(_spot(rng, 1.0), 3.5, _rotated(rng, 0.12, 0.45))], 0.25, 0.0


def _multiple_minima(rng: np.random.Generator) -> tuple[float, list[_Term], float, float]:
    centres: list[tuple[float, float]] = []
    while len(centres) < 4:  # wells apart from each other
        c = _spot(rng, 0.5)
        if all(np.hypot(c[0] - o[0], c[1] - o[1]) > 1.4 for o in centres):
            centres.append(c)
    depths = [float(rng.uniform(2.7, 3.0))] + [float(rng.uniform(1.4, 2.2)) for _ in range(3)]
    wells: list[_Term] = [
        _Well(c, a, _rotated(rng, 2.0, 6.0)) for c, a in zip(centres, depths, strict=True)
    ]
    broad = _Well((0.0, 0.0), 0.6, ((0.08, 0.0), (0.0, 0.12)))  # a gentle overall dip
    return -0.3, [broad, *wells], 0.25, 0.0


def _rocks(rng: np.random.Generator) -> tuple[float, list[_Term], float, float]:
    terms: list[_Term] = [_Well(_spot(rng, 1.0), 2.5, _rotated(rng, 0.12, 0.3))]
    for k in range(4):  # four corrugations at 45° to each other: a field of small dips
        angle = rng.uniform(0, np.pi) + k * np.pi / 4
        wavenumber = 2 * np.pi / rng.uniform(0.8, 1.1)
        kvec = (float(wavenumber * np.cos(angle)), float(wavenumber * np.sin(angle)))
        terms.append(_Ripple(float(rng.uniform(0.1, 0.14)), kvec, float(rng.uniform(0, 2 * np.pi))))
    return -0.5, terms, 0.25, 0.3


def _narrow_well(rng: np.random.Generator) -> tuple[float, list[_Term], float, float]:
    angle = rng.uniform(0, 2 * np.pi)
    tilt = _Tilt((float(0.25 * np.cos(angle)), float(0.25 * np.sin(angle))))
    well = _Well(_spot(rng, 0.6), 2.5, ((1 / 0.15**2, 0.0), (0.0, 1 / 0.15**2)))
    return -1.5, [tilt, well], 0.15, 0.0


_BUILDERS = {
    "bowl": _bowl,
    "multiple-minima": _multiple_minima,
    "rocks": _rocks,
    "narrow-well": _narrow_well,
}


def _deepest(surface: SandpitSurface) -> tuple[float, float]:
    """The deepest point: the lowest of a fine grid, polished by a few Newton steps."""
    (x0, x1), (y0, y1) = surface.bounds
    xs, ys = np.meshgrid(np.linspace(x0, x1, 241), np.linspace(y0, y1, 161))
    depths = surface.depth(xs, ys)
    best: tuple[float, float] | None = None
    best_depth = np.inf
    for flat in np.argsort(depths, axis=None)[:8]:  # polish the lowest few grid points
        p = np.array([xs.flat[flat], ys.flat[flat]])
        for _ in range(20):
            h = surface.hessian(*p)
            if np.any(np.linalg.eigvalsh(h) <= 0):
                break
            step = np.linalg.solve(h, -surface.jacobian(*p))  # δ = −H⁻¹J
            if not surface.contains(*(p + step)) or np.linalg.norm(step) > 0.1:
                break
            p = p + step
            if np.linalg.norm(step) < 1e-13:
                break
        d = float(surface.depth(*p))
        if d < best_depth:
            best, best_depth = (float(p[0]), float(p[1])), d
    assert best is not None
    return best


def sandpit_surface(scenario: str = "bowl", seed: int | None = None) -> SandpitSurface:
    """The hidden floor of the course's sandpit game, with exact depth, Jacobian and Hessian.

    Parameters
    ----------
    scenario : {"bowl", "multiple-minima", "rocks", "narrow-well"}
        * ``"bowl"``: one smooth minimum.
        * ``"multiple-minima"``: four wells; the phone is in the deepest.
        * ``"rocks"``: a bowl under a rough, corrugated floor — many shallow local minima, and
          slope readings carry noise (``slope_noise``).
        * ``"narrow-well"``: a deep, narrow well (width 0.15) on a gentle slope.
    seed : int, optional
        Moves the minima; the same seed gives the same floor. None picks one at random
        (it is recorded in the result's ``seed``).

    Returns
    -------
    SandpitSurface

    Examples
    --------
    >>> import mvcalc as mc
    >>> pit = mc.datasets.sandpit_surface("narrow-well", seed=3)
    >>> x, y = pit.minimum
    >>> bool(pit.depth(x, y) < -3), pit.win_radius
    (True, 0.15)
    """
    if not isinstance(scenario, str) or scenario not in _BUILDERS:
        raise ValueError(f"scenario must be one of {list(SANDPIT_SCENARIOS)}, got {scenario!r}")
    if seed is None:
        seed = secrets.randbelow(2**31)
    seed = nonnegative_int(seed, "seed")
    rng = np.random.default_rng(seed)
    for _attempt in range(50):  # the phone lies inside the pit, not against its wall
        level, terms, radius, noise = _BUILDERS[scenario](rng)
        surface = SandpitSurface(scenario, seed, level, tuple(terms), win_radius=radius,
                                 slope_noise=noise)  # fmt: skip
        surface = replace(surface, minimum=_deepest(surface))
        (x0, x1), (y0, y1) = surface.bounds
        x, y = surface.minimum
        if min(x - x0, x1 - x, y - y0, y1 - y) > 2 * radius:
            break
    return surface
