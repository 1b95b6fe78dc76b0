"""PREMIS 3 preservation metadata of an archive package.

- The representation's PREMIS (`representations/rep1/metadata/preservation/premis.xml`): one file object per data
  file, with its SHA-256 (fixity), size, format and the name it had.
- The package's PREMIS (`metadata/preservation/premis.xml`): the representation as an object, one event per audit
  event of the case (its identifier is the event's chain hash; the details carry the object, the changes, the
  previous hash and the seal, so the chain can be checked from this file alone), the package's own creation, and
  the agents: Samråd, and every person or label that acted.
"""

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

if TYPE_CHECKING:
    from samrad.archive.package import PackageFile

PREMIS_NS = "http://www.loc.gov/premis/v3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
ET.register_namespace("premis", PREMIS_NS)
SCHEMA_LOCATION = f"{PREMIS_NS} https://www.loc.gov/standards/premis/premis.xsd"
FORMAT_NAMES = {
    "application/pdf": "Portable Document Format",
    "application/json": "JSON",
    "application/xml": "XML",
    "text/plain": "Plain text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Office Open XML Document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Office Open XML Workbook",
    "application/vnd.oasis.opendocument.text": "OpenDocument Text",
    "image/png": "Portable Network Graphics",
    "image/jpeg": "JPEG",
}
IDENTIFIER_TYPE = "samrad-package-path"
AUDIT_IDENTIFIER_TYPE = "samrad-audit-hash"


def _p(tag: str) -> str:
    return f"{{{PREMIS_NS}}}{tag}"


def _root() -> ET.Element:
    return ET.Element(_p("premis"), {"version": "3.0", f"{{{XSI_NS}}}schemaLocation": SCHEMA_LOCATION})


def _text(parent: ET.Element, tag: str, text: str, attributes: dict[str, str] | None = None) -> ET.Element:
    element = ET.SubElement(parent, _p(tag), attributes or {})
    element.text = text
    return element


def _identifier(parent: ET.Element, tag: str, kind: str, value: str) -> None:
    identifier = ET.SubElement(parent, _p(f"{tag}Identifier"))
    _text(identifier, f"{tag}IdentifierType", kind)
    _text(identifier, f"{tag}IdentifierValue", value)


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def premis_file_objects(files: Sequence["PackageFile"]) -> ET.Element:
    premis = _root()
    for entry in files:
        obj = ET.SubElement(premis, _p("object"), {f"{{{XSI_NS}}}type": "premis:file"})
        _identifier(obj, "object", IDENTIFIER_TYPE, entry.path)
        characteristics = ET.SubElement(obj, _p("objectCharacteristics"))
        fixity = ET.SubElement(characteristics, _p("fixity"))
        _text(fixity, "messageDigestAlgorithm", "SHA-256")
        _text(fixity, "messageDigest", entry.sha256)
        _text(fixity, "messageDigestOriginator", "Samråd")
        _text(characteristics, "size", str(entry.size))
        file_format = ET.SubElement(characteristics, _p("format"))
        designation = ET.SubElement(file_format, _p("formatDesignation"))
        _text(designation, "formatName", FORMAT_NAMES.get(entry.mime_type, entry.mime_type))
        _text(obj, "originalName", entry.path.rsplit("/", 1)[-1])
    return premis


def premis_package(
    *,
    objid: str,
    created: dt.datetime,
    data_files: Sequence["PackageFile"],
    audit_events: Sequence[dict[str, Any]],
    software: tuple[str, str],
) -> ET.Element:
    premis = _root()
    representation = ET.SubElement(premis, _p("object"), {f"{{{XSI_NS}}}type": "premis:representation"})
    _identifier(representation, "object", IDENTIFIER_TYPE, "representations/rep1")
    for entry in data_files:
        relationship = ET.SubElement(representation, _p("relationship"))
        _text(relationship, "relationshipType", "structural")
        _text(relationship, "relationshipSubType", "has part")
        related = ET.SubElement(relationship, _p("relatedObjectIdentifier"))
        _text(related, "relatedObjectIdentifierType", IDENTIFIER_TYPE)
        _text(related, "relatedObjectIdentifierValue", entry.path)

    agents: dict[str, str] = {}
    for event in audit_events:
        element = ET.SubElement(premis, _p("event"))
        _identifier(element, "event", AUDIT_IDENTIFIER_TYPE, event["hash"])
        _text(element, "eventType", event["action"])
        _text(element, "eventDateTime", event["created_at"])
        detail_information = ET.SubElement(element, _p("eventDetailInformation"))
        _text(
            detail_information,
            "eventDetail",
            json.dumps(
                {
                    "audit_event_id": event["id"],
                    "object_type": event["object_type"],
                    "object_id": event["object_id"],
                    "object_label": event["object_label"],
                    "changes": event["changes"],
                },
                ensure_ascii=False,
                sort_keys=True,
            ),
        )
        outcome = ET.SubElement(element, _p("eventOutcomeInformation"))
        _text(outcome, "eventOutcome", "recorded")
        outcome_detail = ET.SubElement(outcome, _p("eventOutcomeDetail"))
        _text(
            outcome_detail,
            "eventOutcomeDetailNote",
            f"prev_hash={event['prev_hash']} hash={event['hash']} seal={event['seal']} seal_key={event['seal_key']}",
        )
        agent_key = f"user:{event['actor_id']}" if event["actor_id"] is not None else f"label:{event['actor_label']}"
        agents.setdefault(agent_key, event["actor_label"])
        linking = ET.SubElement(element, _p("linkingAgentIdentifier"))
        _text(linking, "linkingAgentIdentifierType", "samrad-actor")
        _text(linking, "linkingAgentIdentifierValue", agent_key)
        _text(linking, "linkingAgentRole", "implementer")

    creation = ET.SubElement(premis, _p("event"))
    _identifier(creation, "event", "samrad-package", f"{objid}-creation")
    _text(creation, "eventType", "creation")
    _text(creation, "eventDateTime", _instant(created))
    detail_information = ET.SubElement(creation, _p("eventDetailInformation"))
    _text(detail_information, "eventDetail", "Archive package (E-ARK SIP) made from the closed consultation.")
    outcome = ET.SubElement(creation, _p("eventOutcomeInformation"))
    _text(outcome, "eventOutcome", "success")
    linking = ET.SubElement(creation, _p("linkingAgentIdentifier"))
    _text(linking, "linkingAgentIdentifierType", "samrad-actor")
    _text(linking, "linkingAgentIdentifierValue", "software:samrad")
    _text(linking, "linkingAgentRole", "executing program")
    linking_object = ET.SubElement(creation, _p("linkingObjectIdentifier"))
    _text(linking_object, "linkingObjectIdentifierType", IDENTIFIER_TYPE)
    _text(linking_object, "linkingObjectIdentifierValue", "representations/rep1")

    software_agent = ET.SubElement(premis, _p("agent"))
    _identifier(software_agent, "agent", "samrad-actor", "software:samrad")
    _text(software_agent, "agentName", software[0])
    _text(software_agent, "agentType", "software")
    _text(software_agent, "agentVersion", software[1])
    for key, label in sorted(agents.items()):
        agent = ET.SubElement(premis, _p("agent"))
        _identifier(agent, "agent", "samrad-actor", key)
        _text(agent, "agentName", label)
        _text(agent, "agentType", "person" if key.startswith("user:") else "software")
    return premis
