"""The offline build pipeline: what runs once per data version, never per request.

- ``ingest``: load the published sources into the database (idempotent, transactional);
- ``tuning``: fine-tune the encoder on the taxonomy's own label pairs (``credpath tune``);
- ``indexing``: embed skills, occupations and credentials into the vector indexes, reusing vectors;
- ``alignment``: infer the skills each credential teaches, and link O*NET occupations to ESCO;
- ``build``: ``credpath build-index`` (ONNX export, indexes, alignments) and ``credpath eval``;
- ``evaluation``: linking quality on the dev sets.

It reads and writes through ``storage``, reads files through ``sources`` and computes with ``ml``,
``skills`` and ``planning``. The request path (``services``) never imports it; what both need, the
location and freshness of each index, lives in ``credpath.indexes``.
"""

__all__: list[str] = []
