"""The SMTP server fixture (``smtp``) is shared: see tests/conftest.py."""
