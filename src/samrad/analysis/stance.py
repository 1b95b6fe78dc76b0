"""Reading the stance of a Swedish remiss answer from its text: offline, rule-based and deterministic.

    reading = read_stance(text)
    reading.stance       # support, support_with_changes, oppose, no_comment, abstain or unclear
    reading.confidence   # 0–1
    reading.evidence     # the sentence the stance rests on ("" when unclear for want of any)

How: the text is split into sentences (`segmentation`); each sentence is scanned for the decision language in
`lexicon` — phrases first, then single words by their lemma (simplemma), each turned round by a negation next
to it. Every cue adds its weight to its stance, three times over when the sentence is a decision ("Beslut",
"Kommunstyrelsen beslutar att …"), so that a protocol's decision outweighs its description of the matter and the
office's proposal. Support becomes support with changes when it is hedged or conditioned in its own sentence
("i huvudsak", "under förutsättning att", "med följande ändringar"), when the text demands a change ("… bör
förtydligas"), or when the text also opposes a part at least half as strongly as it supports the whole.
Nothing found reads as unclear.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import simplemma

from samrad.analysis import lexicon
from samrad.analysis.segmentation import Sentence, sentences

DECISION_WEIGHT = 3.0
EVIDENCE_MAX_CHARS = 400
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Ties go to the stance earlier here: a stated decision before a remark about comments.
_PRIORITY = (lexicon.OPPOSE, lexicon.SUPPORT, lexicon.ABSTAIN, lexicon.NO_COMMENT)


@dataclass(frozen=True)
class Reading:
    stance: str
    confidence: float
    evidence: str


@dataclass
class _Cue:
    stance: str
    weight: float
    sentence: Sentence
    hedged: bool = False


@dataclass
class _Tally:
    cues: list[_Cue] = field(default_factory=list)

    def score(self, stance: str) -> float:
        return sum(c.weight for c in self.cues if c.stance == stance)


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    word = word.lower()
    if word in lexicon.FORMS:
        return lexicon.FORMS[word]
    return str(simplemma.lemmatize(word, lang="sv"))


def _negated(words: list[tuple[int, int, str]], at: int) -> bool:
    """A negation among the three words before the word at `at`, or right after it ("tillstyrker inte",
    "motsätter sig inte"; not "positiv men inte till …", which limits rather than negates)."""
    before = [w for _, _, w in words[max(0, at - 3) : at]]
    after = [w for _, _, w in words[at + 1 : at + 4]]
    if after and after[0] in ("sig", "därför", "alltså"):
        after = after[1:]
    if after and after[0] in lexicon.NEGATIONS:
        following = after[1] if len(after) > 1 else ""
        if following not in lexicon.NEGATION_EXCEPTIONS:
            return True
    return any(w in lexicon.NEGATIONS for w in before)


def _negated_before(text: str, start: int) -> bool:
    """A negation among the two words before a phrase ("kan inte ställa sig positivt till förslaget")."""
    before = _WORD.findall(text[max(0, start - 40) : start])[-2:]
    return any(w in lexicon.NEGATIONS for w in before)


def _predicative(words: list[tuple[int, int, str]], at: int) -> bool:
    """Whether the adjective at `at` is said of something ("är positiv till", "ställer sig tveksam") rather than
    describing a noun ("negativa effekter", "kritisk infrastruktur")."""
    following = words[at + 1][2] if at + 1 < len(words) else ""
    if following in lexicon.PREDICATIVE_AFTER:
        return True
    previous = words[at - 1][2] if at else ""
    if previous in lexicon.DETERMINERS:
        return False
    before = {w for _, _, w in words[max(0, at - 3) : at]}
    return bool(before & lexicon.PREDICATIVE_BEFORE) or previous == "som"


def _turned(stance: str) -> tuple[str, float]:
    """What a negated cue says, and how much of its weight it keeps."""
    if stance == lexicon.SUPPORT:
        return lexicon.OPPOSE, 1.0
    if stance == lexicon.OPPOSE:
        return lexicon.SUPPORT, 0.5
    return stance, 0.0


def _sentence_cues(sentence: Sentence) -> list[_Cue]:
    text = sentence.text.lower()
    factor = DECISION_WEIGHT if sentence.in_decision else 1.0
    taken: list[tuple[int, int]] = []
    cues: list[_Cue] = []
    present = {word for word in lexicon.PHRASE_NEEDS if word in text}
    for phrase in lexicon.PHRASES if present else ():
        if present.isdisjoint(phrase.needs):
            continue
        for match in phrase.pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            stance, weight = phrase.stance, phrase.weight
            if stance in (lexicon.SUPPORT, lexicon.OPPOSE) and _negated_before(text, start):
                stance, keep = _turned(stance)
                weight *= keep
            cues.append(_Cue(stance, weight * factor, sentence))
    if lexicon.LEMMA_TRIGGER.search(text):
        cues.extend(_lemma_cues(text, sentence, factor, taken))
    # Hedges matter only to support (a hedged support is support with changes): searched only then.
    if any(c.stance == lexicon.SUPPORT for c in cues) and lexicon.HEDGES.search(text):
        for cue in cues:
            cue.hedged = True
    return cues


def _lemma_cues(text: str, sentence: Sentence, factor: float, taken: list[tuple[int, int]]) -> list[_Cue]:
    cues: list[_Cue] = []
    words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]
    for at, (start, end, word) in enumerate(words):
        if not lexicon.LEMMA_TRIGGER.match(word) or any(start < e and s < end for s, e in taken):
            continue
        entry = lexicon.LEMMAS.get(lemma(word))
        if entry is None:
            continue
        stance, weight = entry
        if lemma(word) in lexicon.PREDICATIVE and not _predicative(words, at):
            continue
        if _negated(words, at):
            stance, keep = _turned(stance)
            weight *= keep
        if weight > 0:
            cues.append(_Cue(stance, weight * factor, sentence))
    return cues


def _confidence(top: float, total: float, decided: bool) -> float:
    share = top / total if total else 0.0
    strength = min(1.0, top / 6.0)
    value = 0.35 + 0.4 * share + 0.15 * strength + (0.05 if decided else 0.0)
    return round(min(0.95, value), 2)


def _evidence(cues: list[_Cue]) -> str:
    best = max(cues, key=lambda c: (c.weight, c.sentence.in_decision, -c.sentence.index))
    text = " ".join(best.sentence.text.split())
    if len(text) > EVIDENCE_MAX_CHARS:
        text = text[: EVIDENCE_MAX_CHARS - 1].rstrip() + "…"
    return text


def read_stance(text: str) -> Reading:
    """The stance `text` takes, how sure the reading is, and the sentence it rests on."""
    tally = _Tally()
    parts = sentences(text or "")
    for sentence in parts:
        tally.cues.extend(_sentence_cues(sentence))
    if not tally.cues:
        return Reading(lexicon.UNCLEAR, 0.2, "")
    scores = {stance: tally.score(stance) for stance in _PRIORITY}
    total = sum(scores.values())
    winner = max(_PRIORITY, key=lambda s: (scores[s], -_PRIORITY.index(s)))
    top = scores[winner]
    support, oppose = scores[lexicon.SUPPORT], scores[lexicon.OPPOSE]
    chosen = [c for c in tally.cues if c.stance == winner]
    if winner == lexicon.SUPPORT or (winner == lexicon.OPPOSE and 0 < oppose == support):
        support_cues = [c for c in tally.cues if c.stance == lexicon.SUPPORT]
        hedged = [c for c in support_cues if c.hedged]
        demands = [s for s in parts if lexicon.CHANGE_DEMANDS.search(s.text.lower())]
        if hedged or demands or oppose * 2 >= support:
            evidence = _evidence(hedged) if hedged else _evidence(support_cues)
            return Reading(
                lexicon.SUPPORT_WITH_CHANGES,
                round(
                    _confidence(support + oppose, total, any(c.sentence.in_decision for c in support_cues)) - 0.05, 2
                ),
                evidence,
            )
        winner = lexicon.SUPPORT
        chosen = support_cues
    return Reading(winner, _confidence(top, total, any(c.sentence.in_decision for c in chosen)), _evidence(chosen))
