"""The fields of study a learner's text says they hold a qualification in.

People state their education in a handful of shapes: "accounting & finance degree (2:2)", "BSc Accounting",
"I've got a psychology degree", "a degree in nursing", "A-level maths", "Level 3 Diploma in Health and Social
Care". The skill linker reads some of them (*accounting* from "BSc Accounting", *psychology* from "a psychology
degree") and misses others: "accounting & finance degree" yields nothing, so an accounting graduate was told
that *accounting* is a gap and sent to "Fundamentals of Finance" (judged weak: "largely repeats her accounting and
finance degree"). :func:`qualification_subjects` finds the subject words of each stated qualification, one per
field when a qualification names several; the service matches each to an ESCO skill
(:data:`SUBJECT_MATCH`) and counts it as held, like any skill the text names.

Only the subject a qualification names is read, not its whole field: ESCO's knowledge groups (ISCED-F fields)
mix what a graduate learns with what they never meet (*histology* sits under history, *3D modelling* under
mathematics), and crediting a whole group moved no pathway more than the subject alone did on the personas
(README, *Session 48*).
"""

import re

from credpath.skills.linking import Span

__all__ = ["MAX_SUBJECTS", "MAX_SUBJECT_WORDS", "SUBJECT_MATCH", "qualification_subjects"]

# A subject counts as held when its best ESCO skill scores at least this. The subjects of the 83 personas'
# texts: "maths" -> mathematics 0.98, "history", "accounting" and "psychology" 1.0, "finance" -> economics 0.83,
# "process engineering" -> engineering processes 0.89; near misses pass too ("Insurance" -> insurance law 0.85,
# "wildlife management" -> oversee animal management 0.81). "NCTJ" (a journalism diploma named by its awarding
# body) scores 0.54, "Health" 0.74 and "Social Care" 0.75, under it.
SUBJECT_MATCH = 0.8
# People state a few qualifications; each subject costs an encoding, so a request reads at most this many.
MAX_SUBJECTS = 6
# A field of study is a few words ("health and social care", "wildlife management"); more is a clause.
MAX_SUBJECT_WORDS = 5

# Awards that name their subject directly after them ("BSc Accounting", "HND Computing", "A-level maths").
_ABBREVIATED = r"B\.?Sc|B\.?A|M\.?Sc|M\.?A|BEng|MEng|B\.?Ed|LLB|MBA|PhD|HND|HNC|A[- ]levels?|GCSEs?"
# Awards that take "in" or "of" before their subject ("a degree in nursing", "Diploma in Health and Social Care").
_SPELLED = r"degree|diploma|certificate|bachelor'?s?|master'?s?|doctorate|BTEC|NVQ|apprenticeship"
_END = (
    r"(?=\s*(?:[.,;:()!?]|\s[-–—]\s|$|\b(?:from|at|with|but|so|since|which|where|while|plus|because)\b)"
    r"|\s+and\s+(?:\d|I\b|I'|a\b|an\b|some\b|now\b|then\b))"
)
# Bounded, like the look back before an award (_LOOK_BACK), so a long text costs time in proportion to its length.
_SUBJECT = r"(?P<subject>[A-Za-z][A-Za-z&/' -]{0,60}?)"
_LOOK_BACK = 80
_AFTER = re.compile(
    rf"\b(?:(?:{_ABBREVIATED})(?:\s*\(hons\))?\s+(?:(?:in|of)\s+)?|(?:{_SPELLED})(?:\s*\(hons\))?\s+(?:in|of)\s+)"
    rf"(?:(?:level\s+\d+|the)\s+)?{_SUBJECT}{_END}",
    re.IGNORECASE,
)
# "<subject> degree": the words just before the award, back to the first word that cannot be part of a subject.
_BEFORE = re.compile(r"\b(?P<award>degree|diploma|A[- ]levels?|GCSEs?)\b", re.IGNORECASE)
# Words that end a subject read backwards from its award ("I've got a | psychology degree").
_NOT_SUBJECT_WORDS = (
    "a an the my his her their our your i i've ive got have has had with without just finished done did hold "
    "holding completed doing do own earned is was of in on at for from to by as also plus 2:1 2:2 first good "
    "decent old uni university college level hons honours part-time full-time online foundation only later soon "
    "now some"
)
_NOT_SUBJECT = frozenset(_NOT_SUBJECT_WORDS.split())
# Several fields in one qualification: "accounting & finance", "maths and physics", "law/economics".
_SEVERAL = re.compile(r"\s*(?:&|/|,|\band\b)\s*", re.IGNORECASE)
_CLAUSE_MARKS = (".", ",", ";", "(", " - ", " – ")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|&|/")


def _split(subject: str, start: int, end: int) -> list[Span]:
    parts = [p.strip(" -'") for p in _SEVERAL.split(subject)]
    return [
        Span(start, end, p)
        for p in parts
        if len(p) > 2 and len(p.split()) <= MAX_SUBJECT_WORDS and p.casefold() not in _NOT_SUBJECT
    ]


def _before(text: str, award_start: int) -> tuple[str, int]:
    """The subject words right before an award ("psychology" in "I've got a psychology degree"), and their start."""
    window = max(0, award_start - _LOOK_BACK)
    ends = (
        text.rfind(mark, window, award_start) + len(mark) for mark in _CLAUSE_MARKS if mark in text[window:award_start]
    )
    clause_start = max(ends, default=0)
    words = list(_WORD.finditer(text, max(clause_start, award_start - _LOOK_BACK), award_start))
    kept: list[re.Match[str]] = []
    for word in reversed(words):
        if word.group().casefold() in _NOT_SUBJECT:
            break
        kept.append(word)
    if not kept or len(kept) > MAX_SUBJECT_WORDS + 2:
        return "", award_start
    kept.reverse()
    return text[kept[0].start() : kept[-1].end()], kept[0].start()


def qualification_subjects(text: str) -> list[Span]:
    """The fields of study of the qualifications ``text`` states (each a span of the whole qualification), in order.

    At most :data:`MAX_SUBJECTS`.

    Wishes are not told apart here ("I want to do a nursing degree"): the caller drops subjects inside the
    text's wishes (``skills.experience.unheld_spans``).

    Example:
        >>> [s.text for s in qualification_subjects("Customer service advisor, accounting & finance degree (2:2).")]
        ['accounting', 'finance']
        >>> [s.text for s in qualification_subjects("BSc Accounting, quite strong in Excel. A-level maths.")]
        ['Accounting', 'maths']
        >>> [s.text for s in qualification_subjects("Level 3 Diploma in Health and Social Care, 6 years")]
        ['Health', 'Social Care']
        >>> qualification_subjects("Maybe a degree apprenticeship later")
        []
    """
    found: list[Span] = []
    for match in _AFTER.finditer(text):
        found += _split(match.group("subject"), match.start(), match.end())
    for match in _BEFORE.finditer(text):
        words, start = _before(text, match.start())
        if words:
            found += _split(words, start, match.end())
    seen: set[str] = set()
    out: list[Span] = []
    for subject in sorted(found, key=lambda s: s.start):
        key = subject.text.casefold()
        if key not in seen:
            seen.add(key)
            out.append(subject)
    return out[:MAX_SUBJECTS]
