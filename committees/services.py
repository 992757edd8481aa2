"""Writes to the committee tree and to users' roles."""
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from studygroup.history import stamp, stamped

from .models import Committee, Member, Role, User


def committee_create(*, parent=None, code, name, kind):
    fields = {"code": code, "name": name, "kind": kind}
    if parent is None:
        return Committee.objects.add_root(fields)
    # treebeard keeps `parent` stale after add_child; reload so the next child gets a fresh numchild.
    parent.refresh_from_db(fields=["numchild"])
    return Committee.objects.add_child(parent, fields)


def member_bulk_create(*, committee, people, user=None):
    """people: iterable of (name, position). One history row per member, all with the same time and user."""
    members = [
        Member(committee=committee, name=name, position=position, order=i) for i, (name, position) in enumerate(people)
    ]
    return bulk_create_with_history(members, Member, batch_size=2000, default_user=user, default_date=stamp())


@transaction.atomic
def user_create_with_role(*, username, password, full_name, committee, role, is_superuser=False, by=None):
    """A user with one role; `by` is who made them (the role's history names them)."""
    user = User.objects.create_user(
        username=username, password=password, full_name=full_name, is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    stamped(Role(user=user, committee=committee, kind=role), by, stamp()).save()
    return user
