"""Product names linked to skills through technology commodities, and how they join a skill's texts."""

from collections.abc import Sequence

import numpy as np

from credpath.skills.products import link_products
from credpath.skills.representations import skill_texts


class KeywordEncoder:
    """A narrow fake: one dimension per keyword, so similarities are known exactly."""

    name = "fake"
    backend = "fake"
    dim = 4
    keywords = ("spreadsheet", "crm", "scientific", "bread")

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        rows = np.array([[float(k in t.casefold()) for k in self.keywords] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_commodities_lend_products_only_to_a_close_skill() -> None:
    commodities = {
        "Spreadsheet software": ["Microsoft Excel", "LibreOffice Calc"],
        "Customer relationship management CRM software": ["Salesforce software"],
        "Analytical or scientific software": ["SAS", "Minitab"],
    }
    skills = [("s-sheet", "use spreadsheet software"), ("s-crm", "use CRM software"), ("s-x", "bake bread")]
    links = link_products(commodities, skills, KeywordEncoder())
    assert links == {"s-crm": ["Salesforce software"], "s-sheet": ["LibreOffice Calc", "Microsoft Excel"]}
    assert link_products({}, skills, KeywordEncoder()) == {}


def test_product_names_join_the_skill_after_its_labels_without_repeating_them() -> None:
    rows = [
        {"id": "a", "preferred_label": "use spreadsheets software", "alt_labels": ["Excel"], "description": "Use it."},
        {"id": "b", "preferred_label": "bake bread", "alt_labels": [], "description": ""},
    ]
    texts = skill_texts(rows, products={"a": ["excel", "LibreOffice Calc", "LibreOffice Calc"]})
    assert [(t.item_id, t.kind, t.text) for t in texts] == [
        ("a", "preferred", "use spreadsheets software"),
        ("a", "alternative", "Excel"),
        ("a", "description", "Use it."),
        ("a", "product", "LibreOffice Calc"),
        ("b", "preferred", "bake bread"),
    ]
    assert texts[3].weight < texts[0].weight
