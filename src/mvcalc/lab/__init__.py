"""The local web lab: a page for every topic of the course, served by mvcalc itself
(``mvcalc lab``), the sandpit game among them (``mvcalc sandpit``).

The web app (:mod:`mvcalc.lab.server`, Starlette and uvicorn; the pages' routes in
:mod:`mvcalc.lab._pages`, their mathematics in :mod:`mvcalc.lab.topics`) is imported only when it
is served. The game itself is :mod:`mvcalc.sandpit` (plain Python: floors, engine, workers); its
public names are re-exported here, so ``mc.lab.Sandpit`` is ``mc.sandpit.Sandpit``. Nothing else
in mvcalc imports this package except the command line: it is a leaf.

Examples
--------
>>> import mvcalc as mc
>>> game = mc.lab.Sandpit("multiple-minima", seed=7)
>>> game.probe(0.5, -0.5).number
1
>>> mc.lab.Sandpit is mc.sandpit.Sandpit
True
"""

from mvcalc.sandpit import (
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
