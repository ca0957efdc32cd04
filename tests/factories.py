from __future__ import annotations

import factory

from saisei.accounts.models import Membership, Organisation, User
from saisei.accounts.roles import OrganisationKind, Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: f"Test {o.username}")
    password = factory.django.Password(None)  # unusable: tests sign in with force_login


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.INSTITUTION
    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"テスト機関{n}")
    name_en = factory.Sequence(lambda n: f"Test organisation {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.INSTITUTION_OFFICER
