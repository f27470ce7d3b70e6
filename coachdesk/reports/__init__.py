"""Printed documents (PDF through reportlab), engine side: no Qt here.

``styles`` holds the shipped font, colours, paper sizes and paragraph styles;
``worksheet`` builds GROW worksheets, blank or filled in from a session.
"""

from .styles import ReportError

__all__ = ["ReportError"]
