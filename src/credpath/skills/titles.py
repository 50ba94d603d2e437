"""Vacancy-title normalisation: what a job board adds to an occupation's name, taken back off.

Titles as employers post them carry more than the occupation: seniority ("Senior", "Sr.", "II"),
contract and schedule ("Part Time", "Nights", "Temp to Perm"), pay and perks ("($5K Sign-On Bonus)",
"£14.50/hr"), store and requisition codes ("Store 123", "#4411"), gender tags ("(m/w/d)"), work
location ("Hybrid, Leeds") and abbreviations the encoder reads as opaque tokens ("RN", "HGV", "UX").
:func:`normalise_title` cuts the title into segments at dashes, bars, commas and parentheses, keeps
the first segment (the occupation) and every later segment that still says something once that
noise is removed ("ICU", "Python", "Pastry"), strips seniority from the front of the occupation, and
expands the abbreviations in :data:`ABBREVIATIONS`.

The word lists are generic job-board vocabulary, written for titles in general, not for any evaluation
title; the README ("Titles") says what was measured with them.
"""

import re
from collections.abc import Mapping

__all__ = ["ABBREVIATIONS", "normalise_title"]

# Upper-case abbreviations common in vacancy titles, matched as whole words with their case, so "PA to
# CEO" expands and "pa" in running text would not. Ambiguous ones take their most common title meaning
# (PM: project manager). An expansion already present in the title is not repeated ("Registered Nurse (RN)").
ABBREVIATIONS: Mapping[str, str] = {
    "RN": "registered nurse",
    "LPN": "licensed practical nurse",
    "LVN": "licensed vocational nurse",
    "CNA": "certified nursing assistant",
    "HCA": "healthcare assistant",
    "RMN": "mental health nurse",
    "NP": "nurse practitioner",
    "GP": "general practice",
    "HGV": "heavy goods vehicle",
    "LGV": "large goods vehicle",
    "PCV": "passenger carrying vehicle",
    "FLT": "forklift truck",
    "UX": "user experience",
    "UI": "user interface",
    "QA": "quality assurance",
    "QC": "quality control",
    "PM": "project manager",
    "HR": "human resources",
    "L&D": "learning and development",
    "PA": "personal assistant",
    "EA": "executive assistant",
    "SEN": "special educational needs",
    "TA": "teaching assistant",
    "BI": "business intelligence",
    "DBA": "database administrator",
    "SEO": "search engine optimisation",
    "PPC": "pay-per-click advertising",
    "CSR": "customer service representative",
    "SDR": "sales development representative",
    "BDR": "business development representative",
    "ML": "machine learning",
    "AI": "artificial intelligence",
    "EFL": "English as a foreign language",
    "ESL": "English as a second language",
    "HVAC": "heating ventilation and air conditioning",
    "Admin": "administrative",
    "Asst": "assistant",
    "Mgr": "manager",
    "Coord": "coordinator",
    "Exec": "executive",
    "Rep": "representative",
}
_ABBREVIATION = re.compile(
    r"(?<![\w&])(" + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True)) + r")\.?(?![\w&])"
)

# (m/f/d), (m/w/d), (f/m/x), (h/f), m/f/d: German and French equal-treatment tags.
_GENDER = re.compile(r"\(?\b[mfwhdx]\s*/\s*[mfwhdx](?:\s*/\s*[mfwhdx])?\b\)?", re.IGNORECASE)
# Where a title is cut into groups (dashes and slashes between spaces, bars, brackets) and groups into
# segments (commas, semicolons).
_GROUP = re.compile(r"\s+[-–—|/]\s+|\s*[|()\[\]]\s*|\s+[–—]|[–—]\s+")
_SEGMENT = re.compile(r"\s*[,;]\s*")
# Seniority, grade and contract at the front of the occupation segment ("Senior", "Sr.", "Part-time").
_LEADING = re.compile(
    r"^(?:(?:senior|snr|sr|junior|jnr|jr|lead|principal|trainee|apprentice|entry[- ]level|mid[- ](?:level|weight)"
    r"|experienced|graduate|part[- ]time|full[- ]time|temporary|temp|seasonal|freelance|contract|locum"
    r"|(?:level|band|grade)\s*\d+[a-z]?)\.?\s+)+",
    re.IGNORECASE,
)
# Grade and schedule at the end of the occupation segment ("Analyst II", "Level 3", "Operative Nights").
_TRAILING = re.compile(
    r"(?:\s+(?:I{1,3}|IV|[1-4]|(?:level|band|grade|tier)\s*\d+[a-z]?|\d+(?:st|nd|rd|th)\s+line|nights?|days|weekends?"
    r"|part[- ]time|full[- ]time|temp|temporary|contract|permanent|perm))+$",
    re.IGNORECASE,
)
# Words and phrases a segment may consist of without saying anything about the occupation.
_NOISE_WORDS = (
    r"part[- ]?time|full[- ]?time|nights?|night\s+shifts?|days|day\s+shifts?|weekends?|weekdays|evenings?"
    r"|early\s+(?:mornings?|shifts?)|late\s+shifts?|overnight|shifts?|rotating|rota|on[- ]call|flexible(?:\s+hours)?"
    r"|temp(?:orary)?(?:\s+to\s+perm(?:anent)?)?|perm(?:anent)?|contract|fixed[- ]term(?:\s+contract)?|ftc"
    r"|locum|bank|seasonal|maternity\s+cover|term[- ]time(?:\s+only)?|immediate\s+start|freelance|self[- ]employed"
    r"|outside\s+ir35|inside\s+ir35|ir35|hybrid|remote(?:ly)?|work\s+from\s+home|home[- ]?(?:working|based)"
    r"|on[- ]?site|field[- ]based|office[- ]based|multi[- ]site|nationwide|relocation|visa\s+sponsorship"
    r"|urgent|new|hiring|apply\s+now|immediate|asap|mon(?:day)?\s*[-–]\s*fri(?:day)?|fte|hrs?|hours?|per\s+week"
    r"|days?\s*/\s*week|weeks?|months?|years?|wks?|am|pm|to|and|&|\+|or|the|a|with|in|of|only|start"
    r"|sign[- ]on|signing|bonus(?:es)?|ote|salary|doe|competitive|benefits|per\s+hour|an\s+hour|a\s+year"
    r"|p\.?a\.?|p\.?h\.?|/\s*(?:hr|hour|day|week|year)|k|store|branch|location|req(?:uisition)?|job|ref(?:erence)?"
    r"|id|no\.?|(?:level|band|grade|tier)(?:\s*\d+[a-z]?)?|graduate\s+(?:scheme|programme|program)"
)
_NOISE_TERM = rf"(?:{_NOISE_WORDS})(?=[\s.,:/–-]|$)"
_NOISE_SEGMENT = re.compile(rf"^[\s.,:/–-]*(?:{_NOISE_TERM}[\s.,:/–-]*)*$", re.IGNORECASE)
# Noise at either edge of a kept later segment ("ICU Nights" → "ICU").
_EDGE_NOISE = re.compile(rf"^(?:{_NOISE_TERM}\s*)+|(?:\s+{_NOISE_TERM})+$", re.IGNORECASE)
_PAY = re.compile(r"[£$€]\s?\d[\d,.]*\s*[kK]?(?:\s*[-–]\s*[£$€]?\d[\d,.]*\s*[kK]?)?(?:\s*/\s*\w+)?")
_CODE = re.compile(r"#\s?\w+|\b\d[\d.:/–-]*[a-zA-Z]{0,3}\b")
# Store and requisition codes, and pay, inside a kept segment ("Pharmacist Manager (Store 2141)").
_INLINE_CODE = re.compile(r"\b(?:store|branch|req(?:uisition)?|job\s+id|ref)\s*#?\s*\d+\b|#\s?\d+\b", re.IGNORECASE)
# A remote/hybrid marker starts a work-location group: "Hybrid, Leeds", "(Remote, US)".
_WORKPLACE = re.compile(
    r"^(?:remote|hybrid|on[- ]?site|work\s+from\s+home|home[- ]?(?:based|working))\b", re.IGNORECASE
)


def _is_noise(segment: str) -> bool:
    """Whether a segment holds nothing but schedule, contract, pay, code and filler words."""
    bare = _CODE.sub(" ", _PAY.sub(" ", segment))
    return bool(_NOISE_SEGMENT.match(" ".join(bare.split())))


def _expand(text: str) -> str:
    """Expand the abbreviations of :data:`ABBREVIATIONS` in ``text``."""
    return " ".join(_ABBREVIATION.sub(lambda match: ABBREVIATIONS[match.group(1)], text).split())


def _abbreviates(segment: str, head: str) -> bool:
    """Whether ``segment`` only abbreviates the occupation ("RN" after "Registered Nurse", "DPO")."""
    if not segment.isupper() or " " in segment:
        return False
    expansion = ABBREVIATIONS.get(segment)
    if expansion is not None and expansion.casefold() in head.casefold():
        return True
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z][\w'-]*", head)).upper()
    return len(segment) >= 2 and segment in initials


def normalise_title(title: str, *, expand_abbreviations: bool = True) -> str:
    """The occupation a vacancy title names, without seniority, schedule, pay, codes and gender tags.

    The first segment is the occupation; later segments are kept when they say more than schedule,
    contract, pay or codes (a specialty, a technology). Known abbreviations are expanded. A title that
    would be left empty is returned with its whitespace collapsed.

    Args:
        title: the title as posted.
        expand_abbreviations: spell out :data:`ABBREVIATIONS` in the occupation (off only to measure it).

    Returns:
        The occupation, with the later segments kept in parentheses: "Registered Nurse (ICU)". (Of five
        ways to join them, this read best to the encoder, which was trained to treat a parenthesis as
        decoration of the occupation before it; README, "Titles".)

    Example:
        >>> normalise_title("Sales Associate - Part Time - Store 123")
        'Sales Associate'
        >>> normalise_title("RN – Med/Surg, Nights ($5K Sign-On Bonus)")
        'registered nurse (Med/Surg)'
        >>> normalise_title("Senior UX Designer (m/w/d)")
        'user experience Designer'
    """
    text = _INLINE_CODE.sub(" ", _GENDER.sub(" ", title))
    segments: list[str] = []
    for group in _GROUP.split(text):
        for segment in _SEGMENT.split(group):
            segment = " ".join(segment.split()).strip(" .:-")
            if segments and _WORKPLACE.match(segment):
                break  # the rest of this group says where, not what
            if segment:
                segments.append(segment)
    kept: list[str] = []
    for position, segment in enumerate(segments):
        if position == 0:
            segment = _TRAILING.sub("", _LEADING.sub("", segment)).strip()
        elif _is_noise(segment):
            continue
        else:
            segment = _EDGE_NOISE.sub("", segment).strip()
        segment = " ".join(_PAY.sub(" ", segment).split())
        if sum(c.isalpha() for c in segment) >= 2:
            kept.append(segment)
    if not kept:
        return " ".join(title.split())
    head = _expand(kept[0]) if expand_abbreviations else kept[0]
    rest = [segment for segment in kept[1:] if not _abbreviates(segment, head)]
    rest = list(dict.fromkeys(rest))
    return f"{head} ({', '.join(rest)})" if rest else head
