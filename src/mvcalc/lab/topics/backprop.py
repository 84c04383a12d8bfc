"""The backpropagation page: the course's network trained live, a slice at a time.

:func:`start` builds the network and the heart curve from the page's settings; :func:`advance`
trains it for about ``seconds`` by :meth:`mvcalc.Network.train` — the same steps, noise and
seed as one call of ``Network.train`` for the whole run, so the live training ends exactly where
``mvcalc backprop`` does — and answers what the page draws: the step, the cost at every
``cost_every`` steps, the curve the network draws now and, every ``curve_every`` steps, a faint
one to keep. The server calls :func:`advance` again and again in a worker process and streams
each answer to the page.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from mvcalc.lab._api import integer, jsonable, number

__all__ = ["ACTIONS", "MAX_STEPS", "advance", "check", "preview", "start"]

MAX_STEPS = 200_000  # steps of one job
MAX_WIDTH = 64  # units in a hidden layer
MAX_HIDDEN = 4  # hidden layers
PACES = (0, 200, 2000)  # steps a second the page may ask for; 0: as fast as it goes
PACE = 2000  # the default: 10,000 steps in 5 s, slow enough to watch
SLICE = 0.05  # seconds of training between two updates (the page gets about 15 a second)
_ALLOWED = {"hidden", "aggression", "noise", "seed", "steps", "pace", "points"}


def _hidden(value: Any) -> list[int]:
    if isinstance(value, str):
        parts = value.replace(",", " ").split()
        if not all(p.isdigit() for p in parts):
            raise ValueError(f"hidden must be widths like '6 7', got {value!r}")
        value = [int(p) for p in parts]
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_HIDDEN:
        raise ValueError(f"hidden must list 1 to {MAX_HIDDEN} layer widths, like 6 7")
    for width in value:
        if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= MAX_WIDTH:
            raise ValueError(f"each hidden width must be an integer from 1 to {MAX_WIDTH}, "
                             f"got {width!r}")  # fmt: skip
    return list(value)


def check(body: dict[str, Any]) -> dict[str, Any]:
    """The training's settings from the page, checked (a ValueError names a bad one).

    Examples
    --------
    >>> check({"hidden": "6 7", "steps": 2000})["sizes"]
    [1, 6, 7, 2]
    >>> check({"aggression": 0})
    Traceback (most recent call last):
    ...
    ValueError: aggression must be from 0.001 to 100, got 0.0
    """
    unknown = sorted(set(body) - _ALLOWED)
    if unknown:
        raise ValueError(f"unknown setting {unknown[0]!r}; the settings are {sorted(_ALLOWED)}")
    pace = integer(body, "pace", PACE, 0, max(PACES))
    if pace not in PACES:
        raise ValueError(f"pace must be one of {list(PACES)} steps a second (0: full speed)")
    return {
        "sizes": [1, *_hidden(body.get("hidden", [6, 7])), 2],
        "aggression": number(body, "aggression", 7.0, low=1e-3, high=100.0),
        "noise": number(body, "noise", 1.0, low=0.0, high=10.0),
        "seed": integer(body, "seed", 0, 0, 2**31 - 1),
        "steps": integer(body, "steps", 10_000, 1, MAX_STEPS),
        "pace": pace,
        "points": integer(body, "points", 100, 10, 1000),
    }


def start(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new training from the page's settings: what the page draws first, and the state that
    :func:`advance` carries on from.

    Examples
    --------
    >>> shown, state = start({"hidden": [6, 7], "seed": 0})
    >>> shown["sizes"], shown["step"], len(shown["target"][0])
    ([1, 6, 7, 2], 0, 100)
    """
    from mvcalc import datasets
    from mvcalc.nn import Network

    settings = check(body)
    x, y = datasets.heart_curve(settings["points"])
    rng = np.random.default_rng(settings["seed"])  # one stream, as mvcalc backprop: weights, noise
    net = Network(settings["sizes"], seed=rng)
    output = net(x)
    cost = net.cost(x, y)
    steps = settings["steps"]
    cost_every = max(1, steps // 2000)  # at most 2,000 points on the cost's plot
    curve_every = max(cost_every, 10 ** max(0, round(math.log10(steps)) - 1))
    curve_every -= curve_every % cost_every  # a multiple of cost_every: a recorded step
    state = {**settings, "net": net, "rng": rng, "x": x, "y": y, "step": 0, "first_cost": cost,
             "cost_every": cost_every, "curve_every": curve_every, "rate": 2000.0}  # fmt: skip
    shown = {**settings, "step": 0, "cost": cost, "x": x[0], "target": y, "output": output,
             "curve_every": curve_every, "parameters": net.n_parameters}  # fmt: skip
    return jsonable(shown, digits=7), state


def advance(state: dict[str, Any], seconds: float = SLICE) -> tuple[dict[str, Any], dict[str, Any]]:
    """Train on for about ``seconds`` (at the state's pace); the new state and the update.

    The update: ``step``, ``cost``, ``costs`` ([step, cost] pairs), ``curves`` ([step, output]
    pairs for the faint curves), ``output`` (the network's curve now), ``done`` and, when done,
    ``status`` and ``message`` (as :meth:`mvcalc.Network.train` says them, for the whole run).

    Examples
    --------
    >>> _, state = start({"steps": 300, "seed": 1})
    >>> while True:
    ...     state, update = advance(state)
    ...     if update["done"]:
    ...         break
    >>> update["step"], update["status"]
    (300, 'max-iter')
    """
    net, x, y = state["net"], state["x"], state["y"]
    left = state["steps"] - state["step"]
    every = state["cost_every"]
    rate = state["rate"] if state["pace"] == 0 else min(state["rate"], state["pace"])
    k = max(every, int(rate * seconds) // every * every)
    k = min(k, left)
    begun = time.perf_counter()
    history = net.train(x, y, iterations=k, aggression=state["aggression"], noise=state["noise"],
                        seed=state["rng"], record_every=every)  # fmt: skip
    spent = time.perf_counter() - begun
    if history.iterations:
        state["rate"] = max(100.0, history.iterations / max(spent, 1e-6))
    first = state["step"]
    state["step"] = first + history.iterations
    steps = [first + int(s) for s in history.steps]
    costs = [[s, float(c)] for s, c in zip(steps[1:], history.cost[1:], strict=True)]
    curves = [[s, out] for s, out in zip(steps[1:], history.outputs[1:], strict=True)
              if s % state["curve_every"] == 0]  # fmt: skip
    cost = float(history.cost[-1])
    done = state["step"] >= state["steps"] or history.status == "non-finite"
    update: dict[str, Any] = {"step": state["step"], "cost": cost, "costs": costs, "done": done,
                              "curves": curves, "output": history.outputs[-1]}  # fmt: skip
    if done:
        update["status"], update["message"] = _verdict(state, history.status, history.message, cost)
    return state, jsonable(update, digits=7)


def _verdict(state: dict[str, Any], status: str, message: str, cost: float) -> tuple[str, str]:
    """The whole run's status: the last slice's, except that a run whose cost rose from its
    start diverged."""
    run = f"{state['step']:,} steps, cost {state['first_cost']:.4g} → {cost:.4g}"
    if status == "non-finite":
        return status, message
    if cost > state["first_cost"]:
        return "diverged", f"{run}: the cost rose; the steps are too large (try less aggression)"
    if status in ("stalled", "converged"):
        return status, f"{run}; {message.split(', but ', 1)[-1].split(': ', 1)[-1]}"
    return "max-iter", f"{run}; the gradient of the cost is not yet zero (more steps go further)"


def preview(body: dict[str, Any]) -> dict[str, Any]:
    """What :func:`start` would show first, without starting anything: the curve to learn and the
    untrained network's attempt.

    Examples
    --------
    >>> shown = preview({"hidden": "3", "seed": 2})
    >>> shown["sizes"], shown["parameters"]
    ([1, 3, 2], 14)
    """
    return start(body)[0]


# training itself runs through the server's job stream (mvcalc.lab._pages), not one request
ACTIONS = {"preview": preview}
