"""Users and groups: the one place that creates, changes and deletes them.

Used by the ``/@@users`` and ``/@@groups`` views, ``/@@preferences`` and
``cms-admin``. Who may is checked by the caller (site managers, or a user
for their own profile); these functions check everything else.
"""

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cms.models import ADMINS, Group, User
from cms.security.passwords import hash_password, password_problem
from cms.security.sessions import end_all_sessions
from cms.services.errors import FieldErrors, Invalid, NameClash

Data = dict[str, Any]

LOGIN_PATTERN = re.compile(r"[a-z0-9._-]{1,64}")
GROUP_PATTERN = LOGIN_PATTERN
EMAIL_PATTERN = re.compile(r"[^@\s\x00]{1,64}@[^@\s\x00]{1,189}")


def find_user(dbsession: Session, login: Any) -> User | None:
    """Return the user called *login*, or ``None`` (no query for a bad login)."""
    if not isinstance(login, str) or not LOGIN_PATTERN.fullmatch(login):
        return None
    return dbsession.scalars(select(User).where(User.login == login)).one_or_none()


def find_group(dbsession: Session, name: Any) -> Group | None:
    """Return the group called *name*, or ``None`` (no query for a bad name)."""
    if not isinstance(name, str) or not GROUP_PATTERN.fullmatch(name):
        return None
    return dbsession.scalars(select(Group).where(Group.name == name)).one_or_none()


def _check_profile(data: Data, errors: FieldErrors) -> None:
    if "email" in data:
        email = data["email"]
        if not isinstance(email, str) or (email and not EMAIL_PATTERN.fullmatch(email)):
            errors.append({"field": "email", "message": "Not an email address."})
    if "fullname" in data:
        fullname = data["fullname"]
        if not isinstance(fullname, str) or len(fullname) > 200:
            errors.append({"field": "fullname", "message": "At most 200 characters."})
    if "password" in data:
        problem = password_problem(data["password"])
        if problem:
            errors.append({"field": "password", "message": problem})
    if "active" in data and not isinstance(data["active"], bool):
        errors.append({"field": "active", "message": "Must be true or false."})


def _resolve_groups(dbsession: Session, names: Any, errors: FieldErrors) -> list[Group]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        errors.append({"field": "groups", "message": "A list of group names."})
        return []
    groups = list(dbsession.scalars(select(Group).where(Group.name.in_(set(names)))))
    missing = sorted(set(names) - {group.name for group in groups})
    if missing:
        errors.append(
            {"field": "groups", "message": f"No such group: {', '.join(missing)}."}
        )
    return groups


def create_user(dbsession: Session, data: Data) -> User:
    """Create a user from *data* (login, password, email, fullname, groups)."""
    errors: FieldErrors = []
    login = data.get("login")
    if not isinstance(login, str) or not LOGIN_PATTERN.fullmatch(login):
        errors.append({"field": "login", "message": "1 to 64 of a-z 0-9 . _ -"})
    if "password" not in data:
        errors.append({"field": "password", "message": "Required."})
    _check_profile(data, errors)
    groups = _resolve_groups(dbsession, data.get("groups", []), errors)
    if errors:
        raise Invalid(errors)
    if find_user(dbsession, login) is not None:
        raise NameClash(
            "This login is taken.",
            [{"field": "login", "message": "This login is taken."}],
        )
    user = User(
        login=login,
        password_hash=hash_password(data["password"]),
        email=data.get("email", ""),
        fullname=data.get("fullname", ""),
        active=data.get("active", True),
        groups=groups,
    )
    dbsession.add(user)
    dbsession.flush()
    return user


def update_user(dbsession: Session, user: User, data: Data) -> User:
    """Change *user* from *data*; a new password ends all their sessions."""
    errors: FieldErrors = []
    _check_profile(data, errors)
    groups = (
        _resolve_groups(dbsession, data["groups"], errors) if "groups" in data else None
    )
    if groups is not None and user.is_admin and ADMINS not in {g.name for g in groups}:
        _refuse_last_admin(dbsession, user, errors, "groups")
    if data.get("active") is False and user.is_admin:
        _refuse_last_admin(dbsession, user, errors, "active")
    if errors:
        raise Invalid(errors)
    for field in ("email", "fullname", "active"):
        if field in data:
            setattr(user, field, data[field])
    if groups is not None:
        user.groups = groups
    if "password" in data:
        user.password_hash = hash_password(data["password"])
        end_all_sessions(dbsession, user)
    if data.get("active") is False:
        end_all_sessions(dbsession, user)
    dbsession.flush()
    return user


def delete_user(dbsession: Session, user: User) -> None:
    errors: FieldErrors = []
    if user.is_admin:
        _refuse_last_admin(dbsession, user, errors, "login")
    if errors:
        raise Invalid(errors)
    dbsession.delete(user)
    dbsession.flush()


def _refuse_last_admin(
    dbsession: Session, user: User, errors: FieldErrors, field: str
) -> None:
    admins = dbsession.scalar(
        select(func.count(User.id))
        .join(User.groups)
        .where(Group.name == ADMINS, User.active.is_(True), User.id != user.id)
    )
    if not admins:
        errors.append(
            {"field": field, "message": "The site must keep at least one active admin."}
        )


def create_group(dbsession: Session, data: Data) -> Group:
    errors: FieldErrors = []
    name = data.get("name")
    if not isinstance(name, str) or not GROUP_PATTERN.fullmatch(name):
        errors.append({"field": "name", "message": "1 to 64 of a-z 0-9 . _ -"})
    title = data.get("title", "")
    if not isinstance(title, str) or len(title) > 200:
        errors.append({"field": "title", "message": "At most 200 characters."})
    if errors:
        raise Invalid(errors)
    if find_group(dbsession, name) is not None:
        raise NameClash(
            "This name is taken.", [{"field": "name", "message": "This name is taken."}]
        )
    group = Group(name=name, title=title)
    dbsession.add(group)
    dbsession.flush()
    return group


def update_group(dbsession: Session, group: Group, data: Data) -> Group:
    title = data.get("title", group.title)
    if not isinstance(title, str) or len(title) > 200:
        raise Invalid([{"field": "title", "message": "At most 200 characters."}])
    group.title = title
    dbsession.flush()
    return group


def delete_group(dbsession: Session, group: Group) -> None:
    if group.name == ADMINS:
        raise Invalid([{"field": "name", "message": "The admins group stays."}])
    dbsession.delete(group)
    dbsession.flush()
