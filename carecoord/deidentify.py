"""Find the details in a family's story that could identify a child or family. Pure: no I/O.

`check(text)` returns one `Flag` per distinct span (a name written five times is one flag, resolved
once). It looks for:

- full dates and dates of birth ("14 March 2016", "3/14/16", "born on March 14");
- phone numbers, e-mail addresses and web addresses;
- street addresses and postcodes (US ZIP, UK and Canadian postcodes);
- record-, insurance- and ID-like numbers (labelled ones, social security numbers, long numbers);
- personal names, and named schools, hospitals and towns.

Names are found from capitalisation, which is how a careful reader spots them too, with three
rules that keep the check usable: a sentence-initial word (or a word in a heading) is a candidate
only if it is also capitalised somewhere mid-sentence; words on the allow-list of care terms
(conditions, medicines, services, acronyms such as NICU, IEP, EI) are never names; and a
capitalised word followed by "syndrome", "disease" and the like is a condition, not a person.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

# ---------------------------------------------------------------- what each kind of flag says

KINDS: dict[str, tuple[str, str, str]] = {
    # kind: (label, why it matters, suggestion)
    "birth_date": ("Date of birth",
                   "A date of birth identifies a child almost on its own.",
                   "Give the child's age instead, or the season (\"born in the spring\")."),
    "date": ("Full date",
             "A full date (a day and a month) can be matched to hospital stays, birthdays or news items.",
             "Say how old the child was, or use the month or season only (\"that winter\")."),
    "phone": ("Phone number",
              "A phone number leads straight to a family or a service that knows them.",
              "Remove the number; say who you called instead (\"the on-call nurse line\")."),
    "email": ("E-mail address",
              "An e-mail address names a person or an organisation directly.",
              "Remove the address; say who you wrote to (\"I e-mailed the school nurse\")."),
    "web": ("Web address",
            "A web address can lead to a family's blog, fundraiser or social-media page.",
            "Remove the link, or describe the kind of resource (\"a parent support group online\")."),
    "address": ("Street address",
                "A street address locates a family's home.",
                "Say \"our street\" or \"our house\" instead."),
    "postcode": ("Postcode or ZIP code",
                 "A postcode narrows a family down to a few streets.",
                 "Remove it; \"our town\" or \"a rural area\" is usually enough."),
    "record": ("Record or ID number",
               "Medical record, insurance, member and ID numbers identify a child directly.",
               "Remove the number entirely; \"her insurance number\" is enough."),
    "name": ("Personal name",
             "A name, with the rest of the story, may be enough for someone to recognise the family.",
             ("Use a role (\"her neurologist\", \"my sister\") or a first name the family chose to share; "
              "if so, mark it as intended.")),
    "school": ("Named school",
               "A named school places the child in a small community.",
               "Say \"her school\", \"a special school\" or \"the preschool\" instead."),
    "hospital": ("Named hospital or service",
                 "A named hospital, clinic or agency, with the rest of the story, can locate the family.",
                 "Say \"the children's hospital\", \"the clinic\" or \"the agency\" instead."),
    "place": ("Named town or place",
              "A town or neighbourhood, with the rest of the story, can locate the family.",
              "Say \"our town\", \"a small town two hours from the hospital\" or similar."),
}


@dataclass(frozen=True)
class Flag:
    """One distinct span that could identify the child or family, wherever it appears."""

    text: str  # the span as written; the key by which the author resolves it
    kind: str
    count: int  # how many times it appears
    start: int  # where it first appears
    context: str  # the text around its first appearance

    @property
    def label(self) -> str:
        return KINDS[self.kind][0]

    @property
    def reason(self) -> str:
        return KINDS[self.kind][1]

    @property
    def suggestion(self) -> str:
        return KINDS[self.kind][2]


def key(text: str) -> str:
    """How a span is compared with the author's list of intended spans (whitespace-insensitive)."""
    return " ".join(text.split())


def unresolved(flags: Iterable[Flag], intended: Iterable[str]) -> list[Flag]:
    """The flags the author has neither edited away nor marked as intended."""
    kept = {key(text) for text in intended}
    return [flag for flag in flags if key(flag.text) not in kept]


# ---------------------------------------------------------------- the allow-list of care words

# Lower-case single words that are never names here, however they are capitalised.
ALLOWED_WORDS = frozenset("""
i i'm i've i'd i'll ok okay mom mum dad mommy mummy daddy mama papa grandma grandpa granny grandad nana
nan gran auntie aunty baby god lord heaven bible
monday tuesday wednesday thursday friday saturday sunday weekend
january february march april may june july august september october november december
christmas easter hanukkah diwali eid ramadan thanksgiving halloween passover kwanzaa lunar new year
spring summer autumn fall winter
english spanish french arabic somali portuguese polish urdu punjabi bengali mandarin cantonese
vietnamese haitian creole russian ukrainian hindi tagalog korean japanese german italian farsi
american british canadian mexican african asian european latino latina latinx hispanic black white
muslim christian catholic jewish hindu sikh buddhist
america usa us uk england scotland wales ireland britain canada mexico europe africa asia australia
the a an and or but so if when then after before during while because although though since until
we our us you your he she his her they their them it its this that these those my me mine
what why how where who which there here yes no not never always sometimes every each all some
one two three four five six seven eight nine ten first second third last next
nicu picu icu cicu ed er or pacu ot pt slp st salt ent gi eeg ekg ecg mri ct pet ultrasound
iep ifsp ei ehcp sen senco sendco iep's ifsp's ei's ard cse cpse iee fape lre idea ada ferpa hipaa
adhd asd cp cf sma dmd bpd hie ivh pda rop nec gerd gord pku vp cpap bipap peg pej picc ng nj gj g-tube
j-tube gt trach tpn iv o2 ncpap hfnc dnr polst molst acp md do np pa rn lpn lvn cna hha pca pcp gp
nurse nurses doctor doctors dr consultant registrar resident fellow attending surgeon therapist
coordinator coordinators care map plan team teams family families faculty parent parents caregiver
school hospital clinic unit ward home health centre center services service department
medicaid medicare tricare chip tefra ssi ssdi snap wic tanf dme hme fqhc mco hmo ppo eob cms nhs
social security supplemental income waiver waivers katie beckett title v part c b section
head start early intervention make-a-wish ronald mcdonald house special olympics family voices
parent-to-parent family-to-family zoom facebook google youtube instagram whatsapp teams mychart epic
ipad iphone android uber amazon
keppra onfi epidiolex diastat valtoco nayzilam depakote topamax lamictal trileptal banzel zonegran
sabril fycompa briviact xcopri ativan versed klonopin miralax prevacid nexium zantac pepcid zofran
reglan tylenol motrin advil benadryl synagis pulmicort flovent singulair xopenex albuterol botox
baclofen robinul glycopyrrolate pediasure nutramigen elecare neocate similac enfamil kate farms
compleat peptamen vimpat cannabidiol acth prednisolone
covid covid-19 flu rsv
down rett dravet lennox gastaut lennox-gastaut duchenne angelman prader willi prader-willi digeorge
trisomy hirschsprung hirschsprung's crohn crohn's apgar tourette asperger wilms noonan charge
cornelia lange batten tay-sachs pompe krabbe spinraza zolgensma
grade year kindergarten preschool reception nursery primary secondary middle high elementary
mr mrs ms miss mx dr prof
children child kids complex support worker workers program programme office board council respite palliative
hospice developmental pediatrics paediatrics neurology cardiology pulmonology gastroenterology orthopaedics
orthopedics urology nephrology genetics rehab therapy therapies education special needs disability
disabilities protective protection welfare emergency room intensive neonatal paediatric pediatric
coordination plan care-coordinator social worker case manager manager insurance
head lead chief director nursing occupational physical speech language respiratory dietitian dietician
psychologist psychiatrist neurologist pulmonologist cardiologist surgeon paediatrician pediatrician
advisory committee group network association trust charity governor governors
trilogy astral tobii kangaroo enteralite joey infinity invacare permobil quantum
nigeria ghana kenya ethiopia somalia india pakistan bangladesh china vietnam philippines korea japan
brazil colombia venezuela peru chile argentina guatemala honduras salvador cuba haiti jamaica dominican
puerto rico poland ukraine romania germany france spain italy portugal greece turkey iran iraq syria
afghanistan egypt morocco sudan eritrea yemen lebanon israel palestine jordan
wheelchair continuing community equipment transport benefits allowance carers carer respite
""".split())

# Phrases (lower case) that look like names but are programmes, places in general or conditions.
ALLOWED_PHRASES = (
    "katie beckett", "ronald mcdonald", "make-a-wish", "kate farms", "head start", "early intervention",
    "family voices", "special olympics", "social security", "title v", "new year", "cerebral palsy",
    "child life", "medical home", "family faculty", "care map", "plan of care", "st. john's wort",
    "cornelia de lange", "white house", "united states", "united kingdom", "new zealand", "blue badge",
)

# A capitalised word followed by one of these is a named condition (Down syndrome), not a person.
CONDITION_NOUNS = ("syndrome", "disease", "disorder", "palsy", "sequence", "anomaly", "sign", "scale",
                   "score", "test", "procedure", "operation", "fundoplication", "tube", "diet")

TITLES = ("Dr", "Doctor", "Mr", "Mrs", "Ms", "Miss", "Mx", "Prof", "Professor", "Nurse", "Sister",
          "Aunt", "Auntie", "Uncle", "Grandma", "Grandpa", "Nana", "Coach", "Father", "Pastor", "Rabbi",
          "Imam", "Judge", "Officer")
SCHOOL_WORDS = frozenset({"school", "elementary", "academy", "preschool", "nursery", "kindergarten",
                          "college", "university", "daycare", "primary", "high", "middle", "montessori"})
HOSPITAL_WORDS = frozenset({"hospital", "hospitals", "clinic", "infirmary", "medical", "health", "healthcare",
                            "centre", "center", "hospice", "children's", "childrens", "pediatrics",
                            "paediatrics", "rehab", "rehabilitation", "foundation", "agency", "church",
                            "pharmacy", "general", "memorial", "st", "st.", "saint", "mount", "mt", "mt."})
PLACE_WORDS = frozenset({"city", "town", "county", "village", "springs", "falls", "beach", "valley", "heights",
                         "park", "hills", "borough", "township", "parish", "lake", "river"})
PLACE_PREPOSITIONS = frozenset({"in", "from", "near", "outside", "around", "across", "through", "at"})

# ---------------------------------------------------------------- patterns

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_STREET = (r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|Terrace|"
           r"Close|Crescent|Circle|Cir|Highway|Hwy|Parkway|Pkwy|Row|Square|Sq|Gardens|Grove|Mews)\b\.?")

# The check runs on every run of My stories and Story review, on whatever an author pasted, so no
# pattern may take more than linear time on hostile text (20,000 characters of "a." took the bare
# web-address pattern 14 s, "MRN" and 500 spaces took the labelled-number pattern 4 s: bench/README.md).
# Three habits keep them linear, and each leaves what a pattern finds in real text unchanged:
# - a run that nothing after it can take back is possessive (`\s*+`, `[a-z0-9-]++`): the regex engine
#   never tries the ways of splitting it that cannot change the outcome;
# - an e-mail address or a bare web address is tried in full only where its run of characters starts
#   (the lookbehind), and anywhere else only as far as the longest real one (64 characters before the @,
#   DNS labels of at most 63 characters, at most 10 of them): otherwise the engine would scan the rest of
#   the run again from every character in it;
# - `_name_spans` looks back from a word a bounded distance, and finds line starts once per text.
_LOCAL = r"[A-Za-z0-9._%+-]"  # a character of an e-mail address before the @
_LABEL = r"[a-z0-9-]"  # a character of a web address's host name (case-insensitive)
_TLDS = r"(?:com|org|net|edu|gov|io|info|blog|me|us|uk|ca|au|nz|ie)"

# Each detector: (kind, compiled pattern, group to flag). Earlier detectors claim text first.
_DETECTORS: tuple[tuple[str, re.Pattern, int], ...] = (
    ("email", re.compile(rf"(?:(?<!{_LOCAL}){_LOCAL}++|{_LOCAL}{{1,64}}+)@"
                         r"[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)*\.[A-Za-z]{2,}"), 0),
    ("web", re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>()\[\]\"']+", re.IGNORECASE), 0),
    ("web", re.compile(rf"\b(?:(?<![a-z0-9.-])[a-z0-9]{_LABEL}*+(?:\.{_LABEL}++)*"
                       rf"|[a-z0-9]{_LABEL}{{0,62}}+(?:\.{_LABEL}{{1,63}}+){{0,9}})"
                       rf"\.{_TLDS}\b(?:/[^\s<>()\[\]\"']*)?", re.IGNORECASE), 0),
    ("record", re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), 0),  # social security number
    ("record", re.compile(
        r"\b(?:MRN|medical record(?: number)?|record (?:number|no\.?)|hospital (?:number|no\.?)|"
        r"member(?:ship)? (?:ID|number|no\.?)|policy (?:number|no\.?)|insurance (?:ID|number|no\.?|card)|"
        r"Medicaid (?:ID|number|no\.?)|Medicare (?:ID|number|no\.?)|NHS (?:number|no\.?)|subscriber ID|"
        r"case (?:number|no\.?)|account (?:number|no\.?)|ID(?: number)?|SSN|social security number)"
        r"\s*+(?:is|was|:|#|no\.?)?\s*+#?\s*+([A-Z]{0,4}[- ]?\d[\dA-Z-]{3,})", re.IGNORECASE), 1),
    ("birth_date", re.compile(
        r"\b(?:DOB|D\.O\.B\.?|date of birth|born(?: on)?|birthday)(?:\s++(?:is|was|on))?[:\s]++(?:the\s++)?("
        rf"{_MONTH}\s+{_DAY}(?:,?\s+\d{{4}})?|{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+\d{{4}})?|"
        r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})", re.IGNORECASE), 1),
    ("date", re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), 0),
    ("date", re.compile(r"(?<![\d/.-])\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})(?![\d/-])(?!\.\d)"), 0),
    ("date", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?:,?\s+\d{{4}}\b)?"), 0),
    ("date", re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+\d{{4}}\b)?"), 0),
    ("phone", re.compile(r"(?<![\w/])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?|\d{2,5}[\s.-])\d{3,4}[\s.-]?\d{3,4}"
                         r"(?![\w/])"), 0),
    ("phone", re.compile(r"(?<![\w/.-])\d{3}[.-]\d{4}(?![\w/-])(?!\.\d)"), 0),
    ("address", re.compile(rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][a-z]+\.?\s+){{1,3}}{_STREET}"), 0),
    ("address", re.compile(r"\b(?:P\.?\s?O\.?\s+Box|Apt\.?|Apartment|Suite|Unit)\s+#?\d+[A-Z]?\b"), 0),
    ("address", re.compile(r"\b(?:[A-Z][a-z]+\s+){1,2}(?:Street|Avenue|Road|Lane|Drive|Boulevard)\b"), 0),
    ("postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"), 0),  # UK
    ("postcode", re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b"), 0),  # Canada
    ("postcode", re.compile(r"(?<![$£€\d,.])\b\d{5}(?:-\d{4})?\b(?![.,]\d)(?!\s*(?:%|mg|mcg|ml|mL|g\b|grams|kg|"
                            r"dollars|pounds|euros|steps|calories|kcal|miles|km|words|characters|people|"
                            r"children|families|hours|minutes|times))"), 0),
    ("record", re.compile(r"(?<![$£€\d,.])\b[A-Z]{0,4}-?\d{6,}\b(?![.,]\d)"), 0),
)

_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_ABBREVIATIONS = frozenset({"dr.", "mr.", "mrs.", "ms.", "st.", "mt.", "prof.", "vs.", "e.g.", "i.e.", "etc.",
                            "no.", "approx."})
_SENTENCE_END = ".!?:|•"
_OPENERS = "\"“‘'([*_>#"


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str

    @property
    def range(self) -> range:
        return range(self.start, self.end)


def _strip_word(word: str) -> str:
    """A word without trailing punctuation or a possessive ('s)."""
    word = word.rstrip(".-’'")
    for suffix in ("'s", "’s"):
        word = word.removesuffix(suffix)
    return word.rstrip(".-’'")


def _mask_phrases(text: str) -> str:
    """Blank out allow-listed phrases so their words are not read as names."""
    lowered = text.lower()
    chars = list(text)
    for phrase in ALLOWED_PHRASES:
        for match in re.finditer(re.escape(phrase), lowered):
            before = match.start() - 1
            after = match.end()
            if (before < 0 or not lowered[before].isalnum()) and (after >= len(lowered) or not lowered[after].isalnum()):
                for i in range(match.start(), match.end()):
                    if not chars[i].isspace():
                        chars[i] = "x"
    return "".join(chars)


_NEWLINE = re.compile("\n")
_NOT_SPACE = re.compile(r"\S")
_LIST_MARKER = re.compile(r"\s*+(?:[-*+>]|\d++[.)])")  # "- ", "* ", "1. " at the start of a line
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))


class _Lines:
    """A text's line starts, found once, and per line whether it is a heading or opens with a list marker.

    Looking these up from each word instead (searching back for the newline, copying the line) cost time
    in proportion to the line for every word on it: quadratic on one long line.
    """

    def __init__(self, text: str):
        self.text = text
        self.starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]
        self._heading: dict[int, bool] = {}
        self._marker: dict[int, tuple[int, int] | None] = {}

    def start(self, index: int) -> int:
        """Where the line holding `index` starts: `text.rfind("\\n", 0, index) + 1`."""
        return self.starts[bisect_right(self.starts, index) - 1]

    def is_heading(self, index: int) -> bool:
        """Whether the line holding `index` (not blank up to it) is a Markdown heading."""
        start = self.start(index)
        if start not in self._heading:
            found = _NOT_SPACE.search(self.text, start)
            self._heading[start] = found is not None and found.group() == "#"
        return self._heading[start]

    def only_list_marker_up_to(self, index: int) -> bool:
        """Whether `text[line start: index + 1].strip()` is a list marker and nothing else ("-", "2.")."""
        start = self.start(index)
        if start not in self._marker:
            marker = _LIST_MARKER.match(self.text, start)
            after = _NOT_SPACE.search(self.text, marker.end()) if marker else None
            self._marker[start] = (marker.end(), after.start() if after else len(self.text)) if marker else None
        found = self._marker[start]
        # The marker ends within the line up to `index`, and only spaces follow it up to `index`.
        return found is not None and found[0] <= index + 1 and found[1] > index


def _ends_abbreviation(text: str, i: int) -> bool:
    """Whether the word ending at `i`, less any opening quotes or brackets before it, is an abbreviation.

    The same answer as `text[word start: i + 1].lower().lstrip(_OPENERS) in _ABBREVIATIONS`, without
    walking back further than an abbreviation can reach (a long word ends no abbreviation).
    """
    start = i
    while start > 0 and not text[start - 1].isspace():
        start -= 1
        if text[start] not in _OPENERS and i - start + 1 > _LONGEST_ABBREVIATION:
            return False
    return text[start: i + 1].lower().lstrip(_OPENERS) in _ABBREVIATIONS


def _sentence_initial(text: str, start: int, lines: _Lines) -> bool:
    """True when the word at `start` opens a sentence, a line, a list item, a table cell or a quote."""
    i = start - 1
    if i >= 0 and text[i] in "\"“‘'(":
        return True
    while i >= 0 and text[i] in " \t" + _OPENERS:
        i -= 1
    if i < 0 or text[i] == "\n":
        return True
    if lines.only_list_marker_up_to(i):
        return True
    if text[i] in _SENTENCE_END:
        # "Dr. Patel": the full stop of an abbreviation does not end a sentence.
        return not _ends_abbreviation(text, i)
    return False


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def _allowed(word: str) -> bool:
    """On the allow-list, whole or by its capitalised first part ("Spanish-speaking", "Lennox-Gastaut")."""
    lowered = word.lower()
    if lowered in ALLOWED_WORDS or (lowered.endswith("s") and lowered[:-1] in ALLOWED_WORDS):
        return True
    parts = [p for p in re.split(r"[-.’']", lowered) if p]
    return bool(parts) and parts[0] in ALLOWED_WORDS


def _name_spans(text: str, claimed: list[bool]) -> list[_Span]:
    masked = _mask_phrases(text)
    lines = _Lines(masked)
    words = []  # (start, end, word, initial)
    for match in _WORD.finditer(masked):
        word = _strip_word(match.group())
        if not word or any(claimed[match.start(): match.start() + len(word)]):
            continue
        start = match.start()
        initial = _sentence_initial(masked, start, lines) or lines.is_heading(start)
        words.append((start, start + len(word), word, initial))

    mid_capitalised = {w for _, _, w, initial in words if not initial and _capitalised(w)}
    lower_after = {i: masked[end:end + 40].lstrip().split(" ", 1)[0].lower().strip(".,;:!?") for
                   i, (_, end, _, _) in enumerate(words)}

    def candidate(i: int) -> bool:
        start, _, word, initial = words[i]
        if not _capitalised(word) or len(word) < 2 or _allowed(word):
            return False
        if lower_after[i] in CONDITION_NOUNS:
            return False
        if i > 0 and _strip_word(words[i - 1][2]) in TITLES and masked[words[i - 1][1]: start].strip() in ("", "."):
            return True  # "Dr. Patel", "Aunt Rosa"
        return not initial or word in mid_capitalised

    spans: list[_Span] = []
    i = 0
    while i < len(words):
        if not candidate(i):
            i += 1
            continue
        # Grow a group of adjacent capitalised words: "Maria Lopez", "Lincoln Elementary School".
        first = i
        last = i
        j = i + 1
        while j < len(words):
            if not _joined(masked, words[j - 1], words[j]):
                break
            word = words[j][2]
            if _capitalised(word) and len(word) > 1 and lower_after[j] not in CONDITION_NOUNS:
                last = j
                j += 1
                continue
            if word.lower() in {"of", "de", "van", "von", "del", "la", "da"} and j + 1 < len(words) and \
                    _capitalised(words[j + 1][2]) and masked[words[j][1]: words[j + 1][0]] == " ":
                j += 1
                continue
            break
        # A capitalised institution word before the group belongs to it ("St Mary's", "Mount Sinai").
        while first > 0 and words[first - 1][2].lower() in HOSPITAL_WORDS | SCHOOL_WORDS and \
                _capitalised(words[first - 1][2]) and _joined(masked, words[first - 1], words[first]):
            first -= 1
        group = [w[2].lower() for w in words[first: last + 1]]
        spans.append(_Span(words[first][0], words[last][1], _classify(masked, words, first, group)))
        i = last + 1
    return spans


def _joined(text: str, left: tuple, right: tuple) -> bool:
    """Whether two words are part of one name: "Maria Lopez", "St Mary's", "St. Jude"."""
    gap = text[left[1]: right[0]]
    if gap in (" ", "'s ", "’s "):
        return True
    return gap == ". " and left[2].lower() + "." in _ABBREVIATIONS


def _classify(text: str, words: list, first: int, group: list[str]) -> str:
    group_words = {_strip_word(w) for w in group} | set(group)
    if group_words & SCHOOL_WORDS:
        return "school"
    if group_words & HOSPITAL_WORDS:
        return "hospital"
    if group_words & PLACE_WORDS:
        return "place"
    if first > 0 and words[first - 1][2].lower() in PLACE_PREPOSITIONS:
        end = words[first][1]
        if not text[end:end + 2] in ("'s", "’s"):
            previous_title = first > 1 and _strip_word(words[first - 2][2]) in TITLES
            if not previous_title:
                return "place"
    return "name"


def find(text: str) -> list[tuple[int, int, str]]:
    """Every identifying span as (start, end, kind), in order of appearance (occurrences, not flags)."""
    claimed = [False] * len(text)
    spans: list[_Span] = []
    for kind, pattern, group in _DETECTORS:
        for match in pattern.finditer(text):
            start, end = match.span(group)
            if start < 0:
                continue
            matched = text[start:end].rstrip(".,;:!?")
            end = start + len(matched)
            if kind == "phone" and not 7 <= sum(c.isdigit() for c in matched) <= 15:
                continue
            if kind == "address" and not any(c.isdigit() for c in matched) and _allowed(matched.split()[0]):
                continue  # "The Road to recovery" is not a street
            if end <= start or any(claimed[start:end]):
                continue
            spans.append(_Span(start, end, kind))
            for index in range(start, end):
                claimed[index] = True
    spans.extend(_name_spans(text, claimed))
    return [(s.start, s.end, s.kind) for s in sorted(spans, key=lambda s: s.start)]


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    snippet = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + snippet + ("…" if right < len(text) else "")


def check(text: str) -> list[Flag]:
    """One flag per distinct identifying span, in order of first appearance."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for start, end, kind in find(text):
        found.setdefault(key(text[start:end]), []).append((start, end, kind))
    flags = []
    for span_key, places in found.items():
        start, end, kind = places[0]
        flags.append(Flag(text=span_key, kind=kind, count=len(places), start=start,
                          context=_context(text, start, end)))
    return flags
