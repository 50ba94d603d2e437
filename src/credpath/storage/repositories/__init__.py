"""Every query credpath runs, one module per aggregate. Services call these; nothing outside ``storage`` writes SQL.

- ``access``: organisations, API keys (hashes only) and the audit trail;
- ``datasets``: loaded sources, their hashes and row counts;
- ``skills``: ESCO skills, their hierarchy and skill–skill relations;
- ``occupations``: ESCO and O*NET occupations, their skill profiles, the crosswalk and O*NET → ESCO links;
- ``credentials``: the credential catalogue, its aligned skills and the offers the planner reads;
- ``learners``: stored learner profiles (and the discoverable ones any employer may find);
- ``postings``: employers' job postings, their skills and demand over open postings;
- ``secrets``: random server secrets shared by every replica;
- ``index_rows``: the bulk reads the build pipeline embeds (and the cheap fingerprints of them);
- ``lexical``: the shared lexical search (token filter, ranking tiers, paging).

Rows that leave a module are tables, frozen dataclasses or TypedDicts, never tuples read by position.
"""

from credpath.storage.repositories import (
    access,
    credentials,
    datasets,
    index_rows,
    learners,
    lexical,
    occupations,
    postings,
    secrets,
    skills,
)

__all__ = [
    "access",
    "credentials",
    "datasets",
    "index_rows",
    "learners",
    "lexical",
    "occupations",
    "postings",
    "secrets",
    "skills",
]
