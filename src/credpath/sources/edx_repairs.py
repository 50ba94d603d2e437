"""Repairs for the edX scrape: institution names cut with '…', and run-together program strings.

EdX cuts about 10% of institution names ("Massachusetts Institute of Techn…"); they are restored from
other rows' full names or from the course URL's slug. Its ``associatedprograms`` column runs program
names together ("MicroMasters®PrograminBusiness Leadership..."); they are split back into
"Type in Name" strings. Its titles lose the space at line breaks ("Designing and Developingan Online Course",
"Arduino para niños ¡vamosal espacio!"); the course URL's slug still has every word, so the spaces are put
back where the slug has a word boundary. Pure and deterministic.
"""

import re
import unicodedata
from collections.abc import Iterable

from credpath.sources.csvfiles import is_null

__all__ = ["repair_run_together_title", "restore_edx_institution", "split_edx_programs"]

_ELLIPSIS_RE = re.compile(r"(\u2026|\.\.\.)\s*$")
# Words that stay lower-case when a slug word is capitalised for display.
_SMALL_WORDS: frozenset[str] = frozenset(
    """
    of and the de del la las los at for in on di degli delle des du y e et da do dos das von und fur für
    """.split()  # noqa: SIM905 - a word list reads best as words
)


def _fold(s: str) -> str:
    """Lower-case, strip accents, keep only [a-z0-9]."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", s.lower())


def _slug_tokens(link: str) -> list[str]:
    """'https://www.edx.org/learn/x/the-univ-of-y-title' -> ['the','univ','of','y','title']."""
    path = re.sub(r"[?#].*$", "", link or "").rstrip("/")
    last = path.rsplit("/", 1)[-1]
    return [t for t in last.lower().split("-") if t]


def _cap(tok: str) -> str:
    """Capitalise a slug word for display (small words lower, roman numerals / alnum codes upper)."""
    if tok in _SMALL_WORDS:
        return tok
    if re.fullmatch(r"[ivx]+", tok) or (re.search(r"\d", tok) and re.search(r"[a-z]", tok)):
        return tok.upper()
    return tok[:1].upper() + tok[1:]


def _complete_from_slug(prefix: str, inst_tokens: list[str]) -> str | None:
    """Align the truncated prefix to the institution slug words and append the missing words.

    Also inserts a space where the slug has a word boundary but the prefix has none ('CollegePark').
    """
    out: list[str] = []
    ti, ci = 0, 0
    for ch in prefix:
        f = _fold(ch)
        if not f:
            out.append(ch)
            continue
        for c in f:
            if ti < len(inst_tokens) and ci == len(inst_tokens[ti]):
                ti, ci = ti + 1, 0
                if out and out[-1].isalnum():
                    out.append(" ")
            if ti >= len(inst_tokens) or inst_tokens[ti][ci] != c:
                return None
            ci += 1
        out.append(ch)
    if ti >= len(inst_tokens):
        return None
    result = "".join(out).rstrip()
    result += inst_tokens[ti][ci:]
    for tok in inst_tokens[ti + 1 :]:
        result += " " + _cap(tok)
    return result


def restore_edx_institution(  # noqa: C901 - a sequence of guarded fallbacks reads best inline
    truncated: str, link: str, known_full_names: Iterable[str], title: str | None = None
) -> str:
    """Restore an edX institution cut with '…' (returns the input unchanged if not truncated or not restorable).

    1. Unique known full name whose folded form starts with the folded prefix (preferring one equal to the
       institution part of the URL slug). 2. Else complete the prefix from the URL slug
       ``/learn/<subject>/<institution-slug>-<title-slug>``; the institution/title boundary is found with
       ``title`` when given (slug remainder must equal/extend the folded title), else the shortest completion.

    >>> restore_edx_institution("Massachusetts Institute of Techn…",
    ...     "https://www.edx.org/learn/biology/massachusetts-institute-of-technology-introduction-to-biology", [])
    'Massachusetts Institute of Technology'
    >>> restore_edx_institution("The London School of Economics…",
    ...     "https://www.edx.org/learn/math/the-london-school-of-economics-and-political-science-mathematics-1",
    ...     [], title="Mathematics 1")
    'The London School of Economics and Political Science'
    >>> restore_edx_institution("Harvard University", "", [])
    'Harvard University'
    """
    if not truncated or not _ELLIPSIS_RE.search(truncated):
        return truncated
    prefix = _ELLIPSIS_RE.sub("", truncated).rstrip()
    fp = _fold(prefix)
    if not fp:
        return truncated
    tokens = _slug_tokens(link)
    # candidate institution slugs: tokens[:k] whose folded join starts with the folded prefix
    splits: list[int] = []
    for k in range(1, len(tokens) + 1):
        joined = "".join(tokens[:k])
        if joined.startswith(fp) or (fp.startswith(joined) and k == len(tokens)):
            if len(joined) >= len(fp):
                splits.append(k)
        elif not fp.startswith(joined):
            break
    if title:
        ft = _fold(re.split(r"\u2026|\.\.\.", title)[0])
        titled = [k for k in splits if ft and "".join(tokens[k:]).startswith(ft[: max(1, len(ft))])]
        if not titled and ft:  # title itself truncated/garbled: accept a remainder that the title starts with
            titled = [k for k in splits if "".join(tokens[k:]) and ft.startswith("".join(tokens[k:])[: len(ft)])]
        splits = titled or ([] if ft else splits)
    slug_inst = "".join(tokens[: splits[0]]) if splits else None
    # 1) known full names
    cands = sorted(
        {
            n.strip()
            for n in known_full_names
            if n and not _ELLIPSIS_RE.search(n) and _fold(n).startswith(fp) and len(_fold(n)) > len(fp)
        }
    )
    if slug_inst is not None:
        exact = [n for n in cands if _fold(n) == slug_inst]
        if len(exact) == 1:
            return exact[0]
        if cands and not exact:
            cands = []  # known names disagree with the slug: trust the slug
    if len(cands) == 1:
        return cands[0]
    # 2) URL slug
    if splits:
        restored = _complete_from_slug(prefix, tokens[: splits[0]])
        if restored and _fold(restored) != fp:
            return restored
        if restored and restored != prefix:  # only spacing fixed (e.g. 'CollegePark' -> 'College Park')
            return restored
    return truncated


_PROGRAM_MARKER = (
    r"(?:Professional\s*Certificate|MicroMasters®?\s*Program|MicroBachelors®?\s*Program|XSeries"
    r"|Master'?s?\s*Degree|Bachelor'?s?\s*Degree)"
)
_PROGRAM_SPLIT_RE = re.compile(r"(?=" + _PROGRAM_MARKER + r"\s*in)")
_PROGRAM_PART_RE = re.compile(r"^(" + _PROGRAM_MARKER + r")\s*in\s*(.+)$", re.S)


def split_edx_programs(text: str) -> list[str]:
    """Split edX 'associatedprograms' run-together text into 'Type in Name' strings (deduped, order kept).

    >>> split_edx_programs("MicroMasters®PrograminBusiness LeadershipProfessional Certificate inApplied AI")
    ['MicroMasters® Program in Business Leadership', 'Professional Certificate in Applied AI']
    >>> split_edx_programs("None")
    []
    """
    t = (text or "").strip()
    if is_null(t):
        return []
    out: list[str] = []
    for part in _PROGRAM_SPLIT_RE.split(t):
        part = part.strip()
        if not part:
            continue
        m = _PROGRAM_PART_RE.match(part)
        if m:
            kind = re.sub(r"(®)?\s*(Program|Degree)$", lambda x: (x.group(1) or "") + " " + x.group(2), m.group(1))
            kind = re.sub(r"\s+", " ", re.sub(r"Professional\s*Certificate", "Professional Certificate", kind)).strip()
            part = f"{kind} in {re.sub(r'  +', ' ', m.group(2)).strip()}"
        if part not in out:
            out.append(part)
    return out


def repair_run_together_title(title: str, link: str) -> str:
    """Put back spaces the scrape lost, where the course URL's slug has a word boundary.

    The slug ends with the title's words (after the institution's); the title's letters are aligned to
    them, and a space goes wherever two letters adjacent in the title belong to different slug words.
    A title that cannot be aligned is returned unchanged.

    Example:
        >>> repair_run_together_title("Designing and Developingan Online Course",
        ...     "https://www.edx.org/learn/education/x-university-designing-and-developing-an-online-course")
        'Designing and Developing an Online Course'
        >>> repair_run_together_title("Python Basics for DataScience", "https://www.edx.org/learn/python/ibm-other")
        'Python Basics for DataScience'
    """
    tokens = _slug_tokens(link)
    folded = _fold(title)
    if not folded or not tokens:
        return title
    joined = "".join(tokens)
    start = joined.rfind(folded)
    if start < 0:
        return title
    # Slug word boundaries, as offsets into the joined slug.
    boundaries: set[int] = set()
    offset = 0
    for token in tokens:
        offset += len(token)
        boundaries.add(offset)
    out: list[str] = []
    position = start
    previous_alnum = False
    for ch in title:
        f = _fold(ch)
        if not f:
            out.append(ch)
            previous_alnum = False
            continue
        if previous_alnum and position in boundaries:
            out.append(" ")
        out.append(ch)
        position += len(f)
        previous_alnum = True
    return "".join(out)
