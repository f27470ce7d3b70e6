"""CoachDesk's window: thin PySide6 views over coachdesk.services."""
