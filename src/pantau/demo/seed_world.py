"""The synthetic world `pantau seed` draws from: places along the popular routes, the itineraries
that start at each checkpoint, and who comes from where (shared/DOMAIN.md, "Who comes").

Shares are the 2019 arrivals in millions; "others" fills the gap to 16.1 million. Coordinates are
approximate and serve synthetic data only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    lat: float
    lon: float
    office: str  # the office whose area holds the place (nearest office until boundaries exist)


PLACES = {
    p.name: p
    for p in [
        Place("Jakarta", -6.2088, 106.8456, "JKS"),
        Place("Kuta", -8.7180, 115.1686, "NGR"),
        Place("Seminyak", -8.6913, 115.1682, "NGR"),
        Place("Nusa Dua", -8.8008, 115.2317, "NGR"),
        Place("Denpasar", -8.6705, 115.2126, "DEN"),
        Place("Ubud", -8.5069, 115.2625, "DEN"),
        Place("Senggigi", -8.4926, 116.0434, "MTR"),
        Place("Gili Trawangan", -8.3494, 116.0386, "MTR"),
        Place("Kuta Lombok", -8.8951, 116.2770, "MTR"),
        Place("Labuan Bajo", -8.4964, 119.8877, "LBO"),
        Place("Yogyakarta", -7.7956, 110.3695, "YGY"),
        Place("Borobudur", -7.6079, 110.2038, "YGY"),
        Place("Surakarta", -7.5666, 110.8167, "SKT"),
        Place("Medan", 3.5952, 98.6722, "MDN"),
        Place("Lake Toba", 2.6636, 98.9366, "MDN"),
        Place("Batam", 1.1446, 104.0094, "BTM"),
        Place("Surabaya", -7.2575, 112.7521, "TPK"),
        Place("Makassar", -5.1477, 119.4327, "MKS"),
        Place("Manado", 1.4748, 124.8421, "MND"),
        Place("Jayapura", -2.5337, 140.7181, "JYP"),
        Place("Entikong", 1.0330, 110.3500, "ENT"),
        Place("Atambua", -9.1061, 124.8925, "ATB"),
        Place("Palembang", -2.9761, 104.7754, "PLG"),
    ]
}

# Itineraries by entry checkpoint: (weight, places in order). A traveller leaves by the checkpoint
# nearest the last place (DEPARTURE_BY_PLACE), as most do.
ROUTES: dict[str, list[tuple[float, tuple[str, ...]]]] = {
    "DPS": [
        (5, ("Kuta",)),
        (4, ("Seminyak", "Ubud")),
        (3, ("Nusa Dua",)),
        (3, ("Kuta", "Ubud", "Gili Trawangan")),
        (2, ("Ubud", "Labuan Bajo")),
        (1, ("Denpasar", "Senggigi", "Kuta Lombok")),
    ],
    "CGK": [
        (5, ("Jakarta",)),
        (3, ("Jakarta", "Yogyakarta", "Borobudur")),
        (2, ("Jakarta", "Kuta", "Ubud")),
        (1, ("Jakarta", "Surakarta")),
        (1, ("Jakarta", "Palembang")),
    ],
    "KNO": [(3, ("Medan",)), (3, ("Medan", "Lake Toba"))],
    "BTH": [(1, ("Batam",))],
    "BTC": [(1, ("Batam",))],
    "YIA": [(3, ("Yogyakarta", "Borobudur")), (1, ("Yogyakarta", "Surakarta"))],
    "LOP": [(2, ("Senggigi", "Gili Trawangan")), (1, ("Kuta Lombok",))],
    "LBJ": [(1, ("Labuan Bajo",)), (1, ("Labuan Bajo", "Kuta"))],
    "SUB": [(1, ("Surabaya",))],
    "UPG": [(1, ("Makassar",))],
    "MDC": [(1, ("Manado",))],
    "DJJ": [(1, ("Jayapura",))],
    "ETK": [(1, ("Entikong",))],
    "MTA": [(1, ("Atambua",)), (1, ("Atambua", "Kuta"))],
}

DEPARTURE_BY_PLACE = {
    "Jakarta": "CGK",
    "Yogyakarta": "YIA",
    "Borobudur": "YIA",
    "Surakarta": "YIA",
    "Palembang": "CGK",
    "Medan": "KNO",
    "Lake Toba": "KNO",
    "Batam": "BTC",
    "Surabaya": "SUB",
    "Makassar": "UPG",
    "Manado": "MDC",
    "Jayapura": "DJJ",
    "Entikong": "ETK",
    "Atambua": "MTA",
    "Senggigi": "LOP",
    "Gili Trawangan": "LOP",
    "Kuta Lombok": "LOP",
    "Labuan Bajo": "LBJ",
}  # anything else in Bali leaves by DPS


@dataclass(frozen=True, slots=True)
class Source:
    code: str  # ICAO 9303 nationality
    share: float  # 2019 arrivals, millions
    exempt: bool  # ASEAN and Timor-Leste: visa exemption; others mostly VOA
    checkpoints: tuple[tuple[str, float], ...]
    surnames: tuple[str, ...]
    given: tuple[str, ...]


_WESTERN = ("SMITH", "JONES", "TAYLOR", "BROWN", "WILSON", "MARTIN", "WHITE", "CLARKE", "HALL")
_WESTERN_GIVEN = ("JAMES", "OLIVIA", "JACK", "EMMA", "NOAH", "CHARLOTTE", "LIAM", "MIA", "LUCY")
_CHINESE = ("WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU")
_CHINESE_GIVEN = ("WEI", "FANG", "NA", "MIN", "JING", "LEI", "YAN", "HAO", "XIN", "YU")

SOURCES = [
    Source(
        "MYS",
        2.98,
        True,
        (("CGK", 0.25), ("DPS", 0.2), ("KNO", 0.25), ("BTH", 0.1), ("BTC", 0.1), ("ETK", 0.1)),
        ("ABDULLAH", "RAHMAN", "ISMAIL", "TAN", "LIM", "WONG", "KUMAR", "HASSAN"),
        ("AHMAD", "NUR AISYAH", "MUHAMMAD", "SITI", "WEI JIE", "KAVITHA", "HAFIZ"),
    ),
    Source(
        "CHN",
        2.07,
        False,
        (("DPS", 0.5), ("CGK", 0.3), ("SUB", 0.05), ("UPG", 0.05), ("MDC", 0.1)),
        _CHINESE,
        _CHINESE_GIVEN,
    ),
    Source(
        "SGP",
        1.93,
        True,
        (("BTC", 0.55), ("BTH", 0.1), ("DPS", 0.25), ("CGK", 0.1)),
        ("TAN", "LIM", "LEE", "NG", "ONG", "WONG", "GOH", "CHUA"),
        ("WEI MING", "HUI LING", "JUN JIE", "XIN YI", "RAJ", "NURUL"),
    ),
    Source(
        "AUS",
        1.39,
        False,
        (("DPS", 0.85), ("CGK", 0.05), ("LOP", 0.05), ("LBJ", 0.05)),
        _WESTERN,
        _WESTERN_GIVEN,
    ),
    Source(
        "TLS",
        1.18,
        True,
        (("MTA", 0.85), ("DPS", 0.15)),
        ("DA COSTA", "SOARES", "PEREIRA", "XIMENES", "DOS SANTOS", "BELO"),
        ("JOAO", "MARIA", "ANTONIO", "ANA", "JOSE", "TERESA"),
    ),
    Source(
        "IND",
        0.66,
        False,
        (("DPS", 0.6), ("CGK", 0.4)),
        ("SHARMA", "PATEL", "SINGH", "GUPTA", "REDDY", "IYER"),
        ("PRIYA", "RAHUL", "ANJALI", "ARJUN", "DEEPA", "VIKRAM"),
    ),
    Source(
        "JPN",
        0.52,
        False,
        (("DPS", 0.6), ("CGK", 0.4)),
        ("SATO", "SUZUKI", "TAKAHASHI", "TANAKA", "WATANABE", "ITO"),
        ("KENJI", "YUKI", "HARUTO", "SAKURA", "REN", "AOI"),
    ),
    Source(
        "USA",
        0.47,
        False,
        (("DPS", 0.6), ("CGK", 0.3), ("LBJ", 0.1)),
        ("JOHNSON", "WILLIAMS", "MILLER", "DAVIS", "GARCIA", "RODRIGUEZ"),
        ("EMILY", "MICHAEL", "SARAH", "DAVID", "JESSICA", "DANIEL"),
    ),
    Source(
        "KOR",
        0.39,
        False,
        (("DPS", 0.6), ("CGK", 0.4)),
        ("KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG"),
        ("JI HOON", "MIN JUNG", "SEO YEON", "HYUN WOO", "SU BIN"),
    ),
    Source(
        "GBR",
        0.38,
        False,
        (("DPS", 0.7), ("CGK", 0.2), ("LOP", 0.1)),
        _WESTERN,
        _WESTERN_GIVEN,
    ),
]
OTHERS = ("NLD", "DEU", "FRA", "RUS", "PHL", "THA", "VNM", "NZL", "CAN", "TWN", "SAU", "ITA")
OTHERS_SHARE = 16.1 - sum(s.share for s in SOURCES)
OTHER_CHECKPOINTS = (("DPS", 0.6), ("CGK", 0.3), ("YIA", 0.05), ("KNO", 0.05))
