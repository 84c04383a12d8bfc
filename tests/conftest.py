"""Test configuration: property-based tests are reproducible in CI.

Locally hypothesis explores new examples on every run (and remembers failures); with ``CI`` set,
as the project's CI does, each run draws the same examples, so a red build is never luck.
"""

from __future__ import annotations

import os

import matplotlib
from hypothesis import settings

matplotlib.use("Agg")  # figures render without a display

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
