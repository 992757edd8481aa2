"""Writes to the committee tree and to users' roles."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from studygroup.history import stamp, stamped

from .models import Committee, CommitteeChange, Member, Role, User
from .models import CommitteeChangeAction as Action


def committee_create(*, parent=None, code, name, kind, user=None):
    """A committee under `parent` (a root without one). Made by a `user` in the portal: validated and logged."""
    fields = {"code": code, "name": name, "kind": kind}
    if user is not None:
        Committee(**fields).full_clean(exclude=["path", "depth", "numchild"])  # code format and uniqueness, kind
    with transaction.atomic():
        if parent is None:
            committee = Committee.objects.add_root(fields)
        else:
            # treebeard keeps `parent` stale after add_child; reload so the next child gets a fresh numchild.
            parent.refresh_from_db(fields=["numchild"])
            committee = Committee.objects.add_child(parent, fields)
        if user is not None:
            _log(committee, Action.CREATE, user, new=f"{code} {name}")
    return committee


def _log(committee, action, user, *, old="", new=""):
    CommitteeChange.objects.create(committee=committee, action=action, user=user, old=old[:255], new=new[:255])


@transaction.atomic
def committee_rename(*, committee, name, user):
    """A new name; the code stays (it is what imports, links and reports know the committee by)."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    old, committee.name = committee.name, name
    committee.full_clean(exclude=["path", "depth", "numchild", "code"])
    if old != name:
        committee.save(update_fields=["name"])
        _log(committee, Action.RENAME, user, old=old, new=name)
    return committee


@transaction.atomic
def committee_move(*, committee, parent, user):
    """`committee` and its subtree under `parent` (as the last child).

    The statistics follow by themselves: database triggers mark every month of the moved records when `path`
    changes, and the rollup worker recomputes them (reports/triggers.py)."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    parent = Committee.objects.get(pk=parent.pk)
    if parent.path.startswith(committee.path):
        raise ValidationError({"parent": _("A committee cannot be moved under itself or one of its own sub-committees.")})
    old_parent = Committee.objects.get_parent(committee)
    if old_parent is not None and old_parent.pk == parent.pk:
        return committee
    Committee.objects.move(committee, parent, pos="last-child")
    committee = Committee.objects.get(pk=committee.pk)
    _log(committee, Action.MOVE, user, old=old_parent.name if old_parent else "", new=parent.name)
    return committee


@transaction.atomic
def committee_retire(*, committee, user, active=False):
    """Retired (or, with active=True, reactivated): no longer offered for new records and roles; its records and
    figures stay."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    if committee.active != active:
        committee.active = active
        committee.save(update_fields=["active"])
        _log(committee, Action.REACTIVATE if active else Action.RETIRE, user)
    return committee


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
