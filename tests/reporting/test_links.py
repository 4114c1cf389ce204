"""Every table a results page shows has its downloads, every link of a round's pages answers,
and every output of the same figure agrees."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"#]+)"')


def _crawl(client, start: str, prefix: str) -> dict[str, int]:
    """Status of every address under `prefix` reachable from `start` through the pages."""
    seen: dict[str, int] = {}
    queue = [start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            for link in HREF.findall(response.content.decode()):
                link = link.replace("&amp;", "&").split("?")[0]
                if link.startswith(prefix) and link not in seen:
                    queue.append(link)
    return seen


@pytest.mark.parametrize("persona", ["county", "office"])
def test_every_link_of_a_round_answers(client, published, county_a_admin, world, persona):
    from portal.models import Membership, Role, User

    if persona == "county":
        client.force_login(county_a_admin)
        prefix = "/fylke/46/resultater/2024/lu/"
    else:
        office = world.offices["big"]
        user = User.objects.create_user("kontor@big.test", "x")
        Membership.objects.create(user=user, role=Role.OFFICE, training_office=office)
        client.force_login(user)
        prefix = f"/kontor/{office.orgnr}/resultater/2024/lu/"
    seen = _crawl(client, prefix, prefix)
    broken = {url: status for url, status in seen.items() if status != 200}
    assert broken == {}
    assert f"{prefix}sporsmal/answers/" in seen  # the answers per group are linked
    for fmt in ("csv", "xlsx", "json"):
        assert seen.get(f"{prefix}tabeller/answers.{fmt}") == 200, fmt
    assert len(seen) > 10


def test_the_answers_per_group_agree_across_page_table_and_api(client, published, county_a_admin):
    client.force_login(county_a_admin)
    prefix = "/fylke/46/resultater/2024/lu/"
    page = client.get(f"{prefix}sporsmal/answers/").content.decode()
    links = [u for u in HREF.findall(page) if "answers" in u and u.endswith("json")]
    assert links, "the answers table has its JSON"
    table = json.loads(client.get(links[0]).content)
    api = json.loads(client.get("/api/resultater/2024/lu/fylke/46.json").content)
    by_unit: dict[str, object] = {}
    for document in (table, api):
        for t in document["tables"]:
            for figure in t["figures"]:
                if figure["item"] != "answers":
                    continue
                key = json.dumps(figure["unit"], sort_keys=True)
                assert by_unit.setdefault(key, figure["n"]) == figure["n"], key
    assert len(by_unit) > 3
