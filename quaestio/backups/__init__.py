"""Backups, restores and upgrades: what an operator needs so that no data is ever lost
(`quaestio backup`, `quaestio restore`, and `quaestio setup`'s guarded migrations)."""
