"""Demo data for local runs and tests: departments, catalogues, staff, document types, ticket settings and, if
asked, graded customers with one customer login (never in production). Written through the store, so the same
demo data lands in DynamoDB (moto) or in the in-memory store."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from stdnum.cn import uscc
from ulid import ULID

from portal.adapters import records as r
from portal.adapters import tables
from portal.adapters.records import to_item
from portal.adapters.repos.search import entries_of
from portal.adapters.repos.visits import planned_key
from portal.adapters.store.expr import Put, attr
from portal.adapters.uow import default_store
from portal.domain.customers import DEFAULT_DOCUMENT_TYPES
from portal.domain.roles import DepartmentKind, Role
from portal.domain.timeutil import shanghai_day

DEMO_PASSWORD = "Demo-pass-2026!"

DEPARTMENTS = [
    ("md", "营销事业部", "Marketing Division", DepartmentKind.COMPANY),
    ("ortho", "骨科产品销售部", "Orthopaedic Products Sales", DepartmentKind.SALES),
    ("rehab", "康复器具销售部", "Rehabilitation Equipment Sales", DepartmentKind.SALES),
]

# Demo device classes: implants are Class III, the CPM device Class II, manual aids Class I (issue 18 item 4).
DEVICE_CLASSES = {"cpm": "II", "wheelchair": "I", "walker": "I", "brace": "I"}

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

TICKET_CATEGORIES = {
    "company": ["销售过程异议 | Objection to the sales process", "业务员违规 | Misconduct of a salesperson"],
    "ortho": ["产品质量 | Product quality", "交货延迟 | Late delivery", "售后维修 | After-sales repair",
              "价格与结算 | Prices and settlement"],
    "rehab": ["产品质量 | Product quality", "配送安装 | Delivery and installation", "使用培训 | Training in use",
              "价格与结算 | Prices and settlement"],
}


class _Writer:
    """Writes records that are not there yet (a second seeding adds nothing)."""

    def __init__(self, store: Any):
        self.store = store
        self.added = 0

    def new(self, record) -> bool:
        """Write `record` unless one with its key exists; True when written."""
        from portal.adapters.store.expr import ConditionFailed
        from portal.adapters.store.schema import schema_of

        try:
            self.store.write([Put(record.model, to_item(record), attr(schema_of(record.model).key.hash).not_exists())])
        except ConditionFailed:
            return False
        self.added += 1
        return True


def seed_demo(settings, now: datetime, hash_password: Callable[[str], str], with_customers: bool = True,
              store: Any = None) -> int:
    """Write the demo organisation if missing; return how many records were added. Refuses outside local runs."""
    if not settings.is_local:
        raise RuntimeError("demo data is for local runs only")
    writer = _Writer(store if store is not None else default_store())
    for dept_id, zh, en, kind in DEPARTMENTS:
        writer.new(r.Department(dept_id=dept_id, name_zh=zh, name_en=en, kind=kind.value, created_at=now,
                                version=1))
    for dept_id, items in PRODUCTS.items():
        for product_id, zh, en in items:
            writer.new(r.Product(dept_id=dept_id, product_id=product_id, name_zh=zh, name_en=en, created_at=now,
                                 discounts={"VIP": 12, "PREFERRED": 6, "QUALIFIED": 0}, active=True, version=1,
                                 device_class=DEVICE_CLASSES.get(product_id, "III")))
    for email, name, role, dept_id in STAFF:
        _user(writer, email, r.User(user_id=str(uuid.uuid4()), email=email, name=name, kind="staff",
                                    role=role.value, dept_id=dept_id, password_hash=hash_password(DEMO_PASSWORD),
                                    created_at=now, active=True, version=1))
    for type_id, zh, en, required in DEFAULT_DOCUMENT_TYPES:
        writer.new(r.DocumentType(type_id=type_id, name_zh=zh, name_en=en, required_for=required or None, version=1))
    for scope, categories in TICKET_CATEGORIES.items():
        writer.new(r.SlaSetting(scope=scope, categories=json.dumps(categories, ensure_ascii=False),
                                first_response_days=1, resolution_days=5, vip_first_response_days=0,
                                vip_resolution_days=3, autoclose_days=7, version=1))
    if writer.added:
        _rebuild_catalogue(writer.store)
    if with_customers:
        _customers(writer, now, hash_password)
    return writer.added


def _rebuild_catalogue(store: Any) -> None:
    """The catalogue's read copy, made from what the seeding wrote."""
    from portal.adapters.repos.catalogue import Catalogue
    from portal.adapters.uow import UnitOfWork

    uow = UnitOfWork(store)
    uow.repo(Catalogue).rebuild()
    uow.commit()


def _user(writer: _Writer, email: str, user) -> bool:
    if not writer.new(r.Unique(key=f"email#{email}", owner_id=user.user_id)):
        return False
    return writer.new(user)


def _customers(writer: _Writer, now: datetime, hash_password: Callable[[str], str]) -> None:
    """Admitted demo customers with grades within the quotas, their counters and history, one customer login."""
    if writer.store.get(tables.Unique, {"key": f"email#{DEMO_CUSTOMER}"}):
        return
    serial = 0
    for dept_id, rows in CUSTOMERS.items():
        counts: dict[str, list[int]] = {"all": [0, 0, 0]}
        for name, grade, product in rows:
            serial += 1
            body = f"91310000MA{serial:07d}"
            customer = r.Customer(
                customer_id=str(uuid.uuid4()), name=name, credit_code=body + uscc.calc_check_digit(body),
                kind="medical" if "医院" in name else "enterprise", region="上海市", industry="医疗器械",
                scale="medium", contact_name="采购负责人", mobile="+8613800138000",
                email=DEMO_CUSTOMER if serial == 1 else f"customer{serial}@demo.local", created_at=now, version=1)
            if serial == 1:
                _user(writer, DEMO_CUSTOMER, r.User(
                    user_id=str(uuid.uuid4()), email=DEMO_CUSTOMER, name="张采购 (仁济)", kind="customer",
                    customer_id=customer.customer_id, password_hash=hash_password(DEMO_PASSWORD), created_at=now,
                    active=True, version=1))
            writer.new(customer)
            for entry in entries_of(customer):  # issue 17: found by search, listed in MD's register
                writer.new(entry)
            writer.new(r.Unique(key=f"uscc#{customer.credit_code}", owner_id=customer.customer_id))
            writer.new(r.Standing(dept_id=dept_id, customer_id=customer.customer_id, customer_name=name, grade=grade,
                                  dept_grade=f"{dept_id}#{grade}", products={product}, admitted_at=now, version=1))
            if grade != "QUALIFIED":  # GRD-6: a grade above 合格 has the change that gave it
                writer.new(r.GradeChange(
                    customer_id=customer.customer_id, change_id=str(ULID.from_datetime(now)), dept_id=dept_id,
                    kind="change", from_grade="QUALIFIED", to_grade=grade, by=f"{dept_id}.leader@demo.local",
                    reason="演示数据：初始分级 / demo data: initial grade", at=now))
            for key in ("all", f"product#{product}"):
                c = counts.setdefault(key, [0, 0, 0])
                c[0] += 1
                c[1] += grade == "VIP"
                c[2] += grade == "PREFERRED"
        for key, (total, vip, preferred) in counts.items():
            writer.new(r.Counter(dept_id=dept_id, key=key, total=total, vip=vip, preferred=preferred))
    _visits(writer, now)


def _visits(writer: _Writer, now: datetime) -> None:
    """A few planned visits in `ortho`, days apart against the grades, so the plan shows RGT-2's order."""
    store = writer.store
    staff = store.query(tables.User, "ortho", index="by_dept").items
    rep = next((u for u in staff if u.get("role") == "rep"), None)
    if rep is None:
        return
    firsts: dict[str, dict] = {}
    for standing in store.query(tables.Standing, "ortho").items:
        firsts.setdefault(standing["grade"], standing)
    plans = [("QUALIFIED", 1, "phone", "电话回访：了解使用情况"), ("PREFERRED", 7, "online", "视频会议：新产品介绍"),
             ("VIP", 14, "on_site", "季度拜访：年度采购计划")]
    for grade, days, mode, purpose in plans:
        standing = firsts.get(grade)
        if standing is None:
            continue
        visit_id = str(ULID())
        day = (shanghai_day(now) + timedelta(days=days)).isoformat()
        writer.new(r.Visit(visit_id=visit_id, dept_id="ortho", customer_id=standing["customer_id"],
                           customer_name=standing["customer_name"], planned_on=day, mode=mode, purpose=purpose,
                           assignee_id=rep["user_id"], assignee_email=rep["email"], created_by=rep["email"],
                           created_at=now, planned_dept="ortho", planned_key=planned_key(day, visit_id),
                           version=1))
