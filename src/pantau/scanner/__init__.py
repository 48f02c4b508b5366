"""The scanner web app for phones (/scan/): offline-first sticker verification and scan outbox."""
