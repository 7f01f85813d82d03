"""Thai AQI levels: names, PCD colours and health advice, Thai and English.

Source: Pollution Control Department (PCD, กรมควบคุมมลพิษ), air4thai.pcd.go.th, "ความหมาย
ของดัชนีคุณภาพอากาศ" (five levels 0-25, 26-50, 51-100, 101-200, 201 and up; colours as in
``shared/data/air/thai_aqi_breakpoints.csv``).

The advice texts are adapted from PCD's guidance (same audiences: the general public and
people who need extra care, ผู้ที่ต้องดูแลสุขภาพเป็นพิเศษ). paknam adds two things PCD's own
texts do not say: a dust mask outdoors for at-risk groups from level 3 and for everyone from
level 4 (PCD speaks of "personal protective equipment if necessary" at levels 4-5), and an
at-risk line for level 5. A mask does not protect against the gases (O3, NO2, SO2, CO).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from paknam.environment.errors import AQIError

__all__ = [
    "AT_RISK_GROUPS_EN",
    "AT_RISK_GROUPS_TH",
    "LEVELS",
    "LEVELS_BY_KEY",
    "AQILevel",
    "level_for",
]

AT_RISK_GROUPS_TH = (
    "ผู้ที่ต้องดูแลสุขภาพเป็นพิเศษ: เด็ก ผู้สูงอายุ หญิงตั้งครรภ์ และผู้มีโรคประจำตัวระบบทางเดินหายใจหรือหัวใจ"
)
AT_RISK_GROUPS_EN = (
    "People who need extra care: children, older people, pregnant women, "
    "and people with respiratory or heart disease"
)


@dataclass(frozen=True, slots=True)
class AQILevel:
    """One of the five Thai AQI levels.

    Attributes
    ----------
    number : int
        1 (very good) to 5 (affects health).
    key : str
        Stable identifier for message catalogues (``very_good`` … ``affects_health``).
    aqi_lo, aqi_hi : int
        AQI range of the level, inclusive; ``aqi_hi`` is None for level 5 [-].
    name_th, name_en : str
        Level name.
    color : str
        PCD colour, ``#RRGGBB``.
    color_name : str
        Colour name in English.
    advice_general_th, advice_general_en : str
        Advice for the general public.
    advice_at_risk_th, advice_at_risk_en : str
        Advice for at-risk groups (:data:`AT_RISK_GROUPS_EN`).
    mask_general, mask_at_risk : bool
        Whether the advice asks each audience to wear a dust mask outdoors.
    """

    number: int
    key: str
    aqi_lo: int
    aqi_hi: int | None
    name_th: str
    name_en: str
    color: str
    color_name: str
    advice_general_th: str
    advice_general_en: str
    advice_at_risk_th: str
    advice_at_risk_en: str
    mask_general: bool
    mask_at_risk: bool


_MASK_TH = "สวมหน้ากากป้องกันฝุ่นเมื่ออยู่กลางแจ้ง"
_MASK_EN = "wear a dust mask outdoors"

LEVELS: tuple[AQILevel, ...] = (
    AQILevel(
        1,
        "very_good",
        0,
        25,
        "ดีมาก",
        "very good",
        "#00BFF3",
        "blue",
        "คุณภาพอากาศดีมาก เหมาะสำหรับกิจกรรมกลางแจ้งและการท่องเที่ยว",
        "Very good air quality: ideal for outdoor activities and travel.",
        "ทำกิจกรรมกลางแจ้งได้ตามปกติ",
        "Outdoor activities as usual.",
        mask_general=False,
        mask_at_risk=False,
    ),
    AQILevel(
        2,
        "good",
        26,
        50,
        "ดี",
        "good",
        "#00A651",
        "green",
        "คุณภาพอากาศดี ทำกิจกรรมกลางแจ้งและท่องเที่ยวได้ตามปกติ",
        "Good air quality: outdoor activities and travel as usual.",
        "ทำกิจกรรมกลางแจ้งได้ตามปกติ",
        "Outdoor activities as usual.",
        mask_general=False,
        mask_at_risk=False,
    ),
    AQILevel(
        3,
        "moderate",
        51,
        100,
        "ปานกลาง",
        "moderate",
        "#FDC04E",
        "yellow",
        "ทำกิจกรรมกลางแจ้งได้ตามปกติ",
        "Outdoor activities as usual.",
        f"{_MASK_TH} หากมีอาการเบื้องต้น เช่น ไอ หายใจลำบาก ระคายเคืองตา ควรลดระยะเวลาการทำกิจกรรมกลางแจ้ง",
        f"{_MASK_EN.capitalize()}; if you have symptoms such as coughing, difficult "
        "breathing or eye irritation, spend less time outdoors.",
        mask_general=False,
        mask_at_risk=True,
    ),
    AQILevel(
        4,
        "starting_to_affect_health",
        101,
        200,
        "เริ่มมีผลกระทบต่อสุขภาพ",
        "starting to affect health",
        "#F26522",
        "orange",
        f"ควรเฝ้าระวังสุขภาพ ลดระยะเวลาการทำกิจกรรมกลางแจ้ง และ{_MASK_TH} "
        "หากมีอาการเบื้องต้น เช่น ไอ หายใจลำบาก ระคายเคืองตา ควรงดกิจกรรมกลางแจ้ง",
        f"Watch your health, spend less time outdoors and {_MASK_EN}; if you have "
        "symptoms such as coughing, difficult breathing or eye irritation, stop outdoor "
        "activities.",
        f"ลดระยะเวลาการทำกิจกรรมกลางแจ้ง และ{_MASK_TH} หากมีอาการ เช่น ไอ หายใจลำบาก "
        "แน่นหน้าอก ปวดศีรษะ หัวใจเต้นผิดปกติ คลื่นไส้ อ่อนเพลีย ควรพบแพทย์",
        f"Spend less time outdoors and {_MASK_EN}; see a doctor if you have symptoms "
        "such as coughing, difficult breathing, chest tightness, headache, irregular "
        "heartbeat, nausea or fatigue.",
        mask_general=True,
        mask_at_risk=True,
    ),
    AQILevel(
        5,
        "affects_health",
        201,
        None,
        "มีผลกระทบต่อสุขภาพ",
        "affects health",
        "#CD0000",
        "red",
        f"ทุกคนควรหลีกเลี่ยงกิจกรรมกลางแจ้งและพื้นที่ที่มีมลพิษทางอากาศสูง {_MASK_TH} หากมีอาการทางสุขภาพควรพบแพทย์",
        "Everyone should avoid outdoor activities and areas with high air pollution, "
        f"{_MASK_EN}, and see a doctor if they have symptoms.",
        "งดกิจกรรมกลางแจ้ง อยู่ในห้องที่ปิดมิดชิดหรือมีเครื่องฟอกอากาศ "
        f"หากจำเป็นต้องออกนอกอาคารให้{_MASK_TH} หากมีอาการทางสุขภาพควรพบแพทย์ทันที",
        "Stay indoors in a closed room or one with an air purifier; if you must go out, "
        f"{_MASK_EN}; see a doctor at once if you have symptoms.",
        mask_general=True,
        mask_at_risk=True,
    ),
)
"""The five levels, index 0 = level 1."""

LEVELS_BY_KEY: MappingProxyType[str, AQILevel] = MappingProxyType({lv.key: lv for lv in LEVELS})
"""The five levels by key."""


def level_for(aqi: int) -> AQILevel:
    """Return the level of an AQI or sub-index value.

    Parameters
    ----------
    aqi : int
        AQI [-], 0 or more.

    Returns
    -------
    AQILevel
        Level 1 for 0-25, 2 for 26-50, 3 for 51-100, 4 for 101-200, 5 from 201.

    Raises
    ------
    AQIError
        If ``aqi`` is negative (a ``ValueError``).
    """
    if aqi < 0:
        raise AQIError(f"AQI {aqi} is below 0; valid AQI values are 0 and up")
    for level in LEVELS[:-1]:
        if aqi <= level.aqi_hi:  # type: ignore[operator]
            return level
    return LEVELS[-1]
