"""Customers, their licences and admission (ADM-1…4, ONB-1…3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import filetype
import phonenumbers
from stdnum.cn import uscc


class CustomerType(StrEnum):
    """Kinds of customer (ONB-1); retail and internal related-party skip the admission review (ADM-1)."""

    ENTERPRISE = "enterprise"
    MEDICAL = "medical"
    RETAIL = "retail"
    INTERNAL = "internal"


REVIEW_FREE = frozenset({CustomerType.RETAIL, CustomerType.INTERNAL})

# The document types a company starts with (MD keeps the list): id, Chinese, English, customer types that need it.
DEFAULT_DOCUMENT_TYPES = [
    ("business-licence", "营业执照", "Business licence", {"enterprise", "medical", "retail", "internal"}),
    ("tax-registration", "税务登记证", "Tax registration certificate", {"enterprise"}),
    ("medical-institution-licence", "医疗机构执业许可证", "Medical institution practising licence", {"medical"}),
    ("device-trading-licence", "医疗器械经营许可证", "Medical device trading licence", {"enterprise"}),
    ("class2-device-filing", "第二类医疗器械经营备案凭证", "Class II medical device trading filing", set()),
    ("signed-contract", "已签署的购销合同", "Signed sales contract", set()),  # REL-3: the scan a signing cites
]

HOSPITAL_LEVELS = ("三级甲等", "三级乙等", "三级丙等", "二级甲等", "二级乙等", "二级丙等", "一级", "未定级")


def needs_admission_review(kind: CustomerType) -> bool:
    """ADM-1: every customer is reviewed except retail and internal related-party ones."""
    return kind not in REVIEW_FREE


class Condition(StrEnum):
    """ADM-2's six basic conditions, each checked with evidence."""

    A_LEGAL_ENTITY = "a"  # independent civil liability: licences (营业执照, 税务登记 / 医疗机构执业许可证)
    B_REPUTATION = "b"  # good commercial reputation
    C_CONTRACT = "c"  # signed purchase contract (购销合同)
    D_NO_ILLEGAL_RECORD = "d"  # no record of illegal operation
    E_PRODUCT_LICENCE = "e"  # licences to deal in or use the products (医疗器械经营许可证 …)
    F_BRAND = "f"  # agrees to protect the brand


def admission_blockers(conditions: dict[str, bool]) -> list[Condition]:
    """ADM-2: the conditions not (yet) recorded as met; admission needs an empty list."""
    return [c for c in Condition if not conditions.get(c.value)]


# ONB-2: an invitation is "<prospect ULID>.<32 url-safe characters>" (`(?!\n)`: `$` alone allows a final newline).
INVITATION_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}\.[A-Za-z0-9_-]{32}$(?!\n)"


def valid_credit_code(code: str) -> bool:
    """统一社会信用代码: 18 characters with the GB 32100-2015 check digit."""
    return uscc.is_valid(code or "")


def normalise_credit_code(code: str) -> str:
    """Upper case, no spaces or dashes."""
    return uscc.compact(code or "")


def mainland_mobile(number: str) -> str | None:
    """A mainland China mobile number in E.164 form, or None when it is not one."""
    try:
        parsed = phonenumbers.parse(number or "", "CN")
    except phonenumbers.NumberParseException:
        return None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        return None
    if phonenumbers.number_type(parsed) not in (phonenumbers.PhoneNumberType.MOBILE,
                                                 phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# --- uploaded files --------------------------------------------------------------------------

ACCEPTED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def sniffed_type(first_bytes: bytes) -> str | None:
    """The real type of a file from its first bytes (magic numbers), whatever its name says."""
    return filetype.guess_mime(first_bytes)


def upload_problem(declared_type: str, size: int, first_bytes: bytes) -> str | None:
    """Why a stored upload must be refused (`too_large`, `empty`, `wrong_type`), or None when it is sound."""
    if size <= 0:
        return "empty"
    if size > MAX_UPLOAD_BYTES:
        return "too_large"
    if declared_type not in ACCEPTED_TYPES or sniffed_type(first_bytes) != declared_type:
        return "wrong_type"
    return None


@dataclass(frozen=True)
class Validity:
    """A licence's validity: issued on a day, valid until a day, or long-term (长期)."""

    issued: date
    expires: date | None  # None: long-term

    def valid_on(self, day: date) -> bool:
        """Valid from its issue day through its expiry day."""
        return self.issued <= day and (self.expires is None or day <= self.expires)


def validity_problem(issued: date | None, expires: date | None, long_term: bool, today: date) -> dict[str, str]:
    """Field problems of a licence's dates: issue day not in the future, an expiry or 长期, expiry after issue."""
    problems = {}
    if issued is None:
        problems["issue_date"] = "required"
    elif issued > today:
        problems["issue_date"] = "future"
    if long_term and expires is not None:
        problems["expiry_date"] = "both"
    elif not long_term and expires is None:
        problems["expiry_date"] = "required"
    elif expires is not None and issued is not None and expires < issued:
        problems["expiry_date"] = "before_issue"
    elif expires is not None and expires < today:
        problems["expiry_date"] = "expired"
    return problems


def missing_documents(required: list[str], verified: set[str], today: date, validity: dict[str, Validity]) -> list[str]:
    """Required document types with no verified document valid today."""
    return [t for t in required if t not in verified or not validity[t].valid_on(today)]
