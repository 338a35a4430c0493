"""Find date expressions in news text and resolve them against the publication date.

News copy dates events relative to the day it was written: "on Tuesday", "yesterday", "three weeks ago",
"in the last three days", "since December", "Feb. 26" (no year). Each expression found becomes a range
(`date` .. `date_to`, ISO days) and a precision (day, week, month, year), so "this month" in an article
of 27 Feb 2020 is 2020-02-01..2020-02-27 and "Feb. 26" is 2020-02-26..2020-02-26.

Candidate spans are found with one compiled regular expression (the whole text is scanned once; this
runs on every article) and resolved with plain calendar arithmetic. Numeric dates ("09/05/2020"), whose
day/month order needs locale rules, are handed to dateparser, restricted to English, with the
publication date as its relative base. Without a publication date, expressions that need one (a
weekday, "yesterday", a day and month without a year) are not reported: there is nothing to resolve
them against.
"""

from __future__ import annotations

import calendar
import codecs
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from indexer.regexscan import (
    UnknownSyntax,
    ascii_marks,
    case_sensitive_sieve,
    encode_ascii,
    regex_prefixes,
    scan_text,
    scan_view,
)

PRECISIONS = ("day", "week", "month", "year")

_MONTH_NAMES = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_WEEKDAYS = {name: number for number, name in enumerate(calendar.day_name)}
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "few": 3, "a few": 3, "several": 3, "couple": 2, "a couple of": 2, "a couple": 2,
}  # fmt: skip
_PART_OF_MONTH = {"early": (1, 10), "mid": (11, 20), "late": (21, 31), "end": (21, 31)}

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_COUNT = (
    r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|a\s+few|few|several|a\s+couple\s+of|a\s+couple)"
)
_UNIT = r"(?:day|week|month|year)s?"
_LEAD = r"(?:(?:(?:early|late)\s+)?(?:on|around|about|from|until|till|by|since|as\s+of|before|after)\s+)?"
_ORD = r"(?:st|nd|rd|th)?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"

_FORMS = (
    (
        "dmy",
        rf"(?P<dmy>{_LEAD}(?P<dmy_d>{_DAY}){_ORD}\s+(?:of\s+)?(?P<dmy_m>{_MONTH})\.?,?\s+(?P<dmy_y>\d{{4}}))\b",
    ),
    ("mdy", rf"(?P<mdy>{_LEAD}(?P<mdy_m>{_MONTH})\.?\s+(?P<mdy_d>{_DAY}){_ORD},?\s+(?P<mdy_y>\d{{4}}))\b"),
    ("iso", r"(?P<iso>(?P<iso_y>\d{4})-(?P<iso_m>[01]\d)-(?P<iso_d>[0-3]\d))\b(?!-)"),
    ("numeric", r"(?P<numeric>\b\d{1,2}[/.]\d{1,2}[/.](?:19|20)\d{2})\b"),
    ("dm", rf"(?P<dm>{_LEAD}(?P<dm_d>{_DAY}){_ORD}\s+(?:of\s+)?(?P<dm_m>{_MONTH})\b\.?)(?!\s*,?\s*\d)"),
    ("md", rf"(?P<md>{_LEAD}(?P<md_m>{_MONTH})\.?\s+(?P<md_d>{_DAY}){_ORD})\b(?!\s*,?\s*\d)(?![.:]\d)"),
    (
        "part",
        rf"(?P<part>(?:(?:in|by|at|until|before|after)\s+)?(?:the\s+)?(?P<part_p>early|mid|late|end)"
        rf"(?:-|\s+|\s+of\s+)(?P<part_m>{_MONTH})\b\.?(?:\s+(?P<part_y>\d{{4}})\b)?)",
    ),
    (
        "my",
        rf"(?P<my>(?:(?P<my_lead>in|since|during|until|by|from|through|throughout|before|after|of|for)\s+)?"
        rf"(?P<my_m>{_MONTH})\.?,?\s+(?P<my_y>(?:19|20)\d{{2}}))\b",
    ),
    (
        "month",
        rf"(?P<month>(?P<month_lead>in|since|during|until|by|from|through|throughout|before|after|last|this|"
        rf"early|late|earlier\s+in|later\s+in)\s+(?P<month_m>{_MONTH})\b)(?!\.?\s*\d)",
    ),
    (
        "year",
        r"(?P<year>(?P<year_lead>in|since|during|until|by|from|through|throughout|before|after|of|early|late)"
        r"\s+(?P<year_y>(?:19|20)\d{2}))\b(?![-/.,]?\d)",
    ),
    ("ago", rf"(?P<ago>(?P<ago_n>{_COUNT})\s+(?P<ago_u>{_UNIT})\s+ago)\b"),
    (
        "span",
        rf"(?P<span>(?:in|over|during|within|for|throughout)\s+the\s+(?:last|past|previous)\s+"
        rf"(?:(?P<span_n>{_COUNT})\s+)?(?P<span_u>{_UNIT}))\b",
    ),
    (
        "rel",
        r"(?P<rel>(?P<rel_w>last|this|past|previous|next|earlier\s+this|later\s+this)\s+"
        r"(?P<rel_u>week(?:end)?|month|year))\b",
    ),
    (
        "weekday",
        rf"(?P<weekday>(?:(?P<weekday_q>on|last|this|next|early|late|early\s+on|late\s+on)\s+)?(?P<weekday_d>{_WEEKDAY}))\b",
    ),
    (
        "deictic",
        r"(?P<deictic>the\s+day\s+before\s+yesterday|yesterday|today|tonight|last\s+night"
        r"|this\s+(?:morning|afternoon|evening)|earlier\s+today)\b",
    ),
)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    alternatives = "|".join(body for _, body in _FORMS)
    return re.compile(rf"(?:{alternatives})", re.IGNORECASE)


_WINDOW = 4


@lru_cache(maxsize=1)
def _forms_by_head() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """The first few characters (as `scan_view` writes them) a match of each form can start with, as a
    map from those characters to forms, and the forms for which that is not known (tried everywhere).
    `\\d` is spelled out as ASCII digits for this reading only: the view writes every digit that way."""
    by_head: dict[str, set[str]] = {}
    anywhere: set[str] = set()
    for name, body in _FORMS:
        try:
            heads = regex_prefixes(body.replace(r"\d", "[0-9]"), _WINDOW)
        except (UnknownSyntax, re.error):
            heads = {""}
        if "" in heads:
            anywhere.add(name)
            continue
        for head in heads:
            by_head.setdefault(head, set()).add(name)
    return {head: frozenset(names) for head, names in by_head.items()}, frozenset(anywhere)


@lru_cache(maxsize=8192)
def _forms_at(window: str) -> tuple[tuple[str, ...], re.Pattern[str] | None, re.Pattern[str] | None]:
    """The forms that can match where the text reads `window`, their alternation in `_FORMS` order, and
    that alternation's case-sensitive sieve (see `_subset_sieve`). (Cached by the window as written: the
    same few words open most windows.)

    At any position the full alternation's match is that of its first matching form; forms that cannot
    start there never match, so trying only the others, in the same order, gives the same match — with a
    fraction of the work, since most positions tried ("the", "of", "in") leave one or two candidates.
    A window cut short by the end of the text rules nothing out.
    """
    by_head, anywhere = _forms_by_head()
    window = scan_view(window)
    if len(window) < _WINDOW:
        names = tuple(name for name, _ in _FORMS)
    else:
        possible = set(anywhere)
        for length in range(1, _WINDOW + 1):
            possible |= by_head.get(window[:length], frozenset())
        names = tuple(name for name, _ in _FORMS if name in possible)
    if not names:
        return names, None, None
    return names, _subset_pattern(names), _subset_sieve(names)


def compile_forms() -> int:
    """Compile now every alternation `_forms_at` can ask for, and say how many there are (a few dozen: the
    heads of the forms sort them into few groups). Compiling one takes milliseconds, which the first
    articles to need it would otherwise pay; `extract.warm_up` calls this. The two scans for where a date
    can start are compiled too (the one for texts with case twins is needed seldom, and then took 18 ms)."""
    _starts()
    _view_starts()
    by_head, anywhere = _forms_by_head()
    every = tuple(name for name, _ in _FORMS)
    subsets = {every}
    for head in by_head:
        possible = set(anywhere)
        for length in range(1, len(head) + 1):
            possible |= by_head.get(head[:length], frozenset())
        subsets.add(tuple(name for name in every if name in possible))
    for names in subsets:
        if names:
            _subset_pattern(names)
            _subset_sieve(names)
    return len(subsets)


@lru_cache(maxsize=256)
def _subset_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    bodies = dict(_FORMS)
    return re.compile("(?:" + "|".join(bodies[name] for name in names) + ")", re.IGNORECASE)


@lru_cache(maxsize=256)
def _subset_sieve(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """`case_sensitive_sieve` of `_subset_pattern(names)`: run on `scan_text` of the text, it fails
    wherever that alternation fails, and costs a fraction of it. Most positions tried ("the", "in", "on")
    start no date, and the regex engine tries a case-insensitive alternation branch by branch, lower-casing
    each character, at several thousand instructions a try."""
    return case_sensitive_sieve(_subset_pattern(names))


_WORD = re.compile(r"[^\W_]+")
# The non-ASCII letters that match an ASCII letter case-insensitively, which `scan_view` writes as that letter.
_CASE_TWINS = frozenset("\u0130\u0131\u017f\u212a")
_TRIGGERS = frozenset(
    [*_MONTH_NAMES, *(d.lower() for d in _WEEKDAYS), *_NUMBER_WORDS]
    + """on around about from until till by since as before after early late mid end in during through
    throughout of for over within last this past previous next earlier later the yesterday today tonight
    """.split()
)


# What must follow a trigger word, and a digit, for any form to match at it, in `_start_positions`' view of
# the text (lower-case, every separator a space, every digit ASCII), read from `_FORMS`: each word opens
# forms only through ``\s+`` (or the hyphen of "mid-May") and the words given here, of which a word's first
# three letters are enough. "the" opens "the end of May" and "the day before yesterday"; "of" "of May 2020"
# and "of 2020"; "a" "a day ago", "a few days ago" and "a couple of days ago"; a lead word of `_LEAD` a day
# or a month; "in", "by" and a few others a part of a month ("in the end of May", "by early May") too; a
# word of the spans ("for", "over") "the last ..."; a month name a day or a year. Most positions the
# triggers find are such words before anything else ("the", "of", "a", "in" alone are more than half of
# them), and each costs a sieve match in `find_dates`.
_DIGIT = "[0-9]"
_MONTH_HEAD = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_WEEKDAY_HEAD = "(?:mon|tue|wed|thu|fri|sat|sun)"
_UNIT_HEAD = "(?:day|week|month|year)"
_PART = rf"(?:early|mid|late|end)(?:-| +(?:of +)?){_MONTH_HEAD}"
_SPAN = "the +(?:last|past|previous)"
_DAY_OR_MONTH = f"{_MONTH_HEAD}|{_DIGIT}"
_DAY_MONTH_OR_PART = f"{_MONTH_HEAD}|{_DIGIT}|{_PART}|the +{_PART}"
_FOLLOWERS = {
    "the": f" +(?:{_PART}|day)",
    "in": f" +(?:{_DAY_MONTH_OR_PART}|{_SPAN})",
    "of": f" +(?:{_DAY_OR_MONTH})",
    "a": f" +(?:{_UNIT_HEAD}|few +{_UNIT_HEAD}|couple +(?:of +)?{_UNIT_HEAD})",
    "as": f" +of +(?:{_DAY_OR_MONTH})",
    "on": f" +(?:{_DAY_OR_MONTH}|{_WEEKDAY_HEAD})",
    "this": f" +(?:week|month|year|morning|afternoon|evening|{_MONTH_HEAD}|{_WEEKDAY_HEAD})",
    **dict.fromkeys(("past", "previous"), " +(?:week|month|year)"),
    **dict.fromkeys(("end", "mid"), f"(?:-| +(?:of +)?){_MONTH_HEAD}"),
    **dict.fromkeys(("over", "within"), f" +{_SPAN}"),
    "for": f" +(?:{_MONTH_HEAD}|{_SPAN})",
    **dict.fromkeys(("during", "throughout"), f" +(?:{_DAY_OR_MONTH}|{_SPAN})"),
    **dict.fromkeys(("from", "since", "till", "about", "around", "through"), f" +(?:{_DAY_OR_MONTH})"),
    **dict.fromkeys(("by", "until", "before", "after"), f" +(?:{_DAY_MONTH_OR_PART})"),
    **dict.fromkeys((w for w in _NUMBER_WORDS if w.isalpha() and w != "a"), f" +{_UNIT_HEAD}"),
    **dict.fromkeys(_MONTH_NAMES, f" +{_DIGIT}"),
}
# A number opens a day ("5th of May"), an ISO date, a numeric date ("5/3/2020", its "/" a space in the view)
# or a count ("3 days ago").
_NUMBER_START = rf"[0-9](?=[0-9]{{3}}-[0-9]|[0-9]?(?:(?:st|nd|rd|th)? +(?:of +)?{_MONTH_HEAD}| [0-9])|[0-9]{{0,2}} +{_UNIT_HEAD})"


def _trigger_alternation(spell: Callable[[str], str], followers: dict[str, str] | None = None) -> str:
    """The trigger words as a regex trie, each letter written by `spell`, each word ending at a word end
    or, for a word in `followers`, followed by what is given for it (looked ahead at: only the word is
    matched)."""
    trie: dict[str, dict] = {}
    for word in _TRIGGERS:
        if word.isalpha():
            node = trie
            for char in word:
                node = node.setdefault(char, {})
            node[""] = {}

    def emit(node: dict[str, dict], word: str) -> str:
        branches = [spell(char) + emit(child, word + char) for char, child in sorted(node.items()) if char]
        if "" in node:
            follower = (followers or {}).get(word)
            branches.append(r"(?![^\W_])" if follower is None else f"(?={follower})")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(trie, "")


@lru_cache(maxsize=1)
def _starts() -> re.Pattern[str]:
    """Where `find_dates` tries its pattern: the start of a word (a run of letters and digits, not right
    after a hyphen) that begins with a digit or, lower-cased, is a trigger — found in one scan in C rather
    than a Python loop over every word. Letters are spelled case by case, not with IGNORECASE, which would
    also accept "ſince"; the Kelvin sign is the one non-ASCII letter whose lower case is ASCII. A word
    starting with any other non-ASCII character is checked in Python."""

    def spelled(char: str) -> str:
        return f"[{char}{char.upper()}{chr(0x212A) if char == 'k' else ''}]"

    return re.compile(rf"(?<![^\W_])(?<!-)(?=[0-9]|[^\W_\x00-\x7f]|{_trigger_alternation(spelled)})")


@lru_cache(maxsize=1)
def _view_starts() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """`_starts` for `scan_view` of the text, where letters are already lower-case: a word opening and,
    to find it, the same word matched right after a space of the text's separator view (see
    `_start_positions`). Starting from a literal space lets the regex engine skip to candidates in C, where
    `_starts`, which opens with look-behinds, is tried at every position of the text, and a class of
    separators would be checked character by character. After a space, most trigger words and a number are
    taken only before what they can open a form with (`_FOLLOWERS`, `_NUMBER_START`). The word after the
    space is matched, not looked ahead at (one step of the regex engine less at every space): it holds no
    space, so the next space to try is not passed over."""
    word = rf"(?:[0-9]|[^\W_\x00-\x7f]|{_trigger_alternation(re.escape)})"
    spaced_word = rf"(?:Z|{_NUMBER_START}|{_trigger_alternation(re.escape, _FOLLOWERS)})"
    return re.compile(word), re.compile(f" {spaced_word}")


def _start_positions(text: str) -> list[int]:
    """The positions `_starts` finds in `text`, in order, but for those at a trigger word or a number that
    no form can match at by what follows it (`_FOLLOWERS`; the text's first word is kept either way).

    They are read off `scan_text` of the text (usually at hand: other extractors scan the same article),
    which keeps every character's class (letter or digit, "-", other) and lower-cases ASCII letters. Its
    only other change that matters here turns the four non-ASCII letters that match ASCII ones
    case-insensitively ("ſ", dotless and dotted i, the Kelvin sign) into those: a text with any of them
    is scanned as it is, and of its positions those the view drops are dropped (the view reads these
    letters as the pattern does, so a form matching at a position passes what the view asks after it).
    A word start follows a character that is neither a letter, a digit nor "-"; the scan looks for a space
    in a copy of the view where every such character is one (same length)."""
    scanned = scan_text(text)
    word, after_space = _view_starts()
    positions = [0] if word.match(scanned) else []
    encoded = encode_ascii(scanned, _SEPARATOR_VIEW_ERRORS, _SEPARATOR_MARKS)
    spaced = encoded.translate(_SEPARATORS_AS_SPACES).decode("ascii")
    positions += [found.start() + 1 for found in after_space.finditer(spaced)]
    if any(char in text for char in _CASE_TWINS):
        kept = {0, *positions}
        return [start for start in (found.start() for found in _starts().finditer(text)) if start in kept]
    return positions


def _separator_char(char: str) -> str:
    """A non-ASCII character of a `scan_text` as `_start_positions` writes it: a letter or digit as "Z" (an
    upper-case ASCII letter never occurs in `scan_text`, so it marks them alone), anything else as a space."""
    return "Z" if char.isalnum() else " "


def _separator_run(error: UnicodeEncodeError) -> tuple[str, int]:
    """The run of characters the ASCII codec cannot encode, each as `_separator_char` writes it."""
    run = error.object[error.start : error.end]
    return "".join(map(_separator_char, run)), error.end


_SEPARATOR_VIEW_ERRORS = "conflictwire-date-separators"  # `_separator_run`, by its registered name
codecs.register_error(_SEPARATOR_VIEW_ERRORS, _separator_run)
_SEPARATOR_MARKS = ascii_marks(_separator_char)  # the quotation marks and the dashes, for `encode_ascii`
# Every ASCII character but letters, digits and "-" as a space: where the scan for date starts looks.
_SEPARATORS_AS_SPACES = bytes(
    code if chr(code).isalnum() or chr(code) == "-" else ord(" ") for code in range(128)
) + bytes(range(128, 256))


def _number(word: str) -> int:
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _month(word: str) -> int:
    return _MONTH_NAMES[word.lower().rstrip(".")]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _shift_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _latest_year(month: int, day: int, published: date) -> date | None:
    """The month-day on or before publication: "Feb. 26" in an article of 27 Feb 2020 is 2020-02-26."""
    for year in (published.year, published.year - 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= published:
            return candidate
    return None


def _latest_month(month: int, published: date) -> int:
    return published.year if month <= published.month else published.year - 1


Resolved = tuple[date, date, str]


def _resolve(form: str, match: re.Match[str], published: date | None) -> Resolved | None:
    """The range and precision one matched expression stands for, or None when it cannot be resolved."""
    group = match.group
    lead = group(form).split()[0].lower() if group(form) else ""
    if form in ("dmy", "mdy", "iso"):
        day = date(int(group(f"{form}_y")), _month_of(group(f"{form}_m")), int(group(f"{form}_d")))
        return _open_ended(day, day, "day", lead, published)
    if form == "numeric":
        return _numeric(group("numeric"), published)
    if form in ("dm", "md"):
        if published is None:
            return None
        day = _latest_year(_month(group(f"{form}_m")), int(group(f"{form}_d")), published)
        return _open_ended(day, day, "day", lead, published) if day else None
    if form == "part":
        month = _month(group("part_m"))
        if group("part_y"):
            year = int(group("part_y"))
        elif published is not None:
            year = _latest_month(month, published)
        else:
            return None
        first, last = _PART_OF_MONTH[group("part_p").lower()]
        end = _month_end(year, month)
        return date(year, month, first), min(end, date(year, month, min(last, end.day))), "week"
    if form == "my":
        year, month = int(group("my_y")), _month(group("my_m"))
        return _open_ended(date(year, month, 1), _month_end(year, month), "month", lead, published)
    if form == "month":
        if published is None:
            return None
        month = _month(group("month_m"))
        year = _latest_month(month, published)
        if group("month_lead").lower() == "last" and year == published.year and month == published.month:
            year -= 1
        return _open_ended(date(year, month, 1), _month_end(year, month), "month", lead, published)
    if form == "year":
        year = int(group("year_y"))
        return _open_ended(date(year, 1, 1), date(year, 12, 31), "year", lead, published)
    if published is None:
        return None
    if form == "ago":
        return _ago(_number(group("ago_n")), group("ago_u").lower().rstrip("s"), published)
    if form == "span":
        count = _number(group("span_n")) if group("span_n") else 1
        unit = group("span_u").lower().rstrip("s")
        if group("span_n") is None and group("span_u").lower().endswith("s"):
            count = 3
        start = _back(published, count, unit)
        return start, published, unit if unit != "year" or count > 1 else "year"
    if form == "rel":
        return _relative(" ".join(group("rel_w").lower().split()), group("rel_u").lower(), published)
    if form == "weekday":
        return _weekday(group("weekday_d"), (group("weekday_q") or "on").lower().split()[-1], published)
    if form == "deictic":
        phrase = " ".join(group("deictic").lower().split())
        offset = (
            2 if phrase.startswith("the day before") else 1 if phrase in ("yesterday", "last night") else 0
        )
        day = published - timedelta(days=offset)
        return day, day, "day"
    return None


def _month_of(value: str) -> int:
    return int(value) if value.isdigit() else _month(value)


def _open_ended(first: date, last: date, precision: str, lead: str, published: date | None) -> Resolved:
    """ "since X" runs from X to publication; "until X" from publication to X; otherwise X itself."""
    if lead == "since" and published is not None and first <= published:
        return first, published, precision
    return first, last, precision


def _back(published: date, count: int, unit: str) -> date:
    if unit == "day":
        return published - timedelta(days=count)
    if unit == "week":
        return published - timedelta(weeks=count)
    if unit == "month":
        return _shift_months(published, -count)
    return _shift_months(published, -12 * count)


def _ago(count: int, unit: str, published: date) -> Resolved:
    point = _back(published, count, unit)
    if unit == "day":
        return point, point, "day"
    if unit == "week":
        return (*_week_of(point), "week")
    if unit == "month":
        return date(point.year, point.month, 1), _month_end(point.year, point.month), "month"
    return date(point.year, 1, 1), date(point.year, 12, 31), "year"


def _relative(which: str, unit: str, published: date) -> Resolved:
    step = {"last": -1, "past": -1, "previous": -1, "next": 1}.get(which, 0)
    if unit in ("week", "weekend"):
        monday, sunday = _week_of(published + timedelta(weeks=step))
        if unit == "weekend":
            return monday + timedelta(days=5), sunday, "day"
        if step == 0:
            return monday, published if which != "later this" else sunday, "week"
        return monday, sunday, "week"
    if unit == "month":
        first = _shift_months(date(published.year, published.month, 1), step)
        last = _month_end(first.year, first.month)
        if step == 0 and which != "later this":
            last = published
        return first, last, "month"
    year = published.year + step
    last = published if step == 0 and which != "later this" else date(year, 12, 31)
    return date(year, 1, 1), last, "year"


def _weekday(name: str, qualifier: str, published: date) -> Resolved:
    target = _WEEKDAYS[name.capitalize()]
    back = (published.weekday() - target) % 7
    if qualifier == "next":
        ahead = (target - published.weekday()) % 7 or 7
        day = published + timedelta(days=ahead)
    elif qualifier == "last" and back == 0:
        day = published - timedelta(days=7)
    else:
        day = published - timedelta(days=back)
    return day, day, "day"


def _numeric(text: str, published: date | None) -> Resolved | None:
    import dateparser

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month", "year"]}
    if published is not None:
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day)
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        return None
    day = parsed.date()
    if published is not None and day > published and day.day <= 12:
        try:
            swapped = date(day.year, day.day, day.month)
        except ValueError:
            swapped = None
        if swapped is not None and swapped <= published:
            day = swapped
    return day, day, "day"


def _publication_day(published: str | date | None) -> date | None:
    if published is None or published == "":
        return None
    if isinstance(published, date):
        return published
    try:
        return date.fromisoformat(str(published)[:10])
    except ValueError:
        return None


def find_dates(text: str, published: str | None) -> list[dict]:
    """Every date expression in `text`, resolved against `published` (ISO date), in text order.

    Each result is {"start", "end", "text", "date", "date_to", "precision"}: offsets into `text`, the
    first and last day the expression covers, and how exact it is (day, week, month or year).
    """
    base = _publication_day(published)
    results = []
    covered = 0
    scanned = scan_text(text)
    for position in _start_positions(text):
        if position < covered:
            continue
        if not text[position].isascii():
            token = _WORD.match(text, position).group()
            if not token[0].isdigit() and token.lower() not in _TRIGGERS:
                continue
        names, pattern, sieve = _forms_at(text[position : position + _WINDOW])
        if pattern is None or (sieve is not None and sieve.match(scanned, position) is None):
            continue
        match = pattern.match(text, position)
        if match is None:
            continue
        covered = match.end()
        form = next(name for name in names if match.group(name) is not None)
        if form in ("weekday", "deictic", "month", "dm", "md", "part") and not _capitalised_month(
            form, match
        ):
            continue
        try:
            resolved = _resolve(form, match, base)
        except (ValueError, KeyError, OverflowError):
            continue
        if resolved is None:
            continue
        first, last, precision = resolved
        start, end = match.span(form)
        results.append(
            {
                "start": start,
                "end": end,
                "text": text[start:end],
                "date": first.isoformat(),
                "date_to": max(first, last).isoformat(),
                "precision": precision,
            }
        )
    return results


def _capitalised_month(form: str, match: re.Match[str]) -> bool:
    """Month and weekday names must be written as names: "may" and "march" are also verbs."""
    for group in (f"{form}_m", f"{form}_d") if form in ("month", "dm", "md", "part") else ("weekday_d",):
        value = match.group(group) if group in match.re.groupindex else None
        if value and not value[0].isdigit() and not value[0].isupper():
            return False
    return True
