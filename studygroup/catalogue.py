"""Words the portal owns where Django's catalogues translate the same msgid otherwise.

Django merges the translation catalogues so that, for one msgid, the first of these wins (verified in
django/utils/translation/trans_real.py, DjangoTranslation.__init__):

1. LOCALE_PATHS (the top-level ``locale/``), in the order listed;
2. INSTALLED_APPS, in the order listed: django.contrib.admin, auth, sessions …, the third-party apps
   (simple_history, django_filters …) all come *before* the portal's apps;
3. Django's own catalogue (django/conf/locale).

So a bare msgid the portal shares with an installed Django app is translated by that app: "session" read
会话 (django.contrib.sessions), "active" 有效 (django.contrib.auth), "History" 历史 (admin). The portal's
own code says what it means with a message context (pgettext: "unit"/"sessions", "study"/"session",
"switch"/"active", "rectification"/"closed at"). The msgids below are the ones still used bare somewhere
(another app's template or model, Django's admin): they are listed here so that makemessages keeps them
in the top-level catalogue, whose translation then wins everywhere. tests/test_translations_owned.py
checks every msgid the portal's catalogues share with an installed app.
"""
from django.utils.translation import gettext_noop

OWNED = [
    gettext_noop("session"),  # django.contrib.sessions: 会话
    gettext_noop("sessions"),  # django.contrib.sessions: 会话
    gettext_noop("active"),  # django.contrib.auth: 有效 (the portal means a switch: 启用)
    gettext_noop("History"),  # admin: 历史; simple_history: 历史记录 (the portal means 修改历史)
    gettext_noop("Change history: %s"),  # admin: 变更历史：%s
    gettext_noop("Add"),  # admin: 增加
    gettext_noop("Action"),  # admin: 动作
    gettext_noop("Clear all filters"),  # admin: 清除所有筛选
    gettext_noop("Home"),  # simple_history: 主页
    gettext_noop("email address"),  # django.contrib.auth: 电子邮件地址
    # Late entry is 补录 everywhere (a record entered after its month closed); 逾期 is for overdue items.
    gettext_noop("Late entry"),
    gettext_noop("entered late"),
    gettext_noop("Entered late"),
    gettext_noop("records entered late"),
]
