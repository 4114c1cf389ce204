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
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any, TextIO

from demo.register.data import BAD_EMAILS, BAD_MOBILES, FEMALE_SHARE, REGIONS
from demo.register.population import (
    SCALES,
    DemoCompany,
    DemoOffice,
    DemoPerson,
    Population,
    add_months,
    office_domain,
    slug,
    spoil,
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


CANDIDATE_SHARE = 0.07  # opplæringskontrakt (lærekandidat) among contracts
CHANGED_COMPANY = 0.02  # running contracts that follow a terminated one in the same trade
NOT_REGISTERED = 0.01  # offices/companies with nor_registrert/nlr_registrert = N
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


class _Generator(Population):
    """Writes the four files of an extract of the population it draws."""

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
            company.orgnr = spoil(company.orgnr)

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

    def write_offices(self, path: Path, offices: dict[str, list[DemoOffice]]) -> Path:
        rng = self.rng
        every = [office for county in sorted(offices) for office in offices[county]]
        bad_email = rng.randrange(len(every))
        not_registered = self.chosen(len(every), NOT_REGISTERED)
        with self.open(path) as handle:
            writer = self.writer(handle, path)
            for index, office in enumerate(every):
                first, last = self.name(rng.random() < 0.5)
                domain = office_domain(office.name)
                email, mobile = self.contact(self.work_email(first, last, domain))
                if index == bad_email:
                    email = BAD_EMAILS[0].format(u=slug(first) + "." + slug(last))
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
                    "orgnr": spoil(self.new_orgnr()),
                    "navn": name,
                    "fylkesnr": county,
                    "nor_registrert": "J",
                }
            )
        return path

    def write_companies(self, path: Path, companies: list[DemoCompany]) -> Path:
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

    def write_leaders(self, path: Path, companies: list[DemoCompany], total: int) -> Path:
        rng = self.rng
        dirty = self.dirty_rows(total, DIRTY_LEADER_RATES)
        index = 0
        with self.open(path) as handle:
            writer = self.writer(handle, path)
            for c in companies:
                if c.municipal:
                    domain = slug(c.name.removesuffix(" kommune"))
                    domain += ".kommune.no"
                else:
                    domain = slug(c.name.removesuffix(" AS")) + ".no"
                for leader_id in c.leaders:
                    first, last = self.name(rng.random() < FEMALE_SHARE[c.sector] * 0.8)
                    email, mobile = self.contact(self.work_email(first, last, domain))
                    company = c.orgnr
                    fault = dirty.get(index)
                    if fault == "bad_email":
                        email = rng.choice(BAD_EMAILS).format(u=slug(first) + "." + slug(last))
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
        end = add_months(start, months)
        if end <= ref:
            end = ref + timedelta(days=rng.randrange(30, 240))
        return end

    def write_contracts(self, path: Path, companies: list[DemoCompany], cum: list[float]) -> Path:
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
                earlier: tuple[DemoCompany, date, date] | None = None
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
                    start = add_months(end, -24) + timedelta(days=rng.randrange(-20, 20))
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
                self.contract_spoil(row, dirty.get(k), person, end)
                writer.writerow(row)
        return path

    def contract_spoil(
        self, row: dict[str, Any], fault: str | None, person: DemoPerson, end: date
    ) -> None:
        """The dirty contract rows of a real extract: one fault each."""
        if fault == "bad_fodselsnummer":
            row["fodselsnummer"] = spoil(row["fodselsnummer"])
        elif fault == "unknown_company":
            row["bedrift_orgnr"] = self.new_orgnr()
            row["opplaeringskontor_orgnr"] = row["faglig_leder_id"] = ""
        elif fault == "bad_email":
            user = slug(person.first) + "." + slug(person.last)
            row["epost"] = self.rng.choice(BAD_EMAILS).format(u=user)
        elif fault == "bad_mobile":
            row["mobil"] = self.rng.choice(BAD_MOBILES)
        elif fault == "bad_date":
            row["sluttdato"] = f"31.02.{end.year}"

    def contract_row(
        self,
        number: int,
        person: DemoPerson,
        kind: str,
        status: str,
        start: date,
        end: date,
        code: str,
        company: DemoCompany,
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
