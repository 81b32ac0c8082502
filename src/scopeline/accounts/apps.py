from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "scopeline.accounts"
    label = "accounts"
    verbose_name = "Accounts and workspaces"
