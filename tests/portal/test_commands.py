import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.test import override_settings

from demo.portal_users import DEMO_LOGINS, DEMO_PASSWORD
from portal.models import Membership, Role, TrainingOffice, User
from registry_import.models import Contract, ContractStatus, ImportRun, ImportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_var(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_demo_data_gives_working_logins_for_each_role(client, capsys, demo_var):
    call_command("load_demo", "--scale", "tiny")
    out = capsys.readouterr().out
    for login in DEMO_LOGINS:
        assert login.email in out
        assert client.login(email=login.email, password=DEMO_PASSWORD)
        assert client.get("/").status_code in {200, 302}
        client.logout()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {Role.NATIONAL, Role.COUNTY, Role.OFFICE, Role.STATSFORVALTER}
    statsforvalter = Membership.objects.get(user__email="statsforvalter@demo.no").statsforvalter
    assert statsforvalter is not None
    assert statsforvalter.counties.filter(code="46").exists()
    accesses = dict(
        Membership.objects.filter(county__code="46").values_list("user__email", "access")
    )
    assert accesses["leser@demo.no"] == "reader"
    assert accesses["utsender@demo.no"] == "sender"
    assert accesses["fylke@demo.no"] == "administrator"
    county_codes = Membership.objects.filter(user__email="fylke@demo.no").values_list(
        "county__code", flat=True
    )
    assert sorted(county_codes) == ["12", "14", "46"]


def test_demo_register_is_a_synthetic_extract_imported_by_the_real_importer(capsys, demo_var):
    call_command("load_demo", "--scale", "tiny")
    assert sorted(p.name for p in (demo_var / "demo-extract").iterdir()) == [
        "faglige_ledere.csv",
        "kontrakter.csv",
        "laerebedrifter.csv",
        "opplaeringskontor.csv",
    ]
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.SUCCEEDED
    assert run.errors  # the extract's deliberately dirty rows are reported, not fatal
    assert Contract.objects.filter(county__code="46", status=ContractStatus.RUNNING).count() > 200
    # The office user administers the Vestland office with the most running contracts.
    busiest = (
        TrainingOffice.objects.filter(county__code="46")
        .annotate(n=Count("contracts", filter=Q(contracts__status=ContractStatus.RUNNING)))
        .order_by("-n", "orgnr")
        .first()
    )
    assert Membership.objects.get(user__email="kontor@demo.no").training_office == busiest
    assert busiest.name in capsys.readouterr().out


def test_a_second_demo_load_finds_the_register_unchanged(capsys, demo_var):
    call_command("load_demo", "--scale", "tiny")
    memberships = Membership.objects.count()
    call_command("load_demo", "--scale", "tiny")  # changes nothing and does not fail
    assert "Ingen endringer" in capsys.readouterr().out
    assert ImportRun.objects.latest("created_at").status == ImportStatus.UNCHANGED
    assert User.objects.filter(email__endswith="@demo.no").count() == len(DEMO_LOGINS)
    assert Membership.objects.count() == memberships


def test_the_demo_office_user_loses_an_office_from_an_earlier_demo(office_a, demo_var):
    user = User.objects.create_user("kontor@demo.no", "x")
    Membership.objects.create(user=user, role=Role.OFFICE, training_office=office_a)
    call_command("load_demo", "--scale", "tiny")
    office = user.memberships.get().training_office
    assert office != office_a
    assert office.county.code == "46"


@override_settings(DEMO_MODE=False)
def test_demo_data_is_refused_outside_demo_mode(demo_var):
    with pytest.raises(CommandError, match="refused outside demo mode"):
        call_command("load_demo")
    assert not User.objects.exists()
    assert not ImportRun.objects.exists()


def test_grant_access_creates_the_user_without_a_usable_password(county_a):
    call_command("grant_access", "Ny.Bruker@Vestland.test", "--county", "46")
    user = User.objects.get(email="ny.bruker@vestland.test")
    assert not user.has_usable_password()
    assert user.memberships.get().county == county_a


def test_grant_access_to_an_office_and_revoke_it(office_a, outsider):
    call_command("grant_access", outsider.email, "--office", office_a.orgnr)
    assert outsider.memberships.get().training_office == office_a
    call_command("grant_access", outsider.email, "--office", office_a.orgnr, "--revoke")
    assert not outsider.memberships.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--county", "99"], "no county has that number"),
        (["--office", "974760674"], "not a valid organisation number"),
        (["--office", "974760673"], "no training office has that number"),
    ],
)
def test_grant_access_explains_a_bad_target(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("grant_access", "x@y.test", *args)
    assert not User.objects.exists()


def test_the_demo_opens_the_surveys_and_prints_three_links_that_work(client, capsys, demo_var):
    import re

    from surveys.models import Round

    call_command("load_demo", "--scale", "tiny", "--base-url", "http://demo.test")
    out = capsys.readouterr().out
    links = re.findall(r"http://demo\.test(/s/\w+/)", out)
    assert len(links) == 3
    assert "LU:" in out and "ÅR and then LBU" in out and "ÅR of the training office" in out
    for path in links:
        page = client.get(path, follow=True)
        assert page.status_code == 200
        assert "Start" in page.content.decode() or "Del 1" in page.content.decode()
    assert all(r.is_frozen for r in Round.objects.all())
    # The open survey year's three rounds; the others are the published history.
    assert Round.objects.filter(anonymised_at__isnull=True).count() == 3
