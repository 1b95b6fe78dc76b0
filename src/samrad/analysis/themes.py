"""Themes in the answers to one question: passages, clusters, labels, stances and quotes. Pure functions, no
database (the caller reads the answers, makes vectors of the passages and stores the result: see `theme_services`).

1. `passages_of`: an answer's text to a question (or, where it has none, its attachments page by page) is cut
   into passages of one to a few sentences (at most PASSAGE_MAX_CHARS, never across a paragraph), so that one
   answer can carry several themes. A passage with fewer than MIN_CONTENT_WORDS content words ("Kommunen
   tillstyrker förslaget.") says a stance, not a theme, and is left out. Letterhead, case numbers, headings,
   the minutes' attestation and signatures are taken out first (`boilerplate.without_boilerplate`).
2. `themes_of`: the passages' vectors (one row per passage: sentence embeddings from `embeddings.embed`, or lemma
   vectors of up to 200 dimensions where there are too many to embed, see `vectors.py`; any dimension will do) are
   centred on their mean and normalised — e5's vectors all sit in a narrow cone, and centring spreads the
   question's own differences — then clustered by average linkage on cosine distance over the distinct texts (a
   campaign's ten thousand copies are one point). The number of themes is the k in MIN_THEMES..MAX_THEMES with the best
   silhouette (cosine) over the cut tree; fewer only when there are fewer than two passages per theme. The tree
   is deterministic and the texts are sorted first, so the same passages give the same themes whatever order
   they come in. Over CLUSTER_MAX_POINTS distinct texts, the tree is built on the first CLUSTER_MAX_POINTS by
   digest and the rest go to the nearest centroid.
3. Labels (`label_terms`): c-TF-IDF on lemmas (simplemma) and bigrams of lemmas, Swedish stop-words out: a
   term's share of the theme's passages times log(1 + all passages / passages with the term anywhere), so a term
   scores for being common in this theme and rare in the others. The label is the surface form the answers use
   most for the best term (and the second best, when it is nearly as good and different). Words that make a
   catch-all ("övrigt", "allmänt", "diverse", "synpunkter") are stop-words: no label can be one.
4. Quotes: each passage's score is its cosine to its theme's centroid; the representative quotes are the nearest
   ones, at most QUOTES_PER_STANCE per stance and one per answer, so agreeing and disagreeing answers are both
   shown.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import simplemma

from samrad.analysis import segmentation
from samrad.analysis.boilerplate import without_boilerplate

PASSAGE_MAX_CHARS = 400
PASSAGE_TARGET_CHARS = 160  # sentences are joined until a passage is at least this long
MIN_CONTENT_WORDS = 3
MIN_THEMES = 5
MAX_THEMES = 15
CLUSTER_MAX_POINTS = 3000
QUOTES_PER_STANCE = 2
QUOTES_MAX = 8
LABEL_MAX_CHARS = 80
NO_STANCE = "none"

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|[.,;:!?()\[\]\d]+", re.UNICODE)
_PARAGRAPH = re.compile(r"\n\s*\n")


# Catch-all words: never a label, never part of one.
def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


CATCH_ALL = _word_set(
    """övrig övrigt övriga allmän allmänt allmänna diverse blandat blandad annat annan andra sammanfattning
    synpunkt synpunkter kommentar kommentarer fråga frågor"""
)

# Swedish function words, and the words every remiss answer uses (they say nothing about a theme).
STOP_WORDS = CATCH_ALL | _word_set(
    """och i att det som en på är av för med till den har de inte om ett han men var jag sig från vi så kan man
    när år säga hon under också efter eller nu sin där vid mot ska skall skulle kunna kunde få får fick bli blir
    blev vara varit är var vill ville dessa denna detta deras dess dem du ni hans hennes här hur mycket många
    mer mera mest mindre minst någon något några ingen inget inga inte ju alltså även samt bara redan sedan
    eftersom därför då dock både enligt genom hela helt mellan utan inom över vad vilka vilken vilket vår vårt
    våra ens egen eget egna sådan sådant sådana samma ser se ge ger gör göra gjort finnas finns fanns stor stort
    större störst ny nya nytt del delar sätt fall ta tar tas hos bör borde måste behöva behöver behov väl vidare
    dels ifråga härmed därmed dessutom emellertid exempelvis exempel t.ex bl.a även ävenså sig själv själva
    kommun kommunen kommuner kommunens region regionen regionens nämnd nämnden styrelse kommunstyrelse
    kommunstyrelsen förvaltning förvaltningen förslag förslaget förslagen remiss remissen remissvar yttrande
    yttra yttrar promemoria promemorian betänkande betänkandet utredning utredningen utredare utredaren
    tillstyrka tillstyrker avstyrka avstyrker ställa ställer bakom anse anser anses mena menar instämma
    instämmer erinra invända positiv positivt positiva negativ negativt tveksam tycka tycker framföra framför
    lämna lämnar beslut besluta beslutar vilja viktig viktigt viktiga särskilt mycket gärna del avseende
    gälla gäller gällande angå angående beträffande rörande fråga punkt avsnitt kapitel sida dag idag år
    plan planen planer planperiod planperioden åtgärd åtgärden åtgärder sakna saknar saknas minska minskar öka
    ökar flytta flyttas ligga ligger komma kommer använda används skapa skapar hindra hindras leda leder gå går
    göras lyfta lyfts lyftas ändra ändras se ses ses över möjlig möjligt rimlig rimligt orimligt tydlig tydligt
    otydlig redo förutsätta förutsätter kräva kräver krävs hel hela första sista fler flera många bättre bra
    dålig god goda gott stöda stöder välkomna välkomnar ihop varje alla två tre fyra fem sex sju åtta nio tio
    femtio hundra normal normala vanlig vanliga per gång gånger"""
)


@dataclass(frozen=True)
class AnswerText:
    """What one answer said to one question: its own text (page None), or its attachments' pages."""

    submission_id: int
    receipt_number: str
    respondent: str
    organisation_id: int | None
    stance: str  # the answer's effective stance on the question, or NO_STANCE
    pages: tuple[tuple[int | None, str], ...]


@dataclass(frozen=True)
class Passage:
    submission_id: int
    receipt_number: str
    respondent: str
    organisation_id: int | None
    stance: str
    page: int | None
    text: str

    @property
    def digest(self) -> str:
        return digest_of(self.text)

    @property
    def key(self) -> tuple[int, str]:
        """What identifies the passage across runs: its answer and its text."""
        return (self.submission_id, self.digest)


@dataclass(frozen=True)
class Member:
    passage: Passage
    score: float  # cosine to the theme's centroid
    representative: bool


@dataclass
class ThemeDraft:
    label: str
    terms: list[str]
    members: list[Member] = field(default_factory=list)

    def stance_counts(self) -> dict[str, int]:
        """Answers (not passages) per stance."""
        seen: dict[str, set[int]] = defaultdict(set)
        for member in self.members:
            seen[member.passage.stance].add(member.passage.submission_id)
        return {stance: len(ids) for stance, ids in seen.items()}


def digest_of(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


@lru_cache(maxsize=131072)
def lemma(word: str) -> str:
    return str(simplemma.lemmatize(word.lower(), lang="sv")).lower()


def _content_words(text: str) -> list[tuple[str, str]]:
    """(surface form lower-cased, lemma) of the words that are not stop-words, in order; a stop-word is kept as
    ("", "") so that bigrams never jump over it."""
    out: list[tuple[str, str]] = []
    for match in _WORD.finditer(text):
        word = match.group(0).lower()
        if len(word) < 3 or word in STOP_WORDS or not word[0].isalpha():  # punctuation breaks a bigram
            out.append(("", ""))
            continue
        base = lemma(word)
        if len(base) < 3 or base in STOP_WORDS:
            out.append(("", ""))
            continue
        out.append((word, base))
    return out


def _split_paragraph(paragraph: str) -> list[str]:
    out: list[str] = []
    current = ""
    for sentence in segmentation.sentences(paragraph):
        text = sentence.text
        while len(text) > PASSAGE_MAX_CHARS:  # a run-on sentence or a table: cut at a space
            cut = text.rfind(" ", 0, PASSAGE_MAX_CHARS)
            cut = cut if cut > PASSAGE_MAX_CHARS // 2 else PASSAGE_MAX_CHARS
            if current:
                out.append(current)
                current = ""
            out.append(text[:cut].strip())
            text = text[cut:].strip()
        if not current:
            current = text
        elif len(current) < PASSAGE_TARGET_CHARS and len(current) + 1 + len(text) <= PASSAGE_MAX_CHARS:
            current = f"{current} {text}"
        else:
            out.append(current)
            current = text
    if current:
        out.append(current)
    return out


def split_passages(text: str) -> list[str]:
    """The passages of a text: sentences joined within a paragraph up to a few hundred characters."""
    out: list[str] = []
    for paragraph in _PARAGRAPH.split(text.replace("\r\n", "\n")):
        if paragraph.strip():
            out.extend(_split_paragraph(paragraph))
    return [p for p in out if _has_content_words(p, MIN_CONTENT_WORDS)]


def _has_content_words(text: str, minimum: int) -> bool:
    """Whether `text` has at least `minimum` content words (as `_content_words` finds them), reading no further
    than it must: most passages have their third in the first few words."""
    found = 0
    for match in _WORD.finditer(text):
        word = match.group(0).lower()
        if len(word) < 3 or word in STOP_WORDS or not word[0].isalpha():
            continue
        base = lemma(word)
        if len(base) < 3 or base in STOP_WORDS:
            continue
        found += 1
        if found >= minimum:
            return True
    return False


def passages_of(answer: AnswerText) -> list[Passage]:
    return [
        Passage(
            submission_id=answer.submission_id,
            receipt_number=answer.receipt_number,
            respondent=answer.respondent,
            organisation_id=answer.organisation_id,
            stance=answer.stance,
            page=page,
            text=text,
        )
        for page, page_text in answer.pages
        for text in split_passages(without_boilerplate(page_text))  # letterhead and signatures are no theme
    ]


def spread(passages: Sequence[Passage], limit: int) -> list[Passage]:
    """At most `limit` of `passages`, evenly spread over them (the first and the last included): over the limit, the
    themes are those of passages from all the answers, not of the earliest answers only. Deterministic."""
    if len(passages) <= limit:
        return list(passages)
    if limit <= 0:
        return []
    if limit == 1:
        return [passages[0]]
    step = (len(passages) - 1) / (limit - 1)
    return [passages[round(index * step)] for index in range(limit)]


# --- clustering ------------------------------------------------------------------------------------------------


def _centred(vectors: np.ndarray) -> np.ndarray:
    centred = vectors.astype(np.float64) - vectors.astype(np.float64).mean(axis=0, keepdims=True)
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return centred / norms


def theme_count_range(points: int) -> range:
    """The numbers of themes tried for `points` distinct passages: MIN_THEMES..MAX_THEMES, at least two passages
    per theme on average (so fewer than MIN_THEMES only when there are fewer than 2 × MIN_THEMES passages)."""
    most = min(MAX_THEMES, points // 2)
    if most <= 1:
        return range(1, 2)
    return range(min(MIN_THEMES, most), most + 1)


def cluster(vectors: np.ndarray) -> np.ndarray:
    """Cluster labels 0..k-1 for the rows of `vectors` (already centred and normalised), k chosen by silhouette."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import silhouette_score

    n = len(vectors)
    candidates = theme_count_range(n)
    if n < 3 or candidates == range(1, 2):
        return np.zeros(n, dtype=int)
    tree = linkage(vectors, method="average", metric="cosine")
    best: tuple[float, np.ndarray] | None = None
    for k in candidates:
        labels = fcluster(tree, t=k, criterion="maxclust") - 1
        if len(set(labels.tolist())) < 2:
            continue
        score = float(silhouette_score(vectors, labels, metric="cosine"))
        if best is None or score > best[0] + 1e-9:
            best = (score, labels)
    return best[1] if best is not None else np.zeros(n, dtype=int)


# --- labels ----------------------------------------------------------------------------------------------------


_FINITE_ENDINGS = ("ar", "er", "as", "es", "ts", "ade", "ades", "de", "des", "te", "tes", "s")


def finite_verb(word: str, base: str) -> bool:
    """A finite or passive verb form ("korsar", "byggas", "införts", "prioriteras"): its lemma is an infinitive
    in -a and the word is that lemma inflected. Such words name no theme; nouns whose lemma ends in -a ("skolan",
    "skolor") do not end like this."""
    return base.endswith("a") and word != base and word.startswith(base[:-1]) and word.endswith(_FINITE_ENDINGS)


def _terms(text: str) -> tuple[set[str], dict[str, str]]:
    """The lemma terms of a passage (lemmas and bigrams of adjacent lemmas; finite verbs left out) and, per term,
    its surface form."""
    words = [("", "") if word and finite_verb(word, base) else (word, base) for word, base in _content_words(text)]
    terms: set[str] = set()
    surface: dict[str, str] = {}
    for index, (word, base) in enumerate(words):
        if not word:
            continue
        terms.add(base)
        surface.setdefault(base, word)
        if index + 1 < len(words) and words[index + 1][0]:
            following_word, following = words[index + 1]
            if following != base:
                bigram = f"{base} {following}"
                terms.add(bigram)
                surface.setdefault(bigram, f"{word} {following_word}")
    return terms, surface


def label_terms(groups: Sequence[Sequence[str]], *, top: int = 5) -> list[list[tuple[str, str, float]]]:
    """Per group of passages, its most distinctive terms as (lemma term, most used surface form, score), best
    first (c-TF-IDF, see the module)."""
    per_group: list[Counter[str]] = []
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    everywhere: Counter[str] = Counter()
    total = 0
    for texts in groups:
        counts: Counter[str] = Counter()
        for text in texts:
            terms, surface = _terms(text)
            counts.update(terms)
            for term, form in surface.items():
                surfaces[term][form] += 1
        per_group.append(counts)
        everywhere.update(counts)
        total += len(texts)
    out: list[list[tuple[str, str, float]]] = []
    for texts, counts in zip(groups, per_group, strict=True):
        size = max(1, len(texts))
        # A term in at least two of the theme's passages; any term when none is.
        needed = min(2, size) if any(count >= 2 for count in counts.values()) else 1
        scored = []
        for term, count in counts.items():
            if count < needed:
                continue
            score = (count / size) * math.log(1 + total / everywhere[term])
            if " " in term:
                score *= 1.25  # a phrase says more than a word
            form = sorted(surfaces[term].items(), key=lambda item: (-item[1], item[0]))[0][0]
            scored.append((term, form, round(score, 9)))
        scored.sort(key=lambda item: (-item[2], item[0]))
        out.append(scored[:top])
    return out


def _overlaps(a: str, b: str) -> bool:
    return bool(set(a.split()) & set(b.split()))


def label_of(terms: list[tuple[str, str, float]], fallback: str, used: set[str]) -> str:
    """A label from the best terms: the best one's surface form, with the next distinct one when it scores at
    least half as well; a label already used by another theme of the question is skipped. No terms at all:
    the start of the nearest passage."""
    for index, (term, form, score) in enumerate(terms):
        label = form
        for other, other_form, other_score in terms[index + 1 :]:
            if other_score >= score / 2 and not _overlaps(term, other):
                label = f"{form}, {other_form}"
                break
        label = label[:1].upper() + label[1:]
        if label.lower() not in used:
            return label[:LABEL_MAX_CHARS]
    words = fallback.split()
    label = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
    return label[:LABEL_MAX_CHARS]


# --- the pipeline ----------------------------------------------------------------------------------------------


def _representatives(members: list[tuple[Passage, float]]) -> set[int]:
    """Indexes of the representative members: nearest the centroid, QUOTES_PER_STANCE per stance, one per answer,
    QUOTES_MAX in all."""
    chosen: set[int] = set()
    answers: set[int] = set()
    per_stance: Counter[str] = Counter()
    for index, (passage, _score) in enumerate(members):
        if len(chosen) >= QUOTES_MAX:
            break
        if passage.submission_id in answers or per_stance[passage.stance] >= QUOTES_PER_STANCE:
            continue
        chosen.add(index)
        answers.add(passage.submission_id)
        per_stance[passage.stance] += 1
    return chosen


def centred_by_digest(passages: Sequence[Passage], vectors: np.ndarray) -> dict[str, np.ndarray]:
    """Each distinct passage text's embedding, centred on the question's mean and normalised (see the module)."""
    digests = [p.digest for p in passages]
    distinct = sorted(set(digests))
    if not distinct:
        return {}
    row_of = {digest: index for index, digest in reversed(list(enumerate(digests)))}
    points = _centred(np.vstack([vectors[row_of[d]] for d in distinct]))
    return dict(zip(distinct, points, strict=True))


def members_of(passages: Sequence[Passage], centred: dict[str, np.ndarray]) -> list[Member]:
    """A theme's passages scored by their cosine to its centroid, nearest first, the representatives marked."""
    if not passages:
        return []
    centroid = np.vstack([centred[p.digest] for p in passages]).mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    scored = sorted(
        ((p, float(centred[p.digest] @ centroid)) for p in passages),
        key=lambda item: (-round(item[1], 6), item[0].receipt_number, item[0].digest, item[0].page or 0),
    )
    chosen = _representatives(scored)
    return [Member(p, round(score, 6), i in chosen) for i, (p, score) in enumerate(scored)]


def themes_of(passages: Sequence[Passage], vectors: np.ndarray) -> list[ThemeDraft]:
    """The themes of one question's passages (`vectors`: their embeddings, one row per passage), the theme with
    the most answers first."""
    if not passages:
        return []
    # One point per distinct text, in a fixed order (the text's digest): input order does not matter.
    centred = centred_by_digest(passages, vectors)
    distinct = list(centred)
    points = np.vstack([centred[d] for d in distinct])
    built = points[:CLUSTER_MAX_POINTS]
    labels = cluster(built)
    if len(points) > len(built):
        centroids = np.vstack([built[labels == k].mean(axis=0) for k in range(labels.max() + 1)])
        labels = np.concatenate([labels, np.argmax(points[len(built) :] @ centroids.T, axis=1)])
    cluster_of = {digest: int(labels[i]) for i, digest in enumerate(distinct)}
    grouped: dict[int, list[Passage]] = defaultdict(list)
    for passage in passages:
        grouped[cluster_of[passage.digest]].append(passage)
    ordered = sorted(
        grouped.values(),
        key=lambda members: (-len({p.submission_id for p in members}), min(p.digest for p in members)),
    )
    scored = [members_of(members, centred) for members in ordered]
    terms = label_terms([[p.text for p in _distinct_texts(m.passage for m in members)] for members in scored])
    drafts: list[ThemeDraft] = []
    used: set[str] = set()
    for members, best in zip(scored, terms, strict=True):
        label = label_of(best, members[0].passage.text, used)
        used.add(label.lower())
        drafts.append(ThemeDraft(label=label, terms=[term for term, _, _ in best], members=members))
    return drafts


def _distinct_texts(passages: Iterable[Passage]) -> list[Passage]:
    seen: set[str] = set()
    out = []
    for passage in passages:
        if passage.digest not in seen:
            seen.add(passage.digest)
            out.append(passage)
    return out
