"""The archive package of one consultation: an E-ARK SIP (CSIP 2.1) as a folder, and as a ZIP of that folder.

    <OBJID>/
      METS.xml                                   the package's METS: CSIP profile, every file with SHA-256
      metadata/descriptive/arende.xml            the case for the archive, after FGS Ärendehantering (CITS ERMS)
      metadata/descriptive/samrad-case.json      the case as Samråd holds it, every row (what an import reads)
      metadata/preservation/premis.xml           PREMIS 3: the representation, the events of the audit log, agents
      metadata/preservation/audit-events.json    the case's audit events verbatim, with their hashes and seals
      representations/rep1/METS.xml              the representation's METS
      representations/rep1/metadata/preservation/premis.xml   PREMIS 3: every data file with its SHA-256
      representations/rep1/data/proposal/...     the proposal's documents as submitted
      representations/rep1/data/answers/<respondent>/<receipt>.json|.pdf   each answer's content and its PDF
      representations/rep1/data/answers/<respondent>/attachments/...        the answers' attachments
      representations/rep1/data/compilation/...  the compilation: frozen content, PDF and XLSX (once signed off)
      schemas/                                   the XML schemas the package uses (METS, xlink, CSIP, SIP)
      documentation/README.txt                   what the package holds and how to read and import it

See docs/decisions/0009-archive-package.md for the choices (FGS mapping, audit events, validation).
"""

import datetime as dt
import hashlib
import json
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from django.utils import timezone

from samrad.archive.case import case_rows
from samrad.archive.fgs import erms_document
from samrad.archive.premis import premis_file_objects, premis_package
from samrad.consultations.models import Consultation
from samrad.consultations.receipts import normalise_reference
from samrad.documents.models import StoredFile

FORMAT = "samrad-archive-package"
FORMAT_VERSION = 1
SOFTWARE = "Samråd"
SOFTWARE_VERSION = "0.1.0"
REPRESENTATION = "rep1"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP_NS = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
for _prefix, _uri in (("mets", METS_NS), ("xlink", XLINK_NS), ("csip", CSIP_NS), ("sip", SIP_NS), ("xsi", XSI_NS)):
    ET.register_namespace(_prefix, _uri)

CSIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CONTENT_INFORMATION_TYPE = "FGS Ärendehantering (CITS ERMS), Samråd remiss"
SCHEMA_LOCATIONS = (
    f"{METS_NS} schemas/mets.xsd {XLINK_NS} schemas/xlink.xsd "
    f"{CSIP_NS} schemas/DILCISExtensionMETS.xsd {SIP_NS} schemas/DILCISExtensionSIPMETS.xsd"
)

MIME_TYPES = {
    ".pdf": "application/pdf",
    ".json": "application/json",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".txt": "text/plain",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".html": "text/html",
}


class PackageError(Exception):
    """The package cannot be made (a stored file no longer matches its checksum, say)."""


def _m(tag: str) -> str:
    return f"{{{METS_NS}}}{tag}"


def _c(name: str) -> str:
    return f"{{{CSIP_NS}}}{name}"


def _x(name: str) -> str:
    return f"{{{XLINK_NS}}}{name}"


def instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def safe_name(name: str, fallback: str = "fil") -> str:
    """A file or folder name that every file system and ZIP tool takes: ASCII letters, digits, dot, hyphen."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9.]+", "-", ascii_name).strip("-.")
    return cleaned[:120] or fallback


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class PackageFile:
    path: str  # relative to the package root, with "/"
    size: int
    sha256: str
    mime_type: str
    created: dt.datetime
    # What the file is in the case: ("storedfile", id), ("submission", id), ("compilation", id) ...
    role: tuple[str, Any] | None = None


@dataclass
class Package:
    root: Path
    objid: str
    created: dt.datetime
    consultation_id: int
    files: list[PackageFile] = field(default_factory=list)

    def data_files(self) -> list[PackageFile]:
        prefix = f"representations/{REPRESENTATION}/data/"
        return [entry for entry in self.files if entry.path.startswith(prefix)]


def objid_for(consultation: Consultation, created: dt.datetime) -> str:
    return f"samrad-{normalise_reference(consultation.reference_number)}-{created:%Y%m%dT%H%M%SZ}"


class _Writer:
    def __init__(self, root: Path, created: dt.datetime) -> None:
        self.root = root
        self.created = created
        self.files: list[PackageFile] = []
        self.taken: set[str] = set()

    def unique(self, path: str) -> str:
        candidate, number = path, 1
        while candidate.lower() in self.taken:
            number += 1
            stem, dot, extension = path.rpartition(".")
            candidate = f"{stem}-{number}.{extension}" if dot else f"{path}-{number}"
        self.taken.add(candidate.lower())
        return candidate

    def _record(self, path: str, target: Path, created: dt.datetime | None, role: tuple[str, Any] | None) -> str:
        entry = PackageFile(
            path=path,
            size=target.stat().st_size,
            sha256=sha256_of(target),
            mime_type=MIME_TYPES.get(Path(path).suffix.lower(), "application/octet-stream"),
            created=created or self.created,
            role=role,
        )
        self.files.append(entry)
        return path

    def write_bytes(
        self, path: str, data: bytes, *, created: dt.datetime | None = None, role: tuple[str, Any] | None = None
    ) -> str:
        path = self.unique(path)
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return self._record(path, target, created, role)

    def write_json(self, path: str, value: Any, **kwargs: Any) -> str:
        text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        return self.write_bytes(path, text.encode("utf-8"), **kwargs)

    def write_xml(self, path: str, element: ET.Element, **kwargs: Any) -> str:
        ET.indent(element)
        data = ET.tostring(element, encoding="utf-8", xml_declaration=True)
        return self.write_bytes(path, data, **kwargs)

    def copy_stored(self, path: str, stored: StoredFile) -> str:
        path = self.unique(path)
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with stored.file.open("rb") as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink, 1 << 20)
        recorded = self._record(path, target, stored.uploaded_at, ("storedfile", stored.pk))
        if self.files[-1].sha256 != stored.sha256:
            raise PackageError(
                f"The stored file {stored.pk} ({stored.original_name}) no longer matches its SHA-256: "
                f"{self.files[-1].sha256} instead of {stored.sha256}."
            )
        return recorded


def _respondent_folder(response: dict[str, Any], organisations: dict[int, dict[str, Any]]) -> str:
    if response["organisation_id"] is not None:
        organisation = organisations.get(response["organisation_id"], {})
        return safe_name(f"{organisation.get('name', '')}-{response['organisation_id']}", "organisation")
    return safe_name(f"{response['respondent_name']}-r{response['id']}", "svarande")


def _data_files(
    writer: _Writer, consultation: Consultation, rows: dict[str, list[dict[str, Any]]]
) -> dict[str, dict[str, str]]:
    """Write the representation's data files. Returns the package path of each stored file, answer JSON and
    compilation file, by kind and id."""
    data = f"representations/{REPRESENTATION}/data"
    paths: dict[str, dict[str, str]] = {
        "storedfile": {},
        "submission": {},
        "compilation": {},
        "compilationdocument": {},
    }
    stored = {f.pk: f for f in StoredFile.objects.filter(pk__in=[r["id"] for r in rows["documents.storedfile"]])}
    organisations = {row["id"]: row for row in rows["organisations.organisation"]}

    def place(file_id: int, path: str) -> None:
        if str(file_id) not in paths["storedfile"]:
            paths["storedfile"][str(file_id)] = writer.copy_stored(path, stored[file_id])

    for document in sorted(rows["consultations.consultationdocument"], key=lambda r: (r["order"], r["id"])):
        name = safe_name(stored[document["file_id"]].original_name)
        place(document["file_id"], f"{data}/proposal/{document['order']:02d}-{name}")
    responses = {row["id"]: row for row in rows["consultations.response"]}
    folders = {rid: _respondent_folder(row, organisations) for rid, row in responses.items()}
    for submission in rows["consultations.submission"]:
        folder = f"{data}/answers/{folders[submission['response_id']]}"
        receipt = safe_name(submission["receipt_number"])
        paths["submission"][str(submission["id"])] = writer.write_json(
            f"{folder}/{receipt}.json",
            submission["content"],
            created=dt.datetime.fromisoformat(submission["submitted_at"]),
            role=("submission", submission["id"]),
        )
        if submission["pdf_id"] is not None:
            place(submission["pdf_id"], f"{folder}/{receipt}.pdf")
    for attachment in rows["consultations.responseattachment"]:
        folder = f"{data}/answers/{folders[attachment['response_id']]}/attachments"
        name = safe_name(stored[attachment["file_id"]].original_name)
        place(attachment["file_id"], f"{folder}/{attachment['file_id']}-{name}")
    for link in rows["consultations.submission_attachments"]:  # a file only a submission still holds
        submission = next(s for s in rows["consultations.submission"] if s["id"] == link["submission_id"])
        folder = f"{data}/answers/{folders[submission['response_id']]}/attachments"
        name = safe_name(stored[link["storedfile_id"]].original_name)
        place(link["storedfile_id"], f"{folder}/{link['storedfile_id']}-{name}")
    for file_id, stored_file in sorted(stored.items()):  # anything else the case points at
        place(file_id, f"{data}/files/{file_id}-{safe_name(stored_file.original_name)}")
    _compilation_files(writer, consultation, rows, paths, f"{data}/compilation")
    return paths


def _compilation_files(
    writer: _Writer,
    consultation: Consultation,
    rows: dict[str, list[dict[str, Any]]],
    paths: dict[str, dict[str, str]],
    folder: str,
) -> None:
    from samrad.reports.content import Content
    from samrad.reports.formats import compilation_file
    from samrad.reports.models import CompilationDocument

    for compilation in rows["reports.compilation"]:
        if compilation["status"] != "signed_off" or not compilation["content"]:
            continue
        signed_off = dt.datetime.fromisoformat(compilation["signed_off_at"])
        role = ("compilation", compilation["id"])
        paths["compilation"]["content"] = writer.write_json(
            f"{folder}/remissammanstallning.json", compilation["content"], created=signed_off, role=role
        )
        content = Content.from_json(compilation["content"])
        for file_format in ("pdf", "xlsx"):
            data, _content_type = compilation_file(content, file_format)
            paths["compilation"][file_format] = writer.write_bytes(
                f"{folder}/remissammanstallning.{file_format}", data, created=signed_off, role=role
            )
    for row in rows["reports.compilationdocument"]:
        if not row["file"]:
            continue
        document = CompilationDocument.objects.get(pk=row["id"])
        path = writer.unique(f"{folder}/stored/{row['id']}-{safe_name(Path(row['file']).name)}")
        target = writer.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with document.file.open("rb") as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink, 1 << 20)
        rendered = document.rendered_at or document.requested_at
        paths["compilationdocument"][str(row["id"])] = writer._record(
            path, target, rendered, ("compilationdocument", row["id"])
        )


def _file_element(entry: PackageFile, identifier: str, href: str) -> ET.Element:
    element = ET.Element(
        _m("file"),
        {
            "ID": identifier,
            "MIMETYPE": entry.mime_type,
            "SIZE": str(entry.size),
            "CREATED": instant(entry.created),
            "CHECKSUM": entry.sha256.upper(),
            "CHECKSUMTYPE": "SHA-256",
        },
    )
    ET.SubElement(element, _m("FLocat"), {"LOCTYPE": "URL", _x("type"): "simple", _x("href"): href})
    return element


def _md_ref(parent: ET.Element, entry: PackageFile, href: str, mdtype: str, other: str = "") -> None:
    attributes = {
        "LOCTYPE": "URL",
        _x("type"): "simple",
        _x("href"): href,
        "MDTYPE": mdtype,
        "MIMETYPE": entry.mime_type,
        "SIZE": str(entry.size),
        "CREATED": instant(entry.created),
        "CHECKSUM": entry.sha256.upper(),
        "CHECKSUMTYPE": "SHA-256",
    }
    if other:
        attributes["OTHERMDTYPE"] = other
    ET.SubElement(parent, _m("mdRef"), attributes)


def _mets_root(objid: str, label: str, created: dt.datetime, *, package_type: str = "SIP") -> ET.Element:
    mets = ET.Element(
        _m("mets"),
        {
            "OBJID": objid,
            "LABEL": label,
            "TYPE": "Mixed",
            _c("CONTENTINFORMATIONTYPE"): "OTHER",
            _c("OTHERCONTENTINFORMATIONTYPE"): CONTENT_INFORMATION_TYPE,
            "PROFILE": CSIP_PROFILE,
            f"{{{XSI_NS}}}schemaLocation": SCHEMA_LOCATIONS,
        },
    )
    header = ET.SubElement(
        mets,
        _m("metsHdr"),
        {
            "CREATEDATE": instant(created),
            "LASTMODDATE": instant(created),
            "RECORDSTATUS": "NEW",
            _c("OAISPACKAGETYPE"): package_type,
        },
    )
    agent = ET.SubElement(header, _m("agent"), {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"})
    ET.SubElement(agent, _m("name")).text = SOFTWARE
    ET.SubElement(agent, _m("note"), {_c("NOTETYPE"): "SOFTWARE VERSION"}).text = SOFTWARE_VERSION
    return mets


def _file_group(parent: ET.Element, identifier: str, use: str) -> ET.Element:
    # CONTENTINFORMATIONTYPE on every file group: eark-validator 1.1.3's CSIP63 rule fails any file group
    # without it (see ADR 0009); CSIP allows it on all of them.
    return ET.SubElement(
        parent,
        _m("fileGrp"),
        {
            "ID": identifier,
            "USE": use,
            _c("CONTENTINFORMATIONTYPE"): "OTHER",
            _c("OTHERCONTENTINFORMATIONTYPE"): CONTENT_INFORMATION_TYPE,
        },
    )


def _representation_mets(package: Package, label: str, premis: PackageFile) -> ET.Element:
    prefix = f"representations/{REPRESENTATION}/"
    mets = _mets_root(f"{package.objid}-{REPRESENTATION}", label, package.created)
    amd = ET.SubElement(mets, _m("amdSec"))
    digiprov = ET.SubElement(amd, _m("digiprovMD"), {"ID": "rep-premis", "STATUS": "CURRENT"})
    _md_ref(digiprov, premis, premis.path.removeprefix(prefix), "PREMIS")
    file_sec = ET.SubElement(mets, _m("fileSec"), {"ID": "rep-filesec"})
    group = _file_group(file_sec, "rep-data", "Data")
    for number, entry in enumerate(package.data_files(), start=1):
        group.append(_file_element(entry, f"rep-file-{number}", entry.path.removeprefix(prefix)))
    struct = ET.SubElement(mets, _m("structMap"), {"ID": "rep-structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    root_div = ET.SubElement(struct, _m("div"), {"ID": "rep-root", "LABEL": f"{package.objid}-{REPRESENTATION}"})
    ET.SubElement(root_div, _m("div"), {"ID": "rep-metadata", "LABEL": "Metadata", "ADMID": "rep-premis"})
    data_div = ET.SubElement(root_div, _m("div"), {"ID": "rep-data-div", "LABEL": "Data"})
    ET.SubElement(data_div, _m("fptr"), {"FILEID": "rep-data"})
    return mets


def _package_mets(package: Package, label: str, by_path: dict[str, PackageFile]) -> ET.Element:
    mets = _mets_root(package.objid, label, package.created)
    dmd_ids = []
    for number, (path, other) in enumerate(
        (("metadata/descriptive/arende.xml", "ERMS"), ("metadata/descriptive/samrad-case.json", "SAMRAD-CASE")),
        start=1,
    ):
        identifier = f"dmd-{number}"
        dmd_ids.append(identifier)
        dmd = ET.SubElement(
            mets, _m("dmdSec"), {"ID": identifier, "CREATED": instant(package.created), "STATUS": "CURRENT"}
        )
        _md_ref(dmd, by_path[path], path, "OTHER", other)
    amd = ET.SubElement(mets, _m("amdSec"))
    amd_ids = []
    for number, (path, mdtype, other) in enumerate(
        (
            ("metadata/preservation/premis.xml", "PREMIS", ""),
            ("metadata/preservation/audit-events.json", "OTHER", "SAMRAD-AUDIT-EVENTS"),
        ),
        start=1,
    ):
        identifier = f"digiprov-{number}"
        amd_ids.append(identifier)
        digiprov = ET.SubElement(amd, _m("digiprovMD"), {"ID": identifier, "STATUS": "CURRENT"})
        _md_ref(digiprov, by_path[path], path, mdtype, other)
    file_sec = ET.SubElement(mets, _m("fileSec"), {"ID": "filesec"})
    groups = (
        ("grp-documentation", "Documentation", "documentation/"),
        ("grp-schemas", "Schemas", "schemas/"),
        (f"grp-{REPRESENTATION}", f"Representations/{REPRESENTATION}", f"representations/{REPRESENTATION}/"),
    )
    number = 0
    for identifier, use, prefix in groups:
        group = _file_group(file_sec, identifier, use)
        for entry in package.files:
            if entry.path.startswith(prefix):
                number += 1
                group.append(_file_element(entry, f"file-{number}", entry.path))
    struct = ET.SubElement(mets, _m("structMap"), {"ID": "structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    root_div = ET.SubElement(struct, _m("div"), {"ID": "div-root", "LABEL": package.objid})
    ET.SubElement(
        root_div,
        _m("div"),
        {"ID": "div-metadata", "LABEL": "Metadata", "DMDID": " ".join(dmd_ids), "ADMID": " ".join(amd_ids)},
    )
    for identifier, label_, _prefix in groups[:2]:
        division = ET.SubElement(root_div, _m("div"), {"ID": f"div-{label_.lower()}", "LABEL": label_})
        ET.SubElement(division, _m("fptr"), {"FILEID": identifier})
    representations = ET.SubElement(root_div, _m("div"), {"ID": "div-representations", "LABEL": "Representations"})
    ET.SubElement(representations, _m("fptr"), {"FILEID": f"grp-{REPRESENTATION}"})
    representation = ET.SubElement(
        representations, _m("div"), {"ID": f"div-{REPRESENTATION}", "LABEL": f"Representations/{REPRESENTATION}"}
    )
    ET.SubElement(
        representation,
        _m("mptr"),
        {
            "LOCTYPE": "URL",
            _x("type"): "simple",
            _x("href"): f"representations/{REPRESENTATION}/METS.xml",
            _x("title"): f"Representation {REPRESENTATION}",
        },
    )
    return mets


README = """Arkivpaket från Samråd (E-ARK SIP enligt CSIP 2.1)
===================================================

Paketet innehåller ett avslutat remissärende: remissunderlaget som det lämnades in, varje remissvar (innehållet
som JSON och svaret som PDF/A, med bilagor), remissammanställningen om den är godkänd, ärendets händelser ur
Samråds granskningslogg och kontrollsummor (SHA-256) för varje fil.

- METS.xml: paketets struktur och varje fils kontrollsumma.
- metadata/descriptive/arende.xml: ärendet enligt FGS Ärendehantering (CITS ERMS): ärende, åtgärder
  (statusändringar), handlingar (remissunderlag, remissvar, remissammanställning).
- metadata/descriptive/samrad-case.json: ärendet som Samråd lagrar det, varje rad; läses vid import.
- metadata/preservation/premis.xml och audit-events.json: händelserna ur granskningsloggen med sina
  ursprungliga kedjehashar och sigill.
- representations/rep1/data/: filerna.

Import i Samråd: python manage.py archive_import <paket>.zip

Archive package from Samråd (E-ARK SIP, CSIP 2.1): a closed consultation with its proposal documents as
submitted, every answer (content as JSON, the answer as PDF/A, attachments), the signed-off compilation, the
case's events from Samråd's audit log, and a SHA-256 checksum of every file. Import: manage.py archive_import.
"""


def package_build(
    consultation: Consultation,
    directory: Path,
    *,
    audit_events: list[dict[str, Any]],
    audit_head: dict[str, Any] | None,
    rows: dict[str, list[dict[str, Any]]] | None = None,
    created: dt.datetime | None = None,
) -> Package:
    """Write the package folder for `consultation` inside `directory` (which must exist) and return it."""
    created = (created or timezone.now()).replace(microsecond=0)
    objid = objid_for(consultation, created)
    root = directory / objid
    root.mkdir()
    rows = rows if rows is not None else case_rows(consultation)
    writer = _Writer(root, created)
    paths = _data_files(writer, consultation, rows)
    package = Package(root=root, objid=objid, created=created, consultation_id=consultation.pk)
    package.files = writer.files

    writer.write_bytes("documentation/README.txt", README.encode("utf-8"))
    for schema in sorted(SCHEMA_DIR.glob("*.xsd")):
        writer.write_bytes(f"schemas/{schema.name}", schema.read_bytes())
    rep_premis = writer.write_xml(
        f"representations/{REPRESENTATION}/metadata/preservation/premis.xml",
        premis_file_objects(package.data_files()),
    )
    writer.write_xml(
        "metadata/descriptive/arende.xml",
        erms_document(consultation=consultation, rows=rows, objid=objid, created=created, paths=paths),
    )
    writer.write_json(
        "metadata/descriptive/samrad-case.json",
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "objid": objid,
            "created": created.isoformat(),
            "software": {"name": SOFTWARE, "version": SOFTWARE_VERSION},
            "consultation_id": consultation.pk,
            "reference_number": consultation.reference_number,
            "paths": paths,
            "tables": rows,
        },
    )
    writer.write_json(
        "metadata/preservation/audit-events.json",
        {"chain_head_at_export": audit_head, "events": audit_events},
    )
    writer.write_xml(
        "metadata/preservation/premis.xml",
        premis_package(
            objid=objid,
            created=created,
            data_files=package.data_files(),
            audit_events=audit_events,
            software=(SOFTWARE, SOFTWARE_VERSION),
        ),
    )
    by_path = {entry.path: entry for entry in writer.files}
    label = f"{consultation.reference_number} {consultation.title}"[:300]
    writer.write_xml(
        f"representations/{REPRESENTATION}/METS.xml", _representation_mets(package, label, by_path[rep_premis])
    )
    package.files = writer.files
    mets = _package_mets(package, label, by_path)
    ET.indent(mets)
    (root / "METS.xml").write_bytes(ET.tostring(mets, encoding="utf-8", xml_declaration=True))
    return package


def package_zip(package_root: Path, target: Path) -> Path:
    """The package folder as a ZIP whose one top folder is the package (CSIPSTR1)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for path in sorted(_walk(package_root)):
            archive.write(path, f"{package_root.name}/{path.relative_to(package_root).as_posix()}")
    return target


def _walk(root: Path) -> Iterator[Path]:
    for path in root.rglob("*"):
        if path.is_file():
            yield path


def iter_package_files(package: Package) -> Iterable[PackageFile]:
    return iter(package.files)
