"""What a learner's self-description says they do now: the phrases that may name their current role.

People describe themselves by their job ("Data analyst at an insurer - SQL Server all day", "Bookkeeper for
six small-business clients") far more than by skills, and the skills a job implies are exactly what an
adviser would not send them to learn again. Skill extraction finds few of them in such texts (for the analyst
above: *SQL Server* and *Python*, nothing of the analysis they do every day). :func:`role_phrases` picks the
short clauses that can name a role; the service matches them against occupation titles and, when one matches
well, credits that occupation's essential skills in part (:data:`ROLE_MATCH`, :data:`EXPERIENCE_PROFICIENCY`).

Clauses about what the person *wants* ("I want to move into data engineering") are left out, so a wish is
not read as the current role, and :func:`unheld_spans` finds them (and denials: "Never touched SQL") so that
the skills they name are not read as held either ("I want to become a GIS technician" names *geographic
information systems*, the one thing the person says they lack).
"""

import re

__all__ = ["EXPERIENCE_PROFICIENCY", "MAX_ROLE_PHRASES", "MAX_ROLE_WORDS", "ROLE_MATCH", "role_phrases", "unheld_spans"]

# A phrase names the current role when its best occupation-title match scores at least this. On the 63
# personas' texts, 32 matched at 0.8 or above: 27 named the person's job (one of them the target itself) and 5
# a neighbouring one ("audit associate" -> audit supervisor); below it come "Dockerfiles for the team" ->
# stevedore and "Work in a phone shop" -> secretary (README, Learners, gaps and pathways).
ROLE_MATCH = 0.8
# The role's essential skills are credited as inferred evidence at this proficiency (strength 0.6 x 0.5 = 0.3
# of a skill): enough to make a course that only repeats the job weigh less than one that adds to it, not
# enough to call a skill covered. Chosen on the persona benchmark among 0.5 and 1.0 (README).
EXPERIENCE_PROFICIENCY = 0.5
# Job titles are short, though people add where and how long ("Head chef at a busy gastropub for 5 years",
# which title normalisation and the linker's phrases cope with); longer clauses describe tasks.
MAX_ROLE_WORDS = 10
# People say what they do first: matching every phrase of the 63 personas' texts finds the same roles as
# matching the first three. Each phrase costs an encoding and an occupation-title search (about 5 ms
# together), so only this many are matched.
MAX_ROLE_PHRASES = 3
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\s+[-–—]\s+|\n")
_CLAUSES = re.compile(r",|:|\(|\)|\s+and\s+|\s+but\s+", re.IGNORECASE)
_GOAL = re.compile(
    r"\b(?:want|wants|would like|'d like|like to|hoping|hope to|looking to|move into|moving into|retrain|"
    r"switch|become|get into|aim|trying to|next step|career change|interested in|dream|love to|keen to|wish|"
    r"quiero|me gustar[ií]a)\b",
    re.IGNORECASE,
)
# Saying one lacks a thing: "Never touched SQL", "no management quals", "haven't used Figma", "sin experiencia".
_DENIAL = re.compile(
    r"\b(?:never|no|not|without|nothing|none|lack|lacking|rubbish (?:at|with)|nunca|sin)\b|n't\b", re.IGNORECASE
)
# A denial covers its own clause only: "No degree, but I use SQL daily" still says SQL is held.
_CLAUSE_END = re.compile(r"[,;:()]|\s+but\s+|\s+pero\s+", re.IGNORECASE)


def role_phrases(text: str) -> list[str]:
    """Short clauses of ``text`` that may name the writer's current role, in reading order, without goals.

    At most :data:`MAX_ROLE_PHRASES`, each distinct.

    Example:
        >>> role_phrases("Data analyst at an insurer - SQL Server all day, Power BI. I'd rather move into "
        ...     "data engineering, I want to learn pipelines.")
        ['Data analyst at an insurer', 'SQL Server all day', 'Power BI']
    """
    out: list[str] = []
    for sentence in _SENTENCES.split(text):
        if _GOAL.search(sentence):
            continue
        for clause in _CLAUSES.split(sentence):
            phrase = clause.strip(" .!?;:")
            if phrase and len(phrase.split()) <= MAX_ROLE_WORDS and phrase not in out:
                out.append(phrase)
                if len(out) == MAX_ROLE_PHRASES:
                    return out
    return out


def unheld_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names what its writer does not hold: wishes, and what they say they never did.

    A wish runs from its goal word to the end of the sentence ("I'd rather move into data engineering,
    pipelines too"); what comes before the goal word is said of the present ("We're moving everything to Azure
    and I want to become a cloud engineer": *Azure* is what they work with now). A denial runs from its
    negation to the end of its clause ("Never touched SQL or Power BI", "no design background"). Offsets are
    into ``text``, end exclusive.

    Example:
        >>> text = "Data analyst - SQL all day, never used Spark. I'd rather move into data engineering."
        >>> [text[a:b] for a, b in unheld_spans(text)]
        ['never used Spark.', 'move into data engineering.']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for boundary in [*_SENTENCES.finditer(text), None]:
        end = boundary.start() if boundary else len(text)
        goal = _GOAL.search(text, start, end)
        stop = goal.start() if goal else end
        for denial in _DENIAL.finditer(text, start, stop):
            clause = _CLAUSE_END.search(text, denial.end(), stop)
            spans.append((denial.start(), clause.start() if clause else stop))
        if goal:
            spans.append((goal.start(), end))
        start = boundary.end() if boundary else end
    return spans
