"""The local web lab: the sandpit game, played in a browser and served by mvcalc itself.

The engine (:class:`Sandpit`) is plain Python; the web app (:mod:`mvcalc.lab.server`, Starlette
and uvicorn) is imported only when it is served.

Examples
--------
>>> import mvcalc as mc
>>> game = mc.lab.Sandpit("multiple-minima", seed=7)
>>> game.probe(0.5, -0.5).number
1
"""

from mvcalc.lab.sandpit import (
    MODES,
    SCENARIOS,
    STRATEGIES,
    GameOver,
    Probe,
    Reveal,
    Sandpit,
    Workers,
    gradient_descent_step,
    hybrid_step,
    load_strategy,
    newton_step,
)

__all__ = [
    "MODES",
    "SCENARIOS",
    "STRATEGIES",
    "GameOver",
    "Probe",
    "Reveal",
    "Sandpit",
    "Workers",
    "gradient_descent_step",
    "hybrid_step",
    "load_strategy",
    "newton_step",
]
