"""Factories for tests: committees in a tree, members, users with roles, records of every kind."""
import datetime
import itertools

import factory
from django.utils import timezone

from committees.models import Campaign, CommitteeKind, Member, Role, RoleKind, Theme, User
from committees.services import committee_create
from sessions_app.models import Activity, ActivityKind

_codes = itertools.count(1)


def make_committee(parent=None, *, code=None, name=None, kind=None):
    n = next(_codes)
    kind = kind or (CommitteeKind.CITY if parent is None else CommitteeKind.COUNTY)
    return committee_create(parent=parent, code=code or f"c{n}", name=name or f"委员会{n}", kind=kind)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(committee, kind, **kwargs):
    user = UserFactory(**kwargs)
    if committee is not None:
        Role.objects.create(user=user, committee=committee, kind=kind)
    return user


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"成员{n}")
    position = "委员"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    code = factory.Sequence(lambda n: f"campaign-{n}")
    name = factory.Sequence(lambda n: f"学习活动{n}")
    starts_on = datetime.date(2021, 10, 15)
    ends_on = datetime.date(2021, 11, 15)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    code = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"主题{n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = ActivityKind.COLLECTIVE
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    title = factory.Sequence(lambda n: f"学习主题{n}")


__all__ = [
    "ActivityFactory", "CampaignFactory", "MemberFactory", "ThemeFactory", "UserFactory", "make_committee",
    "user_with_role", "RoleKind",
]
