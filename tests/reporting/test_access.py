"""Who reaches which results route: persona → status, GET and POST. Organisation routes answer
404 outside the user's organisations; the national figures' JSON is open to everyone."""

import pytest

from portal.models import Membership, Role, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PERSONAS = ["national", "county_a", "county_b", "office_a", "office_b", "outsider", "anonymous"]


@pytest.fixture
def personas(
    published, national_admin, county_a_admin, county_b_admin, office_a_admin, outsider, world
):
    office_b_admin = User.objects.create_user("leder@okost.test", PASSWORD)
    Membership.objects.create(
        user=office_b_admin, role=Role.OFFICE, training_office=world.offices["oslo"]
    )
    return {
        "national": national_admin,
        "county_a": county_a_admin,
        "county_b": county_b_admin,
        "office_a": office_a_admin,
        "office_b": office_b_admin,
        "outsider": outsider,
        "anonymous": None,
    }


def _expect(owner: str, *, login_redirect: bool = True) -> dict[str, int]:
    expected = {p: 404 for p in PERSONAS}
    expected[owner] = 200
    expected["anonymous"] = 302 if login_redirect else 404
    return expected


COUNTY = "/fylke/46/resultater/"
OFFICE = "/kontor/970000011/resultater/"
NATIONAL = "/nasjonalt/resultater/"
ROUTES = [
    (COUNTY, _expect("county_a")),
    (COUNTY + "2024/lu/", _expect("county_a")),
    (COUNTY + "2024/lu/sporsmal/indeks-trivsel/", _expect("county_a")),
    (COUNTY + "lu/utvikling/", _expect("county_a")),
    (COUNTY + "2024/lu/oppfolging/", _expect("county_a")),
    (COUNTY + "2024/lu/pdf/", _expect("county_a")),
    (COUNTY + "2024/lu/tabeller/oversikt.csv", _expect("county_a")),
    (COUNTY + "2024/lu/tabeller/indeks-trivsel.xlsx", _expect("county_a")),
    (COUNTY + "2024/lu/tabeller/utvikling.json", _expect("county_a")),
    ("/fylke/46/mal/2030/", _expect("county_a")),
    (OFFICE, _expect("office_a")),
    (OFFICE + "2024/lu/", _expect("office_a")),
    (OFFICE + "2024/lu/sporsmal/trivsel_trives/", _expect("office_a")),
    (OFFICE + "lu/utvikling/", _expect("office_a")),
    (OFFICE + "2024/lu/oppfolging/", _expect("office_a")),
    (OFFICE + "2024/lu/tabeller/oversikt.json", _expect("office_a")),
    ("/kontor/970000011/mal/2030/", _expect("office_a")),
    (NATIONAL, _expect("national")),
    (NATIONAL + "2024/lu/", _expect("national")),
    (NATIONAL + "2024/lu/sporsmal/indeks-trivsel/", _expect("national")),
    (NATIONAL + "lu/utvikling/", _expect("national")),
    (NATIONAL + "2024/lu/tabeller/oversikt.csv", _expect("national")),
    ("/nasjonalt/forskning/", _expect("national")),
    ("/api/resultater/2024/lu/fylke/46.json", _expect("county_a", login_redirect=False)),
    ("/api/resultater/2024/lu/kontor/970000011.json", _expect("office_a", login_redirect=False)),
    ("/api/resultater/2024/lu/nasjonalt.json", {p: 200 for p in PERSONAS}),
]


@pytest.mark.parametrize(("url", "expected"), ROUTES, ids=[r[0] for r in ROUTES])
def test_each_persona_gets_the_expected_status(client, personas, world, url, expected):
    assert world.offices["big"].orgnr == "970000011"
    for persona, user in personas.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected[persona], (persona, url)


@pytest.mark.parametrize(
    "url",
    [COUNTY + "2024/lu/pdf/", "/fylke/46/mal/2030/", "/nasjonalt/forskning/"],
)
def test_posts_outside_the_organisation_are_404(client, personas, url):
    for persona in ("county_b", "office_a", "outsider"):
        client.force_login(personas[persona])
        assert client.post(url, {}).status_code == 404


def test_unknown_surveys_years_and_items_are_404(client, county_a_admin, published):
    client.force_login(county_a_admin)
    for url in [
        COUNTY + "2024/ar/",
        COUNTY + "2019/lu/",
        COUNTY + "2024/lu/sporsmal/finnes_ikke/",
        COUNTY + "2024/lu/tabeller/oversikt.pdf",
        COUNTY + "2024/lu/tabeller/finnes_ikke.csv",
    ]:
        assert client.get(url).status_code == 404, url
