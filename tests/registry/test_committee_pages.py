"""A committee's record corrected and its members' standing on the roster changed, on pages (in
both languages) and in the API: the form filled from the record, a refusal on its field, the
roster's buttons for those who keep it, 404 for a member of another committee, 403 for whoever
sees the roster but does not keep it, and the house error body."""

from __future__ import annotations

from datetime import timedelta

import pytest

from saisei.registry.models import CommitteeMember
from saisei.registry.services import committee_member_add
from tests.registry.test_committee_edit import _form

pytestmark = pytest.mark.django_db


# --- the pages -----------------------------------------------------------------------------------


def test_the_edit_page_is_filled_from_the_record_in_either_language(world, client_for) -> None:
    committee = world.committee
    url = f"/registry/committees/{committee.pk}/edit/"
    english = client_for("regulator").get(url, HTTP_ACCEPT_LANGUAGE="en")
    body = english.content.decode()
    assert english.status_code == 200
    assert "Correct a committee&#x27;s record" in body
    assert f'value="{committee.name}"' in body
    assert f'value="{committee.certification_number}"' in body
    assert f'value="{committee.certified_on.isoformat()}"' in body
    assert 'name="slug"' not in body
    japanese = client_for("secretariat").get(url, HTTP_ACCEPT_LANGUAGE="ja")
    assert japanese.status_code == 200
    assert "委員会の記録の訂正" in japanese.content.decode()


def test_the_edit_page_saves_and_the_committee_page_shows_it(world, client_for) -> None:
    committee = world.committee
    client = client_for("regulator")
    data = _form(committee, name="架空 訂正後委員会", scope="第一種・第二種")
    response = client.post(
        f"/registry/committees/{committee.pk}/edit/", data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/registry/committees/{committee.pk}/"
    committee.refresh_from_db()
    assert (committee.name, committee.scope) == ("架空 訂正後委員会", "第一種・第二種")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "架空 訂正後委員会" in page
    assert "The committee&#x27;s record is changed." in page


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "so the kind stays as registered"),
        ("ja", "種類は登録のまま"),
    ],
)
def test_a_refused_kind_is_shown_on_its_field_in_the_pages_language(
    world, client_for, language, message
) -> None:
    committee = world.committee
    data = _form(committee, kind="certified", certification_number="NB3999001")
    response = client_for("regulator").post(
        f"/registry/committees/{committee.pk}/edit/", data, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert message in body
    assert 'id="id_kind_error"' in body
    committee.refresh_from_db()
    assert committee.kind == "specially_certified"


def test_the_edit_page_refuses_others_before_reading_the_form(world, client_for) -> None:
    committee = world.committee
    url = f"/registry/committees/{committee.pk}/edit/"
    assert client_for("officer").get(url).status_code == 403
    refused = client_for("member").post(url, _form(committee, name="架空 不正"))
    assert refused.status_code == 403
    committee.refresh_from_db()
    assert committee.name != "架空 不正"
    assert client_for("regulator").get("/registry/committees/999999/edit/").status_code == 404


def test_the_committee_page_shows_the_roster_and_its_buttons_to_those_who_keep_it(
    world, client_for
) -> None:
    committee = world.committee
    url = f"/registry/committees/{committee.pk}/"
    edit = f"/registry/committees/{committee.pk}/edit/"
    first = world.members[0]
    deactivate = f"/registry/committees/{committee.pk}/members/{first.pk}/deactivate/"
    regulator = client_for("regulator").get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mark inactive" in regulator and deactivate in regulator and edit in regulator
    assert "Correct the record" in regulator
    secretariat = client_for("secretariat").get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "退任にする" in secretariat and deactivate in secretariat
    assert "記録を訂正" in secretariat
    # A member sees the roster, not its buttons; the public sees neither.
    member = client_for("member").get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert first.name in member and deactivate not in member and edit not in member
    public = client_for(None).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert first.name not in public and "Mark inactive" not in public


@pytest.mark.parametrize(
    ("language", "again"),
    [("en", "This member is already inactive."), ("ja", "この委員は既に退任になっています。")],
)
def test_a_member_is_deactivated_and_reactivated_on_the_committee_page(
    world, client_for, language, again
) -> None:
    committee = world.committee
    member = world.members[0]
    base = f"/registry/committees/{committee.pk}/members/{member.pk}"
    client = client_for("secretariat")
    done = client.post(f"{base}/deactivate/", HTTP_ACCEPT_LANGUAGE=language)
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.is_active is False
    twice = client.post(f"{base}/deactivate/", HTTP_ACCEPT_LANGUAGE=language)
    assert twice.status_code == 409
    assert again in twice.content.decode()
    page = client.get(f"/registry/committees/{committee.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"{base}/reactivate/" in page.content.decode()
    assert client.post(f"{base}/reactivate/").status_code == 302
    member.refresh_from_db()
    assert member.is_active is True


def test_a_member_of_another_committee_is_not_found_and_others_are_refused(
    world, client_for
) -> None:
    committee = world.committee
    stranger = committee_member_add(
        committee=world.certified_committee,
        name="架空 別委員会の委員",
        category="h",
        sex="male",
        independent_of_founder=True,
        actor=None,
        system="test",
    )
    wrong = f"/registry/committees/{committee.pk}/members/{stranger.pk}/deactivate/"
    assert client_for("regulator").post(wrong).status_code == 404
    stranger.refresh_from_db()
    assert stranger.is_active is True
    member = world.members[0]
    url = f"/registry/committees/{committee.pk}/members/{member.pk}/deactivate/"
    assert client_for("member").post(url).status_code == 403
    assert client_for("officer").post(url).status_code == 404
    assert client_for("regulator").get(url).status_code == 405
    member.refresh_from_db()
    assert member.is_active is True


# --- the API -------------------------------------------------------------------------------------


def test_the_api_corrects_a_committees_record_and_refuses_its_renewal_basis(
    world, client_for
) -> None:
    committee = world.committee
    url = f"/api/v1/committees/{committee.pk}"
    client = client_for("regulator")
    ok = client.put(url, _form(committee, name_en="Corrected (fictional)"), "application/json")
    assert ok.status_code == 200
    assert ok.json()["name_en"] == "Corrected (fictional)"
    earlier = (committee.certified_on - timedelta(days=1)).isoformat()
    refused = client.put(
        url, _form(committee, certified_on=earlier), "application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "committee_renewal_basis_fixed"
    assert [e["field"] for e in body["details"]["errors"]] == ["certified_on"]
    assert body["message"].startswith("The committee's renewal duty counts from")
    too_long = client.put(url, _form(committee, name="架" * 201), "application/json")
    assert too_long.status_code == 422
    assert set(too_long.json()) == {"code", "message", "details"}
    officer = client_for("officer").put(url, _form(committee, name="x"), "application/json")
    assert (officer.status_code, officer.json()["code"]) == (403, "permission_denied")
    committee.refresh_from_db()
    assert committee.name_en == "Corrected (fictional)"


def test_the_api_deactivates_and_reactivates_a_member_once_each(world, client_for) -> None:
    committee = world.committee
    member = world.members[0]
    base = f"/api/v1/committees/{committee.pk}/members/{member.pk}"
    client = client_for("secretariat")
    done = client.post(f"{base}/deactivate")
    assert (done.status_code, done.json()["is_active"]) == (200, False)
    twice = client.post(f"{base}/deactivate", HTTP_ACCEPT_LANGUAGE="ja")
    assert twice.status_code == 409
    assert twice.json() == {
        "code": "conflict",
        "message": "この委員は既に退任になっています。",
        "details": {"member": member.pk},
    }
    assert client.post(f"{base}/reactivate").json()["is_active"] is True
    assert client.post(f"{base}/reactivate").status_code == 409
    assert client_for("member").post(f"{base}/deactivate").status_code == 403
    other = f"/api/v1/committees/{world.certified_committee.pk}/members/{member.pk}/deactivate"
    assert client_for("regulator").post(other).status_code == 404
    assert CommitteeMember.objects.get(pk=member.pk).is_active is True
