"""Who answered alike: pure functions from answers' texts (and stances) to groups of alike answers.

No Django here: the service (`alike.py`) reads the answers, makes vectors of their passages (sentence embeddings
with `embeddings.embed`, or lemma vectors of each answer where there are too many new passages to embed: see
`vectors.py`), and hands the arrays to these functions.

- **A vector per answer.** An answer's text (its texts to all questions, or where it has none its attachments'
  text) is split into passages of whole sentences (`passages`), at most MAX_PASSAGES of at most PASSAGE_CHARS
  each; the passages' embeddings are averaged and renormalised (`answer_vectors`). With lemma vectors the
  answer's passages are one document instead. Optionally the answer's stances are appended (`with_stances`), so
  that answers that took the same stances on the same questions are closer.
- **Nearest neighbours, not a matrix.** `neighbours` finds each answer's K nearest others by cosine similarity in
  blocks of BLOCK rows, so memory is O(n · K + BLOCK · n), never n × n.
- **Groups.** Average linkage on cosine similarity, restricted to the nearest-neighbour graph (so it needs no n × n
  matrix either) and cut at DISTANCE_THRESHOLD: two groups merge, the most alike first, while the average
  similarity over all their pairs of answers is at least 1 − DISTANCE_THRESHOLD (LEMMA_DISTANCE_THRESHOLD for
  lemma vectors, whose similarities spread differently), so every group's pairs average at least that. The
  average of two groups is computed from the sums of their vectors (`groups_of`): one dot product per merge, so
  50 000 answers group in seconds (scikit-learn's agglomerative clustering over the same graph, used before, was
  stopped after more than half an hour at 6.7 GB on 50 000 answers that formed one piece of the graph). A
  threshold rather than a chosen number of groups, because the number of alike groups is what we want to learn
  (a campaign of 3 000 copies is one group, 300 independent answers are none), and because a fixed threshold
  gives the same groups for the same answers whatever else was answered (with embeddings; lemma vectors are
  fitted to all of a run's answers, so the others move them a little). Answers alike with none stay alone ("not
  in a group").
- **Deterministic.** Answers are taken in the order given (the service orders them by submission id); no
  randomness here (the lemma vectors' SVD has a fixed seed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from samrad.analysis.segmentation import sentences

# Passages: whole sentences packed up to this many characters (e5 reads ~512 tokens; shorter passages embed
# faster and keep one answer's several points apart before averaging).
PASSAGE_CHARS = 600
# At most this many passages per answer (the answer's first ~4 800 characters): bounds the time per answer.
MAX_PASSAGES = 8
# Nearest neighbours kept per answer (the clustering's graph).
NEIGHBOURS = 10
# Rows of the similarity computed at once (BLOCK × n floats in memory).
BLOCK = 512
# Average-linkage cut: a group's answers have an average cosine similarity of at least 1 - this (0.92). e5's scores
# sit in a narrow band: on the labelled example (evaluation/alike.json) unrelated answers to one consultation score
# 0.80–0.88, the same points in other words 0.92–0.95, a campaign's copies 0.97–0.99.
DISTANCE_THRESHOLD = 0.08
# The cut for lemma vectors (TF-IDF + SVD, `vectors.lemma_vectors`, one document per answer), whose similarities
# spread from 0 to 1: on the labelled example a campaign's edited copies score 0.79–0.95 with each other, and the
# same points in other words no higher than unrelated answers (0.0–0.25, lemmas do not see paraphrase); among the
# demo remiss's 18 distinct municipal answers no pair scores above 0.63. A group's answers average at least 0.75.
LEMMA_DISTANCE_THRESHOLD = 0.25
DISTANCE_THRESHOLDS = {"embeddings": DISTANCE_THRESHOLD, "lemmas": LEMMA_DISTANCE_THRESHOLD}
# Weight of the stances in the combined similarity (0: text only). Measured on the labelled example, stances did
# not improve the groups (docs/analysis.md), so the text alone decides; the shared stances are shown beside.
STANCE_WEIGHT = 0.0
# The picture shows at most this many answers.
PICTURE_MAX = 60


def passages(text: str, *, size: int = PASSAGE_CHARS, limit: int = MAX_PASSAGES) -> list[str]:
    """`text` as passages of whole sentences, each at most `size` characters (a longer sentence is cut), at most
    `limit` of them, in order. Empty text: no passages."""
    out: list[str] = []
    current = ""
    for sentence in sentences(text):
        piece = " ".join(sentence.text.split())[:size]
        if current and len(current) + 1 + len(piece) > size:
            out.append(current)
            if len(out) >= limit:
                return out
            current = piece
        else:
            current = f"{current} {piece}".strip()
    if current and len(out) < limit:
        out.append(current)
    return out


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


def answer_vectors(passage_vectors: np.ndarray, owners: Sequence[int], count: int) -> np.ndarray:
    """One unit vector per answer: the mean of its passages' vectors (`owners[i]` is the answer index of passage
    i), renormalised. An answer without passages gets a zero vector (the caller leaves it out)."""
    out = np.zeros((count, passage_vectors.shape[1] if passage_vectors.size else 384), dtype=np.float32)
    if len(owners):
        np.add.at(out, np.asarray(owners, dtype=np.int64), passage_vectors)
    return _normalised(out)


def stance_vectors(stances: Sequence[Sequence[tuple[int, str]]], keys: Sequence[tuple[int, str]]) -> np.ndarray:
    """One unit vector per answer over the (question, stance) pairs in `keys`: the cosine of two answers is the
    share of stances they took alike (1: the same stance on every question both answered)."""
    index = {key: i for i, key in enumerate(keys)}
    out = np.zeros((len(stances), max(len(keys), 1)), dtype=np.float32)
    for row, pairs in enumerate(stances):
        for pair in pairs:
            if pair in index:
                out[row, index[pair]] = 1.0
    return _normalised(out)


def with_stances(text: np.ndarray, stances: np.ndarray, weight: float) -> np.ndarray:
    """Text and stance vectors side by side, so that a dot product is (1 - weight) · text similarity + weight ·
    stance similarity (for two answers that both have stances), renormalised."""
    if weight <= 0:
        return text
    combined = np.hstack([np.sqrt(1 - weight) * text, np.sqrt(weight) * stances])
    return _normalised(combined)


@dataclass(frozen=True)
class Neighbours:
    indices: np.ndarray  # (n, k) the k nearest other answers of each answer, nearest first
    similarities: np.ndarray  # (n, k) their cosine similarities


def neighbours(vectors: np.ndarray, k: int = NEIGHBOURS, block: int = BLOCK) -> Neighbours:
    """The k nearest other answers of each answer by cosine similarity (unit vectors: a dot product), computed in
    blocks of `block` rows. Ties go to the lower index (stable sort), so the same input gives the same answer."""
    n = vectors.shape[0]
    k = max(0, min(k, n - 1))
    indices = np.zeros((n, k), dtype=np.int64)
    similarities = np.zeros((n, k), dtype=np.float32)
    if k == 0:
        return Neighbours(indices, similarities)
    for start in range(0, n, block):
        stop = min(start + block, n)
        scores = vectors[start:stop] @ vectors.T  # (block, n)
        scores[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # never oneself
        # Round away float noise so that equal vectors tie exactly and the stable sort decides by index.
        scores = np.round(scores, 6)
        # Each row's k-th highest score (a partition, not a sort of the whole row): the k nearest are among the
        # scores at or above it, and sorting just those, stably in index order, gives what sorting the row would.
        kth = np.partition(scores, n - k, axis=1)[:, n - k]
        for row in range(stop - start):
            candidates = np.flatnonzero(scores[row] >= kth[row])
            order = candidates[np.argsort(-scores[row, candidates], kind="stable")[:k]]
            indices[start + row] = order
            similarities[start + row] = scores[row, order]
    return Neighbours(indices, similarities)


def groups_of(vectors: np.ndarray, near: Neighbours, threshold: float = DISTANCE_THRESHOLD) -> list[list[int]]:
    """Groups of alike answers (indices into `vectors`, unit rows): average linkage over the nearest-neighbour
    graph, cut at `threshold`. Only groups of two or more; each group's members in index order; groups by size
    (largest first), then by their first member.

    Two groups (an answer alone is a group of one) may merge when some answer of one has an answer of the other
    among its nearest neighbours at a similarity of at least 1 − `threshold`, and they merge when the average
    similarity over all their pairs of answers is at least that too, the most alike first. The average of two
    groups' pairs is the dot product of their vectors' sums over the product of their sizes, so a merge costs one
    dot product, whatever the groups' sizes, and every group's pairs of answers average at least 1 − `threshold`.
    Candidates wait in a heap keyed by their similarity when pushed; one whose group has grown since is looked at
    again when it comes up (lazily, as a group's average with another changes only when one of them grows). The
    same vectors give the same groups: ties go to the lower indices."""
    import heapq

    n = vectors.shape[0]
    if n < 2:
        return []
    floor = 1.0 - threshold
    sums = vectors.astype(np.float64)  # per group, kept at its root: the sum of its members' vectors
    sizes = [1] * n
    parent = list(range(n))
    version = [0] * n  # a group's version grows when it does

    def root(index: int) -> int:
        top = index
        while parent[top] != top:
            top = parent[top]
        while parent[index] != top:  # path compression
            parent[index], index = top, parent[index]
        return top

    pairs = set()
    rows, columns = np.nonzero(near.similarities >= floor)
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        other = int(near.indices[row, column])
        pairs.add((-float(near.similarities[row, column]), min(row, other), max(row, other), 0, 0))
    heap = sorted(pairs)  # each pair once, most alike first (a sorted list is a heap)
    while heap:
        _key, i, j, seen_i, seen_j = heapq.heappop(heap)
        a, b = root(i), root(j)
        if a == b:
            continue
        a, b = min(a, b), max(a, b)
        if (a, b, version[a], version[b]) != (i, j, seen_i, seen_j):
            # A group grew since this pair was pushed: their average now; merged at once if still the best.
            value = round(float(sums[a] @ sums[b]) / (sizes[a] * sizes[b]), 6)
            if value < floor:
                continue
            if heap and -heap[0][0] > value:
                heapq.heappush(heap, (-value, a, b, version[a], version[b]))
                continue
        parent[b] = a
        sums[a] += sums[b]
        sizes[a] += sizes[b]
        version[a] += 1
    members: dict[int, list[int]] = {}
    for index in range(n):
        members.setdefault(root(index), []).append(index)
    found = [group for group in members.values() if len(group) >= 2]
    return sorted(found, key=lambda group: (-len(group), group[0]))


def mean_similarity(vectors: np.ndarray, members: Sequence[int]) -> float:
    """The mean cosine similarity over the pairs of a group of unit vectors, without the pairs' matrix:
    (|Σv|² − m) / (m(m − 1))."""
    m = len(members)
    if m < 2:
        return 1.0
    total = vectors[list(members)].sum(axis=0)
    return float((total @ total - m) / (m * (m - 1)))


def by_centrality(vectors: np.ndarray, members: Sequence[int]) -> list[int]:
    """The members from the most central (nearest the group's mean) to the least; ties by index."""
    centre = vectors[list(members)].mean(axis=0)
    scores = np.round(vectors[list(members)] @ centre, 6)
    return [members[i] for i in sorted(range(len(members)), key=lambda i: (-scores[i], members[i]))]


def shared_stances(stances: Sequence[Sequence[tuple[int, str]]], members: Sequence[int]) -> list[tuple[int, str]]:
    """The (question, stance) pairs every member took, in question order."""
    if not members:
        return []
    common = set(stances[members[0]])
    for member in members[1:]:
        common &= set(stances[member])
    return sorted(common)


def picture_of(groups: Sequence[Sequence[int]], singles: Sequence[int], limit: int = PICTURE_MAX) -> list[int]:
    """Which answers the picture shows, in its order: the groups' members taken round by round (each group's most
    central first, `groups` already ordered by centrality), so that every group shows until `limit` is reached,
    then shown group by group; room left goes to answers in no group (`singles`)."""
    chosen: list[list[int]] = [[] for _ in groups]
    taken = 0
    depth = 0
    while taken < limit and any(depth < len(group) for group in groups):
        for number, group in enumerate(groups):
            if depth < len(group) and taken < limit:
                chosen[number].append(group[depth])
                taken += 1
        depth += 1
    order = [member for members in chosen for member in members]
    return order + list(singles[: max(0, limit - len(order))])


def similarity_matrix(vectors: np.ndarray, shown: Sequence[int]) -> list[list[float]]:
    """The cosine similarities between the shown answers (at most PICTURE_MAX of them), rounded to 3 decimals."""
    if not shown:
        return []
    part = vectors[list(shown)]
    return np.round(np.clip(part @ part.T, -1.0, 1.0), 3).tolist()
