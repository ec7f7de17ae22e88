"""Who sees personal data (DSGVO): one rule, declared on the models, read by every door.

A model that holds personal data names the fields (`PRIVATE_FIELDS`) and the permission that
lets a user see them (`PRIVATE_PERMISSION`). The admin (forms, lists, search, filters, history)
and the API ask `hidden_fields`; nobody else decides.

Producer accounts are people too: their user names (the local part of an e-mail address) are
shown only to staff who may see applicants' data; everyone else reads "producer account".
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model
from django.utils.translation import gettext as _

# Applicants' personal data and producers' accounts (LabelApplication, Producer).
APPLICANT_DATA_PERMISSION = "label.view_applicant_data"


def hidden_fields(user: AbstractBaseUser, model: type[Model]) -> frozenset[str]:
    """The fields of `model` that `user` may not see (empty when it may see them all)."""
    fields = frozenset(getattr(model, "PRIVATE_FIELDS", ()))
    if not fields or user.has_perm(model.PRIVATE_PERMISSION):
        return frozenset()
    return fields


def account_name(account: AbstractBaseUser | None, *, viewer: AbstractBaseUser) -> str:
    """How the admin names who did something: staff by name, a producer's account only for
    those who may see applicants' data."""
    if account is None:
        return "–"
    if account.is_staff or viewer.has_perm(APPLICANT_DATA_PERMISSION):
        return str(account)
    return _("producer account")
