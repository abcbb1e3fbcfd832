"""Demo data for local runs: departments, product catalogues and staff (never in production)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from portal.adapters.tables import Department, Product, Unique, User
from portal.config import Settings
from portal.domain.roles import DepartmentKind, Role

DEMO_PASSWORD = "Demo-pass-2026!"

DEPARTMENTS = [
    ("md", "营销事业部", "Marketing Division", DepartmentKind.COMPANY),
    ("ortho", "骨科产品销售部", "Orthopaedic Products Sales", DepartmentKind.SALES),
    ("rehab", "康复器具销售部", "Rehabilitation Equipment Sales", DepartmentKind.SALES),
]

PRODUCTS = {
    "ortho": [
        ("bone-plate", "锁定加压接骨板", "Locking compression bone plate"),
        ("spinal-screw", "脊柱椎弓根螺钉系统", "Spinal pedicle screw system"),
        ("knee-joint", "人工膝关节假体", "Artificial knee joint prosthesis"),
        ("im-nail", "髓内钉", "Intramedullary nail"),
    ],
    "rehab": [
        ("wheelchair", "手动轮椅车", "Manual wheelchair"),
        ("walker", "助行器", "Walking frame"),
        ("brace", "膝关节矫形器", "Knee orthosis"),
        ("cpm", "下肢关节康复器 (CPM)", "Lower-limb CPM rehabilitation device"),
    ],
}

STAFF = [
    ("md.admin@demo.local", "王敏 (营销事业部)", Role.MD, "md"),
    ("leader@demo.local", "陈总 (公司领导)", Role.LEAD, "md"),
    ("ortho.leader@demo.local", "李强 (骨科部长)", Role.DM, "ortho"),
    ("ortho.clerk@demo.local", "赵丽 (骨科内勤)", Role.CLERK, "ortho"),
    ("ortho.rep@demo.local", "刘洋 (骨科业务员)", Role.REP, "ortho"),
    ("rehab.leader@demo.local", "孙杰 (康复部长)", Role.DM, "rehab"),
    ("rehab.rep@demo.local", "周婷 (康复业务员)", Role.REP, "rehab"),
]


def seed_demo(settings: Settings, now: datetime, hash_password: Callable[[str], str]) -> int:
    """Write the demo organisation if missing; return how many records were added. Refuses outside local runs."""
    if not settings.is_local:
        raise RuntimeError("demo data is for local runs only")
    added = 0
    existing = {d.dept_id for d in Department.query("org")}
    for dept_id, zh, en, kind in DEPARTMENTS:
        if dept_id not in existing:
            Department(org="org", dept_id=dept_id, name_zh=zh, name_en=en, kind=kind.value, created_at=now).save()
            added += 1
    for dept_id, items in PRODUCTS.items():
        have = {p.product_id for p in Product.query(dept_id)}
        for product_id, zh, en in items:
            if product_id not in have:
                Product(dept_id=dept_id, product_id=product_id, name_zh=zh, name_en=en, created_at=now).save()
                added += 1
    for email, name, role, dept_id in STAFF:
        if Unique.count(f"email#{email}") == 0:
            user_id = str(uuid.uuid4())
            User(user_id=user_id, email=email, name=name, kind="staff", role=role.value, dept_id=dept_id,
                 password_hash=hash_password(DEMO_PASSWORD), created_at=now).save()
            Unique(f"email#{email}", owner_id=user_id).save()
            added += 1
    from portal.services.documents import seed_document_types

    return added + seed_document_types()
