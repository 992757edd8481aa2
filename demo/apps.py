from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo city and the qiqihar-2021 scenario (`manage.py load_demo`): above the domain apps, which never
    import it."""

    name = "demo"
    verbose_name = "Demo data"
