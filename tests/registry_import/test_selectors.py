"""R-S1: who is in the LU sample on the reference date."""

from datetime import date

import pytest

from registry_import.models import Contract, ContractKind, ContractStatus
from registry_import.selectors import (
    days_in_training,
    lu_eligible_contracts,
    lu_threshold_date,
    months_in_training_exceeds_11,
)
from tests import register_rows as rows

REFERENCE = date(2026, 10, 1)
FAR_END = date(2028, 6, 30)


class Period:
    def __init__(self, start: date, end: date) -> None:
        self.start_date, self.end_date = start, end


class TestTheRuleOnItsOwn:
    def test_eleven_months_before_1_october_is_1_november(self):
        assert lu_threshold_date(REFERENCE) == date(2025, 11, 1)

    def test_exactly_eleven_months_is_not_more_than_eleven(self):
        assert not months_in_training_exceeds_11([Period(date(2025, 11, 1), FAR_END)], REFERENCE)

    def test_eleven_months_and_a_day_is(self):
        assert months_in_training_exceeds_11([Period(date(2025, 10, 31), FAR_END)], REFERENCE)

    def test_time_after_the_reference_date_does_not_count(self):
        assert days_in_training([Period(date(2026, 9, 1), FAR_END)], REFERENCE) == 30

    def test_overlapping_contracts_count_their_days_once(self):
        periods = [Period(date(2026, 1, 1), date(2026, 3, 1)), Period(date(2026, 2, 1), FAR_END)]
        assert days_in_training(periods, REFERENCE) == (REFERENCE - date(2026, 1, 1)).days

    def test_a_gap_between_contracts_does_not_count(self):
        periods = [Period(date(2025, 1, 1), date(2025, 2, 1)), Period(date(2026, 9, 1), FAR_END)]
        assert days_in_training(periods, REFERENCE) == 31 + 30

    def test_a_contract_ending_before_it_starts_counts_nothing(self):
        assert days_in_training([Period(date(2026, 5, 1), date(2026, 4, 1))], REFERENCE) == 0


@pytest.fixture
def nlr_company(county_a):
    return rows.company(county_a)


def eligible_ids(county=None):
    return set(lu_eligible_contracts(REFERENCE, county).values_list("register_id", flat=True))


@pytest.mark.django_db
class TestTheSelector:
    def test_a_running_contract_of_exactly_eleven_months_is_not_in_the_sample(self, nlr_company):
        rows.contract(rows.apprentice(), nlr_company, start=date(2025, 11, 1), end=FAR_END)
        assert eligible_ids() == set()

    def test_a_running_contract_of_eleven_months_and_a_day_is(self, nlr_company):
        c = rows.contract(rows.apprentice(), nlr_company, start=date(2025, 10, 31), end=FAR_END)
        assert eligible_ids() == {c.register_id}

    def test_a_change_of_company_within_the_trade_adds_up(self, county_a, nlr_company):
        person = rows.apprentice()
        first = rows.company(county_a)
        rows.contract(
            person,
            first,
            start=date(2025, 6, 1),
            end=date(2026, 1, 1),
            status=ContractStatus.TERMINATED,
        )
        now = rows.contract(person, nlr_company, start=date(2026, 1, 1), end=FAR_END)
        assert eligible_ids() == {now.register_id}

    def test_a_terminated_earlier_contract_in_the_trade_counts(self, nlr_company):
        person = rows.apprentice()
        rows.contract(
            person,
            nlr_company,
            start=date(2025, 9, 1),
            end=date(2026, 2, 1),
            status=ContractStatus.TERMINATED,
        )
        now = rows.contract(person, nlr_company, start=date(2026, 3, 1), end=FAR_END)
        # 153 + 214 days, more than the 334 of eleven months.
        assert eligible_ids() == {now.register_id}

    def test_an_earlier_contract_in_another_trade_counts(self, nlr_company):
        # R-S1 counts time in training as an apprentice or candidate, not time in one trade:
        # an apprentice who changed trade has still been "i lære" since the first contract.
        person = rows.apprentice()
        rows.contract(
            person,
            nlr_company,
            start=date(2025, 8, 1),
            end=date(2025, 12, 1),
            status=ContractStatus.TERMINATED,
            trade_=rows.trade("BUTMB3----", "Tømrerfaget"),
        )
        now = rows.contract(person, nlr_company, start=date(2026, 1, 1), end=FAR_END)
        # 122 + 273 days over two trades, more than the 334 of eleven months; neither alone is.
        assert eligible_ids() == {now.register_id}

    def test_time_as_a_candidate_before_an_apprentice_contract_counts(self, nlr_company):
        person = rows.apprentice()
        rows.contract(
            person,
            nlr_company,
            start=date(2025, 6, 1),
            end=date(2026, 1, 1),
            status=ContractStatus.COMPLETED,
            kind=ContractKind.CANDIDATE,
            trade_=rows.trade("BUTMB3----", "Tømrerfaget"),
        )
        now = rows.contract(person, nlr_company, start=date(2026, 1, 1), end=FAR_END)
        assert eligible_ids() == {now.register_id}

    def test_a_gap_after_a_contract_in_another_trade_is_not_counted(self, nlr_company):
        person = rows.apprentice()
        rows.contract(
            person,
            nlr_company,
            start=date(2025, 1, 1),
            end=date(2025, 2, 1),
            status=ContractStatus.TERMINATED,
            trade_=rows.trade("BUTMB3----", "Tømrerfaget"),
        )
        rows.contract(person, nlr_company, start=date(2026, 1, 1), end=FAR_END)
        # 31 + 273 days: the months between the contracts were not time in training.
        assert eligible_ids() == set()

    def test_overlapping_contracts_in_the_trade_are_not_counted_twice(self, nlr_company):
        person = rows.apprentice()
        rows.contract(
            person,
            nlr_company,
            start=date(2025, 12, 1),
            end=date(2026, 6, 1),
            status=ContractStatus.COMPLETED,
        )
        rows.contract(person, nlr_company, start=date(2026, 3, 1), end=FAR_END)
        # 182 + 214 days added up would pass; the 304 days actually spent do not.
        assert eligible_ids() == set()

    def test_an_apprentice_with_only_completed_contracts_is_not_in(self, nlr_company):
        rows.contract(
            rows.apprentice(),
            nlr_company,
            start=date(2024, 8, 1),
            end=date(2026, 8, 1),
            status=ContractStatus.COMPLETED,
        )
        assert eligible_ids() == set()

    def test_a_contract_starting_on_the_reference_date_after_a_long_one_is_in(self, nlr_company):
        person = rows.apprentice()
        rows.contract(
            person,
            nlr_company,
            start=date(2025, 8, 1),
            end=date(2026, 10, 1),
            status=ContractStatus.COMPLETED,
        )
        now = rows.contract(person, nlr_company, start=REFERENCE, end=FAR_END)
        assert eligible_ids() == {now.register_id}

    def test_a_contract_starting_after_the_reference_date_is_not_running_on_it(self, nlr_company):
        person = rows.apprentice()
        rows.contract(
            person,
            nlr_company,
            start=date(2024, 8, 1),
            end=date(2026, 9, 1),
            status=ContractStatus.COMPLETED,
        )
        rows.contract(person, nlr_company, start=date(2026, 10, 2), end=FAR_END)
        assert eligible_ids() == set()

    def test_a_company_not_registered_in_nlr_keeps_its_apprentices_out(self, county_a):
        rows.contract(
            rows.apprentice(),
            rows.company(county_a, nlr=False),
            start=date(2024, 8, 1),
            end=FAR_END,
        )
        assert eligible_ids() == set()

    def test_a_contract_no_longer_in_the_register_is_not_in(self, nlr_company):
        rows.contract(
            rows.apprentice(), nlr_company, start=date(2024, 8, 1), end=FAR_END, in_register=False
        )
        assert eligible_ids() == set()

    def test_a_running_contract_past_its_planned_end_counts_up_to_the_reference_date(
        self, nlr_company
    ):
        # Planned to end in June, still running on 1 October: prolonged, 351 days in training.
        prolonged = rows.contract(
            rows.apprentice(), nlr_company, start=date(2025, 10, 15), end=date(2026, 6, 1)
        )
        # Ten months on 1 October, whatever its planned end.
        rows.contract(rows.apprentice(), nlr_company, start=date(2025, 12, 1), end=date(2026, 9, 1))
        assert eligible_ids() == {prolonged.register_id}

    def test_a_contract_ended_since_the_reference_date_was_running_on_it(self, nlr_company):
        completed = rows.contract(
            rows.apprentice(),
            nlr_company,
            start=date(2024, 8, 1),
            end=date(2026, 10, 15),
            status=ContractStatus.COMPLETED,
        )
        rows.contract(
            rows.apprentice(),
            nlr_company,
            start=date(2024, 8, 1),
            end=date(2026, 10, 1),  # its last day was 30 September
            status=ContractStatus.TERMINATED,
        )
        assert eligible_ids() == {completed.register_id}

    def test_the_county_is_the_one_responsible_for_the_contract(
        self, county_a, county_b, nlr_company
    ):
        of_a = rows.contract(rows.apprentice(), nlr_company, start=date(2024, 8, 1), end=FAR_END)
        of_b = rows.contract(
            rows.apprentice(), nlr_company, county=county_b, start=date(2024, 8, 1), end=FAR_END
        )
        assert eligible_ids(county_a) == {of_a.register_id}
        assert eligible_ids(county_b) == {of_b.register_id}

    def test_time_in_another_county_counts_for_the_county_of_the_running_contract(
        self, county_a, county_b
    ):
        person = rows.apprentice()
        rows.contract(
            person,
            rows.company(county_b),
            start=date(2025, 6, 1),
            end=date(2026, 1, 1),
            status=ContractStatus.TERMINATED,
        )
        now = rows.contract(person, rows.company(county_a), start=date(2026, 1, 1), end=FAR_END)
        assert eligible_ids(county_a) == {now.register_id}
        assert eligible_ids(county_b) == set()

    def test_it_takes_two_queries_however_many_contracts(
        self, county_a, nlr_company, django_assert_num_queries
    ):
        for month in range(1, 13):
            person = rows.apprentice()
            rows.contract(
                person,
                nlr_company,
                start=date(2025, month, 1),
                end=date(2026, 1, 1),
                status=ContractStatus.COMPLETED,
            )
            rows.contract(person, nlr_company, start=date(2026, 1, 1), end=FAR_END)
        with django_assert_num_queries(2):
            found = list(lu_eligible_contracts(REFERENCE, county_a))
        # Apprentices who started in 2025 before 1 November of it pass.
        assert len(found) == 10
        assert all(isinstance(c, Contract) for c in found)
