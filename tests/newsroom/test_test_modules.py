"""tests/ has no __init__.py, so pytest imports each test module by its file
name: two with the same name in different folders stop the whole run at
collection. This says which, before CI does."""

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_test_module_names_are_unique():
    names = Counter(path.name for path in TESTS.rglob("test_*.py"))
    assert [name for name, count in names.items() if count > 1] == []
