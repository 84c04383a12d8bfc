"""The package as a whole: what ``import mvcalc`` loads, and that the lazy names resolve."""

from __future__ import annotations

import subprocess
import sys

import mvcalc as mc


def test_import_mvcalc_loads_neither_figures_nor_server_nor_sympy():
    code = (
        "import sys, mvcalc\n"
        "heavy = ('matplotlib', 'uvicorn', 'starlette', 'sympy', 'scipy')\n"
        "print(' '.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_public_name_resolves():
    for name in mc.__all__:
        assert getattr(mc, name) is not None, name
    assert mc.taylor is mc.series.taylor
    assert "lab" in dir(mc)
