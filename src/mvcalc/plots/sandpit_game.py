"""The sandpit's figure: the hidden floor with a game's probes, −J arrows and workers' paths."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from mvcalc.plots._grid import figure, grid
from mvcalc.plots._grid import resolution as check_resolution
from mvcalc.sandpit import Sandpit, Workers

__all__ = ["sandpit"]


def sandpit(
    game: Sandpit,
    walks: Sequence[Workers] = (),
    *,
    resolution: int = 241,
    title: str | None = None,
) -> Figure:
    """The sandpit's hidden floor with a game's probes, −J arrows and workers' paths.

    A teacher's view: it shows the floor without ending the game (``Sandpit.reveal`` ends it).

    Parameters
    ----------
    game : mvcalc.sandpit.Sandpit
    walks : sequence of mvcalc.sandpit.Workers, optional
        Workers' walks to draw as paths.
    resolution : int, optional
        Grid points along x.
    title : str, optional

    Examples
    --------
    >>> import mvcalc as mc
    >>> game = mc.sandpit.Sandpit("multiple-minima", seed=2, mode="jacobian")
    >>> _ = game.probe(0.0, 0.0), game.probe(1.0, -1.0)
    >>> fig = mc.plots.sandpit(game, resolution=61)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['probes (2)', '−J, downhill', 'the phone (deepest point)', 'within reach']
    """
    if not isinstance(game, Sandpit):
        raise TypeError(f"game must be an mvcalc.sandpit.Sandpit, got {type(game).__name__}")
    if not all(isinstance(w, Workers) for w in walks):
        raise TypeError("walks must be a sequence of mvcalc.sandpit.Workers")
    resolution = check_resolution(resolution)
    surface = game.surface
    (x0, x1), (y0, y1) = surface.bounds
    ny = max(2, round(resolution * (y1 - y0) / (x1 - x0)))
    gx, gy = grid(surface.bounds, resolution, ny)
    fig, ax = figure(8.5, 6)
    cs = ax.contourf(gx, gy, surface.depth(gx, gy), levels=24, cmap="YlGnBu_r")
    fig.colorbar(cs, ax=ax, label="depth f(x, y)  (lower is deeper)", format="%.1f")
    palette = ["#1f5f8b", "#8e44ad", "#c0392b", "#16a085", "#2c3e50"]
    colour_of: dict[str, str] = {}
    for walk in walks:
        new = walk.strategy not in colour_of
        colour = colour_of.setdefault(walk.strategy, palette[len(colour_of) % len(palette)])
        ax.plot([p.x for p in walk.probes], [p.y for p in walk.probes], "-", color=colour,
                lw=1.8, label=f"workers: {walk.strategy}" if new else None)  # fmt: skip
    probes = game.probes
    if probes:
        colours = ["#1e7a3c" if p.won else "#4a3219" for p in probes]
        ax.scatter([p.x for p in probes], [p.y for p in probes], s=22, c=colours, zorder=3,
                   edgecolors="white", linewidths=0.6, label=f"probes ({len(probes)})")  # fmt: skip
        sloped = [p for p in probes if p.jacobian is not None]
        if sloped and game.mode == "jacobian":  # the readings the player saw as arrows
            J = np.array([p.jacobian for p in sloped])
            ax.quiver([p.x for p in sloped], [p.y for p in sloped], -J[:, 0], -J[:, 1],
                      color="#b03a2e", angles="xy", width=0.004, zorder=4,
                      label="−J, downhill")  # fmt: skip
    mx, my = surface.minimum
    ax.plot(mx, my, "*", color="gold", mec="black", ms=16, zorder=5,
            label="the phone (deepest point)")  # fmt: skip
    t = np.linspace(0, 2 * np.pi, 100)
    r = surface.win_radius
    ax.plot(mx + r * np.cos(t), my + r * np.sin(t), "--", color="#d35400", lw=1.5,
            label="within reach")  # fmt: skip
    ax.set(xlabel="x", ylabel="y", xlim=(x0, x1), ylim=(y0, y1), aspect="equal")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncols=3, fontsize="small",
              frameon=False)  # fmt: skip
    score = f"found in {game.score} probes" if game.won else f"{game.count} probes, not found yet"
    ax.set_title(title or f"Sandpit: {surface.scenario}, seed {surface.seed} — {score}")
    return fig
