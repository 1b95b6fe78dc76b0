"""The archive package of a closed consultation: an E-ARK SIP that the E-ARK validator from PyPI (eark-validator
1.1.3, run offline with the bundled CSIP vocabularies) finds valid, with every file where METS says and with the
checksum METS gives, the answers as submitted and as PDFs, the audit events of the case in PREMIS, and the case
mapped to FGS Ärendehantering (ERMS)."""

import hashlib
import io
import json
import shutil
import urllib.request
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree as ET
from pypdf import PdfReader

from samrad.archive import validation
from samrad.archive.services import archive_export
from samrad.archive.validation import validate_package
from samrad.audit.models import AuditEvent
from samrad.consultations.models import ConsultationDocument, Referral, ReferralStatusChange, StatusChange, Submission
from samrad.documents.models import StoredFile
from samrad.errors import NotAllowedNow

pytestmark = pytest.mark.django_db

METS = "{http://www.loc.gov/METS/}"
XLINK = "{http://www.w3.org/1999/xlink}"
PREMIS = "{http://www.loc.gov/premis/v3}"
ERMS = "{https://DILCIS.eu/XML/ERMS}"


def _export(case, tmp_path: Path) -> tuple[Path, Path]:
    result = archive_export(actor=case.coordinator, consultation=case.consultation, target=tmp_path / "paket.zip")
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(tmp_path / "unpacked")
    return result.path, tmp_path / "unpacked" / result.objid


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stored_bytes(stored: StoredFile) -> bytes:
    with stored.file.open("rb") as stream:
        return stream.read()


def test_the_validator_from_pypi_finds_the_package_valid(closed_case, tmp_path):
    zip_path, root = _export(closed_case, tmp_path)

    for target in (root, zip_path):  # the folder and the ZIP
        report = validate_package(target)
        print(report.text())
        assert report.structure_status == "WellFormed"
        assert report.schema_status == "VALID"
        assert report.other_errors() == [], report.text()
        assert report.warnings() == [], report.text()
        # The one error left is the validator's own contradiction (SIP14, see ADR 0009), on the software agent's
        # note that CSIP16 requires.
        assert [finding.rule_id for finding in report.known_defects()] == ["SIP14"]
        assert report.valid_but_for_known_defects


def test_every_file_is_where_mets_says_with_the_checksum_mets_gives(closed_case, tmp_path):
    _zip, root = _export(closed_case, tmp_path)
    listed: dict[str, tuple[str, int]] = {}
    for mets_path, prefix in (
        (root / "METS.xml", ""),
        (root / "representations/rep1/METS.xml", "representations/rep1/"),
    ):
        for element in ET.parse(mets_path).iter():
            if element.tag == f"{METS}file":
                href = element.find(f"{METS}FLocat").get(f"{XLINK}href")
            elif element.tag == f"{METS}mdRef":
                href = element.get(f"{XLINK}href")
            else:
                continue
            assert element.get("CHECKSUMTYPE") == "SHA-256"
            entry = (element.get("CHECKSUM").lower(), int(element.get("SIZE")))
            assert listed.setdefault(prefix + href, entry) == entry
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {"METS.xml"}
    assert on_disk == set(listed)
    for path, (checksum, size) in listed.items():
        assert (_sha256(root / path), (root / path).stat().st_size) == (checksum, size), path


def test_the_package_holds_the_documents_answers_pdfs_compilation_and_audit_events(closed_case, tmp_path):
    _zip, root = _export(closed_case, tmp_path)
    consultation = closed_case.consultation
    data = root / "representations/rep1/data"
    files_by_sha = {_sha256(path): path for path in data.rglob("*") if path.is_file()}

    document = ConsultationDocument.objects.get(consultation=consultation)
    assert _sha256(next((data / "proposal").iterdir())) == document.file.sha256
    assert _stored_bytes(document.file) == files_by_sha[document.file.sha256].read_bytes()

    submissions = list(Submission.objects.filter(response__consultation=consultation))
    assert len(submissions) == 4  # Nacka twice, Värmdö with Tyresö, the association by e-mail
    for submission in submissions:
        assert submission.pdf is not None
        pdf = files_by_sha[submission.pdf.sha256]
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
        assert submission.receipt_number in text.replace("\n", "")
        frozen = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
        assert frozen == submission.content
        for attachment in submission.attachments.all():
            assert attachment.sha256 in files_by_sha, attachment.original_name
    removed = StoredFile.objects.get(original_name="fel.pdf")  # removed from the draft, still part of the case
    assert removed.sha256 in files_by_sha

    compilation_pdf = data / "compilation/remissammanstallning.pdf"
    compilation_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(compilation_pdf.read_bytes())).pages)
    assert "Kommunerna stöder planen" in compilation_text
    frozen_compilation = json.loads((data / "compilation/remissammanstallning.json").read_text(encoding="utf-8"))
    assert frozen_compilation == consultation.compilation.content

    # PREMIS: every file's fixity, every audit event of the case.
    file_premis = ET.parse(root / "representations/rep1/metadata/preservation/premis.xml")
    fixity = {
        obj.find(f"{PREMIS}objectIdentifier/{PREMIS}objectIdentifierValue").text: obj.find(
            f".//{PREMIS}messageDigest"
        ).text
        for obj in file_premis.iter(f"{PREMIS}object")
    }
    assert fixity == {
        f"representations/rep1/data/{p.relative_to(data).as_posix()}": _sha256(p) for p in files_by_sha.values()
    }
    premis = ET.parse(root / "metadata/preservation/premis.xml")
    event_hashes = {
        event.find(f"{PREMIS}eventIdentifier/{PREMIS}eventIdentifierValue").text
        for event in premis.iter(f"{PREMIS}event")
    }
    # Every event about the consultation itself, but the one that records this export (written after the package).
    case_events = AuditEvent.objects.filter(
        object_type="consultations.consultation", object_id=str(consultation.pk)
    ).exclude(action="consultation.archive_exported")
    submitted = AuditEvent.objects.filter(action="response.submitted")
    declined = AuditEvent.objects.filter(action="referral.declined")
    signed_off = AuditEvent.objects.filter(action="compilation.sign_off")
    for events in (case_events, submitted, declined, signed_off):
        assert events.exists()
        assert {event.hash for event in events} <= event_hashes
    exported = json.loads((root / "metadata/preservation/audit-events.json").read_text(encoding="utf-8"))["events"]
    assert {event["hash"] for event in exported} <= event_hashes

    # FGS Ärendehantering (ERMS): the case, its actions and its records.
    erms = ET.parse(root / "metadata/descriptive/arende.xml")
    aggregation = erms.find(f".//{ERMS}aggregation")
    assert aggregation.get("aggregationType") == "caseFile"
    assert aggregation.find(f"{ERMS}objectId").text == consultation.reference_number
    assert aggregation.find(f"{ERMS}status").get("value") == "closed"
    actions = aggregation.findall(f"{ERMS}action")
    status_changes = StatusChange.objects.filter(consultation=consultation).count()
    referral_changes = ReferralStatusChange.objects.filter(referral__consultation=consultation).count()
    assert len(actions) == status_changes + referral_changes
    assert any("Södertörns svar" in action.find(f"{ERMS}actionText").text for action in actions)  # the decline
    records = aggregation.findall(f"{ERMS}record")
    assert [r.get("recordType") for r in records].count("Remissvar") == 4
    assert {r.find(f"{ERMS}objectId").text for r in records} >= {s.receipt_number for s in submissions}
    assert [r.get("recordType") for r in records].count("Remissammanställning") == 1
    assert Referral.objects.filter(consultation=consultation).count() == len(
        aggregation.findall(f"{ERMS}agents/{ERMS}agent[@agentType='counterpart']")
    )


def test_the_validator_reads_the_bundled_vocabularies_and_they_decide(closed_case, tmp_path):
    """Offline, the validator's vocabulary tests come from the bundled files, not from the network, and still
    reject what they should: a content category and a package type outside the vocabularies."""
    _zip, root = _export(closed_case, tmp_path)
    schematron = validation._import_validator()
    assert schematron.urlopen is validation.local_vocabulary
    assert "(@TYPE = 'Mixed')" in schematron.schematron_tests.tests["@TYPE_vocabulary_test"]
    with pytest.raises(urllib.error.URLError):
        validation.local_vocabulary("https://example.org/anything.xml")

    broken = tmp_path / "broken" / root.name
    shutil.copytree(root, broken)
    mets = (broken / "METS.xml").read_text(encoding="utf-8")
    mets = mets.replace('TYPE="Mixed"', 'TYPE="Remisser"', 1).replace('OAISPACKAGETYPE="SIP"', 'OAISPACKAGETYPE="XIP"')
    (broken / "METS.xml").write_text(mets, encoding="utf-8")
    report = validate_package(broken)
    assert not report.valid_but_for_known_defects
    assert {"CSIP2", "CSIP9"} <= {finding.rule_id for finding in report.other_errors()}


def test_only_a_closed_consultation_is_archived(closed_case, tmp_path):
    from samrad.consultations.tests.factories import ConsultationFactory

    open_one = ConsultationFactory.create(open=True)
    with pytest.raises(NotAllowedNow):
        archive_export(actor="test", consultation=open_one, target=tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists()
