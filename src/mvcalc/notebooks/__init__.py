"""The course as Jupyter notebooks: six week notebooks and the two assignments (package data).

``mvcalc course [DIR]`` copies them where a learner works on them
(:func:`mvcalc.cli.grade.notebooks` lists them); they are read with :mod:`importlib.resources`,
so that an installed mvcalc finds them wherever it was installed.
"""
