"""Swedish words for search: tokens, stop words, stems, and the parsed form of what someone typed.

The stems come from the Snowball Swedish stemmer (the `snowballstemmer` package), the same algorithm and
stop-word list as PostgreSQL's `swedish` text search configuration, so that the embedded SQLite index and
PostgreSQL find the same things: "kommunerna" and "kommun" both become "kommun", "regionbildningen" becomes
"regionbildning". See docs/decisions/0005-search.md.

The query syntax is PostgreSQL's `websearch_to_tsquery`: words must all occur (in any inflection), "a quoted
phrase" must occur as written, `or` between two words accepts either, and a leading `-` excludes a word.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

# Letters and digits; everything else separates words (as PostgreSQL's parser does for ordinary text).
WORD = re.compile(r"[^\W_]+")

# Snowball's Swedish stop words, the list PostgreSQL's `swedish` configuration uses (tsearch_data/swedish.stop).
_STOP_WORD_LIST = """
    och det att i en jag hon som han på den med var sig för så till är men ett om hade de av icke mig du henne
    då sin nu har inte hans honom skulle hennes där min man ej vid kunde något från ut när efter upp vi dem vara
    vad över än dig kan sina här ha mot alla under någon eller allt mycket sedan ju denna själv detta åt utan
    varit hur ingen mitt ni bli blev oss din dessa några deras blir mina samma vilken er sådan vår blivit dess
    inom mellan sådant varför varje vilka ditt vem vilket sitta sådana vart dina vars vårt våra ert era vilkas
"""
STOP_WORDS = frozenset(_STOP_WORD_LIST.split())

_stemmer = snowballstemmer.stemmer("swedish")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lower-case word."""
    return str(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased, in order."""
    return [match.group().lower() for match in WORD.finditer(text)]


def stems(text: str) -> list[str]:
    """The stems of the words of `text` that are not stop words, in order: what the index holds."""
    return [stem(word) for word in words(text) if word not in STOP_WORDS]


def stemmed_text(text: str) -> str:
    return " ".join(stems(text))


@dataclass(frozen=True)
class Term:
    """One word or quoted phrase of a query, as stems (several for a phrase)."""

    stems: tuple[str, ...]
    negated: bool = False


@dataclass
class ParsedQuery:
    """A query as groups that must all match; within a group, any one term (words joined by `or`)."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Nothing to look for: no words but stop words, or only exclusions."""
        return not self.groups

    def highlight_stems(self) -> frozenset[str]:
        return frozenset(s for group in self.groups for term in group for s in term.stems)


_QUERY_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse_query(text: str) -> ParsedQuery:
    """Parse what someone typed into the search box (see the module's description of the syntax)."""
    parsed = ParsedQuery()
    join_next = False
    for match in _QUERY_TOKEN.finditer(text):
        minus, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare.lower() == "or":
                join_next = bool(parsed.groups)
                continue
            negated = bare.startswith("-")
            raw = bare[1:] if negated else bare
        else:
            negated = minus == "-"
            raw = phrase or ""
        term_stems = tuple(stems(raw))
        if not term_stems:
            continue
        term = Term(stems=term_stems, negated=negated)
        if negated:
            parsed.excluded.append(term)
            join_next = False
        elif join_next:
            parsed.groups[-1].append(term)
            join_next = False
        else:
            parsed.groups.append([term])
    return parsed
