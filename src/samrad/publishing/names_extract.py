"""Extract the names ranked in Sweden from names-dataset into a small JSON file: `python names_extract.py OUT`.

Run as a script in a child process of its own (see `names.py`): names-dataset keeps every country's names in two
gzipped pickles, and unpickling them takes seconds and about a gigabyte of memory, which the child gives back
when it exits. Imports nothing from Django or the project, and does not import names-dataset itself (its package
imports pycountry); it only reads the package's two data files.
"""

import gzip
import importlib.metadata
import importlib.util
import json
import os
import pickle
import sys
import tempfile
from pathlib import Path

COUNTRY = "SE"
# names-dataset records a name's rank only in the ten countries where it is most frequent, so names common
# everywhere (Sofia, Tomas, Ingrid, Omar) carry no rank in Sweden. Names also count when they rank high
# (OTHER_MAX_RANK) in a country that many people in Sweden were born in or have parents from (Statistics Sweden's
# largest groups that names-dataset covers), or in a Nordic or large Western country.
OTHER_COUNTRIES = (
    "NO", "DK", "FI", "IS", "EE", "DE", "PL", "GB", "US", "NL", "FR", "IT", "ES", "HU", "GR", "RU", "LT",
    "RS", "HR", "SY", "IQ", "IR", "AF", "TR", "LB", "PS", "EG", "MA", "ET", "IN", "CL",
)  # fmt: skip
OTHER_MAX_RANK = 1000
# A name ranked only elsewhere gets a rank after every name ranked in Sweden.
OTHER_RANK_OFFSET = 10_000
FILES = {"first": "first_names.pkl.gz", "last": "last_names.pkl.gz"}


def data_dir() -> Path:
    spec = importlib.util.find_spec("names_dataset")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("names-dataset is not installed (requirements/base.txt pins it).")
    return Path(next(iter(spec.submodule_search_locations))) / "v3"


def source() -> str:
    return f"names-dataset {importlib.metadata.version('names-dataset')}"


def _ranked(path: Path) -> dict[str, int]:
    """Every one-word name with a rank in Sweden (1: the most common), or a high rank in one of OTHER_COUNTRIES
    (OTHER_RANK_OFFSET + that rank), as names-dataset spells it."""
    with gzip.open(path, "rb") as stream:
        # names-dataset's own data file, shipped inside the installed package (not user input).
        table = pickle.load(stream)  # noqa: S301
    ranked: dict[str, int] = {}
    for name, info in table.items():
        if not isinstance(name, str) or " " in name or len(name) < 2:
            continue
        ranks = info.get("rank") or {}
        if ranks.get(COUNTRY):
            ranked[name] = int(ranks[COUNTRY])
            continue
        elsewhere = [int(ranks[c]) for c in OTHER_COUNTRIES if ranks.get(c) and int(ranks[c]) <= OTHER_MAX_RANK]
        if elsewhere:
            ranked[name] = OTHER_RANK_OFFSET + min(elsewhere)
    return ranked


def extract(out: Path) -> None:
    folder = data_dir()
    result: dict[str, object] = {"source": source(), "country": COUNTRY}
    for key, file_name in FILES.items():
        result[key] = _ranked(folder / file_name)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed into place: a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=out.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(result, stream, ensure_ascii=False, sort_keys=True)
        os.chmod(temporary, 0o644)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: names_extract.py OUT.json")
    extract(Path(sys.argv[1]))
