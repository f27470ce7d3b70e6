"""Files shipped with CoachDesk (fonts, documents, icons, templates): data, no code.

Installed as the package ``coachdesk_resources``; always located with
``coachdesk.bundled.resources_dir()``, never by a path built from ``__file__``.
"""
