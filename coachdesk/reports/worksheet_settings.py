"""The coach's GROW worksheet settings: the four stages, the questions printed under each
(a ``Setting``, or :data:`DEFAULT_PROMPTS`: questions the coach asks, not advice) and the
paper size every printed document uses.

``worksheet`` prints with these and re-exports every name here, so
``worksheet.get_prompts`` and the rest work as before.
"""

from __future__ import annotations

import json
import logging

from ..errors import ValidationError
from ..services.settings import get_setting, put_setting
from ..storage import Database
from . import styles as st

log = logging.getLogger(__name__)

STAGES = ("goal", "reality", "options", "will")
STAGE_TITLES = {"goal": "Goal", "reality": "Reality", "options": "Options", "will": "Will"}
STAGE_HINTS = {
    "goal": "Where do you want to get to?",
    "reality": "Where are you now?",
    "options": "What could you do?",
    "will": "What will you do?",
}

DEFAULT_PROMPTS: dict[str, list[str]] = {
    "goal": [
        "What do you want to achieve by the end of this session?",
        "What would success look like in six months?",
        "How will you know you have got there?",
    ],
    "reality": [
        "What is happening now?",
        "What have you tried so far?",
        "What is getting in the way?",
        "What is within your control?",
    ],
    "options": [
        "What else could you do?",
        "If there were no constraints, what would you do?",
        "What would someone you admire do in your place?",
        "Which option appeals to you most, and why?",
    ],
    "will": [
        "What will you do, and when?",
        "What might get in the way, and who could support you?",
        "How committed are you, on a scale of 1 to 10?",
    ],
}

PROMPTS_KEY = "grow_prompts"
PAPER_KEY = "paper_size"
MAX_PROMPTS_PER_STAGE = 12
MAX_PROMPT_LENGTH = 300


def _copy_prompts(prompts: dict[str, list[str]]) -> dict[str, list[str]]:
    return {stage: list(prompts[stage]) for stage in STAGES}


def validate_prompts(prompts) -> dict[str, list[str]]:
    """Check a prompts mapping and return it normalised (stage keys lower case, text stripped).

    All four stages must be there; each is a list (it may be empty) of non-empty strings.
    """
    if not isinstance(prompts, dict):
        raise ValidationError("The GROW questions must be given for each stage: Goal, Reality, "
                              "Options and Will.", "prompts")
    normalised: dict[str, list[str]] = {}
    for key, value in prompts.items():
        stage = str(key).strip().lower()
        if stage not in STAGES:
            raise ValidationError(f"“{str(key)[:40]}” is not a GROW stage (Goal, Reality, "
                                  "Options, Will).", "prompts")
        if stage in normalised:
            raise ValidationError(f"The {STAGE_TITLES[stage]} questions are given twice.",
                                  "prompts")
        title = STAGE_TITLES[stage]
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise ValidationError(f"The {title} questions must be a list of questions.", "prompts")
        if len(value) > MAX_PROMPTS_PER_STAGE:
            raise ValidationError(f"Please keep to {MAX_PROMPTS_PER_STAGE} questions or fewer "
                                  f"for {title}.", "prompts")
        questions = []
        for i, q in enumerate(value, 1):
            if not isinstance(q, str) or not q.strip():
                raise ValidationError(f"{title} question {i} is empty.", "prompts")
            q = " ".join(q.split())
            if len(q) > MAX_PROMPT_LENGTH:
                raise ValidationError(f"{title} question {i} is too long (at most "
                                      f"{MAX_PROMPT_LENGTH} characters).", "prompts")
            questions.append(q)
        normalised[stage] = questions
    missing = [STAGE_TITLES[s] for s in STAGES if s not in normalised]
    if missing:
        raise ValidationError(f"Questions are missing for: {', '.join(missing)}.", "prompts")
    return {stage: normalised[stage] for stage in STAGES}


def get_prompts(db: Database) -> dict[str, list[str]]:
    """The coach's GROW questions, or the defaults when none (or nothing usable) is saved."""
    raw = get_setting(db, PROMPTS_KEY)
    if raw:
        try:
            return validate_prompts(json.loads(raw))
        except (ValueError, ValidationError) as exc:
            log.warning("ignoring saved GROW questions (%s); using the defaults", exc)
    return _copy_prompts(DEFAULT_PROMPTS)


def set_prompts(db: Database, prompts) -> dict[str, list[str]]:
    """Save the coach's GROW questions (validated); ``None`` goes back to the defaults."""
    if prompts is None:
        put_setting(db, PROMPTS_KEY, None)
        return _copy_prompts(DEFAULT_PROMPTS)
    clean = validate_prompts(prompts)
    put_setting(db, PROMPTS_KEY, json.dumps(clean, ensure_ascii=False))
    return clean


def get_paper_size(db: Database) -> str:
    """``"A4"`` (the default) or ``"Letter"``."""
    raw = get_setting(db, PAPER_KEY)
    if raw:
        try:
            return st.normalize_paper(raw)
        except ValidationError:
            log.warning("ignoring saved paper size %r; using A4", raw)
    return "A4"


def set_paper_size(db: Database, paper: str) -> str:
    paper = st.normalize_paper(paper)
    put_setting(db, PAPER_KEY, paper)
    return paper


def resolve_prompts(prompts) -> dict[str, list[str]]:
    """The questions to print: ``prompts`` checked, or a copy of the defaults for ``None``."""
    return _copy_prompts(DEFAULT_PROMPTS) if prompts is None else validate_prompts(prompts)
