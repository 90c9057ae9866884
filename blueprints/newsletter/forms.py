"""The subscribe form: one email field, with the spam guard every public form carries."""

from __future__ import annotations

from wtforms import EmailField
from wtforms.validators import DataRequired, Length

from blueprints.shared.spam import PublicForm
from blueprints.shared.validators import EmailAddress

EMAIL_MAX = 320
# Its fields get ids of their own ("newsletter-email"), so it can share a page with other forms.
FORM_PREFIX = "newsletter"


class SubscribeForm(PublicForm):
    """Just the address new articles should go to."""

    email = EmailField(
        "Your email",
        validators=[
            DataRequired("Please enter your email address."),
            Length(max=EMAIL_MAX, message="That email address is too long."),
            EmailAddress("That doesn't look like an email address. Please check it."),
        ],
    )


def subscribe_form(*, fresh: bool = False) -> SubscribeForm:
    """The form, read from the request, or `fresh` (empty and stamped) for a page to show."""
    if fresh:
        form = SubscribeForm(formdata=None, prefix=FORM_PREFIX)
        form.prime_spam_guard()
        return form
    return SubscribeForm(prefix=FORM_PREFIX)
