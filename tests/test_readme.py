"""The README's examples marked ``<!-- readme-test -->`` run as written, and their asserts hold.

Each marked block is the README's own text, run in a fresh namespace: the assertions inside it
(against the course's hand-written backpropagation, or a trained classifier's accuracy) are the
test, so the README cannot drift from what the code does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"<!-- readme-test -->\s*```python\n(.*?)```", README.read_text(), re.DOTALL)


def test_the_readme_marks_its_examples():
    assert len(BLOCKS) >= 2
    assert all("assert" in block for block in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(block):
    namespace: dict[str, object] = {}
    exec(compile(block, str(README), "exec"), namespace)  # the README's code, not user input
