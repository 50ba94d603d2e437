"""Typed titles that O*NET lists word for word and ESCO does not, read through the ESCO–O*NET crosswalk.

People type titles ESCO lacks: "Registered Nurse", "Event Planner", "Reach Truck Operator". O*NET has them,
verbatim, as an occupation's title or one of its alternate titles. Matched against ESCO alone, the embedding
ranks first an occupation whose words overlap ("nurse assistant" for "Registered Nurse", "wedding planner"
for "Event Planner"). When a normalised title is an O*NET title word for word and no ESCO label is, the ESCO
occupations the crosswalk maps that O*NET occupation onto come first, among those the embedding ranks within
:data:`CROSSWALK_DEPTH` and within :data:`CROSSWALK_MARGIN` of its best match (so the crosswalk chooses between
occupations the title already reads like, and never brings in one it does not).

Measured on the 354 hand-labelled vacancy titles and the 83 persona titles (``benchmarks/title_crosswalk.py``):
see the README ("Titles O*NET has and ESCO lacks"). The margin is the typed-title margin of
``planning.targets`` (0.1), not a value chosen on those titles.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["CROSSWALK_DEPTH", "CROSSWALK_MARGIN", "TitleCrosswalk", "crosswalk_order", "verbatim_key"]

CROSSWALK_DEPTH = 10
CROSSWALK_MARGIN = 0.1

_QUALIFIER = re.compile(r"\([^)]*\)")
_NOT_WORD = re.compile(r"[^a-z0-9+#]+")


def verbatim_key(title: str) -> str:
    """A title reduced to its words, for exact comparison: lower case, parentheses and punctuation off.

    Example:
        >>> verbatim_key("Registered Nurse (RN)")
        'registered nurse'
        >>> verbatim_key("Meeting, Convention, and Event Planners")
        'meeting convention and event planners'
    """
    return _NOT_WORD.sub(" ", _QUALIFIER.sub(" ", title.lower())).strip()


def _singular(key: str) -> str | None:
    """The key with its last word made singular, for O*NET's plural occupation titles ("Registered Nurses")."""
    head, _, last = key.rpartition(" ")
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith("ss") and len(last) > 3:
        last = last[:-1]
    else:
        return None
    return f"{head} {last}".strip()


@dataclass(frozen=True, slots=True)
class TitleCrosswalk:
    """O*NET titles (keys) → the ESCO occupations the crosswalk maps them onto, each with its O*NET id.

    Titles that are also an ESCO label, word for word, are left out: ESCO's own match decides them.
    """

    esco_by_title: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, occupations: Iterable[tuple[str, str, str, Sequence[str]]], pairs: Iterable[tuple[str, str]]
    ) -> "TitleCrosswalk":
        """From (id, taxonomy, preferred label, alternative labels) rows and (ESCO id, O*NET id) crosswalk pairs.

        Example:
            >>> rows = [("e1", "esco", "nurse responsible for general care", []), ("e2", "esco", "nurse assistant", []),
            ...         ("29-1141.00", "onet", "Registered Nurses", ["Staff Nurse"])]
            >>> walk = TitleCrosswalk.build(rows, [("e1", "29-1141.00")])
            >>> walk.esco_for("Registered Nurse"), walk.esco_for("nurse assistant")
            ({'e1': '29-1141.00'}, {})
        """
        esco_keys: set[str] = set()
        onet_titles: dict[str, set[str]] = {}
        for occupation_id, taxonomy, preferred, alternatives in occupations:
            keys = {verbatim_key(label) for label in (preferred, *alternatives)}
            if taxonomy == "esco":
                esco_keys |= keys
                continue
            singular = _singular(verbatim_key(preferred))
            for key in keys | ({singular} if singular else set()):
                onet_titles.setdefault(key, set()).add(occupation_id)
        esco_of: dict[str, list[str]] = {}
        for esco, onet in pairs:
            esco_of.setdefault(onet, []).append(esco)
        by_title: dict[str, Mapping[str, str]] = {}
        # Most of O*NET's ~57,000 titles share their occupation's mapping: one dict per set of occupations.
        shared: dict[tuple[str, ...], dict[str, str]] = {}
        for key, onet_ids in onet_titles.items():
            if key in esco_keys or not key:
                continue
            # Sorted: when two O*NET occupations share a title, which one names an ESCO occupation is stable.
            ordered = tuple(sorted(onet_ids))
            mapped = shared.get(ordered)
            if mapped is None:
                mapped = shared[ordered] = {esco: onet for onet in ordered for esco in sorted(esco_of.get(onet, ()))}
            if mapped:
                by_title[key] = mapped
        return cls(by_title)

    def esco_for(self, title: str) -> Mapping[str, str]:
        """ESCO occupation → O*NET occupation for a (normalised) title O*NET has word for word; empty otherwise."""
        return self.esco_by_title.get(verbatim_key(title), {})

    def __len__(self) -> int:
        return len(self.esco_by_title)


def crosswalk_order(ids: Sequence[str], scores: Sequence[float], favoured: Mapping[str, str]) -> tuple[list[int], int]:
    """Positions of ``ids`` (best score first) with the favoured ones near the best moved to the front.

    Favoured: in ``favoured`` and scoring within :data:`CROSSWALK_MARGIN` of the best. Each group keeps its
    order. Returns the order and how many of its first positions are favoured ones.

    Example:
        >>> crosswalk_order(["assistant", "general care", "specialist"], [0.777, 0.776, 0.755], {"general care": "x"})
        ([1, 0, 2], 1)
        >>> crosswalk_order(["a", "b"], [0.9, 0.7], {"b": "x"})
        ([0, 1], 0)
    """
    if not ids or not favoured:
        return list(range(len(ids))), 0
    lowest = scores[0] - CROSSWALK_MARGIN
    first = [i for i, item in enumerate(ids) if item in favoured and scores[i] >= lowest]
    chosen = set(first)
    return first + [i for i in range(len(ids)) if i not in chosen], len(first)
