"""The synthetic history's report classes are the ones production makes at the freeze."""

from collections import Counter

from demo.synthetic_results import Person, report_classes

COUNTY, OFFICE_1, OFFICE_2, OFFICE_3 = 1, 11, 12, 13
TRADE_1, TRADE_2, TRADE_3 = 21, 22, 23


def fourteen_lbu_leaders() -> list[Person]:
    """5 in office 1 / trade 1, 7 in trade 2 spread over two offices, 2 others: the smallest
    class merged into the rest (the old synthetic rule) and the coarsest one (production's)
    give different shapes."""
    return [
        *[Person(COUNTY, OFFICE_1, None, TRADE_1)] * 5,
        *[Person(COUNTY, OFFICE_2, None, TRADE_2)] * 3,
        *[Person(COUNTY, OFFICE_3, None, TRADE_2)] * 4,
        Person(COUNTY, OFFICE_2, None, TRADE_3),
        Person(COUNTY, None, None, None),
    ]


def test_fourteen_lbu_leaders_get_production_classes():
    people = fourteen_lbu_leaders()
    classes = report_classes(people, "LBU", 5)
    assert {key: len(members) for key, members in classes.items()} == {
        (COUNTY, OFFICE_1, None, TRADE_1, ""): 5,
        (COUNTY, None, None, None, ""): 9,
    }
    assert Counter(p for members in classes.values() for p in members) == Counter(people)
