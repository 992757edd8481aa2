from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .accounts import user_password_reset_temporary
from .models import Campaign, Committee, CommitteeChange, Member, Role, Theme, User, UserChange


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0


@admin.register(Committee)
class CommitteeAdmin(TreeAdmin):
    form = movenodeform_factory(Committee)
    list_display = ["name", "code", "kind", "active"]
    search_fields = ["name", "code"]
    list_filter = ["kind", "active"]
    inlines = [MemberInline]

    def get_search_results(self, request, queryset, search_term):
        """The autocomplete of a role's committee offers active committees only (retired ones take no new roles)."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "role" and request.GET.get("field_name") == "committee":
            queryset = queryset.filter(active=True)
        return queryset, duplicates


def _role_committees(request):
    """Active committees, plus those of the roles the edited user already holds (kept roles stay valid)."""
    from django.db.models import Q

    object_id = (request.resolver_match.kwargs if request.resolver_match else {}).get("object_id")
    held = Q(roles__user_id=object_id) if object_id and str(object_id).isdigit() else Q(pk__in=[])
    return Committee.objects.filter(Q(active=True) | held).distinct()


class RoleInline(admin.TabularInline):
    model = Role
    extra = 1
    autocomplete_fields = ["committee"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "committee":
            kwargs["queryset"] = _role_committees(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "full_name", "is_active", "is_superuser", "must_change_password"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Portal"), {"fields": ["full_name", "must_change_password"]}),)
    actions = ["reset_to_temporary_password"]

    @admin.action(description=_("Reset password to a temporary one (to be changed at next login)"))
    def reset_to_temporary_password(self, request, queryset):
        # The temporary passwords are shown once, to the administrator, who hands them over in person.
        for user in queryset:
            password = user_password_reset_temporary(user=user)
            self.message_user(
                request,
                gettext("Temporary password for %(username)s: %(password)s (to be changed at next login)")
                % {"username": user.username, "password": password},
                messages.WARNING,
            )


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "starts_on", "ends_on"]
    search_fields = ["name", "code"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    """Roles are edited with their user; here each role's history (the portal has no roles page yet)."""

    list_display = ["user", "kind", "committee"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__full_name", "committee__name"]
    autocomplete_fields = ["user", "committee"]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "position", "committee", "active"]
    search_fields = ["name", "committee__name"]
    autocomplete_fields = ["committee"]


class ReadOnlyLogAdmin(admin.ModelAdmin):
    """A log written by the portal's services: read here, never changed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CommitteeChange)
class CommitteeChangeAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "committee", "action", "old", "new", "user"]
    list_filter = ["action"]
    search_fields = ["committee__name", "committee__code", "old", "new"]
    list_select_related = ["committee", "user"]


@admin.register(UserChange)
class UserChangeAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "user", "action", "detail", "by"]
    list_filter = ["action"]
    search_fields = ["user__username", "user__full_name", "detail"]
    list_select_related = ["user", "by"]
