"""Agencies that handle complaints, and the routing table (service role × district → agency).

**Sample data.** The agencies below are a plausible demonstration set for Samut Prakan's
six districts, not an official directory: the district-level bodies are named generically
("local administration in district X", "police in district X") because several
municipalities and police stations share each district and their exact jurisdictions were
not checked. Provincial bodies are named after the real provincial offices (electricity in
Samut Prakan is the Metropolitan Electricity Authority's). A province replaces this module's
tables with its own directory; codes are the only thing stored with complaints.

Escalation goes up two steps: the district office (ที่ว่าการอำเภอ) first, then the
provincial Damrongtham Centre (ศูนย์ดำรงธรรม, the province's complaints centre).
"""

from __future__ import annotations

from dataclasses import dataclass

from paknam.core.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Agency:
    code: str
    name_th: str
    name_en: str
    district_code: str | None  # None: province-wide
    sample: bool = True


DISTRICTS: dict[str, tuple[str, str]] = {
    "1101": ("เมืองสมุทรปราการ", "Mueang Samut Prakan"),
    "1102": ("บางบ่อ", "Bang Bo"),
    "1103": ("บางพลี", "Bang Phli"),
    "1104": ("พระประแดง", "Phra Pradaeng"),
    "1105": ("พระสมุทรเจดีย์", "Phra Samut Chedi"),
    "1106": ("บางเสาธง", "Bang Sao Thong"),
}
"""The six districts (DOPA codes), as in ``paknam/data/geo``."""

_SAMPLE_TH = " (ตัวอย่าง)"
_SAMPLE_EN = " (sample)"


def _district_agencies() -> list[Agency]:
    out = []
    for code, (th, en) in DISTRICTS.items():
        out += [
            Agency(
                f"local-{code}",
                f"องค์กรปกครองส่วนท้องถิ่นในอำเภอ{th}{_SAMPLE_TH}",
                f"Local administration, {en} district{_SAMPLE_EN}",
                code,
            ),
            Agency(
                f"police-{code}",
                f"สถานีตำรวจในอำเภอ{th}{_SAMPLE_TH}",
                f"Police, {en} district{_SAMPLE_EN}",
                code,
            ),
            Agency(
                f"district-{code}",
                f"ที่ว่าการอำเภอ{th}{_SAMPLE_TH}",
                f"{en} District Office{_SAMPLE_EN}",
                code,
            ),
        ]
    return out


_PROVINCIAL = [
    Agency(
        "sp-ddpm",
        "สำนักงานป้องกันและบรรเทาสาธารณภัยจังหวัดสมุทรปราการ" + _SAMPLE_TH,
        "Samut Prakan Provincial Disaster Prevention and Mitigation Office" + _SAMPLE_EN,
        None,
    ),
    Agency(
        "sp-mea",
        "การไฟฟ้านครหลวง เขตสมุทรปราการ" + _SAMPLE_TH,
        "Metropolitan Electricity Authority, Samut Prakan" + _SAMPLE_EN,
        None,
    ),
    Agency(
        "sp-irrigation",
        "โครงการชลประทานสมุทรปราการ" + _SAMPLE_TH,
        "Samut Prakan Irrigation Project" + _SAMPLE_EN,
        None,
    ),
    Agency(
        "sp-livestock",
        "สำนักงานปศุสัตว์จังหวัดสมุทรปราการ" + _SAMPLE_TH,
        "Samut Prakan Provincial Livestock Office" + _SAMPLE_EN,
        None,
    ),
    Agency(
        "sp-social",
        "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดสมุทรปราการ" + _SAMPLE_TH,
        "Samut Prakan Provincial Social Development and Human Security Office" + _SAMPLE_EN,
        None,
    ),
    Agency(
        "sp-transport",
        "สำนักงานขนส่งจังหวัดสมุทรปราการ" + _SAMPLE_TH,
        "Samut Prakan Provincial Land Transport Office" + _SAMPLE_EN,
        None,
    ),
    Agency(
        "sp-environment",
        "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดสมุทรปราการ" + _SAMPLE_TH,
        "Samut Prakan Provincial Natural Resources and Environment Office" + _SAMPLE_EN,
        None,
    ),
    Agency(
        "sp-damrongtham",
        "ศูนย์ดำรงธรรมจังหวัดสมุทรปราการ" + _SAMPLE_TH,
        "Samut Prakan Damrongtham (complaints) Centre" + _SAMPLE_EN,
        None,
    ),
]

AGENCIES: dict[str, Agency] = {a.code: a for a in _district_agencies() + _PROVINCIAL}

ROLES: dict[str, str] = {
    "local": "local-{district}",
    "police": "police-{district}",
    "district": "district-{district}",
    "disaster": "sp-ddpm",
    "electricity": "sp-mea",
    "irrigation": "sp-irrigation",
    "livestock": "sp-livestock",
    "social": "sp-social",
    "transport": "sp-transport",
    "environment": "sp-environment",
    "centre": "sp-damrongtham",
}
"""Routing: a service's role → agency code pattern (``{district}`` = DOPA district code)."""

CENTRE = "sp-damrongtham"


def route(role: str, district_code: str | None) -> str:
    """The agency code for a service ``role`` in ``district_code``.

    A district-level role without a district (should not happen: locations outside the six
    districts are refused) goes to the provincial complaints centre.
    """
    pattern = ROLES[role]
    if "{district}" in pattern:
        if district_code not in DISTRICTS:
            return CENTRE
        return pattern.format(district=district_code)
    return pattern


def escalation_target(level: int, district_code: str | None) -> str:
    """Who hears of an overdue complaint at escalation ``level`` (1: district, 2+: centre)."""
    if level <= 1 and district_code in DISTRICTS:
        return f"district-{district_code}"
    return CENTRE


def get_agency(code: str | None, field: str = "agency_code") -> Agency:
    if not code or code not in AGENCIES:
        raise InvalidInput(
            f"unknown agency code {code!r}; valid codes: {', '.join(AGENCIES)}", field=field
        )
    return AGENCIES[code]


def agency_public(code: str | None) -> dict[str, object] | None:
    if code is None:
        return None
    a = AGENCIES.get(code)
    if a is None:
        return {"code": code, "name_th": code, "name_en": code, "sample": False}
    return {
        "code": a.code,
        "name_th": a.name_th,
        "name_en": a.name_en,
        "district_code": a.district_code,
        "sample": a.sample,
    }
