"""Export a backup of the wallet to a file, and restore one (merge or replace, previewed)."""

from ui.backup.dialogs import ExportBackupDialog, RestoreBackupDialog

__all__ = ["ExportBackupDialog", "RestoreBackupDialog"]
