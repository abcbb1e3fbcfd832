"""Whom dynamic management notifies: each sales department's leaders and the Marketing Division (BLK-1/3, INC-2/3,
REV-2). Read through the repositories, so the jobs and services that mail run on the in-memory store too."""

from __future__ import annotations

from portal.adapters.repos.identity import Users
from portal.adapters.repos.org import Departments
from portal.domain.roles import DepartmentKind


def leaders_and_md(uow) -> dict[str, list[str]]:
    """E-mail addresses of every sales department's leaders (by department id), and of MD (key "md")."""
    staff, out = uow.repo(Users), {}
    for dept in uow.repo(Departments).every():
        company = dept.kind == DepartmentKind.COMPANY.value
        out["md" if company else dept.dept_id] = staff.emails_of(dept.dept_id, {"md"} if company else {"dm"})
    return out


def leader_and_md(recipients: dict[str, list[str]], dept_id: str) -> list[str]:
    """The department's leaders and MD, each once, sorted."""
    return sorted(set(recipients.get(dept_id, [])) | set(recipients.get("md", [])))
