from django.contrib import admin
from django.urls import include, path

from committees import accounts

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # The portal's password change and reset confirm also clear a forced change (committees/accounts.py).
    path("accounts/password_change/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/profile/", accounts.profile, name="profile"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("health/", include("ops.urls")),
    path("reports/", include("reports.urls")),
    path("supervision/", include("supervision.urls")),
    path("assessment/", include("assessment.urls")),
    path("archive/", include("archive.urls")),
    path("imports/", include("imports.urls")),
    path("reminders/", include("reminders.urls")),
    path("committees/", include("committees.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("sessions_app.urls")),
]

# "You may not" is answered like "there is no such page" (committees/policy.py): a stray PermissionDenied is a 404.
handler403 = "committees.policy.denied_as_not_found"
