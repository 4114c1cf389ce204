"""A synthetic register extract in the format of docs/formats.md, for the demo, the tests and the
import benchmark.

It is shaped like the real register: at national scale about 48,000 running contracts in the 15
counties (weighted by population), 21,000 training companies of which 15,000 belong to one of
350 training offices, about 1.2 professional leaders per company, real trades with VIGO-style
codes and a skewed company size (a municipality has hundreds of apprentices, most companies one
or two). It also carries what real extracts carry and the importer must cope with: mixed date
and phone formats, a UTF-8 byte-order mark, one file in Windows-1252, offices and companies not
registered in NOR/NLR, missing contact data (about 3 %) and a small share (about 0.5 %) of
plainly wrong rows.

No identity number can belong to a real person: every one is a synthetic number (birth month
plus 80, as the Norwegian test-number convention does), with both check digits valid. The same
seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import TextIO

from stdnum.no import fodselsnummer, orgnr

from registry_import.demo_data import (
    BAD_EMAILS,
    BAD_MOBILES,
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
from registry_import.extract_format import (
    COMPANY_FORMAT,
    CONTRACT_FORMAT,
    FORMATS,
    LEADER_FORMAT,
    OFFICE_FORMAT,
)

OFFICES_FILE = OFFICE_FORMAT.file_name
COMPANIES_FILE = COMPANY_FORMAT.file_name
LEADERS_FILE = LEADER_FORMAT.file_name
CONTRACTS_FILE = CONTRACT_FORMAT.file_name

# The columns of each file, in the order of the format (registry_import.extract_format).
HEADERS: dict[str, list[str]] = {spec.file_name: list(spec.names) for spec in FORMATS.values()}

# The encodings real extracts arrive in: Excel in Norway saves Windows-1252, and some tools
# write a UTF-8 byte-order mark. Each path of the importer's decoding gets one file.
ENCODINGS = {
    OFFICES_FILE: "utf-8-sig",
    COMPANIES_FILE: "utf-8",
    LEADERS_FILE: "cp1252",
    CONTRACTS_FILE: "utf-8",
}


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
CANDIDATE_SHARE = 0.07  # opplæringskontrakt (lærekandidat) among contracts
CHANGED_COMPANY = 0.02  # running contracts that follow a terminated one in the same trade
NOT_REGISTERED = 0.01  # offices/companies with nor_registrert/nlr_registrert = N
NO_EMAIL, NO_MOBILE = 0.02, 0.015  # missing contact data, together about 3 %
NUMBERS_WITH_SPACES = 0.02  # organisation numbers written "974 760 673"
DAY_MONTH_DATES = 0.05  # rows with DD.MM.YYYY dates instead of YYYY-MM-DD

# Dirty rows, as shares of their file's rows; at least one of each is written at any scale.
DIRTY_CONTRACT_RATES = {
    "bad_fodselsnummer": 0.001,
    "unknown_company": 0.0005,
    "bad_email": 0.0015,
    "bad_mobile": 0.0015,
    "bad_date": 0.0002,
}
DIRTY_COMPANY_ORGNR = 0.001
DIRTY_LEADER_RATES = {"bad_email": 0.002, "bad_mobile": 0.002, "unknown_company": 0.0005}


ASCII_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "ü": "u"})

SECTORS = list(OFFICE_NAMES)
OFFICE_NAME_FILLERS = {"opplæringskontoret", "opplæringskontor", "for", "i", "og"}


@dataclass(slots=True)
class _Office:
    orgnr: str
    name: str
    county: str
    sector: str


@dataclass(slots=True)
class _Company:
    orgnr: str  # as written in the files; a deliberately bad one stays bad everywhere
    name: str
    county: str
    municipality: str
    sector: str
    office: _Office | None
    weight: float
    municipal: bool = False
    running: int = 1
    leaders: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Person:
    fodselsnummer: str
    first: str
    last: str
    email: str
    mobile: str


def write_demo_extract(
    out_dir: Path, *, scale: str = "national", seed: int = 1, reference: date | None = None
) -> list[Path]:
    """Writes the four files of a synthetic extract into out_dir and returns their paths.

    `reference` is the extract's date (default: the latest 1 October, R-C3): running contracts
    are running on it, and about half of them have lasted more than 11 months."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    reference = reference or latest_extract_date()
    rng = random.Random(f"{scale}:{seed}")  # noqa: S311 - reproducible fake data, not secrets
    return _Generator(SCALES[scale], rng, reference).write(out_dir)


def latest_extract_date(today: date | None = None) -> date:
    """The date of this survey year's final extract: 1 October (R-C3), last year's until then."""
    today = today or date.today()
    this_year = date(today.year, 10, 1)
    return this_year if today >= this_year else date(today.year - 1, 10, 1)


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


def _spoil(number: str) -> str:
    """The number with its last (check) digit changed: never valid again, since a change of 1
    or 9 in the last position is never a multiple of 11."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


class _Generator:
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
        f, la = _slug(first), _slug(last)
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
        return f"{_slug(first)}.{_slug(last)}@{domain}"

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

    def person(self, sector: str, start: date) -> _Person:
        rng = self.rng
        female = rng.random() < FEMALE_SHARE[sector]
        first, last = self.name(female)
        # Most start their apprenticeship at 18 after two years at school; some are adults.
        age = rng.choices([17, 18, 19, 20, 22, 26, 35], weights=[8, 45, 20, 9, 7, 6, 5])[0]
        born = start - timedelta(days=365 * age + rng.randrange(365))
        email, mobile = self.contact(self.private_email(first, last))
        return _Person(self.fodselsnummer(born, female), first, last, email, mobile)

    def day(self, value: date, day_month: bool) -> str:
        return value.strftime("%d.%m.%Y") if day_month else value.isoformat()

    # --- organisations -------------------------------------------------------------------------

    def offices(self) -> dict[str, list[_Office]]:
        scale, rng = self.scale, self.rng
        counts = _split(scale.offices, {c: COUNTY_POPULATION[c] for c in scale.counties})
        if len(scale.counties) == 1:
            # A county extract also holds the offices across the border that have members here.
            for neighbour in NEIGHBOURS[scale.counties[0]]:
                counts[neighbour] = 1
        by_county: dict[str, list[_Office]] = {}
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
                by_county[county].append(_Office(self.new_orgnr(), name, county, sector))
        return by_county

    def pick_office(self, county: str, sector: str, offices: dict[str, list[_Office]]) -> _Office:
        rng = self.rng
        if rng.random() < OUT_OF_COUNTY_OFFICE:
            nearby = [c for c in NEIGHBOURS[county] if offices.get(c)]
            if nearby:
                county = rng.choice(nearby)
        pool = offices.get(county) or offices[self.scale.counties[0]]
        same_sector = [o for o in pool if o.sector == sector]
        return rng.choice(same_sector or pool)

    def companies(self, offices: dict[str, list[_Office]]) -> list[_Company]:
        scale, rng = self.scale, self.rng
        counts = _split(scale.companies, {c: COUNTY_POPULATION[c] for c in scale.counties})
        companies: list[_Company] = []
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
                    _Company(
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
                    _Company(self.new_orgnr(), name, county, municipality, sector, office, weight)
                )
        return companies

    # --- files ---------------------------------------------------------------------------------

    def write(self, out_dir: Path) -> list[Path]:
        rng = self.rng
        offices = self.offices()
        companies = self.companies(offices)

        # Every company has at least one running contract; the rest follow the size weights.
        cum = list(accumulate(c.weight for c in companies))
        extra = self.scale.running - len(companies)
        for index in rng.choices(range(len(companies)), cum_weights=cum, k=extra):
            companies[index].running += 1

        # Larger companies have more professional leaders; about 1.2 per company on average.
        leaders = 0
        for company in companies:
            count = 1 + (rng.random() < 0.15) + company.running // 12
            company.leaders = [f"FL{leaders + n:07d}" for n in range(1, count + 1)]
            leaders += count

        # A few companies with one apprentice are written with a wrong check digit, in their
        # own row, their leaders' rows and their contract's row alike.
        small = [c for c in companies if c.running == 1 and not c.municipal]
        for company in rng.sample(small, max(1, round(len(companies) * DIRTY_COMPANY_ORGNR))):
            company.orgnr = _spoil(company.orgnr)

        return [
            self.write_offices(out_dir / OFFICES_FILE, offices),
            self.write_companies(out_dir / COMPANIES_FILE, companies),
            self.write_leaders(out_dir / LEADERS_FILE, companies, leaders),
            self.write_contracts(out_dir / CONTRACTS_FILE, companies, cum),
        ]

    def chosen(self, rows: int, rate: float) -> set[int]:
        """`rate` of the rows (by index), at least one."""
        return set(self.rng.sample(range(rows), min(rows, max(1, round(rows * rate)))))

    def dirty_rows(self, rows: int, rates: dict[str, float]) -> dict[int, str]:
        """Which rows (by index) get which fault: each at its rate, at least one of each."""
        counts = {kind: max(1, round(rows * rate)) for kind, rate in rates.items()}
        chosen = self.rng.sample(range(rows), min(rows, sum(counts.values())))
        faults = [kind for kind, count in counts.items() for _ in range(count)]
        return dict(zip(chosen, faults, strict=False))

    def open(self, path: Path) -> TextIO:
        return path.open("w", encoding=ENCODINGS[path.name], newline="")

    def writer(self, handle: TextIO, path: Path) -> csv.DictWriter:
        writer = csv.DictWriter(handle, fieldnames=HEADERS[path.name], delimiter=";")
        writer.writeheader()
        return writer

    def write_offices(self, path: Path, offices: dict[str, list[_Office]]) -> Path:
        rng = self.rng
        every = [office for county in sorted(offices) for office in offices[county]]
        bad_email = rng.randrange(len(every))
        not_registered = self.chosen(len(every), NOT_REGISTERED)
        with self.open(path) as handle:
            writer = self.writer(handle, path)
            for index, office in enumerate(every):
                first, last = self.name(rng.random() < 0.5)
                domain = _office_domain(office.name)
                email, mobile = self.contact(self.work_email(first, last, domain))
                if index == bad_email:
                    email = BAD_EMAILS[0].format(u=_slug(first) + "." + _slug(last))
                registered = "N" if index in not_registered else "J"
                writer.writerow(
                    {
                        "orgnr": self.written_orgnr(office.orgnr),
                        "navn": office.name,
                        "fylkesnr": office.county,
                        "nor_registrert": registered,
                        "daglig_leder_navn": f"{first} {last}",
                        "daglig_leder_epost": email,
                        "daglig_leder_mobil": mobile,
                    }
                )
            # An office with a wrong check digit; it has no members, so nothing else breaks.
            county = self.scale.counties[0]
            name = f"Opplæringskontoret for fagopplæring {REGIONS[county][0]}"
            writer.writerow(
                {
                    "orgnr": _spoil(self.new_orgnr()),
                    "navn": name,
                    "fylkesnr": county,
                    "nor_registrert": "J",
                }
            )
        return path

    def write_companies(self, path: Path, companies: list[_Company]) -> Path:
        not_registered = self.chosen(len(companies), NOT_REGISTERED)
        with self.open(path) as handle:
            writer = self.writer(handle, path)
            for index, c in enumerate(companies):
                office = self.written_orgnr(c.office.orgnr) if c.office else ""
                writer.writerow(
                    {
                        "orgnr": self.written_orgnr(c.orgnr),
                        "navn": c.name,
                        "fylkesnr": c.county,
                        "kommunenr": c.municipality,
                        "opplaeringskontor_orgnr": office,
                        "nlr_registrert": "N" if index in not_registered else "J",
                    }
                )
        return path

    def write_leaders(self, path: Path, companies: list[_Company], total: int) -> Path:
        rng = self.rng
        dirty = self.dirty_rows(total, DIRTY_LEADER_RATES)
        index = 0
        with self.open(path) as handle:
            writer = self.writer(handle, path)
            for c in companies:
                if c.municipal:
                    domain = _slug(c.name.removesuffix(" kommune"))
                    domain += ".kommune.no"
                else:
                    domain = _slug(c.name.removesuffix(" AS")) + ".no"
                for leader_id in c.leaders:
                    first, last = self.name(rng.random() < FEMALE_SHARE[c.sector] * 0.8)
                    email, mobile = self.contact(self.work_email(first, last, domain))
                    company = c.orgnr
                    fault = dirty.get(index)
                    if fault == "bad_email":
                        email = rng.choice(BAD_EMAILS).format(u=_slug(first) + "." + _slug(last))
                    elif fault == "bad_mobile":
                        mobile = rng.choice(BAD_MOBILES)
                    elif fault == "unknown_company":
                        company = self.new_orgnr()
                    writer.writerow(
                        {
                            "faglig_leder_id": leader_id,
                            "bedrift_orgnr": company,
                            "fornavn": first,
                            "etternavn": last,
                            "epost": email,
                            "mobil": mobile,
                        }
                    )
                    index += 1
        return path

    def running_dates(self) -> tuple[date, date]:
        """Start and planned end of a running contract. Most start in August, either this year
        or last (a two-year apprenticeship); some at any time, for adults, candidates and those
        who changed company. About half have lasted more than 11 months on the reference date
        (R-S1)."""
        rng, ref = self.rng, self.reference
        draw = rng.random()
        if draw < 0.45:
            start = date(ref.year, 8, 1) + timedelta(days=rng.randrange(45))
        elif draw < 0.87:
            start = date(ref.year - 1, 8, 1) + timedelta(days=rng.randrange(60))
        else:
            start = ref - timedelta(days=rng.randrange(20, 900))
        return start, self.planned_end(start)

    def planned_end(self, start: date) -> date:
        """Two years for most; a contract that would have ended has been extended."""
        rng, ref = self.rng, self.reference
        months = rng.choices([24, 12, 18, 30, 36], weights=[80, 5, 5, 5, 5])[0]
        end = _add_months(start, months)
        if end <= ref:
            end = ref + timedelta(days=rng.randrange(30, 240))
        return end

    def write_contracts(self, path: Path, companies: list[_Company], cum: list[float]) -> Path:
        rng, ref, scale = self.rng, self.reference, self.scale
        everyone = range(len(companies))
        changed = max(1, round(scale.running * CHANGED_COMPANY))
        stubs = [("R", i) for i, c in enumerate(companies) for _ in range(c.running)]
        stubs += [("C", i) for i in rng.choices(everyone, cum_weights=cum, k=scale.completed)]
        stubs += [
            ("T", i) for i in rng.choices(everyone, cum_weights=cum, k=scale.terminated - changed)
        ]
        rng.shuffle(stubs)
        running = [k for k, (status, _c) in enumerate(stubs) if status == "R"]
        pairs = set(rng.sample(running, changed))
        dirty = self.dirty_rows(len(stubs), DIRTY_CONTRACT_RATES)
        by_county: dict[str, list[int]] = {}
        for i, c in enumerate(companies):
            by_county.setdefault(c.county, []).append(i)

        number = 1_000_000
        with self.open(path) as handle:
            writer = self.writer(handle, path)
            for k, (status, ci) in enumerate(stubs):
                company = companies[ci]
                code = self.trade(company.sector, company.municipal)
                kind = "OPPLÆRINGSKONTRAKT" if rng.random() < CANDIDATE_SHARE else "LÆREKONTRAKT"
                day_month = rng.random() < DAY_MONTH_DATES
                earlier: tuple[_Company, date, date] | None = None
                if status == "R" and k in pairs:
                    # Changed company: the first contract in the same trade was terminated the
                    # day before this one started, and the planned end stays that of the first.
                    first_start = ref - timedelta(days=rng.randrange(120, 600))
                    start = first_start + timedelta(
                        days=rng.randrange(60, (ref - first_start).days)
                    )
                    end = self.planned_end(first_start)
                    others = by_county[company.county]
                    other = companies[rng.choice(others)] if len(others) > 1 else company
                    earlier = (other, first_start, start - timedelta(days=1))
                elif status == "R":
                    start, end = self.running_dates()
                elif status == "C":
                    end = ref - timedelta(days=rng.randrange(1, 365))
                    start = _add_months(end, -24) + timedelta(days=rng.randrange(-20, 20))
                else:
                    start = ref - timedelta(days=rng.randrange(60, 730))
                    end = start + timedelta(days=rng.randrange(20, (ref - start).days))
                person = self.person(code[:2], start)
                if earlier is not None:
                    other, first_start, first_end = earlier
                    number += 1
                    writer.writerow(
                        self.contract_row(
                            number,
                            person,
                            kind,
                            "HEVET",
                            first_start,
                            first_end,
                            code,
                            other,
                            day_month,
                        )
                    )
                status_text = {"R": "LØPENDE", "C": "FULLFØRT", "T": "HEVET"}[status]
                number += 1
                row = self.contract_row(
                    number, person, kind, status_text, start, end, code, company, day_month
                )
                fault = dirty.get(k)
                if fault == "bad_fodselsnummer":
                    row["fodselsnummer"] = _spoil(row["fodselsnummer"])
                elif fault == "unknown_company":
                    row["bedrift_orgnr"] = self.new_orgnr()
                    row["opplaeringskontor_orgnr"] = row["faglig_leder_id"] = ""
                elif fault == "bad_email":
                    user = _slug(person.first) + "." + _slug(person.last)
                    row["epost"] = rng.choice(BAD_EMAILS).format(u=user)
                elif fault == "bad_mobile":
                    row["mobil"] = rng.choice(BAD_MOBILES)
                elif fault == "bad_date":
                    row["sluttdato"] = f"31.02.{end.year}"
                writer.writerow(row)
        return path

    def contract_row(
        self,
        number: int,
        person: _Person,
        kind: str,
        status: str,
        start: date,
        end: date,
        code: str,
        company: _Company,
        day_month: bool,
    ) -> dict[str, str]:
        rng = self.rng
        leaders = company.leaders
        if rng.random() < 0.02:
            leader = ""  # not given
        elif len(leaders) == 1 or rng.random() < 0.6:
            leader = leaders[0]
        else:
            leader = rng.choice(leaders)
        return {
            "kontrakt_id": str(number),
            "fodselsnummer": person.fodselsnummer,
            "fornavn": person.first,
            "etternavn": person.last,
            "epost": person.email,
            "mobil": person.mobile,
            "kontrakttype": kind,
            "status": status,
            "startdato": self.day(start, day_month),
            "sluttdato": self.day(end, day_month),
            "laerefag_kode": code,
            "laerefag_navn": self.trades[code][0],
            "bedrift_orgnr": company.orgnr,
            "opplaeringskontor_orgnr": company.office.orgnr if company.office else "",
            "faglig_leder_id": leader,
            "fylkesnr": company.county,
        }


def _office_domain(name: str) -> str:
    """A web domain for an office: "Opplæringskontoret for elektrofag Vestland" gives
    ok-elektrofag-vestland.no."""
    words = [w for w in name.lower().split() if w not in OFFICE_NAME_FILLERS]
    return "ok-" + "-".join(_slug(w) for w in words[:2]) + ".no"


def _slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Bilfaget, lette" gives "bilfagetlette"."""
    return "".join(ch for ch in text.lower().translate(ASCII_FOLD) if ch.isascii() and ch.isalnum())


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, min(day.day, 28))
