"""Keeping the search index (SearchEntry) up to date with the objects of every app.

Each kind of searchable object is a *source*, registered once (library/sources/): what its entries are, which
objects changed since a moment, which objects use a given stored file. Then:

- `search_index_object(obj)` / `search_remove_object(obj)`: the services of this app call them after commit;
- `search_sync()`: the periodic job, for the objects of other apps; it reindexes what changed since its last
  run (updated_at, submitted_at, newly extracted text), and drops the entries of objects that are gone;
- `search_reindex()`: everything, for `manage.py search_reindex`;
- after a file's text is extracted, the objects that use that file are reindexed (documents' `text_extracted`).

Index entries are derived data: rebuilding them changes nothing a person did, so they are not audited.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from samrad.library.models import SearchEntry, SearchSyncState
from samrad.library.search_backends import search_backend

logger = logging.getLogger(__name__)

# The longest text one entry holds; longer pages are split into several entries with the same page number
# (PostgreSQL's tsvector has a size limit, and snippets stay cheap).
CHUNK_CHARS = 20_000
BATCH_SIZE = 200
# Changes committed a little after their timestamps were taken are still caught by the next run.
SYNC_OVERLAP = dt.timedelta(minutes=5)


@dataclass
class EntryData:
    """What a source says about one searchable thing (see SearchEntry for the fields)."""

    kind: str
    object_id: int
    title: str
    body: str = ""
    url: str = ""
    page: int | None = None
    page_label: str = ""
    organisation_id: int | None = None
    date: dt.date | None = None
    scope: str = SearchEntry.Scope.RESTRICTED
    organisation_ids: Iterable[int] = field(default_factory=tuple)
    consultation_id: int | None = None
    dialogue_series_id: int | None = None


@dataclass(frozen=True)
class SearchSource:
    name: str
    model: type[models.Model]
    # All objects of the source, with what `entries` reads prefetched.
    queryset: Callable[[], QuerySet[Any]]
    # The entries of one object (none: it is not to be found, e.g. a response with nothing submitted).
    entries: Callable[[Any], list[EntryData]]
    # Ids of objects changed at or after a moment.
    changed_since: Callable[[dt.datetime], QuerySet[Any]]
    # Ids of objects that use any of these stored files (their text is part of the object's entries).
    using_files: Callable[[list[int]], QuerySet[Any]] | None = None


_sources: dict[str, SearchSource] = {}


def search_source_register(source: SearchSource) -> SearchSource:
    """Make a kind of object searchable. Adding a source (a new app) is this one call, in AppConfig.ready()."""
    existing = _sources.get(source.name)
    if existing is not None and existing.model is not source.model:
        raise ValueError(f"Another search source is already registered as {source.name!r}.")
    _sources[source.name] = source
    return source


def search_sources() -> list[SearchSource]:
    return list(_sources.values())


def _source_for(obj: models.Model) -> SearchSource:
    for source in _sources.values():
        if isinstance(obj, source.model):
            return source
    raise LookupError(f"No search source is registered for {type(obj).__name__}.")


def text_chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """`text` in pieces of at most `size` characters, cut at white space where there is any."""
    while len(text) > size:
        cut = text.rfind(" ", size // 2, size)
        cut = cut if cut > 0 else size
        yield text[:cut]
        text = text[cut:].lstrip()
    if text:
        yield text


def file_page_entries(file: Any, make: Callable[..., EntryData]) -> list[EntryData]:
    """One entry per page (or piece of a long page) of a stored file's extracted text; `make(page=, page_label=,
    body=)` fills in the rest."""
    entries = []
    for page in file.pages.all():
        for chunk in text_chunks(page.text):
            entries.append(make(page=page.number, page_label=page.label, body=chunk))
    return entries


def _write(source: SearchSource, objects: list[Any], ids: list[int]) -> int:
    """Replace the entries of these objects (and delete those of `ids` that are not among `objects`)."""
    now = timezone.now()
    rows: list[SearchEntry] = []
    organisations: list[list[int]] = []
    for obj in objects:
        for data in source.entries(obj):
            rows.append(
                SearchEntry(
                    source=source.name,
                    source_id=obj.pk,
                    kind=data.kind,
                    object_id=data.object_id,
                    page=data.page,
                    page_label=data.page_label[:200],
                    title=data.title[:500],
                    body=data.body,
                    url=data.url[:500],
                    organisation_id=data.organisation_id,
                    date=data.date,
                    scope=data.scope,
                    consultation_id=data.consultation_id,
                    dialogue_series_id=data.dialogue_series_id,
                    indexed_at=now,
                )
            )
            organisations.append(sorted(set(data.organisation_ids)))
    with transaction.atomic():
        # Two indexers of the same object (the periodic job and a service's on-commit call) take turns, so that
        # the second one's delete sees the first one's entries and no object is indexed twice.
        list(source.model._default_manager.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        SearchEntry.objects.filter(source=source.name, source_id__in=ids).delete()
        created = SearchEntry.objects.bulk_create(rows, batch_size=500)
        through = SearchEntry.organisations.through
        through.objects.bulk_create(
            [
                through(searchentry_id=entry.pk, organisation_id=organisation_id)
                for entry, organisation_ids in zip(created, organisations, strict=True)
                for organisation_id in organisation_ids
            ],
            batch_size=1000,
        )
        search_backend().entries_added(created)
    return len(created)


def search_index_ids(source: SearchSource, ids: Iterable[int]) -> int:
    """Reindex the objects of `source` with these ids (those that no longer exist lose their entries)."""
    id_list = sorted(set(ids))
    written = 0
    for start in range(0, len(id_list), BATCH_SIZE):
        batch = id_list[start : start + BATCH_SIZE]
        written += _write(source, list(source.queryset().filter(pk__in=batch)), batch)
    return written


def search_index_object(obj: models.Model) -> int:
    """Reindex one object of a registered source; returns the number of entries it now has."""
    return search_index_ids(_source_for(obj), [obj.pk])


def search_remove_object(obj: models.Model) -> int:
    """Remove one object's entries (e.g. after deleting it); returns how many were removed."""
    source = _source_for(obj)
    deleted, _details = SearchEntry.objects.filter(source=source.name, source_id=obj.pk).delete()
    return deleted


def search_index_file(file_id: int) -> int:
    """Reindex every object whose entries include the text of this stored file."""
    written = 0
    for source in _sources.values():
        if source.using_files is not None:
            written += search_index_ids(source, source.using_files([file_id]).values_list("pk", flat=True))
    return written


def _drop_missing(source: SearchSource) -> int:
    """Delete the entries of objects that no longer exist (or are no longer found by the source)."""
    gone = SearchEntry.objects.filter(source=source.name).exclude(
        Exists(source.model._default_manager.filter(pk=OuterRef("source_id")))
    )
    deleted, _details = gone.delete()
    return deleted


@dataclass
class SyncReport:
    reindexed: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)


def search_sync(*, now: dt.datetime | None = None) -> SyncReport:
    """Reindex, for each source, the objects changed since its last run (all of them on the first run), and drop
    the entries of deleted objects. Idempotent: running it twice reindexes the same objects again, no more."""
    from samrad.documents.models import StoredFile

    now = now or timezone.now()
    report = SyncReport()
    for source in _sources.values():
        state = SearchSyncState.objects.filter(source=source.name).first()
        if state is None:
            ids = set(source.queryset().values_list("pk", flat=True))
        else:
            since = state.synced_until - SYNC_OVERLAP
            ids = set(source.changed_since(since).values_list("pk", flat=True))
            if source.using_files is not None:
                files = list(StoredFile.objects.filter(text_extracted_at__gte=since).values_list("pk", flat=True))
                if files:
                    ids |= set(source.using_files(files).values_list("pk", flat=True))
        report.reindexed[source.name] = search_index_ids(source, ids) if ids else 0
        report.dropped[source.name] = _drop_missing(source)
        SearchSyncState.objects.update_or_create(source=source.name, defaults={"synced_until": now})
    logger.info("Search index synced: %s", report)
    return report


def search_reindex(*, sources: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the entries of every object of the named sources (all if None); returns entries per source."""
    chosen = [_sources[name] for name in sources] if sources is not None else list(_sources.values())
    now = timezone.now()
    counts = {}
    for source in chosen:
        ids = list(source.queryset().values_list("pk", flat=True))
        counts[source.name] = search_index_ids(source, ids)
        _drop_missing(source)
        SearchSyncState.objects.update_or_create(source=source.name, defaults={"synced_until": now})
    return counts
