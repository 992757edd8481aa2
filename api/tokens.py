"""API tokens for scripts: one per user, made anew (the old one stops working) from the profile page or with
`manage.py api_token <username>`; the key is shown once."""
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token


@transaction.atomic
def token_rotate_for(user):
    """A new token for `user`; the previous one, if any, no longer authenticates."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@never_cache
@require_POST
@login_required
def token_rotate(request):
    token = token_rotate_for(request.user)
    return render(request, "api/token.html", {"key": token.key})
