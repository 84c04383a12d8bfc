"""The local web lab: the sandpit game, played in a browser and served by mvcalc itself.

The game itself is :mod:`mvcalc.sandpit` (plain Python: floors, engine, workers); its public
names are re-exported here, so ``mc.lab.Sandpit`` is ``mc.sandpit.Sandpit``. The web app
(:mod:`mvcalc.lab.server`, Starlette and uvicorn) is imported only when it is served. Nothing
else in mvcalc imports this package except the command line: it is a leaf.

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
