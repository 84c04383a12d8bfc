"""The sandpit: find the deepest point of a hidden floor by probing it.

A phone has rolled to the lowest point of a sandpit whose floor nobody can see. Each probe
pushes a dip-stick into the sand at (x, y) and reads the floor there; the score is the number of
probes it takes to come within reach of the phone.

The floors (:func:`sandpit_surface`, :class:`SandpitSurface`) are sums of Gaussian wells,
corrugations and tilts, each with its exact Jacobian J and Hessian H written beside it. The game
(:class:`Sandpit`) reads them; its modes (what one probe reads) are

* ``"depth"``: the depth f(x, y) only;
* ``"jacobian"``: the depth and the slope J = (∂f/∂x, ∂f/∂y) — J points uphill, −J downhill;
* ``"workers"``: a probe is a start point; workers then take further steps following a strategy
  ``next_step(f, J, H) -> step`` (gradient descent, Newton, the hybrid — from
  :mod:`mvcalc.steps` — or your own, run in a process of its own with time limits), each step
  one more probe.

The web lab (:mod:`mvcalc.lab`) serves this game in a browser; the figure is
:func:`mvcalc.plots.sandpit`.

Examples
--------
>>> import mvcalc as mc
>>> game = mc.sandpit.Sandpit("multiple-minima", seed=7)
>>> game.probe(0.5, -0.5).number
1
"""

from __future__ import annotations

import contextlib
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from contourpy import contour_generator
from numpy.typing import ArrayLike, NDArray

from mvcalc._isolation import FileStrategy, StrategyFailed, StrategyProcess
from mvcalc._validate import finite_float, nonnegative_int, one_of, positive_float, positive_int
from mvcalc.steps import checked_step, gradient_descent_step, hybrid_step, newton_step

__all__ = [
    "BOUNDS",
    "MODES",
    "SCENARIOS",
    "STRATEGIES",
    "GameOver",
    "Probe",
    "Reveal",
    "Sandpit",
    "SandpitSurface",
    "Workers",
    "gradient_descent_step",
    "hybrid_step",
    "load_strategy",
    "newton_step",
    "sandpit_surface",
]

# ------------------------------------------------------------------------------------------
# The floors: hidden surfaces with exact depth, Jacobian and Hessian
# ------------------------------------------------------------------------------------------

SCENARIOS = ("bowl", "multiple-minima", "rocks", "narrow-well")
BOUNDS = ((-3.0, 3.0), (-2.0, 2.0))
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
    bounds: tuple[tuple[float, float], tuple[float, float]] = BOUNDS

    def depth(self, x: Any, y: Any) -> Any:
        """The floor's depth f(x, y) (arrays broadcast; dual numbers pass through).

        Examples
        --------
        >>> import mvcalc as mc
        >>> pit = mc.sandpit.sandpit_surface("bowl", seed=1)
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
        >>> pit = mc.sandpit.sandpit_surface("bowl", seed=1)
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
        >>> pit = mc.sandpit.sandpit_surface("bowl", seed=1)
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
    (x0, x1), (y0, y1) = BOUNDS
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
    >>> pit = mc.sandpit.sandpit_surface("narrow-well", seed=3)
    >>> x, y = pit.minimum
    >>> bool(pit.depth(x, y) < -3), pit.win_radius
    (True, 0.15)
    """
    scenario = one_of(scenario, SCENARIOS, "scenario")
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


# ------------------------------------------------------------------------------------------
# The game's settings
# ------------------------------------------------------------------------------------------

MODES = ("depth", "jacobian", "workers")
STRATEGIES = ("gradient-descent", "newton", "hybrid")

Strategy = Callable[[float, NDArray[np.float64], NDArray[np.float64]], ArrayLike]


# ------------------------------------------------------------------------------------------
# The workers' strategies: next_step(f, J, H) -> the step δ to the next point
# ------------------------------------------------------------------------------------------
# gradient_descent_step, newton_step and hybrid_step live in mvcalc.steps, shared with
# mvcalc.minimize; they are imported above and re-exported here (mvcalc.lab's names are a contract).


def load_strategy(spec: str) -> tuple[str, Strategy]:
    """Load the user's ``next_step(f, J, H)`` from ``"FILE.py:FUNC"``.

    The file is the user's own, named on the command line. It is imported (and so run) here, to
    check it, and again in the process of its own that runs each walk of the workers (see
    :meth:`Sandpit.workers`): keep its top level free of side effects.

    Parameters
    ----------
    spec : str
        ``path/to/file.py:function_name``.

    Returns
    -------
    name : str
        The function's name.
    next_step : callable
        The function, wrapped so that a fresh process can load it again by its file and name.

    Raises
    ------
    ValueError
        If the file does not exist or fails to import, or the function is missing.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mine.py"
    >>> _ = path.write_text("def careful(f, J, H):\\n    return -0.05 * J\\n")
    >>> name, step = load_strategy(f"{path}:careful")
    >>> name, step(0.0, np.array([2.0, 0.0]), np.eye(2))
    ('careful', array([-0.1, -0. ]))
    """
    if not isinstance(spec, str):
        raise TypeError(f"strategy must be a string FILE.py:FUNC, got {spec!r}")
    file, sep, func = spec.rpartition(":")
    if not sep or not file.endswith(".py") or not func.isidentifier():
        raise ValueError(f"strategy must look like FILE.py:FUNC, got {spec!r}")
    return func, FileStrategy(file, func)


# ------------------------------------------------------------------------------------------
# The game
# ------------------------------------------------------------------------------------------


def _next_step(
    rule: Strategy | StrategyProcess, here: Probe, H: NDArray[np.float64]
) -> tuple[NDArray[np.float64] | None, str | None]:
    """Ask a strategy for its step; (step, None) if it is usable, else (None, why not).

    A :class:`~mvcalc._isolation.StrategyProcess` runs the user's strategy in a process of
    its own, with its time limits (and checks its step there); anything else is called here.
    """
    assert here.jacobian is not None
    J = np.array(here.jacobian)
    if isinstance(rule, StrategyProcess):
        try:
            return rule(here.depth, J, H), None
        except StrategyFailed as exc:
            return None, str(exc)
    return checked_step(rule, here.depth, J, H, shape=(2,))


class GameOver(ValueError):
    """The game takes no more probes: the floor is revealed or the probe limit is reached."""


@dataclass(frozen=True)
class Probe:
    """One reading of the dip-stick.

    Attributes
    ----------
    number : int
        1 for the game's first probe, and so on.
    x, y : float
        Where it went in.
    depth : float
        f(x, y); lower is deeper.
    jacobian : tuple of float or None
        The slope reading (∂f/∂x, ∂f/∂y), noisy on rocks; None in ``"depth"`` mode.
    won : bool
        Whether this probe is within reach of the phone.
    """

    number: int
    x: float
    y: float
    depth: float
    jacobian: tuple[float, float] | None
    won: bool


@dataclass(frozen=True)
class Workers:
    """The walk of the workers from a start point.

    Attributes
    ----------
    strategy : str
    probes : tuple of Probe
        The start and each step's point.
    completed : bool
        False when the walk stopped early; ``message`` says why.
    message : str
    """

    strategy: str
    probes: tuple[Probe, ...]
    completed: bool
    message: str


@dataclass(frozen=True)
class Reveal:
    """The hidden floor, for drawing.

    Attributes
    ----------
    x, y : ndarray
        The grid's coordinates, shapes (nx,) and (ny,).
    depth : ndarray, shape (ny, nx)
    levels : ndarray
        The contour levels.
    contours : list of list of ndarray
        For each level, its lines as (k, 2) arrays of (x, y).
    minimum : tuple of float
        The deepest point, where the phone is.
    minimum_depth : float
    win_radius : float
    """

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    depth: NDArray[np.float64]
    levels: NDArray[np.float64]
    contours: list[list[NDArray[np.float64]]]
    minimum: tuple[float, float]
    minimum_depth: float
    win_radius: float


class Sandpit:
    """A game of sandpit: probe the hidden floor until you find the deepest point.

    Parameters
    ----------
    scenario : {"bowl", "multiple-minima", "rocks", "narrow-well"}, optional
    seed : int, optional
        The same seed gives the same floor (and the same noise on rocks); None picks one.
    mode : {"depth", "jacobian", "workers"}, optional
        What a probe reads (see the module's docstring).
    max_probes : int, optional
        The game takes no more probes than this (it bounds its memory).

    Attributes
    ----------
    surface : SandpitSurface
        The hidden floor (peeking spoils the game).
    probes : tuple of Probe
    count : int
        The number of probes so far: the score, once won.
    last, best : Probe or None
        The latest probe, and the deepest so far.
    score : int or None
        The count at the first probe that found the phone.

    Examples
    --------
    >>> import mvcalc as mc
    >>> game = mc.sandpit.Sandpit("bowl", seed=1)
    >>> first = game.probe(0.0, 0.0)
    >>> first.number, first.jacobian, first.won
    (1, None, False)
    >>> game.probe(*game.surface.minimum).won, game.score
    (True, 2)
    """

    def __init__(
        self,
        scenario: str = "bowl",
        seed: int | None = None,
        *,
        mode: str = "depth",
        max_probes: int = 1000,
    ) -> None:
        mode = one_of(mode, MODES, "mode")
        self.surface: SandpitSurface = sandpit_surface(scenario, seed)
        self.mode = mode
        self.max_probes = positive_int(max_probes, "max_probes")
        self.revealed = False
        self._probes: list[Probe] = []
        self.best: Probe | None = None
        self.score: int | None = None
        self._noise = np.random.default_rng([self.surface.seed, 1])  # the rocks' slope noise

    @property
    def scenario(self) -> str:
        return self.surface.scenario

    @property
    def seed(self) -> int:
        return self.surface.seed

    @property
    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return self.surface.bounds

    @property
    def probes(self) -> tuple[Probe, ...]:
        return tuple(self._probes)

    @property
    def count(self) -> int:
        return len(self._probes)

    @property
    def last(self) -> Probe | None:
        """The latest probe."""
        return self._probes[-1] if self._probes else None

    @property
    def won(self) -> bool:
        return self.score is not None

    def _check_point(self, x: Any, y: Any) -> tuple[float, float]:
        x, y = finite_float(x, "x"), finite_float(y, "y")
        (x0, x1), (y0, y1) = self.bounds
        if not x0 <= x <= x1:
            raise ValueError(f"x must lie in the pit, {x0} <= x <= {x1}, got {x}")
        if not y0 <= y <= y1:
            raise ValueError(f"y must lie in the pit, {y0} <= y <= {y1}, got {y}")
        return x, y

    def _read(self, x: float, y: float, *, slope: bool) -> Probe:
        if self.revealed:
            raise GameOver("the floor has been revealed: start a new game to play again")
        if self.count >= self.max_probes:
            raise GameOver(f"the probe limit ({self.max_probes}) is reached: start a new game")
        jacobian = None
        if slope:
            j = self.surface.jacobian(x, y) + self._noise.normal(0, 1, 2) * self.surface.slope_noise
            jacobian = (float(j[0]), float(j[1]))
        mx, my = self.surface.minimum
        probe = Probe(self.count + 1, x, y, float(self.surface.depth(x, y)), jacobian,
                      math.hypot(x - mx, y - my) <= self.surface.win_radius)  # fmt: skip
        self._probes.append(probe)
        if self.best is None or probe.depth < self.best.depth:  # kept as they come: no rescans
            self.best = probe
        if self.score is None and probe.won:
            self.score = probe.number
        return probe

    def probe(self, x: float, y: float) -> Probe:
        """Push the dip-stick in at (x, y) and read it.

        Parameters
        ----------
        x, y : float
            A point in the pit (``bounds``).

        Returns
        -------
        Probe

        Raises
        ------
        ValueError
            If (x, y) is not a finite point of the pit.
        GameOver
            After ``reveal`` or at the probe limit.

        Examples
        --------
        >>> import mvcalc as mc
        >>> game = mc.sandpit.Sandpit("bowl", seed=1, mode="jacobian")
        >>> p = game.probe(2.0, 1.0)
        >>> bool(p.depth < 0), len(p.jacobian)
        (True, 2)
        """
        x, y = self._check_point(x, y)
        return self._read(x, y, slope=self.mode != "depth")

    def workers(
        self,
        x: float,
        y: float,
        strategy: str | Strategy = "hybrid",
        *,
        aggression: float = 0.1,
        steps: int = 5,
        timeout: float | None = 2.0,
        walk_timeout: float | None = 10.0,
    ) -> Workers:
        """Start workers at (x, y); they take ``steps`` steps following ``strategy``.

        Each point they stand on is a probe. A step that would leave the pit stops them at the
        edge; a strategy that raises, or returns a non-finite or wrongly shaped step, stops them
        with a message.

        Parameters
        ----------
        x, y : float
            The start point, in the pit.
        strategy : {"hybrid", "newton", "gradient-descent"} or callable, optional
            A name, or your own ``next_step(f, J, H) -> step``.
        aggression : float, optional
            γ for gradient descent and the hybrid.
        steps : int, optional
        timeout : float or None, optional
            Seconds your own strategy may take for one step before the workers give up on it
            (None: no limit).
        walk_timeout : float or None, optional
            Seconds the whole walk may take (None: no limit).

        Notes
        -----
        Your own strategy runs in a process of its own when either limit is set: a step or a
        walk that overruns its limit stops the workers with a message, and the process is
        killed — nothing is left running. A strategy from :func:`load_strategy` is loaded there
        from its file; any other callable is run in a copy of this process (``fork``, where the
        system has it). With both limits None it runs here, untimed. The built-in strategies
        always run here: they are quick.

        Returns
        -------
        Workers

        Examples
        --------
        >>> import mvcalc as mc
        >>> game = mc.sandpit.Sandpit("bowl", seed=1, mode="workers")
        >>> walk = game.workers(0.0, 0.0, "hybrid")
        >>> len(walk.probes), walk.completed, game.won
        (6, True, True)
        >>> walk = game.workers(0.0, 0.0, lambda f, J, H: [0.0, 0.0, 0.0])
        >>> walk.completed, walk.message
        (False, 'the workers stopped at step 1: the strategy returned shape (3,), not (2,)')
        """
        x, y = self._check_point(x, y)
        steps = positive_int(steps, "steps")
        limit = None if timeout is None else positive_float(timeout, "timeout")
        walk_limit = None if walk_timeout is None else positive_float(walk_timeout, "walk_timeout")
        isolated = limit is not None or walk_limit is not None
        if isinstance(strategy, str):
            isolated = False
            if strategy not in STRATEGIES:
                raise ValueError(f"strategy must be one of {list(STRATEGIES)} or a callable, "
                                 f"got {strategy!r}")  # fmt: skip
            name = strategy
            rule: Strategy = {
                "gradient-descent": gradient_descent_step(aggression),
                "newton": newton_step,
                "hybrid": hybrid_step(aggression),
            }[strategy]
        elif callable(strategy):
            name, rule = getattr(strategy, "__name__", "your strategy"), strategy
        else:
            raise TypeError(f"strategy must be a name or a callable next_step(f, J, H), "
                            f"got {strategy!r}")  # fmt: skip
        here = self._read(x, y, slope=True)
        walk = [here]
        runner: contextlib.AbstractContextManager[Strategy | StrategyProcess] = (
            StrategyProcess(rule, step_timeout=limit, walk_timeout=walk_limit)
            if isolated
            else contextlib.nullcontext(rule)
        )
        with runner as asked:  # the process, if any, ends with the walk
            for k in range(1, steps + 1):
                step, problem = _next_step(asked, here, self.surface.hessian(here.x, here.y))
                if problem is None and self.count >= self.max_probes:
                    problem = "the probe limit is reached"
                if step is None or problem is not None:
                    return Workers(
                        name, tuple(walk), False, f"the workers stopped at step {k}: {problem}"
                    )
                (x0, x1), (y0, y1) = self.bounds
                nx, ny = here.x + float(step[0]), here.y + float(step[1])
                here = self._read(min(max(nx, x0), x1), min(max(ny, y0), y1), slope=True)
                walk.append(here)
                if (here.x, here.y) != (nx, ny):
                    why = f"the workers stopped at step {k}: it would leave the pit"
                    return Workers(name, tuple(walk), False, why)
        return Workers(name, tuple(walk), True, f"{steps} steps of {name}")

    def reveal(self, nx: int = 121, ny: int = 81, levels: int = 14) -> Reveal:
        """Show the hidden floor; the game then takes no more probes.

        Parameters
        ----------
        nx, ny : int, optional
            The grid's size.
        levels : int, optional
            The number of contour levels.

        Returns
        -------
        Reveal

        Examples
        --------
        >>> import mvcalc as mc
        >>> floor = mc.sandpit.Sandpit("bowl", seed=1).reveal()
        >>> floor.depth.shape, len(floor.contours) == len(floor.levels)
        ((81, 121), True)
        """
        nx, ny, levels = (
            positive_int(nx, "nx"),
            positive_int(ny, "ny"),
            positive_int(levels, "levels"),
        )
        if nx < 2 or ny < 2:
            raise ValueError(f"nx and ny must be at least 2, got {nx} and {ny}")
        self.revealed = True
        (x0, x1), (y0, y1) = self.bounds
        xs, ys = np.linspace(x0, x1, nx), np.linspace(y0, y1, ny)
        depth = np.asarray(self.surface.depth(*np.meshgrid(xs, ys)), dtype=np.float64)
        mx, my = self.surface.minimum
        deepest = float(self.surface.depth(mx, my))
        heights = np.linspace(deepest, float(depth.max()), levels + 2)[1:-1]
        generator = contour_generator(xs, ys, depth)
        contours = [[np.asarray(line) for line in generator.lines(float(h))] for h in heights]
        return Reveal(xs, ys, depth, heights, contours, (mx, my), deepest, self.surface.win_radius)
