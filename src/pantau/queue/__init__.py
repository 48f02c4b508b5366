"""APPAPO: the citizens' passport-queue booking (antrean paspor)."""
