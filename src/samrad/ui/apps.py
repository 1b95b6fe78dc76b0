from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The first, empty choice of every select list. Django 6.1's own ("- Select an option -") has no Swedish
# translation in Django's catalogue, so the platform names it (Django invites apps to set it in ready()).
BLANK_CHOICE_LABEL = pgettext_lazy("the empty first choice of a select list", "Choose")


class UiConfig(AppConfig):
    """The shared page furniture: the base template, form includes and mixins, error pages, the view kit.

    A leaf: it imports no other app of the project, so every app can use it. Who may do what is asked of the
    user object (`user.has_perm`, answered by `samrad.accounts.permissions`), never of another app's code.
    """

    name = "samrad.ui"
    verbose_name = _("User interface")

    def ready(self) -> None:
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL
