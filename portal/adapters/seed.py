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


def seed_demo(settings: Settings, now: datetime, hash_password: Callable[[str], str],
              with_customers: bool = True) -> int:
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
                Product(dept_id=dept_id, product_id=product_id, name_zh=zh, name_en=en, created_at=now,
                        discounts={"VIP": 12, "PREFERRED": 6, "QUALIFIED": 0}).save()
                added += 1
    for email, name, role, dept_id in STAFF:
        if Unique.count(f"email#{email}") == 0:
            user_id = str(uuid.uuid4())
            User(user_id=user_id, email=email, name=name, kind="staff", role=role.value, dept_id=dept_id,
                 password_hash=hash_password(DEMO_PASSWORD), created_at=now).save()
            Unique(f"email#{email}", owner_id=user_id).save()
            added += 1
    from portal.services.documents import seed_document_types

    added += seed_document_types() + seed_ticket_settings()
    return added + (seed_customers(now, hash_password) if with_customers else 0)


DEMO_CUSTOMER = "buyer@demo.local"
CUSTOMERS = {  # department -> (name, grade, product); the first ortho one has the demo customer login
    "ortho": [("上海仁济医疗器械有限公司", "VIP", "bone-plate"), ("华东骨科医院", "PREFERRED", "spinal-screw"),
              ("苏州康复医疗器械有限公司", "PREFERRED", "knee-joint"), ("杭州创伤骨科医院", "QUALIFIED", "im-nail"),
              ("南京医药股份有限公司", "QUALIFIED", "bone-plate"), ("无锡市第二人民医院", "QUALIFIED", "knee-joint"),
              ("宁波骨科器械经销有限公司", "QUALIFIED", "spinal-screw"), ("合肥市骨科医院", "QUALIFIED", "bone-plate")],
    "rehab": [("上海康复用品商行", "PREFERRED", "wheelchair"), ("嘉兴颐养院", "QUALIFIED", "walker"),
              ("常州助行器材有限公司", "QUALIFIED", "brace"), ("扬州市中医院", "QUALIFIED", "cpm"),
              ("绍兴康宁养老中心", "QUALIFIED", "wheelchair"), ("温州残疾人用品站", "QUALIFIED", "walker"),
              ("台州康复医院", "QUALIFIED", "brace")],
}


def seed_customers(now: datetime, hash_password: Callable[[str], str]) -> int:
    """Admitted demo customers with grades within the quotas, their counters, and one customer login."""
    from stdnum.cn import uscc
    from ulid import ULID

    from portal.adapters.tables import Counter, Customer, GradeChange, Standing

    if Unique.count(f"email#{DEMO_CUSTOMER}"):
        return 0
    added, serial = 0, 0
    for dept_id, rows in CUSTOMERS.items():
        counts: dict[str, list[int]] = {"all": [0, 0, 0]}
        for name, grade, product in rows:
            serial += 1
            body = f"91310000MA{serial:07d}"
            customer = Customer(
                customer_id=str(uuid.uuid4()), name=name, credit_code=body + uscc.calc_check_digit(body),
                kind="medical" if "医院" in name else "enterprise", region="上海市", industry="医疗器械",
                scale="medium", contact_name="采购负责人", mobile="+8613800138000",
                email=f"customer{serial}@demo.local", created_at=now)
            if serial == 1:
                customer.email = DEMO_CUSTOMER
                user_id = str(uuid.uuid4())
                User(user_id=user_id, email=DEMO_CUSTOMER, name="张采购 (仁济)", kind="customer",
                     customer_id=customer.customer_id, password_hash=hash_password(DEMO_PASSWORD),
                     created_at=now).save()
                Unique(f"email#{DEMO_CUSTOMER}", owner_id=user_id).save()
            customer.save()
            Unique(f"uscc#{customer.credit_code}", owner_id=customer.customer_id).save()
            Standing(dept_id=dept_id, customer_id=customer.customer_id, customer_name=name, grade=grade,
                     dept_grade=f"{dept_id}#{grade}", products={product}, admitted_at=now).save()
            if grade != "QUALIFIED":  # GRD-6: a grade above 合格 has the change that gave it
                GradeChange(customer_id=customer.customer_id, change_id=str(ULID.from_datetime(now)),
                            dept_id=dept_id, kind="change", from_grade="QUALIFIED", to_grade=grade,
                            reason="演示数据：初始分级 / demo data: initial grade", by=f"{dept_id}.leader@demo.local",
                            at=now).save()
            for key in ("all", f"product#{product}"):
                c = counts.setdefault(key, [0, 0, 0])
                c[0] += 1
                c[1] += grade == "VIP"
                c[2] += grade == "PREFERRED"
            added += 1
        for key, (total, vip, preferred) in counts.items():
            Counter(dept_id, key, total=total, vip=vip, preferred=preferred).save()
    seed_visits(now)
    return added


def seed_visits(now: datetime) -> None:
    """A few planned visits in `ortho`, days apart against the grades, so the plan shows RGT-2's order."""
    from datetime import timedelta

    from ulid import ULID

    from portal.adapters.tables import Standing, Visit
    from portal.domain.timeutil import shanghai_day

    rep = next((u for u in User.by_dept.query("ortho") if u.role == "rep"), None)
    if rep is None:
        return
    firsts = {}
    for standing in Standing.query("ortho"):
        firsts.setdefault(standing.grade, standing)
    plans = [("QUALIFIED", 1, "phone", "电话回访：了解使用情况"), ("PREFERRED", 7, "online", "视频会议：新产品介绍"),
             ("VIP", 14, "on_site", "季度拜访：年度采购计划")]
    for grade, days, mode, purpose in plans:
        standing = firsts.get(grade)
        if standing is None:
            continue
        visit_id = str(ULID())
        day = (shanghai_day(now) + timedelta(days=days)).isoformat()
        Visit(visit_id=visit_id, dept_id="ortho", customer_id=standing.customer_id,
              customer_name=standing.customer_name, planned_on=day, mode=mode, purpose=purpose,
              assignee_id=rep.user_id, assignee_email=rep.email, created_by=rep.email, created_at=now,
              planned_dept="ortho", planned_key=f"{day}#{visit_id}").save()


TICKET_CATEGORIES = {
    "company": ["销售过程异议", "业务员违规"],
    "ortho": ["产品质量", "交货延迟", "售后维修", "价格与结算"],
    "rehab": ["产品质量", "配送安装", "使用培训", "价格与结算"],
}


def seed_ticket_settings() -> int:
    """CMP-2 demo settings: categories per department; VIP answered the same day, resolved in 3 working days."""
    import json

    from portal.adapters.tables import SlaSetting

    added = 0
    for scope, categories in TICKET_CATEGORIES.items():
        if SlaSetting.count(scope) == 0:
            SlaSetting(scope=scope, categories=json.dumps(categories, ensure_ascii=False), first_response_days=1,
                       resolution_days=5, vip_first_response_days=0, vip_resolution_days=3, autoclose_days=7).save()
            added += 1
    return added
