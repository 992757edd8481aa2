"""Writes to the committee tree and to users' roles."""
from django.db import transaction

from .models import Committee, Member, Role, User


def committee_create(*, parent=None, code, name, kind):
    fields = {"code": code, "name": name, "kind": kind}
    if parent is None:
        return Committee.objects.add_root(fields)
    # treebeard keeps `parent` stale after add_child; reload so the next child gets a fresh numchild.
    parent.refresh_from_db(fields=["numchild"])
    return Committee.objects.add_child(parent, fields)


def member_bulk_create(*, committee, people):
    """people: iterable of (name, position)."""
    return Member.objects.bulk_create(
        Member(committee=committee, name=name, position=position, order=i) for i, (name, position) in enumerate(people)
    )


@transaction.atomic
def user_create_with_role(*, username, password, full_name, committee, role, is_superuser=False):
    user = User.objects.create_user(
        username=username, password=password, full_name=full_name, is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    Role.objects.create(user=user, committee=committee, kind=role)
    return user
