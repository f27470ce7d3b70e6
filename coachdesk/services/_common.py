"""Helpers every service module uses."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel

from ..errors import NotFoundError, ValidationError
from ..models import utcnow

T = TypeVar("T", bound=SQLModel)


def get_or_raise(session: Session, model: type[T], obj_id: int | None, label: str) -> T:
    obj = session.get(model, obj_id) if obj_id is not None else None
    if obj is None:
        raise NotFoundError(f"That {label} no longer exists (it may have been removed).")
    return obj


def check_reference(session: Session, model: type[SQLModel], obj_id, field: str, label: str,
                    required: bool = False) -> None:
    """An id typed into a form must name an existing record: a ``ValidationError`` on ``field``."""
    if obj_id is None:
        if required:
            raise ValidationError(f"Please choose a {label}.", field)
        return
    if session.get(model, obj_id) is None:
        raise ValidationError(f"That {label} no longer exists (it may have been removed).", field)


def apply_changes(obj: SQLModel, values: dict) -> bool:
    """Set the given attributes; return whether anything actually changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    if changed and hasattr(obj, "updated_at"):
        obj.updated_at = utcnow()
    return changed


def set_archived(session: Session, model: type[T], obj_id: int, label: str, archived: bool) -> T:
    obj = get_or_raise(session, model, obj_id, label)
    apply_changes(obj, {"archived": archived})
    session.add(obj)
    return obj
