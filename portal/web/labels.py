"""Translatable names of roles and department kinds, for pages and forms."""

from flask_babel import lazy_gettext as _l

from portal.domain.roles import DepartmentKind, Role

ROLE_LABELS = {
    Role.MD: _l("Marketing Division (MD)"),
    Role.LEAD: _l("Company leadership"),
    Role.DM: _l("Department leader"),
    Role.CLERK: _l("Sales administrator"),
    Role.REP: _l("Sales representative"),
}

KIND_LABELS = {
    DepartmentKind.COMPANY: _l("Company level"),
    DepartmentKind.SALES: _l("Sales department"),
}


STATUS_LABELS = {
    "submitted": _l("Under review"),
    "awaiting_confirmation": _l("Awaiting confirmation"),
    "admitted": _l("Admitted"),
    "rejected": _l("Not admitted"),
    "awaiting_upload": _l("Awaiting upload"),
    "verified": _l("File checked"),  # issue 17: type, size and first bytes; a person's review is "reviewed"
    "reviewed": _l("Reviewed"),
    "refused": _l("Refused by the reviewer"),
    "superseded": _l("Replaced (history)"),
    "QUALIFIED": _l("Qualified"),
    "PREFERRED": _l("Preferred"),
    "VIP": _l("VIP"),
    "proposal_open": _l("awaiting the leader"),
    "proposal_accepted": _l("accepted"),
    "proposal_declined": _l("declined"),
}
CONDITION_LABELS = {
    "a": _l("(a) Independent civil liability: valid business licence and tax registration, or the medical "
            "institution's licences"),
    "b": _l("(b) Good commercial reputation"),
    "c": _l("(c) Relationship set up by a signed purchase contract"),
    "d": _l("(d) No record of illegal operation"),
    "e": _l("(e) Holds the licences to deal in or use the products concerned"),
    "f": _l("(f) Agrees to protect the brand"),
}
CUSTOMER_KIND_LABELS = {
    "enterprise": _l("Enterprise (distributor, dealer)"),
    "medical": _l("Medical institution"),
    "retail": _l("Retail customer"),
    "internal": _l("Internal related party"),
}
INCIDENT_LABELS = {
    "poor_contract_execution": _l("Poor contract execution"),
    "late_payment": _l("Late payment"),
    "operating_crisis": _l("Major operating crisis"),
    "major_loss": _l("Caused major loss or reputation damage (report to MD)"),
    "lifted": _l("Listing lifted"),
    "expired": _l("Listing expired"),
}
TICKET_LABELS = {
    "complaint": _l("Complaint"), "service": _l("After-sales service"), "dispute": _l("Dispute"),
    "consultation": _l("Consultation"), "portal": _l("Portal"), "hotline": _l("Hotline"),
    "in_person": _l("In person"), "email": _l("E-mail"), "submitted": _l("Filed, awaiting a response"),
    "acknowledged": _l("Acknowledged"), "in_progress": _l("In progress"), "resolved": _l("Resolved"),
    "closed": _l("Closed"), "reopened": _l("Reopened"), "overdue:first_response": _l("First response overdue"),
    "overdue:resolution": _l("Resolution overdue"), "company": _l("The company (Marketing Division)"),
}
VISIT_LABELS = {
    "on_site": _l("On site"), "phone": _l("By phone"), "online": _l("Online"), "planned": _l("Planned"),
    "done": _l("Made"), "cancelled": _l("Cancelled"),
}
CONTRACT_LABELS = {  # REL-3: where a contract stands; a version's state ("version:"); a step of its history ("step:")
    "draft": _l("Draft"), "submitted": _l("Awaiting approval"), "approved": _l("Approved, awaiting signature"),
    "signed": _l("Signed, not yet in force"), "in_force": _l("In force"), "superseded": _l("Replaced by an amendment"),
    "terminated": _l("Terminated"), "expired": _l("Expired"), "version:signed": _l("Signed"),
    "step:created": _l("Drafted"), "step:edited": _l("Terms changed"), "step:submitted": _l("Submitted for approval"),
    "step:returned": _l("Sent back"), "step:approved": _l("Approved"), "step:signed": _l("Signing recorded"),
    "step:amended": _l("Amendment opened"), "step:terminated": _l("Terminated"), "step:expired": _l("Expired"),
}
HOSPITAL_LEVEL_LABELS = {  # the customer's registered level is stored in its Chinese name (HOSPITAL_LEVELS)
    "三级甲等": _l("Grade III A hospital"), "三级乙等": _l("Grade III B hospital"),
    "三级丙等": _l("Grade III C hospital"), "二级甲等": _l("Grade II A hospital"),
    "二级乙等": _l("Grade II B hospital"), "二级丙等": _l("Grade II C hospital"), "一级": _l("Grade I hospital"),
    "未定级": _l("Hospital not graded"),
}
UNIT_LABELS = {"万元": _l("× 10,000 yuan"), "年": _l("years")}  # the default scorecard's units (other units: as typed)
CAP_LABELS = {"late_payment": _l("Late payment on record"), "overdue_pickup": _l("Overdue pick-up on record")}
SCALE_LABELS = {"large": _l("Large"), "medium": _l("Medium"), "small": _l("Small"), "micro": _l("Micro")}
OUTCOME_LABELS = {"ok": _l("done"), "failed": _l("failed"), "refused": _l("refused")}


def kind_label(kind: str) -> str:
    """The name of a department kind in the current language."""
    try:
        return str(KIND_LABELS[DepartmentKind(kind)])
    except ValueError:
        return kind


def status_label(status: str) -> str:
    """The name of an application, document or grade status in the current language."""
    return str(STATUS_LABELS.get(status, status))


def document_status(document) -> str:
    """A document's status for people (issue 17): 文件已检查 until a person confirms it (已审核), or why not."""
    if document.status == "verified" and document.reviewed_at:
        return status_label("reviewed")
    return str(_l("Rejected")) if document.status == "rejected" else status_label(document.status)


def application_status(app) -> str:
    """An application's status for people: an ADM-1 application not yet confirmed is 待确认, not "under review"."""
    if app.status == "submitted" and app.confirm_only:
        return status_label("awaiting_confirmation")
    return status_label(app.status)


def hospital_level_label(level: str | None) -> str:
    """A hospital level in the current language (the stored Chinese name when it is not a known level)."""
    return str(HOSPITAL_LEVEL_LABELS.get(level or "", level or ""))


def unit_label(unit: str | None) -> str:
    """A scorecard unit in the current language (a unit MD typed stays as typed)."""
    return str(UNIT_LABELS.get(unit or "", unit or ""))


def cap_label(cap: str | None) -> str:
    """A scorecard's hard criterion (GRD-2 b) by its name (one a scorecard added: as typed)."""
    return str(CAP_LABELS.get(cap or "", cap or ""))


def cycle_label(cycle_id: str) -> str:
    """A review cycle ("2027H1") by its name: the first or second half of the year."""
    if len(cycle_id) == 6 and cycle_id[:4].isdigit() and cycle_id[4:] in ("H1", "H2"):
        half = _l("first half of %(year)s") if cycle_id[5] == "1" else _l("second half of %(year)s")
        return str(half) % {"year": cycle_id[:4]}
    return cycle_id


def outcome_label(outcome: str) -> str:
    """The name of an audit outcome in the current language."""
    return str(OUTCOME_LABELS.get(outcome, outcome))


def role_label(role: str | None) -> str:
    """The name of a role in the current language."""
    try:
        return str(ROLE_LABELS[Role(role)])
    except ValueError:
        return role or ""


def localized_name(record, locale: str) -> str:
    """A department's or product's name in the current language (Chinese unless English was chosen)."""
    return record.name_en if locale == "en" and record.name_en else record.name_zh


def category_label(text: str, locale: str) -> str:
    """A ticket category as its department wrote it: "中文" or "中文 | English" (CMP-2), in the reader's language
    (the Chinese name when no English one was given)."""
    zh, sep, en = (text or "").partition("|")
    return en.strip() if locale == "en" and sep and en.strip() else zh.strip()


def other_name(record, locale: str) -> str:
    """The same name in the other language, shown beside it."""
    return record.name_zh if locale == "en" else record.name_en


def file_size(size: int | None) -> str:
    """A file's size as B, KB or MB (units read the same in Chinese and English pages)."""
    size = int(size or 0)
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"

