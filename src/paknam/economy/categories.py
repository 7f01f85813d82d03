"""Kinds and categories of the catalogue, with Thai and English labels.

Attraction categories are the four of the proposal (community attractions: eco, history,
culture, ways of life). Product categories are the five OTOP product types of the Community
Development Department (กรมการพัฒนาชุมชน): food, beverages, textiles and garments,
household goods / decorations / souvenirs, and herbal products that are not food.
"""

from __future__ import annotations

from paknam.core.errors import InvalidInput

KINDS: dict[str, tuple[str, str]] = {
    "attraction": ("แหล่งท่องเที่ยว", "Attraction"),
    "product": ("ผลิตภัณฑ์ชุมชน (OTOP)", "Community product (OTOP)"),
}

ATTRACTION_CATEGORIES: dict[str, tuple[str, str]] = {
    "eco": ("ท่องเที่ยวเชิงนิเวศ", "Eco-tourism"),
    "history": ("ท่องเที่ยวเชิงประวัติศาสตร์", "History"),
    "culture": ("ท่องเที่ยวเชิงวัฒนธรรม", "Culture"),
    "way_of_life": ("ท่องเที่ยวเชิงวิถีชีวิต", "Way of life"),
}

OTOP_TYPES: dict[str, tuple[str, str]] = {
    "food": ("อาหาร", "Food"),
    "beverage": ("เครื่องดื่ม", "Beverages"),
    "textile": ("ผ้า เครื่องแต่งกาย", "Textiles and garments"),
    "decorative": ("ของใช้ ของตกแต่ง ของที่ระลึก", "Household goods, decorations, souvenirs"),
    "herbal": ("สมุนไพรที่ไม่ใช่อาหาร", "Herbal products (not food)"),
}

CATEGORIES: dict[str, dict[str, tuple[str, str]]] = {
    "attraction": ATTRACTION_CATEGORIES,
    "product": OTOP_TYPES,
}


def check_category(kind: str, category: str) -> None:
    """:class:`InvalidInput` unless ``category`` belongs to ``kind``."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}", field="kind")
    table = CATEGORIES[kind]
    if category not in table:
        raise InvalidInput(
            f"unknown category {category!r} for a {kind}; use one of {', '.join(table)}",
            field="category",
        )


def category_labels(kind: str, category: str) -> tuple[str, str]:
    """Thai and English label of a category."""
    return CATEGORIES[kind][category]


def all_categories() -> list[dict[str, str]]:
    """Every (kind, category) with its labels, for the API and the dashboard."""
    return [
        {"kind": kind, "category": code, "name_th": th, "name_en": en}
        for kind, table in CATEGORIES.items()
        for code, (th, en) in table.items()
    ]
