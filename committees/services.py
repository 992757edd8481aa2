"""Writes to the committee tree and to users' roles."""
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
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


ROSTER_FIELDS = ("name", "position", "is_leader", "joined_on", "left_on", "order")


def _member_save(member, *, user):
    """Validate (field bounds, leave-before-join) and save with history naming `user`."""
    # Active means "on the roster today": it follows the leaving date, so existing readers of `active` agree.
    member.active = member.left_on is None or member.left_on > timezone.localdate()
    member.full_clean()
    member._history_user = user
    member.save()
    return member


@transaction.atomic
def member_create(*, committee, user, name, position="", is_leader=False, joined_on=None, left_on=None, order=None):
    """A member added to a committee's roster (at the end unless `order` is given)."""
    if order is None:
        order = (Member.objects.filter(committee=committee).aggregate(m=Max("order"))["m"] or 0) + 1
    member = Member(
        committee=committee, name=name, position=position, is_leader=is_leader, joined_on=joined_on,
        left_on=left_on, order=order,
    )
    return _member_save(member, user=user)


@transaction.atomic
def member_update(*, member, user, **changes):
    """Change a roster member's name, position, leader flag, dates or order; marking as left is a `left_on`."""
    unknown = set(changes) - set(ROSTER_FIELDS)
    if unknown:
        raise TypeError(f"member_update() got unexpected fields: {sorted(unknown)}")
    member = Member.objects.select_for_update().get(pk=member.pk)
    for name, value in changes.items():
        setattr(member, name, value)
    return _member_save(member, user=user)


@transaction.atomic
def user_create_with_role(*, username, password, full_name, committee, role, is_superuser=False, by=None):
    """A user with one role; `by` is who made them (the role's history names them)."""
    user = User.objects.create_user(
        username=username, password=password, full_name=full_name, is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    stamped(Role(user=user, committee=committee, kind=role), by, stamp()).save()
    return user
