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


def _p(pattern: str, stance: str, weight: float, *, needs: tuple[str, ...]) -> Phrase:
    return Phrase(re.compile(pattern), stance, weight, needs)


_CARRIED_OUT = r"(genomföras|införas|antas|accepteras|godtas|godkännas|beslutas)\b"
_SAY = r"(yttra|yttrande|svara|besvara|lämna|synpunkt|ställning|kommentera)"
_CARRIED_OUT_WORDS = ("genomföras", "införas", "antas", "accepteras", "godtas", "godkännas", "beslutas")
_SAY_WORDS = ("yttra", "svara", "lämna", "synpunkt", "ställning", "kommentera")
# What an answer calls a proposal it finds good ("förslaget är väl avvägt").
# Up to three words, none a negation ("ställer sig helt och fullt bakom", not "ställer sig inte bakom").
_UNNEGATED_WORDS = r"((?!(inte|ej|icke)\b)\w+\s+){0,3}?"
_GOOD_WORDS = ("bra", "välkom", "avvägd", "avvägt", "rimlig", "angeläg", "ändamålsenlig", "välgrundad")
_GOOD = (
    r"(bra|välkommet|välkommen|välkomna|väl\s*avvägt|väl\s*avvägd|väl\s*avvägda|rimligt|rimlig|rimliga|angeläget"
    r"|angelägen|angelägna|ändamålsenligt|ändamålsenlig|ändamålsenliga|välgrundat|välgrundad|välgrundade)\b"
)

PHRASES: tuple[Phrase, ...] = (
    # Abstaining: declining to give a view at all.
    _p(r"\bavst(år|å|od|ått)\b(\s+\w+){0,4}?\s+från att\s+" + _SAY, ABSTAIN, 3.5, needs=("avst",)),
    _p(r"\bavst(år|å|od|ått)\b(\s+\w+){0,3}?\s+" + _SAY, ABSTAIN, 3.0, needs=("avst",)),
    _p(r"\bavböj\w*\s+att\s+" + _SAY, ABSTAIN, 3.5, needs=("avböj",)),
    _p(r"\b(väljer|valt|valde|beslutat|beslutar)\s+att\s+inte\s+" + _SAY, ABSTAIN, 3.5, needs=("att inte",)),
    _p(r"\b(lämnar|lämna|avger|avge)\s+(inget|inte\s+något|något)\s+yttrande\b", ABSTAIN, 3.0, needs=("yttrande",)),
    _p(r"\b(kommer|avser|tänker)\s+(därför\s+)?(inte|ej)\s+att\s+" + _SAY, ABSTAIN, 3.0, needs=_SAY_WORDS),
    _p(
        r"\b((inte|ej)\s+(\w+\s+){0,2}|saknar\s+)(möjlighet|tid|resurser|kapacitet)\s+att\s+(\w+\s+)?" + _SAY,
        ABSTAIN,
        3.0,
        needs=("möjlighet", " tid ", "resurser", "kapacitet"),
    ),
    _p(r"\butan\s+(eget\s+)?yttrande\b", ABSTAIN, 3.0, needs=("yttrande",)),
    _p(r"\bavst(år|å|ått|od)\b", ABSTAIN, 1.5, needs=("avst",)),
    # No comments.
    # Consent said as having no other view than the proposal's (read before "ingen … åsikt" below).
    _p(
        r"\b(ingen|inte\s+(\w+\s+)?någon)\s+(avvikande|annan)\s+(uppfattning|mening|åsikt|syn)\b",
        SUPPORT,
        2.0,
        needs=("avvikande", "annan"),
    ),
    # "Nothing further" (i övrigt, ytterligare, utöver detta) follows something said: it barely counts.
    _p(
        r"\bi\s+övrigt\s+(\w+\s+){0,2}(inga|inte\s+några|ingen|inget|ingenting|inte\s+något)\s+(\w+\s+)?"
        r"(synpunkter|kommentarer|att\s+(tillägga|anföra|anmärka|kommentera))\b",
        NO_COMMENT,
        0.5,
        needs=("övrigt",),
    ),
    _p(
        r"\b(inget|ingenting|inte\s+något|inga)\s+(ytterligare|mer|övrigt)\s+(synpunkter\s+|kommentarer\s+)?"
        r"(att\s+(tillägga|anföra|anmärka|kommentera)|synpunkter|kommentarer)\b",
        NO_COMMENT,
        0.5,
        needs=("ytterligare", "mer", "övrigt"),
    ),
    _p(
        r"\b(inga|ingen|inte\s+(\w+\s+)?några|inte\s+(\w+\s+)?någon|ej\s+(\w+\s+)?några)\s+"
        r"(\w+\s+)?(synpunkter|synpunkt|kommentarer|kommentar|åsikter|åsikt)\b",
        NO_COMMENT,
        3.0,
        needs=("synpunkt", "kommentar", "åsikt"),
    ),
    _p(
        r"\b(inget|ingenting|inte\s+(\w+\s+)?något|inte\s+(\w+\s+)?någonting)\s+att\s+"
        r"(tillägga|anföra|anmärka|kommentera|tillföra|framföra)\b",
        NO_COMMENT,
        2.5,
        needs=("inget", "ingenting", "något"),
    ),
    # Opposition, said with a negated supporting phrase first (before the supporting phrases can match).
    _p(r"\b(kan|kunna|går)\s+(inte|ej|därför inte)\s+(att\s+)?ställa\s+sig\s+bakom\b", OPPOSE, 3.5, needs=("bakom",)),
    _p(r"\bställ(er|t|de|a)\s+sig\s+(därför\s+)?(inte|ej)\s+(\w+\s+){0,2}bakom\b", OPPOSE, 3.5, needs=("bakom",)),
    _p(r"\b(inte|ej)\s+(\w+\s+)?ställ(er|a|t|de)\s+sig\s+(\w+\s+)?bakom\b", OPPOSE, 3.5, needs=("bakom",)),
    _p(r"\b(kan|kunna)\s+(inte|ej|därför\s+inte)\s+stå\s+bakom\b", OPPOSE, 3.0, needs=("bakom",)),
    _p(r"\bstå(r|tt)?\s+(därför\s+)?(inte|ej)\s+(\w+\s+){0,2}bakom\b", OPPOSE, 3.0, needs=("bakom",)),
    _p(r"\b(inte|ej)\s+(\w+\s+)?stå(r|tt)?\s+bakom\b", OPPOSE, 3.0, needs=("bakom",)),
    _p(r"\b(delar|dela)\s+(inte|ej)\b", OPPOSE, 2.0, needs=("dela",)),
    _p(r"\b(bör|ska|skall|kan)\s+(inte|ej)\s+" + _CARRIED_OUT, OPPOSE, 2.5, needs=_CARRIED_OUT_WORDS),
    _p(r"\b(inte|ej)\s+(bör|ska|skall|kan)\s+" + _CARRIED_OUT, OPPOSE, 2.5, needs=_CARRIED_OUT_WORDS),
    # Inverted word order: "Mot denna bakgrund bör förslaget inte genomföras".
    _p(r"\b(bör|ska|skall|kan)\s+(\w+\s+){1,2}(inte|ej)\s+" + _CARRIED_OUT, OPPOSE, 2.5, needs=_CARRIED_OUT_WORDS),
    _p(
        r"\b(anser|menar|bedömer|tycker|finner)\s+(\w+\s+)?(inte|ej)\s+att\s+[^.;]{0,60}?\b(bör|ska|skall|kan)\s+(\w+\s+)?"
        + _CARRIED_OUT,
        OPPOSE,
        2.5,
        needs=_CARRIED_OUT_WORDS,
    ),
    _p(
        r"\b(ingen|inga|inte\s+(\w+\s+)?någon|inte\s+(\w+\s+)?några)\s+(anledning|skäl|grund)\s+att\s+"
        r"(tillstyrka|stödja|stötta|ställa\s+sig\s+bakom|välkomna|bifalla)\b",
        OPPOSE,
        2.5,
        needs=("anledning", "skäl", "grund"),
    ),
    _p(r"\bser?\s+(därför\s+)?(inte|ej)\s+positivt\b", OPPOSE, 2.0, needs=("positivt",)),
    _p(r"\bser?\s+(mycket\s+|därför\s+)?negativt\b", OPPOSE, 2.5, needs=("negativt",)),
    _p(r"\byrka[rd]?\s+avslag\b", OPPOSE, 2.0, needs=("avslag",)),
    _p(r"\b(är|var)\s+(därför\s+|starkt\s+|helt\s+|principiellt\s+)?emot\b", OPPOSE, 2.0, needs=("emot",)),
    _p(r"\bsäger\s+(därför\s+|bestämt\s+)?nej\s+till\b", OPPOSE, 2.5, needs=("nej",)),
    _p(r"\btar\s+(\w+\s+)?avstånd\s+från\b", OPPOSE, 2.5, needs=("avstånd",)),
    _p(r"\bvänder\s+sig\s+(\w+\s+)?(e?mot)\b", OPPOSE, 2.5, needs=("vänder",)),
    _p(r"\bprotesterar\s+(\w+\s+)?mot\b", OPPOSE, 2.5, needs=("protesterar",)),
    _p(r"\bser\s+(mycket\s+)?allvarligt\s+på\b", OPPOSE, 2.0, needs=("allvarligt",)),
    _p(r"\bser\s+med\s+(\w+\s+)?oro\s+på\b", OPPOSE, 1.5, needs=("oro",)),
    _p(r"\bställ(er|t|de|a)\s+sig\s+(\w+\s+)?frågande\s+till\b", OPPOSE, 1.0, needs=("frågande",)),
    _p(
        r"\b(bör|ska|skall|måste)\s+(därför\s+)?(dras\s+tillbaka|återkallas|skrotas|förkastas)\b",
        OPPOSE,
        2.5,
        needs=("tillbaka", "återkalla", "skrotas", "förkastas"),
    ),
    _p(r"\b(inte|ej)\s+(\w+\s+)?övertygad\w*\b", OPPOSE, 1.0, needs=("övertygad",)),
    _p(
        r"\b(förslag\w*|promemorian|betänkandet|utredningen|modellen|reformen)\s+(är|bedöms\s+vara|framstår\s+som)"
        r"\s+(därför\s+)?(inte|ej)\s+(\w+\s+)?" + _GOOD,
        OPPOSE,
        1.5,
        needs=_GOOD_WORDS,
    ),
    # Support: consent without comments counts as support ("inget att invända/erinra", "inga invändningar").
    _p(
        r"\b(inget|ingenting|inte\s+(\w+\s+)?något|inte\s+(\w+\s+)?någonting)\s+att\s+(invända|erinra|anmärka\s+mot)\b",
        SUPPORT,
        2.5,
        needs=("inget", "ingenting", "något"),
    ),
    _p(r"\b(inget|ingenting|inte\s+något)\s+emot\b", SUPPORT, 2.0, needs=("emot",)),
    _p(r"\butan\s+(erinran|erinringar|invändningar|invändning)\b", SUPPORT, 2.5, needs=("utan",)),
    _p(
        r"\b(ingen|inga|inte\s+(\w+\s+)?någon|inte\s+(\w+\s+)?några)\s+(anledning|skäl|grund)\s+att\s+"
        r"(motsätta\s+sig|avstyrka|invända|ifrågasätta|avvisa|avslå)\b",
        SUPPORT,
        2.5,
        needs=("anledning", "skäl", "grund"),
    ),
    _p(r"\b(är|var)\s+(därför\s+)?(inte|ej)\s+emot\b", SUPPORT, 1.5, needs=("emot",)),
    _p(
        r"\b(inga|ingen|inte\s+(\w+\s+)?några|inte\s+(\w+\s+)?någon)\s+(\w+\s+)?"
        r"(invändningar|invändning|erinringar|erinran)\b",
        SUPPORT,
        2.5,
        needs=("invändning", "erinr"),
    ),
    _p(
        r"\b(inga|inget|inte\s+(\w+\s+)?några|inte\s+(\w+\s+)?något)\s+(\w+\s+)?hinder\b",
        SUPPORT,
        2.0,
        needs=("hinder",),
    ),
    _p(r"\bser\s+fram\s+emot\b", SUPPORT, 1.5, needs=("fram emot",)),
    _p(
        r"\bställ(er|t|de|a)\s+sig\s+" + _UNNEGATED_WORDS + r"bakom\b",
        SUPPORT,
        3.0,
        needs=("bakom",),
    ),
    # "står bakom", but not "de som står bakom förslaget" (its authors).
    _p(
        r"(?<!som )\bstå(r|tt)?\s+" + _UNNEGATED_WORDS + r"bakom\b",
        SUPPORT,
        2.5,
        needs=("bakom",),
    ),
    _p(r"\bsäger\s+(därför\s+)?ja\s+till\b", SUPPORT, 2.5, needs=("ja till",)),
    # The proposal should be carried out (the opposite phrase, "bör inte genomföras", is read first).
    _p(
        r"\b(förslag\w*|ändringarna|reformen|dessa|de)\s+(\w+\s+)?bör\s+(därför\s+|snarast\s+|skyndsamt\s+)?"
        r"(genomföras|införas|antas)\b",
        SUPPORT,
        2.0,
        needs=("genomföras", "införas", "antas"),
    ),
    _p(
        r"\bbör\s+(därför\s+)?(förslag\w*|ändringarna|reformen|dessa)\s+(\w+\s+)?(genomföras|införas|antas)\b",
        SUPPORT,
        2.0,
        needs=("genomföras", "införas", "antas"),
    ),
    _p(
        r"\bvill\s+att\s+(förslag\w*|ändringarna|reformen|det|de)\s+(\w+\s+)?(genomförs|införs|antas)\b",
        SUPPORT,
        2.0,
        needs=("vill att",),
    ),
    _p(
        r"\b(förslag\w*|promemorian|betänkandet|utredningen|modellen|reformen)\s+(är|bedöms\s+vara|framstår\s+som)"
        r"\s+(\w+\s+)?" + _GOOD,
        SUPPORT,
        1.5,
        needs=_GOOD_WORDS,
    ),
    _p(r"\bställ(er|t|de|a)\s+sig\s+" + _UNNEGATED_WORDS + r"positiv\w*\b", SUPPORT, 2.5, needs=("positiv",)),
    _p(r"\bser?\s+(mycket\s+|därför\s+)?positivt\b", SUPPORT, 2.0, needs=("positivt",)),
    _p(
        r"\bdelar\s+(helt\s+|fullt\s+ut\s+|i\s+(huvudsak|stort|allt\s+väsentligt|princip|grunden)\s+)?(\w+\s+){0,2}"
        r"(bedömning|bedömningar|uppfattning|slutsats\w*|förslag|analys|ståndpunkt|överväganden|synsätt|syn"
        r"|utgångspunkt\w*|grundsyn)\b",
        SUPPORT,
        2.0,
        needs=("delar",),
    ),
    # Sharing only the aim is weak support: "delar syftet men avstyrker" reads as opposition.
    _p(r"\bdelar\s+(\w+\s+){0,2}(syfte\w*|ambition\w*|intention\w*|målsättning\w*)\b", SUPPORT, 1.0, needs=("delar",)),
    _p(r"\bansluter\s+sig\s+till\b", SUPPORT, 2.0, needs=("ansluter",)),
    _p(r"\byrka[rd]?\s+bifall\b", SUPPORT, 1.5, needs=("bifall",)),
)

# Every word some phrase needs: a sentence is checked for these once (plain substring tests, much faster than one
# regular expression of them all), and a phrase is tried only when one of its own is there.
PHRASE_NEEDS = tuple(sorted({word for phrase in PHRASES for word in phrase.needs}))

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
    "acceptera": (SUPPORT, 2.0),
    "godta": (SUPPORT, 2.0),
    "positiv": (SUPPORT, 1.5),
    "avstyrka": (OPPOSE, 3.0),
    "avstyrkan": (OPPOSE, 3.0),
    "avslå": (OPPOSE, 2.5),
    "avslag": (OPPOSE, 2.0),
    "motsätta": (OPPOSE, 2.5),
    "avvisa": (OPPOSE, 2.5),
    "avråda": (OPPOSE, 2.5),
    "negativ": (OPPOSE, 1.5),
    "kritisk": (OPPOSE, 1.0),
    "tveksam": (OPPOSE, 1.0),
    "skeptisk": (OPPOSE, 1.0),
    "olämplig": (OPPOSE, 1.5),
    "ifrågasätta": (OPPOSE, 1.0),
}
# Adjectives that take a stance only when said of the proposal ("är positiv till", "ställer sig tveksam"), not
# when they describe something ("negativa effekter", "kritisk infrastruktur"): they count when "till"/"mot"/
# "inställd" follows, or, unless a determiner stands right before ("de negativa effekterna"), when a copula or
# "sig" is among the three words before or "som" right before ("ser det som positivt").
PREDICATIVE = frozenset({"positiv", "negativ", "kritisk", "tveksam", "olämplig", "skeptisk"})
PREDICATIVE_BEFORE = frozenset({"är", "var", "vara", "varit", "blir", "förblir", "bli", "sig"})
DETERMINERS = frozenset(
    {"de", "den", "det", "en", "ett", "dessa", "denna", "detta", "flera", "många", "några", "vissa", "andra", "stora"}
)
PREDICATIVE_AFTER = frozenset({"till", "mot", "inställd", "inställda", "inställt"})

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
    r"\b(tillstyrk|bifall|stöd|stöt|välkomn|instäm|biträd|accept|godt|positiv|avstyrk|avsl|motsät|avvis|avråd"
    r"|negativ|kritisk"
    r"|ifrågasät|tveksam|skeptisk|olämplig)"
)

NEGATIONS = frozenset({"inte", "ej", "icke", "aldrig"})
# "inte bara", "inte minst", "inte heller": not a negation of the word near it.
NEGATION_EXCEPTIONS = frozenset({"bara", "minst", "endast", "enbart"})

# The nouns of "with changes": "tillstyrker förslaget med ändringar / med följande ändringar / med de synpunkter som
# framgår nedan / med tillägg / men med vissa justeringar".
_CHANGES = (
    r"(ändringar|ändring|justeringar|justering|förbehåll|kompletteringar|komplettering|undantag|synpunkter|synpunkt"
    r"|tillägg|förändringar|förändring|medskick|kommentarer|kommentar|påpekanden|reservationer|reservation"
    r"|förtydliganden|modifieringar|ändringsförslag|invändningar)"
)
# Words that may stand between "med" and the noun ("med de mindre ändringar", "med ett par tillägg").
_CHANGES_BETWEEN = (
    r"(de|den|det|följande|vissa|några|nedanstående|ovanstående|dessa|smärre|mindre|redaktionella|ett|en|par|antal"
    r"|två|tre|ytterligare|angivna|anförda|ovan|nedan|nämnda|föreslagna|enstaka|få)"
)

# Words that cannot be the verb after a condition's subject ("förslaget om tidsfristen för överklagande"); nor can
# a word ending in -a or -e ("förslaget om det kommunala vetot"), except "ska"/"skulle".
_NOT_A_VERB = (
    r"(för|till|i|av|på|med|om|vid|inom|mellan|och|eller|som|från|mot|under|över|enligt|utan|efter|före|hos|kring"
    r"|genom)"
)
_NOT_OF_A_LAW = r"(?!\s+(i|av)\s+[^.;]{0,30}?(lag|förordning|balk|föreskrift|kap\.|kapitlet|\d+\s*§))"

HEDGES = re.compile(
    r"\b(i\s+huvudsak|i\s+stort|i\s+allt\s+väsentligt|i\s+princip|i\s+grunden|delvis|i\s+delar"
    r"|(till|i|på)\s+(viss|vissa|flera|många|en\s+del|några)\s+(del|delar|punkter|avseenden|hänseenden)"
    r"|i\s+stora\s+drag|generellt|på\s+det\s+hela\s+taget|med\s+(viss\s+|stor\s+)?(tvekan|tveksamhet)"
    r"|dock\s+inte|men\s+inte|med\s+undantag\s+för|utom\s+när\s+det\s+gäller|med\s+ett\s+undantag"
    r"|utom\s+(för\s+)?(\w+\s+)?(förslag\w*|del\w*|det|den|de|avsnitt\w*|kapitel\w*|i\s+fråga|när)"
    r"|under\s+förutsättning\s+att|under\s+förutsättningen\s+att|förutsatt\s+att|på\s+villkor\s+att"
    r"|endast\s+om|bara\s+om|först\s+(när|om|efter\s+att)"
    r"|med\s+(reservation|förbehåll)|med\s+undantag"
    # "med (följande) ändringar", but not "förslaget med ändringar i plan- och bygglagen" (what it changes).
    r"|med\s+(" + _CHANGES_BETWEEN + r"\s+){0,3}" + _CHANGES + _NOT_OF_A_LAW +
    # "tillstyrker förslaget men anser att / men måste / men bör": a reservation in the same breath.
    r"|men\b[^.;]{0,120}?\b(bör|måste|behöver|borde|skulle\s+behöva|ser\s+behov|saknar|efterfrågar|vill\s+att|önskar"
    r"|anser\s+att|anser\s+dock|föreslår))\b"
    # "kan tillstyrka förslaget om tidsgränsen förlängs": a condition with "om"/"ifall" (a verb follows within a few
    # words; "förslaget om ändrade regler" names the proposal and has none).
    r"|\b(kan|skulle\s+kunna)\s+(\w+\s+)?(tillstyrka|stödja|stöda|acceptera|godta|ställa\s+sig\s+bakom|stå\s+bakom)\b"
    r"[^.;]*?\b(om|ifall)\s+((\w+\s+)?\w+(en|et|na|er|ar)\s+\w+(as|s)\b"
    r"|(\w+\s+)?(det|den|de|man|vi|\w+(en|et|na))\s+(?!" + _NOT_A_VERB + r"\b)(\w*[^\Wae]|ska|skulle)\b)"
)

_CHANGE_VERB = (
    r"(ändras|förtydligas|kompletteras|justeras|ses\s+över|förlängas|förlängs|sänkas|sänks|strykas|stryks|utredas"
    r"|utreds|minskas|minskar|revideras|omarbetas|preciseras|skärpas|förändras|förbättras|konkretiseras"
    r"|omformuleras|tas\s+bort|läggas\s+till|kortas|höjas|utökas|tydliggöras|tydliggörs|klargöras|klargörs"
    r"|belysas|analyseras|kompenseras|finansieras|skjutas\s+(upp|fram)|senareläggas|förenklas|begränsas|breddas"
    r"|vidgas|anpassas|samordnas|säkerställas|säkras|beaktas|övervägas|tillföras|specificeras|definieras|ersättas"
    r"|undantas|omfattas|stärkas|förstärkas|tas\s+fram|göras\s+om)"
)
CHANGE_DEMANDS = re.compile(
    r"\b(bör|behöver|måste|borde|skulle\s+behöva)\b(\s+\S+){0,8}?\s+" + _CHANGE_VERB + r"\b"
    r"|\b(vill\s+att|föreslår\s+att|anser\s+att|önskar\s+att|förordar\s+att|menar\s+att)\b[^.]{0,100}?\b"
    + _CHANGE_VERB
    + r"\b"
    r"|\bföreslår\s+(följande|några|vissa|ett\s+antal|två|tre)\s+(\w+\s+)?(ändringar|justeringar|tillägg|kompletteringar)\b"
    # "Regionen anser dock att tidplanen bör …", "… är dock för kort": a reservation after support.
    r"|\bdock\b[^.;]{0,100}?\b(bör|måste|behöver|borde)\b(?!\s+(inte|ej)\b)"
    r"|\b(bör|måste|behöver|borde)\s+dock\b(?!\s+(inte|ej)\b)"
    r"|\bdock\b[^.;]{0,80}?\bför\s+(kort|korta|lång|långa|snäv|snäva|tidigt|tidig|sent|hög|höga|låg|låga)\b"
    # "Kommunen saknar en analys av …", "efterfrågar ett förtydligande", "ser behov av förtydliganden".
    r"|\b(vi|kommunen|regionen|nämnden|förvaltningen|myndigheten|förbundet|föreningen|länsstyrelsen|styrelsen"
    r"|verket|organisationen)\s+saknar\s+(dock\s+|också\s+|även\s+)?(en|ett|någon|något|närmare|tydligare)\b"
    r"|\b(efterfrågar|efterlyser)\b"
    # A condition said as an expectation: "förutsätter att staten finansierar …", "utgår från att …".
    r"|\b(förutsätter|utgår\s+från)\s+att\b"
    r"|\bbehov\s+av\s+(ett\s+|en\s+|att\s+)?(förtydligande\w*|komplettering\w*|ändring\w*|justering\w*|översyn"
    r"|ytterligare|närmare|tydligare)\b"
)
