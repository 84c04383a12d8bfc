"""The local web lab: the sandpit game, played in a browser and served by mvcalc itself.

The engine (:class:`Sandpit`, see :mod:`mvcalc.lab.sandpit`) is plain Python; the web app
(:mod:`mvcalc.lab.server`, Starlette and uvicorn) is imported only when it is served.

Examples
--------
>>> import mvcalc as mc
>>> game = mc.lab.Sandpit("multiple-minima", seed=7)
>>> game.probe(0.5, -0.5).number
1
"""

from mvcalc.lab import sandpit
from mvcalc.lab.sandpit import *  # noqa: F403  (the engine's public names, listed in its __all__)

__all__ = sandpit.__all__
