from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    """The shared page furniture: the base template, form includes and mixins, error pages, the view kit.

    A leaf: it imports no other app of the project, so every app can use it. Who may do what is asked of the
    user object (`user.has_perm`, answered by `samrad.accounts.permissions`), never of another app's code.
    """

    name = "samrad.ui"
    verbose_name = _("User interface")
