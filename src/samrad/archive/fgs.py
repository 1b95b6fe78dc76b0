"""The case as the archive reads it: a consultation mapped to FGS Ärendehantering.

FGS Ärendehantering 2.0 (the Swedish National Archives' common specification for case management) is built on
the E-ARK content information type for records management, CITS ERMS, so the document is an ERMS document
(namespace https://DILCIS.eu/XML/ERMS): one aggregation of type caseFile (ärende) holding the actions (åtgärder)
and the records (handlingar). The elements and their order follow the published ERMS examples; ERMS.xsd is not
available offline here, so the document is not validated against it (see ADR 0009).

| Samråd | FGS / ERMS |
|---|---|
| consultation, reference number (diarienummer), title, summary | aggregation caseFile: objectId, title, description |
| status draft/open → closed/compiled/published | status value open / closed |
| each sender's own case number | relation relationType="reference" |
| created by, the senders, the referral bodies | agents: creator, other/sender, counterpart |
| created, opened, closed | dates created / opened / closed |
| each status change, and each referral body's (StatusChange, ReferralStatusChange) | action |
| proposal documents | record recordType "Remissunderlag", direction outgoing |
| each submitted version of an answer (Submission) | record "Remissvar", direction incoming, objectId receipt number |
| the signed-off compilation | record recordType "Remissammanställning" |
"""

import datetime as dt
from typing import Any
from xml.etree import ElementTree as ET

from samrad.consultations.models import Consultation

ERMS_NS = "https://DILCIS.eu/XML/ERMS"
ET.register_namespace("erms", ERMS_NS)

CLOSED = {"closed", "compiled", "published"}


def _e(tag: str) -> str:
    return f"{{{ERMS_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, _e(tag), attributes)
    if text is not None:
        element.text = text
    return element


def _day(value: str | None) -> str | None:
    if not value:
        return None
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC).isoformat(timespec="seconds")


def _agent(parent: ET.Element, agent_type: str, name: str, **extra: str) -> ET.Element:
    attributes = {"agentType": agent_type}
    if "other" in extra:
        attributes = {"agentType": "other", "otherAgentType": extra.pop("other")}
    agent = _sub(parent, "agent", **attributes)
    _sub(agent, "name", name or "-")
    if extra.get("organisation"):
        _sub(agent, "organisation", extra["organisation"])
    if extra.get("id_number"):
        _sub(agent, "idNumber", extra["id_number"], idNumberType=extra.get("id_type", "other"))
    return agent


def _dates(parent: ET.Element, **dates: str | None) -> None:
    present = {kind: value for kind, value in dates.items() if value}
    if not present:
        return
    element = _sub(parent, "dates")
    for kind, value in present.items():
        _sub(element, "date", value, dateType=kind)


def _action(parent: ET.Element, text: str, action_type: str, at: str | None, who: str) -> None:
    action = _sub(parent, "action")
    _sub(action, "actionText", text)
    _sub(action, "actionType", action_type)
    if at:
        dates = _sub(action, "dates")
        _sub(dates, "actionDate", _day(at), dateType="executed")
    agents = _sub(action, "agents")
    _agent(agents, "other", who, other="executor")


def erms_document(
    *,
    consultation: Consultation,
    rows: dict[str, list[dict[str, Any]]],
    objid: str,
    created: dt.datetime,
    paths: dict[str, dict[str, str]],
) -> ET.Element:
    people = {row["id"]: row for row in rows["accounts.user"]}
    organisations = {row["id"]: row for row in rows["organisations.organisation"]}

    def person(user_id: int | None) -> str:
        if user_id is None or user_id not in people:
            return "system"
        user = people[user_id]
        full = f"{user['first_name']} {user['last_name']}".strip()
        return full or user["email"] or user["username"]

    def organisation(organisation_id: int | None) -> str:
        return organisations.get(organisation_id or 0, {}).get("name", "")

    case = rows["consultations.consultation"][0]
    senders = sorted(rows["consultations.consultationsender"], key=lambda r: (r["order"], r["id"]))

    erms = ET.Element(_e("erms"))
    control = _sub(erms, "control")
    _sub(control, "identification", objid, identificationType="other")
    maintenance = _sub(control, "maintenanceInformation")
    _sub(maintenance, "maintenanceStatus", value="new")
    agency = _sub(maintenance, "maintenanceAgency")
    _sub(agency, "agencyName", ", ".join(organisation(s["organisation_id"]) for s in senders) or "-")
    history = _sub(maintenance, "maintenanceHistory")
    event = _sub(history, "maintenanceEvent")
    _sub(event, "eventType", value="created")
    _sub(event, "eventDateTime", created.astimezone(dt.UTC).isoformat(timespec="seconds"))
    _agent(event, "deliverer", "Samråd")

    aggregations = _sub(erms, "aggregations")
    aggregation = _sub(
        aggregations, "aggregation", systemIdentifier=f"consultation-{case['id']}", aggregationType="caseFile"
    )
    _sub(aggregation, "objectId", case["reference_number"])
    _sub(aggregation, "extraId", str(case["id"]), extraIdType="deliveringSystemId")
    _sub(aggregation, "title", case["title"])
    _sub(aggregation, "status", value="closed" if case["status"] in CLOSED else "open")
    for sender in senders:
        if sender["case_number"]:
            _sub(
                aggregation,
                "relation",
                f"{organisation(sender['organisation_id'])} {sender['case_number']}",
                relationType="reference",
            )
    agents = _sub(aggregation, "agents")
    _agent(agents, "creator", person(case["created_by_id"]))
    for sender in senders:
        _agent(
            agents,
            "other",
            sender["contact_name"] or organisation(sender["organisation_id"]),
            other="sender",
            organisation=organisation(sender["organisation_id"]),
        )
    for referral in sorted(rows["consultations.referral"], key=lambda r: organisation(r["organisation_id"])):
        _agent(
            agents,
            "counterpart",
            organisation(referral["organisation_id"]),
            id_number=str(referral["organisation_id"]),
            id_type="deliveringSystemId",
        )
    _sub(aggregation, "description", case["summary"] or case["title"])
    _dates(
        aggregation, created=_day(case["created_at"]), opened=_day(case["opened_at"]), closed=_day(case["closed_at"])
    )
    for change in rows["consultations.statuschange"]:
        text = f"{change['from_status']} → {change['to_status']}"
        if change["note"]:
            text += f": {change['note']}"
        _action(aggregation, text, "statusChange", change["at"], person(change["actor_id"]))
    referrals = {row["id"]: row for row in rows["consultations.referral"]}
    for change in rows["consultations.referralstatuschange"]:
        body = organisation(referrals[change["referral_id"]]["organisation_id"])
        text = f"{body}: {change['from_status']} → {change['to_status']}"
        if change["note"]:
            text += f": {change['note']}"
        _action(aggregation, text, "referralStatusChange", change["at"], person(change["actor_id"]))

    number = 0
    files = {row["id"]: row for row in rows["documents.storedfile"]}
    for document in sorted(rows["consultations.consultationdocument"], key=lambda r: (r["order"], r["id"])):
        number += 1
        record = _sub(aggregation, "record", systemIdentifier=f"document-{document['id']}", recordType="Remissunderlag")
        _sub(record, "objectId", f"{case['reference_number']}:{number}")
        _sub(record, "title", document["title"])
        _sub(record, "runningNumber", str(number))
        _sub(record, "direction", directionDefinition="outgoing")
        record_agents = _sub(record, "agents")
        _agent(record_agents, "sender", ", ".join(organisation(s["organisation_id"]) for s in senders) or "-")
        stored = files.get(document["file_id"], {})
        _sub(record, "description", paths["storedfile"].get(str(document["file_id"]), stored.get("original_name", "")))
        _dates(record, created=_day(stored.get("uploaded_at")))
    responses = {row["id"]: row for row in rows["consultations.response"]}
    for submission in rows["consultations.submission"]:
        number += 1
        response = responses[submission["response_id"]]
        respondent = organisation(response["organisation_id"]) or response["respondent_name"]
        record = _sub(aggregation, "record", systemIdentifier=f"submission-{submission['id']}", recordType="Remissvar")
        _sub(record, "objectId", submission["receipt_number"])
        _sub(record, "title", f"Remissvar från {respondent} (version {submission['number']})")
        _sub(record, "runningNumber", str(number))
        if response["their_reference"]:
            _sub(record, "relation", response["their_reference"], relationType="reference")
        _sub(record, "direction", directionDefinition="incoming")
        record_agents = _sub(record, "agents")
        _agent(record_agents, "sender", respondent)
        for signatory in submission["content"].get("signatories", []):
            if signatory.get("confirmed_at"):
                _agent(record_agents, "other", signatory.get("name", ""), other="coSigner")
        if response["decided_by"]:
            _agent(record_agents, "other", response["decided_by"], other="decisionMaker")
        pdf = paths["storedfile"].get(str(submission["pdf_id"])) if submission["pdf_id"] else None
        _sub(record, "description", pdf or paths["submission"].get(str(submission["id"]), ""))
        _dates(record, created=_day(submission["submitted_at"]), received=_day(submission["received_at"]))
    for compilation in rows["reports.compilation"]:
        if compilation["status"] != "signed_off":
            continue
        number += 1
        record = _sub(
            aggregation,
            "record",
            systemIdentifier=f"compilation-{compilation['id']}",
            recordType="Remissammanställning",
        )
        _sub(record, "objectId", f"{case['reference_number']}:{number}")
        _sub(record, "title", f"Remissammanställning: {case['title']}")
        _sub(record, "runningNumber", str(number))
        _sub(record, "direction", directionDefinition="other", otherDirectionDefinition="internal")
        record_agents = _sub(record, "agents")
        _agent(record_agents, "other", person(compilation["signed_off_by_id"]), other="signedOffBy")
        _sub(record, "description", paths["compilation"].get("pdf", ""))
        _dates(record, created=_day(compilation["started_at"]), closed=_day(compilation["signed_off_at"]))
    return erms
