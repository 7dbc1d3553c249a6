from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "apps.payments"
    verbose_name = "资金发放"
    default_auto_field = "django.db.models.BigAutoField"
