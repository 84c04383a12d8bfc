"""The mathematics behind the lab's pages: one module per page.

Each module's ``ACTIONS`` maps an action's name to a function from the request's JSON object to
the answer's; the server serves ``POST /api/<page>/<action>`` by running that function in a worker
process with a time limit (:func:`mvcalc.lab._api.compute`). The functions check every field they
read (a ValueError or TypeError naming it is a 400 answer) and compute only through mvcalc's own
verified functions; the pages draw what they answer.
"""

from __future__ import annotations

from typing import Any

from mvcalc.lab.topics import backprop, derivative, descent, heights, lagrange, newton, taylor

__all__ = ["ACTIONS", "PAGES"]

#: page → action → function
ACTIONS: dict[str, dict[str, Any]] = {
    "derivative": derivative.ACTIONS,
    "taylor": taylor.ACTIONS,
    "newton": newton.ACTIONS,
    "descent": descent.ACTIONS,
    "lagrange": lagrange.ACTIONS,
    "heights": heights.ACTIONS,
    "backprop": backprop.ACTIONS,
}

#: the pages, in the order of the course (the home page links them in this order)
PAGES = ("derivative", "taylor", "sandpit", "backprop", "newton", "descent", "lagrange", "heights")
