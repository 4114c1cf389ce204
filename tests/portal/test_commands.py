import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from portal.demo import DEMO_LOGINS, DEMO_PASSWORD
from portal.models import Membership, Role, User

pytestmark = pytest.mark.django_db


def test_demo_data_gives_working_logins_for_each_role(client, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for login in DEMO_LOGINS:
        assert login.email in out
        assert client.login(email=login.email, password=DEMO_PASSWORD)
        assert client.get("/").status_code in {200, 302}
        client.logout()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {Role.NATIONAL, Role.COUNTY, Role.OFFICE}
    call_command("load_demo")  # a second run changes nothing and does not fail
    assert User.objects.filter(email__endswith="@demo.no").count() == len(DEMO_LOGINS)


@override_settings(DEMO_MODE=False)
def test_demo_data_is_refused_outside_demo_mode():
    with pytest.raises(CommandError, match="refused outside demo mode"):
        call_command("load_demo")
    assert not User.objects.exists()


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
