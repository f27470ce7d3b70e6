"""Small coach preferences kept as key/value text in the ``setting`` table.

Only plain, non-secret values belong here: the database file is copied into
backups and exports, so passwords go to the system keyring instead
(see ``coachdesk.mail``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import ValidationError
from ..models import Setting
from ..storage import Database


def get_setting(db: Database, key: str) -> str | None:
    """The stored text for ``key``, or ``None`` when nothing is saved."""
    with db.session() as s:
        row = s.get(Setting, key)
        return row.value if row is not None else None


def put_setting(db: Database, key: str, value: str | None) -> None:
    """Save ``value`` under ``key``; ``None`` removes the setting."""
    with db.session() as s:
        row = s.get(Setting, key)
        if value is None:
            if row is not None:
                s.delete(row)
            return
        if row is None:
            row = Setting(key=key, value=value)
        else:
            row.value = value
        s.add(row)


def get_json(db: Database, key: str):
    """The JSON value stored under ``key``, or ``None`` when absent or unreadable."""
    raw = get_setting(db, key)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def put_json(db: Database, key: str, value) -> None:
    put_setting(db, key, None if value is None else json.dumps(value, ensure_ascii=False))


# -- the coach's profile (the report's cover) ------------------------------------------------

COACH_NAME_KEY = "coach_name"
COACH_CREDENTIALS_KEY = "coach_credentials"
COACH_LOGO_KEY = "coach_logo_path"
#: the logo's bytes (base64), kept in the practice: a practice copied to another computer
#: keeps its logo, where the path above may point at nothing
COACH_LOGO_IMAGE_KEY = "coach_logo_image"
NAME_MAX = 120
CREDENTIALS_MAX = 120
LOGO_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class CoachProfile:
    """Who the coach is, as a report's cover shows it: "Anne Martin, PCC" and a logo.

    ``logo_path`` is the absolute path of a PNG or JPEG file, or "" when there is none.
    The file is read when a report is made; if it has gone by then, the report is made
    without it.
    """

    name: str = ""
    credentials: str = ""
    logo_path: str = ""

    @property
    def signature(self) -> str:
        """"Anne Martin, PCC" (or just the name, or "")."""
        if self.name and self.credentials:
            return f"{self.name}, {self.credentials}"
        return self.name or self.credentials


def _one_line(value, field: str, label: str, limit: int) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        raise ValidationError(f"The {label} is too long (at most {limit} characters).", field)
    return text


def image_kind(path: Path) -> str | None:
    """"png" or "jpeg" from the file's first bytes (not its name), else None."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def check_logo(logo_path) -> str:
    """The logo as an absolute path ("" for none); a ValidationError on ``logo_path`` unless
    it is an existing PNG or JPEG image that can be read."""
    raw = str(logo_path or "").strip()
    if not raw:
        return ""
    path = Path(raw).expanduser()
    if not path.is_file():
        raise ValidationError(f"There is no image file at {raw}.", "logo_path")
    if path.stat().st_size > LOGO_MAX_BYTES:
        raise ValidationError("The logo is larger than 10 MB; please choose a smaller image.",
                              "logo_path")
    if image_kind(path) is None:
        raise ValidationError("The logo must be a PNG or JPEG image.", "logo_path")
    try:
        from reportlab.lib.utils import ImageReader

        reader = ImageReader(str(path))
        w, h = reader.getSize()
        reader.getRGBData()  # decode it all: a truncated file fails here, not in a report
    except Exception:  # noqa: BLE001 - any decoder failure means an unusable image
        raise ValidationError("The logo image cannot be read (the file may be damaged).",
                              "logo_path") from None
    if w <= 0 or h <= 0:
        raise ValidationError("The logo image is empty.", "logo_path")
    return str(path.resolve())


def coach_profile(db: Database) -> CoachProfile:
    return CoachProfile(name=(get_setting(db, COACH_NAME_KEY) or "").strip(),
                        credentials=(get_setting(db, COACH_CREDENTIALS_KEY) or "").strip(),
                        logo_path=(get_setting(db, COACH_LOGO_KEY) or "").strip())


def set_coach_profile(db: Database, name: str, credentials: str, logo_path) -> CoachProfile:
    """Save the coach's name, credentials ("PCC", "MCC, EMCC Senior Practitioner") and logo
    (an existing PNG/JPEG, or ""/None for none). Nothing is saved if any of them is wrong."""
    clean_name = _one_line(name, "name", "name", NAME_MAX)
    clean_credentials = _one_line(credentials, "credentials", "credentials", CREDENTIALS_MAX)
    raw = str(logo_path or "").strip()
    stored = (get_setting(db, COACH_LOGO_KEY) or "").strip()
    kept = get_setting(db, COACH_LOGO_IMAGE_KEY) or ""
    if raw and raw == stored and kept and not Path(raw).expanduser().is_file():
        clean_logo, image = stored, kept  # the file stayed on the computer it was chosen on
    else:
        clean_logo, image = check_logo(logo_path), ""
        if clean_logo:
            import base64

            try:
                image = base64.b64encode(Path(clean_logo).read_bytes()).decode("ascii")
            except OSError:
                raise ValidationError("The logo file could not be read; please choose it "
                                      "again.", "logo_path") from None
    with db.session() as s:
        for key, value in ((COACH_NAME_KEY, clean_name),
                           (COACH_CREDENTIALS_KEY, clean_credentials),
                           (COACH_LOGO_KEY, clean_logo), (COACH_LOGO_IMAGE_KEY, image)):
            row = s.get(Setting, key)
            if not value:
                if row is not None:
                    s.delete(row)
                continue
            if row is None:
                row = Setting(key=key, value=value)
            else:
                row.value = value
            s.add(row)
    return CoachProfile(clean_name, clean_credentials, clean_logo)


# -- the default session length ---------------------------------------------------------------

SESSION_MINUTES_KEY = "default_session_minutes"
DEFAULT_SESSION_MINUTES = 60
SESSION_MINUTES_MIN = 5
SESSION_MINUTES_MAX = 12 * 60  # as long as a session may last (services/sessions.py)


def default_session_minutes(db: Database) -> int:
    """How long a new session lasts unless the coach says otherwise (minutes, 60 if not set).

    A stored value that is not a whole number in bounds (edited by hand, say) gives 60."""
    raw = (get_setting(db, SESSION_MINUTES_KEY) or "").strip()
    try:
        minutes = int(raw)
    except ValueError:
        return DEFAULT_SESSION_MINUTES
    if not SESSION_MINUTES_MIN <= minutes <= SESSION_MINUTES_MAX:
        return DEFAULT_SESSION_MINUTES
    return minutes


def set_default_session_minutes(db: Database, minutes) -> int:
    """Save the default session length; a ValidationError on ``default_session_minutes``
    unless it is a whole number of minutes from 5 to 720 (12 hours)."""
    if isinstance(minutes, bool):
        minutes = None
    try:
        value = int(str(minutes).strip()) if not isinstance(minutes, int) else minutes
    except ValueError:
        value = None
    if value is None or not SESSION_MINUTES_MIN <= value <= SESSION_MINUTES_MAX:
        raise ValidationError(
            f"The default session length must be a whole number of minutes from "
            f"{SESSION_MINUTES_MIN} to {SESSION_MINUTES_MAX} (12 hours).",
            "default_session_minutes")
    put_setting(db, SESSION_MINUTES_KEY, str(value))
    return value


# -- how dates read (coachdesk.dates) ----------------------------------------------------------

DATE_FORMAT_KEY = "date_format"
DATE_LANGUAGE_KEY = "date_language"


def date_style(db: Database):
    """The practice's ``coachdesk.dates.DateStyle``: what the coach chose in Settings, and
    for what is not chosen (or no longer known) the system's default."""
    from .. import dates

    default = dates.system_default()
    fmt = (get_setting(db, DATE_FORMAT_KEY) or "").strip()
    language = (get_setting(db, DATE_LANGUAGE_KEY) or "").strip()
    return dates.DateStyle(fmt if fmt in dates.FORMATS else default.format,
                           language if language in dates.LANGUAGES else default.language)


def set_date_style(db: Database, fmt: str, language: str):
    """Save the date format (a key of ``coachdesk.dates.FORMATS``) and the language for month
    names (a key of ``LANGUAGES``); a ValidationError on ``date_format`` or ``date_language``
    for anything else. Returns the saved ``DateStyle``; does not apply it (``dates.use``)."""
    from .. import dates

    if fmt not in dates.FORMATS:
        raise ValidationError("Please choose one of the date formats offered.", "date_format")
    if language not in dates.LANGUAGES:
        raise ValidationError("Please choose one of the languages offered.", "date_language")
    with db.session() as s:
        for key, value in ((DATE_FORMAT_KEY, fmt), (DATE_LANGUAGE_KEY, language)):
            row = s.get(Setting, key) or Setting(key=key, value=value)
            row.value = value
            s.add(row)
    return dates.DateStyle(fmt, language)


def apply_date_style(db: Database):
    """Make the practice's date style the one in force for this process; returns it."""
    from .. import dates

    style = date_style(db)
    dates.use(style)
    return style


# -- the idle lock of an encrypted practice (ui/lock.py) ---------------------------------------

LOCK_MINUTES_KEY = "lock_after_idle_minutes"
DEFAULT_LOCK_MINUTES = 10
LOCK_MINUTES_MAX = 240  # four hours; 0 means "never lock when idle"


def lock_minutes(db: Database) -> int:
    """Minutes without a key press or mouse move before the window of an encrypted practice
    locks (10 if not set; 0: never on idle, it still locks with the system's screen lock).
    A stored value that is not a whole number from 0 to 240 gives 10."""
    raw = (get_setting(db, LOCK_MINUTES_KEY) or "").strip()
    try:
        minutes = int(raw)
    except ValueError:
        return DEFAULT_LOCK_MINUTES
    return minutes if 0 <= minutes <= LOCK_MINUTES_MAX else DEFAULT_LOCK_MINUTES


def set_lock_minutes(db: Database, minutes) -> int:
    """Save the idle-lock delay; a ValidationError on ``lock_after_idle_minutes`` unless it is
    a whole number of minutes from 0 (never) to 240."""
    value = minutes if isinstance(minutes, int) and not isinstance(minutes, bool) else None
    if value is None and isinstance(minutes, str) and minutes.strip().isdigit():
        value = int(minutes.strip())
    if value is None or not 0 <= value <= LOCK_MINUTES_MAX:
        raise ValidationError(
            f"Lock after must be a whole number of minutes from 0 (never) to {LOCK_MINUTES_MAX}.",
            LOCK_MINUTES_KEY)
    put_setting(db, LOCK_MINUTES_KEY, str(value))
    return value
