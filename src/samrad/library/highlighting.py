"""Snippets of search results with the matching words marked: escaped text, `<mark>` around each word whose stem
the query looks for. The same code serves both databases, so a result reads the same on PostgreSQL and SQLite,
and every character of the stored text is escaped before it reaches a page."""

from collections import Counter

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from samrad.library.swedish import STOP_WORDS, WORD, stem

SNIPPET_WORDS = 32
ELLIPSIS = "…"


def _matches(text: str, wanted: frozenset[str]) -> list[tuple[int, int, bool]]:
    """(start, end, is_match) of each word of `text`."""
    spans = []
    for match in WORD.finditer(text):
        word = match.group().lower()
        spans.append((match.start(), match.end(), word not in STOP_WORDS and stem(word) in wanted))
    return spans


def highlight(text: str, wanted: frozenset[str]) -> SafeString:
    """All of `text`, escaped, with the wanted words marked."""
    return _render(text, _matches(text, wanted), 0, len(text))


def _render(text: str, spans: list[tuple[int, int, bool]], start: int, end: int) -> SafeString:
    out: list[str] = []
    position = start
    for word_start, word_end, is_match in spans:
        if not is_match or word_start < start or word_end > end:
            continue
        out.append(escape(text[position:word_start]))
        out.append(f"<mark>{escape(text[word_start:word_end])}</mark>")
        position = word_end
    out.append(escape(text[position:end]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped above


def snippet(text: str, wanted: frozenset[str], *, words: int = SNIPPET_WORDS) -> SafeString:
    """About `words` words of `text` around the densest cluster of wanted words (the start of the text if none
    occurs), escaped and marked, with an ellipsis where text was cut."""
    text = " ".join(text.split())
    spans = _matches(text, wanted)
    if not spans:
        return mark_safe(escape(text[:300]))  # noqa: S308 - escaped
    # The window of `words` words with the most different wanted stems (then the most matches), slid over the
    # text one word at a time with running counts.
    matched = [stem(text[s:e].lower()) if m else None for s, e, m in spans]
    in_window: Counter[str] = Counter(found for found in matched[:words] if found is not None)
    best_start, best_score = 0, (len(in_window), in_window.total())
    for first in range(1, max(1, len(spans) - words + 1)):
        leaving, entering = matched[first - 1], matched[first + words - 1]
        if leaving is not None:
            in_window[leaving] -= 1
            if not in_window[leaving]:
                del in_window[leaving]
        if entering is not None:
            in_window[entering] += 1
        score = (len(in_window), in_window.total())
        if score > best_score:
            best_start, best_score = first, score
    # Start a few words before the first match, so that the match has some context on its left.
    first_match = next((i for i in range(best_start, len(spans)) if spans[i][2]), best_start)
    first = max(0, min(best_start, first_match - 4))
    last = min(len(spans), first + words) - 1
    start = spans[first][0] if first > 0 else 0
    end = spans[last][1] if last < len(spans) - 1 else len(text)
    body = _render(text, spans, start, end)
    prefix = ELLIPSIS + " " if start > 0 else ""
    suffix = " " + ELLIPSIS if end < len(text) else ""
    return mark_safe(escape(prefix) + body + escape(suffix))  # noqa: S308 - escaped parts
