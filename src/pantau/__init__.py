"""Pantau: supervision of foreign nationals (WNA) through signed QR stickers, and APPAPO queue booking."""

__version__ = "0.1.0"
