"""`manage.py read_stance --json FILE…`: read the stance of answers in files, without a consultation (for checking
the reader on letters and protocols as they come)."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samrad.analysis.stance import read_stance
from samrad.documents.limits import Limits, read_with_limits

KINDS = {".txt": "txt", ".pdf": "pdf", ".docx": "docx", ".odt": "odt"}


def file_reading(path: str) -> dict[str, Any]:
    """The stance read from one file, or why the file could not be read (`error`, stance None)."""
    entry: dict[str, Any] = {"file": path, "stance": None, "confidence": None, "evidence": None}
    kind = KINDS.get(Path(path).suffix.lower())
    if kind is None:
        return entry | {"error": f"unsupported file type (read: {', '.join(KINDS)})"}
    if not Path(path).is_file():
        return entry | {"error": "no such file"}
    # The files' own reader, in a child process under the extraction limits (a damaged or hostile file can
    # neither hang nor crash the command).
    reading = read_with_limits(kind, path, Limits.from_settings())
    if reading.error:
        detail = f": {reading.detail}" if reading.detail else ""
        return entry | {"error": f"cannot read the file ({reading.error}{detail})"}
    text = "\n\n".join(page.text for page in reading.pages)
    if not text.strip():
        return entry | {"error": "no text in the file (a scanned document?)"}
    result = read_stance(text)
    return {"file": path, "stance": result.stance, "confidence": result.confidence, "evidence": result.evidence}


class Command(BaseCommand):
    help = (
        "Read the stance of remiss answers in files (.txt, .pdf, .docx, .odt) and print, one per file in the order "
        "given: the stance (support, support_with_changes, oppose, no_comment, abstain, unclear), the confidence and "
        "the sentence it rests on. A file that cannot be read gets an 'error' instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--json", action="store_true", help="Print a JSON list (the default is one line a file).")

    def handle(self, *args: Any, **options: Any) -> None:
        results = [file_reading(path) for path in options["files"]]
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
        else:
            for result in results:
                if "error" in result:
                    self.stdout.write(f"{result['file']}: {result['error']}")
                else:
                    self.stdout.write(
                        f"{result['file']}: {result['stance']} ({result['confidence']:.2f}) — {result['evidence']}"
                    )
        if all("error" in result for result in results):
            raise CommandError("No file could be read.", returncode=1)
