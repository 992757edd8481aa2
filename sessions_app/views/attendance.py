from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext_lazy as _

from committees import policy
from studygroup.lists import render_list

from ..lists import AttendanceFilter, AttendanceTable, attendance_visible


@login_required
def attendance(request):
    """Attendance (出勤) of the records the user reads, one row per member: filter, sort, export what is shown."""
    policy.require(request.user, policy.READ)
    return render_list(
        request, "sessions_app/attendance.html", queryset=attendance_visible(request.user),
        filterset_class=AttendanceFilter, table_class=AttendanceTable, export_name="attendance",
        export_title=_("Attendance"),
    )
