"""ONB-1: each department keeps its own lists, under an id that names it in every key and URL."""

import pytest

from portal.domain.org import valid_slug


@pytest.mark.parametrize(("value", "valid"), [
    ("ortho", True), ("rehab-2", True), ("md", True), ("a" + "b" * 31, True),
    ("a", False), ("a" + "b" * 32, False), ("Ortho", False), ("2ortho", False), ("-ortho", False),
    ("or_tho", False), ("or tho", False), ("ortho\n", False), ("骨科", False), ("", False), (None, False),
])
def test_ONB_1_department_and_product_ids_are_short_lowercase_slugs(value, valid):
    assert valid_slug(value) is valid
