"""Gap analysis and pathway planning (pure: plain data in, plain data out; no web, no database).

- ``gaps``: how well held skills cover a target's weighted requirements, and which evidence outranks which;
- ``pathways``: budgeted maximum coverage over candidate credentials, and the order to take them in;
- ``offers``: from the aligned catalogue to a recommendation (candidates, plan, alternatives, totals);
- ``targets``: which of the occupations a typed title reads alike to the learner's own text means.
"""

__all__: list[str] = []
