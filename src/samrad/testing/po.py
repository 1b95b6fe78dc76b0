"""A small reader of gettext catalogues (.po), enough to check that every Swedish entry is translated.

It understands what `makemessages` writes: comments (`#:` references, `#,` flags, `#~` obsolete entries),
`msgctxt`, `msgid`, `msgid_plural`, `msgstr` and `msgstr[n]`, and strings continued over several lines.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    # "" for a plain msgstr, "0", "1", ... for the plural forms.
    msgstr: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False
    line: int = 0  # where the entry starts in the file (1-based)
    msgstr_lines: tuple[int, int] = (0, 0)  # first and last line (1-based) of the msgstr part

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(text != "" for text in self.msgstr.values())

    def where(self, path: Path | str) -> str:
        return f"{path}:{self.line}"


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted string: {text!r}")
    return str(ast.literal_eval(text))


def parse(text: str) -> list[Entry]:
    """The entries of a catalogue, the header (msgid "") included."""
    entries: list[Entry] = []
    entry = Entry()
    started = False
    keyword: tuple[str, str] | None = None  # ("msgid" | "msgctxt" | "msgid_plural" | "msgstr", plural index)

    def finish() -> None:
        nonlocal entry, started, keyword
        if started:
            entries.append(entry)
        entry, started, keyword = Entry(), False, None

    def append(value: str, number: int) -> None:
        assert keyword is not None
        name, index = keyword
        if name == "msgid":
            entry.msgid += value
        elif name == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif name == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        else:
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
            entry.msgstr_lines = (entry.msgstr_lines[0] or number, number)

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            if keyword is not None:
                finish()
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        elif line.startswith("#"):
            if keyword is not None and keyword[0] == "msgstr":
                finish()
            if not started:
                entry.line, started = number, True
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#:"):
                entry.references.extend(line[2:].split())
            continue
        if line.startswith('"'):
            append(_unquote(line), number)
            continue
        name, _, rest = line.partition(" ")
        if name in ("msgctxt", "msgid") and keyword is not None and keyword[0] == "msgstr":
            finish()
        if not started:
            entry.line, started = number, True
        entry.obsolete = entry.obsolete or obsolete
        if name.startswith("msgstr["):
            keyword = ("msgstr", name[len("msgstr[") : -1])
        elif name in ("msgid", "msgctxt", "msgid_plural", "msgstr"):
            keyword = (name, "")
        else:
            raise ValueError(f"line {number}: cannot read {raw!r}")
        append(_unquote(rest), number)
    if keyword is not None:
        finish()
    return entries


def read(path: Path | str) -> list[Entry]:
    return parse(Path(path).read_text(encoding="utf-8"))
