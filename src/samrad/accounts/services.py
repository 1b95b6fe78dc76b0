"""Every write about people: accounts, memberships, and logging in by link."""

import enum
import time
import uuid

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from samrad.accounts.login_links import login_link_url, login_link_user, login_link_validity_text
from samrad.accounts.models import Membership, User
from samrad.accounts.selectors import user_find_by_email, user_is_coordinator, users_with_email
from samrad.accounts.throttles import mark_get, mark_set, throttle_hit, throttle_reached
from samrad.actors import MANAGE_PEOPLE, Actor, may
from samrad.audit.services import audit_record, model_changes
from samrad.notifications.services import email_enqueue
from samrad.organisations.models import Organisation

USERNAME_MAX_LENGTH = 150


def email_normalise(email: str) -> str:
    """The address as stored: surrounding space removed and the domain in lower case. The part before the @
    keeps its case (some mail servers honour it); uniqueness and look-ups ignore case anyway."""
    address = User.objects.normalize_email(email.strip())
    validate_email(address)
    return address


def _is_system(actor: Actor) -> bool:
    """No acting user: a management command, the demo, a background job."""
    return actor is None or isinstance(actor, str)


def _is_staff(actor: Actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and (actor.is_staff or actor.is_superuser))


def _username_for(email: str) -> str:
    candidate = email.lower()
    if len(candidate) <= USERNAME_MAX_LENGTH and not User.objects.filter(username__iexact=candidate).exists():
        return candidate
    return f"user-{uuid.uuid4().hex}"


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    email: str,
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
    password: str | None = None,
    for_organisation: Organisation | None = None,
) -> User:
    """Create a person's account. Coordinators may create accounts (to invite people), and so may the gatekeepers
    of `for_organisation` (its registry) when inviting a colleague there; only the system or a superuser may
    create staff. Without a password the account logs in by link only."""
    if not _is_system(actor):
        inviting = for_organisation is not None and may(actor, MANAGE_PEOPLE, for_organisation)
        if not (inviting or user_is_coordinator(actor)):
            raise PermissionDenied(_("Only coordinators may create accounts."))
        if is_staff and not actor.is_superuser:
            raise PermissionDenied(_("Only an administrator may create staff accounts."))
    address = email_normalise(email)
    if users_with_email(address).exists():
        raise ValidationError({"email": _("A user with this e-mail address already exists.")})
    user = User(
        username=_username_for(address),
        email=address,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_staff=is_staff,
    )
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent request registered the same address
        raise ValidationError({"email": _("A user with this e-mail address already exists.")}) from exc
    audit_record(
        actor=actor,
        action="accounts.user_created",
        target=user,
        changes=model_changes(user, ["email", "first_name", "last_name", "is_staff"], None),
    )
    return user


@transaction.atomic
def user_deactivate(*, actor: Actor, user: User) -> User:
    """Stop an account from logging in (its sessions end at their next request; its history stays)."""
    if not (_is_system(actor) or _is_staff(actor)):
        raise PermissionDenied(_("Only staff may deactivate accounts."))
    if getattr(actor, "pk", None) == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="accounts.user_deactivated", target=user, changes={"is_active": [True, False]})
    return user


def _may_grant(actor: Actor, organisation: Organisation, role: str) -> bool:
    """Roles at an organisation are given by the system, platform staff or that organisation's own gatekeepers
    (its coordinators and its registry): a role gives access to the organisation's drafts, so a coordinator
    elsewhere must never be able to give one. The registry role follows the registry address and is given by
    the system alone (accounts.registry)."""
    if role == Membership.Role.REGISTRY:
        return _is_system(actor)
    return _is_system(actor) or may(actor, MANAGE_PEOPLE, organisation)


@transaction.atomic
def membership_add(
    *, actor: Actor, user: User, organisation: Organisation, role: str, via_pass_on: bool = False
) -> Membership:
    """Give `user` a role at `organisation`; if they already belong to it, change their role. `via_pass_on`
    marks a new respondent membership as given by passing a consultation on (it never changes an existing one)."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if not _may_grant(actor, organisation, role):
        raise PermissionDenied(_("You may not give people this role at this organisation."))
    membership = Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
    if membership is None:
        membership = Membership.objects.create(user=user, organisation=organisation, role=role, via_pass_on=via_pass_on)
        changes = {"user": [None, user.pk], "organisation": [None, organisation.pk], "role": [None, role]}
        if via_pass_on:
            changes["via_pass_on"] = [None, True]
        audit_record(actor=actor, action="accounts.membership_added", target=membership, changes=changes)
        return membership
    if membership.role != role:
        previous = membership.role
        membership.role = role
        membership.via_pass_on = False  # a role given on purpose outlives any pass-on
        membership.save(update_fields=["role", "via_pass_on"])
        audit_record(
            actor=actor,
            action="accounts.membership_role_changed",
            target=membership,
            changes={"role": [previous, role]},
        )
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership: Membership) -> None:
    """End a membership. Staff, a coordinator of that organisation, or the member themselves may do it. Whose
    membership it is and where is read from the stored row: the caller's instance counts for its key only."""
    membership = Membership.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=membership.pk)
    own = getattr(actor, "pk", None) == membership.user_id
    if not (own or _is_system(actor) or may(actor, MANAGE_PEOPLE, membership.organisation)):
        raise PermissionDenied(_("You may not remove people from this organisation."))
    audit_record(
        actor=actor,
        action="accounts.membership_removed",
        target=membership,
        changes={
            "user": [membership.user_id, None],
            "organisation": [membership.organisation_id, None],
            "role": [membership.role, None],
        },
    )
    membership.delete()


class LoginLinkOutcome(enum.Enum):
    # The one answer for every address, known or not, whether or not a message went out: "if the address has an
    # account, a link is on its way". Nothing about the address is ever refused in a way the asker can see.
    ACCEPTED = "accepted"
    # This client (IP address, IPv6 per /64) has asked far more often than any office does; nothing was looked
    # up or sent. Says nothing about the address.
    CLIENT_THROTTLED = "client_throttled"


LINK_SENT_SCOPE = "login_link.sent"


def _unused_link_outstanding(user: User) -> bool:
    """Whether the newest link mailed to `user` can still log them in: younger than a link lives and sent after
    their last login (logging in spends every earlier link)."""
    sent_at = mark_get(scope=LINK_SENT_SCOPE, value=str(user.pk))
    if sent_at is None or time.time() - sent_at >= settings.SESAME_MAX_AGE:
        return False
    return user.last_login is None or sent_at > user.last_login.timestamp()


def login_link_request(*, email: str, request_ip: str, next_url: str = "") -> LoginLinkOutcome:
    """Someone asks for a login link. Nobody can keep a person from signing in, nor an office behind one IP
    address from signing in its people, and nobody can flood a mailbox or probe the register:

    - per client: LOGIN_LINK_CLIENT_RATE requests (high: meant for abuse, not for an office's shared address);
      over it the client is told to wait (CLIENT_THROTTLED), whatever address it asked for;
    - per address: LOGIN_LINK_MAILS_PER_ADDRESS mails, and per (client, address) LOGIN_LINK_CLIENT_ADDRESS_RATE
      requests. Over either, nothing more is sent *while the newest link is unused and valid*: the person already
      has a working link in their inbox. Once it is spent (they logged in) or expired, the next request sends one,
      so a stranger's requests can use up the mails but never leave the owner without a link.

    Known and unknown addresses take the same path as far as possible (the same counters, one look-up) and get
    the same answer, so the answer never tells whether an account exists.

    An organisation's registry address gets a link too, even if nobody ever made its account: it is given one,
    with the registry role (accounts.registry). The link goes to that mailbox, whose reader is the organisation's
    own gatekeeper, so asking for it gives the asker nothing."""
    address = email.strip()
    key = address.lower()
    if throttle_hit(scope="login_link.client", value=request_ip, rate=settings.LOGIN_LINK_CLIENT_RATE):
        return LoginLinkOutcome.CLIENT_THROTTLED
    over_pair = throttle_hit(
        scope="login_link.client_address", value=f"{request_ip}\n{key}", rate=settings.LOGIN_LINK_CLIENT_ADDRESS_RATE
    )
    # An organisation's registry address may ask too: whoever reads that mailbox is its gatekeeper, so the
    # address gets an account and the registry role first (and an address that is no longer a registry loses it).
    from samrad.accounts.registry import registry_access_refresh_for

    registry_access_refresh_for(address)
    user = user_find_by_email(address)
    if user is None:
        return LoginLinkOutcome.ACCEPTED
    with transaction.atomic():
        # One request at a time per person decides whether to send, so that racing requests cannot both pass.
        user = User.objects.select_for_update().get(pk=user.pk)
        over_address = throttle_reached(scope="login_link.mails", value=key, rate=settings.LOGIN_LINK_MAILS_PER_ADDRESS)
        if (over_pair or over_address) and _unused_link_outstanding(user):
            return LoginLinkOutcome.ACCEPTED  # silently nothing: their inbox holds a link that works
        throttle_hit(scope="login_link.mails", value=key, rate=settings.LOGIN_LINK_MAILS_PER_ADDRESS)
        login_link_send(user=user, next_url=next_url)
        mark_set(scope=LINK_SENT_SCOPE, value=str(user.pk), seconds=settings.SESAME_MAX_AGE)
    return LoginLinkOutcome.ACCEPTED


@transaction.atomic
def login_link_send(*, user: User, next_url: str = "") -> None:
    """Queue an e-mail with a fresh login link to an active user (any earlier link stays valid until one of
    them is used)."""
    if not user.is_active:
        raise ValidationError(_("This account is deactivated."))
    context = {
        "user": user,
        "link": login_link_url(user, next_url=next_url),
        "validity": login_link_validity_text(),
    }
    email_enqueue(
        to=[user.email],
        subject=_("Your login link for Samråd"),
        body_text=render_to_string("accounts/email/login_link.txt", context),
        body_html=render_to_string("accounts/email/login_link.html", context),
        category="accounts.login_link",
    )


def login_link_redeem(*, request: HttpRequest, token: str | None, grant: str | None = None) -> User | None:
    """Log in with a link's token and use the token up. None if it is expired, used, tampered with or belongs
    to a deactivated account. `grant` is a grant link's end (see login_links)."""
    if not token:
        return None
    with transaction.atomic():
        user = login_link_user(token, grant=grant)
        if user is None:
            return None
        # Two clicks racing on one link: the second waits for this lock, then finds the token spent (logging
        # in below changes last_login, which the token is bound to).
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        user = login_link_user(token, grant=grant)
        if user is None:
            return None
        login(request, user)
        if grant:
            # A link that lived for days (a registry's, a pass-on's): who used it, and until when it was valid.
            audit_record(actor=user, action="accounts.grant_link_used", target=user, changes={"valid_until": grant})
    return user
