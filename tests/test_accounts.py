"""Accounts people can use: lockout and its release, password change and reset, profile, a forced change."""
import re
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.sites import site as admin_site
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core import mail
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from committees.admin import UserAdmin
from committees.models import User


def login_post(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def fail_until_locked(client, username):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_post(client, username, "wrong")


def test_it_locks_a_user_out_after_the_failure_limit(people):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login_post(client, "alice", "wrong").status_code == 200
    response = login_post(client, "alice", "wrong")
    assert response.status_code == 429
    # The right password is refused while the lock lasts, with the page that says when and whom to ask.
    response = login_post(client, "alice", "pw")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "请15分钟后再试" in page
    assert "宣传部系统管理员" in page


def test_it_locks_only_that_username_from_that_address(people):
    fail_until_locked(Client(), "alice")
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert login_post(other_address, "alice", "pw").status_code == 302
    assert login_post(Client(), "bella", "pw").status_code == 302


def test_behind_a_proxy_it_locks_the_client_address_the_proxy_saw_not_one_a_client_wrote(people, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    # The attacker writes a fresh address into X-Forwarded-For on every try; the proxy appends the real one.
    for forged in range(settings.AXES_FAILURE_LIMIT):
        client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{forged}, 203.0.113.7")
        login_post(client, "alice", "wrong")
    locked = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7")
    assert login_post(locked, "alice", "pw").status_code == 429
    elsewhere = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert login_post(elsewhere, "alice", "pw").status_code == 302


def test_it_releases_the_lock_after_the_cool_off(people):
    client = Client()
    fail_until_locked(client, "alice")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    response = login_post(client, "alice", "pw")
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()  # a success clears the count (AXES_RESET_ON_SUCCESS)


def test_it_releases_the_lock_with_axes_reset(people):
    client = Client()
    fail_until_locked(client, "alice")
    call_command("axes_reset")
    assert login_post(client, "alice", "pw").status_code == 302


def test_it_shows_whom_to_ask_and_the_reset_link_on_the_login_page(db, settings):
    page = Client().get(reverse("login")).content.decode()
    assert "宣传部系统管理员" in page
    assert reverse("password_reset") in page
    settings.SUPPORT_CONTACT = "宣传部信息科 电话 1234"
    assert "宣传部信息科 电话 1234" in Client().get(reverse("login")).content.decode()


def test_it_changes_the_password_from_the_user_menu(people, client):
    client.force_login(people.secretary_a)
    home = client.get(reverse("sessions_app:home")).content.decode()
    assert reverse("password_change") in home and reverse("profile") in home
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw", "new_password1": "Qiqihar-2026-study", "new_password2": "Qiqihar-2026-study"},
    )
    assert response.status_code == 302
    people.secretary_a.refresh_from_db()
    assert people.secretary_a.check_password("Qiqihar-2026-study")


def test_it_sends_a_reset_link_that_sets_a_new_password(people):
    people.secretary_a.email = "alice@example.org"
    people.secretary_a.save()
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.org"]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session marker first
    response = client.post(form_url, {"new_password1": "Qiqihar-2026-study", "new_password2": "Qiqihar-2026-study"})
    assert response.status_code == 302
    people.secretary_a.refresh_from_db()
    assert people.secretary_a.check_password("Qiqihar-2026-study")


def test_it_saves_the_profile_and_refuses_a_bad_email_at_the_field(people, client):
    client.force_login(people.secretary_a)
    response = client.post(reverse("profile"), {"full_name": "王丽", "email": "not-an-address"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert 'id="id_email"' in response.content.decode() and "is-invalid" in response.content.decode()
    response = client.post(reverse("profile"), {"full_name": "王丽", "email": "wangli@example.org"})
    assert response.status_code == 302
    people.secretary_a.refresh_from_db()
    assert (people.secretary_a.full_name, people.secretary_a.email) == ("王丽", "wangli@example.org")


def test_it_requires_login_for_the_profile(db):
    response = Client().get(reverse("profile"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def temporary_password_by_admin_action(admin, user):
    request = RequestFactory().post("/admin/committees/user/")
    request.user = admin
    request.session = {}
    request._messages = FallbackStorage(request)
    UserAdmin(User, admin_site).reset_to_temporary_password(request, User.objects.filter(pk=user.pk))
    text = str(list(request._messages)[0])
    return re.search(r"[:：]\s*(\S{12})", text).group(1)


def test_it_forces_a_change_after_an_administrator_reset(people):
    alice = people.secretary_a
    temporary = temporary_password_by_admin_action(people.admin, alice)
    alice.refresh_from_db()
    assert alice.must_change_password and alice.check_password(temporary)

    client = Client()
    assert login_post(client, "alice", temporary).status_code == 302
    for url in (reverse("sessions_app:home"), reverse("profile")):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200

    client.post(
        reverse("password_change"),
        {"old_password": temporary, "new_password1": "Qiqihar-2026-study", "new_password2": "Qiqihar-2026-study"},
    )
    alice.refresh_from_db()
    assert not alice.must_change_password
    assert client.get(reverse("sessions_app:home")).status_code == 200


def test_it_reads_the_lockout_numbers_from_the_environment_strictly(tmp_path):
    from .test_settings import run_with_env

    show = "import django;django.setup();from django.conf import settings as s;print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    result = run_with_env(tmp_path, args=("-c", show), SECRET_KEY="x" * 50, LOGIN_FAILURE_LIMIT="3", LOGIN_COOLOFF_MINUTES="60")
    assert result.stdout.split() == ["3", "1:00:00"], result.stderr
    result = run_with_env(tmp_path, args=("-c", show), SECRET_KEY="x" * 50, LOGIN_FAILURE_LIMIT="five")
    assert result.returncode != 0 and "LOGIN_FAILURE_LIMIT='five' is not an integer" in result.stderr
