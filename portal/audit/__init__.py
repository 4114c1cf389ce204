"""The audit log: writing it, reading it, its pages."""
