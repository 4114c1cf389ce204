"""The people and organisations of the synthetic register extract (demo.register.extract):
counties' training offices and companies of realistic names, sizes and
memberships, and apprentices and leaders with names, contact data and synthetic identity
numbers. The data they are drawn from are demo.register.data; writing them as the four
files is demo.register.extract's part."""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from stdnum.no import fodselsnummer, orgnr

from demo.register.data import (
    COMPANY_NAMES,
    COUNTY_POPULATION,
    EMAIL_DOMAINS,
    FEMALE_NAMES,
    FEMALE_SHARE,
    LAST_NAMES,
    MALE_NAMES,
    MOBILE_PREFIXES,
    MUNICIPAL_TRADES,
    MUNICIPALITIES,
    NEIGHBOURS,
    OFFICE_NAMES,
    REGIONS,
    TRADES,
)


@dataclass(frozen=True)
class Scale:
    counties: tuple[str, ...]
    running: int
    completed: int
    terminated: int  # including the first contract of those who changed company
    companies: int
    offices: int


SCALES = {
    "national": Scale(tuple(COUNTY_POPULATION), 48_000, 3_800, 2_200, 21_000, 350),
    # Vestland alone, the size of a real county extract; what the demo loads.
    "county": Scale(("46",), 5_000, 400, 230, 2_200, 36),
    # Small enough for tests that import it.
    "tiny": Scale(("46",), 240, 20, 12, 100, 5),
}

MEMBER_SHARE = 15 / 21  # companies that belong to a training office
OUT_OF_COUNTY_OFFICE = 0.03  # members of an office in a neighbouring county (R-D3)
NO_EMAIL, NO_MOBILE = 0.02, 0.015  # missing contact data, together about 3 %
NUMBERS_WITH_SPACES = 0.02  # organisation numbers written "974 760 673"

ASCII_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "ü": "u"})

SECTORS = list(OFFICE_NAMES)
OFFICE_NAME_FILLERS = {"opplæringskontoret", "opplæringskontor", "for", "i", "og"}


@dataclass(slots=True)
class DemoOffice:
    orgnr: str
    name: str
    county: str
    sector: str


@dataclass(slots=True)
class DemoCompany:
    orgnr: str  # as written in the files; a deliberately bad one stays bad everywhere
    name: str
    county: str
    municipality: str
    sector: str
    office: DemoOffice | None
    weight: float
    municipal: bool = False
    running: int = 1
    leaders: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DemoPerson:
    fodselsnummer: str
    first: str
    last: str
    email: str
    mobile: str


def _split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """`total` spread over the keys by weight, summing exactly to total (largest remainder)."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    rest = total - sum(counts.values())
    for key in sorted(exact, key=lambda k: counts[k] - exact[k])[:rest]:
        counts[key] += 1
    return counts


def _with_check_digit(base: str) -> str | None:
    """base (eight digits) with the one check digit that makes a valid organisation number, or
    None when the modulus-11 remainder leaves no digit (such numbers are never issued)."""
    for digit in "0123456789":
        if orgnr.checksum(base + digit) == 0:
            return base + digit
    return None


def spoil(number: str) -> str:
    """The number with its last (check) digit changed: never valid again, since a change of 1
    or 9 in the last position is never a multiple of 11."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


class Population:
    """Draws the organisations and people of an extract at a scale from one random source."""

    def __init__(self, scale: Scale, rng: random.Random, reference: date) -> None:
        self.scale = scale
        self.rng = rng
        self.reference = reference
        self.used_orgnr: set[str] = set()
        self.used_fnr: set[str] = set()
        self.trades = {code: (name, weight) for code, name, weight in TRADES}
        self.sector_trades: dict[str, tuple[list[str], list[float]]] = {}
        for sector in SECTORS:
            codes = [code for code, _name, _w in TRADES if code.startswith(sector)]
            self.sector_trades[sector] = (codes, list(accumulate(self.trades[c][1] for c in codes)))
        self.all_trades = ([c for c, _n, _w in TRADES], list(accumulate(w for *_, w in TRADES)))
        self.sector_weights = [
            sum(self.trades[c][1] for c in self.sector_trades[s][0]) for s in SECTORS
        ]

    # --- small pieces --------------------------------------------------------------------------

    def new_orgnr(self) -> str:
        while True:
            number = _with_check_digit(str(self.rng.randrange(81_000_000, 99_999_999)))
            if number is not None and number not in self.used_orgnr:
                self.used_orgnr.add(number)
                return number

    def written_orgnr(self, number: str) -> str:
        if self.rng.random() < NUMBERS_WITH_SPACES:
            return orgnr.format(number)
        return number

    def sector(self) -> str:
        return self.rng.choices(SECTORS, weights=self.sector_weights)[0]

    def trade(self, sector: str, municipal: bool) -> str:
        rng = self.rng
        if municipal and rng.random() < 0.25:
            return rng.choice(MUNICIPAL_TRADES)
        codes, cum = self.sector_trades[sector] if rng.random() < 0.85 else self.all_trades
        return codes[bisect(cum, rng.random() * cum[-1])]

    def name(self, female: bool) -> tuple[str, str]:
        rng = self.rng
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        if rng.random() < 0.04:  # double first names are common
            first += "-" + rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        return first, rng.choice(LAST_NAMES)

    def mobile(self) -> str:
        rng = self.rng
        digits = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(1_000_000):06d}"
        style = rng.random()
        if style < 0.4:
            return f"{digits[:3]} {digits[3:5]} {digits[5:]}"
        if style < 0.65:
            return digits
        if style < 0.85:
            return "+47" + digits
        if style < 0.95:
            return f"+47 {digits[:3]} {digits[3:5]} {digits[5:]}"
        return "0047 " + digits

    def private_email(self, first: str, last: str) -> str:
        rng = self.rng
        f, la = slug(first), slug(last)
        user = rng.choice(
            [
                f"{f}.{la}",
                f"{f}{la}{rng.randrange(100):02d}",
                f"{f}.{la}{rng.randrange(10)}",
                f"{f[0]}{la}",
            ]
        )
        return f"{user}@{rng.choice(EMAIL_DOMAINS)}"

    def work_email(self, first: str, last: str, domain: str) -> str:
        return f"{slug(first)}.{slug(last)}@{domain}"

    def contact(self, email: str) -> tuple[str, str]:
        rng = self.rng
        return (
            "" if rng.random() < NO_EMAIL else email,
            "" if rng.random() < NO_MOBILE else self.mobile(),
        )

    def fodselsnummer(self, born: date, female: bool) -> str:
        """A synthetic identity number: month + 80 (so it can never be a real person's), some
        with day + 40 as D-numbers have, an individual number in the range of the birth century
        whose last digit gives the gender, and both check digits valid."""
        rng = self.rng
        day = born.day + (40 if rng.random() < 0.02 else 0)
        low, high = (500, 1000) if born.year >= 2000 else (0, 500)
        while True:
            individual = rng.randrange(low, high)
            if individual % 2 != (0 if female else 1):
                individual = individual + 1 if individual + 1 < high else individual - 1
            first9 = f"{day:02d}{born.month + 80:02d}{born.year % 100:02d}{individual:03d}"
            k1 = fodselsnummer.calc_check_digit1(first9)
            if len(k1) != 1:
                continue
            k2 = fodselsnummer.calc_check_digit2(first9 + k1)
            if len(k2) != 1:
                continue
            number = first9 + k1 + k2
            if number not in self.used_fnr:
                self.used_fnr.add(number)
                return number

    def person(self, sector: str, start: date) -> DemoPerson:
        rng = self.rng
        female = rng.random() < FEMALE_SHARE[sector]
        first, last = self.name(female)
        # Most start their apprenticeship at 18 after two years at school; some are adults.
        age = rng.choices([17, 18, 19, 20, 22, 26, 35], weights=[8, 45, 20, 9, 7, 6, 5])[0]
        born = start - timedelta(days=365 * age + rng.randrange(365))
        email, mobile = self.contact(self.private_email(first, last))
        return DemoPerson(self.fodselsnummer(born, female), first, last, email, mobile)

    def day(self, value: date, day_month: bool) -> str:
        return value.strftime("%d.%m.%Y") if day_month else value.isoformat()

    # --- organisations -------------------------------------------------------------------------

    def offices(self) -> dict[str, list[DemoOffice]]:
        scale, rng = self.scale, self.rng
        counts = _split(scale.offices, {c: COUNTY_POPULATION[c] for c in scale.counties})
        if len(scale.counties) == 1:
            # A county extract also holds the offices across the border that have members here.
            for neighbour in NEIGHBOURS[scale.counties[0]]:
                counts[neighbour] = 1
        by_county: dict[str, list[DemoOffice]] = {}
        for county, count in counts.items():
            names: set[str] = set()
            by_county[county] = []
            for _ in range(count):
                sector = self.sector()
                for _attempt in range(20):
                    region = rng.choice(REGIONS[county])
                    if rng.random() < 0.3:
                        trade = self.trade(sector, False)
                        name = f"Opplæringskontoret for {self.trades[trade][0].lower()} i {region}"
                    else:
                        name = rng.choice(OFFICE_NAMES[sector]).format(r=region)
                    if name not in names:
                        break
                names.add(name)
                by_county[county].append(DemoOffice(self.new_orgnr(), name, county, sector))
        return by_county

    def pick_office(
        self, county: str, sector: str, offices: dict[str, list[DemoOffice]]
    ) -> DemoOffice:
        rng = self.rng
        if rng.random() < OUT_OF_COUNTY_OFFICE:
            nearby = [c for c in NEIGHBOURS[county] if offices.get(c)]
            if nearby:
                county = rng.choice(nearby)
        pool = offices.get(county) or offices[self.scale.counties[0]]
        same_sector = [o for o in pool if o.sector == sector]
        return rng.choice(same_sector or pool)

    def companies(self, offices: dict[str, list[DemoOffice]]) -> list[DemoCompany]:
        scale, rng = self.scale, self.rng
        counts = _split(scale.companies, {c: COUNTY_POPULATION[c] for c in scale.counties})
        companies: list[DemoCompany] = []
        names: set[str] = set()
        national = SCALES["national"]
        for county in scale.counties:
            places = MUNICIPALITIES[county]
            # How this county's companies compare with the county's real number.
            size = counts[county] / _split(national.companies, COUNTY_POPULATION)[county]
            place_weights = [4.0, 2.0] + [1.0] * (len(places) - 2)
            place_weights = place_weights[: len(places)]
            # The municipalities are among the largest training companies; the biggest city
            # has hundreds of apprentices.
            for rank, (number, place) in enumerate(places):
                if len(companies) >= scale.companies:
                    break
                name = f"{place} kommune"
                names.add(name)
                # The largest city trains its apprentices itself; the others are members.
                office = None if rank == 0 else self.pick_office(county, "HS", offices)
                weight = (1000.0 if rank == 0 else 60.0) * COUNTY_POPULATION[county] / 650 * size
                companies.append(
                    DemoCompany(
                        self.new_orgnr(), name, county, number, "HS", office, max(weight, 3.0), True
                    )
                )
            for _ in range(counts[county] - len(places)):
                sector = self.sector()
                municipality, place = rng.choices(places, weights=place_weights)[0]
                for _attempt in range(5):
                    x = rng.choice(LAST_NAMES) if rng.random() < 0.6 else place
                    name = rng.choice(COMPANY_NAMES[sector]).format(x=x)
                    if name not in names:
                        break
                    name = (
                        name.replace(" AS", f" {place} AS") if " AS" in name else f"{name} {place}"
                    )
                    if name not in names:
                        break
                names.add(name)
                office = (
                    self.pick_office(county, sector, offices)
                    if rng.random() < MEMBER_SHARE
                    else None
                )
                weight = min(rng.paretovariate(1.4), 60.0)
                if rng.random() < 0.01:
                    municipality = ""  # kommunenr is optional
                companies.append(
                    DemoCompany(
                        self.new_orgnr(), name, county, municipality, sector, office, weight
                    )
                )
        return companies


def office_domain(name: str) -> str:
    """A web domain for an office: "Opplæringskontoret for elektrofag Vestland" gives
    ok-elektrofag-vestland.no."""
    words = [w for w in name.lower().split() if w not in OFFICE_NAME_FILLERS]
    return "ok-" + "-".join(slug(w) for w in words[:2]) + ".no"


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Bilfaget, lette" gives "bilfagetlette"."""
    return "".join(ch for ch in text.lower().translate(ASCII_FOLD) if ch.isascii() and ch.isalnum())


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, min(day.day, 28))
