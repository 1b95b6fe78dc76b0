"""Swedish first and last names, offline, for finding person names in answers (`detection.py`).

The source is names-dataset (first and last names per country, with each name's rank in each country). As it is
shipped it does not suit a web or worker process: its two data files are 55 MB of gzipped pickles holding every
country, and `NameDataset()` takes about 10 seconds and 1.9 GB of memory to load (measured on these machines;
see docs/publishing.md). So the names ranked in Sweden (about 5 700 first names and 13 000 last names) are
extracted once, by `names_extract.py` in a child process of its own (about 8 seconds and 1 GB, given back when it
exits), into a JSON file of about 300 kB under VAR_DIR/cache (MASKING_NAMES_FILE names another place). Loading
that file takes a few milliseconds; it is read once per process.

The file is rebuilt whenever names-dataset's version changes (the version is in its name). `manage.py
masking_names` builds it ahead of time, e.g. when deploying; otherwise the first detection builds it.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from samrad.publishing import names_extract

FORMAT = 1
BUILD_TIMEOUT = 600  # seconds


def fold(word: str) -> str:
    """Lower case without diacritics ("Öberg" -> "oberg"), as names are written in e-mail addresses."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class NameIndex:
    """Names ranked in Sweden: name -> rank (1: the most common). Keys as the source spells them ("Öberg")."""

    first: dict[str, int]
    last: dict[str, int]
    source: str = ""
    folded: frozenset[str] = field(default=frozenset())

    @classmethod
    def of(cls, first: dict[str, int], last: dict[str, int], source: str = "") -> NameIndex:
        folded = frozenset(fold(name) for name in (*first, *last))
        return cls(first=first, last=last, source=source, folded=folded)

    def first_rank(self, word: str) -> int | None:
        return self.first.get(word)

    def last_rank(self, word: str) -> int | None:
        return self.last.get(word)


def index_path() -> Path:
    configured = getattr(settings, "MASKING_NAMES_FILE", "")
    if configured:
        return Path(configured)
    version = importlib.metadata.version("names-dataset")
    return Path(settings.VAR_DIR) / "cache" / f"names-se-{version}-f{FORMAT}.json"


def index_build(path: Path | None = None) -> Path:
    """Extract the Swedish names into `path` (the configured place by default) in a child process."""
    path = path or index_path()
    subprocess.run(
        # -P: the script's own folder is not put first on the path, where publishing/selectors.py would hide the
        # standard library's selectors module.
        [sys.executable, "-P", names_extract.__file__, str(path)],
        check=True,
        timeout=BUILD_TIMEOUT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    return path


def index_read(path: Path) -> NameIndex:
    data = json.loads(path.read_text(encoding="utf-8"))
    return NameIndex.of(first=data["first"], last=data["last"], source=data.get("source", ""))


@functools.cache
def names_index() -> NameIndex:
    """The Swedish names, built on first use if the file is missing."""
    path = index_path()
    if not path.is_file():
        index_build(path)
    return index_read(path)
