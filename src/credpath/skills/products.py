"""Software products as names of ESCO skills, from O*NET's technology examples.

Job ads name products ("keep Salesforce up to date", "Power BI dashboards") where ESCO names the skill
("use customer relationship management software", "business intelligence"). O*NET files 8,768
product examples under 135 UNSPSC commodities ("Salesforce software" → "Customer relationship
management CRM software"). A commodity whose title closely matches one ESCO skill's preferred label
lends that skill its products as extra, slightly down-weighted names; a commodity that matches
nothing closely ("Analytical or scientific software") lends nothing, since a loose link would attach
hundreds of product names to the wrong skill.
"""

from collections.abc import Mapping, Sequence

from credpath.ml.encoder import Encoder

__all__ = ["PRODUCT_LINK_THRESHOLD", "link_products"]

# Cosine between a commodity title and a skill's preferred label. Measured on the 135 commodities with
# the fine-tuned encoder: at >= 0.80 all 19 links read right (CAD software, spreadsheets, CRM, business
# intelligence, ...); below, wrong links start ("Accounting software" → "accounting" at 0.77,
# "Enterprise resource planning ERP software" → a transport ERP skill at 0.74).
# It decides which texts the skills index holds: bump REPRESENTATION_VERSION when changing it.
PRODUCT_LINK_THRESHOLD = 0.80


def link_products(
    commodities: Mapping[str, Sequence[str]],
    skills: Sequence[tuple[str, str]],
    encoder: Encoder,
    threshold: float = PRODUCT_LINK_THRESHOLD,
) -> dict[str, list[str]]:
    """Skill id → product names, through each commodity's closest skill at or above ``threshold``.

    Args:
        commodities: commodity title → product example names.
        skills: (skill id, preferred label) pairs.
        encoder: the encoder the skills index is built with.
        threshold: minimum commodity-title ↔ preferred-label cosine.
    """
    titles = sorted(commodities)
    if not titles or not skills:
        return {}
    title_vectors = encoder.encode(titles)
    label_vectors = encoder.encode([label for _, label in skills])
    similarity = title_vectors @ label_vectors.T
    best = similarity.argmax(axis=1)
    out: dict[str, list[str]] = {}
    for row, title in enumerate(titles):
        if similarity[row, best[row]] >= threshold:
            skill_id = skills[int(best[row])][0]
            out.setdefault(skill_id, []).extend(commodities[title])
    return {skill: sorted(set(names)) for skill, names in sorted(out.items())}
