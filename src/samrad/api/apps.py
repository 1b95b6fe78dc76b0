from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "samrad.api"
    verbose_name = "API"
