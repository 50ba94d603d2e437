"""The request path: use cases the API and CLI call, one module per area. No web imports.

- ``taxonomy``: browse ESCO skills and ESCO/O*NET occupations; ``credentials``: browse the catalogue;
- ``semantic``: the loaded encoder and indexes behind matching and extraction;
- ``learners``: stored learner profiles, and what a learner (inline or stored) holds;
- ``recommendations``: gap analysis and the credential pathway that closes it;
- ``health``: database, data and index state; ``resources``: the engine and units of work;
- ``views``: the msgspec read models every use case returns.

Offline work (ingest, tuning, indexing, alignment, evaluation) is the ``pipeline`` package; services
never import it.
"""

__all__: list[str] = []
