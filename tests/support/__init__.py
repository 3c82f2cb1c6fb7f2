"""Fakes that speak real protocols at the network edge (see fake_discord.py)."""
