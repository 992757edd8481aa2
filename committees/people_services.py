"""Writes of people administration: users, their roles and the auditor pool, each logged in UserChange.

The views decide who may do what (committees.people.may_administer and the choices they offer); these services
keep the rules that hold whoever acts: the last administrator of a subtree stays, nobody deactivates themselves,
a user keeps at least one role. Every call is one transaction: a refused change leaves nothing half-saved."""
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from studygroup.history import stamp, stamped

from .accounts import TEMPORARY_PASSWORD_CHARS, user_password_reset_temporary
from .models import Committee, Role, RoleKind, User, UserChange
from .models import UserChangeAction as Action


def _log(user, action, by, detail=""):
    UserChange.objects.create(user=user, action=action, by=by, detail=str(detail)[:255])


def role_text(kind, committee):
    return f"{RoleKind(kind).label} · {committee.name}"


@transaction.atomic
def person_create(*, by, username, full_name, email="", password="", must_change_password=True, committee, kind):
    """A user with one role. Without a password, a temporary one is made and returned (to hand over in person)."""
    from django.utils.crypto import get_random_string

    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user with this username already exists.")})
    user = User(username=username, full_name=full_name, email=email)
    temporary = None
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages})
        user.must_change_password = must_change_password
    else:
        temporary = password = get_random_string(12, TEMPORARY_PASSWORD_CHARS)
        user.must_change_password = True
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same username taken at the same moment by another administrator
        raise ValidationError({"username": _("A user with this username already exists.")})
    _log(user, Action.CREATE, by, username)
    _role_add(user=user, committee=committee, kind=kind, by=by)
    return user, temporary


@transaction.atomic
def person_update(*, by, user, full_name, email):
    user = User.objects.select_for_update().get(pk=user.pk)
    changes = []
    if user.full_name != full_name:
        changes.append(f"{User._meta.get_field('full_name').verbose_name}：{user.full_name or '—'} → {full_name or '—'}")
    if user.email != email:
        changes.append(f"{User._meta.get_field('email').verbose_name}：{user.email or '—'} → {email or '—'}")
    user.full_name, user.email = full_name, email
    user.full_clean(exclude=["password"])
    if changes:
        user.save(update_fields=["full_name", "email"])
        _log(user, Action.EDIT, by, "；".join(changes))
    return user


@transaction.atomic
def person_set_active(*, by, user, active):
    user = User.objects.select_for_update().get(pk=user.pk)
    if not active:
        if user.pk == by.pk:
            raise ValidationError({"active": _("You cannot deactivate yourself: ask another administrator.")})
        for role in user.roles.filter(kind=RoleKind.ADMIN).select_related("committee"):
            _keep_an_administrator(role)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        _log(user, Action.REACTIVATE if active else Action.DEACTIVATE, by)
    return user


@transaction.atomic
def person_password_reset(*, by, user):
    """A temporary password the user must change at their next login; returned to show once."""
    user = User.objects.select_for_update().get(pk=user.pk)
    password = user_password_reset_temporary(user=user)
    _log(user, Action.PASSWORD_RESET, by)
    return password


def _role_add(*, user, committee, kind, by):
    if Role.objects.filter(user=user, committee=committee, kind=kind).exists():
        raise ValidationError({"committee": _("This user already has this role on this committee.")})
    if not committee.active:
        raise ValidationError({"committee": _("This committee is retired: roles are no longer given on it.")})
    role = stamped(Role(user=user, committee=committee, kind=kind), by, stamp())
    role.save()
    _log(user, Action.ROLE_ADD, by, role_text(kind, committee))
    return role


@transaction.atomic
def role_give(*, by, user, committee, kind):
    return _role_add(user=User.objects.select_for_update().get(pk=user.pk), committee=committee, kind=kind, by=by)


@transaction.atomic
def role_take(*, by, role):
    role = Role.objects.select_for_update().select_related("committee", "user").get(pk=role.pk)
    if not role.user.roles.exclude(pk=role.pk).exists():
        raise ValidationError(_("A user keeps at least one role: deactivate the user instead."))
    if role.kind == RoleKind.ADMIN:
        _keep_an_administrator(role)
    text = role_text(role.kind, role.committee)
    stamped(role, by, stamp()).delete()
    _log(role.user, Action.ROLE_REMOVE, by, text)


def _keep_an_administrator(role):
    """Refuse to lose the last active administrator of `role`'s committee (on it or above it)."""
    committee = role.committee
    above = [committee.path[:i] for i in range(Committee.steplen, len(committee.path) + 1, Committee.steplen)]
    others = Role.objects.filter(
        kind=RoleKind.ADMIN, committee__path__in=above, user__is_active=True
    ).exclude(pk=role.pk)
    if not others.exists():
        raise ValidationError(
            gettext("%(committee)s would have no administrator left: give another user the administrator role first.")
            % {"committee": committee.name}
        )
