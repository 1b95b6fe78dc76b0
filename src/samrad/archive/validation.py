"""Validating an archive package with the E-ARK validator (`eark-validator` from PyPI), offline.

`eark-validator` 1.1.3 builds four of its schematron tests when `eark_validator.ipxml.schematron` is imported:
it reads the CSIP vocabularies (content category, content information type, OAIS package type, dmdSec status)
with `urllib.request.urlopen` from https://earkcsip.dilcis.eu/schema/. These machines have no internet, so the
import is made while `urlopen` answers those four addresses from the copies in `vocabularies/` (see the README
there for their source) and refuses every other address. Nothing else of the validator is changed: its rules
and schemas ship in its own package. See docs/decisions/0009-archive-package.md.

The validator is a test dependency (requirements/dev.in); importing this module without it installed raises
ImportError.
"""

import importlib
import io
import sys
import threading
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import URLError

VOCABULARY_DIR = Path(__file__).resolve().parent / "vocabularies"
VOCABULARY_BASE = "https://earkcsip.dilcis.eu/schema/"
VOCABULARIES = (
    "CSIPVocabularyContentCategory.xml",
    "CSIPVocabularyContentInformationType.xml",
    "CSIPVocabularyOAISPackageType.xml",
    "CSIPVocabularyStatus.xml",
)
SCHEMATRON_MODULE = "eark_validator.ipxml.schematron"

_lock = threading.Lock()


def local_vocabulary(url: Any, *args: Any, **kwargs: Any) -> io.BytesIO:
    """Stands in for `urlopen` while the validator is imported: one of the four vocabularies from disk (as bytes
    lines, which is how the validator reads them); any other address is refused, never fetched."""
    address = url.full_url if isinstance(url, urllib.request.Request) else str(url)
    name = address.removeprefix(VOCABULARY_BASE)
    if not address.startswith(VOCABULARY_BASE) or name not in VOCABULARIES:
        raise URLError(f"offline: the E-ARK validator may read only the bundled CSIP vocabularies, not {address}")
    return io.BytesIO((VOCABULARY_DIR / name).read_bytes())


def _import_validator() -> Any:
    """Import the validator's schematron module with the local vocabularies (once per process)."""
    with _lock:
        module = sys.modules.get(SCHEMATRON_MODULE)
        if module is None:
            network_urlopen = urllib.request.urlopen
            urllib.request.urlopen = local_vocabulary
            try:
                module = importlib.import_module(SCHEMATRON_MODULE)
            finally:
                urllib.request.urlopen = network_urlopen
        if getattr(module, "urlopen", None) is not local_vocabulary:
            raise RuntimeError(
                f"{SCHEMATRON_MODULE} was imported before samrad.archive.validation, so it tried to download its "
                "vocabularies; import the validator through samrad.archive.validation only."
            )
        return module


@dataclass(frozen=True)
class Finding:
    source: str  # "structure", "schema" or "schematron"
    rule_id: str
    severity: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"[{self.severity}] {self.source} {self.rule_id} at {self.location}: {self.message}"


@dataclass(frozen=True)
class PackageReport:
    valid: bool
    structure_status: str
    schema_status: str
    schematron_status: str
    findings: list[Finding]
    raw: Any  # the validator's own ValidationReport (pydantic), for printing in full

    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity.lower() == "error"]

    def known_defects(self) -> list[Finding]:
        """The errors that are the validator's own defects (KNOWN_DEFECTS), not the package's."""
        return [finding for finding in self.errors() if is_known_defect(finding)]

    def other_errors(self) -> list[Finding]:
        return [finding for finding in self.errors() if not is_known_defect(finding)]

    @property
    def valid_but_for_known_defects(self) -> bool:
        """Structure well-formed, METS schema-valid, and no schematron error other than the validator's known
        defects."""
        return (
            self.structure_status.upper() == "WELLFORMED"
            and self.schema_status.upper() == "VALID"
            and not self.other_errors()
        )

    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity.lower() in ("warning", "warn")]

    def text(self) -> str:
        lines = [
            f"valid: {self.valid} (structure {self.structure_status}, schema {self.schema_status}, "
            f"schematron {self.schematron_status})"
        ]
        lines += [str(finding) for finding in self.findings]
        return "\n".join(lines)


# Errors eark-validator 1.1.3 reports for every E-ARK SIP, however it is made (see ADR 0009):
# - SIP14: its SIP rules test every note of a CREATOR agent for an unqualified NOTETYPE="IDENTIFICATIONCODE". The
#   CSIP rules (CSIP10-16) require the package's one CREATOR agent, the software that made it, to have exactly one
#   note, with csip:NOTETYPE="SOFTWARE VERSION"; METS's schema allows no unqualified NOTETYPE attribute; and the
#   SIP specification meant the rule for the archival creator's (an organisation's) identification code, with
#   csip:NOTETYPE. No SIP can satisfy both rule sets and the schema.
KNOWN_DEFECTS = {"SIP14": "/mets:mets/mets:metsHdr/mets:agent[@ROLE = 'CREATOR']/mets:note"}


def is_known_defect(finding: Finding) -> bool:
    where = KNOWN_DEFECTS.get(finding.rule_id)
    return finding.source == "schematron" and where is not None and finding.location.startswith(where)


def _value(item: Any) -> str:
    return str(getattr(item, "value", item))


def validate_package(path: Path) -> PackageReport:
    """Validate a package (a directory or a ZIP) as an E-ARK SIP of CSIP 2.1.0 and return what the validator
    said: structure, METS schema and the CSIP and SIP schematron rules."""
    _import_validator()
    from eark_validator.packages import PackageValidator
    from eark_validator.specifications.specification import SpecificationVersion

    report = PackageValidator(Path(path), SpecificationVersion.V2_1_0).validation_report
    findings: list[Finding] = []
    for message in report.structure.messages if report.structure else []:
        findings.append(
            Finding("structure", message.rule_id, _value(message.severity), message.location, message.message)
        )
    structure_status = _value(report.structure.status) if report.structure else "missing"
    schema_status = schematron_status = "not run"
    if report.metadata is not None:
        schema = report.metadata.schema_results
        schematron = report.metadata.schematron_results
        schema_status, schematron_status = _value(schema.status), _value(schematron.status)
        for source, results in (("schema", schema), ("schematron", schematron)):
            for message in results.messages:
                findings.append(
                    Finding(source, message.rule_id, _value(message.severity), message.location, message.message)
                )
    valid = (
        structure_status.upper() == "WELLFORMED"
        and schema_status.upper() == "VALID"
        and schematron_status.upper() == "VALID"
    )
    return PackageReport(valid, structure_status, schema_status, schematron_status, findings, report)
