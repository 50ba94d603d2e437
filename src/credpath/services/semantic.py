"""Semantic matching served by the API: skills for texts, mentions in documents, occupations for titles.

One :class:`SemanticService` is created at start-up (encoder session, memory-mapped indexes, item
labels, the skills' name lexicon) and shared by all requests; it refuses to serve from an index whose
manifest no longer matches the database (stale), raising :class:`ArtifactError` instead. Job titles are
normalised (``skills.titles``) before they are matched to occupations.
"""

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine
from sqlmodel import Session

from credpath.errors import ArtifactError, InvalidInputError, LimitExceededError
from credpath.indexes import INDEX_NAMES, index_dir, index_state, label_words, name_lexicon
from credpath.ml.encoder import CachedEncoder, Encoder
from credpath.ml.export import load_serving_encoder
from credpath.ml.index import ItemIndex, VectorIndex
from credpath.services import views
from credpath.skills.label_words import LabelWords
from credpath.skills.lexicon import NameLexicon
from credpath.skills.linking import EXTRACTION_THRESHOLD, StopCheck, TextLinker
from credpath.skills.title_crosswalk import CROSSWALK_DEPTH, TitleCrosswalk, crosswalk_order
from credpath.skills.titles import normalise_title
from credpath.storage.repositories import index_rows
from credpath.storage.repositories import occupations as occupation_repo
from credpath.storage.repositories import skills as skill_repo
from credpath.vocabulary import IndexStatus, Taxonomy, VectorBackend, is_esco_id

__all__ = [
    "EXTRACTION_THRESHOLD",
    "MAX_ENCODED_TEXTS",
    "MAX_REQUEST_CHARS",
    "MAX_TEXTS",
    "MAX_TEXT_CHARS",
    "SemanticService",
]

log = logging.getLogger(__name__)

MAX_TEXTS = 256
MAX_TEXT_CHARS = 20_000
# The work one request may ask for (issue 10): characters across all its texts, and texts to encode (the
# texts themselves plus the sentences and phrases cut from them). Beyond either: 413, before any encoding.
# Each encoded text is also searched against the whole skills index, so 1,000 of them cost a few CPU
# seconds (benchmarks/results/robustness.json); a long job posting or CV cuts into a few hundred.
MAX_REQUEST_CHARS = 64_000
MAX_ENCODED_TEXTS = 1_000


@dataclass(frozen=True, slots=True)
class _Labels:
    skills: dict[str, str]
    occupations: dict[str, tuple[str, Taxonomy]]


class SemanticService:
    """Encoder + indexes + labels, loaded once.

    Args:
        encoder: the query encoder (cached).
        indexes: loaded indexes by name.
        labels: display labels for result ids.
        states: index name → ``ready``/``stale``/``absent`` at load time.
        skill_parents: skill → its broader skills (the ESCO hierarchy), for gap analysis.
        skill_names: verbatim names of the skills index's items (technologies, tools), fused with the
            dense score when matching and extracting skills.
        title_crosswalk: O*NET titles ESCO lacks, with the ESCO occupations the crosswalk maps them onto,
            which come first when a title is one of them (``skills.title_crosswalk``).
        skill_words: the words of the skills' labels, a lexical signal added when ranking longer texts
            (``skills.label_words``).
    """

    def __init__(
        self,
        encoder: Encoder,
        indexes: dict[str, ItemIndex],
        labels: _Labels,
        states: dict[str, IndexStatus],
        skill_parents: dict[str, frozenset[str]] | None = None,
        skill_names: NameLexicon | None = None,
        title_crosswalk: TitleCrosswalk | None = None,
        skill_words: LabelWords | None = None,
    ) -> None:
        self.encoder = encoder
        self.title_crosswalk = title_crosswalk or TitleCrosswalk()
        # The skill hierarchy changes only with a new ESCO load (which also forces a rebuild and restart),
        # so gap analysis reads it from memory instead of the database on every request.
        self.skill_parents = skill_parents or {}
        children: dict[str, set[str]] = {}
        for child, parents in self.skill_parents.items():
            for parent in parents:
                children.setdefault(parent, set()).add(child)
        # The other direction, for finding credentials that teach a narrower skill of a gap skill.
        self.skill_children: dict[str, frozenset[str]] = {p: frozenset(c) for p, c in children.items()}
        self.indexes = indexes
        self.labels = labels
        self.states = states
        self._skill_linker = (
            TextLinker(encoder, indexes["skills"], lexicon=skill_names, words=skill_words)
            if "skills" in indexes
            else None
        )
        self._occupation_linker = TextLinker(encoder, indexes["occupations"]) if "occupations" in indexes else None
        occupations = indexes.get("occupations")
        self._taxonomy_masks: dict[str, npt.NDArray[np.bool_] | None] = {"all": None}
        if occupations is not None:
            esco = np.array([is_esco_id(item) for item in occupations.item_ids])
            self._taxonomy_masks.update({"esco": esco, "onet": ~esco})
        # Per taxonomy and rank: each credential's cosine to its rank-th nearest occupation (see ``in_field``).
        self._field_floors: dict[tuple[str, int], npt.NDArray[np.float32]] = {}
        self._field_lock = threading.Lock()

    @classmethod
    def load(
        cls,
        engine: Engine,
        models_dir: Path,
        *,
        encoder: Encoder | None = None,
        backend: VectorBackend = VectorBackend.MEMORY,
    ) -> "SemanticService":
        """Load every ready index; stale or absent ones are recorded and refused at query time.

        With ``backend=pgvector`` the vectors stay in PostgreSQL (published there on first load) and only
        ids, owners and weights are held in memory.
        """
        started = time.perf_counter()
        with Session(engine) as session:
            states = {name: index_state(session, models_dir, name) for name in INDEX_NAMES}
            parents = skill_repo.skill_parents(session)
            skill_rows = index_rows.skill_text_rows(session)
            occupation_rows = index_rows.occupation_text_rows(session)
            labels = _Labels(
                skills={row["id"]: row["preferred_label"] for row in skill_rows},
                occupations={row["id"]: (row["preferred_label"], Taxonomy(row["taxonomy"])) for row in occupation_rows},
            )
            title_crosswalk = TitleCrosswalk.build(
                ((row["id"], row["taxonomy"], row["preferred_label"], row["alt_labels"]) for row in occupation_rows),
                occupation_repo.crosswalk_pairs(session),
            )
            skill_names = None
            skill_words = None
            if states["skills"] == IndexStatus.READY:
                # Built from the index directory whatever the backend: the vectors' content hashes and owners.
                with np.load(index_dir(models_dir, "skills") / "meta.npz", allow_pickle=False) as meta:
                    skill_names = name_lexicon(
                        session, "skills", meta["hashes"], meta["owners"], rows=(skill_rows, occupation_rows)
                    )
                    skill_words = label_words(session, meta["hashes"], meta["owners"], rows=skill_rows)
        indexes: dict[str, ItemIndex] = {
            name: _open_index(engine, models_dir, name, backend)
            for name, state in states.items()
            if state == IndexStatus.READY
        }
        for name, state in states.items():
            if state != IndexStatus.READY:
                log.warning("index %s is %s: its endpoints answer 503 until `credpath build-index` runs", name, state)
        if encoder is None:
            encoder = CachedEncoder(load_serving_encoder(models_dir)) if indexes else _NoEncoder()
        log.info(
            "semantic service loaded in %.2fs: %s; encoder %s; %d skill names; %d O*NET titles via the crosswalk",
            time.perf_counter() - started,
            ", ".join(f"{name} index {state.value}" for name, state in states.items()),
            encoder.backend,
            len(skill_names) if skill_names is not None else 0,
            len(title_crosswalk),
        )
        return cls(encoder, indexes, labels, states, parents, skill_names, title_crosswalk, skill_words)

    def _require(self, name: str) -> ItemIndex:
        index = self.indexes.get(name)
        if index is None:
            state = self.states.get(name, IndexStatus.ABSENT)
            raise ArtifactError(f"the {name} index is {state}; run `credpath build-index` (make run does)")
        return index

    @staticmethod
    def _clean(texts: Sequence[str], field: str) -> list[str]:
        if not texts:
            raise InvalidInputError(f"{field} must hold at least one text")
        if len(texts) > MAX_TEXTS:
            raise InvalidInputError(f"{field} holds {len(texts)} texts; at most {MAX_TEXTS} per request")
        total = sum(len(text) for text in texts)
        if total > MAX_REQUEST_CHARS:
            raise LimitExceededError(
                f"{field} hold {total:,} characters in all; at most {MAX_REQUEST_CHARS:,} per request"
            )
        cleaned = []
        for position, text in enumerate(texts):
            if len(text) > MAX_TEXT_CHARS:
                raise InvalidInputError(f"{field}[{position}] has {len(text)} characters; at most {MAX_TEXT_CHARS}")
            stripped = " ".join(text.split())
            if not stripped:
                raise InvalidInputError(f"{field}[{position}] is blank")
            cleaned.append(stripped)
        return cleaned

    def match_skills(
        self, texts: Sequence[str], top_k: int, should_stop: StopCheck | None = None
    ) -> views.SkillMatchResponse:
        """Rank all ESCO skills for each text (a label, a phrase or a whole sentence).

        ``should_stop`` is asked between chunks of encoding; when it answers true the work ends with
        :class:`~credpath.errors.AbandonedError`.
        """
        index = self._require("skills")
        assert self._skill_linker is not None  # noqa: S101 - set whenever the index is loaded
        ranking = self._skill_linker.rank(
            self._clean(texts, "texts"), top_k, max_texts=MAX_ENCODED_TEXTS, should_stop=should_stop
        )
        return views.SkillMatchResponse(
            results=[
                views.SkillMatchResult(
                    matches=[
                        views.SkillMatch(
                            skill_id=index.item_ids[p],
                            label=self.labels.skills.get(index.item_ids[p], ""),
                            score=round(float(s), 4),
                        )
                        for p, s in zip(positions, scores, strict=True)
                    ]
                )
                for positions, scores in ranking
            ]
        )

    def extract_skills(
        self, text: str, threshold: float | None = None, should_stop: StopCheck | None = None
    ) -> views.ExtractionResponse:
        """Skill mentions in a longer text (posting, CV, description), abstaining below the threshold."""
        index = self._require("skills")
        assert self._skill_linker is not None  # noqa: S101
        cleaned_text = self._clean([text], "text")[0] if text.strip() else ""
        if not cleaned_text:
            raise InvalidInputError("text is blank")
        # Offsets refer to the text as sent, so extraction runs on it, not on the whitespace-collapsed copy.
        limit = EXTRACTION_THRESHOLD if threshold is None else threshold
        mentions = self._skill_linker.extract(text, limit, max_texts=MAX_ENCODED_TEXTS, should_stop=should_stop)
        return views.ExtractionResponse(
            mentions=[
                views.SkillMention(
                    skill_id=index.item_ids[m.item],
                    label=self.labels.skills.get(index.item_ids[m.item], ""),
                    score=round(m.score, 4),
                    text=m.phrase.text,
                    start=m.phrase.start,
                    end=m.phrase.end,
                    sentence=m.sentence.text,
                )
                for m in mentions
            ],
            threshold=limit,
        )

    def skill_similarity(self, required: Sequence[str], held: Sequence[str]) -> list[list[float]]:
        """Cosine between skills' preferred-label vectors (zeros when the skills index is not loaded)."""
        index = self.indexes.get("skills")
        if index is None or not required or not held:
            return [[0.0] * len(held) for _ in required]
        matrix = (
            index.canonical_vectors([index.position(s) for s in required])
            @ index.canonical_vectors([index.position(s) for s in held]).T
        )
        return matrix.tolist()  # type: ignore[no-any-return]

    def credential_relevance(
        self, target_text: str, credential_ids: Sequence[str], titles: Mapping[str, str] | None = None
    ) -> dict[str, float]:
        """How much each credential, as a whole ("title — tags"), is about the target (cosine).

        A credential can teach a skill a role lists and still be beside the point for that role ("Solid Waste
        Management" for a restaurant manager, "Active Listening" for a nurse): the planner uses this to keep
        such credentials out (``planning.offers.MIN_RELEVANCE``). Empty when the credentials index is not loaded.
        A credential imported since the index was built (OB 3.0, CTDL) is scored on its title from ``titles``.
        """
        index = self.indexes.get("credentials")
        if index is None or not credential_ids or not target_text.strip():
            return {}
        positions = [(c, index.position(c)) for c in credential_ids]
        known = [(c, p) for c, p in positions if p is not None]
        fresh = [(c, titles[c]) for c, p in positions if p is None and titles and titles.get(c)]
        if not known and not fresh:
            return {}
        query = self.encoder.encode([target_text])
        out: dict[str, float] = {}
        if known:
            scores = index.score_items(query, np.array([p for _, p in known], dtype=np.int64))[0]
            out.update({c: round(float(s), 4) for (c, _), s in zip(known, scores, strict=True)})
        if fresh:
            vectors = self.encoder.encode([title for _, title in fresh])
            scores = (vectors @ query[0]).astype(float)
            out.update({c: round(float(s), 4) for (c, _), s in zip(fresh, scores, strict=True)})
        return out

    def in_field(self, occupation_id: str, credential_ids: Sequence[str], rank: int) -> set[str] | None:
        """The credentials whose ``rank`` nearest occupations (of the target's taxonomy) include the target.

        A credential is written for some people: "Project Management: Beyond planning and control" sits nearest
        *project manager*, and *warehouse manager* is its 214th occupation, however well its words match one of
        a warehouse manager's skills. Nearness is the cosine between the credential's canonical vector and each
        occupation's preferred-title vector; each credential's cosine to its ``rank``-th nearest occupation is
        computed once per process (5,281 x 3,007 products, ~0.2 s) and kept. Credentials the index does not
        hold (imported since it was built) are kept: nothing says they are off the field. ``None`` when the
        credentials or occupations index is not loaded or the occupation is unknown.
        """
        credentials, occupations = self.indexes.get("credentials"), self.indexes.get("occupations")
        target = occupations.position(occupation_id) if occupations is not None else None
        if credentials is None or occupations is None or target is None:
            return None
        taxonomy = "esco" if is_esco_id(occupation_id) else "onet"
        floors = self._field_floors.get((taxonomy, rank))
        if floors is None:
            with self._field_lock:
                floors = self._field_floors.get((taxonomy, rank))
                if floors is None:
                    floors = self._field_floors[(taxonomy, rank)] = self._nearest_occupation_floor(taxonomy, rank)
        target_vector = occupations.canonical_vectors([target])[0]
        positions = {c: credentials.position(c) for c in credential_ids}
        kept = {c for c, p in positions.items() if p is None}
        located = [(c, p) for c, p in positions.items() if p is not None]
        if located:
            scores = credentials.canonical_vectors([p for _, p in located]) @ target_vector
            kept.update(c for (c, p), score in zip(located, scores, strict=True) if score >= floors[p] - 1e-6)
        return kept

    def nearer_to(self, occupation_id: str, than_id: str, credential_ids: Sequence[str]) -> set[str]:
        """Of ``credential_ids``, those that sit nearer ``occupation_id`` than ``than_id`` (preferred titles).

        Nearness as for :meth:`in_field`. Credentials the index does not hold and unknown occupations give
        nothing: there is no saying which they are nearer.
        """
        credentials, occupations = self.indexes.get("credentials"), self.indexes.get("occupations")
        if credentials is None or occupations is None:
            return set()
        first, second = occupations.position(occupation_id), occupations.position(than_id)
        if first is None or second is None:
            return set()
        located = [(c, p) for c in credential_ids if (p := credentials.position(c)) is not None]
        if not located:
            return set()
        difference = occupations.canonical_vectors([first])[0] - occupations.canonical_vectors([second])[0]
        scores = credentials.canonical_vectors([p for _, p in located]) @ difference
        return {c for (c, _), score in zip(located, scores, strict=True) if score > 0}

    def occupation_nearness(self, text: str, occupation_ids: Sequence[str]) -> dict[str, float]:
        """Cosine between ``text`` and each occupation's preferred title (canonical vector).

        How near a person's own words sit to each of a few candidate occupations: the planner uses it to
        choose between titles that read alike ("Gas Engineer": *petroleum engineer* or *gas service
        technician*). Unknown occupations are left out; empty when the occupations index is not loaded.
        """
        occupations = self.indexes.get("occupations")
        if occupations is None or not text.strip():
            return {}
        located = [(o, p) for o in occupation_ids if (p := occupations.position(o)) is not None]
        if not located:
            return {}
        query = self.encoder.encode([text])[0]
        scores = occupations.canonical_vectors([p for _, p in located]) @ query
        return {o: round(float(score), 4) for (o, _), score in zip(located, scores, strict=True)}

    def skill_profile(self, credential_ids: Sequence[str], skill_ids: Sequence[str], top: int) -> dict[str, float]:
        """Each credential's mean cosine to its ``top`` nearest of ``skill_ids`` (preferred-label vectors).

        A credential can sit near a role's *name* and far from its work: "Automation and Scripting with Python"
        ranks *automation engineering technician* as its nearest occupation, yet none of that role's essential
        skills (PLCs, control systems, mechatronics) is near it. The planner keeps such credentials out
        (``planning.offers.PROFILE_FLOOR``). Credentials the index does not hold (imported since it was built)
        and skills it does not know are left out of the answer; empty when an index is not loaded.
        """
        credentials, skills = self.indexes.get("credentials"), self.indexes.get("skills")
        if credentials is None or skills is None or not credential_ids or not skill_ids or top <= 0:
            return {}
        located = [(c, p) for c in credential_ids if (p := credentials.position(c)) is not None]
        known = [p for s in skill_ids if (p := skills.position(s)) is not None]
        if not located or not known:
            return {}
        cosines = credentials.canonical_vectors([p for _, p in located]) @ skills.canonical_vectors(list(known)).T
        k = min(top, len(known))
        best = np.partition(cosines, -k, axis=1)[:, -k:].mean(axis=1)
        return {c: round(float(score), 4) for (c, _), score in zip(located, best, strict=True)}

    def _nearest_occupation_floor(self, taxonomy: str, rank: int) -> npt.NDArray[np.float32]:
        credentials, occupations = self.indexes["credentials"], self.indexes["occupations"]
        mask = self._taxonomy_masks[taxonomy]
        positions = [int(p) for p in np.flatnonzero(mask)] if mask is not None else list(range(len(occupations)))
        titles = occupations.canonical_vectors(list(positions)).T
        k = min(rank, len(positions))
        floors = np.empty(len(credentials), dtype=np.float32)
        for start in range(0, len(credentials), 1024):
            block = credentials.canonical_vectors(list(range(start, min(start + 1024, len(credentials))))) @ titles
            floors[start : start + len(block)] = np.partition(block, -k, axis=1)[:, -k]
        return floors

    def role_links(
        self,
        target_text: str,
        skill_ids: Sequence[str],
        *,
        limit: int,
        floor: float,
        credential_ids: Sequence[str] | None = None,
    ) -> dict[str, tuple[float, dict[str, float]]]:
        """The credentials most about the target, each with its cosine to every given skill.

        Returns credential → (cosine to the target's text, skill → cosine between the credential's
        "title — tags" and the skill's labels) for at most ``limit`` credentials at or above ``floor``,
        most central first; with ``credential_ids``, for those of them at or above ``floor`` (a learner's
        held credentials). The planner links a credential to the target's gap skills in this context
        (``planning.offers.context_links``): a skill the role needs, named by a credential about that role.
        Empty when the credentials or skills index is not loaded.
        """
        credentials, skills = self.indexes.get("credentials"), self.indexes.get("skills")
        if credentials is None or skills is None or not target_text.strip() or limit <= 0:
            return {}
        query = self.encoder.encode([target_text])
        kept: list[tuple[int, str, float]]
        if credential_ids is None:
            found = credentials.search(query, limit)
            best = zip(found.positions[0], found.ids[0], found.scores[0], strict=True)
            kept = [(int(p), c, float(v)) for p, c, v in best]
        else:
            located = [(p, c) for c in credential_ids if (p := credentials.position(c)) is not None]
            scores = credentials.score_items(query, np.array([p for p, _ in located], dtype=np.int64))[0]
            kept = [(p, c, float(v)) for (p, c), v in zip(located, scores, strict=True)]
        kept = [item for item in kept if item[2] >= floor]
        positions = [(s, skills.position(s)) for s in skill_ids]
        known = [(s, p) for s, p in positions if p is not None]
        if not kept:
            return {}
        # The skill's preferred label only, not its best vector: ESCO gives dozens of skills one shared
        # description (every programming language: "The techniques and principles of software development..."),
        # so any software course sat at 0.5+ to Swift, Prolog and SAP R3 through it.
        cosines = (
            credentials.canonical_vectors([p for p, _, _ in kept]) @ skills.canonical_vectors([p for _, p in known]).T
        )
        # Rounded as one array: ~80 credentials x ~80 skills per recommendation, which one round() per
        # cosine made 2.7 ms of its CPU.
        rows: list[list[float]] = np.round(cosines.astype(np.float64), 4).tolist()
        ids = [s for s, _ in known]
        return {
            credential: (round(score, 4), dict(zip(ids, row, strict=True)))
            for (_, credential, score), row in zip(kept, rows, strict=True)
        }

    def match_occupations(
        self, titles: Sequence[str], top_k: int, taxonomy: str, should_stop: StopCheck | None = None
    ) -> views.OccupationMatchResponse:
        """Rank occupations for each job title, within one or both taxonomies.

        Each title is normalised first (``skills.titles.normalise_title``: seniority, schedule, pay, codes
        and gender tags off, abbreviations such as RN or UX spelled out). Within ESCO, a title that O*NET has
        word for word and ESCO does not puts first the ESCO occupations the crosswalk maps it onto, when the
        embedding ranks them near its best (``skills.title_crosswalk``; they carry ``via_onet``).
        """
        index = self._require("occupations")
        assert self._occupation_linker is not None  # noqa: S101
        if taxonomy not in self._taxonomy_masks:
            raise InvalidInputError(f"taxonomy must be esco, onet or all, not {taxonomy!r}")
        normalised = [normalise_title(title) for title in self._clean(titles, "titles")]
        favoured = [self.title_crosswalk.esco_for(title) if taxonomy == Taxonomy.ESCO else {} for title in normalised]
        ranking = self._occupation_linker.rank(
            normalised,
            # Deeper only when a title has crosswalk occupations to look for among the embedding's first few.
            max(top_k, CROSSWALK_DEPTH) if any(favoured) else top_k,
            allowed=self._taxonomy_masks[taxonomy],
            max_texts=MAX_ENCODED_TEXTS,
            should_stop=should_stop,
        )
        results = []
        for crosswalked, (positions, scores) in zip(favoured, ranking, strict=True):
            ids = [index.item_ids[p] for p in positions]
            order, promoted = crosswalk_order(ids, [float(s) for s in scores], crosswalked)
            matches = []
            for rank, i in enumerate(order[:top_k]):
                item = ids[i]
                # An id without a label (never, while the index matches the database) still names its taxonomy.
                label, kind = self.labels.occupations.get(item) or ("", _taxonomy_of(item))
                matches.append(
                    views.OccupationMatch(
                        occupation_id=item,
                        label=label,
                        taxonomy=kind,
                        score=round(float(scores[i]), 4),
                        via_onet=crosswalked[item] if rank < promoted else None,
                    )
                )
            results.append(views.OccupationMatchResult(matches=matches))
        return views.OccupationMatchResponse(results=results)


def _taxonomy_of(item_id: str) -> Taxonomy:
    return Taxonomy.ESCO if is_esco_id(item_id) else Taxonomy.ONET


def _open_index(engine: Engine, models_dir: Path, name: str, backend: VectorBackend) -> ItemIndex:
    if backend == VectorBackend.PGVECTOR:
        from credpath.services.pgvector_index import PgVectorIndex

        return PgVectorIndex.open(engine, name, index_dir(models_dir, name))
    return VectorIndex.load(index_dir(models_dir, name))


class _NoEncoder:
    """Stands in when no index is ready: nothing will be encoded, so no model is loaded."""

    name = "none"
    backend = "none"
    dim = 0

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> npt.NDArray[np.float32]:
        raise ArtifactError("no index is loaded")
