"""The Swedish decision language the stance reader knows, with what each phrase says and how much it weighs.

Three kinds of entries:

- PHRASES: regular expressions over a lower-cased sentence, tried in order; a span one phrase matched is not
  matched again by a later phrase or lemma (so "kan inte ställa sig bakom" is read once, as opposition).
- LEMMAS: single words, matched on their lemma (simplemma), so that "tillstyrker", "tillstyrkes" and
  "tillstyrkt" are one entry. A negation just before or after the word ("inte", "ej") turns it round.
- HEDGES and CHANGE_DEMANDS: not stances of their own, they turn support into support with changes: a hedge or
  condition in the same sentence as the support ("i huvudsak", "under förutsättning att", "med följande
  ändringar"), or a demand for a change anywhere in the text ("... bör förtydligas").

Weights: 3 for the words a remiss answer decides with (tillstyrka, avstyrka, avstå, inga synpunkter), less for
words that only lean (positiv, kritisk).
"""

import re
from dataclasses import dataclass

SUPPORT = "support"
SUPPORT_WITH_CHANGES = "support_with_changes"
OPPOSE = "oppose"
NO_COMMENT = "no_comment"
ABSTAIN = "abstain"
UNCLEAR = "unclear"

STANCES = (SUPPORT, SUPPORT_WITH_CHANGES, OPPOSE, NO_COMMENT, ABSTAIN, UNCLEAR)


@dataclass(frozen=True)
class Phrase:
    pattern: re.Pattern[str]
    stance: str
    weight: float
    needs: tuple[str, ...]  # the phrase is only tried on a sentence that contains one of these

    def candidate(self, text: str) -> bool:
        return any(word in text for word in self.needs)


def _p(pattern: str, stance: str, weight: float, *, needs: tuple[str, ...]) -> Phrase:
    return Phrase(re.compile(pattern), stance, weight, needs)


_CARRIED_OUT = r"(genomföras|införas|antas|accepteras|godtas|godkännas|beslutas)\b"
_SAY = r"(yttra|yttrande|svara|besvara|lämna|synpunkt|ställning|kommentera)"

PHRASES: tuple[Phrase, ...] = (
    # Abstaining: declining to give a view at all.
    _p(r"\bavst(år|å|od|ått)\b(\s+\w+){0,4}?\s+från att\s+" + _SAY, ABSTAIN, 3.5, needs=("avst",)),
    _p(r"\bavst(år|å|od|ått)\b(\s+\w+){0,3}?\s+" + _SAY, ABSTAIN, 3.0, needs=("avst",)),
    _p(r"\bavböj\w*\s+att\s+" + _SAY, ABSTAIN, 3.5, needs=("avböj",)),
    _p(r"\b(väljer|valt|valde|beslutat|beslutar)\s+att\s+inte\s+" + _SAY, ABSTAIN, 3.5, needs=("att inte",)),
    _p(r"\b(lämnar|lämna|avger|avge)\s+(inget|inte\s+något|något)\s+yttrande\b", ABSTAIN, 3.0, needs=("yttrande",)),
    _p(r"\bavstår\b", ABSTAIN, 1.5, needs=("avstår",)),
    # No comments.
    _p(r"\bi\s+övrigt\s+(inga|inte\s+några)\s+(synpunkter|kommentarer)\b", NO_COMMENT, 0.5, needs=("övrigt",)),
    _p(
        r"\b(inga|inte\s+några)\s+(övriga\s+)?(synpunkter|kommentarer)\b",
        NO_COMMENT,
        3.0,
        needs=("synpunkter", "kommentarer"),
    ),
    _p(
        r"\b(inget|ingenting)\s+att\s+(tillägga|anföra|anmärka|kommentera)\b",
        NO_COMMENT,
        2.5,
        needs=("inget", "ingenting"),
    ),
    # Opposition, said with a negated supporting phrase first (before the supporting phrases can match).
    _p(r"\b(kan|kunna|går)\s+(inte|ej|därför inte)\s+(att\s+)?ställa\s+sig\s+bakom\b", OPPOSE, 3.5, needs=("bakom",)),
    _p(r"\bställ(er|t|de|a)\s+sig\s+(inte|ej)\s+bakom\b", OPPOSE, 3.5, needs=("bakom",)),
    _p(r"\b(inte|ej)\s+(kan\s+)?ställa\s+sig\s+bakom\b", OPPOSE, 3.5, needs=("bakom",)),
    _p(r"\b(delar|dela)\s+(inte|ej)\b", OPPOSE, 2.0, needs=("dela",)),
    _p(r"\b(bör|ska|skall|kan)\s+(inte|ej)\s+" + _CARRIED_OUT, OPPOSE, 2.5, needs=("inte", "ej")),
    _p(r"\b(inte|ej)\s+(bör|ska|skall|kan)\s+" + _CARRIED_OUT, OPPOSE, 2.5, needs=("inte", "ej")),
    _p(r"\bser\s+(inte|ej)\s+positivt\b", OPPOSE, 2.0, needs=("positivt",)),
    _p(r"\bser\s+(mycket\s+)?negativt\b", OPPOSE, 2.5, needs=("negativt",)),
    _p(r"\byrka[rd]?\s+avslag\b", OPPOSE, 2.0, needs=("avslag",)),
    # Support: consent without comments counts as support ("inget att invända/erinra", "inga invändningar").
    _p(r"\b(inget|ingenting)\s+att\s+(invända|erinra|anmärka\s+mot)\b", SUPPORT, 2.5, needs=("inget", "ingenting")),
    _p(r"\b(inget|ingenting)\s+emot\b", SUPPORT, 2.0, needs=("emot",)),
    _p(r"\binga\s+(invändningar|erinringar)\b", SUPPORT, 2.5, needs=("inga",)),
    _p(
        r"\bställ(er|t|de|a)\s+sig\s+(i\s+huvudsak\s+|i\s+stort\s+|helt\s+|därför\s+)?bakom\b",
        SUPPORT,
        3.0,
        needs=("bakom",),
    ),
    _p(r"\bställ(er|t|de|a)\s+sig\s+(mycket\s+)?positiv\w*\b", SUPPORT, 2.5, needs=("positiv",)),
    _p(r"\bser\s+(mycket\s+)?positivt\b", SUPPORT, 2.0, needs=("positivt",)),
    _p(
        r"\bdelar\s+(\w+\s+){0,2}(bedömning|bedömningar|uppfattning|slutsats\w*|förslag)\b",
        SUPPORT,
        2.0,
        needs=("delar",),
    ),
    _p(r"\bansluter\s+sig\s+till\b", SUPPORT, 2.0, needs=("ansluter",)),
    _p(r"\byrka[rd]?\s+bifall\b", SUPPORT, 1.5, needs=("bifall",)),
)

# One search that tells whether a sentence may hold any phrase at all (most sentences hold none).
PHRASE_TRIGGER = re.compile("|".join(sorted({re.escape(word) for phrase in PHRASES for word in phrase.needs})))

# Lemma -> (stance, weight).
LEMMAS: dict[str, tuple[str, float]] = {
    "tillstyrka": (SUPPORT, 3.0),
    "tillstyrkan": (SUPPORT, 3.0),
    "bifalla": (SUPPORT, 2.5),
    "bifall": (SUPPORT, 2.0),
    "stödja": (SUPPORT, 2.0),
    "välkomna": (SUPPORT, 2.0),
    "instämma": (SUPPORT, 2.0),
    "biträda": (SUPPORT, 2.0),
    "positiv": (SUPPORT, 1.5),
    "avstyrka": (OPPOSE, 3.0),
    "avstyrkan": (OPPOSE, 3.0),
    "avslå": (OPPOSE, 2.5),
    "avslag": (OPPOSE, 2.0),
    "motsätta": (OPPOSE, 2.5),
    "avvisa": (OPPOSE, 2.5),
    "negativ": (OPPOSE, 1.5),
    "kritisk": (OPPOSE, 1.0),
    "tveksam": (OPPOSE, 1.0),
    "olämplig": (OPPOSE, 1.5),
    "ifrågasätta": (OPPOSE, 1.0),
}
# Word forms simplemma does not bring to the lemmas above.
FORMS: dict[str, str] = {
    "tillstyrks": "tillstyrka",
    "tillstyrkes": "tillstyrka",
    "tillstyrkt": "tillstyrka",
    "tillstyrkts": "tillstyrka",
    "avstyrks": "avstyrka",
    "avstyrkes": "avstyrka",
    "avstyrkt": "avstyrka",
    "avstyrkts": "avstyrka",
    "stöder": "stödja",
    "stödjer": "stödja",
    "stött": "stödja",
}

# The beginnings of the words whose lemma may be one of LEMMAS: other words are not lemmatised.
LEMMA_TRIGGER = re.compile(
    r"\b(tillstyrk|bifall|stöd|stöt|välkomn|instäm|biträd|positiv|avstyrk|avsl|motsät|avvis|negativ|kritisk"
    r"|ifrågasät|tveksam|olämplig)"
)

NEGATIONS = frozenset({"inte", "ej", "icke", "aldrig"})
# "inte bara", "inte minst", "inte heller": not a negation of the word near it.
NEGATION_EXCEPTIONS = frozenset({"bara", "minst", "endast", "enbart"})

HEDGES = re.compile(
    r"\b(i\s+huvudsak|i\s+stort|i\s+allt\s+väsentligt|i\s+princip|i\s+grunden|delvis|till\s+viss\s+del"
    r"|dock\s+inte|men\s+inte|med\s+undantag\s+för|utom\s+när\s+det\s+gäller"
    r"|under\s+förutsättning\s+att|under\s+förutsättningen\s+att|förutsatt\s+att|på\s+villkor\s+att"
    r"|med\s+(reservation|förbehåll)|med\s+undantag"
    r"|med\s+(följande|vissa|några|de|nedanstående)\s+(ändringar|justeringar|förbehåll|kompletteringar|undantag"
    r"|synpunkter|tillägg|förändringar|medskick))\b"
)

_CHANGE_VERB = (
    r"(ändras|förtydligas|kompletteras|justeras|ses\s+över|förlängas|förlängs|sänkas|sänks|strykas|stryks|utredas"
    r"|utreds|minskas|minskar|revideras|omarbetas|preciseras|skärpas|förändras|förbättras|konkretiseras"
    r"|omformuleras|tas\s+bort|läggas\s+till|kortas|höjas|utökas)"
)
CHANGE_DEMANDS = re.compile(
    r"\b(bör|behöver|måste|borde|skulle\s+behöva)\b(\s+\S+){0,8}?\s+" + _CHANGE_VERB + r"\b"
    r"|\b(vill\s+att|föreslår\s+att|anser\s+att|önskar\s+att)\b[^.]{0,100}?\b" + _CHANGE_VERB + r"\b"
)
