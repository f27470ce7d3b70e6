"""Coach text on screen is shown as typed, never read as markup (issue 12, item 15).

Qt shows a tooltip, a message box made by ``QMessageBox.warning()`` and its kin, and a
``QLabel`` left at ``Qt.AutoText`` as rich text whenever ``Qt.mightBeRichText()`` says so:
a client named ``<img src=x><a href=file:///etc/passwd>x</a>`` would become a picture and a
link. Two ways keep it text:

* widgets we make ourselves (labels, message boxes built with ``QMessageBox(...)``) get
  ``setTextFormat(Qt.PlainText)`` (a message box's informative text follows it);
* text handed to something that guesses (tooltips, the static ``QMessageBox`` calls) goes
  through :func:`as_plain` first; an item model whose tooltips carry coach text is
  decorated with :func:`plain_tips`, so every branch of its ``data()`` is covered.

The status bar draws its message as plain text by itself (``QStatusBar`` paints it), so it
needs neither.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGuiNamespace  # mightBeRichText lives in QtGui's Qt

__all__ = ["as_plain", "plain_tips"]

_TIP = Qt.ItemDataRole.ToolTipRole


def as_plain(text: object) -> str:
    """``text`` (any object, ``None`` as empty) as a string Qt shows exactly as typed.

    Text Qt would not read as markup is returned unchanged. Text it would read as markup is
    escaped (``<``, ``>``, ``&``) inside a rich-text paragraph that keeps its line breaks
    and spaces, so it still reads as typed: a name stays a name, never a link or a picture.
    """
    value = "" if text is None else str(text)
    if not QtGuiNamespace.mightBeRichText(value):
        return value
    return "<p style='white-space:pre-wrap'>" + html.escape(value, quote=False) + "</p>"


def plain_tips(model_class: type) -> type:
    """Class decorator for an item model: what its ``data()`` gives for ``ToolTipRole`` goes
    through :func:`as_plain`, whichever branch made it. Other roles are untouched. A subclass
    that does not define its own ``data()`` inherits the wrapped one (never wrapped twice)."""
    inner = model_class.__dict__.get("data")
    if inner is None:
        raise TypeError(f"{model_class.__name__} defines no data() of its own")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        value = inner(self, index, role)
        if role == _TIP and isinstance(value, str):
            return as_plain(value)
        return value

    data.__doc__ = inner.__doc__
    data.__wrapped__ = inner
    model_class.data = data
    return model_class
