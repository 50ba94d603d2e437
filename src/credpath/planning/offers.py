"""From the aligned catalogue to a recommendation: candidate offers, the plan, alternatives, readiness, totals.

:func:`select_candidates` decides which credentials may be recommended to *this* learner:

- in a language the learner studies in (explicitly asked-for languages override the learner's);
- micro-credential sized: degrees, master's tracks, postgraduate diplomas, graduate certificates and
  MicroMasters programmes, and anything over :data:`MICRO_CREDENTIAL_HOURS`, only when ``kinds`` asks;
  never a capstone, which presupposes the rest of its programme; one-to-two-hour guided projects
  (:data:`TASTER_KINDS`) are tasters, also only when ``kinds`` asks;
- teaching a gap skill, directly or through a narrower skill (a course on *SQL* for the requirement
  *query languages* closes it at :data:`NARROWER_CREDIT` of its confidence, as for a learner's skills);
- pitched at the learner: for a beginner, an intermediate offer counts :data:`LEVEL_FIT` of its
  confidence and an advanced one less, so a beginner offer that closes the same skill wins;
- once per offering: listings of the same course in several catalogues or under name variants
  (``offering_key``) collapse to the listing that teaches the most gap skills.

:func:`recommend_pathway` then keeps only offers that close a meaningful part of an *essential* gap
skill (:data:`MIN_ESSENTIAL_GAIN`; optional-skill crumbs never make a step), plans the pathway
(``pathways.plan_pathway``), drops steps whose essential contribution the others already made,
ranks a few alternatives for the next step, and sums what the pathway costs and how ready it leaves
the learner. The service reads the catalogue and the labels, calls it, and turns the result into the
response.
"""

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from credpath.planning.gaps import GapAnalysis
from credpath.planning.pathways import Budget, Offer, coverage_value, plan_pathway
from credpath.vocabulary import RelationType

__all__ = [
    "ALTERNATIVES",
    "CONTEXT_CONFIDENCE",
    "FIELD_RANK",
    "FULL_RELEVANCE",
    "LEVEL_FIT",
    "LINK_FLOOR",
    "MICRO_CREDENTIAL_HOURS",
    "MIN_ESSENTIAL_GAIN",
    "MIN_RELEVANCE",
    "NARROWER_CREDIT",
    "NEAR_RANK",
    "NEAR_ROLE_FLOOR",
    "PROFILE_FLOOR",
    "PROFILE_TOP",
    "PROGRAMME_KINDS",
    "ROLE_CANDIDATES",
    "ROLE_FLOOR",
    "TASTER_KINDS",
    "CredentialOffer",
    "OfferCatalogue",
    "OfferFilters",
    "PathwayPlan",
    "PlannedStep",
    "context_links",
    "cost_known",
    "named_links",
    "offering_key",
    "pitched_level",
    "priced_in_other_currencies",
    "quotes_name",
    "recommend_pathway",
    "relevance_credit",
    "required_name",
    "select_candidates",
    "title_key",
]

# Alternatives to the first step shown beside it.
ALTERNATIVES = 3
# Programmes that are not "the next micro-credential": recommended only when the request's kinds ask.
PROGRAMME_KINDS = frozenset({"degree", "mastertrack", "postgraduate_diploma", "graduate_certificate", "micromasters"})
# One-to-two-hour guided projects are tasters, not micro-credentials: recommended only when the kinds ask. Of the
# 14 such steps judged on the personas (README, Recommendations), none was relevant: 7 weak, 7 wrong.
TASTER_KINDS = frozenset({"guided_project", "project"})
# Anything longer is a programme too (a 195-hour professional certificate is not; a 1,040-hour MSc is).
MICRO_CREDENTIAL_HOURS = 400.0
# A credential teaching a narrower skill closes the broader requirement at this share (as gaps.NARROWER_CREDIT).
NARROWER_CREDIT = 0.75
# For a beginner: how much of its confidence an offer pitched above them counts. Level-less offers count fully.
LEVEL_FIT: Mapping[str, Mapping[str, float]] = {
    "beginner": {"intermediate": 0.85, "advanced": 0.5},
    "intermediate": {"advanced": 0.85},
}
# A step must close at least this share of one essential gap skill (weight x confidence x remaining).
MIN_ESSENTIAL_GAIN = 0.3
# A credential must also be about the target as a whole: cosine between the target occupation's text and the
# credential's "title — tags" at least this. On the 186 judged steps of the persona benchmark's first run,
# below 0.3 sat 1 of 16 steps judged relevant and 89 of 110 judged wrong (README, Recommendations).
MIN_RELEVANCE = 0.35
# Above the floor, how much a credential is about the target scales the confidence it closes gap skills with,
# reaching full credit at this cosine: of two credentials teaching the same essential skill, the one whose
# subject is the target role wins over a neighbouring subject that mentions the skill (a statistics course for
# a GIS specialist).
FULL_RELEVANCE = 0.65
# Links in context. Most of the catalogue serves no alignment (a tag alone never suffices, see
# ``skills.alignment.supported``), yet a credential whose subject *is* the target role teaches that role's
# skills: the ROLE_CANDIDATES credentials nearest the target's text, at cosine >= ROLE_FLOOR, are linked to
# each gap skill whose labels sit at cosine >= LINK_FLOOR to their "title — tags", with CONTEXT_CONFIDENCE.
# The same tag that is noise in a random course ("System Security" → building systems) is evidence in a
# course about the role; both floors and the confidence were chosen on the persona benchmark (README).
ROLE_CANDIDATES = 80
# A credential is for the target's field when the target is among its FIELD_RANK nearest occupations (of ~3,000
# ESCO ones; ``SemanticService.in_field``). Of the 458 steps judged on the first 63 personas (every planner
# version), those whose credential ranks the target beyond 50th were 93 wrong, 34 weak and 2 relevant; within
# the first 10, 37 wrong, 141 weak and 63 relevant (README, Recommendations).
FIELD_RANK = 50
# A credential must also sit near the role's work, not only its name: the mean cosine between its vector and the
# PROFILE_TOP nearest of the target's essential skills (preferred labels) at least PROFILE_FLOOR
# (``SemanticService.skill_profile``). "Building a Lean Startup" ranks *lean manager* first among occupations (the
# word) and sits at 0.35 to its skills; "Automation and Scripting with Python", *automation engineering
# technician*'s nearest credential by name, at 0.45. Of the 344 steps judged on the 63 personas that pass the
# field and relevance floors (every planner version), under 0.45 sat 21 wrong, 29 weak and 3 relevant ones;
# chosen there (README, Recommendations), then run once on the held-out personas.
PROFILE_TOP = 3
PROFILE_FLOOR = 0.45
ROLE_FLOOR = 0.5
LINK_FLOOR = 0.5
# Some roles are worded far from their catalogue: "Designing and Developing an Online Course" sits at 0.499 to
# the text of *instructional designer*, "50-hour English Language Teaching Methodology" at 0.40 to *language
# school teacher*, yet the role is among each credential's own 3 nearest occupations. Such a credential counts as
# about the target from NEAR_ROLE_FLOOR up (its links still need LINK_FLOOR). Chosen on the persona benchmark
# (3 or 5 nearest, floor 0.35 or 0.40; README) and checked once on the held-out personas.
NEAR_RANK = 3
NEAR_ROLE_FLOOR = 0.4
# The catalogue's nearest credentials to the role's text count as about it from NEAR_ROLE_FLOOR up too, however
# the role's own wording sits: "Procurement & Sourcing Introduction" is the nearest credential to *purchaser*
# (0.496), "Foundations of Teaching for Learning: Curriculum" to *primary school teacher* (0.475), and each was
# an adviser's pick that the planner abstained without. On the 63 personas the nearest 1 turned 3 abstentions
# into relevant steps and added one more (75 -> 79 steps, no new weak or wrong one); the nearest 2 added a step
# where the adviser would abstain. Floors of 0.35-0.45 gave the same steps. Checked once on the held-out
# personas: one abstention became a relevant step.
NEAREST_ABOUT = 1
CONTEXT_CONFIDENCE = 0.6
# A skill whose label is a name (see required_name): its parenthesised qualifier, and what makes a word a name.
_QUALIFIER = re.compile(r"\([^)]*\)")
_NAME_CHARACTER = re.compile(r"[A-Z0-9+#]")
# A capstone is the last course of a programme and presupposes the others: never a next step on its own.
_CAPSTONE = re.compile(r"\bcapstone\b", re.IGNORECASE)
_MARKERS = re.compile(
    r"\((?:DE|PT|ES|FR)\)|\((?:deutsch|español|português|français)\)|\s+(?:en|em)\s+(?:español|português|français)\b.*$",
    re.IGNORECASE,
)
_PROVIDER_NOISE = re.compile(r"\b(?:the|at|of)\b", re.IGNORECASE)
# A title that says who it is for overrides a catalogue level that says less ("ASP.NET for Experienced
# Developers" is listed as intermediate): such offers are pitched at advanced learners.
_ADVANCED_TITLE = re.compile(r"\b(?:advanced|for experienced|for experts?|expert-level|avanzad[oa])\b", re.IGNORECASE)
_LEVEL_ORDER = ("beginner", "intermediate", "advanced")


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialOffer:
    """An active credential as the planner sees it: what it is, its size, and skill → alignment confidence."""

    id: str
    title: str
    provider: str
    kind: str
    level: str | None
    hours: float | None
    cost: float | None
    reviews: int | None
    canonical_key: str
    url: str | None
    teaches: Mapping[str, float]
    language: str | None = None
    currency: str | None = None
    # The length as the catalogue published it ("1 - 3 Months"); ``hours`` is our estimate from it.
    duration_text: str | None = None
    # Gap skills it closes only through links made in the target's context (set by :func:`select_candidates`).
    context_skills: frozenset[str] = frozenset()
    # Its own words (title, tags, description), which a link in context to a named skill must quote.
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferFilters:
    """Which offers a learner accepts; empty means any. Providers compare case-insensitively.

    ``languages``: ISO 639-1 codes the learner studies in (empty: any). ``learner_level``: the learner's
    level, for :data:`LEVEL_FIT`. ``parents``: skill → broader skills, for narrower-skill credit.
    ``relevance``: credential → how much it is about the target (``None``: not measured, no floor).
    ``context``: credential → gap skill → confidence of links made in the target's context (:func:`context_links`).
    """

    kinds: Collection[str] = ()
    providers: Collection[str] = ()
    levels: Collection[str] = ()
    exclude: Collection[str] = ()
    languages: Collection[str] = ()
    learner_level: str | None = None
    max_programme_hours: float = MICRO_CREDENTIAL_HOURS
    parents: Mapping[str, frozenset[str]] = field(default_factory=dict)
    relevance: Mapping[str, float] | None = None
    min_relevance: float = MIN_RELEVANCE
    full_relevance: float = FULL_RELEVANCE
    context: Mapping[str, Mapping[str, float]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """One credential of the plan (or an alternative): gap closed per skill, largest first, and in total."""

    offer: CredentialOffer
    covers: list[tuple[str, float]]
    gain: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PathwayPlan:
    """The ordered steps, the best alternatives to the first, readiness before/after, totals, and the untaught.

    ``uncovered`` holds (gap skill, weight) for gap skills no candidate teaches, heaviest first.
    """

    steps: list[PlannedStep]
    alternatives: list[PlannedStep]
    readiness_before: float
    readiness_after: float
    total_hours: float
    total_cost: float | None
    uncovered: list[tuple[str, float]]
    currency: str | None = None
    cost_by_currency: dict[str, float] = field(default_factory=dict)


class OfferCatalogue:
    """The aligned catalogue indexed by skill, so a request reads only the offers teaching its gaps.

    Example:
        >>> sql = CredentialOffer(id="c1", title="SQL", provider="U", kind="course", level=None, hours=10.0,
        ...     cost=None, reviews=None, canonical_key="k1", url=None, teaches={"sql": 0.9})
        >>> [offer.id for offer in OfferCatalogue([sql]).teaching(["sql", "excel"])]
        ['c1']
    """

    def __init__(self, offers: Sequence[CredentialOffer]) -> None:
        self.offers = _one_language_per_offering(offers)
        self._by_id = {offer.id: offer for offer in self.offers}
        self._by_skill: dict[str, list[CredentialOffer]] = {}
        for offer in self.offers:
            for skill in offer.teaches:
                self._by_skill.setdefault(skill, []).append(offer)

    def get(self, credential_ids: Iterable[str]) -> list[CredentialOffer]:
        """The offers with these ids (unknown or inactive ids are skipped), in the order given."""
        return [self._by_id[c] for c in credential_ids if c in self._by_id]

    def teaching(self, skills: Iterable[str]) -> list[CredentialOffer]:
        """Offers teaching any of ``skills``, each once, in the order the skills first reach them."""
        found: dict[str, CredentialOffer] = {}
        for skill in skills:
            for offer in self._by_skill.get(skill, ()):
                found[offer.id] = offer
        return list(found.values())


def _one_language_per_offering(offers: Sequence[CredentialOffer]) -> list[CredentialOffer]:
    """Listings of one offering (same provider, same title) that disagree on its language take the other one.

    One title is written in one language, and English is what a listing gets when nothing says otherwise
    (``sources.languages``): "Marketing en redes sociales de Meta" was ``es`` from one catalogue, whose
    description the detector read, and ``en`` from another with no description, so English learners got it.
    Only a single other language is taken; a listing without a language counts as English, as in the filter.
    """
    keys = [(_fold(offer.provider), _fold(offer.title)) for offer in offers]
    languages: dict[tuple[str, str], set[str]] = {}
    for key, offer in zip(keys, offers, strict=True):
        languages.setdefault(key, set()).add(offer.language or "en")
    out = []
    for key, offer in zip(keys, offers, strict=True):
        others = languages[key] - {"en"}
        out.append(
            replace(offer, language=others.pop()) if (offer.language or "en") == "en" and len(others) == 1 else offer
        )
    return out


def offering_key(offer: CredentialOffer) -> str:
    """One key per offering across catalogues, language versions and provider-name variants.

    Example:
        >>> a = CredentialOffer(id="a", title="Accounting Data Analytics", provider="University of Illinois at "
        ...     "Urbana-Champaign", kind="course", level=None, hours=None, cost=None, reviews=None,
        ...     canonical_key="x", url=None, teaches={})
        >>> b = replace(a, id="b", provider="University of Illinois Urbana-Champaign", canonical_key="y")
        >>> offering_key(a) == offering_key(b)
        True
    """
    return _offering_key(offer.provider, offer.title)


# Keys are asked for every offer a pathway weighs (~9,000 calls a recommendation); the catalogue's titles
# and providers are few enough (~5,000 offers) to keep every key they fold to.
@lru_cache(maxsize=65_536)
def _offering_key(provider: str, title: str) -> str:
    return f"{_fold(_PROVIDER_NOISE.sub('', provider))}|{_fold(_MARKERS.sub('', title))}"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text.casefold() if c.isalnum())


def pitched_level(offer: CredentialOffer) -> str | None:
    """The level an offer is pitched at: the catalogue's, raised to *advanced* when its title says so.

    Example:
        >>> asp = CredentialOffer(id="a", title="ASP.NET for Experienced Developers", provider="U",
        ...     kind="course", level="intermediate", hours=None, cost=None, reviews=None, canonical_key="a",
        ...     url=None, teaches={})
        >>> pitched_level(asp), pitched_level(replace(asp, title="ASP.NET"))
        ('advanced', 'intermediate')
    """
    if _ADVANCED_TITLE.search(offer.title) and offer.level in (None, *_LEVEL_ORDER[:2]):
        return "advanced"
    return offer.level


def title_key(offer: CredentialOffer) -> str:
    """The title folded to letters and digits: two offerings under one title make one step of a pathway.

    Example:
        >>> a = CredentialOffer(id="a", title="Agile Project Management", provider="Google", kind="course",
        ...     level=None, hours=None, cost=None, reviews=None, canonical_key="a", url=None, teaches={})
        >>> title_key(a) == title_key(replace(a, id="b", title="Agile  project management", provider="CU"))
        True
    """
    return _title_key(offer.title)


@lru_cache(maxsize=65_536)
def _title_key(title: str) -> str:
    return _fold(_MARKERS.sub("", title))


def _wanted(offer: CredentialOffer, budget: Budget, filters: OfferFilters, providers: set[str]) -> bool:
    kinds, levels = set(filters.kinds), set(filters.levels)
    if offer.id in filters.exclude or (kinds and offer.kind not in kinds) or (levels and offer.level not in levels):
        return False
    if providers and offer.provider.casefold() not in providers:
        return False
    if filters.languages and (offer.language or "en") not in filters.languages:
        return False
    if filters.relevance is not None and filters.relevance.get(offer.id, 0.0) < filters.min_relevance:
        return False
    if _CAPSTONE.search(offer.title):
        return False
    programme = offer.kind in PROGRAMME_KINDS or (offer.hours or 0.0) > filters.max_programme_hours
    if (programme or offer.kind in TASTER_KINDS) and offer.kind not in kinds:
        return False
    # A budget can only be respected for credentials whose size is known.
    return not (
        (budget.max_hours is not None and offer.hours is None)
        or (budget.max_cost is not None and not cost_known(offer, budget))
    )


def cost_known(offer: CredentialOffer, budget: Budget) -> bool:
    """Whether an offer's cost is known in the budget's currency (free is free in any currency).

    Example:
        >>> euro = CredentialOffer(id="c1", title="SQL", provider="U", kind="course", level=None, hours=None,
        ...     cost=80.0, currency="EUR", reviews=None, canonical_key="k1", url=None, teaches={})
        >>> [cost_known(euro, Budget(max_cost=100, currency=code)) for code in ("EUR", "USD")]
        [True, False]
    """
    if offer.cost is None:
        return False
    return offer.cost == 0 or budget.currency is None or offer.currency == budget.currency


def priced_in_other_currencies(offers: Iterable[CredentialOffer], budget: Budget) -> list[str]:
    """Ids of priced offers a cost budget cannot count because they are priced in another currency."""
    if budget.max_cost is None:
        return []
    return [o.id for o in offers if o.cost is not None and not cost_known(o, budget)]


def _totals(offers: Sequence[CredentialOffer]) -> tuple[float | None, str | None, dict[str, float]]:
    """The pathway's total cost and its currency, and the total per currency (``unknown``: a price without one).

    The total is None when a step's price is unknown or the steps are priced in more than one currency
    (sums per currency are given instead: no exchange rate is assumed).
    """
    by_currency: dict[str, float] = {}
    codes = {offer.currency for offer in offers if offer.cost}
    for offer in offers:
        if offer.cost:
            code = offer.currency or "unknown"
            by_currency[code] = round(by_currency.get(code, 0.0) + offer.cost, 2)
    if any(offer.cost is None for offer in offers) or len(codes) > 1:
        return None, None, by_currency
    currency = next(iter(codes), None)
    return round(sum(offer.cost or 0.0 for offer in offers), 2), currency, by_currency


def relevance_credit(credential_id: str, filters: OfferFilters) -> float:
    """Share of its confidence an offer counts with, by how much it is about the target (1.0 when unmeasured).

    Example:
        >>> filters = OfferFilters(relevance={"gis": 0.67, "stats": 0.52})
        >>> relevance_credit("gis", filters), relevance_credit("stats", filters)
        (1.0, 0.8)
    """
    if filters.relevance is None or filters.full_relevance <= 0:
        return 1.0
    return min(1.0, filters.relevance.get(credential_id, 0.0) / filters.full_relevance)


def _gap_teaching(
    offer: CredentialOffer, gaps: Mapping[str, tuple[float, float]], filters: OfferFilters
) -> dict[str, float]:
    """Gap skill → confidence the offer closes it with, via the skill itself or a narrower one, level-fitted."""
    fit = LEVEL_FIT.get(filters.learner_level or "", {}).get(pitched_level(offer) or "", 1.0) * relevance_credit(
        offer.id, filters
    )
    teaches: dict[str, float] = {}
    for skill, confidence in offer.teaches.items():
        if skill in gaps:
            teaches[skill] = max(teaches.get(skill, 0.0), confidence * fit)
        # Sorted: a set's order changes with each process's hash seed, and so would the order of ties.
        for parent in sorted(filters.parents.get(skill, ())):
            if parent in gaps:
                teaches[parent] = max(teaches.get(parent, 0.0), NARROWER_CREDIT * confidence * fit)
    for skill, confidence in filters.context.get(offer.id, {}).items():
        if skill in gaps:
            teaches[skill] = max(teaches.get(skill, 0.0), confidence * fit)
    return teaches


def _context_only(offer: CredentialOffer, teaches: Mapping[str, float], filters: OfferFilters) -> frozenset[str]:
    """The skills of ``teaches`` that no served alignment of the offer reaches, itself or through a narrower one."""
    served = set(offer.teaches) | {p for skill in offer.teaches for p in filters.parents.get(skill, ())}
    return frozenset(s for s in teaches if s not in served and s in filters.context.get(offer.id, {}))


def context_links(
    fits: Mapping[str, tuple[float, Mapping[str, float]]],
    *,
    role_floor: float = ROLE_FLOOR,
    link_floor: float = LINK_FLOOR,
    confidence: float = CONTEXT_CONFIDENCE,
) -> dict[str, dict[str, float]]:
    """Credential → gap skill → confidence, for credentials about the target and skills their text names.

    Args:
        fits: credential → (cosine to the target, gap skill → cosine to the credential), as
            ``SemanticService.role_links`` gives them.
        role_floor: how much a credential must be about the target (:data:`ROLE_FLOOR`).
        link_floor: how close its text must be to a skill (:data:`LINK_FLOOR`).
        confidence: the confidence each link closes its skill with (:data:`CONTEXT_CONFIDENCE`).

    Example:
        >>> context_links({"gis": (0.67, {"gis": 0.72, "sql": 0.3}), "stats": (0.4, {"gis": 0.6})})
        {'gis': {'gis': 0.6}}
    """
    out: dict[str, dict[str, float]] = {}
    for credential, (relevance, cosines) in fits.items():
        links = {skill: confidence for skill, cosine in cosines.items() if cosine >= link_floor}
        if relevance >= role_floor and links:
            out[credential] = links
    return out


def required_name(label: str) -> str | None:
    """What a credential's own text must hold to be linked in context to a skill that is a name.

    A name is a label of at most two words, its parenthesised qualifier aside, with a capital, a digit or
    ``+#`` ("Python (computer programming)", "ASP.NET", "Adobe Photoshop", "SAS language"). What must be
    quoted runs from its first such word to its last: "SQL Server", not "Server", which any course on servers
    holds (as "Unreal Engine", "Windows Phone", "Objective-C" do not reduce to "Engine", "Phone", "C"); a
    leading verb ("write", "compile") or trailing common noun ("language") is not part of it. Names embed
    close to each other, so a course on one language sits at 0.5+ to the labels of others ("C++: Algorithms"
    → *Java*, "HTML, CSS, and Javascript" → *JSSS*), which no reader takes for what it teaches. Of the 40
    judged label links (``data/eval/context_link_judgments.jsonl``), 7 were to names: the 4 judged wrong did
    not quote the name, the 3 judged right did.

    Example:
        >>> [required_name(x) for x in ("Python (computer programming)", "SQL Server", "write Hungarian",
        ...     "compile GIS-data", "computer programming")]
        ['Python', 'SQL Server', 'Hungarian', 'GIS', None]
    """
    words = [_name_in(word) for word in _QUALIFIER.sub(" ", label).split()]
    if len(words) > 2:
        return None
    named = [i for i, word in enumerate(words) if word is not None]
    return " ".join(w for w in words[named[0] : named[-1] + 1] if w) if named else None


def _name_in(word: str) -> str | None:
    """The name a word of a label holds: the word, or a compound's named part ("GIS-data" names GIS).

    A compound stays whole when every part is a name ("Objective-C") or its named part is one letter ("V-belts").
    """
    parts = word.split("-")
    named = [part for part in parts if _NAME_CHARACTER.search(part)]
    if not named:
        return None
    if len(named) == len(parts) or all(len(part) < 2 for part in named):
        return word
    return "-".join(named)


def quotes_name(text: str, name: str) -> bool:
    """Whether ``text`` holds ``name`` as words of their own, ignoring case ("C" is not found in "C++").

    Spaces and hyphens inside the name match either ("GIS-data" is quoted by "GIS data", "Objective C" by
    "Objective-C").

    Example:
        >>> quotes_name("Introduction to C++ and Python", "c++"), quotes_name("JavaScript basics", "Java")
        (True, False)
        >>> quotes_name("Windows Server administration", "SQL Server"), quotes_name("GIS data capture", "GIS-data")
        (False, True)
    """
    pattern = r"[\s\-]+".join(r"[\s\-]?".join(re.escape(part) for part in word.split("-")) for word in name.split())
    return re.search(rf"(?<![\w+#.]){pattern}(?![\w+#])", text, re.IGNORECASE) is not None


def named_links(
    links: Mapping[str, Mapping[str, float]], texts: Mapping[str, str], labels: Mapping[str, str]
) -> dict[str, dict[str, float]]:
    """``links`` without those to a named skill (:func:`required_name`) whose name the credential's text lacks.

    Example:
        >>> named_links({"c": {"java": 0.6, "algo": 0.6}}, {"c": "C++: Algorithms"},
        ...     {"java": "Java (computer programming)", "algo": "algorithms"})
        {'c': {'algo': 0.6}}
    """
    out: dict[str, dict[str, float]] = {}
    for credential, skills in links.items():
        text = texts.get(credential, "")
        kept = {
            skill: confidence
            for skill, confidence in skills.items()
            if (name := required_name(labels.get(skill, ""))) is None or quotes_name(text, name)
        }
        if kept:
            out[credential] = kept
    return out


def select_candidates(
    offers: Iterable[CredentialOffer],
    gaps: Mapping[str, tuple[float, float]],
    budget: Budget,
    filters: OfferFilters,
) -> list[CredentialOffer]:
    """Offers this learner may take that teach a gap skill, each narrowed to the gap skills it closes.

    An offering listed several times (same ``canonical_key`` or :func:`offering_key`) is kept once, as
    the listing that teaches the most gap skills (then the most confidence; the first on ties). So are
    offerings of different providers under one title (:func:`title_key`): a pathway showing "Agile
    Project Management" twice reads as a mistake, and the two teach the same gap skills. Under an hours
    or cost budget, offers of unknown size are dropped.
    """
    providers = {p.casefold() for p in filters.providers}
    best: dict[str, CredentialOffer] = {}
    seen: dict[str, str] = {}
    for offer in offers:
        if not _wanted(offer, budget, filters, providers):
            continue
        teaches = _gap_teaching(offer, gaps, filters)
        if not teaches:
            continue
        keys = (offer.canonical_key, offering_key(offer), title_key(offer))
        key = next((seen[k] for k in keys if k in seen), offer.canonical_key)
        seen.update(dict.fromkeys(keys, key))
        kept = best.get(key)
        if kept is None or (len(teaches), sum(teaches.values())) > (len(kept.teaches), sum(kept.teaches.values())):
            best[key] = replace(offer, teaches=teaches, context_skills=_context_only(offer, teaches, filters))
    return list(best.values())


def _essential_share(
    teaches: Mapping[str, float], gaps: Mapping[str, tuple[float, float]], essential: Collection[str]
) -> float:
    """The largest share of one essential gap skill an offer closes on its own."""
    return max((q * gaps[s][1] for s, q in teaches.items() if s in essential), default=0.0)


def _crumbs(
    chosen: Sequence[CredentialOffer], gaps: Mapping[str, tuple[float, float]], essential: Collection[str]
) -> set[str]:
    """Chosen offers that add less than :data:`MIN_ESSENTIAL_GAIN` of any essential skill to the others.

    Leave-one-out, so the verdict does not depend on the order the steps are taken in.
    """
    shares = {s: (1.0, gaps[s][1]) for s in essential if s in gaps}
    offers = [Offer(o.id, o.teaches) for o in chosen]
    _, everything = coverage_value(offers, shares)
    out = set()
    for offer in offers:
        _, without = coverage_value([o for o in offers if o is not offer], shares)
        if max((everything.get(s, 0.0) - without.get(s, 0.0) for s in shares), default=0.0) < MIN_ESSENTIAL_GAIN:
            out.add(offer.credential_id)
    return out


def _ranked(covers: Mapping[str, float]) -> list[tuple[str, float]]:
    return sorted(covers.items(), key=lambda kv: -kv[1])


def recommend_pathway(
    analysis: GapAnalysis,
    candidates: Sequence[CredentialOffer],
    budget: Budget,
    *,
    prerequisites: Mapping[str, frozenset[str]] | None = None,
    alternatives: int = ALTERNATIVES,
) -> PathwayPlan:
    """Plan the pathway over ``candidates`` and derive what a recommendation shows.

    Args:
        analysis: the learner's gaps against the target.
        candidates: offers from :func:`select_candidates` (each teaching only gap skills).
        budget: limits on the pathway.
        prerequisites: skill → skills it builds on, for ordering the steps.
        alternatives: how many single credentials to offer beside the first step.

    Example:
        >>> from credpath.planning.gaps import Requirement, compute_gaps
        >>> analysis = compute_gaps([Requirement("sql"), Requirement("excel")], [], parents={})
        >>> sql = CredentialOffer(id="c1", title="SQL", provider="U", kind="course", level=None, hours=10.0,
        ...     cost=None, reviews=None, canonical_key="k1", url=None, teaches={"sql": 0.9})
        >>> plan = recommend_pathway(analysis, [sql], Budget(max_credentials=2))
        >>> [s.offer.id for s in plan.steps], plan.readiness_after, plan.total_hours, plan.uncovered
        (['c1'], 0.45, 10.0, [('excel', 1.0)])
    """
    gaps = analysis.open_gaps
    essential = {g.skill_id for g in analysis.gaps if g.relation == RelationType.ESSENTIAL}
    eligible = [o for o in candidates if _essential_share(o.teaches, gaps, essential) >= MIN_ESSENTIAL_GAIN]
    pool = list(eligible)
    by_id = {offer.id: offer for offer in eligible}
    for _ in range(len(pool) + 1):
        offers = [Offer(o.id, o.teaches, o.hours, o.cost, o.level) for o in pool]
        result = plan_pathway(gaps, offers, budget, prerequisites=prerequisites)
        # A step whose essential skills the other steps already close would be a crumb: take it out, replan.
        crumbs = _crumbs([by_id[s.credential_id] for s in result.steps], gaps, essential)
        if not crumbs:
            break
        pool = [o for o in pool if o.id not in crumbs]
    steps = [PlannedStep(by_id[s.credential_id], _ranked(s.covers), s.gain) for s in result.steps]
    chosen = {s.credential_id for s in result.steps}
    # Alternatives to the first step: any eligible offer, valued alone on the gap skills only, as
    # sum_s w_s * q_s * g_s (confidence <= 1, so no cap binds).
    singles_pool = [Offer(o.id, o.teaches, o.hours, o.cost, o.level) for o in eligible]
    single_value = {
        o.credential_id: sum(gaps[s][0] * q * gaps[s][1] for s, q in o.teaches.items() if s in gaps)
        for o in singles_pool
    }
    singles = sorted(
        ((single_value[o.credential_id], o) for o in singles_pool if o.credential_id not in chosen),
        key=lambda pair: -pair[0],
    )[:alternatives]
    others = []
    for value, offer in singles:
        _, closed = coverage_value([offer], gaps)
        others.append(
            PlannedStep(by_id[offer.credential_id], _ranked({s: gaps[s][0] * v for s, v in closed.items()}), value)
        )
    total_weight = sum(g.weight for g in analysis.items)
    after = analysis.readiness + (result.closed / total_weight if total_weight else 0.0)
    taken = [step.offer for step in steps]
    total_cost, currency, by_currency = _totals(taken)
    taught = {skill for offer in eligible for skill in offer.teaches}
    return PathwayPlan(
        steps=steps,
        alternatives=others,
        readiness_before=analysis.readiness,
        readiness_after=round(min(1.0, after), 4),
        total_hours=round(sum(offer.hours or 0.0 for offer in taken), 1),
        total_cost=total_cost,
        uncovered=sorted(((s, gaps[s][0]) for s in gaps if s not in taught), key=lambda pair: -pair[1]),
        currency=currency,
        cost_by_currency=by_currency,
    )
