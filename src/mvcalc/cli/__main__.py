"""``python -m mvcalc.cli``: the same as the ``mvcalc`` command."""

import sys

from mvcalc.cli import main

sys.exit(main())
