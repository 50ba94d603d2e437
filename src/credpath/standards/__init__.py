"""Open standards read by credpath: 1EdTech Open Badges 3.0, Credential Engine CTDL, W3C VC proofs and ``did:key``.

Pure code (no database, no web framework): parsers turn submitted documents into
:class:`~credpath.standards.records.ImportedCredential` records, and :mod:`~credpath.standards.proofs`
checks the proof of a signed credential offline.
"""
