"""Which ESCO skills a catalogue credential teaches: candidates from its own text, features, a learned scorer.

Catalogue tags are scraped and noisy: a whole tag list can belong to another course ("Forex – Trading
Around the World" carries nine marketing tags), and a tag that matches an ESCO label well can still mean
something else in context ("System Security" in an IT-support certificate is not *building systems
monitoring technology*). So a tag, a title or a description sentence only *proposes* a skill; whether the
credential teaches it is decided from features that read the proposal in the credential's context (does
the tag fit the title, do the tags as a whole fit the title, how well does the skill fit the title, the
tag read with the title, the credential's profile), by a logistic model learned from hand-judged pairs
(``data/eval/alignment_judgments.jsonl``) and calibrated on a disjoint half of them. See
:mod:`credpath.skills.alignment_model` for the model and README *Credential → skill alignment* for figures.
"""

import functools
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from credpath.ml.encoder import Encoder
from credpath.ml.index import VectorIndex
from credpath.skills.linking import TextLinker

__all__ = [
    "CANDIDATE_RECIPE",
    "FEATURE_NAMES",
    "AlignmentCandidate",
    "CredentialText",
    "SkillFacts",
    "featurize",
    "supported",
]

# Bump when candidate generation, features or what is served change: every credential is then re-aligned.
CANDIDATE_RECIPE = "4"
# Candidates are proposed generously (the learned scorer decides): a tag's top skills from this score,
# the title's from this score, each title phrase's, and description mentions.
TAG_FLOOR = 0.68
TITLE_FLOOR = 0.70
TITLE_PHRASE_FLOOR = 0.75
DESCRIPTION_FLOOR = 0.65
_TAG_TOP = 3
_TITLE_TOP = 5
_PROFILE_TAGS = 8
# Descriptions say what they teach up front; the tail (instructor bios, outlines of each week) adds phrases to
# encode, not skills, and was most of the alignment run time. Only this many characters propose skills.
DESCRIPTION_EXTRACT_CHARS = 1000
# A tag counts as another witness for a skill from this score (the tag's own label match).
_WITNESS = 0.75

FEATURE_NAMES = (
    "title",
    "title_phrase",
    "title_words",
    "tag_best",
    "tag_words",
    "tag_top1",
    "tag_witnesses",
    "tag_position",
    "n_tags",
    "tag_idf",
    "tag_title",
    "coherence",
    "centroid",
    "profile",
    "description",
    "has_description",
    "skill_occupations",
    "transversal",
    "knowledge",
    "language",
    "meaning_profile",
    "meaning_title",
    "proposals",
    "hours",
    "hours_known",
)
# A skill whose label's content words mostly appear in the title (by stem) is named by the title even when
# the embeddings disagree ("Microsoft Business Analyst" → business analysis).
TITLE_WORDS_FLOOR = 0.6
_STOP = frozenset(
    "a an and the of for in on to with by at from use using apply manage perform".split()  # noqa: SIM905 - a word list
)
_WORD = re.compile(r"[^\W\d_]{3,}")
# Words of a name, keeping the symbols that tell skills apart (C++, C#, F#).
_NAME_WORD = re.compile(r"[\w+#]+")
_TITLE_SPLIT = re.compile(r"\s*(?::|\s[-–—|]\s|\bwith\b|\band\b|\bfor\b|,|&|\(|\))\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialText:
    """What the scorer reads of one credential: its title, catalogue tags and (trusted) description."""

    id: str
    title: str
    tags: tuple[str, ...] = ()
    description: str | None = None
    hours: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SkillFacts:
    """Catalogue-independent facts about skills and tags that the features need (by index position / tag)."""

    occupations: npt.NDArray[np.float64]
    transversal: npt.NDArray[np.bool_]
    knowledge: npt.NDArray[np.bool_]
    # Skills of ESCO's language collection ("Chinese", "understand written Spanish"): a course names the
    # language in its title yet teaches a first slice of it ("Mandarin Chinese Level 1"); judges call that
    # *partial* (4 of the first served audit's 47 non-yes pairs, 5 of the second's 27). As a feature it lifted
    # precision on the held-out second audit 0.820 -> 0.856, keeping 0.967 of its yes pairs (README, alignment).
    language: npt.NDArray[np.bool_]
    labels: Sequence[str] = ()
    # "label: ESCO description" per skill. A label can match by a word coincidence ("securities" for a
    # cyber-security course); the description says what the skill is, so its similarity to the credential
    # separates the two meanings (judged set: 0.60 for yes, 0.41 for no).
    meanings: Sequence[str] = ()
    tag_frequency: Mapping[str, int] = field(default_factory=dict)
    credentials: int = 1
    # Encoded meanings by index position, filled on first use and shared by every batch of a run.
    meaning_vectors: dict[int, npt.NDArray[np.float32]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AlignmentCandidate:
    """A skill proposed for a credential: where the proposal came from (in words) and its features."""

    credential_id: str
    item: int
    evidence: tuple[str, ...]
    features: npt.NDArray[np.float64]
    # The whole title is the skill's preferred label ("Graphic Design" → *graphic design*): served whatever
    # the score (see :func:`named_by_title`).
    named: bool = False


# Bounded: called for every (credential text, candidate label) pair, over a few thousand distinct labels and
# titles; caching makes a full alignment ~20% faster.
@functools.lru_cache(maxsize=65_536)
def _stems(text: str) -> frozenset[str]:
    return frozenset({w[:5] for w in (m.group(0).casefold() for m in _WORD.finditer(text)) if w not in _STOP})


def title_word_share(title: str, label: str) -> float:
    """Share of a skill label's content words whose stem (first five letters) the title also has.

    Example:
        >>> title_word_share("Microsoft Business Analyst", "business analysis")
        1.0
        >>> title_word_share("Google IT Support", "provide ICT system user support")
        0.2
    """
    wanted = _stems(label)
    return len(wanted & _stems(title)) / len(wanted) if wanted else 0.0


def _folded(text: str) -> str:
    return " ".join(m.group(0) for m in _NAME_WORD.finditer(unicodedata.normalize("NFKD", text).casefold()))


def named_by_title(title: str, label: str) -> bool:
    """Whether a credential's whole title is the skill's label, up to case, accents and punctuation.

    Such a pair is served whatever the scorer says. On the judged pairs all 35 of half A and all 20 of half B
    are *yes*; the scorer, fitted to distrust short titles of short courses, put a 12-hour badge titled "SQL"
    at 0.905 against a threshold of 0.910. Alternative labels are not enough ("Project Management" is one of
    *project commissioning*'s, judged *no*).

    Example:
        >>> named_by_title("Graphic Design", "graphic design"), named_by_title("SQL", "SQL")
        (True, True)
        >>> named_by_title("SQL for Data Science", "SQL"), named_by_title("C#", "C++")
        (False, False)
    """
    folded = _folded(title)
    return bool(folded) and folded == _folded(label)


def supported(features: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Which candidates the credential's own title or description names (rows of :func:`featurize` features).

    A tag alone never suffices: scraped tag lists are too often another course's or a buzzword list,
    and on the judged pairs no tag-only rule reached the precision a served alignment needs.
    """
    column = {name: i for i, name in enumerate(FEATURE_NAMES)}
    title = features[:, column["title"]] >= TITLE_FLOOR
    phrase = features[:, column["title_phrase"]] >= TITLE_PHRASE_FLOOR
    words = features[:, column["title_words"]] >= TITLE_WORDS_FLOOR
    described = (features[:, column["has_description"]] > 0) & (features[:, column["description"]] >= DESCRIPTION_FLOOR)
    out: npt.NDArray[np.bool_] = title | phrase | words | described
    return out


def title_phrases(title: str) -> list[str]:
    """The parts of a title that can each name a skill ("SQL for Data Science" → "SQL", "Data Science").

    Example:
        >>> title_phrases("Data Visualization and Building Dashboards with Excel and Cognos")
        ['Data Visualization', 'Building Dashboards', 'Excel', 'Cognos']
    """
    parts = [p.strip(" .-–—") for p in _TITLE_SPLIT.split(title)]
    found = [p for p in parts if sum(c.isalpha() for c in p) >= 2]
    return found if len(found) > 1 else []


def featurize(
    linker: TextLinker,
    credentials: Sequence[CredentialText],
    facts: SkillFacts,
    *,
    extra: Mapping[str, Sequence[int]] | None = None,
) -> list[AlignmentCandidate]:
    """Propose skills for each credential and compute the scorer's features for each proposal.

    Args:
        linker: the skills linker (encoder + skills index).
        credentials: the credentials to align.
        facts: skill and tag facts (see :class:`SkillFacts`).
        extra: skills (index positions) to featurise for a credential even if nothing proposes them
            (the hand-judged pairs, so the scorer can be fitted on exactly what was judged).

    Returns:
        One candidate per (credential, proposed skill), features in :data:`FEATURE_NAMES` order.
    """
    encoder: Encoder = linker.encoder
    extra = extra or {}
    tags = sorted({t for c in credentials for t in c.tags})
    tag_vectors = dict(zip(tags, encoder.encode(tags), strict=True)) if tags else {}
    tag_top = {
        tag: list(zip(positions.tolist(), scores.tolist(), strict=True))
        for tag, (positions, scores) in zip(tags, _top(linker, [tag_vectors[t] for t in tags], _TAG_TOP), strict=True)
    }
    titles = [c.title for c in credentials]
    title_vectors = encoder.encode(titles)
    title_top = _top(linker, list(title_vectors), _TITLE_TOP)
    phrase_lists = [title_phrases(c.title) for c in credentials]
    flat_phrases = sorted({p for ps in phrase_lists for p in ps})
    phrase_vectors = dict(zip(flat_phrases, encoder.encode(flat_phrases), strict=True)) if flat_phrases else {}
    phrase_top = dict(zip(flat_phrases, _top(linker, [phrase_vectors[p] for p in flat_phrases], 2), strict=True))
    profiles = encoder.encode([f"{c.title}. {', '.join(c.tags[:_PROFILE_TAGS])}" for c in credentials])
    leads = {c.id: c.description[:400] for c in credentials if c.description}
    lead_vectors = dict(zip(leads, encoder.encode(list(leads.values())), strict=True)) if leads else {}
    proposals = [
        _proposals(
            linker,
            credential,
            tag_top=tag_top,
            title_top=title_top[position],
            phrase_top=[(phrase, phrase_top[phrase]) for phrase in phrase_lists[position]],
            extra=extra.get(credential.id, ()),
        )
        for position, credential in enumerate(credentials)
    ]
    _encode_meanings(encoder, facts, {item for proposed in proposals for item in proposed})
    out: list[AlignmentCandidate] = []
    for position, (credential, proposed) in enumerate(zip(credentials, proposals, strict=True)):
        if not proposed:
            continue
        items = np.array(sorted(proposed), dtype=np.int64)
        features = _features(
            linker,
            credential,
            items,
            title_vector=title_vectors[position],
            profile=profiles[position],
            tag_vectors=tag_vectors,
            tag_top=tag_top,
            phrase_vectors=[phrase_vectors[p] for p in phrase_lists[position]],
            lead=lead_vectors.get(credential.id),
            facts=facts,
        )
        for column, item in enumerate(items):
            label = facts.labels[int(item)] if int(item) < len(facts.labels) else ""
            out.append(
                AlignmentCandidate(
                    credential.id,
                    int(item),
                    tuple(proposed[int(item)]),
                    features[column],
                    named=named_by_title(credential.title, label),
                )
            )
    return out


def _proposals(
    linker: TextLinker,
    credential: CredentialText,
    *,
    tag_top: Mapping[str, list[tuple[int, float]]],
    title_top: tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]],
    phrase_top: Sequence[tuple[str, tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]]],
    extra: Sequence[int],
) -> dict[int, list[str]]:
    """The skills one credential's tags, title, title phrases and description propose, with the evidence."""
    proposed: dict[int, list[str]] = {}
    for tag in credential.tags:
        for item, score in tag_top.get(tag, []):
            if score >= TAG_FLOOR:
                proposed.setdefault(item, []).append(f"tag '{tag}' ({score:.2f})")
    for item, score in zip(*title_top, strict=True):
        if score >= TITLE_FLOOR:
            proposed.setdefault(int(item), []).append(f"title ({score:.2f})")
    for phrase, (items, scores) in phrase_top:
        for item, score in zip(items, scores, strict=True):
            if score >= TITLE_PHRASE_FLOOR:
                proposed.setdefault(int(item), []).append(f"title phrase '{phrase}' ({score:.2f})")
    if credential.description:
        for mention in linker.extract(credential.description[:DESCRIPTION_EXTRACT_CHARS], DESCRIPTION_FLOOR):
            proposed.setdefault(mention.item, []).append(
                f"description '{mention.phrase.text[:60]}' ({mention.score:.2f})"
            )
    for item in extra:
        proposed.setdefault(int(item), [])
    return proposed


def _meaning_scores(
    facts: SkillFacts,
    items: npt.NDArray[np.int64],
    profile: npt.NDArray[np.float32],
    title_vector: npt.NDArray[np.float32],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Similarity of each skill's meaning (label and ESCO description) to the credential's profile and title."""
    if not facts.meanings:
        return np.zeros(len(items)), np.zeros(len(items))
    meanings = np.stack([facts.meaning_vectors[int(i)] for i in items]).astype(np.float64)
    return meanings @ profile.astype(np.float64), meanings @ title_vector.astype(np.float64)


def _encode_meanings(encoder: Encoder, facts: SkillFacts, items: set[int]) -> None:
    missing = sorted(i for i in items if i not in facts.meaning_vectors)
    if not missing or not facts.meanings:
        return
    vectors = encoder.encode([facts.meanings[i] for i in missing])
    facts.meaning_vectors.update(zip(missing, vectors, strict=True))


def _top(
    linker: TextLinker, vectors: Sequence[npt.NDArray[np.float32]], k: int
) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]]:
    """Best ``k`` skills for each short text, matched whole (as :meth:`TextLinker.rank` without phrases).

    Texts go to the index in blocks, scored exactly: one matrix product per block, far faster for
    thousands of tags than one (approximate) search per text.
    """
    out: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]] = []
    index = linker.index
    # Alignment runs offline on the in-process index; another backend answers through its own search.
    search = index.search_exact if isinstance(index, VectorIndex) else index.search
    for start in range(0, len(vectors), 256):
        found = search(np.stack(vectors[start : start + 256]), k)
        out += [
            (np.asarray(p, dtype=np.int64), np.asarray(s, dtype=np.float32))
            for p, s in zip(found.positions, found.scores, strict=True)
        ]
    return out


def _features(
    linker: TextLinker,
    credential: CredentialText,
    items: npt.NDArray[np.int64],
    *,
    title_vector: npt.NDArray[np.float32],
    profile: npt.NDArray[np.float32],
    tag_vectors: Mapping[str, npt.NDArray[np.float32]],
    tag_top: Mapping[str, list[tuple[int, float]]],
    phrase_vectors: list[npt.NDArray[np.float32]],
    lead: npt.NDArray[np.float32] | None,
    facts: SkillFacts,
) -> npt.NDArray[np.float64]:
    """``(len(items), len(FEATURE_NAMES))`` features of one credential's proposed skills."""
    n = len(items)
    tags = list(credential.tags)
    matrix = np.stack([tag_vectors[t] for t in tags]) if tags else np.zeros((0, len(title_vector)), np.float32)
    centroid = matrix.mean(axis=0) if tags else title_vector
    centroid = centroid / max(float(np.linalg.norm(centroid)), 1e-9)
    # Every query of this credential scored against its proposed skills in one product:
    # rows are title, profile, centroid, description lead, title phrases, tags.
    fixed = [title_vector, profile, centroid, lead if lead is not None else title_vector]
    scores = linker.index.score_items(np.stack([*fixed, *phrase_vectors, *matrix]), items)
    title, profile_scores, centroid_scores = scores[0], scores[1], scores[2]
    description = scores[3] if lead is not None else np.zeros(n)
    phrase = scores[4 : 4 + len(phrase_vectors)].max(axis=0) if phrase_vectors else title
    if tags:
        tag_scores = scores[4 + len(phrase_vectors) :]
        best_row = tag_scores.argmax(axis=0)
        tag_best = tag_scores.max(axis=0)
        witnesses = (tag_scores >= _WITNESS).sum(axis=0)
        coherence = float(centroid @ title_vector)
        best_tags = [tags[int(r)] for r in best_row]
        top1 = np.array(
            [
                any(item == p and s >= tag_top[t][0][1] - 0.01 for p, s in tag_top.get(t, [])[:2])
                for item, t in zip(items, best_tags, strict=True)
            ],
            dtype=np.float64,
        )
        idf = np.array(
            [math.log(facts.credentials / (1 + facts.tag_frequency.get(t.casefold(), 0))) for t in best_tags]
        )
        position = best_row / max(len(tags), 1)
        tag_title_best = (matrix @ title_vector)[best_row]
    else:
        tag_best = witnesses = top1 = idf = position = tag_title_best = np.zeros(n)
        coherence = 1.0
    columns = [
        title,
        phrase,
        np.array([title_word_share(credential.title, facts.labels[i]) if facts.labels else 0.0 for i in items]),
        tag_best,
        np.array(
            [
                max((title_word_share(t, facts.labels[i]) for t in tags), default=0.0) if facts.labels else 0.0
                for i in items
            ]
        ),
        top1,
        np.log1p(witnesses),
        position,
        np.full(n, math.log1p(len(tags))),
        idf,
        tag_title_best,
        np.full(n, coherence),
        centroid_scores,
        profile_scores,
        description,
        np.full(n, float(lead is not None)),
        np.log1p(facts.occupations[items]),
        facts.transversal[items].astype(np.float64),
        facts.knowledge[items].astype(np.float64),
        facts.language[items].astype(np.float64),
        *_meaning_scores(facts, items, profile, title_vector),
        np.full(n, math.log1p(n)),
        # A one-hour guided project touches a skill; judges call it "partial" even when it is the topic.
        np.full(n, math.log1p(credential.hours or 0.0)),
        np.full(n, float(credential.hours is not None)),
    ]
    return np.stack([np.asarray(c, dtype=np.float64) for c in columns]).T
